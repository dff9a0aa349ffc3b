# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes docs/performance.md and its PNG charts from bench.py's results (run with the benchmark venv's python):

  python benchmarks/report.py RESULTS.json --doc docs/performance.md --images docs/images

The markdown is built by pure functions (tested in tests/unit/benchmarks); only draw_charts needs matplotlib.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

import stats

CHARTS = {
    "calls": "performance-calls.png",
    "time": "performance-time.png",
    "waits": "performance-waits.png",
    "info": "performance-info.png",
    "rotation": "performance-rotation.png",
}
WAIT_KEYS = ("create-wait-3", "create-wait-10", "fleet")
# Why a scenario costs more calls than the peer's, shown when it does. Module behaviour, on purpose.
EXTRA_CALLS_WHY = {
    "delete": "the module reads the snapshot before deleting it, as the peer does; it reads no tags for `state: absent`.",
    "delete-wait": "the same reads as the plain delete, then polls until the snapshot is gone.",
    "copy": "the module reads the copy's tags back after a copy with `copy_tags`, since AWS copies tags of its own "
            "choosing, so that a re-run changes nothing; it reads the source's tags first only when the task's own "
            "tags merge with them.",
    "fleet": "see create with tags: the same calls per task.",
}
INFO_WHY = ("The info module lists with the `rds` model, whose snapshot shape has `TagList` (the `neptune` model's has "
            "none), and takes the tags from the describe answer; it reads a snapshot's tags with one "
            "`ListTagsForResource` call only when the answer carries no `TagList`. `rds_snapshot_info` returns "
            "`tags: {}` for every snapshot and the tags only as an undocumented `tag_list`. With "
            "`include_tags: false` both make the same listing calls: a page per 100 snapshots.")


def fmt_seconds(summary: dict) -> str:
    if summary["median"] is None:
        return "n/a"
    return "%.2f (%.2f-%.2f)" % (summary["median"], summary["min"], summary["max"])


def fmt_ratio(value) -> str:
    return "n/a" if value is None else "%.2fx" % value


def fmt_calls(calls: dict) -> str:
    if calls["total"] is None:
        return "n/a"
    text = str(calls["total"])
    if calls["varied"]:
        text += " (runs: %s)" % "/".join(str(total) for total in calls["totals"])
    return text


def fmt_actions(by_action: dict) -> str:
    return ", ".join("%s %d" % (action, count) for action, count in by_action.items()) or "none"


def summaries_of(document: dict) -> dict:
    return {scenario["key"]: stats.scenario_summary(scenario) for scenario in document["scenarios"]}


def runs_text(summary: dict) -> str:
    ours, peer = summary["lanes"]["ours"], summary["lanes"]["peer"]
    text = "%d/%d" % (ours["runs"], peer["runs"])
    failed = ours["failed"] + peer["failed"]
    return text + (" (%d failed)" % failed if failed else "")


def scenario_table(document: dict, summaries: dict) -> list:
    lines = [
        "| scenario | runs ours/peer | calls ours | calls peer | calls ours/peer | time ours, s | time peer, s | time ours/peer "
        "| task ours, s | task peer, s | task ours/peer |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario in document["scenarios"]:
        summary = summaries[scenario["key"]]
        ours, peer = summary["lanes"]["ours"], summary["lanes"]["peer"]
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            scenario["title"], runs_text(summary), fmt_calls(ours["calls"]), fmt_calls(peer["calls"]),
            fmt_ratio(summary["calls_ratio"]), fmt_seconds(ours["time"]), fmt_seconds(peer["time"]),
            fmt_ratio(summary["time_ratio"]), fmt_seconds(ours["task_time"]), fmt_seconds(peer["task_time"]),
            fmt_ratio(summary["task_time_ratio"]),
        ))
    return lines


def actions_table(document: dict, summaries: dict) -> list:
    lines = ["| scenario | ours: calls by action | peer: calls by action |", "|---|---|---|"]
    for scenario in document["scenarios"]:
        lanes = summaries[scenario["key"]]["lanes"]
        ours, peer = lanes["ours"]["calls"]["by_action"], lanes["peer"]["calls"]["by_action"]
        lines.append("| %s | %s | %s |" % (scenario["title"], fmt_actions(ours), fmt_actions(peer)))
    return lines


def goals_table(goals: list) -> list:
    marks = {True: "met", False: "**not met**", None: "not measured"}
    lines = ["| goal | result | measured |", "|---|---|---|"]
    lines += ["| %s | %s | %s |" % (goal["goal"], marks[goal["met"]], goal["figure"]) for goal in goals]
    return lines


def extra_calls_notes(document: dict, summaries: dict) -> list:
    notes, info_told = [], False
    for scenario in document["scenarios"]:
        lanes = summaries[scenario["key"]]["lanes"]
        ours, peer = lanes["ours"]["calls"]["total"], lanes["peer"]["calls"]["total"]
        if ours is None or peer is None or ours <= peer:
            continue
        if scenario["key"].startswith("info"):
            why, info_told = ("the same tag reads, one a snapshot." if info_told else INFO_WHY), True
        else:
            why = EXTRA_CALLS_WHY.get(scenario["key"], "not explained.")
        notes.append("- **%s**: %d calls against %d: %s" % (scenario["title"], ours, peer, why))
    return notes


def failures(document: dict) -> list:
    lines = []
    for scenario in document["scenarios"]:
        for lane, runs in scenario["runs"].items():
            for number, run in enumerate(runs):
                if not run["ok"]:
                    lines.append("- %s, %s, run %d: %s" % (scenario["title"], lane, number, run["message"] or "failed"))
                elif run.get("end_state_ok") is False:
                    lines.append("- %s, %s, run %d: ran, but the snapshot did not end as the scenario wants "
                                 "(tags or existence)" % (scenario["title"], lane, number))
                elif run.get("changed_ok") is False:
                    lines.append("- %s, %s, run %d: reported changed on %d host(s), which the scenario does not "
                                 "expect" % (scenario["title"], lane, number, run["changed"]))
    return lines


def repeated_runs(document: dict) -> list:
    """A line on the runs bench.py repeated because of moto's thread race, if any."""
    repeated = {}
    for scenario in document["scenarios"]:
        count = sum(run.get("repeats", 0) for runs in scenario["runs"].values() for run in runs)
        if count:
            repeated[scenario["title"]] = count
    if not repeated:
        return []
    return ["- Repeated runs: moto's server is not thread-safe (a describe that meets a create in another thread",
            "  answers a 500 HTML page, which either module reports as invalid XML); such a run was made again: %s."
            % ", ".join("%s %d" % item for item in repeated.items())]


