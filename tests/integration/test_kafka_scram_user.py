"""kafka_scram_user through ansible-playbook against a real KRaft broker with SASL/SCRAM."""
from kafka import KafkaAdminClient
from kafka.admin import UserScramCredentialUpsertion
from kafka.errors import KafkaError

from tests.integration.kafka_helpers import admin, assert_no_secret, conn_args, unique
from tests.lib.ansible_run import run_module


def credentials(kafka, names):
    client = admin(kafka)
    try:
        described = client.describe_user_scram_credentials(names)
    finally:
        client.close()
    return dict((user, dict((ci["mechanism"].name, ci["iterations"]) for ci in info["credential_infos"]))
                for user, info in described.items() if not info["error"])


def can_login(kafka, user, password, mechanism="SCRAM-SHA-512"):
    """A real client login (kafka-python's admin client bootstraps with these credentials)."""
    try:
        client = KafkaAdminClient(bootstrap_timeout_ms=3000,
                                  **kafka.client_config(user, password, mechanism))
    except KafkaError:
        return False
    client.close()
    return True


def test_create_noop_drift_and_delete(kafka):
    alice, bob = unique("alice-"), unique("bob-")
    pw_a, pw_b = unique("pw-a-"), unique("pw-b-")
    args = dict(conn_args(kafka), users=[{"name": alice, "password": pw_a},
                                         {"name": bob, "password": pw_b, "mechanism": "SCRAM-SHA-256",
                                          "iterations": 8192}])

    # Create (check mode).
    check = run_module("kafka_scram_user", args, check=True, diff=True)
    assert check["changed"] is True
    assert [(c["user"], c["action"]) for c in check["changes"]] == [(alice, "create"), (bob, "create")]
    assert credentials(kafka, [alice, bob]) == {}

    # Create.
    real = run_module("kafka_scram_user", args, diff=True)
    assert real["changes"] == check["changes"] and real["diff"] == check["diff"]
    assert credentials(kafka, [alice, bob]) == {alice: {"SCRAM_SHA_512": 4096}, bob: {"SCRAM_SHA_256": 8192}}
    assert can_login(kafka, alice, pw_a) and can_login(kafka, bob, pw_b, "SCRAM-SHA-256")
    assert_no_secret(real, pw_a, pw_b, kafka.admin_password)

    # Create (idempotency): the login check proves the passwords current, nothing is rewritten.
    again = run_module("kafka_scram_user", args, diff=True)
    assert again["changed"] is False and again["changes"] == [] and again["diff"] == []

    # Password drift: someone changed alice's password outside Ansible.
    client = admin(kafka)
    try:
        client.alter_user_scram_credentials([UserScramCredentialUpsertion(alice, "SCRAM-SHA-512", "other")])
    finally:
        client.close()
    assert can_login(kafka, alice, "other")
    check = run_module("kafka_scram_user", args, check=True, diff=True)
    assert check["changes"] == [{"user": alice, "action": "update", "mechanism": "SCRAM-SHA-512",
                                 "iterations": 4096, "reason": "the password does not authenticate"}]
    assert check["diff"][0]["after"]["credentials"]["SCRAM-SHA-512"]["password"] == "******** (changed)"
    assert can_login(kafka, alice, "other") and not can_login(kafka, alice, pw_a)
    fixed = run_module("kafka_scram_user", args, diff=True)
    assert fixed["changes"] == check["changes"] and fixed["diff"] == check["diff"]
    assert can_login(kafka, alice, pw_a) and not can_login(kafka, alice, "other")
    assert_no_secret(fixed, pw_a, pw_b)
    assert run_module("kafka_scram_user", args)["changed"] is False

    # update_password: on_create leaves a different password alone.
    on_create = dict(conn_args(kafka), name=alice, password="ignored", update_password="on_create")
    assert run_module("kafka_scram_user", on_create)["changed"] is False
    assert can_login(kafka, alice, pw_a)

    # Delete.
    gone = dict(conn_args(kafka), name=bob, state="absent")
    check = run_module("kafka_scram_user", gone, check=True)
    assert check["changes"] == [{"user": bob, "action": "delete", "mechanisms": ["SCRAM-SHA-256"]}]
    assert bob in credentials(kafka, [bob])
    assert run_module("kafka_scram_user", gone)["changes"] == check["changes"]
    assert credentials(kafka, [bob]) == {}
    assert run_module("kafka_scram_user", gone)["changed"] is False


def test_bad_input_changes_nothing(kafka):
    good, bad = unique("good-"), unique("bad-")
    result = run_module("kafka_scram_user", dict(conn_args(kafka), users=[
        {"name": good, "password": "pw"}, {"name": bad, "password": "pw", "iterations": 100}]))
    assert result.failed
    assert result["msg"] == ("Invalid request, nothing was changed: user %s: iterations must be "
                             "between 4096 and 16384, got 100" % bad)
    assert credentials(kafka, [good, bad]) == {}
