"""The service's pure logic: task ids, the work, and the events it publishes.

Nothing here imports Dapr, FastAPI or does I/O, so it is tested on its own
(tests/unit/examples/test_fte_service_events.py).
"""

import hashlib
import json
import uuid
from datetime import datetime, timezone

# Fixed namespace of the task ids derived from CloudEvent ids (uuid5): the same trigger,
# redelivered, gets the same task id on any host and in any process.
TASK_ID_NAMESPACE = uuid.UUID("0b6c1f4e-5f53-4a3e-9d2e-6a1f3c7e2b10")

STATUS_TOPIC = "fte.status.updates"
AUDIT_TOPIC = "fte.audit.actions"
RESULTS_TOPIC = "fte.results.completed"

SUCCEEDED = "succeeded"
FAILED = "failed"


class TaskFailed(Exception):
    """The work of a task failed; the task ends with a failed completion event."""


class PoisonedTrigger(ValueError):
    """A trigger that can never be processed (see poison_reason): answered DROP, no events."""


def utc_timestamp(now=None):
    """ISO 8601 UTC timestamp with milliseconds, e.g. 2026-11-27T15:20:46.123Z."""
    now = now or datetime.now(timezone.utc)
    return now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)


def trigger_data(cloud_event):
    """The trigger inside a CloudEvent as Dapr delivers it (its `data`), always a dict.

    A JSON object is the trigger itself; anything else becomes the task of a trigger
    without a task id.
    """
    if not isinstance(cloud_event, dict):
        return {"task": cloud_event}
    data = cloud_event.get("data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            pass
    if isinstance(data, dict):
        return data
    return {"task": data}


def task_id_of(cloud_event, data=None):
    """The task id of a trigger: its own `task_id`, else one derived from the CloudEvent.

    The derived id depends only on the CloudEvent's source and id (set once by the
    publishing sidecar and kept on redelivery), or, without an id, on the trigger's
    content, so a redelivered trigger always maps to the same task.
    """
    data = trigger_data(cloud_event) if data is None else data
    given = data.get("task_id")
    if isinstance(given, (str, int)) and not isinstance(given, bool) and str(given).strip():
        return str(given).strip()
    event = cloud_event if isinstance(cloud_event, dict) else {}
    if event.get("id"):
        key = "cloudevent:%s:%s" % (event.get("source", ""), event["id"])
    else:
        key = "content:" + hashlib.sha256(
            json.dumps(data, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")).hexdigest()
    return "task-" + str(uuid.uuid5(TASK_ID_NAMESPACE, key))


def poison_reason(cloud_event):
    """Why a trigger can never be processed, or None when it can (the normal case).

    A trigger is poisoned, and redelivering it could never help, when
      - the delivered body is not a JSON object, so it is no CloudEvent at all (Dapr always
        delivers a CloudEvent object to a subscription without rawPayload); or
      - its task is a JSON object whose `poison` is exactly true: the tests' (and the
        operators') way to simulate an unprocessable message, optionally with a `reason`.
    Everything else is processed: a CloudEvent whose `data` is a string, a list or missing
    is a task as trigger_data reads it, and a task that fails (`{"fail": true}`) is a failed
    task, not a poisoned trigger; it still ends with a completion event.
    The service answers a poisoned trigger DROP and publishes nothing for it; Dapr then
    forwards it to the subscription's dead-letter topic (fte.deadletter.<app id>).
    """
    if not isinstance(cloud_event, dict):
        return "the body is a JSON %s, not a CloudEvent object" % _json_type(cloud_event)
    task = trigger_data(cloud_event).get("task")
    if isinstance(task, dict) and task.get("poison") is True:
        return str(task.get("reason") or "the task is marked poison")
    return None


def _json_type(value):
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return type(value).__name__


def resolve_instance(configured, hostname):
    """The instance name written into every event: the configured one (FTE_INSTANCE, the
    role sets the host's inventory_hostname), else the host name. Never empty."""
    for candidate in (configured, hostname):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    raise ValueError("no instance name: FTE_INSTANCE is empty and so is the host name")


def do_work(task):
    """The (deliberately trivial) work: echo the task text in upper case.

    A task that is a dict with a true `fail` raises TaskFailed, to show the failure path;
    a dict's `text` is the text to work on.
    """
    if isinstance(task, dict):
        if task.get("fail"):
            raise TaskFailed(str(task.get("reason") or "the task asked to fail"))
        text = task.get("text", "")
    elif task is None:
        raise TaskFailed("the trigger has no task")
    else:
        text = task
    if not isinstance(text, str):
        text = json.dumps(text, sort_keys=True)
    return {"echo": text, "upper": text.upper(), "length": len(text)}


def run_task(task):
    """Runs the work and returns (outcome, result, error): never raises for a failed task."""
    try:
        return SUCCEEDED, do_work(task), None
    except TaskFailed as err:
        return FAILED, None, str(err)
    except Exception as err:  # pylint: disable=broad-exception-caught
        # Any bug in the work is a failed task too: it must still end with a completion.
        return FAILED, None, "%s: %s" % (type(err).__name__, err)


def status_event(task_id, status, app_id, timestamp, trigger_id=None):
    """Progress event for dashboards (topic fte.status.updates)."""
    event = {"task_id": task_id, "status": status, "app_id": app_id, "timestamp": timestamp}
    if trigger_id:
        event["trigger_id"] = trigger_id
    return event


def audit_record(action, app_id, task_id, timestamp, **details):
    """Immutable action record (topic fte.audit.actions, kept 7 years)."""
    record = {"action": action, "agent": app_id, "task_id": task_id, "timestamp": timestamp}
    record.update(details)
    return record


def completion_event(task_id, outcome, app_id, timestamp, result=None, error=None):
    """Final event of every task (topic fte.results.completed): a result or an error."""
    if outcome not in (SUCCEEDED, FAILED):
        raise ValueError("outcome must be %s or %s, got %r" % (SUCCEEDED, FAILED, outcome))
    event = {"task_id": task_id, "outcome": outcome, "app_id": app_id, "timestamp": timestamp}
    if outcome == SUCCEEDED:
        event["result"] = result
    else:
        event["error"] = error or "unknown error"
    return event


def plan_events(cloud_event, app_id, timestamp=None, *, instance):
    """Everything one trigger produces, in publishing order: (task id, [(topic, event), ...]).

    status (the task's final status), audit record, completion. The task id is the
    partition key of all three, so each topic keeps one task's events in order. Each event
    carries `instance`, the service instance (host) that did the work, so with the app
    scaled out over several hosts the events tell which one handled a task.

    Raises PoisonedTrigger for a trigger poison_reason refuses: it has no events (the
    handler answers DROP), and ValueError for an empty instance.
    """
    if not isinstance(instance, str) or not instance.strip():
        raise ValueError("instance must be a non-empty string, got %r" % (instance,))
    reason = poison_reason(cloud_event)
    if reason is not None:
        raise PoisonedTrigger(reason)
    timestamp = timestamp or utc_timestamp()
    data = trigger_data(cloud_event)
    task_id = task_id_of(cloud_event, data)
    trigger_id = cloud_event.get("id")
    outcome, result, error = run_task(data.get("task"))
    planned = [
        (STATUS_TOPIC, status_event(task_id, outcome, app_id, timestamp, trigger_id)),
        (AUDIT_TOPIC, audit_record("task.%s" % outcome, app_id, task_id, timestamp,
                                   outcome=outcome, trigger_id=trigger_id)),
        (RESULTS_TOPIC, completion_event(task_id, outcome, app_id, timestamp, result, error)),
    ]
    for _topic, event in planned:
        event["instance"] = instance.strip()
    return task_id, planned


def dapr_status(published, expected):
    """What the subscription handler answers the sidecar: SUCCESS only when every event of
    the task was published, RETRY otherwise (Dapr redelivers; the task id stays the same)."""
    return {"status": "SUCCESS" if published == expected and expected > 0 else "RETRY"}


def encode(event):
    """JSON bytes of an event, stable key order."""
    return json.dumps(event, sort_keys=True, separators=(",", ":")).encode("utf-8")
