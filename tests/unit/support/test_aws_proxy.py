"""Tests for tests/support/aws_proxy.py and local_aws.py, driven through boto3's neptune client.

Fixtures (local_aws_info, proxy, neptune, make_neptune) live in conftest.py next to this file.
"""
import json
import re
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError

SUPPORT_DIR = Path(__file__).resolve().parents[2] / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

import aws_proxy  # noqa: E402
import local_aws  # noqa: E402


def new_snapshot(neptune, prefix="snap"):
    name = "%s-%s" % (prefix, uuid.uuid4().hex[:8])
    neptune.create_db_cluster_snapshot(DBClusterIdentifier="c1", DBClusterSnapshotIdentifier=name)
    return name


def statuses(neptune):
    answer = neptune.describe_db_cluster_snapshots(DBClusterIdentifier="c1")
    return {s["DBClusterSnapshotIdentifier"]: (s["Status"], s.get("PercentProgress")) for s in answer["DBClusterSnapshots"]}


def error_code(exc_info):
    return exc_info.value.response["Error"]["Code"]


def test_calls_are_recorded(neptune, proxy):
    name = new_snapshot(neptune)
    neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)
    calls = proxy.calls()
    assert [c["action"] for c in calls] == ["CreateDBClusterSnapshot", "DescribeDBClusterSnapshots"]
    assert all(c["snapshot"] == name and c["injected"] is None and c["status"] == 200 for c in calls)
    proxy.clear_calls()
    assert proxy.calls() == []


def test_status_rule_reports_creating_twice_then_available(neptune, proxy):
    name = new_snapshot(neptune)
    other = new_snapshot(neptune, "other")
    proxy.clear_calls()
    # Upper-case on purpose: matching is case-insensitive.
    proxy.add_rule(type="status", snapshot=name.upper(), statuses=["creating", "creating"], progress=40)
    seen = [statuses(neptune) for _attempt in range(3)]
    assert [s[name] for s in seen] == [("creating", 40), ("creating", 40), ("available", 100)]
    # Only the matching <DBClusterSnapshot> element is rewritten.
    assert all(s[other] == ("available", 100) for s in seen)
    assert [c["rewritten_status"] for c in proxy.calls()] == ["creating", "creating", None]
    assert proxy.rules()[0]["used"] == 2


def test_status_rule_forever_and_create_answer(neptune, proxy):
    name = "forever-%s" % uuid.uuid4().hex[:8]
    proxy.add_rule(type="status", snapshot=name, statuses="creating", times=-1)
    created = neptune.create_db_cluster_snapshot(DBClusterIdentifier="c1", DBClusterSnapshotIdentifier=name)
    assert created["DBClusterSnapshot"]["Status"] == "creating"
    assert created["DBClusterSnapshot"]["PercentProgress"] == 0
    for _attempt in range(4):
        assert statuses(neptune)[name] == ("creating", 0)


def test_throttle_twice_then_success_never_reaches_moto(neptune, make_neptune, proxy, local_aws_info):
    name = "throttled-%s" % uuid.uuid4().hex[:8]
    proxy.add_rule(type="fault", action="CreateDBClusterSnapshot", fault="throttle", times=2)
    for _attempt in range(2):
        with pytest.raises(ClientError) as exc_info:
            neptune.create_db_cluster_snapshot(DBClusterIdentifier="c1", DBClusterSnapshotIdentifier=name)
        assert error_code(exc_info) == "Throttling"
        assert exc_info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    # Injected calls were answered by the proxy alone: moto has no such snapshot yet.
    direct = make_neptune(local_aws_info["moto_url"])
    assert name not in statuses(direct)
    neptune.create_db_cluster_snapshot(DBClusterIdentifier="c1", DBClusterSnapshotIdentifier=name)
    assert name in statuses(direct)
    assert [(c["action"], c["snapshot"], c["injected"]) for c in proxy.calls()] == [
        ("CreateDBClusterSnapshot", name, "throttle"),
        ("CreateDBClusterSnapshot", name, "throttle"),
        ("CreateDBClusterSnapshot", name, None),
    ]


def test_botocore_retry_rides_out_one_throttle(make_neptune, neptune, proxy):
    retrying = make_neptune(mode="standard", max_attempts=2)
    proxy.add_rule(type="fault", action="DescribeDBClusterSnapshots", fault="throttle")
    retrying.describe_db_cluster_snapshots()
    assert [c["injected"] for c in proxy.calls()] == ["throttle", None]


@pytest.mark.parametrize("fault, code, http_status", [
    ("503", "ServiceUnavailable", 503),
    ("500", "InternalFailure", 500),
    ("SnapshotQuotaExceeded", "SnapshotQuotaExceeded", 400),
    ("InvalidDBClusterStateFault", "InvalidDBClusterStateFault", 400),
])
def test_error_faults_parse(neptune, proxy, fault, code, http_status):
    proxy.add_rule(type="fault", action="CreateDBClusterSnapshot", fault=fault)
    with pytest.raises(ClientError) as exc_info:
        new_snapshot(neptune)
    assert error_code(exc_info) == code
    assert exc_info.value.response["ResponseMetadata"]["HTTPStatusCode"] == http_status
    assert exc_info.value.response["ResponseMetadata"]["RequestId"]
    new_snapshot(neptune)  # times defaults to 1


def test_quota_fault_maps_to_modeled_exception(neptune, proxy):
    proxy.add_rule(type="fault", action="*", fault="SnapshotQuotaExceeded")
    with pytest.raises(neptune.exceptions.SnapshotQuotaExceededFault):
        new_snapshot(neptune)


def test_drop_closes_connection(neptune, proxy):
    proxy.add_rule(type="fault", action="DescribeDBClusterSnapshots", fault="drop")
    with pytest.raises(ConnectionClosedError):
        neptune.describe_db_cluster_snapshots()
    neptune.describe_db_cluster_snapshots()
    assert [c["injected"] for c in proxy.calls()] == ["drop", None]


def test_every_kth_call_forever(neptune, proxy):
    proxy.add_rule(type="fault", action="DescribeDBClusterSnapshots", fault="throttle", every=2, times=-1)
    outcomes = []
    for _attempt in range(5):
        try:
            neptune.describe_db_cluster_snapshots()
            outcomes.append("ok")
        except ClientError as exc:
            outcomes.append(exc.response["Error"]["Code"])
    assert outcomes == ["ok", "Throttling", "ok", "Throttling", "ok"]
    neptune.describe_db_clusters()  # other actions are not affected
    last = dict(proxy.calls()[-1])
    arrived, answered = last.pop("at"), last.pop("answered_at")
    assert time.time() - 30 < arrived <= answered <= time.time()
    assert last == {"action": "DescribeDBClusters", "snapshot": None, "resource": None, "injected": None,
                    "synthesized": None, "status": 200, "rewritten_status": None, "check_mode": False,
                    "resend_by": None, "region": "us-east-1", "endpoint_region": None, "presigned_url": None}


def test_slow_delays_then_forwards(neptune, proxy):
    proxy.add_rule(type="fault", action="DescribeDBClusterSnapshots", fault="slow", delay=0.5)
    started = time.monotonic()
    neptune.describe_db_cluster_snapshots()
    assert time.monotonic() - started >= 0.5
    assert proxy.calls()[0]["injected"] == "slow" and proxy.calls()[0]["status"] == 200


def test_parallel_calls_consume_each_status_once(neptune, proxy):
    name = new_snapshot(neptune)
    proxy.add_rule(type="status", snapshot=name, statuses=["creating"] * 4)
    proxy.clear_calls()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: statuses(neptune)[name][0], range(12)))
    assert sorted(results) == ["available"] * 8 + ["creating"] * 4
    assert len(proxy.calls()) == 12


