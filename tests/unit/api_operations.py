# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API operation names the unit tests count calls by, in one place; and the bytes of a copy request."""

from __future__ import annotations

import urllib.parse

from botocore.awsrequest import AWSResponse

DESCRIBE = "DescribeDBClusterSnapshots"
TAGS = "ListTagsForResource"
CLUSTER = "DescribeDBClusters"
CREATE = "CreateDBClusterSnapshot"
COPY = "CopyDBClusterSnapshot"
DELETE = "DeleteDBClusterSnapshot"
ADD_TAGS = "AddTagsToResource"
REMOVE_TAGS = "RemoveTagsFromResource"
MODIFY = "ModifyDBClusterSnapshotAttribute"
ATTRIBUTES = "DescribeDBClusterSnapshotAttributes"

# What every listing of the info module and the rotation sends (the rds model's `engine` filter), written out
# here rather than imported, so the tests hold the wire value.
NEPTUNE_ONLY = {"Filters": [{"Name": "engine", "Values": ["neptune"]}]}


def sent_copy(client, copy) -> dict:
    """The body (parsed) of the CopyDBClusterSnapshot request that copy() makes through botocore client `client`,
    captured before sending and answered with a minimal copy."""
    sent = {}

    def capture(request, **_kwargs):
        sent["body"] = urllib.parse.parse_qs(request.body.decode() if isinstance(request.body, bytes) else request.body)
        body = (b"<CopyDBClusterSnapshotResponse><CopyDBClusterSnapshotResult><DBClusterSnapshot>"
                b"<DBClusterSnapshotIdentifier>dr-copy</DBClusterSnapshotIdentifier></DBClusterSnapshot>"
                b"</CopyDBClusterSnapshotResult></CopyDBClusterSnapshotResponse>")
        return AWSResponse(request.url, 200, {}, type("Raw", (), {"stream": lambda self, **k: iter([body])})())

    client.meta.events.register("before-send.neptune.CopyDBClusterSnapshot", capture)
    copy()
    return sent["body"]
