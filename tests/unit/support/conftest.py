"""Fixtures for testing tests/support/aws_proxy.py and local_aws.py against a real moto server."""
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

# tests/support is not a package: make its modules importable by name.
SUPPORT_DIR = Path(__file__).resolve().parents[2] / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

import local_aws  # noqa: E402


class ProxyControl:
    """Thin client for the proxy's /_proxy/ JSON control API."""

    def __init__(self, proxy_url):
        self.url = proxy_url

    def request(self, method, path, data=None):
        body = json.dumps(data).encode() if data is not None else None
        req = urllib.request.Request(self.url + path, data=body, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.load(resp)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    def _ok(self, method, path, data=None):
        status, answer = self.request(method, path, data)
        assert status == 200, (status, answer)
        return answer

    def calls(self):
        return self._ok("GET", "/_proxy/calls")["calls"]

    def rules(self):
        return self._ok("GET", "/_proxy/rules")["rules"]

    def add_rule(self, **rule):
        return self._ok("POST", "/_proxy/rules", rule)["rule"]

    def reset(self):
        self._ok("POST", "/_proxy/reset")

    def clear_calls(self):
        self._ok("POST", "/_proxy/calls/clear")

    def totals(self):
        return self._ok("GET", "/_proxy/totals")


@pytest.fixture(scope="module")
def local_aws_info(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("local_aws")
    with local_aws.local_aws(state_dir) as info:
        yield dict(info, state_dir=str(state_dir))


@pytest.fixture
def proxy(local_aws_info):
    control = ProxyControl(local_aws_info["proxy_url"])
    control.reset()
    yield control
    control.reset()


@pytest.fixture(scope="module")
def make_neptune(local_aws_info):
    def make(url=None, user_agent_extra=None, **retries):
        # Default: no botocore retries at all, so every injected fault surfaces.
        retries = retries or {"total_max_attempts": 1}
        return boto3.client("neptune", endpoint_url=url or local_aws_info["proxy_url"], region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(retries=retries, connect_timeout=5, read_timeout=30,
                                          user_agent_extra=user_agent_extra))
    return make


@pytest.fixture(scope="module")
def neptune(make_neptune):
    client = make_neptune()
    client.create_db_cluster(DBClusterIdentifier="c1", Engine="neptune")
    return client