def test_control_api(neptune, proxy):
    assert proxy.request("POST", "/_proxy/rules", {"type": "fault", "fault": "nonsense"})[0] == 400
    assert proxy.request("POST", "/_proxy/rules", {"type": "status", "snapshot": "x"})[0] == 400
    assert proxy.request("POST", "/_proxy/rules", {"type": "bogus"})[0] == 400
    assert proxy.request("GET", "/_proxy/nope")[0] == 404
    proxy.add_rule(type="fault", action="*", fault="throttle", times=-1)
    with pytest.raises(ClientError):
        neptune.describe_db_clusters()
    assert len(proxy.rules()) == 1 and len(proxy.calls()) == 1
    proxy.reset()
    assert proxy.rules() == [] and proxy.calls() == []
    neptune.describe_db_clusters()


def test_local_aws_cli_start_stop(tmp_path):
    script = str(SUPPORT_DIR / "local_aws.py")
    run = [sys.executable, script]
    started = subprocess.run(run + ["start", "--state-dir", str(tmp_path)], capture_output=True, text=True, timeout=60, check=False)
    assert started.returncode == 0, started.stderr
    info = json.loads((tmp_path / "local_aws.json").read_text())
    try:
        assert started.stdout.strip() == info["proxy_url"]
        assert info["proxy_url"].startswith("http://127.0.0.1:") and info["moto_url"].startswith("http://127.0.0.1:")
        assert (tmp_path / "moto.log").exists() and (tmp_path / "proxy.log").exists()
        assert (tmp_path / "neptunedata.log").exists() and info["neptunedata_url"].startswith("http://127.0.0.1:")
        # A second start must refuse rather than orphan the running pair.
        again = subprocess.run(run + ["start", "--state-dir", str(tmp_path)], capture_output=True, text=True, timeout=60, check=False)
        assert again.returncode == 1 and "already running" in again.stderr
    finally:
        for _attempt in range(2):  # idempotent
            stopped = subprocess.run(run + ["stop", "--state-dir", str(tmp_path)], capture_output=True, text=True, timeout=60, check=False)
            assert stopped.returncode == 0, stopped.stderr
    assert not (tmp_path / "local_aws.json").exists()
    for pid in (info["moto_pid"], info["proxy_pid"], info["neptunedata_pid"]):
        assert not local_aws._alive(pid)


def test_proxy_log_has_no_secrets(local_aws_info, neptune, proxy):
    new_snapshot(neptune)
    log = (Path(local_aws_info["state_dir"]) / "proxy.log").read_text()
    assert "listening on http://127.0.0.1:" in log
    assert "Authorization" not in log and "Signature" not in log and "testing" not in log


def test_lost_answer_reaches_moto_but_not_the_client(neptune, proxy):
    name = "lost-%s" % uuid.uuid4().hex[:8]
    proxy.add_rule(type="fault", action="CreateDBClusterSnapshot", fault="lost")
    with pytest.raises(ConnectionClosedError):
        neptune.create_db_cluster_snapshot(DBClusterIdentifier="c1", DBClusterSnapshotIdentifier=name)
    assert name in statuses(neptune)  # it was made all the same
    assert proxy.calls()[0]["injected"] == "lost"


def test_totals_count_check_mode_writes_and_survive_reset(make_neptune, neptune, proxy):
    before = proxy.totals()
    dry_run = make_neptune(user_agent_extra="graphops.neptune/check-mode")
    dry_run.describe_db_cluster_snapshots(DBClusterIdentifier="c1")
    name = new_snapshot(dry_run, "dry")
    proxy.add_rule(type="fault", action="DescribeDBClusterSnapshots", fault="throttle")
    with pytest.raises(ClientError):
        neptune.describe_db_cluster_snapshots(DBClusterIdentifier="c1")
    proxy.reset()
    after = proxy.totals()
    assert after["calls"] - before["calls"] == 3
    assert after["check_mode_calls"] - before["check_mode_calls"] == 2
    assert after["check_mode_writes"][len(before["check_mode_writes"]):] == ["CreateDBClusterSnapshot"]
    assert after["injected"].get("throttle", 0) - before["injected"].get("throttle", 0) == 1
    assert proxy.calls() == [] and name  # reset cleared the calls, not the totals


def test_figures_add_up_and_reject_non_numbers(proxy):
    before = proxy.totals()["figures"].get("bad_inputs_refused", 0)
    assert proxy.request("POST", "/_proxy/figures", {"bad_inputs_refused": 3})[0] == 200
    assert proxy.request("POST", "/_proxy/figures", {"bad_inputs_refused": 2})[0] == 200
    assert proxy.totals()["figures"]["bad_inputs_refused"] == before + 5
    assert proxy.request("POST", "/_proxy/figures", {"x": "many"})[0] == 400


def test_create_time_rule_rewrites_every_answer_until_cleared(neptune, proxy):
    name = new_snapshot(neptune)
    other = new_snapshot(neptune, "other")
    real = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=other)["DBClusterSnapshots"][0]["SnapshotCreateTime"]
    assert proxy.request("POST", "/_proxy/rules", {"type": "create_time", "snapshot": name, "time": "yesterday"})[0] == 400
    proxy.add_rule(type="create_time", snapshot=name.upper(), time="2026-01-02T03:04:05Z")
    for _attempt in range(2):  # not used up
        times = {s["DBClusterSnapshotIdentifier"]: s["SnapshotCreateTime"]
                 for s in neptune.describe_db_cluster_snapshots(DBClusterIdentifier="c1")["DBClusterSnapshots"]}
        assert times[name].isoformat() == "2026-01-02T03:04:05+00:00"
        assert times[other] == real  # only the matching element
    proxy.add_rule(type="create_time", snapshot=name, time="2026-02-03T00:00:00+00:00")  # the last rule wins
    assert statuses(neptune)[name] == ("available", 100)
    answer = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)["DBClusterSnapshots"][0]
    assert answer["SnapshotCreateTime"].isoformat() == "2026-02-03T00:00:00+00:00"
    proxy.reset()
    answer = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)["DBClusterSnapshots"][0]
    assert answer["SnapshotCreateTime"].isoformat() != "2026-02-03T00:00:00+00:00"


def test_strip_taglist_rule_removes_the_describe_answers_tag_list(neptune, proxy, local_aws_info):
    # The rds model parses TagList (the neptune model drops it): read the answers as the info module does.
    rds = boto3.client("rds", endpoint_url=local_aws_info["proxy_url"], region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    name, other = new_snapshot(neptune), new_snapshot(neptune, "other")
    neptune.add_tags_to_resource(ResourceName=snapshot_arn(name), Tags=[{"Key": "a", "Value": "1"}])

    def tag_lists():
        answer = rds.describe_db_cluster_snapshots(DBClusterIdentifier="c1")["DBClusterSnapshots"]
        return {s["DBClusterSnapshotIdentifier"]: s.get("TagList") for s in answer if s["DBClusterSnapshotIdentifier"] in (name, other)}

    assert tag_lists() == {name: [{"Key": "a", "Value": "1"}], other: []}  # moto's answer carries it
    with pytest.raises(ValueError, match="strip_taglist"):
        aws_proxy.ProxyState().add_rule({"type": "strip_tag_list"})
    proxy.add_rule(type="strip_taglist", snapshot=name.upper())
    assert tag_lists() == {name: None, other: []}  # only the matching element
    proxy.add_rule(type="strip_taglist")
    assert tag_lists() == {name: None, other: None}
    first, every = proxy.rules()
    assert first["stripped"] == 2 and every["stripped"] >= 1  # the first matching rule counts it
    proxy.reset()
    assert tag_lists() == {name: [{"Key": "a", "Value": "1"}], other: []}


def test_rules_with_a_region_rewrite_only_that_regions_answers(make_neptune, neptune, proxy, local_aws_info):
    name = new_snapshot(neptune)
    source_arn = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)["DBClusterSnapshots"][0]["DBClusterSnapshotArn"]
    west = boto3.client("neptune", endpoint_url=local_aws_info["proxy_url"], region_name="us-west-2",
                        aws_access_key_id="testing", aws_secret_access_key="testing")
    west.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source_arn, TargetDBClusterSnapshotIdentifier=name,
                                  SourceRegion="us-east-1")
    proxy.add_rule(type="status", snapshot=name, statuses="copying", times=-1, region="us-west-2")
    proxy.add_rule(type="create_time", snapshot=name, time="2030-01-01T00:00:00Z", region="us-west-2")
    copy = west.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)["DBClusterSnapshots"][0]
    source = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)["DBClusterSnapshots"][0]
    assert (copy["Status"], copy["SnapshotCreateTime"].year) == ("copying", 2030)
    assert source["Status"] == "available" and source["SnapshotCreateTime"].year != 2030


