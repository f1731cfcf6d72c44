"""Where the project keeps what tests need: the cache and the mirror (scripts/env.sh), and the
checkout's scripts that are no package (load)."""
import importlib.util
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get("EB_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "event-backbone")
MIRROR = os.path.join(CACHE, "mirror")


def versions():
    """mirror/versions.env as a dict."""
    result = {}
    with open(os.path.join(ROOT, "mirror", "versions.env"), encoding="utf-8") as fh:
        for line in fh:
            match = re.match(r"^([A-Z0-9_]+)=(\S+)", line)
            if match:
                result[match.group(1)] = match.group(2)
    return result


def kafka_tarball():
    v = versions()
    name = "kafka_%s-%s.tgz" % (v["KAFKA_SCALA_VERSION"], v["KAFKA_VERSION"])
    return os.path.join(MIRROR, "kafka", v["KAFKA_VERSION"], name)


def dapr_tarball(binary):
    v = versions()
    return os.path.join(MIRROR, "dapr", "v" + v["DAPR_VERSION"], "%s_linux_amd64.tar.gz" % binary)


def load(relative):
    """The module in the checkout's file `relative` (a playbook's or an example's script, which
    no package holds), imported by its path, for the tests and the benchmarks alike."""
    path = os.path.join(ROOT, relative)
    spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
