# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' own wiring, which no other test can see: the client check mode really gets, and the
module's own retry on every kind of call.

Retries: Stubber answers before botocore's retry loop runs (the first test proves it), so a throttled
answer queued here is retried only by the module's AWSRetry wrapper, which works on calls made with
aws_retry=True. A call that loses aws_retry=True fails its test.
"""

from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils import snapshot_api
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot as snapshot_module
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot_info as info_module

SNAPSHOT_ARN = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:snap"
WEST_ARN = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:nightly"
THROTTLES = 2  # in a row before the answer: within the module's budget, beyond none of botocore's here


# --- check mode: the module's own client is read-only ---------------------------------------------------


class Spy:
    """Stands in for ensure_snapshot / list_snapshots: records the API objects main() built."""

    def __init__(self, result):
        self.apis = []
        self.result = result

    def __call__(self, api, *_args, source_api=None, **_kwargs):
        self.apis.extend(candidate for candidate in (api, source_api) if candidate is not None)
        return self.result


def assert_refuses_writes(api):
    assert isinstance(api.client, snapshot_api.ReadOnlyClient)
    assert api.client.describe_db_cluster_snapshots is not None
    for write in ("create_db_cluster_snapshot", "copy_db_cluster_snapshot", "delete_db_cluster_snapshot",
                  "modify_db_cluster_snapshot_attribute", "add_tags_to_resource", "remove_tags_from_resource"):
        with pytest.raises(snapshot_api.CheckModeWrite, match=write):
            getattr(api.client, write)


def test_check_mode_main_hands_the_flow_only_read_only_clients(stubbed, run_module, monkeypatch):
    client, _stubber, _calls = stubbed
    spy = Spy({"changed": False, "db_cluster_snapshot": {}, "diff": {}})
    monkeypatch.setattr(snapshot_module, "ensure_snapshot", spy)
    run_module(snapshot_module.main, {"id": "dr-copy", "source_id": WEST_ARN, "kms_key_id": "alias/k"}, client,
               check_mode=True, source_client=client)
    assert len(spy.apis) == 2  # the target region's and the source region's
    for api in spy.apis:
        assert_refuses_writes(api)


def test_a_real_run_hands_the_flow_the_writing_client(stubbed, run_module, monkeypatch):
    client, _stubber, _calls = stubbed
    spy = Spy({"changed": False, "db_cluster_snapshot": {}, "diff": {}})
    monkeypatch.setattr(snapshot_module, "ensure_snapshot", spy)
    run_module(snapshot_module.main, {"id": "snap"}, client)
    assert spy.apis and all(api.client is client for api in spy.apis)


def test_check_mode_info_reads_through_a_read_only_client(stubbed, run_module, monkeypatch):
    client, _stubber, _calls = stubbed
    spy = Spy([])
    monkeypatch.setattr(info_module, "list_snapshots", spy)
    run_module(info_module.main, {}, client, check_mode=True)
    assert len(spy.apis) == 1
    assert_refuses_writes(spy.apis[0])
    # The listing's rds client too: read-only, and marked as a dry run like the neptune one.
    assert isinstance(spy.apis[0].listing_client, snapshot_api.ReadOnlyClient)
    assert [(service, marker) for service, _retry, _region, marker in run_module.client_requests] == [
        ("neptune", snapshot_api.CHECK_MODE_USER_AGENT), ("rds", snapshot_api.CHECK_MODE_USER_AGENT)
    ]


# --- retries: the module's own, per call kind ------------------------------------------------------------


def test_stubbed_answers_are_not_retried_by_botocore(stubbed):
    """Without the module's wrapper a throttled stubbed answer is final: any retry seen below is the module's."""
    import botocore.exceptions

    client, stubber, calls = stubbed
    stubber.add_client_error("describe_db_clusters", "Throttling", http_status_code=400)
    with pytest.raises(botocore.exceptions.ClientError):
        client.client.describe_db_clusters()
    assert calls == ["DescribeDBClusters"]


def throttle(stubber, method):
    for _attempt in range(THROTTLES):
        stubber.add_client_error(method, "Throttling", "Rate exceeded", http_status_code=400)


def snapshot_answer(aws_answers, name="available", **overrides):
    return {"DBClusterSnapshots": [aws_answers.snapshot(name, **overrides)]}


CREATE_FLOW = (
    {"id": "snap", "cluster_id": "graph", "shared_accounts": ["210987654321"]},
    ["describe_db_cluster_snapshots", "describe_db_clusters", "create_db_cluster_snapshot",
     "modify_db_cluster_snapshot_attribute"],
)
RETAG_FLOW = (
    {"id": "snap", "tags": {"new": "1"}, "shared_accounts": []},
    ["describe_db_cluster_snapshots", "list_tags_for_resource", "describe_db_cluster_snapshot_attributes",
     "add_tags_to_resource", "remove_tags_from_resource", "modify_db_cluster_snapshot_attribute"],
)
COPY_FLOW = (
    {"id": "snap", "source_id": "nightly"},
    ["describe_db_cluster_snapshots", "describe_db_cluster_snapshots", "copy_db_cluster_snapshot"],
)
DELETE_FLOW = ({"id": "snap", "state": "absent"}, ["describe_db_cluster_snapshots", "delete_db_cluster_snapshot"])


def answers_for(aws_answers, flow):
    """The AWS answers of a flow's calls, in order."""
    args, methods = flow
    missing_then = "describe_db_clusters" in methods or "copy_db_cluster_snapshot" in methods
    answers = []
    for index, method in enumerate(methods):
        if method == "describe_db_cluster_snapshots":
            if index == 0 and missing_then:
                answers.append(None)  # not found: queued as an error
            else:
                answers.append(snapshot_answer(aws_answers, DBClusterSnapshotIdentifier="nightly" if index else "snap"))
        elif method == "describe_db_clusters":
            answers.append({"DBClusters": [aws_answers.cluster()]})
        elif method in ("create_db_cluster_snapshot", "copy_db_cluster_snapshot"):
            answers.append({"DBClusterSnapshot": aws_answers.snapshot("available")})
        elif method == "list_tags_for_resource":
            answers.append({"TagList": [{"Key": "old", "Value": "x"}]})
        elif method == "describe_db_cluster_snapshot_attributes":
            restore = {"AttributeName": "restore", "AttributeValues": ["210987654321"]}
            answers.append({"DBClusterSnapshotAttributesResult": {
                "DBClusterSnapshotIdentifier": "snap", "DBClusterSnapshotAttributes": [restore]}})
        else:
            answers.append({})
    return args, list(zip(methods, answers))


