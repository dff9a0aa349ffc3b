# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The restore drill's decisions, as plain data: the drill cluster's name, which snapshot to restore, which clusters
an earlier drill left behind, and the drill's report.

Nothing here talks to AWS. A drill cluster is told only by the tags AWS keeps on it: DRILL_TAG (whose value is the
instant the drill started) together with the restore module's RESTORED_FROM_TAG; its name is never enough.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from .restore_request import MIN_WAIT_TIMEOUT
from .restore_request import RESTORED_FROM_TAG
from .restore_request import parse_restore_snapshot
from .rotation_marks import COPIED_FROM_TAG
from .rotation_marks import is_copy
from .rotation_marks import is_original
from .snapshot_plan import Refused
from .statuses import AVAILABLE
from .statuses import DELETING
from .statuses import NEPTUNE_ENGINE
from .timestamps import create_time
from .timestamps import parse_time
from .validation import IDENTIFIER_MAX_LENGTH
from .validation import InvalidInput
from .validation import normalize_identifier

DRILL_TAG = "graphops.neptune/drill"
DRILL_WORD = "drill"
TIME_FORMAT = "%Y%m%d-%H%M%S"
# The drill cluster's one instance is <cluster>-1: the cluster's name leaves room for the suffix.
INSTANCE_SUFFIX = "-1"
# A drill restores, waits (up to the restore's wait_timeout, twice: cluster, then instance), checks and tears down:
# a sweep age below an hour would take a drill still running for one left behind.
MIN_SWEEP_MINUTES = 60
DEFAULT_SWEEP_MINUTES = 1440
# The phases of a drill, in order, and the step each failure is named by.
PHASES = ("restore", "instance", "check", "teardown")
STEPS = ("prepare", "sweep", "restore", "instance", "check", "teardown", "left_behind")


def utc_text(moment: datetime) -> str:
    """An instant as ISO 8601 in UTC with a Z, to the second: the drill tag's value."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def drill_cluster_id(source_cluster: str, now: datetime) -> str:
    """<cluster>-drill-<YYYYMMDD>-<HHMMSS> (UTC), the source's part shortened so that the name and its instance's
    (<name>-1) keep within AWS's 63 characters; checked by AWS's identifier rule."""
    suffix = f"-{DRILL_WORD}-{now.astimezone(timezone.utc).strftime(TIME_FORMAT)}"
    room = IDENTIFIER_MAX_LENGTH - len(INSTANCE_SUFFIX) - len(suffix)
    prefix = (source_cluster or "restore").lower()[:room].rstrip("-")
    name = prefix + suffix
    normalize_identifier(name + INSTANCE_SUFFIX, "the drill's instance identifier")
    return normalize_identifier(name, "the drill cluster identifier")


def check_sweep_minutes(value) -> int:
    if not isinstance(value, int) or value < MIN_SWEEP_MINUTES:
        raise InvalidInput(
            f"sweep_older_than {value!r} is invalid: it must be at least {MIN_SWEEP_MINUTES} minutes, more than the "
            "longest drill takes (a younger drill cluster may be a drill still running)"
        )
    return value


def prepare_input(params: dict, region: str | None):
    """neptune_restore_drill_prepare's parameters, checked before any AWS call: (cluster, rotation, now)."""
    if params["snapshot"] is None and params["cluster"] is None:
        raise InvalidInput("one of snapshot and cluster is required: name the snapshot to restore, or the cluster "
                           "whose newest snapshot to restore")
    if params["snapshot"] is not None:
        parse_restore_snapshot(params["snapshot"], region)
    cluster = None if params["cluster"] is None else normalize_identifier(params["cluster"], "cluster")
    rotation = params["rotation"]
    if rotation is not None and (params["snapshot"] is not None or cluster is None):
        raise InvalidInput(f"rotation {rotation!r} needs cluster (and no snapshot): it picks among a cluster's "
                           "snapshots")
    try:
        now = parse_time(params["now"]) if params["now"] else datetime.now(timezone.utc)
    except ValueError:
        raise InvalidInput(f"now {params['now']!r} is invalid: give an ISO 8601 time, such as 2026-12-02T04:00:00Z")
    check_sweep_minutes(params["sweep_older_than"])
    if params["wait_timeout"] < MIN_WAIT_TIMEOUT:
        raise InvalidInput(f"wait_timeout {params['wait_timeout']!r} is invalid: it must be at least "
                           f"{MIN_WAIT_TIMEOUT} seconds")
    if cluster is not None:
        drill_cluster_id(cluster, now)
    return cluster, rotation, now


