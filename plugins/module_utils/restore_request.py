# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The request of neptune_cluster_restore, built from its parameters and checked before any AWS call."""

from __future__ import annotations

from dataclasses import dataclass

from .validation import AUTOMATED_PREFIX
from .validation import InvalidInput
from .validation import SnapshotSource
from .validation import normalize_identifier
from .validation import normalize_tags
from .validation import parse_source

# The tag the module puts on every cluster (and instance) it restores, naming the snapshot: it is how a later run
# knows the cluster is its own (state=absent deletes nothing else).
RESTORED_FROM_TAG = "graphops.neptune/restored-from"
# AWS refuses a tag value that starts with "rds:" (rds and neptune models, Tag.Value), as an automated snapshot's
# identifier does: the tag names it "automated:<the rest>", which no other reference can be (a manual identifier
# holds no ':', an ARN starts with "arn:", an AWS Backup one with "awsbackup:").
AUTOMATED_TAG_PREFIX = "automated:"
# A restore of real data takes tens of minutes (users report 40 and more): 90 minutes by default.
DEFAULT_WAIT_TIMEOUT = 5400
# Less than this cannot see even a small restore through: a restore of an empty cluster takes minutes.
MIN_WAIT_TIMEOUT = 60
# A Neptune cluster has one primary and up to 15 read replicas.
MAX_INSTANCES = 16
SERVERLESS_CLASS = "db.serverless"
# Neptune serverless capacity units: 1 to 128, in half steps (neptune model, ServerlessV2ScalingConfiguration).
NCU_RANGE = (1.0, 128.0)


@dataclass(frozen=True)
class RestoreRequest:
    cluster_id: str
    state: str = "present"
    snapshot: SnapshotSource | None = None
    instance_count: int = 1
    instance_class: str | None = None
    engine_version: str | None = None
    port: int | None = None
    db_subnet_group_name: str | None = None
    vpc_security_group_ids: tuple | None = None
    kms_key_id: str | None = None
    iam_auth: bool | None = None
    deletion_protection: bool = False
    serverless_v2_scaling: dict | None = None
    tags: dict | None = None
    skip_final_snapshot: bool | None = None
    final_snapshot_id: str | None = None
    wait: bool = True
    wait_timeout: int = DEFAULT_WAIT_TIMEOUT

    @property
    def restored_from(self) -> str | None:
        """The value of the restored-from tag this request gives a cluster: the snapshot as AWS finds it."""
        return None if self.snapshot is None else restored_from_value(self.snapshot.reference)

    @property
    def instance_ids(self) -> list:
        """The identifiers of the instances the cluster is to have: <cluster>-1, <cluster>-2, ..."""
        return [instance_id(self.cluster_id, number) for number in range(1, self.instance_count + 1)]


def restored_from_value(reference: str) -> str:
    """The restored-from tag's value for a snapshot reference (an identifier or an ARN, as AWS finds it)."""
    if reference.startswith(AUTOMATED_PREFIX):
        return AUTOMATED_TAG_PREFIX + reference[len(AUTOMATED_PREFIX):]
    return reference


def instance_id(cluster_id: str, number: int) -> str:
    return f"{cluster_id}-{number}"


def _check_wait_timeout(value) -> int:
    if value < MIN_WAIT_TIMEOUT:
        raise InvalidInput(
            f"wait_timeout {value!r} is invalid: it must be at least {MIN_WAIT_TIMEOUT} seconds (a restore takes "
            f"minutes, often 40 and more; the default is {DEFAULT_WAIT_TIMEOUT})"
        )
    return value


def _check_instances(count, instance_class, scaling) -> None:
    if not 0 <= count <= MAX_INSTANCES:
        raise InvalidInput(
            f"instance_count {count!r} is invalid: a Neptune cluster has 0 to {MAX_INSTANCES} instances "
            "(one primary, up to 15 read replicas)"
        )
    if count and not instance_class:
        raise InvalidInput(
            f"instance_class is required with instance_count {count}: give {SERVERLESS_CLASS!r} or a provisioned "
            "class such as 'db.r6g.large' (or instance_count: 0 for a cluster without instances)"
        )
    if instance_class is not None and not instance_class.startswith("db."):
        raise InvalidInput(f"instance_class {instance_class!r} is invalid: Neptune instance classes start with 'db.'")
    if count and instance_class == SERVERLESS_CLASS and scaling is None:
        raise InvalidInput(
            f"instance_class {SERVERLESS_CLASS!r} needs serverless_v2_scaling (min_capacity, max_capacity): "
            "AWS makes serverless instances only in a cluster that has a capacity range"
        )


