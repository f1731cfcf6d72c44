"""Benchmark (not a test): 1,000 topics through kafka_topic versus a per-topic CLI loop.

Starts its own single-node KRaft broker from the mirror (tests/lib/kafka_server.py), then measures
in one run, wall clock as a user sees it (ansible-playbook start-up included):

  first_apply_s   kafka_topic creating 1,000 topics in one task, median of FIRST_ROUNDS (each
                  round 1,000 new topics)
  noop_s          the same task again (nothing to do), median of ROUNDS re-runs
  changed10_s     the same task with the retention of 10% of the topics changed, median of ROUNDS
                  (each round a new value)
  cli_per_topic_s per topic, the loop a runbook would use: `kafka-topics.sh --create` then
                  `kafka-configs.sh --alter` (measured on CLI_SAMPLE topics, extrapolated)

and the floors, in the same run, on the same broker:

  floor_first_s   bare kafka-python: create_topics of 1,000 other topics of the same shape, then
                  its wait_for_topics until every partition has a leader (what "created" means here),
                  median of FIRST_ROUNDS, each round beside the module's
  floor_changed10_s  bare incremental alter_configs of the same 10% (of those other topics),
                  median of ROUNDS, each round just before the module's round
  floor_noop_s    ansible-playbook start-up: the same one-task play with ansible.builtin.ping,
                  median of ROUNDS, each run just before a no-op run, once the broker is idle

A floor and its measure alternate round by round, so both see the same machine: right after a
create the broker is still busy, and a floor taken apart from its measure would hide that. Each
create round runs on a new broker, floor and module in turns first, since the second of a pair
meets the fuller broker. The no-op and the 10% change run on the last round's broker, which
holds both sets (2,000 topics).

The topics follow the seed's design (fte.{category}.{subcategory}) and retention classes.
Its last line of output is one JSON object with those figures and `topics`.

Run: source scripts/env.sh && python benchmarks/topics.py
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from kafka import KafkaAdminClient  # noqa: E402
from kafka.admin import ConfigResource, NewTopic  # noqa: E402

from tests.lib.ansible_run import run_module  # noqa: E402
from tests.lib.kafka_server import KafkaServer  # noqa: E402

TOPICS = 1000
CLI_SAMPLE = 50
ROUNDS = 5
FIRST_ROUNDS = 3
PARTITIONS = 3
# The seed's retention classes (docs: kafka-setup "Standard Topic Design").
RETENTION_CLASSES = [
    ("triggers", "7d"), ("sandbox", "30d"), ("status", "30d"),
    ("results", "90d"), ("audit", "7y"), ("handoffs", "7d"),
]
DAY_MS = 86400 * 1000
CLI_RETENTION_MS = {"7d": 7 * DAY_MS, "30d": 30 * DAY_MS, "90d": 90 * DAY_MS, "7y": 7 * 365 * DAY_MS}


def declared_topics(count, prefix="bench"):
    topics = []
    for i in range(count):
        category, retention = RETENTION_CLASSES[i % len(RETENTION_CLASSES)]
        topics.append({"name": "fte.%s.%s-%04d" % (category, prefix, i),
                       "protected": category == "audit",
                       "config": {"retention.ms": retention}})
    return topics


def module_args(server, topics):
    return {"bootstrap_servers": [server.bootstrap], "security_protocol": "SASL_PLAINTEXT",
            "sasl_username": "admin", "sasl_password": server.admin_password,
            "name_pattern": "fte.{category}.{subcategory}", "partitions": PARTITIONS,
            "replication_factor": 1, "topics": topics}


def timed_apply(server, topics, expect_changes):
    start = time.monotonic()
    result = run_module("kafka_topic", module_args(server, topics))
    elapsed = time.monotonic() - start
    if result.failed or len(result["changes"]) != expect_changes:
        raise SystemExit("unexpected result: %s" % {k: result.get(k) for k in ("msg", "changed")}
                         + " with %d changes" % len(result.get("changes", [])))
    return elapsed


def floor_create(server, topics):
    """The bare library calls that make `topics`: create, then wait until every partition has a leader."""
    admin = KafkaAdminClient(**server.client_config())
    try:
        start = time.monotonic()
        new = [NewTopic(t["name"], PARTITIONS, 1, topic_configs={"retention.ms": str(CLI_RETENTION_MS[
            t["config"]["retention.ms"]])}) for t in topics]
        for begin in range(0, len(new), 500):
            admin.create_topics(new[begin:begin + 500])
        # The library's own wait (what create_topics(wait_for_metadata=True) calls), given time.
        admin.wait_for_topics([t["name"] for t in topics], timeout_ms=300000)
        return time.monotonic() - start
    finally:
        admin.close()


def floor_alter(server, topics, days):
    """The bare incremental alter_configs that sets the retention of `topics` to `days`."""
    admin = KafkaAdminClient(**server.client_config())
    try:
        start = time.monotonic()
        admin.alter_configs([ConfigResource("TOPIC", t["name"], {"retention.ms": ("SET", str(days * DAY_MS))})
                             for t in topics], incremental=True)
        return time.monotonic() - start
    finally:
        admin.close()


def floor_startup():
    start = time.monotonic()
    if run_module("ansible.builtin.ping", {}).failed:
        raise SystemExit("the ping play failed")
    return time.monotonic() - start


def settle(server, idle=0.1, window=2.0, limit=180):
    """Wait until the broker is idle: under `idle` CPU-seconds in a `window`. After a mass create
    it works on for a while (log and metadata housekeeping), and a converged cluster, where a
    no-op runs, is idle. Returns the seconds waited."""
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu():
        with open("/proc/%d/stat" % server.process.pid, encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    start = time.monotonic()
    while time.monotonic() - start < limit:
        before = cpu()
        time.sleep(window)
        if cpu() - before < idle:
            break
    return time.monotonic() - start


def median(values):
    return sorted(values)[len(values) // 2]


def figures(values):
    return ", ".join("%.2f" % v for v in values)


def cli_loop(server, workdir):
    """Per topic: kafka-topics.sh --create, then kafka-configs.sh --alter (two JVM starts)."""
    props = os.path.join(workdir, "admin.properties")
    with open(props, "w", encoding="utf-8") as fh:
        fh.write("security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\n"
                 "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                 "username=\"admin\" password=\"%s\";\n" % server.admin_password)
    os.chmod(props, 0o600)
    bin_dir = os.path.join(server.home, "bin")
    env = dict(os.environ, LOG_DIR=os.path.join(workdir, "cli-logs"))
    start = time.monotonic()
    for topic in declared_topics(CLI_SAMPLE, prefix="cli"):
        retention = CLI_RETENTION_MS[topic["config"]["retention.ms"]]
        subprocess.run([os.path.join(bin_dir, "kafka-topics.sh"), "--bootstrap-server", server.bootstrap,
                        "--command-config", props, "--create", "--topic", topic["name"],
                        "--partitions", str(PARTITIONS), "--replication-factor", "1"],
                       check=True, capture_output=True, env=env)
        subprocess.run([os.path.join(bin_dir, "kafka-configs.sh"), "--bootstrap-server", server.bootstrap,
                        "--command-config", props, "--alter", "--entity-type", "topics",
                        "--entity-name", topic["name"], "--add-config", "retention.ms=%d" % retention],
                       check=True, capture_output=True, env=env)
    return (time.monotonic() - start) / CLI_SAMPLE


def create_round(server, n):
    """One pair of 1,000-topic creates on `server`, floor and module, the order alternating:
    the second of a pair meets the fuller broker."""
    floor_topics = declared_topics(TOPICS, prefix="floor")
    topics = declared_topics(TOPICS)
    if n % 2 == 0:
        floor_first = floor_create(server, floor_topics)
        first = timed_apply(server, topics, TOPICS)
    else:
        first = timed_apply(server, topics, TOPICS)
        floor_first = floor_create(server, floor_topics)
    admin = KafkaAdminClient(**server.client_config())
    try:
        created = sum(1 for t in admin.list_topics() if t.startswith("fte.") and ".floor-" not in t)
    finally:
        admin.close()
    if created != TOPICS:
        raise SystemExit("expected %d topics on the broker, found %d" % (TOPICS, created))
    return floor_first, first, floor_topics, topics


def main():
    with tempfile.TemporaryDirectory(prefix="eb-bench-") as workdir:
        floor_firsts, firsts = [], []
        server = None
        try:
            # Each create round on a new broker, so every round starts from the same state.
            for n in range(FIRST_ROUNDS):
                if server is not None:
                    server.stop()
                round_dir = os.path.join(workdir, "round%d" % n)
                os.makedirs(round_dir)
                server = KafkaServer(round_dir).start()
                floor_first, first, floor_topics, topics = create_round(server, n)
                floor_firsts.append(floor_first)
                firsts.append(first)
            floor_first, first = median(floor_firsts), median(firsts)
            print("floor: create and leaders %.2f s (median of %s)" % (floor_first, figures(floor_firsts)), flush=True)
            print("first apply: %d topics in %.2f s (median of %s)" % (TOPICS, first, figures(firsts)), flush=True)

            print("broker idle after %.0f s" % settle(server), flush=True)
            # What every task pays whatever its size: ansible-playbook, module start, connection.
            floor_noops, noops = [], []
            for _round in range(ROUNDS):
                floor_noops.append(floor_startup())
                noops.append(timed_apply(server, topics, 0))
            floor_noop, noop = median(floor_noops), median(noops)
            print("floor: ansible-playbook start-up %.2f s (median of %s)" % (floor_noop, figures(floor_noops)),
                  flush=True)
            print("no-op re-run: %.2f s (median of %s)" % (noop, figures(noops)), flush=True)
            print("for scale, a one-topic no-op: %.2f s" % timed_apply(server, topics[:1], 0), flush=True)

            # 10%: every tenth topic gets a longer retention each round (longer, so protected
            # topics allow it), and the floor the same on its own topics just before.
            floor_changes, changes = [], []
            for n in range(ROUNDS):
                floor_changes.append(floor_alter(server, floor_topics[::10], 120 + n))
                for topic in topics[::10]:
                    topic["config"] = {"retention.ms": "%dy" % (8 + n) if topic["protected"] else "%dd" % (120 + n)}
                changes.append(timed_apply(server, topics, TOPICS // 10))
            floor_changed10, changed10 = median(floor_changes), median(changes)
            print("floor: 10%% alter %.2f s (median of %s)" % (floor_changed10, figures(floor_changes)), flush=True)
            print("re-run with 10%% changed: %.2f s (median of %s)" % (changed10, figures(changes)), flush=True)

            per_topic = cli_loop(server, workdir)
            print("CLI loop: %.2f s per topic (measured on %d topics); %.0f s extrapolated to %d; "
                  "first apply is %.0fx faster" % (per_topic, CLI_SAMPLE, per_topic * TOPICS, TOPICS,
                                                   per_topic * TOPICS / first), flush=True)
        finally:
            if server is not None:
                server.stop()
    print(json.dumps({"topics": TOPICS, "first_apply_s": round(first, 2), "noop_s": round(noop, 2),
                      "changed10_s": round(changed10, 2), "cli_per_topic_s": round(per_topic, 3),
                      "floor_first_s": round(floor_first, 2), "floor_changed10_s": round(floor_changed10, 2),
                      "floor_noop_s": round(floor_noop, 2),
                      # kafka_topic's figures include ansible-playbook's start-up; the floors get it too.
                      "first_ratio": round(first / (floor_first + floor_noop), 2),
                      "changed10_ratio": round(changed10 / (floor_changed10 + floor_noop), 2),
                      "noop_over_floor_s": round(noop - floor_noop, 2), "loadavg": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
