# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation benchmark's pure parts: its fixtures' arithmetic, its goals, and the report section it writes."""

from __future__ import annotations

import pytest

import report
import rotation
import stats

CREATE, DELETE, COPY = "CreateDBClusterSnapshot", "DeleteDBClusterSnapshot", "CopyDBClusterSnapshot"
DESCRIBE, CLUSTERS = "DescribeDBClusterSnapshots", "DescribeDBClusters"


def module_calls(clusters, dr=False):
    calls = {CREATE: clusters, DELETE: clusters * (2 if dr else 1), DESCRIBE: 2 if dr else 1, CLUSTERS: 1}
    if dr:
        calls[COPY] = clusters
    return calls


def run(seconds, calls, ok=True, by_region=None, **extra):
    return dict({"seconds": seconds, "task_seconds": seconds - 0.5, "calls": calls, "ok": ok, "changed": 1,
                 "message": "" if ok else "boom", "end_state_ok": ok,
                 "calls_by_region": by_region or {"us-east-1": sum(calls.values())}}, **extra)


def scenario(clusters, dr, module, v100, plain):
    return {"key": "rotation-%d%s" % (clusters, "-dr" if dr else ""),
            "title": "%d clusters%s" % (clusters, ", DR copies" if dr else ""), "clusters": clusters, "dr": dr,
            "runs": {"module": module, "v100": v100, "plain": plain}}


def part(*scenarios):
    return {
        "settings": {"name": "nightly", "keep_last": 3, "history_days": [1, 2, 3], "now": "2030-01-04T03:00:00+00:00",
                     "region": "us-east-1", "dr_region": "us-west-2", "latency_ms": 30, "v100_commit": "a33cc9f",
                     "variants": ["module", "v100", "plain"], "sizes": [], "runs": {}},
        "scenarios": list(scenarios), "v100_error": None, "load_start": [1.0, 1.0, 1.0], "load_end": [2.0, 2.0, 2.0],
        "seconds": 600, "measured_at": "2026-12-02 15:00 UTC",
    }


def document(rotation_part=None, scenarios=()):
    return {
        "scenarios": list(scenarios), "rotation": rotation_part, "pool": None, "startup": None,
        "settings": {"runs": 5, "wait_runs": 5, "latency_ms": 30, "pool_runs": 3, "sequential_runs": 1},
        "machine": {"nproc": 2, "cpu": "Test CPU", "machine": "x86_64", "system": "Linux", "load_start": [1, 2, 3]},
        "versions": {"python": "3.11"},
    }


def forty(module_seconds=(4.0, 5.0, 6.0), dr=False):
    return scenario(40, dr, [run(s, module_calls(40, dr)) for s in module_seconds],
                    [run(s, {DESCRIBE: 81, CREATE: 40, DELETE: 40, CLUSTERS: 40}) for s in (100.0, 120.0, 140.0)],
                    [run(s, {DESCRIBE: 200, CREATE: 40, DELETE: 40}) for s in (150.0, 160.0)])


# ---- the fixtures ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", rotation.VARIANTS)
def test_a_steady_night_makes_one_and_prunes_one_per_cluster(variant):
    clusters = rotation.cluster_ids(2)
    before = rotation.history(clusters, dr=True, variant=variant)
    after = rotation.expected_after(clusters, dr=True, variant=variant)
    for region in (rotation.REGION, rotation.DR_REGION):
        named = (lambda i: rotation.copy_id(i, variant)) if region == rotation.DR_REGION else (lambda i: i)
        assert len(before[region]) == 2 * rotation.KEEP_LAST
        made = set(after[region]) - set(before[region])
        pruned = set(before[region]) - set(after[region])
        assert made == {named(rotation.snapshot_id(c, rotation.NOW)) for c in clusters}
        assert pruned == {named(rotation.snapshot_id(c, rotation.day(min(rotation.HISTORY_DAYS)))) for c in clusters}
    # The module's copies end in the region they came from; the other variants' keep their source's name.
    assert all(i.endswith("-" + rotation.REGION) == (variant == "module") for i in after[rotation.DR_REGION])
    assert rotation.expected_after(clusters, dr=False)[rotation.DR_REGION] == []
    assert rotation.history(clusters, dr=False)[rotation.DR_REGION] == {}


