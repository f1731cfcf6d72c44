"""kafka_scram_user through ansible-playbook against a real KRaft broker with SASL/SCRAM."""
import time

from kafka import KafkaAdminClient
from kafka.admin import UserScramCredentialUpsertion
from kafka.errors import KafkaError

from tests.integration.kafka_helpers import admin, assert_no_secret, conn_args, credentials, unique
from tests.lib.ansible_run import run_module


def can_login(kafka, user, password, mechanism="SCRAM-SHA-512"):
    """A real client login (kafka-python's admin client bootstraps with these credentials)."""
    try:
        client = KafkaAdminClient(bootstrap_timeout_ms=3000,
                                  **kafka.client_config(user, password, mechanism))
    except KafkaError:
        return False
    client.close()
    return True


def eventually(predicate, timeout=30):
    """True once predicate() is (credentials reach the brokers through the metadata log)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
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


def test_purge_deletes_retired_users_only(kafka):
    other = unique("reporting-")
    pw_a, pw_b, pw_o = unique("pw-a-"), unique("pw-b-"), unique("pw-o-")
    client = admin(kafka)
    try:
        # Kafka refuses two alterations of one user in one request: fte-b's second one apart.
        for alterations in ([UserScramCredentialUpsertion("fte-a", "SCRAM-SHA-512", pw_a),
                             UserScramCredentialUpsertion("fte-b", "SCRAM-SHA-512", pw_b),
                             UserScramCredentialUpsertion(other, "SCRAM-SHA-512", pw_o)],
                            [UserScramCredentialUpsertion("fte-b", "SCRAM-SHA-256", pw_b, iterations=8192)]):
            assert set(client.alter_user_scram_credentials(alterations).values()) == {None}
    finally:
        client.close()
    assert eventually(lambda: can_login(kafka, "fte-b", pw_b))
    everyone = ["fte-a", "fte-b", other, "admin"]
    before = credentials(kafka, everyone)
    assert before["fte-b"] == {"SCRAM_SHA_256": 8192, "SCRAM_SHA_512": 4096}
    args = dict(conn_args(kafka), users=[{"name": "fte-a", "password": pw_a}], purge=["fte-*"])

    # Purge (check mode): predicts the deletion of fte-b, changes nothing.
    check = run_module("kafka_scram_user", args, check=True, diff=True)
    assert check["changed"] is True
    assert check["changes"] == [{"user": "fte-b", "action": "delete",
                                 "mechanisms": ["SCRAM-SHA-256", "SCRAM-SHA-512"],
                                 "reason": "not declared; matches purge pattern fte-*"}]
    assert check["diff"] == [{"before_header": "fte-b", "after_header": "fte-b", "after": {},
                              "before": {"credentials": {
                                  "SCRAM-SHA-256": {"iterations": 8192, "password": "********"},
                                  "SCRAM-SHA-512": {"iterations": 4096, "password": "********"}}}}]
    assert credentials(kafka, everyone) == before

    # Purge: fte-b loses every credential; fte-a, the other user and admin stay.
    real = run_module("kafka_scram_user", args, diff=True)
    assert real["changes"] == check["changes"] and real["diff"] == check["diff"]
    assert real["users"] == {"fte-a": {"SCRAM-SHA-512": 4096}}
    after = dict(before)
    del after["fte-b"]
    assert credentials(kafka, everyone) == after
    assert eventually(lambda: not can_login(kafka, "fte-b", pw_b))
    assert can_login(kafka, "fte-a", pw_a) and can_login(kafka, other, pw_o)
    assert_no_secret(real, pw_a, pw_b, kafka.admin_password)

    # Purge (idempotency).
    again = run_module("kafka_scram_user", args, diff=True)
    assert again["changed"] is False and again["changes"] == [] and again["diff"] == []

    # Refused patterns (one matching the admin the module logs in as, one matching every
    # user), in the same call as a creation and a purge that would otherwise happen.
    client = admin(kafka)
    try:
        client.alter_user_scram_credentials([UserScramCredentialUpsertion("fte-b", "SCRAM-SHA-512", pw_b)])
    finally:
        client.close()
    fresh = unique("fte-c-")
    for refused, message in ((["fte-*", "adm*"], "purge[1]: 'adm*' matches admin, which this module logs "
                                                 "in as (sasl_username); it must never be purged"),
                             (["*"], "purge[0]: '*' would purge every user")):
        bad = run_module("kafka_scram_user", dict(args, users=[{"name": "fte-a", "password": pw_a},
                                                               {"name": fresh, "password": "pw"}],
                                                  purge=refused))
        assert bad.failed and bad["msg"].startswith("Invalid request, nothing was changed: ")
        assert message in bad["msg"]
    assert credentials(kafka, everyone + [fresh]) == dict(after, **{"fte-b": {"SCRAM_SHA_512": 4096}})
