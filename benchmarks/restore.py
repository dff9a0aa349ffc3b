# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore benchmark: how long after AWS has restored a Neptune cluster and its instance a playbook notices.

A restore is two writes and two waits: RestoreDBClusterFromSnapshot (a cluster with no instance), wait until
the cluster is available, CreateDBInstance (AWS adds instances to an available cluster only), wait until the
instance is available. Two lanes do it, each a whole `ansible-playbook` run against the proxy:

  ours  one task, graphops.neptune.neptune_cluster_restore (one instance, wait): it makes both writes and both
        waits, polling every 5 s (waiting.POLL_INTERVAL);
  peer  what a user of amazon.aws writes today. amazon.aws's rds_cluster and rds_instance refuse engine
        `neptune` (their `engine` choices), so the writes are command tasks (restore_writes.py: the one call
        each of `aws neptune restore-db-cluster-from-snapshot` and `aws neptune create-db-instance` makes), and
        the waits are amazon.aws.rds_cluster_info and rds_instance_info tasks repeated with until/retries and
        `delay: 20`, the delay of rds_cluster's own waiter (module_utils/waiters.py, DBClusterAvailable).

AWS's restore time is played by the proxy's timed status rules ("seconds"): the cluster answers `creating`
for T1 seconds from the answer to the restore, the instance for T2 seconds from the answer to its create,
however often anyone asks; run r of N adds r * 5 / N s to both, so that the runs meet the module's polls at
different phases. The proxy's log then tells, for each wait, when the resource became
available (the rule's ends_at) and when the lane first saw it so (the first describe answered with its real
status): the wait's overshoot. Every call is counted by action; each run's end state (the cluster and its
instance there, the instance in the cluster) is checked on moto, then both are deleted there.

