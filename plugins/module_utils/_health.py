# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""What "healthy" means for a KRaft cluster, in one place. The restart gates (module
kafka_health, on a node, from Kafka's own tools), kafka_info's health (Admin API) and so the
health report all judge with stop_blockers() and problems(); the parsers and from_quorum()
bring both sources to the same shapes:

  partition: {topic, partition, leader (None: offline), replicas: [ids], isr: [ids]}
  voter:     {node, log_end_offset, lag, last_fetch, last_caught_up, status}
             (status Leader, Follower or Observer; times in ms on the leader's clock)
"""

from __future__ import annotations

VOTER_STATES = ("Leader", "Follower")


def _ids(text):
    return [int(i) for i in text.split(",") if i.strip()]


def parse_partitions(text):
    """The partition lines of `kafka-topics --describe` (any of its filters)."""
    partitions = []
    for line in (text or "").splitlines():
        tokens = line.split()
        fields = {}
        for index, token in enumerate(tokens):
            if token.endswith(":"):
                value = tokens[index + 1] if index + 1 < len(tokens) else ""
                fields[token[:-1]] = "" if value.endswith(":") else value
        if "Partition" not in fields or "Topic" not in fields:
            continue
        leader = fields.get("Leader", "")
        partitions.append({"topic": fields["Topic"], "partition": int(fields["Partition"]),
                           "leader": None if leader in ("", "none", "-1") else int(leader),
                           "replicas": _ids(fields.get("Replicas", "")), "isr": _ids(fields.get("Isr", ""))})
    return partitions


def parse_quorum_leader(text):
    """The leader id of `kafka-metadata-quorum describe --status` (None: no leader)."""
    for line in (text or "").splitlines():
        key, _sep, value = line.partition(":")
        if key.strip() == "LeaderId":
            leader = int(value.strip())
            return leader if leader >= 0 else None
    return None


def parse_quorum_replication(text):
    """The rows of `kafka-metadata-quorum describe --replication`, voters and observers."""
    rows = []
    for line in (text or "").splitlines()[1:]:
        fields = line.split()
        if len(fields) < 7:
            continue
        rows.append({"node": int(fields[0]), "log_end_offset": int(fields[2]), "lag": int(fields[3]),
                     "last_fetch": int(fields[4]), "last_caught_up": int(fields[5]), "status": fields[6]})
    return rows


def parse_broker_states(text):
    """{broker id: state (fenced, unfenced, ...)} of `kafka-cluster list-endpoints --include-fenced-brokers`."""
    states = {}
    for line in (text or "").splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[0].isdigit() and fields[-1] == "broker":
            states[int(fields[0])] = fields[4]
    return states


def from_topics(topics):
    """The partitions of kafka_info's topics ({name: {partition_details}})."""
    return [{"topic": name, "partition": d["partition"],
             "leader": d["leader"] if d["leader"] is not None and d["leader"] >= 0 else None,
             "replicas": list(d["replicas"]), "isr": list(d["isr"])}
            for name, topic in sorted(topics.items()) for d in topic["partition_details"]]


def from_quorum(answer):
    """(leader id, voter rows) of kafka-python's describe_metadata_quorum() answer, with the lag
    counted as Kafka's tool counts it: the leader's log end offset minus the replica's."""
    state = answer["topics"][0]["partitions"][0]
    leader = state.get("leader_id")
    leader = leader if leader is not None and leader >= 0 else None
    voters = state.get("current_voters") or []
    leader_end = max([v["log_end_offset"] for v in voters if v["replica_id"] == leader]
                     or [state.get("high_watermark") or 0])
    rows = []
    for replicas, voter in ((voters, True), (state.get("observers") or [], False)):
        for replica in replicas:
            status = ("Leader" if replica["replica_id"] == leader else "Follower") if voter else "Observer"
            rows.append({"node": replica["replica_id"], "log_end_offset": replica["log_end_offset"],
                         "lag": max(leader_end - replica["log_end_offset"], 0),
                         "last_fetch": replica["last_fetch_timestamp"],
                         "last_caught_up": replica["last_caught_up_timestamp"], "status": status})
    return leader, rows


def under_min_isr(partitions, min_isr):
    """The partitions whose ISR is smaller than their topic's min.insync.replicas ({topic: n})."""
    return [p for p in partitions if len(p["isr"]) < int(min_isr.get(p["topic"], 1))]


def _name(partition):
    return "%s-%d" % (partition["topic"], partition["partition"])


def stop_blockers(at_or_under_min, node):
    """The partitions (of those at or under their minimum ISR) that drop below it when `node`
    stops: it is in their ISR, and they have a replica out of sync that could have carried
    them. A partition whose minimum equals its replica count cannot stay writable through any
    restart, so it blocks none."""
    blocking = set()
    for p in at_or_under_min:
        if node in p["isr"] and len(p["replicas"]) > len(p["isr"]):
            blocking.add("%s (replicas %s, isr %s)" % (_name(p), ",".join(map(str, p["replicas"])),
                                                       ",".join(map(str, p["isr"]))))
    return sorted(blocking)


def problems(partitions, under_min_isr, leader, quorum, max_lag, max_lag_ms, brokers=None, expected_brokers=(),
             node=None, roles=()):
    """What keeps the cluster (or, with `node`, that node) from counting as healthy; [] is healthy.

    brokers: {id: state} (None: not read). With `node` and the broker role, that broker must be
    registered and unfenced; without `node`, every broker and each of `expected_brokers`. Then:
    no under-replicated, under-min-ISR or offline partition, a quorum leader, every voter caught
    up (lag at most `max_lag`, last caught up at most `max_lag_ms` before the newest fetch the
    leader saw), and with `node` and the controller role, the node is a voter.
    """
    found = []
    if brokers is not None:
        if node is not None:
            wanted = [node] if "broker" in roles else []
        else:
            wanted = sorted(set(brokers) | set(expected_brokers))
        for broker in wanted:
            state = brokers.get(broker)
            if state != "unfenced":
                found.append("broker %d is %s" % (broker, state or "not registered"))
    urp = len([p for p in partitions if len(p["isr"]) < len(p["replicas"])])
    offline = len([p for p in partitions if p["leader"] is None])
    if urp:
        found.append("%d under-replicated partitions" % urp)
    if under_min_isr:
        found.append("%d partitions under min.insync.replicas" % len(under_min_isr))
    if offline:
        found.append("%d offline partitions" % offline)
    if leader is None:
        found.append("the metadata quorum has no leader")
    newest = max([row["last_fetch"] for row in quorum] or [0])
    lagging = ["%d(lag %d, caught up %d ms before the newest fetch)" % (row["node"], row["lag"], newest - row["last_caught_up"])
               for row in quorum if row["status"] in VOTER_STATES
               and (row["lag"] > max_lag or newest - row["last_caught_up"] > max_lag_ms)]
    if lagging:
        found.append("voters behind the quorum leader: " + " ".join(lagging))
    if node is not None and "controller" in roles and not any(
            row["node"] == node and row["status"] in VOTER_STATES for row in quorum):
        found.append("controller %d is not a voter of the quorum" % node)
    return found
