"""Flashcard review through the local Discord: a member's weeks of study as they see it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.content.loader import ContentLibrary
from bot.localdiscord import BotHarness, Reply, SimMember
from bot.localdiscord.state import iter_components
from tests.cogs.test_content_uploads import insert_own_card


def button(reply: Reply, starts: str) -> str:
    for component in iter_components(reply.components):
        if component.get("type") == 2 and (component.get("label") or "").startswith(starts):
            return component["custom_id"]
    raise AssertionError(f"no button starting {starts!r}: {reply.button_labels}")


async def review_everything(member: SimMember, grade: str = "Good", limit: int = 60) -> tuple[Reply, list[str]]:
    """Open a session and grade every card offered; return the last screen and the fronts seen."""
    screen = await member.slash("cards study")
    fronts = []
    for _ in range(limit):
        if "Reveal" not in screen.button_labels:
            return screen, fronts
        fronts.append(screen.embeds[0]["description"])
        back = await member.click(screen, "Reveal")
        assert len(back.button_labels) == 4
        screen = await member.click(back, button(back, grade))
    raise AssertionError("the session never ended")


async def test_a_session_reveals_grades_and_caps_new_cards(harness: BotHarness, alice: SimMember) -> None:
    first = await alice.slash("cards study")
    assert first.ephemeral and first.button_labels == ["Reveal"]
    assert "New card" in first.embeds[0]["footer"]["text"]
    back = await alice.click(first, "Reveal")
    labels = back.button_labels
    assert [label.split(" · ")[0] for label in labels] == ["Again", "Hard", "Good", "Easy"]
    assert labels[0].endswith("1m") and labels[2].endswith("10m")  # FSRS learning steps
    assert "Source" in back.text
    screen, fronts = await review_everything(alice)
    assert len(fronts) == 10 - 1 + 1  # the first card was revealed above and is still the next one
    assert "10 cards you are still learning come back" in screen.text and "new-card limit" in screen.text
    assert screen.button_labels == ["Continue", "Finish", "Undo grade"]  # learning steps keep the session going
    stats = await alice.slash("cards stats")
    fields = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}
    assert fields["Reviewed today"] == "10" and fields["Due today"] == "10"
    assert re.fullmatch(r"Today \*\*10\*\*( · [A-Z][a-z]{2} 0){6}", fields["Coming up"])  # all back within minutes
    shipped = len(harness.core.content.library.flashcards)
    assert fields["Your cards"] == f"New {shipped - 10} · Learning 10 · Young 0 · Mature 0 (next review 21+ days out)"
    rows = await harness.core.db.fetchall("SELECT kind FROM activity WHERE user_id = ?", (alice.id,))
    assert [r[0] for r in rows] == ["review"]  # a review session counts for the streak


async def test_a_double_click_records_one_review(harness: BotHarness, alice: SimMember) -> None:
    first = await alice.slash("cards study")
    back = await alice.click(first, "Reveal")
    good = button(back, "Good")
    clicks = [alice.start_click(back, good), alice.start_click(back, good)]  # both sent before any reply
    await harness.settle()
    answers = [click.response_data or {} for click in clicks]
    assert sum("already graded" in (a.get("content") or "") for a in answers) == 1
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews") == 1
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews") == 1


async def test_a_stale_session_from_yesterday_restarts_cleanly(harness: BotHarness, alice: SimMember) -> None:
    old = await alice.slash("cards study")
    back = await alice.click(old, "Reveal")
    await review_everything(alice)
    await harness.advance(hours=30)
    await harness.restart()
    stale = await alice.click(back, button(back, "Easy"))
    assert "already graded" in stale.text and stale.button_labels == ["Continue"]
    resumed = await alice.click(stale, "Continue")
    assert resumed.button_labels == ["Reveal"]  # the next due card, in the same message
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE rating = 4") == 0


async def test_a_month_of_reviews_grows_intervals(harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 3})
    card_id = None
    intervals: list[int] = []
    for _day in range(45):
        await review_everything(alice)
        await harness.advance(minutes=11)  # learning steps bring new cards back within the day
        await review_everything(alice)
        if card_id is None:
            card_id = await harness.core.db.fetchval(
                "SELECT card_id FROM card_states WHERE user_id = ? ORDER BY introduced_at, card_id", (alice.id,))
        interval = await harness.core.db.fetchval(
            "SELECT due - last_review FROM card_states WHERE user_id = ? AND card_id = ?", (alice.id, card_id))
        if not intervals or intervals[-1] != interval:
            intervals.append(interval)
        await harness.advance(hours=23, minutes=49)
    days = [round(seconds / 86400) for seconds in intervals]
    assert len(days) >= 3 and days == sorted(days) and len(set(days)) == len(days), days
    assert days[0] <= 3 and days[-1] >= 30  # FSRS: a couple of days at first, over a month by the end
    started = await harness.core.db.fetchval("SELECT COUNT(*) FROM card_states WHERE user_id = ?", (alice.id,))
    assert started == 45 * 3  # 3 new a day, every day: the deck outlasts the month and a half
    state = await harness.core.db.fetchval("SELECT MIN(state) FROM card_states WHERE user_id = ?", (alice.id,))
    assert state == 2  # all in review
    mature = await harness.core.db.fetchval("SELECT COUNT(*) FROM card_states WHERE user_id = ? AND due - last_review "
                                            ">= 21 * 86400", (alice.id,))
    fields = {f["name"]: f["value"] for f in (await alice.slash("cards stats")).embeds[0]["fields"]}
    new = len(harness.core.content.library.flashcards) - started
    assert 0 < mature < started
    assert fields["Your cards"].startswith(f"New {new} · Learning 0 · Young {started - mature} · Mature {mature} ")


async def test_the_new_card_day_follows_the_members_timezone(harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("streak timezone", timezone="Asia/Tokyo")  # 08:00 UTC is 17:00 in Tokyo
    await alice.slash("cards settings", **{"new-per-day": 2})
    _, fronts = await review_everything(alice)
    assert len(fronts) == 2
    await harness.advance_to(datetime(2026, 3, 2, 14, 50, tzinfo=UTC))  # 23:50 Tokyo: same day
    _, fronts = await review_everything(alice)
    assert len(fronts) == 2  # the two learning cards come back, no new ones
    await harness.advance(minutes=15)  # past midnight in Tokyo
    _, fronts = await review_everything(alice)
    assert len(fronts) == 2 and all("New" not in f for f in fronts)
    stats = await alice.slash("cards stats")
    assert "4 of 193 cards started" in stats.embeds[0]["footer"]["text"]


async def test_a_pack_change_between_days_keeps_edited_cards_and_skips_removed_ones(
        harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 2})
    await review_everything(alice)
    started = [row[0] for row in await harness.core.db.fetchall("SELECT card_id FROM card_states ORDER BY card_id")]
    removed, edited = started
    store = harness.core.content
    pack = store.library.packs[0]
    cards = tuple(c.model_copy(update={"front": c.front + " (reworded)"}) if c.id == edited else c
                  for c in pack.flashcards if c.id != removed)
    store._library = ContentLibrary.of([replace(pack, flashcards=cards)])  # the next day's pack version
    await harness.advance(hours=24)
    screen, fronts = await review_everything(alice)
    assert any("(reworded)" in f for f in fronts)  # its state was kept: it came back as a review
    assert await harness.core.db.fetchval(
        "SELECT reps FROM card_states WHERE card_id = ?", (edited,)) == 2
    assert await harness.core.db.fetchval("SELECT reps FROM card_states WHERE card_id = ?", (removed,)) == 1
    assert "still learning" in screen.text  # the day's two new cards are in their learning steps


async def test_a_card_marked_again_comes_back_before_the_session_ends(harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 2})
    first = await alice.slash("cards study")
    front = first.embeds[0]["description"]
    back = await alice.click(first, "Reveal")
    screen = await alice.click(back, button(back, "Again"))
    assert "Again · back in 1m" in screen.text and screen.button_labels == ["Reveal", "Undo grade"]  # 2nd new card
    revealed = await alice.click(screen, "Reveal")
    second = await alice.click(revealed, button(revealed, "Good"))
    assert second.button_labels == ["Continue", "Finish", "Undo grade"] and "keep going" in second.text
    # The Again card is back in a minute, the other in ten: the time named is the first's, and says so.
    assert re.search(r"2 cards you are still learning come back soon, the first <t:\d+:R>\.", second.text)
    again = await alice.click(second, "Continue")
    assert again.embeds[0]["description"] == front and again.button_labels == ["Reveal"]  # the Again card
    assert "Still learning" in again.embeds[0]["footer"]["text"]
    back = await alice.click(again, "Reveal")
    screen = await alice.click(back, button(back, "Good"))
    assert screen.button_labels == ["Continue", "Finish", "Undo grade"]
    summary = await alice.click(screen, "Finish")
    assert summary.button_labels == [] and "Session finished" in summary.text
    assert "**3** reviewed · **1** Again" in summary.text and "Next card due" in summary.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE user_id = ?", (alice.id,)) == 3


async def test_a_session_ends_with_the_days_summary_when_nothing_comes_back_soon(
        harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 1})
    first = await alice.slash("cards study")
    back = await alice.click(first, "Reveal")
    done = await alice.click(back, button(back, "Easy"))  # graduates at once: due in days
    assert done.button_labels == ["Undo grade"] and "all caught up" in done.text
    assert "**1** reviewed · **0** Again" in done.text and "Next card due" in done.text


async def test_stats_next_due_when_a_card_is_due_now(harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 2})
    screen = await alice.slash("cards study")
    back = await alice.click(screen, "Reveal")
    screen = await alice.click(back, button(back, "Good"))   # card A: back in 10 minutes
    back = await alice.click(screen, "Reveal")
    screen = await alice.click(back, button(back, "Easy"))   # card B: back in days
    await harness.advance(minutes=30)                        # card A is due now
    stats = await alice.slash("cards stats")
    fields = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}
    assert fields["Due today"] == "1"
    shown = int(re.search(r"<t:(\d+):R>", fields["Next due"]).group(1))
    now = int(harness.clock.now().timestamp())
    assert shown <= now, f"Next due {(shown - now) / 86400:.1f} days away while card A is due now"


async def test_finish_summary_next_due_when_a_card_is_due_now(harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 2})
    screen = await alice.slash("cards study")
    back = await alice.click(screen, "Reveal")
    screen = await alice.click(back, button(back, "Easy"))   # card A: back in days
    back = await alice.click(screen, "Reveal")
    waiting = await alice.click(back, button(back, "Good"))  # card B: back in 10 minutes
    assert waiting.button_labels == ["Continue", "Finish", "Undo grade"]
    await harness.advance(minutes=30)                         # card B is due now
    summary = await alice.click(waiting, "Finish")
    shown = int(re.search(r"Next card due <t:(\d+):R>", summary.text).group(1))
    now = int(harness.clock.now().timestamp())
    assert shown <= now, f"Next card due {(shown - now) / 86400:.1f} days away while card B is due now"


async def test_reveal_shows_the_card_on_screen_even_if_an_again_card_fell_due(
        harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 2})
    first = await alice.slash("cards study")
    front_a = first.embeds[0]["description"]
    back = await alice.click(first, "Reveal")
    second = await alice.click(back, button(back, "Again"))  # the first card comes back in 1 minute
    front_b = second.embeds[0]["description"]
    assert second.button_labels == ["Reveal", "Undo grade"] and front_b != front_a
    await harness.advance(minutes=2)  # alice thinks about card B for two minutes
    revealed = await alice.click(second, "Reveal")
    assert "already reviewed" not in revealed.text, revealed.text  # card B was never reviewed
    assert revealed.embeds[0]["description"].startswith(front_b), revealed.embeds[0]["description"][:80]
    assert len(revealed.button_labels) == 4


async def test_the_keep_going_screen_names_when_the_learning_cards_come_back_not_a_review_card(
        harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 1})
    first = await alice.slash("cards study")
    back = await alice.click(first, "Reveal")
    await alice.click(back, button(back, "Easy"))  # card A graduates at once: a review card, due in days
    review_due = int(await harness.core.db.fetchval("SELECT due FROM card_states WHERE user_id = ?", (alice.id,)))
    await harness.advance_to(datetime.fromtimestamp(review_due - 5 * 60, UTC))  # card A is due in 5 minutes
    screen = await alice.slash("cards study")
    assert "New card" in screen.embeds[0]["footer"]["text"]  # card B, the day's one new card
    back = await alice.click(screen, "Reveal")
    waiting = await alice.click(back, button(back, "Good"))  # card B: learning, back in 10 minutes
    assert waiting.button_labels == ["Continue", "Finish", "Undo grade"]
    learning_due = int(await harness.core.db.fetchval(
        "SELECT due FROM card_states WHERE user_id = ? AND state IN (1, 3)", (alice.id,)))
    shown = int(re.search(r"still learning comes back <t:(\d+):R>", waiting.text).group(1))
    assert shown == learning_due, f"named card A's review time ({review_due}), not card B's ({learning_due})"
    assert "**Continue** to see it now" in waiting.text, waiting.text  # one card: "it", not "them"


async def grade_first(member: SimMember, label: str) -> tuple[str, str]:
    """Open a session and grade its first card ``label``: the card's front, and the note on the grade the next
    screen shows (each read before a click edits the message in place)."""
    screen = await member.slash("cards study")
    front = screen.embeds[0]["description"]
    back = await member.click(screen, "Reveal")
    after = await member.click(back, button(back, label))
    return front, {f["name"]: f["value"] for f in after.embeds[0].get("fields", [])}.get("Last card", "")


async def forget_twice(harness: BotHarness, member: SimMember, *, then_stats: bool = False) -> str:
    """Learn one card, then forget and relearn it twice over 80 days; its front."""
    await member.slash("cards settings", **{"new-per-day": 1})
    front = (await grade_first(member, "Easy"))[0]  # learned at once: back in days
    for lapse in (1, 2):
        await harness.advance(days=40)
        shown, note = await grade_first(member, "Again")
        assert shown == front  # due first, and forgotten: a lapse
        assert ("forgotten 2 times now" in note) is (lapse == 2)  # a leech from the second lapse on
        await harness.advance(minutes=30)
        assert (await grade_first(member, "Good"))[0] == front  # relearned
        if then_stats and lapse == 1:
            fields = {f["name"]: f["value"] for f in (await member.slash("cards stats")).embeds[0]["fields"]}
            assert "Cards you forget most" not in fields  # once is normal forgetting
    return front


async def test_stats_name_the_cards_a_member_keeps_forgetting_and_where_to_re_read_them(
        harness: BotHarness, alice: SimMember) -> None:
    front = await forget_twice(harness, alice, then_stats=True)
    hardest = {f["name"]: f["value"] for f in (await alice.slash("cards stats")).embeds[0]["fields"]}[
        "Cards you forget most"]
    assert front.strip("*") in hardest and "forgotten 2 times" in hardest and "re-read Section" in hardest


async def test_a_card_set_aside_stays_out_of_reviews_until_the_member_brings_it_back(
        harness: BotHarness, alice: SimMember) -> None:
    front = await forget_twice(harness, alice)
    await harness.advance(days=40)
    screen = await alice.slash("cards study")
    assert screen.embeds[0]["description"] == front  # due again
    back = await alice.click(screen, "Reveal")
    fields = {f["name"]: f["value"] for f in back.embeds[0]["fields"]}
    assert "re-read its source" in fields["Forgotten 2 times"]
    assert back.button_labels[-1] == "Set aside" and len(back.button_labels) == 5
    card_id = button(back, "Set aside").rsplit(":", 1)[1]
    after = await alice.click(back, "Set aside")
    assert after.embeds[0]["description"] != front  # the session moved on (today's new card)
    note = {f["name"]: f["value"] for f in after.embeds[0]["fields"]}["Last card"]
    assert note.startswith("Set aside: ") and "/cards set-aside" in note
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE card_id = ?", (card_id,)) == 5

    stats = {f["name"]: f["value"] for f in (await alice.slash("cards stats")).embeds[0]["fields"]}
    assert stats["Set aside"].startswith("1 card out of your reviews") and "Cards you forget most" not in stats
    for _ in range(3):  # months pass: it is never shown, and never offered as a new card again
        await harness.advance(days=40)
        _, fronts = await review_everything(alice)
        assert front not in fronts

    listed = await alice.slash("cards set-aside")
    assert front.strip("*") in listed.embeds[0]["description"] and "forgotten 2 times" in listed.embeds[0]["description"]
    with pytest.raises(AssertionError, match="offers only"):  # Discord's client offers only the menu's cards
        await alice.select(listed, [card_id, "not-set-aside"])
    with pytest.raises(AssertionError, match="1 to 1 picks"):
        await alice.select(listed, [])
    brought = await alice.select(listed, [card_id])
    assert "Back in your reviews: **1** card" in brought.text
    again = await alice.slash("cards study")
    assert again.embeds[0]["description"] == front  # overdue meanwhile: it comes first
    assert "no cards set aside" in (await alice.slash("cards set-aside")).text


async def test_older_messages_for_a_card_set_aside_since_record_nothing(harness: BotHarness, alice: SimMember) -> None:
    """A member with several session messages open sets a card aside from one: the others' Reveal and grades
    for that card record nothing and say why, and a second bring-back menu brings nothing back twice."""
    front = await forget_twice(harness, alice)
    await harness.advance(days=40)
    older_front = await alice.slash("cards study")
    older_back = await alice.click(await alice.slash("cards study"), "Reveal")
    older_good = button(older_back, "Good")
    current = await alice.click(await alice.slash("cards study"), "Reveal")
    assert older_front.embeds[0]["description"] == front and current.embeds[0]["description"].startswith(front)
    card_id = button(current, "Set aside").rsplit(":", 1)[1]
    await alice.click(current, "Set aside")
    state = "SELECT due, reps, lapses FROM card_states WHERE card_id = ?"
    before = await harness.core.db.fetchall(state, (card_id,))
    reviews = await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE card_id = ?", (card_id,))

    graded = await alice.click(older_back, older_good)
    note = {f["name"]: f["value"] for f in graded.embeds[0]["fields"]}["Last card"]
    assert note.startswith("That card is set aside, so nothing was recorded") and "/cards set-aside" in note
    assert not graded.embeds[0]["description"].startswith(front)  # the session moved on
    revealed = await alice.click(older_front, "Reveal")
    assert not revealed.embeds[0]["description"].startswith(front)
    assert "already reviewed or set aside" in str(revealed.embeds[0])
    assert await harness.core.db.fetchall(state, (card_id,)) == before
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE card_id = ?",
                                          (card_id,)) == reviews

    first_menu, second_menu = await alice.slash("cards set-aside"), await alice.slash("cards set-aside")
    assert "Back in your reviews: **1** card" in (await alice.select(first_menu, [card_id])).text
    due_back = await harness.core.db.fetchall(state, (card_id,))
    assert (await alice.select(second_menu, [card_id])).text == "Those cards are already back in your reviews."
    assert await harness.core.db.fetchall(state, (card_id,)) == due_back
    assert (await alice.slash("cards study")).embeds[0]["description"] == front


async def test_a_misclicked_grade_is_undone_and_graded_again_even_after_a_restart(
        harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 2})
    first = await alice.slash("cards study")
    front = first.embeds[0]["description"]
    back = await alice.click(first, "Reveal")
    good = next(label for label in back.button_labels if label.startswith("Good"))
    graded = await alice.click(back, button(back, "Again"))  # meant Good
    assert graded.button_labels == ["Reveal", "Undo grade"]
    card_id = button(graded, "Undo grade").split(":")[3]
    await harness.restart()  # the button outlives the process

    undone = await alice.click(graded, "Undo grade")
    assert undone.content.startswith("↩️ Grade undone") and undone.embeds[0]["description"].startswith(front)
    assert undone.button_labels[2] == good  # the same back, the same intervals as before the misclick
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE card_id = ?", (card_id,)) == 0
    regraded = await alice.click(undone, button(undone, "Good"))
    note = {f["name"]: f["value"] for f in regraded.embeds[0]["fields"]}["Last card"]
    assert note == f"Good · back in {good.rsplit(' · ', 1)[1]}"
    rows = await harness.core.db.fetchall("SELECT rating FROM card_reviews WHERE card_id = ?", (card_id,))
    assert [r[0] for r in rows] == [3]

    other = await alice.slash("cards study")  # another session message grades the next card
    other_back = await alice.click(other, "Reveal")
    await alice.click(other_back, button(other_back, "Easy"))
    stale = await alice.click(regraded, "Undo grade")  # no longer the last grade
    assert {f["name"]: f["value"] for f in stale.embeds[0]["fields"]}["Last card"].startswith("Nothing to undo")
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE card_id = ?", (card_id,)) == 1


async def test_a_grade_undone_after_its_deck_was_switched_off_is_taken_back_but_not_shown(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    first = await alice.slash("cards study")
    back = await alice.click(first, "Reveal")
    graded = await alice.click(back, button(back, "Good"))
    card_id = button(graded, "Undo grade").split(":")[3]
    await mod.select(await mod.slash("content decks"), [])  # every deck off while the screen is open

    undone = await alice.click(graded, "Undo grade")
    note = {f["name"]: f["value"] for f in undone.embeds[0]["fields"]}["Last card"]
    assert note.startswith("Grade undone. That card is not in your reviews here now (its deck is off")
    assert "Reveal" not in undone.button_labels and not any(label.startswith("Good") for label in undone.button_labels)
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE card_id = ?", (card_id,)) == 0
    assert await harness.core.db.fetchval("SELECT reps FROM card_states WHERE card_id = ?", (card_id,)) in (None, 0)


async def test_a_member_studies_one_topic_until_they_choose_every_topic_again(
        harness: BotHarness, alice: SimMember) -> None:
    choices = await alice.autocomplete("cards study", "topic", "retr")
    assert choices[0] == {"name": "All topics", "value": "all"}
    assert choices[1]["value"] == "retrieval" and re.fullmatch(r"retrieval \(\d+ cards\)", choices[1]["name"])
    tagged = {card.front for card in harness.core.content.library.flashcards if "retrieval" in card.tags}

    await alice.slash("cards settings", **{"new-per-day": 100})
    screen = await alice.slash("cards study", topic="retrieval")
    assert screen.embeds[0]["footer"]["text"].endswith(" · topic retrieval")
    screen, fronts = await review_everything(alice, "Easy", limit=len(tagged) + 5)
    assert {front.strip("*") for front in fronts} == tagged  # every retrieval card, and only those
    assert "You are all caught up on **retrieval**" in screen.embeds[0]["description"]
    assert "`/cards study topic:all`" in screen.embeds[0]["description"]
    assert (await alice.slash("cards stats")).embeds[0]["title"] == "Your flashcards · topic retrieval"
    assert "topic retrieval only" in (await alice.slash("cards decks")).embeds[0]["footer"]["text"]

    unknown = await alice.slash("cards settings", deck="ai-native-careers", topic="astrology")
    assert unknown.ephemeral and "No card in the decks you study has that topic" in unknown.text
    assert "You study every deck listed, topic retrieval only" in (await alice.slash("cards decks")).embeds[0][
        "footer"]["text"]  # the deck given with the refused topic was not saved either
    everything = await alice.slash("cards study", topic="all")
    assert "Reveal" in everything.button_labels and "topic" not in everything.embeds[0]["footer"]["text"]
    assert everything.embeds[0]["description"].strip("*") not in tagged


async def test_stats_name_the_topics_a_member_recalls_below_their_aim(harness: BotHarness, alice: SimMember) -> None:
    memory = [c.id for c in harness.core.content.library.flashcards if "memory" in c.tags][:2]
    now = int(harness.core.clock.now().timestamp())
    for rep, (card_id, rating) in enumerate([(memory[0], 1), (memory[0], 3), (memory[1], 1), (memory[1], 1),
                                             (memory[1], 3)], start=1):  # weeks of reviews of due cards
        await harness.core.db.execute(
            "INSERT INTO card_reviews (user_id, guild_id, card_id, rating, state_before, rep, reviewed_at) "
            "VALUES (?, ?, ?, ?, 2, ?, ?)", (alice.id, harness.guild.id, card_id, rating, rep, now - rep * 86400))
    fields = {f["name"]: f["value"] for f in (await alice.slash("cards stats")).embeds[0]["fields"]}
    drill = fields["Topics to drill (recalled below your aim, 30 days)"]
    assert drill.splitlines()[0].startswith("• **") and "• **memory** · 40% of 5 recalled · " \
        "`/cards study topic:memory`" in drill
    assert fields["Retention (30 days)"] == "40% of 5"
    stats = await alice.slash("cards stats")
    assert "Drill memory" in stats.button_labels and len(stats.button_labels) <= 3
    await harness.restart()  # the button outlives the process
    drilled = await alice.click(stats, "Drill memory")
    assert drilled.ephemeral and drilled.text.startswith("You now study only cards on **memory**")
    assert drilled.embeds[0]["footer"]["text"].endswith(" · topic memory") and "Reveal" in drilled.button_labels
    assert stats.embeds[0]["title"] == "Your flashcards"  # the stats message stays as it was


async def test_a_drill_from_the_stats_of_another_deck_studies_that_deck_and_topic(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """The stats of a deck the member does not study name that deck's weak topics; its Drill button switches to
    that deck as well (the member's own deck need not hold the topic at all)."""
    base = harness.core.content.library.flashcards[0]
    own = [base.model_copy(update={"id": f"g{harness.guild.id}-c{i}", "front": f"Which planet is number {i}?",
                                   "tags": ["astro"]}) for i in range(3)]
    for card in own:
        await harness.core.db.execute(
            "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, "
            "created_at, updated_at) VALUES (?, ?, 'card', 'server', ?, 'added', NULL, ?, 0, 0)",
            (harness.guild.id, card.id, card.model_dump_json(), mod.id))
    await alice.slash("cards settings", deck="ai-native-careers")  # which holds no card on astro
    now = int(harness.core.clock.now().timestamp())
    for rep, rating in enumerate([1, 1, 3, 1, 1], start=1):  # the server deck's cards, mostly forgotten
        await harness.core.db.execute(
            "INSERT INTO card_reviews (user_id, guild_id, card_id, rating, state_before, rep, reviewed_at) "
            "VALUES (?, ?, ?, ?, 2, ?, ?)", (alice.id, harness.guild.id, own[rep % 3].id, rating, rep, now - rep * 86400))
    stats = await alice.slash("cards stats", deck="server")
    drill = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}["Topics to drill (recalled below your aim, 30 days)"]
    assert "`/cards study deck:server topic:astro`" in drill, drill
    drilled = await alice.click(stats, "Drill astro")
    assert drilled.text.startswith("You now study only cards on **astro** in the deck `server`"), drilled.text
    assert "planet" in drilled.embeds[0]["description"] and "Reveal" in drilled.button_labels


