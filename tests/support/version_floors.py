#!/usr/bin/env python
"""Check that a version-matrix session runs the versions it stands for (run by noxfile.py, in that session's venv).

  python version_floors.py ENTRY COLLECTION_DIR [EXEMPT...]

Prints the versions under test. For ENTRY `oldest`, Python, ansible-core, amazon.aws, boto3 and botocore must be the
floors that meta/runtime.yml, galaxy.yml, requirements.txt and ansible-core itself state, so that a claim and its
test cannot drift apart. Every installed package's Requires-Python must admit this Python, but the EXEMPT ones'
(a lock installed with --ignore-requires-python for them). Exits 1 naming each problem.
"""
import json
import platform
import re
import sys
from importlib.metadata import distributions, metadata, version
from pathlib import Path

import yaml
from packaging.specifiers import SpecifierSet


def floor(text):
    return re.search(r">=\s*([0-9.]+)", text).group(1)


def same_minor(got, want):
    return got.split(".")[:2] == want.split(".")[:2]


def installed():
    """(name, installed version) of what the collection runs on, amazon.aws read from its MANIFEST.json."""
    import ansible_collections.amazon.aws as amazon_aws
    aws = json.loads((Path(amazon_aws.__path__[0]) / "MANIFEST.json").read_text())["collection_info"]["version"]
    return {"Python": platform.python_version(), "ansible-core": version("ansible-core"), "amazon.aws": aws,
            "boto3": version("boto3"), "botocore": version("botocore")}


def floors(collection):
    """The lowest versions the collection claims, from its own files (and ansible-core's metadata for Python)."""
    runtime = yaml.safe_load((collection / "meta" / "runtime.yml").read_text())["requires_ansible"]
    galaxy = yaml.safe_load((collection / "galaxy.yml").read_text())["dependencies"]["amazon.aws"]
    python_reqs = dict(re.findall(r"^(boto3|botocore)\s*>=\s*([0-9.]+)", (collection / "requirements.txt").read_text(),
                                  re.M))
    return {"Python": floor(metadata("ansible-core")["Requires-Python"]), "ansible-core": floor(runtime),
            "amazon.aws": floor(galaxy), "boto3": python_reqs["boto3"], "botocore": python_reqs["botocore"]}


def main(entry, collection, *exempt):
    got = installed()
    problems = []
    if entry == "oldest":
        want = floors(Path(collection))
        # Python and ansible-core: the claimed minor release (ansible-core: its newest patch); the rest: exactly.
        for name, wanted in want.items():
            match = same_minor if name in ("Python", "ansible-core") else str.__eq__
            print("%-13s %-10s (stated minimum: %s)" % (name, got[name], wanted))
            if not match(got[name], wanted):
                problems.append("%s %s is not the stated minimum %s" % (name, got[name], wanted))
    else:
        for name, value in got.items():
            print("%-13s %s" % (name, value))
    here = platform.python_version()
    problems += ["%s %s requires Python %s, not %s" % (d.metadata["Name"], d.version, d.metadata["Requires-Python"], here)
                 for d in distributions()
                 if d.metadata["Name"].lower() not in exempt and d.metadata["Requires-Python"]
                 and not SpecifierSet(d.metadata["Requires-Python"]).contains(here)]
    return "\n".join(problems) or None


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
