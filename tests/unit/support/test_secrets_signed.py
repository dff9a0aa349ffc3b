# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials given to the module as options reach botocore, which signs real requests with them (to a local moto
behind the proxy, which records the region each call is signed for), and appear nowhere in what the module returns
or prints: nothing here stands in for the module's client."""

from __future__ import annotations

import contextlib
import json
import logging
from unittest import mock

import boto3
import pytest

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot as snapshot_module
from ansible_collections.graphops.neptune.plugins.modules import neptune_cluster_snapshot_info as info_module

ACCESS_KEY = "AKIDSIGNEDEXAMPLE"
SECRET = "S3cretValue-signed-never-shown"
TOKEN = "T0kenValue-signed-never-shown"


try:
    from ansible.module_utils.testing import patch_module_args as module_args
except ImportError:  # ansible-core < 2.19: the same, by hand

    @contextlib.contextmanager
    def module_args(args):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()):
            yield


@pytest.fixture
def run_main(monkeypatch, capsys, caplog):
    """main() as ansible runs it, with its own clients: (result, everything printed and logged)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)  # the options are the only credentials

    def run(main, args):
        monkeypatch.setattr(ansible_warnings, "_global_warnings", type(ansible_warnings._global_warnings)())
        monkeypatch.setattr(ansible_warnings, "_global_deprecations", type(ansible_warnings._global_deprecations)())
        caplog.clear()
        with caplog.at_level(logging.INFO), module_args(args), pytest.raises(SystemExit):
            main()
        printed = capsys.readouterr()
        return json.loads(printed.out), printed.out + printed.err + caplog.text

    return run


def test_credentials_sign_real_requests_and_are_never_shown(local_aws_info, proxy, run_main):
    region = "ap-south-1"
    boto3.client("neptune", endpoint_url=local_aws_info["moto_url"], region_name=region, aws_access_key_id="x",
                 aws_secret_access_key="x").create_db_cluster(DBClusterIdentifier="graph", Engine="neptune")
    credentials = dict(access_key=ACCESS_KEY, secret_key=SECRET, session_token=TOKEN, region=region,
                       endpoint_url=local_aws_info["proxy_url"])
    runs = [
        (snapshot_module.main, dict(credentials, id="snap", cluster_id="graph", tags={"a": "1"})),  # creates
        (snapshot_module.main, dict(credentials, id="snap", cluster_id="graph", tags={"a": "1"})),  # no change
        (snapshot_module.main, dict(credentials, id="other", cluster_id="nowhere")),  # an AWS error
        (snapshot_module.main, dict(credentials, id="bad--id")),  # refused before any call
        (info_module.main, dict(credentials, cluster_id="graph")),
    ]
    results = []
    for main, args in runs:
        result, output = run_main(main, args)
        for secret in (SECRET, TOKEN):
            assert secret not in output and secret not in json.dumps(result)
        results.append(result)
    assert results[0]["changed"] and not results[1]["changed"]
    assert results[2]["failed"] and "nowhere" in results[2]["msg"]
    assert results[3]["failed"] and "bad--id" in results[3]["msg"]
    assert [s["db_cluster_snapshot_identifier"] for s in results[4]["db_cluster_snapshots"]
            if s["snapshot_type"] == "manual"] == ["snap"]
    # Every call the modules made was a real request, signed (for the task's region) with those credentials.
    calls = proxy.calls()
    assert len(calls) >= 8 and {c["region"] for c in calls} == {region}
