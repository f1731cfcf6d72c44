"""Benchmark (not a test): site.yml on the lab (inventories/lab), against its floor, in one run.

  noop_s        site.yml on the converged lab, median of three runs; each must report changed=0
  floor_s       benchmarks/floor.yml: connect to every host and gather the facts site.yml needs,
                median of three runs
  tasks         the tasks of one no-op run (TASK headers), host_tasks the task runs of its recap
  cold_lab_s    with --cold first: lab/lab.sh down and up (new hosts), then
  cold_site_s   site.yml on those new hosts (it must succeed)
  loadavg       the 1-minute load average before and after

It also prints the slowest tasks of the median no-op run (callback_plugins/eb_task_times.py).

The lab must be up (make up). Its last line of output is one JSON object with those figures.

Run: source scripts/env.sh && python benchmarks/site.py [--cold]
"""
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)")


def loadavg():
    with open("/proc/loadavg", encoding="ascii") as fh:
        return float(fh.read().split()[0])


def timed(argv):
    start = time.monotonic()
    run = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False,
                         env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
                                  ANSIBLE_CALLBACK_PLUGINS=os.path.join(ROOT, "benchmarks", "callback_plugins"),
                                  ANSIBLE_CALLBACKS_ENABLED="eb_task_times"))
    elapsed = time.monotonic() - start
    if run.returncode != 0:
        raise SystemExit("%s failed (rc=%d):\n%s\n%s" % (" ".join(argv), run.returncode,
                                                         "\n".join(run.stdout.splitlines()[-40:]), run.stderr[-2000:]))
    return elapsed, run.stdout


def playbook(path):
    elapsed, out = timed(["ansible-playbook", "-i", "inventories/lab", path])
    recap = [RECAP.match(line) for line in out.splitlines()]
    recap = {m.group(1): [int(n) for n in m.groups()[1:]] for m in recap if m}
    if not recap:
        raise SystemExit("%s printed no recap" % path)
    return elapsed, out, recap


def median3(path, check=None):
    runs = []
    for _run in range(3):
        elapsed, out, recap = playbook(path)
        if check:
            check(recap)
        runs.append((elapsed, out, recap))
    runs.sort(key=lambda run: run[0])
    return runs[1], [round(run[0], 1) for run in runs]


def unchanged(recap):
    changed = {host: counts[1] for host, counts in recap.items() if counts[1]}
    if changed:
        raise SystemExit("site.yml changed something on a converged lab: %s" % changed)


def main():
    figures = {"loadavg_before": loadavg()}
    if "--cold" in sys.argv[1:]:
        figures["cold_lab_s"] = round(timed(["lab/lab.sh", "down"])[0] + timed(["lab/lab.sh", "up"])[0], 1)
        figures["cold_site_s"] = round(playbook("site.yml")[0], 1)
        print("cold: lab down and up %.1f s, site.yml on new hosts %.1f s"
              % (figures["cold_lab_s"], figures["cold_site_s"]), flush=True)
    (noop, out, recap), noops = median3("site.yml", unchanged)
    (floor, _out, _recap), floors = median3("benchmarks/floor.yml")
    figures.update(noop_s=round(noop, 1), noop_runs_s=noops, floor_s=round(floor, 1), floor_runs_s=floors,
                   tasks=sum(1 for line in out.splitlines() if line.startswith("TASK [")),
                   host_tasks=sum(ok + skipped for ok, _c, _u, _f, skipped in recap.values()),
                   loadavg_after=loadavg())
    print("no-op site.yml: %.1f s (runs %s), changed=0; floor: %.1f s (runs %s); %d tasks, %d task runs"
          % (noop, noops, floor, floors, figures["tasks"], figures["host_tasks"]), flush=True)
    print("\n".join(line for line in out.splitlines() if line.startswith("eb_task_times:")), flush=True)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
