#!/usr/bin/env python
"""Fault-injecting HTTP proxy between boto3 (Neptune, AWS query protocol) and a moto server.

Usage: python aws_proxy.py --listen-port P --upstream http://127.0.0.1:M [--region-port REGION=PORT ...]

Every request is forwarded unchanged to the upstream and the answer returned, except
when a rule says otherwise. Each forwarded or faulted call is recorded. The JSON
control API lives on the same port under /_proxy/:

  GET  /_proxy/health        -> {"ok": true}
  GET  /_proxy/endpoints     -> {"regions": {REGION: "http://127.0.0.1:PORT"}}: the per-region endpoints
  GET  /_proxy/calls         -> {"calls": [{"action", "snapshot", "resource", "injected", "synthesized", "status",
                                "rewritten_status", "check_mode", "at", "answered_at", "resend_by", "region",
                                "endpoint_region", "presigned_url"}], "max_in_flight": N}
                                resource: the snapshot ID of a tag call's ResourceName ARN; region: the
                                region the call was signed for (None when unsigned); endpoint_region:
                                the region of the endpoint it was sent to (None: the shared endpoint);
                                presigned_url (CopyDBClusterSnapshot with a PreSignedUrl only):
                                {"signed_for", "endpoint_region"} of that URL; at: when the
                                call arrived (epoch seconds); answered_at (a forwarded call only):
                                when its answer, rules applied, went back; max_in_flight: the most calls the proxy
                                was handling at once since the log was last cleared; resend_by (only on
                                a call that follows a faulted one of the same action and snapshot):
                                "botocore" when botocore resent it (same amz-sdk-invocation-id), else
                                "module" (a new invocation: the module's AWSRetry)
  POST /_proxy/calls/clear   -> clears recorded calls only (and max_in_flight)
  POST /_proxy/reset         -> clears calls, rules, lost answers and deleting snapshots (not which
                                snapshots are copies: that is the upstream's state, see below)
  GET  /_proxy/rules         -> {"rules": [...]} (with live counters)
  POST /_proxy/rules         -> appends one rule (JSON body), answers {"rule": {...}}
  POST /_proxy/rules/clear   -> clears rules only
  GET  /_proxy/totals        -> counts since the proxy started (reset does not clear them):
                                calls by action, faults injected by kind, answers synthesized by
                                kind, check-mode calls and any write call made in check mode,
                                max_in_flight, resent_by {layer: {fault: resends}}, and figures
                                the tests posted
  POST /_proxy/figures       -> adds the JSON object's numbers to totals["figures"]
  POST /_proxy/totals/clear  -> clears the totals

Rules:
  {"type": "status", "snapshot": ID, "statuses": ["creating", ...] | "creating",
   "progress": N, "times": N, "forever": bool}
      Rewrites <Status>/<PercentProgress> of the matching <DBClusterSnapshot> element in
      Describe/Create/CopyDBClusterSnapshot answers, one status per answer. A string
      status is repeated `times` times (default 1, -1 = forever); a list with
      forever=true keeps repeating its last item once used up.
      With "cluster": ID instead of "snapshot", the cluster's own <Status> (not its members' or
      security groups') in DescribeDBClusters / RestoreDBClusterFromSnapshot answers; with
      "instance": ID, the <DBInstanceStatus> in DescribeDBInstances / CreateDBInstance answers.
      With "seconds": S (a positive number; not with "times" or "forever"), the rule lasts a time, not
      a count: from the first answer it rewrites, every answer that shows its resource for S seconds
      gets its status(es) (a list: one per answer, the last repeated), however many answers that is;
      then it is used up. So a resource becomes available at a moment, whoever polls and how often,
      as AWS's does. GET /_proxy/rules shows "started_at" (epoch seconds of that first answer, None
      before it) and "ends_at" (started_at + S): when the resource became available.
  {"type": "fault", "action": NAME | "*", "fault": one of FAULTS, "times": N (default 1,
   -1 = forever), "every": K, "delay": S, "snapshot": ID (optional filter)}
      Injected faults never reach the upstream (except "slow", which forwards late, and
      "lost", which forwards and then drops the connection: the call acted, its answer is lost).
      The "snapshot" filter matches the snapshot a call names, or the one in a tag call's ARN.
      "not_found" answers the not-found error the service model lists for that action
      (NOT_FOUND_BY_ACTION), e.g. DBSnapshotNotFound for ListTagsForResource.
  {"type": "create_time", "snapshot": ID, "time": ISO 8601}
      Rewrites <SnapshotCreateTime> of the matching <DBClusterSnapshot> element in every answer
      that carries it, until the rules are cleared; without "region", in every region (a test
      convenience, not a claim: whether AWS stamps a cluster-snapshot copy with its own time or its
      source's no model says; see docs/aws-fidelity.md, R6). moto stamps snapshots with the real
      time; this gives them a history.
  {"type": "strip_taglist", "snapshot": ID (optional filter)}
      Removes <TagList> from the <DBClusterSnapshot> elements (the matching one, or every one) of
      DescribeDBClusterSnapshots answers, until the rules are cleared: moto's answers carry it, and
      whether AWS's carry it for Neptune snapshots is not known, so the modules must do without it too.
  {"type": "deleting", "snapshot": ID, "times": N (default 2), "now": bool}
      AWS takes a while to delete a snapshot; moto deletes it at once. Once a delete of ID
      reaches the upstream (or at once with now=true: the proxy deletes ID upstream itself on
      the next describe that shows it), the next N describes that would show ID report it
      `deleting`, and a delete of ID meanwhile answers InvalidDBClusterSnapshotStateFault.
  {"type": "quota", "limit": N, "region": R (optional)}
      The manual DB cluster snapshot quota (AWS: 100 per region, shared by Aurora, DocumentDB and
      Neptune; moto has none it applies). A CreateDBClusterSnapshot or CopyDBClusterSnapshot signed
      for a region (R, or any) that already holds N or more manual DB cluster snapshots is answered
      400 SnapshotQuotaExceeded "Cannot create more than N manual DB cluster snapshots" and never
      reaches the upstream. The proxy counts by asking the upstream (DescribeDBClusterSnapshots,
      SnapshotType=manual, with the caller's Authorization header: moto's server takes the region
      from its credential scope), so every engine counts and automated snapshots do not; the
      snapshots the proxy still shows `deleting` count too, as on AWS. The call is recorded with
      synthesized="quota"; the rule counts "refused". The count is read per call, not under a lock
      with the forward: creates sent at the same moment may each find the last free place.
  {"type": "copy_limit", "limit": N (default 5), "others": K (default 0), "region": R (optional)}
      AWS allows 5 cluster-snapshot copies in progress per destination region and account. A
      CopyDBClusterSnapshot from another region (its source is an ARN of a region other than the one
      the call is signed for) into a region (R, or any) with `limit` or more copies in progress is
      answered 400 SnapshotQuotaExceeded "Cannot copy more than N snapshots across regions" and never
      reaches the upstream. In progress: a snapshot of that region made by a cross-region copy through
      the proxy whose status, as the proxy would show it now (status rules peeked at, not used up), is
      anything but available, failed or deleting; plus K copies other tools are making. A copy within
      a region is not limited. A status rule with "region" and forever=true keeps a copy `pending`.
      When both a quota and a copy_limit rule would refuse, the quota's message wins. The call is
      recorded with synthesized="copy_limit"; the rule counts "refused".

AWS's answers to a resend (botocore resends a call whose answer was lost):
  - a lost DeleteDBClusterSnapshot starts the `deleting` behaviour above by itself
    (the fault rule's "deleting_for", default 2 describes);
  - a resent AddTagsToResource, RemoveTagsFromResource or ModifyDBClusterSnapshotAttribute
    (same action and body as a lost one) gets the lost answer: AWS takes them again without
    error (the models list no "already" fault for them), and moto would list a re-added
    account twice;
  - a resent CreateDBClusterSnapshot or CopyDBClusterSnapshot is forwarded: moto answers
    DBClusterSnapshotAlreadyExistsFault, as AWS does.
AWS refuses a tag key or value starting with "aws:" or "rds:" (the rds and neptune models' Tag; moto takes
them): the proxy answers a call whose Tags hold one (any call, AddTagsToResource or a restore alike), or a
RemoveTagsFromResource naming such a key, with InvalidParameterValue.
AWS refuses to snapshot a cluster that is not `available`; moto snapshots a stopped one. Before a
CreateDBClusterSnapshot the proxy asks the upstream for the cluster (DescribeDBClusters, as the
caller) and, if its status is neither `available` nor `creating` (moto's `stopped` after
StopDBCluster, say), answers 400 InvalidDBClusterStateFault "DbCluster X is not in available state."
without forwarding (recorded with synthesized="cluster-state"). `creating` passes because moto's
clusters are ready at once and report `creating` only as an artifact (once, right after they are
made); a test that wants a busy cluster injects InvalidDBClusterStateFault with a fault rule. An
unknown cluster is forwarded (moto answers DBClusterNotFoundFault).
AWS reports where a copy came from (SourceDBClusterSnapshotArn, the source's ARN); moto does not.
The proxy remembers each snapshot a CopyDBClusterSnapshot through it made (within a region or
across, by region, identifier and moto's SnapshotCreateTime, so a snapshot made later under the same
name is not taken for the copy) and adds <SourceDBClusterSnapshotArn> to its <DBClusterSnapshot>
element in Describe, Copy and Delete answers. Reset keeps this memory: the copies are still there.
Status and create_time rules take an optional "region": they then rewrite only the answers to calls
signed for that region (a cross-region copy has its source's identifier). A call signed for no region
counts as us-east-1, moto's default. The proxy's own questions to the upstream are not recorded as calls.

Per-region endpoints. The proxy listens on --listen-port for every region (the shared endpoint most tests
use: one local endpoint serving every region, which no real endpoint does), and on each --region-port for one
region only, as a real regional endpoint (rds.REGION.amazonaws.com, a VPC interface endpoint, a FIPS
endpoint) serves only its own region. The region of an endpoint is told by the request's Host header
(127.0.0.1:PORT or localhost:PORT of a --region-port; any other Host: the region of the port the request
came to). A request to a regional endpoint signed (SigV4 credential scope, KEY/DATE/REGION/SERVICE/aws4_request)
for another region is answered as AWS answers a query-protocol request whose credential scope names another
region than the endpoint's: 403 SignatureDoesNotMatch "Credential should be scoped to a valid region, not
'REGION'. " (the code and wording AWS's query-protocol services give, as reported in public, e.g.
cognitect-labs/aws-api#27 for STS, JuliaCloud/AWS.jl#565 for IAM; docs/aws-fidelity.md). It never reaches the
upstream and is recorded with synthesized="wrong-region". An unsigned request is not checked. The PreSignedUrl
botocore adds to a CopyDBClusterSnapshot with SourceRegion is not refused (the neptune model says PreSignedUrl
is not supported, and what AWS does with a presigned URL of another endpoint is not documented): the call records
the region the URL is signed for and the region of the endpoint it names (None when it names no --region-port),
so a test can assert the URL points at the source region's endpoint.

AWS pages DescribeDBClusterSnapshots and DescribeDBClusters (the rds and neptune models, MaxRecords: default
100, minimum 20, maximum 100; a Marker in the answer when more remain); moto answers everything in one page
and ignores both. The proxy pages moto's answer itself, after moto has applied the request's own filters
(identifiers, SnapshotType, Filters, IncludeShared...) and after the snapshots it shows `deleting` are in:
  - MaxRecords outside 20-100 (or not a number) is answered 400 InvalidParameterValue "Invalid value N for
    MaxRecords. Must be between 20 and 100" without reaching the upstream (synthesized="max-records"; the
    code and wording are those RDS gives for another listing's range, reported in public: an inference for
    these two), as is a Marker the proxy never gave (synthesized="marker"; the wording is the proxy's own);
  - the items are ordered by ARN (AWS documents no order), at most MaxRecords (default 100) are given, and
    when more remain the answer carries <Marker>: the proxy's token for the last ARN given. A request with
    that Marker gets the items after that ARN, so a paging client sees every item once even when items
    come and go between its pages;
  - MaxRecords and Marker are not forwarded (moto would ignore them; a moto that honoured them would page twice).
The `engine` filter (Filters: Name=engine; the rds model documents it for both listings, the neptune model
for DescribeDBClusters only and calls DescribeDBClusterSnapshots' Filters "not currently supported") is
forwarded, and moto applies it, except to SnapshotType=shared, which moto answers with every engine's shared
snapshots whatever the filters. The proxy drops the items whose <Engine> the filter does not name from the
whole answer before it pages it, as AWS filters before it pages: a listing with the filter costs the pages of
the matching items only (an inference: AWS documents the filter, not how it pages with it).
Status rules are applied to the page, so a status is used up only by an answer that shows its snapshot;
a `deleting` snapshot's count goes down with every describe that would show it, on its page or not.

A call whose User-Agent carries CHECK_MODE_MARKER (sent by the modules in check mode) is
recorded with check_mode=true; a write call among those is counted in the totals.

Request bodies and headers are never logged: they carry credentials and signatures.
"""
import argparse
import base64
import contextlib
import http.client
import json
import re
import socket
import sys
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/"
API_VERSION = "2014-10-31"
DEFAULT_REGION = "us-east-1"  # moto's region for a call that names none
# fault name -> (HTTP status, error type, error code, message); codes match botocore's neptune model
FAULTS = {
    "throttle": (400, "Sender", "Throttling", "Rate exceeded"),
    "500": (500, "Receiver", "InternalFailure", "An internal error has occurred"),
    "503": (503, "Receiver", "ServiceUnavailable", "Service is unavailable"),
    "InvalidDBClusterStateFault": (400, "Sender", "InvalidDBClusterStateFault", "DB cluster is not in the available state"),
    "SnapshotQuotaExceeded": (400, "Sender", "SnapshotQuotaExceeded", "Cannot create more DB cluster snapshots"),
    "InvalidDBClusterSnapshotStateFault": (400, "Sender", "InvalidDBClusterSnapshotStateFault", "Snapshot is not available"),
    "DBClusterSnapshotAlreadyExistsFault": (400, "Sender", "DBClusterSnapshotAlreadyExistsFault", "Snapshot already exists"),
    "DBClusterSnapshotNotFoundFault": (404, "Sender", "DBClusterSnapshotNotFoundFault", "Snapshot not found"),
    "DBSnapshotNotFound": (404, "Sender", "DBSnapshotNotFound", "DBSnapshot not found"),
    "DBClusterNotFoundFault": (404, "Sender", "DBClusterNotFoundFault", "DBCluster not found"),
    "InvalidParameterValue": (400, "Sender", "InvalidParameterValue", "Invalid parameter value"),
}
# The not-found error each call gets from AWS, as botocore's neptune and rds models list it
# (tests/unit/support/test_aws_proxy.py checks each against the installed models).
NOT_FOUND_BY_ACTION = {
    "DescribeDBClusterSnapshots": "DBClusterSnapshotNotFoundFault",
    "DescribeDBClusterSnapshotAttributes": "DBClusterSnapshotNotFoundFault",
    "ModifyDBClusterSnapshotAttribute": "DBClusterSnapshotNotFoundFault",
    "DeleteDBClusterSnapshot": "DBClusterSnapshotNotFoundFault",
    "CopyDBClusterSnapshot": "DBClusterSnapshotNotFoundFault",
    "CreateDBClusterSnapshot": "DBClusterNotFoundFault",
    "DescribeDBClusters": "DBClusterNotFoundFault",
    "ListTagsForResource": "DBSnapshotNotFound",
    "AddTagsToResource": "DBSnapshotNotFound",
    "RemoveTagsFromResource": "DBSnapshotNotFound",
}
# Writes AWS takes again without error when botocore resends them after a lost answer.
IDEMPOTENT_WRITES = {"AddTagsToResource", "RemoveTagsFromResource", "ModifyDBClusterSnapshotAttribute"}
RESERVED_TAG_PREFIXES = ("aws:", "rds:")
DELETING = "deleting"
DELETING_FOR = 2
SPECIAL_FAULTS = ("drop", "slow", "lost", "not_found")
CHECK_MODE_MARKER = "graphops.neptune/check-mode"
READ_ACTION_PREFIXES = ("Describe", "List")
STATUS_ACTIONS = {"DescribeDBClusterSnapshots", "CreateDBClusterSnapshot", "CopyDBClusterSnapshot"}
# What a status rule names -> (the actions whose answers it rewrites, the element, its identifier, its status).
STATUS_TARGETS = {
    "snapshot": (STATUS_ACTIONS, "DBClusterSnapshot", "DBClusterSnapshotIdentifier", "Status"),
    "cluster": ({"DescribeDBClusters", "RestoreDBClusterFromSnapshot"}, "DBCluster", "DBClusterIdentifier", "Status"),
    "instance": ({"DescribeDBInstances", "CreateDBInstance"}, "DBInstance", "DBInstanceIdentifier", "DBInstanceStatus"),
}
SOURCE_ARN_ACTIONS = {"DescribeDBClusterSnapshots", "CopyDBClusterSnapshot", "DeleteDBClusterSnapshot"}
LIMITED_ACTIONS = ("CreateDBClusterSnapshot", "CopyDBClusterSnapshot")
COPY_LIMIT = 5  # cluster-snapshot copies in progress per destination region and account
SETTLED = {"available", "failed", DELETING}  # a copy in any other status is in progress
SNAPSHOTTABLE = {"available", "creating"}  # cluster statuses a create is forwarded in (see the docstring)
SNAPSHOT_PARAMS = ("DBClusterSnapshotIdentifier", "TargetDBClusterSnapshotIdentifier", "SourceDBClusterSnapshotIdentifier")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "content-length", "server", "date"}
SNAPSHOT_ELEMENT = re.compile(r"<DBClusterSnapshot>.*?</DBClusterSnapshot>", re.S)
TAG_LIST_ELEMENT = re.compile(r"\s*(<TagList>.*?</TagList>|<TagList\s*/>)", re.S)
CREATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
SNAPSHOT_ARN = re.compile(r"^arn:[^:]+:rds:[^:]*:[^:]*:cluster-snapshot:(.+)$")
ARN_REGION = re.compile(r"^arn:[^:]+:rds:([^:]+):")
# The listings AWS pages (rds and neptune models, MaxRecords: "Default: 100", "Constraints: Minimum 20, maximum
# 100"): action -> (list element, item element, the item's sort key, its identifier).
PAGED_ACTIONS = {
    "DescribeDBClusterSnapshots": ("DBClusterSnapshots", "DBClusterSnapshot", "DBClusterSnapshotArn", "DBClusterSnapshotIdentifier"),
    "DescribeDBClusters": ("DBClusters", "DBCluster", "DBClusterArn", "DBClusterIdentifier"),
}
MIN_RECORDS, MAX_RECORDS = 20, 100
WRONG_REGION = "wrong-region"  # the label of a call refused for its endpoint's region
MARKER_PREFIX = "proxy1:"  # the proxy's markers: this, then the URL-safe base64 of the last key given


