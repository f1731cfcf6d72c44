# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""The one connection layer of the Kafka modules: arguments, admin client, errors, SASL login."""

from __future__ import annotations

import logging
import re
import socket
import ssl
import time
import traceback

from ansible.module_utils.basic import missing_required_lib

try:
    from kafka import KafkaAdminClient
    from kafka.admin import (
        ACLFilter,
        OffsetSpec,
        ACLOperation,
        ACLPermissionType,
        ACLResourcePatternType,
        ResourcePatternFilter,
        ResourceType,
    )
    from kafka.errors import (
        CoordinatorLoadInProgressError,
        CoordinatorNotAvailableError,
        KafkaError,
        NotCoordinatorError,
    )
    from kafka.structs import OffsetAndMetadata, TopicPartition
    from kafka.net.sasl.scram import ScramClient
    from kafka.protocol.parser import KafkaProtocol
    from kafka.protocol.sasl import SaslAuthenticateRequest, SaslHandshakeRequest
except ImportError:
    KAFKA_IMPORT_ERROR = traceback.format_exc()
    KafkaError = CoordinatorLoadInProgressError = CoordinatorNotAvailableError = NotCoordinatorError = Exception
else:
    KAFKA_IMPORT_ERROR = None
    # kafka-python logs through the root logger's last-resort handler otherwise (stderr).
    logging.getLogger("kafka").addHandler(logging.NullHandler())
    logging.getLogger("kafka").propagate = False

# Group requests answered with these wait for the coordinator (call_coordinator).
COORDINATOR_ERRORS = frozenset(("CoordinatorNotAvailableError", "CoordinatorLoadInProgressError", "NotCoordinatorError"))


def error_name(text):
    """'NotCoordinatorError' of kafka-python's per-group error text '[Error 16] NotCoordinatorError: ...'."""
    match = re.match(r"\[Error -?\d+\] (\w+)", text or "")
    return match.group(1) if match else text


KAFKA_ARGUMENT_SPEC = dict(
    bootstrap_servers=dict(type="list", elements="str", required=True),
    security_protocol=dict(type="str", default="PLAINTEXT",
                           choices=["PLAINTEXT", "SASL_PLAINTEXT", "SSL", "SASL_SSL"]),
    sasl_mechanism=dict(type="str", default="SCRAM-SHA-512",
                        choices=["SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN"]),
    sasl_username=dict(type="str"),
    sasl_password=dict(type="str", no_log=True),
    ssl_cafile=dict(type="path"),
    ssl_certfile=dict(type="path"),
    ssl_keyfile=dict(type="path"),
    ssl_check_hostname=dict(type="bool", default=True),
    connect_timeout=dict(type="int", default=15),
    request_timeout=dict(type="int", default=60),
)

KAFKA_REQUIRED_IF = [
    ("security_protocol", "SASL_PLAINTEXT", ("sasl_username", "sasl_password")),
    ("security_protocol", "SASL_SSL", ("sasl_username", "sasl_password")),
]


def kafka_argument_spec(**module_options):
    spec = dict(KAFKA_ARGUMENT_SPEC)
    spec.update(module_options)
    return spec


def unreachable(errors):
    """The cause when no bootstrap server accepts a connection; `errors`: 'host:port: error'."""
    return "no bootstrap server reachable (%s)" % "; ".join(errors)


