# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-region endpoints (issue 16): a custom endpoint_url serves one region, so the other region of a cross-region
copy (the copy's source, the rotation's DR region) gets its own endpoint, or the task is refused before any call."""

from __future__ import annotations

import urllib.parse

import boto3
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.graphops.neptune.plugins.module_utils.endpoints import presign_at
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_api import NeptuneSnapshotApi
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_request import build_request
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot as snapshot_module
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot_rotation as rotation_module
from ansible_collections.graphops.neptune.tests.unit.api_operations import COPY
from ansible_collections.graphops.neptune.tests.unit.api_operations import DESCRIBE
from ansible_collections.graphops.neptune.tests.unit.api_operations import sent_copy

NO_RETRY = AWSRetry.jittered_backoff(retries=1, delay=0)
EAST_URL, WEST_URL = "https://vpce-east.rds.example.internal", "https://vpce-west.rds.example.internal:8443"
WEST_SOURCE_ARN = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:nightly"
COPY_ARGS = {"id": "dr-copy", "source_id": WEST_SOURCE_ARN, "kms_key_id": "alias/dr", "region": "us-east-1"}


def west_source():
    return {"DBClusterSnapshotIdentifier": "nightly", "DBClusterIdentifier": "graph", "Engine": "neptune",
            "DBClusterSnapshotArn": WEST_SOURCE_ARN, "SnapshotType": "manual", "Status": "available",
            "StorageEncrypted": True}


def copy_answer():
    return {"DBClusterSnapshot": {
        "DBClusterSnapshotIdentifier": "dr-copy", "DBClusterIdentifier": "graph", "Engine": "neptune",
        "DBClusterSnapshotArn": "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:dr-copy", "Status": "copying",
        "SourceDBClusterSnapshotArn": WEST_SOURCE_ARN}}


# ---- neptune_cluster_snapshot: the refusal ----------------------------------------------------------------------

def test_cross_region_copy_with_endpoint_url_and_no_source_endpoint_is_refused_before_any_call(stubbed, run_module):
    client, _stubber, calls = stubbed
    result = run_module(snapshot_module.main, dict(COPY_ARGS, endpoint_url=EAST_URL), client)
    assert result["failed"] and calls == [] and run_module.client_requests == []
    message = result["msg"]
    assert "the copy's source region 'us-west-2' differs from region 'us-east-1'" in message
    assert f"endpoint_url '{EAST_URL}' is set" in message
    assert "an endpoint serves one region only (AWS refuses a request signed for another region)" in message
    assert "Give source_endpoint_url (the endpoint of the copy's source region 'us-west-2'" in message


def test_source_region_option_alone_is_refused_the_same_way(stubbed, run_module):
    client, _stubber, _calls = stubbed
    args = dict(COPY_ARGS, endpoint_url=EAST_URL, source_region="us-west-2")
    result = run_module(snapshot_module.main, args, client)
    assert result["failed"] and "Give source_endpoint_url" in result["msg"]


def test_build_request_refuses_only_a_cross_region_copy():
    params = {"db_cluster_snapshot_identifier": "dr-copy", "source_db_cluster_snapshot_identifier": WEST_SOURCE_ARN,
              "endpoint_url": EAST_URL}
    with pytest.raises(Exception, match="Give source_endpoint_url"):
        build_request(params, "us-east-1")
    # Within the source's region, or without a custom endpoint, or with the source's endpoint: no refusal.
    assert build_request(params, "us-west-2").source_endpoint_url is None
    assert build_request(dict(params, endpoint_url=None), "us-east-1").source_endpoint_url is None
    assert build_request(dict(params, source_endpoint_url=WEST_URL), "us-east-1").source_endpoint_url == WEST_URL
    # A delete copies nothing and reads no source.
    assert build_request(dict(params, state="absent"), "us-east-1").source_endpoint_url is None


# ---- neptune_cluster_snapshot: each region's client at its own endpoint -------------------------------------------

@pytest.fixture
def presigns(monkeypatch):
    """The calls the module makes to presign_at: (client, source endpoint)."""
    seen = []
    monkeypatch.setattr(snapshot_module, "presign_at", lambda client, url: seen.append((client, url)))
    return seen


def test_the_source_is_read_at_the_source_endpoint_and_the_copy_made_at_endpoint_url(stubbed, run_module, presigns):
    client, stubber, calls = stubbed
    west = boto3.client("neptune", region_name="us-west-2")
    from botocore.stub import Stubber

    with Stubber(west) as west_stubber:
        stubber.add_client_error("describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault", http_status_code=404)
        west_stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [west_source()]},
                                  {"DBClusterSnapshotIdentifier": WEST_SOURCE_ARN, "IncludeShared": True})
        stubber.add_response("copy_db_cluster_snapshot", copy_answer())
        result = run_module(snapshot_module.main, dict(COPY_ARGS, endpoint_url=EAST_URL, source_endpoint_url=WEST_URL),
                            client, source_client=RetryingBotoClientWrapper(west, NO_RETRY))
        west_stubber.assert_no_pending_responses()  # the source was read in us-west-2
    assert result["changed"], result
    assert calls == [DESCRIBE, COPY]
    # The module's own client: its region and endpoint_url; the source's: us-west-2 at source_endpoint_url.
    assert run_module.client_endpoints == [("neptune", None, EAST_URL), ("neptune", "us-west-2", WEST_URL)]
    assert presigns == [(client, WEST_URL)]  # the copy's presigned URL names the source's endpoint


def test_without_endpoint_url_each_region_keeps_botocores_endpoint(stubbed, run_module, presigns):
    """As before: no custom endpoint, so the source's client gets none (botocore's regional default) and the
    presigned URL is botocore's own."""
    client, stubber, _calls = stubbed
    west = boto3.client("neptune", region_name="us-west-2")
    from botocore.stub import Stubber

    with Stubber(west) as west_stubber:
        stubber.add_client_error("describe_db_cluster_snapshots", "DBClusterSnapshotNotFoundFault", http_status_code=404)
        west_stubber.add_response("describe_db_cluster_snapshots", {"DBClusterSnapshots": [west_source()]})
        stubber.add_response("copy_db_cluster_snapshot", copy_answer())
        result = run_module(snapshot_module.main, COPY_ARGS, client,
                            source_client=RetryingBotoClientWrapper(west, NO_RETRY))
    assert result["changed"], result
    assert run_module.client_endpoints == [("neptune", None, None), ("neptune", "us-west-2", None)]
    assert presigns == []