def pool_table(pool: dict | None) -> list:
    if not pool:
        return ["(not measured in this run)"]
    lines = ["| snapshots | workers | runs | median s | min s | max s | speed-up | DescribeDBClusterSnapshots | ListTagsForResource |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    sequential = {row["count"]: row["time"]["median"] for row in pool["rows"] if row["workers"] == 1}
    for row in pool["rows"]:
        time, base = row["time"], sequential.get(row["count"])
        if time["median"] is None:
            continue
        speed_up = stats.ratio(base, time["median"])
        lines.append("| %d | %d | %d | %.2f | %.2f | %.2f | %s | %d | %d |" % (
            row["count"], row["workers"], time["n"], time["median"], time["min"], time["max"], fmt_ratio(speed_up),
            row["calls"].get("DescribeDBClusterSnapshots", 0), row["calls"].get("ListTagsForResource", 0)))
    return lines


def startup_section(startup: dict | None, before: dict | None) -> list:
    if not startup:
        return ["(not measured in this run)"]
    labels = {"ours": "neptune_cluster_snapshot", "peer": "rds_cluster_snapshot",
              "ours_info": "neptune_cluster_snapshot_info", "peer_info": "rds_snapshot_info"}
    lines = [
        "| module | import, ms (median, min-max) | of which beyond AnsibleAWSModule, ms | modules loaded | "
        "AnsiballZ payload, bytes | zip, bytes | files in the zip |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, label in labels.items():
        imports, payload = startup["imports"].get(key), (startup.get("payloads") or {}).get(key) or {}
        if not imports:
            continue
        lines.append("| %s | %s | %s | %d | %s | %s | %s |" % (
            label, fmt_ms(imports["ms"]), fmt_ms(imports["own_ms"]), imports["modules"], payload.get("bytes", "n/a"),
            payload.get("zip_bytes", "n/a"), payload.get("files", "n/a")))
    tasks = startup.get("no_call_tasks") or {}
    if tasks:
        lines += ["", "One task that makes no AWS call, median (min-max) in seconds: the whole `ansible-playbook` run, and",
                  "the task alone (the json callback's duration: building the payload, starting python, imports, the",
                  "argument check):", "",
                  "| task | whole run | the task alone | task beyond a debug task |", "|---|---:|---:|---:|"]
        base = tasks["debug"]["task"]["median"]
        for key, label in (("debug", "ansible.builtin.debug (ansible's own start-up)"),
                           ("ours", "neptune_cluster_snapshot, invalid `state`"),
                           ("peer", "rds_cluster_snapshot, invalid `state`")):
            extra = "" if key == "debug" else "%.2f" % (tasks[key]["task"]["median"] - base)
            lines.append("| %s | %s | %s | %s |" % (label, fmt_seconds(tasks[key]["wall"]), fmt_seconds(tasks[key]["task"]), extra))
    if before:
        lines += ["", "Before (the same measurement on an earlier commit, BENCH_STARTUP_BEFORE):", ""]
        lines += startup_section(before, None)
    return lines


def fmt_ms(summary: dict) -> str:
    if summary["median"] is None:
        return "n/a"
    return "%.0f (%.0f-%.0f)" % (summary["median"], summary["min"], summary["max"])


def machine_lines(document: dict) -> list:
    machine, versions = document["machine"], document["versions"]
    load_start = ", ".join("%.1f" % value for value in machine["load_start"])
    load_end = ", ".join("%.1f" % value for value in machine.get("load_end", machine["load_start"]))
    return [
        "- Machine: %s CPUs (`nproc`), %s, %s; %s." % (machine["nproc"], machine["cpu"], machine["machine"], machine["system"]),
        "- Load average (1, 5, 15 min) at the start: %s; at the end: %s. The machine was shared with other work "
        "while this ran, so times carry that noise; ratios come from interleaved runs of the same moment." % (load_start, load_end),
        "- Versions: " + ", ".join("%s %s" % (name, version) for name, version in versions.items()) + ".",
        "- The whole command took %.0f s." % document.get("seconds", 0),
    ]


HEADLINES = (
    ("rerun", "an identical re-run"),
    ("create-wait-10", "create and wait while the snapshot answers `creating` 10 times"),
    ("fleet", "20 clusters at forks=10"),
    ("delete", "a delete"),
    ("info-1000", "listing 1,000 snapshots with their tags"),
)


def headline(summaries: dict) -> list:
    """A few scenarios in one line each, for the top of the doc and the README."""
    lines = []
    for key, label in HEADLINES:
        summary = summaries.get(key)
        if not summary:
            continue
        ours, peer = summary["lanes"]["ours"], summary["lanes"]["peer"]
        if ours["time"]["median"] is None or peer["time"]["median"] is None:
            continue
        lines.append("- %s: %s API calls against the peer's %s; %.1f s against %.1f s (%s)." % (
            label, ours["calls"]["total"], peer["calls"]["total"], ours["time"]["median"], peer["time"]["median"],
            fmt_ratio(summary["time_ratio"])))
    return lines


# ---- the rotation scenarios ---------------------------------------------------------------------------------
ROTATION_BEGIN = "<!-- rotation: written by benchmarks/report.py (BENCH_ONLY=rotation keeps the rest); do not edit -->"
ROTATION_END = "<!-- rotation: end -->"
VARIANT_NAMES = {"module": "module", "v100": "1.0.0 role", "plain": "plain playbook"}
# rotation_api.py's token bucket: a burst of BURST calls, then RATE a second, per region
# (tests/unit/benchmarks check these against the module's own).
ROTATION_BURST = 100
ROTATION_RATE = 10.0
ROTATION_HEADLINE_CLUSTERS = 40


def rotation_summaries(part: dict | None) -> list:
    return [stats.rotation_summary(scenario) for scenario in (part or {}).get("scenarios", [])]


def rotation_headline(part: dict | None) -> list:
    """One line for the steady night at 40 clusters (without DR, then with), for the top of the doc and the README."""
    lines = []
    for summary in rotation_summaries(part):
        lanes = summary["lanes"]
        if summary["clusters"] != ROTATION_HEADLINE_CLUSTERS or "module" not in lanes:
            continue
        if any(lanes[v]["time"]["median"] is None for v in lanes):
            continue
        others = [v for v in ("v100", "plain") if v in lanes]
        lines.append("- snapshot rotation, %d clusters%s (one steady night): the module %.1f s against %s; %s API "
                     "calls against %s." % (
                         summary["clusters"], ", with DR copies" if summary["dr"] else "",
                         lanes["module"]["time"]["median"],
                         " and ".join("the %s's %.1f s (%s)" % (VARIANT_NAMES[v], lanes[v]["time"]["median"],
                                                                fmt_rotation_ratio(summary["vs_%s" % v]["module"]))
                                      for v in others),
                         fmt_calls(lanes["module"]["calls"]), " and ".join(fmt_calls(lanes[v]["calls"]) for v in others)))
    return lines


def fmt_rotation_ratio(value) -> str:
    """A ratio, with a third decimal below 0.1 (the rotation's goal is 0.1x)."""
    if value is None:
        return "n/a"
    return "%.3fx" % value if value < 0.1 else "%.2fx" % value


def fmt_per_cluster(value) -> str:
    return "n/a" if value is None else "%.2f" % value


def rotation_table(summaries: list) -> list:
    lines = ["| clusters | DR | variant | runs | wall time, s | per cluster, s | / 1.0.0 role | / plain | API calls "
             "| calls per cluster |",
             "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for summary in summaries:
        for variant, lane in summary["lanes"].items():
            total = lane["calls"]["total"]
            runs = "%d" % lane["runs"] + (" (%d failed)" % lane["failed"] if lane["failed"] else "")
            lines.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                summary["clusters"], "yes" if summary["dr"] else "no", VARIANT_NAMES[variant], runs,
                fmt_seconds(lane["time"]), fmt_per_cluster(summary["per_cluster"][variant]),
                fmt_rotation_ratio(summary["vs_v100"][variant]), fmt_rotation_ratio(summary["vs_plain"][variant]),
                fmt_calls(lane["calls"]), "n/a" if total is None else "%.2f" % (total / summary["clusters"])))
    return lines


def rotation_actions_table(summaries: list) -> list:
    lines = ["| clusters | DR | variant | calls by action | by region |", "|---:|---|---|---|---|"]
    for summary in summaries:
        for variant, lane in summary["lanes"].items():
            lines.append("| %d | %s | %s | %s | %s |" % (
                summary["clusters"], "yes" if summary["dr"] else "no", VARIANT_NAMES[variant],
                fmt_actions(lane["calls"]["by_action"]), fmt_actions(lane["by_region"])))
    return lines


def rotation_floor_lines(summaries: list) -> list:
    """Where the module's token bucket sets a floor under its time, and how near the module came to it."""
    lines = []
    for summary in summaries:
        module = summary["lanes"].get("module")
        if not module or module["time"]["median"] is None:
            continue
        floor = stats.rate_floor(module["by_region"], ROTATION_BURST, ROTATION_RATE)
        if floor <= 0:
            continue
        busiest = max(module["by_region"].items(), key=lambda item: item[1])
        lines.append("  - %d clusters%s: %d calls in %s, so at least %.1f s; the module took %.1f s (median)." % (
            summary["clusters"], ", with DR copies" if summary["dr"] else "", busiest[1], busiest[0], floor,
            module["time"]["median"]))
    return lines


def rotation_failures(part: dict) -> list:
    lines = []
    for scenario in part.get("scenarios", []):
        for variant, runs in scenario["runs"].items():
            for number, run in enumerate(runs):
                name = "%s, %s, run %d" % (scenario["title"], VARIANT_NAMES.get(variant, variant), number)
                if not run["ok"]:
                    lines.append("- %s: %s" % (name, run["message"] or "failed"))
                elif run.get("end_state_ok") is False:
                    lines.append("- %s: ran, but left other snapshots than a steady night leaves: %s" % (
                        name, json.dumps(run.get("end_state"), sort_keys=True)))
    return lines


def rotation_runs_text(part: dict) -> str:
    """How many runs each size had, e.g. "5 at 10 and 40 clusters, 2 at 160"."""
    by_size = {}
    for scenario in part.get("scenarios", []):
        runs = max([len(runs) for runs in scenario["runs"].values()] or [0])
        by_size.setdefault(runs, []).append(scenario["clusters"])
    groups = []
    for runs, sizes in sorted(by_size.items(), reverse=True):
        sizes = sorted(set(sizes))
        text = ", ".join(str(size) for size in sizes[:-1]) + (" and " if len(sizes) > 1 else "") + str(sizes[-1])
        groups.append("%d at %s clusters" % (runs, text))
    return ", ".join(groups)


def rotation_section(part: dict | None, images: str, versions: dict | None = None) -> list:
    """The section of docs/performance.md on the rotation, between ROTATION_BEGIN and ROTATION_END, so that a
    rotation-only run can rewrite it alone (splice_rotation)."""
    if not part:
        return []
    settings, summaries = part["settings"], rotation_summaries(part)
    load_start = ", ".join("%.1f" % value for value in part.get("load_start", []))
    load_end = ", ".join("%.1f" % value for value in part.get("load_end", part.get("load_start", [])))
    lines = [
        ROTATION_BEGIN,
        "## Snapshot rotation: the module, the 1.0.0 role and a plain playbook",
        "",
        "Measured on %s by `bash benchmarks/run.sh` (the rotation scenarios took %.0f minutes; a rotation-only run "
        "rewrites this section alone, so the rest of the page may come from another run)." % (
            part.get("measured_at", "?"), part.get("seconds", 0) / 60),
        "",
        "One steady night of the rotation `%s` (keep_last %d) over N clusters, done three ways, each a whole" % (
            settings["name"], settings["keep_last"]),
        "`ansible-playbook` run against the local endpoint with %g ms added to every call:" % settings["latency_ms"],
        "",
        "- **module**: the role `graphops.neptune.snapshot_rotation` as it is now, a thin wrapper over the module",
        "  `neptune_cluster_snapshot_rotation` (one task for every cluster);",
        "- **1.0.0 role**: the same role as released in 1.0.0 (commit %s, taken with `git archive` into a scratch"
        % settings["v100_commit"],
        "  collection tree): tasks with Jinja filter chains and `plugins/filter/rotation.py`, one",
        "  `neptune_cluster_snapshot` task per snapshot made, copied or deleted;",
        "- **plain playbook**: what a user would write with amazon.aws alone: `rds_snapshot_info` in a loop to list",
        "  each cluster's snapshots, `rds_cluster_snapshot` in a loop to make one per cluster (`wait: true`),",
        "  `set_fact` and Jinja to pick the snapshots beyond keep_last, `rds_cluster_snapshot` with `state: absent` in",
        "  a loop to delete them; with DR the same in the DR region, the copies made by `rds_cluster_snapshot` with",
        "  `source_db_cluster_snapshot_identifier` and `source_region` (`wait: true`). amazon.aws 10 has no",
        "  `rds_cluster_snapshot_info`: `rds_snapshot_info` lists cluster snapshots.",
        "",
        "Every cluster holds %d snapshots of the rotation, taken on %d earlier days (and with DR, %s, their copies"
        % (settings["keep_last"], len(settings["history_days"]), settings["dr_region"]),
        "there), so each run makes one snapshot (and one copy) per cluster and prunes the oldest one (and its copy).",
        "",
        "### Goals",
        "",
    ]
    lines += goals_table(stats.rotation_goals(summaries))
    lines += [
        "",
        "### Wall time and API calls",
        "",
        "Wall time of the whole `ansible-playbook` run, median (min-max) over the runs, in seconds; \"per cluster\"",
        "is the median over the number of clusters; \"/ 1.0.0 role\" and \"/ plain\" are median over median. Calls",
        "are per run. The module runs as one task for every cluster, so its start-up (ansible's, the module's imports:",
        "a few seconds) is most of its time at 10 and 40 clusters; the two others run a task per snapshot.",
        "",
    ]
    lines += rotation_table(summaries)
    lines += ["", "![Rotation wall time by number of clusters](%s/%s)" % (images, CHARTS["rotation"]), "",
              "### Calls by action", ""]
    lines += rotation_actions_table(summaries)
    floors = rotation_floor_lines(summaries)
    lines += [
        "",
        "### What bounds the module",
        "",
        "- Its own rate limit, by design: the module spends its calls through a token bucket per region (%d calls"
        % ROTATION_BURST,
        "  at once, then %g a second: `rotation_api.py`) to stay within the account's RDS API budget (12 calls a"
        % ROTATION_RATE,
        "  second sustained, a burst of 300, shared with every other tool). A night of more than %d calls in a"
        % ROTATION_BURST,
        "  region cannot take less than its calls beyond the burst at %g a second%s" % (
            ROTATION_RATE, ":" if floors else "; no scenario here came to that."),
    ]
    lines += floors
    lines += [
        "  This is not a defect: the two other variants make their calls one at a time, each behind a module",
        "  start-up, so they stay far below that rate.",
        "- The local stand-in: the proxy pages listings as AWS does (a page per 100 snapshots, and per 100",
        "  clusters for `DescribeDBClusters`), so the calls counted here are AWS's pages; moto makes snapshots and",
        "  copies available at once, so here the module never waits. On AWS, while the new snapshots are made the",
        "  module lists again every 5 s, one listing for all of them; the 1.0.0 role waits for each snapshot in",
        "  turn (every 5 s), the plain playbook too (`rds_cluster_snapshot`'s waiter, every 30 s).",
        "",
        "### How the rotation was measured",
        "",
        "- Runs per variant: %s. The variants' runs are interleaved (module, 1.0.0 role, plain, then"
        % rotation_runs_text(part),
        "  1.0.0 role, plain, module, and so on), after one uncounted run of each on one cluster.",
        "- A moto server and proxy of their own; the clusters and their history are made straight on moto (not",
        "  through the proxy, so not counted) and reset before every run: what the previous run made is deleted,",
        "  what it pruned made again. The proxy's `create_time` rules give each day's snapshots (and copies) that",
        "  day as their creation time; every variant runs at the same `now` (%s)." % settings["now"],
        "- After every run the snapshots left of each cluster, in both regions, are checked against what a steady",
        "  night leaves.",
        "- Load average (1, 5, 15 min) at the start: %s; at the end: %s (the machine was shared with other work)."
        % (load_start, load_end),
    ]
    if versions:
        lines.append("- Versions: " + ", ".join("%s %s" % item for item in versions.items()) + ".")
    if part.get("v100_error"):
        lines += ["- The 1.0.0 role was not measured: %s." % part["v100_error"]]
    problems = rotation_failures(part)
    if problems:
        lines += ["", "Runs that failed or did not end as wanted:", ""] + problems
    lines += [
        "",
        "Reproduce: `BENCH_ONLY=rotation BENCH_OUTPUT=docs bash benchmarks/run.sh` rewrites this section and its",
        "chart alone (`BENCH_ROTATION_SIZES`, `BENCH_ROTATION_RUNS`, `BENCH_ROTATION_LARGE_RUNS`: see",
        "`benchmarks/run.sh`).",
        ROTATION_END,
    ]
    return lines


def rotation_part_of(text: str) -> str | None:
    """The rotation section of a doc (markers included), or None."""
    return section_of(text, ROTATION_BEGIN, ROTATION_END)


def splice_rotation(text: str, section: str) -> str:
    """text with its rotation section replaced by `section`, or `section` put before "## How it was measured"
    (or at the end) when text has none."""
    return splice_section(text, section, ROTATION_BEGIN, ROTATION_END)


def rotation_only(document: dict) -> bool:
    """A results document of the rotation scenarios alone (BENCH_ONLY=rotation)."""
    return bool(document.get("rotation")) and not document["scenarios"] and not document.get("pool") \
        and not document.get("startup") and not document.get("restore")


# ---- the restore scenario ----------------------------------------------------------------------------------------
RESTORE_BEGIN = "<!-- restore: written by benchmarks/report.py (BENCH_ONLY=restore keeps the rest); do not edit -->"
RESTORE_END = "<!-- restore: end -->"
RESTORE_LANE_NAMES = {"ours": "the module", "peer": "amazon.aws playbook", "drill": "restore_drill role"}


def restore_summary_of(part: dict | None) -> dict | None:
    scenarios = (part or {}).get("scenarios") or []
    return stats.restore_summary(scenarios[0]) if scenarios else None


def fmt_median(summary: dict) -> str:
    """A median with its range, in seconds to one decimal: "4.2 (3.9-4.6)"."""
    if summary["median"] is None:
        return "n/a"
    return "%.1f (%.1f-%.1f)" % (summary["median"], summary["min"], summary["max"])


def restore_headline(part: dict | None) -> list:
    """One line for the top of the doc and the README: each wait's overshoot and the time-to-restore's, both lanes."""
    summary = restore_summary_of(part)
    if not summary or not {"ours", "peer"} <= set(summary["lanes"]):
        return []
    ours, peer = summary["lanes"]["ours"], summary["lanes"]["peer"]
    figures = [ours["overshoot"]["cluster"]["max"], ours["overshoot"]["instance"]["max"],
               peer["overshoot"]["cluster"]["max"], peer["overshoot"]["instance"]["max"],
               ours["restore_overshoot"]["median"], peer["restore_overshoot"]["median"]]
    if None in figures:
        return []
    return ["- restore of a cluster and one instance (AWS's part played as %g s + %g s of `creating`%s): the "
            "module noticed each resource at most %.1f s and %.1f s after it became available, the amazon.aws "
            "playbook (20 s polls) %.1f s and %.1f s; time-to-restore overshoot %.1f s against %.1f s (medians); %s "
            "API calls against %s." % (summary["cluster_seconds"], summary["instance_seconds"],
                                       offsets_text(summary.get("offsets")), *figures, fmt_calls(ours["calls"]),
                                       fmt_calls(peer["calls"]))]


def offsets_list(offsets: list | None) -> str:
    """"0, 1.67 and 3.33" (nothing when no run adds anything)."""
    if not offsets or not any(offsets):
        return ""
    return ", ".join("%g" % o for o in offsets[:-1]) + " and %g" % offsets[-1]


def offsets_text(offsets: list | None) -> str:
    """", each run adding 0, 1.67 and 3.33 s" (nothing when no run adds anything)."""
    listed = offsets_list(offsets)
    return ", each run adding %s s" % listed if listed else ""


def restore_table(summary: dict) -> list:
    lines = ["| lane | runs | wall time, s | wall time - T1 - T2, s | cluster wait overshoot, s | instance wait "
             "overshoot, s | between the waits, s | time to restore, s | its overshoot, s | API calls |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for lane, figures in summary["lanes"].items():
        runs = "%d" % figures["runs"] + (" (%d failed)" % figures["failed"] if figures["failed"] else "")
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            RESTORE_LANE_NAMES.get(lane, lane), runs, fmt_median(figures["time"]), fmt_median(figures["wall_overshoot"]),
            fmt_median(figures["overshoot"]["cluster"]), fmt_median(figures["overshoot"]["instance"]),
            fmt_median(figures["between"]), fmt_median(figures["time_to_restore"]),
            fmt_median(figures["restore_overshoot"]), fmt_calls(figures["calls"])))
    return lines


