"""file_set: the request's rules, the plan from (request, host state) and the --diff, without a host."""
import pytest

from ansible_collections.digital_fte.event_backbone.plugins.module_utils._files import (
    SECRET_NOT_SHOWN, diffs, plan, request_errors)

IDS = {("user", "root"): 0, ("group", "root"): 0, ("user", "dapr"): 990, ("group", "dapr"): 990}


def d(path, owner="root", group="dapr", mode="0750"):
    return {"path": path, "owner": owner, "group": group, "mode": mode}


def f(path, content="x\n", owner="root", group="dapr", mode="0640", secret=False):
    entry = {"path": path, "owner": owner, "group": group, "mode": mode, "content": None, "secret_content": None}
    entry["secret_content" if secret else "content"] = content
    return entry


def have_dir(uid=0, gid=990, mode=0o750, entries=None):
    out = {"kind": "dir", "uid": uid, "gid": gid, "mode": mode}
    if entries is not None:
        out["entries"] = entries
    return out


def have_file(content=b"x\n", uid=0, gid=990, mode=0o640):
    return {"kind": "file", "uid": uid, "gid": gid, "mode": mode, "content": content}


def run(directories=(), files=(), purge=(), absent=(), actual=None):
    return plan(list(directories), list(files), list(purge), list(absent), actual or {}, IDS)


@pytest.mark.parametrize("directories, files, purge, absent, error", [
    ([d("etc/dapr")], [], [], [], "directories[0] (etc/dapr).path must be an absolute, normalised path"),
    ([d("/etc/dapr/")], [], [], [], "directories[0] (/etc/dapr/).path must be an absolute, normalised path"),
    ([], [f("/etc/a/../b")], [], [], "files[0] (/etc/a/../b).path must be an absolute, normalised path"),
    ([d("/etc/a")], [f("/etc/a")], [], [], "files[0] (/etc/a).path is declared twice (also directories[0] (/etc/a))"),
    ([], [f("/etc/a", mode="640x")], [], [], "files[0] (/etc/a).mode must be a quoted octal mode such as '0640' (got '640x')"),
    ([], [f("/etc/a", mode="0800")], [], [], "files[0] (/etc/a).mode must be a quoted octal mode"),
    # YAML's unquoted 0640 is the number 416: refused, not applied as mode 0416.
    ([], [f("/etc/a", mode=416)], [], [], "files[0] (/etc/a).mode must be a quoted octal mode such as '0640' (got 416)"),
    ([d("/etc/a", owner="")], [], [], [], "directories[0] (/etc/a).owner is required"),
    ([], [dict(f("/etc/a"), content=None)], [], [], "files[0] (/etc/a) needs exactly one of content and secret_content"),
    ([], [dict(f("/etc/a"), secret_content="s")], [], [], "files[0] (/etc/a) needs exactly one of content and secret_content"),
    ([], [f("/etc/a")], [], ["/etc/a"], "absent[0] (/etc/a) is also declared in files[0] (/etc/a)"),
    ([], [], ["tmp"], [], "purge[0] (tmp) must be an absolute, normalised path"),
])
def test_request_errors_name_the_field_and_the_rule(directories, files, purge, absent, error):
    errors = request_errors(directories, files, purge, absent)
    assert any(e.startswith(error) for e in errors), errors


def test_a_valid_request_has_no_errors():
    assert request_errors([d("/etc/a", mode="2750")], [f("/etc/a/b", mode="640"), f("/etc/a/c", secret=True)],
                          ["/etc/a"], ["/etc/a/old"]) == []


def test_every_broken_rule_is_reported_at_once():
    errors = request_errors([d("rel", mode="9")], [f("/x", mode="")], [], ["y"])
    assert len(errors) == 4, errors


@pytest.mark.parametrize("actual, expected", [
    # Nothing there: the directory, then the file.
    ({"/etc": have_dir(), "/etc/a": None, "/etc/a/b": None}, [("mkdir", "/etc/a"), ("write", "/etc/a/b")]),
    # All as declared: nothing to do.
    ({"/etc": have_dir(), "/etc/a": have_dir(), "/etc/a/b": have_file()}, []),
    # Content differs.
    ({"/etc": have_dir(), "/etc/a": have_dir(), "/etc/a/b": have_file(b"old\n")}, [("write", "/etc/a/b")]),
    # Only the mode of the file, only the group of the directory.
    ({"/etc": have_dir(), "/etc/a": have_dir(), "/etc/a/b": have_file(mode=0o644)}, [("attributes", "/etc/a/b")]),
    ({"/etc": have_dir(), "/etc/a": have_dir(gid=0), "/etc/a/b": have_file()}, [("attributes", "/etc/a")]),
])
def test_plan_does_only_what_differs(actual, expected):
    actions, errors = run([d("/etc/a")], [f("/etc/a/b")], actual=actual)
    assert errors == []
    assert [(a["action"], a["path"]) for a in actions] == expected


def test_a_written_file_carries_its_owner_mode_and_bytes():
    actions, _errors = run([], [f("/etc/a", "é\n", owner="dapr", group="dapr", mode="600")],
                           actual={"/etc": have_dir(), "/etc/a": None})
    assert actions == [{"action": "write", "path": "/etc/a", "uid": 990, "gid": 990, "mode": 0o600,
                        "content": "é\n".encode("utf-8"), "secret": False, "before": None}]


