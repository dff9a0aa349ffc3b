# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils import snapshot_plan as plan_mod
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_plan import Refused
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_plan import make_plan
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_prediction import tag_changes
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_request import build_request
from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput

CLUSTER = {
    "DBClusterIdentifier": "graph",
    "DBClusterArn": "arn:aws:rds:us-east-1:123456789012:cluster:graph",
    "Engine": "neptune",
    "EngineVersion": "1.3.2.1",
    "Port": 8182,
    "StorageEncrypted": True,
    "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/k1",
    "IAMDatabaseAuthenticationEnabled": False,
    "Status": "available",
}


def request(**params):
    params.setdefault("db_cluster_snapshot_identifier", "Snap")
    return build_request(params)


def snapshot(**facts):
    base = {
        "db_cluster_snapshot_identifier": "snap",
        "db_cluster_identifier": "graph",
        "db_cluster_snapshot_arn": "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:snap",
        "engine": "neptune",
        "snapshot_type": "manual",
        "status": "available",
        "tags": {"env": "prod", "aws:backup": "yes"},
    }
    base.update(facts)
    return base


def test_build_request_normalizes_and_defaults():
    req = request(db_cluster_identifier="Graph", tags={"n": 1})
    assert (req.snapshot_id, req.cluster_id, req.tags) == ("snap", "graph", {"n": "1"})
    assert (req.state, req.purge_tags, req.wait, req.wait_timeout) == ("present", True, False, 1200)


def test_build_request_rejects_bad_cluster_identifier():
    with pytest.raises(InvalidInput, match="db_cluster_identifier 'graph_1'"):
        request(db_cluster_identifier="graph_1")


def test_create_plan_predicts_facts_from_cluster_and_request():
    plan = make_plan(request(db_cluster_identifier="graph", tags={"a": "1"}), None, CLUSTER)
    assert plan.action == plan_mod.CREATE and plan.changed
    assert plan.facts == {
        "db_cluster_snapshot_identifier": "snap",
        "db_cluster_identifier": "graph",
        "db_cluster_snapshot_arn": "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:snap",
        "snapshot_type": "manual",
        "engine": "neptune",
        "engine_version": "1.3.2.1",
        "port": 8182,
        "storage_encrypted": True,
        "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/k1",
        "iam_database_authentication_enabled": False,
        "tags": {"a": "1"},
    }
    assert plan.before == {"exists": False}
    assert plan.after == {
        "exists": True,
        "db_cluster_snapshot_identifier": "snap",
        "db_cluster_identifier": "graph",
        "tags": {"a": "1"},
    }


def test_unencrypted_cluster_predicts_no_kms_key():
    cluster = dict(CLUSTER, StorageEncrypted=False, KmsKeyId="default_kms_key_id")
    assert "kms_key_id" not in make_plan(request(db_cluster_identifier="graph"), None, cluster).facts


def test_create_needs_a_cluster_identifier():
    with pytest.raises(Refused, match="db_cluster_identifier .to snapshot a cluster. or source_db_cluster_snapshot_identifier"):
        make_plan(request(), None, None)


def test_create_from_missing_cluster_is_refused():
    with pytest.raises(Refused, match="cluster 'graph' was not found"):
        make_plan(request(db_cluster_identifier="graph"), None, None)


def test_create_from_non_neptune_cluster_is_refused():
    with pytest.raises(Refused, match="'aurora-postgresql', not 'neptune'"):
        make_plan(request(db_cluster_identifier="graph"), None, dict(CLUSTER, Engine="aurora-postgresql"))


@pytest.mark.parametrize("state", ["present", "absent"])
def test_snapshot_of_another_cluster_is_refused(state):
    with pytest.raises(Refused) as caught:
        make_plan(request(db_cluster_identifier="other", state=state), snapshot(), None)
    assert "'graph'" in str(caught.value) and "'other'" in str(caught.value)


@pytest.mark.parametrize("state", ["present", "absent"])
def test_non_neptune_snapshot_is_refused(state):
    with pytest.raises(Refused, match="engine 'aurora-mysql'"):
        make_plan(request(state=state), snapshot(engine="aurora-mysql"), None)


