# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.graphops.neptune.plugins.module_utils.validation import InvalidInput
from ansible_collections.graphops.neptune.plugins.module_utils.validation import MAX_TAGS_PER_RESOURCE
from ansible_collections.graphops.neptune.plugins.module_utils.validation import SnapshotSource
from ansible_collections.graphops.neptune.plugins.module_utils.validation import check_wait_timeout
from ansible_collections.graphops.neptune.plugins.module_utils.validation import normalize_identifier
from ansible_collections.graphops.neptune.plugins.module_utils.validation import normalize_shared_accounts
from ansible_collections.graphops.neptune.plugins.module_utils.validation import normalize_tags
from ansible_collections.graphops.neptune.plugins.module_utils.validation import parse_source


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
    ["", "a" * 64, "1snap", "-snap", "snap-", "snap--1", "snap_1", "snap.1", "snap 1", "snäp", "s\u0301", "snap\n"],
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
        # The RDS endpoint's Tag rule allows '@' (the Neptune reference page leaves it out).
        ({"owner": "alice@example.com"}, {"owner": "alice@example.com"}),
        # Letters and numbers of every script, every kind of space (Unicode separators).
        ({"Ελληνικά": "кириллица"}, {"Ελληνικά": "кириллица"}),
        ({"عربى": "कख١٢٣"}, {"عربى": "कख١٢٣"}),
        ({"a b\u00a0c\u3000d": "Ⅻ ½ ²"}, {"a b\u00a0c\u3000d": "Ⅻ ½ ²"}),
    ],
)
def test_valid_tags(tags, expected):
    assert normalize_tags(tags) == expected


@pytest.mark.parametrize("text, refused", [
    ("team#1", "'#'"),
    ("hello!", "'!'"),
    ("a*b", "'*'"),
    ("smile\U0001F600", "'\U0001f600'"),
    ("semi;colon", "';'"),
    ("a|b<c>", "'<' '>' '|'"),
    ("tab\there", "'\\t'"),
    # A combining mark (the Devanagari vowel sign i) is no letter to \p{L}, nor to Unicode: AWS's rule refuses it.
    ("हि", "'ि'"),
])
@pytest.mark.parametrize("where", ["key", "value"])
def test_characters_outside_the_rds_tag_rule_are_refused(text, refused, where):
    tags = {text: "v"} if where == "key" else {"k": text}
    with pytest.raises(InvalidInput) as caught:
        normalize_tags(tags)
    assert f"has characters AWS refuses ({refused})" in str(caught.value)
    assert "Unicode letters, numbers and spaces, and _ . : / = + - @" in str(caught.value)


