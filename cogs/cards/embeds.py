"""How a study session and the stats look."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import discord

from bot.cards import (
    MATURE_DAYS,
    CardInfo,
    CardKind,
    CardStats,
    DaySummary,
    Grade,
    NothingToStudy,
    SetAsideCard,
    StudyCard,
)
from bot.content.models import Flashcard
from cogs._common import BRAND_COLOUR, counted, discord_timestamp, item_text, one_line, truncate

GRADE_LABELS = {Grade.AGAIN: "Again", Grade.HARD: "Hard", Grade.GOOD: "Good", Grade.EASY: "Easy"}


def interval(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = round(seconds / 86400)
    return f"{days}d" if days < 60 else f"{days / 30:.0f}mo"


def _queue_line(study: StudyCard) -> str:
    # A topic chosen that no card here holds is named too: it says why every topic comes up.
    topic = (f" · topic {study.topic}" if study.topic else
             f" · every topic (none here on {study.idle_topic})" if study.idle_topic else "")
    if study.early:
        return f"Still learning · {study.due_left} back within minutes · {study.new_left} new left today{topic}"
    kind = "New card" if study.kind is CardKind.NEW else "Review"
    left = f"{study.due_left} due" if study.due_left else "no reviews due"
    return f"{kind} · {left} · {study.new_left} new left today{topic}"


def _card_text(card: Flashcard) -> str:
    """Front and back (a card's own limits, 300 and 900 characters, leave room for escaping)."""
    return f"**{item_text(card.id, truncate(card.front, 1000))}**\n\n{item_text(card.id, truncate(card.back, 2900))}"


def _credit(study: StudyCard | CardInfo) -> str | None:
    if study.credit is None:
        return None
    return f"Suggested by <@{study.credit}>" if study.credit else "Suggested by a former member"


def memory_text(info: CardInfo) -> str:
    """What studybot knows of the member's memory of a card they looked up."""
    memory = info.memory
    if memory is None:
        return "Not started yet: it comes up as a new card in `/cards study`."
    if memory.set_aside_at is not None:
        return (f"Set aside {discord_timestamp(memory.set_aside_at, 'R')}, out of your reviews: bring it back with "
                "`/cards set-aside`.")
    lines = [f"Reviewed {memory.reps} time{'s' * (memory.reps != 1)}"
             + (f" · forgotten {memory.lapses} time{'s' * (memory.lapses != 1)}" if memory.lapses else "")
             + (" · still learning" if memory.state in (1, 3) else ""),
             f"Next review {discord_timestamp(memory.due, 'R')} ({discord_timestamp(memory.due, 'D')})"]
    if info.recall_now is not None:
        lines.append(f"Chance you recall it now: about {round(info.recall_now * 100)}%")
    return "\n".join(lines)


def card_info_embed(info: CardInfo) -> discord.Embed:
    """A card the member looked up with ``/cards find``: the card in full, its source and their memory of it."""
    card = info.card
    embed = discord.Embed(title="Flashcard", colour=BRAND_COLOUR,
                          description=_card_text(card))
    embed.add_field(name="Source", value=truncate(str(card.source), 1024))
    if card.tags:
        embed.add_field(name="Tags", value=", ".join(card.tags))
    if _credit(info):
        embed.add_field(name="Community card", value=_credit(info))
    embed.add_field(name="Your memory of it", value=memory_text(info), inline=False)
    return embed


def front_embed(study: StudyCard, note: str | None = None) -> discord.Embed:
    front = item_text(study.card.id, truncate(study.card.front, 3900))
    embed = discord.Embed(title="Flashcard", description=f"**{front}**", colour=BRAND_COLOUR)
    if note:
        embed.add_field(name="Last card", value=truncate(note, 1024), inline=False)
    if study.missed_in_quiz is not None:
        day = study.missed_in_quiz
        embed.add_field(name="From the daily quiz", inline=False,
                        value=f"You missed this one in the quiz of {day:%a} {day.day} {day:%b}, so it comes first "
                              "among your new cards.")
    if _credit(study):
        embed.add_field(name="Community card", value=_credit(study), inline=False)
    embed.set_footer(text=_queue_line(study))
    return embed


def back_embed(study: StudyCard) -> discord.Embed:
    embed = discord.Embed(title="Flashcard", colour=BRAND_COLOUR,
                          description=_card_text(study.card))
    embed.add_field(name="Source", value=truncate(str(study.card.source), 1024))
    if _credit(study):
        embed.add_field(name="Community card", value=_credit(study))
    if study.forgotten:
        embed.add_field(name=f"Forgotten {study.forgotten} times", inline=False,
                        value="Another review may not fix it: re-read its source. **Set aside** takes it out of "
                              "your reviews until you bring it back with `/cards set-aside`.")
    embed.set_footer(text="How well did you remember it? " + _queue_line(study))
    return embed


def _summary_lines(summary: DaySummary) -> list[str]:
    retention = (f"{summary.retention:.0%} of {summary.retention_sample} learned cards recalled"
                 if summary.retention is not None else "no learned cards reviewed yet")
    lines = [f"Today: **{summary.reviewed}** reviewed · **{summary.again}** Again · retention {retention}."]
    if summary.next_due:
        lines.append(f"Next card due {discord_timestamp(summary.next_due, 'R')}.")
    return lines


def _topic_line(nothing: NothingToStudy) -> list[str]:
    """What the member studies, when it is one topic or their topic is idle here (the card screens' footers say
    the same): a screen without a card still tells them why only some cards, or every one, came up."""
    if nothing.topic:
        return [f"You study only cards on **{nothing.topic}** (`/cards study topic:all` for every topic)."]
    if nothing.idle_topic:
        return [f"You study every topic (none here on {nothing.idle_topic})."]
    return []


def waiting_embed(nothing: NothingToStudy, note: str | None = None) -> discord.Embed:
    """Nothing is due this second, but cards still being learned come back within minutes."""
    them = "it" if nothing.coming_soon == 1 else "them"
    lines = [f"**Continue** to see {them} now, or **Finish** for a summary of today.", *_topic_line(nothing)]
    if nothing.coming_soon and nothing.learning_due:
        # Only the learning cards' own due time: a review card falling due sooner is not "still learning".
        # Several come back at different times: the time named is the first's, and says so.
        when = discord_timestamp(nothing.learning_due, 'R')
        lines.insert(0, f"1 card you are still learning comes back {when}." if nothing.coming_soon == 1 else
                     f"{nothing.coming_soon} cards you are still learning come back soon, the first {when}.")
    if nothing.new_cap_reached:
        lines.append("You have met today's new-card limit (change it with `/cards settings`).")
    embed = discord.Embed(title="Flashcards · keep going?", description="\n".join(lines), colour=BRAND_COLOUR)
    if note:
        embed.add_field(name="Last card", value=truncate(note, 1024), inline=False)
    return embed


def done_embed(nothing: NothingToStudy, summary: DaySummary, note: str | None = None) -> discord.Embed:
    if nothing.no_decks:
        lines = ["This server has every deck switched off, so there are no cards to study.",
                 "A moderator can switch decks on with `/content decks`."]
    elif nothing.topic:
        lines = [f"You are all caught up on **{nothing.topic}**. 🎉",
                 "Other topics may have cards waiting: `/cards study topic:all` studies every topic."]
    else:
        lines = ["You are all caught up. 🎉", *_topic_line(nothing)]
    if nothing.new_cap_reached:
        lines.append("You have met today's new-card limit (change it with `/cards settings`).")
    lines += _summary_lines(summary)
    embed = discord.Embed(title="Flashcards", description="\n".join(lines), colour=BRAND_COLOUR)
    if note:
        embed.add_field(name="Last card", value=truncate(note, 1024), inline=False)
    return embed


def finished_embed(summary: DaySummary) -> discord.Embed:
    lines = ["Session finished. Cards you are still learning wait for your next `/cards study`.",
             *_summary_lines(summary)]
    return discord.Embed(title="Flashcards · summary", description="\n".join(lines), colour=BRAND_COLOUR)


def stats_embed(stats: CardStats) -> discord.Embed:
    topic = stats.topic and f"topic {stats.topic}"
    title = " · ".join(["Your flashcards", *(part for part in (stats.deck, topic) if part)])
    embed = discord.Embed(title=title, colour=BRAND_COLOUR)
    embed.add_field(name="Due today", value=str(stats.due_today))
    embed.add_field(name="Due this week", value=str(stats.due_week))
    embed.add_field(name="Reviewed today", value=str(stats.reviewed_today))
    embed.add_field(name="Total reviews", value=str(stats.total_reviews))
    retention = (f"{stats.retention:.0%} of {stats.retention_sample}" if stats.retention is not None
                 else "not enough reviews yet")
    embed.add_field(name="Retention (30 days)", value=retention)
    embed.add_field(name="Next due", value=discord_timestamp(stats.next_due, "R") if stats.next_due else "—")
    if stats.today is not None and any(stats.forecast):
        days = [f"Today **{stats.forecast[0]}**"] + [
            f"{stats.today + timedelta(days=offset):%a} {count}" for offset, count in enumerate(stats.forecast)
            if offset]
        embed.add_field(name="Coming up", value=" · ".join(days), inline=False)
    if stats.learned:
        embed.add_field(name="Your cards", inline=False, value=(
            f"New {stats.total_cards - stats.learned} · Learning {stats.learning} · Young {stats.young} · "
            f"Mature {stats.mature} (next review {MATURE_DAYS}+ days out)"))
    if stats.hardest:
        lines = [f"• **{item_text(hard.card.id, truncate(one_line(hard.card.front), 150))}** · forgotten {hard.lapses} times · "
                 f"re-read {truncate(str(hard.card.source), 120)}" for hard in stats.hardest]
        embed.add_field(name="Cards you forget most", value=truncate("\n".join(lines), 1024), inline=False)
    if stats.weak_topics:
        lines = [f"• **{weak.topic}** · {weak.share:.0%} of {weak.asked} recalled · "
                 f"`/cards study {f'deck:{stats.deck} ' if stats.deck else ''}topic:{weak.topic}`"
                 for weak in stats.weak_topics]
        embed.add_field(name="Topics to drill (recalled below your aim, 30 days)", value="\n".join(lines),
                        inline=False)
    if stats.set_aside:
        embed.add_field(name="Set aside", inline=False,
                        value=f"{counted(stats.set_aside, 'card')} out of your reviews · "
                              "bring them back with `/cards set-aside`")
    embed.set_footer(text=f"{stats.learned} of {stats.total_cards} cards started · "
                          f"{counted(stats.new_per_day, 'new card')} a day · "
                          f"aiming for {stats.retention_target:.0%} recall")
    return embed


def decks_embed(decks: list[Any], current: str | None, topic: str | None = None,
                idle_topic: str | None = None) -> discord.Embed:
    """The decks a member can study in this server (shipped packs, the server's own, uploaded documents);
    a kept topic no card studied holds is named, so the member knows why they see every topic."""
    lines = [f"{'▶️' if d.key == current else '•'} **{d.title}** (`{d.key}`) · {counted(len(d.cards), 'card')}"
             for d in decks]
    embed = discord.Embed(title="Decks", colour=BRAND_COLOUR, description=truncate("\n".join(lines) or
                          "This server has no deck on.", 4000))
    studied = "You study one deck" if current else "You study every deck listed"
    studied += f", topic {topic} only" if topic else ""
    studied += f", every topic (none is on your topic {idle_topic})" if idle_topic else ""
    embed.set_footer(text=studied + " · change it with /cards study (deck, topic) or /cards settings")
    return embed


SET_ASIDE_ROOM = 4000  # of an embed description's 4,096 characters, for the listed cards (the rest: the count)


def set_aside_embed(cards: list[SetAsideCard], shown: int) -> discord.Embed:
    """The cards a member set aside, longest aside first; the menu below offers the first ``shown``."""
    lines: list[str] = []
    size = 0
    for aside in cards[:shown]:  # whole lines only, with room left for the last: 25 long questions pass 4,096
        line = (f"• **{item_text(aside.card.id, truncate(one_line(aside.card.front), 150))}** · forgotten {aside.lapses} times · aside since "
                f"{discord_timestamp(aside.since, 'R')}")
        if size + len(line) + 1 > SET_ASIDE_ROOM:
            break
        lines.append(line)
        size += len(line) + 1
    if len(cards) > len(lines):
        where = "bring some back to see the rest" if len(cards) > shown else "all in the menu below"
        lines.append(f"…and {len(cards) - len(lines)} more: {where}.")
    embed = discord.Embed(title="Cards you set aside", colour=BRAND_COLOUR, description="\n".join(lines))
    embed.set_footer(text="Pick the ones to bring back: they resume where you left off.")
    return embed