@pytest.mark.parametrize("directories, files, actual, error", [
    ([], [f("/etc/a/b")], {"/etc/a": None, "/etc/a/b": None},
     "files[0] (/etc/a/b): its directory /etc/a does not exist and is not in directories"),
    ([d("/srv/x/y")], [], {"/srv": have_file(), "/srv/x": None, "/srv/x/y": None},
     "directories[0] (/srv/x/y): its parent /srv is a file, not a directory"),
    ([d("/etc/a")], [], {"/etc": have_dir(), "/etc/a": have_file()},
     "directories[0] (/etc/a): the host has a file there, not a directory; remove it first"),
    ([], [f("/etc/a")], {"/etc": have_dir(), "/etc/a": have_dir()},
     "files[0] (/etc/a): the host has a dir there, not a regular file; remove it first"),
    ([], [f("/etc/a")], {"/etc": have_dir(), "/etc/a": {"kind": "link", "uid": 0, "gid": 0, "mode": 0o777}},
     "files[0] (/etc/a): the host has a link there, not a regular file; remove it first"),
    ([], [f("/etc/a", owner="kafka")], {"/etc": have_dir(), "/etc/a": None},
     "files[0] (/etc/a).owner: no user 'kafka' on this host"),
    ([d("/etc/a", group="kafka")], [], {"/etc": have_dir(), "/etc/a": None},
     "directories[0] (/etc/a).group: no group 'kafka' on this host"),
])
def test_plan_refuses_what_it_cannot_do_safely(directories, files, actual, error):
    _actions, errors = run(directories, files, actual=actual)
    assert error in errors


def test_purge_removes_only_undeclared_files_and_refuses_directories():
    actual = {"/etc": have_dir(), "/etc/r": have_dir(entries=["keep.yaml", "old.yaml", "sub"]),
              "/etc/r/keep.yaml": have_file(), "/etc/r/old.yaml": have_file(b"secret"), "/etc/r/sub": have_dir()}
    actions, errors = run([d("/etc/r")], [f("/etc/r/keep.yaml")], purge=["/etc/r"], actual=actual)
    assert [(a["action"], a["path"]) for a in actions] == [("remove", "/etc/r/old.yaml")]
    assert errors == ["purge /etc/r: /etc/r/sub is a directory; only files and links are removed"]


def test_absent_removes_what_exists_once():
    actual = {"/etc": have_dir(entries=["gone"]), "/etc/gone": have_file(), "/etc/never": None}
    actions, errors = run(purge=["/etc"], absent=["/etc/gone", "/etc/never"], actual=actual)
    assert errors == []
    assert [(a["action"], a["path"]) for a in actions] == [("remove", "/etc/gone")]


def test_a_missing_purged_directory_removes_nothing():
    actions, errors = run(purge=["/etc/none"], actual={"/etc/none": None})
    assert (actions, errors) == ([], [])


def test_diff_shows_content_but_never_a_secret_or_a_removed_file():
    actual = {"/etc": have_dir(entries=["old"]), "/etc/a": have_file(b"before\n"), "/etc/s": have_file(b"pw=1\n"),
              "/etc/old": have_file(b"pw=0\n"), "/etc/m": have_file(mode=0o644)}
    actions, errors = run([], [f("/etc/a", "after\n", group="dapr"), f("/etc/s", "pw=2\n", secret=True), f("/etc/m")],
                          purge=["/etc"], actual=dict(actual, **{"/etc": have_dir(entries=["a", "s", "m", "old"])}))
    assert errors == []
    by_path = {entry["before_header"]: entry for entry in diffs(actions)}
    assert by_path["/etc/a"]["before"] == "before\n" and by_path["/etc/a"]["after"] == "after\n"
    assert by_path["/etc/s"]["before"] == SECRET_NOT_SHOWN and by_path["/etc/s"]["after"] == SECRET_NOT_SHOWN
    assert by_path["/etc/old"] == {"before_header": "/etc/old", "after_header": "/etc/old", "before": "(file)\n", "after": ""}
    assert by_path["/etc/m (owner and mode)"]["before"] == "uid=0 gid=990 mode=0644\n"
    assert by_path["/etc/m (owner and mode)"]["after"] == "uid=0 gid=990 mode=0640\n"
    assert "pw=" not in repr(diffs(actions))


def test_missing_parents_are_created_with_the_directorys_owner_and_mode():
    actual = {"/": have_dir(), "/data": None, "/data/kafka": None, "/data/kafka/logs": None}
    actions, errors = run([d("/data/kafka/logs", owner="dapr", mode="0700")], actual=actual)
    assert errors == []
    assert [(a["action"], a["path"], a["uid"], a["mode"]) for a in actions] == [
        ("mkdir", "/data", 990, 0o700), ("mkdir", "/data/kafka", 990, 0o700), ("mkdir", "/data/kafka/logs", 990, 0o700)]


def test_a_declared_parent_is_created_once_with_its_own_attributes():
    actual = {"/": have_dir(), "/data": None, "/data/a": None}
    actions, _errors = run([d("/data", mode="0755"), d("/data/a")], actual=actual)
    assert [(a["path"], a["mode"]) for a in actions] == [("/data", 0o755), ("/data/a", 0o750)]


def test_check_mode_predicts_paths_of_owners_the_run_creates_first():
    actual = {"/etc": have_dir(), "/etc/kafka": None, "/etc/x": have_file()}
    request = ([d("/etc/kafka", group="kafka")], [f("/etc/kafka/server.properties", group="kafka"), f("/etc/x", group="kafka")])
    _actions, errors = run(*request, actual=actual)
    assert "directories[0] (/etc/kafka).group: no group 'kafka' on this host" in errors
    actions, errors = plan(*request, [], [], actual, IDS, check_mode=True)
    assert errors == []
    assert [(a["action"], a["path"]) for a in actions] == [
        ("mkdir", "/etc/kafka"), ("write", "/etc/kafka/server.properties"), ("attributes", "/etc/x")]
