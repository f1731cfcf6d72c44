"""Planning rules of kafka_topic, without Kafka."""
import pytest

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._topic import (
    PlanError,
    choose_replicas,
    desired_topics,
    normalize_config,
    parse_duration_ms,
    parse_size_bytes,
    pattern_regex,
    plan_topics,
    validate_name,
)

BROKERS = [{"id": 1, "rack": None}, {"id": 2, "rack": None}, {"id": 3, "rack": None}]
DAY = 86400 * 1000


def spec(name, **kw):
    params = {"name": name, "partitions": kw.pop("partitions", None),
              "replication_factor": kw.pop("replication_factor", None), "config": kw.pop("config", {}),
              "reset_config": kw.pop("reset_config", []), "state": kw.pop("state", "present"),
              "protected": kw.pop("protected", False)}
    assert not kw
    return desired_topics(params)[0]


def topic(partitions=3, rf=1, config=None, defaults=None):
    """An existing topic: `config` are topic-level overrides, `defaults` inherited values."""
    cfg = {}
    for key, value in (defaults or {}).items():
        cfg[key] = {"value": value, "source": "DEFAULT_CONFIG"}
    for key, value in (config or {}).items():
        cfg[key] = {"value": value, "source": "DYNAMIC_TOPIC_CONFIG"}
    replicas = dict((p, [1 + (p + i) % 3 for i in range(rf)]) for p in range(partitions))
    return {"replicas": replicas, "config": cfg}


@pytest.mark.parametrize("value, expected", [
    ("7d", 7 * DAY), ("90d", 90 * DAY), ("7y", 7 * 365 * DAY), ("30d", 30 * DAY), ("12h", 12 * 3600000),
    ("1.5h", 5400000), ("250ms", 250), ("45s", 45000), ("2w", 14 * DAY), ("10m", 600000),
    (604800000, 604800000), ("604800000", 604800000), ("-1", -1), ("forever", -1), ("FOREVER", -1),
])
def test_durations(value, expected):
    assert parse_duration_ms("retention.ms", value) == expected


@pytest.mark.parametrize("key, value, message", [
    ("retention.ms", "7 days", "config retention.ms: '7 days' is not a duration; use an integer number "
     "of milliseconds or a number with one of the units ms, s, m, h, d, w, y (y = 365d), or 'forever'"),
    ("segment.ms", "forever", "config segment.ms: 'forever' is only valid for local.retention.ms, retention.ms"),
    ("retention.ms", "1.0001s", "config retention.ms: '1.0001s' is not a whole number of milliseconds"),
    ("retention.ms", True, "config retention.ms: True is not a duration"),
])
def test_bad_durations(key, value, message):
    with pytest.raises(PlanError) as exc:
        parse_duration_ms(key, value)
    assert str(exc.value) == message


@pytest.mark.parametrize("value, expected", [
    ("10GiB", 10 * 1024 ** 3), ("1GiB", 1073741824), ("512MiB", 536870912), ("1.5KiB", 1536),
    ("100MB", 100 * 1000 ** 2), ("1tb", 10 ** 12), ("4096", 4096), (4096, 4096), ("-1", -1), ("10 GiB", 10 * 1024 ** 3),
])
def test_sizes(value, expected):
    assert parse_size_bytes("retention.bytes", value) == expected


def test_bad_size():
    with pytest.raises(PlanError) as exc:
        parse_size_bytes("segment.bytes", "10GB/s")
    assert str(exc.value).startswith("config segment.bytes: '10GB/s' is not a size")


def test_normalize_config_converts_human_and_raw_values():
    assert normalize_config({"retention.ms": "7d", "segment.bytes": "1GiB", "min.insync.replicas": 2,
                             "unclean.leader.election.enable": False, "cleanup.policy": ["compact", "delete"],
                             "min.cleanable.dirty.ratio": 0.5}) == {
        "retention.ms": "604800000", "segment.bytes": "1073741824", "min.insync.replicas": "2",
        "unclean.leader.election.enable": "false", "cleanup.policy": "compact,delete",
        "min.cleanable.dirty.ratio": "0.5"}


def test_unknown_key_lists_the_valid_ones():
    with pytest.raises(PlanError) as exc:
        normalize_config({"retention.days": 7})
    message = str(exc.value)
    assert message.startswith("unknown topic config key(s) retention.days; valid keys are: cleanup.policy, ")
    assert "retention.ms" in message and "segment.bytes" in message


