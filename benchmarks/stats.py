# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's arithmetic, pure: summaries of runs, ratios, API calls by action, and the goals.

A run is a dict {"seconds": float, "task_seconds": float, "calls": {action: count}, "ok": bool, "changed": int}:
seconds is the whole ansible-playbook run, task_seconds the task alone (from the json callback: building and
running the module, its calls included; without ansible's own start-up).
A scenario's results are {"key", "title", "runs": {"ours": [run, ...], "peer": [run, ...]}, ...}.
"""

from __future__ import annotations

import collections
import statistics

LANES = ("ours", "peer")


def summarize(values: list) -> dict:
    """Median, min and max of a list of numbers (all None when the list is empty)."""
    if not values:
        return {"n": 0, "median": None, "min": None, "max": None}
    return {"n": len(values), "median": statistics.median(values), "min": min(values), "max": max(values)}


def ratio(ours: float | None, peer: float | None) -> float | None:
    """ours / peer, or None when either is missing or the peer's is zero."""
    if ours is None or peer is None or peer == 0:
        return None
    return ours / peer


def count_actions(calls: list) -> dict:
    """The proxy's call log (a list of {"action": ...}) as {action: count}, most frequent first."""
    counted = collections.Counter(call.get("action") or "?" for call in calls)
    return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))


def typical_calls(runs: list) -> dict:
    """The calls by action of a lane: the most common breakdown among its runs, and whether runs differed."""
    shapes = collections.Counter(tuple(sorted(run["calls"].items())) for run in runs)
    if not shapes:
        return {"by_action": {}, "total": None, "varied": False, "totals": []}
    shape, _count = shapes.most_common(1)[0]
    by_action = dict(sorted(shape, key=lambda item: (-item[1], item[0])))
    return {
        "by_action": by_action,
        "total": sum(by_action.values()),
        "varied": len(shapes) > 1,
        "totals": sorted({sum(run["calls"].values()) for run in runs}),
    }


def lane_summary(runs: list) -> dict:
    ok_runs = [run for run in runs if run["ok"]]
    return {
        "time": summarize([run["seconds"] for run in ok_runs]),
        "task_time": summarize([run["task_seconds"] for run in ok_runs if run.get("task_seconds") is not None]),
        "calls": typical_calls(ok_runs),
        "runs": len(runs),
        "failed": len(runs) - len(ok_runs),
        "changed": sorted({run["changed"] for run in ok_runs}),
    }


def scenario_summary(scenario: dict) -> dict:
    """Per lane summaries plus the ours/peer ratios of median time and of calls."""
    lanes = {lane: lane_summary(scenario["runs"].get(lane, [])) for lane in LANES}
    return {
        "lanes": lanes,
        "time_ratio": ratio(lanes["ours"]["time"]["median"], lanes["peer"]["time"]["median"]),
        "task_time_ratio": ratio(lanes["ours"]["task_time"]["median"], lanes["peer"]["task_time"]["median"]),
        "calls_ratio": ratio(lanes["ours"]["calls"]["total"], lanes["peer"]["calls"]["total"]),
    }


def _figures(summaries: dict, key: str) -> dict | None:
    return summaries.get(key)


