# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rotation's input, checked before any AWS call: every problem named with its value and rule."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from .endpoints import other_region_endpoint
from .rotation_marks import MARK_KEYS
from .rotation_marks import copy_identifier
from .rotation_marks import snapshot_identifier
from .timestamps import parse_time
from .validation import IDENTIFIER_MAX_LENGTH
from .validation import InvalidInput
from .validation import normalize_identifier
from .validation import normalize_tags

# Letters, digits and single hyphens between them, lowercase: it goes into identifiers AWS stores lowercase,
# and two names that differ only in case would share identifiers but not tags.
_ROTATION_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ROTATION_NAME_RULE = "lowercase letters, digits and single hyphens between them"


@dataclass(frozen=True)
class RotationRequest:
    clusters: tuple
    """Cluster identifiers, lowercase, in the order given."""
    name: str
    now: datetime
    region: str
    keep_last: int | None = None
    max_age_days: int | None = None
    tags: dict | None = None
    dr_region: str | None = None
    dr_kms_key_id: str | None = None
    wait: bool = True
    wait_timeout: int = 1800
    dr_endpoint_url: str | None = None
    """The DR region's endpoint (None: botocore's default endpoint of that region)."""

    def identifier(self, cluster: str) -> str:
        """The identifier of the snapshot this run makes of cluster."""
        return snapshot_identifier(cluster, self.name, self.now)


def parse_now(value, option: str = "now") -> datetime:
    """The instant a run treats as now, in UTC; any offset is converted."""
    if value is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    if not isinstance(value, str):
        raise InvalidInput(f"{option} must be a string, got {value!r} ({type(value).__name__})")
    try:
        moment = parse_time(value)
    except ValueError:
        raise InvalidInput(
            f"{option} {value!r} is not an ISO 8601 time; give it such as 2026-11-30T03:00:00Z"
        ) from None
    return moment.astimezone(timezone.utc)


def _identifier_errors(cluster: str, identifier: str, what: str) -> list:
    try:
        normalize_identifier(identifier, "identifier")
    except InvalidInput as error:
        hint = ""
        if len(identifier) > IDENTIFIER_MAX_LENGTH:
            hint = f" (it has {len(identifier)}; shorten name or the cluster identifier)"
        return [f"cluster {cluster!r}: {what} {error}{hint}"]
    return []


def _cluster_errors(clusters, name, now, copies_from=None) -> tuple[list, list]:
    errors, normalized = [], []
    if not clusters:
        errors.append("clusters is empty: name at least one Neptune cluster")
    for cluster in clusters or []:
        try:
            cluster_id = normalize_identifier(cluster, "clusters item")
        except InvalidInput as error:
            errors.append(str(error))
            continue
        if cluster_id in normalized:
            errors.append(f"clusters names {cluster!r} twice (identifiers are not case-sensitive)")
            continue
        normalized.append(cluster_id)
        if name is None or now is None:
            continue
        identifier = snapshot_identifier(cluster_id, name, now)
        problems = _identifier_errors(cluster, identifier, "the new snapshot's")
        if copies_from and not problems:
            problems = _identifier_errors(cluster, copy_identifier(identifier, copies_from), "its copy's")
        errors.extend(problems)
    return errors, normalized


def build_rotation_request(params: dict, region: str | None) -> RotationRequest:
    """Check the module's parameters; raises InvalidInput naming every problem at once."""
    errors = []
    keep_last, max_age_days = params.get("keep_last"), params.get("max_age_days")
    if keep_last is None and max_age_days is None:
        errors.append("give keep_last, max_age_days or both: without either, nothing tells which snapshots to prune")
    if keep_last is not None and keep_last < 1:
        errors.append(f"keep_last {keep_last!r} is invalid: it must be 1 or more")
    if max_age_days is not None and max_age_days < 0:
        errors.append(f"max_age_days {max_age_days!r} is invalid: it must be 0 or more")
    wait_timeout = params.get("wait_timeout", 1800)
    if wait_timeout < 1:
        errors.append(f"wait_timeout {wait_timeout!r} is invalid: it must be 1 second or more")
    if not region:
        errors.append("no region: set region (or AWS_REGION) to the clusters' region")
    dr_region = params.get("dr_region") or None
    if dr_region and dr_region == region:
        errors.append(f"dr_region {dr_region!r} is the clusters' own region; give another region for the copies")
    dr_endpoint_url = None
    if dr_region and dr_region != region:
        try:
            dr_endpoint_url = other_region_endpoint(
                params.get("endpoint_url"), params.get("dr_endpoint_url"), region, f"dr_region {dr_region!r}",
                "dr_endpoint_url",
            )
        except InvalidInput as error:
            errors.append(str(error))
    tags = params.get("tags") or {}
    try:
        tags = normalize_tags(tags) or {}
    except InvalidInput as error:
        errors.append(f"tags: {error}")
    marks = sorted(key for key in tags if key in MARK_KEYS)
    if marks:
        errors.append(f"tags must not set {', '.join(marks)}: the rotation sets them to mark what it made")
    name = params.get("name")
    if not isinstance(name, str) or not _ROTATION_NAME.fullmatch(name):
        errors.append(f"name {name!r} is invalid: it must be {_ROTATION_NAME_RULE}")
        name = None
    try:
        now = parse_now(params.get("now"))
    except InvalidInput as error:
        errors.append(str(error))
        now = None
    cluster_errors, clusters = _cluster_errors(params.get("clusters"), name, now, region if dr_region else None)
    errors.extend(cluster_errors)
    if errors:
        raise InvalidInput("; ".join(errors))
    return RotationRequest(
        clusters=tuple(clusters),
        name=name,
        now=now,
        region=region,
        keep_last=keep_last,
        max_age_days=max_age_days,
        tags=tags,
        dr_region=dr_region,
        dr_kms_key_id=params.get("dr_kms_key_id") or None,
        wait=params.get("wait", True),
        wait_timeout=wait_timeout,
        dr_endpoint_url=dr_endpoint_url,
    )
