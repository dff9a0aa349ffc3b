# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""main() of neptune_cluster_restore, on an in-process moto with tests/support/moto_patched.py's patches (real
request shapes; moto alone cannot restore a Neptune snapshot) and on Stubber (statuses, waits, lost answers)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.graphops.neptune.plugins.module_utils.restore_request import RESTORED_FROM_TAG
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_restore as module

SUPPORT_DIR = Path(__file__).resolve().parents[3] / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

import moto_patched  # noqa: E402  pylint: disable=wrong-import-position

SNAPSHOT_ARN = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:graph-nightly"
CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:restored"
READS = ["DescribeDBClusters", "ListTagsForResource", "DescribeDBInstances"]


def run(run_module, client, check_mode=False, diff=False, **args):
    return run_module(module.main, args, client, check_mode=check_mode, diff=diff)


def restore_args(**more):
    """The arguments of a restore of graph-nightly into 'restored', with more (which win)."""
    args = {"db_cluster_identifier": "restored", "snapshot": "graph-nightly", "instance_class": "db.r6g.large"}
    args.update(more)
    return args


@pytest.fixture
def region(neptune, fake_time):
    """The moto region of the modules' tests (cluster 'graph', Aurora 'aurora'), patched to restore, with a
    manual snapshot 'graph-nightly' of 'graph'."""
    client, raw, calls = neptune
    with moto_patched.patched():
        raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="graph-nightly", DBClusterIdentifier="graph")
        raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="other-night", DBClusterIdentifier="graph")
        calls.clear()
        yield client, raw, calls


def cluster_tags(raw, name):
    arn = raw.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]["DBClusterArn"]
    return {t["Key"]: t["Value"] for t in raw.list_tags_for_resource(ResourceName=arn)["TagList"]}


# --- moto: behaviour and call budgets -------------------------------------------------------


def test_restore_with_an_instance_waits_and_tags_the_cluster(region, run_module):
    client, raw, calls = region
    result = run(run_module, client, diff=True, tags={"purpose": "drill"}, **restore_args())
    assert result["changed"] is True
    assert calls.writes == ["RestoreDBClusterFromSnapshot", "CreateDBInstance"]
    cluster = result["cluster"]
    assert cluster["db_cluster_identifier"] == "restored"
    assert cluster["status"] == "available"
    assert cluster["engine"] == "neptune"
    assert cluster["tags"] == {"purpose": "drill", RESTORED_FROM_TAG: "graph-nightly"}
    assert [(i["db_instance_identifier"], i["db_instance_status"]) for i in result["instances"]] == [
        ("restored-1", "available")]
    assert set(result["waits"]) == {"cluster", "instances"}
    assert cluster_tags(raw, "restored") == {"purpose": "drill", RESTORED_FROM_TAG: "graph-nightly"}
    assert result["diff"]["before"] == {"exists": False}
    assert result["diff"]["after"]["instances"] == {"restored-1": "db.r6g.large"}


def test_rerun_costs_three_reads_and_changes_nothing(region, run_module):
    client, _raw, calls = region
    run(run_module, client, **restore_args())
    calls.clear()
    result = run(run_module, client, **restore_args())
    assert result["changed"] is False
    assert calls == READS
    assert result["waits"] == {}


def test_rerun_adds_a_missing_instance_only(region, run_module):
    client, _raw, calls = region
    run(run_module, client, **restore_args())
    calls.clear()
    result = run(run_module, client, **restore_args(instance_count=2))
    assert result["changed"] is True
    assert calls.writes == ["CreateDBInstance"]
    assert [i["db_instance_identifier"] for i in result["instances"]] == ["restored-1", "restored-2"]


def test_deletion_protection_false_is_sent_and_kept(region, run_module):
    client, raw, _calls = region
    raw.modify_db_cluster(DBClusterIdentifier="graph", DeletionProtection=True, ApplyImmediately=True)
    run(run_module, client, **restore_args())
    assert raw.describe_db_clusters(DBClusterIdentifier="restored")["DBClusters"][0]["DeletionProtection"] is False
    raw.modify_db_cluster(DBClusterIdentifier="graph", DeletionProtection=False, ApplyImmediately=True)


def test_a_snapshot_given_by_arn_restores(region, run_module):
    client, raw, _calls = region
    result = run(run_module, client, **restore_args(snapshot=SNAPSHOT_ARN))
    assert result["changed"] is True
    assert cluster_tags(raw, "restored")[RESTORED_FROM_TAG] == SNAPSHOT_ARN