# --- the snapshot ---------------------------------------------------------------------------


def of_rotation(snapshot: dict, cluster: str, rotation: str, region: str) -> bool:
    """A snapshot the rotation took of cluster in this region, or a copy it made here of another region's."""
    copied_from = (snapshot.get("tags") or {}).get(COPIED_FROM_TAG)
    return is_original(snapshot, cluster, rotation, region) or bool(
        copied_from and is_copy(snapshot, cluster, rotation, copied_from))


def choose_snapshot(snapshots: list, cluster: str, rotation: str | None, region: str | None) -> dict:
    """The newest available Neptune snapshot of cluster (of the rotation, when named), by its create time."""
    candidates = [
        s for s in snapshots
        if s.get("engine") == NEPTUNE_ENGINE and s.get("status") == AVAILABLE and create_time(s) is not None
        and (s.get("db_cluster_identifier") or "").lower() == cluster
        and (rotation is None or of_rotation(s, cluster, rotation, region))
    ]
    if not candidates:
        what = f"of rotation {rotation!r} " if rotation else ""
        raise Refused(f"Cluster {cluster!r} has no available Neptune snapshot {what}to restore (nothing was made)")
    return max(candidates, key=lambda s: (create_time(s), s.get("db_cluster_snapshot_identifier", "")))


# --- the sweep -------------------------------------------------------------------------------


def drill_started(tags: dict) -> datetime | None:
    """When the drill that made a cluster started, from its tags: only a cluster with both the drill tag (a time)
    and the restore module's restored-from tag is a drill cluster."""
    value = (tags or {}).get(DRILL_TAG)
    if value is None or RESTORED_FROM_TAG not in tags:
        return None
    try:
        return parse_time(value)
    except ValueError:
        return None


@dataclass
class Sweep:
    stale: list = field(default_factory=list)
    """Drill clusters older than the sweep age: (identifier, minutes old), to delete."""
    fresh: list = field(default_factory=list)
    """Drill clusters younger than it (perhaps a drill still running): (identifier, minutes old), kept."""


def plan_sweep(clusters: list, now: datetime, older_than_minutes: int) -> Sweep:
    """Which listed clusters (DescribeDBClusters entries with their TagList) an earlier drill left behind."""
    sweep = Sweep()
    for cluster in clusters:
        name = (cluster.get("DBClusterIdentifier") or "").lower()
        if cluster.get("Engine") != NEPTUNE_ENGINE or cluster.get("Status") == DELETING:
            continue
        started = drill_started(tags_of(cluster))
        if started is None:
            continue
        minutes = round((now - started).total_seconds() / 60, 1)
        (sweep.stale if minutes >= older_than_minutes else sweep.fresh).append((name, minutes))
    return sweep


def tags_of(entry: dict) -> dict:
    return {tag["Key"]: tag["Value"] for tag in entry.get("TagList") or []}


def drill_resources(clusters: list, instances: list) -> list:
    """Every listed cluster and instance carrying the drill tag, as the report lists them."""
    found = []
    for cluster in clusters:
        if DRILL_TAG in tags_of(cluster):
            found.append({"type": "cluster", "identifier": cluster.get("DBClusterIdentifier"),
                          "status": cluster.get("Status"), "drill": tags_of(cluster)[DRILL_TAG]})
    for instance in instances:
        if DRILL_TAG in tags_of(instance):
            found.append({"type": "instance", "identifier": instance.get("DBInstanceIdentifier"),
                          "cluster": instance.get("DBClusterIdentifier"), "status": instance.get("DBInstanceStatus"),
                          "drill": tags_of(instance)[DRILL_TAG]})
    return found


# --- the report ------------------------------------------------------------------------------


def failed_restore_step(restore: dict) -> str:
    """Which phase a failed restore task failed in: the restore module's messages name the instance's wait
    ("waiting for instances") and its create ("create DB instance"); anything else is the cluster's restore."""
    message = str(restore.get("msg", ""))
    return "instance" if ("waiting for instances" in message or "DB instance" in message) else "restore"


def phase_seconds(restore: dict, check: dict, teardown: dict) -> dict:
    """The seconds of each phase, from the tasks' registered results (None: the phase did not run or failed
    before it was timed)."""
    restore_waits, teardown_waits = restore.get("waits") or {}, teardown.get("waits") or {}
    return {
        "restore": restore_waits.get("cluster"),
        "instance": restore_waits.get("instances"),
        "check": check.get("seconds"),
        "teardown": teardown_waits.get("cluster"),
    }