def connect_failure(servers, cause, found, username, mechanism):
    """The message of a failed first connection to `servers` (as 'host:port,...').

    kafka-python reports a refused login like a broker that is down (`cause`), so a direct
    probe of the bootstrap servers tells them apart; `found` is what it found:
    ("unreachable", [each server's 'host:port: error']), ("tls-verify", why the broker's
    certificate was not trusted), ("tls", any other TLS error),
    ("plaintext", what the listener did to a SASL_PLAINTEXT client's handshake: answered with
    a TLS alert, or hung up, as a TLS listener does), ("mechanism", [the mechanisms the broker offers]), ("authentication", None), or
    None when it saw nothing clearer than `cause`. The password is never an input.
    """
    kind, detail = found or (None, None)
    if kind == "unreachable":
        why = unreachable(detail)
    elif kind == "tls-verify":
        why = ("the TLS handshake failed (%s): is ssl_cafile the CA that signed the broker's certificate, and "
               "does that certificate name the address in bootstrap_servers (ssl_check_hostname)?" % detail)
    elif kind == "tls":
        why = ("the TLS handshake failed (%s): check ssl_certfile and ssl_keyfile, and that the listener speaks "
               "TLS (security_protocol)" % detail)
    elif kind == "plaintext":
        why = ("the broker %s at the SASL handshake, as a TLS listener does to a plaintext client: should "
               "security_protocol be SASL_SSL?" % detail)
    elif kind == "mechanism":
        why = "the broker does not offer sasl_mechanism %s; it offers %s" % (
            mechanism, ", ".join(sorted(detail)) or "no SASL mechanism on this listener")
    elif kind == "authentication":
        # A SCRAM credential is per mechanism: the user may have one for the other only.
        hint = "no such user" if mechanism == "PLAIN" else "the user has no %s credential" % mechanism
        why = "authentication failed for sasl_username %r with %s (wrong password, or %s)" % (
            username, mechanism, hint)
    else:
        why = cause
    return "Unable to connect to Kafka at %s: %s" % (servers, why)


class Unreachable(Exception):
    """No bootstrap server accepted a TCP connection."""

    def __init__(self, errors):
        super().__init__(unreachable(errors))
        self.errors = errors


class RefusedHandshake(ValueError):
    """The broker answered the SaslHandshake with a TLS record, or hung up; `how` says which."""

    def __init__(self, how):
        super().__init__("the broker %s at the SASL handshake" % how)
        self.how = how


class MechanismNotOffered(ValueError):
    """The broker's SaslHandshake refused the mechanism; `offered`: the ones it enables."""

    def __init__(self, mechanism, offered):
        super().__init__("the broker does not offer SASL mechanism %s" % mechanism)
        self.offered = offered


