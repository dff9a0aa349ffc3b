"""What the nox sessions (noxfile.py) share: the repository's paths, interpreters, the tree ansible-test needs.

Runs in nox's own process (the runner venv of tests/run.sh), never in a session's venv.
"""
import collections
import difflib
import filecmp
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "tests" / "output"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "graphops-neptune"
# Names this checkout's venvs and scratch space, so that runs from two clones or worktrees never share them.
CHECKOUT = "%s-%s" % (REPO.name, hashlib.sha256(str(REPO).encode()).hexdigest()[:8])
CLOUD_TEMPLATE = REPO / "tests" / "integration" / "cloud-config-aws.ini.template"
# What `find` skips outside a git checkout (an unpacked release tarball): caches, outputs, venvs, tarballs.
UNTRACKED = ("__pycache__", ".pytest_cache", ".venv", ".git", ".nox", "*.pyc", "graphops-neptune-*.tar.gz")


def python(version):
    """An interpreter of `version` that runs, as an absolute path: pyenv's shims fail for a version not selected.

    GRAPHOPS_PYTHON<version without dots> (e.g. GRAPHOPS_PYTHON310) names one; else python<version> on PATH,
    else pyenv's versions directory. Falls back to the bare version, so nox reports it missing.
    """
    named = os.environ.get("GRAPHOPS_PYTHON" + version.replace(".", ""))
    candidates = [named] if named else [shutil.which("python" + version)] + sorted(
        glob.glob(os.path.join(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv", "versions", version + ".*",
                               "bin", "python" + version)), reverse=True)
    for candidate in filter(None, candidates):
        probe = "import sys, venv; sys.exit(sys.version_info[:2] != (%s))" % version.replace(".", ", ")
        if subprocess.run([candidate, "-c", probe], capture_output=True, check=False).returncode == 0:
            return str(Path(candidate).resolve())
    print("nox: Python %s is needed by some sessions and was not found (%s). Install it with pyenv (pyenv install %s)"
          " or your distribution, or set GRAPHOPS_PYTHON%s to its path." % (
              version, "GRAPHOPS_PYTHON%s=%s" % (version.replace(".", ""), named) if named else
              "looked on PATH and in pyenv's versions", version, version.replace(".", "")), file=sys.stderr)
    return version


def _collection_files():
    """The files a build would consider: tracked plus untracked-but-not-ignored in a git checkout, else a walk."""
    top = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                         check=False)
    if top.returncode == 0 and Path(top.stdout.strip()).resolve() == REPO:
        listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                                check=True, capture_output=True).stdout.decode().split("\0")
        return sorted({name for name in listed if name and os.path.lexists(REPO / name)})
    ignored = shutil.ignore_patterns(*UNTRACKED)
    found = []
    for root, dirs, files in os.walk(REPO):
        rel = Path(root).relative_to(REPO)
        skip = ignored(root, dirs + files) | ({"output"} if rel == Path("tests") else set())
        dirs[:] = [d for d in dirs if d not in skip]
        found += [str(rel / name) for name in files if name not in skip]
    return sorted(found)


def assemble(workdir, amazon_aws):
    """Copies the collection to WORKDIR/ansible_collections/graphops/neptune (ansible-test works only in such a
    tree) and amazon.aws from AMAZON_AWS beside it; returns the collection's path."""
    root = Path(workdir) / "ansible_collections"
    shutil.rmtree(root, ignore_errors=True)
    dest = root / "graphops" / "neptune"
    for name in _collection_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target, follow_symlinks=False)
    shutil.copytree(amazon_aws, root / "amazon" / "aws", symlinks=True)
    return dest


def write_cloud_config(dest, endpoints):
    """ansible-test's AWS cloud config for the local stand-in, from the template (real AWS: GRAPHOPS_CLOUD_CONFIG)."""
    text = CLOUD_TEMPLATE.read_text().replace("@AWS_ENDPOINT_URL@", endpoints["proxy_url"])
    for region, url in endpoints["region_urls"].items():  # @AWS_ENDPOINT_URL_US_WEST_2@: us-west-2's own endpoint
        text = text.replace("@AWS_ENDPOINT_URL_%s@" % region.upper().replace("-", "_"), url)
    text = text.replace("@NEPTUNEDATA_URL@", endpoints["neptunedata_url"])
    Path(dest).write_text(text.replace("@MOTO_URL@", endpoints["moto_url"]))


def dummy_credentials(tag):
    """Throwaway AWS credentials for a run against the stand-in (moto accepts any), random so no log can hold
    a fixed one."""
    return {"AWS_ACCESS_KEY_ID": "%s-%s" % (tag, os.urandom(6).hex()),
            "AWS_SECRET_ACCESS_KEY": "%s-%s" % (tag, os.urandom(12).hex()), "AWS_DEFAULT_REGION": "us-east-1"}


def save_output(collection, subdir=""):
    """Copies ansible-test's results (junit, ...) from the assembled tree to tests/output, for CI to keep."""
    source = Path(collection) / "tests" / "output"
    if source.is_dir():
        shutil.copytree(source, OUTPUT / subdir, dirs_exist_ok=True)


def copy_paths(dest, *names):
    """Copies these files and directories of the repository (those that exist) to DEST; returns DEST."""
    for name in names:
        source, target = REPO / name, Path(dest) / name
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)
    return Path(dest)


def show_diff(expected, actual):
    """Prints how ACTUAL (a file or directory) differs from EXPECTED, as a unified diff; True when it does."""
    expected, actual = Path(expected), Path(actual)
    if expected.is_dir() or actual.is_dir():
        names = sorted({str(p.relative_to(expected)) for p in expected.rglob("*") if p.is_file()}
                       | {str(p.relative_to(actual)) for p in actual.rglob("*") if p.is_file()})
        differing = [name for name in names if show_diff(expected / name, actual / name)]  # shows every diff
        return bool(differing)
    if expected.exists() and actual.exists() and filecmp.cmp(expected, actual, shallow=False):
        return False
    lines = [p.read_text().splitlines(keepends=True) if p.exists() else [] for p in (expected, actual)]
    sys.stdout.writelines(difflib.unified_diff(*lines, str(expected), str(actual)))
    return True


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def requirement_lines(path):
    return [line.strip() for line in Path(path).read_text().splitlines() if line.strip() and not line.startswith("#")]


def proxy_request(endpoint, path, method="GET"):
    with urllib.request.urlopen(urllib.request.Request(endpoint + path, method=method)) as answer:
        return json.load(answer)


def calls_by_action(endpoint):
    """The calls the stand-in's proxy recorded, counted by action, most first."""
    calls = proxy_request(endpoint, "/_proxy/calls")["calls"]
    return collections.Counter(call["action"] for call in calls).most_common()
