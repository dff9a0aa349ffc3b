# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation benchmark: one steady night of snapshot rotation over N clusters, three ways, side by side.

  module  the role graphops.neptune.snapshot_rotation of this tree: a thin wrapper over the module
          neptune_cluster_snapshot_rotation;
  v100    the same role as released in 1.0.0 (tasks with Jinja filter chains, plugins/filter/rotation.py, one
          neptune_cluster_snapshot task per snapshot), taken from git with `git archive` into a scratch tree;
  plain   the playbook a user would write with amazon.aws alone: rds_snapshot_info to list each cluster's
          snapshots, rds_cluster_snapshot in a loop to create (wait) and copy (wait), set_fact and Jinja to pick
          the snapshots beyond keep_last, rds_cluster_snapshot state=absent in a loop to delete them.

A steady night: every cluster holds KEEP_LAST snapshots of the rotation, taken on HISTORY_DAYS (and, with a DR
region, their copies there), so the run at NOW makes one snapshot (and one copy) per cluster and prunes one
(and one copy). The history is made straight on moto (never through the proxy, so never counted) and reset
before each run: what the previous run made is deleted, what it pruned made again. The proxy's create_time
rules give each day's snapshots that day as SnapshotCreateTime (moto stamps the real time), in both regions.

Every run is a whole `ansible-playbook` run against the proxy; calls are counted by action from its log, and
each run's end state (the snapshots left of each cluster, in both regions) is checked.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

import boto3

import endpoint
import playbook
import stats

REGION = endpoint.REGION
DR_REGION = "us-west-2"
NAME = "nightly"
KEEP_LAST = 3
CLUSTER_PREFIX = "bench-rot-"
HISTORY_DAYS = (1, 2, 3)
NIGHT = 4  # the day the benchmark's runs treat as now
NOW = datetime.datetime(2030, 1, NIGHT, 3, 0, 0, tzinfo=datetime.timezone.utc)
TIMESTAMP_FORMAT = "%Y%m%d-%H%M%S"  # rotation_marks.TIMESTAMP_FORMAT
# The marks the module prunes by (rotation_marks.py); the 1.0.0 role looks at ROTATION_TAG alone.
ROTATION_TAG = "graphops.neptune/rotation"
REGION_TAG = "graphops.neptune/rotation-region"
COPIED_FROM_TAG = "graphops.neptune/rotation-copied-from"
ORIGINAL_TAGS = {ROTATION_TAG: NAME, REGION_TAG: REGION}
COPY_TAGS = {ROTATION_TAG: NAME, COPIED_FROM_TAG: REGION}
# The commit of the 1.0.0 role, and what of it the scratch tree holds (meta/runtime.yml: the action group
# module_defaults name).
V100_COMMIT = "a33cc9f"
V100_PATHS = ("roles/snapshot_rotation", "plugins/filter", "plugins/modules", "plugins/module_utils",
              "meta", "galaxy.yml")
ROLE = "graphops.neptune.snapshot_rotation"
VARIANTS = ("module", "v100", "plain")
VARIANT_TITLES = {
    "module": "module (the role, now)",
    "v100": "1.0.0 role",
    "plain": "plain amazon.aws playbook",
}
WAIT_TIMEOUT = 900


@dataclass
class RotationScenario:
    key: str
    title: str
    clusters: int
    dr: bool
    runs: int

    def cluster_ids(self) -> list:
        return cluster_ids(self.clusters)


def cluster_ids(count: int) -> list:
    return ["%s%03d" % (CLUSTER_PREFIX, number) for number in range(count)]


def day(number: int) -> datetime.datetime:
    return NOW.replace(day=number)


def snapshot_id(cluster: str, on: datetime.datetime) -> str:
    """The identifier the rotation NAME gives cluster's snapshot of a run at `on` (all three variants)."""
    return "%s-%s-%s" % (cluster, NAME, on.strftime(TIMESTAMP_FORMAT))


def rotation_scenarios(sizes: list, runs: int, large_runs: int | None = None) -> list:
    """For each size, a night without and with a DR region; the largest size gets large_runs runs if given."""
    largest = max(sizes) if sizes else None
    scenarios = []
    for size in sizes:
        count = min(runs, large_runs) if large_runs and size == largest and len(sizes) > 1 else runs
        scenarios.append(RotationScenario("rotation-%d" % size, "%d clusters" % size, size, False, count))
        scenarios.append(RotationScenario("rotation-%d-dr" % size, "%d clusters, DR copies" % size, size, True, count))
    return scenarios


