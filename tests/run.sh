#!/usr/bin/env bash
# The collection's test command:  bash tests/run.sh [SESSION...] [-- ARGS]
# Runs every test session of noxfile.py, or the ones named, each in a venv of its own; ARGS go to them (e.g.
# bash tests/run.sh integration -- neptune_cluster_snapshot). nox prints a line a session at the end and exits
# non-zero when one failed. `bash tests/run.sh -l` lists them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC1091  # checked on its own
source tests/support/nox.sh
sessions=()
while [[ $# -gt 0 && "$1" != -* ]]; do sessions+=("$1"); shift; done
if [[ ${#sessions[@]} -eq 0 || "${sessions[*]}" == all ]]; then
    # Everything, on two lines at once (the machines have 2 cores and the sessions wait on servers much of the
    # time): the version matrix (tag "beside") beside the rest (tag "suite"), about as long each. Sessions share
    # nothing but the package caches: each has its own venv, copy of the collection and local AWS stand-in.
    mkdir -p tests/output
    echo "the version matrix runs beside the other sessions; its output follows theirs (tests/output/matrix.log)"
    graphops_nox -t beside "$@" > tests/output/matrix.log 2>&1 &
    matrix=$!
    rc=0; graphops_nox -t suite "$@" || rc=$?
    matrix_rc=0; wait "$matrix" || matrix_rc=$?
    printf '\n==================== the version matrix ====================\n'
    cat tests/output/matrix.log
    exit $((rc || matrix_rc))
else
    graphops_nox -s "${sessions[@]}" "$@"
fi
