# shellcheck shell=bash
# shellcheck disable=SC2034  # CONFIG, TINY_PREFIX and FIXTURE are for the runme.sh that sources this
# Sourced by the script targets' runme.sh (whose directory is the working directory), with its
# arguments:  source ../setup_neptune_fixture/files/runme_fixture.sh "$@"
# Sets
#   CONFIG       the integration config (JSON) ansible-test passes as -e @CONFIG; exits without one
#   TINY_PREFIX  its tiny_prefix, which the run's names start with
#   FIXTURE      an array: neptune_fixture.py --config CONFIG, to run with a command and its arguments
# and defines json_field and fixture_exit (below). The script targets need the local AWS stand-in,
# so the fixture's waits poll every 0.2 s for 120 s at the most.
export FIXTURE_POLL_SECONDS=0.2 FIXTURE_WAIT_SECONDS=120

# integration_config ARGS...: prints X of "-e @X" among ARGS; fails without one.
integration_config() {
    local arg previous="" config=""
    for arg in "$@"; do
        if [[ "$previous" == "-e" && "$arg" == @* ]]; then config="${arg#@}"; fi
        previous="$arg"
    done
    if [[ -z "$config" ]]; then
        echo "runme.sh: expected -e @CONFIG (ansible-test's integration config) among the arguments" >&2
        return 1
    fi
    echo "$config"
}

# json_field FIELD < JSON: prints the document's FIELD.
json_field() { python -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# fixture_exit PREFIX WORK NOTE, as the EXIT trap: clears the proxy's rules and call log, deletes
# the snapshots and clusters PREFIX-*, then removes WORK after a success or prints NOTE after a
# failure; exits with the script's status.
fixture_exit() {
    local rc=$?
    "${FIXTURE[@]}" proxy reset >/dev/null || true
    "${FIXTURE[@]}" cleanup "$1" || true
    if [[ $rc -eq 0 ]]; then
        rm -rf "$2"
    else
        echo "$3" >&2
    fi
    exit "$rc"
}

CONFIG="$(integration_config "$@")" || exit 1
TINY_PREFIX="$(json_field tiny_prefix < "$CONFIG")"
FIXTURE=(python "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/neptune_fixture.py" --config "$CONFIG")
