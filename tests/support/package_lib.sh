# shellcheck shell=bash
# Sourced by stage_package.sh and stage_ee.sh (after venv.sh): build the collection's tarball as
# users do, and run tests/smoke/playbook.yml's prerequisites on the local AWS stand-in.

PACKAGE_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# package_build OUTDIR: `ansible-galaxy collection build` of the repo root (galaxy.yml's build_ignore
# applies, as for a release) into OUTDIR, never into the tree; prints the tarball's path.
package_build() {
    local outdir="$1" version
    version="$(python -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$PACKAGE_REPO/galaxy.yml")"
    ansible-galaxy collection build "$PACKAGE_REPO" --output-path "$outdir" --force >&2
    echo "$outdir/graphops-neptune-$version.tar.gz"
}

# smoke_aws_start STATE_DIR: starts the local AWS stand-in (moto behind the proxy) and creates the
# smoke playbook's cluster; exports SMOKE_ENDPOINT and throwaway credentials (moto takes any).
smoke_aws_start() {
    local state="$1"
    SMOKE_ENDPOINT="$(python "$PACKAGE_REPO/tests/support/local_aws.py" start --state-dir "$state")"
    export SMOKE_ENDPOINT AWS_DEFAULT_REGION=us-east-1
    AWS_ACCESS_KEY_ID="smoke-$RANDOM$RANDOM" AWS_SECRET_ACCESS_KEY="smoke-$RANDOM$RANDOM$RANDOM"
    export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    python "$PACKAGE_REPO/demo/create_cluster.py" "$SMOKE_ENDPOINT" graph-smoke
}

# smoke_aws_stop STATE_DIR: idempotent.
smoke_aws_stop() {
    python "$PACKAGE_REPO/tests/support/local_aws.py" stop --state-dir "$1" >/dev/null 2>&1 || true
}
