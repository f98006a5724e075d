"""The daily quiz through the local Discord, from post to reveal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.localdiscord import BotHarness, CommandForbidden, SimChannel, SimMember
from bot.quiz import LETTERS


def quizzes(channel: SimChannel) -> list:
    return [m for m in channel.messages if m.embeds and m.embeds[0].get("title", "").startswith("Quiz #")]


async def correct_letter(harness: BotHarness) -> str:
    row = await harness.core.db.fetchone("SELECT correct FROM quiz_posts ORDER BY local_date DESC LIMIT 1")
    return LETTERS[row[0]]


async def quiz_source(harness: BotHarness) -> str:
    """Where the last quiz's card says its answer is in the study document, as members are shown it."""
    card_id = await harness.core.db.fetchval("SELECT card_id FROM quiz_posts ORDER BY local_date DESC LIMIT 1")
    card = harness.core.content.library.flashcard(card_id)
    assert card is not None
    return f"📖 Re-read it in the study document: {card.source.section} › {card.source.heading}."


async def test_a_full_day_post_picks_and_reveal(harness: BotHarness, mod: SimMember, alice: SimMember,
                                                bob: SimMember, carol: SimMember, daily: SimChannel) -> None:
    reply = await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    assert reply.ephemeral and "12:00" in reply.text
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    [post] = quizzes(daily)
    assert post.button_labels == ["A", "B", "C", "D"]
    assert post.embeds[0]["title"].startswith("Quiz #1 · Mon 02 Mar")
    right = await correct_letter(harness)
    wrong = next(letter for letter in LETTERS if letter != right)
    first = await alice.click(post, right)
    assert first.ephemeral and "locked in" in first.text and "right" not in first.text
    assert "Re-read" not in first.text  # it would give the answer away
    await bob.click(post, wrong)
    await carol.click(post, right)
    second = await alice.click(post, wrong)
    assert "already answered" in second.text and f"**{right}**" in second.text
    assert "answer is revealed <t:" in second.text and "is right" not in second.text  # still not given away
    await harness.advance(hours=11, minutes=59)
    assert "closed" not in post.embeds[0]["title"]
    await harness.advance(minutes=1)
    assert post.embeds[0]["title"].endswith("closed")
    assert f"The answer is **{right}**. 2 of 3 got it right." in post.embeds[0]["description"]
    source = await quiz_source(harness)
    assert post.embeds[0]["description"].endswith(source)
    late = await alice.click(post, wrong)
    assert "closed" in late.text and "✅ right" in late.text and late.text.endswith(source)
    rows = await harness.core.db.fetchall("SELECT DISTINCT kind FROM activity")
    assert [r[0] for r in rows] == ["quiz"]


async def test_reveal_now_tells_right_or_wrong_at_once(harness: BotHarness, mod: SimMember, alice: SimMember,
                                                       bob: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"reveal-now": True})
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    right = await correct_letter(harness)
    wrong = next(letter for letter in LETTERS if letter != right)
    source = await quiz_source(harness)
    assert (await alice.click(post, right)).text == f"✅ **{right}** is right!\n{source}"
    told = await bob.click(post, wrong)
    assert told.text == f"❌ **{wrong}** is not it; the answer is **{right}**.\n{source}"
    assert told.message is not None and told.message.pinged_user_ids == []
    # asked again (the first reply dismissed), the verdict is said again
    assert (await alice.click(post, wrong)).text == (f"You already answered **{right}**; your first answer counts, "
                                                      "and ✅ it is right.")
    assert (await bob.click(post, right)).text == (f"You already answered **{wrong}**; your first answer counts, "
                                                    f"and ❌ it is not it; the answer is **{right}**.")
    # told at once, so counted at once: the member's record does not wait for the close
    fields = {f["name"]: f["value"] for f in (await alice.slash("streak show")).embeds[0]["fields"]}
    assert fields["Daily quiz"] == "1 of 1 right (100%) · latest: ✅"


async def quiz_record(member: SimMember) -> str | None:
    """The Daily quiz line of the member's own `/streak show`, None when it has nothing to show."""
    fields = {f["name"]: f["value"] for f in (await member.slash("streak show")).embeds[0]["fields"]}
    return fields.get("Daily quiz")


