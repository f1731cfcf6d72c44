# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Pure shaping of kafka_info's facts from Admin API answers."""

from __future__ import annotations

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._topic import TOPIC_OVERRIDE


def summarize_topics(metadata, configs, include_internal=False):
    """Metadata (describe_topics) + configs (describe_configs 'all') -> (topics, under_replicated).

    topics: {name: {partitions, replication_factor, internal, config (topic-level overrides),
                    partition_details: [{partition, leader, replicas, isr, offline}]}}
    under_replicated: [{topic, partition, replicas, isr}] where the ISR is smaller than the
    replica list.
    """
    topics = {}
    under_replicated = []
    for topic in sorted(metadata, key=lambda t: t["name"]):
        if topic.get("error_code") or (topic.get("is_internal") and not include_internal):
            continue
        details = []
        for p in sorted(topic["partitions"], key=lambda p: p["partition_index"]):
            replicas, isr = list(p["replica_nodes"]), list(p["isr_nodes"])
            details.append({"partition": p["partition_index"], "leader": p["leader_id"],
                            "replicas": replicas, "isr": isr,
                            "offline": list(p.get("offline_replicas") or [])})
            if len(isr) < len(replicas):
                under_replicated.append({"topic": topic["name"], "partition": p["partition_index"],
                                         "replicas": replicas, "isr": isr})
        topic_configs = configs.get(topic["name"], {})
        topics[topic["name"]] = {
            "partitions": len(details),
            "replication_factor": max([len(d["replicas"]) for d in details] or [0]),
            "internal": bool(topic.get("is_internal")),
            "config": dict(sorted((k, c["value"]) for k, c in topic_configs.items()
                                  if c.get("config_source") == TOPIC_OVERRIDE)),
            "partition_details": details,
        }
    return topics, under_replicated
