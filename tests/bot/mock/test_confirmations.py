"""What a restart still has to tell a group: a member's proposal never posted, an agreed version newer than
the one it was told of, a member's cancellation, or a moderator's cancellation of the round."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.mock.confirmations import Confirmations
from bot.mock.meeting_repository import Meeting, MeetingRepository, TimeOption
from bot.mock.models import Group, Round
from bot.mock.repository import PairingRepository
from bot.scheduler import JobScheduler
from bot.storage import Database, load_migrations

NOW = datetime(2026, 3, 2, 8, tzinfo=UTC)
MEET = datetime(2026, 3, 5, 19, tzinfo=UTC)
CLOCK = ManualClock(NOW)


async def meeting_row(db: Database, group_id: int, status: str, version: int) -> None:
    """Group ``group_id`` of a round, with its meeting as the bot stored it."""
    repo = PairingRepository(db)
    async with db.transaction() as conn:
        round_id = await repo.insert_round(conn, guild_id=7, number=group_id, key=f"k{group_id}", channel_id=5,
                                           starts_at=NOW, reminder_at=NOW, ends_at=MEET, seed=1, method="exact",
                                           created_by=None)
        await repo.insert_group(conn, round_id=round_id, guild_id=7, position=1, prompt_id="p",
                                members=[(1, "interviewer"), (2, "candidate")])
        await conn.execute("INSERT INTO mock_meetings (group_id, guild_id, status, starts_at, version, updated_at) "
                           "VALUES (?, 7, ?, ?, ?, 0)", (group_id, status, int(MEET.timestamp()), version))


async def test_meetings_agreed_before_the_column_count_as_told(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.sqlite3")
    await db.open(migrate=False)
    try:
        await db.migrate([m for m in load_migrations() if m.version < 32])
        await meeting_row(db, 1, "agreed", 2)  # moved once, both messages long sent
        await meeting_row(db, 2, "open", 0)
        await meeting_row(db, 3, "cancelled", 1)
        await db.migrate()
        repo = MeetingRepository(db)
        assert await repo.untold() == []
        assert [(m.group_id, m.told_version) for m in [await repo.meeting(1), await repo.meeting(2)] if m] == [
            (1, 2), (2, 0)]
    finally:
        await db.close()


async def test_an_agreed_version_is_untold_until_marked_and_a_later_mark_is_never_undone(db: Database) -> None:
    repo = MeetingRepository(db)
    await meeting_row(db, 1, "open", 0)
    await meeting_row(db, 2, "cancelled", 1)  # cancelled after agreeing: nothing to confirm any more
    async with db.transaction() as conn:
        assert await repo.agree(conn, 1, MEET, NOW) == 1
    assert [m.group_id for m in await repo.untold()] == [1]
    await repo.mark_told(1, 1)
    assert await repo.untold() == []
    async with db.transaction() as conn:
        assert await repo.agree(conn, 1, MEET.replace(hour=20), NOW) == 2  # moved
    assert [m.version for m in await repo.untold()] == [2]
    await repo.mark_told(1, 2)
    await repo.mark_told(1, 1)  # a slower attempt at the first version finishing late
    meeting = await repo.meeting(1)
    assert meeting is not None and meeting.told_version == 2


async def test_a_members_cancellation_is_untold_until_marked_and_others_never_are(db: Database) -> None:
    repo = MeetingRepository(db)
    for group_id in (1, 2):
        await meeting_row(db, group_id, "agreed", 1)
        await repo.mark_told(group_id, 1)
    async with db.transaction() as conn:
        assert await repo.cancel(conn, 1, 5, "Flu", NOW)
        await repo.expect_cancel_told(conn, 1)
        assert await repo.cancel(conn, 2, 5, "Left the server.", NOW)  # told by the departure's own message
    assert [(m.group_id, m.status, m.cancel_told) for m in await repo.untold()] == [(1, "cancelled", False)]
    await repo.mark_cancel_told(1)
    assert await repo.untold() == []


async def test_a_cancelled_round_is_untold_until_marked_and_rounds_from_before_the_column_count_as_told(
        tmp_path: Path) -> None:
    db = Database(tmp_path / "old.sqlite3")
    await db.open(migrate=False)
    try:
        await db.migrate([m for m in load_migrations() if m.version < 35])
        await meeting_row(db, 1, "open", 0)
        await meeting_row(db, 2, "cancelled", 0)
        await db.execute("UPDATE mock_rounds SET status = 'cancelled' WHERE number = 2")
        await db.migrate()
        repo = PairingRepository(db)
        assert await repo.untold_cancellations() == []
        [open_round] = await repo.open_rounds()
        async with db.transaction() as conn:
            assert await repo.cancel_round(conn, open_round.id, NOW)
            assert not await repo.cancel_round(conn, open_round.id, NOW)  # cancelled once
        assert [(r.id, r.status) for r in await repo.untold_cancellations()] == [(open_round.id, "cancelled")]
        await repo.mark_cancel_told(open_round.id)
        assert await repo.untold_cancellations() == []
    finally:
        await db.close()


async def propose(db: Database, group_id: int, at: datetime, purpose: str = "agree", by: int | None = 1) -> int:
    async with db.transaction() as conn:
        return await MeetingRepository(db).add_option(conn, group_id, at, by, purpose, NOW)


async def test_times_offered_before_the_column_count_as_posted(tmp_path: Path) -> None:
    db = Database(tmp_path / "old.sqlite3")
    await db.open(migrate=False)
    try:
        await db.migrate([m for m in load_migrations() if m.version < 33])
        await meeting_row(db, 1, "open", 0)
        for proposed_by in (None, 1):
            await db.execute("INSERT INTO mock_time_options (group_id, starts_at, proposed_by, created_at) "
                             "VALUES (1, ?, ?, 0)", (int(MEET.timestamp()) + (proposed_by or 0), proposed_by))
        await db.migrate()
        assert await MeetingRepository(db).untold_proposals() == []
    finally:
        await db.close()


async def test_a_members_proposal_is_unposted_until_marked_and_a_suggestion_never_is(db: Database) -> None:
    repo = MeetingRepository(db)
    await meeting_row(db, 1, "open", 0)
    suggested = await propose(db, 1, MEET, by=None)
    assert await repo.untold_proposals() == []
    proposed = await propose(db, 1, MEET.replace(hour=20))
    assert [o.id for o in await repo.untold_proposals()] == [proposed]
    assert [o.id for o in await repo.untold_proposals(lambda guild_id: guild_id == 7)] == [proposed]
    assert await repo.untold_proposals(lambda guild_id: guild_id != 7) == []  # another shard's server
    await repo.mark_proposal_told(proposed, 99)
    assert await propose(db, 1, MEET) == suggested  # a member proposes a time already suggested: posted as theirs
    assert [(o.id, o.proposed_by) for o in await repo.untold_proposals()] == [(suggested, 1)]
    await repo.mark_proposal_told(suggested, None)  # told by DM: no message id
    await propose(db, 1, MEET.replace(hour=20), by=None)  # the same time suggested later stays posted
    await propose(db, 1, MEET.replace(hour=20), by=2)  # and proposed by another member: still the first's, posted
    assert await repo.untold_proposals() == []
    option = await repo.option(proposed)
    assert option is not None and option.message_id == 99 and option.told and option.proposed_by == 1


class Recorder:
    """Records what the catch-up would show the group."""

    def __init__(self) -> None:
        self.proposals: list[tuple[int, bool]] = []

    async def post_proposal(self, round_: Round, group: Group, option: TimeOption, *, fresh: bool) -> int | None:
        self.proposals.append((option.id, fresh))
        return 500 + option.id

    async def find_proposal(self, round_: Round, group: Group, option: TimeOption) -> int | None:
        return None

    async def post_confirmed(self, round_: Round, group: Group, meeting: Meeting, *, fresh: bool) -> int | None:
        return None

    async def find_confirmed(self, round_: Round, group: Group, meeting: Meeting) -> int | None:
        return None

    async def show_agreed(self, round_: Round, group: Group, meeting: Meeting) -> None:
        return None

    async def post_cancelled(self, round_: Round, group: Group, meeting: Meeting, *, fresh: bool) -> int | None:
        return None

    async def find_cancelled(self, round_: Round, group: Group, meeting: Meeting) -> int | None:
        return None

    async def show_cancelled(self, round_: Round, group: Group, meeting: Meeting) -> None:
        return None


async def test_after_a_crash_only_a_proposal_that_can_still_be_accepted_is_posted(db: Database) -> None:
    repo = MeetingRepository(db)
    for group_id, status in ((1, "open"), (2, "agreed"), (3, "agreed"), (4, "cancelled")):
        await meeting_row(db, group_id, status, 0 if status == "open" else 1)
    live = await propose(db, 1, MEET - timedelta(days=1))
    too_soon = await propose(db, 1, NOW + timedelta(minutes=20))  # the interview cannot start that soon any more
    move = await propose(db, 2, MEET - timedelta(days=1), "move")
    agreed_since = await propose(db, 3, MEET, "move")  # the meeting is already at the proposed time
    first_agreement = await propose(db, 3, MEET - timedelta(days=1))  # agreed, so only moves can be accepted now
    cancelled = await propose(db, 4, MEET - timedelta(days=1), "move")
    recorder = Recorder()
    confirmations = Confirmations(repo, PairingRepository(db), recorder, defaultdict(asyncio.Lock), CLOCK,
                                  JobScheduler(CLOCK, manual=True))
    await confirmations.catch_up(lambda guild_id: guild_id == 7, NOW)
    assert recorder.proposals == [(live, False), (move, False)]
    assert await repo.untold_proposals() == []
    options = {o.id: o.message_id for group_id in (1, 2, 3, 4) for o in await repo.options(group_id)}
    assert options == {live: 500 + live, too_soon: None, move: 500 + move, agreed_since: None,
                       first_agreement: None, cancelled: None}


async def test_the_catch_up_leaves_other_processes_proposals_alone(db: Database) -> None:
    await meeting_row(db, 1, "open", 0)
    await propose(db, 1, MEET - timedelta(days=1))
    recorder = Recorder()
    repo = MeetingRepository(db)
    await Confirmations(repo, PairingRepository(db), recorder, defaultdict(asyncio.Lock), CLOCK,
                                  JobScheduler(CLOCK, manual=True)).catch_up(
        lambda guild_id: False, NOW)
    assert recorder.proposals == [] and len(await repo.untold_proposals()) == 1
