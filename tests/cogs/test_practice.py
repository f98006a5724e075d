"""/practice and /archive through the local Discord."""

from __future__ import annotations

from dataclasses import replace

from bot.content import ContentStore
from bot.content.loader import ContentLibrary
from bot.localdiscord import BotHarness, SimChannel, SimMember
from bot.settings import SHIPPED_CONTENT_DIR
from cogs._common.prompts import KIND_LABELS
from tests.cogs.test_content_uploads import write_own_prompt


async def post_a_shipped_then_an_own_prompt(harness: BotHarness, mod: SimMember, daily: SimChannel) -> None:
    """Day 1 posts a shipped prompt and day 2 the server's own (written with `/daily add`); both decks end on."""
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    await harness.advance(hours=2)  # day 1: a shipped prompt
    await write_own_prompt(mod)
    await mod.slash("content decks", deck="ai-native-careers", on=False)  # only the server's own prompt is left
    await harness.advance(days=1)  # day 2: the server's own prompt
    await mod.slash("content decks", deck="ai-native-careers", on=True)


async def drop_day_one_from_the_packs(harness: BotHarness) -> str:
    """Takes day 1's shipped prompt out of the loaded packs, as a content update that retires it would; its id."""
    shipped: str = await harness.core.db.fetchval("SELECT prompt_id FROM daily_posts WHERE day_number = 1")
    store = harness.core.content
    pack = store.library.packs[0]
    store._library = ContentLibrary.of([replace(pack, prompts=tuple(p for p in pack.prompts if p.id != shipped))])
    return shipped


async def test_practice_never_offers_an_answered_prompt(harness: BotHarness, alice: SimMember) -> None:
    offered: list[str] = []
    for _ in range(6):
        screen = await alice.slash("practice", kind="behavioral")
        assert screen.ephemeral and screen.button_labels[:3] == ["Submit answer", "Hints", "Rubric"]
        title = screen.embeds[0]["title"]
        assert title not in offered
        offered.append(title)
        locked = await alice.click(screen, "Rubric")
        assert "once you have submitted" in locked.text
        done = await alice.submit_modal(await alice.click(screen, "Submit answer"), answer="My approach ...")
        assert "Saved privately" in done.text
        rubric = await alice.click(screen, "Rubric")
        assert rubric.embeds[0]["title"].startswith("What a strong answer covers")
    rows = await harness.core.db.fetchall("SELECT kind, count FROM activity WHERE user_id = ?", (alice.id,))
    assert [(r[0], r[1]) for r in rows] == [("answer", 6)]  # one day, one streak credit row


async def test_an_answer_rewritten_on_a_later_day_does_not_count_that_day_for_the_streak(
        harness: BotHarness, alice: SimMember) -> None:
    """Only a first answer counts, on the day it was given: rewriting it later credits nothing, as the reply says."""
    screen = await alice.slash("practice")
    await alice.submit_modal(await alice.click(screen, "Submit answer"), answer="My approach is to shard it")
    await harness.advance(days=3)
    rewritten = await alice.submit_modal(await alice.click(screen, "Submit answer"), answer="Shard it by tenant")
    assert "Saved privately" in rewritten.text and "counts for today's streak" not in rewritten.text
    rows = await harness.core.db.fetchall("SELECT local_date, count FROM activity WHERE user_id = ?", (alice.id,))
    assert [(r[0], r[1]) for r in rows] == [("2026-03-02", 1)], rows


async def test_another_prompt_and_filters(harness: BotHarness, bob: SimMember) -> None:
    screen = await bob.slash("practice", kind="design", difficulty="hard")
    first = screen.embeds[0]["title"]
    other = await bob.click(screen, "Another prompt")
    assert other.embeds[0]["title"] != first
    hints = await bob.click(other, "Hints")
    assert hints.ephemeral and "Hints" in hints.embeds[0]["title"]