class ProxyState:
    """Calls and rules shared by all handler threads; every access holds the lock."""

    def __init__(self, clock=time.time):
        self.clock = clock  # epoch seconds: the status rules' "seconds" and the calls' "at" on one scale
        self.lock = threading.Lock()
        self.calls = []
        self.rules = []
        self.totals = new_totals()
        self.lost_answers = {}  # (action, request body) -> (status, headers, answer) of a lost idempotent write
        self.deleting = {}  # snapshot ID -> {"element": <DBClusterSnapshot> as `deleting`, "cluster", "left"}
        self.copies = {}  # (region, snapshot ID) -> {"created", "source" (ARN), "cross_region"}; reset keeps them
        self.in_flight = 0
        self.max_in_flight = 0
        self.faulted = {}  # (action, snapshot, resource) -> (botocore invocation ID, fault) of its last faulted call

    def enter(self):
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.totals["max_in_flight"] = max(self.totals.get("max_in_flight", 0), self.in_flight)

    def leave(self):
        with self.lock:
            self.in_flight -= 1

    def add_rule(self, rule):
        if not isinstance(rule, dict):
            raise ValueError("rule must be a JSON object")
        rule = dict(rule)
        if rule.get("type") == "status":
            named = [kind for kind in STATUS_TARGETS if rule.get(kind)]
            if len(named) != 1:
                raise ValueError("status rule needs one of 'snapshot', 'cluster', 'instance'")
            rule["kind"] = named[0]
            if "seconds" in rule and ("times" in rule or "forever" in rule):
                raise ValueError("a status rule lasts 'seconds' or a count ('times', 'forever'), not both")
            statuses = rule.get("statuses")
            if isinstance(statuses, str):
                times = int(rule.get("times", 1))
                rule["forever"] = rule.get("forever", False) or times < 0
                statuses = [statuses] * max(times, 1)
            if not isinstance(statuses, list) or not statuses or not all(isinstance(s, str) for s in statuses):
                raise ValueError("status rule needs 'statuses' (string or non-empty list of strings)")
            rule["statuses"], rule["used"] = statuses, 0
            if "seconds" in rule:
                _time_the_status_rule(rule)
        elif rule.get("type") == "deleting":
            if not rule.get("snapshot"):
                raise ValueError("deleting rule needs 'snapshot'")
            rule["times"] = int(rule.get("times", DELETING_FOR))
            rule["now"], rule["started"] = bool(rule.get("now")), False
        elif rule.get("type") == "fault":
            if rule.get("fault") not in FAULTS and rule.get("fault") not in SPECIAL_FAULTS:
                raise ValueError("unknown fault %r; known: %s" % (rule.get("fault"), ", ".join([*FAULTS, *SPECIAL_FAULTS])))
            rule.setdefault("action", "*")
            rule["times"] = int(rule.get("times", 1))
            rule["every"] = int(rule.get("every") or 1)
            rule["delay"] = float(rule.get("delay", 2.0))
            rule["seen"], rule["injected"] = 0, 0
        elif rule.get("type") == "create_time":
            if not rule.get("snapshot") or not isinstance(rule.get("time"), str) or not CREATE_TIME.fullmatch(rule["time"]):
                raise ValueError("create_time rule needs 'snapshot' and 'time' (ISO 8601, such as 2026-11-27T03:00:00Z)")
        elif rule.get("type") == "strip_taglist":
            rule["stripped"] = 0
        elif rule.get("type") in ("quota", "copy_limit"):
            if rule["type"] == "quota" and "limit" not in rule:
                raise ValueError("quota rule needs 'limit'")
            rule["limit"] = int(rule.get("limit", COPY_LIMIT))
            if rule["type"] == "copy_limit":
                rule["others"] = int(rule.get("others", 0))
            if min(rule["limit"], rule.get("others", 0)) < 0:
                raise ValueError("'limit' and 'others' must not be negative")
            rule["refused"] = 0
        else:
            raise ValueError("rule 'type' must be 'status', 'fault', 'deleting', 'create_time', 'strip_taglist', "
                             "'quota' or 'copy_limit'")
        with self.lock:
            rule["id"] = len(self.rules) + 1
            self.rules.append(rule)
            return dict(rule)

    def pick_fault(self, action, snapshot):
        """Returns the rule of the first fault to inject for this call (snapshot: the one it names), or None."""
        with self.lock:
            for rule in self.rules:
                if rule["type"] != "fault" or rule["action"] not in ("*", action):
                    continue
                if rule.get("snapshot") and (snapshot or "").lower() != rule["snapshot"].lower():
                    continue
                if rule["fault"] == "not_found" and action not in NOT_FOUND_BY_ACTION:
                    continue
                if 0 <= rule["times"] <= rule["injected"]:
                    continue  # used up
                rule["seen"] += 1
                if rule["seen"] % rule["every"] == 0:
                    rule["injected"] += 1
                    return dict(rule)
            return None

    def rewrite_statuses(self, action, body, region=None):
        """Applies status rules to one answer; returns (new body, list of statuses written)."""
        if not any(action in actions for actions, _e, _i, _s in STATUS_TARGETS.values()):
            return body, []
        text = body.decode("utf-8", "replace")
        written = []
        with self.lock:  # consuming a status and rewriting must be atomic per answer
            for rule in self.rules:
                if rule["type"] != "status" or rule.get("region") not in (None, region):
                    continue
                actions, name, id_field, status_field = STATUS_TARGETS[rule["kind"]]
                if action not in actions:
                    continue
                now = self.clock()
                status = _next_status(rule, now)
                if status is None:
                    continue
                wanted = rule[rule["kind"]].lower()
                pattern = re.compile(r"<%s>.*?</%s>" % (name, name), re.S)
                matches = [m for m in pattern.finditer(text) if (_field(m.group(0), id_field) or "").lower() == wanted]
                if not matches:
                    continue
                rule["used"] += 1
                if "seconds" in rule and rule["started_at"] is None:
                    rule["started_at"], rule["ends_at"] = now, now + rule["seconds"]
                progress = 100 if status == "available" else int(rule.get("progress", 0))
                for m in reversed(matches):  # right to left so earlier offsets stay valid
                    if rule["kind"] == "snapshot":
                        element = re.sub(r"<Status>[^<]*</Status>", "<Status>%s</Status>" % status, m.group(0))
                        element = re.sub(r"<PercentProgress>[^<]*</PercentProgress>",
                                         "<PercentProgress>%d</PercentProgress>" % progress, element)
                    else:
                        element = _set_own_field(m.group(0), status_field, status)
                    text = text[:m.start()] + element + text[m.end():]
                written.append(status)
        return (text.encode("utf-8") if written else body), written

    def peek_status(self, snapshot, region, status):
        """The status a describe signed for region would show snapshot in now (its upstream status is
        `status`), without using up any status rule: the last rule that would write one wins, as in
        rewrite_statuses."""
        with self.lock:
            for rule in self.rules:
                if rule["type"] == "status" and rule.get("region") in (None, region) and (rule.get("snapshot") or "").lower() == snapshot:
                    status = _next_status(rule, self.clock()) or status
        return status

    def limit_rules(self, kind, region):
        """Copies of the quota or copy_limit rules that apply to a call signed for region."""
        with self.lock:
            return [dict(r) for r in self.rules if r["type"] == kind and r.get("region") in (None, region)]

    def count_refusal(self, rule):
        with self.lock:
            for live in self.rules:
                if live["id"] == rule["id"] and live["type"] == rule["type"]:
                    live["refused"] += 1

    def manual_snapshot_count(self, elements, region):
        """The manual snapshots AWS would count in region: the upstream's (elements), plus the ones
        the proxy still shows `deleting` (gone upstream already)."""
        listed = {_snapshot_id(e) for e in elements}
        with self.lock:
            deleting = [s for s, entry in self.deleting.items()
                        if s not in listed and _arn_region(_field(entry["element"], "DBClusterSnapshotArn")) == region]
        return len(elements) + len(deleting)

    def copies_in_progress(self, elements, region):
        """How many of region's snapshots (elements, from the upstream) are cross-region copies that
        the proxy would show in progress now."""
        return sum(1 for e in elements if (self.copy_of(e) or {}).get("cross_region")
                   and self.peek_status(_snapshot_id(e), region, _field(e, "Status")) not in SETTLED)

    def remember_copy(self, answer, source):
        """Notes the snapshot of a CopyDBClusterSnapshot answer as a copy of source (an ARN, or an
        identifier in the copy's own region). moto's SnapshotCreateTime (to the microsecond) tells the
        copy from a snapshot made later under the same name."""
        element = SNAPSHOT_ELEMENT.search(answer.decode("utf-8", "replace"))
        arn = _field(element.group(0), "DBClusterSnapshotArn") if element else None
        if not arn or not source:
            return
        source_region = _arn_region(source)
        source_arn = source if source_region else "%s:%s" % (arn.rpartition(":")[0], source.lower())
        with self.lock:
            self.copies[(_arn_region(arn), _snapshot_id(element.group(0)))] = {
                "created": _field(element.group(0), "SnapshotCreateTime"), "source": source_arn,
                "cross_region": source_region not in (None, _arn_region(arn))}

    def copy_of(self, element):
        """What remember_copy noted about the snapshot of a <DBClusterSnapshot> element, or None."""
        key = (_arn_region(_field(element, "DBClusterSnapshotArn")), _snapshot_id(element))
        with self.lock:
            copy = self.copies.get(key)
        return copy if copy and copy["created"] == _field(element, "SnapshotCreateTime") else None

    def add_source_arns(self, action, body):
        """Adds <SourceDBClusterSnapshotArn> (moto leaves it out) to the copies in one answer."""
        with self.lock:
            if action not in SOURCE_ARN_ACTIONS or not self.copies:
                return body

        def add(match):
            element, copy = match.group(0), self.copy_of(match.group(0))
            if not copy or "<SourceDBClusterSnapshotArn>" in element:
                return element
            source = "<SourceDBClusterSnapshotArn>%s</SourceDBClusterSnapshotArn>" % xml_escape(copy["source"])
            if "</DBClusterSnapshotArn>" in element:
                return element.replace("</DBClusterSnapshotArn>", "</DBClusterSnapshotArn>" + source, 1)
            return element.replace("</DBClusterSnapshot>", source + "</DBClusterSnapshot>")

        return SNAPSHOT_ELEMENT.sub(add, body.decode("utf-8", "replace")).encode("utf-8")

    def rewrite_create_times(self, action, body, region=None):
        """Applies create_time rules to one answer; returns the new body."""
        if action not in STATUS_ACTIONS:
            return body
        with self.lock:
            times = {r["snapshot"].lower(): r["time"] for r in self.rules
                     if r["type"] == "create_time" and r.get("region") in (None, region)}
        if not times:
            return body
        text = body.decode("utf-8", "replace")

        def rewrite(match):
            wanted = times.get(_snapshot_id(match.group(0)))
            if wanted is None:
                return match.group(0)
            return re.sub(r"<SnapshotCreateTime>[^<]*</SnapshotCreateTime>",
                          "<SnapshotCreateTime>%s</SnapshotCreateTime>" % wanted, match.group(0))

        return SNAPSHOT_ELEMENT.sub(rewrite, text).encode("utf-8")

    def strip_tag_lists(self, action, body):
        """Applies strip_taglist rules to a DescribeDBClusterSnapshots answer; returns the new body."""
        if action != "DescribeDBClusterSnapshots":
            return body
        with self.lock:
            rules = [r for r in self.rules if r["type"] == "strip_taglist"]
            if not rules:
                return body

            def strip(match):
                element = match.group(0)
                wanted = [r for r in rules if not r.get("snapshot") or r["snapshot"].lower() == _snapshot_id(element)]
                if not wanted or not TAG_LIST_ELEMENT.search(element):
                    return element
                wanted[0]["stripped"] += 1
                return TAG_LIST_ELEMENT.sub("", element)

            return SNAPSHOT_ELEMENT.sub(strip, body.decode("utf-8", "replace")).encode("utf-8")

    def keep_lost_answer(self, action, body, answer):
        with self.lock:
            self.lost_answers[(action, body)] = answer

    def take_lost_answer(self, action, body):
        """The answer of a lost idempotent write, when this call resends it (same action and body)."""
        with self.lock:
            return self.lost_answers.pop((action, body), None)

    def deleting_rule(self, snapshot, now):
        """Starts (marks used) and returns the first unused deleting rule for snapshot, or None."""
        with self.lock:
            for rule in self.rules:
                if (rule["type"] == "deleting" and not rule["started"] and rule["now"] == now
                        and rule["snapshot"].lower() == (snapshot or "").lower()):
                    rule["started"] = True
                    return dict(rule)
            return None

    def start_deleting(self, snapshot, element, times):
        """From now on, the next `times` describes that would show snapshot report it `deleting`."""
        element = re.sub(r"<Status>[^<]*</Status>", "<Status>%s</Status>" % DELETING, element)
        cluster = re.search(r"<DBClusterIdentifier>([^<]*)</DBClusterIdentifier>", element)
        with self.lock:
            self.deleting[snapshot.lower()] = {"element": element, "left": times,
                                               "cluster": cluster.group(1).lower() if cluster else None}

    def is_deleting(self, snapshot):
        with self.lock:
            return (snapshot or "").lower() in self.deleting

    def show_deleting(self, params, status, answer):
        """Adds the snapshots being deleted to a DescribeDBClusterSnapshots answer the request would
        show them in; returns (status, answer, IDs shown)."""
        wanted = _first(params, "DBClusterSnapshotIdentifier")
        wanted = _snapshot_from_arn(wanted) or wanted
        cluster, kind = _first(params, "DBClusterIdentifier"), _first(params, "SnapshotType")
        shown = []
        with self.lock:
            for snapshot, entry in list(self.deleting.items()):
                if wanted and wanted.lower() != snapshot:
                    continue
                if not wanted and ((cluster and cluster.lower() != entry["cluster"]) or kind not in (None, "manual")):
                    continue
                shown.append((snapshot, entry["element"]))
                entry["left"] -= 1
                if entry["left"] <= 0:
                    del self.deleting[snapshot]
        if not shown:
            return status, answer, []
        text = answer.decode("utf-8", "replace") if status == 200 else ""
        for snapshot, _element in shown:  # moto may still list it (a deleting rule started by a describe)
            text = "".join(m for m in re.split(r"(<DBClusterSnapshot>.*?</DBClusterSnapshot>)", text, flags=re.S)
                           if _snapshot_id(m) != snapshot)
        elements = "".join(element for _snapshot, element in shown)
        if "<DBClusterSnapshots>" in text:
            text = text.replace("<DBClusterSnapshots>", "<DBClusterSnapshots>" + elements, 1)
        elif "<DBClusterSnapshots/>" in text:
            text = text.replace("<DBClusterSnapshots/>", "<DBClusterSnapshots>%s</DBClusterSnapshots>" % elements, 1)
        else:  # moto's answer was not-found: AWS still shows the snapshot while it deletes it
            text = ('<DescribeDBClusterSnapshotsResponse xmlns="%s"><DescribeDBClusterSnapshotsResult>'
                    '<DBClusterSnapshots>%s</DBClusterSnapshots></DescribeDBClusterSnapshotsResult>'
                    '<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></DescribeDBClusterSnapshotsResponse>'
                    % (XMLNS, elements, uuid.uuid4()))
        return 200, text.encode("utf-8"), [snapshot for snapshot, _element in shown]

    def record(self, call, invocation=None):
        """Logs call; invocation (botocore's amz-sdk-invocation-id, the same for its own resends) tells
        which layer resent a faulted call: botocore (same ID), or the module's AWSRetry (a new one)."""
        key = (call["action"], call["snapshot"], call["resource"])
        with self.lock:
            self.calls.append(call)
            count_call(self.totals, call)
            if key in self.faulted:
                earlier, fault = self.faulted.pop(key)
                call["resend_by"] = "botocore" if invocation and invocation == earlier else "module"
                by_layer = self.totals["resent_by"].setdefault(call["resend_by"], {})
                by_layer[fault] = by_layer.get(fault, 0) + 1
            fault = call["injected"] or (call["synthesized"] if (call["status"] or 0) >= 400 else None)
            if fault and fault != "slow":
                self.faulted[key] = (invocation, fault)
        # One line per call for proxy.log; deliberately nothing from headers or body beyond these fields.
        print("call action=%(action)s snapshot=%(snapshot)s resource=%(resource)s injected=%(injected)s "
              "synthesized=%(synthesized)s status=%(status)s rewritten_status=%(rewritten_status)s "
              "check_mode=%(check_mode)s" % call, file=sys.stderr, flush=True)


