# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The neptune_load target's own set-up and checks, on top of setup_neptune_fixture's neptune_fixture.py.

Run as `load_fixture.py --config CONFIG COMMAND ARGS...`, CONFIG being the integration config
ansible-test passes to runme.sh (-e @CONFIG, JSON). Clusters are made and snapshots read straight
on moto (moto_url), so the proxy neither records nor faults that. Every command prints one JSON
document; a failed check exits non-zero with what was wrong.

  setup PREFIX COUNT INVENTORY  # {"local": false} without moto_url; else creates COUNT Neptune
                                # clusters PREFIX-NN, writes INVENTORY (one host a cluster) and
                                # prints {"local": true, "clusters": COUNT}
  calls                         # the proxy's call log, summed up
  check-calls COUNT first|rerun FORKS # the proxy's log of a run: about a quarter of the calls
                                # throttled; COUNT creates reached moto, one a snapshot (first), or
                                # none (rerun); more than one call and at most FORKS in flight at once
  check-run RUN_JSON COUNT CHANGED  # the json callback's output of load.yml: COUNT hosts, each ok,
                                # its snapshot task changed (CHANGED=1) or not (0)
  check-snapshots PREFIX COUNT  # exactly COUNT manual snapshots PREFIX-*, one per cluster,
                                # available, with the tags load.yml gives
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "setup_neptune_fixture", "files"))
import neptune_fixture  # the shared fixture; ansible-test copies setup_neptune_fixture beside this target


def cluster_ids(prefix, count):
    return ["%s-%02d" % (prefix, number) for number in range(int(count))]


def setup(fixture, prefix, count, inventory):
    if not fixture.local:
        return {"local": False}
    clusters = cluster_ids(prefix, count)
    neptune_fixture.setup(fixture, {"clusters": [{"id": cluster_id, "engine": "neptune"} for cluster_id in clusters]})
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
    return {"local": True, "clusters": len(clusters)}


def calls(fixture):
    answer = neptune_fixture.proxy(fixture, "calls", method="GET")
    logged = answer["calls"]
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
        "max_in_flight": answer["max_in_flight"],
    }


def check_calls(fixture, count, run, forks):
    """The proxy's log of one run: a quarter throttled; first run: one create a snapshot; re-run: none;
    and the run made calls in parallel, at most forks at once (the proxy counts the calls in flight)."""
    summary, count, forks = calls(fixture), int(count), int(forks)
    ratio = summary["throttled"] / max(summary["calls"], 1)
    problems = []
    if not summary["throttled"] or not 0.2 <= ratio <= 0.3:
        problems.append("expected about a quarter of the calls throttled, got %d of %d" % (summary["throttled"], summary["calls"]))
    if not 1 < summary["max_in_flight"] <= forks:
        problems.append("expected between 2 and %d calls in flight at once (forks), the proxy saw at most %d"
                        % (forks, summary["max_in_flight"]))
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


def check_run(_fixture, run_json, count, changed):
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


def check_snapshots(fixture, prefix, count):
    found = sorted(s["DBClusterSnapshotIdentifier"] for s in neptune_fixture.manual_snapshots(fixture, prefix + "-"))
    clusters = cluster_ids(prefix, count)
    problems = []
    if found != sorted(c + "-snap" for c in clusters):
        problems.append("expected one snapshot per cluster, %s-NN-snap; found %s" % (prefix, found))
    snapshots = [neptune_fixture.describe(fixture, identifier) for identifier in found]
    for snapshot in snapshots:
        identifier, cluster_id = snapshot["identifier"], snapshot["cluster"]
        if identifier != cluster_id + "-snap" or snapshot["engine"] != "neptune" or snapshot["status"] != "available":
            problems.append("%s: cluster %s, engine %s, status %s" % (identifier, cluster_id, snapshot["engine"], snapshot["status"]))
        if snapshot["tags"] != {"load": fixture.config["tiny_prefix"], "cluster": cluster_id}:
            problems.append("%s: tags %s" % (identifier, snapshot["tags"]))
    if problems:
        raise SystemExit("snapshot check FAILED:\n  %s" % "\n  ".join(problems))
    return {"snapshots": len(snapshots), "clusters": len(set(s["cluster"] for s in snapshots))}


COMMANDS = {
    "setup": setup,
    "calls": calls,
    "check-calls": check_calls,
    "check-run": check_run,
    "check-snapshots": check_snapshots,
}


if __name__ == "__main__":
    neptune_fixture.main(sys.argv, COMMANDS, __doc__)
