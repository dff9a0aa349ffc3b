#!/usr/bin/env python
"""Let ansible-test's sanity venvs get pip from PyPI (its own bootstrap downloads get-pip.py from
ci-files.testing.ansible.com, out of reach here).

ansible-test bootstraps pip into each venv it makes by running ~/.ansible/test/cache/get_pip_<version>.py when that
file exists. For each pip version the installed ansible-test may ask for, this writes a small stand-in there that
installs pip from its wheel, fetched from PyPI beside it. The version is read from ansible-test's source text (no
import of its private package); when it cannot be read, sanity fails with ansible-test's own message naming the file.
"""
import glob
import re
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

CACHE = Path.home() / ".ansible" / "test" / "cache"
# Run by ansible-test's quiet_pip.py via runpy, with arguments like: pip==24.2 --no-setuptools --no-wheel
STANDIN = '''\
"""Stand-in for get-pip.py, written by graphops.neptune's tests/support/seed_get_pip.py."""
import glob, os, sys
here = os.path.dirname(os.path.abspath(__file__))
wheel = glob.glob(os.path.join(here, "pip-%(version)s-*.whl"))[0]
sys.path.insert(0, wheel)  # pip runs from its wheel
from pip._internal.cli.main import main
args = [wheel if a.startswith("pip==") else a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", "--no-index", "--no-cache-dir"] + args))
'''


def pip_versions():
    """The pip versions ansible-test pins for its venvs (`pip='X.Y'` in its python_requirements source)."""
    source = Path(find_spec("ansible_test").origin).parent / "_internal" / "python_requirements.py"
    return sorted(set(re.findall(r"\bpip\s*=\s*'([0-9.]+)'", source.read_text()))) if source.exists() else []


def main():
    CACHE.mkdir(parents=True, exist_ok=True)
    versions = pip_versions()
    for version in versions:
        if not glob.glob(str(CACHE / ("pip-%s-*.whl" % version))):
            subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                            "-d", str(CACHE), "pip==" + version], check=True)
        (CACHE / ("get_pip_%s.py" % version.replace(".", "_"))).write_text(STANDIN % {"version": version})
    print("seeded pip %s for ansible-test's venvs in %s" % (", ".join(versions) or "(no version found)", CACHE))


if __name__ == "__main__":
    main()
