# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copy and sharing in neptune_cluster_snapshot: moto for behaviour and call counts, Stubber for cross-region."""

from __future__ import annotations

import urllib.parse

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot as module
from ansible_collections.graphops.neptune.tests.unit.api_operations import ATTRIBUTES
from ansible_collections.graphops.neptune.tests.unit.api_operations import COPY
from ansible_collections.graphops.neptune.tests.unit.api_operations import DESCRIBE
from ansible_collections.graphops.neptune.tests.unit.api_operations import MODIFY
from ansible_collections.graphops.neptune.tests.unit.api_operations import TAGS
from ansible_collections.graphops.neptune.tests.unit.api_operations import sent_copy

ACCOUNT_A, ACCOUNT_B = "111111111111", "222222222222"
NO_RETRY = AWSRetry.jittered_backoff(retries=1, delay=0)
WEST_SOURCE_ARN = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:nightly"


def run(run_module, client, check_mode=False, diff=False, source_client=None, **args):
    return run_module(module.main, args, client, check_mode=check_mode, diff=diff, source_client=source_client)


def tags_of(raw, snapshot_id):
    arn = raw.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=snapshot_id)["DBClusterSnapshots"][0][
        "DBClusterSnapshotArn"
    ]
    return {tag["Key"]: tag["Value"] for tag in raw.list_tags_for_resource(ResourceName=arn)["TagList"]}


def shared_with(raw, snapshot_id):
    result = raw.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier=snapshot_id)
    return sorted(result["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"][0]["AttributeValues"])


@pytest.fixture
def nightly(neptune):
    """The moto region of `neptune`, with a tagged manual snapshot 'nightly' of cluster 'graph'."""
    client, raw, calls = neptune
    raw.create_db_cluster_snapshot(
        DBClusterSnapshotIdentifier="nightly",
        DBClusterIdentifier="graph",
        Tags=[{"Key": "src", "Value": "1"}, {"Key": "team", "Value": "graph"}],
    )
    calls.clear()
    return client, raw, calls


# --- copy on moto -----------------------------------------------------------------------------


def test_copy_with_tags_costs_three_calls(nightly, run_module):
    client, raw, calls = nightly
    result = run(run_module, client, id="Copy", source_id="Nightly", tags={"kind": "copy"})
    assert result["changed"] and calls == [DESCRIBE, DESCRIBE, COPY]
    facts = result["db_cluster_snapshot"]
    assert facts["db_cluster_snapshot_identifier"] == "copy" and facts["db_cluster_identifier"] == "graph"
    assert facts["tags"] == {"kind": "copy"} and tags_of(raw, "copy") == {"kind": "copy"}


def test_copy_check_mode_predicts_the_real_copy(nightly, run_module):
    client, raw, calls = nightly
    args = dict(id="copy", source_id="nightly", copy_tags=True, tags={"kind": "copy"}, purge_tags=False)
    predicted = run(run_module, client, check_mode=True, diff=True, **args)
    assert predicted["changed"] and calls.writes == []
    assert [s["DBClusterSnapshotIdentifier"] for s in raw.describe_db_cluster_snapshots()["DBClusterSnapshots"]
            if s["SnapshotType"] == "manual"] == ["nightly"]
    assert predicted["diff"]["after"]["tags"] == {"src": "1", "team": "graph", "kind": "copy"}
    real = run(run_module, client, **args)
    # Compare with the copy's tags as AWS holds them, read back, not as the module reports them.
    real["db_cluster_snapshot"]["tags"] = tags_of(raw, "copy")
    shared = set(predicted["db_cluster_snapshot"]) & set(real["db_cluster_snapshot"])
    assert {"db_cluster_snapshot_identifier", "db_cluster_identifier", "engine", "tags",
            "db_cluster_snapshot_arn"} <= shared
    assert {k: predicted["db_cluster_snapshot"][k] for k in shared} == {k: real["db_cluster_snapshot"][k] for k in shared}


