"""Members opting in and out of mock interviews, validated before anything is stored."""

from __future__ import annotations

from dataclasses import replace

from bot.clock import Clock
from bot.errors import Conflict, InvalidInput, NotFound
from bot.mock.availability import parse_availability
from bot.mock.models import Signup
from bot.mock.repository import PairingRepository
from bot.mock.weights import Level, Role
from bot.timezones import parse_zone

ROLES = tuple(role.value for role in Role)
LEVELS = tuple(level.label for level in Level)
MAX_PAUSE_ROUNDS = 12
# Why the bot paused a member (``pause_reason``), as the reply to their own `/mock pause` puts it.
BOT_PAUSES = {"no-show": "after two missed interviews", "silent": "after three pairings with no answer from you"}


def _role(text: str) -> str:
    cleaned = (text or "").strip().lower()
    if cleaned not in ROLES:
        raise InvalidInput(f"`{cleaned[:20] or 'empty'}` is not a role.", hint="Pick interviewer, candidate or either.")
    return cleaned


def _level(text: str) -> str:
    cleaned = (text or "").strip().lower()
    if cleaned not in LEVELS:
        raise InvalidInput(f"`{cleaned[:20] or 'empty'}` is not a level.", hint="Pick junior, mid, senior or staff.")
    return cleaned


class Signups:
    def __init__(self, repo: PairingRepository, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock

    async def join(self, guild_id: int, user_id: int, *, role: str, level: str, timezone: str,
                   availability: str) -> Signup:
        """Opt in (or back in, after a pause or leaving) with every preference checked first."""
        zone = parse_zone(timezone)
        parsed = parse_availability(availability)
        signup = Signup(guild_id, user_id, _role(role), _level(level), zone.key, parsed.text(), "active", 0, None)
        await self._repo.save_signup(signup, self._clock.now())
        return signup

    async def edit(self, guild_id: int, user_id: int, *, role: str | None = None, level: str | None = None,
                   timezone: str | None = None, availability: str | None = None) -> Signup:
        current = await self.require(guild_id, user_id)
        updated = replace(
            current,
            role=_role(role) if role is not None else current.role,
            level=_level(level) if level is not None else current.level,
            timezone=parse_zone(timezone).key if timezone is not None else current.timezone,
            availability=parse_availability(availability).text() if availability is not None else current.availability,
        )
        await self._repo.save_signup(updated, self._clock.now())
        return updated

    async def pause(self, guild_id: int, user_id: int, rounds: int | None) -> Signup:
        """Skip the next ``rounds`` rounds, or (without a number) every round until ``/mock join``.

        A pause the bot made (two reported no-shows, or pairings never answered) holds until the member rejoins, as
        its DM told them: sitting out a number of rounds would end it by itself, and a pause of their own would
        hide why they are paused, so both are refused."""
        current = await self.require(guild_id, user_id)
        if rounds is not None and not 1 <= rounds <= MAX_PAUSE_ROUNDS:
            raise InvalidInput(f"{rounds} rounds is out of range.", hint=f"Pause for 1-{MAX_PAUSE_ROUNDS} rounds, or "
                               "leave the number out to pause until you rejoin.")
        if current.status == "paused" and current.pause_reason in BOT_PAUSES:
            raise Conflict(f"You are already paused {BOT_PAUSES[current.pause_reason]} until you `/mock join` "
                           "again, so nothing was changed.", hint="Rejoin with `/mock join` when you are ready to "
                                                                  "be paired; then `/mock pause` works as usual.")
        now = self._clock.now()
        if rounds is None:
            await self._repo.set_status(guild_id, user_id, "paused", reason="member", now=now)
        else:
            await self._repo.set_status(guild_id, user_id, "active", skip_rounds=rounds, now=now)
        return await self.require(guild_id, user_id)

    async def leave(self, guild_id: int, user_id: int) -> None:
        """Stop taking part. Leaving during a no-show pause keeps why they were paused: coming back with `/mock join`
        then starts a fresh run of absences, as coming back from the pause itself does."""
        current = await self.require(guild_id, user_id)
        kept = "no-show" if current.status == "paused" and current.pause_reason == "no-show" else None
        await self._repo.set_status(guild_id, user_id, "left", reason=kept, now=self._clock.now())

    async def seen(self, guild_id: int, user_id: int) -> Signup | None:
        """The member used a /mock command here, so they are in the server: a round that found them gone
        (they left, and have come back) counts them again."""
        signup = await self._repo.signup(guild_id, user_id)
        if signup is not None and signup.left_server:
            await self._repo.back_in_server(guild_id, user_id, self._clock.now())
            signup = replace(signup, left_server=False)
        return signup

    async def require(self, guild_id: int, user_id: int) -> Signup:
        signup = await self.seen(guild_id, user_id)
        if signup is None or signup.status == "left":
            raise NotFound("You have not joined mock interviews in this server.",
                           hint="Join with `/mock join`.")
        return signup
