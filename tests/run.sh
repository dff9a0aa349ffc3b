#!/usr/bin/env bash
# stage_* functions and cleanup are called indirectly ("stage_$s", trap):
# shellcheck disable=SC2317
# The collection's test command:  bash tests/run.sh [units|sanity|integration|package|ee|lint|oldest|all]
# Builds/reuses the pinned venv, assembles ansible_collections/graphops/neptune
# in a scratch dir (ansible-test requires that layout), runs the stages in order
# and prints a PASS/FAIL line per stage. Exits non-zero if any stage fails.
# Env knobs: GRAPHOPS_VENV (venv location), GRAPHOPS_WORKDIR (keep assembled tree
# there instead of a temp dir), SANITY_ARGS / INTEGRATION_ARGS (extra ansible-test
# args, e.g. INTEGRATION_ARGS="neptune_cluster_snapshot -vvv"), GRAPHOPS_CLOUD_CONFIG
# (an ini for real AWS; see tests/integration/cloud-config-aws.ini.template).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
STAGE_ARG="${1:-all}"
case "$STAGE_ARG" in
    all) STAGES=(units sanity integration package ee lint oldest) ;;
    units|sanity|integration|package|ee|lint|oldest) STAGES=("$STAGE_ARG") ;;
    *) echo "usage: bash tests/run.sh [units|sanity|integration|package|ee|lint|oldest|all]" >&2; exit 2 ;;
esac
PY=3.11  # the test venv's interpreter (the oldest stage runs its own venv on 3.10)

# shellcheck disable=SC1091  # sourced files are checked on their own
source tests/support/venv.sh
# shellcheck disable=SC1091
source tests/support/assemble.sh

if [[ -n "${GRAPHOPS_WORKDIR:-}" ]]; then
    WORKDIR="$GRAPHOPS_WORKDIR"; mkdir -p "$WORKDIR"
else
    WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/graphops-neptune.XXXXXX")"