async def test_the_record_counts_an_open_quiz_as_its_member_was_told(harness: BotHarness, mod: SimMember,
                                                                      alice: SimMember, bob: SimMember,
                                                                      carol: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"reveal-now": True})
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    right = await correct_letter(harness)
    assert (await alice.click(post, right)).text.startswith(f"✅ **{right}** is right!")
    # the moderator switches to telling at the close: this quiz's post said "as you answer", so it keeps that
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC")
    assert (await bob.click(post, right)).text.startswith(f"✅ **{right}** is right!")
    assert await quiz_record(alice) == await quiz_record(bob) == "1 of 1 right (100%) · latest: ✅"
    # tomorrow's quiz, told at the close: carol's record waits for its reveal
    await harness.advance(days=1)
    latest = quizzes(daily)[-1]
    assert "locked in" in (await carol.click(latest, await correct_letter(harness))).text
    assert await quiz_record(carol) is None
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"reveal-now": False})
    assert await quiz_record(bob) == "1 of 1 right (100%) · latest: ✅"  # he was told; it stays counted
    await harness.advance(hours=12)
    assert post.embeds[0]["title"].endswith("closed")
    assert await quiz_record(alice) == "1 of 1 right (100%) · latest: ✅"


async def test_a_members_own_profile_keeps_their_quiz_record(harness: BotHarness, mod: SimMember, alice: SimMember,
                                                              bob: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"close-after": 2})
    for pick_right in (True, True, False):  # three days: right, right, wrong
        await harness.advance(hours=1)
        post = quizzes(daily)[-1]
        right = await correct_letter(harness)
        await alice.click(post, right if pick_right else next(x for x in LETTERS if x != right))
        await harness.advance(hours=23)
    await harness.advance(hours=1)
    await alice.click(quizzes(daily)[-1], "A")  # today's quiz is still open: not counted yet
    fields = {f["name"]: f["value"] for f in (await alice.slash("streak show")).embeds[0]["fields"]}
    assert fields["Daily quiz"] == "2 of 3 right (67%) · latest: ✅✅❌"
    seen = await bob.slash("streak show", member=alice)
    assert "Daily quiz" not in {f["name"] for f in seen.embeds[0]["fields"]}  # only she sees her record
    assert "Daily quiz" not in {f["name"] for f in (await bob.slash("streak show")).embeds[0]["fields"]}


async def test_quiz_status_names_the_topics_members_get_wrong_most(harness: BotHarness, mod: SimMember,
                                                                  alice: SimMember, bob: SimMember,
                                                                  carol: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"close-after": 2})
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    right = await correct_letter(harness)
    wrong = next(letter for letter in LETTERS if letter != right)
    for member in (mod, alice, bob, carol, harness.guild.add_member("dave")):
        await member.click(post, right if member is carol else wrong)
    fields = {f["name"]: f["value"] for f in (await mod.slash("quiz status")).embeds[0]["fields"]}
    assert "Topics members get wrong most (30 days)" not in fields  # an open quiz is not counted

    await harness.advance(hours=2)
    card_id = await harness.core.db.fetchval("SELECT card_id FROM quiz_posts")
    card = harness.core.content.library.flashcard(card_id)
    assert card is not None
    fields = {f["name"]: f["value"] for f in (await mod.slash("quiz status")).embeds[0]["fields"]}
    assert fields["Topics members get wrong most (30 days)"].splitlines() == [
        f"• **{tag}** · 20% of 5 answers right" for tag in sorted(card.tags)[:3]]


async def test_the_reveal_survives_a_restart(harness: BotHarness, mod: SimMember, alice: SimMember,
                                             daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"close-after": 2})
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    await alice.click(post, "A")
    await harness.restart()
    await alice.click(post, "B")
    await harness.advance(hours=3)
    assert post.embeds[0]["title"].endswith("closed")
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM quiz_answers") == 1


