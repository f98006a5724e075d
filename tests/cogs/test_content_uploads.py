"""Documents uploaded in Discord, exporting the server's content as a pack, and deck switches."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.content.models import Flashcard
from bot.error_handler import GENERIC_FAILURE
from bot.localdiscord import BotHarness, CommandForbidden, SimChannel, SimMember, SimUpload, UploadRefused

DOCUMENT = """Section 1: Serving Models Cheaply
Batching Requests Raises Throughput
Grouping requests on the GPU raises throughput at some cost in latency.
Key Takeaways
Batching trades latency for throughput on shared accelerators.
Prefix caches pay off when many prompts share long prefixes.
Section 2: Watching Retrieval Quality
Offline Evaluation Comes First
Keep a labelled set of questions and measure recall before shipping.
Key Takeaways
Measure recall on a labelled set before every release.
Frequently Asked Questions
1. What is continuous batching?
Adding new requests to a running batch as earlier ones finish.
2. Why measure recall offline?
Because online signals arrive late and are noisy.
"""


def upload(text: str | bytes, name: str = "serving-notes.md", content_type: str | None = "text/markdown") -> SimUpload:
    return SimUpload(name, text.encode() if isinstance(text, str) else text, content_type)


async def count(harness: BotHarness, table: str) -> int:
    return int(await harness.core.db.fetchval(f"SELECT COUNT(*) FROM {table}", default=0))  # noqa: S608

async def add_own_prompt(mod: SimMember, channel: SimChannel) -> None:
    """Daily prompts set up in ``channel`` and one prompt of the server's own, written with `/daily add`."""
    await mod.slash("daily setup", channel=channel, time="09:00", timezone="UTC")
    await write_own_prompt(mod)


async def write_own_prompt(mod: SimMember) -> None:
    """The server's own prompt (the flashcard-service design), written with `/daily add`."""
    await mod.submit_modal(
        await mod.slash("daily add", kind="design", difficulty="hard"),
        title="Design the study server's flashcard service",
        scenario="Members of a 5,000-person study server review flashcards daily and keep streaks.",
        constraints="5,000 members\n20,000 reviews a day", follow_ups="How is a grade kept once?\nWhat about DST?",
        rubric="An idempotent grade\nLocal-time days")


async def insert_own_card(harness: BotHarness, mod: SimMember, front: str) -> Flashcard:
    """A card of the server's own deck, stored as an approved item would be."""
    card = harness.core.content.library.flashcards[0].model_copy(update={"id": f"g{harness.guild.id}-c1",
                                                                          "front": front})
    await harness.core.db.execute(
        "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, created_at, "
        "updated_at) VALUES (?, ?, 'card', 'server', ?, 'added', NULL, ?, 0, 0)",
        (harness.guild.id, card.id, card.model_dump_json(), mod.id))
    return card



async def approve_all(mod: SimMember) -> int:
    approved = 0
    while True:
        queue = await mod.slash("review queue")
        if "Approve" not in queue.button_labels:
            return approved
        await mod.click(queue, "Approve")
        approved += 1


