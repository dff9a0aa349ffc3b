# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Set-up, proxy control, independent checks and clean-up for the neptune_load target.

CONFIG is the integration config ansible-test passes to runme.sh (-e @CONFIG, JSON). Clusters are
made and snapshots read straight on moto (moto_url), so the proxy neither records nor faults that.
Every command prints one JSON document; a failed check exits non-zero with what was wrong.

  load_fixture.py setup CONFIG COUNT INVENTORY  # {"local": false} without moto_url; else creates COUNT
                                                # Neptune clusters PREFIX-load-NN, writes INVENTORY (one
                                                # host a cluster) and prints {"local": true, "prefix"}
  load_fixture.py proxy CONFIG PATH [JSON]      # POST JSON (or nothing) to the proxy's /_proxy/PATH
  load_fixture.py calls CONFIG                  # the proxy's call log, summed up
  load_fixture.py check-calls CONFIG COUNT first|rerun  # the proxy's log of a run: about a quarter of
                                                # the calls throttled; COUNT creates reached moto, one a
                                                # snapshot (first), or none (rerun)
  load_fixture.py check-run RUN_JSON COUNT CHANGED   # the json callback's output of load.yml: COUNT hosts,
                                                # each ok, its snapshot task changed (CHANGED=1) or not (0)
  load_fixture.py check-snapshots CONFIG COUNT  # exactly COUNT manual snapshots PREFIX-load-*, one per
                                                # cluster, available, with the tags load.yml gives
  load_fixture.py cleanup CONFIG                # deletes the manual snapshots and clusters PREFIX-load-*
"""

import json
import sys
import time
import urllib.request

import boto3
import botocore.exceptions

NOT_FOUND = ("DBClusterNotFoundFault", "DBClusterSnapshotNotFoundFault")


def load_config(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def prefix_of(config):
    return "gn-%s-load" % config["tiny_prefix"]


def rds(config):
    return boto3.client(
        "rds",
        endpoint_url=config["moto_url"],
        region_name=config["aws_region"],
        aws_access_key_id=config["aws_access_key"],
        aws_secret_access_key=config["aws_secret_key"],
        aws_session_token=config.get("security_token") or None,
    )


def cluster_ids(config, count):
    return ["%s-%02d" % (prefix_of(config), number) for number in range(int(count))]


def setup(config_path, count, inventory):
    config = load_config(config_path)
    if not config.get("moto_url"):
        return {"local": False}
    client = rds(config)
    clusters = cluster_ids(config, count)
    for cluster_id in clusters:
        try:
            client.create_db_cluster(DBClusterIdentifier=cluster_id, Engine="neptune")
        except botocore.exceptions.ClientError as error:
            if error.response["Error"]["Code"] != "DBClusterAlreadyExistsFault":
                raise
    for cluster_id in clusters:
        for _attempt in range(600):
            if client.describe_db_clusters(DBClusterIdentifier=cluster_id)["DBClusters"][0]["Status"] == "available":
                break
            time.sleep(0.2)
        else:
            raise SystemExit("cluster %s is not available" % cluster_id)
    hosts = {
        "load-%02d" % number: {"cluster_id": cluster_id, "snapshot_id": cluster_id + "-snap"}
        for number, cluster_id in enumerate(clusters)
    }
    group = {
        "hosts": hosts,
        "vars": {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"},
    }
    with open(inventory, "w", encoding="utf-8") as handle:
        json.dump({"all": {"children": {"neptune_load": group}}}, handle, indent=2)  # JSON is YAML
    return {"local": True, "prefix": prefix_of(config), "clusters": len(clusters)}


def proxy(config_path, path, body=None):
    url = "%s/_proxy/%s" % (load_config(config_path)["aws_endpoint_url"], path)
    request = urllib.request.Request(url, data=(body or "").encode("utf-8"), method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def calls(config_path):
    url = "%s/_proxy/calls" % load_config(config_path)["aws_endpoint_url"]
    with urllib.request.urlopen(url, timeout=10) as answer:
        logged = json.load(answer)["calls"]
    created = [c["snapshot"] for c in logged if c["action"] == "CreateDBClusterSnapshot" and c["status"] == 200]
    by_action, throttled_by_action = {}, {}
    for call in logged:
        by_action[call["action"]] = by_action.get(call["action"], 0) + 1
        if call["injected"] == "throttle":
            throttled_by_action[call["action"]] = throttled_by_action.get(call["action"], 0) + 1
    return {
        "calls": len(logged),
        "throttled": sum(1 for c in logged if c["injected"] == "throttle"),
        "other_faults": sorted({c["injected"] for c in logged if c["injected"] not in (None, "throttle")}),
        "created": sorted(created),
        "by_action": by_action,
        "throttled_by_action": throttled_by_action,
    }


def check_calls(config_path, count, run):
    """The proxy's log of one run: a quarter throttled; first run: one create a snapshot; re-run: none."""
    summary, count = calls(config_path), int(count)
    ratio = summary["throttled"] / max(summary["calls"], 1)
    problems = []
    if not summary["throttled"] or not 0.2 <= ratio <= 0.3:
        problems.append("expected about a quarter of the calls throttled, got %d of %d" % (summary["throttled"], summary["calls"]))
    if summary["other_faults"]:
        problems.append("unexpected faults %s" % summary["other_faults"])
    expected_creates = count if run == "first" else 0
    if len(summary["created"]) != expected_creates or len(set(summary["created"])) != expected_creates:
        problems.append("expected %d successful creates, one per snapshot; got %s" % (expected_creates, summary["created"]))
    if summary["by_action"].get("CreateDBClusterSnapshot", 0) - summary["throttled_by_action"].get("CreateDBClusterSnapshot", 0) \
            != expected_creates:
        problems.append("create calls that reached moto: %s, expected %d" % (summary["by_action"], expected_creates))
    if problems:
        raise SystemExit("call check FAILED (%s run):\n  %s" % (run, "\n  ".join(problems)))
    return dict(summary, created=len(summary["created"]), throttled_ratio=round(ratio, 3))


