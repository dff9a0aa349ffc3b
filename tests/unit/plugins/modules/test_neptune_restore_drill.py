# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""main() of neptune_restore_drill_prepare and neptune_restore_drill_report, on an in-process moto with
tests/support/moto_patched.py's patches (real request shapes, the rds model's TagList in the listings)."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.graphops.neptune.plugins.module_utils import drill_api
from ansible_collections.graphops.neptune.plugins.module_utils.drill_plan import DRILL_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.restore_request import RESTORED_FROM_TAG
from ansible_collections.graphops.neptune.plugins.modules import neptune_restore_drill_prepare as prepare
from ansible_collections.graphops.neptune.plugins.modules import neptune_restore_drill_report as report

SUPPORT_DIR = Path(__file__).resolve().parents[3] / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

import moto_patched  # noqa: E402  pylint: disable=wrong-import-position

NOW = "2026-12-02T04:00:00Z"
NOW_TIME = datetime(2026, 12, 2, 4, 0, 0, tzinfo=timezone.utc)
READS = ("DescribeDBClusters", "DescribeDBInstances", "DescribeDBClusterSnapshots", "ListTagsForResource")


def ago(minutes):
    return (NOW_TIME - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def region(neptune, moto_rds):
    """The moto region of the modules' tests (cluster 'graph', Aurora 'aurora'), patched to restore, with a
    snapshot 'graph-nightly' of 'graph'; and an rds client (the listings') on the same moto."""
    client, raw, calls = neptune
    rds_client, rds_calls = moto_rds
    with moto_patched.patched():
        raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="graph-nightly", DBClusterIdentifier="graph")
        calls.clear()
        yield client, raw, calls, rds_client, rds_calls


def restored(raw, name, tags, instance=True):
    """A cluster restored from graph-nightly with these tags (and an instance carrying them): an earlier drill's."""
    tag_list = [{"Key": key, "Value": value} for key, value in tags.items()]
    raw.restore_db_cluster_from_snapshot(DBClusterIdentifier=name, SnapshotIdentifier="graph-nightly",
                                         Engine="neptune", Tags=tag_list)
    if instance:
        raw.create_db_instance(DBInstanceIdentifier=f"{name}-1", DBInstanceClass="db.r6g.large", Engine="neptune",
                               DBClusterIdentifier=name, Tags=tag_list)


def cluster_names(raw):
    return sorted(c["DBClusterIdentifier"] for c in raw.describe_db_clusters()["DBClusters"])


def instance_names(raw):
    return sorted(i["DBInstanceIdentifier"] for i in raw.describe_db_instances()["DBInstances"])


def run_prepare(run_module, region, check_mode=False, **args):
    client, _raw, _calls, rds_client, _rds_calls = region
    return run_module(prepare.main, dict({"now": NOW}, **args), client, check_mode=check_mode, rds_client=rds_client)


def run_report(run_module, region, check_mode=False, **args):
    client, _raw, _calls, rds_client, _rds_calls = region
    return run_module(report.main, args, client, check_mode=check_mode, rds_client=rds_client)


# --- prepare ---------------------------------------------------------------------------------


def test_prepare_picks_the_given_snapshot_and_names_the_drill_cluster(region, run_module):
    _client, _raw, calls, _rds, rds_calls = region
    result = run_prepare(run_module, region, snapshot="graph-nightly")
    assert result["changed"] is False
    assert result["snapshot"]["db_cluster_snapshot_identifier"] == "graph-nightly"
    assert result["source_cluster"] == "graph"
    assert result["drill_cluster"] == "graph-drill-20261202-040000"
    assert result["drill_tag"] == NOW
    assert result["chosen_at"].endswith("Z")
    # One listing of the clusters (tags in it), one describe of the snapshot.
    assert rds_calls == ["DescribeDBClusters"]
    assert calls == ["DescribeDBClusterSnapshots"]


def test_prepare_picks_the_newest_available_snapshot_of_a_cluster(region, run_module):
    _client, raw, _calls, _rds, _rds_calls = region
    raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="graph-later", DBClusterIdentifier="graph")
    result = run_prepare(run_module, region, cluster="graph", sweep=False)
    assert result["snapshot"]["db_cluster_snapshot_identifier"] == "graph-later"
    assert result["drill_cluster"] == "graph-drill-20261202-040000"


def test_prepare_with_a_rotation_picks_its_newest_snapshot_by_the_listings_tags(region, run_module):
    _client, raw, calls, _rds, rds_calls = region
    marks = [{"Key": "graphops.neptune/rotation", "Value": "nightly"},
             {"Key": "graphops.neptune/rotation-region", "Value": "us-east-1"}]
    raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="graph-nightly-20261201-030000",
                                   DBClusterIdentifier="graph", Tags=marks)
    raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="graph-by-hand", DBClusterIdentifier="graph")
    calls.clear()
    result = run_prepare(run_module, region, cluster="graph", rotation="nightly", sweep=False)
    assert result["snapshot"]["db_cluster_snapshot_identifier"] == "graph-nightly-20261201-030000"
    # The rotation's marks come with the listing (the rds model's TagList): no tag read.
    assert rds_calls == ["DescribeDBClusterSnapshots"]
    assert calls == []


