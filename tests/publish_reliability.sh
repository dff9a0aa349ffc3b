#!/usr/bin/env bash
# Publish the reliability figures of the last integration run:
#   bash tests/run.sh integration && bash tests/publish_reliability.sh
# The integration stage writes its figures to tests/output/reliability.md only (tests leave the tree
# as they found it); this copies them to docs/reliability.md, for a commit, when that run was a full
# one (no INTEGRATION_ARGS) and passed: the stage then writes the report's sha256 beside it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
report=tests/output/reliability.md stamp=tests/output/reliability.publishable
if [[ ! -f "$report" || ! -f "$stamp" ]]; then
    echo "no publishable figures: run a full, passing 'bash tests/run.sh integration' first" >&2; exit 1
fi
if [[ "$(sha256sum "$report" | cut -d' ' -f1)" != "$(cat "$stamp")" ]]; then
    echo "$report is not the one a full, passing run wrote (changed since); run the integration stage again" >&2
    exit 1
fi
cp "$report" docs/reliability.md
echo "docs/reliability.md updated from $report; review and commit it:"
git diff --stat -- docs/reliability.md 2>/dev/null || true
