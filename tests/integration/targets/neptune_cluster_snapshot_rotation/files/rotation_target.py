# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The neptune_cluster_snapshot_rotation target's helpers, on top of setup_neptune_fixture's neptune_fixture.py.

Reads and set-up go straight to moto (FIXTURE_ENDPOINT_URL), past the proxy, with the credentials of the
usual AWS_* variables; the proxy is PROXY_URL (its control API, and the endpoint of the hand-made copies,
which must pass through it as AWS-shaped calls). Every command prints one JSON document.

  setup PREFIX SPEC           # SPEC: {"clusters": [NAME], "snapshots": [{"id", "cluster", "tags"}]}, names
                              # without "PREFIX-": neptune_fixture.py's setup of PREFIX-NAME Neptune clusters
                              # and snapshots (in AWS_DEFAULT_REGION); {"clusters": N, "snapshots": N}
  time-rules SPEC             # SPEC: {"clusters": [ID], "name", "days": [D], "times": ["030000"]}: one
                              # create_time rule per identifier ID-NAME-203002DD-HHMMSS (every region),
                              # 2030-02-DD HH:MM:SS UTC; prints {"rules": N}
  listing PREFIX NAMES REGION...  # NAMES: JSON list of cluster names; {REGION: sorted IDs of its manual snapshots
                              # that start with PREFIX-NAME- for one of them}
  count REGION                # {"manual": manual DB cluster snapshots of REGION, every engine}
  stop CLUSTER                # StopDBCluster (moto stops Neptune clusters); {"status": ...}
  delete-cluster CLUSTER      # deletes the cluster, not its manual snapshots; {"deleted": ID}
  hand-copy SPEC              # SPEC: {"from": REGION, "source": ID, "to": REGION, "target": ID,
                              # "copy_tags": bool, "tags": {}}: CopyDBClusterSnapshot through the proxy,
                              # as a person would (CopyTags copies the source's tags); {"copied": ID,
                              # "source_arn": as the proxy's answer gives it, "tags": the copy's, read on moto}
  observe PREFIX RESULT       # after a run (without AWS calls, so without boto3: it runs after every run):
                              # {"digest": RESULT (the module's `clusters`) by cluster without "PREFIX-",
                              # its created/kept/pruned (and dr_*) as tokens: "DD" for a 03:00:00 snapshot
                              # of 2030-02-DD, "DD@HHMMSS" at another time, other keys left out;
                              # "calls": the proxy's call log summed up: {"by_action": {ACTION: N}, "calls": N,
                              # "check_mode": N (calls marked as check mode's), "writes": [ACTION],
                              # "answers": {ACTION: {SNAPSHOT: [HTTP status of each call]}} of the writes}}
