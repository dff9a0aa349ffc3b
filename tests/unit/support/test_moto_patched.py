"""tests/support/moto_patched.py: each patch makes moto answer a restore or delete as AWS does.

Every scenario runs twice: on the stand-in local_aws.py starts (moto through moto_patched.py, behind the proxy),
where it must see AWS's answer; and on an in-process moto with every patch but its own, where it must see moto's
defect (so each patch is shown to be needed, and a moto that fixes the defect makes the second test fail: then the
patch can go). docs/aws-fidelity.md describes each.
"""
import sys
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

SUPPORT_DIR = Path(__file__).resolve().parents[2] / "support"
if str(SUPPORT_DIR) not in sys.path:
    sys.path.insert(0, str(SUPPORT_DIR))

import moto_patched  # noqa: E402


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def neptune_snapshot(client, protected=False):
    """A Neptune cluster and a manual snapshot of it: (cluster, snapshot's answer)."""
    cluster = unique("src")
    client.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune", DeletionProtection=protected)
    answer = client.create_db_cluster_snapshot(DBClusterIdentifier=cluster, DBClusterSnapshotIdentifier=unique("snap"))
    return cluster, answer["DBClusterSnapshot"]


def restored(client, **request):
    return client.describe_db_clusters(DBClusterIdentifier=request["DBClusterIdentifier"])["DBClusters"][0]


def restore_config(client):
    """A Neptune snapshot restores (moto: KeyError '_master_user_password', over HTTP an HTML 500)."""
    _cluster, snapshot = neptune_snapshot(client)
    request = dict(DBClusterIdentifier=unique("r"), SnapshotIdentifier=snapshot["DBClusterSnapshotIdentifier"],
                   Engine="neptune")
    answer = client.restore_db_cluster_from_snapshot(**request)["DBCluster"]
    assert answer["Engine"] == "neptune"
    assert restored(client, **request)["DBClusterIdentifier"] == request["DBClusterIdentifier"]


def explicit_false(client):
    """DeletionProtection=False wins over the source's True (moto: the source's True stays)."""
    _cluster, snapshot = neptune_snapshot(client, protected=True)
    request = dict(DBClusterIdentifier=unique("r"), SnapshotIdentifier=snapshot["DBClusterSnapshotIdentifier"],
                   Engine="neptune", DeletionProtection=False, EnableIAMDatabaseAuthentication=True)
    client.restore_db_cluster_from_snapshot(**request)
    cluster = restored(client, **request)
    assert cluster["DeletionProtection"] is False
    assert cluster["IAMDatabaseAuthenticationEnabled"] is True


def snapshot_arn(client):
    """A snapshot given by its ARN is found (moto: DBClusterSnapshotNotFoundFault)."""
    _cluster, snapshot = neptune_snapshot(client)
    request = dict(DBClusterIdentifier=unique("r"), SnapshotIdentifier=snapshot["DBClusterSnapshotArn"],
                   Engine="neptune")
    client.restore_db_cluster_from_snapshot(**request)
    assert restored(client, **request)["Engine"] == "neptune"


def cluster_exists(client):
    """A restore onto an existing cluster's name is refused (moto: replaces the cluster)."""
    cluster, snapshot = neptune_snapshot(client)
    client.add_tags_to_resource(ResourceName=restored(client, DBClusterIdentifier=cluster)["DBClusterArn"],
                                Tags=[{"Key": "keep", "Value": "me"}])
    with pytest.raises(ClientError) as error:
        client.restore_db_cluster_from_snapshot(DBClusterIdentifier=cluster, Engine="neptune",
                                                SnapshotIdentifier=snapshot["DBClusterSnapshotIdentifier"])
    assert error.value.response["Error"]["Code"] == "DBClusterAlreadyExistsFault"
    arn = restored(client, DBClusterIdentifier=cluster)["DBClusterArn"]
    assert client.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "keep", "Value": "me"}]


def automated_backups(client):
    """A deleted cluster's automated snapshots go with it (moto: they stay)."""
    cluster = unique("gone")
    client.create_db_cluster(DBClusterIdentifier=cluster, Engine="neptune")
    client.delete_db_cluster(DBClusterIdentifier=cluster, SkipFinalSnapshot=True)
    left = client.describe_db_cluster_snapshots(SnapshotType="automated")["DBClusterSnapshots"]
    assert [s["DBClusterSnapshotIdentifier"] for s in left if s["DBClusterIdentifier"] == cluster] == []


SCENARIOS = {name: globals()[name] for name in moto_patched.PATCHES}


@pytest.mark.parametrize("patch", moto_patched.PATCHES)
def test_stand_in_answers_as_aws(patch, make_neptune):
    SCENARIOS[patch](make_neptune())


@pytest.mark.parametrize("patch", moto_patched.PATCHES)
def test_moto_without_the_patch_does_not(patch, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    others = [name for name in moto_patched.PATCHES if name != patch]
    with mock_aws(), moto_patched.patched(others):
        client = boto3.client("neptune", region_name="us-east-1")
        with pytest.raises((AssertionError, ClientError, KeyError)):
            SCENARIOS[patch](client)


def test_patches_are_taken_back():
    original = moto_patched.models.RDSBackend.restore_db_cluster_from_snapshot
    with moto_patched.patched():
        assert moto_patched.models.RDSBackend.restore_db_cluster_from_snapshot is not original
    assert moto_patched.models.RDSBackend.restore_db_cluster_from_snapshot is original


def test_server_is_started_through_the_launcher():
    import local_aws

    assert local_aws._moto_command(5000)[1].endswith("moto_patched.py")
