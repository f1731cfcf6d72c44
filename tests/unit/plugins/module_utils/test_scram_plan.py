"""Planning rules of kafka_scram_user, without Kafka."""
import pytest

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._scram import (
    MASK,
    MASK_CHANGED,
    PlanError,
    alteration_rounds,
    desired_users,
    login_checks,
    plan_users,
    validate_users,
)


def user(name, **kw):
    params = {"name": name, "password": "pw", "mechanism": "SCRAM-SHA-512", "iterations": 4096,
              "state": "present", "update_password": "always"}
    params.update(kw)
    return desired_users(params)[0]


def test_new_user_is_created_without_login_check():
    specs = [user("alice")]
    assert login_checks(specs, {}) == []
    plan = plan_users(specs, {}, {})
    assert plan["upsert"] == [("alice", "SCRAM-SHA-512", 4096)]
    assert plan["changes"] == [{"user": "alice", "action": "create", "mechanism": "SCRAM-SHA-512",
                                "iterations": 4096, "reason": "no SCRAM-SHA-512 credential"}]
    assert plan["diff"][0]["before"] == {}
    assert plan["diff"][0]["after"] == {
        "credentials": {"SCRAM-SHA-512": {"iterations": 4096, "password": MASK_CHANGED}}}


def test_current_password_is_a_noop():
    specs, actual = [user("alice")], {"alice": {"SCRAM-SHA-512": 4096}}
    assert login_checks(specs, actual) == [("alice", "SCRAM-SHA-512")]
    plan = plan_users(specs, actual, {("alice", "SCRAM-SHA-512"): True})
    assert plan == {"upsert": [], "delete": [], "changes": [], "diff": []}


def test_password_drift_is_rewritten():
    actual = {"alice": {"SCRAM-SHA-512": 4096}}
    plan = plan_users([user("alice")], actual, {("alice", "SCRAM-SHA-512"): False})
    assert plan["upsert"] == [("alice", "SCRAM-SHA-512", 4096)]
    assert plan["changes"][0]["reason"] == "the password does not authenticate"
    assert plan["diff"][0]["before"]["credentials"]["SCRAM-SHA-512"]["password"] == MASK
    assert plan["diff"][0]["after"]["credentials"]["SCRAM-SHA-512"]["password"] == MASK_CHANGED


def test_iterations_change_rewrites_without_login_check():
    specs, actual = [user("alice", iterations=8192)], {"alice": {"SCRAM-SHA-512": 4096}}
    assert login_checks(specs, actual) == []
    plan = plan_users(specs, actual, {})
    assert plan["changes"][0]["reason"] == "iterations 4096 -> 8192"


def test_on_create_never_checks_or_rewrites_an_existing_password():
    specs, actual = [user("alice", update_password="on_create")], {"alice": {"SCRAM-SHA-512": 4096}}
    assert login_checks(specs, actual) == []
    assert plan_users(specs, actual, {})["changes"] == []


def test_other_mechanisms_are_left_alone():
    actual = {"alice": {"SCRAM-SHA-256": 4096}}
    plan = plan_users([user("alice")], actual, {})
    assert plan["upsert"] == [("alice", "SCRAM-SHA-512", 4096)] and plan["delete"] == []
    assert set(plan["diff"][0]["after"]["credentials"]) == {"SCRAM-SHA-256", "SCRAM-SHA-512"}


def test_absent_deletes_every_mechanism_and_is_noop_when_missing():
    actual = {"alice": {"SCRAM-SHA-256": 4096, "SCRAM-SHA-512": 8192}}
    plan = plan_users([user("alice", state="absent"), user("bob", state="absent")], actual, {})
    assert plan["delete"] == [("alice", "SCRAM-SHA-256"), ("alice", "SCRAM-SHA-512")]
    assert plan["changes"] == [{"user": "alice", "action": "delete",
                                "mechanisms": ["SCRAM-SHA-256", "SCRAM-SHA-512"]}]
    assert plan["diff"][0]["after"] == {}


def test_no_password_anywhere_in_plan():
    plan = plan_users([user("alice", password="s3cr3t-value")], {"alice": {"SCRAM-SHA-512": 4096}},
                      {("alice", "SCRAM-SHA-512"): False})
    assert "s3cr3t-value" not in repr(plan)


@pytest.mark.parametrize("specs, message", [
    ([user("a", iterations=100)], "user a: iterations must be between 4096 and 16384, got 100"),
    ([user("a", iterations=20000)], "user a: iterations must be between 4096 and 16384, got 20000"),
    ([user("a", password=None)], "user a: a password is required with state present"),
    ([user("a"), user("a")], "user a is declared more than once"),
    ([user("a,b")], "user a,b: names with ',' or '=' are not supported"),
    ([user("")], "user name must not be empty"),
])
def test_invalid_requests(specs, message):
    with pytest.raises(PlanError) as exc:
        validate_users(specs)
    assert message in str(exc.value)


def test_absent_needs_no_password():
    validate_users([user("a", state="absent", password=None)])


def test_errors_are_collected_for_the_whole_request():
    with pytest.raises(PlanError) as exc:
        validate_users([user("a", iterations=1), user("b", password=None)])
    assert str(exc.value) == ("user a: iterations must be between 4096 and 16384, got 1; "
                              "user b: a password is required with state present")