async def test_practice_skips_prompts_answered_on_their_day(harness: BotHarness, mod: SimMember,
                                                            alice: SimMember, daily: SimChannel) -> None:
    await mod.slash("daily setup", channel=daily, time="10:00", timezone="UTC")
    await mod.slash("daily post-now")
    post = [m for m in daily.messages if m.embeds][0]
    await alice.submit_modal(await alice.click(post, "Submit answer"), answer="Answered on the day")
    day_title = post.embeds[0]["title"].split(" · ", 1)[1]
    for _ in range(60):
        screen = await alice.slash("practice")
        if "answered every" in screen.text:
            break
        assert screen.embeds[0]["title"] != f"Practice · {day_title}"
        await alice.submit_modal(await alice.click(screen, "Submit answer"), answer="x" * 20)
    else:
        raise AssertionError("practice kept offering prompts")
    assert "You have answered every" in screen.text


async def test_archive_pages_through_past_prompts(harness: BotHarness, mod: SimMember, bob: SimMember,
                                                  daily: SimChannel) -> None:
    empty = await bob.slash("archive")
    assert "No prompts posted yet" in empty.text
    await mod.slash("daily setup", channel=daily, time="10:00", timezone="UTC")
    await harness.advance(days=12)
    latest = [m for m in daily.messages if "Submit answer" in m.button_labels][-1]
    await bob.submit_modal(await bob.click(latest, "Submit answer"), answer="My answer to day twelve")
    first = await bob.slash("archive")
    assert "Page 1 of 2" in first.text and "12 prompts, 1 answered by you (✅)" in first.text
    assert "✅ **Day 12**" in first.text and "✅ **Day 11**" not in first.text
    theirs = (await mod.slash("archive")).text
    assert "0 answered by you" in theirs and "✅ **Day" not in theirs  # marks are each member's own
    assert first.button_labels == ["Older ▶"]
    assert "**Day 12**" in first.text and "**Day 3**" in first.text and "**Day 2**" not in first.text
    assert "<#" in first.text  # each links its discussion thread
    second = await bob.click(first, "Older ▶")
    assert "Page 2 of 2" in second.text and "**Day 1**" in second.text and second.button_labels == ["◀ Newer"]
    wrong = await bob.slash("archive", page=3)
    assert "There is no page 3" in wrong.text


async def test_a_practice_form_left_open_across_a_restart_is_still_saved(harness: BotHarness,
                                                                        carol: SimMember) -> None:
    screen = await carol.slash("practice", kind="tradeoff")
    form = await carol.click(screen, "Submit answer")
    await harness.restart()
    done = await carol.submit_modal(form, answer="Written before the restart")
    assert "Saved privately" in done.text and "counts for today's streak" in done.text
    again = await carol.submit_modal(await carol.click(screen, "Submit answer"), answer="Second go")
    assert "Saved privately" in again.text and "streak" not in again.text


async def test_archive_tells_a_switched_off_server_prompt_from_a_shipped_one_that_left_the_packs(
        harness: BotHarness, mod: SimMember, bob: SimMember, daily: SimChannel) -> None:
    await post_a_shipped_then_an_own_prompt(harness, mod, daily)
    await mod.slash("content decks", deck="server", on=False)
    shipped = await drop_day_one_from_the_packs(harness)

    seen = await bob.slash("archive")
    day2, day1 = seen.embeds[0]["description"].splitlines()
    assert "**Day 2**" in day2 and "flashcard service" in day2, day2
    assert "switched off in this server" in day2 and "no longer in the packs" not in day2, day2
    assert "**Day 1**" in day1 and f"{shipped} (no longer in the packs)" in day1, day1
    assert "/content decks" not in seen.text  # a member cannot switch decks
    told = await mod.slash("archive")
    assert "switched off in this server" in told.text and "`/content decks deck:server on:True`" in told.text
    back_on = await mod.slash("content decks", deck="server", on=True)
    assert "`server` is now on" in back_on.text
    assert "switched off" not in (await bob.slash("archive")).text


