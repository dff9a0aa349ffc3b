# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The checks of a restored cluster against its snapshot, as plain data.

Nothing here talks to AWS: the flow (restore_check_run.py) reads the cluster, its instances and the snapshot, and
the engine's answers, and this file turns them into a list of checks {name, passed, expected, actual}. The
expectations are those of a restore: the facts restore_plan.predicted_cluster gives a cluster restored from the
snapshot with the engine version and KMS key the restore asked for.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from typing import Any

from .restore_plan import predicted_cluster
from .restore_request import RestoreRequest
from .restore_request import parse_restore_snapshot
from .statuses import AVAILABLE
from .validation import InvalidInput
from .validation import SnapshotSource
from .validation import normalize_identifier

CLUSTER_AVAILABLE = "cluster_available"
INSTANCES_AVAILABLE = "instances_available"
ENGINE = "engine"
ENGINE_VERSION = "engine_version"
STORAGE_ENCRYPTED = "storage_encrypted"
KMS_KEY_ID = "kms_key_id"
ENGINE_STATUS = "engine_status"
QUERY = "query"
CLUSTER_CHECKS = (CLUSTER_AVAILABLE, INSTANCES_AVAILABLE, ENGINE, ENGINE_VERSION, STORAGE_ENCRYPTED, KMS_KEY_ID)
DATA_CHECKS = (ENGINE_STATUS, QUERY)
# GetEngineStatus's `status` of an engine that serves (neptunedata model, GetEngineStatusOutput.status).
HEALTHY = "healthy"

# AWS reports a cluster's KmsKeyId as the key's ARN; a restore may have been given the key's ARN, its ID, an
# alias ARN or an alias name (the neptune model, RestoreDBClusterFromSnapshotMessage.KmsKeyId).
_KEY_ARN = re.compile(r"arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(?P<key_id>[^/]+)")
_ALIAS = re.compile(r"(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:)?alias/.+")
KEY_ARN, KEY_ID, ALIAS = "key-arn", "key-id", "alias"


@dataclass(frozen=True)
class DataCheck:
    endpoint_url: str | None = None
    query: str | None = None
    expected: Any = None


@dataclass(frozen=True)
class CheckRequest:
    cluster_id: str
    snapshot: SnapshotSource
    engine_version: str | None = None
    kms_key_id: str | None = None
    data_check: DataCheck | None = None

    @property
    def kms_key_form(self) -> str | None:
        return None if self.kms_key_id is None else kms_key_form(self.kms_key_id)


def kms_key_form(value: str) -> str:
    """KEY_ARN, ALIAS (a name or an ARN), or KEY_ID (anything else: a key ID, or a multi-Region key's mrk-...)."""
    if _KEY_ARN.fullmatch(value):
        return KEY_ARN
    if _ALIAS.fullmatch(value):
        return ALIAS
    return KEY_ID


def _check_endpoint_url(value: str) -> str:
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            f"data_check.endpoint_url {value!r} is invalid: give the URL of the cluster's endpoint, such as "
            "https://graph-restored.cluster-c0ffee.us-east-1.neptune.amazonaws.com:8182"
        )
    return value.rstrip("/")


def _build_data_check(data_check) -> DataCheck | None:
    if data_check is None:
        return None
    query, expected = data_check.get("query"), data_check.get("expected")
    if query is not None and not query.strip():
        raise InvalidInput("data_check.query is empty: give an openCypher query, such as 'MATCH (n) RETURN count(n) AS n'")
    if query is not None and expected is None:
        raise InvalidInput(
            f"data_check.query {query!r} needs data_check.expected: the value the query's `results` must equal "
            "(for 'MATCH (n) RETURN count(n) AS n': [{'n': 42}])"
        )
    if query is None and expected is not None:
        raise InvalidInput("data_check.expected is only used with data_check.query")
    endpoint_url = data_check.get("endpoint_url")
    return DataCheck(
        endpoint_url=None if endpoint_url is None else _check_endpoint_url(endpoint_url),
        query=query,
        expected=expected,
    )


def build_check_request(params: dict, region: str | None = None) -> CheckRequest:
    """Validate the module's parameters; raises InvalidInput before any AWS call."""
    kms_key_id = params.get("kms_key_id")
    if kms_key_id is not None and not kms_key_id.strip():
        raise InvalidInput("kms_key_id is empty: give the key ARN, key ID, alias ARN or alias name the restore used")
    engine_version = params.get("engine_version")
    if engine_version is not None and not engine_version.strip():
        raise InvalidInput("engine_version is empty: give the engine version the restore asked for, or leave it out")
    return CheckRequest(
        cluster_id=normalize_identifier(params["db_cluster_identifier"], "db_cluster_identifier"),
        snapshot=parse_restore_snapshot(params["snapshot"], region),
        engine_version=engine_version,
        kms_key_id=kms_key_id,
        data_check=_build_data_check(params.get("data_check")),
    )


def check(name: str, expected, actual, passed: bool | None = None) -> dict:
    """One check; passed defaults to expected == actual."""
    return {"name": name, "passed": expected == actual if passed is None else passed, "expected": expected,
            "actual": actual}


def expected_cluster(request: CheckRequest, snapshot: dict) -> dict:
    """The engine, engine version, encryption and key of a cluster restored from snapshot as the request says."""
    restore = RestoreRequest(cluster_id=request.cluster_id, snapshot=request.snapshot,
                             engine_version=request.engine_version, kms_key_id=request.kms_key_id)
    predicted = predicted_cluster(restore, snapshot)
    return {
        ENGINE: predicted["Engine"],
        ENGINE_VERSION: predicted.get("EngineVersion"),
        STORAGE_ENCRYPTED: predicted["StorageEncrypted"],
        KMS_KEY_ID: predicted.get("KmsKeyId"),
    }


