# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The info module's pure part: filter checks, the describe request, engine/cluster/tag filtering and order."""

from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import build_listing_request
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import describe_request
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import has_tags
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import keep
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import oldest_first
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import owned
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_listing import shareable
from ansible_collections.graphops.neptune.plugins.module_utils.statuses import SNAPSHOT_TYPES
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot_info as info_module
from ansible_collections.graphops.neptune.tests.unit.api_operations import NEPTUNE_ONLY

SHARED_ARN = "arn:aws:rds:us-east-1:210987654321:cluster-snapshot:Their-Snap"


def request(**params):
    return build_listing_request(params)


def api_snapshot(snapshot_id="snap", cluster_id="graph", engine="neptune"):
    return {"DBClusterSnapshotIdentifier": snapshot_id, "DBClusterIdentifier": cluster_id, "Engine": engine}


# --- build_listing_request: the same errors as the main module, before any call ---------------


def test_no_filters_lists_everything_with_tags():
    built = request()
    assert (built.snapshot_id, built.cluster_id, built.snapshot_type, built.tags) == (None, None, None, None)
    assert built.include_tags is True and built.needs_tags is True
    assert describe_request(built) == NEPTUNE_ONLY


def test_identifiers_are_lowercased():
    built = request(db_cluster_snapshot_identifier="Snap-1", db_cluster_identifier="Graph")
    assert (built.snapshot_id, built.cluster_id) == ("snap-1", "graph")


@pytest.mark.parametrize(
    "option, value",
    [
        ("db_cluster_snapshot_identifier", "1snap"),
        ("db_cluster_snapshot_identifier", "snap--x"),
        ("db_cluster_snapshot_identifier", "snap-"),
        ("db_cluster_snapshot_identifier", "a" * 64),
        ("db_cluster_identifier", "graph_prod"),
        ("db_cluster_identifier", "-graph"),
    ],
)
def test_bad_identifiers_name_the_value_and_the_rule(option, value):
    with pytest.raises(InvalidInput) as error:
        request(**{option: value})
    assert option in str(error.value) and repr(value) in str(error.value)
    assert "letter" in str(error.value)


def test_automated_snapshot_identifier_is_accepted_and_asks_for_that_type():
    built = request(db_cluster_snapshot_identifier="RDS:Graph-2026-11-27-03-00")
    assert built.snapshot_id == "rds:graph-2026-11-27-03-00"
    assert describe_request(built) == {
        **NEPTUNE_ONLY,
        "DBClusterSnapshotIdentifier": "rds:graph-2026-11-27-03-00",
        "SnapshotType": "automated",
    }


def test_bad_automated_identifier_says_what_follows_rds():
    with pytest.raises(InvalidInput, match=r"'rds:-bad'.*'rds:' followed by '-bad'"):
        request(db_cluster_snapshot_identifier="rds:-bad")


def test_shared_snapshot_arn_is_accepted_and_its_name_checked():
    assert request(db_cluster_snapshot_identifier=SHARED_ARN).snapshot_id == SHARED_ARN[:-10] + "their-snap"
    with pytest.raises(InvalidInput, match="the identifier in ARN"):
        request(db_cluster_snapshot_identifier=SHARED_ARN[:-10] + "their_snap")


def test_bad_tag_filters_get_the_main_modules_errors():
    with pytest.raises(InvalidInput, match=r"tag key 'aws:owner' must not start with 'aws:'"):
        request(tags={"aws:owner": "x"})
    with pytest.raises(InvalidInput, match=r"tag 'env' has no value"):
        request(tags={"env": None})


def test_tag_filter_values_become_text_and_an_empty_filter_is_none():
    assert request(tags={"n": 1}).tags == {"n": "1"}
    assert request(tags={}).tags is None


@pytest.mark.parametrize("snapshot_type", ["manual", "automated", "public"])
def test_include_shared_with_another_type_is_refused(snapshot_type):
    with pytest.raises(InvalidInput, match=f"include_shared has no effect with snapshot_type '{snapshot_type}'"):
        request(snapshot_type=snapshot_type, include_shared=True)


@pytest.mark.parametrize("snapshot_type", ["manual", "automated", "shared"])
def test_include_public_with_another_type_is_refused(snapshot_type):
    with pytest.raises(InvalidInput, match=f"include_public has no effect with snapshot_type '{snapshot_type}'"):
        request(snapshot_type=snapshot_type, include_public=True)