def read_run(path):
    """The json callback's document in a captured stdout (other callbacks may print around it)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    start = text.find("{\n")
    if start < 0:
        raise SystemExit("no JSON document in %s:\n%s" % (path, text[-2000:]))
    document, _end = json.JSONDecoder().raw_decode(text[start:])
    return document


def check_run(run_json, count, changed):
    document = read_run(run_json)
    count, changed = int(count), changed == "1"
    stats = document["stats"]
    task = document["plays"][0]["tasks"][0]
    results = task["hosts"]
    problems = []
    if len(stats) != count or len(results) != count:
        problems.append("expected %d hosts, stats have %d and the task %d" % (count, len(stats), len(results)))
    succeeded = 0
    for host in sorted(stats):
        host_stats, result = stats[host], results.get(host, {})
        snapshot = result.get("db_cluster_snapshot") or {}
        wanted = {"ok": 1, "changed": int(changed), "failures": 0, "unreachable": 0, "skipped": 0, "rescued": 0}
        got = {key: host_stats.get(key) for key in wanted}
        if got != wanted:
            problems.append("%s: stats %s, expected %s; %s" % (host, got, wanted, result.get("msg", "")))
        elif result.get("failed") or bool(result.get("changed")) != changed or snapshot.get("status") != "available":
            problems.append("%s: result failed=%s changed=%s status=%s" % (
                host, result.get("failed"), result.get("changed"), snapshot.get("status")))
        else:
            succeeded += 1
    if problems:
        shown = problems[:5] + (["... and %d more" % (len(problems) - 5)] if len(problems) > 5 else [])
        raise SystemExit("run check FAILED (%s), %d problems:\n  %s" % (task["task"]["name"], len(problems), "\n  ".join(shown)))
    return {"hosts": len(stats), "succeeded": succeeded, "changed": sum(stats[h]["changed"] for h in stats)}


def check_snapshots(config_path, count):
    config = load_config(config_path)
    client = rds(config)
    prefix = prefix_of(config)
    snapshots = [
        s for s in client.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
        if s["DBClusterSnapshotIdentifier"].startswith(prefix + "-")
    ]
    clusters = cluster_ids(config, count)
    problems = []
    found = sorted(s["DBClusterSnapshotIdentifier"] for s in snapshots)
    if found != sorted(c + "-snap" for c in clusters):
        problems.append("expected one snapshot per cluster, %s-NN-snap; found %s" % (prefix, found))
    for snapshot in snapshots:
        identifier, cluster_id = snapshot["DBClusterSnapshotIdentifier"], snapshot["DBClusterIdentifier"]
        tags = client.list_tags_for_resource(ResourceName=snapshot["DBClusterSnapshotArn"])["TagList"]
        tags = {tag["Key"]: tag["Value"] for tag in tags}
        if identifier != cluster_id + "-snap" or snapshot["Engine"] != "neptune" or snapshot["Status"] != "available":
            problems.append("%s: cluster %s, engine %s, status %s" % (identifier, cluster_id, snapshot["Engine"], snapshot["Status"]))
        if tags != {"load": config["tiny_prefix"], "cluster": cluster_id}:
            problems.append("%s: tags %s" % (identifier, tags))
    if problems:
        raise SystemExit("snapshot check FAILED:\n  %s" % "\n  ".join(problems))
    return {"snapshots": len(snapshots), "clusters": len(set(s["DBClusterIdentifier"] for s in snapshots))}


def cleanup(config_path):
    config = load_config(config_path)
    if not config.get("moto_url"):
        return {"deleted": 0}
    client = rds(config)
    prefix = prefix_of(config)
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
    return {"deleted": len(deleted)}


COMMANDS = {
    "setup": setup,
    "proxy": proxy,
    "calls": calls,
    "check-calls": check_calls,
    "check-run": check_run,
    "check-snapshots": check_snapshots,
    "cleanup": cleanup,
}


def main(argv):
    if len(argv) < 3 or argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    print(json.dumps(COMMANDS[argv[1]](*argv[2:])))


if __name__ == "__main__":
    main(sys.argv)
