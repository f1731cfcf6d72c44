"""Connection errors through ansible-playbook against the real broker: each one names its own
cause (the client probes the bootstrap servers only after kafka-python failed), none changes
the cluster and none shows a password."""
import socket

from tests.integration.kafka_helpers import (assert_no_secret, bindings, conn_args, credentials, topic_state,
                                             unique)
from tests.lib.ansible_run import run_module

CONNECT = "Unable to connect to Kafka at %s: "


def failing(kafka, **overrides):
    """conn_args with a short connect_timeout: kafka-python retries a failed bootstrap until it."""
    return dict(conn_args(kafka), connect_timeout=5, **overrides)


def test_wrong_password_is_an_authentication_failure(kafka):
    topic, wrong = unique("conn.wrong."), unique("wrong-pw-")
    result = run_module("kafka_topic", dict(failing(kafka, sasl_password=wrong), partitions=1, replication_factor=1,
                                            topics=[{"name": topic}]))
    assert result.failed
    assert result["msg"] == (CONNECT % kafka.bootstrap + "authentication failed for sasl_username 'admin' with "
                             "SCRAM-SHA-512 (wrong password, or the user has no SCRAM-SHA-512 credential)")
    assert topic_state(kafka, [topic]) == {}
    assert_no_secret(result, wrong, kafka.admin_password)


def test_unknown_user_and_missing_credential_are_authentication_failures(kafka):
    principal = "User:" + unique("conn-svc-")
    args = {"acls": [{"principal": principal, "resource_type": "group", "resource_name": "digital-fte",
                      "operations": ["read"]}]}
    nobody = unique("nobody-")
    # The broker offers SCRAM-SHA-256 too, but the admin's only credential is SCRAM-SHA-512.
    for overrides, cause in (
            ({"sasl_username": nobody}, "authentication failed for sasl_username '%s' with SCRAM-SHA-512 (wrong "
                                        "password, or the user has no SCRAM-SHA-512 credential)" % nobody),
            ({"sasl_mechanism": "SCRAM-SHA-256"}, "authentication failed for sasl_username 'admin' with "
                                                  "SCRAM-SHA-256 (wrong password, or the user has no "
                                                  "SCRAM-SHA-256 credential)")):
        result = run_module("kafka_acl", dict(failing(kafka, **overrides), **args))
        assert result.failed and result["msg"] == CONNECT % kafka.bootstrap + cause
        assert_no_secret(result, kafka.admin_password)
    assert bindings(kafka, principal) == []


def test_mechanism_the_broker_does_not_offer(kafka):
    user, password = unique("conn-user-"), unique("pw-")
    result = run_module("kafka_scram_user", dict(failing(kafka, sasl_mechanism="PLAIN"), name=user,
                                                 password=password))
    assert result.failed
    assert result["msg"] == (CONNECT % kafka.bootstrap + "the broker does not offer sasl_mechanism PLAIN; it "
                             "offers SCRAM-SHA-256, SCRAM-SHA-512")
    assert credentials(kafka, [user]) == {}
    assert_no_secret(result, password, kafka.admin_password)


def test_plain_wrong_password_is_an_authentication_failure(kafka):
    # The controller listener is the fixture's only PLAIN one; SASL comes before any request there too.
    controller, topic, wrong = "127.0.0.1:%d" % kafka.controller_port, unique("conn.plain."), unique("wrong-pw-")
    result = run_module("kafka_topic", dict(failing(kafka, bootstrap_servers=[controller], sasl_mechanism="PLAIN",
                                                    sasl_password=wrong),
                                            partitions=1, replication_factor=1, topics=[{"name": topic}]))
    assert result.failed
    assert result["msg"] == (CONNECT % controller + "authentication failed for sasl_username 'admin' with PLAIN "
                             "(wrong password, or no such user)")
    assert topic_state(kafka, [topic]) == {}
    assert_no_secret(result, wrong, kafka.admin_password)


def test_unreachable_broker_names_each_server_and_its_error(kafka):
    topic, wrong = unique("conn.down."), unique("wrong-pw-")
    args = dict(partitions=1, replication_factor=1, topics=[{"name": topic}])
    # Bound but not listening, and held by the test: the port refuses connections.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        down = "127.0.0.1:%d" % closed.getsockname()[1]
        result = run_module("kafka_topic", dict(failing(kafka, bootstrap_servers=[down]), **args))
        assert result.failed
        assert result["msg"] == (CONNECT % down + "no bootstrap server reachable (%s: [Errno 111] Connection "
                                 "refused)" % down)
        assert_no_secret(result, kafka.admin_password)

        # The first server that answers decides: here the broker, which refuses the password.
        both = [down, kafka.bootstrap]
        result = run_module("kafka_topic", dict(failing(kafka, bootstrap_servers=both, sasl_password=wrong), **args))
        assert result.failed
        assert result["msg"] == (CONNECT % ",".join(both) + "authentication failed for sasl_username 'admin' "
                                 "with SCRAM-SHA-512 (wrong password, or the user has no SCRAM-SHA-512 credential)")
        assert_no_secret(result, wrong)
    assert topic_state(kafka, [topic]) == {}
