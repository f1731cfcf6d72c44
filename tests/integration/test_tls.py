"""The modules over TLS against the real broker: SASL_SSL with the CA, SSL with a client
certificate, and the refusals a TLS listener gives (an unknown CA, a plaintext client), each
with its own message and nothing changed."""
from tests.integration.kafka_helpers import (assert_no_secret, bindings, conn_args, credentials, topic_state,
                                             unique)
from tests.lib.ansible_run import run_module
from tests.lib.kafka_server import CertificateAuthority

CONNECT = "Unable to connect to Kafka at %s: "


def sasl_ssl(kafka, **overrides):
    args = dict(conn_args(kafka), bootstrap_servers=["127.0.0.1:%d" % kafka.sasl_ssl_port],
                security_protocol="SASL_SSL", ssl_cafile=kafka.ca.cert)
    args.update(overrides)
    return args


def test_sasl_ssl_creates_and_then_changes_nothing(kafka_tls):
    topic, user, password = unique("tls.topic."), unique("tls-user-"), unique("tls-pw-")
    topics = dict(sasl_ssl(kafka_tls), partitions=1, replication_factor=1, topics=[{"name": topic}])
    # kafka_scram_user also logs in as the user over TLS to tell whether the password changed.
    users = dict(sasl_ssl(kafka_tls), name=user, password=password)
    for args, module in ((topics, "kafka_topic"), (users, "kafka_scram_user")):
        first = run_module(module, args)
        assert not first.failed and first["changed"] is True, first
        again = run_module(module, args)
        assert not again.failed and again["changed"] is False, again
        assert_no_secret(first, password, kafka_tls.admin_password)
    assert topic_state(kafka_tls, [topic])[topic]["partitions"] == 1
    assert credentials(kafka_tls, [user]) == {user: {"SCRAM_SHA_512": 4096}}


def test_ssl_with_a_client_certificate(kafka_tls):
    # The listener maps the certificate's CN to the principal: CN=admin is the super user.
    cert, key = kafka_tls.ca.issue(unique("admin-client-"))
    admin_cert, admin_key = kafka_tls.ca.issue("admin")
    principal = "User:" + unique("tls-svc-")
    args = {"bootstrap_servers": ["127.0.0.1:%d" % kafka_tls.ssl_port], "security_protocol": "SSL",
            "ssl_cafile": kafka_tls.ca.cert, "ssl_certfile": admin_cert, "ssl_keyfile": admin_key,
            "acls": [{"principal": principal, "resource_type": "topic", "resource_name": "fte.status.updates",
                      "operations": ["read"]}]}
    created = run_module("kafka_acl", args)
    assert not created.failed and created["changed"] is True, created
    assert bindings(kafka_tls, principal) == [("TOPIC", "fte.status.updates", "LITERAL", "READ", "ALLOW")]
    info = run_module("kafka_info", dict({k: v for k, v in args.items() if k != "acls"}, gather=["acls"]))
    assert any(a["principal"] == principal for a in info["acls"]), info
    # Another certificate of the same CA is another principal, with no rights.
    other = run_module("kafka_acl", dict(args, ssl_certfile=cert, ssl_keyfile=key, acls=[
        {"principal": principal, "resource_type": "topic", "resource_name": "fte.results.completed",
         "operations": ["read"]}]))
    assert other.failed
    assert bindings(kafka_tls, principal) == [("TOPIC", "fte.status.updates", "LITERAL", "READ", "ALLOW")]


def test_a_ca_that_did_not_sign_the_broker_certificate(kafka_tls, tmp_path):
    stranger = CertificateAuthority(str(tmp_path), "stranger-ca")
    topic = unique("tls.untrusted.")
    args = sasl_ssl(kafka_tls, ssl_cafile=stranger.cert, connect_timeout=5)
    result = run_module("kafka_topic", dict(args, partitions=1, replication_factor=1, topics=[{"name": topic}]))
    assert result.failed
    assert result["msg"] == (CONNECT % args["bootstrap_servers"][0] + "the TLS handshake failed (unable to get "
                             "local issuer certificate): is ssl_cafile the CA that signed the broker's certificate, "
                             "and does that certificate name the address in bootstrap_servers (ssl_check_hostname)?")
    assert topic_state(kafka_tls, [topic]) == {}
    assert_no_secret(result, kafka_tls.admin_password)


def test_a_plaintext_client_is_refused_by_the_tls_listener(kafka_tls):
    topic = unique("tls.plain.")
    args = dict(conn_args(kafka_tls), bootstrap_servers=["127.0.0.1:%d" % kafka_tls.sasl_ssl_port],
                connect_timeout=5)
    result = run_module("kafka_topic", dict(args, partitions=1, replication_factor=1, topics=[{"name": topic}]))
    assert result.failed
    assert result["msg"] == (CONNECT % args["bootstrap_servers"][0] + "the broker answered with a TLS alert at "
                             "the SASL handshake, as a TLS listener does to a plaintext client: should "
                             "security_protocol be SASL_SSL?")
    assert topic_state(kafka_tls, [topic]) == {}
    assert_no_secret(result, kafka_tls.admin_password)
