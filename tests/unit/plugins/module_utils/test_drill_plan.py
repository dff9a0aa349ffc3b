# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""drill_plan as pure functions: the drill cluster's name, the snapshot chosen, the sweep, the report."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils import drill_plan
from ansible_collections.graphops.neptune.plugins.module_utils.drill_plan import DRILL_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.restore_plan import check_restorable
from ansible_collections.graphops.neptune.plugins.module_utils.restore_request import RESTORED_FROM_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import COPIED_FROM_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import REGION_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import ROTATION_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_plan import Refused
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

NOW = datetime(2026, 12, 2, 4, 0, 0, tzinfo=timezone.utc)


# --- the name ----------------------------------------------------------------------------------


@pytest.mark.parametrize("cluster, expected", [
    ("graph-prod", "graph-prod-drill-20261202-040000"),
    ("Graph-Prod", "graph-prod-drill-20261202-040000"),
    ("a" * 63, "a" * 39 + "-drill-20261202-040000"),
    ("a" * 38 + "-b" * 5, "a" * 38 + "-drill-20261202-040000"),  # no trailing hyphen before the suffix
])
def test_drill_cluster_name_keeps_room_for_the_instance_suffix(cluster, expected):
    name = drill_plan.drill_cluster_id(cluster, NOW)
    assert name == expected
    assert len(name + "-1") <= 63


def test_drill_cluster_name_is_utc():
    moment = datetime(2026, 12, 2, 5, 30, 0, tzinfo=timezone(timedelta(hours=1, minutes=30)))
    assert drill_plan.drill_cluster_id("g", moment) == "g-drill-20261202-040000"


# --- the snapshot ------------------------------------------------------------------------------


def snapshot(name, hours_ago, status="available", engine="neptune", cluster="graph", tags=None, kind="manual"):
    return {"db_cluster_snapshot_identifier": name, "db_cluster_identifier": cluster, "engine": engine,
            "status": status, "snapshot_type": kind, "tags": tags or {},
            "snapshot_create_time": (NOW - timedelta(hours=hours_ago)).isoformat()}


def rotation_snapshot(hours_ago, rotation="nightly", region="us-east-1", copied_from=None):
    stamp = (NOW - timedelta(hours=hours_ago)).strftime("%Y%m%d-%H%M%S")
    name = f"graph-{rotation}-{stamp}" + (f"-{copied_from}" if copied_from else "")
    tags = {ROTATION_TAG: rotation, **({COPIED_FROM_TAG: copied_from} if copied_from else {REGION_TAG: region})}
    return snapshot(name, hours_ago, tags=tags)


def test_the_newest_available_neptune_snapshot_of_the_cluster_is_chosen():
    snapshots = [
        snapshot("old", 48), snapshot("newest", 2), snapshot("creating", 1, status="creating"),
        snapshot("other-cluster", 0.5, cluster="other"), snapshot("aurora", 0.2, engine="aurora-postgresql"),
        snapshot("failed", 0.1, status="failed"), snapshot("rds:graph-auto", 3, kind="automated"),
    ]
    assert drill_plan.choose_snapshot(snapshots, "graph", None, "us-east-1")["db_cluster_snapshot_identifier"] == "newest"


def test_a_rotation_picks_its_own_originals_and_copies_only():
    snapshots = [
        rotation_snapshot(30), rotation_snapshot(6, copied_from="us-west-2"), rotation_snapshot(5, rotation="weekly"),
        rotation_snapshot(4, region="eu-west-1"),  # another region's original, by its tags
        snapshot("graph-nightly-20261202-035000", 0.2, tags={ROTATION_TAG: "nightly"}),  # named otherwise: by hand
        snapshot("newest-by-hand", 0.1),
    ]
    chosen = drill_plan.choose_snapshot(snapshots, "graph", "nightly", "us-east-1")
    assert chosen["db_cluster_snapshot_identifier"] == "graph-nightly-20261201-220000-us-west-2"
    assert drill_plan.choose_snapshot(snapshots[:1], "graph", "nightly", "us-east-1") == snapshots[0]


