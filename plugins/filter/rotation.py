# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Filters for a snapshot rotation written as tasks: its input checks, new identifiers and retention plan (pure).

Deprecated (meta/runtime.yml), removed in 2.0.0: neptune_cluster_snapshot_rotation does all of this.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ansible.errors import AnsibleFilterError

from ansible_collections.graphops.neptune.plugins.module_utils.statuses import AVAILABLE
from ansible_collections.graphops.neptune.plugins.module_utils.timestamps import create_time
from ansible_collections.graphops.neptune.plugins.module_utils.timestamps import parse_time
from ansible_collections.graphops.neptune.plugins.module_utils.validation import IDENTIFIER_MAX_LENGTH
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput
from ansible_collections.graphops.neptune.plugins.module_utils.validation import normalize_identifier
from ansible_collections.graphops.neptune.plugins.module_utils.validation import normalize_tags

TIMESTAMP_FORMAT = "%Y%m%d-%H%M%S"
# Letters, digits and single hyphens between them, lowercase: it goes into identifiers AWS stores lowercase,
# and two names that differ only in case would share identifiers but not tags.
_ROTATION_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ROTATION_NAME_RULE = "lowercase letters, digits and single hyphens between them"


def parse_now(value) -> datetime:
    """snapshot_rotation_now as an aware UTC datetime; a time without offset is taken as UTC."""
    if not isinstance(value, str):
        raise InvalidInput(f"snapshot_rotation_now must be a string, got {value!r} ({type(value).__name__})")
    try:
        moment = parse_time(value)
    except ValueError:
        raise InvalidInput(
            f"snapshot_rotation_now {value!r} is not an ISO 8601 time; give it in UTC, such as 2026-11-30T03:00:00Z"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    if moment.utcoffset() != timedelta(0):
        raise InvalidInput(
            f"snapshot_rotation_now {value!r} is not in UTC (offset {moment.strftime('%z')}); "
            "give it with Z or +00:00, such as 2026-11-30T03:00:00Z"
        )
    return moment.astimezone(timezone.utc)


def snapshot_identifier(cluster: str, rotation: str, now: datetime) -> str:
    """The identifier of the snapshot a run at `now` makes of `cluster`, unchecked."""
    return f"{cluster}-{rotation}-{now.strftime(TIMESTAMP_FORMAT)}".lower()


def _identifier_problem(cluster, rotation, now):
    identifier = snapshot_identifier(cluster, rotation, now)
    try:
        normalize_identifier(identifier, "identifier")
    except InvalidInput as error:
        hint = ""
        if len(identifier) > IDENTIFIER_MAX_LENGTH:
            hint = f" (it has {len(identifier)}; shorten snapshot_rotation_name or the cluster identifier)"
        return f"cluster {cluster!r}: the new snapshot's {error}{hint}"
    return None


def input_errors(clusters, rotation, now, tag_key, keep_last=None, max_age_days=None, tags=None,
                 dr_region=None, dr_kms_key_id=None, wait_timeout=None) -> list[str]:
    """Every problem of the role's input, each naming the value and the rule; [] when it is fine."""
    errors = []
    if keep_last is None and max_age_days is None:
        errors.append("give snapshot_rotation_keep_last, snapshot_rotation_max_age_days or both: without either, "
                      "nothing tells which snapshots to prune")
    if keep_last is not None and keep_last < 1:
        errors.append(f"snapshot_rotation_keep_last {keep_last!r} is invalid: it must be 1 or more")
    if max_age_days is not None and max_age_days < 0:
        errors.append(f"snapshot_rotation_max_age_days {max_age_days!r} is invalid: it must be 0 or more")
    if wait_timeout is not None and wait_timeout < 1:
        errors.append(f"snapshot_rotation_wait_timeout {wait_timeout!r} is invalid: it must be 1 second or more")
    if dr_kms_key_id and not dr_region:
        errors.append("snapshot_rotation_dr_kms_key_id is set but snapshot_rotation_dr_region is not: "
                      "the key is for the copies in that region")
    if tags:
        try:
            normalize_tags(tags)
        except InvalidInput as error:
            errors.append(f"snapshot_rotation_tags: {error}")
        if tag_key in tags:
            errors.append(f"snapshot_rotation_tags must not set {tag_key!r}: the role sets it to snapshot_rotation_name")
    if not isinstance(rotation, str) or not _ROTATION_NAME.fullmatch(rotation):
        errors.append(f"snapshot_rotation_name {rotation!r} is invalid: it must be {_ROTATION_NAME_RULE}")
        rotation = None
    try:
        moment = parse_now(now)
    except InvalidInput as error:
        errors.append(str(error))
        moment = None
    if not clusters:
        errors.append("snapshot_rotation_clusters is empty: name at least one Neptune cluster")
    seen = set()
    for cluster in clusters or []:
        try:
            normalize_identifier(cluster, "snapshot_rotation_clusters item")
        except InvalidInput as error:
            errors.append(str(error))
            continue
        if cluster.lower() in seen:
            errors.append(f"snapshot_rotation_clusters names {cluster!r} twice (identifiers are not case-sensitive)")
        seen.add(cluster.lower())
        if rotation and moment:
            problem = _identifier_problem(cluster, rotation, moment)
            if problem:
                errors.append(problem)
    return errors


def new_snapshot_ids(clusters, rotation, now) -> dict[str, str]:
    """{cluster (lowercase): identifier of the snapshot this run makes of it}."""
    moment = _now_or_filter_error(now)
    return {cluster.lower(): snapshot_identifier(cluster, rotation, moment) for cluster in clusters}


def _now_or_filter_error(now):
    try:
        return parse_now(now)
    except InvalidInput as error:
        raise AnsibleFilterError(str(error)) from None


def is_managed(snapshot, cluster, rotation, tag_key) -> bool:
    """Whether the snapshot is a manual Neptune snapshot of `cluster` that this rotation made.

    AWS Backup's (awsbackup:...) and shared ones (named by ARN) have a colon in their names; automated ones
    (rds:...) too, and their type says so. Tags are the rotation's mark: without them, the snapshot is not ours.
    """
    identifier = snapshot.get("db_cluster_snapshot_identifier") or ""
    return (
        snapshot.get("engine") == "neptune"
        and snapshot.get("snapshot_type") == "manual"
        and ":" not in identifier
        and (snapshot.get("db_cluster_identifier") or "").lower() == cluster
        and (snapshot.get("tags") or {}).get(tag_key) == rotation
    )


def plan_cluster(snapshots, cluster, rotation, now, tag_key, keep_last=None, max_age_days=None,
                 created=None, created_status=AVAILABLE, held=()):
    """The retention plan of one cluster: {"prune": [...], "keep": [...], "held": [...]}, oldest first.

    `created` is this run's snapshot; when `snapshots` lacks it (check mode), it counts with `created_status`.
    It is never pruned and counts first among keep_last. The newest available snapshot is never pruned,
    nor a snapshot in `held` (its copy in another region is not available yet). Only available snapshots
    count and are pruned; with keep_last and max_age_days, a snapshot is pruned when both say so.
    """
    if keep_last is None and max_age_days is None:
        raise InvalidInput("keep_last or max_age_days is required")
    cluster = cluster.lower()
    held = {identifier.lower() for identifier in held}
    mine = sorted(
        (s for s in snapshots if is_managed(s, cluster, rotation, tag_key)),
        key=lambda s: (create_time(s) is None, create_time(s) or now),
    )
    statuses = {s["db_cluster_snapshot_identifier"].lower(): s.get("status") for s in mine}
    ages = {s["db_cluster_snapshot_identifier"].lower(): now - (create_time(s) or now) for s in mine}
    order = list(statuses)  # oldest first
    if created:
        created = created.lower()
        if created not in statuses:
            statuses[created] = created_status
            order.append(created)
    # Newest first: this run's snapshot, then the available ones; the others neither count nor go.
    counted = ([created] if created else []) + [i for i in reversed(order) if statuses[i] == AVAILABLE and i != created]
    newest_available = next((i for i in reversed(order) if statuses[i] == AVAILABLE), None)
    prune, kept_back = [], []
    for rank, identifier in enumerate(counted):
        if identifier in (created, newest_available):
            continue
        beyond = keep_last is None or rank >= keep_last
        old = max_age_days is None or ages[identifier] > timedelta(days=max_age_days)
        if beyond and old:
            (kept_back if identifier in held else prune).append(identifier)
    return {
        "prune": [i for i in order if i in prune],
        "keep": [i for i in order if i not in prune],
        "held": [i for i in order if i in kept_back],
    }


def rotation_plan(snapshots, clusters, rotation, now, tag_key, keep_last=None, max_age_days=None,
                  created=None, pending=(), held=()):
    """{cluster (lowercase): plan_cluster(...)} for every cluster.

    `created` maps clusters to this run's snapshots. When the list lacks one (check mode), it counts as available,
    or as still being made when its cluster is in `pending` (the run would not wait for it).
    """
    moment = _now_or_filter_error(now)
    created = {c.lower(): i for c, i in (created or {}).items() if i}
    pending = {c.lower() for c in pending}
    try:
        return {
            cluster.lower(): plan_cluster(
                snapshots, cluster, rotation, moment, tag_key, keep_last=keep_last, max_age_days=max_age_days,
                created=created.get(cluster.lower()), held=held,
                created_status="creating" if cluster.lower() in pending else AVAILABLE,
            )
            for cluster in clusters
        }
    except InvalidInput as error:
        raise AnsibleFilterError(str(error)) from None


def delete_failures(results, region=None) -> list[str]:
    """One line per failed delete of a registered loop over (cluster, snapshot) pairs: what, where and why."""
    where = f" in {region}" if region else ""
    lines = []
    for result in results or []:
        if result.get("failed"):
            pair = result[result.get("ansible_loop_var", "item")]
            lines.append(f"{pair[1]!r} of cluster {pair[0]['key']!r}{where}: {result.get('msg') or 'no message'}")
    return lines


class FilterModule:
    """The snapshot_rotation role's filters."""

    def filters(self):
        return {
            "rotation_delete_failures": delete_failures,
            "rotation_input_errors": input_errors,
            "rotation_new_snapshot_ids": new_snapshot_ids,
            "rotation_plan": rotation_plan,
        }
