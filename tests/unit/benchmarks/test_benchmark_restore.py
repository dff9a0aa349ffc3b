# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore benchmark's pure parts: its playbooks, reading the proxy's log, its goals, and its report section."""

from __future__ import annotations

import pytest

import report
import restore
import stats

CLUSTERS, INSTANCES, SNAPSHOTS = "DescribeDBClusters", "DescribeDBInstances", "DescribeDBClusterSnapshots"
RESTORE, CREATE, TAGS = "RestoreDBClusterFromSnapshot", "CreateDBInstance", "ListTagsForResource"


# ---- the playbooks -----------------------------------------------------------------------------------------------
def test_the_module_lane_is_one_task_restoring_one_instance_with_wait():
    play = restore.ours_playbook("bench-restore-ours-0", "http://proxy")[0]
    assert play["module_defaults"] == {"group/graphops.neptune.aws": {"region": "us-east-1", "endpoint_url": "http://proxy"}}
    (task,) = play["tasks"]
    args = task["graphops.neptune.neptune_cluster_restore"]
    assert args["db_cluster_identifier"] == "bench-restore-ours-0" and args["snapshot"] == restore.SNAPSHOT
    assert (args["instance_count"], args["wait"], args["wait_timeout"]) == (1, True, 5400)


def test_the_peer_lane_writes_by_command_and_polls_amazon_aws_info_modules_every_20_seconds():
    play = restore.peer_playbook("bench-restore-peer-0", "http://proxy")[0]
    writes = [t for t in play["tasks"] if "ansible.builtin.command" in t]
    waits = [t for t in play["tasks"] if "until" in t]
    assert [w["ansible.builtin.command"]["argv"][2] for w in writes] == ["restore-cluster", "create-instance"]
    assert [next(k for k in w if k.startswith("amazon.aws.")) for w in waits] == [
        "amazon.aws.rds_cluster_info", "amazon.aws.rds_instance_info"]
    assert all(w["delay"] == 20 and w["retries"] * w["delay"] == 5400 for w in waits)
    assert play["vars"]["instance"] == restore.instance_id("bench-restore-peer-0") == "bench-restore-peer-0-1"
    assert [list(t)[1] for t in play["tasks"]] == ["ansible.builtin.command", "amazon.aws.rds_cluster_info",
                                                   "ansible.builtin.command", "amazon.aws.rds_instance_info"]


def test_the_peer_delay_is_amazon_aws_rds_cluster_waiters():
    from ansible_collections.amazon.aws.plugins.module_utils import waiters

    assert waiters.rds_data["waiters"]["DBClusterAvailable"]["delay"] == restore.PEER_DELAY


def test_the_module_poll_interval_is_the_benchmarks():
    from ansible_collections.graphops.neptune.plugins.module_utils import waiting

    assert waiting.POLL_INTERVAL == restore.POLL_INTERVAL


def test_amazon_aws_rds_modules_refuse_engine_neptune():
    import inspect

    from ansible_collections.amazon.aws.plugins.modules import rds_cluster
    from ansible_collections.amazon.aws.plugins.modules import rds_instance

    assert "neptune" not in rds_instance.valid_engines
    assert 'engine=dict(choices=["aurora", "aurora-mysql", "aurora-postgresql", "mysql", "postgres"])' in \
        inspect.getsource(rds_cluster)


def test_status_rules_hold_the_cluster_then_its_instance_for_their_seconds_and_the_runs_offset():
    scenario = restore.restore_scenario(3, 30, 45)
    assert restore.status_rules("c", scenario) == [
        {"type": "status", "cluster": "c", "statuses": "creating", "seconds": 30},
        {"type": "status", "instance": "c-1", "statuses": "creating", "seconds": 45}]
    assert [rule["seconds"] for rule in restore.status_rules("c", scenario, 2)] == [33.33, 48.33]


@pytest.mark.parametrize("runs, offsets", [(1, [0.0]), (2, [0.0, 2.5]), (3, [0.0, 1.67, 3.33]),
                                           (5, [0.0, 1.0, 2.0, 3.0, 4.0])])
def test_the_runs_spread_over_one_poll_interval(runs, offsets):
    assert restore.restore_scenario(runs, 30, 30).offsets() == offsets


def test_the_read_budget():
    # 3 reads, then 6 polls and the finding one for each 30 s wait
    assert restore.read_budget(30, 30) == 3 + 7 + 7
    assert restore.read_budget(31, 5) == 3 + 8 + 2


