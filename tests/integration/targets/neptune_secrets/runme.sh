#!/usr/bin/env bash
# Secrets: with -vvv, neither the secret key nor the session token appears in any output or
# result, also when AWS answers with an error or the module refuses.
#
# secrets.yml runs with -vvv and ANSIBLE_DEBUG_BOTOCORE_LOGS=True (as ansible-test's AWS plugin
# sets), then an ad-hoc `ansible -m ... -a "secret_key=... session_token=..."` that fails on an
# AWS error; stdout and stderr of both go to one file, which secrets_fixture.py check-output
# searches for the secrets (and for text that must be there, so the search is not vacuous).
# The credentials given to the modules are random values runme.sh makes (moto accepts any):
# the ini's dummies are too plain to search for, and no secret is typed here or on a command
# line except the ad-hoc one's. No `set -x`: it would print them.
# setup_neptune_fixture's neptune_fixture.py makes the cluster and cleans up, straight on moto.
# Needs the local AWS stand-in (moto behind the fault-injecting proxy); skipped without it.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
source ../setup_neptune_fixture/files/runme_fixture.sh "$@"
prefix="gn-$TINY_PREFIX"
checks=(python "$PWD/secrets_fixture.py" --config "$CONFIG")
work="$(mktemp -d "${TMPDIR:-/tmp}/neptune_secrets.XXXXXX")"
creds="$work/credentials.json"
log="$work/output.log"

setup="$("${checks[@]}" credentials "$creds")"
if [[ "$(json_field local <<< "$setup")" != True ]]; then
    echo "SKIPPED neptune_secrets: it needs the local AWS stand-in (moto_url and the fault-injecting proxy)"
    rm -rf "$work"
    exit 0
fi

trap 'fixture_exit "$prefix" "$work" "neptune_secrets FAILED; the captured output is in $log (it may hold the dummy secrets of the test)"' EXIT

"${FIXTURE[@]}" setup "{\"clusters\": [{\"id\": \"$prefix-sec\", \"engine\": \"neptune\"}]}"

export ANSIBLE_DEBUG_BOTOCORE_LOGS=True
start=$SECONDS
rc=0
ansible-playbook secrets.yml -vvv "$@" -e @"$creds" > "$log" 2>&1 || rc=$?
if [[ $rc -ne 0 ]]; then
    tail -n 60 "$log" >&2
    echo "secrets.yml failed (exit $rc)" >&2
    exit 1
fi
echo "secrets.yml passed in $((SECONDS - start))s"

# Ad-hoc, the way a user types it: the secrets in the module's key=value arguments.
"${FIXTURE[@]}" proxy rules \
    '{"type": "fault", "action": "CreateDBClusterSnapshot", "fault": "SnapshotQuotaExceeded", "times": 1}' >/dev/null
secret_key="$(json_field test_secret_key < "$creds")"
session_token="$(json_field test_session_token < "$creds")"
adhoc_args="id=$prefix-sec-adhoc cluster_id=$prefix-sec tags='{\"via\": \"ad-hoc\"}'"
adhoc_args+=" region={{ aws_region }} endpoint_url={{ aws_endpoint_url }} access_key={{ aws_access_key }}"
adhoc_args+=" secret_key=$secret_key session_token=$session_token"
rc=0
ansible localhost -vvv "$@" -m graphops.neptune.neptune_cluster_snapshot -a "$adhoc_args" >> "$log" 2>&1 || rc=$?
unset secret_key session_token adhoc_args
if [[ $rc -eq 0 ]]; then
    echo "the ad-hoc command should have failed (SnapshotQuotaExceeded)" >&2
    exit 1
fi

# What must be in the output: results of every kind, the AWS errors, the refusal, -vvv's lines,
# and the invocations of the 7 module tasks and the ad-hoc run, each with both secrets masked.
"${checks[@]}" check-output "$creds" "$log" \
    "ESTABLISH LOCAL CONNECTION FOR USER" \
    "\"db_cluster_snapshot_identifier\": \"$prefix-sec-snap\"" \
    "\"purpose\": \"changed in check mode\"" \
    "SnapshotQuotaExceeded" \
    "quota of this account and region is reached" \
    "ServiceUnavailable" \
    "taken from cluster '$prefix-sec'" \
    "8*\"secret_key\": \"VALUE_SPECIFIED_IN_NO_LOG_PARAMETER\"" \
    "8*\"session_token\": \"VALUE_SPECIFIED_IN_NO_LOG_PARAMETER\"" \
    "resource_actions" \
    "localhost | FAILED!" \
    "$prefix-sec-adhoc"