async def test_archive_says_a_server_prompt_a_moderator_removed_was_removed_here_not_that_it_left_the_packs(
        harness: BotHarness, mod: SimMember, bob: SimMember, daily: SimChannel) -> None:
    await post_a_shipped_then_an_own_prompt(harness, mod, daily)
    own = await harness.core.db.fetchval("SELECT prompt_id FROM daily_posts WHERE day_number = 2")
    await mod.click(await mod.slash("content remove", item=own), "Remove it")
    shipped = await drop_day_one_from_the_packs(harness)

    seen = await bob.slash("archive")
    day2, day1 = seen.embeds[0]["description"].splitlines()
    assert "**Day 2**" in day2 and "Design the study server's flashcard service" in day2, day2
    assert "removed from this server's content by a moderator" in day2 and "no longer in the packs" not in day2, day2
    assert "**Day 1**" in day1 and f"{shipped} (no longer in the packs)" in day1, day1
    assert "/daily add" not in seen.text and not seen.embeds[0].get("fields")  # a member cannot add prompts
    told = await mod.slash("archive")
    [field] = told.embeds[0]["fields"]
    assert field["name"] == "Removed prompts" and "`/daily add`" in field["value"], field
    assert "switched off" not in told.text


async def test_archive_by_kind_still_lists_days_whose_prompt_is_gone(harness: BotHarness, mod: SimMember,
                                                                     bob: SimMember, daily: SimChannel) -> None:
    """A prompt a moderator removed, or one that left the packs, keeps the kind it was posted with."""
    await post_a_shipped_then_an_own_prompt(harness, mod, daily)
    own = await harness.core.db.fetchval("SELECT prompt_id FROM daily_posts WHERE day_number = 2")
    await mod.click(await mod.slash("content remove", item=own), "Remove it")
    shipped = await drop_day_one_from_the_packs(harness)
    await harness.restart()  # what is known of a gone prompt survives a restart without it
    shipped_kind = ContentStore.load(SHIPPED_CONTENT_DIR).library.prompt(shipped).kind.value

    designs = await bob.slash("archive", kind="design")
    assert "**Day 2**" in designs.text and "removed from this server's content" in designs.text, designs.text
    assert "moderator) · System design · <#" in designs.text, designs.text  # its kind, as posted
    by_kind = await bob.slash("archive", kind=shipped_kind)
    assert "**Day 1**" in by_kind.text and f"{shipped} (no longer in the packs)" in by_kind.text, by_kind.text
    assert f"(no longer in the packs) · {KIND_LABELS[shipped_kind]} · <#" in by_kind.text, by_kind.text
    other = next(k for k in ("design", "debugging", "tradeoff", "product", "behavioral")
                 if k not in {"design", shipped_kind})
    assert "**Day" not in (await bob.slash("archive", kind=other)).text


async def test_the_archive_shows_a_servers_own_title_as_text_not_markdown(
        harness: BotHarness, mod: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """A server's own prompt (written by a member, approved, or with `/daily add`) is shown as written: its
    masked link or emphasis does not render in the archive's list."""
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    await mod.submit_modal(
        await mod.slash("daily add", kind="design", difficulty="hard"),
        title="Design the **study** [server](https://example.com) flashcards",
        scenario="Members of a 5,000-person study server review flashcards daily and keep streaks.",
        constraints="5,000 members\n20,000 reviews a day", follow_ups="How is a grade kept once?\nWhat about DST?",
        rubric="An idempotent grade\nLocal-time days")
    await mod.slash("content decks", deck="ai-native-careers", on=False)  # only the server's own prompt is left
    await harness.advance(days=1)
    shown = (await bob.slash("archive")).text
    assert "Design the \\*\\*study\\*\\* \\[server](https://example.com) flashcards" in shown, shown


async def test_the_archive_lists_the_newest_day_first_after_a_move_to_another_timezone(
        harness: BotHarness, mod: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """Day 1 goes out on Auckland's 3 March; moved to Los Angeles, day 2 goes out on Los Angeles' 3 March, whose
    date day 1 already holds (it is filed under 2 March). Day 2 is still the newest, so it comes first."""
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="Pacific/Auckland")
    await harness.advance(hours=13)  # 09:00 on 3 March in Auckland: day 1
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="America/Los_Angeles")
    await harness.advance(hours=21)  # 09:00 on 3 March in Los Angeles: day 2
    listed = [line for line in (await bob.slash("archive")).text.splitlines() if "**Day" in line]
    assert [line.split("**")[1] for line in listed] == ["Day 2", "Day 1"], listed