@pytest.mark.parametrize("only, wanted", [(set(), True), ({"restore"}, True), ({"rotation"}, False),
                                          ({"create", "restore"}, True)])
def test_the_restore_part_runs_when_asked_or_with_everything(only, wanted):
    assert restore.wanted(only) is wanted


def test_expected_end_states():
    assert restore.expected_state("c", "serving") == {"cluster": True, "instances": [("c-1", "c")]}
    assert restore.expected_state("c", "gone") == {"cluster": False, "instances": []}
    assert set(restore.END_STATES) == set(restore.PLAYBOOKS)


# ---- reading the proxy's log ----------------------------------------------------------------------------------
def rules(cluster_start=100.0, instance_start=140.0, t1=30.0, t2=30.0):
    return [{"type": "fault", "fault": "slow"},
            {"type": "status", "kind": "cluster", "seconds": t1, "started_at": cluster_start,
             "ends_at": None if cluster_start is None else cluster_start + t1},
            {"type": "status", "kind": "instance", "seconds": t2, "started_at": instance_start,
             "ends_at": None if instance_start is None else instance_start + t2}]


def call(action, at, answered=None, rewritten=None, status=200):
    return {"action": action, "at": at, "answered_at": at + 0.05 if answered is None else answered,
            "rewritten_status": rewritten, "status": status}


def log():
    return [
        call(CLUSTERS, 99.0, status=404),
        call(SNAPSHOTS, 99.5),
        call(RESTORE, 99.9, answered=100.0, rewritten="creating"),
        call(CLUSTERS, 105.0, rewritten="creating"),
        call(CLUSTERS, 129.99, answered=130.02, rewritten="creating"),  # rewritten just before the end
        call(CLUSTERS, 134.0),  # the first answer with the real status: noticed 4.05 s late
        call(CREATE, 139.9, answered=140.0, rewritten="creating"),
        call(INSTANCES, 140.1, rewritten="creating"),
        call(INSTANCES, 171.0),  # noticed 1.05 s late
        call(INSTANCES, 176.0),
    ]


def test_wait_figures_from_the_proxys_log():
    figures = restore.wait_figures(log(), rules())
    assert figures["overshoot"] == {"cluster": pytest.approx(4.05), "instance": pytest.approx(1.05)}
    assert figures["between"] == pytest.approx(140.0 - 134.05)
    assert figures["time_to_restore"] == pytest.approx(171.05 - 99.9)
    assert figures["restore_overshoot"] == pytest.approx(171.05 - 99.9 - 60)


def test_wait_figures_where_the_log_does_not_tell():
    unfinished = [c for c in log() if not (c["action"] == INSTANCES and c["rewritten_status"] is None)]
    figures = restore.wait_figures(unfinished, rules())
    assert figures["overshoot"] == {"cluster": pytest.approx(4.05), "instance": None}
    assert figures["time_to_restore"] is None and figures["restore_overshoot"] is None
    never = restore.wait_figures(log()[:3], rules(instance_start=None))
    assert never == {"overshoot": {"cluster": None, "instance": None}, "between": None, "time_to_restore": None,
                     "restore_overshoot": None}
    assert restore.timed_rules([{"type": "status", "kind": "cluster", "statuses": ["creating"]}]) == {}


# ---- the summary, the goals and the section -------------------------------------------------------------------
def run(seconds, cluster, instance, calls, ok=True, **extra):
    restore_overshoot = None if instance is None else cluster + instance + 0.2
    return dict({"seconds": seconds, "task_seconds": seconds - 3, "calls": calls, "ok": ok, "changed": 1,
                 "message": "" if ok else "boom", "end_state_ok": ok,
                 "overshoot": {"cluster": cluster, "instance": instance}, "between": 0.1,
                 "time_to_restore": None if restore_overshoot is None else 60 + restore_overshoot,
                 "restore_overshoot": restore_overshoot, "wall_overshoot": seconds - 60}, **extra)


OURS_CALLS = {CLUSTERS: 7, INSTANCES: 7, SNAPSHOTS: 1, RESTORE: 1, CREATE: 1}
PEER_CALLS = {CLUSTERS: 3, TAGS: 3, INSTANCES: 2, RESTORE: 1, CREATE: 1}


