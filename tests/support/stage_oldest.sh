#!/usr/bin/env bash
# The oldest stage (bash tests/run.sh oldest): the collection's unit tests (tests/unit/plugins) and
# the integration targets below on the oldest versions the collection claims, from
# tests/requirements-oldest.txt (ansible-core 2.17, boto3/botocore 1.34.0, amazon.aws 10.1.0), on a
# Python 3.10 controller (ansible-core 2.17's lowest), in a venv of their own. It first checks that
# those are the floors meta/runtime.yml, requirements.txt, galaxy.yml and ansible-core state, so a
# claim and this stage cannot drift apart. The local AWS stand-in (moto behind the proxy) runs from
# the test venv (3.11), as in the integration stage: only the client is old.
#   bash tests/support/stage_oldest.sh [WORKDIR]   # WORKDIR: scratch space (default: a temp dir)
# Python 3.10 is looked for as python3.10 on PATH, then in pyenv's versions directory
# ($PYENV_ROOT or ~/.pyenv, then `pyenv root`); GRAPHOPS_OLDEST_PYTHON names it instead
# (GRAPHOPS_PYTHON, the other venvs' interpreter, is not read here).
# INTEGRATION_ARGS is not read: the stage runs the targets below; OLDEST_INTEGRATION_ARGS adds
# arguments (e.g. -vvv).
set -euo pipefail

# The integration targets run on the oldest versions, one a line.
OLDEST_TARGETS=(
    neptune_cluster_snapshot
    snapshot_rotation_role
    neptune_cluster_snapshot_rotation
)
# The controller Python: ansible-core 2.17's lowest (checked below against its Requires-Python).
OLDEST_PYTHON_VERSION=3.10

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
OWN_WORKDIR=""
if [[ -n "${1:-}" ]]; then
    WORKDIR="$1/oldest"; rm -rf "$WORKDIR"; mkdir -p "$WORKDIR"
else
    WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/graphops-oldest.XXXXXX")"; OWN_WORKDIR=1
fi
AWS_STATE="$WORKDIR/local_aws"
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    if [[ -d "$AWS_STATE" ]]; then
        "$AWS_PY" tests/support/local_aws.py stop --state-dir "$AWS_STATE" >/dev/null 2>&1 || true
    fi
    [[ -z "$OWN_WORKDIR" ]] || rm -rf "$WORKDIR"
}
trap cleanup EXIT

# find_oldest_python: prints a python$OLDEST_PYTHON_VERSION that runs and has its venv module: the
# first of GRAPHOPS_OLDEST_PYTHON, or of python3.10 on PATH (pyenv's shim fails when 3.10 is not
# selected: then the next), pyenv's versions directory and `pyenv root`'s.
find_oldest_python() {
    local v="$OLDEST_PYTHON_VERSION" root cand candidates=()
    if [[ -n "${GRAPHOPS_OLDEST_PYTHON:-}" ]]; then
        candidates=("$GRAPHOPS_OLDEST_PYTHON")
    else
        cand="$(command -v "python$v" || true)"
        [[ -z "$cand" ]] || candidates+=("$cand")
        for root in "${PYENV_ROOT:-$HOME/.pyenv}" "$(pyenv root 2>/dev/null || true)"; do
            [[ -n "$root" ]] || continue
            # Newest patch release first; an unmatched pattern stays as is and fails below.
            mapfile -t -O "${#candidates[@]}" candidates < <(printf '%s\n' "$root/versions/$v".*/bin/"python$v" | sort -rV)
        done
    fi
    for cand in "${candidates[@]}"; do
        if "$cand" -c "import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != tuple(map(int, '$v'.split('.'))))" \
            >/dev/null 2>&1; then
            echo "$cand"; return 0
        fi
    done
    {
        echo "ERROR: the oldest stage needs Python $v (ansible-core 2.17's lowest controller Python) with its venv module."
        if [[ -n "${GRAPHOPS_OLDEST_PYTHON:-}" ]]; then
            echo "       GRAPHOPS_OLDEST_PYTHON=$GRAPHOPS_OLDEST_PYTHON is not one."
        else
            echo "       Looked for python$v on PATH and in pyenv's versions (${PYENV_ROOT:-$HOME/.pyenv}/versions, \`pyenv root\`/versions)."
        fi
        echo "       Install it with pyenv: pyenv install $v (see https://github.com/pyenv/pyenv#installation),"
        echo "       or from your distribution (Ubuntu 22.04: apt-get install python$v python$v-venv),"
        echo "       or set GRAPHOPS_OLDEST_PYTHON to the path of a python$v."
    } >&2
    return 1
}

