# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation run on the paths moto never takes, with answers shaped as AWS gives them.

An in-process moto holds two regions; AwsAnswers puts AWS's answers on top of it through botocore's events:
errors (each code checked against the operation's errors in the rds model, as Stubber checks requests),
statuses (AWS says `creating` for minutes) and creation times (a history of days). The clock is fake: waits
and retries only move it.
"""

from __future__ import annotations

import types
from datetime import datetime, timezone

import boto3
import pytest
from moto import mock_aws

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_api import RegionApi, TokenBucket
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_input import build_rotation_request
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import copy_tags
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import original_tags
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_plan import KEPT_HELD
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_run import Rotation
from ansible_collections.graphops.neptune.tests.unit.conftest import FAST_RETRY, CallLog

A, B = "us-east-1", "us-west-2"
QUOTA_MESSAGE = "Cannot create more than 100 manual DB cluster snapshots"
COPY_LIMIT_MESSAGE = "Cannot copy more than 5 snapshots across regions"


def day(n: int) -> str:
    return datetime(2026, 11, n, 3, 0, tzinfo=timezone.utc).isoformat()


def ident(cluster: str, n: int) -> str:
    return f"{cluster}-nightly-202611{n:02d}-030000"


def cident(cluster: str, n: int) -> str:
    """The rotation's copy (in B) of ident(cluster, n) of A."""
    return f"{ident(cluster, n)}-{A}"


class AwsAnswers:
    """AWS's answers where moto's differ, for one client: queued errors, statuses and creation times."""

    def __init__(self, client):
        self.errors = []  # [operation, code, message, times left, body filter]
        self.statuses = {}  # identifier -> statuses, one per answer that shows it; the last one stays
        self.create_times = {}  # identifier -> ISO time
        client.meta.events.register("before-call.rds.*", self._before)
        client.meta.events.register("after-call.rds.*", self._after)

    def fail(self, operation: str, code: str, message: str = "", times: int = 1, act=None, **match):
        """Answer the next `times` calls of operation (whose request has match) with code; act() first, for a
        call that acted but whose answer was lost (botocore's resend then meets the act)."""
        self.errors.append([operation, code, message, times, match, act])

    def _before(self, model, params, **_kwargs):
        body = params.get("body") or {}
        for error in self.errors:
            operation, code, message, times, match, act = error
            if operation != model.name or times == 0 or any(body.get(k) != v for k, v in match.items()):
                continue
            assert code in {shape.error_code for shape in model.error_shapes} | {"Throttling"}, (
                f"{model.name} does not answer {code} in the rds model")
            error[3] = times - 1
            if act:
                act()
            response = types.SimpleNamespace(status_code=400, headers={})
            return response, {"Error": {"Code": code, "Message": message},
                              "ResponseMetadata": {"HTTPStatusCode": 400}}
        return None

    def _after(self, parsed, **_kwargs):
        snapshots = parsed.get("DBClusterSnapshots") or ([parsed["DBClusterSnapshot"]]
                                                         if "DBClusterSnapshot" in parsed else [])
        for snapshot in snapshots:
            identifier = snapshot["DBClusterSnapshotIdentifier"]
            if identifier in self.create_times:
                snapshot["SnapshotCreateTime"] = datetime.fromisoformat(self.create_times[identifier])
            queued = self.statuses.get(identifier)
            if queued:
                snapshot["Status"] = queued.pop(0) if len(queued) > 1 else queued[0]


@pytest.fixture
def aws(clock):
    with mock_aws():
        raw = {region: boto3.client("rds", region_name=region) for region in (A, B)}
        answers = {region: AwsAnswers(raw[region]) for region in (A, B)}
        calls = {region: CallLog().attach(raw[region]) for region in (A, B)}
        yield types.SimpleNamespace(raw=raw, answers=answers, calls=calls, clock=clock)


def make_cluster(aws, name, region=A, **extra):
    aws.raw[region].create_db_cluster(DBClusterIdentifier=name, Engine="neptune", **extra)
    aws.raw[region].describe_db_clusters(DBClusterIdentifier=name)  # moto answers `creating` once


def history(aws, cluster, days, region=A, copies_in=None):
    """Snapshots the rotation made on those days (marked as it marks them), each dated its day; with copies_in,
    the rotation's copies of them in that region (the cluster is made there too: moto snapshots clusters only)."""
    tags = original_tags("nightly", region, {})
    if copies_in:
        region, tags = copies_in, copy_tags(tags, "nightly", region, {})
    for n in days:
        identifier = cident(cluster, n) if copies_in else ident(cluster, n)
        aws.raw[region].create_db_cluster_snapshot(
            DBClusterSnapshotIdentifier=identifier, DBClusterIdentifier=cluster,
            Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        aws.answers[region].create_times[identifier] = day(n)
    for region_calls in aws.calls.values():
        region_calls.clear()


def rotation(aws, clusters, now=30, check_mode=False, **params):
    params = dict({"clusters": clusters, "name": "nightly", "keep_last": 2, "now": day(now)}, **params)
    request = build_rotation_request(params, A)

    def api(region):
        client = RetryingBotoClientWrapper(aws.raw[region], FAST_RETRY)
        return RegionApi(client, region, TokenBucket(clock=aws.clock, sleep=aws.clock.sleep))

    for region in (A, B):  # this run's snapshots are dated its day, as AWS would date them
        for cluster in clusters:
            aws.answers[region].create_times.setdefault(ident(cluster, now), day(now))
    return Rotation(request, api(A), api(B) if request.dr_region else None, check_mode=check_mode,
                    clock=aws.clock, sleep=aws.clock.sleep, jitter=lambda low, high: high)


def manual(aws, region=A):
    found = aws.raw[region].describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"]
    return sorted(s["DBClusterSnapshotIdentifier"] for s in found)


# ---- busy clusters ---------------------------------------------------------------------------------------------
def test_a_busy_cluster_is_retried_while_the_others_go_on(aws):
    for cluster in ("graph-a", "graph-b"):
        make_cluster(aws, cluster)
        history(aws, cluster, (27, 28, 29))
    aws.answers[A].fail("CreateDBClusterSnapshot", "InvalidDBClusterStateFault", "DB cluster is not available",
                        times=2, DBClusterIdentifier="graph-b")
    run = rotation(aws, ["graph-a", "graph-b"])
    result = run.run()
    assert run.failures() == []
    assert aws.calls[A].count("CreateDBClusterSnapshot") == 4  # a once, b three times
    assert aws.clock.sleeps[:2] == [5, 10]  # backing off between rounds
    for cluster in ("graph-a", "graph-b"):
        assert result["clusters"][cluster]["pruned"] == [ident(cluster, 27), ident(cluster, 28)]


def test_a_cluster_busy_past_the_timeout_fails_alone(aws):
    for cluster in ("graph-a", "graph-b"):
        make_cluster(aws, cluster)
        history(aws, cluster, (27, 28, 29))
    aws.answers[A].fail("CreateDBClusterSnapshot", "InvalidDBClusterStateFault", "DB cluster is not available",
                        times=-1, DBClusterIdentifier="graph-b")
    run = rotation(aws, ["graph-a", "graph-b"], wait_timeout=60)
    result = run.run()
    assert len(run.failures()) == 1 and "'graph-b'" in run.failures()[0]
    assert "stayed busy for the whole wait_timeout of 60 s" in result["clusters"]["graph-b"]["failed"]
    assert result["clusters"]["graph-a"]["pruned"] == [ident("graph-a", 27), ident("graph-a", 28)]
    # Nothing of the failed cluster is pruned: tonight's snapshot is missing.
    assert result["clusters"]["graph-b"]["pruned"] == []
    assert aws.clock.now <= 60 + 30


def test_a_stopped_cluster_is_skipped_and_its_snapshots_still_pruned(aws):
    make_cluster(aws, "graph-a")
    history(aws, "graph-a", (27, 28, 29))
    aws.raw[A].stop_db_cluster(DBClusterIdentifier="graph-a")
    run = rotation(aws, ["graph-a"])
    result = run.run()
    assert run.failures() == [] and "stopped" in run.skips()[0]
    assert "CreateDBClusterSnapshot" not in aws.calls[A]
    assert result["clusters"]["graph-a"]["pruned"] == [ident("graph-a", 27)]


# ---- the quota -------------------------------------------------------------------------------------------------
def test_a_full_quota_prunes_first_then_snapshots(aws):
    make_cluster(aws, "graph-a")
    history(aws, "graph-a", (27, 28, 29))
    aws.answers[A].fail("CreateDBClusterSnapshot", "SnapshotQuotaExceeded", QUOTA_MESSAGE)
    run = rotation(aws, ["graph-a"])
    result = run.run()
    assert run.failures() == []
    creates = [i for i, name in enumerate(aws.calls[A]) if name == "CreateDBClusterSnapshot"]
    deletes = [i for i, name in enumerate(aws.calls[A]) if name == "DeleteDBClusterSnapshot"]
    assert len(creates) == 2 and creates[0] < min(deletes) and max(deletes) < creates[1]
    entry = result["clusters"]["graph-a"]
    assert entry["pruned"] == [ident("graph-a", 27), ident("graph-a", 28)]
    assert "quota of us-east-1 was reached: pruned 2 snapshot(s)" in entry["notes"][0]
    assert manual(aws) == [ident("graph-a", 29), ident("graph-a", 30)]


def test_a_full_quota_in_the_dr_region_prunes_copies_counting_tonights_first(aws):
    make_cluster(aws, "graph-a")
    make_cluster(aws, "graph-a", region=B)
    history(aws, "graph-a", (29,))
    history(aws, "graph-a", (27, 28, 29), copies_in=B)
    aws.answers[B].fail("CopyDBClusterSnapshot", "SnapshotQuotaExceeded", QUOTA_MESSAGE)
    run = rotation(aws, ["graph-a"], dr_region=B)
    result = run.run()
    assert run.failures() == []
    entry = result["clusters"]["graph-a"]
    # Tonight's copy counts first: 28 and 27 are beyond the newest 2 (29 is the newest available).
    assert entry["dr_pruned"] == [cident("graph-a", 27), cident("graph-a", 28)]
    assert "quota of us-west-2 was reached: pruned 2 snapshot(s)" in entry["notes"][0]
    calls = aws.calls[B]
    assert calls.index("DeleteDBClusterSnapshot") < len(calls) - 1 - calls[::-1].index("CopyDBClusterSnapshot")
    assert manual(aws, B) == [cident("graph-a", 29), cident("graph-a", 30)]


def test_a_full_quota_with_nothing_to_prune_fails_and_deletes_nothing(aws):
    make_cluster(aws, "graph-a")
    history(aws, "graph-a", (29,))
    aws.raw[A].create_db_cluster_snapshot(DBClusterSnapshotIdentifier="by-hand", DBClusterIdentifier="graph-a")
    aws.answers[A].fail("CreateDBClusterSnapshot", "SnapshotQuotaExceeded", QUOTA_MESSAGE, times=-1)
    run = rotation(aws, ["graph-a"])
    result = run.run()
    assert "quota of us-east-1 is reached and this rotation has nothing there" in result["clusters"]["graph-a"][
        "failed"]
    assert "DeleteDBClusterSnapshot" not in aws.calls[A]
    assert manual(aws) == ["by-hand", ident("graph-a", 29)]


# ---- waiting and copying ---------------------------------------------------------------------------------------
def test_without_wait_a_dr_run_copies_only_an_available_source(aws):
    make_cluster(aws, "graph-a")
    aws.calls[A].clear()
    aws.answers[A].statuses[ident("graph-a", 30)] = ["creating", "creating", "creating", "available"]
    run = rotation(aws, ["graph-a"], dr_region=B, wait=False)
    result = run.run()
    assert run.failures() == []
    # The create's answer and two listings said `creating`; the copy came after the listing that said `available`.
    assert aws.calls[A] == ["DescribeDBClusters", "DescribeDBClusterSnapshots", "CreateDBClusterSnapshot",
                            "DescribeDBClusterSnapshots", "DescribeDBClusterSnapshots", "DescribeDBClusterSnapshots"]
    assert aws.calls[B] == ["DescribeDBClusterSnapshots", "CopyDBClusterSnapshot"]
    assert aws.clock.sleeps == [5, 5, 5]
    assert result["clusters"]["graph-a"]["dr_created"] == cident("graph-a", 30)


def test_a_copy_refused_for_the_copy_limit_waits_for_a_slot(aws):
    make_cluster(aws, "graph-a")
    aws.answers[B].fail("CopyDBClusterSnapshot", "SnapshotQuotaExceeded", COPY_LIMIT_MESSAGE, times=2)
    run = rotation(aws, ["graph-a"], dr_region=B)
    result = run.run()
    assert run.failures() == [] and aws.calls[B].count("CopyDBClusterSnapshot") == 3
    assert result["clusters"]["graph-a"]["dr_created"] == cident("graph-a", 30)
    assert result["clusters"]["graph-a"]["notes"] == []  # not the manual quota


def test_copies_in_progress_take_the_slots_whoever_made_them(aws):
    make_cluster(aws, "graph-a")
    make_cluster(aws, "other", region=B)
    for n in range(5):  # five copies of others on their way to B, queued
        aws.raw[B].create_db_cluster_snapshot(DBClusterSnapshotIdentifier=f"queued-{n}", DBClusterIdentifier="other")
        aws.answers[B].statuses[f"queued-{n}"] = ["pending"] * 3 + ["available"]
    aws.calls[B].clear()
    run = rotation(aws, ["graph-a"], dr_region=B)
    run.run()
    # No copy was asked for until a listing showed a free slot (three listings said `pending`).
    assert aws.calls[B][:4] == ["DescribeDBClusterSnapshots"] * 4
    assert aws.calls[B].count("CopyDBClusterSnapshot") == 1


def test_no_slot_within_the_timeout_fails_that_cluster_with_its_own_message(aws):
    make_cluster(aws, "graph-a")
    make_cluster(aws, "other", region=B)
    for n in range(5):
        aws.raw[B].create_db_cluster_snapshot(DBClusterSnapshotIdentifier=f"queued-{n}", DBClusterIdentifier="other")
        aws.answers[B].statuses[f"queued-{n}"] = ["pending"]
    run = rotation(aws, ["graph-a"], dr_region=B, wait_timeout=20)
    result = run.run()
    assert "no copy slot in us-west-2 within wait_timeout (20 s)" in result["clusters"]["graph-a"]["failed"]
    assert "CopyDBClusterSnapshot" not in aws.calls[B]


def test_a_copy_that_outlasts_the_timeout_keeps_its_source(aws):
    make_cluster(aws, "graph-a")
    history(aws, "graph-a", (28, 29))
    aws.answers[B].statuses[cident("graph-a", 30)] = ["copying"]
    run = rotation(aws, ["graph-a"], dr_region=B, keep_last=1, wait_timeout=30)
    result = run.run()
    entry = result["clusters"]["graph-a"]
    assert "timed out after 30 s waiting for copy" in entry["failed"]
    # This run's snapshot stays (its copy is on its way); 28 and 29 are beyond keep_last 1.
    assert entry["pruned"] == [ident("graph-a", 28), ident("graph-a", 29)]
    assert entry["reasons"][ident("graph-a", 30)] == "this run's snapshot"
    assert entry["dr_created"] == cident("graph-a", 30) and entry["dr_kept"] == [cident("graph-a", 30)]


def test_an_earlier_copy_on_its_way_holds_its_source_until_it_is_done(aws):
    make_cluster(aws, "graph-a")
    history(aws, "graph-a", (27, 28, 29))
    first = rotation(aws, ["graph-a"], now=29, dr_region=B, keep_last=1)
    aws.answers[B].statuses[cident("graph-a", 29)] = ["copying"]
    first.run()
    run = rotation(aws, ["graph-a"], dr_region=B, keep_last=1, wait=False)
    aws.answers[B].statuses[cident("graph-a", 30)] = ["copying"]
    result = run.run()
    assert result["clusters"]["graph-a"]["reasons"][ident("graph-a", 29)] == KEPT_HELD
    assert ident("graph-a", 29) in manual(aws)


# ---- check mode ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("params", [{"wait": False}, {"wait": True}, {"dr_region": B, "wait": False}])
def test_check_mode_prunes_what_the_real_run_prunes(aws, params):
    make_cluster(aws, "graph-a")
    history(aws, "graph-a", (26, 27, 28, 29))
    # AWS answers a create `creating`: without waiting (and without DR), it is this run's, not yet available.
    aws.answers[A].statuses[ident("graph-a", 30)] = ["creating", "creating", "available"]
    dry = rotation(aws, ["graph-a"], check_mode=True, keep_last=3, **params).run()
    assert [c for c in aws.calls[A] + aws.calls[B] if not c.startswith("Describe")] == []
    real = rotation(aws, ["graph-a"], keep_last=3, **params).run()
    for key in ("pruned", "kept", "dr_pruned", "dr_kept"):
        assert dry["clusters"]["graph-a"].get(key) == real["clusters"]["graph-a"].get(key), key
    assert dry["changed"] is real["changed"] is True


def test_check_mode_without_dr_or_wait_keeps_the_newest_available(aws):
    make_cluster(aws, "graph-a")
    history(aws, "graph-a", (28, 29))
    dry = rotation(aws, ["graph-a"], check_mode=True, keep_last=1, wait=False).run()
    # This run's snapshot would still be `creating`: 29 stays as the newest available.
    assert dry["clusters"]["graph-a"]["pruned"] == [ident("graph-a", 28)]
    assert dry["clusters"]["graph-a"]["kept"] == [ident("graph-a", 29), ident("graph-a", 30)]


# ---- lost answers and deletes ----------------------------------------------------------------------------------
def test_a_create_resent_after_its_answer_was_lost_is_this_runs(aws):
    make_cluster(aws, "graph-a")
    history(aws, "graph-a", (29,))
    untouched = boto3.client("rds", region_name=A)  # no AwsAnswers on it

    def lost_create():
        untouched.create_db_cluster_snapshot(
            DBClusterSnapshotIdentifier=ident("graph-a", 30), DBClusterIdentifier="graph-a",
            Tags=[{"Key": k, "Value": v} for k, v in original_tags("nightly", A, {}).items()])

    aws.answers[A].fail("CreateDBClusterSnapshot", "DBClusterSnapshotAlreadyExistsFault", "already exists",
                        act=lost_create)
    run = rotation(aws, ["graph-a"], keep_last=1)
    result = run.run()
    assert run.failures() == []
    assert result["clusters"]["graph-a"]["created"] == ident("graph-a", 30)
    assert result["clusters"]["graph-a"]["pruned"] == [ident("graph-a", 29)]


def test_a_failed_delete_fails_its_cluster_only_and_the_snapshot_is_kept(aws):
    for cluster in ("graph-a", "graph-b"):
        make_cluster(aws, cluster)
        history(aws, cluster, (27, 28, 29))
    aws.answers[A].fail("DeleteDBClusterSnapshot", "InvalidDBClusterSnapshotStateFault", "not available",
                        DBClusterSnapshotIdentifier=ident("graph-a", 27))
    run = rotation(aws, ["graph-a", "graph-b"])
    result = run.run()
    assert len(run.failures()) == 1 and ident("graph-a", 27) in run.failures()[0]
    assert result["clusters"]["graph-a"]["pruned"] == [ident("graph-a", 28)]
    assert ident("graph-a", 27) in result["clusters"]["graph-a"]["kept"]
    assert result["clusters"]["graph-b"]["pruned"] == [ident("graph-b", 27), ident("graph-b", 28)]


# ---- the API budget --------------------------------------------------------------------------------------------
def test_the_token_bucket_keeps_a_run_within_its_share_of_the_api_rate(clock):
    bucket = TokenBucket(burst=100, rate=10.0, clock=clock, sleep=clock.sleep)
    for _attempt in range(150):
        bucket.take()
    # 100 at once, then 10 a second: the other 50 take 5 s.
    assert clock.now == pytest.approx(5.0)
    assert sum(clock.sleeps) == pytest.approx(5.0)


def test_a_fleet_run_never_outpaces_the_bucket(aws):
    """20 clusters, a steady night: 42 calls, all within the bucket (it never sleeps at a burst of 100)."""
    clusters = [f"graph-{n:02d}" for n in range(20)]
    for cluster in clusters:
        make_cluster(aws, cluster)
        history(aws, cluster, (28, 29))
    rotation(aws, clusters).run()
    assert len(aws.calls[A]) == 2 + 20 + 20 and aws.clock.sleeps == []


def test_already_exists_with_someone_elses_snapshot_fails_that_cluster_and_leaves_it(aws):
    """Between the listing and the create (or the copy), someone made a snapshot of that name: not adopted."""
    for cluster in ("graph-a", "graph-b"):
        make_cluster(aws, cluster)
        history(aws, cluster, (28, 29))
    make_cluster(aws, "graph-b", region=B)
    untouched = {region: boto3.client("rds", region_name=region) for region in (A, B)}
    aws.answers[A].fail("CreateDBClusterSnapshot", "DBClusterSnapshotAlreadyExistsFault", "already exists",
                        DBClusterIdentifier="graph-a", act=lambda: untouched[A].create_db_cluster_snapshot(
                            DBClusterSnapshotIdentifier=ident("graph-a", 30), DBClusterIdentifier="graph-a"))
    aws.answers[B].fail("CopyDBClusterSnapshot", "DBClusterSnapshotAlreadyExistsFault", "already exists",
                        act=lambda: untouched[B].create_db_cluster_snapshot(
                            DBClusterSnapshotIdentifier=cident("graph-b", 30), DBClusterIdentifier="graph-b"))
    run = rotation(aws, ["graph-a", "graph-b"], dr_region=B, keep_last=1)
    result = run.run()
    a, b = result["clusters"]["graph-a"], result["clusters"]["graph-b"]
    assert "'graph-a-nightly-20261130-030000' exists in us-east-1 and is not this rotation's" in a["failed"]
    assert a["created"] is None and a["pruned"] == [] and a["dr_created"] is None
    assert f"'{cident('graph-b', 30)}' exists in us-west-2 and is not this rotation's" in b["failed"]
    assert b["created"] == ident("graph-b", 30) and b["dr_created"] is None
    assert ident("graph-a", 30) in manual(aws) and cident("graph-b", 30) in manual(aws, B)
