#!/usr/bin/env bash
# Load: one playbook run snapshots 20 clusters with forks=10 while a quarter of the calls are
# throttled: every task succeeds, each snapshot exists once, and a re-run changes nothing.
#
# load_fixture.py (with setup_neptune_fixture's neptune_fixture.py) makes the clusters and reads the
# snapshots straight on moto; load.yml goes through the fault-injecting proxy, whose call log shows
# the throttles and the creates.
# Needs the local AWS stand-in (moto behind the proxy); skipped without it.
set -euo pipefail

COUNT=20
FORKS=10

# shellcheck source-path=SCRIPTDIR
source ../setup_neptune_fixture/files/runme_fixture.sh "$@"
prefix="gn-$TINY_PREFIX-load"
checks=(python "$PWD/load_fixture.py" --config "$CONFIG")
work="$(mktemp -d "${TMPDIR:-/tmp}/neptune_load.XXXXXX")"
trap 'fixture_exit "$prefix" "$work" "neptune_load FAILED; the output of the runs is in $work"' EXIT

start=$SECONDS
setup="$("${checks[@]}" setup "$prefix" "$COUNT" "$work/inventory.yml")"
if [[ "$(json_field local <<< "$setup")" != True ]]; then
    echo "SKIPPED neptune_load: it needs the local AWS stand-in (moto_url and the fault-injecting proxy)"
    trap - EXIT
    rm -rf "$work"
    exit 0
fi
echo "setup: $setup ($((SECONDS - start))s)"

"${FIXTURE[@]}" proxy reset >/dev/null
"${FIXTURE[@]}" proxy rules '{"type": "fault", "action": "*", "fault": "throttle", "every": 4, "times": -1}'

# One run of load.yml, its json callback output in $work/run-N.json; then its checks.
run_playbook() {
    local run="$1" rc=0 began=$SECONDS
    shift
    ANSIBLE_STDOUT_CALLBACK=json ansible-playbook load.yml -i "$work/inventory.yml" -f "$FORKS" "$@" \
        > "$work/run-$run.json" 2> "$work/run-$run.stderr" || rc=$?
    echo "run $run: ansible-playbook exit $rc in $((SECONDS - began))s"
    if [[ $rc -ne 0 ]]; then
        tail -n 40 "$work/run-$run.stderr" >&2
    fi
}

# ---- first run: everything created, under throttling ---------------------------------------------
run_playbook 1 "$@"
first="$("${checks[@]}" check-run "$work/run-1.json" "$COUNT" 1)"
echo "run 1: $first"
succeeded="$(json_field succeeded <<< "$first")"

made="$("${checks[@]}" check-snapshots "$prefix" "$COUNT")"

calls="$("${checks[@]}" check-calls "$COUNT" first "$FORKS")"
echo "run 1 calls: $calls"

# ---- second run: nothing to do, still throttled ----------------------------------------------------
"${FIXTURE[@]}" proxy calls/clear >/dev/null
run_playbook 2 "$@"
second="$("${checks[@]}" check-run "$work/run-2.json" "$COUNT" 0)"
echo "run 2: $second"
"${checks[@]}" check-snapshots "$prefix" "$COUNT"
"${checks[@]}" check-calls "$COUNT" rerun "$FORKS"

# Figures observed, not configured: the snapshots moto holds afterwards, and the most calls the
# proxy saw in flight at once during the first run.
snapshots="$(json_field snapshots <<< "$made")"
in_flight="$(json_field max_in_flight <<< "$calls")"
"${FIXTURE[@]}" proxy figures "{\"load_tasks_succeeded\": $succeeded, \"load_snapshots_made\": $snapshots, \"load_max_in_flight\": $in_flight}" >/dev/null
echo "neptune_load passed in $((SECONDS - start))s; $succeeded tasks succeeded, $snapshots snapshots made, at most $in_flight calls in flight"
