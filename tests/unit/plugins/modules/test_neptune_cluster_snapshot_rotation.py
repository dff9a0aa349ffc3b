# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""neptune_cluster_snapshot_rotation's main() on an in-process moto holding two regions, every call counted.

moto answers `available` at once and knows no quota; the paths it never takes (busy clusters, quotas, copy
limits, statuses) are in test_rotation_run.py with answers shaped as AWS gives them.
"""

from __future__ import annotations

import boto3
import pytest
import yaml
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import COPIED_FROM_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import REGION_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import ROTATION_TAG
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot_rotation as rotation_module

from ansible_collections.graphops.neptune.tests.unit.conftest import FAST_RETRY, REGION, CallLog

DR_REGION = "us-west-2"
DAY = "2026-11-{:02d}T03:00:00Z"


@pytest.fixture
def aws():
    """{region: raw rds client} on one in-process moto; the module's clients are counted in aws["calls"]."""
    with mock_aws():
        raw = {region: boto3.client("rds", region_name=region) for region in (REGION, DR_REGION)}
        raw["calls"] = {region: CallLog() for region in (REGION, DR_REGION)}
        yield raw


def rotate(run_module, aws, check_mode=False, diff=False, **args):
    """Run the module with args (region, keep_last 2 unless given), its rds clients on aws's moto."""
    def client_factory(module, service, region, config):
        assert service == "rds"
        client = boto3.client("rds", region_name=region or module.region, config=config)
        aws["calls"][region or module.region].attach(client)
        return RetryingBotoClientWrapper(client, FAST_RETRY)

    args = dict({"region": REGION, "keep_last": 2}, **args)
    args = {key: value for key, value in args.items() if value is not None}
    return run_module(rotation_module.main, args, None, check_mode=check_mode, diff=diff,
                      client_factory=client_factory)


def make_cluster(client, name, engine="neptune", **extra):
    client.create_db_cluster(DBClusterIdentifier=name, Engine=engine, MasterUsername="admin",
                             MasterUserPassword="password-123", **extra)


def tags_of(client, identifier):
    arn = client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=identifier)["DBClusterSnapshots"][0][
        "DBClusterSnapshotArn"]
    return {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceName=arn)["TagList"]}


def manual_ids(client):
    found = client.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
    return sorted(s["DBClusterSnapshotIdentifier"] for s in found)


def test_nightly_runs_create_mark_and_prune(aws, run_module):
    make_cluster(aws[REGION], "graph-a")
    make_cluster(aws[REGION], "graph-b")
    for day in (1, 2):
        result = rotate(run_module, aws, clusters=["graph-a", "Graph-B"], name="nightly", now=DAY.format(day))
        assert result["changed"] is True
    assert tags_of(aws[REGION], "graph-a-nightly-20261101-030000") == {
        ROTATION_TAG: "nightly", REGION_TAG: REGION}
    result = rotate(run_module, aws, clusters=["graph-a", "graph-b"], name="nightly", now=DAY.format(3))
    assert result["clusters"]["graph-a"]["pruned"] == ["graph-a-nightly-20261101-030000"]
    assert result["clusters"]["graph-a"]["kept"] == [
        "graph-a-nightly-20261102-030000", "graph-a-nightly-20261103-030000"]
    assert result["clusters"]["graph-b"]["created"] == "graph-b-nightly-20261103-030000"
    assert manual_ids(aws[REGION]) == sorted(
        f"graph-{c}-nightly-202611{d:02d}-030000" for c in "ab" for d in (2, 3))


def test_rerun_with_the_same_now_changes_nothing(aws, run_module):
    make_cluster(aws[REGION], "graph-a")
    rotate(run_module, aws, clusters=["graph-a"], now=DAY.format(1))
    aws["calls"][REGION].clear()
    result = rotate(run_module, aws, clusters=["graph-a"], now=DAY.format(1))
    assert result["changed"] is False
    assert aws["calls"][REGION] == ["DescribeDBClusters", "DescribeDBClusterSnapshots"]


def test_steady_night_call_budget(aws, run_module):
    clusters = [f"graph-{i}" for i in range(6)]
    for cluster in clusters:
        make_cluster(aws[REGION], cluster)
    for day in (1, 2):
        rotate(run_module, aws, clusters=clusters, now=DAY.format(day))
    aws["calls"][REGION].clear()
    rotate(run_module, aws, clusters=clusters, now=DAY.format(3))
    calls = aws["calls"][REGION]
    # One cluster read, one listing, a create and a delete per cluster: moto answers the creates `available`.
    assert sorted(calls) == sorted(["DescribeDBClusters", "DescribeDBClusterSnapshots"]
                                   + ["CreateDBClusterSnapshot"] * 6 + ["DeleteDBClusterSnapshot"] * 6)


def test_check_mode_prunes_what_the_real_run_prunes_and_writes_nothing(aws, run_module):
    make_cluster(aws[REGION], "graph-a")
    for day in (1, 2):
        rotate(run_module, aws, clusters=["graph-a"], now=DAY.format(day))
    aws["calls"][REGION].clear()
    dry = rotate(run_module, aws, check_mode=True, diff=True, clusters=["graph-a"], now=DAY.format(3))
    assert aws["calls"][REGION].writes == []
    assert dry["clusters"]["graph-a"]["created"] is None
    real = rotate(run_module, aws, clusters=["graph-a"], now=DAY.format(3))
    assert dry["clusters"]["graph-a"]["pruned"] == real["clusters"]["graph-a"]["pruned"] == [
        "graph-a-nightly-20261101-030000".replace("nightly", "default")]
    assert dry["clusters"]["graph-a"]["kept"] == real["clusters"]["graph-a"]["kept"]
    # The real run's plan after its deletes no longer holds what it deleted; its reasons still say why.
    assert dry["clusters"]["graph-a"]["reasons"] == real["clusters"]["graph-a"]["reasons"]
    assert real["clusters"]["graph-a"]["reasons"]["graph-a-default-20261101-030000"] == "beyond the newest 2"
    assert dry["diff"]["after"] == {REGION: {"graph-a": ["graph-a-default-20261102-030000",
                                                         "graph-a-default-20261103-030000"]}}