@pytest.mark.parametrize("name, message", [
    ("", "topic name must not be empty"),
    (".", "topic name '.' is not allowed"),
    ("..", "topic name '..' is not allowed"),
    ("a" * 250, "topic name %r is 250 characters long; the maximum is 249" % ("a" * 250)),
    ("fte/audit", "topic name 'fte/audit' may contain only ASCII letters, digits, '.', '_' and '-'"),
    ("fte audit", "topic name 'fte audit' may contain only ASCII letters, digits, '.', '_' and '-'"),
])
def test_invalid_names(name, message):
    with pytest.raises(PlanError) as exc:
        validate_name(name)
    assert str(exc.value) == message


@pytest.mark.parametrize("name, ok", [
    ("fte.triggers.inbound", True), ("fte.handoffs.agent-7", True), ("fte.audit", False),
    ("fte.a.b.c", False), ("xfte.a.b", False), ("fteXa.b", False),
])
def test_name_pattern(name, ok):
    assert bool(pattern_regex("fte.{category}.{subcategory}").match(name)) is ok


def test_create_uses_declared_values_and_broker_defaults():
    plan = plan_topics([spec("a", config={"retention.ms": "7d"})], {}, BROKERS,
                       defaults={"partitions": 6, "replication_factor": 3})
    assert plan["create"] == {"a": {"num_partitions": 6, "replication_factor": 3,
                                    "configs": {"retention.ms": "604800000"}}}
    assert plan["diff"] == [{"before_header": "a", "after_header": "a", "before": {},
                             "after": {"partitions": 6, "replication_factor": 3,
                                       "config": {"retention.ms": "604800000"}}}]
    assert plan["changes"][0]["action"] == "create"


def test_converged_topic_is_a_noop():
    actual = {"a": topic(3, 1, config={"retention.ms": "604800000"})}
    plan = plan_topics([spec("a", partitions=3, replication_factor=1, config={"retention.ms": "7d"})],
                       actual, BROKERS)
    assert plan["changes"] == [] and plan["diff"] == [] and plan["alter_config"] == {}
    assert plan["topics"] == {"a": {"partitions": 3, "replication_factor": 1,
                                    "config": {"retention.ms": "604800000"}}}


def test_only_differing_keys_are_set():
    actual = {"a": topic(config={"retention.ms": "604800000", "segment.bytes": "1073741824"})}
    plan = plan_topics([spec("a", config={"retention.ms": "30d", "segment.bytes": "1GiB"})], actual, BROKERS)
    assert plan["alter_config"] == {"a": {"retention.ms": ("SET", str(30 * DAY))}}
    assert plan["diff"][0]["before"]["config"] == {"retention.ms": "604800000", "segment.bytes": "1073741824"}
    assert plan["diff"][0]["after"]["config"] == {"retention.ms": str(30 * DAY), "segment.bytes": "1073741824"}


def test_inherited_default_never_causes_a_diff_for_undeclared_keys():
    # min.insync.replicas comes from a cluster-wide dynamic default: not declared, not touched.
    actual = {"a": topic(config={"retention.ms": "604800000"})}
    actual["a"]["config"]["min.insync.replicas"] = {"value": "2", "source": "DYNAMIC_DEFAULT_BROKER_CONFIG"}
    plan = plan_topics([spec("a", config={"retention.ms": "7d"})], actual, BROKERS)
    assert plan["changes"] == []


def test_declared_key_equal_to_default_is_pinned_once():
    actual = {"a": topic(defaults={"segment.bytes": "1073741824"})}
    plan = plan_topics([spec("a", config={"segment.bytes": "1GiB"})], actual, BROKERS)
    assert plan["alter_config"] == {"a": {"segment.bytes": ("SET", "1073741824")}}
    # ...and once set on the topic, nothing more to do.
    actual = {"a": topic(config={"segment.bytes": "1073741824"})}
    assert plan_topics([spec("a", config={"segment.bytes": "1GiB"})], actual, BROKERS)["changes"] == []


def test_undeclared_overrides_are_never_reset():
    actual = {"a": topic(config={"retention.ms": "1000", "cleanup.policy": "compact"})}
    plan = plan_topics([spec("a", config={"retention.ms": "1000"})], actual, BROKERS)
    assert plan["changes"] == []


def test_reset_deletes_only_requested_override():
    actual = {"a": topic(config={"retention.ms": "1000", "segment.ms": "3600000"})}
    plan = plan_topics([spec("a", reset_config=["segment.ms"])], actual, BROKERS)
    assert plan["alter_config"] == {"a": {"segment.ms": ("DELETE", None)}}
    assert plan["diff"][0]["before"]["config"] == {"segment.ms": "3600000"}
    assert plan["diff"][0]["after"]["config"] == {}


