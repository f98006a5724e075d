"""Content from the community: a member suggests a card, a moderator edits and approves it, and it
shows up in the member's next review session; then private practice and the archive of past prompts."""

from __future__ import annotations

from bot.demo.context import DemoContext
from bot.localdiscord import Reply


def _grade_button(reply: Reply, starts: str) -> str:
    for row in reply.components:
        for component in row.get("components", []):
            if (component.get("label") or "").startswith(starts):
                return component["custom_id"]
    raise AssertionError(f"no button {starts!r}")


async def play(demo: DemoContext) -> None:
    moderator = demo.moderators[1]
    author = demo.members[1]
    review = demo.harness.guild.create_text_channel("mod-review")

    demo.heading("Suggestions · a moderator picks the review channel")
    demo.show(await moderator.slash("review channel", channel=review), action="/review channel channel:#mod-review")

    demo.heading("Suggestions · a member suggests a flashcard (checked like pack content)")
    form = await author.slash("suggest card")
    demo.show(form, action="/suggest card")
    too_short = await author.submit_modal(form, front="RAG?", back="Retrieval", topic="retrieval")
    demo.show(too_short, action="submits a card that is too thin")
    form = await author.slash("suggest card")
    done = await author.submit_modal(
        form, front="Why rerank after vector search in a RAG pipeline?",
        back="The first pass is fast but coarse; a cross-encoder rescoring the top few dozen candidates "
             "puts the most relevant passages first, at the cost of extra latency.",
        topic="retrieval, ranking",
        # Wrong options as long and as plausible as the answer: the quiz's options must not give it away.
        wrong_answers="To embed the query again with a larger model, so a second pass finds the passages the first "
                      "embedding missed.\n"
                      "To swap in a keyword index for the final ranking, since exact term matches beat semantic "
                      "ones at the top.\n"
                      "To cache each member's answers, so a repeated question skips retrieval and generation and "
                      "returns at once.")
    demo.show(done, action="submits a complete card")
    before = 0
    demo.show_new(review, before)

    demo.heading("Review queue · the moderator tightens the wording and approves")
    queued = next(m for m in review.messages if m.embeds)
    edit = await moderator.click(queued, "Edit")
    demo.show(edit, action="Edit")
    approved = await moderator.submit_modal(
        edit, back="Vector search is fast but coarse; a cross-encoder rescoring the top candidates puts the "
                   "most relevant passages first, trading some latency for precision.")
    demo.show(approved, action="submits the edited card")
    for message in author.dms[-1:]:
        demo.show(message)
    mine = await author.slash("suggest mine")
    demo.show(mine, action="/suggest mine")

    demo.heading("Flashcards · the approved card in the member's next review session")
    screen = await author.slash("cards study", deck="server")
    demo.show(screen, action="/cards study deck:server")
    back = await author.click(screen, "Reveal")
    demo.show(back, action="Reveal")
    demo.show(await author.click(back, _grade_button(back, "Good")), action="Good")
    await author.slash("cards settings", deck="all")

    demo.heading("Practice · a prompt the member has not answered, privately")
    practice = await author.slash("practice", kind="debugging")
    demo.show(practice, action="/practice kind:debugging")
    answer = await author.click(practice, "Submit answer")
    saved = await author.submit_modal(answer, answer="I would bisect the change window first: compare traces "
                                      "before and after, then check the retrieval index build for that day.")
    demo.show(saved, action="submits an answer")
    demo.show(await author.click(practice, "Rubric"), action="Rubric")

    demo.heading("Archive · the server's past prompts with their threads")
    demo.show(await demo.members[3].slash("archive"), action="/archive")
