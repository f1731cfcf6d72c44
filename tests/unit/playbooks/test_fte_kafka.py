# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""The connection settings of the one client setup of the probes and verifiers
(playbooks/files/fte_kafka.py); tests/integration/test_kafka_probe.py reads a real broker."""
import pytest

from tests.lib import paths

fte_kafka = paths.load("playbooks/files/fte_kafka.py")

SCRAM = {"sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "fte-app", "sasl_plain_password": "pw"}


@pytest.mark.parametrize("kwargs, expected", [
    ({"bootstrap": "k1:9092"}, {"bootstrap_servers": ["k1:9092"], "security_protocol": "PLAINTEXT"}),
    ({"bootstrap": "k1:9092, k2:9092,", "cafile": "/ca.pem"},
     {"bootstrap_servers": ["k1:9092", "k2:9092"], "security_protocol": "SSL", "ssl_cafile": "/ca.pem"}),
    ({"bootstrap": ["k1:9092"], "user": "fte-app", "password": "pw"},
     dict(SCRAM, bootstrap_servers=["k1:9092"], security_protocol="SASL_PLAINTEXT")),
    ({"bootstrap": "k1:9093", "user": "fte-app", "password": "pw", "cafile": "/ca.pem"},
     dict(SCRAM, bootstrap_servers=["k1:9093"], security_protocol="SASL_SSL", ssl_cafile="/ca.pem")),
    ({"bootstrap": "k1:9092", "user": "fte-app", "password": "pw", "mechanism": "SCRAM-SHA-256"},
     dict(SCRAM, bootstrap_servers=["k1:9092"], security_protocol="SASL_PLAINTEXT", sasl_mechanism="SCRAM-SHA-256")),
    # An explicit protocol wins: a user with PLAINTEXT is not sent.
    ({"bootstrap": "k1:9092", "user": "fte-app", "password": "pw", "protocol": "PLAINTEXT"},
     {"bootstrap_servers": ["k1:9092"], "security_protocol": "PLAINTEXT"}),
])
def test_settings(kwargs, expected):
    assert fte_kafka.settings(**kwargs) == expected


@pytest.mark.parametrize("kwargs, message", [
    ({"bootstrap": ""}, "no bootstrap server given (KAFKA_BOOTSTRAP)"),
    ({"bootstrap": [" ", ""]}, "no bootstrap server given (KAFKA_BOOTSTRAP)"),
    ({"bootstrap": "k1:9092", "protocol": "SASL_SSL"}, "security protocol SASL_SSL needs a user (KAFKA_USER)"),
])
def test_settings_refused(kwargs, message):
    with pytest.raises(ValueError) as error:
        fte_kafka.settings(**kwargs)
    assert str(error.value) == message


@pytest.mark.parametrize("environ, overrides, expected", [
    ({"KAFKA_BOOTSTRAP": "k1:9092,k2:9092", "KAFKA_USER": "fte-app", "KAFKA_PASSWORD": "pw"}, {},
     dict(SCRAM, bootstrap_servers=["k1:9092", "k2:9092"], security_protocol="SASL_PLAINTEXT")),
    ({"KAFKA_BOOTSTRAP": "k1:9093", "KAFKA_USER": "fte-app", "KAFKA_PASSWORD": "pw", "KAFKA_CAFILE": "/ca.pem",
      "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256"}, {},
     dict(SCRAM, bootstrap_servers=["k1:9093"], security_protocol="SASL_SSL", ssl_cafile="/ca.pem",
          sasl_mechanism="SCRAM-SHA-256")),
    # Empty variables count as unset, as a task's environment with an empty value gives them.
    ({"KAFKA_BOOTSTRAP": "k1:9092", "KAFKA_USER": "", "KAFKA_CAFILE": "", "KAFKA_SECURITY_PROTOCOL": ""}, {},
     {"bootstrap_servers": ["k1:9092"], "security_protocol": "PLAINTEXT"}),
    ({"KAFKA_BOOTSTRAP": "k1:9092", "KAFKA_USER": "fte-app", "KAFKA_PASSWORD": "pw"}, {"password": "other"},
     dict(SCRAM, bootstrap_servers=["k1:9092"], security_protocol="SASL_PLAINTEXT", sasl_plain_password="other")),
])
def test_settings_from_env(environ, overrides, expected):
    assert fte_kafka.settings_from_env(environ, **overrides) == expected
