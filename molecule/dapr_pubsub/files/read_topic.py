# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Read a topic from the beginning with kafka-python and print the record whose value
contains MARKER, as JSON. Exit 1 when no such record arrives within the timeout.

Usage: read_topic.py BOOTSTRAP USER MECHANISM TOPIC MARKER   (password on stdin)
"""
import json
import sys
import time

from kafka import KafkaConsumer, TopicPartition


def main():
    bootstrap, user, mechanism, topic, marker = sys.argv[1:6]
    password = sys.stdin.read().strip()
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap, security_protocol="SASL_PLAINTEXT",
        sasl_mechanism=mechanism, sasl_plain_username=user, sasl_plain_password=password,
        enable_auto_commit=False, consumer_timeout_ms=2000)
    try:
        partitions = None
        deadline = time.monotonic() + 60
        while not partitions and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic)
            if not partitions:
                time.sleep(1)
        if not partitions:
            sys.exit("topic %s has no partitions visible to %s" % (topic, user))
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        while time.monotonic() < deadline:
            for record in consumer:
                value = record.value.decode("utf-8", "replace")
                if marker in value:
                    print(json.dumps({"partition": record.partition, "offset": record.offset,
                                      "value": json.loads(value)}))
                    return
        sys.exit("no record containing %s in %s" % (marker, topic))
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
