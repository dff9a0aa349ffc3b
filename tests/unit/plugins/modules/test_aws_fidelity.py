# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Both modules' main() against answers shaped as AWS gives them (tests/unit/aws_answers), through Stubber.

Stubber checks every request against the neptune service model, and answers before botocore's own retry
loop runs, so a throttled answer here is retried by the module's own AWSRetry wrapper or not at all.
Each test names the point of docs/aws-fidelity.md it holds the modules to.
"""

from __future__ import annotations

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.graphops.neptune.plugins.module_utils.validation import TAG_CHARACTER_CATEGORIES
from ansible_collections.graphops.neptune.plugins.module_utils.validation import TAG_PUNCTUATION
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot as snapshot_module
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot_info as info_module
from ansible_collections.graphops.neptune.tests.unit.api_operations import ADD_TAGS
from ansible_collections.graphops.neptune.tests.unit.api_operations import ATTRIBUTES
from ansible_collections.graphops.neptune.tests.unit.api_operations import CLUSTER
from ansible_collections.graphops.neptune.tests.unit.api_operations import COPY
from ansible_collections.graphops.neptune.tests.unit.api_operations import CREATE
from ansible_collections.graphops.neptune.tests.unit.api_operations import DELETE
from ansible_collections.graphops.neptune.tests.unit.api_operations import DESCRIBE
from ansible_collections.graphops.neptune.tests.unit.api_operations import MODIFY
from ansible_collections.graphops.neptune.tests.unit.api_operations import NEPTUNE_ONLY
from ansible_collections.graphops.neptune.tests.unit.api_operations import REMOVE_TAGS
from ansible_collections.graphops.neptune.tests.unit.api_operations import TAGS

NO_SLEEP_RETRY = AWSRetry.jittered_backoff(retries=4, delay=0, max_delay=0)
SNAPSHOT_ARN = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:snap"
CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:graph"


def run(run_module, client, check_mode=False, diff=False, **args):
    return run_module(snapshot_module.main, args, client, check_mode=check_mode, diff=diff)


def run_info(run_module, client, **args):
    return run_module(info_module.main, args, client)


def tag_list(tags):
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def queue_snapshot(stubber, answer, identifier="snap", **expected):
    stubber.add_response(
        "describe_db_cluster_snapshots",
        {"DBClusterSnapshots": [answer]},
        dict({"DBClusterSnapshotIdentifier": identifier}, **expected),
    )


def queue_tags(stubber, tags=None, arn=SNAPSHOT_ARN):
    stubber.add_response("list_tags_for_resource", {"TagList": tag_list(tags or {})}, {"ResourceName": arn})


def queue_missing(stubber, aws_answers):
    aws_answers.add_error(stubber, DESCRIBE, "DBClusterSnapshotNotFoundFault")


def queue_cluster(stubber, cluster):
    stubber.add_response("describe_db_clusters", {"DBClusters": [cluster]}, {"DBClusterIdentifier": "graph"})


# --- 1. tag characters: the RDS endpoint's rule, checked before any call ---------------------------------


def test_1_a_tag_with_at_sign_is_sent_and_a_purge_keeps_it(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    queue_tags(stubber, {"owner": "alice@example.com", "old": "x"})
    stubber.add_response("remove_tags_from_resource", {}, {"ResourceName": SNAPSHOT_ARN, "TagKeys": ["old"]})
    result = run(run_module, client, id="snap", tags={"owner": "alice@example.com"}, purge_tags=True)
    assert result["changed"] and result["db_cluster_snapshot"]["tags"] == {"owner": "alice@example.com"}
    assert calls.writes == [REMOVE_TAGS]


@pytest.mark.parametrize("tags", [{"note": "<script>"}, {"team#": "x"}, {"k": "ok!"}, {"k": "a*"}, {"k": "\U0001F600"}])
def test_1_characters_aws_refuses_are_refused_before_any_call(stubbed, run_module, tags):
    client, _stubber, calls = stubbed
    result = run(run_module, client, id="snap", cluster_id="graph", tags=tags)
    assert result["failed"] and "has characters AWS refuses" in result["msg"] and calls == []


def test_1_the_tag_rule_is_the_rds_models():
    """The rule checked is the one the rds model states for Tag.Key and Tag.Value, to the character."""
    rds = botocore.session.get_session().get_service_model("rds").shape_for("Tag")
    for member in ("Key", "Value"):
        assert r'"^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$"' in rds.members[member].documentation
    assert TAG_PUNCTUATION == "_.:/=+-@" and TAG_CHARACTER_CATEGORIES == ("L", "Z", "N")


def test_1_the_info_tag_filter_takes_an_at_sign(stubbed, run_module, aws_answers):
    client, stubber, _calls = stubbed
    stubber.add_response(
        "describe_db_cluster_snapshots",
        {"DBClusterSnapshots": [aws_answers.snapshot("available")]},
        {**NEPTUNE_ONLY, "DBClusterIdentifier": "graph", "MaxRecords": 100},
    )
    queue_tags(stubber, {"owner": "alice@example.com"})
    result = run_info(run_module, client, cluster_id="graph", tags={"owner": "alice@example.com"})
    assert [s["db_cluster_snapshot_identifier"] for s in result["db_cluster_snapshots"]] == ["snap"]


# --- 2. statuses the module does not know: poll on, fail only on the waiter's failure set ------------


def test_2_a_queued_copy_pending_without_progress_is_waited_for(stubbed, run_module, aws_answers, fake_time):
    client, stubber, calls = stubbed
    queued = aws_answers.snapshot("queued_copy")
    queue_snapshot(stubber, queued, identifier="dr-copy")
    queue_tags(stubber, arn=queued["DBClusterSnapshotArn"])
    for status in ("pending", "copying"):
        queue_snapshot(stubber, dict(queued, Status=status), identifier="dr-copy")
    queue_snapshot(stubber, dict(queued, Status="available", PercentProgress=100), identifier="dr-copy")
    result = run(run_module, client, id="dr-copy", wait=True)
    assert not result["changed"] and result["db_cluster_snapshot"]["status"] == "available"
    assert calls == [DESCRIBE, TAGS, DESCRIBE, DESCRIBE, DESCRIBE] and fake_time.sleeps == [5, 5, 5]


@pytest.mark.parametrize("status", ["deleted", "deleting", "failed", "incompatible-restore", "incompatible-parameters"])
def test_2_the_waiter_failure_statuses_end_the_wait_at_once_naming_the_status(
    stubbed, run_module, aws_answers, fake_time, status
):
    client, stubber, _calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("creating"))
    queue_tags(stubber)
    queue_snapshot(stubber, aws_answers.snapshot("creating", Status=status))
    result = run(run_module, client, id="snap", wait=True)
    assert result["failed"] and f"'{status}'" in result["msg"] and "'snap'" in result["msg"]
    assert fake_time.sleeps == [5]


def test_2_an_unknown_status_is_polled_until_wait_timeout(stubbed, run_module, aws_answers, fake_time):
    client, stubber, _calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("creating", Status="pending"))
    queue_tags(stubber)
    for _poll in range(3):
        queue_snapshot(stubber, aws_answers.snapshot("creating", Status="pending"))
    result = run(run_module, client, id="snap", wait=True, wait_timeout=15)
    assert result["failed"] and "Timed out after 15 s" in result["msg"] and "'pending'" in result["msg"]
    assert fake_time.sleeps == [5, 5, 5]


def test_2_the_wait_before_sharing_polls_an_unknown_status_too(stubbed, run_module, aws_answers, fake_time):
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    queue_cluster(stubber, aws_answers.cluster())
    stubber.add_response("create_db_cluster_snapshot", {"DBClusterSnapshot": aws_answers.snapshot("creating", Status="pending")})
    queue_snapshot(stubber, aws_answers.snapshot("creating"))
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    stubber.add_response(
        "modify_db_cluster_snapshot_attribute",
        {},
        {"DBClusterSnapshotIdentifier": "snap", "AttributeName": "restore", "ValuesToAdd": ["210987654321"]},
    )
    result = run(run_module, client, id="snap", cluster_id="graph", shared_accounts=["210987654321"])
    assert result["changed"] and calls.writes == [CREATE, MODIFY] and fake_time.sleeps == [5, 5]


# --- 3. every not-found code the models list for a call counts as gone ------------------------------


def test_3_the_gone_codes_cover_every_snapshot_not_found_code_the_models_list(aws_answers):
    from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import SNAPSHOT_NOT_FOUND_CODES

    for operation in (DESCRIBE, TAGS, DELETE, ATTRIBUTES, ADD_TAGS, REMOVE_TAGS, MODIFY):
        codes = {error["code"] for error in aws_answers.errors[operation]
                 if error["http_status"] == 404 and "Snapshot" in error["shape"]}
        assert codes and codes <= set(SNAPSHOT_NOT_FOUND_CODES), operation
    assert "DBSnapshotNotFound" in SNAPSHOT_NOT_FOUND_CODES  # ListTagsForResource's code, not its shape name


def test_3_a_snapshot_deleted_between_describe_and_tags_is_created_again(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    aws_answers.add_error(stubber, TAGS, "DBSnapshotNotFound")
    queue_cluster(stubber, aws_answers.cluster())
    stubber.add_response("create_db_cluster_snapshot", {"DBClusterSnapshot": aws_answers.snapshot("creating")})
    result = run(run_module, client, id="snap", cluster_id="graph")
    assert result["changed"] and calls == [DESCRIBE, TAGS, CLUSTER, CREATE]


@pytest.mark.parametrize("operation, code", [(TAGS, "DBSnapshotNotFound"), (ATTRIBUTES, "DBClusterSnapshotNotFoundFault")])
def test_3_info_skips_a_snapshot_deleted_while_it_lists(stubbed, run_module, aws_answers, operation, code):
    client, stubber, _calls = stubbed
    kept = aws_answers.snapshot("available", DBClusterSnapshotIdentifier="kept",
                                DBClusterSnapshotArn=SNAPSHOT_ARN.replace("snap", "kept"))
    stubber.add_response(
        "describe_db_cluster_snapshots",
        {"DBClusterSnapshots": [aws_answers.snapshot("available"), kept]},
        {**NEPTUNE_ONLY, "DBClusterIdentifier": "graph", "MaxRecords": 100},
    )
    if operation == TAGS:
        aws_answers.add_error(stubber, TAGS, code)
        queue_tags(stubber, {"a": "1"}, arn=kept["DBClusterSnapshotArn"])
        result = run_info(run_module, client, cluster_id="graph")
    else:
        aws_answers.add_error(stubber, ATTRIBUTES, code)
        stubber.add_response("describe_db_cluster_snapshot_attributes", {"DBClusterSnapshotAttributesResult": {
            "DBClusterSnapshotIdentifier": "kept", "DBClusterSnapshotAttributes": []}})
        result = run_info(run_module, client, cluster_id="graph", include_tags=False, include_shared_accounts=True)
    assert [s["db_cluster_snapshot_identifier"] for s in result["db_cluster_snapshots"]] == ["kept"]


def test_2_the_wait_before_a_delete_fails_at_once_on_failed(stubbed, run_module, aws_answers, fake_time):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("creating"))
    queue_snapshot(stubber, aws_answers.snapshot("creating", Status="failed"))
    result = run(run_module, client, id="snap", state="absent", wait=True)
    assert result["failed"] and "'failed'" in result["msg"] and calls.writes == []


def test_a_delete_costs_two_calls_and_reads_no_tags(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    stubber.add_response("delete_db_cluster_snapshot", {"DBClusterSnapshot": aws_answers.snapshot("deleting")},
                         {"DBClusterSnapshotIdentifier": "snap"})
    result = run(run_module, client, diff=True, id="snap", state="absent")
    assert result["changed"] and calls == [DESCRIBE, DELETE]
    assert "tags" not in result["diff"]["before"] and "tags" not in result["db_cluster_snapshot"]


# --- 4. lost answers: AWS's answer to botocore's resend of each write -----------------------------


@pytest.mark.parametrize("wait", [False, True])
def test_4_a_resent_delete_meets_deleting_and_counts_as_done(stubbed, run_module, aws_answers, fake_time, wait):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    aws_answers.add_error(stubber, DELETE, "InvalidDBClusterSnapshotStateFault")  # the resend's answer
    queue_snapshot(stubber, aws_answers.snapshot("deleting"))
    if wait:
        queue_missing(stubber, aws_answers)
    result = run(run_module, client, id="snap", state="absent", wait=wait)
    assert result["changed"] and "failed" not in result
    assert calls == [DESCRIBE, DELETE, DESCRIBE] + ([DESCRIBE] if wait else [])


def test_4_a_resent_delete_that_finds_the_snapshot_gone_counts_as_done(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    aws_answers.add_error(stubber, DELETE, "InvalidDBClusterSnapshotStateFault")
    queue_missing(stubber, aws_answers)
    result = run(run_module, client, id="snap", state="absent")
    assert result["changed"] and calls == [DESCRIBE, DELETE, DESCRIBE]


def test_4_a_state_fault_on_an_available_snapshot_is_still_an_error(stubbed, run_module, aws_answers):
    client, stubber, _calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    aws_answers.add_error(stubber, DELETE, "InvalidDBClusterSnapshotStateFault")
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    result = run(run_module, client, id="snap", state="absent")
    assert result["failed"] and "Failed to delete DB cluster snapshot 'snap'" in result["msg"]


def test_4_tag_and_sharing_writes_have_no_modelled_error_a_resend_could_meet(aws_answers):
    """AddTagsToResource overwrites a key's value, RemoveTagsFromResource and ModifyDBClusterSnapshotAttribute
    work on sets: the models list no "already there" or "not there" fault for a tag key or an account, only
    for the resource itself. So botocore's resend of a tag or sharing write whose answer was lost is answered
    as the first call was, and the module needs no special case: the tests below hold it to that."""
    for operation in (ADD_TAGS, REMOVE_TAGS, MODIFY):
        codes = {error["code"] for error in aws_answers.errors[operation]}
        assert not {code for code in codes if "AlreadyExists" in code or "Duplicate" in code}, operation
        assert all("NotFound" in code or "State" in code or "Quota" in code for code in codes), operation


@pytest.mark.parametrize("write", ["add", "remove", "share"])
def test_4_a_resent_tag_or_sharing_write_answered_as_aws_does_succeeds(stubbed, run_module, aws_answers, write):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    queue_tags(stubber, {"keep": "1", "old": "x"})
    args = {"id": "snap"}
    if write == "add":
        args["tags"], args["purge_tags"] = {"new": "y"}, False
        stubber.add_response("add_tags_to_resource", {}, {"ResourceName": SNAPSHOT_ARN, "Tags": tag_list({"new": "y"})})
    elif write == "remove":
        args["tags"] = {"keep": "1"}
        stubber.add_response("remove_tags_from_resource", {}, {"ResourceName": SNAPSHOT_ARN, "TagKeys": ["old"]})
    else:
        args["shared_accounts"] = ["210987654321"]
        stubber.add_response("describe_db_cluster_snapshot_attributes", {"DBClusterSnapshotAttributesResult": {
            "DBClusterSnapshotIdentifier": "snap", "DBClusterSnapshotAttributes": [
                {"AttributeName": "restore", "AttributeValues": []}]}})
        stubber.add_response("modify_db_cluster_snapshot_attribute", {}, {
            "DBClusterSnapshotIdentifier": "snap", "AttributeName": "restore", "ValuesToAdd": ["210987654321"]})
    result = run(run_module, client, **args)
    assert result["changed"] and "failed" not in result and len(calls.writes) == 1


# --- 5. aws: tags belong to AWS: never sent, never a change -------------------------------------------


@pytest.mark.parametrize("cluster_tags, copied, writes, final", [
    # AWS did not copy the cluster's aws: key: it is not added back.
    ({"aws:cloudformation:stack-name": "graph", "team": "db"}, {"team": "db"}, [CREATE], {"team": "db"}),
    # AWS's aws: key has another value than the cluster's: not a change; only the stray user tag goes.
    ({"aws:backup:source": "a", "team": "db"}, {"aws:backup:source": "b", "team": "db", "extra": "x"},
     [CREATE, REMOVE_TAGS], {"aws:backup:source": "b", "team": "db"}),
])
def test_5_aws_tags_copied_from_the_cluster_are_never_sent(
    stubbed, run_module, aws_answers, cluster_tags, copied, writes, final
):
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    queue_cluster(stubber, aws_answers.cluster("copies_tags"))
    queue_tags(stubber, cluster_tags, arn=CLUSTER_ARN)
    stubber.add_response("create_db_cluster_snapshot", {"DBClusterSnapshot": aws_answers.snapshot("creating")})
    queue_tags(stubber, copied)  # what AWS copied onto the new snapshot, read back
    if REMOVE_TAGS in writes:
        stubber.add_response("remove_tags_from_resource", {}, {"ResourceName": SNAPSHOT_ARN, "TagKeys": ["extra"]})
    # Tags of the task's own merged with the cluster's (purge_tags false): the cluster's are read first.
    result = run(run_module, client, id="snap", cluster_id="graph", tags={"team": "db"}, purge_tags=False)
    assert result["changed"] and calls.writes == writes and result["db_cluster_snapshot"]["tags"] == final


def test_5_an_existing_aws_tag_is_kept_and_not_a_change_with_purge(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    queue_tags(stubber, {"aws:backup:source": "b", "team": "db"})
    result = run(run_module, client, id="snap", tags={"team": "db"})
    assert not result["changed"] and calls.writes == []


# --- 6. an encrypted snapshot shared from another account needs kms_key_id ------------------------------

PARTNER_ARN = "arn:aws:rds:us-east-1:210987654321:cluster-snapshot:partner-graph"


def queue_partner_source(stubber, aws_answers):
    queue_missing(stubber, aws_answers)
    queue_snapshot(stubber, aws_answers.snapshot("shared_encrypted"), identifier=PARTNER_ARN, IncludeShared=True)


def test_6_an_encrypted_shared_source_without_kms_key_is_refused_before_the_copy(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_partner_source(stubber, aws_answers)
    result = run(run_module, client, id="partner-copy", source_id=PARTNER_ARN)
    assert result["failed"] and calls == [DESCRIBE, DESCRIBE]
    assert "shared from another account" in result["msg"] and "kms_key_id" in result["msg"]
    assert PARTNER_ARN in result["msg"]


def test_6_with_a_kms_key_the_shared_source_is_copied(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_partner_source(stubber, aws_answers)
    key = "arn:aws:kms:us-east-1:123456789012:key/9f8e7d6c-1111-4444-8888-0123456789ab"
    copy = aws_answers.snapshot("creating", DBClusterSnapshotIdentifier="partner-copy", KmsKeyId=key,
                                DBClusterSnapshotArn=SNAPSHOT_ARN.replace("snap", "partner-copy"))
    stubber.add_response("copy_db_cluster_snapshot", {"DBClusterSnapshot": copy}, {
        "SourceDBClusterSnapshotIdentifier": PARTNER_ARN, "TargetDBClusterSnapshotIdentifier": "partner-copy",
        "KmsKeyId": key})
    result = run(run_module, client, id="partner-copy", source_id=PARTNER_ARN, kms_key_id=key)
    assert result["changed"] and calls.writes == [COPY]


@pytest.mark.parametrize("reported", [{"SnapshotType": "manual"}, {"SnapshotType": "public"}])
def test_6_a_shared_source_named_by_its_arn_is_refused_whatever_type_it_reports(stubbed, run_module, aws_answers, reported):
    # The models do not say which SnapshotType a shared snapshot reports (docs/aws-fidelity.md, point 6): an ARN as
    # its identifier, or a shared or public type, is enough.
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    queue_snapshot(stubber, aws_answers.snapshot("shared_encrypted", **reported), identifier=PARTNER_ARN, IncludeShared=True)
    result = run(run_module, client, id="partner-copy", source_id=PARTNER_ARN)
    assert result["failed"] and calls == [DESCRIBE, DESCRIBE]
    assert "shared from another account" in result["msg"] and "kms_key_id" in result["msg"]


def test_6_a_shared_source_not_recognised_is_left_to_awss_refusal_and_nothing_is_made(stubbed, run_module, aws_answers):
    # Were AWS to report a shared snapshot as this account's (manual, its name as identifier), the copy goes to AWS,
    # whose rule (KmsKeyId required) refuses it; the task fails with AWS's message and writes nothing else.
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    disguised = aws_answers.snapshot("shared_encrypted", SnapshotType="manual", DBClusterSnapshotIdentifier="partner-graph")
    queue_snapshot(stubber, disguised, identifier=PARTNER_ARN, IncludeShared=True)
    message = "KmsKeyId is required to copy an encrypted snapshot shared from another account"  # AWS's wording unknown
    stubber.add_client_error("copy_db_cluster_snapshot", "InvalidParameterCombination", message, 400, expected_params={
        "SourceDBClusterSnapshotIdentifier": PARTNER_ARN, "TargetDBClusterSnapshotIdentifier": "partner-copy"})
    result = run(run_module, client, id="partner-copy", source_id=PARTNER_ARN)
    assert result["failed"] and message in result["msg"]
    assert calls.writes == [COPY]


# --- 7. state=present on a snapshot AWS reports deleting --------------------------------------------------


def test_7_without_wait_a_deleting_snapshot_fails_the_task_naming_the_status(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("deleting"))
    queue_tags(stubber)
    result = run(run_module, client, id="snap", cluster_id="graph")
    assert result["failed"] and "'deleting'" in result["msg"] and "once it is gone" in result["msg"]
    assert calls.writes == []


def test_7_with_wait_the_module_waits_until_it_is_gone_then_creates_it(stubbed, run_module, aws_answers, fake_time):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("deleting"))
    queue_tags(stubber)
    queue_snapshot(stubber, aws_answers.snapshot("deleting"))
    queue_missing(stubber, aws_answers)
    queue_cluster(stubber, aws_answers.cluster())
    stubber.add_response("create_db_cluster_snapshot", {"DBClusterSnapshot": aws_answers.snapshot("available")})
    result = run(run_module, client, id="snap", cluster_id="graph", wait=True)
    assert result["changed"] and result["db_cluster_snapshot"]["status"] == "available"
    assert calls == [DESCRIBE, TAGS, DESCRIBE, DESCRIBE, CLUSTER, CREATE] and fake_time.sleeps == [5, 5]


def test_7_with_wait_a_snapshot_still_deleting_at_wait_timeout_fails(stubbed, run_module, aws_answers, fake_time):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("deleting"))
    queue_tags(stubber)
    for _poll in range(2):
        queue_snapshot(stubber, aws_answers.snapshot("deleting"))
    result = run(run_module, client, id="snap", cluster_id="graph", wait=True, wait_timeout=10)
    assert result["failed"] and "Timed out after 10 s" in result["msg"] and calls.writes == []


def test_7_check_mode_with_wait_predicts_the_create_without_waiting(stubbed, run_module, aws_answers, fake_time):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("deleting"))
    queue_tags(stubber)
    queue_cluster(stubber, aws_answers.cluster())
    result = run(run_module, client, check_mode=True, id="snap", cluster_id="graph", wait=True)
    assert result["changed"] and calls == [DESCRIBE, TAGS, CLUSTER] and fake_time.sleeps == []


# --- 8. an automated snapshot named by its ARN is asked for with SnapshotType=automated ------------------------

AUTOMATED_ARN = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:graph-2026-11-27-03-00"


def test_8_info_asks_for_an_automated_arn_with_its_type(stubbed, run_module, aws_answers):
    client, stubber, _calls = stubbed
    stubber.add_response(
        "describe_db_cluster_snapshots",
        {"DBClusterSnapshots": [aws_answers.snapshot("automated")]},
        {**NEPTUNE_ONLY, "DBClusterSnapshotIdentifier": AUTOMATED_ARN, "SnapshotType": "automated",
         "MaxRecords": 100},
    )
    result = run_info(run_module, client, id=AUTOMATED_ARN, include_tags=False)
    assert [s["db_cluster_snapshot_arn"] for s in result["db_cluster_snapshots"]] == [AUTOMATED_ARN]


def test_8_a_copy_source_given_as_an_automated_arn_is_asked_for_with_its_type(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    queue_snapshot(stubber, aws_answers.snapshot("automated"), identifier=AUTOMATED_ARN, SnapshotType="automated")
    stubber.add_response("copy_db_cluster_snapshot", {"DBClusterSnapshot": aws_answers.snapshot("creating")}, {
        "SourceDBClusterSnapshotIdentifier": AUTOMATED_ARN, "TargetDBClusterSnapshotIdentifier": "snap"})
    result = run(run_module, client, id="snap", source_id=AUTOMATED_ARN)
    assert result["changed"] and calls == [DESCRIBE, DESCRIBE, COPY]


# --- 9. check-mode facts of a copy: the ARN it will have, and no KMS alias as kms_key_id --------------------------

WEST_ARN = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:nightly"


@pytest.fixture
def west_source(aws_answers):
    """A client of us-west-2 answering the describe of an encrypted snapshot of this account there."""
    client = boto3.client("neptune", region_name="us-west-2")
    with Stubber(client) as stubber:
        west = aws_answers.snapshot("available", DBClusterSnapshotIdentifier="nightly", DBClusterSnapshotArn=WEST_ARN,
                                    KmsKeyId="arn:aws:kms:us-west-2:123456789012:key/west")
        stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [west]},
                             {"DBClusterSnapshotIdentifier": WEST_ARN, "IncludeShared": True})
        yield RetryingBotoClientWrapper(client, NO_SLEEP_RETRY)
        stubber.assert_no_pending_responses()


@pytest.mark.parametrize("kms_key_id, predicted_key", [
    ("alias/neptune-dr", None),
    ("0a1b2c3d-0000-4444-8888-0123456789ab", None),
    ("arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4444-8888-0123456789ab",
     "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4444-8888-0123456789ab"),
])
def test_9_a_cross_region_copy_is_predicted_with_its_arn_and_never_a_kms_alias(
    stubbed, west_source, run_module, aws_answers, kms_key_id, predicted_key
):
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    result = run_module(snapshot_module.main, {"id": "dr-copy", "source_id": WEST_ARN, "kms_key_id": kms_key_id},
                        client, check_mode=True, source_client=west_source)
    facts = result["db_cluster_snapshot"]
    assert facts["db_cluster_snapshot_arn"] == "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:dr-copy"
    assert facts.get("kms_key_id") == predicted_key and calls.writes == []


def test_9_a_copy_of_another_accounts_snapshot_has_no_predicted_arn(stubbed, run_module, aws_answers):
    client, stubber, _calls = stubbed
    queue_partner_source(stubber, aws_answers)
    result = run(run_module, client, check_mode=True, id="partner-copy", source_id=PARTNER_ARN, kms_key_id="alias/k")
    facts = result["db_cluster_snapshot"]
    assert result["changed"] and "db_cluster_snapshot_arn" not in facts and "kms_key_id" not in facts
    assert facts["source_db_cluster_snapshot_arn"] == PARTNER_ARN


# --- 10. cluster states: refused at once when they never pass, retried when they pass by themselves ----------


@pytest.mark.parametrize("status", [
    "migration-failed", "cloning-failed", "incompatible-parameters", "incompatible-network",
    "inaccessible-encryption-credentials", "inaccessible-encryption-credentials-recoverable", "stopped",
])
def test_10_a_cluster_state_that_never_passes_is_refused_at_once(stubbed, run_module, aws_answers, fake_time, status):
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    queue_cluster(stubber, aws_answers.cluster(Status=status))
    result = run(run_module, client, id="snap", cluster_id="graph", wait_timeout=600)
    assert result["failed"] and f"'{status}'" in result["msg"]
    assert calls.writes == [] and fake_time.sleeps == []


@pytest.mark.parametrize("status", ["backing-up", "modifying", "maintenance", "upgrading", "storage-optimization"])
def test_10_a_cluster_state_that_passes_is_retried_as_busy(stubbed, run_module, aws_answers, fake_time, status):
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    queue_cluster(stubber, aws_answers.cluster(Status=status))
    for _attempt in range(2):
        aws_answers.add_error(stubber, CREATE, "InvalidDBClusterStateFault")
    stubber.add_response("create_db_cluster_snapshot", {"DBClusterSnapshot": aws_answers.snapshot("creating")})
    result = run(run_module, client, id="snap", cluster_id="graph")
    assert result["changed"] and calls.count(CREATE) == 3 and len(fake_time.sleeps) == 2


def test_10_an_unknown_cluster_state_gets_one_attempt_and_aws_decides(stubbed, run_module, aws_answers, fake_time):
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    queue_cluster(stubber, aws_answers.cluster(Status="reticulating-splines"))
    aws_answers.add_error(stubber, CREATE, "InvalidDBClusterStateFault")
    result = run(run_module, client, id="snap", cluster_id="graph")
    assert result["failed"] and "'reticulating-splines'" in result["msg"]
    assert calls.count(CREATE) == 1 and fake_time.sleeps == []


# --- 11. copy-only options declared so; what state=absent ignores is warned about ------------------------------


@pytest.mark.parametrize("option, value", [("kms_key_id", "alias/k"), ("source_region", "us-west-2")])
def test_11_copy_only_options_are_required_by_the_source_in_the_argument_spec(stubbed, run_module, option, value):
    client, _stubber, calls = stubbed
    result = run(run_module, client, id="snap", cluster_id="graph", **{option: value})
    assert result["failed"] and calls == []
    assert f"missing parameter(s) required by '{option}': source_db_cluster_snapshot_identifier" in result["msg"]
    assert snapshot_module.REQUIRED_BY[option] == ["source_db_cluster_snapshot_identifier"]


def test_11_copy_tags_true_without_a_source_is_required_if_in_the_argument_spec(stubbed, run_module):
    """copy_tags has a default (false), which required_by would treat as given on every task."""
    client, _stubber, calls = stubbed
    result = run(run_module, client, id="snap", cluster_id="graph", copy_tags=True)
    assert result["failed"] and calls == []
    assert "copy_tags is True but all of the following are missing: source_db_cluster_snapshot_identifier" in (
        result["msg"]
    )
    assert "copy_tags" not in snapshot_module.REQUIRED_BY
    assert ("copy_tags", True, ("source_db_cluster_snapshot_identifier",)) in snapshot_module.REQUIRED_IF


def test_11_options_state_absent_ignores_are_warned_about(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    stubber.add_response("delete_db_cluster_snapshot", {}, {"DBClusterSnapshotIdentifier": "snap"})
    result = run(run_module, client, id="snap", state="absent", tags={"a": "1"}, shared_accounts=["210987654321"],
                 source_id="nightly", kms_key_id="alias/k", copy_tags=True)
    assert result["changed"] and calls == [DESCRIBE, DELETE]
    warnings = " ".join(warning["event"]["msg"] if isinstance(warning, dict) else warning
                        for warning in result["warnings"])
    for option in ("tags", "shared_accounts", "kms_key_id", "copy_tags", "source_db_cluster_snapshot_identifier"):
        assert f"{option} " in warnings
    assert "state=absent" in warnings
    # Warned the way ansible-core asks: amazon.aws 11's module.warn also passes them to exit_json, which
    # ansible-core 2.19 and later answer with a deprecation warning of their own.
    assert not result.get("deprecations")


def test_11_no_warning_for_a_plain_delete(stubbed, run_module, aws_answers):
    client, stubber, _calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    stubber.add_response("delete_db_cluster_snapshot", {}, {"DBClusterSnapshotIdentifier": "snap"})
    result = run(run_module, client, id="snap", cluster_id="graph", state="absent", wait_timeout=60)
    assert result["changed"] and not result.get("warnings")


# --- 12. names AWS gives snapshots: looked up and copied, never managed -------------------------------------------

BACKUP_ID = "awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453"
BACKUP_ARN = f"arn:aws:rds:us-east-1:123456789012:cluster-snapshot:{BACKUP_ID}"


@pytest.mark.parametrize("reference", [BACKUP_ID, BACKUP_ID.upper().replace("AWSBACKUP:JOB", "awsbackup:job"), BACKUP_ARN])
def test_12_info_finds_an_aws_backup_recovery_point(stubbed, run_module, aws_answers, reference):
    client, stubber, _calls = stubbed
    expected = {**NEPTUNE_ONLY,
                "DBClusterSnapshotIdentifier": reference.lower() if not reference.startswith("arn:") else reference,
                "MaxRecords": 100}
    if reference.startswith("arn:"):
        expected["IncludeShared"] = True
    stubber.add_response("describe_db_cluster_snapshots",
                         {"DBClusterSnapshots": [aws_answers.snapshot("awsbackup")]}, expected)
    result = run_info(run_module, client, id=reference, include_tags=False)
    assert [s["db_cluster_snapshot_identifier"] for s in result["db_cluster_snapshots"]] == [BACKUP_ID]


@pytest.mark.parametrize("source", [BACKUP_ID, BACKUP_ARN])
def test_12_an_aws_backup_recovery_point_can_be_copied(stubbed, run_module, aws_answers, source):
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    queue_snapshot(stubber, aws_answers.snapshot("awsbackup"), identifier=source,
                   **({"IncludeShared": True} if source.startswith("arn:") else {}))
    stubber.add_response("copy_db_cluster_snapshot", {"DBClusterSnapshot": aws_answers.snapshot("creating")}, {
        "SourceDBClusterSnapshotIdentifier": source, "TargetDBClusterSnapshotIdentifier": "snap"})
    result = run(run_module, client, id="snap", source_id=source)
    assert result["changed"] and calls == [DESCRIBE, DESCRIBE, COPY]


@pytest.mark.parametrize("state", ["present", "absent"])
def test_12_an_aws_backup_recovery_point_is_never_managed(stubbed, run_module, state):
    client, _stubber, calls = stubbed
    result = run(run_module, client, id=BACKUP_ID, state=state, tags={"a": "1"})
    assert result["failed"] and "AWS Backup owns its recovery points" in result["msg"] and calls == []