async def test_a_member_finds_a_card_and_sees_how_well_they_know_it(harness: BotHarness, alice: SimMember) -> None:
    choices = await alice.autocomplete("cards find", "card", "agent loop guard")
    assert choices and all(len(c["name"]) <= 100 for c in choices) and len(choices) <= 25
    card_id = choices[0]["value"]
    card = harness.core.content.library.flashcard(card_id)
    assert card is not None and choices[0]["name"].startswith(card.front[:60])
    fresh = await alice.slash("cards find", card=card_id)
    fields = {f["name"]: f["value"] for f in fresh.embeds[0]["fields"]}
    assert fresh.ephemeral and fresh.embeds[0]["description"].endswith(card.back)
    assert fields["Source"] == f"{card.source.section} › {card.source.heading}"
    assert fields["Your memory of it"].startswith("Not started yet")

    await alice.slash("cards settings", **{"new-per-day": 40})  # study until this card has been learned
    for _ in range(40):
        screen = await alice.slash("cards study")
        if "Reveal" not in screen.button_labels or screen.embeds[0]["description"].strip("*") == card.front:
            break
        back = await alice.click(screen, "Reveal")
        await alice.click(back, button(back, "Easy"))
    back = await alice.click(screen, "Reveal")
    await alice.click(back, button(back, "Easy"))  # learned at once: back in days
    await harness.advance(days=2)
    known = {f["name"]: f["value"] for f in (await alice.slash("cards find", card=card_id)).embeds[0]["fields"]}
    memory = known["Your memory of it"]
    assert memory.startswith("Reviewed 1 time\nNext review <t:")
    recall = int(re.search(r"Chance you recall it now: about (\d+)%", memory).group(1))  # type: ignore[union-attr]
    assert 90 <= recall < 100  # two days into an interval FSRS set for 90% recall when due

    words = " ".join(card.front.split()[:6])  # typed without picking: the words only this card holds
    assert (await alice.slash("cards find", card=words)).embeds[0]["description"].startswith(f"**{card.front}")
    vague = await alice.slash("cards find", card="the")
    assert vague.ephemeral and "More than one card here matches that" in vague.text
    assert "No card here matches that" in (await alice.slash("cards find", card="zzzqqq")).text