async def test_a_quiz_open_when_the_bot_was_removed_is_revealed_once_it_is_added_back(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """The quiz closes while the bot is out of the server (and across a restart then): its answer cannot be shown
    there, and is not given up on either. Added back within the 30 days, the members who picked see it."""
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    [post] = quizzes(daily)
    right = await correct_letter(harness)
    await alice.click(post, right)
    harness.sim.remove_bot_from_guild(harness.guild)
    await harness.settle()
    await harness.advance(hours=13)  # the close falls while the bot is out
    await harness.restart()
    await harness.advance(hours=1)
    assert not post.embeds[0]["title"].endswith("closed")
    harness.sim.add_bot_to_guild(harness.guild)
    await harness.settle()
    await harness.advance(seconds=1)  # its close, due long ago, runs at once
    assert post.embeds[0]["title"].endswith("closed")
    assert f"The answer is **{right}**. 1 of 1 got it right." in post.embeds[0]["description"]


async def test_no_card_repeats_until_all_were_asked_and_dst_is_respected(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="Europe/Berlin")
    await harness.advance_to(datetime(2026, 4, 6, 12, tzinfo=UTC))  # 36 days, across the spring change
    cards = [r[0] for r in await harness.core.db.fetchall("SELECT card_id FROM quiz_posts ORDER BY local_date")]
    assert len(cards) == 36 and len(set(cards[:35])) == 35
    posted = {m.created_at.date(): m.created_at for m in quizzes(daily)}
    assert posted[datetime(2026, 3, 28).date()].hour == 8  # 09:00 CET
    assert posted[datetime(2026, 3, 30).date()].hour == 7  # 09:00 CEST
    assert len(posted) == 36


async def test_setup_rejects_bad_input_and_members(harness: BotHarness, mod: SimMember, alice: SimMember,
                                                   daily: SimChannel) -> None:
    bad = await mod.slash("quiz setup", channel=daily, time="noon", timezone="UTC")
    assert bad.ephemeral and "HH:MM" in bad.text
    status = await mod.slash("quiz status")
    assert "not set up" in status.text
    with pytest.raises(CommandForbidden):
        await alice.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await mod.slash("quiz pause")
    await harness.advance(hours=30)
    assert quizzes(daily) == []
    status = await mod.slash("quiz status")
    assert "Paused" in status.text and "Cards left in this cycle" in status.text


async def test_resume_brings_the_quiz_back(harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await mod.slash("quiz pause")
    await harness.advance(hours=30)
    resumed = await mod.slash("quiz resume")
    assert "back on" in resumed.text and "Active" in resumed.text
    assert "posting it now" in resumed.text  # today's 12:00 passed while paused: today's quiz is owed
    await harness.advance(hours=24)
    assert len(quizzes(daily)) == 2


async def test_moving_the_quiz_after_a_failed_post_posts_it_in_the_new_channel(
        harness: BotHarness, mod: SimMember, daily: SimChannel, general: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="10:00", timezone="Europe/Berlin")
    daily.deny(harness.sim.bot_user.id, "send_messages")
    with harness.sim.expect_errors(50013):
        await harness.advance_to(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))  # 10:30 in Berlin: the post failed
    assert quizzes(daily) == []
    await mod.slash("quiz setup", channel=general, time="14:00", timezone="Europe/Berlin")
    await harness.advance_to(datetime(2026, 3, 2, 13, 5, tzinfo=UTC))  # 14:05 in Berlin
    assert len(quizzes(general)) == 1 and quizzes(daily) == []


async def test_a_time_moved_before_now_or_a_resume_after_the_time_posts_todays_quiz_at_once(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="18:00", timezone="Europe/Berlin")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # 12:00 in Berlin: today's not out
    moved = await mod.slash("quiz setup", channel=daily, time="10:00", timezone="Europe/Berlin")
    assert "posting it now" in moved.text
    await harness.settle()
    assert len(quizzes(daily)) == 1
    await harness.restart()
    assert len(quizzes(daily)) == 1  # a restart later that day does not post it again
    await mod.slash("quiz pause")
    await harness.advance_to(datetime(2026, 3, 3, 11, 0, tzinfo=UTC))  # Tuesday's 10:00 passed while paused
    resumed = await mod.slash("quiz resume")
    assert "posting it now" in resumed.text
    await harness.settle()
    assert len(quizzes(daily)) == 2


async def test_a_first_setup_after_todays_time_waits_for_tomorrow_even_across_a_restart(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    reply = await mod.slash("quiz setup", channel=daily, time="07:00", timezone="UTC")  # now is 08:00 UTC
    assert "posting it now" not in reply.text
    await harness.advance(hours=1)
    await harness.restart()  # today's 07:00 passed before the schedule existed: nothing is owed
    assert quizzes(daily) == []
    await harness.advance_to(datetime(2026, 3, 3, 7, 1, tzinfo=UTC))  # the first time the reply announced
    assert len(quizzes(daily)) == 1


async def test_moving_the_quiz_later_after_todays_quiz_lists_tomorrow_first(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    assert len(quizzes(daily)) == 1
    moved = await mod.slash("quiz setup", channel=daily, time="15:00", timezone="UTC")
    today = f"<t:{int(datetime(2026, 3, 2, 15, 0, tzinfo=UTC).timestamp())}:"
    assert today not in moved.text + str(moved.embeds)
    assert f"<t:{int(datetime(2026, 3, 3, 15, 0, tzinfo=UTC).timestamp())}:" in moved.text + str(moved.embeds)


async def test_a_quiz_answer_missed_is_the_next_new_card_once_its_answer_is_shown(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC")
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    card_id = await harness.core.db.fetchval("SELECT card_id FROM quiz_posts")
    card = harness.core.content.library.flashcard(card_id)
    assert card is not None
    right = await correct_letter(harness)
    await alice.click(post, next(letter for letter in LETTERS if letter != right))
    await bob.click(post, right)
    usual = (await bob.slash("cards study")).embeds[0]  # the first new card of the deck, as for anyone
    assert card.front not in usual["description"]
    # still open and "locked in": the card she is shown gives nothing away
    assert (await alice.slash("cards study")).embeds[0]["description"] == usual["description"]

    await harness.advance(hours=12)  # the reveal
    front = (await alice.slash("cards study")).embeds[0]
    assert front["description"] == f"**{card.front}**"
    assert {f["name"]: f["value"] for f in front["fields"]}["From the daily quiz"] == (
        "You missed this one in the quiz of Mon 2 Mar, so it comes first among your new cards.")
    assert front["footer"]["text"].startswith("New card")
    assert (await bob.slash("cards study")).embeds[0]["description"] == usual["description"]  # he got it right


async def test_a_quiz_posted_late_after_a_failed_post_is_open_for_its_close_after_hours(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel, general: SimChannel) -> None:
    # 10:00 Berlin, open one hour. The post fails (no permission); a moderator moves it three hours later.
    await mod.slash("quiz setup", channel=daily, time="10:00", timezone="Europe/Berlin", **{"close-after": 1})
    daily.deny(harness.sim.bot_user.id, "send_messages")
    with harness.sim.expect_errors(50013):
        await harness.advance_to(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))  # 10:30 Berlin: the post failed
    assert quizzes(daily) == []
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))  # 13:00 Berlin
    moved = await mod.slash("quiz setup", channel=general, time="12:00", timezone="Europe/Berlin", **{"close-after": 1})
    assert "posting it now" in moved.text
    await harness.settle()
    [post] = quizzes(general)
    # Members get the hour the post promises to answer it: it is not closed the moment it appears.
    correct = await harness.core.db.fetchval("SELECT correct FROM quiz_posts")
    reply = await alice.click(post, LETTERS[(correct + 1) % 4])
    assert "locked in" in reply.text, reply.text
    await harness.advance(minutes=30)
    assert "closed" not in post.embeds[0]["title"]


async def test_an_open_quiz_keeps_the_reveal_rule_its_post_announced(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember, daily: SimChannel) -> None:
    # Posted "Answers are revealed at the close"; a moderator then turns reveal-now on for the next quizzes.
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC")
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    assert "Answers are revealed at the close." in post.embeds[0]["description"]
    correct = await harness.core.db.fetchval("SELECT correct FROM quiz_posts")
    wrong = LETTERS[(correct + 1) % 4]
    assert "locked in" in (await alice.click(post, wrong)).text
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"reveal-now": True})
    # Bob answers the same open quiz: he must be told at the close too, not given the answer now (which he
    # could pass on while the quiz is open, and which Alice, who answered first, was not given).
    told = await bob.click(post, wrong)
    assert "locked in" in told.text, told.text
    # and the rule set now holds for the next quiz, whose post says so
    await harness.advance(days=1)
    latest = quizzes(daily)[-1]
    assert "You will see right or wrong as you answer." in latest.embeds[0]["description"]


