# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Aggregate callback for benchmarks/site.py: the wall time of each task, the slowest printed
at the end of the run (where a no-op run spends its time)."""

from __future__ import annotations

import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: eb_task_times
type: aggregate
short_description: The slowest tasks of a run (benchmarks only)
description:
  - Prints the 15 tasks with the longest wall time, each with its play, at the end of the run.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "eb_task_times"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.times = []
        self.current = None

    def _close(self):
        if self.current:
            name, start = self.current
            self.times.append((time.monotonic() - start, name))
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = (task.get_name(), time.monotonic())

    v2_playbook_on_handler_task_start = v2_playbook_on_task_start

    def v2_playbook_on_stats(self, stats):
        self._close()
        for seconds, name in sorted(self.times, reverse=True)[:15]:
            self._display.display("eb_task_times: %6.1f s  %s" % (seconds, name))