def new_totals():
    return {"calls": 0, "by_action": {}, "injected": {}, "synthesized": {}, "check_mode_calls": 0,
            "check_mode_writes": [], "figures": {}, "max_in_flight": 0, "resent_by": {}}


def count_call(totals, call):
    totals["calls"] += 1
    action = call["action"] or "?"
    totals["by_action"][action] = totals["by_action"].get(action, 0) + 1
    if call["injected"]:
        totals["injected"][call["injected"]] = totals["injected"].get(call["injected"], 0) + 1
    if call.get("synthesized"):
        totals["synthesized"][call["synthesized"]] = totals["synthesized"].get(call["synthesized"], 0) + 1
    if call.get("check_mode"):
        totals["check_mode_calls"] += 1
        if not action.startswith(READ_ACTION_PREFIXES):
            totals["check_mode_writes"].append(action)


def add_figures(totals, figures):
    if not isinstance(figures, dict) or not all(isinstance(v, (int, float)) for v in figures.values()):
        raise ValueError("figures must be a JSON object of numbers")
    for name, value in figures.items():
        totals["figures"][name] = totals["figures"].get(name, 0) + value


def paging_refusal(action, params):
    """(label, message) of AWS's InvalidParameterValue for a paged listing's MaxRecords or Marker, or None."""
    if action not in PAGED_ACTIONS:
        return None
    raw = _first(params, "MaxRecords")
    if raw is not None:
        try:
            value = int(raw)
        except ValueError:
            value = None
        if value is None or not MIN_RECORDS <= value <= MAX_RECORDS:
            return "max-records", "Invalid value %s for MaxRecords. Must be between %d and %d" % (raw, MIN_RECORDS, MAX_RECORDS)
    marker = _first(params, "Marker")
    if marker is not None and decode_marker(marker) is None:
        return "marker", "Invalid Marker %s: not a marker of a previous %s answer" % (marker, action)
    return None


