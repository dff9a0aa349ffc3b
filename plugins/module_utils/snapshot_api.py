# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The calls to the Neptune API for cluster snapshots, one method a call.

Every failure is raised as AnsibleAWSError with a message that says what was
being done to what; the module passes it to fail_json_aws.
"""

from __future__ import annotations

import contextlib
import time

try:
    import botocore
    import botocore.config
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK.

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from .validation import is_automated

# Throttling and 5xx answers are retried with jittered backoff, on top of botocore's own
# five attempts: 5 x 6 tries over about half a minute before a task gives up.
RETRY_DECORATOR = AWSRetry.jittered_backoff(retries=5, delay=1, max_delay=15)
# Sent in the User-Agent of check-mode runs, so that CloudTrail (and our tests) can tell dry runs apart.
CHECK_MODE_USER_AGENT = "graphops.neptune/check-mode"
READ_PREFIXES = ("describe_", "list_")

NOT_FOUND_SNAPSHOT = "DBClusterSnapshotNotFoundFault"
# Every code the neptune and rds models list for "this snapshot is not there", by call: the snapshot
# calls answer DBClusterSnapshotNotFoundFault; the tag calls list DBSnapshotNotFoundFault, whose code
# on the wire is DBSnapshotNotFound.
SNAPSHOT_NOT_FOUND_CODES = (NOT_FOUND_SNAPSHOT, "DBSnapshotNotFound")
NOT_FOUND_CLUSTER = "DBClusterNotFoundFault"
BUSY_CLUSTER = "InvalidDBClusterStateFault"
ALREADY_EXISTS = "DBClusterSnapshotAlreadyExistsFault"
QUOTA_EXCEEDED = "SnapshotQuotaExceeded"
BAD_SNAPSHOT_STATE = "InvalidDBClusterSnapshotStateFault"
ERROR_HINTS = {
    QUOTA_EXCEEDED: "the manual DB cluster snapshot quota of this account and region is reached; "
    "delete old manual snapshots or ask AWS for a higher quota",
}
# The snapshot attribute that lists the accounts allowed to restore (share) it.
RESTORE_ATTRIBUTE = "restore"


def error_code(error: Exception) -> str | None:
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code")


@contextlib.contextmanager
def aws_call(
    description: str, missing_codes: tuple = (), exists_code: str | None = None, hints: dict | None = None
):
    """Turn SDK errors into AnsibleAWSError("Failed to <description>[: <hint>]").

    With missing_codes, those error codes mean "not there" and are left to the
    caller, which catches MissingResource; exists_code likewise raises
    SnapshotAppeared. hints add a sentence for error codes whose AWS message
    does not say what to do.
    """
    try:
        yield
    except is_boto3_error_code(missing_codes) as error:
        raise MissingResource() from error
    except is_boto3_error_code(exists_code or ()) as error:  # pylint: disable=duplicate-except
        raise SnapshotAppeared() from error
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:  # pylint: disable=duplicate-except
        hint = dict(ERROR_HINTS, **(hints or {})).get(error_code(error))
        message = f"Failed to {description}" + (f": {hint}" if hint else "")
        raise AnsibleAWSError(message=message, exception=error) from error


class MissingResource(Exception):
    pass


class SnapshotAppeared(Exception):
    """Create or copy found the snapshot there already: a concurrent run, or an answer lost and retried."""


class CheckModeWrite(Exception):
    """A write call was attempted in check mode; the read-only client refuses it."""


class ReadOnlyClient:
    """A client that only describes and lists: what check mode gets, so it cannot write by mistake."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        # meta is the client's model and configuration, not a call.
        if name != "meta" and not name.startswith(READ_PREFIXES):
            raise CheckModeWrite(f"check mode refused the write call {name}")
        return getattr(self._client, name)


def module_client(module, service: str, region: str | None = None, endpoint_url: str | None = None):
    """A client of the module's credentials: retrying, and in check mode read-only and marked in its User-Agent.

    Without region, of the module's region and endpoint. With region (another region), of that region and
    endpoint_url, never of the module's endpoint_url, which serves the module's region only (None: botocore's
    default endpoint of that region; see endpoints.py).
    """
    extra = {"region": region, "endpoint": endpoint_url} if region else {}
    if module.check_mode:
        extra["config"] = botocore.config.Config(user_agent_extra=CHECK_MODE_USER_AGENT)
    client = module.client(service, retry_decorator=RETRY_DECORATOR, **extra)
    return ReadOnlyClient(client) if module.check_mode else client


