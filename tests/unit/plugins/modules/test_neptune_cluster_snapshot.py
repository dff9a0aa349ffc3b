# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""main() of neptune_cluster_snapshot, on an in-process moto (real request shapes) and on Stubber (faults)."""

from __future__ import annotations

import datetime

import pytest
import yaml
from botocore import xform_name

from ansible_collections.graphops.neptune.plugins.module_utils import snapshot_api
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot as module
from ansible_collections.graphops.neptune.tests.unit.api_operations import CLUSTER
from ansible_collections.graphops.neptune.tests.unit.api_operations import CREATE
from ansible_collections.graphops.neptune.tests.unit.api_operations import DESCRIBE
from ansible_collections.graphops.neptune.tests.unit.api_operations import TAGS

CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:graph"
SNAPSHOT_ARN = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:snap"


def run(run_module, client, check_mode=False, diff=False, **args):
    return run_module(module.main, args, client, check_mode=check_mode, diff=diff)


def documented_return_keys():
    return set(yaml.safe_load(module.RETURN)["db_cluster_snapshot"]["contains"])


# --- moto: behaviour and call budgets -------------------------------------------------------


def test_create_with_tags_costs_three_calls_and_tags_in_the_create_call(neptune, run_module):
    client, raw, calls = neptune
    result = run(run_module, client, id="Snap", cluster_id="graph", tags={"env": "prod", "n": 1})
    assert result["changed"] is True
    assert calls == [DESCRIBE, CLUSTER, CREATE]
    facts = result["db_cluster_snapshot"]
    assert facts["db_cluster_snapshot_identifier"] == "snap"
    assert facts["db_cluster_identifier"] == "graph"
    assert facts["engine"] == "neptune"
    assert facts["tags"] == {"env": "prod", "n": "1"}
    stored = raw.list_tags_for_resource(ResourceName=facts["db_cluster_snapshot_arn"])["TagList"]
    assert {t["Key"]: t["Value"] for t in stored} == {"env": "prod", "n": "1"}
    assert "diff" not in result


def test_module_asks_for_a_neptune_client_that_retries_throttling(neptune, run_module):
    client, _raw, _calls = neptune
    run(run_module, client, id="snap", cluster_id="graph")
    assert run_module.client_requests == [("neptune", snapshot_api.RETRY_DECORATOR, None, None)]


def test_check_mode_client_is_read_only_and_says_so_in_its_user_agent(neptune, run_module):
    client, _raw, _calls = neptune
    run(run_module, client, check_mode=True, id="snap", cluster_id="graph")
    assert run_module.client_requests == [
        ("neptune", snapshot_api.RETRY_DECORATOR, None, snapshot_api.CHECK_MODE_USER_AGENT)
    ]
    guarded = snapshot_api.ReadOnlyClient(client)
    assert guarded.describe_db_cluster_snapshots is not None
    with pytest.raises(snapshot_api.CheckModeWrite, match="create_db_cluster_snapshot"):
        guarded.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="x", DBClusterIdentifier="graph")


def test_identical_rerun_costs_two_calls_and_changes_nothing(neptune, run_module):
    client, _raw, calls = neptune
    first = run(run_module, client, id="snap", cluster_id="graph", tags={"env": "prod"})
    calls.clear()
    again = run(run_module, client, id="SNAP", cluster_id="Graph", tags={"env": "prod"})
    assert again["changed"] is False
    assert calls == [DESCRIBE, TAGS]
    assert again["db_cluster_snapshot"]["tags"] == {"env": "prod"}
    assert again["db_cluster_snapshot"]["db_cluster_snapshot_arn"] == first["db_cluster_snapshot"]["db_cluster_snapshot_arn"]


