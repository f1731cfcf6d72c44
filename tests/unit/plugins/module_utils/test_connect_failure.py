"""Connection errors of the shared client: the message rules, and the probe on loopback."""
import socket
import struct
import threading

import pytest
from kafka.errors import (CoordinatorLoadInProgressError, CoordinatorNotAvailableError, GroupAuthorizationFailedError,
                          NotCoordinatorError)
from kafka.protocol.sasl import (SaslAuthenticateRequest, SaslAuthenticateResponse, SaslHandshakeRequest,
                                 SaslHandshakeResponse)

from ansible_collections.digital_fte.event_backbone.plugins.module_utils import _kafka
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._kafka import (
    KAFKA_ARGUMENT_SPEC,
    KafkaClient,
    connect_failure,
)

TIMEOUT = "KafkaTimeoutError: Unable to bootstrap from ['h1:9092']"
PASSWORD = "s3cret-pw"


@pytest.mark.parametrize("found, username, mechanism, cause", [
    (("unreachable", ["h1:9092: [Errno 111] Connection refused"]), None, None,
     "no bootstrap server reachable (h1:9092: [Errno 111] Connection refused)"),
    (("unreachable", ["h1:9092: timed out", "h2:9092: [Errno -2] Name or service not known"]), "admin",
     "SCRAM-SHA-512",
     "no bootstrap server reachable (h1:9092: timed out; h2:9092: [Errno -2] Name or service not known)"),
    (("mechanism", ["SCRAM-SHA-512"]), "admin", "SCRAM-SHA-256",
     "the broker does not offer sasl_mechanism SCRAM-SHA-256; it offers SCRAM-SHA-512"),
    (("mechanism", ["SCRAM-SHA-512", "SCRAM-SHA-256"]), "admin", "PLAIN",
     "the broker does not offer sasl_mechanism PLAIN; it offers SCRAM-SHA-256, SCRAM-SHA-512"),
    # What a listener without SASL answers to a SaslHandshake.
    (("mechanism", []), "admin", "SCRAM-SHA-512",
     "the broker does not offer sasl_mechanism SCRAM-SHA-512; it offers no SASL mechanism on this listener"),
    (("authentication", None), "x", "SCRAM-SHA-512",
     "authentication failed for sasl_username 'x' with SCRAM-SHA-512 (wrong password, or the user has no "
     "SCRAM-SHA-512 credential)"),
    (("authentication", None), "fte-gateway", "SCRAM-SHA-256",
     "authentication failed for sasl_username 'fte-gateway' with SCRAM-SHA-256 (wrong password, or the user "
     "has no SCRAM-SHA-256 credential)"),
    (("authentication", None), "x", "PLAIN",
     "authentication failed for sasl_username 'x' with PLAIN (wrong password, or no such user)"),
    (("tls", "KEY_VALUES_MISMATCH"), "admin", "SCRAM-SHA-512",
     "the TLS handshake failed (KEY_VALUES_MISMATCH): check ssl_certfile and ssl_keyfile, and that the listener "
     "speaks TLS (security_protocol)"),
    (("tls-verify", "unable to get local issuer certificate"), "admin", "SCRAM-SHA-512",
     "the TLS handshake failed (unable to get local issuer certificate): is "
     "ssl_cafile the CA that signed the broker's certificate, and does that certificate name the address in "
     "bootstrap_servers (ssl_check_hostname)?"),
    (("plaintext", "closed the connection"), "admin", "SCRAM-SHA-512",
     "the broker closed the connection at the SASL handshake, as a TLS listener does to a plaintext client: "
     "should security_protocol be SASL_SSL?"),
    (("plaintext", "answered with a TLS alert"), "admin", "SCRAM-SHA-512",
     "the broker answered with a TLS alert at the SASL handshake, as a TLS listener does to a plaintext client: "
     "should security_protocol be SASL_SSL?"),
    # The probe got through: the library's own error stands.
    (None, "admin", "SCRAM-SHA-512", TIMEOUT),
])
def test_connect_failure_messages(found, username, mechanism, cause):
    assert connect_failure("h1:9092", TIMEOUT, found, username, mechanism) == \
        "Unable to connect to Kafka at h1:9092: " + cause


class Failed(Exception):
    pass


class FakeModule:
    """The module parameters KafkaClient reads; fail_json raises Failed(msg)."""

    def __init__(self, **params):
        self.params = dict(dict((k, v.get("default")) for k, v in KAFKA_ARGUMENT_SPEC.items()),
                           security_protocol="SASL_PLAINTEXT", sasl_username="admin",
                           sasl_password=PASSWORD, connect_timeout=1)
        self.params.update(params)

    def fail_json(self, msg, **kwargs):
        raise Failed(msg)


