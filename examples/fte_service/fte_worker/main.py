"""The reference Digital FTE service: FastAPI app behind its Dapr sidecar.

Run: uvicorn fte_worker.main:app --host 127.0.0.1 --port 8000 (beside daprd with
--app-port 8000). The sidecar reads GET /dapr/subscribe (DaprApp) and delivers each
trigger of fte.triggers.inbound to POST /events/pubsub/fte.triggers.inbound.

Settings (environment):
  FTE_APP_ID            the app id written into the events (default fte-worker)
  FTE_PUBSUB_NAME       the sidecar's pub/sub component (default pubsub)
  FTE_TRIGGER_TOPIC     the topic of triggers (default fte.triggers.inbound)
  FTE_DEAD_LETTER_TOPIC the subscription's dead-letter topic (default empty: none; the
                        design's is fte.deadletter.<app id>)
  FTE_INSTANCE          the instance name written into every event (default: the host name;
                        the role sets the host's inventory_hostname)
and the Dapr SDK's own: DAPR_GRPC_PORT (or DAPR_GRPC_ENDPOINT), DAPR_HTTP_PORT (the SDK
waits on the sidecar's /v1.0/healthz/outbound before it connects), DAPR_HEALTH_TIMEOUT,
DAPR_API_TIMEOUT_SECONDS (deadline of every call).
"""

import logging
import os
import socket

from dapr.aio.clients import DaprClient
from dapr.ext.fastapi import DaprApp
from fastapi import FastAPI, Request

from fte_worker import __version__
from fte_worker import events

APP_ID = os.environ.get("FTE_APP_ID", "fte-worker")
PUBSUB_NAME = os.environ.get("FTE_PUBSUB_NAME", "pubsub")
TRIGGER_TOPIC = os.environ.get("FTE_TRIGGER_TOPIC", "fte.triggers.inbound")
DEAD_LETTER_TOPIC = os.environ.get("FTE_DEAD_LETTER_TOPIC", "").strip()
# Resolved once at start: a service without any instance name fails to start, not per trigger.
INSTANCE = events.resolve_instance(os.environ.get("FTE_INSTANCE"), socket.gethostname())

log = logging.getLogger("fte_worker")
logging.basicConfig(level=os.environ.get("FTE_LOG_LEVEL", "INFO").upper(),
                    format="%(levelname)s %(name)s %(message)s")

app = FastAPI(title="fte-worker", version=__version__)
dapr_app = DaprApp(app)


@app.get("/healthz")
async def healthz():
    """Liveness of the app itself (the role waits on it after a restart)."""
    return {"status": "ok", "app_id": APP_ID, "version": __version__}


async def publish_all(task_id, planned):
    """Publishes the task's events in order through the sidecar.

    Returns (how many went out, the error that stopped it or None). Stops at the first
    failure: a later event must never overtake an earlier one. The task id is the partition
    key, so every event of one task lands in one partition per topic.
    """
    published = 0
    try:
        async with DaprClient() as client:
            for topic, event in planned:
                await client.publish_event(
                    pubsub_name=PUBSUB_NAME,
                    topic_name=topic,
                    data=events.encode(event),
                    data_content_type="application/json",
                    publish_metadata={"partitionKey": task_id},
                )
                published += 1
    except Exception as err:  # pylint: disable=broad-exception-caught
        # Any publishing error (sidecar down, broker refusing, deadline) means RETRY.
        return published, err
    return published, None


async def handle_trigger(request: Request):
    """One trigger: do the task, publish status, audit and completion, answer the sidecar.

    SUCCESS only when all three events were published; RETRY otherwise, so that Dapr
    delivers the trigger again (the task id is derived the same way, so the duplicate events
    share it). A failed task is not a failed delivery: it ends with a failed completion.
    DROP, with nothing published, for a trigger that can never be processed (a body that is
    not JSON, or one events.poison_reason refuses): Dapr moves it to the dead-letter topic,
    when the subscription has one, instead of redelivering it.
    """
    try:
        cloud_event = await request.json()
    except ValueError:
        log.error("dropping a trigger that is not JSON%s", _dead_letter_note())
        return {"status": "DROP"}
    try:
        task_id, planned = events.plan_events(cloud_event, APP_ID, instance=INSTANCE)
    except events.PoisonedTrigger as err:
        trigger_id = cloud_event.get("id") if isinstance(cloud_event, dict) else None
        log.error("dropping poisoned trigger %s (task %s): %s%s", trigger_id or "without an id",
                  events.task_id_of(cloud_event), err, _dead_letter_note())
        return {"status": "DROP"}
    published, error = await publish_all(task_id, planned)
    if error is not None:
        log.warning("task %s: publishing failed after %d of %d events: %s",
                    task_id, published, len(planned), error)
    answer = events.dapr_status(published, len(planned))
    outcome = planned[-1][1]["outcome"]
    log.info("task %s: %s on %s, %d/%d events published, answering %s",
             task_id, outcome, INSTANCE, published, len(planned), answer["status"])
    return answer


def _dead_letter_note():
    """Where a DROP goes, for the log line."""
    if DEAD_LETTER_TOPIC:
        return "; Dapr forwards it to %s" % DEAD_LETTER_TOPIC
    return "; the subscription has no dead-letter topic, so Dapr discards it"


# DaprApp.subscribe registers the route and lists it in GET /dapr/subscribe. The
# subscription names the dead-letter topic (deadLetterTopic in /dapr/subscribe) because
# Dapr routes there every trigger the app rejects (DROP) and every one whose delivery still
# fails (RETRY or an error) after the sidecar's resiliency retries: without it they are
# logged by daprd and lost. dapr-ext-fastapi 1.18.3 takes it as `dead_letter_topic` and
# leaves the field out for None, so an empty setting means "no dead-letter topic".
dapr_app.subscribe(pubsub=PUBSUB_NAME, topic=TRIGGER_TOPIC,
                   dead_letter_topic=DEAD_LETTER_TOPIC or None)(handle_trigger)
