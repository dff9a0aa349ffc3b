#!/usr/bin/env bash
# The benchmark (not part of the tests):  bash benchmarks/run.sh   (noxfile.py's benchmark session)
# Runs benchmarks/bench.py against the local endpoint (moto behind the recording proxy), then writes
# docs/performance.md and docs/images/performance-*.png with benchmarks/report.py.
# Knobs: BENCH_RUNS (5), BENCH_WAIT_RUNS (5), BENCH_LATENCY_MS (30), BENCH_INFO_COUNTS (100,1000),
# BENCH_POOL_RUNS (3), BENCH_SEQUENTIAL_RUNS (1), BENCH_ONLY (scenario keys, "pool", "startup", "rotation" or
# rotation-N / rotation-N-dr, "restore"), BENCH_RESTORE_RUNS (3), BENCH_RESTORE_CLUSTER_SECONDS and
# BENCH_RESTORE_INSTANCE_SECONDS (30 each: how long the restored cluster, then its instance, answer `creating`;
# at these the restore part takes about 9 minutes on 2 cores), BENCH_ROTATION_SIZES (10,40,160: clusters of the
# rotation scenarios), BENCH_ROTATION_RUNS (BENCH_RUNS), BENCH_ROTATION_LARGE_RUNS (2: runs at the largest size,
# about 50 minutes a round on 2 cores), BENCH_QUICK=1 (a short run: 1 run each, 100 snapshots, 10 clusters),
# BENCH_OUTPUT (where the report goes; a run that is quick, partial or under 5 runs writes to
# tests/output/benchmarks unless BENCH_OUTPUT says otherwise; a rotation-only run given BENCH_OUTPUT=docs rewrites
# only the rotation section of docs/performance.md and its chart, a restore-only run the restore section),
# BENCH_STARTUP_BEFORE (a results.json of an earlier `BENCH_ONLY=startup` run, shown as "before" an import cut).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC1091  # checked on its own
source tests/support/nox.sh
graphops_nox -s benchmark
