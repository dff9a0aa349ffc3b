# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput
from ansible_collections.graphops.neptune.plugins.module_utils.validation import check_wait_timeout
from ansible_collections.graphops.neptune.plugins.module_utils.validation import normalize_identifier
from ansible_collections.graphops.neptune.plugins.module_utils.validation import normalize_tags


@pytest.mark.parametrize(
    "value, expected",
    [
        ("a", "a"),
        ("Graph-Snap-01", "graph-snap-01"),
        ("a" * 63, "a" * 63),
        ("x1-2-3", "x1-2-3"),
    ],
)
def test_valid_identifiers_are_lowercased(value, expected):
    assert normalize_identifier(value, "db_cluster_snapshot_identifier") == expected


@pytest.mark.parametrize(
    "value",
    ["", "a" * 64, "1snap", "-snap", "snap-", "snap--1", "snap_1", "snap.1", "snap 1", "snäp", "s\u0301"],
)
def test_invalid_identifiers_name_the_value_and_the_rule(value):
    with pytest.raises(InvalidInput) as caught:
        normalize_identifier(value, "db_cluster_snapshot_identifier")
    message = str(caught.value)
    assert repr(value) in message
    assert "db_cluster_snapshot_identifier" in message
    assert "1 to 63" in message and "first a letter" in message


def test_automated_snapshot_names_are_refused_with_their_own_reason():
    with pytest.raises(InvalidInput, match="automated snapshot"):
        normalize_identifier("rds:graph-2026-11-27-03-00", "db_cluster_snapshot_identifier")


def test_identifier_must_be_a_string():
    with pytest.raises(InvalidInput, match="must be a string"):
        normalize_identifier(12, "db_cluster_identifier")


def test_tags_none_means_leave_alone():
    assert normalize_tags(None) is None


def test_tags_empty_dict_is_kept_empty():
    assert normalize_tags({}) == {}


@pytest.mark.parametrize(
    "tags, expected",
    [
        ({"env": "prod"}, {"env": "prod"}),
        ({"count": 3, "on": True}, {"count": "3", "on": "True"}),
        ({"empty": ""}, {"empty": ""}),
        ({"k" * 128: "v" * 256}, {"k" * 128: "v" * 256}),
        ({"Größe über": "värde 1_.:/=+-"}, {"Größe über": "värde 1_.:/=+-"}),
        ({"日本": "値"}, {"日本": "値"}),
        ({"awsx": "rdsy"}, {"awsx": "rdsy"}),
    ],
)
def test_valid_tags(tags, expected):
    assert normalize_tags(tags) == expected


@pytest.mark.parametrize(
    "tags, fragments",
    [
        ({"": "v"}, ["tag key ''", "1 to 128"]),
        ({"k" * 129: "v"}, ["1 to 128", "has 129"]),
        ({"k": "v" * 257}, ["0 to 256", "has 257"]),
        ({"aws:owner": "me"}, ["'aws:owner'", "must not start with 'aws:' or 'rds:'"]),
        ({"RDS:thing": "me"}, ["'RDS:thing'", "reserved"]),
        ({"k": "aws:v"}, ["value 'aws:v'", "reserved"]),
        ({"a|b": "v"}, ["'a|b'", "'|'", "only Unicode letters"]),
        ({"k": "semi;colon"}, ["'semi;colon'", "';'"]),
        ({"k": "tab\there"}, ["'\\t'"]),
        ({"k": None}, ["tag 'k' has no value"]),
        ({"k": ["a"]}, ["must be a string"]),
    ],
)
def test_invalid_tags_name_the_value_and_the_rule(tags, fragments):
    with pytest.raises(InvalidInput) as caught:
        normalize_tags(tags)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_all_tag_problems_are_reported_at_once():
    with pytest.raises(InvalidInput) as caught:
        normalize_tags({"aws:a": "1", "b": "x|y"})
    assert "'aws:a'" in str(caught.value) and "'x|y'" in str(caught.value)


def test_tags_must_be_a_dict():
    with pytest.raises(InvalidInput, match="dictionary"):
        normalize_tags(["a"])


def test_wait_timeout():
    assert check_wait_timeout(0) == 0
    with pytest.raises(InvalidInput, match="-1.*0 or more"):
        check_wait_timeout(-1)