@pytest.mark.parametrize("flow, throttled", [
    (CREATE_FLOW, "describe_db_cluster_snapshots"),
    (CREATE_FLOW, "describe_db_clusters"),
    (CREATE_FLOW, "create_db_cluster_snapshot"),
    (CREATE_FLOW, "modify_db_cluster_snapshot_attribute"),
    (RETAG_FLOW, "list_tags_for_resource"),
    (RETAG_FLOW, "describe_db_cluster_snapshot_attributes"),
    (RETAG_FLOW, "add_tags_to_resource"),
    (RETAG_FLOW, "remove_tags_from_resource"),
    (COPY_FLOW, "copy_db_cluster_snapshot"),
    (DELETE_FLOW, "delete_db_cluster_snapshot"),
])
def test_the_module_itself_retries_each_call_kind(stubbed, run_module, aws_answers, flow, throttled):
    client, stubber, calls = stubbed
    args, steps = answers_for(aws_answers, flow)
    throttled_once = False
    for method, answer in steps:
        if method == throttled and not throttled_once:
            throttle(stubber, method)
            throttled_once = True
        if answer is None:
            aws_answers.add_error(stubber, "DescribeDBClusterSnapshots", "DBClusterSnapshotNotFoundFault")
        else:
            stubber.add_response(method, answer)
    result = run_module(snapshot_module.main, args, client)
    assert "failed" not in result, result.get("msg")
    made = [name for name in calls if name.lower() == throttled.replace("_", "")]
    # The throttled attempts, then each answer of the flow: the module rode the throttling out itself.
    assert len(made) == THROTTLES + [method for method, _answer in steps].count(throttled)


def test_the_info_module_retries_its_describe_and_tag_reads(stubbed, run_module, aws_answers):
    client, stubber, calls = stubbed
    throttle(stubber, "describe_db_cluster_snapshots")
    stubber.add_response("describe_db_cluster_snapshots", snapshot_answer(aws_answers))
    throttle(stubber, "list_tags_for_resource")
    stubber.add_response("list_tags_for_resource", {"TagList": []})
    result = run_module(info_module.main, {}, client)
    assert len(result["db_cluster_snapshots"]) == 1
    assert calls == ["DescribeDBClusterSnapshots"] * 3 + ["ListTagsForResource"] * 3