def test_check_mode_create_reads_only_and_predicts_the_real_facts(neptune, run_module):
    client, raw, calls = neptune
    predicted = run(run_module, client, check_mode=True, diff=True, id="snap", cluster_id="graph", tags={"a": "1"})
    assert predicted["changed"] is True
    assert calls.writes == []
    assert raw.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"] == []
    assert predicted["diff"] == {
        "before": {"exists": False},
        "after": {"exists": True, "db_cluster_snapshot_identifier": "snap", "db_cluster_identifier": "graph",
                  "tags": {"a": "1"}},
    }
    real = run(run_module, client, id="snap", cluster_id="graph", tags={"a": "1"})
    assert real["changed"] is True
    predicted_facts, real_facts = predicted["db_cluster_snapshot"], real["db_cluster_snapshot"]
    # The real snapshot's tags as AWS holds them after the create, not as the module reports them.
    stored = raw.list_tags_for_resource(ResourceName=real_facts["db_cluster_snapshot_arn"])["TagList"]
    real_facts = dict(real_facts, tags={tag["Key"]: tag["Value"] for tag in stored})
    core = {"db_cluster_snapshot_identifier", "db_cluster_identifier", "engine", "engine_version", "port",
            "snapshot_type", "storage_encrypted", "cluster_create_time", "tags", "db_cluster_snapshot_arn"}
    assert core <= set(predicted_facts) & set(real_facts)
    # moto leaves out some keys AWS sends (IAMDatabaseAuthenticationEnabled): compare what both have.
    shared = set(predicted_facts) & set(real_facts)
    assert {key: predicted_facts[key] for key in shared} == {key: real_facts[key] for key in shared}


def test_return_documentation_matches_what_comes_back(neptune, run_module):
    client, _raw, _calls = neptune
    created = run(run_module, client, id="snap", cluster_id="graph", tags={"a": "1"})["db_cluster_snapshot"]
    documented = documented_return_keys()
    assert set(created) <= documented, f"undocumented keys: {set(created) - documented}"
    contains = yaml.safe_load(module.RETURN)["db_cluster_snapshot"]["contains"]
    promised = {key for key, doc in contains.items() if doc["returned"].startswith("when the snapshot exists")}
    assert promised <= set(created), f"documented but missing: {promised - set(created)}"
    # Every key of the API's DBClusterSnapshot is documented, in snake_case, plus tags and shared_accounts.
    shape = snapshot_api.snapshot_facts({member: 1 for member in _shape_members()})
    assert documented == set(shape) | {"tags", "shared_accounts"}


def _shape_members():
    import botocore.session

    model = botocore.session.get_session().get_service_model("neptune")
    return list(model.shape_for("DBClusterSnapshot").members)


def test_tag_replace_add_keep_purge(neptune, run_module):
    client, _raw, calls = neptune
    run(run_module, client, id="snap", cluster_id="graph", tags={"a": "1", "b": "2"})

    calls.clear()
    replaced = run(run_module, client, diff=True, id="snap", tags={"a": "1", "c": "3"})
    assert replaced["changed"] and replaced["db_cluster_snapshot"]["tags"] == {"a": "1", "c": "3"}
    assert calls == [DESCRIBE, TAGS, "AddTagsToResource", "RemoveTagsFromResource"]
    assert replaced["diff"]["before"]["tags"] == {"a": "1", "b": "2"}
    assert replaced["diff"]["after"]["tags"] == {"a": "1", "c": "3"}

    added = run(run_module, client, id="snap", tags={"d": "4"}, purge_tags=False)
    assert added["db_cluster_snapshot"]["tags"] == {"a": "1", "c": "3", "d": "4"}

    kept = run(run_module, client, id="snap")
    assert not kept["changed"] and kept["db_cluster_snapshot"]["tags"] == {"a": "1", "c": "3", "d": "4"}

    purged = run(run_module, client, id="snap", tags={})
    assert purged["changed"] and purged["db_cluster_snapshot"]["tags"] == {}
    assert run(run_module, client, id="snap")["db_cluster_snapshot"]["tags"] == {}


def test_check_mode_tag_change_writes_nothing(neptune, run_module):
    client, _raw, calls = neptune
    run(run_module, client, id="snap", cluster_id="graph", tags={"a": "1"})
    calls.clear()
    result = run(run_module, client, check_mode=True, id="snap", tags={"b": "2"})
    assert result["changed"] and result["db_cluster_snapshot"]["tags"] == {"b": "2"}
    assert calls.writes == []
    assert run(run_module, client, id="snap")["db_cluster_snapshot"]["tags"] == {"a": "1"}


