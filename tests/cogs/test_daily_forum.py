"""Daily prompts in a forum channel, as moderators and members see them in the local Discord."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.localdiscord import BotHarness, LocalDiscord, SimChannel, SimGuild, SimMember
from cogs.daily.embeds import DIFFICULTY_TAGS, KIND_LABELS
from tests.cogs.test_daily_requests import posting_requests

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALL_TAGS = {*KIND_LABELS.values(), *DIFFICULTY_TAGS.values()}


def forum_posts(forum: SimChannel) -> list[SimChannel]:
    return [t for t in forum.threads if t.name.startswith("Day ")]


def tag_names(forum: SimChannel) -> set[str]:
    return {tag["name"] for tag in forum.available_tags}


async def forum_day(harness: BotHarness, guild: SimGuild, mod: SimMember, *, manage_channels: bool = True,
                    tags: tuple[str, ...] = (), require_tag: bool = False) -> tuple[SimChannel, str]:
    forum = guild.create_forum_channel("prompts", tags=tags, require_tag=require_tag)
    if manage_channels:
        forum.allow(guild.bot_role.id, "manage_channels")
    reply = await mod.slash("daily setup", channel=forum, time="09:00", timezone="UTC")
    assert reply.ephemeral
    return forum, reply.text


async def test_setup_in_a_forum_creates_the_kind_and_difficulty_tags(
        harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    forum, text = await forum_day(harness, guild, mod, tags=("Off topic", "hard"))
    assert "forum post" in text and "Created the forum tags" in text
    # the moderator's own tags stay; "hard" already covers the Hard tag, whatever its case
    assert tag_names(forum) == {"Off topic", "hard"} | (ALL_TAGS - {"Hard"})
    again = await mod.slash("daily setup", channel=forum, time="09:00", timezone="UTC")
    assert "tagged with its kind and difficulty" in again.text and "Created" not in again.text


async def test_setup_offers_text_and_forum_channels_only(harness: BotHarness, guild: SimGuild,
                                                         mod: SimMember) -> None:
    voice = guild.create_voice_channel("Study room")
    with pytest.raises(AssertionError, match="does not offer #Study room"):
        await mod.slash("daily setup", channel=voice, time="09:00", timezone="UTC")
    media = guild.create_media_channel("clips")  # discord.py counts it as a forum; the picker does not offer it
    with pytest.raises(AssertionError, match="does not offer #clips"):
        await mod.slash("daily setup", channel=media, time="09:00", timezone="UTC")
    text = await mod.slash("daily setup", channel=guild.channel("daily"), time="09:00", timezone="UTC")
    assert "will be posted in" in text.text


def offer_every_channel_type(sim: LocalDiscord) -> None:
    """Discord holding /daily setup as a version of the bot registered it that offered media channels too."""
    daily = next(c for c in sim.global_commands if c["name"] == "daily")
    setup = next(o for o in daily["options"] if o["name"] == "setup")
    next(o for o in setup["options"] if o["name"] == "channel")["channel_types"] = [0, 5, 15, 16]


async def test_a_media_channel_offered_by_an_older_registration_is_refused_and_nothing_is_saved(
        harness: BotHarness, sim: LocalDiscord, guild: SimGuild, mod: SimMember) -> None:
    offer_every_channel_type(sim)
    media = guild.create_media_channel("clips")
    reply = await mod.slash("daily setup", channel=media, time="0900", timezone="UTC")
    assert reply.ephemeral
    assert f"{media.mention} is a media channel" in reply.text and "Pick a text channel, or a forum channel" in reply.text
    assert "`0900` is not a time of day" in reply.text  # every mistake in one reply
    status = await mod.slash("daily status")
    assert "not set up in this server" in status.text
    await harness.advance_to(NINE)
    assert not media.threads


async def test_a_forum_day_is_one_tagged_post_made_with_one_request(
        harness: BotHarness, sim: LocalDiscord, guild: SimGuild, mod: SimMember) -> None:
    forum, _ = await forum_day(harness, guild, mod)
    await harness.advance_to(NINE.replace(hour=8, minute=59))
    before = len(sim.requests)
    await harness.advance(minutes=1)
    assert posting_requests(sim, before) == [("POST", f"/api/v10/channels/{forum.id}/threads")]
    [post] = forum_posts(forum)
    assert post.name.startswith("Day 1: ") and forum.messages == []
    starter = post.starter
    assert starter is not None and starter.embeds[0]["title"].startswith("Day 1 · ")
    assert starter.button_labels == ["Submit answer", "Hints", "Rubric"]
    fields = {f["name"]: f["value"] for f in starter.embeds[0]["fields"]}
    assert post.tag_names() == [fields["Kind"], fields["Difficulty"].split()[-1].capitalize()]
    row = await harness.core.db.fetchone("SELECT channel_id, message_id, thread_id FROM daily_posts")
    assert tuple(row) == (forum.id, post.id, post.id)
    status = await mod.slash("daily status")
    assert f"https://discord.com/channels/{guild.id}/{post.id})" in status.embeds[0]["fields"][-1]["value"]


async def test_answers_and_helpful_marks_work_in_a_forum_post(
        harness: BotHarness, guild: SimGuild, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    forum, _ = await forum_day(harness, guild, mod)
    await harness.advance_to(NINE)
    [post] = forum_posts(forum)
    assert post.starter is not None
    form = await alice.click(post.starter, "Submit answer")
    saved = await alice.submit_modal(form, answer="Cache embeddings per document version; re-embed on change")
    assert "Saved" in saved.text
    [answer] = [m for m in post.messages if m.content.startswith("Answer from")]
    assert str(alice.id) in answer.content and "Cache embeddings" in answer.text
    rubric = await alice.click(post.starter, "Rubric")
    assert rubric.ephemeral and rubric.embeds
    marked = await bob.click(answer, "Helpful")
    assert marked.message.button_labels == ["Helpful · 1"]
    best = await mod.slash("daily best", member=alice)
    assert "best answer" in best.text
    await harness.advance(hours=24, minutes=30)  # the day closes and its highlight goes into the post
    highlight = [m for m in post.messages if "Day 1 has closed" in m.content]
    assert len(highlight) == 1 and f"<@{alice.id}> · 1 Helpful mark" in highlight[0].content
    assert len(forum_posts(forum)) == 2  # and the next day's prompt is a post of its own


async def test_without_manage_channels_the_reply_says_so_and_posts_go_out_untagged(
        harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    forum, text = await forum_day(harness, guild, mod, manage_channels=False)
    assert "cannot create the tags" in text and "Manage Channels" in text
    assert forum.available_tags == []
    await harness.advance_to(NINE)
    [post] = forum_posts(forum)
    assert post.applied_tags == [] and post.starter is not None


async def test_a_forum_that_requires_tags_is_warned_about_at_setup_when_tags_cannot_be_made(
        harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    forum, text = await forum_day(harness, guild, mod, manage_channels=False, require_tag=True)
    assert "requires a tag on every post" in text and "refused by Discord" in text
    assert "untagged" not in text  # Discord will not take an untagged post there
    await harness.advance_to(NINE)
    assert forum_posts(forum) == []


async def test_a_forum_that_requires_tags_gets_them_and_its_posts_carry_them(
        harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    forum, text = await forum_day(harness, guild, mod, require_tag=True)
    assert "Created the forum tags" in text and "requires a tag" not in text
    await harness.advance_to(NINE)
    [post] = forum_posts(forum)
    assert len(post.applied_tags) == 2


async def test_tags_only_moderators_may_apply_are_left_off_a_post_without_manage_threads(
        harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    forum = guild.create_forum_channel("prompts", tags=tuple(ALL_TAGS), moderated=True)
    forum.deny(guild.bot_role.id, "manage_threads")
    await mod.slash("daily setup", channel=forum, time="09:00", timezone="UTC")
    await harness.advance_to(NINE)
    [post] = forum_posts(forum)  # Discord refuses the whole post when it carries a tag the bot may not apply
    assert post.applied_tags == [] and post.starter is not None
    forum.allow(guild.bot_role.id, "manage_threads")  # a moderator's tags are the bot's to apply once it may
    await harness.advance(days=1)
    assert len(forum_posts(forum)[-1].applied_tags) == 2


async def test_a_post_sent_before_a_crash_is_adopted_not_repeated(
        harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    forum, _ = await forum_day(harness, guild, mod)
    await harness.advance_to(NINE)
    [post] = forum_posts(forum)
    # the process died after Discord made the post and before the ledger recorded it
    await harness.core.db.execute("UPDATE daily_posts SET status = 'claimed', message_id = NULL, thread_id = NULL")
    await harness.restart()
    await harness.advance(minutes=1)
    assert forum_posts(forum) == [post]
    row = await harness.core.db.fetchone("SELECT status, message_id, thread_id FROM daily_posts")
    assert tuple(row) == ("sent", post.id, post.id)


async def test_an_archived_post_is_found_too(harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    forum, _ = await forum_day(harness, guild, mod)
    await harness.advance_to(NINE)
    [post] = forum_posts(forum)
    await harness.core.db.execute("UPDATE daily_posts SET status = 'claimed', message_id = NULL, thread_id = NULL")
    await harness.stop()
    post.archived = True  # idle for its auto-archive duration while the bot was away
    post.archive_timestamp = NINE.replace(hour=10)
    await harness.start()
    await harness.advance(minutes=1)
    assert forum_posts(forum) == [post]
    row = await harness.core.db.fetchone("SELECT status, thread_id FROM daily_posts")
    assert tuple(row) == ("sent", post.id)


async def test_a_forum_requiring_tags_only_moderators_may_apply_asks_for_manage_threads(
        harness: BotHarness, guild: SimGuild, mod: SimMember) -> None:
    """The tags exist, so Manage Channels would change nothing: Manage Threads lets the bot apply them."""
    forum = guild.create_forum_channel("prompts", tags=tuple(ALL_TAGS), require_tag=True, moderated=True)
    forum.allow(guild.bot_role.id, "manage_channels")
    forum.deny(guild.bot_role.id, "manage_threads")
    setup = await mod.slash("daily setup", channel=forum, time="09:00", timezone="UTC")
    assert "requires a tag on every post" in setup.text and "Manage Threads" in setup.text, setup.text
    await harness.advance_to(NINE)
    assert forum_posts(forum) == []
    status = await mod.slash("daily status")
    assert "Manage Threads" in status.text and "Manage Channels" not in status.text, status.text
    forum.allow(guild.bot_role.id, "manage_threads")
    await harness.advance(days=1)
    assert len(forum_posts(forum)[-1].applied_tags) == 2
