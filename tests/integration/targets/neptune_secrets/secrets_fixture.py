# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Set-up, proxy control, output check and clean-up for the neptune_secrets target.

CONFIG is the integration config ansible-test passes to runme.sh (-e @CONFIG, JSON).
Fixtures are made straight on moto (moto_url), so the proxy neither records nor faults them.

  secrets_fixture.py credentials CONFIG OUT      # writes OUT (mode 600, YAML vars): test_secret_key and
                                                 # test_session_token, distinctive random values that
                                                 # moto accepts; prints {"local": true, "prefix": ...}
                                                 # (no secret), or {"local": false} without moto_url
  secrets_fixture.py create-cluster CONFIG ID    # a Neptune cluster, available
  secrets_fixture.py proxy CONFIG PATH [JSON]    # POST JSON (or nothing) to the proxy's /_proxy/PATH
  secrets_fixture.py cleanup CONFIG PREFIX       # deletes manual snapshots and clusters named PREFIX-*
  secrets_fixture.py check-output CONFIG CREDS LOG TEXT...
      # fails unless LOG contains every TEXT ("N*TEXT": at least N times) and none of the secrets: the
      # values in CREDS, their random parts, and the ini's aws_secret_key / security_token
"""

import json
import os
import secrets
import sys
import time
import urllib.request

import boto3
import botocore.exceptions

NOT_FOUND = ("DBClusterNotFoundFault", "DBClusterSnapshotNotFoundFault")


def load_config(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def rds(config):
    return boto3.client(
        "rds",
        endpoint_url=config["moto_url"],
        region_name=config["aws_region"],
        aws_access_key_id=config["aws_access_key"],
        aws_secret_access_key=config["aws_secret_key"],
        aws_session_token=config.get("security_token") or None,
    )


def credentials(config_path, out):
    config = load_config(config_path)
    if not config.get("moto_url"):
        return {"local": False}
    # Random, so that finding one in the output cannot be a coincidence; marked, so that a leak is easy to spot.
    values = {
        "test_secret_key": "gnSeCrEtKeY" + secrets.token_hex(16),
        "test_session_token": "gnSeSsIoNtOkEn" + secrets.token_hex(24),
    }
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(values, handle)  # JSON is YAML: ansible-playbook -e @OUT reads it
    return {"local": True, "prefix": "gn-%s" % config["tiny_prefix"]}


def create_cluster(config_path, cluster_id):
    client = rds(load_config(config_path))
    try:
        client.create_db_cluster(DBClusterIdentifier=cluster_id, Engine="neptune")
    except botocore.exceptions.ClientError as error:
        if error.response["Error"]["Code"] != "DBClusterAlreadyExistsFault":
            raise
    for _attempt in range(600):
        if client.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]["Status"] == "available":
            return {"cluster": cluster_id}
        time.sleep(0.2)
    raise SystemExit("cluster %s is not available" % cluster_id)


def proxy(config_path, path, body=None):
    url = "%s/_proxy/%s" % (load_config(config_path)["aws_endpoint_url"], path)
    request = urllib.request.Request(url, data=(body or "").encode("utf-8"), method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def cleanup(config_path, prefix):
    client = rds(load_config(config_path))
    deleted = []
    for snapshot in client.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]:
        if snapshot["DBClusterSnapshotIdentifier"].startswith(prefix + "-"):
            client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=snapshot["DBClusterSnapshotIdentifier"])
            deleted.append(snapshot["DBClusterSnapshotIdentifier"])
    for cluster in client.describe_db_clusters()["DBClusters"]:
        if cluster["DBClusterIdentifier"].startswith(prefix + "-"):
            try:
                client.delete_db_cluster(DBClusterIdentifier=cluster["DBClusterIdentifier"], SkipFinalSnapshot=True)
                deleted.append(cluster["DBClusterIdentifier"])
            except botocore.exceptions.ClientError as error:
                if error.response["Error"]["Code"] not in NOT_FOUND:
                    raise
    return {"deleted": deleted}


def check_output(config_path, creds_path, log_path, *expected):
    config = load_config(config_path)
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
    "create-cluster": create_cluster,
    "proxy": proxy,
    "cleanup": cleanup,
    "check-output": check_output,
}


def main(argv):
    if len(argv) < 3 or argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    print(json.dumps(COMMANDS[argv[1]](*argv[2:])))


if __name__ == "__main__":
    main(sys.argv)