def _check_scaling(scaling) -> dict | None:
    if scaling is None:
        return None
    low, high = NCU_RANGE
    minimum, maximum = scaling.get("min_capacity"), scaling.get("max_capacity")
    for name, value in (("min_capacity", minimum), ("max_capacity", maximum)):
        if value is None or not low <= value <= high or (value * 2) != int(value * 2):
            raise InvalidInput(
                f"serverless_v2_scaling.{name} {value!r} is invalid: it must be {low:g} to {high:g} "
                "Neptune capacity units, in half steps (such as 1, 2.5, 8)"
            )
    if minimum > maximum:
        raise InvalidInput(
            f"serverless_v2_scaling.min_capacity {minimum!r} is more than max_capacity {maximum!r}"
        )
    return {"MinCapacity": float(minimum), "MaxCapacity": float(maximum)}


def _check_final_snapshot(params: dict, cluster_id: str):
    """state=absent must say what becomes of the data: skip_final_snapshot, or a final snapshot's name."""
    skip, final = params.get("skip_final_snapshot"), params.get("final_snapshot_identifier")
    if params.get("state") != "absent":
        if skip is not None or final is not None:
            raise InvalidInput("skip_final_snapshot and final_snapshot_identifier are only used with state=absent")
        return None, None
    if final is not None:
        if skip:
            raise InvalidInput(
                f"final_snapshot_identifier {final!r} and skip_final_snapshot true contradict each other: "
                "give one of them"
            )
        return False, normalize_identifier(final, "final_snapshot_identifier")
    if skip is None:
        raise InvalidInput(
            f"state=absent deletes cluster {cluster_id!r}: say what becomes of its data, with skip_final_snapshot: "
            "true (no final snapshot) or final_snapshot_identifier (AWS keeps a final snapshot of that name)"
        )
    if not skip:
        raise InvalidInput(
            "skip_final_snapshot false needs final_snapshot_identifier: AWS takes a final snapshot only under a name"
        )
    return True, None


def parse_restore_snapshot(snapshot, region: str | None) -> SnapshotSource:
    """The snapshot to restore (identifier, rds:..., awsbackup:job-..., or an ARN), which must be of this region."""
    source = parse_source(snapshot, None, region)
    if source.region is not None:
        raise InvalidInput(
            f"snapshot {snapshot!r} is in region {source.region!r}: AWS restores snapshots of this region "
            f"({region!r}) only; copy it here first (graphops.neptune.neptune_cluster_snapshot)"
        )
    return source


def build_request(params: dict, region: str | None = None) -> RestoreRequest:
    """Validate the module's parameters; raises InvalidInput before any AWS call."""
    cluster_id = normalize_identifier(params["db_cluster_identifier"], "db_cluster_identifier")
    state = params.get("state", "present")
    snapshot = params.get("snapshot")
    if state == "present" and snapshot is None:
        raise InvalidInput("snapshot is required with state=present: name the snapshot to restore")
    source = parse_restore_snapshot(snapshot, region) if snapshot is not None else None
    count = params.get("instance_count", 1)
    instance_class = params.get("instance_class")
    scaling = _check_scaling(params.get("serverless_v2_scaling"))
    if state == "present":
        _check_instances(count, instance_class, params.get("serverless_v2_scaling"))
        if count:
            normalize_identifier(instance_id(cluster_id, count), "the instance identifier made from db_cluster_identifier")
    tags = normalize_tags(params.get("tags"))
    if tags and any(key.lower() == RESTORED_FROM_TAG for key in tags):
        raise InvalidInput(f"tags must not set {RESTORED_FROM_TAG!r}: the module sets it to the snapshot restored")
    skip, final = _check_final_snapshot(params, cluster_id)
    port = params.get("port")
    if port is not None and not 1150 <= port <= 65535:
        raise InvalidInput(f"port {port!r} is invalid: it must be 1150 to 65535")
    groups = params.get("vpc_security_group_ids")
    return RestoreRequest(
        cluster_id=cluster_id,
        state=state,
        snapshot=source,
        instance_count=count,
        instance_class=instance_class,
        engine_version=params.get("engine_version"),
        port=port,
        db_subnet_group_name=params.get("db_subnet_group_name"),
        vpc_security_group_ids=None if groups is None else tuple(groups),
        kms_key_id=params.get("kms_key_id"),
        iam_auth=params.get("enable_iam_database_authentication"),
        deletion_protection=params.get("deletion_protection", False),
        serverless_v2_scaling=scaling,
        tags=tags,
        skip_final_snapshot=skip,
        final_snapshot_id=final,
        wait=params.get("wait", True),
        wait_timeout=_check_wait_timeout(params.get("wait_timeout", DEFAULT_WAIT_TIMEOUT)),
    )
