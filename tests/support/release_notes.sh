#!/usr/bin/env bash
# Release notes, with antsibull-changelog:
#   bash tests/support/release_notes.sh          fold every fragment of changelogs/fragments/ into the
#                                                release of galaxy.yml's version; rewrites
#                                                changelogs/changelog.yaml and CHANGELOG.rst
#   bash tests/support/release_notes.sh --check  the same in a scratch copy: fails, showing the
#                                                difference, when those two files are stale, or when
#                                                `antsibull-changelog lint` finds a bad fragment
# Run it after adding or editing a fragment (keep_fragments is true, so fragments stay and a re-run
# refreshes the release from them). The release date is kept once set, so a re-run only changes
# what the fragments or the modules changed. The package stage of tests/run.sh runs --check.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
# shellcheck disable=SC1091  # sourced files are checked on their own
source tests/support/venv.sh
# shellcheck disable=SC1091
source tests/support/package_lib.sh
TOOLS="$(package_tools)"

# release_notes DIR: run antsibull-changelog in DIR (a collection root).
release_notes() {
    local dir="$1" version date
    version="$(package_version "$dir")"
    date="$(python - "$dir/changelogs/changelog.yaml" "$version" <<'PY'
import datetime, sys, yaml
try:
    releases = (yaml.safe_load(open(sys.argv[1])) or {}).get("releases") or {}
except FileNotFoundError:
    releases = {}
print(releases.get(sys.argv[2], {}).get("release_date") or datetime.date.today().isoformat())
PY
)"
    (cd "$dir" &&
        "$TOOLS/bin/antsibull-changelog" lint &&
        # ansible-doc (of the test venv) lists the modules for the "New Modules" section.
        "$TOOLS/bin/antsibull-changelog" release --version "$version" --date "$date" --update-existing \
            --refresh-fragments without-archives --reload-plugins --ansible-doc-bin "$(command -v ansible-doc)" &&
        "$TOOLS/bin/antsibull-changelog" lint-changelog-yaml changelogs/changelog.yaml)
}

if [[ "${1:-}" == "--check" ]]; then
    scratch="$(mktemp -d "${TMPDIR:-/tmp}/graphops-release-notes.XXXXXX")"
    trap 'rm -rf "$scratch"' EXIT
    cp -a galaxy.yml plugins meta "$scratch/"
    mkdir -p "$scratch/changelogs"
    cp -a changelogs/config.yaml changelogs/fragments "$scratch/changelogs/"
    [[ -e changelogs/changelog.yaml ]] && cp -a changelogs/changelog.yaml "$scratch/changelogs/"
    [[ -e CHANGELOG.rst ]] && cp -a CHANGELOG.rst "$scratch/"
    release_notes "$scratch"
    stale=0
    for f in changelogs/changelog.yaml CHANGELOG.rst; do
        if ! diff -u "$f" "$scratch/$f"; then stale=1; fi
    done
    if [[ $stale -ne 0 ]]; then
        echo "release notes are stale (see the diff above): run bash tests/support/release_notes.sh and commit" >&2
        exit 1
    fi
    echo "release notes are up to date with changelogs/fragments/"
else
    release_notes "$REPO"
    echo "wrote changelogs/changelog.yaml and CHANGELOG.rst"
fi
