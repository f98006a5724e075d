"""A member paused for two reported absences in a row, or no longer paused when a report is withdrawn, is told
once: the change is stored untold, and only the telling marks it told (a restart tells whoever a crash left
untold)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.mock.models import Signup
from bot.mock.outcome_repository import OutcomeRepository
from bot.mock.repository import PairingRepository
from bot.storage import Database

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)


async def signed_up(db: Database, user_id: int, status: str = "active", reason: str | None = None) -> None:
    await PairingRepository(db).save_signup(Signup(7, user_id, "either", "mid", "UTC", "anytime", status, 0, reason),
                                            NOW)


async def test_a_pause_is_untold_until_marked_and_a_standing_one_is_not_made_again(db: Database) -> None:
    repo = OutcomeRepository(db)
    await signed_up(db, 1)
    await signed_up(db, 2, "paused", "member")  # paused by their own choice until they rejoin: that pause stands
    assert await repo.untold_pause_changes() == []  # a sign-up saved before counts as told
    async with db.transaction() as conn:
        assert await repo.pause_for_noshows(conn, 7, 1, NOW)
        assert not await repo.pause_for_noshows(conn, 7, 2, NOW)
    assert await repo.untold_pause_changes() == [(7, 1, "no-show")]
    await repo.mark_pause_told(7, 1)
    async with db.transaction() as conn:
        assert not await repo.pause_for_noshows(conn, 7, 1, NOW)  # already paused for this: told once, not again
    assert await repo.untold_pause_changes() == []
    signup = await PairingRepository(db).signup(7, 1)
    assert signup is not None and (signup.status, signup.pause_reason) == ("paused", "no-show")
    own = await PairingRepository(db).signup(7, 2)
    assert own is not None and (own.status, own.pause_reason) == ("paused", "member")


async def test_a_member_who_rejoined_before_hearing_is_not_told_of_a_pause_that_no_longer_holds(db: Database) -> None:
    repo = OutcomeRepository(db)
    await signed_up(db, 1)
    async with db.transaction() as conn:
        await repo.pause_for_noshows(conn, 7, 1, NOW)
    await PairingRepository(db).set_status(7, 1, "active", now=NOW)
    assert await repo.untold_pause_changes() == []


async def test_a_lifted_pause_is_untold_until_marked_unless_the_member_was_answered_in_person(db: Database) -> None:
    repo = OutcomeRepository(db)
    for user_id in (1, 2, 3):
        await signed_up(db, user_id)
    async with db.transaction() as conn:
        for user_id in (1, 2):
            await repo.pause_for_noshows(conn, 7, user_id, NOW)
    for user_id in (1, 2):
        await repo.mark_pause_told(7, user_id)
    async with db.transaction() as conn:
        assert await repo.lift_noshow_pause(conn, 7, 1, NOW)
        assert await repo.lift_noshow_pause(conn, 7, 2, NOW, told=True)
        assert not await repo.lift_noshow_pause(conn, 7, 3, NOW)  # never paused: nothing to lift or tell
    assert await repo.untold_pause_changes() == [(7, 1, None)]
    signup = await PairingRepository(db).signup(7, 1)
    assert signup is not None and (signup.status, signup.pause_reason) == ("active", None)
    await repo.mark_pause_told(7, 1)
    assert await repo.untold_pause_changes() == []


async def test_a_member_who_joins_again_before_hearing_of_the_pause_is_not_told_later(db: Database) -> None:
    repo = OutcomeRepository(db)
    await signed_up(db, 1)
    async with db.transaction() as conn:
        await repo.pause_for_noshows(conn, 7, 1, NOW)
    await signed_up(db, 1)  # /mock join again: their own doing, so neither the pause nor a lifting is news
    assert await repo.untold_pause_changes() == []


async def test_a_disputed_report_asks_its_reporter_once_and_a_withdrawn_one_asks_nobody(db: Database) -> None:
    """The members reported absent say they met: their reporter is to be asked once for each, and a report
    taken back before the ask takes the ask with it."""
    repo, pairing = OutcomeRepository(db), PairingRepository(db)
    async with db.transaction() as conn:
        round_id = await pairing.insert_round(conn, guild_id=7, number=1, key="k1", channel_id=5, starts_at=NOW,
                                              reminder_at=NOW, ends_at=NOW, seed=1, method="exact", created_by=None)
        await pairing.insert_group(conn, round_id=round_id, guild_id=7, position=1, prompt_id="p",
                                   members=[(1, "interviewer"), (2, "candidate"), (3, "observer")])
        group_id = 1
        for absent in (2, 3):
            await repo.add_noshow(conn, group_id, absent, 1, NOW)
    assert await repo.unasked_disputes() == []  # reported, not disputed: nobody to ask
    async with db.transaction() as conn:
        assert await repo.dispute(conn, group_id, 2, NOW) == [1]
        assert await repo.dispute(conn, group_id, 2, NOW) == []  # pressed again: not asked twice
        assert await repo.dispute(conn, group_id, 3, NOW) == [1]
    assert await repo.unasked_disputes() == [(7, group_id, 2, 1), (7, group_id, 3, 1)]
    await repo.mark_dispute_asked(group_id, 2, 1)
    assert await repo.unasked_disputes() == [(7, group_id, 3, 1)]
    async with db.transaction() as conn:
        assert await repo.withdraw_reports_by(conn, group_id, 1) == [2, 3]  # the reporter agrees, unasked or not
    assert await repo.unasked_disputes() == []