def wanted_keys(only: set, scenarios: list) -> list:
    """The scenarios `only` selects: "rotation" is all of them, a key one of them; nothing else, none."""
    if not only:
        return list(scenarios)
    return [s for s in scenarios if "rotation" in only or s.key in only]


def copy_id(identifier: str, variant: str) -> str:
    """The identifier of a DR copy: the module's ends in the region it came from; the others keep the source's."""
    return "%s-%s" % (identifier, REGION) if variant == "module" else identifier


def history(clusters: list, dr: bool, variant: str = "module") -> dict:
    """{region: {identifier: (cluster, tags)}} a steady night of variant starts from."""
    wanted = {REGION: {}, DR_REGION: {}}
    for cluster in clusters:
        for number in HISTORY_DAYS:
            identifier = snapshot_id(cluster, day(number))
            wanted[REGION][identifier] = (cluster, ORIGINAL_TAGS)
            if dr:
                wanted[DR_REGION][copy_id(identifier, variant)] = (cluster, COPY_TAGS)
    return wanted


def expected_after(clusters: list, dr: bool, variant: str = "module") -> dict:
    """{region: sorted identifiers} a steady night ends with: the oldest pruned, tonight's made."""
    days = list(HISTORY_DAYS[1:]) + [NIGHT]
    left = sorted(snapshot_id(cluster, day(number)) for cluster in clusters for number in days)
    return {REGION: left, DR_REGION: sorted(copy_id(i, variant) for i in left) if dr else []}


def create_time_rules(clusters: list) -> list:
    """The proxy's create_time rules: each day's snapshot, and its copy under either name, taken that day."""
    rules = []
    for cluster in clusters:
        for number in list(HISTORY_DAYS) + [NIGHT]:
            identifier, at = snapshot_id(cluster, day(number)), day(number).strftime("%Y-%m-%dT%H:%M:%SZ")
            rules += [{"type": "create_time", "snapshot": i, "time": at} for i in (identifier, copy_id(identifier, "module"))]
    return rules


# ---- the three variants' playbooks ------------------------------------------------------------------------
def role_playbook(scenario: RotationScenario, endpoint_url: str) -> list:
    """The role (this tree's or 1.0.0's, by ANSIBLE_COLLECTIONS_PATH) as its README shows it."""
    role_vars = {
        "snapshot_rotation_clusters": scenario.cluster_ids(),
        "snapshot_rotation_name": NAME,
        "snapshot_rotation_keep_last": KEEP_LAST,
        "snapshot_rotation_now": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "snapshot_rotation_wait_timeout": WAIT_TIMEOUT,
    }
    if scenario.dr:
        role_vars["snapshot_rotation_dr_region"] = DR_REGION
        # The proxy's shared endpoint serves both regions: said so, as the role needs with a custom endpoint_url.
        role_vars["snapshot_rotation_dr_endpoint_url"] = endpoint_url
    return [{
        "name": "Rotate the Neptune snapshots",
        "hosts": "all",
        "gather_facts": False,
        "module_defaults": {"group/graphops.neptune.aws": {"region": REGION, "endpoint_url": endpoint_url}},
        "roles": [{"role": ROLE, "vars": role_vars}],
    }]


# Pick, of one cluster's listing (item: one result of the rds_snapshot_info loop), its rotation's available
# snapshots, oldest first, and keep the newest KEEP_LAST - 1 besides tonight's.
PICK_MINE = ("{{ item.cluster_snapshots | selectattr('status', 'eq', 'available')"
             " | selectattr('db_cluster_snapshot_identifier', 'match', item.item ~ '-' ~ rotation_name ~ '-[0-9]{8}-[0-9]{6}$')"
             " | sort(attribute='snapshot_create_time') | map(attribute='db_cluster_snapshot_identifier') | list }}")
BEYOND_KEEP_LAST = "{{ (%s | default([])) + mine[:[mine | length - keep_last + 1, 0] | max] }}"


