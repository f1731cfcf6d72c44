# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""The one kafka-python client setup of the collection's probes (kafka_probe.py) and of the
Molecule verifiers: connection settings, and reading partitions from a start to a deadline.

From the environment (settings_from_env), so that a password is never on a command line:
  KAFKA_BOOTSTRAP          comma-separated host:port list (required)
  KAFKA_USER               SASL user; without it the client does not authenticate
  KAFKA_PASSWORD           its password
  KAFKA_SASL_MECHANISM     SCRAM-SHA-512 unless set
  KAFKA_CAFILE             CA certificate (PEM): connect with TLS
  KAFKA_SECURITY_PROTOCOL  unless set: SASL_SSL or SASL_PLAINTEXT with a user, SSL or PLAINTEXT
                           without one, by whether KAFKA_CAFILE is set
"""
from __future__ import annotations

import os
import time

from kafka import KafkaConsumer, TopicPartition


def settings(bootstrap, user=None, password=None, cafile=None, protocol=None, mechanism=None):
    """kafka-python's connection keywords. `bootstrap` is a list or a comma-separated string."""
    servers = bootstrap.split(",") if isinstance(bootstrap, str) else list(bootstrap)
    if not [s for s in servers if s.strip()]:
        raise ValueError("no bootstrap server given (KAFKA_BOOTSTRAP)")
    if protocol is None:
        protocol = ("SASL_" if user else "") + ("SSL" if cafile else "PLAINTEXT")
    config = {"bootstrap_servers": [s.strip() for s in servers if s.strip()], "security_protocol": protocol}
    if cafile:
        config["ssl_cafile"] = cafile
    if protocol.startswith("SASL_"):
        if not user:
            raise ValueError("security protocol %s needs a user (KAFKA_USER)" % protocol)
        config.update(sasl_mechanism=mechanism or "SCRAM-SHA-512", sasl_plain_username=user,
                      sasl_plain_password=password or "")
    return config


def settings_from_env(environ=None, **overrides):
    """settings() from the KAFKA_* variables; `overrides` replace single arguments."""
    env = os.environ if environ is None else environ
    args = {"bootstrap": env.get("KAFKA_BOOTSTRAP", ""), "user": env.get("KAFKA_USER") or None,
            "password": env.get("KAFKA_PASSWORD"), "cafile": env.get("KAFKA_CAFILE") or None,
            "protocol": env.get("KAFKA_SECURITY_PROTOCOL") or None,
            "mechanism": env.get("KAFKA_SASL_MECHANISM") or None}
    args.update(overrides)
    return settings(**args)


def consumer(config, **options):
    """A consumer outside any group that commits nothing: reading never moves an app's offsets."""
    return KafkaConsumer(group_id=None, enable_auto_commit=False, **dict(config, **options))


def topic_partitions(client, topics, timeout=0.0):
    """Every partition of `topics`, waiting up to `timeout` seconds for each to be visible (a
    new topic's metadata arrives late). LookupError names a topic that stays invisible."""
    deadline = time.monotonic() + timeout
    found = []
    for topic in topics:
        ids = client.partitions_for_topic(topic)
        while not ids and time.monotonic() < deadline:
            time.sleep(1)
            ids = client.partitions_for_topic(topic)
        if not ids:
            raise LookupError("topic %s not found or not readable" % topic)
        found.extend(TopicPartition(topic, p) for p in sorted(ids))
    return found


def batches(client, topics, deadline, start=None, wait=0.0):
    """Assigns every partition of `topics` and yields each poll's records (a list, maybe empty)
    until time.monotonic() passes `deadline`. `start` maps (topic, partition) to the first
    offset to read; partitions it leaves out, or every one without it, start at the beginning."""
    parts = topic_partitions(client, topics, wait)
    client.assign(parts)
    client.seek_to_beginning(*parts)
    for tp in parts:
        if start and (tp.topic, tp.partition) in start:
            client.seek(tp, int(start[(tp.topic, tp.partition)]))
    while time.monotonic() < deadline:
        yield [record for records in client.poll(timeout_ms=1000).values() for record in records]
