#!/usr/bin/env bash
# The oldest stage (bash tests/run.sh oldest): the collection's unit tests (tests/unit/plugins) and
# the neptune_cluster_snapshot integration target on the oldest versions the collection claims, from
# tests/requirements-oldest.txt (ansible-core 2.17, boto3/botocore 1.34.0, amazon.aws 10.1.0) in a
# venv of their own. It first checks that those are the floors meta/runtime.yml, requirements.txt
# and galaxy.yml state, so a claim and this stage cannot drift apart. The local AWS stand-in (moto
# behind the proxy) runs from the test venv, as in the integration stage: only the client is old.
#   bash tests/support/stage_oldest.sh [WORKDIR]   # WORKDIR: scratch space (default: a temp dir)
# INTEGRATION_ARGS is not read: the stage runs one target; OLDEST_INTEGRATION_ARGS adds arguments
# (e.g. -vvv).
set -euo pipefail

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

# shellcheck disable=SC1091  # sourced files are checked on their own
source tests/support/venv.sh
AWS_PY="$(command -v python)"  # the test venv's
# A complete lock: the `ansible` package that carries amazon.aws asks for a newer ansible-core.
OLD_VENV="$(graphops_tools_venv tests/requirements-oldest.txt \
    'import ansible_collections.amazon.aws, ansible_test, boto3, moto, pytest' --no-deps)"
export VIRTUAL_ENV="$OLD_VENV" PATH="$OLD_VENV/bin:$PATH"
hash -r
# shellcheck disable=SC1091
source tests/support/assemble.sh
COLL="$(assemble_collection "$WORKDIR")"  # amazon.aws from this venv's ansible package

echo "--- versions under test, against the collection's stated minimums"
python - "$COLL" <<'EOF'
import json, re, sys
from importlib.metadata import version
import yaml

coll = sys.argv[1]
aws = json.load(open(f"{coll}/../../amazon/aws/MANIFEST.json"))["collection_info"]["version"]
floor = lambda text: re.search(r">=\s*([0-9.]+)", text).group(1)
runtime = yaml.safe_load(open(f"{coll}/meta/runtime.yml"))["requires_ansible"]
galaxy = yaml.safe_load(open(f"{coll}/galaxy.yml"))["dependencies"]["amazon.aws"]
python_reqs = dict(re.findall(r"^(boto3|botocore)\s*>=\s*([0-9.]+)", open(f"{coll}/requirements.txt").read(), re.M))
# ansible-core: the claimed minor release (its newest patch); the others: exactly the minimum.
checks = [
    ("ansible-core", version("ansible-core"), floor(runtime), lambda got, want: got.split(".")[:2] == want.split(".")[:2]),
    ("amazon.aws", aws, floor(galaxy), str.__eq__),
    ("boto3", version("boto3"), python_reqs["boto3"], str.__eq__),
    ("botocore", version("botocore"), python_reqs["botocore"], str.__eq__),
]
bad = [f"{name} {got} is not the stated minimum {want}" for name, got, want, same in checks if not same(got, want)]
for name, got, want, _ in checks:
    print(f"{name:13} {got:10} (stated minimum: {want})")
sys.exit("\n".join(bad) or None)
EOF

rc=0
echo "--- unit tests (tests/unit/plugins)"
(cd "$COLL" && PYTHONPATH="$WORKDIR" python -m pytest tests/unit/plugins -p no:cacheprovider -q \
    --junitxml="$REPO/tests/output/oldest-units-junit.xml") || rc=1

echo "--- integration target neptune_cluster_snapshot"
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
(cd "$COLL" && ansible-test integration --local --python 3.11 --color no neptune_cluster_snapshot "${extra[@]}") || rc=1
mkdir -p "$REPO/tests/output/oldest"
cp -a "$COLL/tests/output/." "$REPO/tests/output/oldest/" 2>/dev/null || true
exit "$rc"