def plain_playbook(scenario: RotationScenario, endpoint_url: str) -> list:
    """What a user would write with amazon.aws alone, task for task."""
    stamp = NOW.strftime(TIMESTAMP_FORMAT)
    new_id = "{{ item }}-{{ rotation_name }}-{{ stamp }}"
    tasks = [
        {"name": "List each cluster's manual snapshots",
         "amazon.aws.rds_snapshot_info": {"db_cluster_identifier": "{{ item }}", "snapshot_type": "manual"},
         "loop": "{{ clusters }}", "register": "listed"},
        {"name": "Snapshot each cluster and wait until it is available",
         "amazon.aws.rds_cluster_snapshot": {"db_cluster_snapshot_identifier": new_id,
                                             "db_cluster_identifier": "{{ item }}", "tags": "{{ snapshot_tags }}",
                                             "wait": True, "wait_timeout": WAIT_TIMEOUT},
         "loop": "{{ clusters }}", "register": "created"},
    ]
    if scenario.dr:
        tasks += [
            {"name": "List each cluster's copies in the DR region",
             "amazon.aws.rds_snapshot_info": {"region": "{{ dr_region }}", "db_cluster_identifier": "{{ item }}",
                                              "snapshot_type": "manual"},
             "loop": "{{ clusters }}", "register": "dr_listed"},
            {"name": "Copy each new snapshot to the DR region and wait until it is available",
             "amazon.aws.rds_cluster_snapshot": {
                 "region": "{{ dr_region }}", "db_cluster_snapshot_identifier": "{{ item.db_cluster_snapshot_identifier }}",
                 "source_db_cluster_snapshot_identifier": "{{ item.db_cluster_snapshot_arn }}",
                 "source_region": REGION, "tags": "{{ copy_tags }}", "wait": True, "wait_timeout": WAIT_TIMEOUT},
             "loop": "{{ created.results }}", "loop_control": {"label": "{{ item.db_cluster_snapshot_identifier }}"}},
        ]
    tasks += [
        {"name": "Pick the snapshots beyond keep_last (tonight's counts)",
         "ansible.builtin.set_fact": {"prune": BEYOND_KEEP_LAST % "prune"},
         "vars": {"mine": PICK_MINE}, "loop": "{{ listed.results }}", "loop_control": {"label": "{{ item.item }}"}},
        {"name": "Delete them",
         "amazon.aws.rds_cluster_snapshot": {"db_cluster_snapshot_identifier": "{{ item }}", "state": "absent"},
         "loop": "{{ prune | default([]) }}"},
    ]
    if scenario.dr:
        tasks += [
            {"name": "Pick the copies beyond keep_last in the DR region",
             "ansible.builtin.set_fact": {"dr_prune": BEYOND_KEEP_LAST % "dr_prune"},
             "vars": {"mine": PICK_MINE}, "loop": "{{ dr_listed.results }}", "loop_control": {"label": "{{ item.item }}"}},
            {"name": "Delete them in the DR region",
             "amazon.aws.rds_cluster_snapshot": {"region": "{{ dr_region }}", "db_cluster_snapshot_identifier": "{{ item }}",
                                                 "state": "absent"},
             "loop": "{{ dr_prune | default([]) }}"},
        ]
    return [{
        "name": "Rotate the Neptune snapshots with amazon.aws",
        "hosts": "all",
        "gather_facts": False,
        "module_defaults": {"group/aws": {"region": REGION, "endpoint_url": endpoint_url}},
        "vars": {"clusters": scenario.cluster_ids(), "rotation_name": NAME, "keep_last": KEEP_LAST, "stamp": stamp,
                 "dr_region": DR_REGION, "snapshot_tags": ORIGINAL_TAGS, "copy_tags": COPY_TAGS},
        "tasks": tasks,
    }]


