# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Read-back probe of the smoke check, run on the controller with kafka-python.

  kafka_probe.py end TOPIC              print the end offset of each partition (JSON)
  kafka_probe.py find TOPIC OFFSETS NEEDLE TIMEOUT
                                        read from OFFSETS (JSON from `end`) until a record
                                        containing NEEDLE arrives; print it (JSON), exit 1
                                        after TIMEOUT seconds without it

The connection comes from the environment: KAFKA_BOOTSTRAP (comma list), KAFKA_USER and
KAFKA_PASSWORD (SASL/SCRAM-SHA-512 over KAFKA_SECURITY_PROTOCOL, SASL_PLAINTEXT by default),
so the password is never on a command line.
"""
from __future__ import annotations

import json
import os
import sys
import time

from kafka import KafkaConsumer, TopicPartition


def consumer():
    return KafkaConsumer(
        bootstrap_servers=os.environ['KAFKA_BOOTSTRAP'].split(','),
        security_protocol=os.environ.get('KAFKA_SECURITY_PROTOCOL', 'SASL_PLAINTEXT'),
        sasl_mechanism='SCRAM-SHA-512',
        sasl_plain_username=os.environ['KAFKA_USER'],
        sasl_plain_password=os.environ['KAFKA_PASSWORD'],
        enable_auto_commit=False,
        group_id=None,
    )


def partitions(client, topic):
    ids = client.partitions_for_topic(topic)
    if not ids:
        raise SystemExit('topic %s not found or not readable' % topic)
    return [TopicPartition(topic, p) for p in sorted(ids)]


def end(topic):
    client = consumer()
    offsets = client.end_offsets(partitions(client, topic))
    print(json.dumps({str(tp.partition): offset for tp, offset in offsets.items()}))


def find(topic, offsets, needle, timeout):
    client = consumer()
    start = json.loads(offsets)
    tps = partitions(client, topic)
    client.assign(tps)
    for tp in tps:
        client.seek(tp, int(start.get(str(tp.partition), 0)))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for records in client.poll(timeout_ms=1000).values():
            for record in records:
                value = record.value.decode('utf-8', 'replace')
                if needle in value:
                    print(json.dumps({'partition': record.partition, 'offset': record.offset, 'value': value}))
                    return 0
    print('no record containing %s in %s within %ss' % (needle, topic, timeout))
    return 1


def main(argv):
    if len(argv) == 3 and argv[1] == 'end':
        end(argv[2])
        return 0
    if len(argv) == 6 and argv[1] == 'find':
        return find(argv[2], argv[3], argv[4], float(argv[5]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