def encode_marker(key):
    return MARKER_PREFIX + base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii")


def decode_marker(marker):
    """The key a marker of encode_marker names, or None for any other string."""
    if not marker.startswith(MARKER_PREFIX):
        return None
    try:
        return base64.urlsafe_b64decode(marker[len(MARKER_PREFIX):].encode("ascii")).decode("utf-8")
    except (ValueError, UnicodeError):
        return None


def without_paging(action, body, content_type):
    """The request body without MaxRecords and Marker for a listing the proxy pages (moto ignores them)."""
    if action not in PAGED_ACTIONS or not body or "x-www-form-urlencoded" not in (content_type or ""):
        return body
    pairs = urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k not in ("MaxRecords", "Marker")]
    return body if len(kept) == len(pairs) else urllib.parse.urlencode(kept).encode("utf-8")


def engine_filter(params):
    """The engine names a request's Filters name (Filters.Filter.N.Name=engine, its Values.Value.M), or None."""
    names = {m.group(1) for k, v in params.items()
             for m in [re.match(r"^Filters\.(?:\w+\.)?(\d+)\.Name$", k)] if m and v and v[0] == "engine"}
    if not names:
        return None
    return {v[0] for k, v in params.items()
            for m in [re.match(r"^Filters\.(?:\w+\.)?(\d+)\.Values\.(?:\w+\.)?\d+$", k)] if m and m.group(1) in names}