def test_automated_snapshot_is_never_deleted():
    with pytest.raises(Refused, match="automated"):
        make_plan(request(state="absent"), snapshot(snapshot_type="automated"), None)


def test_identical_rerun_plans_nothing():
    plan = make_plan(request(db_cluster_identifier="graph", tags={"env": "prod"}), snapshot(), None)
    assert plan.action == plan_mod.NOTHING and not plan.changed
    assert plan.before == plan.after


def test_tags_left_out_leave_tags_alone():
    plan = make_plan(request(), snapshot(), None)
    assert plan.action == plan_mod.NOTHING
    assert plan.facts["tags"] == {"env": "prod", "aws:backup": "yes"}


def test_tag_replace_purges_but_keeps_aws_tags():
    plan = make_plan(request(tags={"team": "graph"}), snapshot(), None)
    assert plan.action == plan_mod.UPDATE
    assert (plan.tags_to_set, plan.tags_to_remove) == ({"team": "graph"}, ["env"])
    assert plan.facts["tags"] == {"team": "graph", "aws:backup": "yes"}
    assert plan.before["tags"] == {"env": "prod", "aws:backup": "yes"}
    assert plan.after["tags"] == {"team": "graph", "aws:backup": "yes"}


def test_tag_add_without_purge_keeps_others():
    plan = make_plan(request(tags={"team": "graph"}, purge_tags=False), snapshot(), None)
    assert (plan.tags_to_set, plan.tags_to_remove) == ({"team": "graph"}, [])
    assert plan.facts["tags"] == {"env": "prod", "aws:backup": "yes", "team": "graph"}


def test_empty_tags_with_purge_remove_every_removable_tag():
    plan = make_plan(request(tags={}), snapshot(), None)
    assert (plan.tags_to_set, plan.tags_to_remove) == ({}, ["env"])
    assert plan.facts["tags"] == {"aws:backup": "yes"}


def test_empty_tags_without_purge_change_nothing():
    assert not make_plan(request(tags={}, purge_tags=False), snapshot(), None).changed


def test_changed_value_is_set():
    assert tag_changes({"env": "prod"}, {"env": "test"}, True) == ({"env": "test"}, [])


def test_delete_plan_returns_facts_as_before():
    current = snapshot()
    plan = make_plan(request(state="absent", db_cluster_identifier="graph"), current, None)
    assert plan.action == plan_mod.DELETE
    assert plan.facts == current
    assert plan.after == {"exists": False}


def test_delete_of_nothing_is_unchanged():
    plan = make_plan(request(state="absent"), None, None)
    assert not plan.changed and plan.facts == {}


# --- copy -------------------------------------------------------------------------------------

SOURCE = {
    "db_cluster_snapshot_identifier": "nightly",
    "db_cluster_identifier": "graph",
    "db_cluster_snapshot_arn": "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:nightly",
    "engine": "neptune",
    "engine_version": "1.3.2.1",
    "port": 8182,
    "snapshot_type": "manual",
    "status": "available",
    "storage_encrypted": True,
    "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/k1",
}


def copy_request(**params):
    params.setdefault("source_db_cluster_snapshot_identifier", "nightly")
    return build_request(dict(params, db_cluster_snapshot_identifier="copy"), "us-east-1")


def test_copy_plan_predicts_facts_from_the_source():
    plan = make_plan(copy_request(tags={"a": "1"}), None, source=SOURCE)
    assert plan.action == plan_mod.COPY
    assert plan.facts == {
        "db_cluster_snapshot_identifier": "copy",
        "db_cluster_identifier": "graph",
        "db_cluster_snapshot_arn": "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:copy",
        "source_db_cluster_snapshot_arn": SOURCE["db_cluster_snapshot_arn"],
        "engine": "neptune",
        "engine_version": "1.3.2.1",
        "port": 8182,
        "snapshot_type": "manual",
        "storage_encrypted": True,
        "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/k1",
        "tags": {"a": "1"},
    }


