# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""main() of neptune_cluster_snapshot_info on an in-process moto: filters, Neptune only, order, call counts."""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.graphops.neptune.plugins.module_utils import snapshot_api
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot_info as module
from ansible_collections.graphops.neptune.tests.unit.api_operations import ATTRIBUTES
from ansible_collections.graphops.neptune.tests.unit.api_operations import DESCRIBE
from ansible_collections.graphops.neptune.tests.unit.api_operations import TAGS


@pytest.fixture
def neptune(moto_neptune):
    """Neptune clusters 'graph' and 'other', an Aurora cluster; manual snapshots of each, tagged.

    moto also makes an automated snapshot 'rds:<cluster>-<date>' of every cluster.
    """
    client, raw, calls = moto_neptune
    raw.create_db_cluster(DBClusterIdentifier="graph", Engine="neptune")
    raw.create_db_cluster(DBClusterIdentifier="other", Engine="neptune")
    raw.create_db_cluster(
        DBClusterIdentifier="aurora", Engine="aurora-postgresql", MasterUsername="admin", MasterUserPassword="pw-123456"
    )
    for snapshot_id, cluster_id, tags in [
        ("g-2", "graph", {"env": "prod", "keep": "no"}),
        ("o-1", "other", {"env": "dev"}),
        ("g-1", "graph", {"env": "prod", "keep": "yes"}),
        ("aurora-snap", "aurora", {"env": "prod"}),
    ]:
        raw.create_db_cluster_snapshot(
            DBClusterSnapshotIdentifier=snapshot_id,
            DBClusterIdentifier=cluster_id,
            Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
        )
    calls.clear()
    return client, raw, calls


def run(run_module, client, check_mode=False, **args):
    return run_module(module.main, args, client, check_mode=check_mode)


def ids(result):
    return [snapshot["db_cluster_snapshot_identifier"] for snapshot in result["db_cluster_snapshots"]]


def manual_ids(result):
    return [snapshot_id for snapshot_id in ids(result) if not snapshot_id.startswith("rds:")]


def test_everything_neptune_oldest_first_with_tags_and_no_aurora(neptune, run_module):
    client, _raw, calls = neptune
    result = run(run_module, client)
    assert result["changed"] is False
    assert manual_ids(result) == ["g-2", "o-1", "g-1"]
    automated = [i for i in ids(result) if i.startswith("rds:")]
    assert sorted(automated) == sorted(i for i in automated if i.startswith(("rds:graph-", "rds:other-")))
    assert len(automated) == 2
    assert all(s["engine"] == "neptune" for s in result["db_cluster_snapshots"])
    times = [s["snapshot_create_time"] for s in result["db_cluster_snapshots"]]
    assert times == sorted(times)
    by_id = {s["db_cluster_snapshot_identifier"]: s for s in result["db_cluster_snapshots"]}
    assert by_id["g-1"]["tags"] == {"env": "prod", "keep": "yes"}
    # One describe, then one tag read for each of the 5 Neptune snapshots; none for Aurora's.
    assert calls == [DESCRIBE] + [TAGS] * 5


def test_module_asks_for_neptune_and_rds_clients_that_retry_throttling(neptune, run_module):
    client, _raw, _calls = neptune
    run(run_module, client)
    assert [request[:2] for request in run_module.client_requests] == [
        ("neptune", snapshot_api.RETRY_DECORATOR), ("rds", snapshot_api.RETRY_DECORATOR)
    ]


def test_with_an_rds_listing_client_the_tags_cost_no_call(neptune, moto_rds, run_module):
    """The module's own listing client is an rds one, whose answers carry each snapshot's TagList."""
    client, _raw, calls = neptune
    rds_client, rds_calls = moto_rds
    with_tag_reads = run(run_module, client)
    assert calls == [DESCRIBE] + [TAGS] * 5
    calls.clear()
    from_listing = run_module(module.main, {}, client, rds_client=rds_client)
    assert from_listing == with_tag_reads
    assert rds_calls == [DESCRIBE] and calls == []
    filtered = run_module(module.main, {"tags": {"env": "prod"}, "include_tags": False}, client, rds_client=rds_client)
    assert manual_ids(filtered) == ["g-2", "g-1"] and calls == []


def test_by_identifier_any_case(neptune, run_module):
    client, _raw, calls = neptune
    result = run(run_module, client, id="G-1")
    assert ids(result) == ["g-1"]
    assert calls == [DESCRIBE, TAGS]


def test_a_missing_identifier_is_an_empty_list(neptune, run_module):
    client, _raw, calls = neptune
    missing = run(run_module, client, id="nope")
    assert missing["changed"] is False and missing["db_cluster_snapshots"] == [] and "failed" not in missing
    assert run(run_module, client, id="nope", cluster_id="graph")["db_cluster_snapshots"] == []
    assert calls == [DESCRIBE, DESCRIBE]


def test_an_aurora_snapshot_asked_for_by_name_is_not_returned(neptune, run_module):
    client, _raw, calls = neptune
    assert run(run_module, client, id="aurora-snap")["db_cluster_snapshots"] == []
    assert run(run_module, client, cluster_id="aurora")["db_cluster_snapshots"] == []
    assert TAGS not in calls


def test_by_cluster(neptune, run_module):
    client, _raw, _calls = neptune
    result = run(run_module, client, cluster_id="Graph")
    assert manual_ids(result) == ["g-2", "g-1"]
    assert {s["db_cluster_identifier"] for s in result["db_cluster_snapshots"]} == {"graph"}


def test_identifier_and_cluster_together(neptune, run_module):
    client, _raw, _calls = neptune
    assert ids(run(run_module, client, id="g-1", cluster_id="graph")) == ["g-1"]
    assert ids(run(run_module, client, id="g-1", cluster_id="other")) == []