Another lane (the role restore_drill, whose restore and instance waits are the module's) is a playbook
function in PLAYBOOKS and its end state in END_STATES ("gone": a drill tears down what it made).
"""

from __future__ import annotations

import datetime
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3

import endpoint
import playbook
import stats

REGION = endpoint.REGION
SOURCE_CLUSTER = "bench-restore-source"
SNAPSHOT = "bench-restore-snapshot"
CLUSTER_PREFIX = "bench-restore-"
INSTANCE_CLASS = "db.r6g.large"
WAIT_TIMEOUT = 5400  # the module's default: 90 minutes
POLL_INTERVAL = 5  # the module's (plugins/module_utils/waiting.py; tests/unit/benchmarks check it)
PEER_DELAY = 20  # amazon.aws rds_cluster's DBClusterAvailable waiter
PEER_RETRIES = WAIT_TIMEOUT // PEER_DELAY
ONE_READ = 0.5  # what a read that notices may add beyond a poll interval: its round trip, on a shared machine
LANES = ("ours", "peer")
LANE_TITLES = {
    "ours": "graphops.neptune.neptune_cluster_restore (one task)",
    "peer": "amazon.aws: rds_cluster_info / rds_instance_info polled every 20 s, writes by command",
}
DESCRIBE = {"cluster": "DescribeDBClusters", "instance": "DescribeDBInstances"}
RESTORE_CALL = "RestoreDBClusterFromSnapshot"
WRITES_SCRIPT = Path(__file__).resolve().parent / "restore_writes.py"


@dataclass
class RestoreScenario:
    key: str
    title: str
    cluster_seconds: float
    instance_seconds: float
    runs: int

    def offset(self, run: int) -> float:
        """What run `run` adds to both durations: the runs spread over one poll interval of the module, so that
        they meet its polls at different phases (a duration that is a multiple of 5 s always meets them just
        after the moment)."""
        return round(run * POLL_INTERVAL / self.runs, 2) if self.runs > 1 else 0.0

    def offsets(self) -> list:
        return [self.offset(run) for run in range(self.runs)]


def restore_scenario(runs: int, cluster_seconds: float, instance_seconds: float) -> RestoreScenario:
    return RestoreScenario("restore", "restore, cluster `creating` %g s, instance `creating` %g s" % (
        cluster_seconds, instance_seconds), cluster_seconds, instance_seconds, runs)


def wanted(only: set) -> bool:
    """Whether `only` (BENCH_ONLY's keys) asks for the restore part: empty (everything) or naming it."""
    return not only or "restore" in only


def cluster_id(lane: str, run: int) -> str:
    return "%s%s-%d" % (CLUSTER_PREFIX, lane, run)


def instance_id(cluster: str) -> str:
    """The module's name for a cluster's first instance; the peer's playbook uses the same."""
    return cluster + "-1"


def status_rules(cluster: str, scenario: RestoreScenario, run: int = 0) -> list:
    """The proxy's timed status rules: AWS's restore, then its instance, `creating` for their seconds (and the
    run's offset)."""
    offset = scenario.offset(run)
    return [{"type": "status", "cluster": cluster, "statuses": "creating", "seconds": scenario.cluster_seconds + offset},
            {"type": "status", "instance": instance_id(cluster), "statuses": "creating",
             "seconds": scenario.instance_seconds + offset}]


def read_budget(cluster_seconds: float, instance_seconds: float, poll: float = POLL_INTERVAL) -> int:
    """The reads the module may make for a restore of one instance with wait: the cluster before the restore,
    the snapshot, the instances once created (3), and per wait one read per poll interval the resource is not
    available, plus the one that finds it available."""
    return 3 + math.ceil(cluster_seconds / poll) + 1 + math.ceil(instance_seconds / poll) + 1


# ---- the lanes' playbooks ------------------------------------------------------------------------------------
def ours_playbook(cluster: str, endpoint_url: str) -> list:
    return [{
        "name": "Restore a Neptune cluster with its instance",
        "hosts": "all",
        "gather_facts": False,
        "module_defaults": {"group/graphops.neptune.aws": {"region": REGION, "endpoint_url": endpoint_url}},
        "tasks": [{
            "name": "Restore the snapshot, add the instance, wait until both are available",
            "graphops.neptune.neptune_cluster_restore": {
                "db_cluster_identifier": cluster, "snapshot": SNAPSHOT, "instance_count": 1,
                "instance_class": INSTANCE_CLASS, "wait": True, "wait_timeout": WAIT_TIMEOUT},
        }],
    }]


def peer_playbook(cluster: str, endpoint_url: str) -> list:
    """The tasks a user writes with amazon.aws: writes by command, waits by an info module in an until loop."""
    write = ["{{ ansible_python_interpreter }}", str(WRITES_SCRIPT)]
    return [{
        "name": "Restore a Neptune cluster with its instance, amazon.aws and the aws CLI",
        "hosts": "all",
        "gather_facts": False,
        "module_defaults": {"group/aws": {"region": REGION, "endpoint_url": endpoint_url}},
        "vars": {"cluster": cluster, "instance": instance_id(cluster)},
        "tasks": [
            {"name": "Restore the snapshot (aws neptune restore-db-cluster-from-snapshot)",
             "ansible.builtin.command": {"argv": write + ["restore-cluster", "--endpoint-url", endpoint_url,
                                                          "--cluster", "{{ cluster }}", "--snapshot", SNAPSHOT]},
             "changed_when": True},
            {"name": "Wait until the cluster is available",
             "amazon.aws.rds_cluster_info": {"db_cluster_identifier": "{{ cluster }}"},
             "register": "cluster_info",
             "until": "cluster_info.clusters | length > 0 and cluster_info.clusters[0].status == 'available'",
             "retries": PEER_RETRIES, "delay": PEER_DELAY},
            {"name": "Add the instance (aws neptune create-db-instance)",
             "ansible.builtin.command": {"argv": write + ["create-instance", "--endpoint-url", endpoint_url,
                                                          "--cluster", "{{ cluster }}", "--instance", "{{ instance }}",
                                                          "--instance-class", INSTANCE_CLASS]},
             "changed_when": True},
            {"name": "Wait until the instance is available",
             "amazon.aws.rds_instance_info": {"db_instance_identifier": "{{ instance }}"},
             "register": "instance_info",
             "until": ("instance_info.instances | length > 0 and "
                       "instance_info.instances[0].db_instance_status == 'available'"),
             "retries": PEER_RETRIES, "delay": PEER_DELAY},
        ],
    }]


PLAYBOOKS = {"ours": ours_playbook, "peer": peer_playbook}
# What a lane leaves: "serving" (the cluster and its instance), or "gone" (a lane that tears down).
END_STATES = {"ours": "serving", "peer": "serving"}


def write_playbook(run_dir: Path, plays: list) -> tuple:
    run_dir.mkdir(parents=True, exist_ok=True)
    inventory = {"all": {"hosts": {"localhost": {}}, "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}
    (run_dir / "inventory.json").write_text(json.dumps(inventory, indent=2))
    (run_dir / "playbook.json").write_text(json.dumps(plays, indent=2))
    return run_dir / "inventory.json", run_dir / "playbook.json"


# ---- reading the proxy's log -----------------------------------------------------------------------------------
def timed_rules(rules: list) -> dict:
    """{"cluster": rule, "instance": rule} of the proxy's timed status rules (GET /_proxy/rules)."""
    found = {}
    for rule in rules:
        if rule.get("type") == "status" and rule.get("seconds") is not None:
            found[rule["kind"]] = rule
    return found


def noticed_at(calls: list, kind: str, rule: dict) -> float | None:
    """When a describe first answered with the resource's real status once the rule had ended, or None."""
    if not rule or rule.get("ends_at") is None:
        return None
    for call in calls:
        if (call.get("action") == DESCRIBE[kind] and call.get("status") == 200 and call.get("rewritten_status") is None
                and (call.get("answered_at") or 0) >= rule["ends_at"]):
            return call["answered_at"]
    return None


def wait_figures(calls: list, rules: list) -> dict:
    """Per wait, when the resource became available and how long after that the lane noticed (its overshoot);
    the time between noticing the cluster and the instance's create being answered (the lane's step between the
    waits); and the time to restore: from the restore call to noticing the instance, and its overshoot beyond
    the two rules' seconds. Seconds; None where the log does not tell."""
    rules_by_kind = timed_rules(rules)
    figures = {"overshoot": {}, "between": None, "time_to_restore": None, "restore_overshoot": None}
    noticed = {}
    for kind in DESCRIBE:
        rule = rules_by_kind.get(kind)
        noticed[kind] = noticed_at(calls, kind, rule)
        figures["overshoot"][kind] = None if noticed[kind] is None else noticed[kind] - rule["ends_at"]
    instance_rule = rules_by_kind.get("instance") or {}
    if noticed["cluster"] is not None and instance_rule.get("started_at") is not None:
        figures["between"] = instance_rule["started_at"] - noticed["cluster"]
    restore = next((call for call in calls if call.get("action") == RESTORE_CALL), None)
    if restore is not None and noticed["instance"] is not None and len(rules_by_kind) == 2:
        figures["time_to_restore"] = noticed["instance"] - restore["at"]
        figures["restore_overshoot"] = figures["time_to_restore"] - sum(r["seconds"] for r in rules_by_kind.values())
    return figures


# ---- the fixture ---------------------------------------------------------------------------------------------
class Fixture:
    """The snapshot to restore, and each run's end state and clean-up, straight on moto (never counted)."""

    def __init__(self, moto_url: str):
        self.client = boto3.client("neptune", region_name=REGION, endpoint_url=moto_url, **endpoint.CREDENTIALS)

    def create_snapshot(self) -> None:
        self.client.create_db_cluster(DBClusterIdentifier=SOURCE_CLUSTER, Engine="neptune")
        self.client.create_db_cluster_snapshot(DBClusterSnapshotIdentifier=SNAPSHOT, DBClusterIdentifier=SOURCE_CLUSTER)

    def state(self, cluster: str) -> dict:
        """What is there of the run's cluster: {"cluster": bool, "instances": [(id, its cluster)]}."""
        try:
            found = self.client.describe_db_clusters(DBClusterIdentifier=cluster)["DBClusters"]
        except self.client.exceptions.DBClusterNotFoundFault:
            found = []
        instances = self.client.describe_db_instances(Filters=[{"Name": "db-cluster-id", "Values": [cluster]}])
        return {"cluster": bool(found), "instances": sorted(
            (i["DBInstanceIdentifier"], i.get("DBClusterIdentifier")) for i in instances["DBInstances"])}

    def remove(self, cluster: str) -> None:
        for instance, _cluster in self.state(cluster)["instances"]:
            self.client.delete_db_instance(DBInstanceIdentifier=instance, SkipFinalSnapshot=True)
        try:
            self.client.delete_db_cluster(DBClusterIdentifier=cluster, SkipFinalSnapshot=True)
        except self.client.exceptions.DBClusterNotFoundFault:
            pass


def expected_state(cluster: str, end_state: str) -> dict:
    if end_state == "gone":
        return {"cluster": False, "instances": []}
    return {"cluster": True, "instances": [(instance_id(cluster), cluster)]}


# ---- the runs ------------------------------------------------------------------------------------------------
class RestoreBench:
    def __init__(self, moto_url: str, proxy: endpoint.Proxy, env: dict, work_dir: Path, latency: float):
        self.fixture, self.proxy, self.env = Fixture(moto_url), proxy, env
        self.work_dir, self.latency = work_dir, latency

    def one_run(self, scenario: RestoreScenario, lane: str, run: int) -> dict:
        """One run; repeated when moto's server raced (playbook.MOTO_RACE)."""
        return playbook.repeat_on_moto_race(lambda: self.attempt(scenario, lane, run))

    def attempt(self, scenario: RestoreScenario, lane: str, run: int) -> dict:
        cluster = cluster_id(lane, run) if scenario.key == "restore" else cluster_id(lane + "-" + scenario.key, run)
        self.fixture.remove(cluster)
        self.proxy.prepare(self.latency)
        timed = status_rules(cluster, scenario, run)
        for rule in timed:
            self.proxy.add_rule(rule)
        run_dir = self.work_dir / "runs" / ("%s-%s-%d" % (scenario.key, lane, run))
        inventory, book = write_playbook(run_dir, PLAYBOOKS[lane](cluster, self.proxy.url))
        result = playbook.run_playbook(inventory, book, self.env)
        calls, rules = self.proxy.calls(), self.proxy.rules()
        result["calls"] = stats.count_actions(calls)
        result.update(wait_figures(calls, rules))
        result["aws_seconds"] = sum(rule["seconds"] for rule in timed)
        result["wall_overshoot"] = result["seconds"] - result["aws_seconds"]
        end = self.fixture.state(cluster)
        result["end_state_ok"] = end == expected_state(cluster, END_STATES[lane])
        if not result["end_state_ok"]:
            result["end_state"] = end
        self.fixture.remove(cluster)
        status = "ok" if result["ok"] else "FAILED: " + result["message"]
        overshoot = result["overshoot"]
        print("  %-8s %-4s run %d: %6.1f s, overshoot cluster %s s, instance %s s, to restore %s s, %2d calls, "
              "end state %s, %s" % (scenario.key, lane, run, result["seconds"], fmt(overshoot["cluster"]),
                                    fmt(overshoot["instance"]), fmt(result["restore_overshoot"]),
                                    sum(result["calls"].values()), result["end_state_ok"], status), flush=True)
        return result

    def run_scenario(self, scenario: RestoreScenario, lanes: list) -> dict:
        results = {lane: [] for lane in lanes}
        print("restore: %s (%d runs a lane)" % (scenario.title, scenario.runs), flush=True)
        began = time.perf_counter()
        for run in range(scenario.runs):
            shift = run % len(lanes)
            for lane in lanes[shift:] + lanes[:shift]:  # interleaved: each lane goes first in turn
                results[lane].append(self.one_run(scenario, lane, run))
        return {"key": scenario.key, "title": scenario.title, "cluster_seconds": scenario.cluster_seconds,
                "instance_seconds": scenario.instance_seconds, "offsets": scenario.offsets(), "runs": results,
                "seconds": time.perf_counter() - began}


def fmt(value) -> str:
    return "n/a" if value is None else "%.1f" % value


def measure(work_dir: Path, env: dict, scenario: RestoreScenario, latency_ms: float, local_aws, save=None) -> dict:
    """Runs the restore scenario on a moto server of its own and returns the results document's "restore" part;
    save(part), if given, once measured."""
    lanes = [lane for lane in LANES if lane in PLAYBOOKS]
    part = {"settings": {"region": REGION, "latency_ms": latency_ms, "poll_interval": POLL_INTERVAL,
                         "peer_delay": PEER_DELAY, "wait_timeout": WAIT_TIMEOUT, "instance_class": INSTANCE_CLASS,
                         "runs": scenario.runs, "lanes": lanes, "one_read": ONE_READ,
                         "read_budget": read_budget(scenario.cluster_seconds + max(scenario.offsets()),
                                                    scenario.instance_seconds + max(scenario.offsets()))},
            "scenarios": [], "load_start": list(os.getloadavg())}
    began = time.perf_counter()
    with local_aws(work_dir / "aws-restore") as info:
        bench = RestoreBench(info["moto_url"], endpoint.Proxy(info["proxy_url"]), env, work_dir / "restore",
                             latency_ms / 1000.0)
        bench.fixture.create_snapshot()
        warm_up = RestoreScenario("warm-up", "warm-up", 1, 1, 1)
        for lane in lanes:  # the first run of each lane compiles and caches what it loads; not counted
            bench.one_run(warm_up, lane, 0)
        part["scenarios"].append(bench.run_scenario(scenario, lanes))
    part["load_end"] = list(os.getloadavg())
    part["seconds"] = time.perf_counter() - began
    part["measured_at"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if save:
        save(part)
    return part