# ---- AWS's answers that moto never gives (issue 8) ------------------------------------------------

def snapshot_arn(name):
    return "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:%s" % name


def tags_of(client, name):
    return {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceName=snapshot_arn(name))["TagList"]}


@pytest.mark.parametrize("status, progress", [
    ("pending", 0), ("incompatible-restore", 80), ("deleting", 100), ("failed", 60), ("copying", 0),
])
def test_status_rule_writes_any_status(neptune, proxy, status, progress):
    name = new_snapshot(neptune)
    proxy.add_rule(type="status", snapshot=name, statuses=[status], progress=progress)
    assert statuses(neptune)[name] == (status, progress)
    assert statuses(neptune)[name] == ("available", 100)


def test_status_rule_queued_copy_answers_copy_with_no_progress(neptune, proxy):
    source = new_snapshot(neptune)
    target = "queued-%s" % uuid.uuid4().hex[:8]
    proxy.add_rule(type="status", snapshot=target, statuses=["pending", "pending", "copying"], progress=0)
    copied = neptune.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source,
                                              TargetDBClusterSnapshotIdentifier=target)
    assert (copied["DBClusterSnapshot"]["Status"], copied["DBClusterSnapshot"]["PercentProgress"]) == ("pending", 0)
    assert [statuses(neptune)[target] for _attempt in range(3)] == [("pending", 0), ("copying", 0), ("available", 100)]


def modeled_errors(action):
    """{error code: HTTP status} of the errors botocore's neptune and rds models list for action."""
    errors = {}
    for service in ("neptune", "rds"):
        operation = botocore.session.get_session().get_service_model(service).operation_model(action)
        for shape in operation.error_shapes:
            errors[shape.error_code] = shape.metadata["error"]["httpStatusCode"]
    return errors


@pytest.mark.parametrize("action", sorted(aws_proxy.NOT_FOUND_BY_ACTION))
def test_not_found_code_per_action_is_the_models(action):
    name = aws_proxy.NOT_FOUND_BY_ACTION[action]
    http_status, _type, code, _message = aws_proxy.FAULTS[name]
    assert modeled_errors(action).get(code) == http_status, (action, code)


@pytest.mark.parametrize("name", sorted(n for n in aws_proxy.FAULTS if n not in ("throttle", "500", "503", "InvalidParameterValue")))
def test_every_error_fault_has_a_modeled_code_and_status(name):
    http_status, _type, code, _message = aws_proxy.FAULTS[name]
    actions = ["CreateDBClusterSnapshot", "CopyDBClusterSnapshot", "DeleteDBClusterSnapshot", "ListTagsForResource",
               "DescribeDBClusters", "DescribeDBClusterSnapshots"]
    assert any(modeled_errors(action).get(code) == http_status for action in actions), name


@pytest.mark.parametrize("action, call, exception", [
    ("ListTagsForResource", lambda c, n: c.list_tags_for_resource(ResourceName=snapshot_arn(n)), "DBSnapshotNotFoundFault"),
    ("DescribeDBClusterSnapshots", lambda c, n: c.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=n),
     "DBClusterSnapshotNotFoundFault"),
    ("DescribeDBClusters", lambda c, n: c.describe_db_clusters(DBClusterIdentifier="c1"), "DBClusterNotFoundFault"),
    ("AddTagsToResource", lambda c, n: c.add_tags_to_resource(ResourceName=snapshot_arn(n), Tags=[{"Key": "k", "Value": "v"}]),
     "DBSnapshotNotFoundFault"),
])
def test_not_found_fault_raises_the_modeled_exception(neptune, proxy, action, call, exception):
    name = new_snapshot(neptune)
    # A DescribeDBClusters call names no snapshot: its rule cannot filter on one.
    proxy.add_rule(type="fault", action=action, fault="not_found", **({} if action == "DescribeDBClusters" else {"snapshot": name}))
    with pytest.raises(getattr(neptune.exceptions, exception)):
        call(neptune, name)
    assert proxy.calls()[-1]["injected"] == "not_found"


def test_tag_calls_name_their_snapshot_and_rules_filter_on_it(neptune, proxy):
    name, other = new_snapshot(neptune), new_snapshot(neptune, "other")
    proxy.add_rule(type="fault", action="ListTagsForResource", fault="throttle", snapshot=name, times=-1)
    assert tags_of(neptune, other) == {}
    with pytest.raises(ClientError):
        tags_of(neptune, name)
    assert [(c["snapshot"], c["resource"], c["injected"]) for c in proxy.calls()[-2:]] == [
        (None, other, None), (None, name, "throttle")]


def test_lost_delete_resend_meets_deleting_then_gone(make_neptune, neptune, proxy):
    name = new_snapshot(neptune)
    retrying = make_neptune(mode="standard", max_attempts=2)
    proxy.add_rule(type="fault", action="DeleteDBClusterSnapshot", fault="lost", snapshot=name, deleting_for=3)
    proxy.clear_calls()
    # botocore resends the delete whose answer was lost: AWS finds the snapshot deleting.
    with pytest.raises(retrying.exceptions.InvalidDBClusterSnapshotStateFault):
        retrying.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=name)
    assert [(c["injected"], c["synthesized"], c["status"]) for c in proxy.calls()] == [("lost", None, 200), (None, "deleting", 400)]
    with pytest.raises(neptune.exceptions.InvalidDBClusterSnapshotStateFault):
        neptune.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=name)
    # Three describes show it deleting (by name, by cluster, by name), then it is gone, as moto has it.
    by_name = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)["DBClusterSnapshots"]
    assert [(s["DBClusterSnapshotIdentifier"], s["Status"]) for s in by_name] == [(name, "deleting")]
    assert statuses(neptune)[name][0] == "deleting"
    assert neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)["DBClusterSnapshots"][0]["Status"] == "deleting"
    with pytest.raises(neptune.exceptions.DBClusterSnapshotNotFoundFault):
        neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)
    assert name not in statuses(neptune)
    with pytest.raises(neptune.exceptions.DBClusterSnapshotNotFoundFault):
        neptune.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=name)


def test_deleting_rule_after_an_answered_delete(neptune, proxy):
    name = new_snapshot(neptune)
    proxy.add_rule(type="deleting", snapshot=name, times=1)
    assert neptune.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=name)["DBClusterSnapshot"]["DBClusterSnapshotIdentifier"] == name
    assert statuses(neptune)[name][0] == "deleting"
    assert name not in statuses(neptune)


def test_deleting_rule_now_deletes_upstream_and_reports_deleting(neptune, make_neptune, proxy, local_aws_info):
    name = new_snapshot(neptune)
    proxy.add_rule(type="deleting", snapshot=name, times=2, now=True)
    proxy.clear_calls()
    assert statuses(neptune)[name][0] == "deleting"
    assert name not in statuses(make_neptune(local_aws_info["moto_url"]))  # moto: gone already
    with pytest.raises(neptune.exceptions.InvalidDBClusterSnapshotStateFault):
        neptune.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=name)
    assert statuses(neptune)[name][0] == "deleting"
    assert name not in statuses(neptune)
    assert [c["synthesized"] for c in proxy.calls()] == ["deleting"] * 3 + [None]