async def test_an_uploaded_document_becomes_reviewed_cards_in_study_and_the_quiz(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    done = await mod.slash("content import", document=upload(DOCUMENT))
    assert done.ephemeral and "5 cards are waiting for review" in done.text and "`doc-serving-notes`" in done.text
    queue = await mod.slash("review queue")
    assert "Card suggestion" in str(queue.embeds) and "Frequently Asked Questions › Question 1" in str(queue.embeds)
    assert await approve_all(mod) == 5
    screen = await alice.slash("cards study", deck="doc-serving-notes")
    assert "What is continuous batching?" in screen.embeds[0]["description"]
    back = await alice.click(screen, "Reveal")
    assert "Frequently Asked Questions › Question 1" in str(back.embeds)
    # the quiz draws from every deck on: switch the shipped pack off and only the document's cards remain
    decks = await mod.slash("content decks")
    saved = await mod.select(decks, ["doc-serving-notes"])
    assert "Decks on: `doc-serving-notes`." in saved.text and "the daily prompt" in saved.text
    await mod.slash("quiz setup", channel=harness.guild.channel("daily"), time="10:00", timezone="UTC")
    await harness.advance(hours=2)
    row = await harness.core.db.fetchone("SELECT card_id, question FROM quiz_posts")
    assert row["card_id"].startswith(f"g{harness.guild.id}-c")
    stats = await alice.slash("cards stats", deck="doc-serving-notes")
    assert "of 5 cards started" in stats.text
    # a second choice rewrites switches that exist: every deck on again, then none
    again = await mod.select(await mod.slash("content decks"), ["ai-native-careers", "doc-serving-notes"])
    assert "Decks on: `ai-native-careers`, `doc-serving-notes`." in again.text
    none = await mod.select(await mod.slash("content decks"), [])
    assert "No deck is on" in none.text
    assert "every deck switched off" in (await alice.slash("cards study")).text


async def test_deciding_a_documents_drafted_cards_sends_the_uploader_no_dm_per_card(
        harness: BotHarness, mod: SimMember) -> None:
    """The uploader is no author to tell: the cards are drafted from a document, not credited to anyone."""
    await mod.slash("content import", document=upload(DOCUMENT))
    assert await approve_all(mod) == 5
    assert [dm.content for dm in mod.dms] == []
    await harness.restart()  # and no start tells them either
    assert [dm.content for dm in mod.dms] == []


@pytest.mark.parametrize(("file", "expected"), [
    (upload(b"\x89PNG\r\n\x1a\n\x00\x00binary", "notes.txt", "text/plain"), "looks like a binary file"),
    (upload("Section 1: Only text\nNo questions here.\n", "notes.txt", "text/plain"),
     "no “Frequently Asked Questions” block"),
    (upload("caf\xe9".encode("latin-1") + b" notes\nFrequently Asked Questions\n", "notes.txt", "text/plain"),
     "is not UTF-8 text"),
    (upload("x" * 1_000_001, "big.txt", "text/plain"), "uploaded documents can be up to 1,000,000 bytes"),
    (upload(b"%PDF-1.7", "notes.pdf", "application/pdf"), "is not a text document"),
])
async def test_bad_uploads_are_refused_clearly_and_store_nothing(harness: BotHarness, mod: SimMember,
                                                                 file: SimUpload, expected: str) -> None:
    reply = await mod.slash("content import", document=file)
    assert reply.ephemeral and expected in reply.text
    assert await count(harness, "suggestions") == 0


async def test_the_same_deck_cannot_be_uploaded_twice(harness: BotHarness, mod: SimMember) -> None:
    await mod.slash("content import", document=upload(DOCUMENT))
    again = await mod.slash("content import", document=upload(DOCUMENT))
    assert "already has a deck `doc-serving-notes`" in again.text
    assert await count(harness, "suggestions") == 5
    other = await mod.slash("content import", document=upload(DOCUMENT), deck="serving-2")
    assert "`doc-serving-2`" in other.text


async def test_members_cannot_upload(harness: BotHarness, alice: SimMember) -> None:
    with pytest.raises(CommandForbidden):
        await alice.slash("content import", document=upload(DOCUMENT))


async def test_an_upload_past_discords_limit_is_never_sent(harness: BotHarness, mod: SimMember) -> None:
    harness.sim.attachment_size_limit = 2048
    with pytest.raises(UploadRefused):
        await mod.slash("content import", document=upload("x" * 2049))
    at_limit = await mod.slash("content import", document=upload("x" * 2048, "at-limit.txt", "text/plain"))
    assert "no “Frequently Asked Questions” block" in at_limit.text


async def test_export_is_a_pack_that_content_validate_accepts(harness: BotHarness, mod: SimMember,
                                                              alice: SimMember, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    nothing = await mod.slash("content export")
    assert "no content of its own" in nothing.text
    await mod.slash("content import", document=upload(DOCUMENT))
    await approve_all(mod)
    form = await alice.slash("suggest prompt", kind="design", difficulty="medium", title="Cheap batch serving")
    await alice.submit_modal(form, scenario="Serve a 7B model to 300 internal users on two GPUs, keeping p95 "
                             "latency under two seconds.", constraints="Two GPUs\n300 users",
                             follow_ups="What do you batch?\nWhen do you shed load?", hints="Start from the GPUs",
                             rubric="Batching policy\nLoad shedding")
    await approve_all(mod)
    exported = await mod.slash("content export")
    assert exported.type == 5  # acknowledged first: the pack is read and zipped next, up to 2,000 items
    [attachment] = exported.attachments
    assert attachment["filename"] == "study-hall-community.zip"
    with zipfile.ZipFile(io.BytesIO(attachment["data"])) as archive:
        archive.extractall(tmp_path / "packs")
        names = sorted(archive.namelist())
    assert names == ["study-hall-community/flashcards/doc-serving-notes.toml", "study-hall-community/pack.toml",
                     "study-hall-community/prompts/server.toml"]
    capsys.readouterr()
    assert main(["content", "validate", str(tmp_path / "packs")]) == 0
    out = capsys.readouterr().out
    assert "1 prompts" in out and "5 flashcards" in out and "OK: 1 pack(s) valid" in out


async def test_a_server_whose_name_starts_like_a_document_deck_exports_a_pack_that_validates(
        harness: BotHarness, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pack may not be named `doc-…` (the decks of uploaded documents): "Doc Club" exports under another name."""
    club = harness.sim.create_guild("Doc Club", owner_name="clubowner")
    club.create_text_channel("general")
    await harness.settle()
    owner = next(m for m in club.members.values() if m.name == "clubowner")
    await owner.slash("content import", document=upload(DOCUMENT))
    await approve_all(owner)
    [attachment] = (await owner.slash("content export")).attachments
    assert attachment["filename"] == "community-doc-club.zip"
    with zipfile.ZipFile(io.BytesIO(attachment["data"])) as archive:
        archive.extractall(tmp_path / "packs")
    capsys.readouterr()
    assert main(["content", "validate", str(tmp_path / "packs")]) == 0, capsys.readouterr().out


async def test_decks_past_the_menus_25_are_switched_by_name(harness: BotHarness, mod: SimMember,
                                                            alice: SimMember) -> None:
    card = harness.core.content.library.flashcards[0]
    for number in range(30):  # 30 uploaded documents' decks, one card each, and the shipped pack
        item = card.model_copy(update={"id": f"g{harness.guild.id}-doc{number}"})
        await harness.core.db.execute(
            "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, "
            "created_at, updated_at) VALUES (?, ?, 'card', ?, ?, 'imported', NULL, ?, 0, 0)",
            (harness.guild.id, item.id, f"doc-notes-{number:02d}", item.model_dump_json(), mod.id))
    menu = await mod.slash("content decks")
    assert menu.message is not None and len(menu.message.content) <= 2000
    assert "(`doc-notes-00`): 0 prompts, 1 card\n" in menu.message.content
    assert "6 more decks do not fit in the menu" in menu.message.content
    choices = await mod.autocomplete("content decks", "deck", "notes-29")
    assert [c["value"] for c in choices] == ["doc-notes-29"]
    switched = await mod.slash("content decks", deck="doc-notes-29", on=False)
    assert switched.ephemeral and switched.text.startswith("`doc-notes-29` is now off.")
    decks = await alice.slash("cards decks")
    assert "doc-notes-29" not in decks.text and "doc-notes-28" in decks.text
    half = await mod.slash("content decks", deck="doc-notes-29")
    assert half.ephemeral and "name the deck and say whether it is on" in half.text
    unknown = await mod.slash("content decks", deck="doc-nothing", on=True)
    assert "no deck `doc-nothing`" in unknown.text
    with pytest.raises(CommandForbidden):  # Discord hides the moderator command from members
        await alice.slash("content decks", deck="doc-notes-29", on=True)


async def test_a_servers_own_prompt_is_removed_after_confirming_and_audited(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    await add_own_prompt(mod, harness.guild.channel("daily"))
    assert "51 of 51 prompts left in this cycle" in (await mod.slash("daily status")).text
    [choice] = await mod.autocomplete("content remove", "item", "flashcard serv")
    assert choice["name"] == "Prompt: Design the study server's flashcard service"
    question = await mod.slash("content remove", item=choice["value"])
    assert question.ephemeral and "Remove the prompt “Design the study server's flashcard service”" in question.text
    assert "Kept the prompt" in (await mod.click(question, "Keep it")).text
    assert await count(harness, "server_items") == 1
    question = await mod.slash("content remove", item=choice["value"])
    done = await mod.click(question, "Remove it")
    assert done.text.startswith("Removed the prompt “Design the study server's flashcard service”.")
    assert await count(harness, "server_items") == 0
    assert await mod.autocomplete("content remove", "item", "flashcard serv") == []
    assert "50 of 50 prompts left in this cycle" in (await mod.slash("daily status")).text  # left the rotation
    audit = await mod.slash("studybot audit")
    assert "removed a server prompt or card" in audit.text
    gone = await mod.slash("content remove", item=choice["value"])
    assert gone.ephemeral and "has no prompt or card" in gone.text and "as you type" in gone.text
    with pytest.raises(CommandForbidden):
        await alice.slash("content remove", item=choice["value"])


async def test_grading_a_card_removed_mid_session_records_nothing_and_moves_on(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    card = await insert_own_card(harness, mod, "What does a prefix cache save?")
    screen = await alice.slash("cards study", deck="server")
    assert "What does a prefix cache save?" in screen.embeds[0]["description"]
    back = await alice.click(screen, "Reveal")
    await mod.click(await mod.slash("content remove", item=card.id), "Remove it")
    after = await alice.click(back, next(label for label in back.button_labels if label.startswith("Good")))
    assert "no longer in this server's decks" in after.text and "Nothing was recorded" in after.text
    assert await count(harness, "card_reviews") == 0


async def test_a_deck_left_with_prompts_only_is_studied_as_every_deck_not_as_every_deck_off(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """The server's own deck keeps its prompt once its last card is removed: a member who studies it studies every
    deck on, as after a deck switched off, rather than being told that every deck is off."""
    await add_own_prompt(mod, harness.guild.channel("daily"))
    card = await insert_own_card(harness, mod, "What does a prefix cache save?")
    screen = await alice.slash("cards study", deck="server")
    assert "What does a prefix cache save?" in screen.embeds[0]["description"]
    await mod.click(await mod.slash("content remove", item=card.id), "Remove it")
    study = await alice.slash("cards study")
    assert "every deck switched off" not in study.text and study.button_labels == ["Reveal"]
    assert "New card" in study.embeds[0]["footer"]["text"]
    refused = await alice.slash("cards study", deck="server")
    assert "holds no flashcards" in refused.text and "every deck switched off" not in refused.text


async def test_reveal_of_a_card_removed_by_a_moderator_says_so_rather_than_that_it_was_reviewed(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    card = await insert_own_card(harness, mod, "What does a prefix cache save?")
    screen = await alice.slash("cards study", deck="server")
    await mod.click(await mod.slash("content remove", item=card.id), "Remove it")
    after = await alice.click(screen, "Reveal")
    assert "already reviewed" not in after.text and "no longer in this server's decks" in after.text


async def test_a_quiz_on_a_card_removed_since_still_answers_but_names_no_source(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """The quiz keeps its own copy of the question; only where to re-read the answer went with the card."""
    for number, shipped in enumerate(harness.core.content.library.flashcards[:4], start=1):  # a quiz needs 4
        own = shipped.model_copy(update={"id": f"g{harness.guild.id}-c{number}"})
        await harness.core.db.execute(
            "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, author_id, approved_by, "
            "created_at, updated_at) VALUES (?, ?, 'card', 'server', ?, 'added', NULL, ?, 0, 0)",
            (harness.guild.id, own.id, own.model_dump_json(), mod.id))
    await mod.select(await mod.slash("content decks"), ["server"])  # the quiz draws only the server's own cards
    daily = harness.guild.channel("daily")
    await mod.slash("quiz setup", channel=daily, time="09:00", timezone="UTC", **{"reveal-now": True})
    await harness.advance(hours=2)
    [post] = [m for m in daily.messages if m.embeds and m.embeds[0].get("title", "").startswith("Quiz #")]
    card_id, correct = await harness.core.db.fetchone("SELECT card_id, correct FROM quiz_posts")
    assert card_id.startswith(f"g{harness.guild.id}-c")
    await mod.click(await mod.slash("content remove", item=card_id), "Remove it")

    right = "ABCD"[correct]
    told = await alice.click(post, right)
    assert told.text == f"✅ **{right}** is right!" and "Re-read" not in told.text
    await harness.advance(days=1)
    assert post.embeds[0]["title"].endswith("closed") and "Re-read" not in post.embeds[0]["description"]
    assert "1 of 1 got it right" in post.embeds[0]["description"]


async def test_grading_a_card_whose_deck_was_switched_off_records_nothing(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """A deck switched off disappears from every member's study at once, mid-session too, like a removed card."""
    await insert_own_card(harness, mod, "What does a prefix cache save?")
    back = await alice.click(await alice.slash("cards study", deck="server"), "Reveal")
    await mod.slash("content decks", deck="server", on=False)
    after = await alice.click(back, next(label for label in back.button_labels if label.startswith("Good")))
    assert "no longer in this server's decks" in after.text and "Nothing was recorded" in after.text
    assert await count(harness, "card_reviews") == 0


async def test_a_servers_own_prompt_and_its_hints_are_edited_in_place_and_checked(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    await add_own_prompt(mod, harness.guild.channel("daily"))
    [choice] = await mod.autocomplete("content edit", "item", "flashcard serv")
    form = await mod.slash("content edit", item=choice["value"])
    assert form.modal is not None and form.modal["title"] == "Edit: Design the study server's flashcard…"
    bad = await mod.submit_modal(form, follow_ups="Only one?")
    assert bad.ephemeral and "Follow-up questions" in bad.text and "nothing was saved" in bad.text
    saved = await mod.submit_modal(await mod.slash("content edit", item=choice["value"]),
                                   title="Design a flashcard service for 5,000 members")
    assert saved.text.startswith("Saved the prompt “Design a flashcard service for 5,000 members”.")
    hints = await mod.slash("content edit", item=choice["value"], part="hints")
    await mod.submit_modal(hints, hints="Where does a grade become durable?\nWhich day is 'today' for a member?")
    item = (await harness.core.db.fetchone("SELECT data FROM server_items WHERE item_id = ?", (choice["value"],)))[0]
    assert "Design a flashcard service for 5,000 members" in item and "Which day is 'today'" in item
    assert "An idempotent grade" in item  # what the forms did not show stays
    assert "edited a server prompt or card" in (await mod.slash("studybot audit")).text
    with pytest.raises(CommandForbidden):
        await alice.slash("content edit", item=choice["value"])


async def test_an_edited_card_keeps_its_id_and_the_members_history(harness: BotHarness, mod: SimMember,
                                                                   alice: SimMember) -> None:
    card = await insert_own_card(harness, mod, "What does a prefix cache save?")
    back = await alice.click(await alice.slash("cards study", deck="server"), "Reveal")
    await alice.click(back, next(label for label in back.button_labels if label.startswith("Again")))
    form = await mod.slash("content edit", item=card.id)
    saved = await mod.submit_modal(form, back="The compute for a shared prompt prefix, reused across requests.")
    assert saved.text.startswith("Saved the card “What does a prefix cache save?”.")
    waiting = await alice.slash("cards study", deck="server")
    assert "1 card you are still learning" in waiting.embeds[0]["description"]  # the grade before the edit counts
    screen = await alice.click(waiting, "Continue")
    assert "What does a prefix cache save?" in screen.embeds[0]["description"]
    shown = await alice.click(screen, "Reveal")
    assert "reused across requests" in str(shown.embeds)
    assert await count(harness, "card_states") == 1


def _option(word: str) -> str:
    """A quiz option of 300 characters, the most a card's option may have."""
    return (f"{word} " * 60)[:299].rstrip().ljust(299, "s") + "."


async def test_a_card_at_every_limit_opens_in_a_form_that_saves(harness: BotHarness, mod: SimMember) -> None:
    """Discord's client cannot submit an input whose pre-filled text is longer than the input takes, so the
    edit form of a card with eight 30-character topics and six 300-character wrong options takes them all."""
    card = await insert_own_card(harness, mod, "Which of these options is the right one?")
    full = card.model_copy(update={"back": _option("golf"), "tags": [letter * 30 for letter in "abcdefgh"],
                                   "wrong_answers": [_option(w) for w in ("alpha", "bravo", "charlie",
                                                                          "delta", "echo", "foxtrot")]})
    await harness.core.db.execute("UPDATE server_items SET data = ? WHERE item_id = ?",
                                  (Flashcard.model_validate(full.model_dump()).model_dump_json(), card.id))
    form = await mod.slash("content edit", item=card.id)
    saved = await mod.submit_modal(form, back=_option("hotel"))
    assert saved.text.startswith("Saved the card"), saved.text
    item = Flashcard.model_validate_json(
        (await harness.core.db.fetchone("SELECT data FROM server_items WHERE item_id = ?", (card.id,)))[0])
    assert item.tags == full.tags and item.wrong_answers == full.wrong_answers
    assert item.back == _option("hotel")


async def test_stats_follow_a_chosen_deck_that_was_switched_off_back_to_every_deck(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    await insert_own_card(harness, mod, "What does a prefix cache save?")
    await alice.slash("cards study", deck="server")
    before = await alice.slash("cards stats")
    assert before.embeds[0]["title"] == "Your flashcards · server"
    assert "of 1 cards started" in before.embeds[0]["footer"]["text"]
    await mod.slash("content decks", deck="server", on=False)
    after = await alice.slash("cards stats")
    assert "server" not in after.embeds[0]["title"] and "of 1 cards started" not in after.embeds[0]["footer"]["text"]


def test_the_decks_reply_of_a_server_with_many_decks_fits_in_one_message() -> None:
    from bot.community import Deck
    from cogs.community.embeds import decks_saved_text

    decks = [Deck(f"doc-{i:02d}-" + "x" * 24, f"Document {i}", "document", True, (), ()) for i in range(60)]
    text = "`doc-00-xxxxxxxxxxxxxxxxxxxxxxxx` is now on. " + decks_saved_text(decks)
    assert len(text) <= 2000 and "and 35 more" in text


async def test_a_document_with_a_delete_character_is_imported_not_failed(harness: BotHarness, mod: SimMember) -> None:
    """U+007F (DEL), which a copy-paste can carry, once made the importer's own draft fail to parse back."""
    reply = await mod.slash("content import", document=upload(DOCUMENT.replace("Adding new requests",
                                                                                 "Adding\x7f new requests")))
    assert reply.ephemeral and GENERIC_FAILURE not in reply.text, reply.text
    assert "waiting" in reply.text and harness.sim.errors == [], reply.text


async def test_a_question_numbered_with_thousands_of_digits_is_not_a_failure(harness: BotHarness,
                                                                             mod: SimMember) -> None:
    reply = await mod.slash("content import", document=upload(DOCUMENT + "9" * 5000 + ". Is this too long?\nYes.\n"))
    assert reply.ephemeral and GENERIC_FAILURE not in reply.text, reply.text


async def test_hints_edited_after_todays_post_was_opened_are_the_ones_its_hints_button_shows(
        harness: BotHarness, mod: SimMember, alice: SimMember, bob: SimMember) -> None:
    """`/content edit` says the daily rotation uses the new text at once: a hint fixed while today's prompt is the
    server's own reaches the members who open Hints after the fix, also when someone opened them before it."""
    daily = harness.guild.channel("daily")
    await add_own_prompt(mod, daily)
    await mod.slash("content decks", deck="ai-native-careers", on=False)  # today's prompt is the server's own
    await mod.slash("daily post-now")
    [post] = [m for m in daily.messages if m.embeds and m.embeds[0].get("title", "").startswith("Day ")]
    assert "flashcard service" in post.embeds[0]["title"]
    await alice.click(post, "Hints")
    [choice] = await mod.autocomplete("content edit", "item", "flashcard serv")
    await mod.submit_modal(await mod.slash("content edit", item=choice["value"], part="hints"),
                           hints="Where does a grade become durable?")
    hints = await bob.click(post, "Hints")
    assert "Where does a grade become durable?" in hints.text, hints.text


async def test_a_documents_faq_answer_that_only_repeats_its_question_is_left_out_of_the_queue(
        harness: BotHarness, mod: SimMember, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """README: every drafted card is checked by the validator, so an export of the server's content always
    validates; an answer that only repeats its question is a card `studybot content validate` refuses."""
    echo = DOCUMENT + "3. Does continuous batching raise throughput?\nYes, continuous batching raises throughput.\n"
    done = await mod.slash("content import", document=upload(echo))
    assert "5 cards are waiting for review" in done.text and "repeats its front" in done.text, done.text
    await approve_all(mod)
    [attachment] = (await mod.slash("content export")).attachments
    with zipfile.ZipFile(io.BytesIO(attachment["data"])) as archive:
        archive.extractall(tmp_path / "packs")
    capsys.readouterr()
    assert main(["content", "validate", str(tmp_path / "packs")]) == 0, capsys.readouterr().out


async def test_two_moderators_editing_one_prompt_at_once_keep_both_changes(
        harness: BotHarness, guild, mod: SimMember) -> None:
    """One moderator saves a prompt's hints while another saves its title: each form changes only its own
    fields, so both changes are kept, whichever is saved last."""
    other = guild.add_member("mod2", manage_guild=True)
    await add_own_prompt(mod, harness.guild.channel("daily"))
    [choice] = await mod.autocomplete("content edit", "item", "flashcard serv")
    hints = await mod.slash("content edit", item=choice["value"], part="hints")
    text = await other.slash("content edit", item=choice["value"])
    saving_hints = mod.start_submit_modal(hints, hints="Where does a grade become durable?")
    saving_title = other.start_submit_modal(text, title="Design a flashcard service for 5,000 members")
    await harness.sim.settle()
    replies = [str(i.response_data) for i in (saving_hints, saving_title)]
    assert all("Saved the prompt" in reply for reply in replies), replies
    item = await harness.core.db.fetchval("SELECT data FROM server_items WHERE item_id = ?", (choice["value"],))
    assert "Where does a grade become durable?" in item and "Design a flashcard service for 5,000 members" in item


async def test_a_deck_name_used_again_after_its_cards_were_removed_starts_on(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """A deck whose cards were all removed is gone, and so is whether it was on: a new upload under its name is
    a new deck, on like any other, so the cards a moderator approves from it are studied at once."""
    await mod.slash("content import", document=upload(DOCUMENT))
    assert await approve_all(mod) == 5
    await mod.slash("content decks", deck="doc-serving-notes", on=False)
    for card_id in [row[0] for row in await harness.core.db.fetchall("SELECT item_id FROM server_items")]:
        await mod.click(await mod.slash("content remove", item=card_id), "Remove it")
    assert "doc-serving-notes" not in (await mod.slash("content decks")).text

    again = await mod.slash("content import", document=upload(DOCUMENT))
    assert "5 cards are waiting for review" in again.text
    assert await approve_all(mod) == 5
    screen = await alice.slash("cards study", deck="doc-serving-notes")
    assert screen.button_labels == ["Reveal"], screen.text
    assert "✅ **" in (await mod.slash("content decks")).text.split("(`doc-serving-notes`)")[0].splitlines()[-1]
