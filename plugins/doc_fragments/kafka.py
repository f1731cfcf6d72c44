# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)
"""Connection and authentication options shared by every Kafka module."""

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
options:
  bootstrap_servers:
    description:
      - Brokers to bootstrap from, as C(host:port). One reachable broker is enough; the module
        learns the others from the cluster.
      - The module runs where the task runs; use C(delegate_to) to run it on a host that
        reaches the brokers.
    type: list
    elements: str
    required: true
  security_protocol:
    description:
      - Protocol of the listener named in O(bootstrap_servers).
    type: str
    default: PLAINTEXT
    choices: [PLAINTEXT, SASL_PLAINTEXT, SSL, SASL_SSL]
  sasl_mechanism:
    description:
      - SASL mechanism for O(security_protocol=SASL_PLAINTEXT) or O(security_protocol=SASL_SSL).
    type: str
    default: SCRAM-SHA-512
    choices: [SCRAM-SHA-256, SCRAM-SHA-512, PLAIN]
  sasl_username:
    description:
      - User to authenticate as; required with a SASL protocol.
    type: str
  sasl_password:
    description:
      - Password of O(sasl_username); required with a SASL protocol. Never logged.
    type: str
  ssl_cafile:
    description:
      - CA bundle (PEM) that signed the brokers' certificates, for O(security_protocol=SSL) or
        O(security_protocol=SASL_SSL). The system trust store is used when unset.
    type: path
  ssl_certfile:
    description:
      - Client certificate (PEM) for mutual TLS.
    type: path
  ssl_keyfile:
    description:
      - Private key (PEM) of O(ssl_certfile).
    type: path
  ssl_check_hostname:
    description:
      - Whether the broker certificate must match the host name in O(bootstrap_servers).
    type: bool
    default: true
  connect_timeout:
    description:
      - Seconds to wait for the first connection to the cluster.
    type: int
    default: 15
  request_timeout:
    description:
      - Seconds to wait for each Admin API request.
    type: int
    default: 60
requirements:
  - kafka-python >= 3.0 on the host that runs the module (the controller, or the host of
    C(delegate_to)).
notes:
  - The Kafka modules form the action group C(digital_fte.event_backbone.kafka), so one
    C(module_defaults) entry for C(group/digital_fte.event_backbone.kafka), on the play or a
    block, carries the connection for all of them - a dict of O(bootstrap_servers),
    O(security_protocol), O(sasl_username) and O(sasl_password) - and the tasks leave it out.
  - The Admin API version is negotiated with the brokers (ApiVersions), so KRaft clusters need
    no C(api_version) setting.
  - When the first connection fails, the module probes the bootstrap servers directly (TCP, TLS,
    SASL handshake, login) and names the cause - no bootstrap server reachable (each with its
    socket error), a failed TLS handshake (with its reason, for example a O(ssl_cafile) that did
    not sign the broker's certificate), a O(security_protocol=SASL_PLAINTEXT) client that a TLS
    listener answered with a TLS alert or hung up on, an O(sasl_mechanism) the broker does not
    offer (with the ones it does), or a failed authentication of O(sasl_username) - instead of a
    bare timeout. The password is never shown.
"""
