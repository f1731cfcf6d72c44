"""Planning rules of kafka_consumer_group, without Kafka."""
import pytest

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._groups import (
    PlanError,
    committed_view,
    desired_groups,
    needs_ends,
    plan_offsets,
    validate_groups,
)


def params(**kw):
    """The module's parameters as Ansible hands them over (unset options are None)."""
    base = {"name": None, "groups": None, "topics": [], "offsets_from": None, "state": "present"}
    base.update(kw)
    return base


def entry(name, **kw):
    """A groups[] entry as Ansible hands it over (unset suboptions are None)."""
    base = {"name": name, "topics": None, "offsets_from": None, "state": None}
    base.update(kw)
    return base


def spec(name, topics=("t",), offsets_from="old", state="present"):
    return {"name": name, "topics": list(topics), "offsets_from": offsets_from, "state": state}


# desired_groups: the name-or-list form.

@pytest.mark.parametrize("given, expected", [
    (params(name="new", topics=["t"], offsets_from="old"), [spec("new")]),
    (params(name="new"), [spec("new", topics=(), offsets_from=None)]),
    (params(name="old", state="absent"), [spec("old", topics=(), offsets_from=None, state="absent")]),
    # The top-level options are the defaults of each entry; an entry's own values win.
    (params(offsets_from="old", topics=["t"], groups=[entry("a"), entry("b", topics=["u", "v"]),
                                                      entry("c", offsets_from="other")]),
     [spec("a"), spec("b", topics=("u", "v")), spec("c", offsets_from="other")]),
    # A group to delete takes nothing over: the top-level offsets_from is not its default...
    (params(offsets_from="old", topics=["t"], groups=[entry("a"), entry("old", state="absent")]),
     [spec("a"), spec("old", offsets_from=None, state="absent")]),
    # ...but an entry's own offsets_from stays, for validate_groups to refuse.
    (params(groups=[entry("old", state="absent", offsets_from="x")]),
     [spec("old", topics=(), offsets_from="x", state="absent")]),
    # The top-level state is the default of each entry.
    (params(state="absent", groups=[entry("a"), entry("b", state="present", offsets_from="a", topics=["t"])]),
     [spec("a", topics=(), offsets_from=None, state="absent"), spec("b", offsets_from="a")]),
    (params(state=None, name="g"), [spec("g", topics=(), offsets_from=None)]),
    (params(groups=[]), []),
])
def test_desired_groups(given, expected):
    assert desired_groups(given) == expected


# validate_groups: every problem of every entry, in one error.

GROUP_ID = "must be letters, digits, '.', '_' and '-'"
SOURCE_ID = "must be a group id of letters, digits, '.', '_' and '-'"


@pytest.mark.parametrize("specs", [
    [spec("new")],
    [spec("digital-fte.fte_worker.V2", offsets_from="digital-fte")],
    [spec("new", topics=(), offsets_from=None)],
    [spec("old", topics=(), offsets_from=None, state="absent")],
    [spec("a"), spec("b")],
    # The source is deleted, but nothing in this request takes its offsets.
    [spec("a", offsets_from=None), spec("old", offsets_from=None, state="absent")],
])
def test_valid_requests(specs):
    assert validate_groups(specs) is None


@pytest.mark.parametrize("specs, message", [
    ([spec("")], "name: group id '' " + GROUP_ID),
    ([spec("new group")], "name: group id 'new group' " + GROUP_ID),
    ([spec("new/x")], "name: group id 'new/x' " + GROUP_ID),
    ([spec(None)], "groups[0]: group id None " + GROUP_ID),
    ([spec("a"), spec("b:c")], "groups[1]: group id 'b:c' " + GROUP_ID),
    ([spec("a"), spec("b"), spec("a")], "groups[2]: group a is declared twice"),
    ([spec("new", offsets_from="")], "name: offsets_from '' " + SOURCE_ID),
    ([spec("new", offsets_from="old group")], "name: offsets_from 'old group' " + SOURCE_ID),
    ([spec("new", offsets_from="new")], "name: offsets_from names the group itself (new)"),
    ([spec("a"), spec("b", offsets_from="b")], "groups[1]: offsets_from names the group itself (b)"),
    ([spec("new", topics=())], "name: offsets_from needs the topics whose offsets the group takes over"),
    ([spec("a"), spec("b", topics=())],
     "groups[1]: offsets_from needs the topics whose offsets the group takes over"),
    ([spec("old", state="absent", offsets_from="x")],
     "name: a group to delete (state absent) takes no offsets_from"),
    ([spec("new"), spec("old", offsets_from=None, state="absent")],
     "groups[1]: old is deleted and the source of another group's offsets in the same request; "
     "take the offsets first, then delete it"),
])
def test_invalid_requests(specs, message):
    with pytest.raises(PlanError) as exc:
        validate_groups(specs)
    assert str(exc.value) == message