def test_every_snapshot_of_a_night_has_its_day_as_creation_time():
    clusters = rotation.cluster_ids(3)
    rules = {rule["snapshot"]: rule["time"] for rule in rotation.create_time_rules(clusters)}
    wanted = set(rotation.history(clusters, dr=False)[rotation.REGION]) | set(rotation.expected_after(clusters, False)[rotation.REGION])
    assert set(rules) == wanted | {rotation.copy_id(i, "module") for i in wanted}
    assert rules["bench-rot-002-nightly-20300101-030000"] == "2030-01-01T03:00:00Z"
    assert rules["bench-rot-002-nightly-20300104-030000"] == "2030-01-04T03:00:00Z"


def test_the_history_carries_the_marks_the_module_and_the_1_0_0_role_prune_by():
    from ansible_collections.graphops.neptune.plugins.module_utils import rotation_marks

    snapshot = {"engine": "neptune", "snapshot_type": "manual", "db_cluster_identifier": "bench-rot-000"}
    history = rotation.history(["bench-rot-000"], dr=True, variant="module")
    for identifier, (cluster, tags) in history[rotation.REGION].items():
        facts = dict(snapshot, db_cluster_snapshot_identifier=identifier, tags=tags)
        assert rotation_marks.is_original(facts, cluster, rotation.NAME, rotation.REGION)
    for identifier, (cluster, tags) in history[rotation.DR_REGION].items():
        facts = dict(snapshot, db_cluster_snapshot_identifier=identifier, tags=tags)
        assert rotation_marks.is_copy(facts, cluster, rotation.NAME, rotation.REGION)
        assert tags[rotation.ROTATION_TAG] == rotation.NAME  # all the 1.0.0 role looks at
    assert rotation.snapshot_id("bench-rot-000", rotation.NOW) == \
        rotation_marks.snapshot_identifier("bench-rot-000", rotation.NAME, rotation.NOW)


def test_the_largest_size_may_have_fewer_runs_and_only_picks_them():
    scenarios = rotation.rotation_scenarios([10, 40, 160], runs=5, large_runs=2)
    assert [(s.key, s.runs) for s in scenarios] == [
        ("rotation-10", 5), ("rotation-10-dr", 5), ("rotation-40", 5), ("rotation-40-dr", 5),
        ("rotation-160", 2), ("rotation-160-dr", 2)]
    assert [s.runs for s in rotation.rotation_scenarios([10], runs=1, large_runs=2)] == [1, 1]
    assert rotation.wanted_keys({"rotation"}, scenarios) == scenarios
    assert [s.key for s in rotation.wanted_keys({"rotation-40-dr", "fleet"}, scenarios)] == ["rotation-40-dr"]
    assert rotation.wanted_keys({"fleet", "pool"}, scenarios) == []
    assert rotation.wanted_keys(set(), scenarios) == scenarios


def test_the_plain_playbook_copies_and_prunes_in_the_dr_region_only_with_dr():
    for dr in (False, True):
        play = rotation.plain_playbook(rotation.RotationScenario("k", "t", 2, dr, 1), "http://proxy")[0]
        modules = [next(key for key in task if "." in key) for task in play["tasks"]]
        assert modules.count("amazon.aws.rds_snapshot_info") == (2 if dr else 1)
        assert modules.count("amazon.aws.rds_cluster_snapshot") == (4 if dr else 2)
        assert all(module.startswith(("amazon.aws.", "ansible.builtin.")) for module in modules)
        assert play["module_defaults"]["group/aws"]["endpoint_url"] == "http://proxy"


def test_the_role_playbook_sets_the_dr_region_only_with_dr():
    for dr in (False, True):
        play = rotation.role_playbook(rotation.RotationScenario("k", "t", 3, dr, 1), "http://proxy")[0]
        role_vars = play["roles"][0]["vars"]
        assert role_vars["snapshot_rotation_clusters"] == rotation.cluster_ids(3)
        assert ("snapshot_rotation_dr_region" in role_vars) is dr
        assert play["module_defaults"]["group/graphops.neptune.aws"]["endpoint_url"] == "http://proxy"


def test_calls_by_region_and_what_a_wrong_night_left():
    calls = [{"region": "us-east-1"}, {"region": "us-west-2"}, {"region": "us-east-1"}, {}]
    assert rotation.calls_by_region(calls) == {"us-east-1": 2, "us-west-2": 1, "?": 1}
    difference = rotation.end_state_difference({"us-east-1": ["a", "c"]}, {"us-east-1": ["a", "b"], "us-west-2": []})
    assert difference == {"us-east-1": {"missing": 1, "extra": 1, "missing_some": ["b"], "extra_some": ["c"]}}


