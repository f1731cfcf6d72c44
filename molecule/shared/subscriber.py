# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""A minimal Dapr app for the scenarios (standard library only).

  subscriber.py HOST PORT EVENTS_FILE [TOPIC]

Without TOPIC it subscribes programmatically to nothing (GET /dapr/subscribe answers []):
its daprd loads a declarative Subscription instead (dapr_pubsub). With TOPIC it subscribes
to TOPIC of the sidecar's component `pubsub` on the route /events (site: a second app on
the triggers beside the reference service). Every delivery POSTed to it is appended as one
JSON line to the events file, which the scenario's verify reads.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    events_file = None
    subscriptions = []

    def _reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path == "/dapr/subscribe":
            self._reply(200, self.subscriptions)
        elif self.path == "/healthz":
            self._reply(200, {"status": "ok"})
        else:
            self._reply(404, {"error": "not found"})

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            event = json.loads(raw)
        except ValueError:
            self._reply(400, {"status": "DROP"})
            return
        record = {"path": self.path, "event": event}
        with open(self.events_file, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, sort_keys=True) + "\n")
        self._reply(200, {"status": "SUCCESS"})

    def log_message(self, fmt, *args):
        sys.stderr.write("subscriber: " + (fmt % args) + "\n")


def main():
    host, port, events_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    Handler.events_file = events_file
    if len(sys.argv) > 4:
        Handler.subscriptions = [{"pubsubname": "pubsub", "topic": sys.argv[4], "route": "/events"}]
    ThreadingHTTPServer((host, port), Handler).serve_forever()


if __name__ == "__main__":
    main()