def test_every_problem_of_every_entry_in_one_error():
    with pytest.raises(PlanError) as exc:
        validate_groups([spec("bad id", offsets_from="", topics=()), spec("self", offsets_from="self"),
                         spec("self", offsets_from="src"), spec("old", offsets_from="x", state="absent"),
                         spec("src", offsets_from=None, state="absent")])
    assert str(exc.value) == "; ".join([
        "groups[0]: group id 'bad id' " + GROUP_ID,
        "groups[0]: offsets_from '' " + SOURCE_ID,
        "groups[0]: offsets_from needs the topics whose offsets the group takes over",
        "groups[1]: offsets_from names the group itself (self)",
        "groups[2]: group self is declared twice",
        "groups[3]: a group to delete (state absent) takes no offsets_from",
        "groups[4]: src is deleted and the source of another group's offsets in the same request; "
        "take the offsets first, then delete it",
    ])


# plan_offsets: what each group takes over, and the groups deleted.

OLD = {("t", 0): 40, ("t", 1): 17, ("u", 0): 5}
ENDS = {("t", 0): 50, ("t", 1): 20, ("t", 2): 9, ("u", 0): 8, ("u", 1): 3}


def plan(specs, committed, members=None, ends=None):
    return plan_offsets(specs, committed, members or {}, ends)


def test_a_group_without_offsets_takes_the_sources_and_the_log_end_where_the_source_has_none():
    result = plan([spec("new")], {"old": OLD, "new": {}}, {"new": 0}, ENDS)
    take = {("t", 0): 40, ("t", 1): 17, ("t", 2): 9}
    assert result == {
        "changes": [{"group": "new", "action": "take offsets", "from": "old",
                     "offsets": {"t": {"0": 40, "1": 17, "2": 9}}}],
        "errors": [], "copies": {"new": take}, "deletes": [],
        "diff": {"before": {"new": {}}, "after": {"new": {"t": {"0": 40, "1": 17, "2": 9}}}}}


@pytest.mark.parametrize("own, take, before, after", [
    # The group's own offsets always win, over the source's and over the log end.
    ({("t", 1): 3}, {"0": 40, "2": 9}, {"t": {"1": 3}}, {"t": {"0": 40, "1": 3, "2": 9}}),
    ({("t", 2): 1}, {"0": 40, "1": 17}, {"t": {"2": 1}}, {"t": {"0": 40, "1": 17, "2": 1}}),
    # Own offsets on other topics are kept and shown in the diff.
    ({("x", 0): 2}, {"0": 40, "1": 17, "2": 9}, {"x": {"0": 2}},
     {"t": {"0": 40, "1": 17, "2": 9}, "x": {"0": 2}}),
])
def test_own_offsets_win(own, take, before, after):
    result = plan([spec("new")], {"old": OLD, "new": own}, {}, ENDS)
    assert result["copies"] == {"new": {("t", int(p)): o for p, o in take.items()}}
    assert result["changes"] == [{"group": "new", "action": "take offsets", "from": "old",
                                  "offsets": {"t": take}}]
    assert result["diff"] == {"before": {"new": before}, "after": {"new": after}}


def test_a_group_with_all_its_offsets_is_no_change():
    own = {("t", 0): 1, ("t", 1): 2, ("t", 2): 3}
    assert plan([spec("new")], {"old": OLD, "new": own}, {"new": 3}, ENDS) == {
        "changes": [], "errors": [], "copies": {}, "deletes": [], "diff": {"before": {}, "after": {}}}


@pytest.mark.parametrize("committed", [
    {"old": {}, "new": {}},
    {"new": {}},
])
def test_no_log_end_while_the_source_has_no_offsets(committed):
    result = plan([spec("new")], committed, {}, ENDS)
    assert result["changes"] == [] and result["copies"] == {}


def test_the_log_end_counts_the_sources_offsets_on_any_topic():
    # The source exists (it has offsets, on another topic): the group starts at the log end
    # of its own topic, where the source stopped consuming it.
    result = plan([spec("new")], {"old": {("u", 0): 5}, "new": {}}, {}, ENDS)
    assert result["copies"] == {"new": {("t", 0): 50, ("t", 1): 20, ("t", 2): 9}}


