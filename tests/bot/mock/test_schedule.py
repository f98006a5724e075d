"""A changed mock schedule names the rounds that will start: the rule over cadence, weekday, hour and zone.

The bot starts a round at a fire of the schedule's trigger when the fire is a round week, no round is
open (the open one closes at its end) and no round was made for the fire's key
(:meth:`RoundFlow.run_scheduled`). Whatever the change, the rounds a moderator is told about must be
exactly the rounds that start, and the round open at the change keeps its end.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.mock.schedule import (
    CADENCES,
    CHECKIN_LEAD,
    WEEKDAYS,
    Schedule,
    earliest_first_round,
    first_free,
    opening_rounds,
    round_times,
)

ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "Australia/Lord_Howe",
         "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/St_Johns")


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    time = f"{draw(st.integers(0, 23)):02d}:{draw(st.sampled_from((0, 30))):02d}"
    return Schedule(1, 2, draw(st.sampled_from(sorted(CADENCES))), draw(st.sampled_from(WEEKDAYS)), time,
                    draw(st.sampled_from(ZONES)), date.min)


def saved(draft: Schedule, old: Schedule | None, now: datetime, open_ends: list[datetime],
          taken: set[str]) -> Schedule:
    """What :meth:`MockService.set_schedule` saves for ``draft`` (the service's own steps, without the database)."""
    keep_weeks = old is not None and old.cadence == draft.cadence and old.weekday == draft.weekday
    if old is not None and keep_weeks:
        draft = Schedule(draft.guild_id, draft.channel_id, draft.cadence, draft.weekday, draft.local_time,
                         draft.timezone, old.anchor_date)
    candidates = opening_rounds(draft, earliest_first_round(now, open_ends), keep_weeks)
    return first_free(draft, candidates, taken)


def started(schedule: Schedule, after: datetime, until: datetime, open_until: datetime | None,
            taken: set[str]) -> list[datetime]:
    """The rounds the bot starts at the fires of ``schedule`` in (after, until], as run_scheduled decides."""
    every_fire = Schedule(1, 2, "weekly", schedule.weekday, schedule.local_time, schedule.timezone, date.min)
    rounds: list[datetime] = []
    for fire in every_fire.next_rounds(after, 20):
        if fire > until:
            break
        still_open = open_until is not None and fire <= open_until  # at a tie the end job may not have run yet
        if schedule.is_round_week(fire) and not still_open and schedule.round_key(fire) not in taken:
            rounds.append(fire)
            taken = taken | {schedule.round_key(fire)}
            open_until = round_times(fire, schedule.period)[1]
    return rounds


@settings(max_examples=400, deadline=None)
@given(old_draft=schedules(), new_draft=schedules(),
       set_at=st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)),
       into_round=st.timedeltas(timedelta(0), timedelta(days=15)))
def test_the_rounds_a_changed_schedule_names_are_the_rounds_that_start(
        old_draft: Schedule, new_draft: Schedule, set_at: datetime, into_round: timedelta) -> None:
    set_at = set_at.replace(tzinfo=UTC)
    old = saved(old_draft, None, set_at, [], set())
    first = old.next_rounds(set_at, 1)[0]
    assert started(old, set_at, first, None, set()) == [first]  # a new schedule's first round starts too
    _reminder, ends_at = round_times(first, old.period)
    now = first + into_round
    is_open = now < ends_at  # the end job closes the round at its end
    open_ends = [ends_at] if is_open else []
    taken = {old.round_key(first)}
    new = saved(new_draft, old, now, open_ends, taken)
    named = new.next_rounds(now)
    assert len(named) == 3 and named[0] > now
    if is_open:  # the open round keeps its end, and its check-in comes well before the next round
        assert named[0] - ends_at >= CHECKIN_LEAD - timedelta(hours=1)
    assert started(new, now, named[-1], ends_at if is_open else None, taken) == named


@settings(max_examples=100, deadline=None)
@given(draft=schedules(), now=st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)))
def test_an_unchanged_schedule_keeps_its_next_round(draft: Schedule, now: datetime) -> None:
    """Saving the same schedule again, with no round open, names the same rounds (its weeks are kept)."""
    now = now.replace(tzinfo=UTC)
    schedule = saved(draft, None, now - timedelta(days=30), [], set())
    assert saved(schedule, schedule, now, [], set()).next_rounds(now) == schedule.next_rounds(now)


def test_a_biweekly_round_keeps_its_fortnight_when_the_schedule_turns_weekly() -> None:
    """The bug as it was: the reply named the next Friday, inside the open fortnight, and that round was skipped."""
    old = Schedule(1, 2, "biweekly", "fri", "10:00", "UTC", date(2026, 3, 6))
    first = datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    _reminder, ends_at = round_times(first, old.period)
    now = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    new = saved(Schedule(1, 2, "weekly", "fri", "10:00", "UTC", date.min), old, now, [ends_at],
                {old.round_key(first)})
    friday = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)  # after the fortnight's check-in on Thursday 19 March
    assert new.next_rounds(now, 2) == [friday, friday + timedelta(weeks=1)]


def test_every_round_falls_on_its_weekday_one_week_apart_across_the_clock_changes() -> None:
    """Greenland springs forward from Saturday 23:00 to midnight; Monday 00:30 follows New York's Sunday change;
    Berlin skips 02:30 on a Sunday and repeats it in October: one round a week, on the schedule's own day."""
    for weekday, at, zone in (("sat", "22:30", "America/Nuuk"), ("sat", "23:30", "America/Nuuk"),
                              ("mon", "00:30", "America/New_York"), ("sun", "02:30", "Europe/Berlin")):
        schedule = Schedule(1, 2, "weekly", weekday, at, zone, date.min)
        fires = schedule.next_rounds(datetime(2026, 1, 1, tzinfo=UTC), 52)
        assert {WEEKDAYS[fire.astimezone(schedule.zone).weekday()] for fire in fires} == {weekday}
        assert all(timedelta(days=7) - timedelta(hours=1) <= later - earlier <= timedelta(days=7, hours=1)
                   for earlier, later in zip(fires, fires[1:], strict=False))