def test_a_cluster_restored_from_another_snapshot_is_refused(region, run_module):
    client, _raw, calls = region
    run(run_module, client, **restore_args())
    calls.clear()
    result = run(run_module, client, **restore_args(snapshot="other-night"))
    assert result["failed"] is True
    assert "restored from snapshot 'graph-nightly', not 'other-night'" in result["msg"]
    assert calls.writes == []


@pytest.mark.parametrize("state_args", [{}, {"state": "absent", "skip_final_snapshot": True}])
def test_a_cluster_not_restored_by_the_module_is_refused(region, run_module, state_args):
    client, raw, calls = region
    args = restore_args(db_cluster_identifier="graph", **state_args)
    result = run(run_module, client, **args)
    assert result["failed"] is True
    assert "was not restored by this module" in result["msg"]
    assert calls.writes == []
    assert raw.describe_db_clusters(DBClusterIdentifier="graph")["DBClusters"]


def test_an_aurora_cluster_is_refused(region, run_module):
    client, _raw, calls = region
    result = run(run_module, client, state="absent", skip_final_snapshot=True, db_cluster_identifier="aurora")
    assert result["failed"] is True
    assert "not a Neptune one" in result["msg"]
    assert calls.writes == []


def test_absent_deletes_instances_then_the_cluster_and_leaves_nothing(region, run_module):
    client, raw, calls = region
    run(run_module, client, **restore_args(instance_count=2))
    calls.clear()
    result = run(run_module, client, diff=True, db_cluster_identifier="restored", state="absent",
                 skip_final_snapshot=True)
    assert result["changed"] is True
    assert calls.writes == ["DeleteDBInstance", "DeleteDBInstance", "DeleteDBCluster"]
    assert result["diff"]["after"] == {"exists": False}
    assert not [c for c in raw.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"] == "restored"]
    assert not [i for i in raw.describe_db_instances()["DBInstances"] if i.get("DBClusterIdentifier") == "restored"]
    left = raw.describe_db_cluster_snapshots(SnapshotType="automated")["DBClusterSnapshots"]
    assert not [s for s in left if s["DBClusterIdentifier"] == "restored"]
    calls.clear()
    again = run(run_module, client, db_cluster_identifier="restored", state="absent", skip_final_snapshot=True)
    assert again["changed"] is False
    assert calls == ["DescribeDBClusters"]


def test_absent_turns_deletion_protection_off_first(region, run_module):
    client, _raw, calls = region
    run(run_module, client, **restore_args(instance_count=0, deletion_protection=True))
    calls.clear()
    run(run_module, client, db_cluster_identifier="restored", state="absent", skip_final_snapshot=True, wait=False)
    assert calls.writes == ["ModifyDBCluster", "DeleteDBCluster"]


def test_check_mode_predicts_and_writes_nothing(region, run_module):
    client, raw, calls = region
    result = run(run_module, client, check_mode=True, diff=True, **restore_args())
    assert result["changed"] is True
    assert calls.writes == []
    assert calls == ["DescribeDBClusters", "DescribeDBClusterSnapshots"]
    assert result["cluster"]["db_cluster_identifier"] == "restored"
    assert result["cluster"]["engine"] == "neptune"
    assert result["cluster"]["tags"] == {RESTORED_FROM_TAG: "graph-nightly"}
    assert [i["db_instance_identifier"] for i in result["instances"]] == ["restored-1"]
    assert result["diff"]["after"]["exists"] is True
    assert not [c for c in raw.describe_db_clusters()["DBClusters"] if c["DBClusterIdentifier"] == "restored"]


def test_check_mode_absent_writes_nothing(region, run_module):
    client, raw, calls = region
    run(run_module, client, **restore_args())
    calls.clear()
    result = run(run_module, client, check_mode=True, db_cluster_identifier="restored", state="absent",
                 skip_final_snapshot=True)
    assert result["changed"] is True
    assert calls.writes == []
    assert raw.describe_db_clusters(DBClusterIdentifier="restored")["DBClusters"]


def test_a_missing_snapshot_is_refused_before_any_write(region, run_module):
    client, _raw, calls = region
    result = run(run_module, client, **restore_args(snapshot="no-such-snapshot"))
    assert result["failed"] is True
    assert "'no-such-snapshot' was not found" in result["msg"]
    assert calls.writes == []


def test_return_documentation_matches_what_comes_back(region, run_module):
    client, _raw, _calls = region
    result = run(run_module, client, **restore_args())
    documented = yaml.safe_load(module.RETURN)
    assert set(documented) == {"cluster", "instances", "waits"}
    missing = set(documented["cluster"]["contains"]) - set(result["cluster"])
    assert missing == set()


# --- bad input: refused before any call, naming the value and the rule -------------------------


@pytest.mark.parametrize("args, words", [
    (restore_args(db_cluster_identifier="1graph"), ["'1graph'", "the first a letter"]),
    (restore_args(db_cluster_identifier="graph--x"), ["'graph--x'", "no two consecutive hyphens"]),
    (restore_args(db_cluster_identifier="a" * 62), ["'" + "a" * 62 + "-1'", "1 to 63"]),
    (restore_args(wait_timeout=59), ["wait_timeout 59", "at least 60"]),
    (restore_args(instance_count=17), ["instance_count 17", "0 to 16"]),
    (restore_args(instance_class=None), ["instance_class is required"]),
    (restore_args(instance_class="r6g.large"), ["'r6g.large'", "start with 'db.'"]),
    (restore_args(instance_class="db.serverless"), ["serverless_v2_scaling"]),
    (restore_args(serverless_v2_scaling={"min_capacity": 0.5, "max_capacity": 8}), ["min_capacity 0.5", "1 to 128"]),
    (restore_args(serverless_v2_scaling={"min_capacity": 8, "max_capacity": 2}), ["min_capacity 8.0", "more than"]),
    (restore_args(snapshot=None), ["snapshot is required"]),
    (restore_args(snapshot="arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:x"), ["'eu-west-1'", "copy it here"]),
    (restore_args(snapshot="bad_name"), ["'bad_name'"]),
    (restore_args(tags={RESTORED_FROM_TAG: "x"}), [RESTORED_FROM_TAG]),
    (restore_args(tags={"aws:x": "y"}), ["'aws:x'", "reserved"]),
    (restore_args(port=80), ["port 80", "1150 to 65535"]),
    ({"db_cluster_identifier": "restored", "state": "absent"}, ["skip_final_snapshot", "final_snapshot_identifier"]),
    ({"db_cluster_identifier": "restored", "state": "absent", "skip_final_snapshot": False}, ["needs final_snapshot"]),
    ({"db_cluster_identifier": "restored", "state": "absent", "skip_final_snapshot": True,
      "final_snapshot_identifier": "last"}, ["contradict"]),
    (restore_args(skip_final_snapshot=True), ["only used with state=absent"]),
])
def test_bad_input_is_refused_before_any_call(stubbed, run_module, args, words):
    client, _stubber, calls = stubbed
    result = run(run_module, client, **args)
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"]
    assert calls == []


# --- Stubber: requests checked against the model; statuses and waits ------------------------------

NOW = datetime.datetime(2026, 12, 2, 3, 0, tzinfo=datetime.timezone.utc)


def api_snapshot(**more):
    return dict({
        "DBClusterSnapshotIdentifier": "graph-nightly", "DBClusterIdentifier": "graph",
        "DBClusterSnapshotArn": SNAPSHOT_ARN, "Engine": "neptune", "EngineVersion": "1.3.2.1",
        "Status": "available", "SnapshotType": "manual", "Port": 8182, "StorageEncrypted": True,
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/k1", "SnapshotCreateTime": NOW,
    }, **more)


def api_cluster(status, **more):
    return dict({"DBClusterIdentifier": "restored", "DBClusterArn": CLUSTER_ARN, "Engine": "neptune",
                 "Status": status, "Port": 8182, "EngineVersion": "1.3.2.1", "DeletionProtection": False}, **more)


def api_instance(status, name="restored-1"):
    return {"DBInstanceIdentifier": name, "DBInstanceClass": "db.r6g.large", "Engine": "neptune",
            "DBInstanceStatus": status, "DBClusterIdentifier": "restored"}


def expect_describe_cluster(stubber, status):
    if status is None:
        stubber.add_client_error("describe_db_clusters", "DBClusterNotFoundFault", http_status_code=404,
                                 expected_params={"DBClusterIdentifier": "restored"})
    else:
        stubber.add_response("describe_db_clusters", {"DBClusters": [api_cluster(status)]},
                             {"DBClusterIdentifier": "restored"})


def expect_instances(stubber, *statuses):
    stubber.add_response("describe_db_instances", {"DBInstances": [api_instance(s) for s in statuses]},
                         {"Filters": [{"Name": "db-cluster-id", "Values": ["restored"]}]})


def expect_restore_start(stubber, tags=None):
    expect_describe_cluster(stubber, None)
    stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [api_snapshot()]},
                         {"DBClusterSnapshotIdentifier": "graph-nightly"})
    tag_list = [{"Key": RESTORED_FROM_TAG, "Value": "graph-nightly"}] + (tags or [])
    stubber.add_response("restore_db_cluster_from_snapshot", {"DBCluster": api_cluster("creating")}, {
        "DBClusterIdentifier": "restored", "SnapshotIdentifier": "graph-nightly", "Engine": "neptune",
        "DeletionProtection": False, "Tags": tag_list, "Port": 8182,
        "ServerlessV2ScalingConfiguration": {"MinCapacity": 1.0, "MaxCapacity": 4.0},
    })


