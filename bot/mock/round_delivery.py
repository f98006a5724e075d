"""Telling a round's groups, once each: their briefs, the round's announcement, the members it could not place,
and the moderators when the round's channel is closed to the bot.

Part of :class:`bot.mock.round_flow.RoundFlow`. Each step is recorded once Discord took it, so delivering the
round again (after a pause when Discord failed for a moment, or at a start after a crash) finishes only what
is still pending, looking for what an interrupted attempt sent before sending it again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.mock.agreement import minutes_for
from bot.mock.jobs import deliver_job
from bot.mock.meetings import MeetingService
from bot.mock.models import Group, GroupBrief, Round
from bot.mock.prompts import MockPrompts
from bot.mock.publisher import MockPublisher, ShareFailed
from bot.mock.repository import PairingRepository
from bot.posting import crash_point, publish_once
from bot.posting.retry import next_attempt
from bot.scheduler import JobScheduler

log = logging.getLogger(__name__)


class RoundDelivery:
    repo: PairingRepository
    meetings: MeetingService
    publisher: MockPublisher
    prompts: MockPrompts
    _clock: Clock
    _scheduler: JobScheduler

    async def brief(self, round_: Round, group: Group) -> GroupBrief:
        signups = [s for s in [await self.repo.signup(round_.guild_id, m.user_id) for m in group.members] if s]
        options = await self.meetings.prepare(round_, group)
        length = timedelta(minutes=minutes_for(len(group.members)))
        return GroupBrief(await self.prompts.prompt(group.guild_id, group.prompt_id),
                          [(o.starts_at, o.starts_at + length) for o in options],
                          {s.user_id: s.timezone for s in signups})

    async def deliver(self, round_: Round, attempt: int = 0) -> None:
        """Tell each pending group, announce the round, and tell the members it could not place. A group Discord
        failed to take its brief for stays pending and is told after a pause (growing while it keeps failing)."""
        if (round_.announcement_id is None and round_.channel_notice is None) or not round_.channel_notice_told:
            await self._tell_channel_problem(round_)
        groups = await self.repo.groups(round_.id)
        for group in groups:
            if group.delivery != "pending":
                continue
            try:
                delivery = await self.publisher.deliver_group(round_, group, await self.brief(round_, group))
            except Exception:
                log.exception("could not deliver group %s of round %s; it stays pending", group.id, round_.id)
                self._deliver_later(round_, attempt)
                continue
            crash_point("mock.group-told")
            await self.repo.set_delivered(group.id, delivery)
        if round_.announcement_id is None:
            # A crash after Discord took the announcement but before its id was stored must not
            # announce the round twice: look for it first (the flow of bot.posting).
            publisher = self.publisher
            message_id = await publish_once(
                fresh=False, find_earlier=lambda: publisher.find_announcement(round_),
                publish=lambda: self._announce(round_))
            if message_id is not None:
                await self.repo.set_announcement(round_.id, message_id)
                crash_point("mock.announce-recorded")
        for user_id in await self.repo.untold_left_out(round_.id):
            # Stored with the round and marked once told; a DM sent just before a crash is found
            # among the member's DMs by the publisher, so a restart tells each member once.
            try:
                await self.publisher.tell_left_out(round_, user_id)
            except ShareFailed as error:  # failing for a moment: untold, tried again with the round's delivery
                log.info("could not tell member %s they were left out of round %s: %s", user_id, round_.id, error)
                self._deliver_later(round_, attempt)
                continue
            crash_point("mock.left-out-told")
            await self.repo.mark_left_out_told(round_.id, user_id, self._clock.now())

    def _deliver_later(self, round_: Round, attempt: int) -> None:
        """Deliver the round again after a pause growing with ``attempt``, while it is open."""
        when = next_attempt(attempt + 1, self._clock.now(), round_.ends_at)
        if when is not None:
            self._scheduler.add(deliver_job(round_.guild_id, round_.id), DateTrigger(run_date=when),
                                self._deliver_again, round_.id, attempt + 1)

    async def _deliver_again(self, round_id: int, attempt: int) -> None:
        round_ = await self.repo.round(round_id)
        if round_ is not None and round_.status == "open":
            await self.deliver(round_, attempt)

    async def _tell_channel_problem(self, round_: Round) -> None:
        """A round whose channel is gone or closed to the bot still runs (unannounced, or with its groups told
        by DM), and nobody would know why; its moderators are told once. As the daily post's notice, the problem
        is stored, told, then marked told: a bot stopped in between comes back here at its catch-up (the round
        is delivered again) and looks among the notices it posted before telling again."""
        fresh = round_.channel_notice is None
        problem = await self.publisher.channel_problem(round_) if fresh else round_.channel_notice
        if problem is None:
            return
        if fresh:
            await self.repo.set_channel_notice(round_.id, problem)
            crash_point("mock.channel-notice-stored")
        text = (f"Mock-interview round {round_.number}: {problem}. Fix it, or choose "
                "another channel with `/mock-admin schedule`, before the next round (details in "
                "`/studybot settings show`).")
        try:
            await self.publisher.notify_moderators(round_.guild_id, text, look_first=not fresh)
        except Exception:  # failing for a moment: untold, so the round's next delivery attempt tells them
            log.exception("could not tell the moderators of guild %s about round %s", round_.guild_id, round_.id)
            return
        crash_point("mock.channel-notice-told")
        await self.repo.mark_channel_notice_told(round_.id)

    async def _announce(self, round_: Round) -> int | None:
        message_id = await self.publisher.announce(round_, await self.repo.groups(round_.id))
        crash_point("mock.announced")
        return message_id