@pytest.mark.parametrize("action, call", [
    ("AddTagsToResource", lambda c, n: c.add_tags_to_resource(ResourceName=snapshot_arn(n), Tags=[{"Key": "owner", "Value": "a@b"}])),
    ("RemoveTagsFromResource", lambda c, n: c.remove_tags_from_resource(ResourceName=snapshot_arn(n), TagKeys=["keep"])),
])
def test_lost_tag_write_resend_gets_the_lost_answer(make_neptune, neptune, proxy, action, call):
    name = new_snapshot(neptune)
    neptune.add_tags_to_resource(ResourceName=snapshot_arn(name), Tags=[{"Key": "keep", "Value": "1"}])
    retrying = make_neptune(mode="standard", max_attempts=2)
    proxy.add_rule(type="fault", action=action, fault="lost", snapshot=name)
    proxy.clear_calls()
    call(retrying, name)  # no error: the resend got what AWS answers, success
    assert [(c["injected"], c["synthesized"], c["status"]) for c in proxy.calls()] == [("lost", None, 200), (None, "resend", 200)]
    assert tags_of(neptune, name) == ({"keep": "1", "owner": "a@b"} if action == "AddTagsToResource" else {})


def test_lost_sharing_resend_lists_the_account_once(make_neptune, neptune, proxy):
    name = new_snapshot(neptune)
    retrying = make_neptune(mode="standard", max_attempts=2)
    proxy.add_rule(type="fault", action="ModifyDBClusterSnapshotAttribute", fault="lost", snapshot=name)
    proxy.clear_calls()
    answer = retrying.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier=name, AttributeName="restore",
                                                           ValuesToAdd=["111111111111"])
    assert answer["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"][0]["AttributeValues"] == ["111111111111"]
    read = neptune.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier=name)
    assert read["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"][0]["AttributeValues"] == ["111111111111"]
    assert [c["synthesized"] for c in proxy.calls()] == [None, "resend", None]


@pytest.mark.parametrize("copy", [False, True])
def test_lost_create_or_copy_resend_meets_already_exists(make_neptune, neptune, proxy, copy):
    source = new_snapshot(neptune)
    name = "resent-%s" % uuid.uuid4().hex[:8]
    retrying = make_neptune(mode="standard", max_attempts=2)
    action = "CopyDBClusterSnapshot" if copy else "CreateDBClusterSnapshot"
    proxy.add_rule(type="fault", action=action, fault="lost", snapshot=name)
    proxy.clear_calls()
    with pytest.raises(retrying.exceptions.DBClusterSnapshotAlreadyExistsFault):
        if copy:
            retrying.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source, TargetDBClusterSnapshotIdentifier=name)
        else:
            retrying.create_db_cluster_snapshot(DBClusterIdentifier="c1", DBClusterSnapshotIdentifier=name)
    assert [(c["injected"], c["status"]) for c in proxy.calls() if c["action"] == action] == [("lost", 200), (None, 400)]


def test_reserved_tag_prefixes_are_refused_as_aws_does(neptune, proxy):
    name = new_snapshot(neptune)
    calls = (
        lambda: neptune.add_tags_to_resource(ResourceName=snapshot_arn(name), Tags=[{"Key": "AWS:x", "Value": "1"}]),
        lambda: neptune.add_tags_to_resource(ResourceName=snapshot_arn(name), Tags=[{"Key": "from", "Value": "rds:c1-2026"}]),
        lambda: neptune.create_db_cluster_snapshot(DBClusterIdentifier="c1", DBClusterSnapshotIdentifier="other",
                                                   Tags=[{"Key": "from", "Value": "RDS:c1"}]),
        lambda: neptune.remove_tags_from_resource(ResourceName=snapshot_arn(name), TagKeys=["ok", "aws:cloudformation:stack-name"]),
    )
    for call in calls:
        with pytest.raises(ClientError) as exc_info:
            call()
        assert error_code(exc_info) == "InvalidParameterValue"
        assert "reserved prefix" in exc_info.value.response["Error"]["Message"]
    neptune.add_tags_to_resource(ResourceName=snapshot_arn(name), Tags=[{"Key": "awsome", "Value": "automated:c1-2026"}])
    assert tags_of(neptune, name) == {"awsome": "automated:c1-2026"}
    assert [c["synthesized"] for c in proxy.calls()][-6:] == ["reserved-tag"] * 4 + [None, None]


def test_max_in_flight_counts_concurrent_calls(neptune, proxy):
    proxy.add_rule(type="fault", action="DescribeDBClusters", fault="slow", delay=0.6, times=-1)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: neptune.describe_db_clusters(), range(4)))
    status, answer = proxy.request("GET", "/_proxy/calls")
    assert answer["max_in_flight"] == 4
    assert proxy.totals()["max_in_flight"] >= 4
    proxy.clear_calls()
    neptune.describe_db_cluster_snapshots()
    assert proxy.request("GET", "/_proxy/calls")[1]["max_in_flight"] == 1


def test_resend_by_tells_botocore_from_the_module(make_neptune, neptune, proxy):
    before = proxy.totals()["resent_by"]
    botocore_retrying = make_neptune(mode="standard", max_attempts=3)
    proxy.add_rule(type="fault", action="DescribeDBClusters", fault="throttle", times=2)
    botocore_retrying.describe_db_clusters()  # botocore resends twice within one invocation
    proxy.add_rule(type="fault", action="DescribeDBClusterSnapshots", fault="503", times=1)
    with pytest.raises(ClientError):
        neptune.describe_db_cluster_snapshots()
    neptune.describe_db_cluster_snapshots()  # a new invocation: what the module's AWSRetry does
    assert [(c["action"], c["injected"], c["resend_by"]) for c in proxy.calls()] == [
        ("DescribeDBClusters", "throttle", None), ("DescribeDBClusters", "throttle", "botocore"),
        ("DescribeDBClusters", None, "botocore"),
        ("DescribeDBClusterSnapshots", "503", None), ("DescribeDBClusterSnapshots", None, "module")]
    after = proxy.totals()["resent_by"]
    assert after["botocore"]["throttle"] - before.get("botocore", {}).get("throttle", 0) == 2
    assert after["module"]["503"] - before.get("module", {}).get("503", 0) == 1


# ---- AWS's limits that moto lacks: the snapshot quota, the copy limit, a stopped cluster ----------

def regional(local_aws_info, region, service="neptune", url=None):
    """A client signed for region, through the proxy (or at url), with no botocore retries."""
    return boto3.client(service, endpoint_url=url or local_aws_info["proxy_url"], region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(retries={"total_max_attempts": 1}))


def snapshot_ids(client, **filters):
    return {s["DBClusterSnapshotIdentifier"] for s in client.describe_db_cluster_snapshots(**filters)["DBClusterSnapshots"]}


def refusal(exc_info):
    answer = exc_info.value.response
    return answer["ResponseMetadata"]["HTTPStatusCode"], answer["Error"]["Code"], answer["Error"]["Message"]


def test_limit_rules_are_checked_and_cleared(proxy):
    for bad in ({"type": "quota"}, {"type": "quota", "limit": -1}, {"type": "copy_limit", "others": -2},
                {"type": "copy_limit", "limit": "many"}):
        assert proxy.request("POST", "/_proxy/rules", bad)[0] == 400, bad
    assert proxy.add_rule(type="copy_limit")["limit"] == 5
    proxy.add_rule(type="quota", limit=0)
    assert [(r["type"], r["refused"]) for r in proxy.rules()] == [("copy_limit", 0), ("quota", 0)]
    assert proxy.request("POST", "/_proxy/rules/clear")[0] == 200
    assert proxy.rules() == []


