# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the modules' tests: a fake clock, and a moto region with clusters."""

from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils import snapshot_api


@pytest.fixture
def fake_time(monkeypatch, clock):
    """snapshot_api's time module stood in by the fake clock: sleeping only moves the clock."""
    monkeypatch.setattr(snapshot_api, "time", clock)
    return clock


@pytest.fixture
def neptune(moto_neptune):
    """A moto region with a Neptune cluster 'graph' and an Aurora cluster 'aurora'."""
    client, raw, calls = moto_neptune
    raw.create_db_cluster(DBClusterIdentifier="graph", Engine="neptune")
    raw.create_db_cluster(
        DBClusterIdentifier="aurora", Engine="aurora-postgresql", MasterUsername="admin", MasterUserPassword="pw-123456"
    )
    calls.clear()
    return client, raw, calls