def recv_exactly(conn, size):
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class FakeBroker:
    """A loopback listener that answers SaslHandshake with `offered` and SaslAuthenticate with
    SASL_AUTHENTICATION_FAILED unless `accept(auth_bytes)`. It hangs up on any other request
    (kafka-python's ApiVersions), so an admin client never gets through it."""

    def __init__(self, offered, accept=lambda auth_bytes: False):
        self.offered, self.accept = offered, accept
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self):
        self.listener.close()

    def _serve(self):
        while True:
            try:
                conn, _peer = self.listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    while self._answer(conn):
                        pass
                except OSError:
                    pass

    def _answer(self, conn):
        head = recv_exactly(conn, 4)
        payload = head and recv_exactly(conn, struct.unpack(">i", head)[0])
        if not payload:
            return False
        # Request header v1: api key, api version, correlation id, client id (int16 length).
        api_key, _version, correlation_id, client_id_length = struct.unpack_from(">hhih", payload)
        body = payload[10 + max(client_id_length, 0):]
        if api_key == SaslHandshakeRequest.API_KEY:
            mechanism = body[2:].decode()
            response = SaslHandshakeResponse(error_code=0 if mechanism in self.offered else 33,
                                             mechanisms=self.offered, version=1)
        elif api_key == SaslAuthenticateRequest.API_KEY:
            accepted = self.accept(body[4:])
            response = SaslAuthenticateResponse(error_code=0 if accepted else 58, auth_bytes=b"",
                                                error_message=None if accepted else "Authentication failed",
                                                version=1)
        else:
            return False
        response.with_header(correlation_id=correlation_id)
        conn.sendall(response.encode(framed=True, header=True))
        return True


