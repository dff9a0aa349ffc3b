"""tests/support/neptunedata_local.py, the stand-in of a cluster's graph engine, through botocore's own neptunedata
client (the model's requests and answers), and by hand for what botocore never sends (no signature, another
service's)."""
import json
import threading
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.exceptions import ConnectionClosedError

import neptunedata_local

QUERY = "MATCH (n) RETURN count(n) AS nodes"


@pytest.fixture(scope="module")
def engine_url():
    server = neptunedata_local.serve("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


def control(url, path, data=None):
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(url + path, data=body, method="GET" if data is None else "POST")
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


@pytest.fixture
def engine(engine_url):
    control(engine_url, "/_data/reset", {})
    yield engine_url
    control(engine_url, "/_data/reset", {})


def client(url, **retries):
    return boto3.client("neptunedata", endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing",
                        aws_secret_access_key="testing",
                        config=Config(retries=retries or {"total_max_attempts": 1}, read_timeout=10))


def raw_request(url, path, headers):
    request = urllib.request.Request(url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def signed_headers(url, path, service):
    request = AWSRequest(method="GET", url=url + path)
    SigV4Auth(Credentials("testing", "testing"), service, "us-east-1").add_auth(request)
    return dict(request.headers)


def test_a_signed_status_request_answers_healthy_as_the_model_shapes_it(engine):
    answer = client(engine).get_engine_status()
    assert answer["status"] == "healthy"
    assert answer["role"] == "writer" and answer["dbEngineVersion"]
    assert answer["opencypher"]["version"]
    calls = control(engine, "/_data/calls")["calls"]
    assert calls == [{"method": "GET", "path": "/status", "service": "neptune-db", "region": "us-east-1", "status": 200}]


def test_an_unsigned_request_is_refused_403_access_denied(engine):
    status, answer = raw_request(engine, "/status", {})
    assert status == 403
    assert answer["code"] == "AccessDeniedException"
    assert answer["detailedMessage"] == "Missing Authentication Token"
    assert answer["requestId"]


def test_a_request_signed_for_another_service_is_refused(engine):
    status, answer = raw_request(engine, "/status", signed_headers(engine, "/status", "rds"))
    assert status == 403 and answer["code"] == "AccessDeniedException"
    assert "neptune-db" in answer["detailedMessage"]
    assert raw_request(engine, "/status", signed_headers(engine, "/status", "neptune-db"))[0] == 200


def test_the_engine_status_is_set_by_the_control_path(engine):
    control(engine, "/_data/status", {"status": "unhealthy"})
    assert client(engine).get_engine_status()["status"] == "unhealthy"


def test_a_query_answers_the_results_set_for_it_and_an_unknown_one_is_malformed(engine):
    control(engine, "/_data/queries", {"query": QUERY, "results": [{"nodes": 42}]})
    assert client(engine).execute_open_cypher_query(openCypherQuery=QUERY)["results"] == [{"nodes": 42}]
    with pytest.raises(ClientError) as error:
        client(engine).execute_open_cypher_query(openCypherQuery="MATCH (m) RETURN m")
    assert error.value.response["Error"]["Code"] == "MalformedQueryException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    calls = control(engine, "/_data/calls")["calls"]
    assert [(c["path"], c["query"], c["status"]) for c in calls] == [
        ("/opencypher", QUERY, 200), ("/opencypher", "MATCH (m) RETURN m", 400)]


def test_a_throttling_fault_answers_429_once_and_botocore_retries_it(engine):
    control(engine, "/_data/faults", {"path": "/status", "error": "TooManyRequestsException", "times": 1})
    with pytest.raises(ClientError) as error:
        client(engine).get_engine_status()
    assert error.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert client(engine).get_engine_status()["status"] == "healthy"
    control(engine, "/_data/faults", {"path": "/status", "error": "TooManyRequestsException", "times": 2})
    assert client(engine, mode="standard", total_max_attempts=3).get_engine_status()["status"] == "healthy"


def test_a_dropped_answer_is_lost_to_the_client_and_resent_by_botocore(engine):
    control(engine, "/_data/queries", {"query": QUERY, "results": [{"nodes": 1}]})
    control(engine, "/_data/faults", {"path": "/opencypher", "drop": True})
    with pytest.raises(ConnectionClosedError):
        client(engine).execute_open_cypher_query(openCypherQuery=QUERY)
    control(engine, "/_data/faults", {"path": "/opencypher", "drop": True})
    answer = client(engine, mode="standard", total_max_attempts=3).execute_open_cypher_query(openCypherQuery=QUERY)
    assert answer["results"] == [{"nodes": 1}]


def test_a_fault_forever_lasts_until_reset(engine):
    control(engine, "/_data/faults", {"path": "/status", "error": "InternalFailureException", "times": -1})
    for _attempt in range(3):
        with pytest.raises(ClientError):
            client(engine).get_engine_status()
    control(engine, "/_data/reset", {})
    assert client(engine).get_engine_status()["status"] == "healthy"


def test_bad_control_requests_are_refused(engine):
    with pytest.raises(urllib.error.HTTPError) as error:
        control(engine, "/_data/faults", {"path": "/status", "error": "NoSuchError"})
    assert error.value.code == 400


def test_local_aws_starts_it_beside_moto(local_aws_info):
    url = local_aws_info["neptunedata_url"]
    assert url.startswith("http://127.0.0.1:")
    assert client(url).get_engine_status()["status"] == "healthy"
