# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rotation's pure logic: its input, what marks a snapshot as the rotation's, and every retention rule."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils import rotation_plan as plan
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_input import build_rotation_request
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_input import parse_now
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import COPIED_FROM_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import REGION_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import ROTATION_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import copy_tags
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import is_copy
from ansible_collections.graphops.neptune.plugins.module_utils.rotation_marks import is_original
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

A, B = "us-east-1", "eu-west-1"
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)


def day(n: int) -> datetime:
    """Day n of November 2026, 03:00 UTC (NOW is day 30)."""
    return datetime(2026, 11, n, 3, 0, tzinfo=timezone.utc)


def ident(n: int, cluster="graph", name="nightly") -> str:
    return f"{cluster}-{name}-{day(n).strftime('%Y%m%d-%H%M%S')}"


def original(n: int, status="available", cluster="graph", name="nightly", region=A, **extra) -> dict:
    snapshot = {
        "db_cluster_snapshot_identifier": ident(n, cluster, name), "db_cluster_identifier": cluster,
        "db_cluster_snapshot_arn": f"arn:aws:rds:{region}:123456789012:cluster-snapshot:{ident(n, cluster, name)}",
        "engine": "neptune", "snapshot_type": "manual", "status": status,
        "snapshot_create_time": day(n).isoformat(), "storage_encrypted": False,
        "tags": {ROTATION_TAG: name, REGION_TAG: region},
    }
    return dict(snapshot, **extra)


def copy_of(source: dict, region=B, status="available", copied_at=None) -> dict:
    """The rotation's copy of source in region, stamped with its own copy time (as AWS may do)."""
    tags = copy_tags(source["tags"], source["tags"][ROTATION_TAG], source["tags"][REGION_TAG], {})
    identifier = f"{source['db_cluster_snapshot_identifier']}-{source['tags'][REGION_TAG]}"
    return dict(source, db_cluster_snapshot_identifier=identifier, status=status, tags=tags,
                snapshot_create_time=(copied_at or NOW).isoformat(),
                db_cluster_snapshot_arn=f"arn:aws:rds:{region}:123456789012:cluster-snapshot:{identifier}",
                source_db_cluster_snapshot_arn=source["db_cluster_snapshot_arn"])


def cident(n: int, cluster="graph", name="nightly", source_region=A) -> str:
    """The identifier of the rotation's copy of ident(n): its source's, then the region it came from."""
    return f"{ident(n, cluster, name)}-{source_region}"


def listing(*snapshots) -> dict:
    return {s["db_cluster_snapshot_identifier"]: s for s in snapshots}


def request(**params):
    params = dict({"clusters": ["graph"], "name": "nightly", "now": NOW.isoformat(), "keep_last": 2}, **params)
    return build_rotation_request(params, params.pop("region", A))


def source_plan(req, snapshots, this_run=None, dr=None):
    return plan.plan_cluster(req, listing(*snapshots), dr, "graph", this_run)["source"]


# ---- input -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("2026-11-30T03:00:00Z", NOW),
    ("2026-11-30T03:00:00z", NOW),
    ("2026-11-30T04:00:00+01:00", NOW),  # an offset is converted
    ("2026-11-29T22:00:00-05:00", NOW),
    ("2026-11-30T03:00:00", NOW),  # no offset: UTC
])
def test_now_accepts_z_and_offsets_on_every_python(value, expected):
    assert parse_now(value) == expected


@pytest.mark.parametrize("params, message", [
    ({"dr_region": A}, f"dr_region {A!r} is the clusters' own region"),
    ({"keep_last": None}, "give keep_last, max_age_days or both"),
    ({"keep_last": 0}, "keep_last 0 is invalid: it must be 1 or more"),
    ({"max_age_days": -1}, "max_age_days -1 is invalid: it must be 0 or more"),
    ({"wait_timeout": 0}, "wait_timeout 0 is invalid"),
    ({"name": "Night_ly"}, "name 'Night_ly' is invalid: it must be lowercase letters, digits and single hyphens"),
    ({"now": "30/11/2026"}, "now '30/11/2026' is not an ISO 8601 time"),
    ({"tags": {COPIED_FROM_TAG: "x"}}, f"tags must not set {COPIED_FROM_TAG}"),
    ({"tags": {"aws:owner": "x"}}, "must not start with 'aws:'"),
    ({"clusters": []}, "clusters is empty"),
    ({"clusters": ["graph", "GRAPH"]}, "names 'GRAPH' twice"),
    ({"clusters": ["graph--x"]}, "clusters item 'graph--x' is invalid"),
    ({"clusters": ["g" * 50]}, "(it has 74; shorten name or the cluster identifier)"),
])
def test_bad_input_names_the_value_and_the_rule(params, message):
    with pytest.raises(InvalidInput) as raised:
        request(**params)
    assert message in str(raised.value)


