# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pure checks of user input, run before any AWS call.

Every error message names the offending value and the rule it breaks, so a
user can fix the task without reading AWS documentation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

IDENTIFIER_MAX_LENGTH = 63
TAG_KEY_MAX_LENGTH = 128
TAG_VALUE_MAX_LENGTH = 256
# The API refuses tags under these prefixes; AWS itself owns them.
RESERVED_TAG_PREFIXES = ("aws:", "rds:")
# The characters a tag may hold: the Tag rule of the RDS endpoint that serves Neptune calls (botocore's rds model,
# Tag.Key and Tag.Value: Java "^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"), exactly: Unicode letters, separators and numbers,
# and these. The Neptune reference page omits '@'; the endpoint takes it, and a check stricter than the endpoint
# would make purge_tags remove tags a user cannot name.
TAG_PUNCTUATION = "_.:/=+-@"
TAG_CHARACTER_CATEGORIES = ("L", "Z", "N")
TAG_CHARACTER_RULE = "Unicode letters, numbers and spaces, and _ . : / = + - @"

_IDENTIFIER_RULE = (
    "1 to 63 ASCII letters, digits or hyphens; the first a letter; "
    "no trailing hyphen; no two consecutive hyphens"
)
_IDENTIFIER_PATTERN = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$")


class InvalidInput(ValueError):
    """User input that breaks an API rule; raised before any AWS call."""


def normalize_identifier(value, option: str) -> str:
    """Check a snapshot or cluster identifier and return it lowercase, as AWS stores it."""
    if not isinstance(value, str):
        raise InvalidInput(f"{option} must be a string, got {value!r} ({type(value).__name__})")
    if option == "db_cluster_snapshot_identifier" and value.lower().startswith(AUTOMATED_PREFIX):
        raise InvalidInput(
            f"{option} {value!r} names an automated snapshot; automated snapshots are managed by AWS "
            "and are never created, changed, shared or deleted by this module (copy one with "
            "source_db_cluster_snapshot_identifier to keep or share it)"
        )
    if option == "db_cluster_snapshot_identifier" and value.lower().startswith(AWS_BACKUP_PREFIX):
        raise InvalidInput(
            f"{option} {value!r} names an AWS Backup recovery point; AWS Backup owns its recovery points "
            "(their retention and deletion are set in AWS Backup), so this module never creates, deletes, "
            "retags or shares them (copy one with source_db_cluster_snapshot_identifier to keep a copy of your own)"
        )
    if (
        not 1 <= len(value) <= IDENTIFIER_MAX_LENGTH
        or not _IDENTIFIER_PATTERN.fullmatch(value)
        or value.endswith("-")
    ):
        raise InvalidInput(f"{option} {value!r} is invalid: it must be {_IDENTIFIER_RULE}")
    return value.lower()


def _tag_text_problem(text: str, max_length: int, min_length: int) -> str | None:
    if not min_length <= len(text) <= max_length:
        return f"must be {min_length} to {max_length} characters long (it has {len(text)})"
    if text.lower().startswith(RESERVED_TAG_PREFIXES):
        return "must not start with 'aws:' or 'rds:' (prefixes reserved by AWS)"
    refused = sorted({c for c in text if c not in TAG_PUNCTUATION
                      and unicodedata.category(c)[0] not in TAG_CHARACTER_CATEGORIES})
    if refused:
        return f"has characters AWS refuses ({' '.join(repr(c) for c in refused)}): it takes {TAG_CHARACTER_RULE}"
    return None


# AWS allows at most this many tags on a resource: a task asking for more can never succeed.
MAX_TAGS_PER_RESOURCE = 50


def normalize_tags(tags, limit: int | None = None) -> dict[str, str] | None:
    """Check tags as AWS does (strings, lengths, reserved prefixes, characters, and at most `limit` of them when
    they are a resource's); return them with string values.

    None (tags not given) stays None: the caller then leaves the tags alone.
    """
    if tags is None:
        return None
    if not isinstance(tags, dict):
        raise InvalidInput(f"tags must be a dictionary of key: value, got {tags!r}")
    problems = []
    if limit is not None and len(tags) > limit:
        problems.append(f"{len(tags)} tags given, AWS allows at most {limit} on a snapshot")
    normalized = {}
    for key, value in tags.items():
        if not isinstance(key, str):
            problems.append(f"tag key {key!r} must be a string")
            continue
        problem = _tag_text_problem(key, TAG_KEY_MAX_LENGTH, 1)
        if problem:
            problems.append(f"tag key {key!r} {problem}")
        if value is None:
            problems.append(f"tag {key!r} has no value (null); use '' for an empty value")
            continue
        if isinstance(value, (dict, list)):
            problems.append(f"tag {key!r} has value {value!r}; a tag value must be a string")
            continue
        text = str(value)
        problem = _tag_text_problem(text, TAG_VALUE_MAX_LENGTH, 0)
        if problem:
            problems.append(f"tag {key!r} value {text!r} {problem}")
        normalized[key] = text
    if problems:
        raise InvalidInput("Invalid tags: " + "; ".join(problems))
    return normalized


