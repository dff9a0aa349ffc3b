# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What marks a snapshot as made by a rotation, judged only by what AWS keeps on the snapshot.

A rotation's snapshot carries, together, an identifier of the form <cluster>-<name>-<YYYYMMDD>-<HHMMSS> (its copy:
the same, then -<the region it came from>, so that two regions rotating same-named clusters at the same time and
copying to each other never name a copy as the other's own snapshot), the cluster it was taken from, and tags:
ROTATION_TAG (the rotation's name) and the region it was made in (REGION_TAG on a snapshot the rotation took,
COPIED_FROM_TAG on a copy it made). The rotation sets the copy's
tags itself (CopyTags is never used), so a copy made by hand with CopyTags keeps REGION_TAG of its source and
is neither an original of its new region nor a copy of the rotation. A copy is also told by the
SourceDBClusterSnapshotArn AWS reports on it, when it does. A cluster identifier and ROTATION_TAG alone,
which a copy of another region's rotation or a snapshot tagged by CopyTagsToSnapshot may carry too, are never
enough.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from .statuses import AVAILABLE, MANUAL, NEPTUNE_ENGINE

ROTATION_TAG = "graphops.neptune/rotation"
REGION_TAG = "graphops.neptune/rotation-region"
COPIED_FROM_TAG = "graphops.neptune/rotation-copied-from"
MARK_KEYS = (ROTATION_TAG, REGION_TAG, COPIED_FROM_TAG)
TIMESTAMP_FORMAT = "%Y%m%d-%H%M%S"
_TIMESTAMP = re.compile(r"-(\d{8}-\d{6})(?:-[a-z0-9-]+)?$")
_ARN_REGION = re.compile(r"^arn:[^:]+:rds:([^:]+):")


def snapshot_identifier(cluster: str, rotation: str, now: datetime) -> str:
    """The identifier of the snapshot a run at `now` makes of `cluster`, unchecked."""
    return f"{cluster}-{rotation}-{now.strftime(TIMESTAMP_FORMAT)}".lower()


def copy_identifier(identifier: str, source_region: str) -> str:
    """The identifier of the rotation's copy of snapshot `identifier` of source_region."""
    return f"{identifier}-{source_region}"


def source_identifier(copy: str, source_region: str) -> str:
    """The identifier of the snapshot a rotation's copy was made from."""
    return copy[: -len(source_region) - 1]


def original_tags(rotation: str, region: str, tags: dict | None) -> dict:
    """The tags of a snapshot the rotation takes in region."""
    return {**(tags or {}), ROTATION_TAG: rotation, REGION_TAG: region}


def copy_tags(source_tags: dict | None, rotation: str, source_region: str, tags: dict | None) -> dict:
    """The tags of the rotation's copy of a snapshot of source_region: the source's, without its region mark."""
    kept = {key: value for key, value in (source_tags or {}).items() if key != REGION_TAG}
    return {**kept, **(tags or {}), ROTATION_TAG: rotation, COPIED_FROM_TAG: source_region}


def arn_region(arn: str | None) -> str | None:
    match = _ARN_REGION.match(arn or "")
    return match.group(1) if match else None


def identifier_time(identifier: str) -> datetime | None:
    """The instant a rotation's identifier names (the `now` of the run that made it)."""
    match = _TIMESTAMP.search(identifier or "")
    if not match:
        return None
    return datetime.strptime(match.group(1), TIMESTAMP_FORMAT).replace(tzinfo=timezone.utc)


def _rotation_identifier(snapshot: dict, cluster: str, rotation: str, suffix: str | None = "") -> bool:
    """Named as the rotation names them: with suffix "" an original; with a region, its copy; with None, either."""
    identifier = snapshot.get("db_cluster_snapshot_identifier") or ""
    ending = r"(?:-[a-z0-9-]+)?" if suffix is None else re.escape(f"-{suffix}" if suffix else "")
    return (
        re.fullmatch(re.escape(f"{cluster}-{rotation}-") + r"\d{8}-\d{6}" + ending, identifier) is not None
        and (snapshot.get("db_cluster_identifier") or "").lower() == cluster
    )


def _rotation_snapshot(snapshot: dict, cluster: str, rotation: str, suffix: str = "") -> bool:
    return (
        snapshot.get("engine") == NEPTUNE_ENGINE
        and snapshot.get("snapshot_type") == MANUAL
        and _rotation_identifier(snapshot, cluster, rotation, suffix)
        and (snapshot.get("tags") or {}).get(ROTATION_TAG) == rotation
    )


def is_original(snapshot: dict, cluster: str, rotation: str, region: str) -> bool:
    """A snapshot the rotation `rotation` took of `cluster` in `region` (the listing's region)."""
    tags = snapshot.get("tags") or {}
    return (
        _rotation_snapshot(snapshot, cluster, rotation)
        and tags.get(REGION_TAG) == region
        and COPIED_FROM_TAG not in tags
        and not snapshot.get("source_db_cluster_snapshot_arn")
    )


def is_copy(snapshot: dict, cluster: str, rotation: str, source_region: str) -> bool:
    """A copy the rotation `rotation` of `source_region` made of a snapshot of `cluster` (in the listing's region)."""
    tags = snapshot.get("tags") or {}
    source_arn = snapshot.get("source_db_cluster_snapshot_arn")
    return (
        _rotation_snapshot(snapshot, cluster, rotation, suffix=source_region)
        and tags.get(COPIED_FROM_TAG) == source_region
        and REGION_TAG not in tags
        and (not source_arn or arn_region(source_arn) == source_region)
    )


def may_be_rotation_snapshot(snapshot: dict, clusters, rotation: str) -> bool:
    """Whether the snapshot's tags are worth reading: a manual Neptune snapshot named as the rotation names them."""
    return (
        snapshot.get("engine") == NEPTUNE_ENGINE
        and snapshot.get("snapshot_type") == MANUAL
        and any(_rotation_identifier(snapshot, cluster, rotation, suffix=None) for cluster in clusters)
    )


def is_available(snapshot: dict) -> bool:
    return snapshot.get("status") == AVAILABLE
