# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""The pure logic of the reference service (examples/fte_service/fte_worker/events.py).

events.py imports neither Dapr nor FastAPI, so these run in the project's venv without
the service's requirements.
"""
import json
import os
import re
import uuid
from datetime import datetime, timezone

import pytest

from tests.lib import paths

events = paths.load("examples/fte_service/fte_worker/events.py")

TS = "2026-11-27T15:20:46.123Z"
HOST = "app1"


def cloud_event(data, event_id="3f1c6c1e-0000-4000-8000-000000000001", source="fte-gateway"):
    return {"specversion": "1.0", "id": event_id, "source": source, "type": "com.dapr.event.sent",
            "topic": "fte.triggers.inbound", "pubsubname": "pubsub",
            "datacontenttype": "application/json", "data": data}


@pytest.mark.parametrize("data, expected", [
    ({"task_id": "t-1", "task": "x"}, "t-1"),
    ({"task_id": "  t-2 ", "task": "x"}, "t-2"),
    ({"task_id": 42, "task": "x"}, "42"),
])
def test_task_id_given_by_the_trigger_is_kept(data, expected):
    assert events.task_id_of(cloud_event(data)) == expected


@pytest.mark.parametrize("data", [
    {"task": "x"},
    {"task_id": "", "task": "x"},
    {"task_id": None, "task": "x"},
    {"task_id": True, "task": "x"},
    {"task_id": {"nested": 1}, "task": "x"},
])
def test_task_id_is_derived_from_the_cloudevent_id_when_missing(data):
    expected = "task-" + str(uuid.uuid5(events.TASK_ID_NAMESPACE,
                                        "cloudevent:fte-gateway:3f1c6c1e-0000-4000-8000-000000000001"))
    assert events.task_id_of(cloud_event(data)) == expected


def test_redelivery_keeps_the_derived_task_id_and_other_events_differ():
    first = events.task_id_of(cloud_event({"task": "x"}))
    again = events.task_id_of(cloud_event({"task": "x"}))
    other = events.task_id_of(cloud_event({"task": "x"}, event_id="another"))
    other_source = events.task_id_of(cloud_event({"task": "x"}, source="elsewhere"))
    assert first == again
    assert len({first, other, other_source}) == 3


def test_task_id_without_cloudevent_id_comes_from_the_content():
    a = events.task_id_of({"data": {"task": "x", "n": 1}})
    b = events.task_id_of({"data": {"n": 1, "task": "x"}})
    c = events.task_id_of({"data": {"task": "y", "n": 1}})
    assert a == b != c
    assert a.startswith("task-")


@pytest.mark.parametrize("cloud_event_in, expected", [
    ({"data": {"task": "x"}}, {"task": "x"}),
    ({"data": '{"task_id": "t", "task": "x"}'}, {"task_id": "t", "task": "x"}),
    ({"data": "plain text"}, {"task": "plain text"}),
    ({"data": [1, 2]}, {"task": [1, 2]}),
    ({}, {"task": None}),
    ("not a dict", {"task": "not a dict"}),
])
def test_trigger_data(cloud_event_in, expected):
    assert events.trigger_data(cloud_event_in) == expected


@pytest.mark.parametrize("task, outcome, result, error", [
    ("hello", "succeeded", {"echo": "hello", "upper": "HELLO", "length": 5}, None),
    ({"text": "abc"}, "succeeded", {"echo": "abc", "upper": "ABC", "length": 3}, None),
    ({"text": ["a"]}, "succeeded", {"echo": '["a"]', "upper": '["A"]', "length": 5}, None),
    ({"fail": True}, "failed", None, "the task asked to fail"),
    ({"fail": True, "reason": "no sandbox"}, "failed", None, "no sandbox"),
    (None, "failed", None, "the trigger has no task"),
])
def test_run_task_outcomes(task, outcome, result, error):
    assert events.run_task(task) == (outcome, result, error)


def test_run_task_turns_a_bug_into_a_failed_outcome(monkeypatch):
    def broken(_task):
        raise KeyError("boom")
    monkeypatch.setattr(events, "do_work", broken)
    assert events.run_task("x") == ("failed", None, "KeyError: 'boom'")


def test_plan_events_success_in_order_with_the_task_id():
    task_id, planned = events.plan_events(cloud_event({"task_id": "t-1", "task": "hello"}), "fte-worker", TS,
                                          instance=HOST)
    assert task_id == "t-1"
    assert planned == [
        ("fte.status.updates", {"task_id": "t-1", "status": "succeeded", "app_id": "fte-worker", "timestamp": TS,
                                "trigger_id": "3f1c6c1e-0000-4000-8000-000000000001", "instance": HOST}),
        ("fte.audit.actions", {"action": "task.succeeded", "agent": "fte-worker", "task_id": "t-1", "timestamp": TS,
                               "outcome": "succeeded", "trigger_id": "3f1c6c1e-0000-4000-8000-000000000001",
                               "instance": HOST}),
        ("fte.results.completed", {"task_id": "t-1", "outcome": "succeeded", "app_id": "fte-worker", "timestamp": TS,
                                   "result": {"echo": "hello", "upper": "HELLO", "length": 5}, "instance": HOST}),
    ]


def test_plan_events_failure_still_ends_with_a_completion():
    task_id, planned = events.plan_events(cloud_event({"task_id": "t-2", "task": {"fail": True}}), "fte-worker", TS,
                                          instance=HOST)
    assert [entry[0] for entry in planned] == ["fte.status.updates", "fte.audit.actions", "fte.results.completed"]
    assert planned[0][1]["status"] == "failed"
    assert planned[1][1]["action"] == "task.failed"
    assert planned[2][1] == {"task_id": "t-2", "outcome": "failed", "app_id": "fte-worker", "timestamp": TS,
                             "error": "the task asked to fail", "instance": HOST}
    assert {entry[1]["task_id"] for entry in planned} == {task_id}


@pytest.mark.parametrize("task", [
    "hello",
    {"text": "abc"},
    {"fail": True},
    None,
])
@pytest.mark.parametrize("instance, expected", [
    ("app1", "app1"),
    ("  app2.lab ", "app2.lab"),
    ("fte-worker-0", "fte-worker-0"),
])
def test_plan_events_every_event_carries_the_instance(task, instance, expected):
    _task_id, planned = events.plan_events(cloud_event({"task_id": "t", "task": task}), "fte-worker", TS,
                                           instance=instance)
    assert len(planned) == 3
    assert [event["instance"] for _topic, event in planned] == [expected] * 3


@pytest.mark.parametrize("instance", ["", "   ", None, 42])
def test_plan_events_refuses_an_empty_instance(instance):
    with pytest.raises(ValueError, match="instance must be a non-empty string"):
        events.plan_events(cloud_event({"task": "x"}), "fte-worker", TS, instance=instance)


def test_plan_events_needs_the_instance():
    with pytest.raises(TypeError):
        events.plan_events(cloud_event({"task": "x"}), "fte-worker", TS)  # pylint: disable=missing-kwoa


@pytest.mark.parametrize("configured, hostname, expected", [
    ("app1", "container-1234", "app1"),
    (" app1 ", "container-1234", "app1"),
    ("", "container-1234", "container-1234"),
    ("  ", "container-1234", "container-1234"),
    (None, "container-1234", "container-1234"),
])
def test_resolve_instance_prefers_the_configured_name(configured, hostname, expected):
    assert events.resolve_instance(configured, hostname) == expected


@pytest.mark.parametrize("configured, hostname", [("", ""), (None, "  "), (None, None)])
def test_resolve_instance_refuses_no_name_at_all(configured, hostname):
    with pytest.raises(ValueError, match="no instance name"):
        events.resolve_instance(configured, hostname)


@pytest.mark.parametrize("cloud_event_in, reason", [
    # not a CloudEvent object at all
    ([1, 2], "the body is a JSON array, not a CloudEvent object"),
    ("plain", "the body is a JSON string, not a CloudEvent object"),
    (7, "the body is a JSON number, not a CloudEvent object"),
    (None, "the body is a JSON null, not a CloudEvent object"),
    (True, "the body is a JSON boolean, not a CloudEvent object"),
    # the task marked poison, with or without a reason, in data as an object or a JSON string
    (cloud_event({"task_id": "t-p", "task": {"poison": True}}), "the task is marked poison"),
    (cloud_event({"task": {"poison": True, "reason": "schema v0"}}), "schema v0"),
    (cloud_event('{"task": {"poison": true}}'), "the task is marked poison"),
    (cloud_event({"task": {"poison": True, "fail": True}}), "the task is marked poison"),
])
def test_poison_reason_for_a_trigger_that_can_never_be_processed(cloud_event_in, reason):
    assert events.poison_reason(cloud_event_in) == reason
    with pytest.raises(events.PoisonedTrigger, match="^%s$" % re.escape(reason)):
        events.plan_events(cloud_event_in, "fte-worker", TS, instance=HOST)


@pytest.mark.parametrize("cloud_event_in", [
    cloud_event({"task_id": "t-1", "task": "hello"}),
    cloud_event({"task": {"text": "abc"}}),
    cloud_event({"task": {"fail": True}}),             # a failed task, not a poisoned trigger
    cloud_event({"task": {"poison": False}}),
    cloud_event({"task": {"poison": "true"}}),          # only JSON true marks poison
    cloud_event({"task": {"poison": 1}}),
    cloud_event({"task": "poison"}),
    cloud_event({"poison": True, "task": "x"}),         # the marker belongs in the task
    cloud_event("plain text"),                          # data as text is a task
    cloud_event([1, 2]),
    cloud_event(None),                                  # no task: a failed task
    {},
])
def test_poison_reason_is_none_for_processable_triggers(cloud_event_in):
    assert events.poison_reason(cloud_event_in) is None
    _task_id, planned = events.plan_events(cloud_event_in, "fte-worker", TS, instance=HOST)
    assert [topic for topic, _event in planned] == ["fte.status.updates", "fte.audit.actions",
                                                    "fte.results.completed"]


def test_completion_event_refuses_an_unknown_outcome():
    with pytest.raises(ValueError, match="outcome must be succeeded or failed, got 'done'"):
        events.completion_event("t", "done", "fte-worker", TS)


@pytest.mark.parametrize("published, expected, status", [
    (3, 3, "SUCCESS"),
    (2, 3, "RETRY"),
    (0, 3, "RETRY"),
    (0, 0, "RETRY"),
])
def test_dapr_status(published, expected, status):
    assert events.dapr_status(published, expected) == {"status": status}


def test_utc_timestamp_format():
    now = datetime(2026, 11, 27, 15, 20, 46, 123456, tzinfo=timezone.utc)
    assert events.utc_timestamp(now) == TS


def test_encode_is_stable_json():
    assert events.encode({"b": 1, "a": "é"}) == json.dumps({"a": "é", "b": 1}, separators=(",", ":")).encode("utf-8")


def test_requirements_pin_every_package_exactly():
    with open(os.path.join(paths.ROOT, "examples", "fte_service", "requirements.txt"), encoding="utf-8") as fh:
        lines = [line.strip() for line in fh if line.strip() and not line.startswith("#")]
    loose = [line for line in lines if not re.match(r"^[A-Za-z0-9_.-]+==[A-Za-z0-9_.+-]+$", line)]
    assert not loose, "not pinned with ==: %s" % loose
    names = [re.sub(r"[-_.]+", "-", line.split("==")[0]).lower() for line in lines]
    assert len(names) == len(set(names))
    assert {"dapr", "dapr-ext-fastapi", "fastapi", "uvicorn"} <= set(names)


def test_code_states_the_version_the_role_reads():
    with open(os.path.join(paths.ROOT, "examples", "fte_service", "fte_worker", "__init__.py"), encoding="utf-8") as fh:
        assert re.search(r"__version__ = [\"']([-.+A-Za-z0-9]+)[\"']", fh.read())
