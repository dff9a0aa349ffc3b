# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's sessions: `bash tests/run.sh [SESSION...]` installs nox and runs them; `nox -l` lists them.

Each session has a venv of its own (uv makes one in seconds) under ~/.cache/graphops-neptune/nox/<checkout> and works in a
copy of the collection laid out as ansible-test needs (ansible_collections/graphops/neptune); it writes in the
repository only under tests/output (the sessions that regenerate committed files say so). The local AWS stand-in
(moto behind tests/support/aws_proxy.py) runs from nox's own venv, started and stopped by local_aws.py's context
manager. Nothing comes from Ansible Galaxy: amazon.aws is the one the session's `ansible` package carries.
"""

import contextlib
import datetime
import json
import os
import shutil
import sys
from pathlib import Path

import nox
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests" / "support"))
import harness  # noqa: E402  (tests/support)
from local_aws import local_aws  # noqa: E402

REPO = harness.REPO
OUTPUT = harness.OUTPUT
TESTS = "tests/requirements.txt"
PACKAGE_TOOLS = "tests/requirements-package.txt"
LINT_TOOLS = "tests/requirements-lint.txt"
CHARTS = "benchmarks/requirements.txt"
PYTHON = "3.11"  # the interpreter of the current versions (tests/requirements.txt)
MODULE = "graphops.neptune.neptune_cluster_snapshot"

nox.options.default_venv_backend = "uv"
nox.options.download_python = "never"  # only PyPI is reachable: the machine's or pyenv's interpreters
nox.options.envdir = str(harness.CACHE / "nox" / harness.CHECKOUT)  # each checkout its own: runs never collide
nox.options.reuse_venv = "yes"  # the install step still runs every time, so a changed pin is applied
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["units", "sanity", "integration", "package", "ee", "lint", "oldest", "newest", "py38"]

# The version matrix beyond the current versions: each entry runs unit tests and integration targets on its own
# versions. `lock`: a complete pin list, installed by pip without resolving and without the Requires-Python check of
# the packages named (the file says why).
MATRIX = {
    # The floors the collection claims (tests/support/version_floors.py checks them against the claims).
    "oldest": {"python": "3.10", "requirements": "tests/requirements-oldest.txt", "lock": ["ansible"],
               "units": ["tests/unit/plugins"],
               "targets": ["neptune_cluster_snapshot", "neptune_cluster_snapshot_info",
                           "neptune_cluster_snapshot_rotation", "snapshot_rotation_role", "neptune_cluster_restore",
                           "restore_drill_role"]},
    # The newest ansible on PyPI (ansible-core 2.21, the amazon.aws it bundles) on the newest Python it supports.
    "newest": {"python": "3.13", "requirements": "tests/requirements-newest.txt",
               "units": ["tests/unit/plugins"],
               "targets": ["neptune_cluster_snapshot", "neptune_cluster_snapshot_info",
                           "neptune_cluster_snapshot_rotation", "snapshot_rotation_role", "neptune_cluster_restore",
                           "restore_drill_role"]},
    # The modules' lowest Python (tests/config.yml): their unit tests only, as no controller runs there.
    "py38": {"python": "3.8", "requirements": "tests/requirements-py38.txt", "lock": ["ansible", "ansible-core"],
             "units": ["tests/unit/plugins/module_utils", "tests/unit/plugins/modules"], "targets": []},
}


class Steps:
    """Runs a session's independent checks one after another and fails the session at the end, naming each one
    that failed, so that one failure does not hide the others."""

    def __init__(self, session):
        self.session, self.failed = session, []

    def run(self, name, *args, **kwargs):
        try:
            self.session.run(*args, **kwargs)
        except nox.command.CommandFailed:
            self.failed.append(name)

    def fail(self, name, message):
        self.session.warn(message)
        self.failed.append(name)

    def finish(self):
        if self.failed:
            self.session.error("failed: %s" % ", ".join(self.failed))


def install(session, *requirements):
    session.install(*[arg for req in requirements for arg in ("-r", str(REPO / req))])


def scratch(session):
    """A new empty directory of the session's, outside the repository."""
    path = Path(session.create_tmp())
    shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def collection_tree(session, where):
    """The collection assembled in WHERE, with amazon.aws from the session venv's `ansible` package."""
    amazon_aws = session.run("python", "-c", "import ansible_collections.amazon.aws as m; print(m.__path__[0])",
                             silent=True, stderr=None).strip()
    return harness.assemble(where, amazon_aws)