def test_by_type(neptune, run_module):
    client, _raw, _calls = neptune
    manual = run(run_module, client, snapshot_type="manual", include_tags=False)
    assert ids(manual) == ["g-2", "o-1", "g-1"]
    automated = run(run_module, client, snapshot_type="automated", include_tags=False)
    assert [s["snapshot_type"] for s in automated["db_cluster_snapshots"]] == ["automated", "automated"]


def test_an_automated_snapshot_by_its_identifier(neptune, run_module):
    client, _raw, _calls = neptune
    automated = run(run_module, client, cluster_id="graph", snapshot_type="automated")["db_cluster_snapshots"]
    assert len(automated) == 1
    found = run(run_module, client, id=automated[0]["db_cluster_snapshot_identifier"].upper())
    assert ids(found) == [automated[0]["db_cluster_snapshot_identifier"]]


def test_by_tags_all_must_match(neptune, run_module):
    client, _raw, _calls = neptune
    assert manual_ids(run(run_module, client, tags={"env": "prod"})) == ["g-2", "g-1"]
    assert ids(run(run_module, client, tags={"env": "prod", "keep": "yes"})) == ["g-1"]
    assert ids(run(run_module, client, tags={"env": "prod", "keep": "maybe"})) == []


def test_a_tag_filter_reads_tags_even_without_include_tags(neptune, run_module):
    client, _raw, _calls = neptune
    result = run(run_module, client, cluster_id="other", tags={"env": "dev"}, include_tags=False)
    assert ids(result) == ["o-1"] and result["db_cluster_snapshots"][0]["tags"] == {"env": "dev"}


def test_without_tags_one_call_and_no_tags_key(neptune, run_module):
    client, _raw, calls = neptune
    result = run(run_module, client, include_tags=False)
    assert len(ids(result)) == 5 and all("tags" not in s for s in result["db_cluster_snapshots"])
    assert calls == [DESCRIBE]


def test_shared_accounts(neptune, run_module):
    client, raw, calls = neptune
    raw.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="g-1", AttributeName="restore", ValuesToAdd=["111111111111"]
    )
    calls.clear()
    result = run(run_module, client, snapshot_type="manual", include_tags=False, include_shared_accounts=True)
    shared = {s["db_cluster_snapshot_identifier"]: s["shared_accounts"] for s in result["db_cluster_snapshots"]}
    assert shared == {"g-1": ["111111111111"], "g-2": [], "o-1": []}
    assert calls == [DESCRIBE] + [ATTRIBUTES] * 3


def test_shared_and_public_types_are_asked_for(neptune, run_module):
    client, _raw, _calls = neptune
    # moto answers nothing for these; the request reaching it without error is what is checked here.
    assert run(run_module, client, snapshot_type="shared", include_shared=True)["db_cluster_snapshots"] == []
    assert run(run_module, client, snapshot_type="public", include_public=True)["db_cluster_snapshots"] == []


def test_check_mode_gives_the_same_answer(neptune, run_module):
    client, _raw, calls = neptune
    real = run(run_module, client, cluster_id="graph")
    checked = run(run_module, client, check_mode=True, cluster_id="graph")
    assert checked == real and checked["changed"] is False
    assert calls.writes == []


@pytest.mark.parametrize(
    "args, message",
    [
        ({"id": "snap_1"}, "db_cluster_snapshot_identifier 'snap_1' is invalid"),
        ({"cluster_id": "graph--prod"}, "db_cluster_identifier 'graph--prod' is invalid"),
        ({"tags": {"aws:env": "x"}}, "tag key 'aws:env' must not start with 'aws:'"),
        ({"snapshot_type": "manual", "include_shared": True}, "include_shared has no effect with snapshot_type 'manual'"),
        ({"snapshot_type": "daily"}, "value of snapshot_type must be one of"),
    ],
)
def test_bad_filters_fail_before_any_call(neptune, run_module, args, message):
    client, _raw, calls = neptune
    result = run(run_module, client, **args)
    assert result["failed"] and message in result["msg"]
    assert calls == []


def test_documented_return_keys_match_what_comes_back(neptune, run_module):
    client, raw, _calls = neptune
    raw.modify_db_cluster_snapshot_attribute(
        DBClusterSnapshotIdentifier="g-1", AttributeName="restore", ValuesToAdd=["111111111111"]
    )
    result = run(run_module, client, include_shared_accounts=True)
    documented = yaml.safe_load(module.RETURN)
    assert set(result) - {"changed", "invocation"} == set(documented)
    keys = set(documented["db_cluster_snapshots"]["contains"])
    returned = set().union(*(set(s) for s in result["db_cluster_snapshots"]))
    assert returned <= keys, f"returned but not documented: {sorted(returned - keys)}"
    # moto leaves out a few keys AWS sends; all the others must be there.
    for key in ("db_cluster_snapshot_identifier", "db_cluster_identifier", "engine", "status", "snapshot_type",
                "snapshot_create_time", "db_cluster_snapshot_arn", "tags", "shared_accounts"):
        assert key in returned


def test_an_aws_error_fails_the_task_with_what_was_done(neptune, run_module, monkeypatch):
    client, _raw, _calls = neptune
    import botocore.exceptions

    def denied(**_kwargs):
        raise botocore.exceptions.ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, DESCRIBE)

    monkeypatch.setattr(client.client, "describe_db_cluster_snapshots", denied)
    result = run(run_module, client, cluster_id="graph")
    assert result["failed"] and "Failed to describe DB cluster snapshots" in result["msg"]