def test_delete_check_mode_then_delete_then_again(neptune, run_module):
    client, raw, calls = neptune
    created = run(run_module, client, id="snap", cluster_id="graph", tags={"a": "1"})["db_cluster_snapshot"]

    calls.clear()
    dry = run(run_module, client, check_mode=True, diff=True, id="snap", state="absent")
    assert dry["changed"] and calls.writes == []
    assert dry["diff"]["after"] == {"exists": False}
    assert len(raw.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]) == 1

    calls.clear()
    deleted = run(run_module, client, id="snap", cluster_id="graph", state="absent")
    # No tag read for a delete (2 calls, as the peer): the facts are the snapshot's, without tags.
    assert deleted["changed"] and calls == [DESCRIBE, "DeleteDBClusterSnapshot"]
    assert deleted["db_cluster_snapshot"] == {k: v for k, v in created.items() if k != "tags"}

    calls.clear()
    again = run(run_module, client, id="snap", state="absent")
    assert again == {"changed": False, "db_cluster_snapshot": {}} or (
        not again["changed"] and again["db_cluster_snapshot"] == {}
    )
    assert calls == [DESCRIBE]


def test_delete_with_wait_reads_until_gone(neptune, run_module, fake_time):
    client, _raw, calls = neptune
    run(run_module, client, id="snap", cluster_id="graph")
    calls.clear()
    result = run(run_module, client, id="snap", state="absent", wait=True)
    assert result["changed"] and calls == [DESCRIBE, "DeleteDBClusterSnapshot", DESCRIBE]
    assert fake_time.sleeps == []


@pytest.mark.parametrize("state", ["present", "absent"])
def test_snapshot_of_another_cluster_is_left_alone(neptune, run_module, state):
    client, raw, calls = neptune
    raw.create_db_cluster(DBClusterIdentifier="other", Engine="neptune")
    run(run_module, client, id="snap", cluster_id="graph")
    calls.clear()
    result = run(run_module, client, id="snap", cluster_id="other", state=state, tags={"x": "y"})
    assert result["failed"] and "'graph'" in result["msg"] and "'other'" in result["msg"]
    assert calls.writes == []


def test_non_neptune_cluster_is_refused(neptune, run_module):
    client, _raw, calls = neptune
    result = run(run_module, client, id="snap", cluster_id="aurora")
    assert result["failed"] and "'aurora-postgresql', not 'neptune'" in result["msg"]
    assert calls.writes == []


@pytest.mark.parametrize("state", ["present", "absent"])
def test_non_neptune_snapshot_is_refused(neptune, run_module, state):
    client, raw, calls = neptune
    raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="aurora-snap", DBClusterIdentifier="aurora")
    calls.clear()
    result = run(run_module, client, id="aurora-snap", state=state, tags={})
    assert result["failed"] and "'aurora-postgresql'" in result["msg"]
    assert calls == [DESCRIBE]
    assert raw.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="aurora-snap")["DBClusterSnapshots"]


def test_missing_cluster_fails_clearly(neptune, run_module):
    client, _raw, calls = neptune
    result = run(run_module, client, id="snap", cluster_id="nowhere")
    assert result["failed"] and "cluster 'nowhere' was not found" in result["msg"]
    assert calls == [DESCRIBE, CLUSTER]


def test_create_without_cluster_fails_clearly(neptune, run_module):
    client, _raw, _calls = neptune
    result = run(run_module, client, id="snap")
    assert result["failed"] and "db_cluster_identifier (to snapshot a cluster) or source_db" in result["msg"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        ({"id": "9lives", "cluster_id": "graph"}, "'9lives'"),
        ({"id": "snap--1", "cluster_id": "graph"}, "'snap--1'"),
        ({"id": "snap", "cluster_id": "graph-"}, "'graph-'"),
        ({"id": "snap", "cluster_id": "graph", "tags": {"aws:x": "1"}}, "'aws:x'"),
        ({"id": "snap", "cluster_id": "graph", "tags": {"k": "x" * 300}}, "0 to 256"),
        ({"id": "snap", "cluster_id": "graph", "wait_timeout": -5}, "-5"),
        ({"id": "rds:graph-2026-11-27", "state": "absent"}, "automated"),
    ],
)
def test_bad_input_fails_before_any_call(neptune, run_module, args, fragment):
    client, _raw, calls = neptune
    result = run(run_module, client, **args)
    assert result["failed"] and fragment in result["msg"]
    assert calls == []