def part(ours=None, peer=None):
    ours = ours or [run(70.0, 4.0, 1.0, OURS_CALLS), run(71.0, 2.5, 4.9, OURS_CALLS), run(72.0, 3.0, 3.0, OURS_CALLS)]
    peer = peer or [run(90.0, 12.0, 9.0, PEER_CALLS), run(91.0, 18.0, 11.0, PEER_CALLS), run(95.0, 14.0, 19.5, PEER_CALLS)]
    return {"settings": {"region": "us-east-1", "latency_ms": 30, "poll_interval": 5, "peer_delay": 20,
                         "wait_timeout": 5400, "instance_class": "db.r6g.large", "runs": 3, "lanes": ["ours", "peer"],
                         "one_read": 0.5, "read_budget": 17},
            "scenarios": [{"key": "restore", "title": "restore", "cluster_seconds": 30, "instance_seconds": 30,
                           "offsets": [0.0, 1.67, 3.33], "runs": {"ours": ours, "peer": peer}}],
            "load_start": [1.0, 1.0, 1.0], "load_end": [2.0, 2.0, 2.0], "seconds": 540,
            "measured_at": "2026-12-03 00:30 UTC"}


def test_restore_summary_per_lane():
    summary = stats.restore_summary(part()["scenarios"][0])
    ours, peer = summary["lanes"]["ours"], summary["lanes"]["peer"]
    assert (ours["overshoot"]["cluster"]["median"], ours["overshoot"]["instance"]["max"]) == (3.0, 4.9)
    assert (peer["overshoot"]["cluster"]["max"], peer["overshoot"]["instance"]["median"]) == (18.0, 11.0)
    assert ours["wall_overshoot"]["median"] == 11.0 and ours["reads"]["max"] == 15 and peer["reads"]["max"] == 8
    assert ours["calls"]["total"] == 17


def test_restore_goals_met():
    summary = stats.restore_summary(part()["scenarios"][0])
    goals = stats.restore_goals(summary, 5, 0.5, 17)
    assert [goal["met"] for goal in goals] == [True, True]
    assert goals[0]["figure"] == "the most of any run: cluster 4.0 s, instance 4.9 s"
    assert goals[1]["figure"] == "at most 15 reads in a run"


def test_restore_goals_missed_or_not_measured():
    slow = [run(70.0, 4.0, 5.6, OURS_CALLS), run(70.0, 4.0, 1.0, dict(OURS_CALLS, **{CLUSTERS: 10}))]
    summary = stats.restore_summary(part(ours=slow)["scenarios"][0])
    assert [goal["met"] for goal in stats.restore_goals(summary, 5, 0.5, 17)] == [False, False]
    failed = stats.restore_summary(part(ours=[run(70.0, 4.0, 1.0, OURS_CALLS, ok=False)])["scenarios"][0])
    assert [goal["met"] for goal in stats.restore_goals(failed, 5, 0.5, 17)] == [None, None]
    assert [goal["met"] for goal in stats.restore_goals(None, 5, 0.5, 17)] == [None, None]


def test_restore_headline_for_the_doc_and_the_readme():
    (line,) = report.restore_headline(part())
    assert line == ("- restore of a cluster and one instance (AWS's part played as 30 s + 30 s of `creating`, each "
                    "run adding 0, 1.67 and 3.33 s): the module noticed each resource at most 4.0 s and 4.9 s after it became available, the amazon.aws "
                    "playbook (20 s polls) 18.0 s and 19.5 s; time-to-restore overshoot 6.2 s against 29.2 s "
                    "(medians); 17 API calls against 10.")
    assert report.restore_headline(None) == []


def test_restore_section_writes_the_goals_the_figures_and_the_calls():
    text = "\n".join(report.restore_section(part(), {"amazon.aws": "10.1.2"}))
    assert text.startswith(report.RESTORE_BEGIN) and text.endswith(report.RESTORE_END)
    assert "what a user of amazon.aws 10.1.2 writes today" in text
    assert "| each wait ends at most one poll interval (5 s)" in text and "| met |" in text
    assert "| the module | 3 | 71.0 (70.0-72.0) | 11.0 (10.0-12.0) | 3.0 (2.5-4.0) | 3.0 (1.0-4.9) |" in text
    assert "| amazon.aws playbook | 3 | 91.0 (90.0-95.0) |" in text
    assert "with T1 = 33.33 s and T2 = 33.33 s (the longest here), at most 17" in text
    assert "The runs add 0, 1.67 and 3.33 s to both, so that they meet the module's 5 s polls at different phases\n" in text
    assert "Runs that failed" not in text