def test_every_problem_is_named_at_once():
    with pytest.raises(InvalidInput) as raised:
        request(keep_last=0, name="X", clusters=[])
    assert str(raised.value).count(";") == 2


def test_no_region_is_refused():
    with pytest.raises(InvalidInput, match="no region"):
        build_rotation_request({"clusters": ["graph"], "keep_last": 1, "name": "n"}, None)


# ---- what is the rotation's ------------------------------------------------------------------------------------
def test_an_original_needs_its_pattern_cluster_name_and_region_together():
    mine = original(1)
    assert is_original(mine, "graph", "nightly", A)
    assert not is_original(mine, "graph", "nightly", B)  # another region's rotation
    assert not is_original(mine, "graph", "weekly", A)
    assert not is_original(mine, "graph2", "nightly", A)
    assert not is_original(dict(mine, db_cluster_snapshot_identifier="graph-nightly-before-upgrade"),
                           "graph", "nightly", A)
    assert not is_original(dict(mine, engine="aurora-postgresql"), "graph", "nightly", A)
    assert not is_original(dict(mine, snapshot_type="automated"), "graph", "nightly", A)
    # Tagged with the rotation's name only (by hand, by CopyTagsToSnapshot, or by the 1.0.0 role): not ours.
    assert not is_original(dict(mine, tags={ROTATION_TAG: "nightly"}), "graph", "nightly", A)


def test_a_copy_made_by_hand_with_copied_tags_is_nobodys():
    """CopyTags gives the copy its source's region tag; it names a source: neither side's to prune."""
    by_hand = dict(original(1), source_db_cluster_snapshot_arn=original(1)["db_cluster_snapshot_arn"])
    assert not is_original(by_hand, "graph", "nightly", B)
    assert not is_copy(by_hand, "graph", "nightly", A)
    # Without the source ARN (if AWS left it out), its region tag still says it was not made in B.
    assert not is_original(dict(by_hand, source_db_cluster_snapshot_arn=None), "graph", "nightly", B)


def test_symmetric_dr_each_side_owns_only_its_own():
    """A and B each rotate their own 'graph' as 'nightly' and copy to the other."""
    a_original, b_original = original(1, region=A), original(1, region=B)
    a_copy_in_b, b_copy_in_a = copy_of(a_original, region=B), copy_of(b_original, region=A)
    # In A: A's rotation owns its original and none of B's copies; B's owns its copy only.
    assert is_original(a_original, "graph", "nightly", A)
    assert not is_original(b_copy_in_a, "graph", "nightly", A)
    assert is_copy(b_copy_in_a, "graph", "nightly", B)
    assert not is_copy(a_original, "graph", "nightly", B)
    # In B, the same, the other way round.
    assert is_copy(a_copy_in_b, "graph", "nightly", A) and not is_original(a_copy_in_b, "graph", "nightly", B)


def test_a_copy_whose_source_arn_names_another_region_is_not_ours():
    stray = dict(copy_of(original(1)), source_db_cluster_snapshot_arn=original(1, region="ap-south-1")[
        "db_cluster_snapshot_arn"])
    assert not is_copy(stray, "graph", "nightly", A)


# ---- retention -------------------------------------------------------------------------------------------------
def test_keep_last_counts_this_runs_snapshot_even_while_it_is_being_created():
    req = request(keep_last=2, wait=False)
    snapshots = [original(n) for n in (27, 28, 29)] + [original(30, status="creating")]
    result = source_plan(req, snapshots, this_run=ident(30))
    # Ranked: 30 (this run's), 29, 28, 27: 28 and 27 are beyond the newest 2; 29 is the newest available.
    assert result.prune == [ident(27), ident(28)]
    assert result.keep == [ident(29), ident(30)]
    assert result.why[ident(30)] == plan.KEPT_THIS_RUN
    assert result.why[ident(29)] == plan.KEPT_NEWEST_AVAILABLE
    assert result.why[ident(27)] == "beyond the newest 2"


def test_a_listing_out_of_order_gives_the_same_plan():
    req = request(keep_last=3)
    snapshots = [original(n) for n in range(20, 30)]
    expected = source_plan(req, snapshots, this_run=ident(29))
    shuffled = list(snapshots)
    random.Random(7).shuffle(shuffled)
    assert source_plan(req, shuffled, this_run=ident(29)) == expected
    assert expected.prune == [ident(n) for n in range(20, 27)]


