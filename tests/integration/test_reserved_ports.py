"""reserved_ports through ansible-playbook, against the real kernel setting of a network
namespace of its own (net.* settings are per namespace, so this machine's stay untouched)."""
import os
import subprocess
import uuid

import pytest

from tests.lib.ansible_run import run_module

LIVE = "/proc/sys/net/ipv4/ip_local_reserved_ports"


@pytest.fixture
def netns(tmp_path):
    """A network namespace, and the module's file paths under a temporary directory."""
    name = "eb-test-" + uuid.uuid4().hex[:8]
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        yield {"wrapper": ["ip", "netns", "exec", name],
               "paths": {"registry_dir": str(tmp_path / "registry"), "sysctl_file": str(tmp_path / "ports.conf")},
               "tmp": tmp_path}
    finally:
        subprocess.run(["ip", "netns", "delete", name], check=True)


def live(ns):
    out = subprocess.run(ns["wrapper"] + ["cat", LIVE], check=True, capture_output=True, text=True)
    return out.stdout.strip()


def set_live(ns, value):
    subprocess.run(ns["wrapper"] + ["sh", "-c", "echo '%s' > %s" % (value, LIVE)], check=True)


def reserve(ns, owner, ports, **kwargs):
    return run_module("reserved_ports", dict(ns["paths"], owner=owner, ports=ports), wrapper=ns["wrapper"], **kwargs)


def test_check_mode_predicts_the_run_then_idempotent(netns):
    set_live(netns, "40000")
    predicted = reserve(netns, "dapr", [50101, 50100, 3500], check=True, diff=True)
    assert predicted["changed"] and not predicted.failed
    assert predicted["reserved"] == "3500,50100-50101" and predicted["live"] == "3500,40000,50100-50101"
    diffs = {d["before_header"]: d for d in predicted["diff"]}
    assert diffs[netns["paths"]["sysctl_file"]]["before"] == ""
    assert "net.ipv4.ip_local_reserved_ports = 3500,50100-50101\n" in diffs[netns["paths"]["sysctl_file"]]["after"]
    assert diffs[LIVE]["before"] == "40000\n" and diffs[LIVE]["after"] == "3500,40000,50100-50101\n"
    assert live(netns) == "40000", "check mode changed the kernel setting"
    assert not os.path.exists(netns["paths"]["sysctl_file"]) and not os.path.exists(netns["paths"]["registry_dir"])

    applied = reserve(netns, "dapr", [50101, 50100, 3500])
    assert applied["changed"] and applied["live_applied"]
    assert (applied["reserved"], applied["live"]) == (predicted["reserved"], predicted["live"])
    assert live(netns) == "3500,40000,50100-50101"
    with open(netns["paths"]["sysctl_file"], encoding="utf-8") as fh:
        assert fh.read().endswith("net.ipv4.ip_local_reserved_ports = 3500,50100-50101\n")
    with open(os.path.join(netns["paths"]["registry_dir"], "dapr.ports"), encoding="utf-8") as fh:
        assert fh.read() == "3500,50100-50101\n"

    again = reserve(netns, "dapr", [3500, 50100, 50101], check=True)
    assert not again["changed"]
    again = reserve(netns, "dapr", [3500, 50100, 50101])
    assert not again["changed"]


def test_owners_share_the_setting_and_release_only_their_own(netns):
    set_live(netns, "40000")
    assert reserve(netns, "dapr", [50100, 50005])["changed"]
    assert reserve(netns, "kafka", [50005, 9093])["changed"]
    assert live(netns) == "9093,40000,50005,50100"
    dropped = reserve(netns, "dapr", [])
    assert dropped["changed"] and dropped["reserved"] == "9093,50005"
    # 50100 was only dapr's; 50005 is kafka's too; 40000 was never this module's.
    assert live(netns) == "9093,40000,50005"
    assert not os.path.exists(os.path.join(netns["paths"]["registry_dir"], "dapr.ports"))
    assert reserve(netns, "kafka", [])["changed"]
    assert live(netns) == "40000" and not os.path.exists(netns["paths"]["sysctl_file"])


def test_a_cleared_setting_is_put_back(netns):
    reserve(netns, "dapr", [50100])
    set_live(netns, "")
    repaired = reserve(netns, "dapr", [50100])
    assert repaired["changed"] and live(netns) == "50100"


def test_bad_input_names_the_fields_and_changes_nothing(netns):
    set_live(netns, "40000")
    result = reserve(netns, "../etc", [0, 70000])
    assert result.failed
    assert result["msg"] == (
        "Refused, nothing changed: owner: '../etc' must start with a letter or digit and hold only letters, "
        "digits, '_', '.' and '-' (it names a file); ports[0]: 0 is not a port number (1-65535); "
        "ports[1]: 70000 is not a port number (1-65535)")
    assert live(netns) == "40000"
    assert not os.listdir(netns["tmp"])