def test_fifty_tags_are_created_and_fifty_one_refused_before_any_call(neptune, run_module):
    """AWS allows 50 tags on a resource: 50 go in the create call, 51 can never succeed and are refused at once."""
    client, raw, calls = neptune
    fifty = {f"k{n:02d}": str(n) for n in range(50)}
    refused = run(run_module, client, id="snap", cluster_id="graph", tags=dict(fifty, k50="50"))
    assert refused["failed"] and "51 tags given, AWS allows at most 50" in refused["msg"]
    assert calls == []
    created = run(run_module, client, id="snap", cluster_id="graph", tags=fifty)
    assert created["changed"] and created["db_cluster_snapshot"]["tags"] == fifty
    assert calls == [DESCRIBE, CLUSTER, CREATE]
    stored = raw.list_tags_for_resource(ResourceName=created["db_cluster_snapshot"]["db_cluster_snapshot_arn"])
    assert len(stored["TagList"]) == 50


def test_secrets_never_appear_in_results(neptune, run_module):
    client, _raw, _calls = neptune
    secret, token = "S3cretValue-never-shown", "T0kenValue-never-shown"
    for args in ({"id": "snap", "cluster_id": "graph"}, {"id": "snap", "cluster_id": "nowhere-else"},
                 {"id": "bad--id"}):
        result = run(run_module, client, secret_key=secret, session_token=token, access_key="AKIDEXAMPLE", **args)
        assert secret not in repr(result) and token not in repr(result)


# --- Stubber: faults, waiting and AWS errors ------------------------------------------------


def api_snapshot(status="available", progress=100, **extra):
    snapshot = {
        "DBClusterSnapshotIdentifier": "snap",
        "DBClusterIdentifier": "graph",
        "DBClusterSnapshotArn": SNAPSHOT_ARN,
        "Engine": "neptune",
        "SnapshotType": "manual",
        "Status": status,
        "PercentProgress": progress,
        "SnapshotCreateTime": datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.timezone.utc),
    }
    snapshot.update(extra)
    return snapshot


def queue_describe(stubber, *statuses, progress=40):
    for status in statuses:
        stubber.add_response(
            "describe_db_cluster_snapshots",
            {"DBClusterSnapshots": [api_snapshot(status, 100 if status == "available" else progress)]},
            {"DBClusterSnapshotIdentifier": "snap"},
        )


def queue_missing_then_cluster(stubber):
    stubber.add_client_error("describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault", http_status_code=404)
    stubber.add_response(
        "describe_db_clusters",
        {"DBClusters": [{"DBClusterIdentifier": "graph", "DBClusterArn": CLUSTER_ARN, "Engine": "neptune"}]},
        {"DBClusterIdentifier": "graph"},
    )