def test_copy_tags_copies_the_source_tags(nightly, run_module):
    client, raw, calls = nightly
    result = run(run_module, client, diff=True, id="copy", source_id="nightly", copy_tags=True)
    # Without tags of the task's own, the copy's tags are read back only, not the source's beforehand.
    assert calls == [DESCRIBE, DESCRIBE, COPY, TAGS]
    assert result["db_cluster_snapshot"]["tags"] == {"src": "1", "team": "graph"}
    assert result["diff"]["after"]["tags"] == {"src": "1", "team": "graph"}
    assert tags_of(raw, "copy") == {"src": "1", "team": "graph"}


def test_copy_tags_with_tags_and_purge_ends_with_exactly_the_tags(nightly, run_module):
    client, raw, calls = nightly
    result = run(run_module, client, id="copy", source_id="nightly", copy_tags=True, tags={"team": "dr"})
    # The README's budget of a copy with copy_tags, 4 calls: the task's tags decide, so the source's are not
    # read beforehand; the copy's are read back once (what AWS copied), and match.
    assert calls == [DESCRIBE, DESCRIBE, COPY, TAGS]
    assert result["db_cluster_snapshot"]["tags"] == {"team": "dr"} and tags_of(raw, "copy") == {"team": "dr"}
    again = run(run_module, client, id="copy", source_id="nightly", copy_tags=True, tags={"team": "dr"})
    assert not again["changed"]


def test_copy_rerun_is_idempotent_and_reconciles_tags(nightly, run_module):
    client, raw, calls = nightly
    run(run_module, client, id="copy", source_id="nightly", tags={"kind": "copy"})
    calls.clear()
    again = run(run_module, client, id="copy", source_id="nightly", tags={"kind": "copy"})
    assert not again["changed"] and calls == [DESCRIBE, TAGS]
    retagged = run(run_module, client, diff=True, id="copy", source_id="nightly", tags={"kind": "dr"})
    assert retagged["changed"] and tags_of(raw, "copy") == {"kind": "dr"}
    assert retagged["diff"]["before"]["tags"] == {"kind": "copy"} and retagged["diff"]["after"]["tags"] == {"kind": "dr"}


def test_copy_of_an_automated_snapshot(neptune, run_module):
    client, raw, _calls = neptune
    automated = [s["DBClusterSnapshotIdentifier"] for s in
                 raw.describe_db_cluster_snapshots(SnapshotType="automated")["DBClusterSnapshots"]
                 if s["DBClusterIdentifier"] == "graph"][0]
    result = run(run_module, client, id="kept", source_id=automated)
    assert result["changed"] and result["db_cluster_snapshot"]["snapshot_type"] == "manual"


def test_copy_from_a_missing_source_is_refused(nightly, run_module):
    client, _raw, calls = nightly
    result = run(run_module, client, id="copy", source_id="nowhere")
    assert result["failed"] and "Cannot copy 'nowhere' to 'copy': the source snapshot was not found" in result["msg"]
    assert calls.writes == []


def test_copy_of_a_non_neptune_snapshot_is_refused(neptune, run_module):
    client, raw, calls = neptune
    raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="aurora-snap", DBClusterIdentifier="aurora")
    calls.clear()
    result = run(run_module, client, id="copy", source_id="aurora-snap", copy_tags=True)
    assert result["failed"] and "engine 'aurora-postgresql'" in result["msg"]
    assert calls == [DESCRIBE, DESCRIBE]


def test_cluster_and_source_together_are_refused_before_any_call(nightly, run_module):
    client, _raw, calls = nightly
    result = run(run_module, client, id="copy", source_id="nightly", cluster_id="graph")
    assert result["failed"] and "mutually exclusive" in result["msg"]
    assert "db_cluster_identifier" in result["msg"] and "source_db_cluster_snapshot_identifier" in result["msg"]
    assert calls == []


# --- sharing on moto --------------------------------------------------------------------------