def test_source_endpoint_url_for_a_source_in_this_region_is_ignored_with_a_warning(nightly_moto, run_module):
    client, _raw, _calls = nightly_moto
    result = run_module(snapshot_module.main, {"id": "copy", "source_id": "nightly", "source_endpoint_url": WEST_URL},
                        client)
    assert result["changed"]
    warnings = " ".join(w["event"]["msg"] if isinstance(w, dict) else w for w in result.get("warnings", []))
    assert "source_endpoint_url is ignored: the copy's source is in the module's region" in warnings
    assert [e for e in run_module.client_endpoints if e[1]] == []  # no client of another region


@pytest.fixture
def nightly_moto(neptune):
    client, raw, calls = neptune
    raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="nightly", DBClusterIdentifier="graph")
    calls.clear()
    return client, raw, calls


# ---- the presigned URL names the source region's endpoint --------------------------------------------------------

def copy_body(client, request):
    """The CopyDBClusterSnapshot body client would send for request."""
    return sent_copy(client, lambda: NeptuneSnapshotApi(RetryingBotoClientWrapper(client, NO_RETRY)).copy_snapshot(request))


def copy_request():
    return build_request({"db_cluster_snapshot_identifier": "dr-copy", "kms_key_id": "alias/dr",
                          "source_db_cluster_snapshot_identifier": WEST_SOURCE_ARN}, "us-east-1")


def test_botocore_alone_points_the_presigned_url_at_the_destinations_custom_endpoint():
    """Why presign_at exists: botocore replaces the region's name in the destination's URL, and a custom endpoint
    need not carry it, so the URL signed for us-west-2 names us-east-1's endpoint."""
    east = boto3.client("neptune", region_name="us-east-1", endpoint_url=EAST_URL)
    presigned = urllib.parse.urlsplit(copy_body(east, copy_request())["PreSignedUrl"][0])
    assert presigned.netloc == "vpce-east.rds.example.internal"


def test_presign_at_points_the_presigned_url_at_the_source_endpoint_signed_for_the_source_region():
    east = boto3.client("neptune", region_name="us-east-1", endpoint_url=EAST_URL)
    presign_at(RetryingBotoClientWrapper(east, NO_RETRY), WEST_URL)
    body = copy_body(east, copy_request())
    assert "SourceRegion" not in body and body["SourceDBClusterSnapshotIdentifier"] == [WEST_SOURCE_ARN]
    presigned = urllib.parse.urlsplit(body["PreSignedUrl"][0])
    assert (presigned.scheme, presigned.netloc, presigned.path) == ("https", "vpce-west.rds.example.internal:8443", "/")
    query = urllib.parse.parse_qs(presigned.query)
    assert query["Action"] == ["CopyDBClusterSnapshot"] and query["DestinationRegion"] == ["us-east-1"]
    assert query["SourceDBClusterSnapshotIdentifier"] == [WEST_SOURCE_ARN] and query["KmsKeyId"] == ["alias/dr"]
    assert query["X-Amz-Credential"][0].split("/")[2:4] == ["us-west-2", "rds"]
    assert "SourceRegion" not in query and "X-Amz-Signature" in query