def output(session, *args, **kwargs):
    """A command's standard output (its errors go to the terminal)."""
    return session.run(*args, silent=True, stderr=None, **kwargs)


def unit_tests(steps, collection, paths, junit):
    OUTPUT.mkdir(exist_ok=True)
    with steps.session.chdir(collection):
        steps.run("unit tests", "python", "-m", "pytest", *paths, "-p", "no:cacheprovider", "-ra",
                  "--junitxml=%s" % (OUTPUT / junit), env={"PYTHONPATH": str(collection.parents[2])})


def integration_tests(steps, collection, python, targets, state_dir, report=False):
    """ansible-test integration against the local stand-in, or real AWS when GRAPHOPS_CLOUD_CONFIG names an ini
    (see tests/integration/cloud-config-aws.ini.template). REPORT: the proxy's figures of a run of every target."""
    session = steps.session
    if (Path.home() / ".aws").exists():
        # ansible-test's AWS plugin refuses to run beside real credentials, and they must not be used.
        return steps.fail("integration", "%s exists; ansible-test's AWS plugin will not run with it present: move it "
                          "aside (mv ~/.aws ~/.aws.off) and run again" % (Path.home() / ".aws"))
    ini = collection / "tests" / "integration" / "cloud-config-aws.ini"
    real = os.environ.get("GRAPHOPS_CLOUD_CONFIG")
    if real:
        session.log("using %s instead of the local AWS stand-in" % real)
        shutil.copy(real, ini)
        with session.chdir(collection):
            return steps.run("integration", "ansible-test", "integration", "--local", "--python", python,
                             "--color", "no", *targets)
    with local_aws(state_dir) as endpoints:
        harness.write_cloud_config(ini, endpoints)
        with session.chdir(collection):
            steps.run("integration", "ansible-test", "integration", "--local", "--python", python, "--color", "no",
                      *targets)
        if report:
            reliability_report(steps, endpoints["proxy_url"], publishable=not targets)


def reliability_report(steps, proxy_url, publishable):
    """The proxy's counters (fails on any write in check mode); a full passing run's may go to docs/."""
    report, stamp = OUTPUT / "reliability.md", OUTPUT / "reliability.publishable"
    stamp.unlink(missing_ok=True)
    before = len(steps.failed)
    steps.run("reliability report", "python", "tests/support/reliability_report.py", "--proxy-url", proxy_url,
              "--out", str(report))
    if publishable and len(steps.failed) == before == 0:
        stamp.write_text(harness.sha256(report) + "\n")


@nox.session(python=PYTHON, tags=["suite"])
def units(session):
    """Unit tests (tests/unit): module_utils, the modules on Stubber and moto, the proxy, the harness."""
    install(session, TESTS)
    steps = Steps(session)
    unit_tests(steps, collection_tree(session, scratch(session)), ["tests/unit", *session.posargs], "units-junit.xml")
    steps.finish()


@nox.session(python=PYTHON, tags=["suite"])
def sanity(session):
    """ansible-test sanity --venv; posargs go to it (e.g. --test pylint)."""
    install(session, TESTS)
    collection = collection_tree(session, scratch(session))
    session.install("pip")  # uv makes venvs without it; the seeding downloads the wheel ansible-test pins
    session.run("python", "tests/support/seed_get_pip.py")
    steps = Steps(session)
    with session.chdir(collection):
        steps.run("sanity", "ansible-test", "sanity", "--venv", "--python", PYTHON, "--color", "no", *session.posargs)
    harness.save_output(collection)
    steps.finish()


@nox.session(python=PYTHON, tags=["suite"])
def integration(session):
    """ansible-test integration on the local AWS stand-in; posargs name targets (all of them by default)."""
    install(session, TESTS)
    where = scratch(session)
    collection = collection_tree(session, where)
    steps = Steps(session)
    integration_tests(steps, collection, PYTHON, session.posargs, where / "aws", report=True)
    harness.save_output(collection)
    steps.finish()


