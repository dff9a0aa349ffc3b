# shellcheck shell=bash
# Sourced by tests/run.sh. Creates (or reuses) the test venv OUTSIDE the repo,
# so ansible-test never sees it as part of the collection, and puts it on PATH.
# The venv is rebuilt whenever tests/requirements.txt changes (sha256 stamp).

_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GRAPHOPS_VENV="${GRAPHOPS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/graphops-neptune/venv}"
_req="$_repo_root/tests/requirements.txt"
_want="$(sha256sum "$_req" | cut -d' ' -f1)"
_stamp="$GRAPHOPS_VENV/.requirements.sha256"

if [[ ! -x "$GRAPHOPS_VENV/bin/python" || "$(cat "$_stamp" 2>/dev/null)" != "$_want" ]]; then
    # ansible-test sanity is run with --python 3.11, so the venv must be 3.11.
    _py="${GRAPHOPS_PYTHON:-$(command -v python3.11 || command -v python3)}"
    echo "venv: installing $_req into $GRAPHOPS_VENV (python: $_py)"
    rm -rf "$GRAPHOPS_VENV"
    "$_py" -m venv "$GRAPHOPS_VENV"
    "$GRAPHOPS_VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$GRAPHOPS_VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$_req"
    echo "$_want" > "$_stamp"
fi

export VIRTUAL_ENV="$GRAPHOPS_VENV"
export PATH="$GRAPHOPS_VENV/bin:$PATH"
hash -r
unset _repo_root _req _want _stamp _py
