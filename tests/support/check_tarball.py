#!/usr/bin/env python
"""Check a built collection tarball: what users need is in it, nothing of the test runs is.

Usage: python check_tarball.py TARBALL --galaxy galaxy.yml --cloud-template tests/integration/cloud-config-aws.ini.template

Fails (exit 1, naming every offending member) on: caches (__pycache__, *.pyc, .pytest_cache), tests/output,
VCS or venv directories, nested tarballs, ansible-test cloud configs, any member holding the cloud config
template's dummy credentials or an AWS access key id; and when MANIFEST.json's version or dependencies differ
from galaxy.yml or a file users need is missing.
"""
import argparse
import configparser
import fnmatch
import json
import re
import sys
import tarfile

import yaml

FORBIDDEN_PARTS = {"__pycache__", ".pytest_cache", ".git", ".venv", ".tox", ".ci"}
FORBIDDEN_NAMES = ("*.pyc", "*.tar.gz", "cloud-config-*.ini*", ".plugin-cache.yaml")
REQUIRED = (
    "MANIFEST.json", "FILES.json", "README.md", "CHANGELOG.rst", "requirements.txt", "meta/runtime.yml",
    "meta/execution-environment.yml", "plugins/modules/neptune_cluster_snapshot.py",
    "plugins/modules/neptune_cluster_snapshot_info.py", "demo/run.sh", "noxfile.py", "tests/support/nox.sh",
    "tests/requirements-runner.txt", "tests/smoke/playbook.yml",
)
# Access key ids of real AWS credentials (long-term AKIA, temporary ASIA).
AWS_KEY_ID = re.compile(rb"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")
CREDENTIAL_KEYS = ("aws_access_key", "aws_secret_key", "security_token")


def dummy_credentials(template_path):
    parser = configparser.ConfigParser()
    parser.read(template_path)
    return [parser["default"][key] for key in CREDENTIAL_KEYS if parser["default"].get(key)]


def problems(tar, galaxy, secrets):
    found = []
    names = set()
    for member in tar.getmembers():
        name = member.name[2:] if member.name.startswith("./") else member.name
        names.add(name)
        parts = name.split("/")
        if set(parts) & FORBIDDEN_PARTS or name == "tests/output" or name.startswith("tests/output/"):
            found.append(f"{name}: a cache, VCS, venv, CI or test-output path")
        if any(fnmatch.fnmatch(parts[-1], pattern) for pattern in FORBIDDEN_NAMES):
            found.append(f"{name}: matches one of {', '.join(FORBIDDEN_NAMES)}")
        if member.isfile():
            data = tar.extractfile(member).read()
            found += [f"{name}: holds the test credential {secret[:4]}..." for secret in secrets if secret.encode() in data]
            if AWS_KEY_ID.search(data):
                found.append(f"{name}: holds something shaped like an AWS access key id")
    found += [f"{name}: missing" for name in REQUIRED if name not in names]
    if "MANIFEST.json" in names:
        info = json.load(tar.extractfile("MANIFEST.json"))["collection_info"]
        for key in ("namespace", "name", "version", "dependencies"):
            if info[key] != galaxy[key]:
                found.append(f"MANIFEST.json: {key} is {info[key]!r}, galaxy.yml says {galaxy[key]!r}")
    return found, len(names)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tarball")
    parser.add_argument("--galaxy", required=True)
    parser.add_argument("--cloud-template", required=True)
    args = parser.parse_args()
    with open(args.galaxy) as f:
        galaxy = yaml.safe_load(f)
    secrets = dummy_credentials(args.cloud_template)
    if not secrets:
        sys.exit(f"no dummy credentials found in {args.cloud_template}: nothing to look for")
    with tarfile.open(args.tarball) as tar:
        found, count = problems(tar, galaxy, secrets)
    for problem in found:
        print(f"tarball: {problem}")
    if found:
        sys.exit(f"{args.tarball}: {len(found)} problem(s)")
    print(f"{args.tarball}: {count} entries; no caches, test output or test credentials; MANIFEST.json matches galaxy.yml")


if __name__ == "__main__":
    main()
