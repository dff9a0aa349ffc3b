# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The benchmark's pure parts: its arithmetic, its goals, the report it writes, and what it reads."""

from __future__ import annotations

import base64
import io
import json
import zipfile

import pytest

import playbook
import report
import startup
import stats


def run(seconds, calls, ok=True, changed=1):
    return {"seconds": seconds, "task_seconds": seconds / 2, "calls": calls, "ok": ok, "changed": changed,
            "message": "" if ok else "boom"}


def scenario(key, ours, peer, title=None):
    return {"key": key, "title": title or key, "runs": {"ours": ours, "peer": peer}}


def document(*scenarios):
    return {
        "scenarios": list(scenarios),
        "settings": {"runs": 5, "wait_runs": 5, "latency_ms": 30, "pool_runs": 3, "sequential_runs": 1},
        "machine": {"nproc": 2, "cpu": "Test CPU", "machine": "x86_64", "system": "Linux", "load_start": [1, 2, 3]},
        "versions": {"python": "3.11"},
        "pool": None,
        "startup": None,
    }


DESCRIBE = "DescribeDBClusterSnapshots"


def test_summarize_gives_median_min_max():
    assert stats.summarize([3.0, 1.0, 2.0, 10.0]) == {"n": 4, "median": 2.5, "min": 1.0, "max": 10.0}
    assert stats.summarize([]) == {"n": 0, "median": None, "min": None, "max": None}


@pytest.mark.parametrize("ours, peer, expected", [(1.0, 4.0, 0.25), (None, 4.0, None), (1.0, None, None), (1.0, 0, None)])
def test_ratio(ours, peer, expected):
    assert stats.ratio(ours, peer) == expected


def test_count_actions_counts_the_proxy_log_most_frequent_first():
    log = [{"action": "ListTagsForResource"}, {"action": DESCRIBE}, {"action": DESCRIBE}, {"action": None}]
    assert list(stats.count_actions(log).items()) == [(DESCRIBE, 2), ("?", 1), ("ListTagsForResource", 1)]


def test_typical_calls_takes_the_common_breakdown_and_says_when_runs_differ():
    runs = [run(1, {DESCRIBE: 2}), run(1, {DESCRIBE: 2}), run(1, {DESCRIBE: 3})]
    calls = stats.typical_calls(runs)
    assert calls["by_action"] == {DESCRIBE: 2} and calls["total"] == 2
    assert calls["varied"] is True and calls["totals"] == [2, 3]
    assert stats.typical_calls(runs[:2])["varied"] is False


def test_failed_runs_count_in_neither_time_nor_calls():
    lane = stats.lane_summary([run(1.0, {DESCRIBE: 2}), run(99.0, {DESCRIBE: 9}, ok=False)])
    assert lane["time"]["median"] == 1.0 and lane["calls"]["total"] == 2 and lane["failed"] == 1


def test_scenario_summary_ratios_are_ours_over_peer():
    summary = stats.scenario_summary(scenario("x", [run(1.0, {DESCRIBE: 2}), run(3.0, {DESCRIBE: 2})],
                                              [run(4.0, {DESCRIBE: 4})]))
    assert summary["time_ratio"] == 0.5
    assert summary["calls_ratio"] == 0.5


def goals_of(*scenarios):
    return {goal["goal"]: goal for goal in stats.evaluate_goals(report.summaries_of(document(*scenarios)))}


def test_goals_met():
    goals = goals_of(
        scenario("rerun", [run(1.0, {DESCRIBE: 1, "ListTagsForResource": 1})], [run(2.0, {DESCRIBE: 3})]),
        scenario("create-wait-3", [run(18.0, {DESCRIBE: 4})], [run(63.0, {DESCRIBE: 5})]),
        scenario("fleet", [run(10.0, {DESCRIBE: 40})], [run(10.0, {DESCRIBE: 40})]),
    )
    assert goals["API calls <= the peer's in every scenario"]["met"] is True
    assert goals["an identical re-run costs 2 calls"]["met"] is True
    assert goals["create+wait (3 x creating) at most 0.3x the peer's time"]["met"] is True
    assert goals["fleet run (20 clusters, forks=10) at most the peer's time"]["met"] is True
    assert goals["identical re-run wall time at most the peer's"]["figure"] == "0.500x"
    assert goals["create+wait (10 x creating) at most 0.3x the peer's time"]["met"] is None


def test_goals_missed():
    goals = goals_of(
        scenario("rerun", [run(3.0, {DESCRIBE: 3})], [run(2.0, {DESCRIBE: 3})]),
        scenario("delete", [run(1.0, {DESCRIBE: 1, "ListTagsForResource": 1, "DeleteDBClusterSnapshot": 1})],
                 [run(1.0, {DESCRIBE: 1, "DeleteDBClusterSnapshot": 1})]),
        scenario("create-wait-3", [run(19.5, {DESCRIBE: 4})], [run(63.0, {DESCRIBE: 5})]),
    )
    calls = goals["API calls <= the peer's in every scenario"]
    assert calls["met"] is False and "delete (3 vs 2)" in calls["figure"]
    assert goals["an identical re-run costs 2 calls"]["met"] is False
    assert goals["identical re-run wall time at most the peer's"]["met"] is False
    assert goals["create+wait (3 x creating) at most 0.3x the peer's time"]["met"] is False