def evaluate_goals(summaries: dict) -> list:
    """The issue's goals, each {"goal", "met": True/False/None (not measured), "figure"}.

    summaries: {scenario key: scenario_summary(...)}.
    """
    goals = []

    calls_over = []
    measured = 0
    for key, summary in summaries.items():
        ours, peer = summary["lanes"]["ours"]["calls"]["total"], summary["lanes"]["peer"]["calls"]["total"]
        if ours is None or peer is None:
            continue
        measured += 1
        if ours > peer:
            calls_over.append("%s (%d vs %d)" % (key, ours, peer))
    goals.append({
        "goal": "API calls <= the peer's in every scenario",
        "met": (not calls_over) if measured else None,
        "figure": ("more calls in: " + ", ".join(calls_over)) if calls_over else "%d of %d scenarios" % (measured, measured),
    })

    rerun = _figures(summaries, "rerun")
    rerun_calls = rerun["lanes"]["ours"]["calls"]["total"] if rerun else None
    goals.append({
        "goal": "an identical re-run costs 2 calls",
        "met": None if rerun_calls is None else rerun_calls == 2,
        "figure": "%s calls" % rerun_calls,
    })

    for key, goal, limit in (
        ("create-wait-3", "create+wait (3 x creating) at most 0.3x the peer's time", 0.3),
        ("create-wait-10", "create+wait (10 x creating) at most 0.3x the peer's time", 0.3),
        ("rerun", "identical re-run wall time at most the peer's", 1.0),
        ("fleet", "fleet run (20 clusters, forks=10) at most the peer's time", 1.0),
    ):
        summary = _figures(summaries, key)
        value = summary["time_ratio"] if summary else None
        goals.append({
            "goal": goal,
            "met": None if value is None else value <= limit,
            "figure": "not measured" if value is None else "%.3fx" % value,
        })
    return goals


# ---- the rotation scenarios (rotation.py) --------------------------------------------------------------------
# A rotation scenario's results are {"key", "title", "clusters", "dr", "runs": {variant: [run, ...]}}; a run also
# carries "calls_by_region" {region: calls}. Variants: "module" (the role now, over the module), "v100" (the 1.0.0
# role), "plain" (a playbook of amazon.aws modules).
ROTATION_VARIANTS = ("module", "v100", "plain")
ROTATION_GOAL_CLUSTERS = 40
ROTATION_GOAL_RATIO = 0.1


def rotation_call_budget(clusters: int) -> int:
    """The issue's budget for a steady night without DR: a create and a delete per cluster, and 6 more."""
    return 2 * clusters + 6


def typical_by_region(runs: list) -> dict:
    """The most common {region: calls} among the runs (most calls first)."""
    shapes = collections.Counter(tuple(sorted((run.get("calls_by_region") or {}).items())) for run in runs)
    if not shapes:
        return {}
    shape, _count = shapes.most_common(1)[0]
    return dict(sorted(shape, key=lambda item: (-item[1], item[0])))


def rotation_summary(scenario: dict) -> dict:
    """Per variant: lane_summary, calls by region, the median time per cluster, and the median time as a ratio
    of the 1.0.0 role's and of the plain playbook's."""
    lanes = {}
    for variant in ROTATION_VARIANTS:
        if variant not in scenario["runs"]:
            continue
        lane = lane_summary(scenario["runs"][variant])
        lane["by_region"] = typical_by_region([run for run in scenario["runs"][variant] if run["ok"]])
        lanes[variant] = lane
    clusters = scenario["clusters"]

    def median(variant):
        return lanes[variant]["time"]["median"] if variant in lanes else None

    return {
        "key": scenario["key"], "title": scenario["title"], "clusters": clusters, "dr": scenario["dr"], "lanes": lanes,
        "per_cluster": {v: (None if median(v) is None else median(v) / clusters) for v in lanes},
        "vs_v100": {v: ratio(median(v), median("v100")) for v in lanes},
        "vs_plain": {v: ratio(median(v), median("plain")) for v in lanes},
    }


def rate_floor(by_region: dict, burst: int, rate: float) -> float:
    """The least time a token bucket per region (`burst` calls at once, then `rate` a second) lets these calls
    take: the busiest region's calls beyond the burst, at the rate."""
    return max([max(0, calls - burst) / rate for calls in by_region.values()] or [0.0])


