#!/usr/bin/env python
"""Fault-injecting HTTP proxy between boto3 (Neptune, AWS query protocol) and a moto server.

Usage: python aws_proxy.py --listen-port P --upstream http://127.0.0.1:M

Every request is forwarded unchanged to the upstream and the answer returned, except
when a rule says otherwise. Each forwarded or faulted call is recorded. The JSON
control API lives on the same port under /_proxy/:

  GET  /_proxy/health        -> {"ok": true}
  GET  /_proxy/calls         -> {"calls": [{"action", "snapshot", "injected", "status", "rewritten_status"}]}
  POST /_proxy/calls/clear   -> clears recorded calls only
  POST /_proxy/reset         -> clears calls and rules
  GET  /_proxy/rules         -> {"rules": [...]} (with live counters)
  POST /_proxy/rules         -> appends one rule (JSON body), answers {"rule": {...}}
  POST /_proxy/rules/clear   -> clears rules only
  GET  /_proxy/totals        -> counts since the proxy started (reset does not clear them):
                                calls by action, faults injected by kind, check-mode calls and
                                any write call made in check mode, and figures the tests posted
  POST /_proxy/figures       -> adds the JSON object's numbers to totals["figures"]
  POST /_proxy/totals/clear  -> clears the totals

Rules:
  {"type": "status", "snapshot": ID, "statuses": ["creating", ...] | "creating",
   "progress": N, "times": N, "forever": bool}
      Rewrites <Status>/<PercentProgress> of the matching <DBClusterSnapshot> element in
      Describe/Create/CopyDBClusterSnapshot answers, one status per answer. A string
      status is repeated `times` times (default 1, -1 = forever); a list with
      forever=true keeps repeating its last item once used up.
  {"type": "fault", "action": NAME | "*", "fault": one of FAULTS, "times": N (default 1,
   -1 = forever), "every": K, "delay": S, "snapshot": ID (optional filter)}
      Injected faults never reach the upstream (except "slow", which forwards late, and
      "lost", which forwards and then drops the connection: the call acted, its answer is lost).
  {"type": "create_time", "snapshot": ID, "time": ISO 8601}
      Rewrites <SnapshotCreateTime> of the matching <DBClusterSnapshot> element (in every
      region: a copy keeps its source's creation time) in every answer that carries it, until
      the rules are cleared. moto stamps snapshots with the real time; this gives them a history.
Status and create_time rules take an optional "region": they then rewrite only the answers to calls
signed for that region (a cross-region copy has its source's identifier).

A call whose User-Agent carries CHECK_MODE_MARKER (sent by the modules in check mode) is
recorded with check_mode=true; a write call among those is counted in the totals.

Request bodies and headers are never logged: they carry credentials and signatures.
"""
import argparse
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

XMLNS = "http://rds.amazonaws.com/doc/2014-10-31/"
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
}
SPECIAL_FAULTS = ("drop", "slow", "lost")
CHECK_MODE_MARKER = "graphops.neptune/check-mode"
READ_ACTION_PREFIXES = ("Describe", "List")
STATUS_ACTIONS = {"DescribeDBClusterSnapshots", "CreateDBClusterSnapshot", "CopyDBClusterSnapshot"}
SNAPSHOT_PARAMS = ("DBClusterSnapshotIdentifier", "TargetDBClusterSnapshotIdentifier", "SourceDBClusterSnapshotIdentifier")
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "content-length", "server", "date"}
SNAPSHOT_ELEMENT = re.compile(r"<DBClusterSnapshot>.*?</DBClusterSnapshot>", re.S)
CREATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


