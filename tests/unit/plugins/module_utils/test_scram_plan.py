"""Planning rules of kafka_scram_user, without Kafka."""
import pytest

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._scram import (
    MASK,
    MASK_CHANGED,
    PlanError,
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