def restore_actions_table(summary: dict) -> list:
    lines = ["| lane | calls by action |", "|---|---|"]
    for lane, figures in summary["lanes"].items():
        lines.append("| %s | %s |" % (RESTORE_LANE_NAMES.get(lane, lane), fmt_actions(figures["calls"]["by_action"])))
    return lines


def restore_failures(part: dict) -> list:
    lines = []
    for scenario in part.get("scenarios", []):
        for lane, runs in scenario["runs"].items():
            for number, run in enumerate(runs):
                name = "%s, run %d" % (RESTORE_LANE_NAMES.get(lane, lane), number)
                if not run["ok"]:
                    lines.append("- %s: %s" % (name, run["message"] or "failed"))
                elif run.get("end_state_ok") is False:
                    lines.append("- %s: ran, but left other than the lane should: %s" % (
                        name, json.dumps(run.get("end_state"), sort_keys=True)))
                elif None in (run.get("overshoot") or {}).values():
                    lines.append("- %s: the proxy's log does not tell when a wait noticed its resource" % name)
    return lines


def restore_section(part: dict | None, versions: dict | None = None) -> list:
    """The section of docs/performance.md on a restore's waits, between RESTORE_BEGIN and RESTORE_END, so that a
    restore-only run can rewrite it alone (splice_section)."""
    summary = restore_summary_of(part)
    if not summary:
        return []
    settings = part["settings"]
    cluster_seconds, instance_seconds = summary["cluster_seconds"], summary["instance_seconds"]
    poll, delay = settings["poll_interval"], settings["peer_delay"]
    load_start = ", ".join("%.1f" % value for value in part.get("load_start", []))
    load_end = ", ".join("%.1f" % value for value in part.get("load_end", part.get("load_start", [])))
    amazon_aws = (versions or {}).get("amazon.aws", "?")
    phases, longest = [], max(summary["offsets"] or [0])
    if offsets_list(summary["offsets"]):
        phases = ["The runs add %s s to both, so that they meet the module's %g s polls at different phases"
                  % (offsets_list(summary["offsets"]), poll),
                  "(durations that are multiples of %g s always meet them just after the moment)." % poll]
    lines = [
        RESTORE_BEGIN,
        "## Restore: how long after AWS is done a playbook notices",
        "",
        "Measured on %s by `bash benchmarks/run.sh` (the restore part took %.0f minutes; a restore-only run rewrites "
        "this section alone, so the rest of the page may come from another run)." % (
            part.get("measured_at", "?"), part.get("seconds", 0) / 60),
        "",
    ]
    lines += restore_headline(part)
    lines += [
        "",
        "A restore is two writes and two waits: `RestoreDBClusterFromSnapshot` (a cluster with no instance), wait",
        "until the cluster is available, `CreateDBInstance` (AWS adds instances to an available cluster only), wait",
        "until the instance is available. AWS's part is played by the proxy's timed status rules: the cluster",
        "answers `creating` for T1 = %g s from the answer to the restore, the instance for T2 = %g s from the answer"
        % (cluster_seconds, instance_seconds),
        "to its create, however often anyone asks; then both are available.",
    ]
    lines += phases
    lines += [
        "Each lane is a whole `ansible-playbook` run against the local endpoint with %g ms added to every call:"
        % settings["latency_ms"],
        "",
        "- **the module**: one task, `graphops.neptune.neptune_cluster_restore` (one instance, `wait: true`); it",
        "  polls every %g s. The role `restore_drill` waits with this module, so its restore and instance waits are"
        % poll,
        "  these;",
        "- **amazon.aws playbook**: what a user of amazon.aws %s writes today. Its `rds_cluster` and `rds_instance`"
        % amazon_aws,
        "  refuse engine `neptune` (their `engine` choices), so no amazon.aws module restores a Neptune cluster or",
        "  adds its instance: the two writes are `ansible.builtin.command` tasks (`benchmarks/restore_writes.py`,",
        "  making the one call each of `aws neptune restore-db-cluster-from-snapshot` and `aws neptune",
        "  create-db-instance` makes, with boto3: the aws CLI is no dependency here), and the waits are",
        "  `amazon.aws.rds_cluster_info` and `amazon.aws.rds_instance_info` tasks repeated with `until:`,",
        "  `retries:` and `delay: %g`, the delay of `rds_cluster`'s own waiter (`DBClusterAvailable` in amazon.aws's"
        % delay,
        "  `module_utils/waiters.py`; `rds_instance` waits with a 60 s delay).",
        "",
        "What is compared: both lanes make the same two writes through the proxy, so the figures that matter do not",
        "depend on how the writes are made. The proxy's log tells, for each wait, the moment the resource became",
        "available (the rule's end) and the answer that first showed it so; the time between is the wait's",
        "**overshoot**. \"Between the waits\" is from noticing the cluster to the answer to the instance's create",
        "(the module: one call; the playbook: the next task, a command). **Time to restore** runs from the restore",
        "call to the answer that showed the instance available; its overshoot is that minus T1 + T2 (the two",
        "overshoots, the step between, and the restore call's own round trip). The wall time of the whole run minus",
        "the run's T1 + T2 adds ansible's and the modules' start-ups.",
        "",
        "### Goals",
        "",
    ]
    lines += goals_table(stats.restore_goals(summary, poll, settings["one_read"], settings["read_budget"]))
    lines += [
        "",
        "### Figures",
        "",
        "Median (min-max) over %d runs a lane, interleaved, after one uncounted run of each; seconds. Calls are per"
        % settings["runs"],
        "run.",
        "",
    ]
    lines += restore_table(summary)
    lines += ["", "### Calls by action", ""]
    lines += restore_actions_table(summary)
    lines += [
        "",
        "The calls of the module's restore of N instances with `wait: true`: `DescribeDBClusters` (is the cluster",
        "there?), `DescribeDBClusterSnapshots` (the snapshot: there, Neptune, available), `RestoreDBClusterFromSnapshot`,",
        "`DescribeDBClusters` every %g s until the cluster is available, `CreateDBInstance` for each instance, then" % poll,
        "`DescribeDBInstances` (one call for all of the cluster's instances) at once and every %g s until all are" % poll,
        "available. Its reads are thus 3, plus one a poll interval of each wait and the one that finds the resource",
        "available: with T1 = %g s and T2 = %g s (the longest here), at most %d. An identical re-run makes three"
        % (cluster_seconds + longest, instance_seconds + longest, settings["read_budget"]),
        "reads (the cluster, its tags, its instances) and no write. The playbook's polls are whole module runs:",
        "`rds_cluster_info` reads the cluster and its tags (`DescribeDBClusters`, `ListTagsForResource`),",
        "`rds_instance_info` the instance (`DescribeDBInstances`, its tags in the answer). Between two of its polls",
        "ansible starts the module again, so its polls come every %g s plus a module start-up (a second or two" % delay,
        "here). The module makes more calls than the playbook because it polls %g times as often: a read every %g s"
        % (delay / poll, poll),
        "is what noticing within %g s costs, a small share of the account's RDS API budget (12 calls a second" % poll,
        "sustained, shared with every other tool).",
        "",
        "### What these figures do not show",
        "",
        "- Real restore times: AWS takes minutes to tens of minutes to restore a Neptune cluster and to create an",
        "  instance; T1 and T2 here are short so that the runs are few minutes. The overshoot does not grow with",
        "  them: it is set by the poll interval, up to %g s a wait for the module, up to %g s and a module start-up"
        % (poll, delay),
        "  for the playbook; where in that range a run falls depends on when its polls happen to come.",
        "- Faults, throttling and timeouts (see [reliability.md](reliability.md) and the module's tests).",
        "- Machine noise: the benchmark shared 2 cores with other work. Load average (1, 5, 15 min) at the start:",
        "  %s; at the end: %s." % (load_start, load_end),
    ]
    if versions:
        lines.append("- Versions: " + ", ".join("%s %s" % item for item in versions.items()) + ".")
    problems = restore_failures(part)
    if problems:
        lines += ["", "Runs that failed or did not end as wanted:", ""] + problems
    lines += [
        "",
        "Reproduce: `BENCH_ONLY=restore BENCH_OUTPUT=docs bash benchmarks/run.sh` rewrites this section alone",
        "(`BENCH_RESTORE_RUNS`, `BENCH_RESTORE_CLUSTER_SECONDS`, `BENCH_RESTORE_INSTANCE_SECONDS`: see",
        "`benchmarks/run.sh`).",
        RESTORE_END,
    ]
    return lines


