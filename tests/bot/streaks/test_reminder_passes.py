"""Streak reminders across a day: switched off and on again, and passes that run side by side."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.activity import ActivityKind
from bot.streaks import ReminderCover

from .conftest import Streaks

GUILD = 1


async def act(s: Streaks, user: int, at: datetime | None = None, kind: ActivityKind = ActivityKind.ANSWER) -> None:
    await s.activity.record(GUILD, user, kind, at)
    await asyncio.gather(*s.service._tasks)


async def test_a_reminder_switched_back_on_after_closed_dms_waits_for_its_hour(streaks: Streaks) -> None:
    """DMs closed at 20:00 switch the reminder off; the member opens their DMs and switches it back on at 21:00
    for 22:00. The DM must come at 22:00, not at the next quarter hour."""
    s = streaks
    await s.reminders.set(GUILD, 10, enabled=True, hour=20)
    for _ in range(2):
        await act(s, 10)
        s.clock.advance(days=1)
    s.discord.closed_dms.add(10)
    s.clock.set(datetime(2026, 3, 4, 20, 0, tzinfo=UTC))
    assert await s.reminders.run_due() == 0  # DMs closed: switched off
    row = await s.service.repo.reminder(GUILD, 10)
    assert row is not None and not row.enabled and row.off_reason == "dms_closed"
    s.discord.closed_dms.clear()  # the member opens their DMs ...
    s.clock.set(datetime(2026, 3, 4, 21, 0, tzinfo=UTC))
    await s.service.set_reminder(GUILD, 10, enabled=True, hour=22)  # ... and asks for 22:00
    s.clock.set(datetime(2026, 3, 4, 21, 15, tzinfo=UTC))
    await s.reminders.run_due()
    assert s.discord.reminders == [], "reminder DM sent at 21:15 although the member asked for 22:00"
    s.clock.set(datetime(2026, 3, 4, 22, 0, tzinfo=UTC))
    assert await s.reminders.run_due() == 1  # ... and at 22:00 it comes


async def test_the_start_up_pass_and_a_quarter_hour_pass_running_together_send_one_reminder(
        streaks: Streaks) -> None:
    """The start-up catch-up pass (``run_due(late=True)``) runs while the scheduler is already started, so the
    quarter-hour pass can run at the same time. Each member must still get one DM."""
    s = streaks
    await s.reminders.set(GUILD, 10, enabled=True, hour=20)
    for _ in range(2):
        await act(s, 10)
        s.clock.advance(days=1)
    s.clock.set(datetime(2026, 3, 4, 20, 0, tzinfo=UTC))
    await asyncio.gather(s.reminders.catch_up(), s.reminders.run_due())
    assert s.discord.reminders == [(GUILD, 10, 2)], "two passes at once sent the reminder twice"


async def test_a_member_who_studies_while_the_pass_is_sending_gets_no_reminder(streaks: Streaks) -> None:
    """A pass reads every due reminder first, then DMs them one by one (paced, on a large server for minutes).
    A member who studies while the DMs before theirs go out has studied today: they must not be nudged."""
    s = streaks
    for user in (10, 11):
        await s.reminders.set(GUILD, user, enabled=True, hour=20)
    for _ in range(2):
        await act(s, 10)
        await act(s, 11)
        s.clock.advance(days=1)
    s.clock.set(datetime(2026, 3, 4, 20, 0, tzinfo=UTC))
    send = s.discord.send_reminder

    async def member_11_studies_meanwhile(guild_id: int, user_id: int, current: int, breaks_at: datetime,
                                          cover: ReminderCover | None = None) -> None:
        await send(guild_id, user_id, current, breaks_at, cover)
        if user_id == 10:
            await act(s, 11)

    s.discord.send_reminder = member_11_studies_meanwhile  # type: ignore[method-assign]
    assert await s.reminders.run_due() == 1
    assert s.discord.reminders == [(GUILD, 10, 2)], "a member was reminded after they had studied today"


async def test_the_start_up_pass_sends_no_reminder_switched_on_after_its_hour(streaks: Streaks) -> None:
    """A member who switches on their 20:00 reminder at 21:30 asked for it from tomorrow: while the bot runs,
    today's 20:00 is over and nothing comes. A restart at 22:00 must not send it either."""
    s = streaks
    for _ in range(2):
        await act(s, 10)
        s.clock.advance(days=1)
    s.clock.set(datetime(2026, 3, 4, 21, 30, tzinfo=UTC))
    await s.service.set_reminder(GUILD, 10, enabled=True, hour=20)
    s.clock.set(datetime(2026, 3, 4, 21, 45, tzinfo=UTC))
    assert await s.reminders.run_due() == 0
    s.clock.set(datetime(2026, 3, 4, 22, 0, tzinfo=UTC))  # the bot restarts
    await s.reminders.catch_up()
    assert s.discord.reminders == [], "the restart sent a reminder the member switched on after its hour"
    await act(s, 10, datetime(2026, 3, 4, 23, 0, tzinfo=UTC))
    s.clock.set(datetime(2026, 3, 5, 20, 0, tzinfo=UTC))
    assert await s.reminders.run_due() == 1  # from the next day on, it comes at its hour


async def test_the_start_up_pass_sends_a_reminder_whose_hour_came_while_the_bot_was_down(streaks: Streaks) -> None:
    """Switched on during its hour (the quarter-hour passes would still send it), or before it: a restart after
    the hour sends what the bot owed."""
    s = streaks
    for _ in range(2):
        await act(s, 10)
        await act(s, 11)
        s.clock.advance(days=1)
    s.clock.set(datetime(2026, 3, 4, 20, 40, tzinfo=UTC))
    await s.service.set_reminder(GUILD, 10, enabled=True, hour=20)
    await s.service.set_reminder(GUILD, 11, enabled=True, hour=21)
    s.clock.set(datetime(2026, 3, 4, 22, 0, tzinfo=UTC))  # the bot was down from 20:41 until now
    await s.reminders.catch_up()
    assert sorted(s.discord.reminders) == [(GUILD, 10, 2), (GUILD, 11, 2)]


async def test_a_member_who_moves_east_gets_one_reminder_on_their_new_day(streaks: Streaks) -> None:
    """Reminded at 20:00 on 2 March in Los Angeles (13:00 on 3 March in Tokyo), the member moves to Tokyo, where a
    freeze holds 2 March for now. Their 3 March there had its reminder already: 20:00 must not bring a second."""
    s = streaks
    await s.service.set_timezone(10, "America/Los_Angeles")
    for day in range(22, 29):  # 22-28 February and 1 March: a freeze
        await act(s, 10, datetime(2026, 2, day, 20, tzinfo=UTC))
    await act(s, 10, datetime(2026, 3, 1, 20, tzinfo=UTC))
    await s.reminders.set(GUILD, 10, enabled=True, hour=20)
    s.clock.set(datetime(2026, 3, 3, 4, 0, tzinfo=UTC))  # 20:00 on 2 March in Los Angeles
    assert await s.reminders.run_due() == 1
    s.clock.set(datetime(2026, 3, 3, 4, 30, tzinfo=UTC))
    await s.service.set_timezone(10, "Asia/Tokyo")  # 13:30 on 3 March there
    s.clock.set(datetime(2026, 3, 3, 11, 0, tzinfo=UTC))  # 20:00 on 3 March in Tokyo
    assert await s.reminders.run_due() == 0, "a second reminder on 3 March in Tokyo"
    assert len(s.discord.reminders) == 1
