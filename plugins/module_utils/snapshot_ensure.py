# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read, plan, apply, wait: the flow of neptune_cluster_snapshot.

Check mode stops after the plan, so it makes read calls only and reports the
same `changed` and the predicted facts.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from .snapshot_api import BAD_SNAPSHOT_STATE
from .snapshot_api import BUSY_CLUSTER
from .snapshot_api import SnapshotAppeared
from .snapshot_api import error_code
from .snapshot_plan import COPY
from .snapshot_plan import CREATE
from .snapshot_plan import DELETE
from .snapshot_plan import Refused
from .snapshot_plan import diff_view
from .snapshot_plan import make_plan
from .statuses import AVAILABLE
from .statuses import CREATING
from .statuses import DELETING
from .statuses import NEPTUNE_ENGINE
from .statuses import SNAPSHOT_FAILURE_STATUSES
from .statuses import cluster_busy_passes
from .waiting import ABSENT
from .waiting import Deadline
from .waiting import call_while_busy
from .validation import MAX_TAGS_PER_RESOURCE
from .waiting import wait_for_snapshot


def read_snapshot_for_plan(api, request):
    """The current snapshot with its tags (and sharing, when the task manages it).

    Tags and sharing are only read for a snapshot the module may touch, and only to keep it (a delete
    needs neither: 2 calls). A snapshot deleted between the calls (any not-found code the models list
    for them) is taken as gone.
    """
    snapshot = api.describe_snapshot(request.snapshot_id)
    if snapshot is not None and snapshot.get("engine") == NEPTUNE_ENGINE and request.state == "present":
        snapshot["tags"] = api.read_tags(snapshot, gone_ok=True)
        if snapshot["tags"] is None:
            return None
        if request.shared_accounts is not None:
            snapshot["shared_accounts"] = api.read_shared_accounts(request.snapshot_id, gone_ok=True)
            if snapshot["shared_accounts"] is None:
                return None
    return snapshot


def read_origin(api, source_api, request, predict_tags: bool = True):
    """What a new snapshot is made from: (cluster, source, origin tags); only what the plan needs.

    Origin tags are read when AWS will copy them onto the new snapshot, they decide its tags, and
    predict_tags asks for them. A source given as an ARN may belong to another account, whose tags
    cannot be read.
    """
    tags_decide = predict_tags and (request.tags is None or not request.purge_tags)
    if request.source is None:
        if request.cluster_id is None:
            return None, None, None
        cluster = api.describe_cluster(request.cluster_id, f"to snapshot it as {request.snapshot_id!r}")
        cluster_tags = None
        if cluster and cluster.get("CopyTagsToSnapshot") and cluster.get("Engine") == NEPTUNE_ENGINE and tags_decide:
            cluster_tags = api.read_resource_tags(cluster["DBClusterArn"], f"DB cluster {request.cluster_id!r}")
        return cluster, None, cluster_tags
    source = source_api.describe_source(request.source)
    source_tags = None
    if request.copy_tags and tags_decide and request.source.arn is None and source and source.get("engine") == NEPTUNE_ENGINE:
        source_tags = source_api.read_tags(source)
    return None, source, source_tags


def change_tags(api, snapshot, to_set, to_remove) -> None:
    """Add first, so that a run cut short between the calls loses no tag: a re-run removes the rest.

    Only when adding first would pass AWS's limit of tags on a resource do removals go first.
    """
    final_count = len(snapshot.get("tags") or {})
    calls = [(api.add_tags, to_set), (api.remove_tags, to_remove)]
    if final_count + len(to_remove) > MAX_TAGS_PER_RESOURCE:
        calls.reverse()
    for call, changes in calls:
        if changes:
            call(snapshot, changes)


