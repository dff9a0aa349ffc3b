#!/usr/bin/env python
"""moto's server with its rds/neptune backend brought closer to AWS where restoring a Neptune cluster needs it.

  python moto_patched.py -H 127.0.0.1 -p PORT    # the arguments of moto_server; local_aws.py starts moto so

Importable too: `with patched(): ...` applies the patches to an in-process moto (mock_aws) and takes them back.

Each patch fixes one defect of moto 5.2.5 (also 5.0.28, the py38 session's) that docs/aws-fidelity.md describes with
the AWS behaviour expected, and tests/unit/support/test_moto_patched.py holds against AWS's answer:

1. restore_config: RestoreDBClusterFromSnapshot of a Neptune snapshot raised KeyError '_master_user_password' in
   DBCluster.get_cfg (Neptune clusters have no master password in moto); over HTTP an HTML 500.
2. explicit_false: a False given to the restore (DeletionProtection, CopyTagsToSnapshot,
   EnableIAMDatabaseAuthentication) was dropped, so the source cluster's True stayed; and moto refused
   EnableIAMDatabaseAuthentication for Neptune, which supports it.
3. snapshot_arn: a snapshot given by its ARN (the model: "either the name or the Amazon Resource Name (ARN)") was
   not found.
4. cluster_exists: a restore onto an existing cluster's name replaced that cluster instead of answering
   DBClusterAlreadyExistsFault.
5. automated_backups: DeleteDBCluster left the cluster's automated snapshots behind (AWS: "all automated backups
   for that DB cluster are deleted").
"""

import contextlib
import sys

from moto.rds import models
from moto.rds.exceptions import DBClusterSnapshotNotFoundError
from moto.rds.exceptions import RDSClientError

# get_cfg's private attributes and the DBCluster arguments they are passed back as (moto 5.0 has no
# _vpc_security_group_ids: then it is left as it is).
_PRIVATE_CONFIG = (
    ("_master_user_password", "master_user_password"),
    ("_enable_http_endpoint", "enable_http_endpoint"),
    ("_vpc_security_group_ids", "vpc_security_group_ids"),
)
# Restore options AWS applies when False, and the DBCluster attribute each sets.
_FALSE_OPTIONS = {
    "deletion_protection": "deletion_protection",
    "copy_tags_to_snapshot": "copy_tags_to_snapshot",
    "enable_iam_database_authentication": "iam_auth",
}


PATCHES = ("restore_config", "explicit_false", "snapshot_arn", "cluster_exists", "automated_backups")
# The patches in force, by name (all of them in the server; the tests leave one out to show moto's defect).
_enabled = set()


def _get_cfg(original):
    def get_cfg(cluster):
        """The cluster's settings as DBCluster arguments, with or without a master password (patch 1)."""
        if "restore_config" not in _enabled:
            return original(cluster)
        cfg = dict(cluster.__dict__)
        cfg.pop("backend", None)
        for private, public in _PRIVATE_CONFIG:
            if private in cfg:
                cfg[public] = cfg.pop(private)
        # A restore makes a cluster of its own, not a replica of the snapshot's.
        cfg["replication_source_identifier"] = None
        return cfg

    return get_cfg


def _snapshot_identifier(backend, reference):
    """The identifier of the snapshot a restore names by identifier or ARN (patch 3)."""
    if "snapshot_arn" not in _enabled or not reference or not reference.startswith("arn:"):
        return reference
    for identifier, snapshot in backend.cluster_snapshots.items():
        if reference in (getattr(snapshot, "arn", None), getattr(snapshot, "snapshot_arn", None)):
            return identifier
    raise DBClusterSnapshotNotFoundError(reference)


def _restore(original):
    def restore_db_cluster_from_snapshot(self, from_snapshot_id, overrides):
        overrides = dict(overrides)
        cluster_id = (overrides.get("db_cluster_identifier") or "").lower()
        if "cluster_exists" in _enabled and cluster_id in self.clusters:  # patch 4
            raise RDSClientError("DBClusterAlreadyExistsFault", "DB Cluster already exists")
        snapshot_id = _snapshot_identifier(self, from_snapshot_id)
        explicit = {}
        if "explicit_false" in _enabled:
            explicit = {option: overrides.pop(option) for option in _FALSE_OPTIONS if overrides.get(option) is not None}
        cluster = original(self, snapshot_id, overrides)
        for option, value in explicit.items():  # patch 2
            setattr(cluster, _FALSE_OPTIONS[option], bool(value))
        return cluster

    return restore_db_cluster_from_snapshot


def _delete(original):
    def delete_db_cluster(self, cluster_identifier, *args, **kwargs):
        cluster = original(self, cluster_identifier, *args, **kwargs)
        if "automated_backups" in _enabled:  # patch 5
            name = cluster.db_cluster_identifier
            for identifier, snapshot in list(self.cluster_snapshots.items()):
                if snapshot.snapshot_type == "automated" and snapshot.cluster.db_cluster_identifier == name:
                    del self.cluster_snapshots[identifier]
        return cluster

    return delete_db_cluster


def _replacements():
    backend = models.RDSBackend
    return [
        (models.DBCluster, "get_cfg", _get_cfg),
        (backend, "restore_db_cluster_from_snapshot", _restore),
        (backend, "delete_db_cluster", _delete),
    ]


_originals = []


def apply(patches=PATCHES):
    """Patch moto's rds backend (which serves the neptune API) in this process with the named patches."""
    unknown = set(patches) - set(PATCHES)
    if unknown:
        raise ValueError("unknown patches: %s" % ", ".join(sorted(unknown)))
    if not _originals:
        for owner, name, wrap in _replacements():
            original = owner.__dict__[name]
            _originals.append((owner, name, original))
            setattr(owner, name, wrap(original))
    _enabled.clear()
    _enabled.update(patches)


def undo():
    _enabled.clear()
    while _originals:
        owner, name, original = _originals.pop()
        setattr(owner, name, original)


@contextlib.contextmanager
def patched(patches=PATCHES):
    """The named patches for the with block, in this process (for an in-process moto); taken back after it."""
    before = set(_enabled) if _originals else None
    apply(patches)
    try:
        yield
    finally:
        if before is None:
            undo()
        else:
            apply(before)


def main(argv=None):
    from moto.server import main as moto_server

    apply()
    moto_server(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
