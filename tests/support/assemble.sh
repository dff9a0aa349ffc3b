# shellcheck shell=bash
# Sourced by tests/run.sh (after venv.sh). Defines assemble_collection WORKDIR:
# ansible-test only works from inside ansible_collections/<ns>/<name>/, and the
# repo root is the collection root, so we copy the repo into such a tree.
# Only files git would consider (tracked + untracked-but-not-ignored) are copied,
# so stray outputs, venvs and caches never reach sanity tests.
# amazon.aws (our dependency) is copied from the ansible package in the venv;
# a real copy rather than a symlink keeps ansible-test's path handling simple.

assemble_collection() {
    local workdir="$1" repo dest aws
    repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    dest="$workdir/ansible_collections/graphops/neptune"
    aws="$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/ansible_collections/amazon/aws"

    rm -rf "$workdir/ansible_collections"
    mkdir -p "$dest" "$workdir/ansible_collections/amazon"
    # -z / --null: safe for any file name. Files deleted from the worktree but
    # still in the index are skipped by the existence test.
    (cd "$repo" && git ls-files -z --cached --others --exclude-standard |
        while IFS= read -r -d '' f; do [[ -e "$f" || -L "$f" ]] && printf '%s\0' "$f"; done |
        sort -zu | xargs -0r cp --parents -a -t "$dest")
    cp -a "$aws" "$workdir/ansible_collections/amazon/aws"
    echo "$dest"
}
