# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Both modules' main() against answers shaped as AWS gives them (tests/unit/aws_answers), through Stubber.

Stubber checks every request against the neptune service model, and answers before botocore's own retry
loop runs, so a throttled answer here is retried by the module's own AWSRetry wrapper or not at all.
Each test names the point of issue 8 it holds the modules to; docs/aws-fidelity.md lists them.
"""

from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot as snapshot_module
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot_info as info_module

SNAPSHOT_ARN = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:snap"
CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:graph"
DESCRIBE, TAGS, CLUSTER, CREATE, DELETE = (
    "DescribeDBClusterSnapshots",
    "ListTagsForResource",
    "DescribeDBClusters",
    "CreateDBClusterSnapshot",
    "DeleteDBClusterSnapshot",
)
ADD_TAGS, REMOVE_TAGS, COPY, MODIFY, ATTRIBUTES = (
    "AddTagsToResource",
    "RemoveTagsFromResource",
    "CopyDBClusterSnapshot",
    "ModifyDBClusterSnapshotAttribute",
    "DescribeDBClusterSnapshotAttributes",
)


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


# --- 1. tag characters: AWS judges them ---------------------------------------------------------


def test_1_a_tag_with_at_sign_is_sent_and_a_purge_keeps_it(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_snapshot(stubber, aws_answers.snapshot("available"))
    queue_tags(stubber, {"owner": "alice@example.com", "old": "x"})
    stubber.add_response("remove_tags_from_resource", {}, {"ResourceName": SNAPSHOT_ARN, "TagKeys": ["old"]})
    result = run(run_module, client, id="snap", tags={"owner": "alice@example.com"}, purge_tags=True)
    assert result["changed"] and result["db_cluster_snapshot"]["tags"] == {"owner": "alice@example.com"}
    assert calls.writes == [REMOVE_TAGS]


def test_1_characters_aws_refuses_are_sent_and_aws_message_is_shown(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    queue_missing(stubber, aws_answers)
    queue_cluster(stubber, aws_answers.cluster())
    message = "The tag value contains invalid characters: <script>"
    stubber.add_client_error("create_db_cluster_snapshot", "InvalidParameterValue", message, http_status_code=400)
    result = run(run_module, client, id="snap", cluster_id="graph", tags={"note": "<script>"})
    assert result["failed"] and message in result["msg"] and calls.writes == [CREATE]


def test_1_the_info_tag_filter_takes_an_at_sign(stubbed, run_module, aws_answers):
    client, stubber, _calls = stubbed
    stubber.add_response(
        "describe_db_cluster_snapshots",
        {"DBClusterSnapshots": [aws_answers.snapshot("available")]},
        {"DBClusterIdentifier": "graph", "MaxRecords": 100},
    )
    queue_tags(stubber, {"owner": "alice@example.com"})
    result = run_info(run_module, client, cluster_id="graph", tags={"owner": "alice@example.com"})
    assert [s["db_cluster_snapshot_identifier"] for s in result["db_cluster_snapshots"]] == ["snap"]
