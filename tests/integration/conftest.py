"""Fixtures for integration tests: a real broker from the mirror's Kafka tarball."""
import pytest

from tests.lib.kafka_server import KafkaServer


@pytest.fixture(scope="session")
def kafka(tmp_path_factory):
    """One SASL/SCRAM single-node KRaft broker shared by the session's tests."""
    server = KafkaServer(str(tmp_path_factory.mktemp("kafka"))).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kafka_tls(tmp_path_factory):
    """A second broker that also listens with SASL_SSL and with SSL (client certificates)."""
    server = KafkaServer(str(tmp_path_factory.mktemp("kafka-tls")), tls=True).start()
    yield server
    server.stop()
