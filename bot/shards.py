"""Which guilds this process serves: Discord's shard formula, shard ranges, and who runs global jobs.

Discord routes a guild's events to shard ``(guild_id >> 22) % shard_count``
(discord/discord-api-docs, developers/events/gateway.mdx, "Sharding Formula"). A process
started with ``--shard-ids 0-3 --shard-count 8`` receives only those shards' guilds, so
it also schedules and catches up only their posts; another process takes 4-7. Global jobs
(backups, retention) run in the process that holds shard 0, which is also where Discord
sends events that belong to no guild. Nothing here imports discord.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bot.errors import InvalidInput

# Set while a catch-up pass runs for one shard that has just become ready.
_catching_up: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar("catching_up_shard",
                                                                                      default=None)


# Far more than any bot needs (Discord asks for a shard per 2,500 guilds at most; this covers 160 million guilds):
# a larger figure is a typo, and ``0-1000000000`` would otherwise be expanded into a billion ids before any check.
MAX_SHARDS = 65_536


def shard_of(guild_id: int, shard_count: int) -> int:
    return (guild_id >> 22) % shard_count


def parse_shard_ids(text: str) -> tuple[int, ...]:
    """``"0-3"``, ``"4,5,7"`` or ``"0-1,6"`` -> sorted shard ids; a clear error for anything else."""
    ids: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        first, dash, last = part.partition("-")
        if not first.strip().isdecimal() or (dash and not last.strip().isdecimal()):  # "²" is a digit int() refuses
            raise InvalidInput(f"`{text}` is not a list of shard ids.", hint="Write a range such as `0-3` or ids "
                               "such as `0,2,5`.")
        low, high = int(first), int(last) if dash else int(first)
        if high < low:
            raise InvalidInput(f"`{part}` runs backwards.", hint=f"Write `{high}-{low}`.")
        if high >= MAX_SHARDS:
            raise InvalidInput(f"Shard id {high} is past the largest studybot runs ({MAX_SHARDS - 1}).",
                               hint="Shard ids run from 0 to the shard count minus one.")
        ids.update(range(low, high + 1))
    if not ids:
        raise InvalidInput("No shard ids given.", hint="Write a range such as `0-3`.")
    return tuple(sorted(ids))


@dataclass(frozen=True)
class ShardLayout:
    """The shards this process runs. ``shard_count`` None: every shard, as many as Discord recommends."""

    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.shard_ids is not None and self.shard_count is None:
            raise InvalidInput("Shard ids need a shard count.",
                               hint="Set STUDYBOT_SHARD_COUNT (or --shard-count) to the total number of shards.")
        if self.shard_count is not None and self.shard_count < 1:
            raise InvalidInput("The shard count must be at least 1.", hint="Use 1 for a single connection.")
        if self.shard_count is not None and self.shard_count > MAX_SHARDS:
            raise InvalidInput(f"A shard count of {self.shard_count} is more than studybot runs ({MAX_SHARDS}).",
                               hint="Discord asks for one shard per 2,500 servers at most; leave it unset to use "
                                    "the number Discord recommends.")
        if self.shard_ids is not None and self.shard_count is not None:
            outside = [i for i in self.shard_ids if i >= self.shard_count]
            if outside:
                raise InvalidInput(f"Shard ids {outside} do not exist with {self.shard_count} shards.",
                                   hint=f"Shard ids run from 0 to {self.shard_count - 1}.")

    @property
    def partial(self) -> bool:
        """True when other processes run the remaining shards."""
        return self.shard_ids is not None and self.shard_count is not None \
            and len(self.shard_ids) < self.shard_count

    def owns(self, guild_id: int) -> bool:
        """Whether this process should schedule and catch up ``guild_id``'s work now."""
        shard = _catching_up.get()
        if shard is not None:
            return shard_of(guild_id, shard[1]) == shard[0]
        if not self.partial:
            return True
        assert self.shard_ids is not None and self.shard_count is not None
        return shard_of(guild_id, self.shard_count) in self.shard_ids

    @property
    def runs_global_jobs(self) -> bool:
        return self.shard_ids is None or 0 in self.shard_ids

    @property
    def key(self) -> str:
        """The layout as one stable word for the database, e.g. ``0,1,2,3/8`` (``all/auto`` for every shard):
        a process restarted with the same shards has the same key, and takes back what its predecessor held."""
        ids = ",".join(map(str, self.shard_ids)) if self.shard_ids is not None else "all"
        return f"{ids}/{self.shard_count or 'auto'}"

    def describe(self) -> str:
        """How /studybot health names the layout, e.g. ``this process runs 0,1,2,3 of 8``."""
        if self.shard_count is None:
            return "as many as Discord recommends"
        if self.shard_ids is None:
            return f"this process runs all {self.shard_count}"
        return f"this process runs {ranges(self.shard_ids)} of {self.shard_count}"


def ranges(ids: tuple[int, ...]) -> str:
    """Shard ids as ``STUDYBOT_SHARD_IDS`` takes them, runs folded (``0-74,80``): a process of 75 shards named
    one by one passed the 256 characters Discord allows an embed field's name, and /studybot health failed."""
    parts: list[str] = []
    start = previous = ids[0] if ids else 0
    for shard in [*ids[1:], None]:
        if shard is not None and shard == previous + 1:
            previous = shard
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if shard is not None:
            start = previous = shard
    return ",".join(parts) if ids else ""


def not_catching_up() -> None:
    """From here on in this task, ``owns`` answers for every shard of the process again. A scheduled job calls it
    first: APScheduler arms its timer, and so starts the jobs that timer fires, in the context of whoever added
    the last job, which may be a shard's catch-up; that job would otherwise serve that one shard's guilds."""
    _catching_up.set(None)


@contextmanager
def catching_up(shard_id: int, shard_count: int) -> Iterator[None]:
    """Within the block (and tasks it starts), ``owns`` is limited to one shard's guilds."""
    token = _catching_up.set((shard_id, shard_count))
    try:
        yield
    finally:
        _catching_up.reset(token)