def test_share_add_rerun_purge_keep_and_remove_all(nightly, run_module):
    client, raw, calls = nightly
    added = run(run_module, client, diff=True, id="nightly", shared_accounts=[ACCOUNT_A])
    assert added["changed"] and added["db_cluster_snapshot"]["shared_accounts"] == [ACCOUNT_A]
    assert added["diff"]["before"]["shared_accounts"] == [] and added["diff"]["after"]["shared_accounts"] == [ACCOUNT_A]
    assert shared_with(raw, "nightly") == [ACCOUNT_A]

    calls.clear()
    again = run(run_module, client, id="nightly", shared_accounts=[ACCOUNT_A])
    assert not again["changed"] and calls == [DESCRIBE, TAGS, ATTRIBUTES]

    calls.clear()
    replaced = run(run_module, client, id="nightly", shared_accounts=[ACCOUNT_B])
    assert replaced["db_cluster_snapshot"]["shared_accounts"] == [ACCOUNT_B] and shared_with(raw, "nightly") == [ACCOUNT_B]
    assert calls.count(MODIFY) == 1  # adding and removing in one call

    kept = run(run_module, client, id="nightly", shared_accounts=[ACCOUNT_A], purge_shared_accounts=False)
    assert kept["db_cluster_snapshot"]["shared_accounts"] == [ACCOUNT_A, ACCOUNT_B]
    assert shared_with(raw, "nightly") == [ACCOUNT_A, ACCOUNT_B]

    untouched = run(run_module, client, id="nightly")
    assert not untouched["changed"] and "shared_accounts" not in untouched["db_cluster_snapshot"]
    assert shared_with(raw, "nightly") == [ACCOUNT_A, ACCOUNT_B]

    removed = run(run_module, client, id="nightly", shared_accounts=[])
    assert removed["changed"] and removed["db_cluster_snapshot"]["shared_accounts"] == []
    assert shared_with(raw, "nightly") == []


def test_share_in_check_mode_writes_nothing(nightly, run_module):
    client, raw, calls = nightly
    result = run(run_module, client, check_mode=True, diff=True, id="nightly", shared_accounts=[ACCOUNT_A])
    assert result["changed"] and result["diff"]["after"]["shared_accounts"] == [ACCOUNT_A]
    assert calls.writes == [] and shared_with(raw, "nightly") == []


def test_public_share_needs_allow_public(nightly, run_module):
    client, raw, calls = nightly
    refused = run(run_module, client, id="nightly", shared_accounts=["all"])
    assert refused["failed"] and "allow_public: true" in refused["msg"] and calls == []
    allowed = run(run_module, client, id="nightly", shared_accounts=["all"], allow_public=True)
    assert allowed["changed"] and shared_with(raw, "nightly") == ["all"]


def test_encrypted_snapshot_is_never_public(neptune, run_module):
    client, raw, calls = neptune
    raw.create_db_cluster(DBClusterIdentifier="secure", Engine="neptune", StorageEncrypted=True, KmsKeyId="alias/k")
    raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="secure-snap", DBClusterIdentifier="secure")
    calls.clear()
    result = run(run_module, client, id="secure-snap", shared_accounts=["all"], allow_public=True)
    assert result["failed"] and "encrypted" in result["msg"] and calls.writes == []
    assert shared_with(raw, "secure-snap") == []


@pytest.mark.parametrize("accounts", [["12345"], ["1234567890123"], ["abcdefghijkl"], [f"{n:012d}" for n in range(21)]])
def test_invalid_accounts_are_refused_before_any_call(nightly, run_module, accounts):
    client, _raw, calls = nightly
    result = run(run_module, client, id="nightly", shared_accounts=accounts)
    assert result["failed"] and "Invalid shared_accounts" in result["msg"] and calls == []