def matrix_session(name, entry):
    def run(session):
        if entry.get("lock"):
            session.install("--no-deps", "--ignore-requires-python", "-r", str(REPO / entry["requirements"]))
        else:
            install(session, entry["requirements"])
        where = scratch(session)
        collection = collection_tree(session, where)
        steps = Steps(session)
        steps.run("versions", "python", "tests/support/version_floors.py", name, str(collection),
                  *entry.get("lock", []))
        # Tests a lock cannot run (its file names each, with the reason): `# deselect: NODEID` lines.
        deselect = ["--deselect=" + line.split(":", 1)[1].strip()
                    for line in (REPO / entry["requirements"]).read_text().splitlines()
                    if line.startswith("# deselect:")]
        unit_tests(steps, collection, entry["units"] + deselect, "%s-units-junit.xml" % name)
        if entry["targets"]:
            integration_tests(steps, collection, entry["python"], entry["targets"] + session.posargs, where / "aws")
        harness.save_output(collection, name)
        steps.finish()

    run.__doc__ = "%s on Python %s (%s)." % (
        "Unit tests and the targets " + ", ".join(entry["targets"]) if entry["targets"] else "Unit tests of "
        + " and ".join(entry["units"]), entry["python"], entry["requirements"])
    return nox.session(name=name, python=harness.python(entry["python"]), tags=["matrix", "beside"],
                       venv_backend="venv" if entry.get("lock") else None)(run)


for _name, _entry in MATRIX.items():
    globals()[_name] = matrix_session(_name, _entry)


def build_tarball(session, dest):
    """`ansible-galaxy collection build` of the repository (galaxy.yml's build_ignore applies) into DEST."""
    version = yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]
    session.run("ansible-galaxy", "collection", "build", str(REPO), "--output-path", str(dest), "--force")
    return dest / ("graphops-neptune-%s.tar.gz" % version)


@contextlib.contextmanager
def smoke_stand_in(session, state_dir):
    """The stand-in with the smoke playbook's cluster; yields its URL and throwaway credentials (moto takes any)."""
    credentials = harness.dummy_credentials("smoke")
    with local_aws(state_dir) as endpoints:
        session.run("python", str(REPO / "demo" / "create_cluster.py"), endpoints["proxy_url"], "graph-smoke",
                    env=credentials)
        yield endpoints["proxy_url"], credentials


def release_notes(session, root):
    """antsibull-changelog in ROOT (a collection root): every fragment folded into galaxy.yml's version; the
    release date is kept once set, so a re-run changes only what the fragments or the modules changed."""
    version = yaml.safe_load((root / "galaxy.yml").read_text())["version"]
    changelog = root / "changelogs" / "changelog.yaml"
    releases = (yaml.safe_load(changelog.read_text()) or {}).get("releases") or {} if changelog.exists() else {}
    date = releases.get(version, {}).get("release_date") or datetime.date.today().isoformat()
    with session.chdir(root):
        session.run("antsibull-changelog", "lint")
        # ansible-doc (of the session venv) lists the modules for the "New Modules" section. Twice: a first run
        # adds a new fragment's trivial entries to the fragment list only, the second refreshes them in.
        for _run in range(2):
            session.run("antsibull-changelog", "release", "--version", version, "--date", date, "--update-existing",
                        "--refresh-fragments", "without-archives", "--reload-plugins", "--ansible-doc-bin",
                        shutil.which("ansible-doc", path=session.bin))
        session.run("antsibull-changelog", "lint-changelog-yaml", "changelogs/changelog.yaml")


