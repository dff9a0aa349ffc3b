# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""restore_request and restore_plan: pure functions, no AWS."""

from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils import restore_plan as plan
from ansible_collections.graphops.neptune.plugins.module_utils.restore_request import RESTORED_FROM_TAG
from ansible_collections.graphops.neptune.plugins.module_utils.restore_request import build_request
from ansible_collections.graphops.neptune.plugins.module_utils.validation import normalize_tags

SNAPSHOT = {"engine": "neptune", "status": "available", "engine_version": "1.3.2.1", "port": 8182,
            "storage_encrypted": True, "kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/k1"}
OURS = {RESTORED_FROM_TAG: "nightly"}


def request(**params):
    base = {"db_cluster_identifier": "Drill", "snapshot": "Nightly", "instance_class": "db.r6g.large"}
    base.update(params)
    return build_request(base, "us-east-1")


def cluster(status="available", engine="neptune", **more):
    return dict({"DBClusterIdentifier": "drill", "Engine": engine, "Status": status}, **more)


def instance(name, status="available"):
    return {"DBInstanceIdentifier": name, "DBInstanceClass": "db.r6g.large", "DBInstanceStatus": status}


def test_the_request_lowercases_and_names_its_instances():
    req = request(instance_count=3)
    assert (req.cluster_id, req.restored_from) == ("drill", "nightly")
    assert req.instance_ids == ["drill-1", "drill-2", "drill-3"]


@pytest.mark.parametrize("snapshot, tag", [
    ("Nightly", "nightly"),
    ("rds:graph-prod-2026-11-27-03-00", "automated:graph-prod-2026-11-27-03-00"),
    ("awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453", "awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453"),
    ("arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:graph-prod-2026-11-27-03-00",
     "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:graph-prod-2026-11-27-03-00"),
])
def test_the_restored_from_tag_names_any_snapshot_with_a_value_aws_takes(snapshot, tag):
    # AWS refuses a tag value starting with "rds:", as an automated snapshot's identifier does
    tags = plan.restore_tags(request(snapshot=snapshot, tags={"team": "graph"}))
    assert tags == {"team": "graph", RESTORED_FROM_TAG: tag}
    assert normalize_tags(tags) == tags  # AWS's rule, as the modules check users' tags


def test_an_automated_snapshot_restored_is_known_again_and_another_is_refused():
    automated = request(snapshot="rds:graph-prod-2026-11-27-03-00")
    tags = plan.restore_tags(automated)
    kept = plan.plan_present(automated, cluster(), tags, [instance("drill-1")], SNAPSHOT)
    assert kept.action == plan.NOTHING
    with pytest.raises(plan.Refused, match="'automated:graph-prod-2026-11-27-03-00'.*not 'rds:graph-prod-2026-11-28"):
        plan.plan_present(request(snapshot="rds:graph-prod-2026-11-28-03-00"), cluster(), tags, [], SNAPSHOT)


def test_no_cluster_plans_a_restore_predicted_from_the_snapshot():
    result = plan.plan_present(request(), None, None, [], SNAPSHOT)
    assert result.action == plan.RESTORE
    assert result.instances_to_create == ["drill-1"]
    assert result.cluster == {"DBClusterIdentifier": "drill", "Engine": "neptune", "EngineVersion": "1.3.2.1",
                              "Port": 8182, "StorageEncrypted": True, "DeletionProtection": False,
                              "KmsKeyId": SNAPSHOT["kms_key_id"]}
    assert result.before == {"exists": False}
    assert result.after["restored_from"] == "nightly"


@pytest.mark.parametrize("snapshot, words", [
    (None, "was not found"),
    (dict(SNAPSHOT, engine="aurora-mysql"), "'aurora-mysql' snapshot"),
    (dict(SNAPSHOT, status="creating"), "is 'creating'"),
])
def test_a_snapshot_that_cannot_be_restored_is_refused(snapshot, words):
    with pytest.raises(plan.Refused, match=words):
        plan.plan_present(request(), None, None, [], snapshot)


@pytest.mark.parametrize("have, count, action, create", [
    ([instance("drill-1")], 1, plan.NOTHING, []),
    ([instance("drill-1")], 2, plan.ADD_INSTANCES, ["drill-2"]),
    ([], 2, plan.ADD_INSTANCES, ["drill-1", "drill-2"]),
    ([instance("drill-1"), instance("drill-2")], 1, plan.NOTHING, []),  # extra instances are left alone
    ([instance("drill-9")], 2, plan.ADD_INSTANCES, ["drill-1"]),  # one of another name counts
])
def test_an_own_cluster_gets_the_instances_it_lacks(have, count, action, create):
    result = plan.plan_present(request(instance_count=count), cluster(), OURS, have)
    assert (result.action, result.instances_to_create) == (action, create)


@pytest.mark.parametrize("current, tags, words", [
    (cluster(), {}, "was not restored by this module"),
    (cluster(), {RESTORED_FROM_TAG: "other"}, "restored from snapshot 'other', not 'nightly'"),
    (cluster(engine="aurora-postgresql"), OURS, "not a Neptune one"),
    (cluster(status="deleting"), OURS, "being deleted"),
])
def test_present_refuses_a_cluster_it_must_not_take(current, tags, words):
    with pytest.raises(plan.Refused, match=words):
        plan.plan_present(request(), current, tags, [])


def test_absent_deletes_the_instances_not_already_deleting_then_the_cluster():
    req = request(state="absent", skip_final_snapshot=True, snapshot=None, instance_class=None)
    have = [instance("drill-1"), instance("drill-2", status="deleting")]
    result = plan.plan_absent(req, cluster(), {RESTORED_FROM_TAG: "anything"}, have)
    assert result.action == plan.DELETE
    assert result.instances_to_delete == ["drill-1"]
    assert result.after == {"exists": False}


@pytest.mark.parametrize("current, tags, action", [(None, None, plan.NOTHING),
                                                   (cluster(status="deleting"), OURS, plan.NOTHING)])
def test_absent_has_nothing_to_do_for_a_cluster_gone_or_going(current, tags, action):
    req = request(state="absent", skip_final_snapshot=True)
    assert plan.plan_absent(req, current, tags, []).action == action


def test_absent_refuses_a_cluster_not_restored_by_the_module():
    req = request(state="absent", skip_final_snapshot=True)
    with pytest.raises(plan.Refused, match="a typo here must not delete a cluster in use"):
        plan.plan_absent(req, cluster(), {"Name": "prod"}, [])