def test_new_snapshot_is_created_then_shared(neptune, run_module):
    client, raw, calls = neptune
    result = run(run_module, client, id="snap", cluster_id="graph", shared_accounts=[ACCOUNT_A])
    assert result["changed"] and result["db_cluster_snapshot"]["shared_accounts"] == [ACCOUNT_A]
    assert calls == [DESCRIBE, "DescribeDBClusters", "CreateDBClusterSnapshot", MODIFY]
    assert shared_with(raw, "snap") == [ACCOUNT_A]


# --- Stubber: cross-region copy, copying status, refusals -------------------------------------


def west_source(status="available", encrypted=True, **extra):
    snapshot = {
        "DBClusterSnapshotIdentifier": "nightly",
        "DBClusterIdentifier": "graph",
        "DBClusterSnapshotArn": WEST_SOURCE_ARN,
        "Engine": "neptune",
        "SnapshotType": "manual",
        "Status": status,
        "StorageEncrypted": encrypted,
    }
    snapshot.update(extra)
    return snapshot


def copy_answer(status):
    return {
        "DBClusterSnapshot": {
            "DBClusterSnapshotIdentifier": "dr-copy",
            "DBClusterSnapshotArn": "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:dr-copy",
            "DBClusterIdentifier": "graph",
            "Engine": "neptune",
            "Status": status,
            "PercentProgress": 0,
            "SourceDBClusterSnapshotArn": WEST_SOURCE_ARN,
        }
    }


@pytest.fixture
def west():
    """A stubbed client of the source region, us-west-2."""
    client = boto3.client("neptune", region_name="us-west-2")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def queue_target_missing(stubber):
    stubber.add_client_error("describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault", http_status_code=404)


def test_cross_region_copy_sends_source_arn_region_and_key(stubbed, west, run_module, fake_time):
    client, stubber, calls = stubbed
    west_client, west_stubber = west
    queue_target_missing(stubber)
    west_stubber.add_response(
        "describe_db_cluster_snapshots",
        {"DBClusterSnapshots": [west_source()]},
        {"DBClusterSnapshotIdentifier": WEST_SOURCE_ARN, "IncludeShared": True},
    )
    stubber.add_response(
        "copy_db_cluster_snapshot",
        copy_answer("copying"),
        {
            "SourceDBClusterSnapshotIdentifier": WEST_SOURCE_ARN,
            "TargetDBClusterSnapshotIdentifier": "dr-copy",
            "KmsKeyId": "alias/dr",
            "SourceRegion": "us-west-2",
        },
    )
    for status in ("copying", "available"):
        stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [copy_answer(status)["DBClusterSnapshot"]]})
    result = run(run_module, client, source_client=RetryingBotoClientWrapper(west_client, NO_RETRY),
                 id="dr-copy", source_id=WEST_SOURCE_ARN, kms_key_id="alias/dr", wait=True)
    assert result["changed"] and result["db_cluster_snapshot"]["status"] == "available"
    assert result["db_cluster_snapshot"]["source_db_cluster_snapshot_arn"] == WEST_SOURCE_ARN
    assert run_module.client_requests[-1][2] == "us-west-2"
    assert calls == [DESCRIBE, COPY, DESCRIBE, DESCRIBE] and fake_time.sleeps == [5, 5]


def test_cross_region_copy_request_carries_a_presigned_url_for_the_source_region():
    """botocore turns SourceRegion into PreSignedUrl: check the bytes that would go to AWS."""
    client = boto3.client("neptune", region_name="us-east-1", aws_access_key_id="AKIDTEST", aws_secret_access_key="x")
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import NeptuneSnapshotApi
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_request import build_request

    request = build_request(
        {"db_cluster_snapshot_identifier": "dr-copy", "source_db_cluster_snapshot_identifier": WEST_SOURCE_ARN,
         "kms_key_id": "alias/dr"},
        "us-east-1",
    )
    body = sent_copy(client, lambda: NeptuneSnapshotApi(RetryingBotoClientWrapper(client, NO_RETRY)).copy_snapshot(request))
    assert body["SourceDBClusterSnapshotIdentifier"] == [WEST_SOURCE_ARN] and body["KmsKeyId"] == ["alias/dr"]
    assert "SourceRegion" not in body
    presigned = urllib.parse.urlparse(body["PreSignedUrl"][0])
    assert presigned.netloc == "rds.us-west-2.amazonaws.com"
    query = urllib.parse.parse_qs(presigned.query)
    assert query["Action"] == ["CopyDBClusterSnapshot"] and query["DestinationRegion"] == ["us-east-1"]
    assert query["SourceDBClusterSnapshotIdentifier"] == [WEST_SOURCE_ARN] and query["KmsKeyId"] == ["alias/dr"]
    assert "X-Amz-Signature" in query