def test_quota_counts_manual_snapshots_of_every_engine_for_create_and_copy(neptune, proxy, local_aws_info):
    region = "eu-west-1"
    client, rds = regional(local_aws_info, region), regional(local_aws_info, region, "rds")
    direct = regional(local_aws_info, region, url=local_aws_info["moto_url"])
    client.create_db_cluster(DBClusterIdentifier="q", Engine="neptune")
    rds.create_db_cluster(DBClusterIdentifier="aurora", Engine="aurora-postgresql", MasterUsername="admin",
                          MasterUserPassword="password123")
    client.create_db_cluster_snapshot(DBClusterIdentifier="q", DBClusterSnapshotIdentifier="n1")
    rds.create_db_cluster_snapshot(DBClusterIdentifier="aurora", DBClusterSnapshotIdentifier="a1")
    kinds = sorted(s["SnapshotType"] for s in direct.describe_db_cluster_snapshots()["DBClusterSnapshots"])
    assert kinds == ["automated", "automated", "manual", "manual"]  # the automated ones must not count
    proxy.add_rule(type="quota", limit=3, region=region)
    client.create_db_cluster_snapshot(DBClusterIdentifier="q", DBClusterSnapshotIdentifier="n2")  # 2 manual: room for one
    proxy.clear_calls()
    for call in (lambda: client.create_db_cluster_snapshot(DBClusterIdentifier="q", DBClusterSnapshotIdentifier="n3"),
                 lambda: client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier="n1", TargetDBClusterSnapshotIdentifier="n3")):
        with pytest.raises(client.exceptions.SnapshotQuotaExceededFault) as exc_info:
            call()
        assert refusal(exc_info) == (400, "SnapshotQuotaExceeded", "Cannot create more than 3 manual DB cluster snapshots")
    assert "n3" not in snapshot_ids(direct)  # never reached moto
    assert [(c["action"], c["synthesized"]) for c in proxy.calls()] == [
        ("CreateDBClusterSnapshot", "quota"), ("CopyDBClusterSnapshot", "quota")]  # the proxy's own reads are not calls
    assert proxy.rules()[0]["refused"] == 2
    new_snapshot(neptune)  # the rule names eu-west-1: us-east-1 (more manual snapshots by now) is not limited
    rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="a1")  # freeing a place with an Aurora snapshot
    client.create_db_cluster_snapshot(DBClusterIdentifier="q", DBClusterSnapshotIdentifier="n3")


def test_quota_counts_snapshots_shown_deleting(proxy, local_aws_info):
    region = "eu-west-2"
    client, direct = regional(local_aws_info, region), regional(local_aws_info, region, url=local_aws_info["moto_url"])
    client.create_db_cluster(DBClusterIdentifier="q", Engine="neptune")
    for name in ("d1", "d2"):
        client.create_db_cluster_snapshot(DBClusterIdentifier="q", DBClusterSnapshotIdentifier=name)
    proxy.add_rule(type="deleting", snapshot="d1", times=2)
    proxy.add_rule(type="quota", limit=2)  # any region
    client.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="d1")
    assert snapshot_ids(direct, SnapshotType="manual") == {"d2"}  # moto deleted it at once; AWS is still deleting it
    with pytest.raises(client.exceptions.SnapshotQuotaExceededFault) as exc_info:
        client.create_db_cluster_snapshot(DBClusterIdentifier="q", DBClusterSnapshotIdentifier="d3")
    assert refusal(exc_info) == (400, "SnapshotQuotaExceeded", "Cannot create more than 2 manual DB cluster snapshots")
    for _attempt in range(2):  # counting it used up none of its `deleting` answers
        assert client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="d1")["DBClusterSnapshots"][0]["Status"] == "deleting"
    assert "d1" not in snapshot_ids(client)  # deleted now: no longer counted
    client.create_db_cluster_snapshot(DBClusterIdentifier="q", DBClusterSnapshotIdentifier="d3")


def test_copy_limit_counts_the_proxys_cross_region_copies_in_progress(neptune, proxy, local_aws_info):
    region = "eu-west-3"
    client, direct = regional(local_aws_info, region), regional(local_aws_info, region, url=local_aws_info["moto_url"])
    source = snapshot_arn(new_snapshot(neptune))

    def copy(target):
        return client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source, TargetDBClusterSnapshotIdentifier=target,
                                               SourceRegion="us-east-1")["DBClusterSnapshot"]

    proxy.add_rule(type="copy_limit", limit=2, region=region)
    for target in ("t1", "t2", "t3", "t1-local"):  # queued for good
        proxy.add_rule(type="status", snapshot=target, statuses="pending", times=-1, region=region)
    assert [copy(target)["Status"] for target in ("t1", "t2")] == ["pending", "pending"]
    for _attempt in range(2):
        with pytest.raises(client.exceptions.SnapshotQuotaExceededFault) as exc_info:
            copy("t3")
        assert refusal(exc_info) == (400, "SnapshotQuotaExceeded", "Cannot copy more than 2 snapshots across regions")
    assert "t3" not in snapshot_ids(direct)
    # Counting peeked at the status rules: each was used only by its copy's answer.
    assert [r["used"] for r in proxy.rules() if r["type"] == "status"] == [1, 1, 0, 0]
    # A copy within the region is neither limited nor counted (it stays pending too).
    local = client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier="t1", TargetDBClusterSnapshotIdentifier="t1-local")
    assert local["DBClusterSnapshot"]["Status"] == "pending"
    # A failed copy is no longer in progress (the last status rule for t1 wins), nor is one in another region.
    proxy.add_rule(type="status", snapshot="t1", statuses="failed", times=-1, region=region)
    proxy.add_rule(type="status", snapshot="t2", statuses="available", times=-1, region="us-east-1")
    assert copy("t3")["Status"] == "pending"
    with pytest.raises(client.exceptions.SnapshotQuotaExceededFault):
        copy("t4")  # t2 and t3 in progress
    assert [r["refused"] for r in proxy.rules() if r["type"] == "copy_limit"] == [3]


def test_copy_limit_counts_copies_other_tools_make(neptune, proxy, local_aws_info):
    region = "ca-central-1"
    client = regional(local_aws_info, region)
    source = snapshot_arn(new_snapshot(neptune))

    def copy(target):
        return client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source, TargetDBClusterSnapshotIdentifier=target,
                                               SourceRegion="us-east-1")["DBClusterSnapshot"]

    rule = proxy.add_rule(type="copy_limit", others=4)
    assert (rule["limit"], rule["others"]) == (5, 4)
    proxy.add_rule(type="status", snapshot="o1", statuses=["copying", "pending"], forever=True, region=region)
    assert copy("o1")["Status"] == "copying"  # 4 others: room for one
    with pytest.raises(client.exceptions.SnapshotQuotaExceededFault) as exc_info:
        copy("o2")
    assert refusal(exc_info) == (400, "SnapshotQuotaExceeded", "Cannot copy more than 5 snapshots across regions")
    assert [client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="o1")["DBClusterSnapshots"][0]["Status"]
            for _attempt in range(2)] == ["pending", "pending"]
    proxy.request("POST", "/_proxy/rules/clear")
    proxy.add_rule(type="copy_limit", others=5)  # o1 is available now; five copies by others are enough
    with pytest.raises(client.exceptions.SnapshotQuotaExceededFault):
        copy("o2")