async def test_a_post_of_the_servers_own_prompt_still_takes_answers_once_its_deck_is_switched_off(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """Switching a deck off keeps its prompts out of the coming posts; the day already posted is still answered,
    its hints read and, once answered, its rubric, as for a shipped pack switched off."""
    await post_a_shipped_then_an_own_prompt(harness, mod, daily)
    await mod.slash("content decks", deck="server", on=False)
    own = [m for m in daily.messages if m.embeds and "flashcard service" in m.embeds[0].get("title", "")][-1]
    form = await alice.click(own, "Submit answer")
    done = await alice.submit_modal(form, answer="An idempotent grade keyed on the card and the repetition")
    assert "Saved and posted" in done.text, done.text
    assert (await alice.click(own, "Hints")).embeds
    assert (await alice.click(own, "Rubric")).embeds[0]["title"].startswith("What a strong answer covers")


async def test_an_answer_rewritten_twice_never_counts_the_day_of_the_first_rewrite(
        harness: BotHarness, alice: SimMember) -> None:
    """A rewrite credits nothing, however many came before it: only the day of the first answer counts."""
    screen = await alice.slash("practice")
    await alice.submit_modal(await alice.click(screen, "Submit answer"), answer="My approach is to shard it")
    await harness.advance(days=3)
    await alice.submit_modal(await alice.click(screen, "Submit answer"), answer="Shard it by tenant")
    await harness.advance(days=3)
    again = await alice.submit_modal(await alice.click(screen, "Submit answer"), answer="Shard by tenant, then by day")
    assert "Saved privately" in again.text and "counts for today's streak" not in again.text
    rows = await harness.core.db.fetchall("SELECT local_date, count FROM activity WHERE user_id = ?", (alice.id,))
    assert [(r[0], r[1]) for r in rows] == [("2026-03-02", 1)], rows


async def test_a_practice_answer_typed_while_its_deck_was_switched_off_is_still_saved(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """Up to 4,000 characters typed in the form: switching the prompt's deck off meanwhile must not lose them."""
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    await write_own_prompt(mod)
    await mod.slash("content decks", deck="ai-native-careers", on=False)  # the server's own prompt is all left
    screen = await alice.slash("practice")
    assert "flashcard service" in screen.embeds[0]["title"], (screen.text, screen.embeds)
    form = await alice.click(screen, "Submit answer")
    await mod.slash("content decks", deck="server", on=False)  # while alice is typing
    saved = await alice.submit_modal(form, answer="An idempotent grade keyed on the card and the repetition")
    assert "Saved privately" in saved.text, saved.text


async def test_a_post_whose_prompt_a_moderator_removed_keeps_working_for_members(
        harness: BotHarness, mod: SimMember, bob: SimMember, daily: SimChannel) -> None:
    """Removing one of the server's prompts keeps the posts already made: today's post can still be answered,
    its hints read and, once answered, its rubric."""
    await post_a_shipped_then_an_own_prompt(harness, mod, daily)
    own = await harness.core.db.fetchval("SELECT prompt_id FROM daily_posts WHERE day_number = 2")
    await mod.click(await mod.slash("content remove", item=own), "Remove it")
    await harness.restart()  # what was posted does not depend on what one process still holds
    post = next(m for m in daily.messages if m.embeds and m.embeds[0].get("title", "").startswith("Day 2 "))

    hints = await bob.click(post, "Hints")
    assert "not available" not in hints.text and "removed" not in hints.text, hints.text
    form = await bob.click(post, "Submit answer")
    done = await bob.submit_modal(form, answer="Shard the reviews by member; grades are idempotent.")
    assert "removed" not in done.text, done.text
    rubric = await bob.click(post, "Rubric")
    assert "What a strong answer covers" in rubric.text and "Local-time days" in rubric.text, rubric.text
    assert "Shard the reviews by member" in post.thread.messages[-1].text


async def test_a_practice_rubric_sends_nobody_to_a_thread_the_prompt_never_had(alice: SimMember) -> None:
    """No daily prompt was ever posted here, so the practised prompt has no thread to ask in."""
    screen = await alice.slash("practice", kind="design")
    await alice.submit_modal(await alice.click(screen, "Submit answer"), answer="My approach ...")
    footer = (await alice.click(screen, "Rubric")).embeds[0]["footer"]["text"]
    assert "thread" not in footer and "your own answer" in footer
