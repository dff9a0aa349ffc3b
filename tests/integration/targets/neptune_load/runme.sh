#!/usr/bin/env bash
# Load: one playbook run snapshots 20 clusters with forks=10 while a quarter of the calls are
# throttled: every task succeeds, each snapshot exists once, and a re-run changes nothing.
#
# load_fixture.py makes the clusters and reads the snapshots straight on moto; load.yml goes
# through the fault-injecting proxy, whose call log shows the throttles and the creates.
# Needs the local AWS stand-in (moto behind the proxy); skipped without it.
set -euo pipefail

COUNT=20
FORKS=10

config=""
previous=""
for arg in "$@"; do
    if [[ "$previous" == "-e" && "$arg" == @* ]]; then config="${arg#@}"; fi
    previous="$arg"
done
if [[ -z "$config" ]]; then
    echo "runme.sh: expected -e @CONFIG (ansible-test's integration config) among the arguments" >&2
    exit 1
fi

fixture=(python "$PWD/load_fixture.py")
work="$(mktemp -d "${TMPDIR:-/tmp}/neptune_load.XXXXXX")"
json_field() { python -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

cleanup() {
    local rc=$?
    "${fixture[@]}" proxy "$config" reset >/dev/null || true
    "${fixture[@]}" cleanup "$config" || true
    if [[ $rc -eq 0 ]]; then
        rm -rf "$work"
    else
        echo "neptune_load FAILED; the runs' output is in $work" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT

start=$SECONDS
setup="$("${fixture[@]}" setup "$config" "$COUNT" "$work/inventory.yml")"
if [[ "$(json_field local <<< "$setup")" != True ]]; then
    echo "SKIPPED neptune_load: it needs the local AWS stand-in (moto_url and the fault-injecting proxy)"
    exit 0
fi
echo "setup: $setup ($((SECONDS - start))s)"

"${fixture[@]}" proxy "$config" reset >/dev/null
"${fixture[@]}" proxy "$config" rules '{"type": "fault", "action": "*", "fault": "throttle", "every": 4, "times": -1}'

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
first="$("${fixture[@]}" check-run "$work/run-1.json" "$COUNT" 1)"
echo "run 1: $first"
succeeded="$(json_field succeeded <<< "$first")"

"${fixture[@]}" check-snapshots "$config" "$COUNT"

"${fixture[@]}" check-calls "$config" "$COUNT" first

# ---- second run: nothing to do, still throttled ----------------------------------------------------
"${fixture[@]}" proxy "$config" calls/clear >/dev/null
run_playbook 2 "$@"
second="$("${fixture[@]}" check-run "$work/run-2.json" "$COUNT" 0)"
echo "run 2: $second"
"${fixture[@]}" check-snapshots "$config" "$COUNT"
"${fixture[@]}" check-calls "$config" "$COUNT" rerun

"${fixture[@]}" proxy "$config" figures "{\"load_tasks_succeeded\": $succeeded}" >/dev/null
echo "neptune_load passed in $((SECONDS - start))s; posted load_tasks_succeeded=$succeeded"
