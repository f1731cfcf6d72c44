# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Checks on the controller, with kafka-python, what the runbooks and the reference service
did. The connection comes from the environment (KAFKA_BOOTSTRAP, KAFKA_USER, KAFKA_PASSWORD, ...:
see playbooks/files/fte_kafka.py). Each subcommand prints one JSON line and exits
1 when its check fails.

  events RUN COUNT TIMEOUT   every task RUN-0..RUN-<COUNT-1> has a completion in
                             fte.results.completed, and per task the first status, audit and
                             completion events come in that order (record timestamps)
                             (also reports how many completions each instance made)
  count TOPIC RUN EXPECTED TIMEOUT
                             TOPIC holds an event of every id RUN-0..RUN-<EXPECTED-1>
  group GROUP MEMBERS TIMEOUT
                             the consumer group has at least MEMBERS members and is stable
  login                      the user logs in
  refused                    the user cannot log in
  acl ALLOWED FORBIDDEN       the user may write ALLOWED and is refused writing FORBIDDEN
                             (kafka-python does not surface a refused read: verify.yml shows
                             that one with Kafka's own console consumer)
"""
import json
import os
import pathlib
import sys
import time

from kafka import KafkaAdminClient, KafkaProducer
from kafka.errors import KafkaError, TopicAuthorizationFailedError

# The collection's one kafka-python client setup (playbooks/files/fte_kafka.py).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "playbooks" / "files"))
import fte_kafka  # noqa: E402  pylint: disable=wrong-import-position

CONNECTION = fte_kafka.settings_from_env()

STATUS, AUDIT, COMPLETED = "fte.status.updates", "fte.audit.actions", "fte.results.completed"


def task_id_of(value):
    """The task id of a record: Dapr wraps the app's JSON in a CloudEvent's data."""
    try:
        event = json.loads(value)
    except ValueError:
        return None, None
    data = event.get("data", event) if isinstance(event, dict) else None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return None, None
    if not isinstance(data, dict):
        return None, None
    return data.get("task_id"), data


def read_until(topics, run, done, timeout):
    """Reads TOPICS from the beginning, collecting (topic, timestamp, offset, data) per task id
    of RUN, until done(tasks) or TIMEOUT seconds."""
    consumer = fte_kafka.consumer(CONNECTION)
    tasks = {}
    try:
        for batch in fte_kafka.batches(consumer, topics, time.monotonic() + timeout):
            for record in batch:
                task_id, data = task_id_of(record.value)
                if task_id and task_id.startswith(run + "-"):
                    tasks.setdefault(task_id, []).append((record.topic, record.timestamp, record.offset, data))
            if done(tasks):
                break
    finally:
        consumer.close()
    return tasks


def events(run, count, timeout):
    wanted = ["%s-%d" % (run, i) for i in range(count)]

    def done(tasks):
        return all(any(e[0] == COMPLETED for e in tasks.get(t, [])) for t in wanted)

    tasks = read_until([STATUS, AUDIT, COMPLETED], run, done, timeout)
    missing, duplicated, out_of_order, outcomes, instances = [], 0, [], {}, {}
    for task_id in wanted:
        seen = tasks.get(task_id, [])
        firsts = {}
        for topic, timestamp, _offset, data in seen:
            firsts.setdefault(topic, timestamp)
            if topic == COMPLETED:
                outcome = str(data.get("outcome", data.get("status", "?")))
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                instance = str(data.get("instance", "?"))
                instances[instance] = instances.get(instance, 0) + 1
        completions = [e for e in seen if e[0] == COMPLETED]
        if not completions:
            missing.append(task_id)
            continue
        duplicated += len(completions) - 1
        if not (STATUS in firsts and AUDIT in firsts and firsts[STATUS] <= firsts[AUDIT] <= firsts[COMPLETED]):
            out_of_order.append({"task_id": task_id, "first_ms": firsts})
    result = {"tasks": count, "completed": count - len(missing), "missing": missing,
              "duplicate_completions": duplicated, "out_of_order": out_of_order[:10],
              "out_of_order_count": len(out_of_order), "completion_outcomes": outcomes,
              "completions_by_instance": instances}
    return result, not missing and not out_of_order


def count_ids(topic, run, expected, timeout):
    wanted = {"%s-%d" % (run, i) for i in range(expected)}
    tasks = read_until([topic], run, lambda t: wanted <= set(t), timeout)
    missing = sorted(wanted - set(tasks))
    return {"topic": topic, "expected": expected, "found": len(wanted) - len(missing), "missing": missing[:20]}, not missing


def group(name, members, timeout):
    admin = KafkaAdminClient(**CONNECTION)
    deadline = time.monotonic() + timeout
    try:
        while True:
            described = admin.describe_groups([name]).get(name) or {}
            seen = {"group": name, "state": described.get("group_state"), "members": len(described.get("members") or [])}
            if (seen["state"] == "Stable" and seen["members"] >= members) or time.monotonic() > deadline:
                return seen, seen["state"] == "Stable" and seen["members"] >= members
            time.sleep(1)
    finally:
        admin.close()


def login():
    try:
        admin = KafkaAdminClient(request_timeout_ms=8000, bootstrap_timeout_ms=10000, **CONNECTION)
        admin.list_topics()
        admin.close()
        return True, ""
    except KafkaError as exc:
        return False, type(exc).__name__


def acl(allowed, forbidden):
    outcome = {}
    producer = KafkaProducer(acks="all", max_block_ms=15000, **CONNECTION)
    for topic in (allowed, forbidden):
        try:
            producer.send(topic, b'{"acl_probe": true}').get(timeout=15)
            outcome["write " + topic] = "accepted"
        except TopicAuthorizationFailedError:
            outcome["write " + topic] = "refused: TopicAuthorizationFailedError"
        except KafkaError as exc:
            outcome["write " + topic] = "error: %s" % type(exc).__name__
    producer.close()
    ok = outcome["write " + allowed] == "accepted" and outcome["write " + forbidden].startswith("refused")
    return outcome, ok


def main():
    command, args = sys.argv[1], sys.argv[2:]
    if command == "events":
        result, ok = events(args[0], int(args[1]), float(args[2]))
    elif command == "count":
        result, ok = count_ids(args[0], args[1], int(args[2]), float(args[3]))
    elif command == "group":
        result, ok = group(args[0], int(args[1]), float(args[2]))
    elif command in ("login", "refused"):
        logged_in, error = login()
        result = {"user": os.environ["KAFKA_USER"], "logged_in": logged_in, "error": error}
        ok = logged_in == (command == "login")
    elif command == "acl":
        result, ok = acl(*args[:2])
    else:
        sys.exit("unknown subcommand %s" % command)
    print(json.dumps(result))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
