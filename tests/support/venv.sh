# shellcheck shell=bash
# Sourced by tests/run.sh. Creates (or reuses) the test venv OUTSIDE the repo,
# so ansible-test never sees it as part of the collection, and puts it on PATH.
# The venv is rebuilt whenever tests/requirements.txt changes (sha256 stamp).

_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GRAPHOPS_VENV="${GRAPHOPS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/graphops-neptune/venv}"
_req="$_repo_root/tests/requirements.txt"
_want="$(sha256sum "$_req" | cut -d' ' -f1)"
_stamp="$GRAPHOPS_VENV/.requirements.sha256"

# Serialize concurrent runs (e.g. two shells): one builds, the others wait.
mkdir -p "$(dirname "$GRAPHOPS_VENV")"
exec {_lockfd}>"$GRAPHOPS_VENV.lock"
flock "$_lockfd"
# The import check catches a venv damaged after it was stamped (cheap, ~0.5s).
if [[ "$(cat "$_stamp" 2>/dev/null)" != "$_want" ]] ||
    ! "$GRAPHOPS_VENV/bin/python" -c 'import ansible.cli, ansible_test, boto3, moto.server, pytest' 2>/dev/null; then
    # ansible-test sanity is run with --python 3.11, so the venv must be 3.11.
    _py="${GRAPHOPS_PYTHON:-$(command -v python3.11 || command -v python3)}"
    echo "venv: installing $_req into $GRAPHOPS_VENV (python: $_py)"
    # Chained so a failure aborts even if the caller has no `set -e`; the stamp
    # is written last, so a half-built venv is rebuilt next time.
    if ! { rm -rf "$GRAPHOPS_VENV" &&
        "$_py" -m venv "$GRAPHOPS_VENV" &&
        "$GRAPHOPS_VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip &&
        "$GRAPHOPS_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$_req" &&
        echo "$_want" > "$_stamp"; }; then
        echo "venv: installation failed" >&2; exec {_lockfd}>&-; return 1
    fi
fi
exec {_lockfd}>&-  # release the lock

export VIRTUAL_ENV="$GRAPHOPS_VENV"
export PATH="$GRAPHOPS_VENV/bin:$PATH"
hash -r
unset _repo_root _req _want _stamp _py _lockfd