@pytest.fixture
def closed_port():
    """A loopback port that refuses connections: bound, never listening, held by the test."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def probe(servers, **params):
    return KafkaClient(FakeModule(bootstrap_servers=servers, **params))._probe()


def test_probe_reports_the_mechanisms_the_broker_offers():
    broker = FakeBroker(["SCRAM-SHA-512"])
    try:
        assert probe([broker.address], sasl_mechanism="SCRAM-SHA-256") == ("mechanism", ["SCRAM-SHA-512"])
    finally:
        broker.close()


@pytest.mark.parametrize("mechanism", ["SCRAM-SHA-512", "PLAIN"])
def test_probe_reports_a_refused_login(mechanism):
    broker = FakeBroker(["SCRAM-SHA-512", "PLAIN"])
    try:
        assert probe([broker.address], sasl_mechanism=mechanism) == ("authentication", None)
    finally:
        broker.close()


def test_probe_plain_login_that_the_broker_accepts_finds_nothing():
    sent = []
    broker = FakeBroker(["PLAIN"], accept=lambda auth_bytes: sent.append(auth_bytes) or True)
    try:
        assert probe([broker.address], sasl_mechanism="PLAIN") is None
    finally:
        broker.close()
    assert sent == [b"admin\0admin\0" + PASSWORD.encode()]


def test_probe_reports_every_unreachable_server_and_the_first_reachable_decides(closed_port):
    refused = "127.0.0.1:%d: [Errno 111] Connection refused" % closed_port
    assert probe(["127.0.0.1:%d" % closed_port] * 2) == ("unreachable", [refused, refused])
    broker = FakeBroker(["SCRAM-SHA-512"])
    try:
        assert probe(["127.0.0.1:%d" % closed_port, broker.address], sasl_mechanism="PLAIN") == (
            "mechanism", ["SCRAM-SHA-512"])
        # Without SASL only reachability can be told apart.
        assert probe([broker.address], security_protocol="PLAINTEXT") is None
    finally:
        broker.close()


@pytest.mark.parametrize("protocol, found", [
    ("SASL_PLAINTEXT", ("plaintext", "closed the connection")),
    # Without SASL no handshake is sent, so there is nothing to hang up on.
    ("PLAINTEXT", None),
])
def test_probe_reports_a_hang_up_at_the_handshake_as_plaintext_on_a_tls_listener(protocol, found):
    listener = socket.create_server(("127.0.0.1", 0))

    def hang_up():
        try:
            conn, _peer = listener.accept()
        except OSError:
            return  # the listener closed: PLAINTEXT sends nothing to hang up on
        conn.close()

    threading.Thread(target=hang_up, daemon=True).start()
    try:
        servers = ["127.0.0.1:%d" % listener.getsockname()[1]]
        assert probe(servers, security_protocol=protocol) == found
    finally:
        listener.close()


def test_failed_admin_connection_names_the_cause_never_the_password():
    broker = FakeBroker(["SCRAM-SHA-512"])
    try:
        client = KafkaClient(FakeModule(bootstrap_servers=[broker.address]))
        with pytest.raises(Failed) as exc:
            client.admin
    finally:
        broker.close()
    assert str(exc.value) == (
        "Unable to connect to Kafka at %s: authentication failed for sasl_username 'admin' with SCRAM-SHA-512 "
        "(wrong password, or the user has no SCRAM-SHA-512 credential)" % broker.address)
    assert PASSWORD not in str(exc.value)


def test_password_checks_share_the_probe_machinery(closed_port):
    refused = KafkaClient(FakeModule(bootstrap_servers=["127.0.0.1:%d" % closed_port]))
    with pytest.raises(Failed) as exc:
        refused.scram_login("alice", "pw", "SCRAM-SHA-512")
    assert str(exc.value) == ("Unable to check the password of alice: no bootstrap server reachable "
                              "(127.0.0.1:%d: [Errno 111] Connection refused)" % closed_port)
    broker = FakeBroker(["SCRAM-SHA-512"])
    try:
        client = KafkaClient(FakeModule(bootstrap_servers=[broker.address]))
        assert client.scram_login("alice", "pw", "SCRAM-SHA-512") is False
        with pytest.raises(Failed) as exc:
            client.scram_login("alice", "pw", "SCRAM-SHA-256")
    finally:
        broker.close()
    assert str(exc.value) == ("Unable to check the password of alice at %s: the broker does not offer SASL "
                              "mechanism SCRAM-SHA-256" % broker.address)


class FakeAdmin:
    """An admin client whose group calls answer from a script shared by every client made."""

    def __init__(self, script, made):
        self.script = script
        made.append(self)
        self.closed = False

    def close(self):
        self.closed = True

    def step(self, *args):
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        return step

    list_group_offsets = describe_groups = delete_groups = step


@pytest.fixture
def scripted_admin(monkeypatch):
    made = []

    def build(script):
        monkeypatch.setattr(_kafka, "KafkaAdminClient", lambda **config: FakeAdmin(script, made))
        monkeypatch.setattr(_kafka.time, "sleep", lambda seconds: None)
        return KafkaClient(FakeModule(bootstrap_servers=["h1:9092"])), made
    return build


@pytest.mark.parametrize("error, clients", [
    # A moved coordinator is cached for the client's life: only a new client asks again.
    (NotCoordinatorError("OffsetFetchResponse failed for group 'g'"), 3),
    (CoordinatorNotAvailableError("FindCoordinatorResponse error"), 1),
    (CoordinatorLoadInProgressError("loading"), 1),
])
def test_group_calls_wait_for_the_coordinator(scripted_admin, error, clients):
    client, made = scripted_admin([error, error, {"g": {}}])
    assert client.committed_offsets(["g"]) == {"g": {}}
    assert len(made) == clients
    assert [admin.closed for admin in made] == [True] * (clients - 1) + [False]


def test_group_calls_give_up_after_the_timeout_naming_the_cause(scripted_admin, monkeypatch):
    clock = iter(range(0, 1000, 30))
    monkeypatch.setattr(_kafka.time, "monotonic", lambda: next(clock))
    client, made = scripted_admin([NotCoordinatorError("moved")] * 5)
    with pytest.raises(Failed) as exc:
        client.committed_offsets(["g"])
    assert str(exc.value) == ("Unable to read the committed offsets of g: [Error 16] NotCoordinatorError: moved "
                              "(the group coordinator was not ready within 60 s)")


def test_other_group_errors_fail_at_once(scripted_admin):
    client, made = scripted_admin([GroupAuthorizationFailedError("g"), {"g": {}}])
    with pytest.raises(Failed) as exc:
        client.committed_offsets(["g"])
    assert str(exc.value) == "Unable to read the committed offsets of g: [Error 30] GroupAuthorizationFailedError: g"
    assert len(made) == 1


def test_per_group_coordinator_errors_are_retried_and_other_errors_named(scripted_admin):
    moved = "[Error 16] NotCoordinatorError: "
    client, made = scripted_admin([{"a": {"error": moved, "members": []}, "b": {"error": None, "members": [1]}},
                                   {"a": {"error": None, "members": [1, 2]}, "b": {"error": None, "members": [1]}}])
    assert client.group_members(["a", "b"]) == {"a": 2, "b": 1}
    assert len(made) == 2
    client, made = scripted_admin([{"a": {"error": "[Error 69] GroupIdNotFoundError: ", "members": []},
                                    "b": {"error": "[Error 30] GroupAuthorizationFailedError: ", "members": []}}])
    with pytest.raises(Failed) as exc:
        client.group_members(["a", "b"])
    assert str(exc.value) == "Unable to describe the consumer groups: b: [Error 30] GroupAuthorizationFailedError: "


def test_a_delete_retried_after_a_moved_coordinator_counts_groups_already_gone(scripted_admin):
    client, made = scripted_admin([[("a", "OK"), ("b", "NotCoordinatorError")],
                                   [("a", "GroupIdNotFoundError"), ("b", "OK")]])
    client.delete_groups(["a", "b"])
    assert len(made) == 2
    client, made = scripted_admin([[("a", "NonEmptyGroupError")]])
    with pytest.raises(Failed) as exc:
        client.delete_groups(["a"])
    assert str(exc.value) == "Kafka refused to delete consumer groups: a: NonEmptyGroupError"
