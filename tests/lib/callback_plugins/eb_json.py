# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Stdout callback for tests: one JSON document with every task result, as users' runs see them."""

from __future__ import annotations

import json

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: eb_json
type: stdout
short_description: Task results as one JSON document (tests only)
description:
  - Prints a JSON object with the list of task results at the end of the play.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "stdout"
    CALLBACK_NAME = "eb_json"

    def __init__(self):
        super().__init__()
        self.results = []

    def _record(self, result, status):
        self.results.append({"task": result.task_name, "status": status,
                             "result": dict(result.result)})

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self._display.display(json.dumps({"results": self.results}, default=str))
