"""Reserved local ports: parsing the kernel's list, refusals and the plan, without a host."""
import pytest

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._ports import (
    PortsError, format_ports, parse_ports, plan, request_errors)

HEADER = "# test"


@pytest.mark.parametrize("text, ports", [
    ("", set()),
    ("\n", set()),
    ("8080", {8080}),
    ("50100-50102,8080\n", {8080, 50100, 50101, 50102}),
    (" 1 , 65535 ", {1, 65535}),
])
def test_parse_ports(text, ports):
    assert parse_ports(text, "x") == ports


@pytest.mark.parametrize("text, message", [
    ("80a", "x: '80a' is not a port or a range of ports"),
    ("5-", "x: '5-' is not a port or a range of ports"),
    ("0", "x: '0' is not a range within 1-65535"),
    ("9-3", "x: '9-3' is not a range within 1-65535"),
    ("65536", "x: '65536' is not a range within 1-65535"),
])
def test_parse_ports_refuses(text, message):
    with pytest.raises(PortsError) as err:
        parse_ports(text, "x")
    assert str(err.value) == message


@pytest.mark.parametrize("ports, text", [
    (set(), ""),
    ({3500}, "3500"),
    ({50102, 50100, 50101, 3500, 50200}, "3500,50100-50102,50200"),
])
def test_format_ports_is_the_kernels_form(ports, text):
    assert format_ports(ports) == text
    assert parse_ports(text, "x") == ports


@pytest.mark.parametrize("owner, ports, errors", [
    ("dapr", [3500, 50001], []),
    ("dapr", [], []),
    ("", [1], ["owner: '' must start with a letter or digit and hold only letters, digits, '_', '.' and '-' "
               "(it names a file)"]),
    ("../etc", [1], ["owner: '../etc' must start with a letter or digit and hold only letters, digits, '_', '.' "
                     "and '-' (it names a file)"]),
    ("dapr", [0, 70000, True], ["ports[0]: 0 is not a port number (1-65535)",
                                "ports[1]: 70000 is not a port number (1-65535)",
                                "ports[2]: True is not a port number (1-65535)"]),
])
def test_request_errors(owner, ports, errors):
    assert request_errors(owner, ports) == errors


def test_first_reservation_keeps_what_others_reserved():
    result = plan("dapr", [50100, 50101], {}, live={40000}, header=HEADER)
    assert result["registry"] == {50100, 50101} and result["registry_changed"]
    assert result["union"] == {50100, 50101}
    assert result["sysctl"] == "# test\nnet.ipv4.ip_local_reserved_ports = 50100-50101\n"
    assert result["live"] == {40000, 50100, 50101} and result["live_changed"]


def test_converged_host_changes_nothing():
    result = plan("dapr", [50100], {"dapr": {50100}, "kafka": {9093}}, live={9093, 50100}, header=HEADER)
    assert not result["registry_changed"] and not result["live_changed"]
    assert result["sysctl"] == "# test\nnet.ipv4.ip_local_reserved_ports = 9093,50100\n"


def test_a_port_dropped_by_one_owner_stays_while_another_owner_wants_it():
    result = plan("dapr", [50100], {"dapr": {50100, 50005}, "kafka": {50005}}, live={50005, 50100}, header=HEADER)
    assert result["registry_changed"] and result["union"] == {50005, 50100}
    assert result["live"] == {50005, 50100} and not result["live_changed"]


def test_a_port_nobody_wants_is_released_but_foreign_reservations_stay():
    result = plan("dapr", [50100], {"dapr": {50100, 50101}}, live={40000, 50100, 50101}, header=HEADER)
    assert result["live"] == {40000, 50100} and result["live_changed"]


def test_an_empty_list_removes_the_owner_and_the_file_when_nobody_is_left():
    result = plan("dapr", [], {"dapr": {50100}}, live={50100}, header=HEADER)
    assert result["registry"] is None and result["registry_changed"]
    assert result["sysctl"] is None and result["live"] == set()


def test_the_live_set_is_repaired_when_someone_cleared_it():
    result = plan("dapr", [50100], {"dapr": {50100}}, live=set(), header=HEADER)
    assert not result["registry_changed"] and result["live_changed"] and result["live"] == {50100}
