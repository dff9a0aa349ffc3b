# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""restore_check: the checks of a restored cluster as pure functions of the snapshot, the cluster and the request."""

from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils import restore_check as rc
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

KEY = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-0000-4444-8888-0123456789ab"
OTHER_KEY = "arn:aws:kms:us-east-1:123456789012:key/99999999-0000-4444-8888-0123456789ab"
SNAPSHOT = {"engine": "neptune", "engine_version": "1.3.2.1", "storage_encrypted": True, "kms_key_id": KEY,
            "status": "available"}


def request(**params):
    return rc.build_check_request(dict({"db_cluster_identifier": "Restored", "snapshot": "graph-nightly"}, **params),
                                  "us-east-1")


def cluster(**more):
    return dict({"DBClusterIdentifier": "restored", "Status": "available", "Engine": "neptune",
                 "EngineVersion": "1.3.2.1", "StorageEncrypted": True, "KmsKeyId": KEY,
                 "Endpoint": "restored.cluster-c0ffee.us-east-1.neptune.amazonaws.com", "Port": 8182}, **more)


INSTANCES = [{"DBInstanceIdentifier": "restored-1", "DBInstanceStatus": "available"}]


def failed(checks):
    return [c["name"] for c in checks if not c["passed"]]


def test_a_cluster_restored_as_asked_passes_every_check():
    checks = rc.cluster_checks(request(), SNAPSHOT, cluster(), INSTANCES)
    assert [c["name"] for c in checks] == list(rc.CLUSTER_CHECKS)
    assert failed(checks) == []
    assert rc.outcome(checks) == (True, None)


@pytest.mark.parametrize("facts, instances, params, names", [
    ({"Status": "creating"}, INSTANCES, {}, ["cluster_available"]),
    ({}, [], {}, ["instances_available"]),
    ({}, INSTANCES + [{"DBInstanceIdentifier": "restored-2", "DBInstanceStatus": "creating"}], {},
     ["instances_available"]),
    ({"Engine": "aurora-postgresql"}, INSTANCES, {}, ["engine"]),
    ({"EngineVersion": "1.3.2.10"}, INSTANCES, {}, ["engine_version"]),
    ({"EngineVersion": "1.3.2"}, INSTANCES, {}, ["engine_version"]),
    ({}, INSTANCES, {"engine_version": "1.4.0.0"}, ["engine_version"]),
    ({"EngineVersion": "1.4.0.0"}, INSTANCES, {"engine_version": "1.4.0.0"}, []),
    ({"StorageEncrypted": False, "KmsKeyId": None}, INSTANCES, {}, ["storage_encrypted", "kms_key_id"]),
    ({"KmsKeyId": OTHER_KEY}, INSTANCES, {}, ["kms_key_id"]),
    ({"KmsKeyId": OTHER_KEY}, INSTANCES, {"kms_key_id": OTHER_KEY}, []),
    ({"KmsKeyId": OTHER_KEY}, INSTANCES, {"kms_key_id": "99999999-0000-4444-8888-0123456789ab"}, []),
    ({}, INSTANCES, {"kms_key_id": "99999999-0000-4444-8888-0123456789ab"}, ["kms_key_id"]),
])
def test_each_difference_fails_its_own_check(facts, instances, params, names):
    assert failed(rc.cluster_checks(request(**params), SNAPSHOT, cluster(**facts), instances)) == names


def test_an_unencrypted_snapshot_expects_no_key_and_ignores_a_placeholder():
    snapshot = dict(SNAPSHOT, storage_encrypted=False, kms_key_id="default_kms_key_id")
    facts = cluster(StorageEncrypted=False, KmsKeyId="default_kms_key_id")
    checks = rc.cluster_checks(request(), snapshot, facts, INSTANCES)
    assert failed(checks) == []
    assert checks[-1] == {"name": "kms_key_id", "passed": True, "expected": None, "actual": None}


