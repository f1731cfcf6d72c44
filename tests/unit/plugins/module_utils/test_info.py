"""Shaping of kafka_info's topic facts, without Kafka."""
from ansible_collections.digital_fte.event_backbone.plugins.module_utils._info import summarize_topics


def partition(index, replicas, isr, leader=None):
    return {"partition_index": index, "leader_id": replicas[0] if leader is None else leader,
            "replica_nodes": replicas, "isr_nodes": isr, "offline_replicas": []}


METADATA = [
    {"name": "b", "error_code": 0, "is_internal": False,
     "partitions": [partition(1, [2, 3, 1], [2, 3]), partition(0, [1, 2, 3], [1, 2, 3])]},
    {"name": "__consumer_offsets", "error_code": 0, "is_internal": True, "partitions": [partition(0, [1], [1])]},
    {"name": "missing", "error_code": 3, "is_internal": False, "partitions": []},
]
CONFIGS = {"b": {"retention.ms": {"value": "1000", "config_source": "DYNAMIC_TOPIC_CONFIG"},
                 "min.insync.replicas": {"value": "2", "config_source": "DYNAMIC_DEFAULT_BROKER_CONFIG"},
                 "segment.bytes": {"value": "1073741824", "config_source": "DEFAULT_CONFIG"}}}


def test_topics_overrides_and_under_replicated():
    topics, urp = summarize_topics(METADATA, CONFIGS)
    assert list(topics) == ["b"]
    assert topics["b"]["partitions"] == 2 and topics["b"]["replication_factor"] == 3
    assert topics["b"]["config"] == {"retention.ms": "1000"}
    assert [d["partition"] for d in topics["b"]["partition_details"]] == [0, 1]
    assert urp == [{"topic": "b", "partition": 1, "replicas": [2, 3, 1], "isr": [2, 3]}]


def test_internal_topics_on_request():
    topics, _urp = summarize_topics(METADATA, CONFIGS, include_internal=True)
    assert sorted(topics) == ["__consumer_offsets", "b"] and topics["__consumer_offsets"]["internal"] is True
