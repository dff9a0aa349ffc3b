# shellcheck shell=bash
# Sourced by tests/run.sh (after venv.sh). Defines assemble_collection WORKDIR:
# ansible-test only works from inside ansible_collections/<ns>/<name>/, and the
# repo root is the collection root, so we copy the repo into such a tree.
# Only files git would consider (tracked + untracked-but-not-ignored) are copied,
# so stray outputs, venvs and caches never reach sanity tests. Outside a git
# checkout (an unpacked release tarball), the tree is copied minus what
# .gitignore and galaxy.yml's build_ignore leave out: caches, tests/output,
# venvs and built tarballs.
# amazon.aws (our dependency) is copied from the ansible package in the venv;
# a real copy rather than a symlink keeps ansible-test's path handling simple.

assemble_collection() {
    local workdir="$1" repo dest aws
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
    dest="$workdir/ansible_collections/graphops/neptune"
    aws="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections/amazon/aws"

    rm -rf "$workdir/ansible_collections"
    mkdir -p "$dest" "$workdir/ansible_collections/amazon"
    # -z / --null: safe for any file name. Files deleted from the worktree but
    # still in the index are skipped by the existence test.
    if [[ "$(git -C "$repo" rev-parse --show-toplevel 2>/dev/null)" == "$repo" ]]; then
        (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do [[ -e "$f" || -L "$f" ]] && printf '%s\0' "$f"; done |
            sort -zu | xargs -0r cp --parents -a -t "$dest")
    else
        (cd "$repo" && find . \( -name __pycache__ -o -name .pytest_cache -o -name .venv -o -name .git \
            -o -path ./tests/output -o -name 'graphops-neptune-*.tar.gz' -o -name '*.pyc' \) -prune \
            -o \( -type f -o -type l \) -print0 | xargs -0r cp --parents -a -t "$dest")
    fi
    cp -a "$aws" "$workdir/ansible_collections/amazon/aws"
    echo "$dest"
}