def test_the_sweep_deletes_old_drill_clusters_only(region, run_module):
    _client, raw, calls, _rds, rds_calls = region
    restored(raw, "old-drill", {DRILL_TAG: ago(3000), RESTORED_FROM_TAG: "graph-nightly"})
    restored(raw, "fresh-drill", {DRILL_TAG: ago(30), RESTORED_FROM_TAG: "graph-nightly"})
    restored(raw, "not-ours", {DRILL_TAG: ago(3000)})  # the drill tag without restored-from
    restored(raw, "a-restore", {RESTORED_FROM_TAG: "graph-nightly"})  # restored, not a drill
    calls.clear()
    rds_calls.clear()
    result = run_prepare(run_module, region, snapshot="graph-nightly")
    assert "failed" not in result, result["msg"]
    assert result["sweep_failed"] == {}
    assert result["changed"] is True
    assert result["swept"] == [{"identifier": "old-drill", "minutes": 3000.0}]
    assert result["kept"] == [{"identifier": "fresh-drill", "minutes": 30.0}]
    assert calls.writes == ["DeleteDBInstance", "DeleteDBCluster"]
    assert rds_calls == ["DescribeDBClusters"]
    assert cluster_names(raw) == ["a-restore", "aurora", "fresh-drill", "graph", "not-ours"]
    assert "old-drill-1" not in instance_names(raw)
    again = run_prepare(run_module, region, snapshot="graph-nightly")
    assert again["changed"] is False and again["swept"] == []


def test_check_mode_predicts_the_sweep_and_writes_nothing(region, run_module):
    _client, raw, calls, _rds, _rds_calls = region
    restored(raw, "old-drill", {DRILL_TAG: ago(3000), RESTORED_FROM_TAG: "graph-nightly"})
    calls.clear()
    result = run_prepare(run_module, region, check_mode=True, snapshot="graph-nightly")
    assert result["changed"] is True
    assert result["swept"] == [{"identifier": "old-drill", "minutes": 3000.0}]
    assert calls.writes == []
    assert "old-drill" in cluster_names(raw)


def test_one_clusters_sweep_failure_does_not_stop_the_others_and_fails_the_task(region, run_module, monkeypatch):
    _client, raw, _calls, _rds, _rds_calls = region
    for name in ("a-drill", "b-drill"):
        restored(raw, name, {DRILL_TAG: ago(3000), RESTORED_FROM_TAG: "graph-nightly"})
    delete = drill_api.delete_drill_cluster

    def failing_for_a(api, cluster, wait_timeout):
        if cluster["DBClusterIdentifier"] == "a-drill":
            raise AnsibleAWSError(message="delete DB cluster 'a-drill': Throttling")
        return delete(api, cluster, wait_timeout)

    monkeypatch.setattr(drill_api, "delete_drill_cluster", failing_for_a)
    result = run_prepare(run_module, region, snapshot="graph-nightly")
    assert result["failed"] is True
    assert "a-drill: delete DB cluster 'a-drill': Throttling" in result["msg"]
    assert result["swept"] == [{"identifier": "b-drill", "minutes": 3000.0}]
    assert list(result["sweep_failed"]) == ["a-drill"]
    # The drill still has its snapshot and its name: the role drills, then fails at the step 'sweep'.
    assert result["drill_cluster"] == "graph-drill-20261202-040000"
    assert result["snapshot"]["db_cluster_snapshot_identifier"] == "graph-nightly"
    assert "b-drill" not in cluster_names(raw)
    assert "a-drill" in cluster_names(raw)


@pytest.mark.parametrize("args, words", [
    ({}, ["one of snapshot and cluster is required"]),
    ({"cluster": "1graph"}, ["cluster '1graph' is invalid"]),
    ({"snapshot": "bad_name"}, ["'bad_name'"]),
    ({"snapshot": "graph-nightly", "sweep_older_than": 59}, ["sweep_older_than 59", "at least 60"]),
    ({"snapshot": "graph-nightly", "wait_timeout": 59}, ["wait_timeout 59", "at least 60"]),
    ({"snapshot": "graph-nightly", "now": "yesterday"}, ["now 'yesterday' is invalid"]),
    ({"snapshot": "graph-nightly", "rotation": "nightly"}, ["rotation 'nightly' needs cluster"]),
    ({"snapshot": "arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:graph-nightly"}, ["'eu-west-1'", "copy it here"]),
])
def test_bad_input_is_refused_before_any_call(region, run_module, args, words):
    _client, _raw, calls, _rds, rds_calls = region
    result = run_prepare(run_module, region, **args)
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"]
    assert calls == [] and rds_calls == []