@pytest.mark.parametrize(
    "tags, fragments",
    [
        ({"": "v"}, ["tag key ''", "1 to 128"]),
        ({"k" * 129: "v"}, ["1 to 128", "has 129"]),
        ({"k": "v" * 257}, ["0 to 256", "has 257"]),
        ({"aws:owner": "me"}, ["'aws:owner'", "must not start with 'aws:' or 'rds:'"]),
        ({"RDS:thing": "me"}, ["'RDS:thing'", "reserved"]),
        ({"k": "aws:v"}, ["value 'aws:v'", "reserved"]),
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
        normalize_tags({"aws:a": "1", "b": "x" * 300})
    assert "'aws:a'" in str(caught.value) and "tag 'b' value" in str(caught.value)


def test_tags_must_be_a_dict():
    with pytest.raises(InvalidInput, match="dictionary"):
        normalize_tags(["a"])


def test_wait_timeout():
    assert check_wait_timeout(0) == 0
    with pytest.raises(InvalidInput, match="-1.*0 or more"):
        check_wait_timeout(-1)


# --- copy sources and sharing -----------------------------------------------------------------

SOURCE_ARN = "arn:aws:rds:us-west-2:123456789012:cluster-snapshot:Graph-Nightly"


def test_source_identifier_in_this_region():
    assert parse_source("Graph-Nightly", None, "us-east-1") == SnapshotSource(identifier="graph-nightly")


def test_automated_source_is_allowed_for_a_copy():
    assert parse_source("rds:Graph-2026-11-27", None, "us-east-1").identifier == "rds:graph-2026-11-27"


def test_source_arn_of_another_region_implies_the_source_region():
    source = parse_source(SOURCE_ARN, None, "us-east-1")
    assert source == SnapshotSource(
        identifier="graph-nightly",
        arn="arn:aws:rds:us-west-2:123456789012:cluster-snapshot:graph-nightly",
        region="us-west-2",
        account="123456789012",
    )
    assert source.reference == source.arn


def test_source_arn_of_this_region_is_no_cross_region_copy():
    source = parse_source(SOURCE_ARN, "us-west-2", "us-west-2")
    assert source.region is None and source.arn.endswith(":graph-nightly")


def test_no_source_no_copy():
    assert parse_source(None, None, "us-east-1") is None


@pytest.mark.parametrize(
    "value, source_region, fragments",
    [
        ("graph-nightly", "us-west-2", ["must be an ARN", "'graph-nightly'", "us-west-2"]),
        (SOURCE_ARN, "eu-west-1", ["'eu-west-1' does not match the region 'us-west-2'"]),
        ("arn:aws:rds:us-west-2:1234:cluster-snapshot:x", None, ["not a valid DB cluster snapshot ARN", "12-digit"]),
        ("arn:aws:rds:us-west-2:123456789012:snapshot:x", None, ["not a valid DB cluster snapshot ARN"]),
        ("arn:aws:rds:us-west-2:123456789012:cluster-snapshot:bad--id", None, ["'bad--id'", "consecutive"]),
        ("", None, ["source_db_cluster_snapshot_identifier ''"]),
        (SOURCE_ARN + "\n", None, ["Graph-Nightly\\n' is not a valid DB cluster snapshot ARN"]),
        ("bad_id", None, ["'bad_id'", "1 to 63"]),
        (None, "us-west-2", ["source_region is only used with source_db_cluster_snapshot_identifier"]),
    ],
)
def test_bad_sources_name_the_value_and_the_rule(value, source_region, fragments):
    with pytest.raises(InvalidInput) as caught:
        parse_source(value, source_region, "us-east-1")
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_shared_accounts_are_sorted_and_unique():
    assert normalize_shared_accounts(["210987654321", "123456789012", "210987654321"], False) == [
        "123456789012",
        "210987654321",
    ]
    assert normalize_shared_accounts(None, False) is None
    assert normalize_shared_accounts([], False) == []
    assert normalize_shared_accounts(["all", "123456789012"], True) == ["123456789012", "all"]


@pytest.mark.parametrize(
    "accounts, allow_public, fragments",
    [
        (["all"], False, ["public", "allow_public: true"]),
        (["12345678901"], False, ["'12345678901'", "exactly 12 digits"]),
        (["1234567890123"], False, ["'1234567890123'"]),
        (["12345678901a"], False, ["'12345678901a'"]),
        (["123456789012\n"], False, ["'123456789012\\n'"]),
        ([""], False, ["''", "12 digits"]),
        (["ALL"], True, ["'ALL'"]),
        ([f"{n:012d}" for n in range(21)], False, ["21 accounts", "at most 20"]),
    ],
)
def test_bad_shared_accounts_name_the_value_and_the_rule(accounts, allow_public, fragments):
    with pytest.raises(InvalidInput) as caught:
        normalize_shared_accounts(accounts, allow_public)
    for fragment in fragments:
        assert fragment in str(caught.value)


def test_twenty_accounts_and_public_are_allowed():
    accounts = [f"{n:012d}" for n in range(20)] + ["all"]
    assert len(normalize_shared_accounts(accounts, True)) == 21


def test_at_most_fifty_tags_when_they_are_a_resources():
    fifty = {f"k{n:02d}": "v" for n in range(50)}
    assert normalize_tags(fifty, MAX_TAGS_PER_RESOURCE) == fifty
    with pytest.raises(InvalidInput, match="51 tags given, AWS allows at most 50 on a snapshot"):
        normalize_tags(dict(fifty, k50="v"), MAX_TAGS_PER_RESOURCE)
    assert len(normalize_tags(dict(fifty, k50="v"))) == 51  # a filter's tags: no limit