def section_of(text: str, begin: str, end: str) -> str | None:
    """The section of a doc between its markers (markers included), or None."""
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        return None
    return text[start:stop + len(end)]


def splice_section(text: str, section: str, begin: str, end: str) -> str:
    """text with its section (between begin and end) replaced by `section`, or `section` put before "## How it was
    measured" (or at the end) when text has none."""
    old = section_of(text, begin, end)
    if old is not None:
        return text.replace(old, section, 1)
    anchor = text.find("\n## How it was measured")
    if anchor < 0:
        return text.rstrip("\n") + "\n\n" + section + "\n"
    return text[:anchor + 1] + section + "\n\n" + text[anchor + 1:]


def restore_only(document: dict) -> bool:
    """A results document of the restore scenario alone (BENCH_ONLY=restore)."""
    return bool(document.get("restore")) and not document["scenarios"] and not document.get("pool") \
        and not document.get("startup") and not document.get("rotation")


def render_restore_page(document: dict) -> str:
    """A page of the restore section alone: what a restore-only run writes where there is no page yet."""
    lines = ["# Performance: graphops.neptune next to amazon.aws", "",
             "Written by `bash benchmarks/run.sh` with the restore scenario alone; do not edit by hand, run it again.",
             ""]
    lines += restore_section(document["restore"], document.get("versions")) + [""]
    return "\n".join(lines)


