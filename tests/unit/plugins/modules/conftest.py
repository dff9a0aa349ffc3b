# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the modules' tests: a fake clock, and a moto region with clusters."""

from __future__ import annotations

import datetime
import json
import pathlib

import pytest
from botocore import xform_name

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


# --- answers shaped as AWS gives them (tests/unit/aws_answers/*.json) -----------------------

ANSWERS_DIR = pathlib.Path(__file__).resolve().parents[2] / "aws_answers"


def _with_times(entry: dict) -> dict:
    """An answer without its notes, its *Time fields as datetimes (what botocore parses them into)."""
    return {
        key: datetime.datetime.fromisoformat(value) if key.endswith("Time") and isinstance(value, str) else value
        for key, value in entry.items()
        if not key.startswith("_") and key != "from"
    }


class AwsAnswers:
    """The library of AWS answers: snapshots, clusters, pages and every modelled error of the calls made."""

    def __init__(self):
        self._snapshots = json.loads((ANSWERS_DIR / "snapshots.json").read_text())
        self._clusters = json.loads((ANSWERS_DIR / "clusters.json").read_text())
        self._pages = json.loads((ANSWERS_DIR / "pages.json").read_text())["pages"]
        self.errors = json.loads((ANSWERS_DIR / "errors.json").read_text())["errors"]

    def snapshot(self, name: str, **overrides) -> dict:
        return dict(_with_times(self._snapshots[name]), **overrides)

    def cluster(self, name: str = "available", **overrides) -> dict:
        return dict(_with_times(self._clusters[name]), **overrides)

    def pages(self) -> list:
        """DescribeDBClusterSnapshots answers, page by page, with their Marker."""
        answers = []
        for page in self._pages:
            snapshots = [dict(self.snapshot(entry["from"]), **_with_times(entry)) for entry in page["snapshots"]]
            answer = {"DBClusterSnapshots": snapshots}
            if "Marker" in page:
                answer["Marker"] = page["Marker"]
            answers.append(answer)
        return answers

    def error(self, operation: str, code: str) -> dict:
        """The modelled error of an operation (its code as AWS sends it), or KeyError if the model lists none."""
        for error in self.errors[operation]:
            if code in (error["code"], error["shape"]):
                return error
        raise KeyError(f"the neptune model lists no {code} for {operation}")

    def add_error(self, stubber, operation: str, code: str) -> None:
        """Queue a modelled error of operation (a model name such as DeleteDBClusterSnapshot)."""
        error = self.error(operation, code)
        stubber.add_client_error(
            xform_name(operation), error["code"], error["message"], http_status_code=error["http_status"]
        )


@pytest.fixture(scope="session")
def aws_answers():
    return AwsAnswers()
