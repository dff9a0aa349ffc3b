#!/usr/bin/env bash
# The collection's test command:  bash tests/run.sh [SESSION...] [-- ARGS]
# Runs noxfile.py's default sessions (units sanity integration package ee lint oldest), or the ones named, each
# in a venv of its own; ARGS go to them (e.g. bash tests/run.sh integration -- neptune_cluster_snapshot).
# nox prints a line a session at the end and exits non-zero when one failed. `bash tests/run.sh -l` lists them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC1091  # checked on its own
source tests/support/nox.sh
sessions=()
while [[ $# -gt 0 && "$1" != -* ]]; do sessions+=("$1"); shift; done
if [[ ${#sessions[@]} -eq 0 || "${sessions[*]}" == all ]]; then
    graphops_nox "$@"
else
    graphops_nox -s "${sessions[@]}" "$@"
fi