def queue_tags(stubber, tags=None):
    tag_list = [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
    stubber.add_response("list_tags_for_resource", {"TagList": tag_list}, {"ResourceName": SNAPSHOT_ARN})


def test_throttled_reads_are_retried(stubbed, run_module):
    client, stubber, calls = stubbed
    for _attempt in range(3):
        stubber.add_client_error("describe_db_cluster_snapshots", "Throttling", http_status_code=400)
    queue_describe(stubber, "available")
    stubber.add_client_error("list_tags_for_resource", "Throttling", http_status_code=400)
    queue_tags(stubber, {"a": "1"})
    result = run(run_module, client, id="snap", tags={"a": "1"})
    assert result["changed"] is False
    assert calls == [DESCRIBE] * 4 + [TAGS] * 2


def test_create_then_wait_polls_every_five_seconds(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    queue_missing_then_cluster(stubber)
    stubber.add_response(
        "create_db_cluster_snapshot",
        {"DBClusterSnapshot": api_snapshot("creating", 0)},
        {"DBClusterSnapshotIdentifier": "snap", "DBClusterIdentifier": "graph", "Tags": [{"Key": "a", "Value": "1"}]},
    )
    queue_describe(stubber, "creating", "creating", "available")
    result = run(run_module, client, id="snap", cluster_id="graph", tags={"a": "1"}, wait=True)
    assert result["changed"] and result["db_cluster_snapshot"]["status"] == "available"
    assert result["db_cluster_snapshot"]["tags"] == {"a": "1"}
    assert calls == [DESCRIBE, CLUSTER, CREATE, DESCRIBE, DESCRIBE, DESCRIBE]
    assert fake_time.sleeps == [5, 5, 5]


def test_create_without_wait_returns_the_creating_snapshot(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    queue_missing_then_cluster(stubber)
    stubber.add_response("create_db_cluster_snapshot", {"DBClusterSnapshot": api_snapshot("creating", 0)})
    result = run(run_module, client, id="snap", cluster_id="graph")
    assert result["db_cluster_snapshot"]["status"] == "creating" and calls == [DESCRIBE, CLUSTER, CREATE]
    assert fake_time.sleeps == []


def test_rerun_on_a_creating_snapshot_waits_too(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    queue_describe(stubber, "creating")
    queue_tags(stubber, {"a": "1"})
    queue_describe(stubber, "copying", "available")
    result = run(run_module, client, id="snap", cluster_id="graph", wait=True)
    assert result["changed"] is False and result["db_cluster_snapshot"]["status"] == "available"
    assert result["db_cluster_snapshot"]["tags"] == {"a": "1"}
    assert calls == [DESCRIBE, TAGS, DESCRIBE, DESCRIBE]
    assert fake_time.sleeps == [5, 5]  # one poll interval before each read, not a busy loop


def test_wait_timeout_fails_with_status_and_progress(stubbed, run_module, fake_time):
    client, stubber, _calls = stubbed
    queue_describe(stubber, "creating")
    queue_tags(stubber)
    queue_describe(stubber, "creating", "creating", "creating")
    result = run(run_module, client, id="snap", wait=True, wait_timeout=12)
    assert result["failed"]
    assert "Timed out after 12 s" in result["msg"] and "'snap'" in result["msg"]
    assert "'creating'" in result["msg"] and "40%" in result["msg"]
    assert 12 <= fake_time.now <= 12 + 5


def test_failed_snapshot_fails_at_once(stubbed, run_module, fake_time):
    client, stubber, _calls = stubbed
    queue_describe(stubber, "creating")
    queue_tags(stubber)
    queue_describe(stubber, "failed")
    result = run(run_module, client, id="snap", wait=True)
    assert result["failed"] and "'failed'" in result["msg"] and "'snap'" in result["msg"]
    assert fake_time.sleeps == [5]


def test_busy_cluster_is_retried_until_it_is_free(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    queue_missing_then_cluster(stubber)
    for _attempt in range(3):
        stubber.add_client_error("create_db_cluster_snapshot", "InvalidDBClusterStateFault", http_status_code=400)
    stubber.add_response("create_db_cluster_snapshot", {"DBClusterSnapshot": api_snapshot()})
    result = run(run_module, client, id="snap", cluster_id="graph")
    assert result["changed"] and calls.count(CREATE) == 4
    assert len(fake_time.sleeps) == 3


def test_busy_cluster_fails_clearly_after_wait_timeout(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    queue_missing_then_cluster(stubber)
    for _attempt in range(6):
        stubber.add_client_error("create_db_cluster_snapshot", "InvalidDBClusterStateFault", http_status_code=400)
    result = run(run_module, client, id="snap", cluster_id="graph", wait_timeout=30)
    assert result["failed"]
    assert "Failed to create DB cluster snapshot 'snap' of cluster 'graph'" in result["msg"]
    assert "stayed busy" in result["msg"] and "30 s" in result["msg"]
    assert fake_time.now == 30
    stubber._queue.clear()  # the remaining busy answers were not needed


def test_quota_exceeded_says_so_without_retrying(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    queue_missing_then_cluster(stubber)
    stubber.add_client_error("create_db_cluster_snapshot", "SnapshotQuotaExceeded", http_status_code=400)
    result = run(run_module, client, id="snap", cluster_id="graph")
    assert result["failed"] and "manual DB cluster snapshot quota" in result["msg"] and "'snap'" in result["msg"]
    assert calls.count(CREATE) == 1 and fake_time.sleeps == []


@pytest.mark.parametrize(
    "queue, operation, fragment",
    [
        (lambda s: None, "describe_db_cluster_snapshots", "Failed to describe DB cluster snapshot 'snap'"),
        (queue_missing_then_cluster, "create_db_cluster_snapshot",
         "Failed to create DB cluster snapshot 'snap' of cluster 'graph'"),
        (lambda s: queue_describe(s, "available"), "list_tags_for_resource",
         "Failed to list the tags of DB cluster snapshot 'snap'"),
    ],
)
def test_aws_errors_say_what_was_being_done(stubbed, run_module, queue, operation, fragment):
    client, stubber, _calls = stubbed
    queue(stubber)
    stubber.add_client_error(operation, "AccessDenied", "User is not authorized", http_status_code=403)
    result = run(run_module, client, id="snap", cluster_id="graph")
    assert result["failed"] and result["msg"].startswith(fragment) and "not authorized" in result["msg"]


def test_delete_and_tag_errors_name_the_snapshot(stubbed, run_module):
    client, stubber, _calls = stubbed
    queue_describe(stubber, "available")
    queue_tags(stubber, {"a": "1"})
    stubber.add_client_error("remove_tags_from_resource", "AccessDenied", http_status_code=403)
    result = run(run_module, client, id="snap", tags={})
    assert result["failed"] and result["msg"].startswith("Failed to remove tags ['a'] from DB cluster snapshot 'snap'")

    queue_describe(stubber, "available")
    stubber.add_client_error("delete_db_cluster_snapshot", "AccessDenied", http_status_code=403)
    result = run(run_module, client, id="snap", state="absent")
    assert result["failed"] and result["msg"].startswith("Failed to delete DB cluster snapshot 'snap'")


def test_delete_with_wait_lets_a_creating_snapshot_finish_first(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    queue_describe(stubber, "creating")
    queue_describe(stubber, "available")
    stubber.add_response("delete_db_cluster_snapshot", {}, {"DBClusterSnapshotIdentifier": "snap"})
    stubber.add_client_error("describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault", http_status_code=404)
    result = run(run_module, client, id="snap", state="absent", wait=True)
    assert result["changed"] and result["db_cluster_snapshot"]["status"] == "creating"
    assert calls == [DESCRIBE, DESCRIBE, "DeleteDBClusterSnapshot", DESCRIBE]
    assert fake_time.sleeps == [5]


def test_delete_of_a_creating_snapshot_without_wait_says_why_it_failed(stubbed, run_module):
    client, stubber, _calls = stubbed
    queue_describe(stubber, "creating")
    stubber.add_client_error("delete_db_cluster_snapshot", "InvalidDBClusterSnapshotStateFault", http_status_code=400)
    queue_describe(stubber, "creating")  # read again: not a resend that AWS already took
    result = run(run_module, client, id="snap", state="absent")
    assert result["failed"] and "its status was 'creating'" in result["msg"] and "wait: true" in result["msg"]


def test_snapshot_that_appears_during_create_is_adopted_and_reconciled(stubbed, run_module):
    """A concurrent run, or a create whose answer was lost and retried, finds AlreadyExists."""
    client, stubber, calls = stubbed
    queue_missing_then_cluster(stubber)
    stubber.add_client_error("create_db_cluster_snapshot", "DBClusterSnapshotAlreadyExistsFault", http_status_code=400)
    queue_describe(stubber, "available")
    queue_tags(stubber, {"other": "run"})
    stubber.add_response(
        "add_tags_to_resource", {}, {"ResourceName": SNAPSHOT_ARN, "Tags": [{"Key": "a", "Value": "1"}]}
    )
    stubber.add_response("remove_tags_from_resource", {}, {"ResourceName": SNAPSHOT_ARN, "TagKeys": ["other"]})
    result = run(run_module, client, id="snap", cluster_id="graph", tags={"a": "1"})
    assert result["changed"] and result["db_cluster_snapshot"]["tags"] == {"a": "1"}
    assert calls == [DESCRIBE, CLUSTER, CREATE, DESCRIBE, TAGS, "AddTagsToResource", "RemoveTagsFromResource"]


def test_snapshot_that_appears_from_another_cluster_is_refused(stubbed, run_module):
    client, stubber, calls = stubbed
    stubber.add_client_error("describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault", http_status_code=404)
    stubber.add_response(
        "describe_db_clusters",
        {"DBClusters": [{"DBClusterIdentifier": "other", "DBClusterArn": CLUSTER_ARN, "Engine": "neptune"}]},
    )
    stubber.add_client_error("create_db_cluster_snapshot", "DBClusterSnapshotAlreadyExistsFault", http_status_code=400)
    queue_describe(stubber, "available")
    queue_tags(stubber)
    result = run(run_module, client, id="snap", cluster_id="other")
    assert result["failed"] and "'graph'" in result["msg"] and "'other'" in result["msg"]
    assert calls.writes == [CREATE]


def test_a_tag_change_adds_first_so_an_interrupted_run_loses_no_tag(stubbed, run_module):
    client, stubber, calls = stubbed
    queue_describe(stubber, "available")
    queue_tags(stubber, {"keep": "1", "old": "x"})
    stubber.add_client_error("add_tags_to_resource", "AccessDenied", http_status_code=403)
    result = run(run_module, client, id="snap", tags={"keep": "1", "new": "y"})
    assert result["failed"] and calls.writes == ["AddTagsToResource"]  # the old tags were not touched


def test_near_the_tag_limit_removals_go_first(stubbed, run_module):
    client, stubber, calls = stubbed
    current = {f"old{n}": "x" for n in range(30)}
    wanted = {f"new{n}": "y" for n in range(30)}
    queue_describe(stubber, "available")
    queue_tags(stubber, current)
    stubber.add_response("remove_tags_from_resource", {})
    stubber.add_response("add_tags_to_resource", {})
    result = run(run_module, client, id="snap", tags=wanted)
    assert result["changed"] and calls.writes == ["RemoveTagsFromResource", "AddTagsToResource"]


@pytest.mark.parametrize("wanted, writes", [
    (25, ["AddTagsToResource", "RemoveTagsFromResource"]),  # 25 kept + 25 added = 50 at most: add first
    (26, ["RemoveTagsFromResource", "AddTagsToResource"]),  # 51 after adding first: remove first
])
def test_the_tag_limit_is_fifty_when_ordering_the_changes(stubbed, run_module, wanted, writes):
    client, stubber, calls = stubbed
    queue_describe(stubber, "available")
    queue_tags(stubber, {f"old{n}": "x" for n in range(25)})
    for operation in writes:
        stubber.add_response(xform_name(operation), {})
    result = run(run_module, client, id="snap", tags={f"new{n}": "y" for n in range(wanted)})
    assert result["changed"] and calls.writes == writes


# --- review fixes: tags AWS copies from the cluster, deleting/copying snapshots, stopped clusters --


@pytest.fixture
def tagged_cluster(neptune):
    """A Neptune cluster whose tags AWS copies onto its snapshots (CopyTagsToSnapshot)."""
    client, raw, calls = neptune
    raw.create_db_cluster(
        DBClusterIdentifier="copying", Engine="neptune", CopyTagsToSnapshot=True, Tags=[{"Key": "team", "Value": "db"}]
    )
    calls.clear()
    return client, raw, calls


def test_cluster_tags_copied_by_aws_are_predicted_and_reported(tagged_cluster, run_module):
    client, _raw, calls = tagged_cluster
    predicted = run(run_module, client, check_mode=True, id="snap", cluster_id="copying")
    assert predicted["db_cluster_snapshot"]["tags"] == {"team": "db"} and calls.writes == []
    calls.clear()
    created = run(run_module, client, id="snap", cluster_id="copying")
    assert created["db_cluster_snapshot"]["tags"] == {"team": "db"}
    # The cluster's tags are read in check mode (the prediction), not by the real run, which reads back
    # what AWS copied.
    assert calls == [DESCRIBE, CLUSTER, CREATE, TAGS]
    again = run(run_module, client, id="snap", cluster_id="copying")
    assert not again["changed"] and again["db_cluster_snapshot"]["tags"] == {"team": "db"}


def test_create_with_tags_from_a_cluster_that_copies_tags_costs_four_calls(tagged_cluster, run_module):
    """The task's tags decide (purge_tags): the cluster's tags are not read; the snapshot's are read back once."""
    client, raw, calls = tagged_cluster
    created = run(run_module, client, id="snap", cluster_id="copying", tags={"env": "prod"})
    assert created["changed"] and created["db_cluster_snapshot"]["tags"] == {"env": "prod"}
    assert calls == [DESCRIBE, CLUSTER, CREATE, TAGS]
    arn = created["db_cluster_snapshot"]["db_cluster_snapshot_arn"]
    assert raw.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "env", "Value": "prod"}]


def test_empty_tags_on_a_cluster_that_copies_tags_end_with_none_and_stay_idempotent(tagged_cluster, run_module):
    client, raw, _calls = tagged_cluster
    created = run(run_module, client, id="snap", cluster_id="copying", tags={})
    assert created["changed"] and created["db_cluster_snapshot"]["tags"] == {}
    arn = created["db_cluster_snapshot"]["db_cluster_snapshot_arn"]
    assert raw.list_tags_for_resource(ResourceName=arn)["TagList"] == []
    assert not run(run_module, client, id="snap", cluster_id="copying", tags={})["changed"]


def test_stopped_cluster_is_refused_at_once(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    stubber.add_client_error("describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault", http_status_code=404)
    stubber.add_response(
        "describe_db_clusters",
        {"DBClusters": [{"DBClusterIdentifier": "graph", "Engine": "neptune", "Status": "stopped"}]},
    )
    result = run(run_module, client, id="snap", cluster_id="graph")
    assert result["failed"] and "is 'stopped'" in result["msg"] and calls.writes == [] and fake_time.sleeps == []


def test_a_snapshot_already_deleting_is_not_deleted_again(stubbed, run_module, fake_time):
    client, stubber, calls = stubbed
    queue_describe(stubber, "deleting")
    queue_describe(stubber, "deleting")
    stubber.add_client_error("describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault", http_status_code=404)
    result = run(run_module, client, diff=True, id="snap", state="absent", wait=True)
    assert not result["changed"] and result["diff"]["after"] == {"exists": False}
    assert calls == [DESCRIBE, DESCRIBE, DESCRIBE] and fake_time.sleeps == [5]


def test_delete_with_wait_does_not_wait_for_a_copy_to_finish(stubbed, run_module, fake_time):
    """Deleting a snapshot being copied cancels the copy; there is nothing to wait for first."""
    client, stubber, calls = stubbed
    queue_describe(stubber, "copying")
    stubber.add_response("delete_db_cluster_snapshot", {}, {"DBClusterSnapshotIdentifier": "snap"})
    stubber.add_client_error("describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault", http_status_code=404)
    result = run(run_module, client, id="snap", state="absent", wait=True)
    assert result["changed"] and calls == [DESCRIBE, "DeleteDBClusterSnapshot", DESCRIBE]
    assert fake_time.sleeps == []


@pytest.mark.parametrize("option, value", [("kms_key_id", "alias/k"), ("copy_tags", True)])
def test_copy_options_without_a_source_are_refused(neptune, run_module, option, value):
    client, _raw, calls = neptune
    result = run(run_module, client, id="snap", cluster_id="graph", **{option: value})
    assert result["failed"] and f"{option}" in result["msg"] and "source_db_cluster_snapshot_identifier" in result["msg"]
    assert calls == []


def test_busy_retries_and_waiting_share_one_wait_timeout(stubbed, run_module, fake_time):
    client, stubber, _calls = stubbed
    queue_missing_then_cluster(stubber)
    for _attempt in range(2):
        stubber.add_client_error("create_db_cluster_snapshot", "InvalidDBClusterStateFault", http_status_code=400)
    stubber.add_response("create_db_cluster_snapshot", {"DBClusterSnapshot": api_snapshot("creating", 0)})
    queue_describe(stubber, *["creating"] * 10)
    result = run(run_module, client, id="snap", cluster_id="graph", wait=True, wait_timeout=30)
    assert result["failed"] and "Timed out after 30 s" in result["msg"]
    assert 30 <= fake_time.now <= 30 + 5  # not 30 of busy retries plus 30 of waiting
    stubber._queue.clear()  # the remaining polls were not needed