@nox.session(python=PYTHON, tags=["suite"])
def package(session):
    """The collection as users get it: release notes current, the tarball's content, ansible-galaxy install and
    verify, ansible-doc, and the smoke playbook from the installed copy."""
    install(session, TESTS, PACKAGE_TOOLS)
    where = scratch(session)
    session.log("release notes")
    copy = harness.copy_paths(where / "release-notes", "galaxy.yml", "plugins", "meta", "changelogs/config.yaml",
                              "changelogs/fragments", "changelogs/changelog.yaml", "CHANGELOG.rst")
    release_notes(session, copy)
    stale = [name for name in ("changelogs/changelog.yaml", "CHANGELOG.rst")
             if harness.show_diff(REPO / name, copy / name)]
    if stale:
        session.error("release notes are stale (%s, diff above): run  nox -s release_notes  and commit" % ", ".join(stale))

    session.log("build")
    tarball = build_tarball(session, where / "dist")
    session.run("python", "tests/support/check_tarball.py", str(tarball), "--galaxy", "galaxy.yml",
                "--cloud-template", str(harness.CLOUD_TEMPLATE))

    session.log("install: the README's requirements.yml, less amazon.aws (from the venv, not Galaxy)")
    installed = where / "collections"
    env = {"ANSIBLE_COLLECTIONS_PATH": str(installed)}
    (where / "dist" / "requirements.yml").write_text(
        "---\ncollections:\n  - name: ./%s\n    type: file\n" % tarball.name)
    # From the scratch directory: no playbook-adjacent collection can stand in for the installed one.
    with session.chdir(where / "dist"):
        session.run("ansible-galaxy", "collection", "install", "-r", "requirements.yml", "--no-deps",
                    "-p", str(installed), env=env)
        session.run("ansible-galaxy", "collection", "verify", "--offline", "graphops.neptune", env=env)
        found = json.loads(output(session, "ansible-doc", "--json", MODULE, env=env))[MODULE]["doc"]["filename"]
    if not found.startswith(str(installed / "ansible_collections" / "graphops" / "neptune") + os.sep):
        session.error("ansible-doc found the module at %s, not in the installed copy under %s" % (found, installed))
    session.log("ansible-doc finds the installed copy: %s" % found)

    session.log("smoke playbook from the installed copy")
    with smoke_stand_in(session, where / "aws") as (endpoint, credentials), session.chdir(where):
        session.run("ansible-playbook", str(installed / "ansible_collections/graphops/neptune/tests/smoke/playbook.yml"),
                    "-e", "endpoint_url=%s" % endpoint,
                    env=dict(env, ANSIBLE_PYTHON_INTERPRETER=shutil.which("python", path=session.bin),
                             ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
                             **credentials))


@nox.session(python=PYTHON, tags=["suite"])
def ee(session):
    """AWX's tools without an image build (no registry here): ansible-builder create on the example execution
    environment, its galaxy and introspection steps on this machine, and an ansible-runner job of the smoke playbook."""
    install(session, TESTS, PACKAGE_TOOLS)
    where = scratch(session)
    ee_file = REPO / "examples" / "execution-environment" / "execution-environment.yml"
    context = where / "ee"
    context.mkdir()
    shutil.copy(ee_file, context)
    tarball = build_tarball(session, context)
    if "- src: %s\n" % tarball.name not in ee_file.read_text():
        session.error("%s does not copy %s (galaxy.yml's version) into the build context" % (ee_file, tarball.name))
    session.run("ansible-builder", "create", "-f", str(context / ee_file.name), "--context", str(context / "context"),
                "-v", "2")
    build = context / "context" / "_build"
    if (build / "collections" / tarball.name).read_bytes() != tarball.read_bytes():
        session.error("the build context's %s is not the built tarball" % tarball.name)
    # Its name follows the container runtime ansible-builder found (podman: Containerfile, docker: Dockerfile).
    containerfile = next((context / "context").glob("[CD]*file"))
    if "ansible-galaxy collection install" not in containerfile.read_text():
        session.error("%s runs no ansible-galaxy collection install" % containerfile)

    session.log("the image's galaxy and introspection steps, on this machine")
    collections = context / "usr-share-ansible" / "collections"
    with session.chdir(build):
        # --no-deps: amazon.aws would come from Galaxy in the image build; here the venv's ansible provides it.
        session.run("ansible-galaxy", "collection", "install", "-r", "requirements.yml", "--no-deps",
                    "-p", str(collections))
    pip_requirements = context / "python-requirements.txt"
    session.run("python", str(build / "scripts" / "introspect.py"), "introspect", str(collections),
                "--write-pip", str(pip_requirements))
    introspected = pip_requirements.read_text().splitlines()
    missing = [line for line in harness.requirement_lines(REPO / "requirements.txt")
               if "%s  # from collection graphops.neptune" % line not in introspected]
    if missing:
        session.error("the EE's Python requirements lack %s (requirements.txt)" % ", ".join(missing))

    session.log("ansible-runner job")
    with smoke_stand_in(session, where / "aws") as (endpoint, credentials):
        session.run("python", "tests/support/runner_smoke.py", "--private-data-dir", str(where / "runner"),
                    "--playbook", str(collections / "ansible_collections/graphops/neptune/tests/smoke/playbook.yml"),
                    "--collections", str(collections), "--endpoint-url", endpoint,
                    "--python", shutil.which("python", path=session.bin), env=credentials)


def module_docs(session, dest):
    """docs/modules/ as antsibull-docs makes it: simplified RST (renders on Git forges), without the tool's version,
    so that a tool upgrade alone does not make it stale."""
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    session.run("antsibull-docs", "collection", "--use-current", "--squash-hierarchy", "--output-format",
                "simplified-rst", "--no-add-antsibull-docs-version", "--fail-on-error", "--dest-dir", str(dest),
                "graphops.neptune", silent=True)


