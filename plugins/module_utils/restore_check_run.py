# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read, then check: the flow of neptune_restore_check. It only reads, in check mode too.

Reads: the cluster, the snapshot, the cluster's instances (3 calls), kms:DescribeKey when the restore's key was
given as an alias, and with data_check GetEngineStatus and the query, only once the cluster and its instances are
available (the engine of a cluster that does not serve cannot answer).
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from .restore_check import ALIAS
from .restore_check import CLUSTER_AVAILABLE
from .restore_check import check
from .restore_check import cluster_checks
from .restore_check import cluster_summary
from .restore_check import data_endpoint
from .restore_check import engine_status_check
from .restore_check import not_run
from .restore_check import outcome
from .restore_check import query_check
from .restore_check import serving
from .snapshot_api import MissingResource
from .snapshot_api import aws_call
from .snapshot_api import error_code
from .statuses import AVAILABLE


# kms model, DescribeKey: the key or alias is not there.
KMS_NOT_FOUND = "NotFoundException"


class CheckRefused(Exception):
    """What is to be checked is not there; the result so far goes with it."""

    def __init__(self, message: str, result: dict):
        super().__init__(message)
        self.result = result


def error_text(error: AnsibleAWSError) -> str:
    """An AWS error as a check's actual value: its code and AWS's own words (neptunedata: detailedMessage)."""
    cause = error.exception
    response = getattr(cause, "response", None) or {}
    words = response.get("detailedMessage") or response.get("Error", {}).get("Message") or str(cause)
    code = error_code(cause)
    return f"{code}: {words}" if code else words


def resolve_alias(kms_client, alias: str) -> str | None:
    """The ARN of the key an alias names now (kms:DescribeKey), or None when no key has that alias."""
    try:
        with aws_call(f"describe the KMS key of {alias!r}", missing_codes=(KMS_NOT_FOUND,)):
            return kms_client.describe_key(KeyId=alias, aws_retry=True)["KeyMetadata"]["Arn"]
    except MissingResource:
        return None


def data_checks(data_api, data_check) -> list:
    """GetEngineStatus, then the query: each call's failure (after its retries) fails its own check."""
    try:
        checks = [engine_status_check(data_api.engine_status())]
    except AnsibleAWSError as error:
        checks = [engine_status_check(None, error_text(error))]
    if data_check.query is not None:
        try:
            checks.append(query_check(data_check, data_api.open_cypher(data_check.query)))
        except AnsibleAWSError as error:
            checks.append(query_check(data_check, None, error_text(error)))
    return checks


def result(checks: list, cluster: dict | None, seconds: float) -> dict:
    passed, failed_check = outcome(checks) if checks else (False, None)
    return {"passed": passed, "failed_check": failed_check, "checks": checks, "seconds": round(seconds, 3),
            "cluster": cluster_summary(cluster)}


def check_restore(api, request, data_api_for, kms_client_for=None) -> dict:
    """The module's result. data_api_for(endpoint_url) gives a NeptuneDataApi; kms_client_for() a KMS client.
    Raises CheckRefused (with the result) when the cluster or the snapshot is not there."""
    started = api.clock()
    cluster = api.describe_cluster(request.cluster_id, "to check it")
    if cluster is None:
        missing = [check(CLUSTER_AVAILABLE, AVAILABLE, None)]
        raise CheckRefused(f"Cluster {request.cluster_id!r} was not found: nothing to check",
                           result(missing, None, api.clock() - started))
    snapshot = api.describe_source(request.snapshot)
    if snapshot is None:
        raise CheckRefused(
            f"Snapshot {request.snapshot.reference!r} was not found: the cluster cannot be checked against it",
            result([], cluster, api.clock() - started))
    instances = api.describe_instances(request.cluster_id)
    resolved = resolve_alias(kms_client_for(), request.kms_key_id) if request.kms_key_form == ALIAS else None
    checks = cluster_checks(request, snapshot, cluster, instances, resolved)
    data_check = request.data_check
    if data_check is not None:
        if serving(checks):
            checks += data_checks(data_api_for(data_endpoint(request, cluster)), data_check)
        else:
            checks += not_run(data_check, "the cluster or its instances are not available")
    return result(checks, cluster, api.clock() - started)
