"""Timezones and local times typed by people, and whose day a moment belongs to.

Members and guilds pick IANA zone names; everything is stored in UTC and turned into
a local calendar day only when a rule needs one (streaks, "today's" cards, the
daily post). A member's own zone wins over the guild's.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput
from bot.storage import Database

_TIME = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})\s*$")


@lru_cache(maxsize=1)
def all_zone_names() -> tuple[str, ...]:
    """Canonical IANA names (from tzdata), sorted; legacy aliases like 'US/Pacific' kept."""
    return tuple(sorted(zoneinfo.available_timezones()))


def parse_zone(name: str) -> ZoneInfo:
    """The zone called ``name`` (case-insensitive), or an error that shows how to write one."""
    cleaned = (name or "").strip()
    if cleaned:
        lookup = {zone.lower(): zone for zone in all_zone_names()}
        canonical = lookup.get(cleaned.lower().replace(" ", "_"))
        if canonical:
            return ZoneInfo(canonical)
    raise InvalidInput(
        f"`{cleaned[:60] or 'empty'}` is not a timezone I know.",
        hint="Use an IANA name such as `Europe/Berlin`, `America/New_York` or `Asia/Kolkata` "
        "(start typing and pick one from the list).",
    )


def search_zones(query: str, limit: int = 25) -> list[str]:
    """Zone names for autocomplete: prefix matches first, then matches anywhere."""
    needle = (query or "").strip().lower().replace(" ", "_")
    names = all_zone_names()
    if not needle:
        popular = [
            "UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
            "America/Los_Angeles", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
        ]
        return popular[:limit]
    prefix = [n for n in names if n.lower().startswith(needle) or n.lower().split("/")[-1].startswith(needle)]
    inside = [n for n in names if needle in n.lower() and n not in prefix]
    return (prefix + inside)[:limit]


def parse_local_time(text: str) -> time:
    """Parse ``HH:MM`` (24-hour) or fail with an example."""
    match = _TIME.match(text or "")
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise InvalidInput(
        f"`{(text or '').strip()[:40] or 'empty'}` is not a time of day.",
        hint="Use 24-hour `HH:MM`, for example `09:00` or `18:30`.",
    )


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day ``moment`` falls on in ``zone``."""
    return moment.astimezone(zone).date()


class TimezoneResolver:
    """Reads and writes the guild and member timezone preferences."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def guild_zone(self, guild_id: int) -> ZoneInfo:
        name = await self._db.fetchval("SELECT timezone FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return ZoneInfo(name) if name else ZoneInfo("UTC")

    async def user_zone(self, user_id: int) -> ZoneInfo | None:
        name = await self._db.fetchval("SELECT timezone FROM user_settings WHERE user_id = ?", (user_id,))
        return ZoneInfo(name) if name else None

    async def zone_for(self, guild_id: int | None, user_id: int) -> ZoneInfo:
        """The member's own zone if they set one, else the guild's, else UTC."""
        own = await self.user_zone(user_id)
        if own is not None:
            return own
        return await self.guild_zone(guild_id) if guild_id is not None else ZoneInfo("UTC")

    async def set_user_zone(self, user_id: int, name: str | None) -> ZoneInfo | None:
        """Store a member's zone (``None`` clears it); the name is validated first."""
        zone = parse_zone(name) if name is not None else None
        await self._db.execute(
            "INSERT INTO user_settings (user_id, timezone) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone",
            (user_id, zone.key if zone else None),
        )
        return zone