def ran(result: dict) -> bool:
    return bool(result) and not result.get("skipped")


def failures(drill_cluster: str, restore: dict, check: dict, teardown: dict, left_behind: list,
             listing_error: str | None, sweep_failed: dict | None = None) -> list:
    """(step, message) of every step that failed, in the order of the steps."""
    found = []
    if sweep_failed:
        found.append(("sweep", "the sweep could not delete " + "; ".join(
            f"{name}: {why}" for name, why in sorted(sweep_failed.items()))))
    if not ran(restore):
        found.append(("restore", "the restore did not run"))
    elif restore.get("failed"):
        found.append((failed_restore_step(restore), str(restore.get("msg"))))
    if ran(restore) and not restore.get("failed") and not check.get("skipped"):
        if not ran(check):
            found.append(("check", "the check did not run"))
        elif check.get("failed"):
            found.append(("check", str(check.get("msg") or f"check {check.get('failed_check')!r} failed")))
    if not ran(teardown):
        found.append(("teardown", "the teardown did not run"))
    elif teardown.get("failed"):
        found.append(("teardown", str(teardown.get("msg"))))
    if listing_error:
        found.append(("left_behind", f"the drill clusters and instances could not be listed: {listing_error}"))
    ours = [item["identifier"] for item in left_behind
            if (item.get("cluster") or item["identifier"] or "").lower() == drill_cluster]
    if ours:
        found.append(("left_behind", f"left behind after the teardown: {', '.join(ours)}"))
    return found


def seconds_between(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return round((parse_time(end) - parse_time(start)).total_seconds(), 1)


def build_report(inputs: dict, left_behind: list, listing_error: str | None = None, check_mode: bool = False) -> dict:
    """The drill's result: snapshot, cluster, passed, the failed step and check, seconds per phase,
    time_to_restore (snapshot chosen to cluster serving), and what carries the drill tag after the teardown."""
    drill_cluster = inputs["drill_cluster"].lower()
    restore, check, teardown = (inputs.get(name) or {} for name in ("restore", "check", "teardown"))
    found = failures(drill_cluster, restore, check, teardown, left_behind, listing_error,
                     inputs.get("sweep_failed"))
    first = found[0] if found else (None, None)
    served = ran(restore) and not restore.get("failed") and not check_mode
    return {
        "snapshot": inputs["snapshot"],
        "source_cluster": inputs.get("source_cluster"),
        "cluster": drill_cluster,
        "started_at": inputs.get("chosen_at"),
        "passed": not found,
        "check_mode": check_mode,
        "failed_step": first[0],
        "failed_check": check.get("failed_check") if first[0] == "check" else None,
        "failures": [{"step": step, "msg": message} for step, message in found],
        "seconds": phase_seconds(restore, check, teardown),
        "time_to_restore": seconds_between(inputs.get("chosen_at"), inputs.get("served_at")) if served else None,
        "checks": check.get("checks") or [],
        "swept": list(inputs.get("swept") or []),
        "left_behind": left_behind,
    }


def summary(report: dict) -> str:
    if report["passed"]:
        return (f"Restore drill of snapshot {report['snapshot']!r} into {report['cluster']!r} passed "
                f"(time to restore: {report['time_to_restore']} s); nothing left behind")
    step = report["failed_step"]
    check = f" (check {report['failed_check']!r})" if report["failed_check"] else ""
    message = report["failures"][0]["msg"]
    return (f"Restore drill of snapshot {report['snapshot']!r} into {report['cluster']!r} failed at step "
            f"{step!r}{check}: {message}")


def json_line(report: dict) -> str:
    """One line of JSON per drill, for charting time-to-restore over weeks; keys sorted, so lines compare."""
    line = {key: report[key] for key in ("started_at", "snapshot", "source_cluster", "cluster", "passed",
                                         "failed_step", "failed_check", "seconds", "time_to_restore")}
    line["left_behind"] = len(report["left_behind"])
    return json.dumps(line, sort_keys=True)


def snapshot_summary(snapshot: dict) -> dict:
    """What the drill reports of the snapshot it chose (its facts as the snapshot module returns them)."""
    keys = ("db_cluster_snapshot_identifier", "db_cluster_snapshot_arn", "db_cluster_identifier", "snapshot_type",
            "snapshot_create_time", "engine", "engine_version", "storage_encrypted", "kms_key_id", "status", "tags")
    return {key: snapshot[key] for key in keys if key in snapshot}
