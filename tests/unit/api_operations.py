# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API operation names the unit tests count calls by, in one place."""

from __future__ import annotations

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
