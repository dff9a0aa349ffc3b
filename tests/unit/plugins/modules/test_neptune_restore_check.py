# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""main() of neptune_restore_check: the RDS side on an in-process moto patched to restore (tests/support/
moto_patched.py), the graph engine (neptunedata, which moto lacks) on botocore's Stubber, every call counted."""

from __future__ import annotations

import sys
from pathlib import Path

import boto3
import pytest
import yaml
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.graphops.neptune.plugins.modules import neptune_restore_check as module
from ansible_collections.graphops.neptune.tests.unit.conftest import FAST_RETRY, REGION, CallLog

SUPPORT_DIR = Path(__file__).resolve().parents[3] / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

import moto_patched  # noqa: E402  pylint: disable=wrong-import-position


READS = ["DescribeDBClusters", "DescribeDBClusterSnapshots", "DescribeDBInstances"]
CLUSTER_CHECKS = ["cluster_available", "instances_available", "engine", "engine_version", "storage_encrypted",
                  "kms_key_id"]
QUERY = "MATCH (n) RETURN count(n) AS nodes"


@pytest.fixture
def data():
    """(stubbed neptunedata client, its Stubber, its call log): the graph engine's answers."""
    client = boto3.client("neptunedata", region_name=REGION, endpoint_url="https://engine.example:8182")
    calls = CallLog().attach(client)
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, FAST_RETRY), stubber, calls
        stubber.assert_no_pending_responses()


@pytest.fixture
def restored(neptune, fake_time, data):
    """A moto region with 'graph-nightly' (a snapshot of 'graph') restored into 'restored' with one instance;
    runs main() with the neptune client on moto, neptunedata on the Stubber, kms on moto."""
    client, raw, calls = neptune
    with moto_patched.patched():
        raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="graph-nightly", DBClusterIdentifier="graph")
        raw.restore_db_cluster_from_snapshot(DBClusterIdentifier="restored", SnapshotIdentifier="graph-nightly",
                                             Engine="neptune")
        raw.create_db_instance(DBInstanceIdentifier="restored-1", DBInstanceClass="db.r6g.large", Engine="neptune",
                               DBClusterIdentifier="restored")
        calls.clear()
        yield client, raw, calls


def run(run_module, rds, data, check_mode=False, kms=None, **args):
    args = dict({"db_cluster_identifier": "restored", "snapshot": "graph-nightly"}, **args)

    def clients(_module, service, _region, _config):
        return {"neptune": rds, "neptunedata": data, "kms": kms}[service]

    return run_module(module.main, args, rds, check_mode=check_mode, client_factory=clients)


def names(result):
    return [c["name"] for c in result["checks"]]


def by_name(result, name):
    return next(c for c in result["checks"] if c["name"] == name)


def test_a_restored_cluster_passes_in_three_reads(restored, data, run_module):
    client, _raw, calls = restored
    result = run(run_module, client, data[0])
    assert result.get("failed") is not True, result
    assert result["passed"] is True and result["failed_check"] is None
    assert result["changed"] is False
    assert names(result) == CLUSTER_CHECKS
    assert all(c["passed"] for c in result["checks"])
    assert by_name(result, "instances_available")["actual"] == {"restored-1": "available"}
    assert by_name(result, "engine_version")["expected"] == "1.3.2.1"
    assert calls == READS
    assert result["cluster"]["db_cluster_identifier"] == "restored"
    assert result["cluster"]["port"] == 8182
    assert isinstance(result["seconds"], float)


def test_a_healthy_engine_and_an_equal_query_pass_at_the_clusters_endpoint(restored, data, run_module):
    client, raw, _calls = restored
    data_client, stubber, data_calls = data
    stubber.add_response("get_engine_status", {"status": "healthy", "dbEngineVersion": "1.3.2.1", "role": "writer"})
    stubber.add_response("execute_open_cypher_query", {"results": [{"nodes": 42}]}, {"openCypherQuery": QUERY})
    result = run(run_module, client, data_client, data_check={"query": QUERY, "expected": [{"nodes": 42.0}]})
    assert result["passed"] is True, result
    assert names(result) == CLUSTER_CHECKS + ["engine_status", "query"]
    assert data_calls == ["GetEngineStatus", "ExecuteOpenCypherQuery"]
    endpoint = raw.describe_db_clusters(DBClusterIdentifier="restored")["DBClusters"][0]["Endpoint"]
    assert ("neptunedata", None, f"https://{endpoint}:8182") in run_module.client_endpoints


def test_an_unhealthy_engine_fails_naming_engine_status(restored, data, run_module):
    client, _raw, _calls = restored
    data_client, stubber, _data_calls = data
    stubber.add_response("get_engine_status", {"status": "unhealthy"})
    result = run(run_module, client, data_client, data_check={"endpoint_url": "https://tunnel.example:8182"})
    assert result["failed"] is True
    assert result["passed"] is False and result["failed_check"] == "engine_status"
    assert "'engine_status': expected 'healthy', actual 'unhealthy'" in result["msg"]
    assert set(result) >= {"passed", "failed_check", "checks", "seconds", "cluster"}
    assert ("neptunedata", None, "https://tunnel.example:8182") in run_module.client_endpoints