def test_restore_request_and_waits_polling_every_five_seconds(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    expect_restore_start(stubber)
    expect_describe_cluster(stubber, "creating")
    expect_describe_cluster(stubber, "available")
    stubber.add_response("create_db_instance", {"DBInstance": api_instance("creating")}, {
        "DBInstanceIdentifier": "restored-1", "DBInstanceClass": "db.r6g.large", "Engine": "neptune",
        "DBClusterIdentifier": "restored", "Tags": [{"Key": RESTORED_FROM_TAG, "Value": "graph-nightly"}]})
    expect_instances(stubber, "creating")
    expect_instances(stubber, "creating")
    expect_instances(stubber, "available")
    result = run(run_module, client, port=8182, serverless_v2_scaling={"min_capacity": 1, "max_capacity": 4},
                 **restore_args())
    assert result["changed"] is True, result
    assert fake_time.sleeps == [5, 5, 5, 5]
    assert result["waits"] == {"cluster": 10.0, "instances": 10.0}
    assert result["instances"][0]["db_instance_status"] == "available"


def test_a_cluster_that_fails_ends_the_wait_naming_its_status(stubbed, run_module, fake_time):
    client, stubber, _calls = stubbed
    expect_restore_start(stubber)
    expect_describe_cluster(stubber, "inaccessible-encryption-credentials")
    result = run(run_module, client, port=8182, serverless_v2_scaling={"min_capacity": 1, "max_capacity": 4},
                 **restore_args())
    assert result["failed"] is True
    assert "'inaccessible-encryption-credentials'" in result["msg"]
    assert fake_time.sleeps == [5]


def test_a_wait_ends_at_wait_timeout_naming_the_status(stubbed, run_module, fake_time):
    client, stubber, _calls = stubbed
    expect_restore_start(stubber)
    for _attempt in range(12):
        expect_describe_cluster(stubber, "creating")
    result = run(run_module, client, port=8182, serverless_v2_scaling={"min_capacity": 1, "max_capacity": 4},
                 wait_timeout=60, **restore_args())
    assert result["failed"] is True
    assert "Timed out after wait_timeout 60 s" in result["msg"]
    assert "'creating'" in result["msg"]
    assert sum(fake_time.sleeps) == 60


def test_a_lost_restore_answer_is_adopted_when_the_tag_says_it_is_ours(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    expect_describe_cluster(stubber, None)
    stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [api_snapshot()]},
                         {"DBClusterSnapshotIdentifier": "graph-nightly"})
    stubber.add_client_error("restore_db_cluster_from_snapshot", "DBClusterAlreadyExistsFault")
    expect_describe_cluster(stubber, "creating")
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": RESTORED_FROM_TAG, "Value": "graph-nightly"}]},
                         {"ResourceName": CLUSTER_ARN})
    expect_instances(stubber)
    result = run(run_module, client, instance_count=0, wait=False, **restore_args())
    assert result["changed"] is True, result
    assert calls.writes == ["RestoreDBClusterFromSnapshot"]


