# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Read a topic from the beginning with kafka-python and print the record whose value
contains MARKER, as JSON. Exit 1 when no such record arrives within the timeout.

Usage: read_topic.py BOOTSTRAP USER MECHANISM TOPIC MARKER   (password on stdin)
"""
import json
import pathlib
import sys
import time

# The collection's one kafka-python client setup (playbooks/files/fte_kafka.py).
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[3] / "playbooks" / "files"))
import fte_kafka  # noqa: E402  pylint: disable=wrong-import-position


def main():
    bootstrap, user, mechanism, topic, marker = sys.argv[1:6]
    consumer = fte_kafka.consumer(fte_kafka.settings(bootstrap, user, sys.stdin.read().strip(), mechanism=mechanism))
    try:
        for batch in fte_kafka.batches(consumer, [topic], time.monotonic() + 60, wait=60):
            for record in batch:
                value = record.value.decode("utf-8", "replace")
                if marker in value:
                    print(json.dumps({"partition": record.partition, "offset": record.offset,
                                      "value": json.loads(value)}))
                    return
        sys.exit("no record containing %s in %s" % (marker, topic))
    except LookupError as exc:
        sys.exit("%s (as %s)" % (exc, user))
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