async def test_a_quiz_moved_earlier_on_its_first_day_is_posted_that_day(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """The first setup's reply promised today's quiz; moving its time to one already past today posts it now."""
    first = await mod.slash("quiz setup", channel=daily, time="12:00", timezone="Europe/Berlin")  # now 09:00
    assert f"<t:{int(datetime(2026, 3, 2, 11, 0, tzinfo=UTC).timestamp())}:" in first.text  # today's, first
    moved = await mod.slash("quiz setup", channel=daily, time="08:30", timezone="Europe/Berlin")
    assert "posting it now" in moved.text, moved.text
    await harness.settle()
    assert len(quizzes(daily)) == 1


async def test_a_quiz_whose_post_a_moderator_deleted_shows_its_answer_in_a_new_message_once(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """Members who answered still learn the answer: the results that would have replaced the deleted post's
    question are posted on their own, once, also across a restart."""
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"close-after": 2})
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    right = await correct_letter(harness)
    await alice.click(post, right)
    post.deleted = True  # a moderator deletes the quiz post; its answers stay in the database
    harness.sim.dispatch_if_connected("MESSAGE_DELETE", {"id": str(post.id), "channel_id": str(daily.id),
                                                         "guild_id": str(harness.guild.id)})
    await harness.advance(hours=2)
    [results] = [m for m in daily.messages if not m.deleted and m.embeds]
    assert results.embeds[0]["title"].startswith("Quiz #1") and results.embeds[0]["title"].endswith("closed")
    assert f"The answer is **{right}**. 1 of 1 got it right." in results.embeds[0]["description"]
    assert [e.code for e in harness.sim.errors] == [10008]  # the edit was tried first: Discord says it is gone
    harness.sim.errors.clear()
    await harness.restart()
    assert [m for m in daily.messages if not m.deleted and m.embeds] == [results]