def days_in(text: str) -> float:
    """The interval a grade button or note ends with ("Good · 12d", "Good · back in 2mo"), in days."""
    amount, unit = re.search(r"(\d+)(m|h|d|mo)$", text).groups()  # type: ignore[union-attr]
    return int(amount) * {"m": 1 / 1440, "h": 1 / 24, "d": 1, "mo": 30}[unit]


async def test_a_member_who_aims_for_more_recall_sees_shorter_intervals(harness: BotHarness, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 1})
    await grade_first(alice, "Easy")
    await harness.advance(days=20)
    goods = {}
    for percent in (80, 95):
        answer = await alice.slash("cards settings", retention=percent)
        assert answer.ephemeral and f"scheduled for **{percent}%** recall" in answer.text
        back = await alice.click(await alice.slash("cards study"), "Reveal")
        goods[percent] = days_in(next(label for label in back.button_labels if label.startswith("Good")))
    assert goods[95] < goods[80]
    with pytest.raises(AssertionError, match="only sends 75..97"):  # Discord's client keeps to the option's range
        await alice.slash("cards settings", retention=98)
    assert (await alice.slash("cards stats")).embeds[0]["footer"]["text"].endswith("aiming for 95% recall")
    graded = await alice.click(back, button(back, "Good"))
    note = {f["name"]: f["value"] for f in graded.embeds[0]["fields"]}["Last card"]
    assert days_in(note) == goods[95]  # the grade schedules what the button showed


