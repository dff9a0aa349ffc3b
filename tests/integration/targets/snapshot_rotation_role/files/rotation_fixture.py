# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The snapshot_rotation target's helpers around the proxy; each prints one JSON document.

  rotation_fixture.py time-rules PROXY_URL ROTATION CLUSTERS_JSON DAYS_JSON SOURCE_REGION
      # posts one create_time rule per cluster and day: the snapshot CLUSTER-ROTATION-203001DD-030000, and its
      # copy (the same, then -SOURCE_REGION), were taken on 2030-01-DD at 03:00 UTC; prints {"rules": N}
"""

import json
import sys
import urllib.request


def time_rules(proxy_url, rotation, clusters, days, source_region):
    count = 0
    for cluster in json.loads(clusters):
        for day in json.loads(days):
            identifier = "%s-%s-203001%02d-030000" % (cluster, rotation, day)
            for snapshot in (identifier, "%s-%s" % (identifier, source_region)):
                rule = {"type": "create_time", "snapshot": snapshot, "time": "2030-01-%02dT03:00:00Z" % day}
                request = urllib.request.Request(proxy_url + "/_proxy/rules", data=json.dumps(rule).encode(),
                                                 method="POST", headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=10) as answer:
                    answer.read()
            count += 1
    return {"rules": count}


COMMANDS = {"time-rules": time_rules}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