def test_reset_of_inherited_key_is_a_noop():
    actual = {"a": topic(defaults={"segment.ms": "604800000"})}
    assert plan_topics([spec("a", reset_config=["segment.ms"])], actual, BROKERS)["changes"] == []


def test_set_and_reset_same_key_is_an_error():
    with pytest.raises(PlanError, match="topic a: retention.ms both set in config and listed in reset_config"):
        plan_topics([spec("a", config={"retention.ms": 1}, reset_config=["retention.ms"])], {}, BROKERS)


def test_partitions_grow():
    plan = plan_topics([spec("a", partitions=6)], {"a": topic(3)}, BROKERS)
    assert plan["create_partitions"] == {"a": 6}
    assert plan["diff"][0]["before"]["partitions"] == 3 and plan["diff"][0]["after"]["partitions"] == 6


def test_partitions_never_shrink():
    with pytest.raises(PlanError) as exc:
        plan_topics([spec("a", partitions=2)], {"a": topic(3)}, BROKERS)
    assert str(exc.value) == "topic a: has 3 partitions; Kafka cannot remove partitions, so 2 is refused"


def test_one_bad_topic_fails_the_whole_request():
    specs = [spec("good", partitions=1, replication_factor=1), spec("bad", partitions=1),
             spec("x y", partitions=1, replication_factor=1)]
    with pytest.raises(PlanError) as exc:
        plan_topics(specs, {"bad": topic(3)}, BROKERS)
    assert "topic bad: has 3 partitions" in str(exc.value)
    assert "'x y' may contain only" in str(exc.value)


def test_rf_larger_than_cluster_is_an_error():
    with pytest.raises(PlanError, match=r"topic a: replication_factor 4 is larger than the number of brokers \(3\)"):
        plan_topics([spec("a", partitions=1, replication_factor=4)], {}, BROKERS)


def test_rf_increase_plans_a_reassignment():
    actual = {"a": {"replicas": {0: [1], 1: [2], 2: [3]}, "config": {}}}
    plan = plan_topics([spec("a", replication_factor=2)], actual, BROKERS)
    assert plan["reassign"] == {"a": {0: [1, 2], 1: [2, 3], 2: [3, 1]}}
    assert plan["diff"][0]["after"]["replication_factor"] == 2


def test_rf_and_partitions_together_assign_new_partitions_explicitly():
    actual = {"a": {"replicas": {0: [1], 1: [2]}, "config": {}}}
    plan = plan_topics([spec("a", partitions=3, replication_factor=2)], actual, BROKERS)
    assert plan["reassign"]["a"] == {0: [1, 3], 1: [2, 3]}
    assert plan["create_partitions"] == {"a": {"count": 3, "assignments": [[1, 2]]}}


def test_choose_replicas_spreads_load_evenly():
    result = choose_replicas({p: [1 + p % 3] for p in range(6)}, 3, BROKERS)
    counts = {}
    for replicas in result.values():
        assert len(set(replicas)) == 3
        for b in replicas:
            counts[b] = counts.get(b, 0) + 1
    assert counts == {1: 6, 2: 6, 3: 6}
    assert [result[p][0] for p in range(6)] == [1, 2, 3, 1, 2, 3]


def test_choose_replicas_keeps_leader_and_balances():
    assert choose_replicas({0: [3], 1: [3]}, 3, BROKERS) == {0: [3, 1, 2], 1: [3, 1, 2]}
    assert choose_replicas({0: [2, 1, 3]}, 1, BROKERS) == {0: [2]}


def test_choose_replicas_prefers_new_racks():
    brokers = [{"id": 1, "rack": "a"}, {"id": 2, "rack": "a"}, {"id": 3, "rack": "b"}]
    assert choose_replicas({0: [1]}, 2, brokers) == {0: [1, 3]}


def test_delete_absent_topic_and_noop_when_missing():
    plan = plan_topics([spec("a", state="absent"), spec("gone", state="absent")], {"a": topic()}, BROKERS)
    assert plan["delete"] == ["a"]
    assert plan["diff"][0]["after"] == {}


def test_protected_topic_is_never_deleted_without_force():
    with pytest.raises(PlanError, match="topic audit: is protected: refusing to delete it"):
        plan_topics([spec("audit", state="absent", protected=True)], {"audit": topic()}, BROKERS)
    plan = plan_topics([spec("audit", state="absent", protected=True)], {"audit": topic()}, BROKERS, force=True)
    assert plan["delete"] == ["audit"]


