# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Kafka clients (kafka-python) that the Molecule verify playbooks run on the controller.

Subcommands print one JSON line and exit 0 on success, 1 on a failed check:
  roundtrip      create a topic, produce N messages with acks=all, consume them back
  refused        check that a client without SASL credentials is refused
  produce-loop   produce with acks=all until a stop file appears; record every acknowledged
                 message (for the rolling restart test)
  consume-check  consume a topic from the start and check every acknowledged message is there
"""
import argparse
import json
import logging
import os
import pathlib
import sys
import time
import uuid

from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

# The collection's one kafka-python client setup (playbooks/files/fte_kafka.py).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "playbooks" / "files"))
import fte_kafka  # noqa: E402  pylint: disable=wrong-import-position


def transport(args):
    """Connection settings without SASL: TLS when a CA file is given."""
    return fte_kafka.settings(args.bootstrap, cafile=args.cafile or None)


def auth(args):
    return fte_kafka.settings(args.bootstrap, args.user, args.password, cafile=args.cafile or None)


def ensure_topic(args, replication_factor, min_isr):
    admin = KafkaAdminClient(request_timeout_ms=30000, **auth(args))
    try:
        admin.create_topics([NewTopic(args.topic, args.partitions, replication_factor,
                                      topic_configs={"min.insync.replicas": str(min_isr)})])
    except TopicAlreadyExistsError:
        pass
    finally:
        admin.close()


def consume_all(args, idle_ms=10000):
    consumer = fte_kafka.consumer(auth(args), auto_offset_reset="earliest", consumer_timeout_ms=idle_ms)
    consumer.subscribe([args.topic])
    try:
        return [record.value.decode() for record in consumer]
    finally:
        consumer.close()


def roundtrip(args):
    ensure_topic(args, args.replication_factor, args.min_isr)
    producer = KafkaProducer(acks="all", **auth(args))
    run = uuid.uuid4().hex
    sent = ["%s-%d" % (run, i) for i in range(args.count)]
    for value in sent:
        producer.send(args.topic, value.encode()).get(timeout=30)
    producer.close()
    received = set(consume_all(args))
    missing = [v for v in sent if v not in received]
    return {"sent": len(sent), "missing": len(missing), "topic_messages": len(received)}, not missing


class _Capture(logging.Handler):
    """Collects what kafka-python logs: it retries refused connections and only raises a
    timeout, so the reason for the refusal is in its log."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def refused(args):
    """A client that does not speak SASL must be refused: the broker drops it after accepting
    the TCP connection. (A wrong password is checked through kafka_info: kafka-python drops the
    broker's error response when the close arrives with it, so its log is no evidence.)"""
    logger = logging.getLogger("kafka")
    logger.setLevel(logging.DEBUG)
    capture = _Capture()
    logger.addHandler(capture)
    try:
        admin = KafkaAdminClient(request_timeout_ms=5000, bootstrap_timeout_ms=8000, **transport(args))
        try:
            admin.list_topics()
            outcome = "accepted"
        finally:
            admin.close()
    except KafkaError as exc:
        outcome = "refused (%s)" % type(exc).__name__
    finally:
        logger.removeHandler(capture)
    seen = any("socket disconnected" in line for line in capture.lines)
    return {"no_credentials": outcome, "disconnect_seen": seen}, outcome.startswith("refused") and seen


def produce_loop(args):
    ensure_topic(args, args.replication_factor, args.min_isr)
    producer = KafkaProducer(acks="all", enable_idempotence=True, retries=2147483647,
                             delivery_timeout_ms=180000, request_timeout_ms=30000, linger_ms=5, **auth(args))
    acked, errors = [], []

    def on_ok(value):
        return lambda _metadata: acked.append(value)

    def on_error(value):
        return lambda exc: errors.append("%s: %r" % (value, exc))

    sent = 0
    deadline = time.monotonic() + args.max_seconds
    while not os.path.exists(args.stop) and time.monotonic() < deadline:
        value = "m-%06d" % sent
        producer.send(args.topic, value.encode()).add_callback(on_ok(value)).add_errback(on_error(value))
        sent += 1
        time.sleep(args.interval)
    producer.flush(timeout=180)
    producer.close(timeout=30)
    with open(args.acked, "w", encoding="ascii") as fh:
        fh.write("\n".join(acked))
    result = {"sent": sent, "acked": len(acked), "errors": errors[:10], "error_count": len(errors),
              "stopped_by": "stop file" if os.path.exists(args.stop) else "time limit"}
    return result, not errors and len(acked) == sent and os.path.exists(args.stop)


def consume_check(args):
    with open(args.acked, encoding="ascii") as fh:
        acked = [line for line in fh.read().splitlines() if line]
    received = set(consume_all(args))
    missing = [v for v in acked if v not in received]
    return {"acked": len(acked), "consumed": len(received), "missing": len(missing),
            "missing_sample": missing[:10]}, bool(acked) and not missing


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["roundtrip", "refused", "produce-loop", "consume-check"])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default=os.environ.get("KAFKA_PASSWORD", ""))
    parser.add_argument("--cafile", default="", help="CA certificate (PEM): connect with TLS")
    parser.add_argument("--topic", default="molecule-roundtrip")
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--replication-factor", type=int, default=1)
    parser.add_argument("--min-isr", type=int, default=1)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--acked", default="")
    parser.add_argument("--stop", default="")
    parser.add_argument("--interval", type=float, default=0.02)
    parser.add_argument("--max-seconds", type=float, default=900)
    args = parser.parse_args()
    handler = {"roundtrip": roundtrip, "refused": refused, "produce-loop": produce_loop,
               "consume-check": consume_check}[args.command]
    result, ok = handler(args)
    result["ok"] = ok
    print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
