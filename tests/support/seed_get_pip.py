"""Seed ansible-test's pip bootstrap cache so sanity venvs can get pip offline.

ansible-test creates an empty venv per sanity test and bootstraps pip into it
by running ~/.ansible/test/cache/get_pip_<ver>.py, which it otherwise downloads
from ci-files.testing.ansible.com (unreachable here). The file is only checked
for existence, so we write our own small stand-in next to a pip wheel fetched
from PyPI with the outer venv's pip. Run with the harness venv's python.
"""
import glob
import os
import subprocess
import sys
from types import SimpleNamespace

from ansible_test._internal.python_requirements import get_venv_packages

# Executed by ansible-test's quiet_pip.py via runpy with argv like:
#   [quiet_pip.py, --disable-pip-version-check, pip==24.2, --no-setuptools, --no-wheel]
STANDIN = '''\
"""Offline stand-in for get-pip.py, written by tests/support/seed_get_pip.py."""
import glob, os, sys
here = os.path.dirname(os.path.abspath(__file__))
wheel = glob.glob(os.path.join(here, "pip-%(version)s-*.whl"))[0]
sys.path.insert(0, wheel)  # pip runs fine straight from its wheel
from pip._internal.cli.main import main
args = [wheel if a.startswith("pip==") else a for a in sys.argv[1:]
        if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", "--no-index", "--no-cache-dir"] + args))
'''


def main():
    cache = os.path.expanduser('~/.ansible/test/cache')
    os.makedirs(cache, exist_ok=True)
    version = get_venv_packages(SimpleNamespace(version='%d.%d' % sys.version_info[:2]))['pip']
    if not glob.glob(os.path.join(cache, 'pip-%s-*.whl' % version)):
        subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-deps', '--only-binary=:all:',
                        '-d', cache, 'pip==' + version], check=True)
    with open(os.path.join(cache, 'get_pip_%s.py' % version.replace('.', '_')), 'w') as f:
        f.write(STANDIN % {'version': version})


if __name__ == '__main__':
    main()
