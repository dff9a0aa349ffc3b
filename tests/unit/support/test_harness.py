"""Tests for tests/support/harness.py and version_floors.py: what the nox sessions build on."""
import os
import stat
import sys
from pathlib import Path

import pytest

SUPPORT_DIR = Path(__file__).resolve().parents[2] / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

import harness  # noqa: E402
import version_floors  # noqa: E402


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A collection outside git (as an unpacked tarball is), with the caches and outputs a run leaves."""
    root = tmp_path / "repo"
    for name in ("galaxy.yml", "plugins/modules/m.py", "tests/output/junit.xml", "tests/unit/test_m.py",
                 "plugins/modules/__pycache__/m.cpython-311.pyc", ".nox/units/bin/python", "x.pyc",
                 "graphops-neptune-1.0.0.tar.gz", "docs/output/kept.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)
    os.chmod(root / "plugins/modules/m.py", 0o755)
    monkeypatch.setattr(harness, "REPO", root)
    return root


def test_assemble_copies_the_collection_without_caches_or_outputs(repo, tmp_path):
    aws = tmp_path / "aws"
    (aws / "plugins").mkdir(parents=True)
    (aws / "MANIFEST.json").write_text("{}")
    dest = harness.assemble(tmp_path / "work", aws)
    assert dest == tmp_path / "work" / "ansible_collections" / "graphops" / "neptune"
    copied = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert copied == ["docs/output/kept.md", "galaxy.yml", "plugins/modules/m.py", "tests/unit/test_m.py"]
    assert os.stat(dest / "plugins/modules/m.py").st_mode & stat.S_IXUSR  # modes kept
    assert (tmp_path / "work" / "ansible_collections" / "amazon" / "aws" / "MANIFEST.json").read_text() == "{}"


def test_assemble_starts_afresh(repo, tmp_path):
    aws = tmp_path / "aws"
    aws.mkdir()
    dest = harness.assemble(tmp_path / "work", aws)
    (dest / "stale.py").write_text("from an earlier run")
    assert not (harness.assemble(tmp_path / "work", aws) / "stale.py").exists()


def test_show_diff_names_every_difference(tmp_path, capsys):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for tree in (ours, theirs):
        (tree / "sub").mkdir(parents=True)
        (tree / "same.rst").write_text("same\n")
    (ours / "sub" / "changed.rst").write_text("old\n")
    (theirs / "sub" / "changed.rst").write_text("new\n")
    (theirs / "added.rst").write_text("added\n")
    assert not harness.show_diff(ours / "same.rst", theirs / "same.rst")
    assert harness.show_diff(ours, theirs)
    shown = capsys.readouterr().out
    assert "-old\n+new\n" in shown and "+added\n" in shown and "same" not in shown


def test_python_finds_this_interpreter_and_says_how_to_get_a_missing_one(monkeypatch, capsys):
    version = "%d.%d" % sys.version_info[:2]
    monkeypatch.setenv("GRAPHOPS_PYTHON" + version.replace(".", ""), sys.executable)
    assert harness.python(version) == str(Path(sys.executable).resolve())
    monkeypatch.setenv("GRAPHOPS_PYTHON27", sys.executable)  # not a 2.7: refused
    assert harness.python("2.7") == "2.7"
    assert "Python 2.7 is needed" in capsys.readouterr().err


def test_dummy_credentials_differ_each_time():
    first, second = harness.dummy_credentials("t"), harness.dummy_credentials("t")
    assert first["AWS_SECRET_ACCESS_KEY"] != second["AWS_SECRET_ACCESS_KEY"]
    assert first["AWS_ACCESS_KEY_ID"].startswith("t-") and first["AWS_DEFAULT_REGION"] == "us-east-1"


def test_version_floors_compares_with_the_collections_claims(monkeypatch, capsys):
    claims = {"Python": "3.10", "ansible-core": "2.17.0", "amazon.aws": "10.1.0", "boto3": "1.34.0",
              "botocore": "1.34.0"}
    got = {"Python": "3.10.13", "ansible-core": "2.17.14", "amazon.aws": "10.1.0", "boto3": "1.34.0",
           "botocore": "1.34.1"}
    monkeypatch.setattr(version_floors, "floors", lambda collection: claims)
    monkeypatch.setattr(version_floors, "installed", lambda: got)
    monkeypatch.setattr(version_floors, "distributions", lambda: [])
    assert version_floors.main("oldest", "unused", "ansible") == "botocore 1.34.1 is not the stated minimum 1.34.0"
    got["botocore"] = "1.34.0"
    assert version_floors.main("oldest", "unused", "ansible") is None
    assert "ansible-core  2.17.14    (stated minimum: 2.17.0)" in capsys.readouterr().out


def test_version_floors_names_a_package_whose_python_floor_is_not_met(monkeypatch, capsys):
    class Dist:
        def __init__(self, name, requires):
            self.metadata, self.version = {"Name": name, "Requires-Python": requires}, "1.0"

    monkeypatch.setattr(version_floors, "installed", lambda: {"Python": "3.8.18"})
    monkeypatch.setattr(version_floors.platform, "python_version", lambda: "3.8.18")
    monkeypatch.setattr(version_floors, "distributions",
                        lambda: [Dist("ansible-core", ">=3.10"), Dist("moto", ">=3.9"), Dist("six", None)])
    assert version_floors.main("py38", "unused", "ansible-core") == "moto 1.0 requires Python >=3.9, not 3.8.18"
    assert version_floors.main("py38", "unused", "ansible-core", "moto") is None
