# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The answers library (tests/unit/aws_answers) against the service model, and every error the model lists for
every call the modules make, driven through both modules' main() with Stubber.

Each modelled error is either handled as AWS means it (gone, already there, a resend's answer) or fails the task
with a message that says what was being done and carries AWS's own words; never a traceback.
"""

from __future__ import annotations

import pytest
from botocore import xform_name

from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot as snapshot_module
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot_info as info_module
from ansible_collections.graphops.neptune.tests.unit.api_operations import NEPTUNE_ONLY

ACCOUNT = "210987654321"


def _all_errors():
    import json
    import pathlib

    errors = json.loads((pathlib.Path(__file__).resolve().parents[2] / "aws_answers" / "errors.json").read_text())
    return [(operation, error["code"]) for operation, listed in errors["errors"].items() for error in listed]


# --- the library matches the model ---------------------------------------------------------------------------


def test_the_error_library_is_the_models_list_for_every_call(aws_answers):
    import botocore.session

    model = botocore.session.get_session().get_service_model("neptune")
    for operation, listed in aws_answers.errors.items():
        modelled = {(shape.name, shape.metadata.get("error", {}).get("code", shape.name))
                    for shape in model.operation_model(operation).error_shapes}
        assert {(error["shape"], error["code"]) for error in listed} == modelled, operation
    made = {"CreateDBClusterSnapshot", "CopyDBClusterSnapshot", "DeleteDBClusterSnapshot", "DescribeDBClusters",
            "ModifyDBClusterSnapshotAttribute", "DescribeDBClusterSnapshotAttributes", "DescribeDBClusterSnapshots",
            "ListTagsForResource", "AddTagsToResource", "RemoveTagsFromResource"}
    assert set(aws_answers.errors) == made


@pytest.mark.parametrize("name", ["creating", "available", "deleting", "queued_copy", "shared_encrypted", "automated",
                                  "awsbackup", "aurora"])
def test_every_snapshot_answer_is_valid_for_the_model(stubbed, aws_answers, name):
    """Stubber validates a queued answer against the output shape: a malformed library entry fails here."""
    client, stubber, _calls = stubbed
    stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [aws_answers.snapshot(name)]})
    assert client.describe_db_cluster_snapshots()["DBClusterSnapshots"][0]["Status"]


def test_info_follows_every_marker_page_and_keeps_neptune_only(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    pages = aws_answers.pages()
    marker = None
    for page in pages:
        expected = {**NEPTUNE_ONLY, "MaxRecords": 100}
        if marker:
            expected["Marker"] = marker
        stubber.add_response("describe_db_cluster_snapshots", page, expected)
        marker = page.get("Marker")
    result = run_module(info_module.main, {"include_tags": False}, client)
    assert calls == ["DescribeDBClusterSnapshots"] * len(pages)
    ids = [snapshot["db_cluster_snapshot_identifier"] for snapshot in result["db_cluster_snapshots"]]
    # Oldest first, the one still being created (no SnapshotCreateTime yet) last, Aurora's left out.
    assert ids == ["g-1", "g-2", "awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453", "rds:graph-2026-11-27-03-00",
                   "g-3"]


# --- every modelled error, through main() ----------------------------------------------------------------------


def snapshot_answer(aws_answers, identifier="snap"):
    return {"DBClusterSnapshots": [aws_answers.snapshot("available", DBClusterSnapshotIdentifier=identifier)]}


def attributes(accounts):
    return {"DBClusterSnapshotAttributesResult": {"DBClusterSnapshotIdentifier": "snap", "DBClusterSnapshotAttributes": [
        {"AttributeName": "restore", "AttributeValues": accounts}]}}


def flows(aws_answers):
    """Per operation: the task's arguments and the calls it makes, in order (None: answered not found)."""
    describe = ("DescribeDBClusterSnapshots", snapshot_answer(aws_answers))
    missing = ("DescribeDBClusterSnapshots", None)
    return {
        "DescribeDBClusterSnapshots": ({"id": "snap", "state": "absent"}, [describe]),
        "DeleteDBClusterSnapshot": ({"id": "snap", "state": "absent"}, [describe, ("DeleteDBClusterSnapshot", {})]),
        "DescribeDBClusters": ({"id": "snap", "cluster_id": "graph"}, [missing, ("DescribeDBClusters", {})]),
        "CreateDBClusterSnapshot": ({"id": "snap", "cluster_id": "graph"}, [
            missing, ("DescribeDBClusters", {"DBClusters": [aws_answers.cluster()]}), ("CreateDBClusterSnapshot", {})]),
        "CopyDBClusterSnapshot": ({"id": "snap", "source_id": "nightly"}, [
            missing, ("DescribeDBClusterSnapshots", snapshot_answer(aws_answers, "nightly")),
            ("CopyDBClusterSnapshot", {})]),
        "ListTagsForResource": ({"id": "snap", "tags": {"new": "1"}}, [describe, ("ListTagsForResource", {})]),
        "DescribeDBClusterSnapshotAttributes": ({"id": "snap", "shared_accounts": []}, [
            describe, ("ListTagsForResource", {"TagList": []}), ("DescribeDBClusterSnapshotAttributes", {})]),
        "AddTagsToResource": ({"id": "snap", "tags": {"new": "1"}}, [
            describe, ("ListTagsForResource", {"TagList": [{"Key": "old", "Value": "x"}]}), ("AddTagsToResource", {})]),
        "RemoveTagsFromResource": ({"id": "snap", "tags": {}}, [
            describe, ("ListTagsForResource", {"TagList": [{"Key": "old", "Value": "x"}]}),
            ("RemoveTagsFromResource", {})]),
        "ModifyDBClusterSnapshotAttribute": ({"id": "snap", "shared_accounts": []}, [
            describe, ("ListTagsForResource", {"TagList": []}),
            ("DescribeDBClusterSnapshotAttributes", attributes([ACCOUNT])), ("ModifyDBClusterSnapshotAttribute", {})]),
    }


def handled(aws_answers):
    """Errors AWS means as a state, not a failure: (answers the handler reads next, what the task then reports)."""
    describe = ("DescribeDBClusterSnapshots", snapshot_answer(aws_answers))
    adopted = [describe, ("ListTagsForResource", {"TagList": []})]
    return {
        ("DescribeDBClusterSnapshots", "DBClusterSnapshotNotFoundFault"): ([], {"changed": False}),
        ("DescribeDBClusters", "DBClusterNotFoundFault"): ([], {"failed": True, "msg_has": "'graph' was not found"}),
        ("DeleteDBClusterSnapshot", "DBClusterSnapshotNotFoundFault"): ([], {"changed": True}),
        ("DeleteDBClusterSnapshot", "InvalidDBClusterSnapshotStateFault"): (
            [("DescribeDBClusterSnapshots", {"DBClusterSnapshots": [aws_answers.snapshot("deleting")]})],
            {"changed": True}),
        ("CreateDBClusterSnapshot", "DBClusterSnapshotAlreadyExistsFault"): (adopted, {"changed": True}),
        ("CopyDBClusterSnapshot", "DBClusterSnapshotAlreadyExistsFault"): (adopted, {"changed": True}),
        # Gone between the reads: the snapshot is planned as absent, and there is nothing to create it from.
        ("ListTagsForResource", "DBSnapshotNotFound"): ([], {"failed": True, "msg_has": "does not exist"}),
        ("DescribeDBClusterSnapshotAttributes", "DBClusterSnapshotNotFoundFault"): (
            [], {"failed": True, "msg_has": "does not exist"}),
    }


@pytest.mark.parametrize("operation, code", _all_errors())
def test_every_modelled_error_of_the_snapshot_module(stubbed, run_module, aws_answers, fake_time, operation, code):
    client, stubber, _calls = stubbed
    args, steps = flows(aws_answers)[operation]
    failing = max(index for index, (name, _answer) in enumerate(steps) if name == operation)
    for index, (name, answer) in enumerate(steps):
        if index == failing:
            aws_answers.add_error(stubber, operation, code)
        elif answer is None:
            aws_answers.add_error(stubber, name, "DBClusterSnapshotNotFoundFault")
        else:
            stubber.add_response(xform_name(name), answer)
    next_answers, expected = handled(aws_answers).get((operation, code), ([], None))
    for name, answer in next_answers:
        stubber.add_response(xform_name(name), answer)
    result = run_module(snapshot_module.main, dict(args, wait_timeout=0), client)
    assert "module_stderr" not in result and "Traceback" not in result.get("msg", "")
    if expected is None:
        message = aws_answers.error(operation, code)["message"]
        assert result["failed"] and result["msg"].startswith("Failed to ") and message in result["msg"], result["msg"]
        stubber._queue.clear()  # a failed task leaves the answers it never reached
    elif "msg_has" in expected:
        assert result["failed"] and expected["msg_has"] in result["msg"]
    else:
        assert "failed" not in result and result["changed"] is expected["changed"], result.get("msg")


INFO_OPERATIONS = ("DescribeDBClusterSnapshots", "ListTagsForResource", "DescribeDBClusterSnapshotAttributes")


@pytest.mark.parametrize("operation, code", [(op, code) for op, code in _all_errors() if op in INFO_OPERATIONS])
def test_every_modelled_error_of_the_info_module(stubbed, run_module, aws_answers, operation, code):
    client, stubber, _calls = stubbed
    if operation == "DescribeDBClusterSnapshots":
        aws_answers.add_error(stubber, operation, code)
    else:
        stubber.add_response("describe_db_cluster_snapshots", snapshot_answer(aws_answers), {**NEPTUNE_ONLY, "MaxRecords": 100})
        aws_answers.add_error(stubber, operation, code)
    args = {"include_tags": operation == "ListTagsForResource",
            "include_shared_accounts": operation == "DescribeDBClusterSnapshotAttributes"}
    result = run_module(info_module.main, args, client)
    gone = code in ("DBClusterSnapshotNotFoundFault", "DBSnapshotNotFound")
    if gone:
        assert "failed" not in result and result["db_cluster_snapshots"] == []
    else:
        assert result["failed"] and aws_answers.error(operation, code)["message"] in result["msg"]