async def only_own_cards(harness: BotHarness, mod: SimMember, card: Callable[[int], dict[str, Any]]) -> None:
    """Four cards of the server's own (``card(n)`` gives each one's fields over a shipped card's), and only the
    server's deck switched on for the quiz."""
    base = harness.core.content.library.flashcards[0]
    for number in range(1, 5):
        own = base.model_copy(update={"id": f"g{harness.guild.id}-c{number}", **card(number)})
        await harness.core.db.execute(
            "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, "
            "created_at, updated_at) VALUES (?, ?, 'card', 'server', ?, 'added', NULL, ?, 0, 0)",
            (harness.guild.id, own.id, own.model_dump_json(), mod.id))
    await mod.select(await mod.slash("content decks"), ["server"])


async def test_decks_whose_cards_share_one_answer_are_reported_not_left_silent(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """Four cards that all answer the same make no four-option question: the moderators are told, as for a deck
    with too few cards, and `/quiz status` shows the problem."""
    general = harness.guild.channel("general")
    harness.guild.system_channel_id = general.id  # where the moderators are told
    await harness.restart()
    await only_own_cards(harness, mod, lambda n: {"front": f"Which step is number {n}?", "back": "The retrieval step",
                                                  "wrong_answers": []})
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC")
    await harness.advance(hours=2)
    assert quizzes(daily) == []
    status = await mod.slash("quiz status")
    problem = {f["name"]: f["value"] for f in status.embeds[0]["fields"]}.get("⚠️ Problem", "")
    assert "different answers" in problem, status.text
    told = [m.content for m in general.messages if m.content.startswith("I could not post today's quiz")]
    assert len(told) == 1 and "different answers" in told[0], told


async def test_a_reveal_refused_all_its_window_is_reported_to_the_moderators(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """The bot lost sight of the quiz channel before the close and never got it back (the quiz was paused, so no
    later post fails there either): the answer cannot be shown, so the moderators are told once."""
    general = harness.guild.channel("general")
    harness.guild.system_channel_id = general.id  # where the moderators are told
    await harness.restart()
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"close-after": 2})
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    await alice.click(post, await correct_letter(harness))
    await mod.slash("quiz pause")
    daily.deny(harness.sim.bot_user.id, "view_channel")
    await harness.advance(hours=30)  # past the close and the day the reveal is tried again
    assert "closed" not in post.embeds[0]["title"]
    notices = [m for m in general.messages if "quiz" in m.content.lower()]
    assert len(notices) == 1 and "I cannot see #daily" in notices[0].content, [m.content for m in general.messages]
    await harness.restart()
    assert len([m for m in general.messages if "quiz" in m.content.lower()]) == 1