def test_render_writes_the_figures_the_goals_and_the_reasons():
    text = report.render(document(
        scenario("delete", [run(2.0, {DESCRIBE: 1, "ListTagsForResource": 1, "DeleteDBClusterSnapshot": 1})] * 5,
                 [run(4.0, {DESCRIBE: 1, "DeleteDBClusterSnapshot": 1})] * 5, title="delete"),
        scenario("copy", [run(1.0, {DESCRIBE: 1}), run(1.0, {DESCRIBE: 1}, ok=False)], [run(1.0, {DESCRIBE: 1})]),
    ), "images")
    assert "| delete | 5/5 | 3 | 2 | 1.50x | 2.00 (2.00-2.00) | 4.00 (4.00-4.00) | 0.50x " \
           "| 1.00 (1.00-1.00) | 2.00 (2.00-2.00) | 0.50x |" in text
    assert "| API calls <= the peer's in every scenario | **not met** | more calls in: delete (3 vs 2) |" in text
    assert "- **delete**: 3 calls against 2: the module reads" in text
    assert "**copy**" not in text  # equal calls: no excuse needed
    assert "- copy, ours, run 1: boom" in text
    assert "![API calls per scenario](images/performance-calls.png)" in text
    assert "2 CPUs (`nproc`), Test CPU" in text


def test_pool_table_speed_up_against_the_sequential_run():
    pool = {"workers": [1, 8], "rows": [
        {"count": 100, "workers": 1, "time": stats.summarize([8.0]), "calls": {DESCRIBE: 1, "ListTagsForResource": 100}},
        {"count": 100, "workers": 8, "time": stats.summarize([1.0, 2.0, 3.0]), "calls": {DESCRIBE: 1, "ListTagsForResource": 100}},
    ]}
    lines = report.pool_table(pool)
    assert lines[2] == "| 100 | 1 | 1 | 8.00 | 8.00 | 8.00 | 1.00x | 1 | 100 |"
    assert lines[3] == "| 100 | 8 | 3 | 2.00 | 1.00 | 3.00 | 4.00x | 1 | 100 |"


def test_parse_importtime_finds_the_module_line():
    stderr = "\n".join([
        "import time: self [us] | cumulative | imported package",
        "import time:       100 |        100 |   boto3",
        "import time:      5000 |     250000 | ansible_collections.graphops.neptune.plugins.modules.neptune_cluster_snapshot",
    ])
    parsed = startup.parse_importtime(stderr, startup.python_name("graphops.neptune.neptune_cluster_snapshot"))
    assert parsed == {"us": 250000, "modules": 2}


def test_payload_contents_reads_the_zip_inside_the_wrapper():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ansible_collections/graphops/neptune/plugins/modules/m.py", "x" * 1500)
        archive.writestr("ansible/module_utils/basic.py", "y" * 10)
    blob = base64.b64encode(buffer.getvalue()).decode()
    wrapper = "#!/usr/bin/python\n_ansiballz_main(zip_data='%s')\n" % blob
    contents = startup.payload_contents(wrapper)
    assert contents["bytes"] == len(wrapper) and contents["files"] == 2
    assert contents["collection_files"] == {"graphops/neptune/plugins/modules/m.py": 1500}


def test_read_result_reads_the_json_callback():
    stdout = "warning first\n" + json.dumps({
        "plays": [{"tasks": [{
            "task": {"duration": {"start": "2026-11-30T08:38:10.500000Z", "end": "2026-11-30T08:38:12.250000Z"}},
            "hosts": {"a": {"changed": True}, "b": {"failed": True, "msg": "no such cluster"}},
        }]}],
        "stats": {"a": {"ok": 1, "changed": 1, "failures": 0}, "b": {"ok": 0, "changed": 0, "failures": 1}},
    })
    assert playbook.read_result(stdout) == {
        "ok_hosts": 1, "failed_hosts": 1, "changed": 1, "message": "no such cluster", "task_seconds": 1.75}


def test_repeated_runs_are_reported():
    repeated = dict(run(1.0, {DESCRIBE: 1}), repeats=2)
    text = report.render(document(scenario("fleet", [repeated], [run(1.0, {DESCRIBE: 1})], title="fleet")), "images")
    assert "such a run was made again: fleet 2." in text
    assert "made again" not in report.render(document(scenario("fleet", [run(1.0, {})], [run(1.0, {})])), "images")


def test_a_run_that_changed_what_it_should_not_is_listed():
    changed = dict(run(1.0, {DESCRIBE: 2}, changed=1), changed_ok=False)
    text = report.render(document(scenario("rerun", [changed], [run(1.0, {DESCRIBE: 3})], title="identical re-run")), "images")
    assert "- identical re-run, ours, run 0: reported changed on 1 host(s)" in text


def test_every_run_names_valid_distinct_snapshots():
    """Each run of each lane starts from its own snapshots, with identifiers AWS (and the module) accept."""
    import bench
    import scenarios
    from ansible_collections.graphops.neptune.plugins.module_utils.validation import normalize_identifier

    seen = set()
    for scenario in scenarios.snapshot_scenarios():
        for lane in ("ours", "peer"):
            for number in range(10):
                for host in bench.host_vars(scenario, lane, number).values():
                    assert normalize_identifier(host["snapshot_id"], "db_cluster_snapshot_identifier") == host["snapshot_id"]
                    assert host["snapshot_id"] not in seen
                    seen.add(host["snapshot_id"])
    assert len(seen) == 10 * 2 * (len(scenarios.snapshot_scenarios()) - 1 + scenarios.FLEET_SIZE)
