# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting for a snapshot's status, and retrying a busy cluster, against a clock.

The neptune client ships no snapshot waiter, and botocore's RDS waiters poll
every 30 s and ignore our timeout, so we poll ourselves. The clock and sleep
are parameters so that tests run the whole schedule without sleeping.
"""

from __future__ import annotations

import random
import time

from .statuses import AVAILABLE

POLL_INTERVAL = 5
BUSY_FIRST_DELAY = 5
BUSY_MAX_DELAY = 30
ABSENT = "absent"


class Deadline:
    """One time budget (wait_timeout) shared by every wait and retry of a task."""

    def __init__(self, seconds: float, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.at = clock() + seconds

    def remaining(self) -> float:
        return self.at - self.clock()


def _deadline(timeout, clock) -> Deadline:
    return timeout if isinstance(timeout, Deadline) else Deadline(timeout, clock)


class WaitFailed(Exception):
    """The snapshot failed, vanished, or did not get there within the timeout."""


def _describe(snapshot_id: str, snapshot: dict | None) -> str:
    if snapshot is None:
        return f"snapshot {snapshot_id!r} (gone)"
    return (
        f"snapshot {snapshot_id!r} (last status {snapshot.get('status')!r}, "
        f"progress {snapshot.get('percent_progress', 'unknown')}%)"
    )


def wait_for_snapshot(
    read_snapshot,
    snapshot_id: str,
    goal: str,
    timeout,
    failure_statuses,
    snapshot: dict | None,
    clock=time.monotonic,
    sleep=time.sleep,
    interval: float = POLL_INTERVAL,
) -> dict | None:
    """Poll read_snapshot() until the snapshot is available (goal AVAILABLE) or gone (ABSENT).

    snapshot is the state already known, so a call is spent only when it is not
    there yet. timeout is seconds, or a Deadline shared with the task's other
    waits. As botocore's waiter does, a status in failure_statuses ends the wait
    for AVAILABLE at once, and any other is polled until the timeout. Returns
    the last state read.
    """
    deadline = _deadline(timeout, clock)
    while True:
        if goal == ABSENT and snapshot is None:
            return None
        if goal == AVAILABLE:
            if snapshot is None:
                raise WaitFailed(f"Snapshot {snapshot_id!r} disappeared while waiting for it to become available")
            status = snapshot.get("status")
            if status == AVAILABLE:
                return snapshot
            if status in failure_statuses:
                raise WaitFailed(
                    f"Stopped waiting for {_describe(snapshot_id, snapshot)}: it will not become available "
                    f"(AWS's own snapshot waiter gives up on {status!r} too)"
                )
        remaining = deadline.remaining()
        if remaining <= 0:
            raise WaitFailed(
                f"Timed out after {deadline.seconds:g} s waiting for {_describe(snapshot_id, snapshot)} to become {goal}"
            )
        sleep(min(interval, remaining))
        snapshot = read_snapshot()


def call_while_busy(
    call,
    is_busy,
    timeout,
    clock=time.monotonic,
    sleep=time.sleep,
    first_delay: float = BUSY_FIRST_DELAY,
    max_delay: float = BUSY_MAX_DELAY,
    jitter=random.uniform,
):
    """Call call() until it does not fail with an error is_busy() accepts, or timeout passes.

    timeout is seconds, or a Deadline shared with the task's other waits.

    The last busy error is raised again once the time is up, so the caller's
    message says what was being done.
    """
    deadline = _deadline(timeout, clock)
    delay = first_delay
    while True:
        try:
            return call()
        except Exception as error:  # pylint: disable=broad-exception-caught
            remaining = deadline.remaining()
            if not is_busy(error) or remaining <= 0:
                raise
            # Jitter spreads out many tasks retrying the same cluster.
            sleep(min(jitter(delay / 2, delay), remaining))
            delay = min(delay * 2, max_delay)