def test_restore_section_lists_failed_and_wrong_runs():
    ours = [run(70.0, 4.0, 1.0, OURS_CALLS), run(70.0, 4.0, 1.0, OURS_CALLS, ok=False),
            run(70.0, 4.0, 1.0, OURS_CALLS, end_state_ok=False, end_state={"cluster": False, "instances": []}),
            run(70.0, 4.0, None, OURS_CALLS)]
    text = "\n".join(report.restore_section(part(ours=ours)))
    assert "- the module, run 1: boom" in text
    assert '- the module, run 2: ran, but left other than the lane should: {"cluster": false, "instances": []}' in text
    assert "- the module, run 3: the proxy's log does not tell when a wait noticed its resource" in text


# ---- where the section goes -----------------------------------------------------------------------------------
PAGE = "# Performance\n\nfigures\n\n## How it was measured\n\n- this\n"


def document(restore_part=None, rotation_part=None, scenarios=()):
    return {
        "scenarios": list(scenarios), "rotation": rotation_part, "restore": restore_part, "pool": None, "startup": None,
        "settings": {"runs": 5, "wait_runs": 5, "latency_ms": 30, "pool_runs": 3, "sequential_runs": 1},
        "machine": {"nproc": 2, "cpu": "Test CPU", "machine": "x86_64", "system": "Linux", "load_start": [1, 2, 3]},
        "versions": {"python": "3.11"},
    }


def test_offsets_text():
    assert report.offsets_text([0.0, 2.5]) == ", each run adding 0 and 2.5 s"
    assert report.offsets_text([0.0]) == report.offsets_text(None) == ""


def test_a_restore_only_run_rewrites_its_section_alone_and_keeps_the_rest():
    rotation = report.ROTATION_BEGIN + "\nold rotation\n" + report.ROTATION_END
    page = PAGE.replace("## How it was measured", rotation + "\n\n## How it was measured")
    text = report.document_text(document(part()), "images", page)
    assert text.startswith("# Performance\n\nfigures\n\n" + rotation + "\n\n" + report.RESTORE_BEGIN)
    assert text.endswith(report.RESTORE_END + "\n\n## How it was measured\n\n- this\n")
    slower = part(ours=[run(80.0, 4.0, 1.0, OURS_CALLS)])
    again = report.document_text(document(slower), "images", text)
    assert again.count(report.RESTORE_BEGIN) == 1 and "| the module | 1 | 80.0 (80.0-80.0) |" in again
    assert "71.0 (70.0-72.0)" not in again and report.rotation_part_of(again) == rotation


def test_a_restore_only_run_without_a_page_writes_one():
    text = report.document_text(document(part()), "images", None)
    assert text.startswith("# Performance: graphops.neptune next to amazon.aws")
    assert "- restore of a cluster and one instance" in text and text.rstrip().endswith(report.RESTORE_END)


def test_a_full_run_writes_the_section_and_one_without_the_restore_keeps_the_old_one():
    fleet = {"key": "fleet", "title": "fleet", "runs": {"ours": [run(1.0, 0, 0, {CREATE: 1})],
                                                        "peer": [run(1.0, 0, 0, {CREATE: 1})]}}
    full = report.document_text(document(part(), scenarios=[fleet]), "images", None)
    assert full.count(report.RESTORE_BEGIN) == 1
    assert full.index(report.RESTORE_END) < full.index("## How it was measured")
    assert "- restore of a cluster and one instance" in full.split("## Goals")[0]
    without = report.document_text(document(None, scenarios=[fleet]), "images", full)
    assert report.section_of(without, report.RESTORE_BEGIN, report.RESTORE_END) == \
        report.section_of(full, report.RESTORE_BEGIN, report.RESTORE_END)


def test_a_rotation_only_run_keeps_the_restore_section():
    restored = report.document_text(document(part()), "images", PAGE)
    rotation_part = {"settings": {"name": "nightly", "keep_last": 3, "history_days": [1, 2, 3], "now": "x",
                                  "region": "us-east-1", "dr_region": "us-west-2", "latency_ms": 30,
                                  "v100_commit": "a33cc9f", "variants": [], "sizes": [], "runs": {}},
                     "scenarios": [], "v100_error": None, "load_start": [1.0], "seconds": 1}
    text = report.document_text(document(None, rotation_part), "images", restored)
    assert report.rotation_part_of(text) is not None
    assert report.section_of(text, report.RESTORE_BEGIN, report.RESTORE_END) == \
        report.section_of(restored, report.RESTORE_BEGIN, report.RESTORE_END)