def test_copies_report_their_source_arn(neptune, make_neptune, proxy, local_aws_info):
    client = regional(local_aws_info, "ap-southeast-1")
    source = new_snapshot(neptune)
    source_arn = snapshot_arn(source)
    cross = client.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source_arn, TargetDBClusterSnapshotIdentifier="x1",
                                            SourceRegion="us-east-1")["DBClusterSnapshot"]
    local_name = "local-%s" % uuid.uuid4().hex[:8]
    local = neptune.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source,
                                             TargetDBClusterSnapshotIdentifier=local_name)["DBClusterSnapshot"]
    assert cross["SourceDBClusterSnapshotArn"] == source_arn == local["SourceDBClusterSnapshotArn"]
    listed = {s["DBClusterSnapshotIdentifier"]: s.get("SourceDBClusterSnapshotArn")
              for s in neptune.describe_db_cluster_snapshots(DBClusterIdentifier="c1")["DBClusterSnapshots"]}
    assert (listed[local_name], listed[source]) == (source_arn, None)
    proxy.reset()  # the copies are still copies
    described = client.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="x1")["DBClusterSnapshots"][0]
    assert described["SourceDBClusterSnapshotArn"] == source_arn
    direct = make_neptune(local_aws_info["moto_url"])
    assert "SourceDBClusterSnapshotArn" not in direct.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=local_name)["DBClusterSnapshots"][0]
    deleted = neptune.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=local_name)["DBClusterSnapshot"]
    assert deleted["SourceDBClusterSnapshotArn"] == source_arn
    # A snapshot made again under the copy's name is no copy.
    neptune.create_db_cluster_snapshot(DBClusterIdentifier="c1", DBClusterSnapshotIdentifier=local_name)
    again = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=local_name)["DBClusterSnapshots"][0]
    assert "SourceDBClusterSnapshotArn" not in again


def test_a_stopped_cluster_is_not_snapshotted(neptune, make_neptune, proxy, local_aws_info):
    cluster = "stopped-%s" % uuid.uuid4().hex[:8]
    direct = make_neptune(local_aws_info["moto_url"])
    neptune.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    fresh = "fresh-%s" % uuid.uuid4().hex[:8]
    neptune.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=fresh)  # a new cluster: fine
    neptune.stop_db_cluster(DBClusterIdentifier=cluster)
    name = "cold-%s" % uuid.uuid4().hex[:8]
    proxy.clear_calls()
    with pytest.raises(neptune.exceptions.InvalidDBClusterStateFault) as exc_info:
        neptune.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=name)
    assert refusal(exc_info) == (400, "InvalidDBClusterStateFault", "DbCluster %s is not in available state." % cluster)
    assert name not in snapshot_ids(direct)
    assert [(c["action"], c["synthesized"]) for c in proxy.calls()] == [("CreateDBClusterSnapshot", "cluster-state")]
    with pytest.raises(neptune.exceptions.DBClusterNotFoundFault):  # an unknown cluster: moto's answer
        neptune.create_db_cluster_snapshot(DBClusterIdentifier="no-such-cluster", DBClusterSnapshotIdentifier=name)
    neptune.start_db_cluster(DBClusterIdentifier=cluster)
    neptune.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=name)
    assert name in snapshot_ids(direct)


# ---- AWS's pages: MaxRecords 20-100 (default 100) and Marker, which moto ignores (issue 16) ---------

def fill_region(local_aws_info, region, manual, aurora=0):
    """A Neptune cluster of region (its automated snapshot comes with it) and `manual` manual snapshots of it,
    plus `aurora` Aurora snapshots, made straight at moto; returns the identifiers of every cluster snapshot."""
    direct = regional(local_aws_info, region, "rds", url=local_aws_info["moto_url"])
    direct.create_db_cluster(DBClusterIdentifier="paged", Engine="neptune")
    for number in range(manual):
        direct.create_db_cluster_snapshot(DBClusterIdentifier="paged", DBClusterSnapshotIdentifier="paged-%04d" % number)
    if aurora:
        direct.create_db_cluster(DBClusterIdentifier="other", Engine="aurora-postgresql", MasterUsername="admin",
                                 MasterUserPassword="password123")
        for number in range(aurora):
            direct.create_db_cluster_snapshot(DBClusterIdentifier="other", DBClusterSnapshotIdentifier="other-%04d" % number)
    return {s["DBClusterSnapshotIdentifier"] for page in direct.get_paginator("describe_db_cluster_snapshots").paginate()
            for s in page["DBClusterSnapshots"]}


def snapshot_pages(client, **request):
    """Every page of a snapshot listing, following each Marker by hand: [(identifiers, marker)]."""
    answers = []
    while True:
        answer = client.describe_db_cluster_snapshots(**request)
        answers.append(([s["DBClusterSnapshotIdentifier"] for s in answer["DBClusterSnapshots"]], answer.get("Marker")))
        if not answer.get("Marker"):
            return answers
        request["Marker"] = answer["Marker"]


@pytest.fixture(scope="module")
def thousand(local_aws_info):
    """1,000 cluster snapshots in one region: the cluster's automated one and 999 manual (moto's quota counts
    both against its 1,000)."""
    region = "ap-southeast-2"
    made = fill_region(local_aws_info, region, 999)
    assert len(made) == 1000
    return region, made


def test_moto_itself_answers_in_one_page(local_aws_info, thousand):
    region, made = thousand
    direct = regional(local_aws_info, region, url=local_aws_info["moto_url"])
    answer = direct.describe_db_cluster_snapshots(MaxRecords=20)
    assert len(answer["DBClusterSnapshots"]) == 1000 and "Marker" not in answer  # why the proxy pages


def test_a_thousand_snapshots_take_ten_pages_of_a_hundred(local_aws_info, proxy, thousand):
    region, made = thousand
    client = regional(local_aws_info, region)
    answers = snapshot_pages(client)
    assert [len(ids) for ids, _marker in answers] == [100] * 10
    assert [bool(marker) for _ids, marker in answers] == [True] * 9 + [False]
    listed = [i for ids, _marker in answers for i in ids]
    assert len(listed) == len(set(listed)) == 1000 and set(listed) == made
    assert [c["action"] for c in proxy.calls()] == ["DescribeDBClusterSnapshots"] * 10


def test_max_records_twenty_pages_by_twenty(local_aws_info, proxy, thousand):
    region, made = thousand
    client = regional(local_aws_info, region)
    answers = snapshot_pages(client, MaxRecords=20)
    assert [len(ids) for ids, _marker in answers] == [20] * 50
    assert {i for ids, _marker in answers for i in ids} == made


@pytest.mark.parametrize("max_records", [19, 101, 0, -1])
def test_max_records_outside_twenty_to_a_hundred_is_refused(local_aws_info, proxy, thousand, max_records):
    region, _made = thousand
    for client, operation in ((regional(local_aws_info, region), "describe_db_cluster_snapshots"),
                              (regional(local_aws_info, region), "describe_db_clusters")):
        with pytest.raises(ClientError) as exc_info:
            getattr(client, operation)(MaxRecords=max_records)
        assert refusal(exc_info) == (400, "InvalidParameterValue",
                                     "Invalid value %d for MaxRecords. Must be between 20 and 100" % max_records)
    assert [(c["synthesized"], c["status"]) for c in proxy.calls()] == [("max-records", 400)] * 2


def test_a_marker_the_proxy_never_gave_is_refused(local_aws_info, proxy, thousand):
    region, _made = thousand
    with pytest.raises(ClientError) as exc_info:
        regional(local_aws_info, region).describe_db_cluster_snapshots(Marker="made-up")
    assert refusal(exc_info)[:2] == (400, "InvalidParameterValue")


def test_two_hundred_and_fifty_take_three_pages(local_aws_info, proxy):
    region = "ap-northeast-2"
    made = fill_region(local_aws_info, region, 249)
    assert len(made) == 250
    answers = snapshot_pages(regional(local_aws_info, region))
    assert [len(ids) for ids, _marker in answers] == [100, 100, 50]
    assert {i for ids, _marker in answers for i in ids} == made


