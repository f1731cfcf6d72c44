"""The mirror's daprd, run on loopback beside a test broker."""
import json
import os
import subprocess
import tarfile
import time
import urllib.error
import urllib.request

from tests.lib import paths
from tests.lib.kafka_server import free_port, terminate


def daprd_binary(workdir):
    with tarfile.open(paths.dapr_tarball("daprd")) as tar:
        tar.extractall(workdir, filter="tar")
    return os.path.join(workdir, "daprd")


def http(method, url, body=None, timeout=10):
    """(status, parsed JSON or None) of one request; HTTP errors are answers too."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, json.loads(raw) if raw else None


class Daprd:
    """One daprd sidecar without an app, loading the components in resources_dir."""

    def __init__(self, workdir, resources_dir, app_id="backbone-test"):
        self.workdir = workdir
        self.resources_dir = resources_dir
        self.app_id = app_id
        self.http_port = free_port()
        self.process = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.http_port

    def start(self, timeout=60):
        binary = daprd_binary(self.workdir)
        self.log_path = os.path.join(self.workdir, "daprd.log")
        self.process = subprocess.Popen(
            [binary, "--app-id", self.app_id, "--resources-path", self.resources_dir,
             "--dapr-http-port", str(self.http_port), "--dapr-grpc-port", str(free_port()),
             "--dapr-internal-grpc-port", str(free_port()), "--metrics-port", str(free_port()),
             "--log-level", "info"],
            stdout=open(self.log_path, "wb"), stderr=subprocess.STDOUT, cwd=self.workdir,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("daprd exited with %s; see %s" % (self.process.returncode, self.log_path))
            try:
                if http("GET", self.url + "/v1.0/healthz")[0] == 204:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError("daprd not healthy after %ss; see %s" % (timeout, self.log_path))

    def stop(self):
        terminate(self.process, 20)