async def test_a_deck_without_the_members_topic_says_so_and_the_topic_returns_with_a_deck_that_has_it(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    card = harness.core.content.library.flashcards[0].model_copy(update={
        "id": f"g{harness.guild.id}-c1", "front": "What does a prefix cache save?", "tags": ["serving"]})
    await harness.core.db.execute(
        "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, created_at, "
        "updated_at) VALUES (?, ?, 'card', 'server', ?, 'added', NULL, ?, 0, 0)",
        (harness.guild.id, card.id, card.model_dump_json(), mod.id))
    await alice.slash("cards settings", topic="memory")
    switched = await alice.slash("cards settings", deck="server")
    assert switched.ephemeral and "You now study **server**." in switched.text
    assert "No card here is on your topic **memory**, so you study every topic" in switched.text
    assert "every topic (none is on your topic memory)" in (await alice.slash("cards decks")).embeds[0]["footer"][
        "text"]
    screen = await alice.slash("cards study")
    assert "prefix cache" in screen.embeds[0]["description"]
    assert screen.embeds[0]["footer"]["text"].endswith(" · every topic (none here on memory)")
    assert screen.content == ""  # nothing changed, nothing said
    again = await alice.slash("cards study", deck="server")  # a switch made with the session says it too
    assert again.content.startswith("You now study **server**.\nNo card here is on your topic **memory**")
    assert "prefix cache" in again.embeds[0]["description"]
    back = await alice.slash("cards settings", deck="all")
    assert "You now study every deck" in back.text and "No card here" not in back.text
    assert "topic memory only" in (await alice.slash("cards decks")).embeds[0]["footer"]["text"]
    assert (await alice.slash("cards study")).embeds[0]["footer"]["text"].endswith(" · topic memory")


async def test_the_keep_going_and_caught_up_screens_name_the_topic_studied_or_the_one_left_idle(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    await alice.slash("cards settings", **{"new-per-day": 1})
    first = await alice.slash("cards study", topic="retrieval")
    assert first.embeds[0]["footer"]["text"].endswith(" · topic retrieval")
    back = await alice.click(first, "Reveal")
    waiting = await alice.click(back, button(back, "Again"))
    assert "Continue" in waiting.button_labels and "retrieval" in waiting.embeds[0]["description"]
    done = await alice.click(await alice.click(waiting, "Continue"), "Reveal")
    caught_up = await alice.click(done, button(done, "Easy"))
    assert "You are all caught up on **retrieval**" in caught_up.text

    # a deck none of whose cards is on the topic: every topic is studied, and the screens say why
    shipped = harness.core.content.library.flashcards[0]
    assert "retrieval" not in shipped.tags
    await insert_own_card(harness, mod, "What does a prefix cache save?")
    await alice.slash("cards settings", **{"new-per-day": 2})
    own = await alice.slash("cards study", deck="server")
    assert own.embeds[0]["footer"]["text"].endswith(" · every topic (none here on retrieval)")
    own_back = await alice.click(own, "Reveal")
    again = await alice.click(own_back, button(own_back, "Again"))
    assert "Continue" in again.button_labels and "none here on retrieval" in again.embeds[0]["description"]
    finished = await alice.click(await alice.click(again, "Continue"), "Reveal")
    finished = await alice.click(finished, button(finished, "Easy"))
    assert "You are all caught up" in finished.text and "none here on retrieval" in finished.text


async def test_a_drill_from_the_stats_of_a_pack_with_a_long_name_on_a_long_topic(
        harness: BotHarness, alice: SimMember) -> None:
    """A self-hosted pack may be named with up to 64 characters and a topic may have 30: the stats of that deck
    still show, and its Drill button still switches to that deck and topic."""
    store = harness.core.content
    pack = store.library.packs[0]
    name, topic = "a" * 64, "t" * 30
    cards = tuple(card.model_copy(update={"id": f"long-{i}", "tags": [topic]})
                  for i, card in enumerate(pack.flashcards[:3]))
    long_pack = replace(pack, meta=pack.meta.model_copy(update={"name": name}), prompts=(), flashcards=cards)
    store._library = ContentLibrary.of([pack, long_pack])
    now = int(harness.core.clock.now().timestamp())
    for rep, rating in enumerate([1, 1, 3, 1, 1], start=1):
        await harness.core.db.execute(
            "INSERT INTO card_reviews (user_id, guild_id, card_id, rating, state_before, rep, reviewed_at) "
            "VALUES (?, ?, ?, ?, 2, ?, ?)", (alice.id, harness.guild.id, cards[rep % 3].id, rating, rep, now - rep * 86400))
    stats = await alice.slash("cards stats", deck=name)
    assert stats.embeds and f"Drill {topic}" in stats.button_labels, stats.text
    await harness.restart()
    drilled = await alice.click(stats, f"Drill {topic}")
    assert drilled.text.startswith(f"You now study only cards on **{topic}** in the deck `{name}`"), drilled.text
    assert "Reveal" in drilled.button_labels


async def test_revealing_a_card_outside_the_topic_chosen_since_says_so(harness: BotHarness, alice: SimMember) -> None:
    """A member left a session on a card, then chose a topic that card is not on: its Reveal says the card is
    outside what they study now, not that it was already reviewed."""
    old = await alice.slash("cards study")
    front = old.embeds[0]["description"].strip("*")
    [card] = [c for c in harness.core.content.library.flashcards if c.front == front]
    topic = next(t for c in harness.core.content.library.flashcards for t in c.tags if t not in card.tags)
    await alice.slash("cards settings", topic=topic)
    stale = await alice.click(old, "Reveal")
    assert "already reviewed" not in stale.text, stale.text
    assert f"That card is not in what you study now (the topic **{topic}**)" in stale.text, stale.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews") == 0


async def test_a_double_clicked_grade_can_still_be_undone(harness: BotHarness, alice: SimMember) -> None:
    """A misclick is often a double click: whichever screen the member is left with offers Undo grade, and it
    takes the one grade recorded back."""
    first = await alice.slash("cards study")
    back = await alice.click(first, "Reveal")
    again = button(back, "Again")  # meant Good
    clicks = [alice.start_click(back, again), alice.start_click(back, again)]  # both sent before any reply
    await harness.settle()
    answers = [click.response_data or {} for click in clicks]
    assert sum("already graded" in (a.get("content") or "") for a in answers) == 1
    for answer in answers:
        labels = [c.get("label") for c in iter_components(answer.get("components") or [])]
        assert "Undo grade" in labels, (answer.get("content"), labels)
    screen = clicks[1].response_message or back.message
    assert screen is not None
    undone = await alice.click(screen, "Undo grade")
    assert undone.content.startswith("↩️ Grade undone")
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews") == 0


async def test_a_long_list_of_cards_set_aside_names_every_one_it_shows_whole(harness: BotHarness,
                                                                             alice: SimMember) -> None:
    """Thirty leeches with long questions set aside: the list is cut at a whole card, never inside one, and says
    how many more there are."""
    cards = sorted(harness.core.content.library.flashcards, key=lambda card: -len(card.front))[:30]
    now = int(harness.clock.now().timestamp())
    for card in cards:
        await harness.core.db.execute(
            "INSERT INTO card_states (user_id, card_id, state, step, stability, difficulty, due, last_review, reps, "
            "lapses, introduced_at, set_aside_at) VALUES (?, ?, 2, 0, 3.0, 6.0, ?, ?, 9, 3, ?, ?)",
            (alice.id, card.id, now, now - 86400, now - 86400 * 30, now))
    listed = await alice.slash("cards set-aside")
    lines = listed.embeds[0]["description"].split("\n")
    assert lines[-1].startswith("…and ") and lines[-1].split()[1].isdigit(), lines[-1]
    shown = lines[:-1]
    assert all(line.endswith(":R>") for line in shown), shown[-1]
    assert len(shown) + int(lines[-1].split()[1]) == 30


async def test_reveal_on_a_new_card_past_the_days_new_cards_says_so(harness: BotHarness, alice: SimMember) -> None:
    first = await alice.slash("cards study")
    assert "New card" in first.text or first.button_labels == ["Reveal"], first.text
    await alice.slash("cards settings", **{"new-per-day": 0})  # in another window, before revealing
    refused = await alice.click(first, "Reveal")
    assert "Today's new cards are used up" in refused.text and "already reviewed" not in refused.text, refused.text


async def test_stats_of_a_deck_switched_off_say_it_is_off_instead_of_showing_no_cards(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    back = await alice.click(await alice.slash("cards study"), "Reveal")
    await alice.click(back, button(back, "Good"))
    await mod.select(await mod.slash("content decks"), [])  # every deck off
    refused = await alice.slash("cards stats", deck="ai-native-careers")
    assert refused.ephemeral and "no deck `ai-native-careers` that is on" in refused.text, refused.text


async def test_a_second_window_does_not_start_more_new_cards_than_the_days_cap(
        harness: BotHarness, alice: SimMember) -> None:
    """A member left one session on a new card's back, opened another on a topic and started the day's last new
    card there: grading the first window's card then waits for another day, as its Reveal would have."""
    await alice.slash("cards settings", **{"new-per-day": 1})
    first = await alice.slash("cards study")
    front = first.embeds[0]["description"].strip("*")
    back = await alice.click(first, "Reveal")
    [card] = [c for c in harness.core.content.library.flashcards if c.front == front]
    topic = next(t for c in harness.core.content.library.flashcards for t in c.tags if t not in card.tags)
    other = await alice.slash("cards study", topic=topic)
    assert other.embeds[0]["description"].strip("*") != front
    other_back = await alice.click(other, "Reveal")
    await alice.click(other_back, button(other_back, "Good"))
    late = await alice.click(back, button(back, "Good"))
    assert "Today's new cards are used up" in late.text and "already graded" not in late.text, late.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_states WHERE user_id = ?", (alice.id,)) == 1
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM card_reviews WHERE user_id = ?", (alice.id,)) == 1


async def test_the_topics_offered_beside_a_deck_being_chosen_are_that_decks(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """`/cards study deck:server topic:…` (as the stats suggest typing it) offers the topics of the deck being chosen,
    which the command checks the topic against, not those of the deck studied until now."""
    base = harness.core.content.library.flashcards[0]
    card = base.model_copy(update={"id": f"g{harness.guild.id}-c1", "front": "Which planet is first?",
                                   "tags": ["astro"]})
    await harness.core.db.execute(
        "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, "
        "created_at, updated_at) VALUES (?, ?, 'card', 'server', ?, 'added', NULL, ?, 0, 0)",
        (harness.guild.id, card.id, card.model_dump_json(), mod.id))
    await alice.slash("cards settings", deck="ai-native-careers")  # which holds no card on astro
    offered = [c["value"] for c in await alice.autocomplete("cards study", "topic", "", deck="server")]
    assert offered == ["all", "astro"], offered
    studied = await alice.slash("cards study", deck="server", topic=offered[1])
    assert studied.text.startswith("You now study **server**.\nYou now study only cards on **astro**."), studied.text
    assert "astro" in [c["value"] for c in await alice.autocomplete("cards settings", "topic", "astr", deck="all")]
    assert "astro" not in [c["value"] for c in await alice.autocomplete("cards study", "topic", "astr",
                                                                         deck="ai-native-careers")]
    # Without a deck in the command (or one only partly typed), the topics of the deck studied now: server's.
    assert [c["value"] for c in await alice.autocomplete("cards study", "topic", "")] == ["all", "astro"]
    assert [c["value"] for c in await alice.autocomplete("cards settings", "topic", "", deck="ai-nat")] == [
        "all", "astro"]


async def test_a_count_of_one_card_reads_in_the_singular(harness: BotHarness, mod: SimMember,
                                                         alice: SimMember) -> None:
    """A server's own deck of one card, and one new card a day: neither reads "1 cards"."""
    await insert_own_card(harness, mod, "What does a re-ranker trade for precision?")
    decks = (await alice.slash("cards decks")).embeds[0]["description"]
    assert "(`server`) · 1 card\n" in decks + "\n" and "1 cards" not in decks
    chosen = await alice.slash("cards settings", **{"new-per-day": 1})
    assert "up to **1** new card a day;" in chosen.text
    footer = (await alice.slash("cards stats")).embeds[0]["footer"]["text"]
    assert " · 1 new card a day · " in footer