def test_a_paginator_sees_every_snapshot_once_over_the_requests_filters(local_aws_info, proxy):
    region = "sa-east-1"
    made = fill_region(local_aws_info, region, 130, aurora=60)
    rds = regional(local_aws_info, region, "rds")
    neptune_only = {i for i in made if not i.startswith("other-") and not i.startswith("rds:other")}
    for request, wanted, calls in (
        ({}, made, 2),  # 192: 130 manual and 2 automated... of two engines
        ({"Filters": [{"Name": "engine", "Values": ["neptune"]}]}, neptune_only, 2),  # 131: paged after the filter
        ({"SnapshotType": "manual", "DBClusterIdentifier": "paged"}, {"paged-%04d" % n for n in range(130)}, 2),
        ({"SnapshotType": "manual", "DBClusterIdentifier": "paged", "PaginationConfig": {"PageSize": 20}},
         {"paged-%04d" % n for n in range(130)}, 7),
    ):
        proxy.clear_calls()
        listed = [s["DBClusterSnapshotIdentifier"] for page in rds.get_paginator("describe_db_cluster_snapshots").paginate(**request)
                  for s in page["DBClusterSnapshots"]]
        assert sorted(listed) == sorted(wanted) and len(listed) == len(set(listed)), request
        assert len(proxy.calls()) == calls, request


def test_a_snapshot_made_or_deleted_between_pages_never_costs_another_one(local_aws_info, proxy):
    region = "eu-north-1"
    made = fill_region(local_aws_info, region, 150)
    client, direct = regional(local_aws_info, region), regional(local_aws_info, region, url=local_aws_info["moto_url"])
    first = client.describe_db_cluster_snapshots()
    seen = [s["DBClusterSnapshotIdentifier"] for s in first["DBClusterSnapshots"]]
    direct.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=seen[-1])  # the marker's own snapshot
    direct.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=seen[0])
    direct.create_db_cluster_snapshot(DBClusterIdentifier="paged", DBClusterSnapshotIdentifier="zz-late")
    rest = [s["DBClusterSnapshotIdentifier"] for s in
            client.describe_db_cluster_snapshots(Marker=first["Marker"])["DBClusterSnapshots"]]
    assert len(seen) == 100 and not set(seen) & set(rest)
    assert set(seen) | set(rest) == made | {"zz-late"}


def test_clusters_are_paged_too(local_aws_info, proxy):
    region = "eu-south-1"
    direct = regional(local_aws_info, region, "rds", url=local_aws_info["moto_url"])
    for number in range(45):
        direct.create_db_cluster(DBClusterIdentifier="fleet-%02d" % number, Engine="neptune")
    client = regional(local_aws_info, region)
    answers, request = [], {"MaxRecords": 20, "Filters": [{"Name": "engine", "Values": ["neptune"]}]}
    while True:
        answer = client.describe_db_clusters(**request)
        answers.append([c["DBClusterIdentifier"] for c in answer["DBClusters"]])
        if "Marker" not in answer:
            break
        request["Marker"] = answer["Marker"]
    assert [len(ids) for ids in answers] == [20, 20, 5]
    assert sorted(i for ids in answers for i in ids) == ["fleet-%02d" % n for n in range(45)]
    assert len(client.describe_db_clusters()["DBClusters"]) == 45 and "Marker" not in client.describe_db_clusters()


def other_account(client, account="210987654321"):
    """client, acting as another account on moto (its x-moto-account-id header)."""
    client.meta.events.register("before-sign.rds.*", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", account))
    return client


def test_the_engine_filter_applies_to_shared_snapshots_too(local_aws_info, proxy):
    """moto answers SnapshotType=shared with every engine's shared snapshots whatever the filters; AWS filters."""
    region = "me-south-1"
    theirs = other_account(regional(local_aws_info, region, "rds", url=local_aws_info["moto_url"]))
    theirs.create_db_cluster(DBClusterIdentifier="their-graph", Engine="neptune")
    theirs.create_db_cluster(DBClusterIdentifier="their-pg", Engine="aurora-postgresql", MasterUsername="admin",
                             MasterUserPassword="password123")
    for cluster in ("their-graph", "their-pg"):
        theirs.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=cluster + "-snap")
        theirs.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier=cluster + "-snap", AttributeName="restore",
                                                    ValuesToAdd=["123456789012"])
    direct, client = (regional(local_aws_info, region, "rds", url=local_aws_info["moto_url"]),
                      regional(local_aws_info, region, "rds"))
    engine = [{"Name": "engine", "Values": ["neptune"]}]
    assert len(snapshot_ids(direct, SnapshotType="shared", Filters=engine)) == 2  # why the proxy filters
    listed = client.describe_db_cluster_snapshots(SnapshotType="shared", Filters=engine)["DBClusterSnapshots"]
    assert [(s["DBClusterSnapshotIdentifier"], s["Engine"]) for s in listed] == [("their-graph-snap", "neptune")]
    assert len(snapshot_ids(client, SnapshotType="shared")) == 2  # no filter: every engine's
    assert [c["action"] for c in proxy.calls()] == ["DescribeDBClusterSnapshots"] * 2


def test_the_engine_filter_is_applied_before_paging(local_aws_info, proxy):
    """250 Aurora snapshots and 3 Neptune ones: one page with the filter, three without (AWS filters, then pages)."""
    region = "af-south-1"
    made = fill_region(local_aws_info, region, 2, aurora=250)  # 2 manual + the automated one of each cluster
    client = regional(local_aws_info, region, "rds")
    engine = [{"Name": "engine", "Values": ["neptune"]}]
    answers = snapshot_pages(client, Filters=engine)
    assert len(answers) == 1 and sorted(answers[0][0])[:2] == ["paged-0000", "paged-0001"] and len(answers[0][0]) == 3
    assert len(snapshot_pages(client)) == 3 and len(made) == 254
    assert [c["action"] for c in proxy.calls()] == ["DescribeDBClusterSnapshots"] * 4


# ---- per-region endpoints (issue 16): a regional endpoint serves only its region ------------------

def test_local_aws_reports_an_endpoint_per_region(local_aws_info, proxy):
    assert sorted(local_aws_info["region_urls"]) == sorted(local_aws.REGIONS) == ["us-east-1", "us-west-2"]
    urls = set(local_aws_info["region_urls"].values())
    assert len(urls) == 2 and local_aws_info["proxy_url"] not in urls
    assert proxy.request("GET", "/_proxy/endpoints") == (200, {"regions": local_aws_info["region_urls"]})


def test_a_regional_endpoint_refuses_a_request_signed_for_another_region(local_aws_info, proxy):
    west_url = local_aws_info["region_urls"]["us-west-2"]
    regional(local_aws_info, "us-west-2", url=west_url).describe_db_clusters()  # its own region passes
    regional(local_aws_info, "us-east-1", url=local_aws_info["region_urls"]["us-east-1"]).describe_db_clusters()
    proxy.add_rule(type="fault", action="DescribeDBClusterSnapshots", fault="throttle")  # never reached
    with pytest.raises(ClientError) as refused:
        regional(local_aws_info, "us-east-1", url=west_url).describe_db_cluster_snapshots()
    error = refused.value.response
    assert error["Error"]["Code"] == "SignatureDoesNotMatch"
    assert error["Error"]["Message"] == "Credential should be scoped to a valid region, not 'us-east-1'. "
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 403
    calls = proxy.calls()
    assert [(c["region"], c["endpoint_region"], c["synthesized"], c["status"]) for c in calls] == [
        ("us-west-2", "us-west-2", None, 200), ("us-east-1", "us-east-1", None, 200),
        ("us-east-1", "us-west-2", "wrong-region", 403)]
    assert proxy.rules()[0]["injected"] == 0  # refused before any rule


def test_the_shared_endpoint_serves_every_region(local_aws_info, proxy):
    for region in ("us-east-1", "us-west-2", "eu-west-1"):
        regional(local_aws_info, region).describe_db_clusters()
    assert [(c["region"], c["endpoint_region"], c["status"]) for c in proxy.calls()] == [
        ("us-east-1", None, 200), ("us-west-2", None, 200), ("eu-west-1", None, 200)]


