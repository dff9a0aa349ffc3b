# shellcheck shell=bash
# Sourced by tests/run.sh, demo/run.sh and benchmarks/run.sh. graphops_nox ARGS...: runs nox (noxfile.py) with
# ARGS from the runner venv (tests/requirements-runner.txt: nox, uv, the local AWS stand-in), which it makes under
# ~/.cache/graphops-neptune first, or again when that file changes. Needs python3.11 (or python3) with venv.
graphops_nox() {
    local repo req venv stamp want lockfd
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    req="$repo/tests/requirements-runner.txt"
    venv="${XDG_CACHE_HOME:-$HOME/.cache}/graphops-neptune/runner"
    stamp="$venv/.requirements.sha256"
    want="$(sha256sum "$req" | cut -d' ' -f1)"
    mkdir -p "$(dirname "$venv")"
    exec {lockfd}>"$venv.lock"
    flock "$lockfd"  # concurrent runs: one builds, the others wait
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]] || ! "$venv/bin/nox" --version >/dev/null 2>&1; then
        echo "nox: installing the runner ($req) into $venv; the sessions' venvs follow, from PyPI, on first use"
        rm -rf "$venv"
        if ! { "$(command -v python3.11 || command -v python3)" -m venv "$venv" &&
            "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req"; }; then
            echo "nox: installing $req failed" >&2; exec {lockfd}>&-; return 1
        fi
        echo "$want" > "$stamp"  # last: a half-made venv is made again next time
    fi
    exec {lockfd}>&-
    "$venv/bin/nox" --noxfile "$repo/noxfile.py" "$@"
}