# ---- the goals and the figures -----------------------------------------------------------------------------
def test_rotation_summary_per_cluster_and_ratios():
    summary = stats.rotation_summary(forty())
    assert summary["per_cluster"]["module"] == 5.0 / 40
    assert summary["vs_v100"]["module"] == 5.0 / 120.0
    assert summary["vs_plain"]["v100"] == 120.0 / 155.0
    assert summary["lanes"]["module"]["by_region"] == {"us-east-1": 82}


def goals_of(*scenarios):
    return {goal["goal"]: goal for goal in stats.rotation_goals([stats.rotation_summary(s) for s in scenarios])}


CALLS_GOAL = "a steady night without DR costs the module at most 2N+6 API calls (N clusters)"
TIME_GOAL = "40 clusters, without DR: the module's wall time at most 0.1x the 1.0.0 role's"
TIME_GOAL_DR = "40 clusters, with DR copies: the module's wall time at most 0.1x the 1.0.0 role's"


def test_rotation_goals_met():
    ten = scenario(10, False, [run(3.0, module_calls(10))], [run(30.0, {CREATE: 10})], [run(40.0, {CREATE: 10})])
    goals = goals_of(ten, forty(), forty(dr=True))
    assert goals[CALLS_GOAL] == {"goal": CALLS_GOAL, "met": True, "figure": "10 clusters: 22 of 26; 40 clusters: 82 of 86"}
    assert goals[TIME_GOAL]["met"] is True and goals[TIME_GOAL]["figure"] == "0.042x (5.0 s against 120.0 s)"
    assert goals[TIME_GOAL_DR]["met"] is True


def test_rotation_goals_missed_or_not_measured():
    costly = scenario(40, False, [run(13.0, dict(module_calls(40), ListTagsForResource=5)), run(14.0, module_calls(40))],
                      [run(120.0, {CREATE: 40})], [run(150.0, {CREATE: 40})])
    goals = goals_of(costly)
    assert goals[CALLS_GOAL]["met"] is False and goals[CALLS_GOAL]["figure"] == "40 clusters: 87 of 86"  # the worst run
    assert goals[TIME_GOAL]["met"] is False and goals[TIME_GOAL]["figure"].startswith("0.113x")
    assert goals[TIME_GOAL_DR] == {"goal": TIME_GOAL_DR, "met": None, "figure": "not measured"}
    assert goals_of()[CALLS_GOAL]["met"] is None


def test_rate_floor_is_the_busiest_regions_calls_beyond_the_burst():
    assert stats.rate_floor({"us-east-1": 322, "us-west-2": 321}, 100, 10.0) == 22.2
    assert stats.rate_floor({"us-east-1": 82}, 100, 10.0) == 0
    assert stats.rate_floor({}, 100, 10.0) == 0


def test_the_report_uses_the_modules_own_bucket():
    from ansible_collections.graphops.neptune.plugins.module_utils import rotation_api

    assert (report.ROTATION_BURST, report.ROTATION_RATE) == (rotation_api.BURST, rotation_api.RATE)


# ---- the section -------------------------------------------------------------------------------------------
def large():
    by_region = {"us-east-1": 322}
    return scenario(160, False, [run(s, module_calls(160), by_region=by_region) for s in (30.0, 31.0)],
                    [run(500.0, {CREATE: 160})], [run(600.0, {CREATE: 160})])


def test_rotation_section_writes_the_goals_the_figures_and_the_floor():
    text = "\n".join(report.rotation_section(part(forty(), large()), "images", {"moto": "5.2.5"}))
    assert text.startswith(report.ROTATION_BEGIN) and text.endswith(report.ROTATION_END)
    assert "| %s | met | 40 clusters: 82 of 86; 160 clusters: 322 of 326 |" % CALLS_GOAL in text
    assert "| %s | met | 0.042x (5.0 s against 120.0 s) |" % TIME_GOAL in text
    assert "| %s | not measured | not measured |" % TIME_GOAL_DR in text
    assert "| 40 | no | module | 3 | 5.00 (4.00-6.00) | 0.12 | 0.042x | 0.032x | 82 | 2.05 |" in text
    assert "| 40 | no | 1.0.0 role | 3 | 120.00 (100.00-140.00) | 3.00 | 1.00x | 0.77x | 201 | 5.03 |" in text
    assert "| 40 | no | plain playbook | 2 | 155.00 (150.00-160.00) | 3.88 | 1.29x | 1.00x | 280 | 7.00 |" in text
    assert "| 40 | no | module | CreateDBClusterSnapshot 40, DeleteDBClusterSnapshot 40, DescribeDBClusterSnapshots 1, " \
           "DescribeDBClusters 1 | us-east-1 82 |" in text
    assert "  - 160 clusters: 322 calls in us-east-1, so at least 22.2 s; the module took 30.5 s (median)." in text
    assert "Runs per variant: 3 at 40 clusters, 2 at 160 clusters." in text
    assert "![Rotation wall time by number of clusters](images/performance-rotation.png)" in text
    assert "- Versions: moto 5.2.5." in text
    assert "did not end as wanted" not in text