def test_the_host_header_names_the_endpoints_region(local_aws_info, proxy):
    """A request whose Host is another region's endpoint is judged by that Host, wherever it arrived."""
    west_host = local_aws_info["region_urls"]["us-west-2"].split("//")[1]
    east = regional(local_aws_info, "us-east-1")  # the shared endpoint

    def to_west(request, **_kwargs):
        request.headers["Host"] = west_host  # before signing: the signature covers the Host

    east.meta.events.register_first("before-sign.neptune.DescribeDBClusters", to_west)
    with pytest.raises(ClientError) as refused:
        east.describe_db_clusters()
    assert error_code(refused) == "SignatureDoesNotMatch"
    assert proxy.calls()[-1]["endpoint_region"] == "us-west-2"


def test_a_copy_records_where_its_presigned_url_points(local_aws_info, proxy, neptune):
    name = new_snapshot(neptune)
    source_arn = neptune.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=name)["DBClusterSnapshots"][0]["DBClusterSnapshotArn"]
    west = regional(local_aws_info, "us-west-2", url=local_aws_info["region_urls"]["us-west-2"])
    # botocore builds the URL from the destination's by replacing the region name in it: the loopback URL has
    # none, so the URL names the destination's endpoint, signed for the source region.
    west.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier=source_arn, TargetDBClusterSnapshotIdentifier=name,
                                  SourceRegion="us-east-1")
    assert proxy.calls()[-1]["presigned_url"] == {"signed_for": "us-east-1", "endpoint_region": "us-west-2"}
    west.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier=name)
    assert proxy.calls()[-1]["presigned_url"] is None


def test_region_port_arguments_are_checked():
    assert aws_proxy.region_port("us-west-2=8001") == ("us-west-2", 8001)
    for bad in ("us-west-2", "west=1", "us-west-2=x"):
        with pytest.raises(Exception, match="REGION=PORT"):
            aws_proxy.region_port(bad)


def test_status_rules_for_a_cluster_and_an_instance_rewrite_their_own_status_only(neptune, proxy):
    name = "st-%s" % uuid.uuid4().hex[:8]
    neptune.create_db_cluster(DBClusterIdentifier=name, Engine="neptune", VpcSecurityGroupIds=["sg-1"])
    neptune.create_db_instance(DBInstanceIdentifier=name + "-1", DBInstanceClass="db.r6g.large", Engine="neptune",
                               DBClusterIdentifier=name)
    proxy.add_rule(type="status", cluster=name, statuses=["creating", "backing-up"])
    proxy.add_rule(type="status", instance=name + "-1", statuses="modifying")
    seen = [neptune.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0] for _attempt in range(3)]
    assert [c["Status"] for c in seen] == ["creating", "backing-up", "available"]
    # The cluster's own status only: its members' and security groups' stay as they are.
    assert [g["Status"] for g in seen[0]["VpcSecurityGroups"]] == [g["Status"] for g in seen[2]["VpcSecurityGroups"]]
    other = neptune.describe_db_clusters(DBClusterIdentifier="c1")["DBClusters"][0]
    assert other["Status"] == "available"
    filters = [{"Name": "db-cluster-id", "Values": [name]}]
    statuses = [neptune.describe_db_instances(Filters=filters)["DBInstances"][0]["DBInstanceStatus"] for _attempt in range(2)]
    assert statuses == ["modifying", "available"]
    assert [c["rewritten_status"] for c in proxy.calls() if c["action"] == "DescribeDBInstances"] == ["modifying", None]


def test_a_status_rule_names_one_thing(proxy):
    status, answer = proxy.request("POST", "/_proxy/rules", {"type": "status", "statuses": "creating"})
    assert status == 400
    status, answer = proxy.request("POST", "/_proxy/rules",
                                   {"type": "status", "cluster": "a", "instance": "b", "statuses": "creating"})
    assert status == 400


class FakeClock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def cluster_answer(name, status="available"):
    return ("<DescribeDBClustersResponse xmlns=\"%s\"><DescribeDBClustersResult><DBClusters><DBCluster>"
            "<DBClusterIdentifier>%s</DBClusterIdentifier><Status>%s</Status></DBCluster></DBClusters>"
            "</DescribeDBClustersResult></DescribeDBClustersResponse>" % (aws_proxy.XMLNS, name, status)).encode()


def shown_status(state, name):
    body, _written = state.rewrite_statuses("DescribeDBClusters", cluster_answer(name))
    return re.search(r"<Status>([^<]*)</Status>", body.decode()).group(1)


def test_a_timed_status_rule_lasts_its_seconds_from_the_first_answer_whatever_the_count():
    clock = FakeClock()
    state = aws_proxy.ProxyState(clock=clock)
    state.add_rule({"type": "status", "cluster": "timed", "statuses": "creating", "seconds": 30})
    clock.now += 100  # the clock starts at the first answer that shows the cluster, not when the rule is made
    assert shown_status(state, "other") == "available"
    started = clock.now
    seen = []
    for _answer in range(50):  # many more answers than the one a count-based rule gives by default
        seen.append(shown_status(state, "timed"))
        clock.now += 0.5
    assert seen == ["creating"] * 50
    clock.now = started + 29.9
    assert shown_status(state, "timed") == "creating"
    clock.now = started + 30
    assert shown_status(state, "timed") == "available"
    clock.now = started + 10  # used up for good: a clock read out of order does not bring it back
    assert shown_status(state, "timed") == "available"
    rule = state.rules[0]
    assert (rule["started_at"], rule["ends_at"]) == (started, started + 30)


def test_a_timed_status_rule_with_a_list_repeats_its_last_status_until_the_time_is_up():
    clock = FakeClock()
    state = aws_proxy.ProxyState(clock=clock)
    state.add_rule({"type": "status", "cluster": "timed", "statuses": ["creating", "backing-up"], "seconds": 5})
    seen = []
    for _answer in range(4):
        seen.append(shown_status(state, "timed"))
        clock.now += 1
    clock.now += 1
    seen.append(shown_status(state, "timed"))
    assert seen == ["creating", "backing-up", "backing-up", "backing-up", "available"]


@pytest.mark.parametrize("rule, message", [
    ({"seconds": 0}, "positive number"),
    ({"seconds": -1}, "positive number"),
    ({"seconds": "30"}, "positive number"),
    ({"seconds": True}, "positive number"),
    ({"seconds": 5, "times": 3}, "not both"),
    ({"seconds": 5, "forever": True}, "not both"),
])
def test_a_timed_status_rule_needs_a_positive_time_and_no_count(rule, message):
    with pytest.raises(ValueError, match=message):
        aws_proxy.ProxyState().add_rule(dict({"type": "status", "cluster": "c", "statuses": "creating"}, **rule))


def test_a_timed_status_rule_through_the_proxy_shows_its_status_for_its_seconds(neptune, proxy):
    name = "timed-%s" % uuid.uuid4().hex[:8]
    neptune.create_db_cluster(DBClusterIdentifier=name, Engine="neptune")
    proxy.add_rule(type="status", cluster=name, statuses="creating", seconds=1.5)
    seen = [neptune.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]["Status"] for _answer in range(4)]
    assert seen == ["creating"] * 4
    rule = proxy.rules()[0]
    time.sleep(max(0.0, rule["ends_at"] - time.time()) + 0.05)
    assert neptune.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]["Status"] == "available"
    calls = [c for c in proxy.calls() if c["action"] == "DescribeDBClusters"]
    assert [c["rewritten_status"] for c in calls] == ["creating"] * 4 + [None]
    assert rule["started_at"] <= calls[0]["answered_at"] and calls[-1]["answered_at"] >= rule["ends_at"]
    assert proxy.request("POST", "/_proxy/rules", {"type": "status", "cluster": name, "statuses": "creating",
                                                   "seconds": 0})[0] == 400