fi
AWS_STATE="$WORKDIR/local_aws"
cleanup() {
    # Always stop the local AWS stand-in, even on failure / Ctrl-C.
    if [[ -d "$AWS_STATE" ]]; then
        python tests/support/local_aws.py stop --state-dir "$AWS_STATE" >/dev/null 2>&1 || true
    fi
    [[ -n "${GRAPHOPS_WORKDIR:-}" ]] || rm -rf "$WORKDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

COLL="$(assemble_collection "$WORKDIR")"
mkdir -p "$REPO/tests/output"
SUMMARY=()

header() { printf '\n==================== %s ====================\n' "$*"; }

# Copy ansible-test results (junit, bot json, ...) back so CI can keep them.
save_output() {
    if [[ -d "$COLL/tests/output" ]]; then
        cp -a "$COLL/tests/output/." "$REPO/tests/output/" 2>/dev/null || true
    fi
}

stage_units() {
    local log="$REPO/tests/output/units.log" rc=0
    if ! find tests/unit -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | grep -q .; then
        echo "no unit tests under tests/unit; skipping"; UNITS_NOTE="no tests"; return 0
    fi
    # $WORKDIR first on sys.path: ansible_collections is a namespace package, so
    # graphops.neptune comes from the assembled tree and amazon.aws from either.
    (cd "$COLL" && PYTHONPATH="$WORKDIR${PYTHONPATH:+:$PYTHONPATH}" \
        python -m pytest tests/unit -p no:cacheprovider -ra --junitxml="$REPO/tests/output/units-junit.xml") \
        2>&1 | tee "$log" || rc=$?
    UNITS_NOTE="$(grep -E '^=+ .*( in [0-9.]+s).* =+$' "$log" | tail -1 | sed -E 's/^=+ //; s/ =+$//')"
    return "$rc"  # includes 5 (tests exist but none collected)
}

stage_sanity() {
    # Sanity venvs bootstrap pip from a cached get-pip script we provide (offline).
    python tests/support/seed_get_pip.py
    # --venv: ansible-test builds its own pinned venv per sanity test (reused
    # across runs under ~/.ansible/test/venv); --docker is unavailable here.
    local extra=(); read -ra extra <<< "${SANITY_ARGS:-}"
    (cd "$COLL" && ansible-test sanity --venv --python "$PY" --color no "${extra[@]}")
}

stage_integration() {
    if ! compgen -G "$COLL/tests/integration/targets/*/aliases" >/dev/null; then
        echo "no integration targets; skipping"; return 0
    fi
    if [[ -e "$HOME/.aws" ]]; then
        # ansible-test's aws plugin refuses to run next to real credentials (and
        # we don't want them used). We won't touch it; move it aside yourself.
        echo "ERROR: $HOME/.aws exists; ansible-test's AWS plugin will not run with it present." >&2
        echo "       Rename it (e.g. mv ~/.aws ~/.aws.off) and re-run." >&2
        return 1
    fi
    local ini="$COLL/tests/integration/cloud-config-aws.ini" url_file="$AWS_STATE/local_aws.json" moto_url proxy_url
    if [[ -n "${GRAPHOPS_CLOUD_CONFIG:-}" ]]; then
        # Real AWS (see the template's comments): use the given ini, no stand-in.
        echo "using $GRAPHOPS_CLOUD_CONFIG instead of the local AWS stand-in"
        cp "$GRAPHOPS_CLOUD_CONFIG" "$ini"
    else
        python tests/support/local_aws.py start --state-dir "$AWS_STATE"
        moto_url="$(python -c 'import json,sys; print(json.load(open(sys.argv[1]))["moto_url"])' "$url_file")"
        proxy_url="$(python -c 'import json,sys; print(json.load(open(sys.argv[1]))["proxy_url"])' "$url_file")"
        sed -e "s|@AWS_ENDPOINT_URL@|$proxy_url|; s|@MOTO_URL@|$moto_url|" \
            tests/integration/cloud-config-aws.ini.template > "$ini"
    fi
    # --local: run with this venv's python, which already has boto3/botocore.
    local extra=() rc=0; read -ra extra <<< "${INTEGRATION_ARGS:-}"
    (cd "$COLL" && ansible-test integration --local --python "$PY" --color no "${extra[@]}") || rc=$?
    if [[ -n "${proxy_url:-}" ]]; then
        # The proxy's counters: fails the stage on any write in check mode. The figures stay in
        # tests/output/ (tests leave the tree as they found it); bash tests/publish_reliability.sh
        # copies a full, passing run's to docs/reliability.md.
        local report="$REPO/tests/output/reliability.md" stamp="$REPO/tests/output/reliability.publishable"
        rm -f "$stamp"
        python tests/support/reliability_report.py --proxy-url "$proxy_url" --out "$report" || rc=1
        if [[ $rc -eq 0 && -z "${INTEGRATION_ARGS:-}" ]]; then
            sha256sum "$report" | cut -d' ' -f1 > "$stamp"
        fi
    fi
    return "$rc"
}

# The package as users get it: release notes, tarball, ansible-galaxy install, smoke playbook.
stage_package() { bash tests/support/stage_package.sh; }

# AWX's tools: ansible-builder create on the example EE, ansible-runner job events.
stage_ee() { bash tests/support/stage_ee.sh; }

stage_lint() {
    # ansible-lint, antsibull-docs and antsibull-changelog lint, and docs/modules/ up to date.
    bash tests/support/stage_lint.sh "$WORKDIR"
}

stage_oldest() {
    # Units and some integration targets on the oldest versions the collection claims, on Python 3.10.
    bash tests/support/stage_oldest.sh "$WORKDIR"
}

FAILED=0
for s in "${STAGES[@]}"; do
    header "$s"
    start=$SECONDS; rc=0; UNITS_NOTE=""
    "stage_$s" || rc=$?
    save_output
    took=$((SECONDS - start))
    note=""; [[ "$s" == units && -n "$UNITS_NOTE" ]] && note=" ($UNITS_NOTE)"
    if [[ $rc -eq 0 ]]; then SUMMARY+=("PASS  $s  ${took}s$note")
    else SUMMARY+=("FAIL  $s  ${took}s  (exit $rc)$note"); FAILED=1; fi
done

header summary
printf '%s\n' "${SUMMARY[@]}"
exit "$FAILED"