# shellcheck disable=SC1091  # sourced files are checked on their own
source tests/support/venv.sh
AWS_PY="$(command -v python)"  # the test venv's (3.11)
OLD_PY="$(find_oldest_python)"
echo "--- Python $OLDEST_PYTHON_VERSION for the oldest venv: $OLD_PY"
# A complete lock: the `ansible` package that carries amazon.aws asks for a newer ansible-core and
# for Python 3.11 (see tests/requirements-oldest.txt; the check below holds the rest to 3.10).
OLD_VENV="$(graphops_tools_venv --python "$OLD_PY" tests/requirements-oldest.txt \
    'import ansible_collections.amazon.aws, ansible_test, boto3, moto, pytest' --no-deps --ignore-requires-python)"
export VIRTUAL_ENV="$OLD_VENV" PATH="$OLD_VENV/bin:$PATH"
hash -r
# shellcheck disable=SC1091
source tests/support/assemble.sh
COLL="$(assemble_collection "$WORKDIR")"  # amazon.aws from this venv's ansible package

echo "--- versions under test, against the collection's stated minimums"
python - "$COLL" <<'EOF'
import json, platform, re, sys
from importlib.metadata import distributions, metadata, version
import yaml
from packaging.specifiers import SpecifierSet

coll = sys.argv[1]
aws = json.load(open(f"{coll}/../../amazon/aws/MANIFEST.json"))["collection_info"]["version"]
floor = lambda text: re.search(r">=\s*([0-9.]+)", text).group(1)
runtime = yaml.safe_load(open(f"{coll}/meta/runtime.yml"))["requires_ansible"]
galaxy = yaml.safe_load(open(f"{coll}/galaxy.yml"))["dependencies"]["amazon.aws"]
python_reqs = dict(re.findall(r"^(boto3|botocore)\s*>=\s*([0-9.]+)", open(f"{coll}/requirements.txt").read(), re.M))
# The lowest controller Python of the claimed ansible-core, from its own metadata (2.17: >=3.10).
python_floor = floor(metadata("ansible-core")["Requires-Python"])
minor = lambda got, want: got.split(".")[:2] == want.split(".")[:2]
# Python and ansible-core: the claimed minor release (ansible-core: its newest patch); the others: exactly the minimum.
checks = [
    ("Python", platform.python_version(), python_floor, minor),
    ("ansible-core", version("ansible-core"), floor(runtime), minor),
    ("amazon.aws", aws, floor(galaxy), str.__eq__),
    ("boto3", version("boto3"), python_reqs["boto3"], str.__eq__),
    ("botocore", version("botocore"), python_reqs["botocore"], str.__eq__),
]
bad = [f"{name} {got} is not the stated minimum {want}" for name, got, want, same in checks if not same(got, want)]
# The lock is installed with --ignore-requires-python for `ansible` alone (collections, read by 2.17).
here = platform.python_version()
bad += [f"{d.metadata['Name']} {d.version} requires Python {d.metadata['Requires-Python']}, not {here}"
        for d in distributions()
        if d.metadata["Name"].lower() != "ansible" and d.metadata["Requires-Python"]
        and not SpecifierSet(d.metadata["Requires-Python"]).contains(here)]
for name, got, want, _ in checks:
    print(f"{name:13} {got:10} (stated minimum: {want})")
sys.exit("\n".join(bad) or None)
EOF

rc=0
echo "--- unit tests (tests/unit/plugins)"
(cd "$COLL" && PYTHONPATH="$WORKDIR" python -m pytest tests/unit/plugins -p no:cacheprovider -q \
    --junitxml="$REPO/tests/output/oldest-units-junit.xml") || rc=1

echo "--- integration targets: ${OLDEST_TARGETS[*]}"
if [[ -e "$HOME/.aws" ]]; then
    echo "ERROR: $HOME/.aws exists; ansible-test's AWS plugin will not run with it present." >&2
    exit 1
fi
"$AWS_PY" tests/support/local_aws.py start --state-dir "$AWS_STATE"
urls="$(python -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["proxy_url"], d["moto_url"])' \
    "$AWS_STATE/local_aws.json")"
read -r proxy_url moto_url <<< "$urls"
sed -e "s|@AWS_ENDPOINT_URL@|$proxy_url|; s|@MOTO_URL@|$moto_url|" \
    tests/integration/cloud-config-aws.ini.template > "$COLL/tests/integration/cloud-config-aws.ini"
extra=(); read -ra extra <<< "${OLDEST_INTEGRATION_ARGS:-}"
# --local --python 3.10: the oldest venv's python3.10, first on PATH.
(cd "$COLL" && ansible-test integration --local --python "$OLDEST_PYTHON_VERSION" --color no \
    "${OLDEST_TARGETS[@]}" "${extra[@]}") || rc=1
mkdir -p "$REPO/tests/output/oldest"
cp -a "$COLL/tests/output/." "$REPO/tests/output/oldest/" 2>/dev/null || true
exit "$rc"