def render(document: dict, images: str, before: dict | None = None) -> str:
    """The whole of docs/performance.md."""
    summaries = summaries_of(document)
    goals = stats.evaluate_goals(summaries)
    settings = document["settings"]
    created = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Performance: graphops.neptune next to amazon.aws",
        "",
        "Written by `bash benchmarks/run.sh` on %s; do not edit by hand, run it again." % created,
        "",
        "The same scenarios run through `graphops.neptune.neptune_cluster_snapshot` (ours) and",
        "`amazon.aws.rds_cluster_snapshot` (the peer; it manages Neptune snapshots through the shared RDS endpoint),",
        "and through `neptune_cluster_snapshot_info` and `amazon.aws.rds_snapshot_info`, as whole `ansible-playbook`",
        "runs against the same local endpoint. API calls are counted exactly, by action, from the proxy's log.",
        "",
        "Medians of %d interleaved runs a module, %g ms added to every call, on a local moto server:" % (
            settings["runs"], settings["latency_ms"]),
        "",
    ]
    lines += headline(summaries)
    lines += rotation_headline(document.get("rotation"))
    lines += restore_headline(document.get("restore"))
    lines += ["", "## Goals", ""]
    lines += goals_table(goals)
    notes = extra_calls_notes(document, summaries)
    if notes:
        lines += ["", "Where the module makes more calls than the peer, and why:", ""] + notes
    wait = summaries.get("create-wait-3")
    if wait and wait["time_ratio"] is not None and wait["time_ratio"] > 0.3:
        lines += ["", "The create+wait goal with 3 `creating` answers: the module polls every 5 s, so three `creating`",
                  "answers cost at least 15 s plus the task's start-up, against the peer's 2 x 30 s; at this few polls",
                  "the start-up (seconds, see below) weighs on the ratio. With 10 answers the ratio falls well below 0.3."]
    problems = failures(document)
    if problems:
        lines += ["", "Runs that failed or did not end as wanted:", ""] + problems
    lines += [
        "",
        "## Scenarios",
        "",
        "Calls are per run (every run of a lane made the same calls unless the column says otherwise). \"time\" is",
        "the wall time of the whole `ansible-playbook` run, what a user waits for; \"task\" is the task alone, from",
        "the json callback (building and running the module, its calls included, without ansible's own start-up,",
        "so less of the machine's noise). Median (min-max) in seconds; ratios are ours/peer.",
        "",
    ]
    lines += scenario_table(document, summaries)
    lines += ["", "![API calls per scenario](%s/%s)" % (images, CHARTS["calls"]), "",
              "![Wall time per scenario](%s/%s)" % (images, CHARTS["time"]), "",
              "![Waiting and the fleet](%s/%s)" % (images, CHARTS["waits"]), "",
              "### Calls by action", ""]
    lines += actions_table(document, summaries)
    lines += [
        "",
        "## The info module: 100 and 1,000 tagged snapshots",
        "",
        "The info scenarios above list one cluster's manual snapshots. " + INFO_WHY,
        "",
        "Tag reads one by one against the module's bounded pool: `snapshot_listing_api.list_snapshots` (what the",
        "module runs) timed in one process through the proxy, with the same per-call latency (`benchmarks/info_pool.py`).",
        "",
    ]
    lines += pool_table(document.get("pool"))
    lines += ["", "![The info module](%s/%s)" % (images, CHARTS["info"]), "",
              "The proxy pages `DescribeDBClusterSnapshots` as AWS does (`MaxRecords` 20-100, default 100; moto alone",
              "answers in one page), so 1,000 snapshots take 10 listing calls for both modules, as on AWS: the calls",
              "counted here are pages. The info module also asks for Neptune snapshots only (the `engine` filter),",
              "which spares the pages of other engines' snapshots in a listing not narrowed to a cluster (250 Aurora",
              "snapshots and 3 Neptune ones: 1 page instead of 3); these scenarios list one Neptune cluster's",
              "snapshots, so the filter changes none of their figures.",
              "",
              "## Module start-up",
              "",
              "What one task costs besides its AWS calls: the module's imports (`python -X importtime`, a fresh",
              "interpreter each time), the AnsiballZ payload ansible builds and ships for the task (kept with",
              "`ANSIBLE_KEEP_REMOTE_FILES=1`), and a task that fails its argument check before any call.",
              ""]
    lines += startup_section(document.get("startup"), before)
    lines += ["", "Both modules spend nearly all of their import time in what `AnsibleAWSModule` brings (ansible's module",
              "basics, boto3, botocore); the module's own code is the \"beyond\" column. The module imports nothing the",
              "peer does not, apart from its own files."]
    lines += ["Each of its imports is used, so none was cut. The one unused import found while measuring",
              "(`SNAPSHOT_FAILURE_STATUSES` in `waiting.py`) went with the module's own work; `snapshot_api.py` loads",
              "`statuses.py` anyway, so it changed neither the payload nor the import time."]
    rotation = rotation_section(document.get("rotation"), images, document.get("versions"))
    if rotation:
        lines += ["", ""] + rotation
    restored = restore_section(document.get("restore"), document.get("versions"))
    if restored:
        lines += ["", ""] + restored
    lines += [
        "",
        "",
        "## How it was measured",
        "",
        "- The endpoint: a moto server behind `tests/support/aws_proxy.py`, which records every call and holds",
        "  each one %g ms before forwarding it (a stand-in for the round trip to an AWS region)." % settings["latency_ms"],
        "- Each run starts from its own state, made straight on moto (not through the proxy, so not counted):",
        "  a new snapshot identifier per run, the snapshot created first where the scenario needs one.",
        "- %d runs a module per scenario, interleaved: ours, peer, then peer, ours, and so on." % settings["runs"],
        "- Create with wait: the proxy's status rule makes the snapshot answer `creating` 3 or 10 times (the create",
        "  answer included) before its real status. The peer's waiter polls every 30 s, so one such run takes 1",
        "  to 5 minutes: its %d runs go at the same time, each through a proxy of its own, started one after"
        % settings["wait_runs"],
        "  the other; ours run one by one meanwhile. The peer's runs are asleep nearly all that time.",
        "- Fleet: one playbook run, %d hosts (one cluster each) at forks=10; calls and time are the whole run's."
        % 20,
        "- Info: the pool comparison runs %d times a worker count, the sequential reads of the largest listing %d"
        % (settings["pool_runs"], settings["sequential_runs"]),
        "  time(s) (about a minute and a half each).",
    ]
    lines += repeated_runs(document)
    lines += [
        "",
        "## What the figures do not show",
        "",
        "- Real AWS latencies: every call here costs the proxy's fixed delay plus moto's and the proxy's CPU on the",
        "  same cores as ansible. On AWS, call times vary and the calls a module saves are worth more.",
        "- Real snapshot durations: moto makes snapshots and copies available at once; waiting is driven only by",
        "  the proxy's status rule. A real snapshot takes minutes, so polling every 5 s instead of 30 s saves up to",
        "  25 s per snapshot, not the minutes of these scenarios' proportions. moto also deletes at once, so",
        "  \"delete with wait\" never waits here.",
        "- Tags in describe answers: moto puts a `TagList` in every snapshot of a describe answer, and the info",
        "  module takes the tags from it. Whether AWS fills `TagList` for Neptune snapshots is not shown here; when",
        "  it does not, the module reads them with one `ListTagsForResource` call a snapshot (the pool's figures).",
        "- Throttling, errors and retries (see [reliability.md](reliability.md)), cross-region copies, sharing.",
        "- Machine noise: the benchmark shared 2 cores with other work; see the load below.",
        "",
        "## Machine and versions",
        "",
    ]
    lines += machine_lines(document)
    lines += [
        "",
        "## Reproduce",
        "",
        "```sh",
        "bash benchmarks/run.sh                  # everything; writes this file and docs/images/performance-*.png",
        "BENCH_QUICK=1 bash benchmarks/run.sh    # a short run; its report goes to tests/output/benchmarks/",
        "BENCH_ONLY=rotation BENCH_OUTPUT=docs bash benchmarks/run.sh   # the rotation section (and chart) alone",
        "BENCH_ONLY=restore BENCH_OUTPUT=docs bash benchmarks/run.sh    # the restore section alone",
        "```",
        "",
        "Without the rotation (`BENCH_ROTATION_SIZES=` empty), a full run takes about 20 minutes on 2 cores, a third",
        "of it in the create+wait scenarios (the peer polls every 30 s); the rotation scenarios add hours (the 1.0.0",
        "role and the plain playbook run one task per snapshot: at 160 clusters a round of the three variants takes",
        "the better part of an hour).",
        "",
        "Knobs: `BENCH_RUNS` (runs a module per scenario, default 5), `BENCH_WAIT_RUNS` (the peer's concurrent",
        "create+wait runs, default 5), `BENCH_LATENCY_MS` (default 30), `BENCH_INFO_COUNTS` (default 100,1000),",
        "`BENCH_ROTATION_SIZES` (default 10,40,160), `BENCH_ROTATION_RUNS` (default `BENCH_RUNS`),",
        "`BENCH_ROTATION_LARGE_RUNS` (runs at the largest size, default 2), `BENCH_RESTORE_RUNS` (default 3),",
        "`BENCH_RESTORE_CLUSTER_SECONDS` and `BENCH_RESTORE_INSTANCE_SECONDS` (default 30 each), `BENCH_ONLY`",
        "(scenario keys, `pool`, `startup`, `rotation`, `restore`), `BENCH_OUTPUT` (where a run's report goes). The",
        "benchmark is not a test and CI does not run it.",
        "",
    ]
    return "\n".join(lines)