def test_max_age_days_prunes_only_what_is_older():
    req = request(keep_last=None, max_age_days=2)
    result = source_plan(req, [original(n) for n in (26, 27, 28, 29)], this_run=ident(29))
    # 28 is exactly 2 days old: not older than max_age_days.
    assert result.prune == [ident(26), ident(27)]
    assert result.why[ident(28)] == "taken less than 2 days ago"
    assert result.why[ident(26)] == "taken more than 2 days ago"


def test_with_both_rules_either_keeps():
    req = request(keep_last=2, max_age_days=3)
    result = source_plan(req, [original(n) for n in (25, 26, 27, 28, 29)], this_run=ident(29))
    # Beyond the newest 2: 27, 26, 25; older than 3 days: 26, 25. Both: 26 and 25.
    assert result.prune == [ident(25), ident(26)]
    assert result.why[ident(27)] == "taken less than 3 days ago"
    assert result.why[ident(25)] == "beyond the newest 2 and taken more than 3 days ago"


def test_the_newest_available_is_kept_whatever_the_rules():
    req = request(keep_last=None, max_age_days=0)
    result = source_plan(req, [original(n) for n in (1, 2)])
    assert result.prune == [ident(1)] and result.why[ident(2)] == plan.KEPT_NEWEST_AVAILABLE


def test_snapshots_not_available_neither_count_nor_go_but_failed_ones_go():
    req = request(keep_last=1)
    snapshots = [original(26), original(27, status="creating"), original(28, status="failed"), original(29)]
    result = source_plan(req, snapshots)
    assert result.prune == [ident(26), ident(28)]
    assert result.why[ident(27)] == "not available (creating): neither counted nor pruned"
    assert result.why[ident(28)] == plan.PRUNED_FAILED


def test_a_source_whose_copy_is_on_its_way_is_held():
    req = request(keep_last=1, dr_region=B)
    sources = [original(n) for n in (27, 28, 29)]
    dr = listing(copy_of(sources[0], status="copying"), copy_of(sources[1], status="failed"), copy_of(sources[2]))
    result = source_plan(req, sources, this_run=ident(30), dr=dr)
    assert result.why[ident(27)] == plan.KEPT_HELD
    # A failed copy holds nothing: its source goes by the rules (and the failed copy is pruned too).
    assert ident(28) in result.prune
    assert plan.plan_cluster(req, listing(*sources), dr, "graph", ident(30))["dr"].prune == [cident(28)]


def test_a_copys_age_is_its_sources_not_the_time_it_was_copied():
    req = request(keep_last=None, max_age_days=3, dr_region=B)
    source = original(25)
    late_copy = copy_of(source, copied_at=day(29))  # stamped 4 days after its source
    dr_plan = plan.plan_cluster(req, listing(source, original(29)), listing(late_copy, copy_of(original(29))),
                                "graph", None)["dr"]
    assert dr_plan.prune == [cident(25)]
    # With its source gone from the listing, the time in its name still dates it.
    dr_plan = plan.plan_cluster(req, listing(original(29)), listing(late_copy, copy_of(original(29))),
                                "graph", None)["dr"]
    assert dr_plan.prune == [cident(25)]


def test_the_dr_plan_counts_this_runs_copy_first():
    req = request(keep_last=2, dr_region=B)
    sources = [original(n) for n in (27, 28, 29)]
    dr = listing(*[copy_of(s) for s in sources], copy_of(original(30), status="copying"))
    result = plan.plan_cluster(req, listing(*sources, original(30)), dr, "graph", ident(30))
    assert result["dr"].prune == [cident(27), cident(28)]
    assert result["dr"].why[cident(30)] == plan.KEPT_THIS_RUN


def test_strangers_are_never_in_the_plan():
    req = request(keep_last=1)
    strangers = [
        dict(original(1), tags={ROTATION_TAG: "nightly"}),  # hand-tagged / 1.0.0
        original(2, name="weekly"),
        original(3, region=B),
        dict(original(4), engine="aurora-mysql"),
        dict(original(5), db_cluster_snapshot_identifier="rds:graph-2026-11-05-03-00", snapshot_type="automated"),
        dict(original(6), db_cluster_snapshot_identifier="awsbackup:job-0123"),
    ]
    result = source_plan(req, strangers + [original(28), original(29)])
    assert result.order == [ident(28), ident(29)] and result.prune == [ident(28)]


