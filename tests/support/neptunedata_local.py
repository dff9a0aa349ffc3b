#!/usr/bin/env python
"""A local stand-in for a Neptune cluster's graph engine (the neptunedata API), which moto does not have.

  python neptunedata_local.py --listen-port PORT [--host 127.0.0.1]

Answers, as botocore's neptunedata model (2023-08-01) describes them:
  GET /status               GetEngineStatus: {"status": "healthy", "dbEngineVersion": ..., "role": "writer", ...}
  POST /opencypher          ExecuteOpenCypherQuery: JSON body {"query": ..., "parameters": ...} (what botocore
                            sends; a form body too) -> {"results": [...]}
  GET /opencypher?query=... the same, as Neptune's HTTP endpoint also takes it
Every one of them only with a SigV4 Authorization header scoped to the service neptune-db
(`AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/neptune-db/aws4_request, SignedHeaders=..., Signature=...`) and an
X-Amz-Date header; otherwise 403 AccessDeniedException, as a cluster with IAM database authentication answers. The
signature itself is not verified (the stand-in does not know the secret key); its scope is.

Errors are the model's: HTTP status of the shape, body {"code": <shape name>, "requestId": ..., "detailedMessage":
...}, which botocore reads as the error code.

Control (no signature needed), JSON in and out:
  GET  /_data/health
  POST /_data/reset                   healthy engine, no query answers, no faults, no calls
  POST /_data/status   {"status": "unhealthy"}            what GetEngineStatus answers as `status`
  POST /_data/queries  {"query": Q, "results": [...]}     the results of query Q (exact text); an unknown query
                                                          answers 400 MalformedQueryException
  POST /_data/faults   {"path": "/status", "error": "TooManyRequestsException", "times": 2}
                       {"path": "/opencypher", "drop": true, "times": 1}   close the connection, no answer
                       "times" defaults to 1; -1 is forever
  GET  /_data/calls    the requests served: method, path, query, service and region of the signature, answer status
"""
import argparse
import json
import re
import sys
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

SERVICE = "neptune-db"
HEALTHY = "healthy"
ENGINE_VERSION = "1.3.2.1"
# HTTP status of the model's error shapes that the stand-in can be asked to answer with (neptunedata model,
# each shape's error.httpStatusCode).
ERROR_STATUS = {
    "AccessDeniedException": 403,
    "BadRequestException": 400,
    "ClientTimeoutException": 408,
    "ConstraintViolationException": 400,
    "InternalFailureException": 500,
    "MalformedQueryException": 400,
    "MemoryLimitExceededException": 500,
    "MissingParameterException": 400,
    "PreconditionsFailedException": 400,
    "QueryLimitExceededException": 500,
    "ThrottlingException": 500,
    "TimeLimitExceededException": 500,
    "TooManyRequestsException": 429,
}
_CREDENTIAL = re.compile(r"Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")


