"""/cards: personal spaced-repetition review of the flashcards (replies only you can see)."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import StudyBot
from bot.cards import StudyService
from bot.errors import InvalidInput
from bot.stats import Percentages, ProgressService, Series, describe_weekly, render_weekly
from cogs._common import counted, in_servers, one_line, truncate
from cogs._common.authority import Audience, declared
from cogs._common.lifecycle import load_service, unload_service
from cogs.cards.embeds import card_info_embed, decks_embed, set_aside_embed, stats_embed
from cogs.cards.views import DYNAMIC_ITEMS, MENU_LIMIT, bring_back_view, drill_view, session_message

CHOICES_LIMIT = 25  # choices Discord shows for an autocomplete option


@in_servers
class Cards(commands.GroupCog, group_name="cards", group_description="Review the flashcards",
            group_extras=declared(Audience.MEMBER)):
    def __init__(self, client: StudyBot) -> None:
        self.client = client
        core = client.core
        self.service = StudyService(core.db, core.clock, core.content, core.timezones, core.activity,
                                    fuzzing=core.settings.srs_fuzzing, server=core.server_content)
        self.progress = ProgressService(core.db, core.clock, core.timezones)
        super().__init__()

    async def cog_load(self) -> None:
        await load_service(self.client, self.service)
        self.client.add_dynamic_items(*DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        await unload_service(self.client, self.service)
        self.client.remove_dynamic_items(*DYNAMIC_ITEMS)

    async def _deck_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """The decks this server has on, matching what the member typed (Discord shows 25 at most)."""
        if interaction.guild_id is None:
            return []
        decks = [d for d in await self.service.decks(interaction.guild_id) if d.enabled and d.cards]
        typed = current.lower()
        return [app_commands.Choice(name=truncate(f"{d.title} ({counted(len(d.cards), 'card')})", 100), value=d.key)
                for d in decks if typed in d.key.lower() or typed in d.title.lower()][:25]

    async def _topic_choices(self, interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
        """'All topics', then the topics matching what they typed, largest first: of the deck chosen in the same
        command, else of the deck the member studies."""
        if interaction.guild_id is None:
            return []
        typed = current.lower().strip()
        deck = interaction.namespace.deck
        topics = await self.service.topics(interaction.guild_id, interaction.user.id,
                                           deck if isinstance(deck, str) else None)
        return [app_commands.Choice(name="All topics", value="all"),
                *(app_commands.Choice(name=f"{topic} ({count} card{'s' * (count != 1)})", value=topic)
                  for topic, count in topics if typed in topic)][:25]

    async def _choose(self, interaction: discord.Interaction, deck: str | None, topic: str | None) -> list[str]:
        """Apply the member's deck and topic choices (either refused: neither); what changed, as lines."""
        if interaction.guild_id is None or (deck is None and topic is None):
            return []
        focus = await self.service.choose(interaction.guild_id, interaction.user.id, deck=deck, topic=topic)
        lines = []
        if deck is not None:
            lines.append(f"You now study **{focus.deck}**." if focus.deck else
                         "You now study every deck this server has on.")
        if topic is not None:
            lines.append(f"You now study only cards on **{focus.topic}**." if focus.topic else
                         "You now study every topic.")
        elif focus.idle_topic:
            lines.append(f"No card here is on your topic **{focus.idle_topic}**, so you study every topic; it "
                         "applies again in a deck that has it (`topic:all` forgets it).")
        return lines

    @app_commands.command(name="study", description="Review your due flashcards, then new ones")
    @app_commands.describe(deck="Study one deck from now on ('all' for every deck this server has on)",
                           topic="Study only one topic from now on, such as retrieval ('all' for every topic)")
    async def study(self, interaction: discord.Interaction, deck: str | None = None,
                    topic: app_commands.Range[str, 1, 30] | None = None) -> None:
        # What changed is said above the session, so a switch that left the member's topic idle says why.
        changed = "\n".join(await self._choose(interaction, deck, topic)) or None
        embed, view = await session_message(self.service, interaction.guild_id, interaction.user.id, None)
        if view is None:
            await interaction.response.send_message(changed, embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(changed, embed=embed, view=view, ephemeral=True)

    async def _deck_or_all_choices(self, interaction: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name="All decks this server has on", value="all"),
                *await self._deck_choices(interaction, current)][:25]

    @study.autocomplete("deck")
    async def _study_deck(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._deck_or_all_choices(interaction, current)

    @study.autocomplete("topic")
    async def _study_topic(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._topic_choices(interaction, current)

    @app_commands.command(name="stats", description="Due cards, reviews, retention and what comes next")
    @app_commands.describe(deck="Stats for one deck (default: the deck you study)")
    async def stats(self, interaction: discord.Interaction, deck: str | None = None) -> None:
        stats = await self.service.stats(interaction.guild_id, interaction.user.id, deck)
        weeks = await self.progress.reviews(interaction.guild_id, interaction.user.id)
        title = f"{interaction.user.display_name} · flashcard reviews, last 12 weeks"
        series, line = [Series("reviews", weeks.reviews)], Percentages("retention", weeks.retention)
        png = render_weekly(title, weeks.weeks, series, line)
        embed = stats_embed(stats)
        embed.set_image(url="attachment://reviews.png")
        chart = discord.File(io.BytesIO(png), "reviews.png",
                             description=describe_weekly(title, weeks.weeks, series, line))
        drill = drill_view([weak.topic for weak in stats.weak_topics], stats.deck)
        if drill is None:
            await interaction.response.send_message(embed=embed, file=chart, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, file=chart, view=drill, ephemeral=True)

    @stats.autocomplete("deck")
    async def _stats_deck(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._deck_choices(interaction, current)

    @app_commands.command(name="decks", description="The decks this server has on, and which one you study")
    async def decks(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        decks = [d for d in await self.service.decks(interaction.guild_id) if d.enabled and d.cards]
        focus = await self.service.focus(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(embed=decks_embed(decks, focus.deck, focus.topic, focus.idle_topic),
                                                ephemeral=True)

    @app_commands.command(name="find", description="Look up a card: its answer, its source, how well you know it")
    @app_commands.describe(card="A few words of the card; pick it from the list")
    async def find(self, interaction: discord.Interaction, card: app_commands.Range[str, 1, 100]) -> None:
        info = await self.service.look_up(interaction.guild_id, interaction.user.id, card)
        await interaction.response.send_message(embed=card_info_embed(info), ephemeral=True)

    @find.autocomplete("card")
    async def _find_card(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        """The cards of this server's decks holding every word typed, fronts first (Discord shows 25)."""
        return [app_commands.Choice(name=truncate(one_line(card.front), 100), value=card.id)
                for card in await self.service.find(interaction.guild_id, current, CHOICES_LIMIT)]

    @app_commands.command(name="set-aside", description="The cards you set aside, to bring back to your reviews")
    async def set_aside(self, interaction: discord.Interaction) -> None:
        cards = await self.service.set_aside_cards(interaction.guild_id, interaction.user.id)
        if not cards:
            await interaction.response.send_message(
                "You have no cards set aside. A card you keep forgetting offers **Set aside** on its back.",
                ephemeral=True)
            return
        await interaction.response.send_message(embed=set_aside_embed(cards, MENU_LIMIT), view=bring_back_view(cards),
                                                ephemeral=True)

    @app_commands.command(name="settings", description="New cards a day, the deck and topic you study, how much "
                                                       "to recall")
    @app_commands.rename(new_per_day="new-per-day")
    @app_commands.describe(new_per_day="New cards a day, 0-100 (default 10)",
                           deck="The deck you study here ('all' for every deck this server has on)",
                           topic="The one topic you study here, such as retrieval ('all' for every topic)",
                           retention="Percent of cards to recall when due, 75-97 (default 90; higher: more reviews)")
    async def settings(self, interaction: discord.Interaction,
                       new_per_day: app_commands.Range[int, 0, 100] | None = None, deck: str | None = None,
                       retention: app_commands.Range[int, 75, 97] | None = None,
                       topic: app_commands.Range[str, 1, 30] | None = None) -> None:
        if new_per_day is None and deck is None and retention is None and topic is None:
            raise InvalidInput("Nothing to change.",
                               hint="Give `new-per-day`, `deck`, `topic`, `retention`, or several.")
        lines = await self._choose(interaction, deck, topic)
        if new_per_day is not None:
            await self.service.set_new_per_day(interaction.user.id, new_per_day)
            lines.append(f"You will see up to **{new_per_day}** new card{'s' * (new_per_day != 1)} a day; reviews of "
                         "cards you have started are never capped.")
        if retention is not None:
            await self.service.set_desired_retention(interaction.user.id, retention)
            effect = ("the default" if retention == 90 else "more reviews, less forgetting" if retention > 90
                      else "fewer reviews, more forgetting")
            lines.append(f"Your cards are now scheduled for **{retention}%** recall when due ({effect}); each card "
                         "follows it from its next review.")
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @settings.autocomplete("deck")
    async def _settings_deck(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._deck_or_all_choices(interaction, current)

    @settings.autocomplete("topic")
    async def _settings_topic(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await self._topic_choices(interaction, current)