def test_presign_at_leaves_a_copy_within_a_region_alone():
    east = boto3.client("neptune", region_name="us-east-1", endpoint_url=EAST_URL)
    presign_at(east, WEST_URL)
    request = build_request({"db_cluster_snapshot_identifier": "copy", "source_db_cluster_snapshot_identifier": "nightly"},
                            "us-east-1")
    assert "PreSignedUrl" not in copy_body(east, request)


# ---- neptune_cluster_snapshot_rotation: dr_endpoint_url ----------------------------------------------------------

ROTATION_ARGS = {"clusters": ["graph-a"], "keep_last": 2, "region": "us-east-1", "dr_region": "us-west-2",
                 "now": "2030-02-01T03:00:00Z"}


def test_rotation_with_dr_region_and_endpoint_url_but_no_dr_endpoint_is_refused_before_any_call(stubbed, run_module):
    client, _stubber, calls = stubbed
    result = run_module(rotation_module.main, dict(ROTATION_ARGS, endpoint_url=EAST_URL), client)
    assert result["failed"] and calls == [] and run_module.client_requests == []
    assert (f"dr_region 'us-west-2' differs from region 'us-east-1', and endpoint_url '{EAST_URL}' is set"
            in result["msg"])
    assert "Give dr_endpoint_url (the endpoint of dr_region 'us-west-2'" in result["msg"]


def test_rotation_dr_endpoint_url_needs_dr_region(stubbed, run_module):
    client, _stubber, _calls = stubbed
    args = {k: v for k, v in ROTATION_ARGS.items() if k != "dr_region"}
    result = run_module(rotation_module.main, dict(args, dr_endpoint_url=WEST_URL), client)
    assert result["failed"] and "missing parameter(s) required by 'dr_endpoint_url': dr_region" in result["msg"]


class EndpointsSeen(Exception):
    pass


def test_rotation_builds_the_dr_client_at_dr_endpoint_url_and_presigns_at_endpoint_url(run_module, monkeypatch):
    """The DR side's client: dr_region at dr_endpoint_url; its copies' presigned URL: the module's region at
    endpoint_url (where the copies' sources are)."""
    sides = {}

    class Rotation:
        def __init__(self, request, api, dr_api, check_mode):
            sides.update(source=api, dr=dr_api)

        def run(self):
            raise EndpointsSeen()

    monkeypatch.setattr(rotation_module, "Rotation", Rotation)

    def factory(module, service, region, config):
        endpoint = run_module.client_endpoints[-1][2]
        return RetryingBotoClientWrapper(boto3.client(service, region_name=region or "us-east-1", endpoint_url=endpoint), NO_RETRY)

    with pytest.raises(EndpointsSeen):
        run_module(rotation_module.main, dict(ROTATION_ARGS, endpoint_url=EAST_URL, dr_endpoint_url=WEST_URL), None,
                   client_factory=factory)
    assert run_module.client_endpoints == [("rds", None, EAST_URL), ("rds", "us-west-2", WEST_URL)]
    dr = sides["dr"].client.client
    assert (sides["dr"].region, dr.meta.region_name, dr.meta.endpoint_url) == ("us-west-2", "us-west-2", WEST_URL)
    sent = {}

    def capture(request, **_kwargs):
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        sent["url"], sent["body"] = request.url, urllib.parse.parse_qs(body)
        raise EndpointsSeen()

    dr.meta.events.register("before-send.rds.CopyDBClusterSnapshot", capture)
    with pytest.raises(EndpointsSeen):
        dr.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier="arn:aws:rds:us-east-1:123456789012:cluster-snapshot:a",
                                    TargetDBClusterSnapshotIdentifier="a-us-east-1", SourceRegion="us-east-1")
    assert sent["url"].startswith(WEST_URL)
    presigned = urllib.parse.urlsplit(sent["body"]["PreSignedUrl"][0])
    assert presigned.netloc == "vpce-east.rds.example.internal"
    assert urllib.parse.parse_qs(presigned.query)["X-Amz-Credential"][0].split("/")[2] == "us-east-1"
