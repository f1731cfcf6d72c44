#!/usr/bin/python
# Copyright: (c) 2026, Digital FTE platform team
# Apache License 2.0 (see LICENSE)

from __future__ import annotations

DOCUMENTATION = r"""
module: http_health
short_description: Wait until several local HTTP health endpoints answer, in one task
version_added: 0.2.0
description:
  - Polls every endpoint of O(endpoints) from the managed host until each answers its expected
    status, or until O(retries) rounds O(delay) seconds apart are used up. One remote module run
    for all of them, where a C(uri) loop with C(until) costs one run per endpoint and round.
  - Fails naming every endpoint that did not answer, with the last status or error of each, and
    returns them in RV(unhealthy) so that a C(rescue) can read their logs.
  - Reads only; it changes nothing, so check mode runs it as well (a caller that has not started
    the services in check mode skips it).
options:
  endpoints:
    description: The endpoints to wait for.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: What answers there (for example an app id); names the endpoint in results and errors.
        type: str
        required: true
      url:
        description: The C(http://) URL to GET.
        type: str
        required: true
      status:
        description: The status that means healthy.
        type: int
        default: 200
  retries:
    description: Rounds of polling before giving up (the first round included).
    type: int
    default: 30
  delay:
    description: Seconds between rounds.
    type: int
    default: 2
  timeout:
    description: Seconds each request may take.
    type: int
    default: 5
extends_documentation_fragment:
  - digital_fte.event_backbone.attributes
  - digital_fte.event_backbone.attributes.info_module
author:
  - Digital FTE platform team (@digital-fte)
"""

EXAMPLES = r"""
- name: Wait until the Dapr sidecars have loaded their components
  digital_fte.event_backbone.http_health:
    endpoints:
      - {name: orders, url: "http://127.0.0.1:3500/v1.0/healthz/outbound", status: 204}
      - {name: billing, url: "http://127.0.0.1:3501/v1.0/healthz/outbound", status: 204}
"""

RETURN = r"""
healthy:
  description: The names of the endpoints that answered their status.
  returned: always
  type: list
  elements: str
unhealthy:
  description: The endpoints that did not, each with C(name), C(url) and C(last) (the last status or error).
  returned: always
  type: list
  elements: dict
rounds:
  description: How many polling rounds it took.
  returned: always
  type: int
"""

import time
from urllib.error import HTTPError

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import open_url


def probe(endpoint, timeout):
    """The status the endpoint answered, or the error that kept it from answering."""
    try:
        response = open_url(endpoint["url"], method="GET", timeout=timeout, validate_certs=False)
        return response.getcode()
    except HTTPError as exc:
        return exc.code
    except Exception as exc:  # pylint: disable=broad-except  # any error only means "not yet"
        return "%s: %s" % (type(exc).__name__, exc)


def main():
    module = AnsibleModule(
        argument_spec={
            "endpoints": {"type": "list", "elements": "dict", "required": True,
                          "options": {"name": {"type": "str", "required": True}, "url": {"type": "str", "required": True},
                                      "status": {"type": "int", "default": 200}}},
            "retries": {"type": "int", "default": 30},
            "delay": {"type": "int", "default": 2},
            "timeout": {"type": "int", "default": 5},
        },
        supports_check_mode=True,
    )
    endpoints, retries = module.params["endpoints"], module.params["retries"]
    errors = ["endpoints[%d] (%s).url must start with http:// or https://" % (i, e["name"])
              for i, e in enumerate(endpoints) if not e["url"].startswith(("http://", "https://"))]
    if retries < 1 or module.params["delay"] < 0:
        errors.append("retries must be at least 1 and delay not negative")
    if errors:
        module.fail_json(msg="Refused: " + "; ".join(errors))

    waiting, last, rounds = list(endpoints), {}, 0
    while waiting and rounds < retries:
        if rounds:
            time.sleep(module.params["delay"])
        rounds += 1
        for endpoint in list(waiting):
            last[endpoint["name"]] = probe(endpoint, module.params["timeout"])
            if last[endpoint["name"]] == endpoint["status"]:
                waiting.remove(endpoint)
    unhealthy = [{"name": e["name"], "url": e["url"], "last": last[e["name"]]} for e in waiting]
    result = {"changed": False, "rounds": rounds, "unhealthy": unhealthy,
              "healthy": [e["name"] for e in endpoints if e not in waiting]}
    if unhealthy:
        expected = {e["name"]: e["status"] for e in endpoints}
        module.fail_json(msg="Not healthy after %d rounds %ds apart: %s" % (
            rounds, module.params["delay"],
            "; ".join("%s (%s answered %s, expected %s)" % (u["name"], u["url"], u["last"], expected[u["name"]])
                      for u in unhealthy)), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