"""

import json
import os
import re
import sys
import urllib.request

FIXTURE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "setup_neptune_fixture", "files")

MONTH = "203002"
# A copy's identifier ends in the region it came from: -us-east-1.
TOKEN = re.compile(r"-" + MONTH + r"(\d\d)-(\d{6})(-[a-z]{2}(?:-[a-z]+)+-\d)?$")
LISTS = ("kept", "pruned", "dr_kept", "dr_pruned")
SINGLES = ("created", "dr_created")


def proxy_url():
    return os.environ["PROXY_URL"].rstrip("/")


def post_rule(rule):
    request = urllib.request.Request(proxy_url() + "/_proxy/rules", data=json.dumps(rule).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def setup(fixture, prefix, spec):
    import neptune_fixture  # pylint: disable=import-outside-toplevel  # on sys.path from main

    spec = json.loads(spec)
    made = neptune_fixture.setup(fixture, {
        "clusters": [{"id": "%s-%s" % (prefix, name), "engine": "neptune"} for name in spec.get("clusters", [])],
        "snapshots": [dict(s, id="%s-%s" % (prefix, s["id"]), cluster="%s-%s" % (prefix, s["cluster"]))
                      for s in spec.get("snapshots", [])],
    })
    return {"clusters": len(made["clusters"]), "snapshots": len(made["snapshots"])}


def time_rules(fixture, spec):
    spec, count = json.loads(spec), 0
    for cluster in spec["clusters"]:
        for day in spec["days"]:
            for at in spec.get("times", ["030000"]):
                identifier = "%s-%s-%s%02d-%s" % (cluster, spec["name"], MONTH, day, at)
                for snapshot in [identifier] + ["%s-%s" % (identifier, region) for region in spec.get("regions", [])]:
                    post_rule({"type": "create_time", "snapshot": snapshot,
                               "time": "2030-02-%02dT%s:%s:%sZ" % (day, at[:2], at[2:4], at[4:])})
                    count += 1
    return {"rules": count}


def region_client(region, endpoint_url=None):
    import boto3  # pylint: disable=import-outside-toplevel  # observe, run after every run, does without it

    return boto3.client("rds", region_name=region, endpoint_url=endpoint_url or os.environ.get("FIXTURE_ENDPOINT_URL") or None)


def manual(region):
    pages = region_client(region).get_paginator("describe_db_cluster_snapshots").paginate(SnapshotType="manual")
    return [s for page in pages for s in page["DBClusterSnapshots"]]


def listing(fixture, prefix, names, *regions):
    starts = tuple("%s-%s-" % (prefix, name) for name in json.loads(names))
    return {region: sorted(s["DBClusterSnapshotIdentifier"] for s in manual(region)
                           if s["DBClusterSnapshotIdentifier"].startswith(starts)) for region in regions}


def count(fixture, region):
    return {"manual": len(manual(region))}


def stop(fixture, cluster):
    return {"status": fixture.client("neptune").stop_db_cluster(DBClusterIdentifier=cluster)["DBCluster"]["Status"]}


def delete_cluster(fixture, cluster):
    fixture.client("neptune").delete_db_cluster(DBClusterIdentifier=cluster, SkipFinalSnapshot=True)
    return {"deleted": cluster}


def hand_copy(fixture, spec):
    spec = json.loads(spec)
    source = spec["source"]
    request = {"TargetDBClusterSnapshotIdentifier": spec["target"], "CopyTags": bool(spec.get("copy_tags"))}
    if spec["from"] != spec["to"]:
        source = region_client(spec["from"]).describe_db_cluster_snapshots(
            DBClusterSnapshotIdentifier=source)["DBClusterSnapshots"][0]["DBClusterSnapshotArn"]
        request["SourceRegion"] = spec["from"]
    if spec.get("tags"):
        request["Tags"] = [{"Key": key, "Value": value} for key, value in spec["tags"].items()]
    copied = region_client(spec["to"], proxy_url()).copy_db_cluster_snapshot(
        SourceDBClusterSnapshotIdentifier=source, **request)["DBClusterSnapshot"]
    tags = region_client(spec["to"]).list_tags_for_resource(ResourceName=copied["DBClusterSnapshotArn"])["TagList"]
    return {"copied": copied["DBClusterSnapshotIdentifier"], "source_arn": copied.get("SourceDBClusterSnapshotArn"),
            "tags": {tag["Key"]: tag["Value"] for tag in tags}}


def token(prefix, identifier, copy=False):
    """DD or DD@HHMMSS; copy: the identifier must end in a region (and the token leaves it out)."""
    if identifier is None:
        return None
    match = TOKEN.search(identifier)
    if not identifier.startswith(prefix + "-") or not match or bool(match.group(3)) != copy:
        return "?" + identifier  # not a rotation identifier of this target: shown whole, so it fails the check
    return match.group(1) if match.group(2) == "030000" else "%s@%s" % match.group(1, 2)


def digest(prefix, result):
    digested = {}
    for cluster, entry in json.loads(result).items():
        short = {key: token(prefix, entry[key], key.startswith("dr_")) for key in SINGLES if key in entry}
        short.update({key: [token(prefix, i, key.startswith("dr_")) for i in entry[key]] for key in LISTS if key in entry})
        digested[cluster[len(prefix) + 1:] if cluster.startswith(prefix + "-") else cluster] = short
    return digested


def calls():
    with urllib.request.urlopen(proxy_url() + "/_proxy/calls", timeout=10) as answer:
        logged = json.load(answer)["calls"]
    by_action, answers = {}, {}
    for call in logged:
        by_action[call["action"]] = by_action.get(call["action"], 0) + 1
        if not call["action"].startswith(("Describe", "List")):
            answers.setdefault(call["action"], {}).setdefault(call["snapshot"], []).append(call["status"])
    # Per-region endpoints: calls refused for being signed for another region than their endpoint's, calls sent to
    # the shared endpoint (which serves every region, as no real endpoint does), and copies whose PreSignedUrl
    # names another endpoint than its source region's.
    endpoints = {"wrong_region": sum(1 for c in logged if c.get("synthesized") == "wrong-region"),
                 "shared": sum(1 for c in logged if c.get("endpoint_region") is None),
                 "presigned_elsewhere": sum(1 for c in logged if c.get("presigned_url")
                                            and c["presigned_url"]["signed_for"] != c["presigned_url"]["endpoint_region"])}
    return {"by_action": by_action, "calls": len(logged), "check_mode": sum(1 for c in logged if c["check_mode"]),
            "writes": sorted(answers), "answers": answers, "endpoints": endpoints}


def observe(prefix, result):
    return {"digest": digest(prefix, result), "calls": calls()}


COMMANDS = {"setup": setup, "time-rules": time_rules, "listing": listing, "count": count, "stop": stop, "delete-cluster": delete_cluster,
            "hand-copy": hand_copy}


def main(argv):
    if argv[1:2] == ["observe"]:
        print(json.dumps(observe(*argv[2:])))
        return
    sys.path.insert(0, FIXTURE_DIR)
    import neptune_fixture  # pylint: disable=import-outside-toplevel  # ansible-test copies it beside this target

    neptune_fixture.main(argv, COMMANDS, __doc__)


if __name__ == "__main__":
    main(sys.argv)