def test_a_query_with_other_results_fails_naming_query(restored, data, run_module):
    client, _raw, _calls = restored
    data_client, stubber, _data_calls = data
    stubber.add_response("get_engine_status", {"status": "healthy"})
    stubber.add_response("execute_open_cypher_query", {"results": [{"nodes": 41}]}, {"openCypherQuery": QUERY})
    result = run(run_module, client, data_client, data_check={"query": QUERY, "expected": [{"nodes": 42}]})
    assert result["failed"] is True and result["failed_check"] == "query"
    assert by_name(result, "query") == {"name": "query", "passed": False, "expected": [{"nodes": 42}],
                                        "actual": [{"nodes": 41}]}
    assert "expected [{'nodes': 42}], actual [{'nodes': 41}]" in result["msg"]


def test_throttled_engine_calls_are_retried(restored, data, run_module):
    client, _raw, _calls = restored
    data_client, stubber, data_calls = data
    stubber.add_client_error("get_engine_status", "TooManyRequestsException", http_status_code=429)
    stubber.add_response("get_engine_status", {"status": "healthy"})
    stubber.add_client_error("execute_open_cypher_query", "TooManyRequestsException", http_status_code=429)
    stubber.add_response("execute_open_cypher_query", {"results": [{"nodes": 42}]}, {"openCypherQuery": QUERY})
    result = run(run_module, client, data_client, data_check={"query": QUERY, "expected": [{"nodes": 42}]})
    assert result["passed"] is True, result
    assert data_calls == ["GetEngineStatus"] * 2 + ["ExecuteOpenCypherQuery"] * 2


def test_an_engine_that_stays_throttled_fails_its_check_with_awss_error(restored, data, run_module):
    client, _raw, _calls = restored
    data_client, stubber, data_calls = data
    for _attempt in range(4):  # FAST_RETRY: 4 attempts
        stubber.add_client_error("get_engine_status", "TooManyRequestsException", "Too many requests",
                                 http_status_code=429)
    result = run(run_module, client, data_client, data_check={})
    assert result["failed_check"] == "engine_status"
    assert by_name(result, "engine_status")["actual"].startswith("error: TooManyRequestsException")
    assert len(data_calls) == 4


def test_an_access_denied_engine_fails_engine_status_and_the_query_still_runs(restored, data, run_module):
    client, _raw, _calls = restored
    data_client, stubber, _data_calls = data
    stubber.add_client_error("get_engine_status", "AccessDeniedException", http_status_code=403)
    stubber.add_response("execute_open_cypher_query", {"results": [{"nodes": 42}]}, {"openCypherQuery": QUERY})
    result = run(run_module, client, data_client, data_check={"query": QUERY, "expected": [{"nodes": 42}]})
    assert result["failed_check"] == "engine_status"
    assert "AccessDeniedException" in by_name(result, "engine_status")["actual"]
    assert by_name(result, "query")["passed"] is True


def test_another_engine_version_than_asked_fails_engine_version(restored, data, run_module):
    client, _raw, _calls = restored
    result = run(run_module, client, data[0], engine_version="1.3.2.10")
    assert result["failed_check"] == "engine_version"
    assert by_name(result, "engine_version") == {"name": "engine_version", "passed": False, "expected": "1.3.2.10",
                                                 "actual": "1.3.2.1"}


def test_a_key_asked_for_on_a_cluster_left_unencrypted_fails_storage_encrypted(restored, data, run_module):
    client, _raw, _calls = restored
    key = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4444-8888-0123456789ab"
    result = run(run_module, client, data[0], kms_key_id=key)
    assert result["failed_check"] == "storage_encrypted"
    assert by_name(result, "kms_key_id") == {"name": "kms_key_id", "passed": False, "expected": key, "actual": None}


def test_a_key_alias_is_compared_as_the_key_arn_it_names(restored, data, run_module):
    client, _raw, _calls = restored
    kms = boto3.client("kms", region_name=REGION)
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName="alias/restore", TargetKeyId=key_arn)
    kms_calls = CallLog().attach(kms)
    result = run(run_module, client, data[0], kms=RetryingBotoClientWrapper(kms, FAST_RETRY), kms_key_id="alias/restore")
    assert kms_calls == ["DescribeKey"]
    assert by_name(result, "kms_key_id")["expected"] == key_arn
    unknown = run(run_module, client, data[0], kms=RetryingBotoClientWrapper(kms, FAST_RETRY), kms_key_id="alias/none")
    assert by_name(unknown, "kms_key_id")["expected"] is None and not by_name(unknown, "kms_key_id")["passed"]


