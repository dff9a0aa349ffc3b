# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""How a module that changes something ends: its result, or the one message that says why not."""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from .snapshot_plan import Refused
from .waiting import WaitFailed


def exit_with(module, ensure, *args, **kwargs):
    """Runs ensure(*args, **kwargs) and exits the module with the result it returns.

    A refusal or a failed wait fails with its own message (it names the value and the rule, or the status); an AWS
    error with its code. The result's "diff" goes back in diff mode only.
    """
    try:
        result = ensure(*args, **kwargs)
    except (Refused, WaitFailed) as error:
        module.fail_json(msg=str(error))
    except AnsibleAWSError as error:
        module.fail_json_aws_error(error)
    if not module._diff:
        del result["diff"]
    module.exit_json(**result)
