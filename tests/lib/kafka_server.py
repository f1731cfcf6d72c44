"""A real single-node KRaft broker for tests, started from the mirror's Kafka tarball.

The broker runs as `java -cp 'libs/*' kafka.Kafka server.properties` on loopback, with
SASL/SCRAM-SHA-512 for clients (the admin user bootstrapped at format time), SASL/PLAIN
on the controller listener and the StandardAuthorizer, as the kafka role configures it.
With tls=True it also listens with SASL_SSL and with SSL (client certificates required),
from a CA and certificates made with openssl, in PEM stores as the kafka role writes them.
"""
import os
import shutil
import socket
import subprocess
import tarfile
import time
import uuid

from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from tests.lib import paths

fte_kafka = paths.load("playbooks/files/fte_kafka.py")

ADMIN_USER = "admin"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def terminate(process, grace):
    """Stop a server process: SIGTERM, then SIGKILL after `grace` seconds."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def kafka_home():
    """The mirror's tarball unpacked once per version, under the cache."""
    tarball = paths.kafka_tarball()
    home = os.path.join(paths.CACHE, "unpacked", os.path.basename(tarball)[: -len(".tgz")])
    marker = os.path.join(home, ".unpacked-from")
    stamp = open(tarball + ".sha512", encoding="ascii").read().split()[0]
    if not os.path.exists(marker) or open(marker, encoding="ascii").read() != stamp:
        shutil.rmtree(home, ignore_errors=True)
        parent = os.path.dirname(home)
        os.makedirs(parent, exist_ok=True)
        with tarfile.open(tarball) as tar:
            tar.extractall(parent, filter="tar")
        with open(marker, "w", encoding="ascii") as fh:
            fh.write(stamp)
    return home


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True)


class CertificateAuthority:
    """A throwaway CA in `directory` that signs certificates (PKCS#8 keys, as Kafka's PEM store needs)."""

    def __init__(self, directory, name):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self.cert, self.key = os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + name,
                "-keyout", self.key, "-out", self.cert)

    def issue(self, name, subject_alt_name=None):
        """(certificate, key) paths of a new certificate for CN=name."""
        cert, key, csr = (os.path.join(self.directory, name + ext) for ext in (".pem", ".key", ".csr"))
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", key, "-out", csr)
        extra = []
        if subject_alt_name:
            ext = os.path.join(self.directory, name + ".ext")
            with open(ext, "w", encoding="ascii") as fh:
                fh.write("subjectAltName=%s\n" % subject_alt_name)
            extra = ["-extfile", ext]
        openssl("x509", "-req", "-days", "2", "-in", csr, "-CA", self.cert, "-CAkey", self.key, "-CAcreateserial",
                "-out", cert, *extra)
        return cert, key