def filter_engines(action, params, answer):
    """A listing answer without the items of engines the request's engine filter leaves out (moto leaves
    other engines' shared snapshots in); the answer as it is without such a filter."""
    engines = engine_filter(params) if action in PAGED_ACTIONS else None
    if engines is None:
        return answer
    item = PAGED_ACTIONS[action][1]
    text = answer.decode("utf-8", "replace")
    kept = re.sub(r"<%s>.*?</%s>" % (item, item),
                  lambda m: m.group(0) if _field(m.group(0), "Engine") in engines else "", text, flags=re.S)
    return kept.encode("utf-8") if kept != text else answer


def page_answer(action, params, answer):
    """One page of a listing answer moto gave whole: the items (ordered by ARN) after the request's Marker,
    at most MaxRecords (default 100) of them, and a <Marker> when more remain."""
    container, item, key_tag, id_tag = PAGED_ACTIONS[action]
    text = answer.decode("utf-8", "replace")
    found = re.search(r"<%s>(.*)</%s>|<%s\s*/>" % (container, container, container), text, re.S)
    if not found:
        return answer
    items = re.findall(r"<%s>.*?</%s>" % (item, item), found.group(1) or "", re.S)
    keyed = sorted(((_field(i, key_tag) or _field(i, id_tag) or "", i) for i in items), key=lambda pair: pair[0])
    marker = _first(params, "Marker")
    after = decode_marker(marker) if marker else None
    if after is not None:
        keyed = [(k, i) for k, i in keyed if k > after]
    size = int(_first(params, "MaxRecords") or MAX_RECORDS)
    page, more = keyed[:size], len(keyed) > size
    listed = "<%s>%s</%s>" % (container, "".join(i for _k, i in page), container)
    text = text[:found.start()] + listed + text[found.end():]
    text = re.sub(r"\s*(<Marker>[^<]*</Marker>|<Marker\s*/>)", "", text)
    if more:
        text = text.replace(listed, "<Marker>%s</Marker>%s" % (encode_marker(page[-1][0]), listed), 1)
    return text.encode("utf-8")


