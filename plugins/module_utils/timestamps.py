# -*- coding: utf-8 -*-
# Copyright: (c) 2026, graphops engineers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""ISO 8601 times, as users give them and as the modules' facts hold them, read as aware datetimes."""

from __future__ import annotations

import re
from datetime import datetime, timezone

_UTC_DESIGNATOR = re.compile(r"[zZ]$")


def parse_time(value: str) -> datetime:
    """An ISO 8601 time as an aware datetime; 'Z' is accepted on every Python (3.10's fromisoformat refuses it),
    and a time without offset is taken as UTC."""
    moment = datetime.fromisoformat(_UTC_DESIGNATOR.sub("+00:00", value))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def create_time(snapshot: dict) -> datetime | None:
    """A snapshot's snapshot_create_time (text or datetime) as an aware datetime; None while it has none."""
    value = snapshot.get("snapshot_create_time")
    if not value:
        return None
    moment = value if isinstance(value, datetime) else parse_time(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