def test_a_cluster_without_instances_fails_and_its_engine_is_not_asked(neptune, fake_time, data, run_module):
    client, raw, _calls = neptune
    with moto_patched.patched():
        raw.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="graph-nightly", DBClusterIdentifier="graph")
        raw.restore_db_cluster_from_snapshot(DBClusterIdentifier="restored", SnapshotIdentifier="graph-nightly",
                                             Engine="neptune")
        result = run(run_module, client, data[0], data_check={"query": QUERY, "expected": 1})
    assert result["failed_check"] == "instances_available"
    assert by_name(result, "instances_available")["actual"] == {}
    assert by_name(result, "engine_status")["actual"].startswith("not run")
    assert by_name(result, "query")["passed"] is False
    assert data[2] == []


def test_a_missing_cluster_fails_naming_it_with_every_key(restored, data, run_module):
    client, _raw, calls = restored
    result = run(run_module, client, data[0], db_cluster_identifier="nowhere")
    assert result["failed"] is True
    assert "Cluster 'nowhere' was not found" in result["msg"]
    assert result["failed_check"] == "cluster_available" and result["passed"] is False
    assert result["cluster"]["db_cluster_identifier"] is None
    assert calls == ["DescribeDBClusters"]


def test_a_missing_snapshot_fails_naming_it(restored, data, run_module):
    client, _raw, _calls = restored
    result = run(run_module, client, data[0], snapshot="no-such-snapshot")
    assert result["failed"] is True
    assert "Snapshot 'no-such-snapshot' was not found" in result["msg"]
    assert result["checks"] == [] and result["failed_check"] is None
    assert result["cluster"]["db_cluster_identifier"] == "restored"


def test_check_mode_makes_the_same_reads_marked_as_check_mode(restored, data, run_module):
    client, _raw, calls = restored
    data_client, stubber, _data_calls = data
    stubber.add_response("get_engine_status", {"status": "healthy"})
    result = run(run_module, client, data_client, check_mode=True, data_check={})
    assert result["passed"] is True, result
    assert calls == READS
    agents = {service: agent for service, _retry, _region, agent in run_module.client_requests}
    assert agents == {"neptune": "graphops.neptune/check-mode", "neptunedata": "graphops.neptune/check-mode"}


def test_return_documentation_matches_what_comes_back(restored, data, run_module):
    client, _raw, _calls = restored
    data_client, stubber, _data_calls = data
    stubber.add_response("get_engine_status", {"status": "healthy"})
    result = run(run_module, client, data_client, data_check={})
    documented = yaml.safe_load(module.RETURN)
    assert set(documented) == set(result) - {"changed", "invocation"}
    assert set(documented["cluster"]["contains"]) == set(result["cluster"])
    for entry in result["checks"]:
        assert set(documented["checks"]["contains"]) == set(entry)
    documented_names = [n for n in CLUSTER_CHECKS + ["engine_status", "query"]
                        if f"V({n})" in " ".join(documented["checks"]["description"])]
    assert documented_names == CLUSTER_CHECKS + ["engine_status", "query"]


@pytest.mark.parametrize("args, words", [
    ({"db_cluster_identifier": "1restored"}, ["'1restored'", "the first a letter"]),
    ({"db_cluster_identifier": "re--stored"}, ["'re--stored'", "no two consecutive hyphens"]),
    ({"snapshot": "bad_name"}, ["'bad_name'"]),
    ({"snapshot": "arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:x"}, ["'eu-west-1'"]),
    ({"data_check": {"query": QUERY}}, ["needs data_check.expected"]),
    ({"data_check": {"expected": 1}}, ["only used with data_check.query"]),
    ({"data_check": {"query": " ", "expected": 1}}, ["data_check.query is empty"]),
    ({"data_check": {"endpoint_url": "graph:8182"}}, ["'graph:8182'", "URL"]),
    ({"kms_key_id": ""}, ["kms_key_id is empty"]),
    ({"engine_version": ""}, ["engine_version is empty"]),
])
def test_bad_input_is_refused_before_any_call(stubbed, data, run_module, args, words):
    client, _stubber, calls = stubbed
    result = run(run_module, client, data[0], **args)
    assert result["failed"] is True
    for word in words:
        assert word in result["msg"]
    assert calls == [] and data[2] == []


def test_documented_options_are_the_argument_spec():
    documented = yaml.safe_load(module.DOCUMENTATION)["options"]
    assert set(documented) == set(module.ARGUMENT_SPEC)
    for name, spec in module.ARGUMENT_SPEC.items():
        assert documented[name]["type"] == spec["type"]
        assert documented[name].get("aliases") == spec.get("aliases")
    assert set(documented["data_check"]["suboptions"]) == set(module.ARGUMENT_SPEC["data_check"]["options"])