def test_a_lost_restore_answer_of_someone_elses_cluster_is_refused(stubbed, run_module):
    client, stubber, calls = stubbed
    expect_describe_cluster(stubber, None)
    stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [api_snapshot()]},
                         {"DBClusterSnapshotIdentifier": "graph-nightly"})
    stubber.add_client_error("restore_db_cluster_from_snapshot", "DBClusterAlreadyExistsFault")
    expect_describe_cluster(stubber, "available")
    stubber.add_response("list_tags_for_resource", {"TagList": []}, {"ResourceName": CLUSTER_ARN})
    result = run(run_module, client, instance_count=0, **restore_args())
    assert result["failed"] is True
    assert "was not restored by this module" in result["msg"]


@pytest.mark.parametrize("code, args, words", [
    ("DBSubnetGroupNotFoundFault", {"db_subnet_group_name": "no-such-group"},
     ["db_subnet_group_name 'no-such-group' was not found", "nothing was made"]),
    ("KMSKeyNotAccessibleFault", {"kms_key_id": "alias/no-such-key"}, ["kms_key_id 'alias/no-such-key' cannot be used"]),
    ("KMSKeyNotAccessibleFault", {}, ["the snapshot's KMS key cannot be used"]),
])
def test_a_restore_refused_for_an_unknown_subnet_group_or_key_names_the_value(stubbed, run_module, code, args, words):
    client, stubber, calls = stubbed
    expect_describe_cluster(stubber, None)
    stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [api_snapshot()]},
                         {"DBClusterSnapshotIdentifier": "graph-nightly"})
    stubber.add_client_error("restore_db_cluster_from_snapshot", code, http_status_code=400)
    result = run(run_module, client, **restore_args(**args))
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"]
    assert calls.writes == ["RestoreDBClusterFromSnapshot"]