def test_rotation_section_without_a_floor_says_so():
    text = "\n".join(report.rotation_section(part(forty()), "images"))
    assert "no scenario here came to that." in text and "so at least" not in text


def test_rotation_section_lists_failed_and_wrong_runs():
    wrong = run(5.0, module_calls(40), end_state={"us-east-1": {"missing": 1}})
    wrong["end_state_ok"] = False
    failed = scenario(40, False, [wrong, run(9.0, {}, ok=False)], [run(120.0, {CREATE: 40})], [])
    text = "\n".join(report.rotation_section(part(failed), "images"))
    assert "- 40 clusters, module, run 0: ran, but left other snapshots than a steady night leaves: " \
           '{"us-east-1": {"missing": 1}}' in text
    assert "- 40 clusters, module, run 1: boom" in text
    assert "| 40 | no | module | 2 (1 failed) | 5.00 (5.00-5.00) |" in text


def test_rotation_headline_for_the_doc_and_the_readme():
    lines = report.rotation_headline(part(forty(), forty(dr=True), large()))
    assert lines[0] == ("- snapshot rotation, 40 clusters (one steady night): the module 5.0 s against the 1.0.0 "
                        "role's 120.0 s (0.042x) and the plain playbook's 155.0 s (0.032x); 82 API calls against 201 and 280.")
    assert lines[1].startswith("- snapshot rotation, 40 clusters, with DR copies (one steady night)")
    assert len(lines) == 2


def test_rotation_runs_text_groups_the_sizes():
    text = report.rotation_runs_text(part(scenario(10, False, [run(1, {})] * 5, [], []), forty(range(5)),
                                          scenario(160, True, [run(1, {})] * 2, [run(1, {})] * 2, [])))
    assert text == "5 at 10 and 40 clusters, 2 at 160 clusters"


# ---- where the section goes ----------------------------------------------------------------------------------
PAGE = "# Performance\n\nfigures\n\n## How it was measured\n\n- this\n"


def test_a_rotation_only_run_puts_its_section_before_how_it_was_measured_and_keeps_the_rest():
    text = report.document_text(document(part(forty())), "images", PAGE)
    assert text.startswith("# Performance\n\nfigures\n\n" + report.ROTATION_BEGIN)
    assert text.endswith(report.ROTATION_END + "\n\n## How it was measured\n\n- this\n")
    again = report.document_text(document(part(forty(module_seconds=(7.0,)))), "images", text)
    assert again.count(report.ROTATION_BEGIN) == 1 and "| 40 | no | module | 1 | 7.00 (7.00-7.00) |" in again
    assert "5.00 (4.00-6.00)" not in again and again.endswith("## How it was measured\n\n- this\n")


def test_a_rotation_only_run_without_a_page_writes_one():
    text = report.document_text(document(part(forty())), "images", None)
    assert text.startswith("# Performance: graphops.neptune next to amazon.aws")
    assert "- snapshot rotation, 40 clusters (one steady night)" in text and report.ROTATION_END in text


def test_a_full_run_writes_the_section_and_one_without_rotation_keeps_the_old_one():
    fleet = {"key": "fleet", "title": "fleet", "runs": {"ours": [run(1.0, {CREATE: 1})], "peer": [run(1.0, {CREATE: 1})]}}
    full = report.document_text(document(part(forty()), [fleet]), "images", None)
    assert full.count(report.ROTATION_BEGIN) == 1
    assert full.index(report.ROTATION_END) < full.index("## How it was measured")
    assert "- snapshot rotation, 40 clusters (one steady night)" in full.split("## Goals")[0]
    without = report.document_text(document(None, [fleet]), "images", full)
    assert report.rotation_part_of(without) == report.rotation_part_of(full)
    assert report.rotation_part_of(report.document_text(document(None, [fleet]), "images", None)) is None