def rotation_goals(summaries: list) -> list:
    """The issue's rotation goals, each {"goal", "met": True/False/None (not measured), "figure"}.

    summaries: rotation_summary(...) of each rotation scenario.
    """
    goals, figures, over = [], [], []
    for summary in summaries:
        module = summary["lanes"].get("module")
        if summary["dr"] or not module or module["calls"]["total"] is None:
            continue
        most, budget = max(module["calls"]["totals"]), rotation_call_budget(summary["clusters"])
        figures.append("%d clusters: %d of %d" % (summary["clusters"], most, budget))
        if most > budget:
            over.append(summary["clusters"])
    goals.append({
        "goal": "a steady night without DR costs the module at most 2N+6 API calls (N clusters)",
        "met": (not over) if figures else None,
        "figure": "; ".join(figures) if figures else "not measured",
    })
    for dr in (False, True):
        summary = next((s for s in summaries if s["clusters"] == ROTATION_GOAL_CLUSTERS and s["dr"] == dr), None)
        value = summary["vs_v100"].get("module") if summary else None
        figure = "not measured"
        if value is not None:
            figure = "%.3fx (%.1f s against %.1f s)" % (value, summary["lanes"]["module"]["time"]["median"],
                                                        summary["lanes"]["v100"]["time"]["median"])
        goals.append({
            "goal": "%d clusters%s: the module's wall time at most %gx the 1.0.0 role's" % (
                ROTATION_GOAL_CLUSTERS, ", with DR copies" if dr else ", without DR", ROTATION_GOAL_RATIO),
            "met": None if value is None else value <= ROTATION_GOAL_RATIO,
            "figure": figure,
        })
    return goals


# ---- the restore scenario (restore.py) -------------------------------------------------------------------------
# A restore scenario's results are {"key", "title", "cluster_seconds", "instance_seconds", "runs": {lane: [run,
# ...]}}; a run also carries "overshoot" {"cluster": s, "instance": s}, "between", "time_to_restore",
# "restore_overshoot" and "wall_overshoot" (seconds, None where the proxy's log did not tell).
RESTORE_WAITS = ("cluster", "instance")


def restore_summary(scenario: dict) -> dict:
    """Per lane: lane_summary, and the summaries of each wait's overshoot, the step between the waits, the time
    to restore and its overshoot, and the wall time's overshoot (ok runs only)."""
    lanes = {}
    for lane, runs in scenario["runs"].items():
        ok_runs = [run for run in runs if run["ok"]]
        summary = lane_summary(runs)

        def figures(value, ok_runs=ok_runs):
            return summarize([v for v in (value(run) for run in ok_runs) if v is not None])

        summary["overshoot"] = {wait: figures(lambda run, wait=wait: (run.get("overshoot") or {}).get(wait))
                                for wait in RESTORE_WAITS}
        for key in ("between", "time_to_restore", "restore_overshoot", "wall_overshoot"):
            summary[key] = figures(lambda run, key=key: run.get(key))
        summary["reads"] = figures(lambda run: read_calls(run["calls"]))
        lanes[lane] = summary
    return {"key": scenario["key"], "title": scenario["title"], "cluster_seconds": scenario["cluster_seconds"],
            "instance_seconds": scenario["instance_seconds"], "offsets": scenario.get("offsets") or [], "lanes": lanes}


def restore_goals(summary: dict | None, poll_interval: float, one_read: float, read_budget: int) -> list:
    """The issue's restore goals for the module's lane ("ours"), each {"goal", "met", "figure"}: every wait
    noticed within one poll interval (plus the read that notices), and its reads within read_budget."""
    ours = (summary or {}).get("lanes", {}).get("ours")
    goals = []
    worst = [ours["overshoot"][wait]["max"] for wait in RESTORE_WAITS] if ours else []
    measured = bool(worst) and None not in worst
    goals.append({
        "goal": "each wait ends at most one poll interval (%g s) after the resource is available (plus the read "
                "that finds it, at most %g s)" % (poll_interval, one_read),
        "met": max(worst) <= poll_interval + one_read if measured else None,
        "figure": ("the most of any run: cluster %.1f s, instance %.1f s" % tuple(worst)) if measured else "not measured",
    })
    reads = ours["reads"] if ours else {"max": None}
    goals.append({
        "goal": "the reads of a restore with wait stay within %d (see below)" % read_budget,
        "met": None if reads["max"] is None else reads["max"] <= read_budget,
        "figure": "not measured" if reads["max"] is None else "at most %d reads in a run" % reads["max"],
    })
    return goals


def read_calls(calls: dict) -> int:
    """How many of a run's calls ({action: count}) are reads (Describe*, List*)."""
    return sum(count for action, count in calls.items() if action.startswith(("Describe", "List")))
