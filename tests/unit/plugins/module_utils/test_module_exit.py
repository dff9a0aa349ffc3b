# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.graphops.neptune.plugins.module_utils.module_exit import exit_with
from ansible_collections.graphops.neptune.plugins.module_utils.snapshot_plan import Refused
from ansible_collections.graphops.neptune.plugins.module_utils.waiting import WaitFailed


class Ended(Exception):
    """exit_json and fail_json end the module; so do these."""


class FakeModule:
    def __init__(self, diff):
        self._diff = diff
        self.ended = None

    def exit_json(self, **result):
        self.ended = ("exit", result)
        raise Ended

    def fail_json(self, **result):
        self.ended = ("fail", result)
        raise Ended

    def fail_json_aws_error(self, error):
        self.ended = ("aws", error)
        raise Ended


def end(module, ensure, *args, **kwargs):
    with pytest.raises(Ended):
        exit_with(module, ensure, *args, **kwargs)
    return module.ended


@pytest.mark.parametrize("diff", [False, True])
def test_the_result_goes_back_with_its_diff_in_diff_mode_only(diff):
    def ensure(api, request, check_mode):
        return {"changed": True, "seen": (api, request, check_mode), "diff": {"before": {}, "after": {"x": 1}}}

    kind, result = end(FakeModule(diff), ensure, "api", "request", check_mode=True)
    assert kind == "exit"
    assert result["seen"] == ("api", "request", True)
    assert ("diff" in result) is diff


@pytest.mark.parametrize("error", [Refused("cluster 'x' was not restored by this module"), WaitFailed("status 'failed'")])
def test_a_refusal_or_a_failed_wait_fails_with_its_own_message(error):
    def ensure():
        raise error

    assert end(FakeModule(False), ensure) == ("fail", {"msg": str(error)})


def test_an_aws_error_fails_with_its_code():
    error = AnsibleAWSError(message="AccessDenied")

    def ensure():
        raise error

    assert end(FakeModule(False), ensure) == ("aws", error)


def test_other_errors_are_not_swallowed():
    def ensure():
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        exit_with(FakeModule(False), ensure)
