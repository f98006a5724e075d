"""Community content held to the pack rules end to end, and practice that says why it has nothing to offer."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.localdiscord import BotHarness, SimChannel, SimMember
from tests.cogs.test_content_uploads import approve_all
from tests.cogs.test_suggestions import GOOD_CARD, GOOD_PROMPT, count, suggest_card

# A card the pack validator refuses: its back only repeats its front (an error of `studybot content validate`).
ECHO_CARD = {**GOOD_CARD, "front": "What does a reranker add after vector search?",
             "back": "A reranker, added after vector search.",
             "wrong_answers": "An embedding of the query made twice\nA replacement for the vector index\n"
                              "A cache of answers keyed by the user"}


async def test_a_suggested_card_the_pack_validator_refuses_is_refused_and_stored_nowhere(
        harness: BotHarness, alice: SimMember) -> None:
    """README: a form that breaks a pack rule is refused with the validator's message and nothing is stored."""
    text = await suggest_card(alice, **ECHO_CARD)
    assert "does not fit the pack format" in text and "repeats its front" in text
    assert await count(harness, "suggestions") == 0


async def test_an_export_holding_an_approved_suggested_card_passes_content_validate(
        harness: BotHarness, mod: SimMember, alice: SimMember, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """README: `/content export` is a pack `studybot content validate` accepts unzipped: a card approved from the
    form meets every card rule of the validator (its back says more than its front, its quiz options are fair)."""
    await suggest_card(alice, **GOOD_CARD)
    await approve_all(mod)
    assert await count(harness, "server_items") == 1
    exported = await mod.slash("content export")
    [attachment] = exported.attachments
    with zipfile.ZipFile(io.BytesIO(attachment["data"])) as archive:
        archive.extractall(tmp_path / "packs")
    capsys.readouterr()
    code = main(["content", "validate", str(tmp_path / "packs")])
    out = capsys.readouterr().out
    assert code == 0, out


async def test_a_suggested_card_whose_quiz_options_give_the_answer_away_is_refused(
        harness: BotHarness, alice: SimMember) -> None:
    text = await suggest_card(alice, **{**GOOD_CARD, "wrong_answers": "Nothing\nA cache\nAn index"})
    assert "does not fit the pack format" in text and "differ too much in length" in text
    assert await count(harness, "suggestions") == 0


async def test_practice_with_no_prompt_to_offer_does_not_congratulate_a_member_who_answered_nothing(
        harness: BotHarness, mod: SimMember, alice: SimMember) -> None:
    """Every deck switched off: alice has answered nothing, so she must not read that she answered every prompt."""
    await mod.slash("content decks", deck="ai-native-careers", on=False)
    screen = await alice.slash("practice")
    assert "answered every" not in screen.text, screen.text
    assert await harness.core.db.fetchval("SELECT COUNT(*) FROM practice_answers", default=0) == 0


async def test_practice_of_a_kind_the_server_does_not_use_does_not_say_every_one_was_answered(
        harness: BotHarness, mod: SimMember, alice: SimMember, daily: SimChannel) -> None:
    """/daily kinds keeps only design prompts; alice asks to practise a behavioral one, having answered nothing."""
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    await mod.select(await mod.slash("daily kinds"), ["design"])
    screen = await alice.slash("practice", kind="behavioral")
    assert "You have answered every behavioral prompt" not in screen.text, screen.text


async def test_a_suggested_cards_negative_quiz_option_keeps_its_minus_sign(harness: BotHarness, alice: SimMember) -> None:
    """The form's one-option-per-line text loses a leading '-' (read as a list bullet): "-20%" is stored as "20%"."""
    await suggest_card(alice, front="By how much does p95 latency change when batching doubles the batch size?",
                       back="It rises by about 20%, since each request waits longer for its batch.",
                       wrong_answers="-20%, because larger batches finish sooner\n"
                                     "It does not change, since the GPU is idle anyway\n"
                                     "-50%, because the queue empties twice as fast")
    data = await harness.core.db.fetchval("SELECT data FROM suggestions")
    assert json.loads(data)["wrong_answers"][0] == "-20%, because larger batches finish sooner", data


async def test_a_suggested_prompt_with_a_fixed_pool_and_a_workload_is_refused_with_what_to_do(
        harness: BotHarness, alice: SimMember) -> None:
    """In a pack such a prompt carries a sizing check that its numbers fit; a form cannot hold one, and the export
    would then fail the validator."""
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="Serving on a fixed pool")
    refused = await alice.submit_modal(form, **{**GOOD_PROMPT, "constraints": "8 GPUs\n2k requests per second at peak"})
    assert refused.ephemeral and "states a fixed pool" in refused.text and "nothing was saved" in refused.text
    assert await count(harness, "suggestions") == 0
    form = await alice.slash("suggest prompt", kind="design", difficulty="hard", title="Serving at peak")
    assert "suggestion **#1**" in (await alice.submit_modal(form, **{**GOOD_PROMPT, "constraints": "2k requests per second at peak"})).text


async def test_cards_a_moderators_upload_drafted_do_not_use_up_their_own_suggestions(
        harness: BotHarness, mod: SimMember) -> None:
    for number in range(12):  # a document's drafted cards, waiting under the document's deck
        await harness.core.db.execute(
            "INSERT INTO suggestions (guild_id, author_id, kind, deck, data, created_at) "
            "VALUES (?, ?, 'card', 'doc-serving-notes', '{}', ?)", (harness.guild.id, mod.id, number))
    assert "suggestion **#13**" in await suggest_card(mod, **GOOD_CARD)


async def test_a_prompt_daily_add_stores_is_one_the_export_of_the_servers_content_validates(
        harness: BotHarness, mod: SimMember, daily: SimChannel, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """README: `/daily add` is checked against the same rules as the packs, and the export passes `studybot content
    validate`: a prompt stating a fixed pool and a workload needs a sizing check a form cannot hold, so it is refused
    as a suggested one is."""
    await mod.slash("daily setup", channel=daily, time="09:00", timezone="UTC")
    form = await mod.slash("daily add", kind="design", difficulty="hard")
    done = await mod.submit_modal(form, title="Serving on a fixed pool", scenario=GOOD_PROMPT["scenario"],
                                  constraints="8 GPUs\n2k requests per second at peak",
                                  follow_ups=GOOD_PROMPT["follow_ups"], rubric=GOOD_PROMPT["rubric"])
    if await count(harness, "server_items"):
        [attachment] = (await mod.slash("content export")).attachments
        with zipfile.ZipFile(io.BytesIO(attachment["data"])) as archive:
            archive.extractall(tmp_path / "packs")
        capsys.readouterr()
        code = main(["content", "validate", str(tmp_path / "packs")])
        assert code == 0, f"/daily add stored a prompt the export fails validate with:\n{capsys.readouterr().out}"
    assert done.ephemeral and "states a fixed pool" in done.text and "nothing was saved" in done.text