def test_a_non_neptune_snapshot_is_refused(stubbed, run_module):
    client, stubber, calls = stubbed
    expect_describe_cluster(stubber, None)
    stubber.add_response("describe_db_cluster_snapshots",
                         {"DBClusterSnapshots": [api_snapshot(Engine="aurora-postgresql")]},
                         {"DBClusterSnapshotIdentifier": "graph-nightly"})
    result = run(run_module, client, **restore_args())
    assert result["failed"] is True
    assert "'aurora-postgresql' snapshot" in result["msg"]
    assert calls.writes == []


def test_final_snapshot_is_named_in_the_delete(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    expect_describe_cluster(stubber, "available")
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": RESTORED_FROM_TAG, "Value": "graph-nightly"}]},
                         {"ResourceName": CLUSTER_ARN})
    expect_instances(stubber, "available")
    stubber.add_response("delete_db_instance", {}, {"DBInstanceIdentifier": "restored-1"})
    stubber.add_client_error("delete_db_cluster", "InvalidDBClusterStateFault")
    stubber.add_response("delete_db_cluster", {},
                         {"DBClusterIdentifier": "restored", "FinalDBSnapshotIdentifier": "restored-final"})
    result = run(run_module, client, db_cluster_identifier="restored", state="absent",
                 final_snapshot_identifier="Restored-Final", wait=False)
    assert result["changed"] is True, result
    assert calls.writes == ["DeleteDBInstance", "DeleteDBCluster", "DeleteDBCluster"]


def test_a_lost_instance_delete_answer_is_taken_as_done_when_the_instance_is_deleting(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    expect_describe_cluster(stubber, "available")
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": RESTORED_FROM_TAG, "Value": "graph-nightly"}]},
                         {"ResourceName": CLUSTER_ARN})
    expect_instances(stubber, "available")
    # botocore's resend of a delete whose answer was lost meets the instance already deleting.
    stubber.add_client_error("delete_db_instance", "InvalidDBInstanceState", expected_params={
        "DBInstanceIdentifier": "restored-1"})
    expect_instances(stubber, "deleting")
    stubber.add_response("delete_db_cluster", {}, {"DBClusterIdentifier": "restored", "SkipFinalSnapshot": True})
    expect_describe_cluster(stubber, "deleting")
    expect_describe_cluster(stubber, None)
    result = run(run_module, client, db_cluster_identifier="restored", state="absent", skip_final_snapshot=True)
    assert result["changed"] is True, result
    assert calls.writes == ["DeleteDBInstance", "DeleteDBCluster"]
    assert result["waits"] == {"cluster": 5.0}


