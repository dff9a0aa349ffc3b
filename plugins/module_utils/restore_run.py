# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read, plan, apply, wait: the flow of neptune_cluster_restore.

Check mode stops after the plan, so it makes read calls only and reports the same `changed` and the predicted
facts. One deadline (wait_timeout) bounds every wait and busy retry of a task; the seconds each wait took are
returned.
"""

from __future__ import annotations

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from .restore_api import AlreadyThere
from .restore_api import INSTANCE_BUSY
from .restore_plan import DELETE
from .restore_plan import DELETING
from .restore_plan import RESTORE
from .restore_plan import plan_absent
from .restore_plan import plan_present
from .restore_plan import restore_tags
from .restore_plan import view
from .restore_request import RESTORED_FROM_TAG
from .snapshot_api import BUSY_CLUSTER
from .snapshot_api import error_code
from .statuses import AVAILABLE
from .statuses import NEPTUNE_ENGINE
from .statuses import cluster_status_stays
from .waiting import Deadline
from .waiting import POLL_INTERVAL
from .waiting import WaitFailed
from .waiting import call_while_busy

# DB instance statuses that never pass by themselves (Neptune user guide, "DB instance status"; the neptune
# waiters' DBInstanceAvailable fails on deleted, deleting, failed, incompatible-restore, incompatible-parameters).
INSTANCE_STATUSES_THAT_STAY = ("deleted", "deleting", "failed", "storage-full", "stopped",
                               "inaccessible-encryption-credentials")
INSTANCE_STATUS_PREFIXES_THAT_STAY = ("incompatible-",)
# A read may not show a cluster or an instance for a moment after its create was answered (an inference: AWS
# documents such lags for EC2, not for RDS; tolerating them costs two polls at most): missing from this many reads
# in a row, it is gone.
MISSING_READS_TO_GONE = 3


def _instance_stays(status: str | None) -> bool:
    return bool(status) and (status in INSTANCE_STATUSES_THAT_STAY or status.startswith(INSTANCE_STATUS_PREFIXES_THAT_STAY))


def read_current(api, request):
    """(cluster, its tags, its instances): tags only of a Neptune cluster, instances only of one this module made.
    A re-run of a restore costs these three reads."""
    cluster = api.describe_cluster_or_none(request.cluster_id)
    if cluster is None or cluster.get("Engine") != NEPTUNE_ENGINE:
        return cluster, {}, []
    tags = api.cluster_tags(cluster)
    instances = api.describe_instances(request.cluster_id) if RESTORED_FROM_TAG in tags else []
    return cluster, tags, instances


def facts(cluster: dict, tags: dict | None) -> dict:
    """A cluster's or an instance's facts in snake_case, with its tags as a dictionary."""
    if not cluster:
        return {}
    result = camel_dict_to_snake_dict(cluster)
    if tags is not None:
        result["tags"] = dict(tags)
    return result


class RestoreRun:
    """Applying one task's plan: its API, its request, one time budget, and the seconds each wait took."""

    def __init__(self, api, request):
        self.api = api
        self.request = request
        self.deadline = Deadline(request.wait_timeout, api.clock)
        self.waits = {}

    def poll(self, what: str, read, state, done, problem, missing=lambda state: False):
        """Read every POLL_INTERVAL seconds until done(state); a problem(state) ends the wait at once, naming it,
        unless the state only misses what is awaited, for fewer than MISSING_READS_TO_GONE reads in a row.
        The seconds spent are added to waits[what]."""
        api = self.api
        started = api.clock()
        misses = 0
        try:
            while not done(state):
                misses = misses + 1 if missing(state) else 0
                message = problem(state) if not 0 < misses < MISSING_READS_TO_GONE else None
                if message:
                    raise WaitFailed(f"Stopped waiting for {what}: {message}")
                remaining = self.deadline.remaining()
                if remaining <= 0:
                    raise WaitFailed(
                        f"Timed out after wait_timeout {self.deadline.seconds:g} s waiting for {what}: "
                        f"{problem(state, final=True)}"
                    )
                api.sleep(min(POLL_INTERVAL, remaining))
                state = read()
        finally:
            self.waits[what] = round(self.waits.get(what, 0) + api.clock() - started, 1)
        return state

    def cluster_available(self, cluster: dict | None) -> dict:
        name = self.request.cluster_id

        def problem(state, final=False):
            if state is None:
                return f"cluster {name!r} is gone"
            status = state.get("Status")
            if final or cluster_status_stays(status):
                return f"cluster {name!r} is {status!r}" + ("" if final else ", a status it does not leave by itself")
            return None

        return self.poll("cluster", lambda: self.api.describe_cluster_or_none(name), cluster,
                         lambda state: state is not None and state.get("Status") == AVAILABLE, problem,
                         missing=lambda state: state is None)

    def instances_available(self, instance_ids: list, instances: list) -> list:
        def by_id(state):
            return {i["DBInstanceIdentifier"]: i for i in state}

        def done(state):
            found = by_id(state)
            return all(found.get(i, {}).get("DBInstanceStatus") == AVAILABLE for i in instance_ids)

        def problem(state, final=False):
            found = by_id(state)
            missing = [i for i in instance_ids if i not in found]
            if missing:
                return f"instance {missing[0]!r} is gone"
            for instance_id in instance_ids:
                status = found[instance_id].get("DBInstanceStatus")
                if _instance_stays(status) or (final and status != AVAILABLE):
                    return f"instance {instance_id!r} is {status!r}" + (
                        "" if final else ", a status it does not leave by itself")
            return None

        return self.poll("instances", lambda: self.api.describe_instances(self.request.cluster_id), instances,
                         done, problem, missing=lambda state: any(i not in by_id(state) for i in instance_ids))

    def gone(self, cluster: dict) -> None:
        name = self.request.cluster_id

        def problem(state, final=False):
            return f"cluster {name!r} is still {state.get('Status')!r}" if final else None

        self.poll("cluster", lambda: self.api.describe_cluster_or_none(name), cluster, lambda state: state is None,
                  problem)

    def restore(self, plan):
        """Restore the cluster, add its instances, wait as asked: (cluster, tags, instances)."""
        api, request = self.api, self.request
        tags = restore_tags(request)
        cluster, instances = plan.cluster, []
        if plan.action == RESTORE:
            try:
                cluster = api.restore(request, tags)
            except AlreadyThere:
                # A lost answer botocore resent, or a concurrent run: the cluster is ours only if the tag says so.
                cluster, tags, instances = read_current(api, request)
                cluster = plan_present(request, cluster, tags, instances).cluster
        else:
            instances = list(plan.instances[: len(plan.instances) - len(plan.instances_to_create)])
        if plan.instances_to_create:
            # AWS adds instances to an available cluster only.
            cluster = self.cluster_available(cluster)
            for instance_id in plan.instances_to_create:
                try:
                    instances.append(api.create_instance(request, instance_id, tags))
                except AlreadyThere:
                    pass
        if request.wait:
            cluster = self.cluster_available(cluster)
            expected = [i["DBInstanceIdentifier"] for i in plan.instances]
            instances = self.instances_available(expected, api.describe_instances(request.cluster_id))
        return cluster, tags, instances

    def serving(self, cluster: dict, instances: list):
        """Wait for a cluster and the instances the task names, made by an earlier run that did not see them
        through (it did not wait, or its wait ran out); no read when they are available already."""
        named = [i for i in instances if i["DBInstanceIdentifier"] in self.request.instance_ids]
        if all(resource.get(key) == AVAILABLE for resource, key in
               [(cluster, "Status")] + [(instance, "DBInstanceStatus") for instance in named]):
            return cluster, instances
        cluster = self.cluster_available(cluster)
        return cluster, self.instances_available([i["DBInstanceIdentifier"] for i in named], instances)

    def while_busy(self, call):
        """AWS refuses a cluster change while the cluster is busy (its instances being deleted or made, another
        change): retried until the deadline."""
        return call_while_busy(
            call,
            is_busy=lambda error: isinstance(error, AnsibleAWSError) and error_code(error.exception) == BUSY_CLUSTER,
            timeout=self.deadline, clock=self.api.clock, sleep=self.api.sleep,
        )

    def delete_instance(self, instance_id: str) -> None:
        """Delete an instance. botocore resends a delete whose answer was lost, and AWS answers the resend
        InvalidDBInstanceState since the instance is already `deleting`: read it again, and take `deleting` or
        gone as the delete done."""
        try:
            self.api.delete_instance(instance_id)
        except AnsibleAWSError as error:
            if error_code(error.exception) != INSTANCE_BUSY:
                raise
            again = {i["DBInstanceIdentifier"]: i for i in self.api.describe_instances(self.request.cluster_id)}
            if again.get(instance_id, {"DBInstanceStatus": DELETING}).get("DBInstanceStatus") != DELETING:
                raise

    def delete(self, plan) -> None:
        """Delete the instances, then the cluster (deletion protection off first, so a refusal leaves the cluster
        whole); with wait, until it is gone."""
        api, request = self.api, self.request
        if plan.cluster.get("DeletionProtection"):
            self.while_busy(lambda: api.unprotect(request.cluster_id))
        for instance_id in plan.instances_to_delete:
            self.delete_instance(instance_id)
        self.while_busy(lambda: api.delete_cluster(request))
        if request.wait:
            self.gone(api.describe_cluster_or_none(request.cluster_id))