def test_cross_region_copy_predicts_its_arn_here_and_no_kms_alias():
    params = dict(
        db_cluster_snapshot_identifier="copy",
        source_db_cluster_snapshot_identifier="arn:aws:rds:us-west-2:123456789012:cluster-snapshot:nightly",
        kms_key_id="alias/dr",
    )
    plan = make_plan(build_request(params, "eu-west-1"), None, source=SOURCE)
    assert "kms_key_id" not in plan.facts
    assert plan.facts["db_cluster_snapshot_arn"] == "arn:aws:rds:eu-west-1:123456789012:cluster-snapshot:copy"


@pytest.mark.parametrize(
    "copy_tags, tags, purge, expected",
    [
        (False, None, True, {}),
        (True, None, True, {"src": "1", "shared": "source"}),
        (True, {"shared": "mine", "new": "2"}, False, {"src": "1", "shared": "mine", "new": "2"}),
        (True, {"new": "2"}, True, {"new": "2"}),
        (False, {"new": "2"}, False, {"new": "2"}),
    ],
)
def test_copy_tags_then_tags_with_the_usual_rules(copy_tags, tags, purge, expected):
    req = copy_request(copy_tags=copy_tags, tags=tags, purge_tags=purge)
    plan = make_plan(req, None, source=SOURCE, origin_tags={"src": "1", "shared": "source"})
    assert plan.facts["tags"] == expected


@pytest.mark.parametrize(
    "source, params, fragment",
    [
        (None, {}, "the source snapshot was not found"),
        (dict(SOURCE, engine="aurora-mysql"), {}, "engine 'aurora-mysql'"),
        (dict(SOURCE, status="creating"), {}, "not available yet (status 'creating')"),
        (dict(SOURCE, storage_encrypted=False), {"kms_key_id": "alias/k"}, "cannot encrypt an unencrypted snapshot"),
        (
            SOURCE,
            {"source_db_cluster_snapshot_identifier": "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:nightly"},
            "requires kms_key_id",
        ),
    ],
)
def test_copy_is_refused_before_the_call(source, params, fragment):
    with pytest.raises(Refused) as caught:
        make_plan(copy_request(**params), None, source=source)
    assert fragment in str(caught.value) and "'copy'" in str(caught.value)


def test_existing_copy_from_another_source_is_refused():
    existing = snapshot(
        db_cluster_snapshot_identifier="copy",
        source_db_cluster_snapshot_arn="arn:aws:rds:us-east-1:123456789012:cluster-snapshot:other",
    )
    with pytest.raises(Refused) as caught:
        make_plan(copy_request(), existing)
    assert "'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:other'" in str(caught.value)
    assert "'nightly'" in str(caught.value)


def test_existing_copy_from_the_same_source_reconciles_tags():
    existing = snapshot(
        db_cluster_snapshot_identifier="copy",
        source_db_cluster_snapshot_arn="arn:aws:rds:us-east-1:123456789012:cluster-snapshot:nightly",
    )
    plan = make_plan(copy_request(tags={"env": "prod", "copy": "yes"}), existing)
    assert plan.action == plan_mod.UPDATE and plan.tags_to_set == {"copy": "yes"}


EAST = "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:"
WEST = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:"


@pytest.mark.parametrize("source, reported", [
    ("nightly", EAST + "a-nightly"),  # the same suffix: another snapshot
    ("nightly", EAST + "nightly-2"),
    ("a-nightly", EAST + "nightly"),
    (WEST + "nightly", WEST + "a-nightly"),
    (WEST + "nightly", EAST + "nightly"),  # the same name in another region
    ("nightly", WEST + "nightly"),  # an identifier names a snapshot of the copy's own region...
    ("nightly", "arn:aws:rds:us-east-1:210987654321:cluster-snapshot:nightly"),  # ...and account
])
def test_an_existing_copy_of_another_source_is_refused_however_alike_the_names(source, reported):
    existing = snapshot(db_cluster_snapshot_identifier="copy", db_cluster_snapshot_arn=EAST + "copy",
                        source_db_cluster_snapshot_arn=reported)
    request = copy_request(source_db_cluster_snapshot_identifier=source,
                           **({"kms_key_id": "alias/k"} if source.startswith(WEST) else {}))
    with pytest.raises(Refused, match="was copied from"):
        make_plan(request, existing)