def test_absent_waits_for_a_cluster_an_earlier_run_is_deleting(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    expect_describe_cluster(stubber, "deleting")
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": RESTORED_FROM_TAG, "Value": "graph-nightly"}]},
                         {"ResourceName": CLUSTER_ARN})
    expect_instances(stubber)
    expect_describe_cluster(stubber, None)
    result = run(run_module, client, db_cluster_identifier="restored", state="absent", skip_final_snapshot=True)
    assert result["changed"] is False, result
    assert calls.writes == []
    assert fake_time.sleeps == [5]


def expect_ours(stubber, cluster):
    """The re-run's reads: the cluster (an api_cluster), its restored-from tag."""
    stubber.add_response("describe_db_clusters", {"DBClusters": [cluster]}, {"DBClusterIdentifier": "restored"})
    stubber.add_response("list_tags_for_resource", {"TagList": [{"Key": RESTORED_FROM_TAG, "Value": "graph-nightly"}]},
                         {"ResourceName": CLUSTER_ARN})


@pytest.mark.parametrize("wait", [True, False])
def test_a_rerun_with_wait_waits_for_what_an_earlier_run_left_creating(stubbed, run_module, fake_time, wait):
    # An earlier run with wait: false, or whose wait ran out: the re-run changes nothing, and waits as asked.
    client, stubber, calls = stubbed
    expect_ours(stubber, api_cluster("creating"))
    expect_instances(stubber, "creating")
    if wait:
        expect_describe_cluster(stubber, "available")
        expect_instances(stubber, "creating")
        expect_instances(stubber, "available")
    result = run(run_module, client, wait=wait, **restore_args())
    assert result["changed"] is False, result
    assert calls.writes == []
    assert result["cluster"]["status"] == ("available" if wait else "creating")
    assert result["instances"][0]["db_instance_status"] == ("available" if wait else "creating")
    assert result["waits"] == ({"cluster": 5.0, "instances": 10.0} if wait else {})
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize("misses", [1, 2, 3])
def test_a_new_cluster_or_instance_missing_from_a_read_is_gone_only_after_three(stubbed, run_module, fake_time, misses):
    # AWS's reads may not show a resource for a moment after its create was answered.
    client, stubber, calls = stubbed
    expect_restore_start(stubber)
    for _read in range(misses):
        expect_describe_cluster(stubber, None)
    if misses < 3:
        expect_describe_cluster(stubber, "available")
        stubber.add_response("create_db_instance", {"DBInstance": api_instance("creating")})
        for _read in range(misses):
            expect_instances(stubber)
        expect_instances(stubber, "available")
    result = run(run_module, client, port=8182, serverless_v2_scaling={"min_capacity": 1, "max_capacity": 4},
                 **restore_args())
    if misses < 3:
        assert result["changed"] is True, result
        assert calls.writes == ["RestoreDBClusterFromSnapshot", "CreateDBInstance"]
        assert result["waits"] == {"cluster": 5.0 * (misses + 1), "instances": 5.0 * misses}
    else:
        assert result["failed"] is True
        assert "cluster 'restored' is gone" in result["msg"]
        assert fake_time.sleeps == [5, 5, 5]
    stubber.assert_no_pending_responses()


def test_absent_turns_protection_off_before_the_instances_and_retries_a_busy_cluster(stubbed, run_module, fake_time):
    # A protection change AWS refuses must not leave a cluster without its instances.
    client, stubber, calls = stubbed
    expect_ours(stubber, api_cluster("available", DeletionProtection=True))
    expect_instances(stubber, "available")
    unprotect = {"DBClusterIdentifier": "restored", "DeletionProtection": False, "ApplyImmediately": True}
    stubber.add_client_error("modify_db_cluster", "InvalidDBClusterStateFault", expected_params=unprotect)
    stubber.add_response("modify_db_cluster", {"DBCluster": api_cluster("modifying")}, unprotect)
    stubber.add_response("delete_db_instance", {}, {"DBInstanceIdentifier": "restored-1"})
    stubber.add_response("delete_db_cluster", {}, {"DBClusterIdentifier": "restored", "SkipFinalSnapshot": True})
    result = run(run_module, client, db_cluster_identifier="restored", state="absent", skip_final_snapshot=True,
                 wait=False)
    assert result["changed"] is True, result
    assert calls.writes == ["ModifyDBCluster", "ModifyDBCluster", "DeleteDBInstance", "DeleteDBCluster"]
    stubber.assert_no_pending_responses()