def _kms_check(request: CheckRequest, expected_key: str | None, actual_key: str | None,
               resolved_alias: str | None) -> dict:
    """The key as AWS reports it (an ARN) against the restore's: an ARN compared whole; a key ID with the key ID
    in the reported ARN; an alias through the key ARN it named when checked (resolved_alias, kms:DescribeKey)."""
    if expected_key is None or request.kms_key_form in (None, KEY_ARN):
        return check(KMS_KEY_ID, expected_key, actual_key)
    if request.kms_key_form == ALIAS:
        return check(KMS_KEY_ID, resolved_alias, actual_key, passed=resolved_alias is not None and actual_key == resolved_alias)
    match = _KEY_ARN.fullmatch(actual_key or "")
    return check(KMS_KEY_ID, expected_key, actual_key, passed=bool(match) and match["key_id"] == expected_key)


def _instances_check(instances: list) -> dict:
    statuses = {i["DBInstanceIdentifier"]: i.get("DBInstanceStatus") for i in instances}
    passed = bool(statuses) and all(status == AVAILABLE for status in statuses.values())
    return check(INSTANCES_AVAILABLE, AVAILABLE, statuses, passed=passed)


def cluster_checks(request: CheckRequest, snapshot: dict, cluster: dict, instances: list,
                   resolved_alias: str | None = None) -> list:
    """The checks of the cluster (DescribeDBClusters' entry) and its instances against the snapshot (snake_case
    facts); resolved_alias is the key ARN of request.kms_key_id when that is an alias."""
    expected = expected_cluster(request, snapshot)
    return [
        check(CLUSTER_AVAILABLE, AVAILABLE, cluster.get("Status")),
        _instances_check(instances),
        check(ENGINE, expected[ENGINE], cluster.get("Engine")),
        check(ENGINE_VERSION, expected[ENGINE_VERSION], cluster.get("EngineVersion")),
        check(STORAGE_ENCRYPTED, expected[STORAGE_ENCRYPTED], bool(cluster.get("StorageEncrypted"))),
        # The key of a cluster that is not encrypted means nothing (moto reports a placeholder there).
        _kms_check(request, expected[KMS_KEY_ID], cluster.get("KmsKeyId") if cluster.get("StorageEncrypted") else None,
                   resolved_alias),
    ]


def serving(checks: list) -> bool:
    """Whether the cluster and its instances are available, so that the engine can be asked."""
    return all(c["passed"] for c in checks if c["name"] in (CLUSTER_AVAILABLE, INSTANCES_AVAILABLE))


def data_check_names(data_check: DataCheck) -> list:
    return [ENGINE_STATUS] + ([QUERY] if data_check.query is not None else [])


def expected_data(data_check: DataCheck, name: str):
    return HEALTHY if name == ENGINE_STATUS else data_check.expected


def not_run(data_check: DataCheck, reason: str) -> list:
    """The data checks, failed without asking the engine (the cluster does not serve)."""
    return [check(name, expected_data(data_check, name), f"not run: {reason}", passed=False)
            for name in data_check_names(data_check)]


def engine_status_check(answer: dict | None, error: str | None = None) -> dict:
    """GetEngineStatus must answer status healthy; an error (after the retries) fails the check, saying it."""
    actual = f"error: {error}" if error is not None else (answer or {}).get("status")
    return check(ENGINE_STATUS, HEALTHY, actual)


def query_check(data_check: DataCheck, results, error: str | None = None) -> dict:
    """The query's `results` must equal expected, as JSON values (1 == 1.0, as JSON compares them)."""
    if error is not None:
        return check(QUERY, data_check.expected, f"error: {error}", passed=False)
    return check(QUERY, data_check.expected, results)


def data_endpoint(request: CheckRequest, cluster: dict) -> str:
    """data_check.endpoint_url, or the cluster's writer endpoint: https://<Endpoint>:<Port>."""
    if request.data_check.endpoint_url:
        return request.data_check.endpoint_url
    return f"https://{cluster.get('Endpoint')}:{cluster.get('Port')}"


def outcome(checks: list) -> tuple:
    """(passed, the name of the first failed check or None)."""
    failed = next((c for c in checks if not c["passed"]), None)
    return failed is None, None if failed is None else failed["name"]


def failure_message(request: CheckRequest, checks: list) -> str:
    failed = [c for c in checks if not c["passed"]]
    first = failed[0]
    message = (
        f"Cluster {request.cluster_id!r} restored from {request.snapshot.reference!r} failed check "
        f"{first['name']!r}: expected {first['expected']!r}, actual {first['actual']!r}"
    )
    if len(failed) > 1:
        message += "; also failed: " + ", ".join(c["name"] for c in failed[1:])
    return message


def cluster_summary(cluster: dict | None) -> dict:
    """The facts the result reports of the cluster (None for what AWS does not report)."""
    cluster = cluster or {}
    return {
        "db_cluster_identifier": cluster.get("DBClusterIdentifier"),
        "status": cluster.get("Status"),
        "engine": cluster.get("Engine"),
        "engine_version": cluster.get("EngineVersion"),
        "storage_encrypted": cluster.get("StorageEncrypted"),
        "kms_key_id": cluster.get("KmsKeyId") if cluster.get("StorageEncrypted") else None,
        "endpoint": cluster.get("Endpoint"),
        "port": cluster.get("Port"),
    }