class KafkaServer:
    """One combined broker+controller node with SASL/SCRAM clients (and TLS ones with tls=True)."""

    def __init__(self, workdir, admin_password=None, tls=False):
        self.workdir = workdir
        self.tls = tls
        self.ssl_port = free_port() if tls else None
        self.sasl_ssl_port = free_port() if tls else None
        self.ca = None
        self.home = kafka_home()
        self.port = free_port()
        self.controller_port = free_port()
        self.admin_password = admin_password or uuid.uuid4().hex
        self.cluster_id = None
        self.process = None
        self.log_dir = os.path.join(workdir, "data")
        self.app_log_dir = os.path.join(workdir, "logs")
        self.config_path = os.path.join(workdir, "server.properties")

    @property
    def bootstrap(self):
        return "127.0.0.1:%d" % self.port

    def client_config(self, username=ADMIN_USER, password=None, mechanism="SCRAM-SHA-512"):
        return fte_kafka.settings(self.bootstrap, username, self.admin_password if password is None else password,
                                  mechanism=mechanism)

    def _tls_properties(self, scram_login):
        """The SASL_SSL and SSL listeners; an SSL client's principal is its certificate's CN."""
        self.ca = CertificateAuthority(os.path.join(self.workdir, "tls"), "eb-test-ca")
        cert, key = self.ca.issue("broker", "IP:127.0.0.1")
        keystore = os.path.join(self.ca.directory, "broker-store.pem")
        with open(keystore, "w", encoding="ascii") as out:
            for part in (key, cert):
                with open(part, encoding="ascii") as fh:
                    out.write(fh.read())
        return {
            "ssl.keystore.type": "PEM",
            "ssl.keystore.location": keystore,
            "ssl.truststore.type": "PEM",
            "ssl.truststore.location": self.ca.cert,
            "listener.name.ssl.ssl.client.auth": "required",
            "ssl.principal.mapping.rules": "RULE:^CN=([^,]+)$/$1/,DEFAULT",
            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": scram_login,
            "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config": scram_login,
        }

    def _listeners(self):
        """{name: port} of the client listeners."""
        listeners = {"SASL_PLAINTEXT": self.port}
        if self.tls:
            listeners.update(SASL_SSL=self.sasl_ssl_port, SSL=self.ssl_port)
        return listeners

    def _properties(self):
        pw = self.admin_password
        scram_login = ('org.apache.kafka.common.security.scram.ScramLoginModule required '
                       'username="%s" password="%s";' % (ADMIN_USER, pw))
        client = ",".join("%s://127.0.0.1:%d" % item for item in self._listeners().items())
        properties = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": "1@127.0.0.1:%d" % self.controller_port,
            "listeners": "%s,CONTROLLER://127.0.0.1:%d" % (client, self.controller_port),
            "advertised.listeners": client,
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": ",".join(["CONTROLLER:SASL_PLAINTEXT"] + [
                "%s:%s" % (name, name) for name in self._listeners()]),
            "inter.broker.listener.name": "SASL_PLAINTEXT",
            "sasl.enabled.mechanisms": "SCRAM-SHA-512,SCRAM-SHA-256",
            "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
            # The broker's own login (inter-broker) per enabled mechanism.
            "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config": scram_login,
            "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config": scram_login,
            "sasl.mechanism.controller.protocol": "PLAIN",
            "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
            "listener.name.controller.plain.sasl.jaas.config":
                'org.apache.kafka.common.security.plain.PlainLoginModule required '
                'username="%s" password="%s" user_%s="%s";' % (ADMIN_USER, pw, ADMIN_USER, pw),
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "super.users": "User:%s" % ADMIN_USER,
            "allow.everyone.if.no.acl.found": "false",
            "log.dirs": self.log_dir,
            "num.partitions": "1",
            "offsets.topic.replication.factor": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
        }
        if self.tls:
            properties.update(self._tls_properties(scram_login))
        return properties

    def _env(self):
        env = dict(os.environ)
        env.update({
            "KAFKA_HEAP_OPTS": "-Xmx512M -Xms256M",
            "LOG_DIR": self.app_log_dir,
        })
        return env

    def _format_args(self):
        """A new cluster: a fresh id, and the admin user bootstrapped into its metadata."""
        self.cluster_id = subprocess.run(
            [os.path.join(self.home, "bin", "kafka-storage.sh"), "random-uuid"],
            check=True, capture_output=True, text=True, env=self._env(),
        ).stdout.strip()
        return ["--cluster-id", self.cluster_id,
                "--add-scram", "SCRAM-SHA-512=[name=%s,password=%s]" % (ADMIN_USER, self.admin_password)]

    def start(self, timeout=90):
        os.makedirs(self.app_log_dir, exist_ok=True)
        with open(self.config_path, "w", encoding="utf-8") as fh:
            for key, value in self._properties().items():
                fh.write("%s=%s\n" % (key, value))
        subprocess.run(
            [os.path.join(self.home, "bin", "kafka-storage.sh"), "format", "-c", self.config_path]
            + self._format_args(),
            check=True, capture_output=True, text=True, env=self._env(),
        )
        self.process = subprocess.Popen(
            [os.path.join(self.home, "bin", "kafka-server-start.sh"), self.config_path],
            stdout=open(os.path.join(self.workdir, "stdout.log"), "wb"),
            stderr=subprocess.STDOUT, env=self._env(),
        )
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("broker exited with %s; see %s" % (self.process.returncode, self.workdir))
            try:
                admin = KafkaAdminClient(request_timeout_ms=5000, **self.client_config())
                try:
                    admin.describe_cluster()
                    return
                finally:
                    admin.close()
            except (KafkaError, OSError) as exc:
                last = exc
                time.sleep(1)
        raise RuntimeError("broker not ready after %ss: %r" % (timeout, last))

    def stop(self):
        terminate(self.process, 30)
