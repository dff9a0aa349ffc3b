# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The neptune_secrets target's own set-up and output check, on top of setup_neptune_fixture's neptune_fixture.py.

Run as `secrets_fixture.py --config CONFIG COMMAND ARGS...`, CONFIG being the integration config
ansible-test passes to runme.sh (-e @CONFIG, JSON). Every command prints one JSON document.

  credentials OUT              # writes OUT (mode 600, YAML vars): test_secret_key and
                               # test_session_token, distinctive random values that moto accepts;
                               # prints {"local": true} (no secret), or {"local": false} without moto_url
  check-output CREDS LOG TEXT...
      # fails unless LOG contains every TEXT ("N*TEXT": at least N times) and none of the secrets: the
      # values in CREDS, their random parts, and the config's aws_secret_key / security_token
"""

import json
import os
import secrets
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "setup_neptune_fixture", "files"))
import neptune_fixture  # the shared fixture; ansible-test copies setup_neptune_fixture beside this target


def credentials(fixture, out):
    if not fixture.local:
        return {"local": False}
    # Random, so that finding one in the output cannot be a coincidence; marked, so that a leak is easy to spot.
    values = {
        "test_secret_key": "gnSeCrEtKeY" + secrets.token_hex(16),
        "test_session_token": "gnSeSsIoNtOkEn" + secrets.token_hex(24),
    }
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(values, handle)  # JSON is YAML: ansible-playbook -e @OUT reads it
    return {"local": True}


def check_output(fixture, creds_path, log_path, *expected):
    config = fixture.config
    with open(creds_path, encoding="utf-8") as handle:
        creds = json.load(handle)
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        log = handle.read()
    haystack = log.lower()
    forbidden = {}
    for name, value in creds.items():
        forbidden[name] = value
        forbidden[name + " (its random part)"] = value[-32:]
    for name in ("aws_secret_key", "security_token"):
        if len(config.get(name) or "") >= 8:  # the ini's own values, not given to the modules here
            forbidden["ini " + name] = config[name]
    problems = []
    for name, value in forbidden.items():
        count = haystack.count(value.lower())
        if count:
            lines = [number for number, line in enumerate(log.splitlines(), 1) if value.lower() in line.lower()]
            problems.append("%s found %d times (lines %s)" % (name, count, lines[:10]))
    for text in expected:
        # "N*TEXT": TEXT at least N times
        times, _star, wanted = text.partition("*") if text.split("*", 1)[0].isdigit() else ("1", "", text)
        if haystack.count(wanted.lower()) < int(times):
            problems.append("expected text found %d times, wanted at least %s: %r" % (haystack.count(wanted.lower()), times, wanted))
    if problems:
        raise SystemExit("output check FAILED for %s:\n  %s" % (log_path, "\n  ".join(problems)))
    return {"checked_bytes": len(log), "secrets_absent": sorted(forbidden), "texts_present": list(expected)}


COMMANDS = {
    "credentials": credentials,
    "check-output": check_output,
}


if __name__ == "__main__":
    neptune_fixture.main(sys.argv, COMMANDS, __doc__)