class KafkaClient:
    """Owns the admin connection of one module run; library errors become one fail_json."""

    def __init__(self, module):
        self.module = module
        if KAFKA_IMPORT_ERROR:
            module.fail_json(msg=missing_required_lib("kafka-python (3.0 or later)"),
                             exception=KAFKA_IMPORT_ERROR)
        params = module.params
        self.sasl = params["security_protocol"].startswith("SASL_")
        self.config = {
            "bootstrap_servers": params["bootstrap_servers"],
            "security_protocol": params["security_protocol"],
            "client_id": "ansible-digital_fte.event_backbone",
            "request_timeout_ms": params["request_timeout"] * 1000,
            "bootstrap_timeout_ms": params["connect_timeout"] * 1000,
        }
        if self.sasl:
            self.config.update(sasl_mechanism=params["sasl_mechanism"],
                               sasl_plain_username=params["sasl_username"],
                               sasl_plain_password=params["sasl_password"])
        if params["security_protocol"] in ("SSL", "SASL_SSL"):
            self.config.update(ssl_cafile=params["ssl_cafile"], ssl_certfile=params["ssl_certfile"],
                               ssl_keyfile=params["ssl_keyfile"],
                               ssl_check_hostname=params["ssl_check_hostname"])
        self._admin = None

    @property
    def admin(self):
        if self._admin is None:
            try:
                # No api_version: kafka-python negotiates it (ApiVersions), which works on KRaft.
                self._admin = KafkaAdminClient(**self.config)
            except (KafkaError, OSError, ValueError, TypeError) as exc:
                trace = traceback.format_exc()
                # Probed only now: a good connection costs no extra round trip.
                self.fail(connect_failure(",".join(self.config["bootstrap_servers"]), exc, self._probe(),
                                          self.config.get("sasl_plain_username"),
                                          self.config.get("sasl_mechanism")), exception=trace)
        return self._admin

    def call(self, action, obj, func, *args, **kwargs):
        """Run one library call; any failure is 'Unable to <action> <obj>: <cause>'."""
        try:
            return func(*args, **kwargs)
        except (KafkaError, OSError, ValueError, TypeError) as exc:
            self.fail("Unable to %s %s: %s" % (action, obj, exc), exception=traceback.format_exc())

    def fail(self, msg, **kwargs):
        self.close()
        self.module.fail_json(msg=msg, **kwargs)

    def close(self):
        if self._admin is not None:
            try:
                self._admin.close()
            except KafkaError:
                pass
            self._admin = None

    def brokers(self):
        """[{'id', 'host', 'port', 'rack'}] from DescribeCluster, plus cluster id and controller."""
        cluster = self.call("describe", "the cluster", self.admin.describe_cluster)
        brokers = [{"id": b["broker_id"], "host": b["host"], "port": b["port"], "rack": b.get("rack"),
                    "fenced": bool(b.get("is_fenced"))} for b in cluster["brokers"]]
        return cluster, sorted(brokers, key=lambda b: b["id"])

    def scram_credentials(self, names=None):
        """{user: {mechanism: iterations}} for the named users (all users when None)."""
        described = self.call("describe", "SCRAM credentials",
                              self.admin.describe_user_scram_credentials,
                              None if names is None else sorted(names))
        actual = {}
        for user, info in described.items():
            if info["error"]:
                if "does not exist" in info["error"]:
                    continue
                self.fail("Unable to describe SCRAM credentials of %s: %s" % (user, info["error"]))
            actual[user] = dict((ci["mechanism"].name.replace("_", "-"), ci["iterations"])
                                for ci in info["credential_infos"])
        return actual

    def acl_bindings(self):
        """Every ACL binding of the cluster as a tuple (principal, host, resource_type,
        resource_name, pattern_type, operation, permission), lower-case enum names."""
        match_all = ACLFilter(principal=None, host=None, operation=ACLOperation.ANY,
                              permission_type=ACLPermissionType.ANY,
                              resource_pattern=ResourcePatternFilter(ResourceType.ANY, None,
                                                                     ACLResourcePatternType.ANY))
        acls, _error = self.call("describe", "ACLs", self.admin.describe_acls, match_all)
        return set((a.principal, a.host, a.resource_pattern.resource_type.name.lower(),
                    a.resource_pattern.resource_name, a.resource_pattern.pattern_type.name.lower(),
                    a.operation.name.lower(), a.permission_type.name.lower()) for a in acls)

    def call_coordinator(self, action, obj, method, *args, retry_result=None, timeout=60):
        """Like call() for the admin method named `method`, but waits while the group coordinator
        is not there yet or has moved: on a new cluster the first group request makes Kafka
        create __consumer_offsets, and its partitions may change leader right after.
        `retry_result(answer)` says whether per-group or per-partition errors in an answer are of
        that kind too."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = getattr(self.admin, method)(*args)
                if retry_result is None or not retry_result(answer) or time.monotonic() > deadline:
                    return answer
                moved = True
            except (CoordinatorNotAvailableError, CoordinatorLoadInProgressError, NotCoordinatorError) as exc:
                if time.monotonic() > deadline:
                    self.fail("Unable to %s %s: %s (the group coordinator was not ready within %d s)"
                              % (action, obj, exc, timeout), exception=traceback.format_exc())
                moved = isinstance(exc, NotCoordinatorError)
            except (KafkaError, OSError, ValueError, TypeError) as exc:
                self.fail("Unable to %s %s: %s" % (action, obj, exc), exception=traceback.format_exc())
            if moved:
                # kafka-python keeps the coordinator it found for the client's life; a new
                # client asks again.
                self.close()
            time.sleep(1)

    def committed_offsets(self, groups):
        """{group: {(topic, partition): offset}} of `groups` (one OffsetFetch per coordinator)."""
        answer = self.call_coordinator("read", "the committed offsets of %s" % ", ".join(groups),
                                       "list_group_offsets", list(groups))
        return {group: {(tp.topic, tp.partition): meta.offset for tp, meta in (answer.get(group) or {}).items()
                        if meta.offset >= 0}
                for group in groups}

    def log_offsets(self, topics):
        """({(topic, partition): log start}, {(topic, partition): log end}) of the existing `topics`
        (metadata, then one ListOffsets per bound)."""
        metadata = self.call("describe", "topics", self.admin.describe_topics, list(topics))
        partitions = [TopicPartition(t["name"], p["partition_index"]) for t in metadata if not t.get("error_code")
                      for p in t["partitions"]]
        bounds = []
        for spec in (OffsetSpec.EARLIEST, OffsetSpec.LATEST):
            answer = self.call("read", "the log offsets of %s" % ", ".join(topics), self.admin.list_partition_offsets,
                               {tp: spec for tp in partitions}) if partitions else {}
            bounds.append({(tp.topic, tp.partition): info.offset for tp, info in answer.items()})
        return bounds[0], bounds[1]

    def group_members(self, groups):
        """{group: number of active members}; a group Kafka does not know has none."""
        answer = self.call_coordinator("describe", "the consumer groups %s" % ", ".join(groups),
                                       "describe_groups", list(groups),
                                       retry_result=lambda answer: any(error_name((d or {}).get("error")) in COORDINATOR_ERRORS
                                                                       for d in answer.values()))
        # kafka-python reports per-group errors as values, not exceptions.
        refused = sorted("%s: %s" % (group, d["error"]) for group, d in answer.items()
                         if d and d.get("error") and error_name(d["error"]) != "GroupIdNotFoundError")
        if refused:
            self.fail("Unable to describe the consumer groups: %s" % "; ".join(refused))
        return {group: len((answer.get(group) or {}).get("members") or []) for group in groups}

    def commit_offsets(self, group, offsets):
        """Commit {(topic, partition): offset} for the empty `group`; fails on any refused partition."""
        result = self.call_coordinator("commit", "offsets of the group %s" % group, "alter_group_offsets",
                                       group, {TopicPartition(t, p): OffsetAndMetadata(o, "", -1)
                                               for (t, p), o in offsets.items()},
                                       retry_result=lambda answer: any(err is not None and err.__name__ in
                                                                       COORDINATOR_ERRORS for err in answer.values()))
        refused = sorted("%s-%d: %s" % (tp.topic, tp.partition, err.__name__)
                         for tp, err in result.items() if err is not None and err.__name__ != "NoError")
        if refused:
            self.fail("Kafka refused offsets of the group %s: %s" % (group, ", ".join(refused)))

    def delete_groups(self, groups):
        """Delete the consumer groups `groups`; fails naming each one Kafka refused."""
        result = self.call_coordinator("delete", "the consumer groups %s" % ", ".join(groups), "delete_groups",
                                       list(groups), retry_result=lambda answer: any(
                                           name in COORDINATOR_ERRORS for name in dict(answer).values()))
        # Not found is gone: a retry after a moved coordinator re-sends groups already deleted.
        refused = sorted("%s: %s" % (group, answer) for group, answer in dict(result).items()
                         if answer not in ("OK", "GroupIdNotFoundError"))
        if refused:
            self.fail("Kafka refused to delete consumer groups: %s" % ", ".join(refused))

    def raise_for_results(self, action, results):
        """kafka-python returns per-resource errors as values; any error fails the task."""
        failed = ["%s: %s" % (name, err) for name, err in results if err]
        if failed:
            self.fail("Unable to %s: %s" % (action, "; ".join(failed)))

    def scram_login(self, username, password, mechanism):
        """True when `password` authenticates `username` with SCRAM `mechanism`, else False.

        A plain blocking SASL exchange with one broker: kafka-python's own connection retries
        a failed login until its bootstrap timeout and, when the broker's error response and
        its close arrive together, reports a disconnect instead of the failure.
        """
        if not self.sasl:
            self.fail("Unable to check the password of %s: password checks need a SASL listener "
                      "(security_protocol SASL_PLAINTEXT or SASL_SSL); or set update_password: "
                      "on_create" % username)
        try:
            host, port, sock = self._first_server()
        except Unreachable as exc:
            self.fail("Unable to check the password of %s: %s" % (username, exc))
        try:
            sock = self._tls(sock, host)
            return self._sasl_login(sock, username, password, mechanism)
        except (KafkaError, OSError, ValueError, TypeError) as exc:
            self.fail("Unable to check the password of %s at %s:%s: %s" % (username, host, port, exc))
        finally:
            sock.close()

    def wait_for_login(self, username, password, mechanism, timeout):
        """Wait until new credentials are usable (brokers learn them from the metadata log)."""
        deadline = time.monotonic() + timeout
        while not self.scram_login(username, password, mechanism):
            if time.monotonic() > deadline:
                self.fail("The SCRAM credentials of %s were changed but do not authenticate "
                          "after %ss" % (username, timeout))
            time.sleep(0.2)

    def _probe(self):
        """What a direct attempt at the bootstrap servers finds; see connect_failure."""
        try:
            host, _port, sock = self._first_server()
        except Unreachable as exc:
            return "unreachable", exc.errors
        try:
            sock = self._tls(sock, host)
            if self.sasl and not self._sasl_login(sock, self.config["sasl_plain_username"],
                                                  self.config["sasl_plain_password"], self.config["sasl_mechanism"]):
                return "authentication", None
        except ssl.SSLCertVerificationError as exc:
            return "tls-verify", exc.verify_message or exc.reason or str(exc)
        except ssl.SSLError as exc:
            return "tls", exc.reason or str(exc)
        except RefusedHandshake as exc:
            if self.config["security_protocol"] == "SASL_PLAINTEXT":
                return "plaintext", exc.how
        except MechanismNotOffered as exc:
            return "mechanism", exc.offered
        except (KafkaError, OSError, ValueError, TypeError):
            pass  # nothing clearer than the library's own error
        finally:
            sock.close()
        return None

    def _first_server(self):
        """(host, port, socket) of the first bootstrap server that accepts a TCP connection;
        an unreachable one is skipped. Raises Unreachable when none does."""
        errors = []
        for host, port in self._bootstrap_addresses():
            try:
                return host, port, socket.create_connection(
                    (host, port), timeout=self.module.params["connect_timeout"])
            except OSError as exc:
                errors.append("%s:%s: %s" % (host, port, exc))
        raise Unreachable(errors)

    def _bootstrap_addresses(self):
        for server in self.config["bootstrap_servers"]:
            host, _sep, port = server.rpartition(":")
            if host:
                yield host.strip("[]"), int(port)
            else:
                yield server, 9092

    def _tls(self, sock, host):
        """`sock` as the listener speaks: wrapped in TLS on an SSL listener."""
        if self.config["security_protocol"] not in ("SSL", "SASL_SSL"):
            return sock
        context = ssl.create_default_context(cafile=self.config.get("ssl_cafile"))
        context.check_hostname = self.config.get("ssl_check_hostname", True)
        if self.config.get("ssl_certfile"):
            context.load_cert_chain(self.config["ssl_certfile"], self.config.get("ssl_keyfile"))
        return context.wrap_socket(sock, server_hostname=host)

    @staticmethod
    def _sasl_login(sock, username, password, mechanism):
        """True when the broker accepts the credentials, False when it refuses them. Raises
        MechanismNotOffered when the broker does not enable `mechanism`."""
        parser = KafkaProtocol(client_id="ansible-digital_fte.event_backbone-login")

        def roundtrip(request):
            parser.send_request(request)
            sock.sendall(parser.send_bytes())
            first = True
            while True:
                data = sock.recv(65536)
                if not data:
                    return None
                # A TLS record (alert or handshake, version 3.x) where a Kafka frame should start.
                if first and data[:1] in (b"\x15", b"\x16") and data[1:2] == b"\x03":
                    raise RefusedHandshake("answered with a TLS alert")
                first = False
                responses = parser.receive_bytes(data)
                if responses:
                    return responses[0][1]

        try:
            handshake = roundtrip(SaslHandshakeRequest(mechanism=mechanism, version=1))
        except ConnectionResetError:
            # A listener that hangs up with the request unread resets the connection.
            handshake = None
        if handshake is None:
            raise RefusedHandshake("closed the connection")
        if handshake.error_code:
            raise MechanismNotOffered(mechanism, handshake.mechanisms)
        if mechanism == "PLAIN":
            # RFC 4616, as kafka-python sends it: authorization id (the user), user, password.
            reply = roundtrip(SaslAuthenticateRequest(
                auth_bytes="\0".join((username, username, password)).encode("utf-8"), version=1))
            return reply is not None and not reply.error_code
        scram = ScramClient(username, password, mechanism)
        first = roundtrip(SaslAuthenticateRequest(auth_bytes=scram.first_message(), version=1))
        if first is None or first.error_code:
            return False
        scram.process_server_first_message(first.auth_bytes)
        final = roundtrip(SaslAuthenticateRequest(auth_bytes=scram.final_message(), version=1))
        if final is None or final.error_code:
            return False
        # Also verify the server's signature, as a real client does.
        scram.process_server_final_message(final.auth_bytes)
        return True