def _first(params, name):
    return (params.get(name) or [None])[0]


def _snapshot_from_arn(arn):
    m = SNAPSHOT_ARN.match(arn or "")
    return m.group(1).lower() if m else None


def reserved_tags(action, params):
    """The tag keys and values starting with aws: or rds: that a call names: the Tags of any call that tags (e.g.
    AddTagsToResource, RestoreDBClusterFromSnapshot, CreateDBInstance), the TagKeys of a RemoveTagsFromResource."""
    pattern = r"^TagKeys\.(\w+\.)?\d+$" if action == "RemoveTagsFromResource" else r"^Tags\.(\w+\.)?\d+\.(Key|Value)$"
    return sorted(v[0] for k, v in params.items()
                  if re.match(pattern, k) and v[0].lower().startswith(RESERVED_TAG_PREFIXES))


def _time_the_status_rule(rule):
    """Checks a status rule's "seconds" and readies the rule to last that long (see the docstring)."""
    seconds = rule["seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds > 0:
        raise ValueError("status rule's 'seconds' must be a positive number, not %r" % (seconds,))
    rule["seconds"], rule["forever"] = float(seconds), True  # the clock ends it, not the count
    rule["started_at"], rule["ends_at"] = None, None


def _next_status(rule, now):
    """The status a status rule writes next (at epoch seconds `now`), or None once it is used up."""
    if rule["used"] >= len(rule["statuses"]) and not rule.get("forever"):
        return None
    if rule.get("started_at") is not None and (rule.get("ended") or now >= rule["ends_at"]):
        rule["ended"] = True  # for good, even should the clock go back
        return None
    return rule["statuses"][min(rule["used"], len(rule["statuses"]) - 1)]


def _arn_region(arn):
    m = ARN_REGION.match(arn or "")
    return m.group(1) if m else None


def _set_own_field(element, name, value):
    """element with its own <name> child (not one nested deeper, as a member's or a security group's <Status>)
    set to value."""
    depth = 0
    for tag in re.finditer(r"<(/?)([A-Za-z0-9]+)(\s*/)?>", element):
        closing, tag_name, empty = tag.groups()
        if empty:
            continue
        if closing:
            depth -= 1
            continue
        depth += 1
        if depth == 2 and tag_name == name:
            end = element.index("</%s>" % name, tag.end())
            return element[:tag.end()] + xml_escape(value) + element[end:]
    return element


def _field(element, name):
    """The text of element's first <name> child (a flat search: only for names nothing nests)."""
    m = re.search(r"<%s>([^<]*)</%s>" % (name, name), element or "")
    return m.group(1).strip() if m else None


def _cluster_status(answer):
    """The <Status> of the first DBCluster in a DescribeDBClusters answer (not its members' or
    security groups' statuses), or None."""
    try:
        status = ET.fromstring(answer).find(".//{%s}DBCluster/{%s}Status" % (XMLNS, XMLNS)) if answer else None
    except ET.ParseError:
        return None
    return (status.text or "").strip() if status is not None else None


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _snapshot_id(element):
    m = re.search(r"<DBClusterSnapshotIdentifier>([^<]*)</DBClusterSnapshotIdentifier>", element)
    return m.group(1).strip().lower() if m else None


def signed_region(authorization):
    """The region of a SigV4 Authorization header's credential scope (KEY/DATE/REGION/SERVICE/aws4_request)."""
    m = re.search(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/", authorization or "")
    return m.group(1) if m else None


def error_body(code, error_type, message):
    return ('<ErrorResponse xmlns="%s"><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message>'
            '</Error><RequestId>%s</RequestId></ErrorResponse>'
            % (XMLNS, error_type, code, message, uuid.uuid4())).encode("utf-8")


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    server_version = "aws-proxy"

    def do_GET(self):
        self.handle_any()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

    def log_message(self, fmt, *args):
        pass  # default access log would print the request line, which may carry presigned queries

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/_proxy/"):
            return self.control(path, body)
        state = self.server.state
        state.enter()
        try:
            return self.handle_aws(body)
        finally:
            state.leave()

    def handle_aws(self, body):
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if body and "x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
        action = _first(params, "Action")
        snapshot = next((params[p][0] for p in SNAPSHOT_PARAMS if p in params), None)
        resource = _snapshot_from_arn(_first(params, "ResourceName"))
        call = {"action": action, "snapshot": snapshot, "resource": resource, "injected": None, "synthesized": None,
                "status": None, "rewritten_status": None, "at": self.server.state.clock(), "resend_by": None,
                "region": signed_region(self.headers.get("Authorization")),
                "endpoint_region": self.endpoint_region(), "presigned_url": None,
                "check_mode": CHECK_MODE_MARKER in (self.headers.get("User-Agent") or "")}
        invocation = self.headers.get("amz-sdk-invocation-id")
        state = self.server.state
        if call["endpoint_region"] and call["region"] and call["region"] != call["endpoint_region"]:
            # AWS checks the signature before anything else: no fault, rule or upstream sees this call.
            call["synthesized"], call["status"] = WRONG_REGION, 403
            state.record(call, invocation)
            message = "Credential should be scoped to a valid region, not '%s'. " % xml_escape(call["region"])
            return self.reply(403, error_body("SignatureDoesNotMatch", "Sender", message), "text/xml")
        if action == "CopyDBClusterSnapshot" and _first(params, "PreSignedUrl"):
            call["presigned_url"] = self.presigned_url_regions(_first(params, "PreSignedUrl"))
        fault = state.pick_fault(action, snapshot or resource)
        if fault and fault["fault"] == "drop":
            call["injected"] = "drop"
            state.record(call, invocation)
            return self.drop_connection()
        if fault and (fault["fault"] in FAULTS or fault["fault"] == "not_found"):
            name = NOT_FOUND_BY_ACTION[action] if fault["fault"] == "not_found" else fault["fault"]
            status, error_type, code, message = FAULTS[name]
            call["injected"], call["status"] = fault["fault"], status
            state.record(call, invocation)
            return self.reply(status, error_body(code, error_type, message), "text/xml")
        own = self.aws_answer(action, params, body, snapshot)
        if own:
            call["synthesized"], call["status"], answer, headers = own
            state.record(call, invocation)
            return self.reply(call["status"], answer, None if headers else "text/xml", headers)
        if fault and fault["fault"] == "slow":  # delay, then forward as usual
            call["injected"] = "slow"
            time.sleep(fault["delay"])
        try:
            status, headers, answer = self.forward(without_paging(action, body, self.headers.get("Content-Type")))
        except OSError as exc:
            call["status"] = 502
            state.record(call, invocation)
            return self.reply(502, error_body("BadGateway", "Receiver", "upstream unreachable: %s" % exc.__class__.__name__), "text/xml")
        lost = bool(fault and fault["fault"] == "lost")
        if action == "CopyDBClusterSnapshot" and status == 200:
            state.remember_copy(answer, _first(params, "SourceDBClusterSnapshotIdentifier"))
        if action == "DeleteDBClusterSnapshot" and status == 200:
            rule = state.deleting_rule(snapshot, now=False)
            times = rule["times"] if rule else (int(fault.get("deleting_for", DELETING_FOR)) if lost else 0)
            element = SNAPSHOT_ELEMENT.search(answer.decode("utf-8", "replace"))
            if times > 0 and element:
                state.start_deleting(snapshot, element.group(0), times)
        if lost:  # upstream acted; the client never hears of it
            if action in IDEMPOTENT_WRITES and status == 200:
                state.keep_lost_answer(action, body, (status, headers, answer))
            call["injected"], call["status"] = "lost", status
            state.record(call, invocation)
            return self.drop_connection()
        if action == "DescribeDBClusterSnapshots":
            if status == 200:
                self.delete_now(answer)
            status, answer, shown = state.show_deleting(params, status, answer)
            if shown:
                call["synthesized"] = DELETING
                headers = [(k, v) for k, v in headers if k.lower() != "content-type"] + [("Content-Type", "text/xml")]
        if status == 200 and action in PAGED_ACTIONS:
            answer = page_answer(action, params, filter_engines(action, params, answer))
        if status == 200:
            region = self.region()
            answer = state.add_source_arns(action, answer)  # before create_time rules hide moto's time
            answer = state.rewrite_create_times(action, answer, region)
            answer = state.strip_tag_lists(action, answer)
            answer, written = state.rewrite_statuses(action, answer, region)
            call["rewritten_status"] = written[-1] if written else None
        call["status"], call["answered_at"] = status, state.clock()
        state.record(call, invocation)
        self.reply(status, answer, None, headers)

    def aws_answer(self, action, params, body, snapshot):
        """What AWS answers where moto answers otherwise: (label, status, answer, headers), or None."""
        state = self.server.state
        if action in IDEMPOTENT_WRITES:
            replay = state.take_lost_answer(action, body)
            if replay:
                status, headers, answer = replay
                return "resend", status, answer, headers
        if action == "DeleteDBClusterSnapshot" and state.is_deleting(snapshot):
            message = "Cannot delete the snapshot because it is in state deleting"
            return DELETING, 400, error_body("InvalidDBClusterSnapshotStateFault", "Sender", message), ()
        refused = paging_refusal(action, params)
        if refused:
            label, message = refused
            return label, 400, error_body("InvalidParameterValue", "Sender", xml_escape(message)), ()
        reserved = reserved_tags(action, params)
        if reserved:
            message = 'Tag keys and values cannot start with a reserved prefix ("aws:", "rds:"): %s' % ", ".join(reserved)
            return "reserved-tag", 400, error_body("InvalidParameterValue", "Sender", message), ()
        if action in LIMITED_ACTIONS:
            return self.cluster_state_refusal(action, params) or self.limit_refusal(action, params)
        return None

    def endpoint_region(self):
        """The region of the endpoint the request was sent to (its Host), or None for the shared endpoint."""
        regional = self.server.regional_hosts
        return regional.get((self.headers.get("Host") or "").lower(), self.server.region)

    def presigned_url_regions(self, url):
        """{"signed_for": the region of a presigned URL's X-Amz-Credential, "endpoint_region": the region of the
        --region-port endpoint it names, or None}."""
        parts = urllib.parse.urlsplit(url)
        credential = _first(urllib.parse.parse_qs(parts.query), "X-Amz-Credential") or ""
        scope = credential.split("/")
        return {"signed_for": scope[2] if len(scope) > 2 else None,
                "endpoint_region": self.server.regional_hosts.get(parts.netloc.lower())}

    def region(self):
        """The region the call is signed for (moto's default when it names none)."""
        return signed_region(self.headers.get("Authorization")) or DEFAULT_REGION

    def ask_upstream(self, **params):
        """Asks the upstream itself (not recorded as a call), as the caller: the caller's Authorization
        header names its region and account, which moto's server takes from the credential scope.
        Returns the answer's text, or None if the upstream did not answer 200."""
        body = urllib.parse.urlencode(dict(params, Version=API_VERSION)).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        if self.headers.get("Authorization"):
            headers["Authorization"] = self.headers["Authorization"]
        try:
            status, _headers, answer = self.forward(body, headers)
        except OSError:
            return None
        return answer.decode("utf-8", "replace") if status == 200 else None

    def cluster_state_refusal(self, action, params):
        """InvalidDBClusterStateFault for a create of a cluster the upstream reports neither available
        nor creating (moto's one-shot `creating` counts as available: see the docstring)."""
        cluster = _first(params, "DBClusterIdentifier")
        if action != "CreateDBClusterSnapshot" or not cluster:
            return None
        status = _cluster_status(self.ask_upstream(Action="DescribeDBClusters", DBClusterIdentifier=cluster))
        if status is None or status in SNAPSHOTTABLE:
            return None  # unknown cluster: the upstream answers DBClusterNotFoundFault
        message = "DbCluster %s is not in available state." % xml_escape(cluster)
        return "cluster-state", 400, error_body("InvalidDBClusterStateFault", "Sender", message), ()

    def limit_refusal(self, action, params):
        """SnapshotQuotaExceeded where a quota or copy_limit rule says AWS refuses this create or copy."""
        state, region = self.server.state, self.region()
        source_region = _arn_region(_first(params, "SourceDBClusterSnapshotIdentifier"))
        cross_region = action == "CopyDBClusterSnapshot" and source_region not in (None, region)
        quotas = state.limit_rules("quota", region)
        copy_limits = state.limit_rules("copy_limit", region) if cross_region else []
        if not quotas and not copy_limits:
            return None
        answer = self.ask_upstream(Action="DescribeDBClusterSnapshots", SnapshotType="manual") or ""
        elements = SNAPSHOT_ELEMENT.findall(answer)
        refused = next(((r, "Cannot create more than %d manual DB cluster snapshots" % r["limit"]) for r in quotas
                        if state.manual_snapshot_count(elements, region) >= r["limit"]), None)
        refused = refused or next(((r, "Cannot copy more than %d snapshots across regions" % r["limit"]) for r in copy_limits
                                   if state.copies_in_progress(elements, region) + r["others"] >= r["limit"]), None)
        if not refused:
            return None
        state.count_refusal(refused[0])
        return refused[0]["type"], 400, error_body("SnapshotQuotaExceeded", "Sender", refused[1]), ()

    def delete_now(self, answer):
        """Starts the deleting rules with now=true for the snapshots this answer shows: deletes each upstream."""
        state = self.server.state
        for element in SNAPSHOT_ELEMENT.findall(answer.decode("utf-8", "replace")):
            snapshot = _snapshot_id(element)
            rule = state.deleting_rule(snapshot, now=True)
            if rule:
                request = urllib.parse.urlencode({"Action": "DeleteDBClusterSnapshot", "Version": "2014-10-31",
                                                  "DBClusterSnapshotIdentifier": snapshot})
                self.forward(request.encode("utf-8"))
                state.start_deleting(snapshot, element, rule["times"])

    def drop_connection(self):
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)  # no answer at all

    def forward(self, body, headers=None):
        """Sends body upstream with the client's method, path and headers, or as a POST to / with `headers`."""
        upstream = self.server.upstream
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port or 80, timeout=60)
        try:
            method, path = ("POST", "/") if headers is not None else (self.command, self.path)
            if headers is None:
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                headers.pop("Accept-Encoding", None)  # keep answers uncompressed so they can be rewritten
            headers["Content-Length"] = str(len(body))
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            answer = resp.read()
            return resp.status, [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP], answer
        finally:
            conn.close()

    def reply(self, status, body, content_type, headers=()):
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def control(self, path, body):
        state = self.server.state
        route = (self.command, path.rstrip("/"))
        if route == ("GET", "/_proxy/health"):
            return self.reply_json(200, {"ok": True})
        if route == ("GET", "/_proxy/endpoints"):
            return self.reply_json(200, {"regions": dict(self.server.region_urls)})
        if route == ("GET", "/_proxy/calls"):
            with state.lock:
                return self.reply_json(200, {"calls": [dict(c) for c in state.calls], "max_in_flight": state.max_in_flight})
        if route == ("GET", "/_proxy/rules"):
            with state.lock:
                return self.reply_json(200, {"rules": [dict(r) for r in state.rules]})
        if route == ("GET", "/_proxy/totals"):
            with state.lock:
                return self.reply_json(200, json.loads(json.dumps(state.totals)))
        if route == ("POST", "/_proxy/figures"):
            try:
                with state.lock:
                    add_figures(state.totals, json.loads(body or b"null"))
                return self.reply_json(200, {"ok": True})
            except (ValueError, TypeError) as exc:
                return self.reply_json(400, {"error": str(exc)})
        if route == ("POST", "/_proxy/totals/clear"):
            with state.lock:
                state.totals = new_totals()
            return self.reply_json(200, {"ok": True})
        if route == ("POST", "/_proxy/rules"):
            try:
                return self.reply_json(200, {"rule": state.add_rule(json.loads(body or b"null"))})
            except (ValueError, TypeError) as exc:
                return self.reply_json(400, {"error": str(exc)})
        clearing = {"/_proxy/reset": ("calls", "rules", "lost_answers", "deleting", "faulted"), "/_proxy/calls/clear": ("calls",),
                    "/_proxy/rules/clear": ("rules",)}
        if route[0] == "POST" and route[1] in clearing:
            with state.lock:
                for name in clearing[route[1]]:
                    getattr(state, name).clear()
                if "calls" in clearing[route[1]]:
                    state.max_in_flight = state.in_flight
            return self.reply_json(200, {"ok": True})
        return self.reply_json(404, {"error": "unknown control endpoint %s %s" % route})

    def reply_json(self, status, data):
        self.reply(status, json.dumps(data).encode("utf-8"), "application/json")