@pytest.mark.parametrize("snapshot, words", [
    ("no-such-snapshot", ["'no-such-snapshot' was not found", "nothing was made"]),
])
def test_a_missing_snapshot_is_refused_before_anything_is_made(region, run_module, snapshot, words):
    _client, _raw, calls, _rds, _rds_calls = region
    result = run_prepare(run_module, region, snapshot=snapshot)
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"]
    assert calls.writes == []


def test_a_non_neptune_snapshot_is_refused(region, run_module):
    _client, raw, calls, _rds, _rds_calls = region
    raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="aurora-snap", DBClusterIdentifier="aurora")
    calls.clear()
    result = run_prepare(run_module, region, snapshot="aurora-snap", sweep=False)
    assert result["failed"] is True
    assert "'aurora-postgresql' snapshot, not a Neptune one" in result["msg"]
    assert calls.writes == []


def test_a_cluster_without_snapshots_is_refused(region, run_module):
    result = run_prepare(run_module, region, cluster="nothing-here", sweep=False)
    assert result["failed"] is True
    assert "Cluster 'nothing-here' has no available Neptune snapshot" in result["msg"]


# --- report ----------------------------------------------------------------------------------

DRILL = "graph-drill-20261202-040000"
PASSED = {
    "drill_cluster": DRILL, "snapshot": "graph-nightly", "source_cluster": "graph",
    "chosen_at": "2026-12-02T04:00:00.000000Z", "served_at": "2026-12-02T04:10:00.000000Z",
    "restore": {"changed": True, "waits": {"cluster": 300.0, "instances": 290.0}},
    "check": {"changed": False, "passed": True, "failed_check": None, "seconds": 2.0, "checks": []},
    "teardown": {"changed": True, "waits": {"cluster": 100.0}},
}


def test_report_of_a_passing_drill_appends_one_json_line(region, run_module, tmp_path):
    _client, _raw, calls, _rds, rds_calls = region
    results_file = tmp_path / "drills.jsonl"
    for _run in range(2):
        result = run_report(run_module, region, results_file=str(results_file), **PASSED)
    assert result["changed"] is True
    assert result["result"]["passed"] is True
    assert result["result"]["time_to_restore"] == 600.0
    assert result["result"]["left_behind"] == []
    assert rds_calls == ["DescribeDBClusters", "DescribeDBInstances"] * 2
    assert calls == []
    lines = results_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert json.loads(lines[0])["seconds"] == {"restore": 300.0, "instance": 290.0, "check": 2.0, "teardown": 100.0}


def test_report_lists_what_carries_the_drill_tag_and_fails_on_the_drills_own(region, run_module, tmp_path):
    _client, raw, _calls, _rds, _rds_calls = region
    restored(raw, DRILL, {DRILL_TAG: NOW, RESTORED_FROM_TAG: "graph-nightly"})
    restored(raw, "a-restore", {RESTORED_FROM_TAG: "graph-nightly"})
    result = run_report(run_module, region, check_mode=True, results_file=str(tmp_path / "never"), **PASSED)
    assert result["changed"] is False
    assert not (tmp_path / "never").exists()
    assert sorted((i["type"], i["identifier"]) for i in result["result"]["left_behind"]) == [
        ("cluster", DRILL), ("instance", DRILL + "-1")]
    assert result["result"]["failed_step"] == "left_behind"
    assert "failed at step 'left_behind'" in result["summary"]


def test_return_documentation_matches_what_comes_back(region, run_module):
    _client, raw, _calls, _rds, _rds_calls = region
    restored(raw, "old-drill", {DRILL_TAG: ago(3000), RESTORED_FROM_TAG: "graph-nightly"})
    prepared = run_prepare(run_module, region, snapshot="graph-nightly")
    documented = yaml.safe_load(prepare.RETURN)
    assert set(documented) == set(prepared) - {"changed", "invocation"}
    assert prepared["swept"] == [{"identifier": "old-drill", "minutes": 3000.0}]
    assert set(documented["snapshot"]["contains"]) <= set(prepared["snapshot"])
    reported = run_report(run_module, region, swept=prepared["swept"], **PASSED)
    documented = yaml.safe_load(report.RETURN)
    assert set(documented) == set(reported) - {"changed", "invocation"}
    assert set(documented["result"]["contains"]) == set(reported["result"])
    assert reported["result"]["swept"] == prepared["swept"]


def test_report_of_a_sweep_that_failed_names_the_step_sweep(region, run_module):
    result = run_report(run_module, region, sweep_failed={"a-drill": "Throttling"}, **PASSED)
    assert result["result"]["failed_step"] == "sweep"
    assert "failed at step 'sweep'" in result["summary"]