def lint_setup(session):
    install(session, LINT_TOOLS)
    where = scratch(session)
    # amazon.aws from the tests' `ansible` package, installed aside: in the venv, its hundred collections would all
    # be read by antsibull-docs' reference checks.
    package = [line for line in harness.requirement_lines(REPO / TESTS) if line.startswith("ansible==")]
    session.install("--no-deps", "--target", str(where / "ansible-package"), *package)
    collection = harness.assemble(where, where / "ansible-package" / "ansible_collections" / "amazon" / "aws")
    session.env.update(ANSIBLE_COLLECTIONS_PATH=str(where), ANSIBLE_NOCOLOR="1", NO_COLOR="1")
    return where, collection


@nox.session(python=PYTHON, tags=["suite"])
def lint(session):
    """ansible-lint --profile production (the repository, and the modules' EXAMPLES as playbooks), antsibull-docs
    and antsibull-changelog lint, and docs/modules/ up to date."""
    where, collection = lint_setup(session)
    steps = Steps(session)
    steps.run("ansible-lint", "ansible-lint", "--offline", "--profile", "production", "--nocolor")
    examples = where / "module_examples"
    before = len(steps.failed)
    # Writes each module's EXAMPLES as a playbook; fails on an option an example passes that the module lacks.
    steps.run("examples-options", "python", "tests/support/module_examples.py", str(collection), str(examples),
              silent=True)
    if len(steps.failed) == before:
        with session.chdir(examples):
            steps.run("examples-lint", "ansible-lint", "--offline", "--profile", "production", "--nocolor",
                      "-c", str(REPO / ".ansible-lint"), *sorted(p.name for p in examples.glob("*.yml")))
    steps.run("antsibull-docs-lint", "antsibull-docs", "lint-collection-docs", "--plugin-docs",
              "--validate-collection-refs", "all", "--disallow-unknown-collection-refs", str(collection))
    steps.run("changelog-lint", "antsibull-changelog", "lint")
    module_docs(session, where / "module_docs")
    if harness.show_diff(REPO / "docs" / "modules", where / "module_docs"):
        steps.fail("module-docs", "docs/modules/ is stale: run  nox -s module_docs  and commit it")
    steps.finish()


@nox.session(name="module_docs", python=PYTHON)
def write_module_docs(session):
    """Rewrites docs/modules/ from the modules' documentation (commit the result)."""
    where = lint_setup(session)[0]
    module_docs(session, where / "module_docs")  # first aside: a failure leaves docs/modules/ as it was
    shutil.rmtree(REPO / "docs" / "modules")
    shutil.copytree(where / "module_docs", REPO / "docs" / "modules")


@nox.session(name="release_notes", python=PYTHON)
def write_release_notes(session):
    """Folds changelogs/fragments/ into galaxy.yml's release: rewrites changelogs/changelog.yaml and CHANGELOG.rst
    (commit them; the package session fails while they are stale)."""
    install(session, TESTS, PACKAGE_TOOLS)
    release_notes(session, REPO)


@nox.session(name="publish_reliability", venv_backend="none")
def publish_reliability(session):
    """Copies the reliability figures of the last full, passing integration run to docs/reliability.md."""
    report, stamp = OUTPUT / "reliability.md", OUTPUT / "reliability.publishable"
    if not (report.exists() and stamp.exists()):
        session.error("no publishable figures: run a full, passing  nox -s integration  first")
    if harness.sha256(report) != stamp.read_text().strip():
        session.error("%s changed since the run that wrote it; run the integration session again" % report)
    shutil.copy(report, REPO / "docs" / "reliability.md")
    session.log("docs/reliability.md updated from %s; review and commit it" % report)