async def test_a_quiz_sent_but_not_recorded_is_adopted_at_start_before_the_next_days_time(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    await mod.slash("quiz setup", channel=daily, time="10:00", timezone="Europe/Berlin", **{"close-after": 23})
    harness.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # 10:00 in Berlin
    service = harness.bot.get_cog("Quiz").service
    schedule = await service.repo.schedule(harness.guild.id)
    now = harness.clock.now()
    post, _ = await service._claim(schedule, now.date(), now, now)
    await service.publisher.publish(post)
    await harness.stop()  # dies before the message id is written; comes back early the next morning
    harness.clock.set(datetime(2026, 3, 3, 6, 0, tzinfo=UTC))  # 07:00 in Berlin: still open, Tuesday's not due
    await harness.start()
    [shown] = quizzes(daily)
    # The quiz Discord has is adopted at start: members can still answer it while it is open.
    picked = await alice.click(shown, await correct_letter(harness))
    assert "locked in" in picked.text, picked.text


async def test_a_server_with_only_a_quiz_counts_its_members_days_in_the_quizs_timezone(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """The quiz's zone is the only one its moderators chose: an answer at 20:00 in Los Angeles on Monday counts
    for Monday (04:00 on Tuesday in UTC), as a daily prompt's server would count it."""
    await mod.slash("quiz setup", channel=daily, time="19:00", timezone="America/Los_Angeles")
    await harness.advance_to(datetime(2026, 3, 3, 4, 0, tzinfo=UTC))  # Monday 20:00 in Los Angeles
    [post] = quizzes(daily)
    await alice.click(post, "A")
    rows = await harness.core.db.fetchall("SELECT local_date FROM activity WHERE user_id = ?", (alice.id,))
    assert [r[0] for r in rows] == ["2026-03-02"]


async def test_a_quiz_on_discord_but_not_yet_recorded_takes_the_first_click(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """Discord took the quiz but its message id is not written yet (Discord's answer was lost: the retry that
    adopts it comes later). The members see it and answer it: their first click counts, it is not refused."""
    await mod.slash("quiz setup", channel=daily, time="10:00", timezone="UTC")
    harness.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    service = harness.bot.get_cog("Quiz").service
    schedule = await service.repo.schedule(harness.guild.id)
    now = harness.clock.now()
    post, _ = await service._claim(schedule, now.date(), now, now)
    await service.publisher.publish(post)
    [shown] = quizzes(daily)
    right = await correct_letter(harness)
    picked = await alice.click(shown, right)
    assert "locked in" in picked.text, picked.text
    await service.deliver(harness.guild.id)  # the retry finds the post Discord has and adopts it
    assert len(quizzes(daily)) == 1
    await harness.advance(hours=12)
    assert "1 of 1 got it right" in shown.embeds[0]["description"]


async def test_a_card_whose_quiz_could_not_be_posted_is_asked_before_any_card_repeats(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """A day whose post Discord refused asked nothing: its card is still owed to the cycle, so it is asked on a
    later day before the rotation starts again and repeats a card the members have already seen."""
    await only_own_cards(harness, mod, lambda n: {"front": f"Which step is {n}?",
                                                  "back": f"Step number {n} of the pipeline"})
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC")
    daily.deny(harness.sim.bot_user.id, "send_messages")
    with harness.sim.expect_errors(50013):
        await harness.advance_to(datetime(2026, 3, 2, 10, tzinfo=UTC))  # Monday's post is refused
    assert quizzes(daily) == []
    daily.clear_overwrite(harness.sim.bot_user.id)
    await harness.advance_to(datetime(2026, 3, 6, 10, tzinfo=UTC))  # Tuesday to Friday are posted
    asked = [row[0] for row in await harness.core.db.fetchall(
        "SELECT card_id FROM quiz_posts WHERE status != 'failed' ORDER BY local_date")]
    assert len(asked) == 4 and len(set(asked)) == 4, asked


async def test_a_reveal_due_at_a_start_during_a_discord_outage_is_shown_once_the_server_is_back(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """The bot starts again while Discord lists the server as unavailable, and the quiz closes before the server
    is back: none of its channels is known then, which is no deleted channel, so the answer is shown once the
    server is back rather than given up on."""
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    [post] = quizzes(daily)
    right = await correct_letter(harness)
    await alice.click(post, right)
    await harness.restart_in_outage(harness.guild)
    await harness.advance(hours=13)  # the close falls during the outage
    await harness.end_outage(harness.guild)  # the server is available again
    await harness.advance(hours=1)
    assert post.embeds[0]["title"].endswith("closed")
    assert f"The answer is **{right}**. 1 of 1 got it right." in post.embeds[0]["description"]


async def test_a_quiz_due_during_a_discord_outage_is_posted_once_the_server_is_back(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """The bot starts again while Discord lists the server as unavailable, and the quiz's time falls before the
    server is back: its channel is not known then, which is no deleted channel, so the quiz is posted once the
    server is back and the moderators are told of no failure."""
    await mod.slash("quiz setup", channel=daily, time="12:00", timezone="UTC")
    await harness.advance_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    await harness.restart_in_outage(harness.guild)
    await harness.advance_to(datetime(2026, 3, 2, 12, 5, tzinfo=UTC))
    await harness.end_outage(harness.guild)  # the server is available again
    await harness.advance(hours=1)
    [post] = quizzes(daily)
    assert post.button_labels == ["A", "B", "C", "D"]
    assert not any("could not" in m.content.lower() for channel in harness.guild.channels.values()
                   for m in channel.messages)


async def test_a_quiz_open_for_one_hour_says_one_hour(mod: SimMember, daily: SimChannel) -> None:
    reply = await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"close-after": 1})
    assert "and close 1 hour later." in reply.text and "Open for\n1 hour\n" in reply.text
    assert "Open for\n1 hour\n" in (await mod.slash("quiz status")).text


async def test_setup_in_a_channel_the_bot_cannot_post_in_says_what_to_do(harness: BotHarness, mod: SimMember,
                                                                         daily: SimChannel) -> None:
    daily.deny(harness.sim.bot_user.id, "send_messages")
    await harness.settle()
    reply = await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC")
    assert "I am missing **Send Messages**" in reply.text
    assert "grant them or the quiz will not be posted" in reply.text


async def test_a_quiz_sent_before_a_crash_is_not_posted_again_where_the_bot_may_not_read_the_channel(
        harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """Without Read Message History Discord shows the bot an empty history, so a quiz an earlier attempt sent
    cannot be found there: it must not be sent a second time once Discord's nonce has long expired."""
    await mod.slash("quiz setup", channel=daily, time="10:00", timezone="Europe/Berlin", **{"close-after": 23})
    harness.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))  # 10:00 in Berlin
    service = harness.bot.get_cog("Quiz").service
    schedule = await service.repo.schedule(harness.guild.id)
    now = harness.clock.now()
    post, _ = await service._claim(schedule, now.date(), now, now)
    await service.publisher.publish(post)
    await harness.stop()  # dies before the message id is written
    daily.deny(harness.sim.bot_user.id, "read_message_history")  # taken away while the bot was down
    harness.clock.set(datetime(2026, 3, 2, 9, 20, tzinfo=UTC))  # past Discord's nonce window
    await harness.start()
    await harness.advance_to(datetime(2026, 3, 2, 22, 0, tzinfo=UTC))
    assert len(quizzes(daily)) == 1, "the quiz was posted again after a restart"
    chosen = await mod.slash("quiz setup", channel=daily, time="10:00", timezone="Europe/Berlin")
    assert "Read Message History" in chosen.text  # the moderators are told what to grant
    shown = await mod.slash("studybot settings show")
    assert "Read Message History" in {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}["Daily quiz"]
