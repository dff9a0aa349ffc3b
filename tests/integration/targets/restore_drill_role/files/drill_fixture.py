# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore_drill_role target's own set-up and reads, on top of setup_neptune_fixture's neptune_fixture.py.

Run as `drill_fixture.py COMMAND ARGS...` with neptune_fixture.py's environment (FIXTURE_ENDPOINT_URL: moto itself,
past the proxy, so neither its call log nor its rules see these calls). Every command prints one JSON document.

  drills                      # {"clusters": {ID: status}, "instances": {ID: status}}: every cluster and instance
                              # carrying the tag graphops.neptune/drill, whatever its name
  plant NAME SNAPSHOT TAGS    # restores SNAPSHOT into cluster NAME with one instance NAME-1, both tagged TAGS
                              # (JSON): an earlier drill's leftovers, or a look-alike; prints {"planted": NAME}
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "setup_neptune_fixture", "files"))
import neptune_fixture  # the shared fixture; ansible-test copies setup_neptune_fixture beside this target

DRILL_TAG = "graphops.neptune/drill"


def tags_of(entry):
    return {tag["Key"]: tag["Value"] for tag in entry.get("TagList") or []}


def drills(fixture):
    rds = fixture.client()
    clusters = [c for page in rds.get_paginator("describe_db_clusters").paginate() for c in page["DBClusters"]]
    instances = [i for page in rds.get_paginator("describe_db_instances").paginate() for i in page["DBInstances"]]
    return {
        "clusters": {c["DBClusterIdentifier"]: c["Status"] for c in clusters if DRILL_TAG in tags_of(c)},
        "instances": {i["DBInstanceIdentifier"]: i["DBInstanceStatus"] for i in instances if DRILL_TAG in tags_of(i)},
    }


def plant(fixture, name, snapshot, tags):
    tag_list = [{"Key": key, "Value": value} for key, value in json.loads(tags).items()]
    neptune = fixture.client("neptune")
    neptune.restore_db_cluster_from_snapshot(DBClusterIdentifier=name, SnapshotIdentifier=snapshot, Engine="neptune",
                                             Tags=tag_list)
    neptune.create_db_instance(DBInstanceIdentifier=f"{name}-1", DBInstanceClass="db.r6g.large", Engine="neptune",
                               DBClusterIdentifier=name, Tags=tag_list)
    return {"planted": name}


if __name__ == "__main__":
    neptune_fixture.main(sys.argv, {"drills": drills, "plant": plant}, __doc__)
