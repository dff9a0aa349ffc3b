# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils import snapshot_plan as plan_mod
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_plan import Refused
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_plan import build_request
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_plan import make_plan
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_plan import tag_changes
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
