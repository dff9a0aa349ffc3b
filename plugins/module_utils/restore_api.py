# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The calls to the Neptune API that restore a cluster and tear it down, one method a call.

Every failure is raised as AnsibleAWSError with a message that says what was being done to what; the module passes
it to fail_json_aws. Cluster and instance answers are kept as AWS gives them (CamelCase, timestamps as text).
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.botocore import normalize_boto3_result
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from .snapshot_api import MissingResource
from .snapshot_api import NOT_FOUND_CLUSTER
from .snapshot_api import NeptuneSnapshotApi
from .snapshot_api import aws_call
from .statuses import NEPTUNE_ENGINE

CLUSTER_EXISTS = "DBClusterAlreadyExistsFault"
INSTANCE_EXISTS = "DBInstanceAlreadyExists"
INSTANCE_NOT_FOUND = "DBInstanceNotFound"
INSTANCE_BUSY = "InvalidDBInstanceState"
SUBNET_GROUP_NOT_FOUND = "DBSubnetGroupNotFoundFault"
KMS_KEY_NOT_ACCESSIBLE = "KMSKeyNotAccessibleFault"


def restore_hints(request) -> dict:
    """Sentences naming the value AWS refused a restore for, where AWS's own message may not (nothing was made)."""
    key = f"kms_key_id {request.kms_key_id!r}" if request.kms_key_id else "the snapshot's KMS key"
    return {
        SUBNET_GROUP_NOT_FOUND: f"db_subnet_group_name {request.db_subnet_group_name!r} was not found in this region "
                                "(nothing was made)",
        KMS_KEY_NOT_ACCESSIBLE: f"{key} cannot be used: it is not there, disabled, or the caller may not use it "
                                "(kms:CreateGrant, kms:DescribeKey on the key; nothing was made)",
    }


class AlreadyThere(Exception):
    """A restore or an instance create found its resource there already (a concurrent run, or a lost answer that
    botocore resent)."""


class NeptuneRestoreApi(NeptuneSnapshotApi):
    """The snapshot API's reads (the snapshot to restore, tags), and the calls of a restore and its teardown."""

    def describe_cluster_or_none(self, cluster_id: str) -> dict | None:
        return self.describe_cluster(cluster_id, "to restore or delete it")

    def cluster_tags(self, cluster: dict) -> dict:
        return self.read_resource_tags(cluster["DBClusterArn"], f"DB cluster {cluster['DBClusterIdentifier']!r}")

    def describe_instances(self, cluster_id: str) -> list:
        """The cluster's instances (one call: a filter on the cluster), sorted by identifier."""
        with aws_call(f"describe the DB instances of cluster {cluster_id!r}"):
            response = self.client.describe_db_instances(
                Filters=[{"Name": "db-cluster-id", "Values": [cluster_id]}], aws_retry=True
            )
        instances = [normalize_boto3_result(i) for i in response.get("DBInstances", [])]
        return sorted(
            (i for i in instances if (i.get("DBClusterIdentifier") or "").lower() == cluster_id),
            key=lambda i: i["DBInstanceIdentifier"],
        )

    def restore(self, request, tags: dict) -> dict:
        """RestoreDBClusterFromSnapshot with Engine neptune and every option the task gives; DeletionProtection
        always sent, so the source cluster's never carries over."""
        call = {
            "DBClusterIdentifier": request.cluster_id,
            "SnapshotIdentifier": request.snapshot.reference,
            "Engine": NEPTUNE_ENGINE,
            "DeletionProtection": request.deletion_protection,
            "Tags": ansible_dict_to_boto3_tag_list(tags),
        }
        optional = {
            "EngineVersion": request.engine_version,
            "Port": request.port,
            "DBSubnetGroupName": request.db_subnet_group_name,
            "VpcSecurityGroupIds": None if request.vpc_security_group_ids is None else list(request.vpc_security_group_ids),
            "KmsKeyId": request.kms_key_id,
            "EnableIAMDatabaseAuthentication": request.iam_auth,
            "ServerlessV2ScalingConfiguration": request.serverless_v2_scaling,
        }
        call.update((key, value) for key, value in optional.items() if value is not None)
        description = f"restore DB cluster {request.cluster_id!r} from snapshot {request.snapshot.reference!r}"
        try:
            with aws_call(description, missing_codes=(CLUSTER_EXISTS,), hints=restore_hints(request)):
                response = self.client.restore_db_cluster_from_snapshot(aws_retry=True, **call)
        except MissingResource:  # here: the cluster is there already
            raise AlreadyThere() from None
        return normalize_boto3_result(response["DBCluster"])

    def create_instance(self, request, instance_id: str, tags: dict) -> dict:
        description = f"create DB instance {instance_id!r} ({request.instance_class}) in cluster {request.cluster_id!r}"
        try:
            with aws_call(description, missing_codes=(INSTANCE_EXISTS,)):
                response = self.client.create_db_instance(
                    DBInstanceIdentifier=instance_id,
                    DBInstanceClass=request.instance_class,
                    Engine=NEPTUNE_ENGINE,
                    DBClusterIdentifier=request.cluster_id,
                    Tags=ansible_dict_to_boto3_tag_list(tags),
                    aws_retry=True,
                )
        except MissingResource:  # here: the instance is there already
            raise AlreadyThere() from None
        return normalize_boto3_result(response["DBInstance"])

    def delete_instance(self, instance_id: str) -> None:
        """Delete an instance of the cluster; one already gone is not an error."""
        try:
            with aws_call(f"delete DB instance {instance_id!r}", missing_codes=(INSTANCE_NOT_FOUND,)):
                self.client.delete_db_instance(DBInstanceIdentifier=instance_id, aws_retry=True)
        except MissingResource:
            pass

    def unprotect(self, cluster_id: str) -> None:
        with aws_call(f"turn off the deletion protection of DB cluster {cluster_id!r}"):
            self.client.modify_db_cluster(
                DBClusterIdentifier=cluster_id, DeletionProtection=False, ApplyImmediately=True, aws_retry=True
            )

    def delete_cluster(self, request) -> None:
        """DeleteDBCluster, skipping the final snapshot or naming it as the task says; one gone is not an error."""
        call = {"DBClusterIdentifier": request.cluster_id}
        if request.final_snapshot_id:
            call["FinalDBSnapshotIdentifier"] = request.final_snapshot_id
        else:
            call["SkipFinalSnapshot"] = True
        try:
            with aws_call(f"delete DB cluster {request.cluster_id!r}", missing_codes=(NOT_FOUND_CLUSTER,)):
                self.client.delete_db_cluster(aws_retry=True, **call)
        except MissingResource:
            pass
