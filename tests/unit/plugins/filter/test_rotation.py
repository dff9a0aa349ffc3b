# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The snapshot_rotation role's filters: input checks, new identifiers and the retention plan."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from ansible.errors import AnsibleFilterError
from ansible_collections.graphops.neptune.plugins.filter.rotation import FilterModule
from ansible_collections.graphops.neptune.plugins.filter.rotation import delete_failures
from ansible_collections.graphops.neptune.plugins.filter.rotation import input_errors
from ansible_collections.graphops.neptune.plugins.filter.rotation import new_snapshot_ids
from ansible_collections.graphops.neptune.plugins.filter.rotation import parse_now
from ansible_collections.graphops.neptune.plugins.filter.rotation import rotation_plan
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

TAG = "graphops.neptune/rotation"
NOW = "2026-11-30T03:00:00Z"
NOW_DT = datetime(2026, 11, 30, 3, tzinfo=timezone.utc)


def snap(identifier, days_old, cluster="graph", rotation="nightly", status="available", engine="neptune",
         snapshot_type="manual", tags=None):
    """One entry as neptune_cluster_snapshot_info returns it, taken days_old days before NOW."""
    return {
        "db_cluster_snapshot_identifier": identifier,
        "db_cluster_identifier": cluster,
        "snapshot_create_time": (NOW_DT - timedelta(days=days_old)).isoformat(),
        "status": status,
        "engine": engine,
        "snapshot_type": snapshot_type,
        "tags": {TAG: rotation} if tags is None else tags,
    }


def history(days):
    """Available snapshots of this rotation, one per given age (days), named s<age>."""
    return [snap("s%d" % age, age) for age in days]


def plan(snapshots, clusters=("graph",), **options):
    return rotation_plan(snapshots, list(clusters), "nightly", options.pop("now", NOW), TAG, **options)


# ---- parse_now ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["2026-11-30T03:00:00Z", "2026-11-30T03:00:00+00:00", "2026-11-30T03:00:00",
                                   "2026-11-30T03:00:00.000000Z"])
def test_now_in_utc(value):
    assert parse_now(value) == NOW_DT


