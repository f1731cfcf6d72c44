"""Run the collection's modules the way users do: ansible-playbook against localhost.

Each call writes a one-task playbook, runs it with the venv's python as the module
interpreter (kafka-python lives there), optionally in check mode and with --diff, and returns
the task's result as the eb_json stdout callback printed it.
"""
import json
import os
import subprocess
import sys
import tempfile

from tests.lib import paths

CALLBACKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins")
FQCN = "digital_fte.event_backbone."


class AnsibleResult(dict):
    """The task result, plus the raw stdout/stderr of the run (to search for leaked secrets)."""

    def __init__(self, result, status, stdout, stderr):
        super().__init__(result)
        self.status = status
        self.stdout = stdout
        self.stderr = stderr

    @property
    def failed(self):
        return self.status == "failed"


def run_module(module, args, check=False, diff=False, timeout=600, interpreter=None, wrapper=(),
               module_defaults=None):
    """Run `module` (short name in this collection, or a full name) with `args`; return its
    AnsibleResult.

    `interpreter` is the module's Python on localhost (default: this venv's); `wrapper` is a
    command the run is started under (for example `ip netns exec NAME`); `module_defaults` is
    the play's keyword of that name.
    """
    play = [{"hosts": "localhost", "gather_facts": False,
             "tasks": [{"name": "Run %s" % module, module if "." in module else FQCN + module: args}]}]
    if module_defaults:
        play[0]["module_defaults"] = module_defaults
    with tempfile.TemporaryDirectory() as tmp:
        playbook = os.path.join(tmp, "play.yml")
        with open(playbook, "w", encoding="utf-8") as fh:
            json.dump(play, fh)  # JSON is YAML
        inventory = os.path.join(tmp, "inventory")
        with open(inventory, "w", encoding="utf-8") as fh:
            fh.write("localhost ansible_connection=local ansible_python_interpreter=%s\n"
                     % (interpreter or sys.executable))
        env = dict(os.environ,
                   ANSIBLE_CONFIG=os.path.join(paths.ROOT, "ansible.cfg"),
                   ANSIBLE_STDOUT_CALLBACK="eb_json",
                   ANSIBLE_CALLBACK_PLUGINS=CALLBACKS,
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(paths.ROOT, ".ansible", "collections"),
                   ANSIBLE_RETRY_FILES_ENABLED="false",
                   ANSIBLE_NOCOLOR="1")
        cmd = list(wrapper) + [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, playbook]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=tmp,
                              check=False)
    doc = None
    for line in proc.stdout.splitlines():
        if line.startswith('{"results"'):
            doc = json.loads(line)
    if doc is None or len(doc["results"]) != 1:
        raise RuntimeError("ansible-playbook gave no task result (rc %d):\n%s\n%s"
                           % (proc.returncode, proc.stdout, proc.stderr))
    task = doc["results"][0]
    return AnsibleResult(task["result"], task["status"], proc.stdout, proc.stderr)