def render_rotation_page(document: dict, images: str) -> str:
    """A page of the rotation section alone: what a rotation-only run writes where there is no page yet."""
    lines = ["# Performance: graphops.neptune next to amazon.aws", "",
             "Written by `bash benchmarks/run.sh` with the rotation scenarios alone; do not edit by hand, run it again.",
             ""]
    lines += rotation_headline(document["rotation"])
    lines += [""] + rotation_section(document["rotation"], images, document.get("versions")) + [""]
    return "\n".join(lines)


def document_text(document: dict, images: str, old: str | None, before: dict | None = None) -> str:
    """What report.py writes: the whole page; from a rotation-only or restore-only run (or one of both), the old
    page with that section rewritten; from a run without the rotation or the restore, the new page keeping the old
    page's section of it."""
    versions = document.get("versions")
    if rotation_only(document):
        if not old:
            return render_rotation_page(document, images)
        section = "\n".join(rotation_section(document["rotation"], images, versions))
        return splice_rotation(old, section)
    if restore_only(document):
        if not old:
            return render_restore_page(document)
        return splice_section(old, "\n".join(restore_section(document["restore"], versions)), RESTORE_BEGIN, RESTORE_END)
    if not (document["scenarios"] or document.get("pool") or document.get("startup")) and old:
        text = old  # the rotation and the restore alone: both sections rewritten in the old page
        for section, begin, end in ((rotation_section(document.get("rotation"), images, versions), ROTATION_BEGIN,
                                     ROTATION_END), (restore_section(document.get("restore"), versions),
                                                     RESTORE_BEGIN, RESTORE_END)):
            text = splice_section(text, "\n".join(section), begin, end) if section else text
        return text
    text = render(document, images, before)
    for part, begin, end in (("rotation", ROTATION_BEGIN, ROTATION_END), ("restore", RESTORE_BEGIN, RESTORE_END)):
        kept = section_of(old or "", begin, end)
        if not document.get(part) and kept:
            text = splice_section(text, kept, begin, end)
    return text


