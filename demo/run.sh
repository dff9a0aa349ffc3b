#!/usr/bin/env bash
# The demo:  bash demo/run.sh
# Installs what it needs (the pinned venv of the tests), starts a local AWS
# stand-in (moto on 127.0.0.1), creates a demo Neptune cluster there, then runs
# the demo playbook and an ad-hoc command with graphops.neptune.neptune_cluster_snapshot.
# Runs from a git clone or from an unpacked release tarball.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
echo "=== Preparing: the pinned tools (ansible-core, the ansible package for amazon.aws, boto3, moto) ==="
echo "The first run installs them into a venv under ~/.cache/graphops-neptune (about 850 MB from PyPI,"
echo "a few minutes); later runs reuse it."
# shellcheck disable=SC1091  # sourced files are checked on their own
source tests/support/venv.sh
# shellcheck disable=SC1091
source tests/support/assemble.sh

WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/graphops-neptune-demo.XXXXXX")"
cleanup() {
    python tests/support/local_aws.py stop --state-dir "$WORKDIR/aws" >/dev/null 2>&1 || true
    rm -rf "$WORKDIR"
}
trap cleanup EXIT

assemble_collection "$WORKDIR" >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$WORKDIR"
ANSIBLE_PYTHON_INTERPRETER="$(command -v python)"
export ANSIBLE_PYTHON_INTERPRETER
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
# moto accepts any credentials; these are placeholders, not secrets.
export AWS_ACCESS_KEY_ID=demo-access-key AWS_SECRET_ACCESS_KEY=demo-secret-key AWS_DEFAULT_REGION=us-east-1

ENDPOINT="$(python tests/support/local_aws.py start --state-dir "$WORKDIR/aws")"
echo "Local AWS stand-in (moto) answering at $ENDPOINT"
python demo/create_cluster.py "$ENDPOINT" graph-demo
# Forget the fixture's own calls (CreateDBCluster): the list at the end is the module's calls only.
python -c 'import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_proxy/calls/clear", method="POST"))' "$ENDPOINT"

echo; echo "=== Demo playbook ==="
ansible-playbook demo/playbook.yml -e "endpoint_url=$ENDPOINT"

echo; echo "=== Ad-hoc: ansible localhost -m graphops.neptune.neptune_cluster_snapshot ==="
ansible localhost -m graphops.neptune.neptune_cluster_snapshot \
    -a "id=graph-demo-nightly cluster_id=graph-demo endpoint_url=$ENDPOINT"

echo; echo "API calls the module made, as the local endpoint recorded them:"
python - "$ENDPOINT" <<'PY'
import collections, json, sys, urllib.request
calls = json.load(urllib.request.urlopen(sys.argv[1] + "/_proxy/calls"))["calls"]
for action, count in collections.Counter(c["action"] for c in calls).most_common():
    print(f"  {count:3d}  {action}")
PY