def connect(
    module, region: str | None = None, listing: bool = False, endpoint_url: str | None = None
) -> "NeptuneSnapshotApi":
    """The Neptune API of the module's region, or of region at endpoint_url: retrying, and read-only in check mode.

    With listing, the snapshot listing is read through an rds client of the same endpoint: Neptune
    is served by the RDS API, whose model keeps the TagList of each snapshot that Neptune's model drops.
    """
    client = module_client(module, "neptune", region, endpoint_url)
    listing_client = module_client(module, "rds", region, endpoint_url) if listing else None
    return NeptuneSnapshotApi(client, listing_client=listing_client)


def snapshot_facts(api_snapshot: dict) -> dict:
    """An API DBClusterSnapshot in snake_case, timestamps as ISO 8601 text."""
    return camel_dict_to_snake_dict(normalize_boto3_result(api_snapshot))


class NeptuneSnapshotApi:
    """The Neptune calls the snapshot modules make, through a retrying client.

    client is what AnsibleAWSModule.client("neptune", retry_decorator=RETRY_DECORATOR)
    returns: calls made with aws_retry=True are retried on throttling.
    """

    def __init__(self, client, clock=None, sleep=None, listing_client=None):
        self.client = client
        # Reads the DescribeDBClusterSnapshots pages of a listing (an rds client keeps their TagList).
        self.listing_client = listing_client or client
        # Looked up at run time so that tests can stand in a fake clock.
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep

    def _describe_snapshots(self, description: str, **request) -> list:
        try:
            with aws_call(description, missing_codes=SNAPSHOT_NOT_FOUND_CODES):
                response = self.client.describe_db_cluster_snapshots(aws_retry=True, **request)
        except MissingResource:
            return []
        return [snapshot_facts(api_snapshot) for api_snapshot in response.get("DBClusterSnapshots", [])]

    def describe_snapshot(self, snapshot_id: str) -> dict | None:
        """The snapshot's facts without tags, or None when there is none."""
        found = self._describe_snapshots(
            f"describe DB cluster snapshot {snapshot_id!r}", DBClusterSnapshotIdentifier=snapshot_id
        )
        return next((s for s in found if s["db_cluster_snapshot_identifier"].lower() == snapshot_id), None)

    def describe_source(self, source) -> dict | None:
        """The copy source's facts (a SnapshotSource), or None when it cannot be found."""
        description = f"describe the source DB cluster snapshot {source.reference!r}"
        # AWS finds an automated snapshot by its name or ARN only when asked for that type.
        request = {"SnapshotType": "automated"} if is_automated(source.identifier) else {}
        if source.arn is None:
            found = self._describe_snapshots(description, DBClusterSnapshotIdentifier=source.identifier, **request)
            return next((s for s in found if s["db_cluster_snapshot_identifier"].lower() == source.identifier), None)
        # A snapshot shared from another account is found by its ARN; one of this account by its name.
        by_arn = request or {"IncludeShared": True}  # automated snapshots are never shared
        found = self._describe_snapshots(description, DBClusterSnapshotIdentifier=source.arn, **by_arn)
        if not found:
            found = self._describe_snapshots(description, DBClusterSnapshotIdentifier=source.identifier, **request)
        return next((s for s in found if s.get("db_cluster_snapshot_arn", "").lower() == source.arn.lower()), None)

    def read_tags(self, snapshot: dict, gone_ok: bool = False) -> dict | None:
        """The snapshot's tags; with gone_ok, None when the snapshot is gone (any modelled not-found code)."""
        what = f"DB cluster snapshot {snapshot['db_cluster_snapshot_identifier']!r}"
        try:
            return self.read_resource_tags(
                snapshot["db_cluster_snapshot_arn"], what, SNAPSHOT_NOT_FOUND_CODES if gone_ok else ()
            )
        except MissingResource:
            return None

    def read_resource_tags(self, arn: str, what: str, missing_codes: tuple = ()) -> dict:
        with aws_call(f"list the tags of {what}", missing_codes=missing_codes):
            response = self.client.list_tags_for_resource(ResourceName=arn, aws_retry=True)
        return boto3_tag_list_to_ansible_dict(response.get("TagList", []))

    def read_shared_accounts(self, snapshot_id: str, gone_ok: bool = False) -> list | None:
        """The accounts (or 'all') allowed to restore the snapshot, sorted; with gone_ok, None when it is gone."""
        try:
            with aws_call(
                f"read the sharing of DB cluster snapshot {snapshot_id!r}",
                missing_codes=SNAPSHOT_NOT_FOUND_CODES if gone_ok else (),
            ):
                response = self.client.describe_db_cluster_snapshot_attributes(
                    DBClusterSnapshotIdentifier=snapshot_id, aws_retry=True
                )
        except MissingResource:
            return None
        attributes = response.get("DBClusterSnapshotAttributesResult", {}).get("DBClusterSnapshotAttributes", [])
        for attribute in attributes:
            if attribute.get("AttributeName") == RESTORE_ATTRIBUTE:
                return sorted(attribute.get("AttributeValues") or [])
        return []

    def describe_cluster(self, cluster_id: str, purpose: str) -> dict | None:
        """The DescribeDBClusters entry (CamelCase, normalized), or None when there is none."""
        try:
            with aws_call(f"describe DB cluster {cluster_id!r} {purpose}", missing_codes=(NOT_FOUND_CLUSTER,)):
                response = self.client.describe_db_clusters(DBClusterIdentifier=cluster_id, aws_retry=True)
        except MissingResource:
            return None
        for cluster in response.get("DBClusters", []):
            if cluster.get("DBClusterIdentifier", "").lower() == cluster_id:
                return normalize_boto3_result(cluster)
        return None

    def create_snapshot(self, snapshot_id: str, cluster_id: str, tags: dict | None, busy_hint: str) -> dict:
        """Create the snapshot with its tags in the same call; busy_hint says why a busy cluster was given up on."""
        request = {"DBClusterSnapshotIdentifier": snapshot_id, "DBClusterIdentifier": cluster_id}
        if tags:
            request["Tags"] = ansible_dict_to_boto3_tag_list(tags)
        description = f"create DB cluster snapshot {snapshot_id!r} of cluster {cluster_id!r}"
        with aws_call(description, exists_code=ALREADY_EXISTS, hints={BUSY_CLUSTER: busy_hint}):
            response = self.client.create_db_cluster_snapshot(aws_retry=True, **request)
        return snapshot_facts(response["DBClusterSnapshot"])

    def copy_snapshot(self, request) -> dict:
        """Copy request.source to request.snapshot_id, with KMS key, tags and source region as asked."""
        source = request.source
        call = {
            "SourceDBClusterSnapshotIdentifier": source.reference,
            "TargetDBClusterSnapshotIdentifier": request.snapshot_id,
        }
        if request.kms_key_id:
            call["KmsKeyId"] = request.kms_key_id
        if request.copy_tags:
            call["CopyTags"] = True
        if request.tags:
            call["Tags"] = ansible_dict_to_boto3_tag_list(request.tags)
        if source.region:
            # botocore turns SourceRegion into a PreSignedUrl for the source region (handlers.inject_presigned_url_rds;
            # at the source region's endpoint with a custom one: endpoints.presign_at); the neptune model calls
            # PreSignedUrl not supported: AWS finds the source by its ARN (docs/aws-fidelity.md).
            call["SourceRegion"] = source.region
        description = f"copy DB cluster snapshot {source.reference!r} to {request.snapshot_id!r}"
        with aws_call(description, exists_code=ALREADY_EXISTS):
            response = self.client.copy_db_cluster_snapshot(aws_retry=True, **call)
        return snapshot_facts(response["DBClusterSnapshot"])

    def modify_sharing(self, snapshot_id: str, to_add: list, to_remove: list) -> None:
        """Add and remove accounts allowed to restore the snapshot, in one call."""
        call = {"DBClusterSnapshotIdentifier": snapshot_id, "AttributeName": RESTORE_ATTRIBUTE}
        if to_add:
            call["ValuesToAdd"] = list(to_add)
        if to_remove:
            call["ValuesToRemove"] = list(to_remove)
        with aws_call(f"share DB cluster snapshot {snapshot_id!r} (add {to_add}, remove {to_remove})"):
            self.client.modify_db_cluster_snapshot_attribute(aws_retry=True, **call)

    def delete_snapshot(self, snapshot_id: str, status: str | None = None) -> None:
        # AWS only deletes available snapshots: say which status stood in the way.
        hint = f"its status was {status!r}; wait: true waits for it to become available first"
        try:
            with aws_call(
                f"delete DB cluster snapshot {snapshot_id!r}",
                missing_codes=SNAPSHOT_NOT_FOUND_CODES,
                hints={BAD_SNAPSHOT_STATE: hint} if status == "creating" else None,
            ):
                self.client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=snapshot_id, aws_retry=True)
        except MissingResource:
            pass  # Gone already: that is what was asked.

    def add_tags(self, snapshot: dict, tags: dict) -> None:
        with aws_call(f"add tags {sorted(tags)} to DB cluster snapshot {snapshot['db_cluster_snapshot_identifier']!r}"):
            self.client.add_tags_to_resource(
                ResourceName=snapshot["db_cluster_snapshot_arn"],
                Tags=ansible_dict_to_boto3_tag_list(tags),
                aws_retry=True,
            )

    def remove_tags(self, snapshot: dict, keys: list) -> None:
        with aws_call(f"remove tags {keys} from DB cluster snapshot {snapshot['db_cluster_snapshot_identifier']!r}"):
            self.client.remove_tags_from_resource(
                ResourceName=snapshot["db_cluster_snapshot_arn"], TagKeys=list(keys), aws_retry=True
            )
