# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""What neptune_cluster_snapshot_info asks for and keeps, as plain data.

Nothing here talks to AWS: the filters are checked and turned into the
DescribeDBClusterSnapshots request, and the answers are filtered (engine,
cluster, tags) and ordered. snapshot_listing_api.py makes the calls.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .statuses import AUTOMATED
from .statuses import NEPTUNE_ENGINE
from .statuses import neptune_engine_filters
from .timestamps import create_time
from .validation import InvalidInput
from .validation import is_automated
from .validation import normalize_identifier
from .validation import normalize_snapshot_reference
from .validation import normalize_tags

# Filter rules of DescribeDBClusterSnapshots: these flags only apply without a type, or with these types.
_INCLUDE_SHARED_TYPES = (None, "shared")
_INCLUDE_PUBLIC_TYPES = (None, "public")


@dataclass(frozen=True)
class ListingRequest:
    snapshot_id: str | None
    cluster_id: str | None
    snapshot_type: str | None
    include_shared: bool
    include_public: bool
    tags: dict | None
    """Only snapshots carrying all of these tags (None: no tag filter)."""
    include_tags: bool
    include_shared_accounts: bool

    @property
    def needs_tags(self) -> bool:
        """Tags are read when asked for, and always when they filter."""
        return self.include_tags or bool(self.tags)


def build_listing_request(params: dict) -> ListingRequest:
    """Validate the info module's parameters; raises InvalidInput before any AWS call."""
    snapshot_id = params.get("db_cluster_snapshot_identifier")
    cluster_id = params.get("db_cluster_identifier")
    snapshot_type = params.get("snapshot_type")
    include_shared = bool(params.get("include_shared"))
    include_public = bool(params.get("include_public"))
    # AWS silently ignores these flags with another type; say so instead of returning a surprise.
    if include_shared and snapshot_type not in _INCLUDE_SHARED_TYPES:
        raise InvalidInput(
            f"include_shared has no effect with snapshot_type {snapshot_type!r}: leave snapshot_type out "
            "to list shared snapshots with the account's own, or set snapshot_type: shared"
        )
    if include_public and snapshot_type not in _INCLUDE_PUBLIC_TYPES:
        raise InvalidInput(
            f"include_public has no effect with snapshot_type {snapshot_type!r}: leave snapshot_type out "
            "to list public snapshots with the account's own, or set snapshot_type: public"
        )
    return ListingRequest(
        snapshot_id=None if snapshot_id is None else normalize_snapshot_reference(
            snapshot_id, "db_cluster_snapshot_identifier"
        ),
        cluster_id=None if cluster_id is None else normalize_identifier(cluster_id, "db_cluster_identifier"),
        snapshot_type=snapshot_type,
        include_shared=include_shared,
        include_public=include_public,
        tags=normalize_tags(params.get("tags")) or None,
        include_tags=params.get("include_tags", True),
        include_shared_accounts=bool(params.get("include_shared_accounts")),
    )


def describe_request(request: ListingRequest) -> dict:
    """The DescribeDBClusterSnapshots parameters, without the paging ones.

    AWS refuses a snapshot identifier together with a cluster identifier, so with
    both only the snapshot is asked for and the cluster is checked in keep().
    The engine filter spares the pages of other engines' snapshots (the rds model documents it for this
    call); keep() still checks each answer's engine.
    """
    parameters: dict = {"Filters": neptune_engine_filters()}
    if request.snapshot_id is not None:
        parameters["DBClusterSnapshotIdentifier"] = request.snapshot_id
    elif request.cluster_id is not None:
        parameters["DBClusterIdentifier"] = request.cluster_id
    snapshot_type = request.snapshot_type
    automated = request.snapshot_id is not None and is_automated(request.snapshot_id)
    if snapshot_type is None and automated:
        # AWS finds an automated snapshot by identifier (or ARN) only when asked for that type.
        snapshot_type = AUTOMATED
    if snapshot_type is not None:
        parameters["SnapshotType"] = snapshot_type
    if request.include_shared or ((request.snapshot_id or "").startswith("arn:") and not automated):
        # A manual snapshot named by its ARN may be one shared with this account (automated ones never are).
        parameters["IncludeShared"] = True
    if request.include_public:
        parameters["IncludePublic"] = True
    return parameters


def keep(request: ListingRequest, api_snapshot: dict) -> bool:
    """Whether an answer of DescribeDBClusterSnapshots is one the task asked for.

    The endpoint also answers with RDS and DocumentDB snapshots: only Neptune ones are kept, whether or not
    the answer honoured the request's engine filter.
    """
    if api_snapshot.get("Engine") != NEPTUNE_ENGINE:
        return False
    if request.snapshot_id is not None and request.snapshot_id.lower() not in (
        api_snapshot.get("DBClusterSnapshotIdentifier", "").lower(),
        api_snapshot.get("DBClusterSnapshotArn", "").lower(),  # asked for by ARN, answered by name
    ):
        return False
    if request.cluster_id is not None and api_snapshot.get("DBClusterIdentifier", "").lower() != request.cluster_id:
        return False
    return True


def has_tags(snapshot_tags: dict, wanted: dict | None) -> bool:
    """True when the snapshot carries every wanted tag with the same value."""
    return all(snapshot_tags.get(key) == value for key, value in (wanted or {}).items())


def oldest_first(snapshots: list) -> list:
    """Ordered by snapshot_create_time; snapshots without one yet (being created) come last.

    The time is compared as a time, not as text, so offsets other than +00:00 sort right.
    The identifier breaks ties, so the order is the same on every run.
    """

    def key(facts):
        moment = create_time(facts)
        return (moment is None, moment or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc),
                facts.get("db_cluster_snapshot_identifier", ""))

    return sorted(snapshots, key=key)


def owned(facts: dict) -> bool:
    """Whether the account owns the snapshot: one shared with it by another account is named by its ARN.

    Only the owner can read a snapshot's tags and who it is shared with.
    """
    return not facts.get("db_cluster_snapshot_identifier", "").startswith("arn:")


def shareable(facts: dict) -> bool:
    """AWS shares manual snapshots only: an automated one is shared with nobody, no call needed."""
    return facts.get("snapshot_type") != AUTOMATED
