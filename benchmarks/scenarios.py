# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scenarios run through both modules, as data.

Task arguments are the same for both modules (the peer accepts every option used here) unless a scenario
gives `peer_args`; `{{ snapshot_id }}`, `{{ cluster_id }}` and `{{ source_id }}` are host variables, set per
run so that every run starts from its own state.
"""

from __future__ import annotations

from dataclasses import dataclass

OURS = "graphops.neptune.neptune_cluster_snapshot"
PEER = "amazon.aws.rds_cluster_snapshot"
OURS_INFO = "graphops.neptune.neptune_cluster_snapshot_info"
PEER_INFO = "amazon.aws.rds_snapshot_info"

CLUSTER = "bench-graph"
COPY_SOURCE = "bench-copy-source"
FLEET_SIZE = 20
FLEET_FORKS = 10
TAGS = {"purpose": "benchmark", "owner": "data-platform"}
SOURCE_TAGS = {"purpose": "benchmark", "origin": "nightly"}
CHANGED_TAGS = {"purpose": "benchmark", "stage": "nightly"}  # one kept, one changed away, one added
WAIT_TIMEOUT = 900

SNAPSHOT = {"db_cluster_snapshot_identifier": "{{ snapshot_id }}"}
CREATE = dict(SNAPSHOT, db_cluster_identifier="{{ cluster_id }}", tags=TAGS)
COPY = dict(SNAPSHOT, source_db_cluster_snapshot_identifier="{{ source_id }}", copy_tags=True)
DELETE = dict(SNAPSHOT, db_cluster_identifier="{{ cluster_id }}", state="absent")


def info_cluster(count: int) -> str:
    return "bench-info-%d" % count


@dataclass
class Scenario:
    key: str
    title: str
    args: dict
    setup: str = "absent"  # the snapshot before a run: absent | present (with TAGS) | copy (of COPY_SOURCE)
    expect: object = None  # the snapshot after a run: a dict of tags, "absent", or None (not checked)
    expect_changed: bool | None = True
    check_mode: bool = False
    creating: int = 0  # the snapshot answers `creating` this many times (the proxy's status rule)
    hosts: int = 1
    forks: int = 1
    concurrent_peer: bool = False  # the peer's runs go at the same time, each through its own proxy
    ours_module: str = OURS
    peer_module: str = PEER
    peer_args: dict | None = None
    ours_args: dict | None = None
    runs: int | None = None  # None: the command's BENCH_RUNS

    def module(self, lane: str) -> str:
        return self.ours_module if lane == "ours" else self.peer_module

    def task_args(self, lane: str) -> dict:
        specific = self.ours_args if lane == "ours" else self.peer_args
        return dict(self.args if specific is None else specific)


def snapshot_scenarios() -> list:
    wait = {"wait": True, "wait_timeout": WAIT_TIMEOUT}
    return [
        Scenario("create", "create with tags", CREATE, expect=TAGS),
        Scenario("rerun", "identical re-run", CREATE, setup="present", expect=TAGS, expect_changed=False),
        Scenario("check-create", "check-mode create", CREATE, check_mode=True, expect="absent"),
        Scenario("tag-change", "tag change", dict(CREATE, tags=CHANGED_TAGS), setup="present", expect=CHANGED_TAGS),
        Scenario("delete", "delete", DELETE, setup="present", expect="absent"),
        Scenario("delete-wait", "delete with wait", dict(DELETE, **wait), setup="present", expect="absent"),
        Scenario("create-wait-3", "create with wait, 3 x creating", dict(CREATE, **wait), expect=TAGS, creating=3,
                 concurrent_peer=True),
        Scenario("create-wait-10", "create with wait, 10 x creating", dict(CREATE, **wait), expect=TAGS, creating=10,
                 concurrent_peer=True),
        Scenario("copy", "copy with copy_tags", COPY, expect=SOURCE_TAGS),
        Scenario("copy-rerun", "copy re-run", COPY, setup="copy", expect=SOURCE_TAGS, expect_changed=False),
        Scenario("fleet", "fleet: %d clusters, forks=%d" % (FLEET_SIZE, FLEET_FORKS), CREATE, expect=TAGS,
                 hosts=FLEET_SIZE, forks=FLEET_FORKS),
    ]


def info_scenarios(counts: list) -> list:
    scenarios = []
    for count in counts:
        args = {"db_cluster_identifier": info_cluster(count), "snapshot_type": "manual"}
        scenarios.append(Scenario(
            "info-%d" % count, "info: %d snapshots, with tags" % count, args, setup="none", expect_changed=False,
            ours_module=OURS_INFO, peer_module=PEER_INFO,
        ))
        scenarios.append(Scenario(
            "info-%d-no-tags" % count, "info: %d snapshots, include_tags=false" % count, args, setup="none",
            expect_changed=False, ours_module=OURS_INFO, peer_module=PEER_INFO, ours_args=dict(args, include_tags=False),
        ))
    return scenarios
