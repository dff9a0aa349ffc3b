# shellcheck shell=bash
# Sourced by tests/run.sh and demo/run.sh. Creates (or reuses) the test venv
# OUTSIDE the repo, so ansible-test never sees it as part of the collection, and
# puts it on PATH. The venv is rebuilt whenever tests/requirements.txt changes
# (sha256 stamp). Also defines graphops_venv, which the stage scripts use for
# the tools venvs whose pins conflict with the test venv's.

# graphops_venv [--python PY] DIR REQUIREMENTS IMPORTS [PIP_ARGS...]: make DIR a
# venv holding REQUIREMENTS, unless it already does (its stamp matches the file's
# sha256 and the python statement IMPORTS runs). Concurrent callers wait on a
# lock; one builds. PIP_ARGS go to the install (--no-deps for a complete lock
# file). The venv's interpreter: PY, else $GRAPHOPS_PYTHON, else python3.11.
graphops_venv() {
    local py="" venv req imports want stamp lockfd
    if [[ "${1:-}" == --python ]]; then py="$2"; shift 2; fi
    venv="$1" req="$2" imports="$3"
    shift 3
    want="$(sha256sum "$req" | cut -d' ' -f1)"
    stamp="$venv/.requirements.sha256"
    mkdir -p "$(dirname "$venv")"
    exec {lockfd}>"$venv.lock"
    flock "$lockfd"
    # The import check catches a venv damaged after it was stamped (cheap, ~0.5s).
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]] || ! "$venv/bin/python" -c "$imports" 2>/dev/null; then
        # ansible-test sanity is run with --python 3.11, so the venvs are 3.11 unless
        # the caller names another interpreter (the oldest stage's is 3.10).
        py="${py:-${GRAPHOPS_PYTHON:-$(command -v python3.11 || command -v python3)}}"
        echo "venv: first run (or $req changed): installing it into $venv (python: $py)."
        echo "venv: this downloads the pinned packages from PyPI once; pip's progress follows."
        # Chained so a failure aborts even if the caller has no `set -e`; the stamp
        # is written last, so a half-built venv is rebuilt next time. pip is not
        # quiet: its Collecting/Downloading lines are the progress of a long first run.
        if ! { rm -rf "$venv" &&
            "$py" -m venv "$venv" &&
            "$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip &&
            "$venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off "$@" -r "$req" &&
            echo "$want" > "$stamp"; }; then
            echo "venv: installation of $req failed" >&2; exec {lockfd}>&-; return 1
        fi
        echo "venv: $venv is ready."
    fi
    exec {lockfd}>&-  # release the lock
}

_repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
GRAPHOPS_VENV="${GRAPHOPS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/graphops-neptune/venv}"
graphops_venv "$GRAPHOPS_VENV" "$_repo_root/tests/requirements.txt" \
    'import ansible.cli, ansible_test, boto3, moto.server, pytest' || return 1

export VIRTUAL_ENV="$GRAPHOPS_VENV"
export PATH="$GRAPHOPS_VENV/bin:$PATH"
hash -r
unset _repo_root

# graphops_tools_venv [--python PY] REQUIREMENTS IMPORTS [PIP_ARGS...]: prints the
# path of a tools venv (not put on PATH) keyed by a hash of REQUIREMENTS, building
# it if needed. Its progress goes to stderr so callers can capture the path.
# With --python, the venv is built with PY and its key ends in PY's version
# (tools-HASH-py3.10), so it never shares a directory with a 3.11 venv.
graphops_tools_venv() {
    local pyargs=() suffix="" ver req imports dir
    if [[ "${1:-}" == --python ]]; then
        ver="$("$2" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" || return 1
        pyargs=(--python "$2"); suffix="-py$ver"; shift 2
    fi
    req="$1" imports="$2"
    dir="${XDG_CACHE_HOME:-$HOME/.cache}/graphops-neptune/tools-$(sha256sum "$req" | cut -c1-12)$suffix"
    graphops_venv "${pyargs[@]}" "$dir" "$req" "$imports" "${@:3}" >&2 || return 1
    echo "$dir"
}