@nox.session(python=PYTHON)
def demo(session):
    """The demo: a Neptune cluster on the local stand-in, the demo playbook, an ad-hoc command, the module's calls."""
    install(session, TESTS)
    where = scratch(session)
    collection_tree(session, where)
    session.env.update(ANSIBLE_COLLECTIONS_PATH=str(where), ANSIBLE_LOCALHOST_WARNING="false",
                       ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
                       ANSIBLE_PYTHON_INTERPRETER=shutil.which("python", path=session.bin))
    session.env.update(harness.dummy_credentials("demo"))
    with local_aws(where / "aws") as endpoints:
        endpoint = endpoints["proxy_url"]
        print("Local AWS stand-in (moto) answering at %s" % endpoint)
        session.run("python", "demo/create_cluster.py", endpoint, "graph-demo")
        harness.proxy_request(endpoint, "/_proxy/calls/clear", method="POST")  # the list below: the module's calls
        print("\n=== Demo playbook ===")
        session.run("ansible-playbook", "demo/playbook.yml", "-e", "endpoint_url=%s" % endpoint)
        print("\n=== Ad-hoc: ansible localhost -m %s ===" % MODULE)
        session.run("ansible", "localhost", "-m", MODULE, "-a",
                    "id=graph-demo-nightly cluster_id=graph-demo endpoint_url=%s" % endpoint)
        print("\nAPI calls the module made, as the local endpoint recorded them:")
        for action, count in harness.calls_by_action(endpoint):
            print("  %3d  %s" % (count, action))


BENCH_DEFAULTS = {"BENCH_RUNS": "5", "BENCH_WAIT_RUNS": "5", "BENCH_LATENCY_MS": "30", "BENCH_INFO_COUNTS": "100,1000",
                  "BENCH_POOL_RUNS": "3", "BENCH_SEQUENTIAL_RUNS": "1", "BENCH_ROTATION_SIZES": "10,40,160",
                  "BENCH_ROTATION_LARGE_RUNS": "2", "BENCH_RESTORE_RUNS": "3", "BENCH_RESTORE_CLUSTER_SECONDS": "30",
                  "BENCH_RESTORE_INSTANCE_SECONDS": "30", "BENCH_ONLY": ""}
BENCH_QUICK = {"BENCH_RUNS": "1", "BENCH_WAIT_RUNS": "1", "BENCH_INFO_COUNTS": "100", "BENCH_POOL_RUNS": "1",
               "BENCH_ROTATION_SIZES": "10", "BENCH_RESTORE_RUNS": "1",
               "BENCH_ONLY": "create,rerun,delete,copy,create-wait-3,fleet,info-100,info-100-no-tags,pool,startup,rotation,"
                             "restore"}


@nox.session(python=PYTHON)
def benchmark(session):
    """The benchmark against amazon.aws (not part of the tests); knobs: the BENCH_* variables (README)."""
    install(session, TESTS, CHARTS)
    knobs = dict(BENCH_DEFAULTS, **(BENCH_QUICK if os.environ.get("BENCH_QUICK") == "1" else {}))
    knobs.update({key: os.environ[key] for key in BENCH_DEFAULTS if key in os.environ})
    runs = knobs["BENCH_RUNS"]
    full = not knobs["BENCH_ONLY"] and int(runs) >= 5 and os.environ.get("BENCH_QUICK") != "1"
    # A quick, partial or short run writes its report under tests/output unless BENCH_OUTPUT says otherwise.
    report_dir = Path(os.environ.get("BENCH_OUTPUT") or (REPO / "docs" if full else OUTPUT / "benchmarks"))
    results = OUTPUT / "benchmarks" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    session.run("python", "benchmarks/bench.py", "--out", str(results), "--work-dir", str(scratch(session)),
                "--runs", runs, "--wait-runs", knobs["BENCH_WAIT_RUNS"], "--latency-ms", knobs["BENCH_LATENCY_MS"],
                "--info-counts", knobs["BENCH_INFO_COUNTS"], "--pool-runs", knobs["BENCH_POOL_RUNS"],
                "--sequential-runs", knobs["BENCH_SEQUENTIAL_RUNS"], "--rotation-sizes", knobs["BENCH_ROTATION_SIZES"],
                "--rotation-runs", os.environ.get("BENCH_ROTATION_RUNS", runs),
                "--rotation-large-runs", knobs["BENCH_ROTATION_LARGE_RUNS"], "--restore-runs", knobs["BENCH_RESTORE_RUNS"],
                "--restore-cluster-seconds", knobs["BENCH_RESTORE_CLUSTER_SECONDS"],
                "--restore-instance-seconds", knobs["BENCH_RESTORE_INSTANCE_SECONDS"], "--only", knobs["BENCH_ONLY"])
    before = ["--before", os.environ["BENCH_STARTUP_BEFORE"]] if os.environ.get("BENCH_STARTUP_BEFORE") else []
    session.run("python", "benchmarks/report.py", str(results), "--doc", str(report_dir / "performance.md"),
                "--images", str(report_dir / "images"), *before)
