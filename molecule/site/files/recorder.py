# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""A second app behind its own Dapr sidecar: subscribes to one topic and records each event.

  recorder.py PORT TOPIC OUT

Answers GET /dapr/subscribe with one subscription of the sidecar's component `pubsub` to
TOPIC, and appends the task id of every delivered event to OUT (one line each, redeliveries
included), answering SUCCESS. verify.yml reads OUT to show that this app received every
event, whatever other apps' groups did with them.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Lock

PORT, TOPIC, OUT = int(sys.argv[1]), sys.argv[2], sys.argv[3]
LOCK = Lock()


def task_id(cloud_event):
    data = cloud_event.get("data") if isinstance(cloud_event, dict) else None
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            return None
    return data.get("task_id") if isinstance(data, dict) else None


class Handler(BaseHTTPRequestHandler):
    def _answer(self, body):
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path == "/dapr/subscribe":
            self._answer([{"pubsubname": "pubsub", "topic": TOPIC, "route": "/events"}])
        else:
            self._answer({"status": "ok"})

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        try:
            event = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            event = {}
        with LOCK, open(OUT, "a", encoding="utf-8") as out:
            out.write("%s\n" % (task_id(event) or "-"))
        self._answer({"status": "SUCCESS"})

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
