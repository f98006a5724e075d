"""The bot's own permission check before posting, including while its guild's shard is connecting."""

from __future__ import annotations

from cogs._common.permissions import missing_permissions


class NeverAsked:
    """A channel whose permissions must not be read: there is no member to read them for."""

    def permissions_for(self, member: object) -> object:
        raise AssertionError("permissions were computed for a member that is not cached yet")


def test_before_the_bots_own_member_is_cached_nothing_is_reported_missing() -> None:
    # discord.py knows the guild (another shard's session, or a partial cache) but not the bot's member in it:
    # a scheduled post then goes ahead and Discord itself judges it, instead of the job failing with a traceback.
    assert missing_permissions(NeverAsked(), None) == []  # type: ignore[arg-type]