MAX_SHARED_ACCOUNTS = 20
PUBLIC = "all"
# AWS names automated snapshots "rds:<cluster>-<date>", and AWS Backup its recovery points of a cluster
# "awsbackup:job-<job id>" (AWS Backup developer guide, recovery point IDs). Both can be looked up and
# copied; neither is ever managed by this module.
AUTOMATED_PREFIX = "rds:"
AWS_BACKUP_PREFIX = "awsbackup:"
AWS_MADE_PREFIXES = (AUTOMATED_PREFIX, AWS_BACKUP_PREFIX)
_ACCOUNT_PATTERN = re.compile(r"[0-9]{12}")
SNAPSHOT_ARN_PATTERN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):rds:(?P<region>[a-z0-9-]+):(?P<account>[0-9]{12}):"
    r"cluster-snapshot:(?P<identifier>.+)"
)
_ARN_RULE = "arn:aws:rds:<region>:<12-digit account>:cluster-snapshot:<identifier>"


@dataclass(frozen=True)
class SnapshotSource:
    """The snapshot to copy: its identifier, and its ARN and region when it was given as an ARN."""

    identifier: str
    arn: str | None = None
    region: str | None = None
    account: str | None = None

    @property
    def reference(self) -> str:
        """What CopyDBClusterSnapshot takes as SourceDBClusterSnapshotIdentifier."""
        return self.arn or self.identifier


def snapshot_name(reference: str) -> str:
    """The identifier in a snapshot reference: the reference itself, or the part of an ARN after cluster-snapshot:."""
    return reference.partition(":cluster-snapshot:")[2] if reference.startswith("arn:") else reference


def is_automated(reference: str) -> bool:
    """Whether a reference (identifier or ARN) names an automated snapshot, which AWS finds only by type."""
    return snapshot_name(reference).startswith(AUTOMATED_PREFIX)


def _normalize_any_identifier(value, option: str) -> str:
    """A manual snapshot's identifier, or one AWS made: "rds:" (automated) or "awsbackup:" (AWS Backup) + identifier."""
    prefix = next((p for p in AWS_MADE_PREFIXES if isinstance(value, str) and value.lower().startswith(p)), None)
    if prefix is not None:
        name = value[len(prefix):]
        try:
            return prefix + normalize_identifier(name, option)
        except InvalidInput:
            raise InvalidInput(
                f"{option} {value!r} is invalid: a snapshot name AWS makes is {prefix!r} followed by "
                f"{name!r}, which must be {_IDENTIFIER_RULE}"
            ) from None
    return normalize_identifier(value, option)


def _match_snapshot_arn(value: str, option: str):
    match = SNAPSHOT_ARN_PATTERN.fullmatch(value)
    if not match:
        raise InvalidInput(f"{option} {value!r} is not a valid DB cluster snapshot ARN; the form is {_ARN_RULE}")
    return match, _normalize_any_identifier(match["identifier"], f"{option} (the identifier in ARN {value!r})")


def _arn(match, identifier: str) -> str:
    return f"arn:{match['partition']}:rds:{match['region']}:{match['account']}:cluster-snapshot:{identifier}"


def normalize_snapshot_reference(value, option: str) -> str:
    """A snapshot to look up: an identifier, an automated one ("rds:..."), or an ARN (a shared one).

    The identifier is lowercased, as AWS stores it.
    """
    if isinstance(value, str) and value.startswith("arn:"):
        return _arn(*_match_snapshot_arn(value, option))
    return _normalize_any_identifier(value, option)


def parse_source(value, source_region, target_region) -> SnapshotSource | None:
    """Check the copy source: an identifier in this region, or an ARN (needed for another region or account)."""
    option = "source_db_cluster_snapshot_identifier"
    if value is None:
        if source_region is not None:
            raise InvalidInput("source_region is only used with source_db_cluster_snapshot_identifier (a copy)")
        return None
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"{option} {value!r} is invalid: give a snapshot identifier or a cluster-snapshot ARN")
    if not value.startswith("arn:"):
        if source_region is not None and source_region != target_region:
            raise InvalidInput(
                f"{option} {value!r} must be an ARN ({_ARN_RULE}) "
                f"to copy from another region (source_region {source_region!r})"
            )
        # A copy may start from an automated snapshot: that is how one keeps it.
        return SnapshotSource(identifier=_normalize_any_identifier(value, option))
    match, identifier = _match_snapshot_arn(value, option)
    arn_region = match["region"]
    if source_region is not None and source_region != arn_region:
        raise InvalidInput(
            f"source_region {source_region!r} does not match the region {arn_region!r} of {option} {value!r}"
        )
    return SnapshotSource(
        identifier=identifier,
        arn=_arn(match, identifier),
        region=arn_region if arn_region != target_region else None,
        account=match["account"],
    )


def normalize_shared_accounts(accounts, allow_public: bool) -> list | None:
    """Check the accounts to share with: 12-digit account IDs, or 'all' (public) with allow_public."""
    if accounts is None:
        return None
    problems = []
    for account in accounts:
        if account == PUBLIC:
            if not allow_public:
                problems.append(
                    "'all' would make the snapshot public (anyone can restore it); "
                    "set allow_public: true as well if that is really meant"
                )
        elif not isinstance(account, str) or not _ACCOUNT_PATTERN.fullmatch(account):
            problems.append(f"{account!r} is not an AWS account ID (exactly 12 digits)")
    unique = sorted(set(accounts))
    count = len([account for account in unique if account != PUBLIC])
    if count > MAX_SHARED_ACCOUNTS:
        problems.append(f"{count} accounts given; AWS shares a snapshot with at most {MAX_SHARED_ACCOUNTS}")
    if problems:
        raise InvalidInput("Invalid shared_accounts: " + "; ".join(problems))
    return unique


def check_wait_timeout(wait_timeout) -> int:
    if wait_timeout < 0:
        raise InvalidInput(f"wait_timeout {wait_timeout!r} is invalid: it must be 0 or more seconds")
    return wait_timeout
