#!/usr/bin/env bash
# The package stage of tests/run.sh:  bash tests/support/stage_package.sh
# Tests the collection as users get it:
#   1. the release notes are up to date with changelogs/fragments/ and antsibull-changelog lint passes;
#   2. `ansible-galaxy collection build` of the repo root gives a tarball with what users need and no
#      caches, test output or test credentials (tests/support/check_tarball.py);
#   3. `ansible-galaxy collection install` (the requirements.yml form, as the README shows) puts it in a
#      fresh path, where `ansible-galaxy collection verify --offline` and ansible-doc find it;
#   4. tests/smoke/playbook.yml runs from that installed copy against the local AWS stand-in.
# Offline: amazon.aws is not fetched (--no-deps); the test venv's ansible package provides it.
# Writes nothing in the tree; its scratch dir is removed at exit (GRAPHOPS_KEEP=1 keeps it).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
# shellcheck disable=SC1091  # sourced files are checked on their own
source tests/support/venv.sh
# shellcheck disable=SC1091
source tests/support/package_lib.sh

package_scratch package

echo "--- release notes"
bash tests/support/release_notes.sh --check

echo "--- build"
TARBALL="$(package_build "$SCRATCH/dist")"
python tests/support/check_tarball.py "$TARBALL" --galaxy galaxy.yml \
    --cloud-template tests/integration/cloud-config-aws.ini.template

echo "--- install"
INSTALLED="$SCRATCH/collections"
# Only the installed copy and the venv's bundled collections (amazon.aws) are visible from here on;
# the smoke runs in the scratch dir, so no playbook-adjacent collection can stand in for it.
export ANSIBLE_COLLECTIONS_PATH="$INSTALLED"
# The README's requirements.yml, less its amazon.aws entry (Galaxy is out of reach here).
cat > "$SCRATCH/dist/requirements.yml" <<EOF
---
collections:
  - name: ./$(basename "$TARBALL")
    type: file
EOF
(cd "$SCRATCH/dist" && ansible-galaxy collection install -r requirements.yml --no-deps -p "$INSTALLED")
cd "$SCRATCH"
ansible-galaxy collection verify --offline graphops.neptune
module_file="$(ansible-doc --json graphops.neptune.neptune_cluster_snapshot |
    python -c 'import json, sys; print(json.load(sys.stdin)["graphops.neptune.neptune_cluster_snapshot"]["doc"]["filename"])')"
case "$module_file" in
    "$INSTALLED"/ansible_collections/graphops/neptune/*) echo "ansible-doc finds the installed copy: $module_file" ;;
    *) echo "ansible-doc found the module at $module_file, not in the installed copy under $INSTALLED" >&2; exit 1 ;;
esac

echo "--- smoke playbook from the installed copy"
smoke_aws_start "$SCRATCH/aws"
ANSIBLE_PYTHON_INTERPRETER="$(command -v python)" ANSIBLE_LOCALHOST_WARNING=false \
    ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
    ansible-playbook "$INSTALLED/ansible_collections/graphops/neptune/tests/smoke/playbook.yml" \
    -e "endpoint_url=$SMOKE_ENDPOINT"
