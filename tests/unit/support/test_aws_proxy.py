"""Tests for tests/support/aws_proxy.py and local_aws.py, driven through boto3's neptune client.

Fixtures (local_aws_info, proxy, neptune, make_neptune) live in conftest.py next to this file.
"""
import json
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError, ConnectionClosedError

SUPPORT_DIR = Path(__file__).resolve().parents[2] / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

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
    assert proxy.calls()[-1] == {"action": "DescribeDBClusters", "snapshot": None,
                                 "injected": None, "status": 200, "rewritten_status": None, "check_mode": False}


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
        # A second start must refuse rather than orphan the running pair.
        again = subprocess.run(run + ["start", "--state-dir", str(tmp_path)], capture_output=True, text=True, timeout=60, check=False)
        assert again.returncode == 1 and "already running" in again.stderr
    finally:
        for _attempt in range(2):  # idempotent
            stopped = subprocess.run(run + ["stop", "--state-dir", str(tmp_path)], capture_output=True, text=True, timeout=60, check=False)
            assert stopped.returncode == 0, stopped.stderr
    assert not (tmp_path / "local_aws.json").exists()
    for pid in (info["moto_pid"], info["proxy_pid"]):
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
