# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils.statuses import SNAPSHOT_FAILURE_STATUSES
from ansible_collections.graphops.neptune.plugins.module_utils.waiting import ABSENT
from ansible_collections.graphops.neptune.plugins.module_utils.waiting import AVAILABLE
from ansible_collections.graphops.neptune.plugins.module_utils.waiting import WaitFailed
from ansible_collections.graphops.neptune.plugins.module_utils.waiting import call_while_busy
from ansible_collections.graphops.neptune.plugins.module_utils.waiting import wait_for_snapshot

PENDING = SNAPSHOT_FAILURE_STATUSES  # the failure set, passed as the module passes it


def reader(states, clock=None, cost=0.0):
    """read_snapshot() answering the given states in turn (each read takes `cost` seconds)."""
    states = list(states)
    reads = []

    def read():
        if clock is not None:
            clock.now += cost
        reads.append(1)
        status = states.pop(0)
        return None if status is None else {"status": status, "percent_progress": 50}

    read.reads = reads
    return read


def test_available_at_once_costs_no_call_and_no_sleep(clock):
    read = reader([])
    result = wait_for_snapshot(read, "s", AVAILABLE, 60, PENDING, {"status": "available"}, clock, clock.sleep)
    assert result == {"status": "available"} and clock.sleeps == [] and read.reads == []


def test_creating_copying_available_polls_every_five_seconds(clock):
    read = reader(["creating", "copying", "available"])
    result = wait_for_snapshot(read, "s", AVAILABLE, 60, PENDING, {"status": "creating"}, clock, clock.sleep)
    assert result["status"] == "available"
    assert clock.sleeps == [5, 5, 5] and len(read.reads) == 3


def test_failed_status_fails_at_once_with_status_and_progress(clock):
    read = reader(["failed"])
    with pytest.raises(WaitFailed) as caught:
        wait_for_snapshot(read, "snap", AVAILABLE, 600, PENDING, {"status": "creating"}, clock, clock.sleep)
    assert "'snap'" in str(caught.value) and "'failed'" in str(caught.value) and "50%" in str(caught.value)
    assert clock.sleeps == [5]


def test_timeout_is_honoured_within_one_poll_interval(clock):
    read = reader(["creating"] * 100)
    start = clock.now
    with pytest.raises(WaitFailed) as caught:
        wait_for_snapshot(read, "snap", AVAILABLE, 12, PENDING, {"status": "creating"}, clock, clock.sleep)
    assert 12 <= clock.now - start <= 12 + 5
    assert clock.sleeps == [5, 5, 2]
    message = str(caught.value)
    assert "Timed out after 12 s" in message and "'snap'" in message and "'creating'" in message and "50%" in message


def test_zero_timeout_reads_nothing(clock):
    with pytest.raises(WaitFailed, match="Timed out"):
        wait_for_snapshot(reader([]), "s", AVAILABLE, 0, PENDING, {"status": "creating"}, clock, clock.sleep)


def test_vanishing_snapshot_fails(clock):
    with pytest.raises(WaitFailed, match="disappeared"):
        wait_for_snapshot(reader([None]), "s", AVAILABLE, 60, PENDING, {"status": "creating"}, clock, clock.sleep)


def test_wait_until_gone(clock):
    read = reader(["deleting", None])
    assert wait_for_snapshot(read, "s", ABSENT, 60, PENDING, {"status": "deleting"}, clock, clock.sleep) is None
    assert clock.sleeps == [5, 5]


def test_gone_already_returns_at_once(clock):
    assert wait_for_snapshot(reader([]), "s", ABSENT, 60, PENDING, None, clock, clock.sleep) is None
    assert clock.sleeps == []


class Busy(Exception):
    pass


def flaky(failures, result="done"):
    calls = []

    def call():
        calls.append(1)
        if len(calls) <= failures:
            raise Busy()
        return result

    call.calls = calls
    return call


def no_jitter(low, high):
    return high


def test_busy_is_retried_with_backoff_then_succeeds(clock):
    call = flaky(3)
    assert call_while_busy(call, lambda e: isinstance(e, Busy), 600, clock, clock.sleep, jitter=no_jitter) == "done"
    assert clock.sleeps == [5, 10, 20] and len(call.calls) == 4


def test_busy_backoff_is_capped_and_stops_at_the_timeout(clock):
    call = flaky(1000)
    with pytest.raises(Busy):
        call_while_busy(call, lambda e: isinstance(e, Busy), 100, clock, clock.sleep, jitter=no_jitter)
    assert clock.sleeps == [5, 10, 20, 30, 30, 5]
    assert clock.now == 100


def test_busy_jitter_stays_within_half_to_full_delay(clock):
    seen = []

    def jitter(low, high):
        seen.append((low, high))
        return low

    call_while_busy(flaky(2), lambda e: isinstance(e, Busy), 600, clock, clock.sleep, jitter=jitter)
    assert seen == [(2.5, 5), (5, 10)] and clock.sleeps == [2.5, 5]


def test_other_errors_are_not_retried(clock):
    call = flaky(1)
    with pytest.raises(Busy):
        call_while_busy(call, lambda e: False, 600, clock, clock.sleep)
    assert clock.sleeps == [] and len(call.calls) == 1


def test_the_failure_set_is_botocores_snapshot_waiter_failure_set():
    import botocore.session

    loader = botocore.session.get_session().get_component("data_loader")
    waiter = loader.load_service_model("rds", "waiters-2")["waiters"]["DBClusterSnapshotAvailable"]
    failures = {acceptor["expected"] for acceptor in waiter["acceptors"] if acceptor["state"] == "failure"}
    assert failures == set(SNAPSHOT_FAILURE_STATUSES)


def test_an_unknown_status_is_polled_not_failed(clock):
    read = reader(["pending", "queued", "available"])
    result = wait_for_snapshot(read, "s", AVAILABLE, 60, PENDING, {"status": "pending"}, clock, clock.sleep)
    assert result["status"] == "available" and clock.sleeps == [5, 5, 5]
