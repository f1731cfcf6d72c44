"""Every role's meta/argument_specs.yml is the single source of truth for its variables."""
import os
import re

import pytest
import yaml

from tests.lib import paths

ROLES_DIR = os.path.join(paths.ROOT, "roles")
ROLES = sorted(os.listdir(ROLES_DIR))


def _load(role, *parts):
    path = os.path.join(ROLES_DIR, role, *parts)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


@pytest.mark.parametrize("role", ROLES)
def test_defaults_are_exactly_the_documented_options(role):
    specs = _load(role, "meta", "argument_specs.yml")
    assert specs, "roles/%s has no meta/argument_specs.yml" % role
    options = {}
    for entry in specs["argument_specs"].values():
        options.update(entry.get("options", {}))
    defaults = _load(role, "defaults", "main.yml") or {}
    undocumented = sorted(set(defaults) - set(options))
    assert not undocumented, "defaults without argument_specs: %s" % undocumented
    without_default = sorted(name for name, spec in options.items()
                             if name not in defaults and not spec.get("required"))
    assert not without_default, "optional options missing from defaults/main.yml: %s" % without_default


@pytest.mark.parametrize("role", ROLES)
def test_every_option_has_type_description_and_role_prefix(role):
    specs = _load(role, "meta", "argument_specs.yml")
    prefix = role + "_"
    for entry in specs["argument_specs"].values():
        for name, spec in entry.get("options", {}).items():
            assert name.startswith(prefix), "%s: option %s lacks the prefix %s" % (role, name, prefix)
            assert "type" in spec, "%s: option %s has no type" % (role, name)
            assert spec.get("description"), "%s: option %s has no description" % (role, name)


def test_mirror_versions_match_role_defaults():
    v = paths.versions()
    expected = {"kafka": ("kafka_version", v["KAFKA_VERSION"]), "dapr": ("dapr_version", v["DAPR_VERSION"])}
    for role, (name, version) in expected.items():
        defaults = _load(role, "defaults", "main.yml")
        if defaults is None:
            pytest.fail("roles/%s/defaults/main.yml is missing" % role)
        assert str(defaults[name]) == version, "%s: %s=%s, mirror builds %s" % (role, name, defaults[name], version)


def test_site_scenario_installs_the_previous_default_release():
    """molecule/site upgrades from the mirror's previous release, so it must install that one."""
    path = os.path.join(paths.ROOT, "molecule", "site", "inventory", "group_vars", "all", "site.yml")
    with open(path, encoding="utf-8") as fh:
        site = yaml.safe_load(fh)
    previous = paths.versions()["KAFKA_PREVIOUS_VERSION"]
    assert str(site["kafka_version"]) == previous, "%s: kafka_version=%s, mirror/versions.env KAFKA_PREVIOUS_VERSION=%s" % (
        path, site["kafka_version"], previous)


def test_role_variables_used_in_tasks_are_documented():
    """A `kafka_*`/`dapr_*` name read in tasks or templates must be a documented option, or a
    public fact that the role sets and its README documents under "Entry points and facts"."""
    for role in ROLES:
        specs = _load(role, "meta", "argument_specs.yml")
        options = set()
        for entry in specs["argument_specs"].values():
            options.update(entry.get("options", {}))
        used, facts = set(), set()
        for folder in ("tasks", "templates", "handlers"):
            root = os.path.join(ROLES_DIR, role, folder)
            for dirpath, _dirs, files in os.walk(root):
                for name in files:
                    with open(os.path.join(dirpath, name), encoding="utf-8") as fh:
                        text = fh.read()
                    used.update(re.findall(r"(?<![\w.])(%s_[a-z0-9_]+)" % re.escape(role), text))
                    facts.update(re.findall(r"set_fact:\s*\n\s+(%s_[a-z0-9_]+):" % re.escape(role), text))
        readme_path = os.path.join(ROLES_DIR, role, "README.md")
        readme = ""
        if os.path.exists(readme_path):
            with open(readme_path, encoding="utf-8") as fh:
                readme = fh.read()
        section = readme.split("## Entry points and facts", 1)[1].split("\n## ", 1)[0] if "## Entry points and facts" in readme else ""
        undocumented_facts = sorted(f for f in facts - options if "`%s`" % f not in section)
        assert not undocumented_facts, "roles/%s sets public facts its README does not document: %s" % (
            role, undocumented_facts)
        assert not sorted(used - options - facts), "roles/%s reads undocumented variables: %s" % (
            role, sorted(used - options - facts))