def write_playbook(run_dir: Path, plays: list) -> tuple:
    run_dir.mkdir(parents=True, exist_ok=True)
    inventory = {"all": {"hosts": {"localhost": {}}, "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}
    (run_dir / "inventory.json").write_text(json.dumps(inventory, indent=2))
    (run_dir / "playbook.json").write_text(json.dumps(plays, indent=2))
    return run_dir / "inventory.json", run_dir / "playbook.json"


def v100_tree(repo: Path, work_dir: Path, commit: str = V100_COMMIT) -> Path:
    """A scratch collection tree with the 1.0.0 role and its plugins (`git archive`), for ANSIBLE_COLLECTIONS_PATH."""
    tree = work_dir / "collections-1.0.0"
    target = tree / "ansible_collections" / "graphops" / "neptune"
    target.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", commit, *V100_PATHS],
                             capture_output=True, check=True)
    archive_path = work_dir / "v100.tar"
    archive_path.write_bytes(archive.stdout)
    with tarfile.open(archive_path) as tar:
        tar.extractall(target, filter="data")
    return tree


# ---- the fixture ------------------------------------------------------------------------------------------
class Fixture:
    """Clusters and their history, straight on moto (never through a proxy, so never counted)."""

    def __init__(self, moto_url: str):
        self.clients = {region: boto3.client("rds", region_name=region, endpoint_url=moto_url, **endpoint.CREDENTIALS)
                        for region in (REGION, DR_REGION)}

    def create_clusters(self, clusters: list) -> None:
        for cluster in clusters:
            self.clients[REGION].create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")

    def listing(self, region: str) -> dict:
        """{identifier: snapshot} of the benchmark's manual snapshots in region."""
        found = {}
        for page in self.clients[region].get_paginator("describe_db_cluster_snapshots").paginate(SnapshotType="manual"):
            for snapshot in page["DBClusterSnapshots"]:
                if snapshot["DBClusterSnapshotIdentifier"].startswith(CLUSTER_PREFIX):
                    found[snapshot["DBClusterSnapshotIdentifier"]] = snapshot
        return found

    def reset(self, wanted: dict) -> dict:
        """Make the benchmark's snapshots exactly `wanted` (history()): delete the others, make the missing ones
        (originals first: copies need them). Returns how many were deleted and made."""
        counts = {"deleted": 0, "made": 0}
        arns = {}
        for region in (REGION, DR_REGION):
            client, existing = self.clients[region], self.listing(region)
            for identifier in sorted(set(existing) - set(wanted[region])):
                client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=identifier)
                counts["deleted"] += 1
            for identifier, (cluster, tags) in sorted(wanted[region].items()):
                if identifier in existing:
                    arns[identifier] = existing[identifier]["DBClusterSnapshotArn"]
                    continue
                tag_list = [{"Key": key, "Value": value} for key, value in tags.items()]
                if region == REGION:
                    made = client.create_db_cluster_snapshot(DBClusterSnapshotIdentifier=identifier,
                                                             DBClusterIdentifier=cluster, Tags=tag_list)
                    arns[identifier] = made["DBClusterSnapshot"]["DBClusterSnapshotArn"]
                else:
                    client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=arns[identifier],
                                                    TargetDBClusterSnapshotIdentifier=identifier,
                                                    SourceRegion=REGION, Tags=tag_list)
                counts["made"] += 1
        return counts

    def state(self) -> dict:
        return {region: sorted(self.listing(region)) for region in (REGION, DR_REGION)}


# ---- the runs ---------------------------------------------------------------------------------------------
class RotationBench:
    def __init__(self, moto_url: str, proxy: endpoint.Proxy, envs: dict, work_dir: Path, latency: float):
        self.fixture, self.proxy, self.envs = Fixture(moto_url), proxy, envs
        self.work_dir, self.latency = work_dir, latency

    def one_run(self, scenario: RotationScenario, variant: str, run: int) -> dict:
        """One run; repeated when moto's server raced (playbook.MOTO_RACE)."""
        return playbook.repeat_on_moto_race(lambda: self.attempt(scenario, variant, run))

    def attempt(self, scenario: RotationScenario, variant: str, run: int) -> dict:
        clusters = scenario.cluster_ids()
        began = time.perf_counter()
        reset = self.fixture.reset(history(clusters, scenario.dr, variant))
        self.proxy.prepare(self.latency)
        for rule in create_time_rules(clusters):
            self.proxy.add_rule(rule)
        setup_seconds = time.perf_counter() - began
        run_dir = self.work_dir / "runs" / ("%s-%s-%d" % (scenario.key, variant, run))
        url = self.proxy.url
        plays = plain_playbook(scenario, url) if variant == "plain" else role_playbook(scenario, url)
        inventory, book = write_playbook(run_dir, plays)
        result = playbook.run_playbook(inventory, book, self.envs[variant])
        calls = self.proxy.calls()
        result["calls"] = stats.count_actions(calls)
        result["calls_by_region"] = calls_by_region(calls)
        end = self.fixture.state()
        result["end_state_ok"] = end == expected_after(clusters, scenario.dr, variant)
        if not result["end_state_ok"]:
            result["end_state"] = end_state_difference(end, expected_after(clusters, scenario.dr, variant))
        result["setup_seconds"] = setup_seconds
        result["reset"] = reset
        status = "ok" if result["ok"] else "FAILED: " + result["message"]
        print("  %-18s %-6s run %d: %7.2f s, %4d calls, end state %s, %s" % (
            scenario.key, variant, run, result["seconds"], sum(result["calls"].values()), result["end_state_ok"],
            status), flush=True)
        return result

    def run_scenario(self, scenario: RotationScenario) -> dict:
        results = {variant: [] for variant in VARIANTS if variant in self.envs}
        lanes = list(results)
        print("rotation: %s (%d runs a variant)" % (scenario.title, scenario.runs), flush=True)
        began = time.perf_counter()
        for run in range(scenario.runs):
            shift = run % len(lanes)
            for variant in lanes[shift:] + lanes[:shift]:  # interleaved: each variant goes first in turn
                results[variant].append(self.one_run(scenario, variant, run))
        self.fixture.reset(history([], False))  # leave nothing for the next scenario's listings
        return {"key": scenario.key, "title": scenario.title, "clusters": scenario.clusters, "dr": scenario.dr,
                "runs": results, "seconds": time.perf_counter() - began}


