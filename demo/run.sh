#!/usr/bin/env bash
# The demo:  bash demo/run.sh
# Installs what it needs (nox, then the tests' pinned versions: ansible-core, the ansible package for amazon.aws,
# boto3, moto; about 850 MB from PyPI on the first run, into ~/.cache/graphops-neptune), starts a local AWS stand-in
# (moto on 127.0.0.1), creates a demo Neptune cluster there, then runs the demo playbook and an ad-hoc command with
# graphops.neptune.neptune_cluster_snapshot (noxfile.py's demo session). Runs from a git clone or an unpacked
# release tarball.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC1091  # checked on its own
source tests/support/nox.sh
graphops_nox -s demo
