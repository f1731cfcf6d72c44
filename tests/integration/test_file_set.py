"""file_set through ansible-playbook against this machine's real file system (a temporary
directory): check mode predicts the run exactly, the run writes what it predicted, a second run
changes nothing, secrets stay out of the output, and a bad request changes nothing."""
import os
import stat

from tests.lib.ansible_run import run_module

SECRET = "s3cret-password-for-the-test"
# A secret of several lines (a key store, a properties file) as well as a one-line one.
SECRET_FILE = "-----BEGIN PRIVATE KEY-----\nMIIEvQ-%s\n-----END PRIVATE KEY-----\n" % SECRET


def request(root):
    return {
        "directories": [{"path": str(root / "app"), "owner": "root", "group": "root", "mode": "0750"},
                        {"path": str(root / "app" / "resources"), "owner": "root", "group": "root", "mode": "0750"}],
        "files": [{"path": str(root / "app" / "resources" / "component.yaml"), "content": "kind: Component\n",
                   "owner": "root", "group": "root", "mode": "0640"},
                  {"path": str(root / "app" / "secrets.json"), "secret_content": '{"pw": "%s"}\n' % SECRET,
                   "owner": "nobody", "group": "nogroup", "mode": "0600"},
                  {"path": str(root / "app" / "server.pem"), "secret_content": SECRET_FILE,
                   "owner": "root", "group": "root", "mode": "0600"}],
        "purge": [str(root / "app" / "resources")],
    }


def tree(root):
    out = {}
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(base, name)
            info = os.lstat(path)
            content = None
            if stat.S_ISREG(info.st_mode):
                with open(path, "rb") as fh:
                    content = fh.read()
            out[os.path.relpath(path, root)] = (stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid, content)
    return out


def test_check_mode_predicts_the_run_then_idempotent(tmp_path):
    args = request(tmp_path)
    predicted = run_module("file_set", args, check=True, diff=True)
    assert predicted["changed"] and not predicted.failed
    assert tree(tmp_path) == {}, "check mode wrote something"
    applied = run_module("file_set", args, diff=True)
    assert applied["changed"] and applied["changed_paths"] == predicted["changed_paths"]
    assert applied["actions"] == [{"path": p, "action": a} for p, a in (
        (args["directories"][0]["path"], "mkdir"), (args["directories"][1]["path"], "mkdir"),
        (args["files"][0]["path"], "write"), (args["files"][1]["path"], "write"), (args["files"][2]["path"], "write"))]
    files = tree(tmp_path)
    assert files["app"][:3] == (0o750, 0, 0)
    assert files["app/resources/component.yaml"] == (0o640, 0, 0, b"kind: Component\n")
    secret = files["app/secrets.json"]
    assert secret[0] == 0o600 and secret[1] == 65534 and secret[3] == ('{"pw": "%s"}\n' % SECRET).encode()
    assert files["app/server.pem"] == (0o600, 0, 0, SECRET_FILE.encode())
    for result in (predicted, applied):
        assert SECRET not in result.stdout + result.stderr
    diffs = {entry["before_header"]: entry for entry in applied["diff"]}
    assert diffs[args["files"][0]["path"]]["after"] == "kind: Component\n"
    assert again_unchanged(args)


def again_unchanged(args):
    again = run_module("file_set", args, check=True)
    rerun = run_module("file_set", args)
    return not again["changed"] and not rerun["changed"] and rerun["changed_paths"] == []


def test_purge_and_absent_remove_and_a_drifted_mode_is_put_back(tmp_path):
    args = request(tmp_path)
    run_module("file_set", args)
    stale = tmp_path / "app" / "resources" / "component-old.yaml"
    stale.write_text("kind: Component\n")
    os.chmod(args["files"][0]["path"], 0o666)
    predicted = run_module("file_set", dict(args, absent=[args["files"][1]["path"]], files=args["files"][:1]), check=True)
    assert predicted["actions"] == [{"path": args["files"][0]["path"], "action": "attributes"},
                                    {"path": args["files"][1]["path"], "action": "remove"},
                                    {"path": str(stale), "action": "remove"}]
    assert stale.exists()
    applied = run_module("file_set", dict(args, absent=[args["files"][1]["path"]], files=args["files"][:1]))
    assert applied["actions"] == predicted["actions"]
    assert not stale.exists() and not os.path.exists(args["files"][1]["path"])
    assert stat.S_IMODE(os.stat(args["files"][0]["path"]).st_mode) == 0o640


def test_a_bad_request_changes_nothing(tmp_path):
    args = request(tmp_path)
    # One good file first, then an owner the host does not have: nothing at all is written.
    args["files"].append({"path": str(tmp_path / "app" / "other"), "content": "x", "owner": "no-such-user",
                          "group": "root", "mode": "0640"})
    result = run_module("file_set", args)
    assert result.failed
    assert result["msg"] == ("Refused, nothing changed: files[3] (%s).owner: no user 'no-such-user' on this host"
                             % args["files"][3]["path"])
    assert tree(tmp_path) == {}
    result = run_module("file_set", dict(request(tmp_path), files=[{"path": "relative", "content": "x", "owner": "root",
                                                                    "group": "root", "mode": "0640"}]))
    assert result.failed and "files[0] (relative).path must be an absolute, normalised path" in result["msg"]
    assert tree(tmp_path) == {}


def test_missing_parents_and_a_linked_directory(tmp_path):
    real = tmp_path / "data"
    real.mkdir(mode=0o750)
    os.symlink(real, tmp_path / "linked")
    args = {"directories": [{"path": str(tmp_path / "linked"), "owner": "root", "group": "root", "mode": "0750"},
                            {"path": str(tmp_path / "a" / "b" / "c"), "owner": "root", "group": "root", "mode": "0755"}],
            "files": [{"path": str(tmp_path / "linked" / "f"), "content": "x\n", "owner": "root", "group": "root",
                       "mode": "0640"}]}
    applied = run_module("file_set", args)
    assert not applied.failed, applied.get("msg")
    assert [a["path"] for a in applied["actions"]] == [str(tmp_path / "a"), str(tmp_path / "a" / "b"),
                                                       str(tmp_path / "a" / "b" / "c"), str(tmp_path / "linked" / "f")]
    assert (real / "f").read_text() == "x\n" and os.path.islink(tmp_path / "linked")
    assert stat.S_IMODE(os.stat(tmp_path / "a" / "b").st_mode) == 0o755
    linked_file = dict(args["files"][0], path=str(tmp_path / "linked-file"))
    os.symlink(real / "f", tmp_path / "linked-file")
    refused = run_module("file_set", {"files": [linked_file]})
    assert refused.failed and "the host has a link there, not a regular file" in refused["msg"]