def test_dr_copies_are_marked_and_pruned_by_the_same_rules(aws, run_module):
    make_cluster(aws[REGION], "graph-a")
    for day in (1, 2, 3):
        result = rotate(run_module, aws, clusters=["graph-a"], dr_region=DR_REGION, now=DAY.format(day))
    entry = result["clusters"]["graph-a"]
    assert entry["dr_created"] == f"graph-a-default-20261103-030000-{REGION}"
    assert entry["dr_pruned"] == [f"graph-a-default-20261101-030000-{REGION}"]
    assert tags_of(aws[DR_REGION], f"graph-a-default-20261103-030000-{REGION}") == {
        ROTATION_TAG: "default", COPIED_FROM_TAG: REGION}
    assert manual_ids(aws[DR_REGION]) == [f"graph-a-default-2026110{d}-030000-{REGION}" for d in (2, 3)]


def test_missing_cluster_fails_alone(aws, run_module):
    make_cluster(aws[REGION], "graph-a")
    make_cluster(aws[REGION], "aurora-a", engine="aurora-postgresql")
    result = rotate(run_module, aws, clusters=["graph-a", "graph-gone", "aurora-a"], now=DAY.format(1))
    assert result["failed"] is True
    assert "'graph-gone'" in result["msg"] and "'aurora-a'" in result["msg"]
    assert result["clusters"]["graph-a"]["created"] == "graph-a-default-20261101-030000"
    assert result["clusters"]["graph-gone"]["created"] is None
    assert manual_ids(aws[REGION]) == ["graph-a-default-20261101-030000"]


@pytest.mark.parametrize("args, message", [
    ({"clusters": ["graph-a"], "dr_region": REGION}, "is the clusters' own region"),
    ({"clusters": ["graph-a"], "keep_last": None}, "give keep_last, max_age_days or both"),
    ({"clusters": ["graph-a"], "now": "yesterday"}, "'yesterday' is not an ISO 8601 time"),
    ({"clusters": ["graph-a"], "tags": {ROTATION_TAG: "x"}}, "tags must not set graphops.neptune/rotation"),
    ({"clusters": ["graph-a"], "name": "Nightly"}, "name 'Nightly' is invalid"),
    ({"clusters": ["a" * 60]}, "the new snapshot's identifier"),
])
def test_bad_input_is_refused_before_any_call(aws, run_module, args, message):
    result = rotate(run_module, aws, **args)
    assert result["failed"] is True and message in result["msg"]
    assert aws["calls"][REGION] == [] and aws["calls"][DR_REGION] == []


def test_a_snapshot_of_tonights_name_made_by_someone_else_is_left_alone(aws, run_module):
    make_cluster(aws[REGION], "graph-a")
    make_cluster(aws[REGION], "graph-b")
    aws[REGION].create_db_cluster_snapshot(DBClusterSnapshotIdentifier="graph-a-default-20261101-030000",
                                           DBClusterIdentifier="graph-a")
    result = rotate(run_module, aws, clusters=["graph-a", "graph-b"], now=DAY.format(1))
    assert result["failed"] is True
    assert "'graph-a-default-20261101-030000' exists and is not this rotation's" in result["clusters"]["graph-a"][
        "failed"]
    assert result["clusters"]["graph-b"]["created"] == "graph-b-default-20261101-030000"
    assert "graph-a-default-20261101-030000" in manual_ids(aws[REGION])
    assert tags_of(aws[REGION], "graph-a-default-20261101-030000") == {}


def test_a_stopped_cluster_is_skipped_with_a_warning_and_no_deprecation(aws, run_module):
    make_cluster(aws[REGION], "graph-a")
    make_cluster(aws[REGION], "graph-b")
    aws[REGION].stop_db_cluster(DBClusterIdentifier="graph-b")
    result = rotate(run_module, aws, clusters=["graph-a", "graph-b"], now=DAY.format(1))
    assert "failed" not in result or result["failed"] is False
    assert result["clusters"]["graph-a"]["created"] == "graph-a-default-20261101-030000"
    assert result["clusters"]["graph-b"]["created"] is None and result["clusters"]["graph-b"]["skipped"]
    warnings = " ".join(warning["event"]["msg"] if isinstance(warning, dict) else warning
                        for warning in result.get("warnings", []))
    assert "'graph-b'" in warnings and "stopped" in warnings
    # module.warn of amazon.aws 11 would add ansible-core's deprecation of warnings passed to exit_json.
    assert not result.get("deprecations")


@pytest.mark.parametrize("dr_region", [None, DR_REGION])
def test_documented_return_keys_match_what_comes_back(aws, run_module, dr_region):
    make_cluster(aws[REGION], "graph-a")
    for day in (1, 2, 3):
        result = rotate(run_module, aws, clusters=["graph-a", "graph-gone"], dr_region=dr_region, now=DAY.format(day))
    documented = yaml.safe_load(rotation_module.RETURN)
    assert set(result) - {"changed", "failed", "msg", "invocation", "warnings", "deprecations"} == set(documented)
    contains = set(documented["clusters"]["contains"])
    dr_keys = {key for key in contains if key.startswith("dr_")}
    for name in ("graph-a", "graph-gone"):
        assert set(result["clusters"][name]) == (contains if dr_region else contains - dr_keys), name
