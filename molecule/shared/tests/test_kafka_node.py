# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""The state of each Kafka node as the kafka role leaves it, read on the host with testinfra:
the service and its hardened unit, the JVM's user, the listeners, the modes of the files that
hold secrets, the log dirs, and that converge and idempotence started Kafka once.

../tasks/kafka_verify.yml runs it on the controller, one podman exec per command:
  pytest --hosts podman://NODE,... molecule/shared/tests/test_kafka_node.py
"""
import pytest


@pytest.fixture(name="properties")
def properties_fixture(host):
    """The node's server.properties, as the role wrote it."""
    text = host.file("/etc/kafka/server.properties").content_string
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))


def unit_properties(host, *names):
    out = host.check_output("systemctl show kafka.service --property %s" % ",".join(names))
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def test_service_runs_and_starts_at_boot(host):
    service = host.service("kafka")
    assert service.is_running
    assert service.is_enabled


def test_unit_runs_java_as_kafka_hardened(host):
    unit = unit_properties(host, "User", "ExecStart", "NoNewPrivileges", "ProtectSystem",
                           "CapabilityBoundingSet", "MainPID")
    assert unit["User"] == "kafka"
    assert "java " in unit["ExecStart"]
    # The unit's security score could stay under 2.5 with one of these gone.
    assert unit["NoNewPrivileges"] == "yes"
    assert unit["ProtectSystem"] == "strict"
    assert unit.get("CapabilityBoundingSet", "") in ("", "0")
    # The running JVM, not only the unit file, is the service's user.
    process = host.process.get(pid=int(unit["MainPID"]))
    assert process.user == "kafka"
    assert process.comm == "java"


def test_kafka_user_cannot_log_in(host):
    user = host.user("kafka")
    assert user.exists
    assert user.shell in ("/usr/sbin/nologin", "/sbin/nologin", "/bin/false")


def test_every_listener_is_bound(host, properties):
    wanted = {int(listener.rsplit(":", 1)[1]) for listener in properties["listeners"].split(",")}
    bound = {int(s.rsplit(":", 1)[1]) for s in host.socket.get_listening_sockets() if s.startswith("tcp")}
    assert wanted and wanted <= bound, "listeners %s, bound: %s" % (properties["listeners"], sorted(bound))


@pytest.mark.parametrize("path, owner, group, mode", [
    # The admin password: root alone, for the admin tool wrappers.
    ("/etc/kafka/admin.properties", "root", "root", 0o600),
    # The admin password and the JAAS logins: the broker's group reads it, nobody else.
    ("/etc/kafka/server.properties", "root", "kafka", 0o640),
    ("/etc/kafka", "root", "kafka", 0o750),
])
def test_secret_files_are_closed(host, path, owner, group, mode):
    item = host.file(path)
    assert item.exists
    assert (item.user, item.group, item.mode) == (owner, group, mode)


def test_log_dirs_belong_to_kafka_and_are_formatted(host, properties):
    for log_dir in properties["log.dirs"].split(","):
        item = host.file(log_dir)
        assert item.is_directory, log_dir
        assert (item.user, item.mode & 0o007) == ("kafka", 0), log_dir
        assert host.file(log_dir + "/meta.properties").contains("^cluster.id="), log_dir


def test_kafka_started_once_since_boot(host):
    # systemd's own messages about the unit (PID 1), not the broker's output: a second converge
    # that restarted Kafka shows as a second start.
    journal = host.check_output("journalctl --unit kafka.service _PID=1 --output cat")
    starts = [line for line in journal.splitlines() if line.startswith("Started kafka")]
    assert len(starts) == 1, journal
