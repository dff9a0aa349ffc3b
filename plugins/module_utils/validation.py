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

IDENTIFIER_MAX_LENGTH = 63
TAG_KEY_MAX_LENGTH = 128
TAG_VALUE_MAX_LENGTH = 256
# The API refuses tags under these prefixes; AWS itself owns them.
RESERVED_TAG_PREFIXES = ("aws:", "rds:")
# Besides Unicode letters, digits and white space (Java \p{L}\p{N}\p{Z}).
TAG_EXTRA_CHARACTERS = "_.:/=+-"

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
    if value.lower().startswith("rds:"):
        raise InvalidInput(
            f"{option} {value!r} names an automated snapshot; automated snapshots are managed by AWS "
            "and are never created or deleted by this module (copy one to keep it)"
        )
    if (
        not 1 <= len(value) <= IDENTIFIER_MAX_LENGTH
        or not _IDENTIFIER_PATTERN.match(value)
        or value.endswith("-")
    ):
        raise InvalidInput(f"{option} {value!r} is invalid: it must be {_IDENTIFIER_RULE}")
    return value.lower()


def _is_tag_character(character: str) -> bool:
    return character in TAG_EXTRA_CHARACTERS or unicodedata.category(character)[0] in "LNZ"


def _tag_text_problem(text: str, max_length: int, min_length: int) -> str | None:
    if not min_length <= len(text) <= max_length:
        return f"must be {min_length} to {max_length} characters long (it has {len(text)})"
    if text.lower().startswith(RESERVED_TAG_PREFIXES):
        return "must not start with 'aws:' or 'rds:' (prefixes reserved by AWS)"
    bad = sorted({character for character in text if not _is_tag_character(character)})
    if bad:
        return (
            f"contains {', '.join(repr(c) for c in bad)}; only Unicode letters, digits, "
            f"white space and {' '.join(TAG_EXTRA_CHARACTERS)} are allowed"
        )
    return None


def normalize_tags(tags) -> dict[str, str] | None:
    """Check tags against the API's rules and return them with string values.

    None (tags not given) stays None: the caller then leaves the tags alone.
    """
    if tags is None:
        return None
    if not isinstance(tags, dict):
        raise InvalidInput(f"tags must be a dictionary of key: value, got {tags!r}")
    problems = []
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


def check_wait_timeout(wait_timeout) -> int:
    if wait_timeout < 0:
        raise InvalidInput(f"wait_timeout {wait_timeout!r} is invalid: it must be 0 or more seconds")
    return wait_timeout