# ---- copies ----------------------------------------------------------------------------------------------------
def test_every_copy_in_progress_takes_a_slot_whoever_made_it():
    others = dict(original(1, cluster="other"), status="pending", tags={},
                  source_db_cluster_snapshot_arn="arn:aws:rds:ap-south-1:123456789012:cluster-snapshot:x")
    dr = listing(copy_of(original(27), status="copying"), copy_of(original(28), status="pending"),
                 copy_of(original(29)), copy_of(original(26), status="failed"), others,
                 original(25, region=B, status="creating"))  # a plain create in B: no copy slot
    assert plan.copies_in_progress(dr) == sorted([cident(27), cident(28), others["db_cluster_snapshot_identifier"]])
    # A status AWS may add, with no source named: counted, to be safe.
    assert plan.copy_in_progress({"status": "queued"})


def test_copy_order_tags_kms_and_refusals():
    req = request(dr_region=B, dr_kms_key_id="alias/dr", tags={"owner": "data"})
    source = dict(original(30), storage_encrypted=True)
    order = plan.copy_order(req, "graph", source, {})
    assert order.kms_key_id == "alias/dr" and order.identifier == cident(30) and order.source_identifier == ident(30)
    assert order.tags == {ROTATION_TAG: "nightly", COPIED_FROM_TAG: A, "owner": "data"}
    assert plan.copy_order(req, "graph", original(30), {}).kms_key_id is None  # unencrypted stays so
    assert plan.copy_order(req, "graph", source, listing(copy_of(source))) is None  # there already
    with pytest.raises(plan.CopyRefused, match="not this rotation's copy"):
        plan.copy_order(req, "graph", source, listing(dict(copy_of(source), tags={})))
    with pytest.raises(plan.CopyRefused, match="set dr_kms_key_id to a key of eu-west-1"):
        plan.copy_order(request(dr_region=B), "graph", source, {})


@pytest.mark.parametrize("cluster, verdict", [
    (None, plan.FAIL),
    ({"Status": "available"}, plan.CREATE),
    ({"Status": "backing-up"}, plan.CREATE),  # busy: retried until wait_timeout
    ({"Status": "stopped"}, plan.SKIP),
    ({"Status": "stopping"}, plan.SKIP),
    ({"Status": "inaccessible-encryption-credentials"}, plan.FAIL),
    ({"Status": "incompatible-network"}, plan.FAIL),
    ({"Status": "some-new-status"}, plan.CREATE),  # unknown: AWS decides
])
def test_cluster_verdicts(cluster, verdict):
    assert plan.cluster_verdict(cluster)[0] == verdict


def test_diff_view_lists_each_regions_rotation_snapshots_by_cluster():
    req = request(dr_region=B, clusters=["graph", "other"])
    view = plan.diff_view(req, listing(original(1), original(2, cluster="other"), dict(original(3), tags={})),
                          listing(copy_of(original(1))))
    assert view == {A: {"graph": [ident(1)], "other": [ident(2, "other")]}, B: {"graph": [cident(1)], "other": []}}


def test_ages_are_counted_from_now():
    req = request(keep_last=None, max_age_days=1, now=(day(29) + timedelta(days=1, seconds=1)).isoformat())
    result = source_plan(req, [original(28), original(29)])
    assert result.prune == [ident(28)]


@pytest.mark.parametrize("tags", [
    {ROTATION_TAG: "nightly"},  # tagged by hand, or a copy of the 1.0.0 role
    {ROTATION_TAG: "nightly", COPIED_FROM_TAG: "ap-south-1"},  # a third region's rotation copied it here
])
def test_a_copy_needs_the_copied_from_mark_of_this_rotations_region(tags):
    assert not is_copy(dict(copy_of(original(1)), tags=tags, source_db_cluster_snapshot_arn=None),
                       "graph", "nightly", A)


def test_symmetric_dr_at_the_same_time_names_never_collide():
    """A and B rotate their own 'graph' as 'nightly' at the same instant, each copying to the other: B's own
    snapshot and A's copy in B have different names, and each is only its own rotation's."""
    b_original, a_copy_in_b = original(30, region=B), copy_of(original(30, region=A), region=B)
    assert b_original["db_cluster_snapshot_identifier"] != a_copy_in_b["db_cluster_snapshot_identifier"]
    req_a = request(dr_region=B)
    order = plan.copy_order(req_a, "graph", original(30, region=A), listing(b_original))
    assert order.identifier == cident(30, source_region=A)
    assert is_original(b_original, "graph", "nightly", B) and not is_copy(b_original, "graph", "nightly", A)
    assert is_copy(a_copy_in_b, "graph", "nightly", A) and not is_original(a_copy_in_b, "graph", "nightly", B)


def test_a_copys_name_must_fit_too():
    with pytest.raises(InvalidInput, match="cluster '.*': its copy's identifier .* \\(it has 65;"):
        request(clusters=["g" * 31], dr_region="ap-southeast-2")
    request(clusters=["g" * 31])  # without DR, the snapshot's own name fits