@pytest.mark.parametrize("snapshots, words", [
    ([], ["'graph'", "no available Neptune snapshot"]),
    ([snapshot("s", 1, status="creating")], ["no available"]),
    ([snapshot("s", 1)], ["of rotation 'nightly'"]),
])
def test_no_snapshot_to_choose_is_refused_naming_the_cluster(snapshots, words):
    rotation = "nightly" if "of rotation 'nightly'" in words else None
    with pytest.raises(Refused) as error:
        drill_plan.choose_snapshot(snapshots, "graph", rotation, "us-east-1")
    for word in words:
        assert word in str(error.value)


@pytest.mark.parametrize("found, words", [
    (None, ["'snap'", "was not found"]),
    ({"engine": "aurora-postgresql", "status": "available"}, ["'aurora-postgresql'", "not a Neptune one"]),
    ({"engine": "neptune", "status": "creating"}, ["'creating'", "available snapshots only"]),
])
def test_a_given_snapshot_must_be_there_neptune_and_available(found, words):
    with pytest.raises(Refused) as error:
        check_restorable("snap", found)
    for word in words:
        assert word in str(error.value)


# --- the sweep ---------------------------------------------------------------------------------


def cluster(name, minutes_ago=None, restored=True, engine="neptune", status="available", drill_value=None):
    tags = []
    if minutes_ago is not None or drill_value is not None:
        value = drill_value or drill_plan.utc_text(NOW - timedelta(minutes=minutes_ago))
        tags.append({"Key": DRILL_TAG, "Value": value})
    if restored:
        tags.append({"Key": RESTORED_FROM_TAG, "Value": "snap"})
    return {"DBClusterIdentifier": name, "Engine": engine, "Status": status, "TagList": tags}


def test_the_sweep_takes_old_drill_clusters_only_judged_by_both_tags():
    clusters = [
        cluster("old-drill", minutes_ago=2000),
        cluster("fresh-drill", minutes_ago=30),
        cluster("just-at-the-age", minutes_ago=1440),
        cluster("drill-tag-only", minutes_ago=3000, restored=False),
        cluster("restored-only"),  # a restore, not a drill
        cluster("prod-drill-20200101-000000", restored=False),  # a drill's name, no tags: someone else's
        cluster("not-a-time", drill_value="yes"),
        cluster("aurora-drill", minutes_ago=3000, engine="aurora-postgresql"),
        cluster("going", minutes_ago=3000, status="deleting"),
    ]
    plan = drill_plan.plan_sweep(clusters, NOW, 1440)
    assert plan.stale == [("old-drill", 2000.0), ("just-at-the-age", 1440.0)]
    assert plan.fresh == [("fresh-drill", 30.0)]


def test_the_sweep_age_has_a_minimum():
    assert drill_plan.check_sweep_minutes(60) == 60
    with pytest.raises(InvalidInput, match="sweep_older_than 59 is invalid: it must be at least 60 minutes"):
        drill_plan.check_sweep_minutes(59)


# --- the report --------------------------------------------------------------------------------

INPUTS = {"drill_cluster": "graph-drill-20261202-040000", "snapshot": "snap", "source_cluster": "graph",
          "chosen_at": "2026-12-02T04:00:00.000000Z", "served_at": "2026-12-02T04:20:30.500000Z"}
RESTORED = {"changed": True, "waits": {"cluster": 600.0, "instances": 610.5}}
CHECKED = {"changed": False, "passed": True, "failed_check": None, "seconds": 1.5,
           "checks": [{"name": "query", "passed": True, "expected": 1, "actual": 1}]}
TORN_DOWN = {"changed": True, "waits": {"cluster": 300.0}}


def report(left_behind=(), **results):
    inputs = dict(INPUTS, restore=RESTORED, check=CHECKED, teardown=TORN_DOWN)
    inputs.update(results)
    return drill_plan.build_report(inputs, list(left_behind))


def test_a_passing_drill_reports_phases_and_time_to_restore():
    result = report()
    assert result["passed"] is True
    assert result["failed_step"] is None and result["failures"] == []
    assert result["seconds"] == {"restore": 600.0, "instance": 610.5, "check": 1.5, "teardown": 300.0}
    assert result["time_to_restore"] == 1230.5
    assert "passed" in drill_plan.summary(result)


