# shellcheck shell=bash
# Sourced by stage_package.sh, stage_ee.sh and release_notes.sh (after venv.sh): build the collection's tarball as
# users do, start tests/smoke/playbook.yml's local AWS stand-in, the tools venv, a scratch dir.

PACKAGE_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# package_version DIR: prints the version in DIR/galaxy.yml.
package_version() {
    python -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$1/galaxy.yml"
}

# package_build OUTDIR: `ansible-galaxy collection build` of the repo root (galaxy.yml's build_ignore
# applies, as for a release) into OUTDIR, never into the tree; prints the tarball's path.
package_build() {
    local outdir="$1" version
    version="$(package_version "$PACKAGE_REPO")"
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

# package_tools: prints the path of the tools venv (antsibull-changelog, ansible-builder,
# ansible-runner; tests/requirements-package.txt), building it on first use.
package_tools() {
    graphops_tools_venv "$PACKAGE_REPO/tests/requirements-package.txt" 'import antsibull_changelog, ansible_builder, ansible_runner'
}

# package_scratch NAME: sets SCRATCH to a new temp dir, removed at exit (GRAPHOPS_KEEP=1 keeps it),
# when the local AWS stand-in started in $SCRATCH/aws, if any, is stopped too.
package_scratch() {
    SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/graphops-$1.XXXXXX")"
    trap _package_cleanup EXIT
}
_package_cleanup() {
    smoke_aws_stop "$SCRATCH/aws"
    if [[ -n "${GRAPHOPS_KEEP:-}" ]]; then echo "kept $SCRATCH"; else rm -rf "$SCRATCH"; fi
}