@pytest.mark.parametrize("value, message", [
    ("2026-11-30T05:00:00+02:00", "is not in UTC (offset +0200)"),
    ("yesterday", "'yesterday' is not an ISO 8601 time"),
    (20261130, "must be a string, got 20261130 (int)"),
])
def test_now_refused(value, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        parse_now(value)


# ---- input_errors and new identifiers ------------------------------------------------------------

def errors(**overrides):
    arguments = dict(clusters=["graph-prod"], rotation="nightly", now=NOW, tag_key=TAG, keep_last=7)
    arguments.update(overrides)
    return input_errors(**arguments)


def test_good_input_has_no_errors():
    assert errors() == []
    assert errors(keep_last=None, max_age_days=0, dr_region="eu-west-1", dr_kms_key_id="alias/dr",
                  tags={"owner": "data"}, wait_timeout=60) == []


@pytest.mark.parametrize("overrides, message", [
    (dict(keep_last=None), "give snapshot_rotation_keep_last, snapshot_rotation_max_age_days or both"),
    (dict(keep_last=0), "snapshot_rotation_keep_last 0 is invalid: it must be 1 or more"),
    (dict(max_age_days=-1), "snapshot_rotation_max_age_days -1 is invalid: it must be 0 or more"),
    (dict(wait_timeout=0), "snapshot_rotation_wait_timeout 0 is invalid"),
    (dict(dr_kms_key_id="alias/dr"), "snapshot_rotation_dr_kms_key_id is set but snapshot_rotation_dr_region is not"),
    (dict(tags={"aws:x": "y"}), "snapshot_rotation_tags: Invalid tags: tag key 'aws:x' must not start with 'aws:' or 'rds:'"),
    (dict(tags={TAG: "other"}), "snapshot_rotation_tags must not set 'graphops.neptune/rotation'"),
    (dict(rotation="Nightly"), "snapshot_rotation_name 'Nightly' is invalid: it must be lowercase letters"),
    (dict(rotation="a--b"), "snapshot_rotation_name 'a--b' is invalid"),
    (dict(rotation="-a"), "snapshot_rotation_name '-a' is invalid"),
    (dict(rotation=""), "snapshot_rotation_name '' is invalid"),
    (dict(now="2026-11-30T05:00:00+02:00"), "snapshot_rotation_now '2026-11-30T05:00:00+02:00' is not in UTC"),
    (dict(clusters=[]), "snapshot_rotation_clusters is empty"),
    (dict(clusters=["graph", "GRAPH"]), "snapshot_rotation_clusters names 'GRAPH' twice"),
    (dict(clusters=["1graph"]), "snapshot_rotation_clusters item '1graph' is invalid: it must be 1 to 63"),
    (dict(clusters=["graph-"]), "snapshot_rotation_clusters item 'graph-' is invalid"),
])
def test_bad_input_named(overrides, message):
    assert [e for e in errors(**overrides) if message in e], errors(**overrides)


def test_too_long_identifier_names_the_cluster_and_the_length():
    long_cluster = "g" * 40  # + "-nightly-" + 15 = 64 characters
    found = errors(clusters=["graph", long_cluster])
    assert len(found) == 1
    assert found[0].startswith("cluster '%s': the new snapshot's identifier '%s-nightly-20261130-030000' is invalid" % (
        long_cluster, long_cluster))
    assert "(it has 64; shorten snapshot_rotation_name or the cluster identifier)" in found[0]
    assert errors(clusters=["g" * 39]) == []  # 63 is fine


def test_every_problem_reported_at_once():
    assert len(errors(keep_last=0, rotation="A", clusters=["x_y"])) == 3


def test_new_snapshot_ids_lowercase_utc_timestamp():
    assert new_snapshot_ids(["Graph-Prod", "b"], "nightly", "2026-01-02T03:04:05Z") == {
        "graph-prod": "graph-prod-nightly-20260102-030405", "b": "b-nightly-20260102-030405"}
    with pytest.raises(AnsibleFilterError, match="is not an ISO 8601 time"):
        new_snapshot_ids(["b"], "nightly", "now")


FILTERS = {"rotation_delete_failures": delete_failures, "rotation_input_errors": input_errors,
           "rotation_new_snapshot_ids": new_snapshot_ids, "rotation_plan": rotation_plan}
COLLECTION = Path(__file__).resolve().parents[4]


def test_filters_are_registered():
    """Each name maps to its own function, is documented under its name, and is deprecated for 2.0.0 as
    meta/runtime.yml's plugin_routing says (the role no longer uses them)."""
    registered = FilterModule().filters()
    assert set(registered) == set(FILTERS)
    for name, function in registered.items():
        assert callable(function) and function is FILTERS[name], name
        documentation = yaml.safe_load((COLLECTION / "plugins" / "filter" / f"{name}.yml").read_text())
        assert documentation["DOCUMENTATION"]["name"] == name
    runtime = yaml.safe_load((COLLECTION / "meta" / "runtime.yml").read_text())
    routing = runtime["plugin_routing"]["filter"]
    assert set(routing) == set(FILTERS)
    for name, route in routing.items():
        assert set(route) == {"deprecation"}, name  # deprecated, not redirected or removed
        assert route["deprecation"]["removal_version"] == "2.0.0"
        assert "neptune_cluster_snapshot_rotation" in route["deprecation"]["warning_text"]
    version = yaml.safe_load((COLLECTION / "galaxy.yml").read_text())["version"]
    assert int(version.split(".")[0]) < 2  # removal_version is still ahead


def test_delete_failures_name_snapshot_cluster_region_and_reason():
    results = [
        {"item": [{"key": "graph"}, "s1"], "changed": True},
        {"item": [{"key": "graph"}, "s2"], "failed": True, "msg": "InvalidDBClusterSnapshotStateFault: not available"},
        {"pair": [{"key": "b"}, "b1"], "ansible_loop_var": "pair", "failed": True},
        {"item": [{"key": "b"}, "b2"], "failed": False, "skipped": True},
    ]
    assert delete_failures(results) == [
        "'s2' of cluster 'graph': InvalidDBClusterSnapshotStateFault: not available",
        "'b1' of cluster 'b': no message",
    ]
    assert delete_failures(results[1:2], region="eu-west-1")[0].startswith("'s2' of cluster 'graph' in eu-west-1: ")
    assert delete_failures(None) == []


# ---- the retention plan ---------------------------------------------------------------------------

@pytest.mark.parametrize("options, pruned", [
    # keep_last alone: this run's snapshot (s0) and the next two newest stay.
    (dict(keep_last=3), ["s30", "s20", "s10"]),
    (dict(keep_last=1), ["s30", "s20", "s10", "s5", "s2"]),
    # max_age_days alone: strictly older than it.
    (dict(max_age_days=10), ["s30", "s20"]),
    (dict(max_age_days=0), ["s30", "s20", "s10", "s5", "s2"]),
    # Both: only what both would prune.
    (dict(keep_last=5, max_age_days=1), ["s30"]),
    (dict(keep_last=2, max_age_days=15), ["s30", "s20"]),
    (dict(keep_last=10, max_age_days=1), []),
])
def test_keep_last_and_max_age(options, pruned):
    snapshots = history([30, 20, 10, 5, 2, 0])
    result = plan(snapshots, created={"graph": "s0"}, **options)["graph"]
    assert result["prune"] == pruned
    assert result["keep"] == [s for s in ["s30", "s20", "s10", "s5", "s2", "s0"] if s not in pruned]


def test_this_runs_snapshot_and_the_newest_available_are_never_pruned():
    # A run that did not wait: its snapshot is still creating, the newest available one is kept besides it.
    snapshots = history([30, 20, 1]) + [snap("new", 0, status="creating")]
    result = plan(snapshots, created={"graph": "new"}, keep_last=1, max_age_days=0)["graph"]
    assert result["prune"] == ["s30", "s20"]
    assert result["keep"] == ["s1", "new"]
    # Even one that is older than now says (snapshot_rotation_now in the past).
    result = plan(history([3, 2]), created={"graph": "s3"}, keep_last=1, now="2026-11-01T00:00:00Z")["graph"]
    assert result["keep"] == ["s3", "s2"]  # s3 created, s2 the newest available


def test_check_mode_counts_the_snapshot_it_would_make():
    snapshots = history([30, 20, 10])
    real = plan(snapshots + [snap("new", 0)], created={"graph": "new"}, keep_last=2)["graph"]
    predicted = plan(snapshots, created={"graph": "new"}, keep_last=2)["graph"]
    assert predicted["prune"] == real["prune"] == ["s30", "s20"]
    # Without waiting, the new one would still be creating: the newest available stays too.
    predicted = plan(snapshots, created={"graph": "new"}, keep_last=1, pending=["GRAPH"])["graph"]
    assert predicted["prune"] == ["s30", "s20"] and predicted["keep"] == ["s10", "new"]


def test_without_a_new_snapshot_the_newest_available_counts_first():
    result = plan(history([30, 20, 10]), keep_last=1)["graph"]
    assert result["prune"] == ["s30", "s20"]


@pytest.mark.parametrize("stranger", [
    snap("people", 99, tags={}),
    snap("people-other-tag", 99, tags={"owner": "me"}),
    snap("other-rotation", 99, rotation="weekly"),
    snap("awsbackup:job-0123", 99),
    snap("rds:graph-2026-01-01-00-00", 99, snapshot_type="automated"),
    snap("automated-no-prefix", 99, snapshot_type="automated"),
    snap("aurora", 99, engine="aurora-postgresql"),
    snap("other-cluster", 99, cluster="graph-two"),
    snap("arn:aws:rds:us-east-1:210987654321:cluster-snapshot:shared", 99, snapshot_type="shared"),
    snap("still-copying", 99, status="copying"),
    snap("failed", 99, status="failed"),
    snap("no-time", 99, status="creating") | {"snapshot_create_time": None},
])
def test_never_touches_what_it_did_not_make_or_cannot_delete(stranger):
    result = plan(history([30, 0]) + [stranger], created={"graph": "s0"}, keep_last=1, max_age_days=0)["graph"]
    assert result["prune"] == ["s30"]
    assert stranger["db_cluster_snapshot_identifier"] not in result["prune"]


def test_non_available_snapshots_of_the_rotation_neither_count_nor_go():
    snapshots = history([30, 20]) + [snap("copying", 10, status="copying"), snap("s0", 0)]
    result = plan(snapshots, created={"graph": "s0"}, keep_last=2)["graph"]
    assert result["prune"] == ["s30"]
    assert result["keep"] == ["s20", "copying", "s0"]


def test_held_sources_are_kept_and_reported():
    result = plan(history([30, 20, 0]), created={"graph": "s0"}, keep_last=1, held=["S20"])["graph"]
    assert result["prune"] == ["s30"]
    assert result["held"] == ["s20"]
    assert result["keep"] == ["s20", "s0"]


def test_several_clusters_planned_apart():
    snapshots = history([30, 20, 0]) + [snap("b30", 30, cluster="B"), snap("b0", 0, cluster="b")]
    result = plan(snapshots, clusters=["graph", "B"], created={"graph": "s0", "B": "b0"}, keep_last=1)
    assert result == {
        "graph": {"prune": ["s30", "s20"], "keep": ["s0"], "held": []},
        "b": {"prune": ["b30"], "keep": ["b0"], "held": []},
    }


def test_identifiers_compared_case_insensitively():
    result = plan(history([30, 0]), created={"GRAPH": "S0"}, keep_last=1)["graph"]
    assert result == {"prune": ["s30"], "keep": ["s0"], "held": []}


def test_plan_needs_a_rule_and_a_good_now():
    with pytest.raises(AnsibleFilterError, match="keep_last or max_age_days is required"):
        plan(history([1]))
    with pytest.raises(AnsibleFilterError, match="is not in UTC"):
        plan(history([1]), keep_last=1, now="2026-11-30T03:00:00+01:00")