class ProxyState:
    """Calls and rules shared by all handler threads; every access holds the lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.calls = []
        self.rules = []
        self.totals = new_totals()

    def add_rule(self, rule):
        if not isinstance(rule, dict):
            raise ValueError("rule must be a JSON object")
        rule = dict(rule)
        if rule.get("type") == "status":
            if not rule.get("snapshot"):
                raise ValueError("status rule needs 'snapshot'")
            statuses = rule.get("statuses")
            if isinstance(statuses, str):
                times = int(rule.get("times", 1))
                rule["forever"] = rule.get("forever", False) or times < 0
                statuses = [statuses] * max(times, 1)
            if not isinstance(statuses, list) or not statuses or not all(isinstance(s, str) for s in statuses):
                raise ValueError("status rule needs 'statuses' (string or non-empty list of strings)")
            rule["statuses"], rule["used"] = statuses, 0
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
        else:
            raise ValueError("rule 'type' must be 'status', 'fault' or 'create_time'")
        with self.lock:
            rule["id"] = len(self.rules) + 1
            self.rules.append(rule)
            return dict(rule)

    def pick_fault(self, action, snapshot):
        """Returns the rule of the first fault to inject for this call, or None."""
        with self.lock:
            for rule in self.rules:
                if rule["type"] != "fault" or rule["action"] not in ("*", action):
                    continue
                if rule.get("snapshot") and (snapshot or "").lower() != rule["snapshot"].lower():
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
        if action not in STATUS_ACTIONS:
            return body, []
        text = body.decode("utf-8", "replace")
        written = []
        with self.lock:  # consuming a status and rewriting must be atomic per answer
            for rule in self.rules:
                if rule["type"] != "status" or rule.get("region") not in (None, region):
                    continue
                exhausted = rule["used"] >= len(rule["statuses"])
                if exhausted and not rule.get("forever"):
                    continue
                wanted = rule["snapshot"].lower()
                matches = [m for m in SNAPSHOT_ELEMENT.finditer(text) if _snapshot_id(m.group(0)) == wanted]
                if not matches:
                    continue
                status = rule["statuses"][min(rule["used"], len(rule["statuses"]) - 1)]
                rule["used"] += 1
                progress = 100 if status == "available" else int(rule.get("progress", 0))
                for m in reversed(matches):  # right to left so earlier offsets stay valid
                    element = re.sub(r"<Status>[^<]*</Status>", "<Status>%s</Status>" % status, m.group(0))
                    element = re.sub(r"<PercentProgress>[^<]*</PercentProgress>",
                                     "<PercentProgress>%d</PercentProgress>" % progress, element)
                    text = text[:m.start()] + element + text[m.end():]
                written.append(status)
        return (text.encode("utf-8") if written else body), written

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

    def record(self, call):
        with self.lock:
            self.calls.append(call)
            count_call(self.totals, call)
        # One line per call for proxy.log; deliberately nothing from headers or body beyond these fields.
        print("call action=%(action)s snapshot=%(snapshot)s injected=%(injected)s status=%(status)s "
              "rewritten_status=%(rewritten_status)s check_mode=%(check_mode)s" % call, file=sys.stderr, flush=True)


def new_totals():
    return {"calls": 0, "by_action": {}, "injected": {}, "check_mode_calls": 0, "check_mode_writes": [], "figures": {}}


def count_call(totals, call):
    totals["calls"] += 1
    action = call["action"] or "?"
    totals["by_action"][action] = totals["by_action"].get(action, 0) + 1
    if call["injected"]:
        totals["injected"][call["injected"]] = totals["injected"].get(call["injected"], 0) + 1
    if call.get("check_mode"):
        totals["check_mode_calls"] += 1
        if not action.startswith(READ_ACTION_PREFIXES):
            totals["check_mode_writes"].append(action)


def add_figures(totals, figures):
    if not isinstance(figures, dict) or not all(isinstance(v, (int, float)) for v in figures.values()):
        raise ValueError("figures must be a JSON object of numbers")
    for name, value in figures.items():
        totals["figures"][name] = totals["figures"].get(name, 0) + value


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
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if body and "x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            params.update(urllib.parse.parse_qs(body.decode("utf-8", "replace")))
        action = (params.get("Action") or [None])[0]
        snapshot = next((params[p][0] for p in SNAPSHOT_PARAMS if p in params), None)
        call = {"action": action, "snapshot": snapshot, "injected": None, "status": None, "rewritten_status": None,
                "check_mode": CHECK_MODE_MARKER in (self.headers.get("User-Agent") or "")}
        state = self.server.state
        fault = state.pick_fault(action, snapshot)
        if fault and fault["fault"] == "drop":
            call["injected"] = "drop"
            state.record(call)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)  # no answer at all
            return
        if fault and fault["fault"] in FAULTS:
            status, error_type, code, message = FAULTS[fault["fault"]]
            call["injected"], call["status"] = fault["fault"], status
            state.record(call)
            return self.reply(status, error_body(code, error_type, message), "text/xml")
        if fault and fault["fault"] == "slow":  # delay, then forward as usual
            call["injected"] = "slow"
            time.sleep(fault["delay"])
        try:
            status, headers, answer = self.forward(body)
        except OSError as exc:
            call["status"] = 502
            state.record(call)
            return self.reply(502, error_body("BadGateway", "Receiver", "upstream unreachable: %s" % exc.__class__.__name__), "text/xml")
        if fault and fault["fault"] == "lost":  # upstream acted; the client never hears of it
            call["injected"], call["status"] = "lost", status
            state.record(call)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if status == 200:
            region = signed_region(self.headers.get("Authorization"))
            answer = state.rewrite_create_times(action, answer, region)
            answer, written = state.rewrite_statuses(action, answer, region)
            call["rewritten_status"] = written[-1] if written else None
        call["status"] = status
        state.record(call)
        self.reply(status, answer, None, headers)

    def forward(self, body):
        upstream = self.server.upstream
        conn = http.client.HTTPConnection(upstream.hostname, upstream.port or 80, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers.pop("Accept-Encoding", None)  # keep answers uncompressed so they can be rewritten
            headers["Content-Length"] = str(len(body))
            conn.request(self.command, self.path, body=body, headers=headers)
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
        if route == ("GET", "/_proxy/calls"):
            with state.lock:
                return self.reply_json(200, {"calls": [dict(c) for c in state.calls]})
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
        clearing = {"/_proxy/reset": ("calls", "rules"), "/_proxy/calls/clear": ("calls",), "/_proxy/rules/clear": ("rules",)}
        if route[0] == "POST" and route[1] in clearing:
            with state.lock:
                for name in clearing[route[1]]:
                    getattr(state, name).clear()
            return self.reply_json(200, {"ok": True})
        return self.reply_json(404, {"error": "unknown control endpoint %s %s" % route})

    def reply_json(self, status, data):
        self.reply(status, json.dumps(data).encode("utf-8"), "application/json")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:5000")
    args = parser.parse_args(argv)
    upstream = urllib.parse.urlsplit(args.upstream)
    if upstream.scheme != "http" or not upstream.hostname:
        parser.error("--upstream must be an http:// URL")
    server = ThreadingHTTPServer(("127.0.0.1", args.listen_port), ProxyHandler)  # loopback only, by design
    server.daemon_threads = True
    server.state, server.upstream = ProxyState(), upstream
    print("aws_proxy listening on http://127.0.0.1:%d -> %s" % (server.server_port, args.upstream), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