def test_without_log_ends_only_the_sources_offsets_are_taken():
    for ends in (None, {}):
        assert plan([spec("new")], {"old": OLD, "new": {}}, {}, ends)["copies"] == {
            "new": {("t", 0): 40, ("t", 1): 17}}


def test_partitions_of_other_topics_are_ignored():
    result = plan([spec("new", topics=("u",))], {"old": OLD, "new": {("t", 0): 1}}, {}, ENDS)
    assert result["copies"] == {"new": {("u", 0): 5, ("u", 1): 3}}
    assert result["changes"][0]["offsets"] == {"u": {"0": 5, "1": 3}}
    assert result["diff"]["after"] == {"new": {"t": {"0": 1}, "u": {"0": 5, "1": 3}}}
    # A topic the source never read and that has no log end (does not exist): nothing.
    assert plan([spec("new", topics=("missing",))], {"old": OLD, "new": {}}, {}, ENDS)["changes"] == []


def test_several_groups_take_from_one_source():
    specs = [spec("a"), spec("b", topics=("t", "u"))]
    result = plan(specs, {"old": OLD, "a": {}, "b": {("t", 0): 7}}, {}, ENDS)
    assert [(c["group"], c["offsets"]) for c in result["changes"]] == [
        ("a", {"t": {"0": 40, "1": 17, "2": 9}}),
        ("b", {"t": {"1": 17, "2": 9}, "u": {"0": 5, "1": 3}})]
    assert sorted(result["copies"]) == ["a", "b"] and result["errors"] == []


def test_a_group_without_offsets_from_only_reports():
    result = plan([spec("new", offsets_from=None)], {"new": {("t", 0): 1}}, {}, ENDS)
    assert result["changes"] == [] and result["copies"] == {}


@pytest.mark.parametrize("members, message", [
    ({"new": 1}, "group new has 1 active member(s) and cannot take over the offsets of old; "
                 "stop its consumers first"),
    ({"new": 3}, "group new has 3 active member(s) and cannot take over the offsets of old; "
                 "stop its consumers first"),
])
def test_a_group_with_members_cannot_take_offsets(members, message):
    result = plan([spec("new"), spec("other")], {"old": OLD}, dict(members, other=0), ENDS)
    assert result["errors"] == [message]
    assert [c["group"] for c in result["changes"]] == ["other"]
    assert "new" not in result["copies"] and "new" not in result["diff"]["after"]


def test_members_of_a_group_with_nothing_to_take_are_no_error():
    own = {("t", 0): 1, ("t", 1): 2, ("t", 2): 3}
    assert plan([spec("new")], {"old": OLD, "new": own}, {"new": 2}, ENDS)["errors"] == []


def test_members_of_the_source_group_do_not_matter():
    assert plan([spec("new")], {"old": OLD}, {"old": 4, "new": 0}, ENDS)["errors"] == []


def test_absent_deletes_a_group_with_offsets():
    result = plan([spec("old", topics=(), offsets_from=None, state="absent")], {"old": OLD}, {"old": 0})
    assert result == {
        "changes": [{"group": "old", "action": "delete", "offsets": {"t": {"0": 40, "1": 17}, "u": {"0": 5}}}],
        "errors": [], "copies": {}, "deletes": ["old"],
        "diff": {"before": {"old": {"t": {"0": 40, "1": 17}, "u": {"0": 5}}}, "after": {"old": None}}}


@pytest.mark.parametrize("committed, members", [
    ({"gone": {}}, {}),
    ({}, {}),
    # A group with neither offsets nor members is nothing Kafka keeps.
    ({"gone": {}}, {"gone": 0}),
])
def test_absent_of_an_unknown_group_is_no_change(committed, members):
    assert plan([spec("gone", topics=(), offsets_from=None, state="absent")], committed, members) == {
        "changes": [], "errors": [], "copies": {}, "deletes": [], "diff": {"before": {}, "after": {}}}


@pytest.mark.parametrize("count, message", [
    (1, "group old has 1 active member(s) and cannot be deleted; stop its consumers first"),
    (2, "group old has 2 active member(s) and cannot be deleted; stop its consumers first"),
])
def test_absent_refuses_a_group_with_members(count, message):
    result = plan([spec("old", topics=(), offsets_from=None, state="absent")], {"old": OLD}, {"old": count})
    assert result["errors"] == [message]
    assert result["deletes"] == [] and result["changes"] == []


