# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Read-back probe of the smoke check, run on the controller with kafka-python.

  kafka_probe.py end TOPIC              print the end offset of each partition (JSON)
  kafka_probe.py find TOPIC OFFSETS NEEDLE TIMEOUT
                                        read from OFFSETS (JSON from `end`) until a record
                                        containing NEEDLE arrives; print it (JSON), exit 1
                                        after TIMEOUT seconds without it

The connection comes from the environment (KAFKA_BOOTSTRAP, KAFKA_USER, KAFKA_PASSWORD, ...:
see fte_kafka.py), so the password is never on a command line.
"""
from __future__ import annotations

import json
import sys
import time

import fte_kafka


def end(topic):
    client = fte_kafka.consumer(fte_kafka.settings_from_env())
    try:
        offsets = client.end_offsets(fte_kafka.topic_partitions(client, [topic]))
    finally:
        client.close()
    print(json.dumps({str(tp.partition): offset for tp, offset in offsets.items()}))
    return 0


def find(topic, offsets, needle, timeout):
    start = {(topic, int(p)): offset for p, offset in json.loads(offsets).items()}
    client = fte_kafka.consumer(fte_kafka.settings_from_env())
    try:
        for batch in fte_kafka.batches(client, [topic], time.monotonic() + timeout, start):
            for record in batch:
                value = record.value.decode('utf-8', 'replace')
                if needle in value:
                    print(json.dumps({'partition': record.partition, 'offset': record.offset, 'value': value}))
                    return 0
    finally:
        client.close()
    print('no record containing %s in %s within %ss' % (needle, topic, timeout))
    return 1


def main(argv):
    try:
        if len(argv) == 3 and argv[1] == 'end':
            return end(argv[2])
        if len(argv) == 6 and argv[1] == 'find':
            return find(argv[2], argv[3], argv[4], float(argv[5]))
    except (LookupError, ValueError) as exc:
        print(exc)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