@pytest.mark.parametrize("current, desired", [
    ("220752000000", "90d"),      # 7y -> 90d
    ("-1", "7y"),                 # forever -> finite
])
def test_protected_retention_decrease_refused(current, desired):
    actual = {"audit": topic(config={"retention.ms": current})}
    with pytest.raises(PlanError, match="topic audit: is protected: refusing to lower retention.ms"):
        plan_topics([spec("audit", protected=True, config={"retention.ms": desired})], actual, BROKERS)
    plan = plan_topics([spec("audit", protected=True, config={"retention.ms": desired})], actual, BROKERS,
                       force=True)
    assert plan["alter_config"]["audit"]["retention.ms"][0] == "SET"


def test_protected_retention_decrease_vs_inherited_default_refused():
    actual = {"audit": topic(defaults={"retention.bytes": "-1"})}
    with pytest.raises(PlanError, match="refusing to lower retention.bytes from -1 to 1073741824"):
        plan_topics([spec("audit", protected=True, config={"retention.bytes": "1GiB"})], actual, BROKERS)


def test_protected_retention_increase_allowed():
    actual = {"audit": topic(config={"retention.ms": str(90 * DAY)})}
    plan = plan_topics([spec("audit", protected=True, config={"retention.ms": "7y"})], actual, BROKERS)
    assert plan["alter_config"]["audit"] == {"retention.ms": ("SET", str(7 * 365 * DAY))}


def test_protected_retention_reset_refused():
    actual = {"audit": topic(config={"retention.ms": "-1"})}
    with pytest.raises(PlanError, match="refusing to reset retention.ms"):
        plan_topics([spec("audit", protected=True, reset_config=["retention.ms"])], actual, BROKERS)


def test_name_pattern_enforced():
    with pytest.raises(PlanError, match="topic fte.audit: name does not match name_pattern fte.{category}.{subcategory}"):
        plan_topics([spec("fte.audit", partitions=1, replication_factor=1)], {}, BROKERS,
                    name_pattern="fte.{category}.{subcategory}")


def test_collisions_within_request_and_with_existing_topics():
    with pytest.raises(PlanError, match="topics a.b and a_b collide"):
        plan_topics([spec("a.b", partitions=1, replication_factor=1),
                     spec("a_b", partitions=1, replication_factor=1)], {}, BROKERS)
    with pytest.raises(PlanError, match="topic a.b: collides with existing topic a_b"):
        plan_topics([spec("a.b", partitions=1, replication_factor=1)], {"a_b": topic()}, BROKERS)


@pytest.mark.parametrize("existing, error", [
    (["a_b", "other"], "topic a.b: collides with existing topic a_b"),
    (["other"], None),
])
def test_collisions_with_undeclared_topics_come_from_existing(existing, error):
    # The module reads only the declared topics; the names of the others arrive in `existing`.
    specs = [spec("a.b", partitions=1, replication_factor=1)]
    if error:
        with pytest.raises(PlanError, match=error):
            plan_topics(specs, {}, BROKERS, existing=existing)
    else:
        assert [c["action"] for c in plan_topics(specs, {}, BROKERS, existing=existing)["changes"]] == ["create"]


def test_duplicate_declaration_is_an_error():
    with pytest.raises(PlanError, match="topic a is declared more than once"):
        plan_topics([spec("a", partitions=1, replication_factor=1)] * 2, {}, BROKERS)


def test_topics_list_takes_top_level_defaults():
    specs = desired_topics({"name": None, "partitions": 6, "replication_factor": 3,
                            "config": {"min.insync.replicas": 2, "retention.ms": "7d"},
                            "reset_config": [], "state": "present", "protected": False,
                            "topics": [{"name": "a", "config": {"retention.ms": "90d"}},
                                       {"name": "b", "partitions": 12, "protected": True,
                                        "config": None, "state": None, "reset_config": None,
                                        "replication_factor": None}]})
    assert specs[0] == {"name": "a", "partitions": 6, "replication_factor": 3, "state": "present",
                        "protected": False, "reset_config": [],
                        "config": {"min.insync.replicas": 2, "retention.ms": "90d"}}
    assert specs[1]["partitions"] == 12 and specs[1]["protected"] is True
    assert specs[1]["config"] == {"min.insync.replicas": 2, "retention.ms": "7d"}