class SnapshotRun:
    """Applying one task's plan: its API, its request, and one time budget.

    wait_timeout bounds the whole task: busy retries and every wait draw on the same deadline.
    """

    def __init__(self, api, request):
        self.api = api
        self.request = request
        self.deadline = Deadline(request.wait_timeout, api.clock)

    def wait_until(self, goal, snapshot):
        api, snapshot_id = self.api, self.request.snapshot_id
        return wait_for_snapshot(
            lambda: api.describe_snapshot(snapshot_id),
            snapshot_id,
            goal,
            self.deadline,
            SNAPSHOT_FAILURE_STATUSES,
            snapshot,
            api.clock,
            api.sleep,
        )

    def available(self, facts: dict) -> dict:
        """The snapshot once available, keeping the facts the API does not describe."""
        if facts.get("status") == AVAILABLE:
            return facts
        return dict(facts, **self.wait_until(AVAILABLE, facts))

    def make(self, plan) -> dict:
        api, request = self.api, self.request
        if plan.action == CREATE:
            facts = self.create(plan.cluster_status)
        else:
            facts = api.copy_snapshot(request)
        if not plan.origin_copies_tags:
            return dict(facts, tags=dict(plan.facts["tags"]))
        # AWS copied tags of its own choosing: read them back and bring them to the plan.
        to_set, to_remove, tags = plan.copied_tags_changes(api.read_tags(facts))
        change_tags(api, dict(facts, tags=tags), to_set, to_remove)
        return dict(facts, tags=tags)

    def create(self, cluster_status: str | None) -> dict:
        """Create the snapshot. A busy cluster is retried until the deadline when its last seen status is one
        that passes by itself; in a status the module does not know, AWS's first answer stands."""
        api, request = self.api, self.request
        retry_busy = cluster_busy_passes(cluster_status)
        if retry_busy:
            busy_hint = f"the cluster stayed busy for the whole wait_timeout of {self.deadline.seconds:g} s"
        else:
            busy_hint = (
                f"the cluster was {cluster_status!r}, a status not known to pass by itself, so it was not retried"
            )
        return call_while_busy(
            lambda: api.create_snapshot(request.snapshot_id, request.cluster_id, request.tags, busy_hint),
            is_busy=lambda error: retry_busy and isinstance(error, AnsibleAWSError)
            and error_code(error.exception) == BUSY_CLUSTER,
            timeout=self.deadline,
            clock=api.clock,
            sleep=api.sleep,
        )

    def apply(self, plan) -> dict:
        api, request = self.api, self.request
        if plan.action == DELETE:
            status = plan.facts.get("status")
            if request.wait and status == CREATING:
                # AWS refuses to delete a snapshot still being created; with wait, let it finish first.
                # (One being copied is deleted at once: that cancels the copy.)
                status = self.wait_until(AVAILABLE, plan.facts)["status"]
            self.delete(status)
            return plan.facts

        facts = plan.facts
        if plan.action in (CREATE, COPY):
            try:
                facts = self.make(plan)
            except SnapshotAppeared:
                return self.adopt()
        change_tags(api, plan.facts, plan.tags_to_set, plan.tags_to_remove)
        if plan.accounts_to_add or plan.accounts_to_remove:
            # AWS shares available snapshots only, so sharing waits for a new snapshot whatever `wait` says.
            facts = self.available(facts)
            api.modify_sharing(request.snapshot_id, plan.accounts_to_add, plan.accounts_to_remove)
        if "shared_accounts" in plan.facts:
            facts = dict(facts, shared_accounts=plan.facts["shared_accounts"])
        return facts

    def delete(self, status) -> None:
        """Delete the snapshot. A delete whose answer was lost is resent by botocore, and AWS answers the
        resend InvalidDBClusterSnapshotStateFault since the snapshot is already `deleting`: read it again,
        and take `deleting` or gone as the delete done."""
        api, snapshot_id = self.api, self.request.snapshot_id
        try:
            api.delete_snapshot(snapshot_id, status)
        except AnsibleAWSError as error:
            if error_code(error.exception) != BAD_SNAPSHOT_STATE:
                raise
            again = api.describe_snapshot(snapshot_id)
            if again is not None and again.get("status") != DELETING:
                raise

    def outlive_deleting(self, snapshot: dict, check_mode: bool) -> None:
        """state=present found the snapshot being deleted: it is about to vanish, so it does not count as
        there. Without wait the task fails; with wait it waits until the snapshot is gone (check mode does
        not wait, and plans the create the real run would make)."""
        if not self.request.wait:
            raise Refused(
                f"Snapshot {self.request.snapshot_id!r} is {DELETING!r}: AWS is deleting it. Re-run the task once "
                "it is gone to create it again, or set wait: true to wait for that within wait_timeout"
            )
        if not check_mode:
            self.wait_until(ABSENT, snapshot)

    def adopt(self) -> dict:
        """The snapshot appeared between our read and our create (a concurrent run, or a lost answer
        that botocore retried): take it as made if it is the one the task means, and reconcile it."""
        snapshot = read_snapshot_for_plan(self.api, self.request)
        return self.apply(make_plan(self.request, snapshot))

    def wait(self, plan, facts: dict) -> dict:
        request = self.request
        if plan.action == DELETE or (request.state == "absent" and facts.get("status") == DELETING):
            # Read anew: a delete that AWS finishes at once costs no poll interval.
            self.wait_until(ABSENT, self.api.describe_snapshot(request.snapshot_id))
            return facts
        if request.state == "present":
            return self.available(facts)
        return facts


def ensure_snapshot(api, request, check_mode: bool, source_api=None) -> dict:
    """Bring the snapshot to the requested state; returns the module's result.

    source_api reads the copy source when it is in another region (default: api).
    """
    run = SnapshotRun(api, request)
    current = read_snapshot_for_plan(api, request)
    if request.state == "present" and current is not None and current.get("status") == DELETING:
        run.outlive_deleting(current, check_mode)
        current = None
    cluster = source = origin_tags = None
    if current is None and request.state == "present":
        # A real run reads back the tags AWS copied onto a new snapshot; it reads the origin's beforehand
        # only when the task's tags are merged with them (AWS may not merge copied and given tags), so
        # a copy with copy_tags costs 4 calls, as the peer's. Check mode reads them: they are its prediction.
        predict_tags = check_mode or request.tags is not None
        cluster, source, origin_tags = read_origin(api, source_api or api, request, predict_tags)
    plan = make_plan(request, current, cluster, source, origin_tags)

    facts, after = plan.facts, plan.after
    if not check_mode:
        facts = run.apply(plan)
        if request.wait:
            facts = run.wait(plan, facts)
        if plan.action in (CREATE, COPY):
            # The tags AWS copied onto the new snapshot are known only now.
            after = diff_view(facts)

    return {
        "changed": plan.changed,
        "db_cluster_snapshot": facts,
        "diff": {"before": plan.before, "after": after},
    }
