# shellcheck shell=bash
# Sourced by the stage scripts whose tools must not share the test venv (their pins conflict with it).
#   pinned_venv NAME REQUIREMENTS [PIP_ARGS...]   -> prints the venv's path
# builds ~/.cache/graphops-neptune/NAME-<sha256 of REQUIREMENTS, 12 chars> once, from REQUIREMENTS,
# and reuses it while that file is unchanged (a changed file gets a new venv: runs on other
# branches keep theirs). PIP_ARGS go to the install (e.g. --no-deps for a complete lock file).
# Progress goes to stderr; pip's output to the venv's .log beside it, shown when pip fails.

pinned_venv() {
    local name="$1" req="$2" sum dir lockfd py
    shift 2
    sum="$(sha256sum "$req" | cut -c1-12)"
    dir="${XDG_CACHE_HOME:-$HOME/.cache}/graphops-neptune/$name-$sum"
    mkdir -p "$(dirname "$dir")"
    # Serialize concurrent runs: one builds, the others wait.
    exec {lockfd}>"$dir.lock"
    flock "$lockfd"
    if [[ ! -f "$dir/.complete" ]]; then
        py="${GRAPHOPS_PYTHON:-$(command -v python3.11 || command -v python3)}"
        echo "venv: installing $req into $dir (python: $py)" >&2
        # The marker is written last, so a half-built venv is rebuilt next time.
        if ! { rm -rf "$dir" &&
            "$py" -m venv "$dir" &&
            "$dir/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >"$dir.log" 2>&1 &&
            "$dir/bin/python" -m pip install -q --disable-pip-version-check "$@" -r "$req" >>"$dir.log" 2>&1 &&
            touch "$dir/.complete"; }; then
            tail -n 30 "$dir.log" >&2
            echo "venv: installing $req failed (log: $dir.log)" >&2; exec {lockfd}>&-; return 1
        fi
    fi
    exec {lockfd}>&-
    echo "$dir"
}
