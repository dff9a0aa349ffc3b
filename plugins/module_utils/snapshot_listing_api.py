# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The calls neptune_cluster_snapshot_info makes: a paginated describe and a pool for the per-snapshot reads.

The describe pages are read through the listing client (an rds client: its model keeps each
snapshot's TagList, which Neptune's model drops), so a snapshot whose answer carries a TagList
needs no tag read. Tags missing from the answer, and sharing, are one call per snapshot, so at
scale they dominate the run time; they go through a small bounded pool of threads. The client retries
throttling (RETRY_DECORATOR), so a throttled call in the pool is retried by
the thread that made it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from .snapshot_api import SNAPSHOT_NOT_FOUND_CODES, MissingResource, NeptuneSnapshotApi, aws_call, snapshot_facts
from .snapshot_listing import ListingRequest, describe_request, has_tags, keep, oldest_first, owned, shareable

# The largest page DescribeDBClusterSnapshots gives (MaxRecords is 20 to 100).
PAGE_SIZE = 100
# Few enough to stay under botocore's 10 pooled connections and far under the API's rate limits.
DEFAULT_WORKERS = 8


def every_page(call, key: str, **request) -> list:
    """The `key` items of every page of a listing: call(**request) once a page, following Marker.

    botocore's paginator calls the client without its AWSRetry, which could then only retry the whole
    listing (reading the first pages again); here call retries a throttled page alone.
    """
    items, request = [], dict(request, MaxRecords=PAGE_SIZE)
    while True:
        response = call(**request)
        items.extend(response.get(key, []))
        if not response.get("Marker"):
            return items
        request["Marker"] = response["Marker"]


def describe_all(client, parameters: dict) -> list:
    """Every DBClusterSnapshot the request matches; a snapshot identifier that does not exist is an empty list."""
    wanted = parameters.get("DBClusterSnapshotIdentifier")
    description = "describe DB cluster snapshots" + (f" {wanted!r}" if wanted else "")
    try:
        with aws_call(description, missing_codes=SNAPSHOT_NOT_FOUND_CODES):
            return every_page(partial(client.describe_db_cluster_snapshots, aws_retry=True), "DBClusterSnapshots",
                              **parameters)
    except MissingResource:
        return []


def bounded_map(function, items: list, workers: int) -> list:
    """[function(item) for item in items], at most `workers` at a time, results in the items' order.

    Executor.map raises the first error once the calls already running end, and cancels the ones not started.
    """
    if workers <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(function, items))


# Marks a snapshot deleted between the describe and a per-snapshot read (a pruning job at work).
GONE = object()


def _unless_gone(read, facts: dict):
    """read(facts, gone_ok=True), or GONE when the snapshot was deleted meanwhile: it is left out, not an error."""
    value = read(facts, gone_ok=True)
    return GONE if value is None else value


def neptune_snapshot_members(client) -> frozenset:
    """The members of the DBClusterSnapshot shape of the client's model (Neptune's: what the modules return)."""
    return frozenset(client.meta.service_model.shape_for("DBClusterSnapshot").members)


def listed_facts(api_snapshot: dict, members: frozenset, needs_tags: bool) -> dict:
    """A listed snapshot's facts, keeping only the Neptune model's members (the rds model has more);
    with needs_tags, its tags when the answer carries a TagList and the account owns it."""
    facts = snapshot_facts({key: value for key, value in api_snapshot.items() if key in members})
    if needs_tags and "TagList" in api_snapshot and owned(facts):
        facts["tags"] = boto3_tag_list_to_ansible_dict(api_snapshot["TagList"])
    return facts


def list_snapshots(api: NeptuneSnapshotApi, request: ListingRequest, workers: int = DEFAULT_WORKERS) -> list:
    """The Neptune snapshots the request matches, as facts (plus tags), oldest first.

    Tags come from the listing's TagList when the answer carries one; the others are read with one call each.
    """
    api_snapshots = describe_all(api.listing_client, describe_request(request))
    members = neptune_snapshot_members(api.client)
    snapshots = [listed_facts(api_snapshot, members, request.needs_tags)
                 for api_snapshot in api_snapshots if keep(request, api_snapshot)]

    if request.needs_tags:
        # Only a tag read can find a snapshot deleted since the describe: the others are kept.
        mine = [facts for facts in snapshots if owned(facts) and "tags" not in facts]
        for facts, tags in zip(mine, bounded_map(lambda facts: _unless_gone(api.read_tags, facts), mine, workers)):
            facts["tags"] = tags
        snapshots = [facts for facts in snapshots if facts.get("tags", {}) is not GONE]
        if request.tags:
            # A snapshot whose tags cannot be read cannot be shown to carry them.
            snapshots = [facts for facts in snapshots if "tags" in facts and has_tags(facts["tags"], request.tags)]

    if request.include_shared_accounts:
        mine = [facts for facts in snapshots if owned(facts)]

        def read_shared_accounts(facts: dict, gone_ok: bool) -> list | None:
            return api.read_shared_accounts(facts["db_cluster_snapshot_identifier"], gone_ok) if shareable(facts) else []

        for facts, accounts in zip(mine, bounded_map(lambda facts: _unless_gone(read_shared_accounts, facts), mine, workers)):
            facts["shared_accounts"] = accounts
        snapshots = [facts for facts in snapshots if facts.get("shared_accounts") is not GONE]

    return oldest_first(snapshots)
