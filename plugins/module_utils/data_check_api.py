# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""The calls to a cluster's graph engine (botocore's neptunedata client), one method a call.

neptunedata calls go to the cluster's own endpoint (https://<cluster endpoint>:<port>), SigV4-signed for the
service neptune-db. Throttling (TooManyRequestsException) is retried by amazon.aws' AWSRetry on top of botocore's
own attempts, which also resend a request whose answer was lost. Every other failure is raised as AnsibleAWSError
saying what was asked of which endpoint.
"""

from __future__ import annotations

try:
    import botocore.config
except ImportError:
    pass  # AnsibleAWSModule reports the missing SDK.

from .snapshot_api import CHECK_MODE_USER_AGENT
from .snapshot_api import RETRY_DECORATOR
from .snapshot_api import aws_call

NEPTUNEDATA = "neptunedata"


class NeptuneDataApi:
    def __init__(self, client, endpoint_url: str):
        self.client = client
        self.endpoint_url = endpoint_url

    def engine_status(self) -> dict:
        """GetEngineStatus's answer (status, dbEngineVersion, role...), without the response metadata."""
        with aws_call(f"get the engine status at {self.endpoint_url}"):
            answer = self.client.get_engine_status(aws_retry=True)
        return {key: value for key, value in answer.items() if key != "ResponseMetadata"}

    def open_cypher(self, query: str):
        """ExecuteOpenCypherQuery's `results`."""
        with aws_call(f"run the openCypher query {query!r} at {self.endpoint_url}"):
            answer = self.client.execute_open_cypher_query(openCypherQuery=query, aws_retry=True)
        return answer.get("results")


def connect_data(module, endpoint_url: str) -> NeptuneDataApi:
    """The graph engine at endpoint_url, with the module's credentials and region: retrying on throttling, and in
    check mode marked in its User-Agent (its two calls only read)."""
    extra = {"endpoint": endpoint_url}
    if module.check_mode:
        extra["config"] = botocore.config.Config(user_agent_extra=CHECK_MODE_USER_AGENT)
    return NeptuneDataApi(module.client(NEPTUNEDATA, retry_decorator=RETRY_DECORATOR, **extra), endpoint_url)