def test_encrypted_cross_region_copy_without_key_is_refused_before_the_copy(stubbed, west, run_module):
    client, stubber, calls = stubbed
    west_client, west_stubber = west
    queue_target_missing(stubber)
    west_stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [west_source()]})
    result = run(run_module, client, source_client=RetryingBotoClientWrapper(west_client, NO_RETRY),
                 id="dr-copy", source_id=WEST_SOURCE_ARN)
    assert result["failed"] and "requires kms_key_id" in result["msg"] and "'us-west-2'" in result["msg"]
    assert calls == [DESCRIBE]


def test_source_not_yet_available_is_refused_before_the_copy(stubbed, west, run_module):
    client, stubber, calls = stubbed
    west_client, west_stubber = west
    queue_target_missing(stubber)
    west_stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [west_source("creating")]})
    result = run(run_module, client, source_client=RetryingBotoClientWrapper(west_client, NO_RETRY),
                 id="dr-copy", source_id=WEST_SOURCE_ARN, kms_key_id="alias/dr")
    assert result["failed"] and "not available yet (status 'creating')" in result["msg"]
    assert calls == [DESCRIBE]


def test_target_copied_from_another_source_is_left_alone(stubbed, run_module):
    client, stubber, calls = stubbed
    existing = dict(copy_answer("available")["DBClusterSnapshot"], SnapshotType="manual")
    stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [existing]})
    stubber.add_response("list_tags_for_resource", {"TagList": []})
    result = run(run_module, client, id="dr-copy", source_id="other-source", tags={"x": "1"})
    assert result["failed"] and WEST_SOURCE_ARN in result["msg"] and "'other-source'" in result["msg"]
    assert calls.writes == []


def test_copy_quota_exceeded_says_so(stubbed, run_module):
    client, stubber, calls = stubbed
    queue_target_missing(stubber)
    source = dict(west_source(encrypted=False), DBClusterSnapshotArn="arn:aws:rds:us-east-1:123456789012:cluster-snapshot:nightly")
    stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [source]})
    stubber.add_client_error("copy_db_cluster_snapshot", "SnapshotQuotaExceeded", http_status_code=400)
    result = run(run_module, client, id="dr-copy", source_id="nightly")
    assert result["failed"] and "Failed to copy DB cluster snapshot 'nightly' to 'dr-copy'" in result["msg"]
    assert "manual DB cluster snapshot quota" in result["msg"] and calls.count(COPY) == 1


def test_copy_tags_from_an_arn_source_reads_the_copy_not_the_source(nightly, run_module):
    """A source given as an ARN may belong to another account, whose tags cannot be read: the copy's are."""
    client, raw, calls = nightly
    arn = raw.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="nightly")["DBClusterSnapshots"][0][
        "DBClusterSnapshotArn"
    ]
    calls.clear()
    result = run(run_module, client, id="copy", source_id=arn, copy_tags=True)
    assert calls.count(TAGS) == 1 and calls.index(TAGS) > calls.index(COPY)
    assert result["db_cluster_snapshot"]["tags"] == {"src": "1", "team": "graph"}
    assert not run(run_module, client, id="copy", source_id=arn, copy_tags=True)["changed"]