def draw_rotation_chart(part: dict, path: Path, plt) -> None:
    """Wall time against the number of clusters, a line per variant (median, bars min-max), without and with DR."""
    summaries = rotation_summaries(part)
    colours = {"module": "#2b6cb0", "v100": "#718096", "plain": "#c05621"}
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for axis, dr in zip(axes, (False, True)):
        rows = sorted((s for s in summaries if s["dr"] == dr), key=lambda s: s["clusters"])
        for variant in stats.ROTATION_VARIANTS:
            points = [(s["clusters"], s["lanes"][variant]["time"]) for s in rows
                      if variant in s["lanes"] and s["lanes"][variant]["time"]["median"] is not None]
            if not points:
                continue
            xs, times = [p[0] for p in points], [p[1] for p in points]
            medians = [t["median"] for t in times]
            errors = [[t["median"] - t["min"] for t in times], [t["max"] - t["median"] for t in times]]
            axis.errorbar(xs, medians, yerr=errors, marker="o", capsize=3, color=colours[variant],
                          label=VARIANT_NAMES[variant])
            for x, y in zip(xs, medians):
                axis.annotate("%.1f" % y, (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7)
        sizes = sorted({s["clusters"] for s in rows})
        axis.set_xscale("log")
        axis.set_yscale("log")
        if sizes:
            axis.set_xticks(sizes, [str(size) for size in sizes])
            axis.minorticks_off()
        axis.set_xlabel("clusters")
        axis.set_title("with DR copies (%s)" % part["settings"]["dr_region"] if dr else "without DR", fontsize=10)
        axis.grid(True, which="major", alpha=0.3)
        axis.legend(fontsize=8, loc="upper left")
    axes[0].set_ylabel("seconds (median; bars: min-max)")
    axes[0].yaxis.set_major_formatter(plt.matplotlib.ticker.FuncFormatter(lambda value, _position: "%g" % value))
    figure.suptitle("Snapshot rotation, one steady night (keep_last %d, %g ms a call)" % (
        part["settings"]["keep_last"], part["settings"]["latency_ms"]), fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def draw_charts(document: dict, images: Path) -> None:
    """The charts of what the document holds: a rotation-only run draws the rotation chart alone."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images.mkdir(parents=True, exist_ok=True)
    if document.get("rotation"):
        draw_rotation_chart(document["rotation"], images / CHARTS["rotation"], plt)
    if not (document["scenarios"] or document.get("pool") or document.get("startup")):
        return  # the rotation or the restore alone: the main charts have nothing to draw
    summaries = summaries_of(document)
    colours = {"ours": "#2b6cb0", "peer": "#c05621"}
    names = {"ours": "graphops.neptune", "peer": "amazon.aws"}
    snapshot = [s for s in document["scenarios"] if not s["key"].startswith("info")]
    quick = [s for s in snapshot if s["key"] not in WAIT_KEYS]
    slow = [s for s in snapshot if s["key"] in WAIT_KEYS]

    def bars(axis, scenario_list, value, error=None, label_format="%g"):
        positions = range(len(scenario_list))
        for offset, lane in ((-0.2, "ours"), (0.2, "peer")):
            values = [value(summaries[s["key"]]["lanes"][lane], s) or 0 for s in scenario_list]
            errors = None
            if error:
                errors = list(zip(*[error(summaries[s["key"]]["lanes"][lane]) for s in scenario_list]))
            drawn = axis.barh([p + offset for p in positions], values, height=0.4, color=colours[lane],
                              label=names[lane], xerr=errors, capsize=2)
            axis.bar_label(drawn, labels=[label_format % v for v in values], padding=3, fontsize=7)
        axis.set_yticks(list(positions), [s["title"] for s in scenario_list], fontsize=8)
        axis.invert_yaxis()
        axis.margins(x=0.12)
        axis.legend(fontsize=8, loc="best")

    def spread(lane):
        time = lane["time"]
        if time["median"] is None:
            return (0, 0)
        return (time["median"] - time["min"], time["max"] - time["median"])

    def median(lane, _scenario):
        return lane["time"]["median"]

    def calls_per_task(lane, scenario):
        total = lane["calls"]["total"]
        return None if total is None else total / scenario.get("hosts", 1)

    for chart, scenario_list, value, error, label_format, height, xlabel, title in (
        ("calls", snapshot, calls_per_task, None, "%g", 4.5,
         "API calls per task (the fleet run: its total / 20 tasks)", "API calls per scenario"),
        ("time", quick, median, spread, "%.1f", 4.5,
         "seconds, whole ansible-playbook run (median, bars min-max)", "Wall time per scenario"),
        ("waits", slow, median, spread, "%.1f", 3, "seconds (median, bars min-max)", "Waiting for a snapshot, and a fleet run"),
    ):
        figure, axis = plt.subplots(figsize=(8, height))
        bars(axis, scenario_list, value, error, label_format)
        axis.set_xlabel(xlabel)
        axis.set_title(title)
        figure.tight_layout()
        figure.savefig(images / CHARTS[chart], dpi=110)
        plt.close(figure)

    info = [s for s in document["scenarios"] if s["key"].startswith("info")]
    pool_rows = [row for row in (document.get("pool") or {}).get("rows", []) if row["time"]["median"] is not None]
    figure, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    if info:
        bars(axes[0], info, median, spread, "%.1f")
    axes[0].set_xlabel("seconds, whole ansible-playbook run")
    axes[0].set_title("Info modules", fontsize=10)
    if pool_rows:
        labels = ["%d snapshots, %d worker%s" % (r["count"], r["workers"], "" if r["workers"] == 1 else "s") for r in pool_rows]
        drawn = axes[1].barh(range(len(pool_rows)), [r["time"]["median"] for r in pool_rows],
                             color=["#718096" if r["workers"] == 1 else colours["ours"] for r in pool_rows])
        axes[1].bar_label(drawn, labels=["%.1f" % r["time"]["median"] for r in pool_rows], padding=3, fontsize=7)
        axes[1].set_yticks(range(len(pool_rows)), labels, fontsize=8)
        axes[1].invert_yaxis()
    axes[1].set_xlabel("seconds, list_snapshots with tags")
    axes[1].set_title("Tag reads: one by one vs the pool", fontsize=10)
    figure.tight_layout()
    figure.savefig(images / CHARTS["info"], dpi=110)
    plt.close(figure)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--doc", required=True)
    parser.add_argument("--images", required=True)
    parser.add_argument("--before", default=None, help="results of the start-up measurement before an import cut")
    args = parser.parse_args(argv)
    document = json.loads(Path(args.results).read_text())
    before = json.loads(Path(args.before).read_text()).get("startup") if args.before else None
    doc, images = Path(args.doc), Path(args.images)
    draw_charts(document, images)
    doc.parent.mkdir(parents=True, exist_ok=True)
    old = doc.read_text() if doc.exists() else None
    doc.write_text(document_text(document, os.path.relpath(images, doc.parent), old, before))
    print("wrote %s and %s/performance-*.png; the headline:" % (doc, images))
    print("\n".join(headline(summaries_of(document)) + rotation_headline(document.get("rotation"))
                    + restore_headline(document.get("restore"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
