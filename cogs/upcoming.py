"""/upcoming: for every member, when the next daily prompt, quiz and mock round happen, and what is theirs to do:
their flashcards waiting and the interview they agreed.

The moderators' status commands show rotations and failures; members only need the times,
and a members' command of its own keeps moderators' top-level commands moderators-only.
"""

from __future__ import annotations

from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.cards import NothingToStudy, StudyCard, StudyService
from bot.daily import DailyService
from bot.mock import MockService
from bot.quiz import QuizService
from cogs._common import BRAND_COLOUR, discord_timestamp, in_servers
from cogs._common.authority import Audience, declared


class Upcoming(commands.Cog):
    def __init__(self, client: StudyBot) -> None:
        self.client = client

    @app_commands.command(name="upcoming", description="When the next daily prompt, quiz and mock round are",
                          extras=declared(Audience.MEMBER))
    @in_servers
    async def upcoming(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        embed = discord.Embed(title="Coming up here", colour=BRAND_COLOUR)
        # The services' own times: a post already out today is not listed again at a time moved later.
        for name, service in (("Daily prompt", self.client.services.find(DailyService)),
                              ("Daily quiz", self.client.services.find(QuizService))):
            times = await service.next_posts(interaction.guild_id, 1) if service is not None else []
            when = times[0] if times else None
            embed.add_field(name=name, value=discord_timestamp(when, "F") + f" ({discord_timestamp(when, 'R')})"
                            if when else "not scheduled", inline=False)
        mock = self.client.services.find(MockService)
        next_round = (await mock.rounds_ahead(interaction.guild_id)).next_round if mock else None
        embed.add_field(name="Mock-interview round", inline=False,
                        value=f"{discord_timestamp(next_round, 'F')} · `/mock join` to take part" if next_round
                        else "not scheduled")
        current = await mock.current_group(interaction.guild_id, interaction.user.id) if mock else None
        meeting = current[2] if current else None
        # Shown while it is ahead or under way: the round stays open for days after, and an interview that
        # is over is not coming up.
        now = self.client.core.clock.now()
        if meeting is not None and meeting.status == "agreed" and meeting.starts_at is not None \
                and meeting.starts_at + timedelta(minutes=meeting.minutes) > now:
            embed.add_field(name="Your interview", inline=False,
                            value=f"{discord_timestamp(meeting.starts_at, 'F')} "
                                  f"({discord_timestamp(meeting.starts_at, 'R')})")
        cards = self.client.services.find(StudyService)
        if cards is not None:
            embed.add_field(name="Your flashcards", inline=False,
                            value=cards_text(await cards.next_card(interaction.guild_id, interaction.user.id)))
        await interaction.response.send_message(embed=embed, ephemeral=True)


def cards_text(study: StudyCard | NothingToStudy) -> str:
    """What the member's next ``/cards study`` holds, in a line."""
    on = f" on **{study.topic}**" if study.topic else ""  # the one topic the member chose to study
    if isinstance(study, StudyCard):
        waiting = (f"**{study.due_left}** due now{on}" if study.due_left else
                   f"new cards waiting{on} (up to {study.new_left} more today)")
        return f"{waiting} · `/cards study`"
    if study.no_decks:
        return "this server has no deck on"
    if study.learning_due is not None:
        return (f"caught up{on}; the cards you are learning come back "
                f"{discord_timestamp(study.learning_due, 'R')}")
    return f"all caught up{on} for today"


async def setup(client: StudyBot) -> None:
    await client.add_cog(Upcoming(client))
