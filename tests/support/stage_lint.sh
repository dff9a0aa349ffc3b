#!/usr/bin/env bash
# The lint stage (bash tests/run.sh lint), and the command that regenerates the module reference:
#   bash tests/support/stage_lint.sh [WORKDIR]        # checks; fails on any finding
#   bash tests/support/stage_lint.sh --write-docs     # rewrites docs/modules/ from the modules' docs
# Checks, in order: ansible-lint --profile production over the whole repository (offline) and over
# the modules' EXAMPLES written out as playbooks (tests/support/module_examples.py, which also fails
# on an option an example passes that the module does not document); antsibull-docs
# lint-collection-docs --plugin-docs; antsibull-changelog lint; docs/modules/ matches what
# antsibull-docs generates now. The tools live in their own venv (tests/requirements-lint.txt).
# WORKDIR is a tree tests/run.sh assembled (ansible_collections/{graphops/neptune,amazon/aws});
# without it this script assembles one itself. amazon.aws comes from the test venv's ansible
# package: nothing is fetched from Galaxy.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
MODE=check
[[ "${1:-}" == --write-docs ]] && { MODE=write-docs; shift; }
WORKDIR="${1:-}"

# shellcheck disable=SC1091  # sourced files are checked on their own
source tests/support/venv.sh
LINT_VENV="$(graphops_tools_venv tests/requirements-lint.txt 'import ansiblelint, antsibull_docs, antsibull_changelog')"
if [[ -z "$WORKDIR" ]]; then
    # shellcheck disable=SC1091
    source tests/support/assemble.sh
    WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/graphops-lint.XXXXXX")"
    trap 'rm -rf "$WORKDIR"' EXIT
    assemble_collection "$WORKDIR" >/dev/null
fi
COLL="$WORKDIR/ansible_collections/graphops/neptune"
# The lint venv's ansible-playbook / ansible-doc must be the ones the tools call.
export PATH="$LINT_VENV/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$WORKDIR" ANSIBLE_NOCOLOR=1 NO_COLOR=1
hash -r

# docs/modules/: antsibull-docs' simplified RST (renders on Git forges), one file per module and an
# index, without antsibull-docs' version in them so a tool upgrade alone does not make them stale.
write_module_docs() {
    local dest="$1"
    rm -rf "$dest"; mkdir -p "$dest"
    antsibull-docs collection --use-current --squash-hierarchy --output-format simplified-rst \
        --no-add-antsibull-docs-version --fail-on-error --dest-dir "$dest" graphops.neptune >/dev/null
}

if [[ "$MODE" == write-docs ]]; then
    write_module_docs "$REPO/docs/modules"
    echo "wrote $(find docs/modules -type f | sort | tr '\n' ' ')"
    exit 0
fi

FAILED=()
step() { printf -- '--- %s\n' "$1"; }

step "ansible-lint --profile production (the repository)"
ansible-lint --offline --profile production --nocolor || FAILED+=(ansible-lint)

step "ansible-lint --profile production (the modules' EXAMPLES as playbooks)"
rm -rf "$WORKDIR/module_examples"
if python tests/support/module_examples.py "$COLL" "$WORKDIR/module_examples" >/dev/null; then
    (cd "$WORKDIR/module_examples" && ansible-lint --offline --profile production --nocolor \
        -c "$REPO/.ansible-lint" ./*.yml) || FAILED+=(examples-lint)
else
    FAILED+=(examples-options)
fi

step "antsibull-docs lint-collection-docs --plugin-docs"
antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs all \
    --disallow-unknown-collection-refs "$COLL" || FAILED+=(antsibull-docs-lint)

step "antsibull-changelog lint"
antsibull-changelog lint || FAILED+=(changelog-lint)

step "docs/modules/ is what antsibull-docs generates from the modules now"
write_module_docs "$WORKDIR/module_docs"
if ! diff -ru docs/modules "$WORKDIR/module_docs"; then
    echo "docs/modules/ is stale: run  bash tests/support/stage_lint.sh --write-docs  and commit it" >&2
    FAILED+=(module-docs)
fi

if [[ ${#FAILED[@]} -gt 0 ]]; then
    echo "lint: failed: ${FAILED[*]}" >&2
    exit 1
fi
echo "lint: all checks passed"