@pytest.mark.parametrize("results, step, check", [
    ({"restore": {"failed": True, "msg": "restore DB cluster 'x' from snapshot 'snap': InvalidParameterValue"},
      "check": {"skipped": True}}, "restore", None),
    ({"restore": {"failed": True, "msg": "Timed out after wait_timeout 60 s waiting for instances: instance 'x-1'"},
      "check": {"skipped": True}}, "instance", None),
    ({"restore": {"failed": True, "msg": "Stopped waiting for cluster: cluster 'x' is 'failed'"},
      "check": {"skipped": True}}, "restore", None),
    ({"check": dict(CHECKED, failed=True, passed=False, failed_check="query", msg="query: expected 1, got 0")},
     "check", "query"),
    ({"teardown": {"failed": True, "msg": "delete DB cluster 'x': Throttling"}}, "teardown", None),
    ({"teardown": {}}, "teardown", None),
    ({"check": {}}, "check", None),
])
def test_a_failed_drill_names_the_first_failed_step(results, step, check):
    result = report(**results)
    assert result["passed"] is False
    assert result["failed_step"] == step
    assert result["failed_check"] == check
    assert f"failed at step {step!r}" in drill_plan.summary(result)


def test_a_failed_check_and_teardown_are_both_reported_the_check_first():
    result = report(check=dict(CHECKED, failed=True, failed_check="engine"), teardown={"failed": True, "msg": "x"})
    assert [f["step"] for f in result["failures"]] == ["check", "teardown"]
    assert result["failed_step"] == "check"


def test_what_the_drill_left_behind_fails_it_and_others_drills_are_listed_only():
    ours = {"type": "instance", "identifier": "graph-drill-20261202-040000-1",
            "cluster": "graph-drill-20261202-040000", "status": "available", "drill": "2026-12-02T04:00:00Z"}
    others = {"type": "cluster", "identifier": "other-drill-20261202-035900", "status": "available",
              "drill": "2026-12-02T03:59:00Z"}
    assert report(left_behind=[others])["passed"] is True
    result = report(left_behind=[others, ours])
    assert result["failed_step"] == "left_behind"
    assert "graph-drill-20261202-040000-1" in result["failures"][0]["msg"]


def test_a_sweep_that_failed_fails_the_drill_first_after_it_ran():
    inputs = dict(INPUTS, restore=RESTORED, check=CHECKED, teardown=TORN_DOWN,
                  swept=[{"identifier": "b-drill", "minutes": 3000.0}], sweep_failed={"a-drill": "Throttling"})
    result = drill_plan.build_report(inputs, [])
    assert result["failed_step"] == "sweep"
    assert result["failures"] == [{"step": "sweep", "msg": "the sweep could not delete a-drill: Throttling"}]
    assert result["time_to_restore"] == 1230.5
    assert result["swept"] == [{"identifier": "b-drill", "minutes": 3000.0}]


def test_a_listing_that_fails_fails_the_drill():
    result = drill_plan.build_report(dict(INPUTS, restore=RESTORED, check=CHECKED, teardown=TORN_DOWN), [],
                                     listing_error="Throttling")
    assert result["failed_step"] == "left_behind"


def test_check_mode_has_no_time_to_restore_and_passes_with_the_check_skipped():
    inputs = dict(INPUTS, restore={"changed": True, "waits": {}}, check={"skipped": True}, teardown={"changed": False})
    result = drill_plan.build_report(inputs, [], check_mode=True)
    assert result["passed"] is True and result["check_mode"] is True
    assert result["time_to_restore"] is None


def test_the_json_line_is_one_line_with_the_charted_keys():
    line = drill_plan.json_line(report())
    assert "\n" not in line
    data = json.loads(line)
    assert data["time_to_restore"] == 1230.5
    assert data["left_behind"] == 0
    assert set(data) == {"started_at", "snapshot", "source_cluster", "cluster", "passed", "failed_step",
                         "failed_check", "seconds", "time_to_restore", "left_behind"}


def test_drill_resources_lists_only_what_carries_the_drill_tag():
    clusters = [cluster("d", minutes_ago=1), cluster("restored-only")]
    instances = [{"DBInstanceIdentifier": "d-1", "DBClusterIdentifier": "d", "DBInstanceStatus": "available",
                  "TagList": [{"Key": DRILL_TAG, "Value": "t"}]},
                 {"DBInstanceIdentifier": "x-1", "DBClusterIdentifier": "x", "TagList": []}]
    found = drill_plan.drill_resources(clusters, instances)
    assert [(f["type"], f["identifier"]) for f in found] == [("cluster", "d"), ("instance", "d-1")]