def test_refusals_of_take_and_delete_are_all_reported():
    specs = [spec("new", offsets_from="src"), spec("old", topics=(), offsets_from=None, state="absent")]
    result = plan(specs, {"src": OLD, "old": OLD}, {"new": 1, "old": 2}, ENDS)
    assert result["errors"] == [
        "group new has 1 active member(s) and cannot take over the offsets of src; stop its consumers first",
        "group old has 2 active member(s) and cannot be deleted; stop its consumers first"]


def test_take_and_delete_in_one_plan():
    specs = [spec("new", offsets_from="src"), spec("old", topics=(), offsets_from=None, state="absent")]
    result = plan(specs, {"src": OLD, "old": {("t", 0): 1}}, {"new": 0, "old": 0}, ENDS)
    assert [c["action"] for c in result["changes"]] == ["take offsets", "delete"]
    assert result["deletes"] == ["old"] and list(result["copies"]) == ["new"]
    assert result["diff"] == {"before": {"new": {}, "old": {"t": {"0": 1}}},
                              "after": {"new": {"t": {"0": 40, "1": 17, "2": 9}}, "old": None}}


# needs_ends: the topics whose log end offsets the plan needs.

@pytest.mark.parametrize("specs, committed, topics", [
    ([spec("new")], {"old": OLD}, ["t"]),
    ([spec("new", topics=("u", "t"))], {"old": OLD, "new": {("t", 0): 1}}, ["t", "u"]),
    ([spec("a", topics=("v",)), spec("b", topics=("t", "v"))], {"old": OLD}, ["t", "v"]),
    # The source has no offsets: no log end is needed.
    ([spec("new")], {"old": {}}, []),
    ([spec("new")], {}, []),
    ([spec("new", offsets_from=None)], {"old": OLD}, []),
    ([spec("old", topics=(), offsets_from=None, state="absent")], {"old": OLD}, []),
    ([spec("a", topics=("v",)), spec("b", topics=("t",), offsets_from="empty")], {"old": OLD, "empty": {}},
     ["v"]),
])
def test_needs_ends(specs, committed, topics):
    assert needs_ends(specs, committed) == topics


# committed_view: each declared group's offsets on its topics after the run.

@pytest.mark.parametrize("specs, committed, copies, view", [
    ([spec("new")], {"old": OLD, "new": {}}, {"new": {("t", 0): 40, ("t", 2): 9}},
     {"new": {"t": {"0": 40, "2": 9}}}),
    # Own offsets merged with the copies; only the group's topics are shown.
    ([spec("new")], {"new": {("t", 1): 3, ("x", 0): 1}}, {"new": {("t", 0): 40}},
     {"new": {"t": {"0": 40, "1": 3}}}),
    # Without topics: every offset of the group.
    ([spec("new", topics=(), offsets_from=None)], {"new": {("t", 1): 3, ("x", 0): 1}}, {},
     {"new": {"t": {"1": 3}, "x": {"0": 1}}}),
    # A group without offsets, and a group to delete (not shown).
    ([spec("new"), spec("old", topics=(), offsets_from=None, state="absent")], {"old": OLD}, {},
     {"new": {}}),
])
def test_committed_view(specs, committed, copies, view):
    assert committed_view(specs, committed, copies) == view


def test_partitions_sort_by_number_and_are_string_keys():
    view = committed_view([spec("new")], {"new": {("t", 10): 1, ("t", 2): 2}}, {})
    assert list(view["new"]["t"].items()) == [("2", 2), ("10", 1)]


# A taken offset outside the partition's log: retention deleted the records below the log
# start (the group must read what is left, not fall back to the newest offset), or the log
# was truncated below it.
@pytest.mark.parametrize("starts, ends, taken", [
    pytest.param({("t", 0): 45, ("t", 1): 0}, None, {("t", 0): 45, ("t", 1): 17}, id="below-log-start"),
    pytest.param({("t", 0): 40}, {("t", 0): 50, ("t", 1): 12}, {("t", 0): 40, ("t", 1): 12}, id="above-log-end"),
    pytest.param(None, None, {("t", 0): 40, ("t", 1): 17}, id="bounds-not-read"),
    pytest.param({("t", 0): 0, ("t", 1): 0}, {("t", 0): 40, ("t", 1): 17}, {("t", 0): 40, ("t", 1): 17},
                 id="at-the-bounds"),
])
def test_taken_offsets_stay_within_the_log(starts, ends, taken):
    result = plan_offsets([spec("new")], {"old": {("t", 0): 40, ("t", 1): 17}}, {}, ends, starts)
    assert {k: v for k, v in result["copies"]["new"].items() if k in taken} == taken