def region_port(text):
    """REGION=PORT of --region-port."""
    region, _equals, port = text.partition("=")
    if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d+", region) or not port.isdigit():
        raise argparse.ArgumentTypeError("expected REGION=PORT, such as us-west-2=8001; got %r" % text)
    return region, int(port)


def serve(servers):
    """Serves every listener, each in a thread of its own, until one stops (Ctrl-C stops them all)."""
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers[1:]]
    for thread in threads:
        thread.start()
    try:
        servers[0].serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        for server in servers[1:]:
            server.shutdown()
        for server in servers:
            server.server_close()


def make_servers(listen_port, upstream, region_ports=()):
    """The shared listener (every region) and one per (region, port), sharing one state; loopback only."""
    state = ProxyState()
    listeners = [(None, listen_port)] + list(region_ports)
    servers = []
    for region, port in listeners:
        server = ThreadingHTTPServer(("127.0.0.1", port), ProxyHandler)  # loopback only, by design
        server.daemon_threads = True
        server.state, server.upstream, server.region = state, upstream, region
        servers.append(server)
    regional_hosts, region_urls = {}, {}
    for server in servers[1:]:
        port = server.server_port
        region_urls[server.region] = "http://127.0.0.1:%d" % port
        for host in ("127.0.0.1", "localhost"):
            regional_hosts["%s:%d" % (host, port)] = server.region
    for server in servers:
        server.regional_hosts, server.region_urls = regional_hosts, region_urls
    return servers


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5000")
    parser.add_argument("--region-port", type=region_port, action="append", default=[], metavar="REGION=PORT",
                        help="also listen on PORT as the endpoint of REGION only (repeatable)")
    args = parser.parse_args(argv)
    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.scheme != "http" or not upstream.hostname:
        parser.error("--upstream must be an http:// URL")
    if len({region for region, _port in args.region_port}) != len(args.region_port):
        parser.error("--region-port names a region twice")
    servers = make_servers(args.listen_port, upstream, args.region_port)
    print("aws_proxy listening on http://127.0.0.1:%d -> %s" % (servers[0].server_port, args.upstream), flush=True)
    for server in servers[1:]:
        print("aws_proxy: %s only on http://127.0.0.1:%d" % (server.region, server.server_port), flush=True)
    serve(servers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
