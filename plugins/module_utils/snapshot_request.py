# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The request of neptune_cluster_snapshot, built from its parameters and checked before any AWS call."""

from __future__ import annotations

from dataclasses import dataclass

from .endpoints import other_region_endpoint
from .validation import MAX_TAGS_PER_RESOURCE
from .validation import SnapshotSource
from .validation import check_wait_timeout
from .validation import normalize_identifier
from .validation import normalize_shared_accounts
from .validation import normalize_tags
from .validation import parse_source


@dataclass(frozen=True)
class SnapshotRequest:
    snapshot_id: str
    cluster_id: str | None = None
    state: str = "present"
    tags: dict | None = None
    purge_tags: bool = True
    wait: bool = False
    wait_timeout: int = 1200
    source: SnapshotSource | None = None
    kms_key_id: str | None = None
    copy_tags: bool = False
    shared_accounts: list | None = None
    purge_shared_accounts: bool = True
    region: str | None = None
    """The module's region: where a new snapshot or copy is made."""
    source_endpoint_url: str | None = None
    """The endpoint of a cross-region copy's source region (None: botocore's default endpoint of that region)."""


def build_request(params: dict, region: str | None = None) -> SnapshotRequest:
    """Validate the module's parameters; raises InvalidInput before any AWS call."""
    cluster_id = params.get("db_cluster_identifier")
    source = parse_source(params.get("source_db_cluster_snapshot_identifier"), params.get("source_region"), region)
    source_endpoint_url = None
    if source is not None and source.region and params.get("state", "present") == "present":
        source_endpoint_url = other_region_endpoint(
            params.get("endpoint_url"), params.get("source_endpoint_url"), region,
            f"the copy's source region {source.region!r}", "source_endpoint_url",
        )
    return SnapshotRequest(
        snapshot_id=normalize_identifier(params["db_cluster_snapshot_identifier"], "db_cluster_snapshot_identifier"),
        cluster_id=None if cluster_id is None else normalize_identifier(cluster_id, "db_cluster_identifier"),
        state=params.get("state", "present"),
        tags=normalize_tags(params.get("tags"), MAX_TAGS_PER_RESOURCE),
        purge_tags=params.get("purge_tags", True),
        wait=params.get("wait", False),
        wait_timeout=check_wait_timeout(params.get("wait_timeout", 1200)),
        source=source,
        kms_key_id=params.get("kms_key_id"),
        copy_tags=params.get("copy_tags", False),
        shared_accounts=normalize_shared_accounts(params.get("shared_accounts"), params.get("allow_public", False)),
        purge_shared_accounts=params.get("purge_shared_accounts", True),
        region=region,
        source_endpoint_url=source_endpoint_url,
    )


# What a delete does not use, when the task sets it anyway: (option, is it set?).
_UNUSED_BY_DELETE = (
    ("tags", lambda value: value is not None),
    ("shared_accounts", lambda value: value is not None),
    ("kms_key_id", lambda value: value is not None),
    ("copy_tags", bool),
    ("source_region", lambda value: value is not None),
    ("source_endpoint_url", lambda value: value is not None),
    ("allow_public", bool),
)


def ignored_option_warnings(params: dict, request: SnapshotRequest | None = None) -> list:
    """Warnings for options a task sets that it does not use: state=absent deletes, nothing else; a source
    in the module's region is read through the module's endpoint."""
    if params.get("state") != "absent":
        source = request.source if request is not None else None
        if params.get("source_endpoint_url") is not None and source is not None and not source.region:
            return [
                "source_endpoint_url is ignored: the copy's source is in the module's region, so it is read "
                "through the module's endpoint (endpoint_url)"
            ]
        return []
    warnings = [
        f"{option} is ignored with state=absent: a delete neither tags, shares nor copies"
        for option, is_set in _UNUSED_BY_DELETE
        if is_set(params.get(option))
    ]
    if params.get("source_db_cluster_snapshot_identifier") is not None:
        warnings.append(
            "source_db_cluster_snapshot_identifier copies nothing with state=absent: it only keeps the delete off "
            "a snapshot AWS reports as copied from another source"
        )
    return warnings