@pytest.mark.parametrize("source, reported", [
    ("nightly", EAST + "nightly"),
    ("Nightly", EAST + "nightly"),
    (EAST + "nightly", EAST + "nightly"),
    (WEST + "nightly", WEST + "nightly"),
])
def test_an_existing_copy_of_the_same_source_is_kept(source, reported):
    existing = snapshot(db_cluster_snapshot_identifier="copy", db_cluster_snapshot_arn=EAST + "copy",
                        source_db_cluster_snapshot_arn=reported, tags={})
    request = copy_request(source_db_cluster_snapshot_identifier=source,
                           **({"kms_key_id": "alias/k"} if source.startswith(WEST) else {}))
    assert make_plan(request, existing).action == plan_mod.NOTHING


def test_existing_copy_compared_by_arn():
    arn = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:nightly"
    existing = snapshot(source_db_cluster_snapshot_arn=arn.upper().replace("ARN:AWS:RDS", "arn:aws:rds"))
    req = copy_request(source_db_cluster_snapshot_identifier=arn, kms_key_id="alias/k")
    assert make_plan(req, existing).action == plan_mod.NOTHING


# --- sharing ----------------------------------------------------------------------------------


def shared(accounts, **facts):
    return snapshot(shared_accounts=accounts, **facts)


@pytest.mark.parametrize(
    "current, desired, purge, to_add, to_remove, result",
    [
        ([], ["111111111111"], True, ["111111111111"], [], ["111111111111"]),
        (["111111111111", "222222222222"], ["222222222222"], True, [], ["111111111111"], ["222222222222"]),
        (["111111111111"], ["222222222222"], False, ["222222222222"], [], ["111111111111", "222222222222"]),
        (["111111111111", "all"], [], True, [], ["111111111111", "all"], []),
        (["111111111111"], ["111111111111"], True, [], [], ["111111111111"]),
    ],
)
def test_share_plan(current, desired, purge, to_add, to_remove, result):
    req = request(shared_accounts=desired, purge_shared_accounts=purge, allow_public=False)
    plan = make_plan(req, shared(current))
    assert (plan.accounts_to_add, plan.accounts_to_remove) == (to_add, to_remove)
    assert plan.facts["shared_accounts"] == result
    assert plan.after["shared_accounts"] == result and plan.before["shared_accounts"] == current
    assert plan.changed == bool(to_add or to_remove)


def test_sharing_left_out_is_left_alone():
    plan = make_plan(request(), snapshot())
    assert not plan.changed and "shared_accounts" not in plan.facts and "shared_accounts" not in plan.after


def test_public_share_allowed_for_unencrypted():
    plan = make_plan(request(shared_accounts=["all"], allow_public=True), shared([], storage_encrypted=False))
    assert plan.accounts_to_add == ["all"]


def test_public_share_refused_for_encrypted_even_when_allowed():
    with pytest.raises(Refused, match="encrypted.*never makes encrypted snapshots public"):
        make_plan(request(shared_accounts=["all"], allow_public=True), shared([], storage_encrypted=True))


def test_new_snapshot_is_shared_after_it_is_made():
    plan = make_plan(request(db_cluster_identifier="graph", shared_accounts=["111111111111"]), None, CLUSTER)
    assert plan.action == plan_mod.CREATE and plan.accounts_to_add == ["111111111111"]
    assert plan.facts["shared_accounts"] == ["111111111111"]


def test_new_encrypted_snapshot_cannot_be_public():
    req = request(db_cluster_identifier="graph", shared_accounts=["all"], allow_public=True)
    with pytest.raises(Refused, match="encrypted"):
        make_plan(req, None, CLUSTER)


def test_tags_and_sharing_change_together():
    plan = make_plan(request(tags={"env": "test"}, shared_accounts=["111111111111"]), shared([]))
    assert plan.action == plan_mod.UPDATE
    assert plan.tags_to_set == {"env": "test"} and plan.accounts_to_add == ["111111111111"]