def ensure_restore(api, request, check_mode: bool) -> dict:
    """Bring the restored cluster to the requested state; returns the module's result."""
    run = RestoreRun(api, request)
    cluster, tags, instances = read_current(api, request)
    if request.state == "absent":
        plan = plan_absent(request, cluster, tags, instances)
        if not check_mode and plan.action == DELETE:
            run.delete(plan)
        elif not check_mode and request.wait and cluster and cluster.get("Status") == DELETING:
            run.gone(cluster)  # an earlier run's delete, still on its way
        return result(plan, plan.cluster, tags if cluster else None, plan.instances, plan.after, run.waits)

    snapshot = api.describe_source(request.snapshot) if cluster is None else None
    plan = plan_present(request, cluster, tags, instances, snapshot)
    if check_mode or not plan.changed:
        predicted_tags = restore_tags(request) if plan.action == RESTORE else tags
        if not check_mode and request.wait:
            cluster, instances = run.serving(cluster, plan.instances)
            return result(plan, cluster, tags, instances, plan.after, run.waits)
        return result(plan, plan.cluster, predicted_tags, plan.instances, plan.after, run.waits)
    cluster, tags, instances = run.restore(plan)
    return result(plan, cluster, tags, instances, view(cluster, tags, instances), run.waits)


def result(plan, cluster: dict, tags: dict | None, instances: list, after: dict, waits: dict) -> dict:
    return {
        "changed": plan.changed,
        "cluster": facts(cluster, tags),
        "instances": [facts(instance, None) for instance in instances],
        "waits": dict(waits),
        "diff": {"before": plan.before, "after": after},
    }