def test_a_key_given_to_an_unencrypted_snapshot_expects_encryption_with_it():
    snapshot = dict(SNAPSHOT, storage_encrypted=False, kms_key_id=None)
    assert failed(rc.cluster_checks(request(kms_key_id=KEY), snapshot, cluster(), INSTANCES)) == []
    unencrypted = cluster(StorageEncrypted=False, KmsKeyId=None)
    assert failed(rc.cluster_checks(request(kms_key_id=KEY), snapshot, unencrypted, INSTANCES)) == [
        "storage_encrypted", "kms_key_id"]


@pytest.mark.parametrize("value, form", [
    (KEY, rc.KEY_ARN),
    ("0a1b2c3d-0000-4444-8888-0123456789ab", rc.KEY_ID),
    ("mrk-1234abcd12ab34cd56ef1234567890ab", rc.KEY_ID),
    ("alias/restore", rc.ALIAS),
    ("arn:aws:kms:us-east-1:123456789012:alias/restore", rc.ALIAS),
])
def test_kms_key_forms(value, form):
    assert rc.kms_key_form(value) == form


def test_an_alias_is_compared_as_the_key_arn_it_resolved_to():
    checks = rc.cluster_checks(request(kms_key_id="alias/restore"), SNAPSHOT, cluster(), INSTANCES, resolved_alias=KEY)
    assert checks[-1] == {"name": "kms_key_id", "passed": True, "expected": KEY, "actual": KEY}
    unresolved = rc.cluster_checks(request(kms_key_id="alias/restore"), SNAPSHOT, cluster(), INSTANCES)
    assert failed(unresolved) == ["kms_key_id"]


def test_data_checks_and_the_first_failure_named_in_the_message():
    data = rc.DataCheck(query="MATCH (n) RETURN count(n) AS n", expected=[{"n": 3}])
    checks = [rc.engine_status_check({"status": "unhealthy"}), rc.query_check(data, [{"n": 2}])]
    assert rc.outcome(checks) == (False, "engine_status")
    message = rc.failure_message(request(), checks)
    assert "failed check 'engine_status': expected 'healthy', actual 'unhealthy'" in message
    assert "also failed: query" in message
    assert rc.query_check(data, [{"n": 3.0}])["passed"] is True
    assert rc.engine_status_check(None, "TooManyRequestsException: slow down")["actual"].startswith("error: ")


def test_not_run_data_checks_fail_saying_why():
    data = rc.DataCheck(query="q", expected=1)
    assert rc.not_run(data, "the cluster is not available") == [
        {"name": "engine_status", "passed": False, "expected": "healthy", "actual": "not run: the cluster is not available"},
        {"name": "query", "passed": False, "expected": 1, "actual": "not run: the cluster is not available"},
    ]
    assert [c["name"] for c in rc.not_run(rc.DataCheck(), "x")] == ["engine_status"]


def test_the_data_endpoint_is_the_clusters_writer_unless_given():
    assert rc.data_endpoint(request(data_check={}), cluster()) == (
        "https://restored.cluster-c0ffee.us-east-1.neptune.amazonaws.com:8182")
    given = request(data_check={"endpoint_url": "http://127.0.0.1:9999/"})
    assert rc.data_endpoint(given, cluster()) == "http://127.0.0.1:9999"


def test_the_request_lowercases_the_cluster_and_takes_every_snapshot_form():
    assert request().cluster_id == "restored"
    for snapshot in ("rds:graph-2026-11-27-03-00", "awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453",
                     "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:graph-nightly"):
        assert request(snapshot=snapshot).snapshot.reference == snapshot


@pytest.mark.parametrize("params, words", [
    ({"data_check": {"query": "q"}}, ["needs data_check.expected"]),
    ({"data_check": {"expected": [1]}}, ["only used with data_check.query"]),
    ({"data_check": {"endpoint_url": "ftp://x"}}, ["'ftp://x'"]),
    ({"snapshot": "arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:x"}, ["'eu-west-1'", "copy it here"]),
    ({"db_cluster_identifier": "restored-"}, ["'restored-'", "no trailing hyphen"]),
])
def test_bad_input(params, words):
    with pytest.raises(InvalidInput) as error:
        request(**params)
    for word in words:
        assert word in str(error.value)
