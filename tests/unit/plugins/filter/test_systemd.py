import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.digital_fte.event_backbone.plugins.filter.systemd import systemctl_show

TWO_UNITS = ("Id=daprd-a.service\nLoadState=loaded\nActiveState=active\nUnitFileState=enabled\n\n"
             "Id=daprd-b.service\nLoadState=not-found\nActiveState=inactive\nUnitFileState=\n")


def test_systemctl_show_keys_each_block_by_its_id():
    units = systemctl_show(TWO_UNITS)
    assert list(units) == ["daprd-a.service", "daprd-b.service"]
    assert units["daprd-a.service"]["ActiveState"] == "active"
    assert units["daprd-b.service"] == {"Id": "daprd-b.service", "LoadState": "not-found",
                                        "ActiveState": "inactive", "UnitFileState": ""}


def test_a_value_may_hold_an_equals_sign():
    assert systemctl_show("Id=a.service\nDescription=x=y\n")["a.service"]["Description"] == "x=y"


@pytest.mark.parametrize("text, message", [
    ("LoadState=loaded\n", "has no Id property"),
    ("Id=a.service\nnot a property\n", "is not a NAME=VALUE line"),
    (None, "expected the text systemctl show printed"),
])
def test_systemctl_show_refuses_what_it_cannot_read(text, message):
    with pytest.raises(AnsibleFilterError, match=message):
        systemctl_show(text)
