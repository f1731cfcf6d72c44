# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Publishes events through a Dapr sidecar's HTTP API, as an app would, on the app host.

  publisher.py PORT TOPIC RUN [--count N] [--interval S] [--stop-file PATH] [--out PATH]
               [--fail-every K] [--poison] [--partition-key KEY]

Event i is {"task_id": "RUN-i", "task": "..."} (a trigger; other topics take it as is); with
--fail-every K, every K-th trigger's task is {"fail": true}, which the reference service
must end with a failed completion. With --poison every task is {"poison": true}, which the
reference service rejects (DROP) into its dead-letter topic. --partition-key sends every event
to the one partition of KEY (Dapr's partitionKey metadata).
Sends COUNT events, or until STOP-FILE exists when COUNT is 0. A publish that fails (the
sidecar restarting: connection refused, or a 5xx) is retried for up to 60 s, as the
reference service's SDK client does; only a publish that never succeeded counts as failed.
Writes a JSON summary to OUT (default stdout): sent, failed, retried attempts, ids.
"""
import argparse
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request


def publish(url, body, deadline_s=60):
    """Returns the number of failed attempts before success, or None when it never succeeded."""
    retries, deadline = 0, time.monotonic() + deadline_s
    while True:
        request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                if response.status == 204 or response.status == 200:
                    return retries
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return None
        except (urllib.error.URLError, OSError):
            pass
        retries += 1
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("topic")
    parser.add_argument("run")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--interval", type=float, default=0.2)
    parser.add_argument("--stop-file")
    parser.add_argument("--out")
    parser.add_argument("--fail-every", type=int, default=0)
    parser.add_argument("--poison", action="store_true")
    parser.add_argument("--partition-key")
    args = parser.parse_args()
    url = "http://127.0.0.1:%d/v1.0/publish/pubsub/%s" % (args.port, args.topic)
    if args.partition_key:
        url += "?metadata.partitionKey=" + urllib.parse.quote(args.partition_key)
    sent, failed, retried, i = [], [], 0, 0
    started = time.monotonic()
    while (args.count and i < args.count) or (not args.count and not os.path.exists(args.stop_file)):
        task_id = "%s-%d" % (args.run, i)
        task = "echo %s" % task_id
        if args.fail_every and i % args.fail_every == args.fail_every - 1:
            task = {"fail": True, "reason": "asked by the test"}
        if args.poison:
            task = {"poison": True, "reason": "asked by the test"}
        body = json.dumps({"task_id": task_id, "task": task}).encode()
        retries = publish(url, body)
        if retries is None:
            failed.append(task_id)
        else:
            sent.append(task_id)
            retried += retries
        i += 1
        time.sleep(args.interval)
    summary = {"run": args.run, "topic": args.topic, "attempted": i, "sent": len(sent), "failed": len(failed),
               "failed_ids": failed, "retried_attempts": retried, "seconds": round(time.monotonic() - started, 1)}
    text = json.dumps(summary)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
