"""Timezones and local times typed by people, and whose day a moment belongs to.

Members and guilds pick IANA zone names; everything is stored in UTC and turned into
a local calendar day only when a rule needs one (streaks, "today's" cards, the
daily post). A member's own zone wins over the guild's.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
import zoneinfo
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput
from bot.storage import Database

# A time of day as people type it: 24-hour `18:30` (also `18.30`, `18h30`), or 12-hour `6:30pm` / `6pm` /
# `6:30 p.m.`. Matched against lower-cased text; the groups are hours, minutes, am/pm.
CLOCK = r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_TIME = re.compile(rf"^{CLOCK}$")
TIME_HINT = "Use `HH:MM` or am/pm, for example `09:00`, `18:30` or `6:30pm`."


# Abbreviations name an offset, not a place: "EST" is UTC-5 all year, so a New York server that typed it
# would post an hour late all summer. They are refused with the zone people almost always mean.
ABBREVIATIONS = {
    "EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
    "MST": "America/Denver", "MDT": "America/Denver", "MT": "America/Denver",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
    "AKST": "America/Anchorage", "AKDT": "America/Anchorage", "HST": "Pacific/Honolulu",
    "GMT": "Europe/London", "BST": "Europe/London", "WET": "Europe/Lisbon", "WEST": "Europe/Lisbon",
    "CET": "Europe/Berlin", "CEST": "Europe/Berlin", "MET": "Europe/Berlin", "EET": "Europe/Athens",
    "EEST": "Europe/Athens", "MSK": "Europe/Moscow", "IST": "Asia/Kolkata", "PKT": "Asia/Karachi",
    "SGT": "Asia/Singapore", "HKT": "Asia/Hong_Kong", "JST": "Asia/Tokyo", "KST": "Asia/Seoul",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "ACST": "Australia/Adelaide",
    "AWST": "Australia/Perth", "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
    "BRT": "America/Sao_Paulo", "ART": "America/Argentina/Buenos_Aires",
}
_LEGACY = re.compile(r"^[A-Z]{2,5}\d*([A-Z]{2,4})?$")  # EST5EDT, PST8PDT, CST6CDT, EST, ...

# Cities people type that are not themselves the last part of an IANA name.
CITIES = {
    "san francisco": "America/Los_Angeles", "sf": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "san jose": "America/Los_Angeles", "portland": "America/Los_Angeles", "san diego": "America/Los_Angeles",
    "boston": "America/New_York", "washington": "America/New_York", "washington dc": "America/New_York",
    "miami": "America/New_York", "atlanta": "America/New_York", "philadelphia": "America/New_York",
    "nyc": "America/New_York", "austin": "America/Chicago", "dallas": "America/Chicago",
    "houston": "America/Chicago", "minneapolis": "America/Chicago", "salt lake city": "America/Denver",
    "montreal": "America/Toronto", "ottawa": "America/Toronto", "munich": "Europe/Berlin",
    "frankfurt": "Europe/Berlin", "hamburg": "Europe/Berlin", "cologne": "Europe/Berlin",
    "barcelona": "Europe/Madrid", "milan": "Europe/Rome", "geneva": "Europe/Zurich", "manchester": "Europe/London",
    "edinburgh": "Europe/London", "cracow": "Europe/Warsaw", "krakow": "Europe/Warsaw",
    "st petersburg": "Europe/Moscow", "tel aviv": "Asia/Jerusalem", "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata", "chennai": "Asia/Kolkata", "pune": "Asia/Kolkata", "beijing": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai", "hangzhou": "Asia/Shanghai", "osaka": "Asia/Tokyo", "kyoto": "Asia/Tokyo",
    "hanoi": "Asia/Bangkok", "ho chi minh city": "Asia/Ho_Chi_Minh", "canberra": "Australia/Sydney",
    "rio de janeiro": "America/Sao_Paulo", "wellington": "Pacific/Auckland", "cape town": "Africa/Johannesburg",
}


# Names in a zone database that are not places: the host's own zone (its meaning depends on the machine,
# and a host without the file cannot read it), tzdata's placeholder, and offsets spelled as names.
_NOT_PLACES = frozenset({"localtime", "posixrules", "Factory", "GMT+0", "GMT-0", "GMT0"})


# tzdata's other names for UTC itself: a place-free zone, but one with no daylight saving to miss.
UTC_ALIASES = ("etc/utc", "etc/universal", "etc/zulu", "etc/uct", "universal", "zulu", "uct")


@lru_cache(maxsize=1)
def all_zone_names() -> tuple[str, ...]:
    """IANA names people should pick (from tzdata), sorted; fixed-offset abbreviations such as EST and
    names that are not places (``localtime``, ``Factory``) left out."""
    return tuple(sorted(z for z in zoneinfo.available_timezones()
                        if z == "UTC" or not (_LEGACY.match(z) or z.startswith("Etc/") or z in _NOT_PLACES)))


@lru_cache(maxsize=1)
def _legacy_names() -> frozenset[str]:
    places = {"UTC", "UCT", "GB", "NZ", "PRC", "ROC", "ROK"}  # UTC itself; country aliases follow their clocks
    return frozenset(z.upper() for z in zoneinfo.available_timezones() if z not in places and _LEGACY.match(z))


@lru_cache(maxsize=1)
def _by_city() -> dict[str, str]:
    """``berlin`` → Europe/Berlin, ``new york`` → America/New_York, plus the common cities above."""
    cities: dict[str, str] = {}
    for zone in all_zone_names():
        if "/" in zone and not zone.startswith(("US/", "Canada/", "Mexico/", "Brazil/", "Chile/")):
            cities.setdefault(zone.rsplit("/", 1)[1].replace("_", " ").lower(), zone)
    cities.update(CITIES)
    return cities


def _plain(text: str) -> str:
    """``São Paulo`` → ``sao paulo``, ``St. Petersburg`` → ``st petersburg``, ``Washington, D.C.`` →
    ``washington dc``: how city names are compared (the punctuation they are usually written with dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(plain.replace(".", "").replace(",", " ").split())


def parse_zone(name: str) -> ZoneInfo:
    """The zone meant by ``name``: an IANA name or a city (any case); abbreviations are refused."""
    cleaned = " ".join((name or "").split())
    if cleaned:
        upper = cleaned.upper()
        if upper in ABBREVIATIONS or upper in _legacy_names() or upper.startswith("ETC/GMT"):
            suggestion = ABBREVIATIONS.get(upper) or ABBREVIATIONS.get(upper[:3])
            example = (f"e.g. `{suggestion}` (or a city such as `{suggestion.rsplit('/', 1)[-1].replace('_', ' ')}`)"
                       if suggestion else "e.g. `America/New_York`, `Europe/Berlin` or a city such as `Berlin`")
            legacy = _LEGACY.match(upper)
            if legacy and legacy.group(1):  # EST5EDT: a summer change, by one country's current rule alone
                problem = (f"`{cleaned[:20]}` names a daylight-saving rule, not a place, so it would miss the "
                           "changes a place's own zone keeps.")
            else:
                problem = (f"`{cleaned[:20]}` names a fixed offset, not a place, so it would not follow daylight "
                           "saving time.")
            raise InvalidInput(problem, hint=f"Use the place's zone instead, {example}.")
        lookup = {zone.lower(): zone for zone in all_zone_names()}
        lookup.update({alias: "UTC" for alias in UTC_ALIASES})
        canonical = lookup.get(cleaned.lower().replace(" ", "_")) or _by_city().get(_plain(cleaned))
        if canonical:
            return ZoneInfo(canonical)
    raise InvalidInput(
        f"`{cleaned[:60] or 'empty'}` is not a timezone I know.",
        hint="Use an IANA name such as `Europe/Berlin`, `America/New_York` or `Asia/Kolkata`, or a city such "
        "as `Berlin` (start typing and pick one from the list).",
    )


def search_zones(query: str, limit: int = 25) -> list[str]:
    """Zone names for autocomplete: prefix matches first, then cities, then matches anywhere."""
    needle = (query or "").strip().lower().replace(" ", "_")
    names = all_zone_names()
    if not needle:
        popular = [
            "UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago",
            "America/Los_Angeles", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
        ]
        return popular[:limit]
    prefix = [n for n in names if n.lower().startswith(needle) or n.lower().split("/")[-1].startswith(needle)]
    spoken = needle.replace("_", " ")
    cities = [zone for city, zone in CITIES.items() if city.startswith(spoken) and zone not in prefix]
    abbreviation = ABBREVIATIONS.get(needle.upper())
    cities = ([abbreviation] if abbreviation and abbreviation not in prefix else []) + cities
    inside = [n for n in names if needle in n.lower() and n not in prefix and n not in cities]
    return list(dict.fromkeys(prefix + cities + inside))[:limit]


def clock_time(hours: str, minutes: str | None, half: str | None, hint: str) -> time:
    """The time of day :data:`CLOCK`'s groups name, or an error carrying the caller's ``hint``. Without am/pm
    the minutes are required: a bare `6` could be morning or evening."""
    if half is None and minutes is None:
        raise InvalidInput(f"`{hours}` needs minutes or am/pm to be a time.", hint=hint)
    hour, minute = int(hours), int(minutes or 0)
    if half is not None:
        if not 1 <= hour <= 12:
            raise InvalidInput(f"`{hours}{half}` is not a time of day: with am or pm the hour is 1 to 12.",
                               hint=hint)
        hour = hour % 12 + (12 if half.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise InvalidInput(f"`{hour:02d}:{minute:02d}` is not a time of day.", hint=hint)
    return time(hour, minute)


def parse_local_time(text: str) -> time:
    """Parse a time of day as :data:`CLOCK` reads it (`09:00`, `9am`, `6:30 p.m.`) or fail with an example."""
    typed = " ".join((text or "").split()).lower()
    match = _TIME.match(typed)
    if match is None:
        raise InvalidInput(f"`{typed[:40] or 'empty'}` is not a time of day.", hint=TIME_HINT)
    hours, minutes, half = match.groups()
    return clock_time(hours, minutes, half, hint=TIME_HINT)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar day ``moment`` falls on in ``zone``."""
    return moment.astimezone(zone).date()


def zone_in(conn: sqlite3.Connection, guild_id: int | None, user_id: int) -> ZoneInfo:
    """:meth:`TimezoneResolver.zone_for` on the connection's own thread (inside a one-trip read or transaction)."""
    row = conn.execute("SELECT (SELECT timezone FROM user_settings WHERE user_id = ?), "
                       "(SELECT timezone FROM guild_settings WHERE guild_id = ?)", (user_id, guild_id)).fetchone()
    own, guild = (row[0], row[1]) if row is not None else (None, None)
    return ZoneInfo(own or guild or "UTC")


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
        """The member's own zone if they set one, else the guild's, else UTC (one statement: one trip)."""
        zone: ZoneInfo = await self._db.read(zone_in, guild_id, user_id)
        return zone

    async def set_user_zone(self, user_id: int, name: str | None) -> ZoneInfo | None:
        """Store a member's zone (``None`` clears it); the name is validated first."""
        zone = parse_zone(name) if name is not None else None
        await self._db.execute(
            "INSERT INTO user_settings (user_id, timezone) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone",
            (user_id, zone.key if zone else None),
        )
        return zone
