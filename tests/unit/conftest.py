# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the unit tests: neptune clients (stubbed or on moto) that count their calls."""

from __future__ import annotations

import contextlib
import json
from unittest import mock

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

try:
    from ansible.module_utils import _internal as ansible_internal
except ImportError:  # ansible-core < 2.19: warn() always records into the result
    ansible_internal = None

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19 (the oldest stage runs 2.17): the same, by hand

    @contextlib.contextmanager
    def patch_module_args(args=None):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args or {}}).encode()):
            yield


REGION = "us-east-1"
# Same retry policy as the module's, without the sleeping.
FAST_RETRY = AWSRetry.jittered_backoff(retries=4, delay=0, max_delay=0)


class CallLog(list):
    """The operation names a client was asked for, in order."""

    def attach(self, client):
        client.meta.events.register("before-call.*.*", self._record)
        return self

    def _record(self, model, **_kwargs):
        self.append(model.name)

    @property
    def writes(self):
        return [name for name in self if not name.startswith(("Describe", "List"))]


class FakeClock:
    """A clock whose sleep only moves it: callable like time.monotonic, and with the time module's names."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def new_client(service="neptune"):
    return boto3.client(
        service, region_name=REGION, aws_access_key_id="testing-key", aws_secret_access_key="testing-secret"
    )


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch):
    """No real credentials or profiles can leak into a test."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def stubbed():
    """(retrying client, Stubber, call log): every call must be one the test queued."""
    client = new_client()
    calls = CallLog().attach(client)
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, FAST_RETRY), stubber, calls
        stubber.assert_no_pending_responses()


@pytest.fixture
def stubbed_rds():
    """Like stubbed, for an rds client (the info module's listing client: its model keeps TagList)."""
    client = new_client("rds")
    calls = CallLog().attach(client)
    with Stubber(client) as stubber:
        yield RetryingBotoClientWrapper(client, FAST_RETRY), stubber, calls
        stubber.assert_no_pending_responses()


@pytest.fixture
def moto_neptune():
    """(retrying client on an in-process moto, raw client, call log)."""
    with mock_aws():
        client = new_client()
        calls = CallLog().attach(client)
        yield RetryingBotoClientWrapper(client, FAST_RETRY), client, calls


@pytest.fixture
def moto_rds(moto_neptune):
    """(retrying rds client, call log) on the same in-process moto as moto_neptune."""
    client = new_client("rds")
    return RetryingBotoClientWrapper(client, FAST_RETRY), CallLog().attach(client)


@pytest.fixture
def run_module(monkeypatch, capsys):
    """Run a module's main() with args against a given client; returns the parsed result.

    source_client answers for another region; rds_client, when given, for the rds service (else client does);
    client_factory, when given, answers every request: client_factory(module, service, region, config).
    """

    def run(main, args, client, check_mode=False, diff=False, source_client=None, rds_client=None,
            client_factory=None):
        def make_client(module, service, retry_decorator=None, region=None, config=None, **endpoint):
            user_agent_extra = getattr(config, "user_agent_extra", None)
            run.client_requests.append((service, retry_decorator, region, user_agent_extra))
            # The endpoint a client of another region is given (amazon.aws's keyword: endpoint), by service and region.
            run.client_endpoints.append((service, region, endpoint.get("endpoint", module.params.get("endpoint_url"))))
            if client_factory is not None:
                return client_factory(module, service, region, config)
            if service == "rds" and rds_client is not None:
                return rds_client
            return source_client if region and source_client is not None else client

        monkeypatch.setattr(AnsibleAWSModule, "client", make_client)
        # Warnings are process-wide in ansible-core: each run starts with none, as a real module does.
        # Empty, of whatever type this ansible-core keeps them in (a list before 2.19, a dict since).
        monkeypatch.setattr(ansible_warnings, "_global_warnings", type(ansible_warnings._global_warnings)())
        monkeypatch.setattr(ansible_warnings, "_global_deprecations", type(ansible_warnings._global_deprecations)())
        # A module runs in a process of its own, never in the controller's: since ansible-core 2.19, warn() hands a
        # warning to the controller's display instead of the result when the controller is loaded, as it is in
        # this pytest process once a test imported controller code (the filters).
        if ansible_internal is not None:
            monkeypatch.setattr(ansible_internal, "is_controller", False)
        module_args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        with patch_module_args(module_args):
            with pytest.raises(SystemExit):
                main()
        return json.loads(capsys.readouterr().out)

    run.client_requests = []
    run.client_endpoints = []
    return run
