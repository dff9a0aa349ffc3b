# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The rotation's copies to the DR region, within AWS's copy slots: a part of rotation_run.Rotation."""

from __future__ import annotations

from .rotation_api import COPY_LIMIT, EXISTS, QUOTA, RotationCallError
from .rotation_marks import is_copy
from .rotation_plan import COPY_LIMIT as COPY_SLOTS
from .rotation_plan import DR, CopyRefused, copies_in_progress, copy_order
from .snapshot_listing_api import bounded_map
from .statuses import AVAILABLE, COPYING
from .waiting import Deadline


class DrCopies:
    """Rotation's copy steps; they use its request, sides, listings and outcomes."""

    def _predict_copies(self) -> None:
        """Check mode: put the copies a real run would make into the DR listing."""
        orders = self._copy_orders()
        in_progress = copies_in_progress(self.dr_listing)
        if len(in_progress) + len(orders) > COPY_SLOTS:
            # A real run then waits for copies in progress to make room: assume the rotation's own finish.
            for identifier in in_progress:
                snapshot = self.dr_listing[identifier]
                if any(is_copy(snapshot, c, self.request.name, self.request.region) for c in self.outcomes):
                    snapshot["status"] = AVAILABLE
        for order in orders:
            self.dr_listing[order.identifier] = dict(
                self.listing[order.source_identifier], db_cluster_snapshot_identifier=order.identifier, tags=order.tags,
                status=AVAILABLE if self.request.wait else COPYING, source_db_cluster_snapshot_arn=order.source_arn)
            self.outcomes[order.cluster].copy_made = True

    def _copy_orders(self) -> list:
        orders = []
        for cluster, outcome in self.outcomes.items():
            source = self.listing.get(outcome.this_run) if outcome.this_run and not outcome.failures else None
            if source is None or source.get("status") != AVAILABLE:
                continue
            try:
                order = copy_order(self.request, cluster, source, self.dr_listing)
            except CopyRefused as error:
                outcome.fail(str(error))
                continue
            if order:
                orders.append(order)
        return orders

    def _copy(self) -> None:
        """Start as many copies as there are free copy slots, then wait for slots (one listing a poll) for the
        rest; a copy AWS refuses for the copy limit waits for a slot too, within wait_timeout."""
        api = self.sides[DR].api
        deadline = Deadline(self.request.wait_timeout, self.clock)
        queue, started, quota_retried = self._copy_orders(), {}, set()
        while queue:
            free = COPY_SLOTS - len(copies_in_progress(self.dr_listing))
            refused_for_limit, quota_full = [], []
            if free > 0:
                batch, queue = queue[:free], queue[free:]
                for order, error in zip(batch, bounded_map(self._copy_one, batch, api.workers)):
                    if error is None:
                        started[order.identifier] = order.cluster
                    elif error.kind == COPY_LIMIT:
                        refused_for_limit.append(order)
                    elif error.kind == QUOTA and order.cluster not in quota_retried:
                        quota_full.append(order)
                    else:
                        self.outcomes[order.cluster].fail(str(error))
                again = set(self._after_quota(DR, [o.cluster for o in quota_full], quota_retried))
                queue = refused_for_limit + [o for o in quota_full if o.cluster in again] + queue
                if not refused_for_limit:
                    continue
            if deadline.remaining() <= 0:
                for order in queue:
                    self.outcomes[order.cluster].fail(
                        f"no copy slot in {api.region} within wait_timeout ({self.request.wait_timeout} s): AWS "
                        f"allows {COPY_SLOTS} snapshot copies in progress per region and account; the next run "
                        "copies it")
                break
            # Copies of other engines take slots too and are not in the listing: a refusal waits a poll as well.
            self.sleep(min(self.poll_interval, deadline.remaining()))
            self._refresh(DR)
        self._verify_adopted(DR)
        # Not waited for: a copy "already there" that the listing showed to be someone else's.
        started = {i: c for i, c in started.items() if self.outcomes[c].adopted[DR] != i or not self.outcomes[c].failures}
        if self.request.wait and started:
            self._wait_for(DR, started, "copy")

    def _copy_one(self, order) -> RotationCallError | None:
        try:
            self.dr_listing[order.identifier] = self.sides[DR].api.copy_snapshot(order, self.request.region)
            self.outcomes[order.cluster].copy_made = True
        except RotationCallError as error:
            if error.kind != EXISTS:
                return error
            self.outcomes[order.cluster].adopted[DR] = order.identifier
        return None