class Engine:
    """What the stand-in answers: the engine status, the queries' results, the faults to come, the calls seen."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.status = HEALTHY
            self.queries = {}
            self.faults = []
            self.calls = []

    def take_fault(self, path):
        """The next fault for path (and uses it up), or None."""
        with self.lock:
            for fault in self.faults:
                if fault.get("path") in (path, None) and fault.get("times", 1) != 0:
                    if fault.get("times", 1) > 0:
                        fault["times"] = fault.get("times", 1) - 1
                    return fault
        return None

    def status_answer(self):
        return {
            "status": self.status,
            "startTime": "Wed Dec 02 03:00:00 UTC 2026",
            "dbEngineVersion": ENGINE_VERSION,
            "role": "writer",
            "dfeQueryEngine": "viaQueryHint",
            "gremlin": {"version": "tinkerpop-3.7.1"},
            "sparql": {"version": "sparql-11"},
            "opencypher": {"version": "Neptune-9.0.20190305-1.0"},
            "labMode": {"ObjectIndex": "disabled", "ReadWriteConflictDetection": "enabled"},
            "features": {"ResultCache": {"status": "disabled"}},
            "settings": {"clusterQueryTimeoutInMs": "120000"},
        }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "neptunedata-local"
    engine = None  # set by serve()

    def log_message(self, fmt, *args):  # one line a request, to the log file the launcher gives
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(), fmt % args))

    # --- plumbing ---------------------------------------------------------------------------------------------
    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, answer):
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, code, message):
        request_id = str(uuid.uuid4())
        self._send(ERROR_STATUS.get(code, 400), {"code": code, "requestId": request_id, "detailedMessage": message})
        return ERROR_STATUS.get(code, 400)

    # --- control ----------------------------------------------------------------------------------------------
    def _control(self, method, path, body):
        engine = self.engine
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return self._send(400, {"error": "the body must be JSON"})
        if method == "GET" and path == "/_data/health":
            return self._send(200, {"ok": True})
        if method == "GET" and path == "/_data/calls":
            with engine.lock:
                return self._send(200, {"calls": list(engine.calls)})
        if method == "POST" and path == "/_data/reset":
            engine.reset()
            return self._send(200, {"ok": True})
        if method == "POST" and path == "/_data/status" and isinstance(data.get("status"), str):
            engine.status = data["status"]
            return self._send(200, {"status": engine.status})
        if method == "POST" and path == "/_data/queries" and isinstance(data.get("query"), str) and "results" in data:
            with engine.lock:
                engine.queries[data["query"]] = data["results"]
            return self._send(200, {"query": data["query"], "results": data["results"]})
        if method == "POST" and path == "/_data/faults" and (data.get("drop") or data.get("error") in ERROR_STATUS):
            fault = dict(data, times=data.get("times", 1))
            with engine.lock:
                engine.faults.append(fault)
            return self._send(200, {"fault": fault})
        return self._send(400, {"error": "unknown control request %s %s %r (see neptunedata_local.py)" % (method, path, data)})

    # --- the engine -------------------------------------------------------------------------------------------
    def _signature_problem(self):
        authorization = self.headers.get("Authorization") or ""
        if not authorization:
            return "Missing Authentication Token", None
        match = _CREDENTIAL.search(authorization)
        if not authorization.startswith("AWS4-HMAC-SHA256 ") or not match or "Signature=" not in authorization:
            return "Authorization header requires a SigV4 (AWS4-HMAC-SHA256) Credential and Signature", None
        if match["service"] != SERVICE:
            return ("Credential should be scoped to correct service: '%s'. " % SERVICE), match
        if not self.headers.get("X-Amz-Date"):
            return "Authorization header requires an X-Amz-Date header", match
        return None, match

    def _engine_answer(self, method, path, query_string, body):
        engine = self.engine
        problem, credential = self._signature_problem()
        call = {"method": method, "path": path, "service": credential["service"] if credential else None,
                "region": credential["region"] if credential else None}
        with engine.lock:
            engine.calls.append(call)
        if problem:
            call["status"] = self._error("AccessDeniedException", problem)
            return
        fault = engine.take_fault(path)
        if fault and fault.get("drop"):
            call["status"] = "dropped"
            self.close_connection = True
            self.connection.shutdown(2)  # the answer is lost: botocore sees the connection close
            return
        if fault:
            call["status"] = self._error(fault["error"], fault.get("message") or "fault injected by the stand-in")
            return
        if path == "/status" and method == "GET":
            call["status"] = 200
            return self._send(200, engine.status_answer())
        if path == "/opencypher" and method in ("GET", "POST"):
            params = self._query_params(method, query_string, body)
            query = params.get("query")
            call["query"] = query
            if not query:
                call["status"] = self._error("MissingParameterException", "Missing parameter: query")
                return
            with engine.lock:
                known, results = query in engine.queries, engine.queries.get(query)
            if not known:
                call["status"] = self._error(
                    "MalformedQueryException", "The stand-in has no answer for this query: set one with POST /_data/queries")
                return
            call["status"] = 200
            return self._send(200, {"results": results})
        call["status"] = self._error("BadRequestException", "Unsupported path %s %s" % (method, path))
        return

    def _query_params(self, method, query_string, body):
        if method == "GET":
            return {k: v[0] for k, v in urllib.parse.parse_qs(query_string).items()}
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if content_type == "application/x-www-form-urlencoded":
            return {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def _handle(self, method):
        parts = urllib.parse.urlsplit(self.path)
        body = self._body()
        if parts.path.startswith("/_data/"):
            return self._control(method, parts.path, body)
        return self._engine_answer(method, parts.path, parts.query, body)

    def do_GET(self):  # noqa: N802 (http.server's names)
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")


def serve(host, port):
    handler = type("EngineHandler", (Handler,), {"engine": Engine()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv=None):
    parser = argparse.ArgumentParser(description="A local stand-in for the neptunedata API (a cluster's engine).")
    parser.add_argument("--listen-port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    server = serve(args.host, args.listen_port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
