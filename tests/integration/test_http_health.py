"""http_health through ansible-playbook against real local HTTP servers: it waits for every
endpoint in one task, and names each one that never answered its status."""
import http.server
import socket
import threading

import pytest

from tests.lib.ansible_run import run_module


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the stdlib's name)
        self.send_response(204 if self.path == "/outbound" else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % httpd.server_address[1]
    httpd.shutdown()


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_every_endpoint_healthy(server):
    result = run_module("http_health", {"endpoints": [{"name": "a", "url": server + "/outbound", "status": 204},
                                                      {"name": "b", "url": server + "/outbound", "status": 204}],
                                        "retries": 2, "delay": 0})
    assert not result.failed and not result["changed"]
    assert (result["healthy"], result["unhealthy"], result["rounds"]) == (["a", "b"], [], 1)


def test_each_unhealthy_endpoint_is_named_with_its_last_answer(server):
    down = "http://127.0.0.1:%d/healthz" % closed_port()
    result = run_module("http_health", {"endpoints": [{"name": "ok", "url": server + "/outbound", "status": 204},
                                                      {"name": "starting", "url": server + "/other", "status": 204},
                                                      {"name": "down", "url": down}],
                                        "retries": 3, "delay": 1})
    assert result.failed and result["rounds"] == 3 and result["healthy"] == ["ok"]
    unhealthy = {u["name"]: u for u in result["unhealthy"]}
    assert unhealthy["starting"]["last"] == 503
    assert "Connection refused" in unhealthy["down"]["last"]
    assert result["msg"].startswith("Not healthy after 3 rounds 1s apart: starting (%s/other answered 503, expected 204)"
                                    % server)
    assert "down (%s answered " % down in result["msg"]


def test_a_bad_url_is_refused():
    result = run_module("http_health", {"endpoints": [{"name": "x", "url": "127.0.0.1:3500/healthz"}]})
    assert result.failed and result["msg"] == "Refused: endpoints[0] (x).url must start with http:// or https://"
