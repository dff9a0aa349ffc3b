#!/usr/bin/env bash
# The benchmark (not part of CI):  bash benchmarks/run.sh
# Installs what it needs (the tests' pinned venv, and a small venv with matplotlib for the charts, keyed by
# the hash of benchmarks/requirements.txt), runs benchmarks/bench.py against the local endpoint (moto behind
# the recording proxy), then writes docs/performance.md and docs/images/performance-*.png.
# Knobs: BENCH_RUNS (5), BENCH_WAIT_RUNS (5), BENCH_LATENCY_MS (30), BENCH_INFO_COUNTS (100,1000),
# BENCH_POOL_RUNS (3), BENCH_SEQUENTIAL_RUNS (1), BENCH_ONLY (scenario keys, "pool", "startup", "rotation" or
# rotation-N / rotation-N-dr), BENCH_ROTATION_SIZES (10,40,160: clusters of the rotation scenarios),
# BENCH_ROTATION_RUNS (BENCH_RUNS), BENCH_ROTATION_LARGE_RUNS (2: runs at the largest size, about 50 minutes
# a round on 2 cores), BENCH_QUICK=1 (a short run: 1 run each, 100 snapshots, 10 clusters), BENCH_OUTPUT (where
# the report goes; a run that is quick, partial or under 5 runs writes to tests/output/benchmarks unless
# BENCH_OUTPUT says otherwise; a rotation-only run given BENCH_OUTPUT=docs rewrites only the rotation section
# of docs/performance.md and its chart), BENCH_STARTUP_BEFORE (a results.json of an earlier
# `BENCH_ONLY=startup` run, shown as "before" an import cut).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
# shellcheck disable=SC1091  # checked on its own
source tests/support/venv.sh

if [[ "${BENCH_QUICK:-}" == 1 ]]; then
    : "${BENCH_RUNS:=1}" "${BENCH_WAIT_RUNS:=1}" "${BENCH_INFO_COUNTS:=100}" "${BENCH_POOL_RUNS:=1}"
    : "${BENCH_ROTATION_SIZES:=10}"
    : "${BENCH_ONLY:=create,rerun,delete,copy,create-wait-3,fleet,info-100,info-100-no-tags,pool,startup,rotation}"
fi
RUNS="${BENCH_RUNS:-5}"
if [[ -z "${BENCH_OUTPUT:-}" ]]; then
    if [[ -z "${BENCH_ONLY:-}" && "$RUNS" -ge 5 && "${BENCH_QUICK:-}" != 1 ]]; then
        BENCH_OUTPUT="$REPO/docs"
    else
        BENCH_OUTPUT="$REPO/tests/output/benchmarks"
    fi
fi

# The charts' venv: matplotlib only, rebuilt when benchmarks/requirements.txt changes.
CHARTS_REQ="$REPO/benchmarks/requirements.txt"
CHARTS_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/graphops-neptune/bench-venv-$(sha256sum "$CHARTS_REQ" | cut -c1-12)"
if ! "$CHARTS_VENV/bin/python" -c 'import matplotlib' 2>/dev/null; then
    echo "bench: installing $CHARTS_REQ into $CHARTS_VENV"
    rm -rf "$CHARTS_VENV"
    "$(command -v python3.11 || command -v python3)" -m venv "$CHARTS_VENV"
    "$CHARTS_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$CHARTS_REQ"
fi

WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/graphops-bench.XXXXXX")"
trap 'rm -rf "$WORKDIR"' EXIT
mkdir -p "$REPO/tests/output/benchmarks"
RESULTS="$REPO/tests/output/benchmarks/results.json"

python benchmarks/bench.py --out "$RESULTS" --work-dir "$WORKDIR" --runs "$RUNS" \
    --wait-runs "${BENCH_WAIT_RUNS:-5}" --latency-ms "${BENCH_LATENCY_MS:-30}" \
    --info-counts "${BENCH_INFO_COUNTS:-100,1000}" --pool-runs "${BENCH_POOL_RUNS:-3}" \
    --sequential-runs "${BENCH_SEQUENTIAL_RUNS:-1}" --rotation-sizes "${BENCH_ROTATION_SIZES:-10,40,160}" \
    --rotation-runs "${BENCH_ROTATION_RUNS:-$RUNS}" --rotation-large-runs "${BENCH_ROTATION_LARGE_RUNS:-2}" \
    --only "${BENCH_ONLY:-}"

before=()
if [[ -n "${BENCH_STARTUP_BEFORE:-}" ]]; then
    before=(--before "$BENCH_STARTUP_BEFORE")
fi
"$CHARTS_VENV/bin/python" benchmarks/report.py "$RESULTS" --doc "$BENCH_OUTPUT/performance.md" \
    --images "$BENCH_OUTPUT/images" "${before[@]}"
