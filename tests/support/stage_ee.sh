#!/usr/bin/env bash
# The ee stage of tests/run.sh:  bash tests/support/stage_ee.sh
# AWX / Ansible Automation Platform run collections inside execution environments (EEs) built by
# ansible-builder and run jobs with ansible-runner. Without building the image (no registry here):
#   1. `ansible-builder create` on examples/execution-environment/execution-environment.yml, with the
#      built tarball beside it, makes a build context that carries the tarball;
#   2. the image's galaxy step (ansible-galaxy collection install -r requirements.yml, in the context's
#      _build/) installs the collection from it, and the image's introspection step (the context's
#      introspect.py) finds the collection's Python requirements: every line of requirements.txt;
#   3. ansible-runner runs tests/smoke/playbook.yml with that installed copy against the local AWS
#      stand-in, and its job events show the module's results and a run without failures.
# Writes nothing in the tree; its scratch dir is removed at exit (GRAPHOPS_KEEP=1 keeps it).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
# shellcheck disable=SC1091  # sourced files are checked on their own
source tests/support/venv.sh
# shellcheck disable=SC1091
source tests/support/package_lib.sh
TOOLS="$(package_tools)"
EE_FILE=examples/execution-environment/execution-environment.yml

package_scratch ee

echo "--- ansible-builder create"
EE="$SCRATCH/ee"
mkdir -p "$EE"
cp "$EE_FILE" "$EE/"
TARBALL="$(package_build "$EE")"
if ! grep -q "^ *- src: $(basename "$TARBALL")$" "$EE_FILE"; then
    echo "$EE_FILE does not copy $(basename "$TARBALL") (galaxy.yml's version) into the build context" >&2
    exit 1
fi
"$TOOLS/bin/ansible-builder" create -f "$EE/execution-environment.yml" --context "$EE/context" -v 2
BUILD="$EE/context/_build"
cmp "$TARBALL" "$BUILD/collections/$(basename "$TARBALL")"
grep -q 'ansible-galaxy collection install .*-r requirements.yml' "$EE/context/"{Containerfile,Dockerfile} 2>/dev/null

echo "--- the image's galaxy and introspection steps, on this machine"
COLLECTIONS="$EE/usr-share-ansible/collections"
# --no-deps: amazon.aws would come from Galaxy in the image build; here the venv's ansible provides it.
(cd "$BUILD" && ansible-galaxy collection install -r requirements.yml --no-deps -p "$COLLECTIONS")
"$TOOLS/bin/python" "$BUILD/scripts/introspect.py" introspect "$COLLECTIONS" --write-pip "$EE/python-requirements.txt"
missing=0
while read -r req; do
    [[ -z "$req" || "$req" == \#* ]] && continue
    if ! grep -qxF "$req  # from collection graphops.neptune" "$EE/python-requirements.txt"; then
        echo "the EE's Python requirements lack $req (requirements.txt) from graphops.neptune" >&2; missing=1
    fi
done < requirements.txt
if [[ $missing -ne 0 ]]; then exit 1; fi
echo "the EE's Python requirements carry every line of requirements.txt"

echo "--- ansible-runner job"
smoke_aws_start "$SCRATCH/aws"
"$TOOLS/bin/python" tests/support/runner_smoke.py --private-data-dir "$SCRATCH/runner" \
    --playbook "$COLLECTIONS/ansible_collections/graphops/neptune/tests/smoke/playbook.yml" \
    --collections "$COLLECTIONS" --endpoint-url "$SMOKE_ENDPOINT" --python "$(command -v python)"