def calls_by_region(calls: list) -> dict:
    """{region: calls} by the region each call was signed for (the proxy logs no region: none is "?")."""
    counted = {}
    for call in calls:
        region = call.get("region") or "?"
        counted[region] = counted.get(region, 0) + 1
    return counted


def end_state_difference(end: dict, expected: dict) -> dict:
    """What a run left wrong: per region, snapshots missing and snapshots left over (a few of each)."""
    difference = {}
    for region in expected:
        missing = sorted(set(expected[region]) - set(end.get(region, [])))
        extra = sorted(set(end.get(region, [])) - set(expected[region]))
        if missing or extra:
            difference[region] = {"missing": len(missing), "extra": len(extra), "missing_some": missing[:3],
                                  "extra_some": extra[:3]}
    return difference


def measure(repo: Path, work_dir: Path, env: dict, scenarios: list, latency_ms: float, local_aws, save=None) -> dict:
    """Runs the rotation scenarios on a moto server of their own (so that no other scenario's snapshots are in
    its listings) and returns the results document's "rotation" part; save(part) after each scenario, if given,
    so that partial results survive a stop."""
    envs = {"module": env, "plain": env}
    v100_error = None
    try:
        envs["v100"] = dict(env, ANSIBLE_COLLECTIONS_PATH=str(v100_tree(repo, work_dir)))
    except (subprocess.CalledProcessError, OSError) as error:
        v100_error = "the 1.0.0 role could not be taken from git (%s): %s" % (V100_COMMIT, error)
        print("rotation: " + v100_error, flush=True)
    envs = {variant: envs[variant] for variant in VARIANTS if variant in envs}
    part = {"settings": {"name": NAME, "keep_last": KEEP_LAST, "history_days": list(HISTORY_DAYS),
                         "now": NOW.isoformat(), "region": REGION, "dr_region": DR_REGION,
                         "latency_ms": latency_ms, "v100_commit": V100_COMMIT, "variants": list(envs),
                         "sizes": sorted({s.clusters for s in scenarios}),
                         "runs": {s.key: s.runs for s in scenarios}},
            "scenarios": [], "v100_error": v100_error, "load_start": list(_load())}
    began = time.perf_counter()
    with local_aws(work_dir / "aws-rotation") as info:
        bench = RotationBench(info["moto_url"], endpoint.Proxy(info["proxy_url"]), envs, work_dir / "rotation",
                              latency_ms / 1000.0)
        bench.fixture.create_clusters(cluster_ids(max(s.clusters for s in scenarios)))
        warm_up = RotationScenario("rotation-warm-up", "warm-up", 1, False, 1)
        for variant in envs:  # the first run of each variant compiles and caches what it loads; not counted
            bench.one_run(warm_up, variant, 0)
        for scenario in scenarios:
            part["scenarios"].append(bench.run_scenario(scenario))
            if save:
                save(part)
    part["load_end"] = list(_load())
    part["seconds"] = time.perf_counter() - began
    part["measured_at"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return part


def _load() -> tuple:
    import os

    return os.getloadavg()