def test_unknown_snapshot_type_is_refused_by_the_argument_spec():
    """The info module's choices refuse it before build_listing_request ("value of snapshot_type must be one of")."""
    assert info_module.ARGUMENT_SPEC["snapshot_type"]["choices"] == list(SNAPSHOT_TYPES) == [
        "automated", "manual", "shared", "public"]


# --- describe_request ----------------------------------------------------------------------


def test_cluster_and_type_filters_go_to_the_api():
    built = request(db_cluster_identifier="graph", snapshot_type="shared", include_shared=True)
    assert describe_request(built) == {
        **NEPTUNE_ONLY, "DBClusterIdentifier": "graph", "SnapshotType": "shared", "IncludeShared": True}


def test_shared_and_public_flags_without_a_type():
    assert describe_request(request(include_shared=True, include_public=True)) == {
        **NEPTUNE_ONLY,
        "IncludeShared": True,
        "IncludePublic": True,
    }


def test_snapshot_and_cluster_together_ask_for_the_snapshot_only():
    # AWS refuses both at once: the cluster is checked on the answer instead.
    built = request(db_cluster_snapshot_identifier="snap", db_cluster_identifier="graph")
    assert describe_request(built) == {**NEPTUNE_ONLY, "DBClusterSnapshotIdentifier": "snap"}
    assert keep(built, api_snapshot("snap", "graph"))
    assert not keep(built, api_snapshot("snap", "other"))


def test_tags_are_read_for_a_tag_filter_even_without_include_tags():
    assert request(include_tags=False).needs_tags is False
    assert request(include_tags=False, tags={"a": "1"}).needs_tags is True


# --- keep: Neptune only, the asked-for snapshot and cluster --------------------------------


@pytest.mark.parametrize("engine", ["aurora-postgresql", "aurora-mysql", "docdb", None])
def test_other_engines_are_left_out(engine):
    assert not keep(request(), api_snapshot(engine=engine))
    assert keep(request(), api_snapshot(engine="neptune"))


def test_keep_compares_identifiers_case_insensitively():
    assert keep(request(db_cluster_snapshot_identifier="snap"), api_snapshot("SNAP", "Graph"))
    assert keep(request(db_cluster_identifier="graph"), api_snapshot("snap", "GRAPH"))
    assert not keep(request(db_cluster_snapshot_identifier="snap"), api_snapshot("snap-2"))


def test_has_tags_needs_every_tag_with_its_value():
    tags = {"env": "prod", "team": "graph"}
    assert has_tags(tags, None) and has_tags(tags, {}) and has_tags(tags, {"env": "prod"})
    assert has_tags(tags, {"env": "prod", "team": "graph"})
    assert not has_tags(tags, {"env": "dev"})
    assert not has_tags(tags, {"env": "prod", "owner": "me"})
    assert not has_tags({}, {"env": "prod"})


def test_owned_and_shareable():
    assert owned({"db_cluster_snapshot_identifier": "snap"})
    assert not owned({"db_cluster_snapshot_identifier": SHARED_ARN})
    assert shareable({"snapshot_type": "manual"})
    assert not shareable({"snapshot_type": "automated"})


# --- order ---------------------------------------------------------------------------------


def facts(snapshot_id, created):
    result = {"db_cluster_snapshot_identifier": snapshot_id}
    if created is not None:
        result["snapshot_create_time"] = created
    return result


def test_oldest_first_compares_times_not_text():
    snapshots = [
        facts("c", "2026-11-27T12:00:00+00:00"),
        # 11:30 UTC: older than c although its text sorts after it.
        facts("b", "2026-11-27T13:30:00+02:00"),
        facts("a", "2026-11-27T12:00:00.500000+00:00"),
        facts("d", "2025-01-01T00:00:00+00:00"),
    ]
    assert [s["db_cluster_snapshot_identifier"] for s in oldest_first(snapshots)] == ["d", "b", "c", "a"]


def test_snapshots_without_a_time_come_last_and_ties_go_by_identifier():
    snapshots = [facts("new", None), facts("y", "2026-01-01T00:00:00"), facts("x", "2026-01-01T00:00:00+00:00")]
    assert [s["db_cluster_snapshot_identifier"] for s in oldest_first(snapshots)] == ["x", "y", "new"]
    assert oldest_first([]) == []
