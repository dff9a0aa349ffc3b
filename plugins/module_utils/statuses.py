# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The values AWS reports on snapshots and clusters that the modules act on: the engine, the snapshot types,
and the statuses, sorted by what the modules do about them.

AWS adds statuses over time, so anything not listed here is treated as "not there yet": a snapshot in
an unknown status is polled until wait_timeout, as botocore's own waiter does.
"""

from __future__ import annotations

# The shared RDS endpoint also answers with other engines' clusters and snapshots.
NEPTUNE_ENGINE = "neptune"


def neptune_engine_filters() -> list:
    """The Filters of a DescribeDBClusterSnapshots or DescribeDBClusters request for Neptune's only.

    The rds model documents the `engine` filter for both calls ("Accepts names of database engines"); the
    neptune model documents it for DescribeDBClusters and calls DescribeDBClusterSnapshots' Filters "not
    currently supported", so the listings send it through an rds client. Whoever answers, the callers still
    keep only the answers whose Engine is neptune. A new list each call: botocore requests are not shared.
    """
    return [{"Name": "engine", "Values": [NEPTUNE_ENGINE]}]


MANUAL = "manual"
AUTOMATED = "automated"
SNAPSHOT_TYPES = (AUTOMATED, MANUAL, "shared", "public")

AVAILABLE = "available"
CREATING = "creating"
COPYING = "copying"
DELETING = "deleting"
FAILED = "failed"

# botocore's DBClusterSnapshotAvailable waiter (data/rds/2014-10-31/waiters-2.json) fails on these and
# keeps polling on any other status: a snapshot in one of them will never become available. The list is the
# DB-instance waiters' (DBInstanceAvailable); the rds model documents only available, copying and creating for
# a cluster snapshot, so the incompatible-* ones may never occur (docs/aws-fidelity.md, point 2).
SNAPSHOT_FAILURE_STATUSES = ("deleted", "deleting", "failed", "incompatible-restore", "incompatible-parameters")

# DB cluster statuses, from the Aurora user guide's "DB cluster status" table (Aurora.Status.html; Neptune
# clusters are served by the same RDS control plane and report the same values), the DocumentDB guide's
# cluster status table, and the AWS knowledge-center article on inaccessible encryption states.
#
# Statuses a cluster leaves by itself: AWS refuses a snapshot meanwhile (InvalidDBClusterStateFault), and
# the create is retried until wait_timeout.
CLUSTER_STATUSES_THAT_PASS = (
    "backing-up",
    "backtracking",
    "creating",
    "failing-over",
    "maintenance",
    "migrating",
    "modifying",
    "promoting",
    "renaming",
    "resetting-master-credentials",
    "starting",
    "storage-optimization",
    "update-iam-db-auth",
    "upgrading",
)
# Statuses a cluster stays in (or ends in) until someone acts: refused at once, no use retrying.
CLUSTER_STATUSES_THAT_STAY = (
    "stopped",
    "stopping",  # ends stopped
    "deleting",
    "cloning-failed",
    "migration-failed",
    "inaccessible-encryption-credentials",
    "inaccessible-encryption-credentials-recoverable",  # needs the KMS key back and a start
    "failed",
)
# incompatible-parameters, incompatible-restore, incompatible-network...: none passes by itself.
CLUSTER_STATUS_PREFIXES_THAT_STAY = ("incompatible-",)


def cluster_status_stays(status: str | None) -> bool:
    """True for a cluster status that will not pass by itself (a snapshot would wait for nothing)."""
    return bool(status) and (status in CLUSTER_STATUSES_THAT_STAY or status.startswith(CLUSTER_STATUS_PREFIXES_THAT_STAY))


def cluster_busy_passes(status: str | None) -> bool:
    """True when a busy answer (InvalidDBClusterStateFault) for a cluster last seen in this status is
    worth retrying: it was available (and got busy meanwhile) or in a status that passes by itself.
    An unknown status gets one attempt: AWS decides, and its answer is reported with the status."""
    return status in (AVAILABLE, None) or status in CLUSTER_STATUSES_THAT_PASS