def test_users_list_takes_top_level_defaults():
    specs = desired_users({"name": None, "password": None, "mechanism": "SCRAM-SHA-512",
                           "iterations": 4096, "state": "present", "update_password": "always",
                           "users": [{"name": "a", "password": "x"},
                                     {"name": "b", "password": "y", "mechanism": "SCRAM-SHA-256",
                                      "iterations": None, "state": None, "update_password": "on_create"}]})
    assert specs == [
        {"name": "a", "password": "x", "mechanism": "SCRAM-SHA-512", "iterations": 4096,
         "state": "present", "update_password": "always"},
        {"name": "b", "password": "y", "mechanism": "SCRAM-SHA-256", "iterations": 4096,
         "state": "present", "update_password": "on_create"}]


# purge: users the request owns by pattern; undeclared matching ones lose every credential.
PURGE_ACTUAL = {"fte-a": {"SCRAM-SHA-512": 4096},
                "fte-b": {"SCRAM-SHA-256": 4096, "SCRAM-SHA-512": 8192},
                "admin": {"SCRAM-SHA-512": 4096},
                "reporting": {"SCRAM-SHA-512": 4096}}


def test_purge_deletes_undeclared_matching_users_only():
    specs = [user("fte-a")]
    plan = plan_users(specs, PURGE_ACTUAL, {("fte-a", "SCRAM-SHA-512"): True}, ["fte-*"])
    assert plan["upsert"] == []
    assert plan["delete"] == [("fte-b", "SCRAM-SHA-256"), ("fte-b", "SCRAM-SHA-512")]
    assert plan["changes"] == [{"user": "fte-b", "action": "delete",
                                "mechanisms": ["SCRAM-SHA-256", "SCRAM-SHA-512"],
                                "reason": "not declared; matches purge pattern fte-*"}]
    assert plan["diff"] == [{"before_header": "fte-b", "after_header": "fte-b", "after": {},
                             "before": {"credentials": {
                                 "SCRAM-SHA-256": {"iterations": 4096, "password": MASK},
                                 "SCRAM-SHA-512": {"iterations": 8192, "password": MASK}}}}]


def test_purge_reason_names_the_first_matching_pattern_and_no_pattern_purges_nothing():
    plan = plan_users([], PURGE_ACTUAL, {}, ["reporting", "fte-?"])
    assert [(c["user"], c["reason"]) for c in plan["changes"]] == [
        ("fte-a", "not declared; matches purge pattern fte-?"),
        ("fte-b", "not declared; matches purge pattern fte-?"),
        ("reporting", "not declared; matches purge pattern reporting")]
    assert plan_users([], PURGE_ACTUAL, {})["changes"] == []


def test_purge_is_case_sensitive_and_a_noop_once_converged():
    assert plan_users([], {"FTE-x": {"SCRAM-SHA-512": 4096}}, {}, ["fte-*"])["changes"] == []
    converged = {"fte-a": {"SCRAM-SHA-512": 4096}, "admin": {"SCRAM-SHA-512": 4096}}
    plan = plan_users([user("fte-a")], converged, {("fte-a", "SCRAM-SHA-512"): True}, ["fte-*"])
    assert plan == {"upsert": [], "delete": [], "changes": [], "diff": []}


def test_declared_absent_user_is_deleted_once_without_purge_reason():
    plan = plan_users([user("fte-b", state="absent")], PURGE_ACTUAL, {}, ["fte-*"])
    assert [c["user"] for c in plan["changes"]] == ["fte-b", "fte-a"]
    assert "reason" not in plan["changes"][0]
    assert plan["delete"].count(("fte-b", "SCRAM-SHA-512")) == 1


@pytest.mark.parametrize("purge, login_user, message", [
    (["*"], "admin", "purge[0]: '*' would purge every user; name the ones the design owns, for example 'fte-*'"),
    (["fte-*", "**"], None, "purge[1]: '**' would purge every user"),
    (["adm*"], "admin", "purge[0]: 'adm*' matches admin, which this module logs in as (sasl_username); "
                        "it must never be purged"),
    (["fte-*", "?dmin"], "admin", "purge[1]: '?dmin' matches admin"),
    ([""], "admin", "purge[0]: a pattern must not be empty"),
])
def test_refused_purge_patterns(purge, login_user, message):
    with pytest.raises(PlanError) as exc:
        validate_users([user("fte-a")], purge, login_user)
    assert message in str(exc.value)


def test_purge_patterns_that_spare_the_login_user_are_accepted():
    validate_users([user("fte-a")], ["fte-*", "Admin"], "admin")
    validate_users([user("fte-a")], ["fte-*"], None)


def test_purge_errors_come_with_the_users_errors():
    with pytest.raises(PlanError) as exc:
        validate_users([user("a", iterations=1)], ["*"], "admin")
    assert str(exc.value) == ("user a: iterations must be between 4096 and 16384, got 1; purge[0]: '*' "
                              "would purge every user; name the ones the design owns, for example 'fte-*'")


def test_alterations_of_one_user_go_into_successive_requests():
    # Kafka: "A user credential cannot be altered twice in the same request".
    specs = [user("fte-a"), user("fte-c", state="absent")]
    actual = dict(PURGE_ACTUAL, **{"fte-c": {"SCRAM-SHA-256": 4096}})
    plan = plan_users(specs, actual, {("fte-a", "SCRAM-SHA-512"): False}, ["fte-*"])
    assert alteration_rounds(plan) == [
        [("delete", "fte-c", "SCRAM-SHA-256"), ("delete", "fte-b", "SCRAM-SHA-256"),
         ("upsert", "fte-a", "SCRAM-SHA-512", 4096)],
        [("delete", "fte-b", "SCRAM-SHA-512")]]
    assert alteration_rounds(plan_users([], {}, {})) == []
