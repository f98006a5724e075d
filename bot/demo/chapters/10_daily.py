"""Daily design prompts: a moderator sets them up, members answer over three days."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.context import DemoContext

ANSWERS = [
    "Split ingestion from serving: a queue feeds chunking and embedding workers, the index is rebuilt per "
    "tenant behind an alias so readers never see half a build. Serve with hybrid search (BM25 + vectors), "
    "rerank the top 50, and cache by normalised query. Watch recall@10 on a labelled set and p95 latency.",
    "I would start from the latency budget: 150 ms for retrieval, the rest for generation. That rules out a "
    "second LLM call on the hot path, so query rewriting happens only on a cache miss with low confidence.",
    "Failure modes first: stale embeddings after a model upgrade, a hot tenant starving others, and the "
    "reranker timing out. Each gets a fallback: dual-write both embedding versions, per-tenant quotas, and "
    "serving the unreranked list when the reranker is slow.",
    "Measure before optimising: log which chunks were cited in answers, and prune chunks nobody ever "
    "retrieves. That shrinks the index and speeds up search without touching the model.",
]


async def play(demo: DemoContext) -> None:
    channel = demo.channels["daily-prompts"]
    moderator = demo.moderators[0]
    role = next(r for r in demo.guild.roles.values() if r.name == "Daily ping")
    demo.heading("Daily prompts · a moderator picks the channel, time and timezone")
    reply = await moderator.slash("daily setup", channel=channel, time="09:00", timezone="Europe/London",
                                  role=role)
    demo.show(reply, action="/daily setup channel:#daily-prompts time:09:00 timezone:Europe/London")
    bad = await moderator.slash("daily setup", channel=channel, time="9am", timezone="Europe/Londn")
    demo.show(bad, action="/daily setup … time:9am (a typo)")

    for day in range(3):
        target = demo.now.replace(hour=9, minute=0, second=0, microsecond=0)
        if target <= demo.now:
            target += timedelta(days=1)
        before = len(channel.messages)
        await demo.advance_to(target)
        demo.heading(f"Daily prompts · {demo.now:%A %d %B}, 09:00 in London")
        demo.show_new(channel, before)
        post = channel.messages[-1]
        writers = demo.rng.sample(demo.members, 3 if day == 0 else 2)
        for index, member in enumerate(writers):
            form = await member.click(post, "Submit answer")
            done = await member.submit_modal(form, answer=ANSWERS[(day + index) % len(ANSWERS)])
            demo.show(done, action="submits an answer")
        rubric = await writers[0].click(post, "Rubric")
        demo.show(rubric, action="opens the rubric after answering")
        if day == 0:
            locked = await demo.members[-1].click(post, "Rubric")
            demo.show(locked, action="tries the rubric before answering")
            again = await writers[1].submit_modal(await writers[1].click(post, "Submit answer"),
                                                  answer=ANSWERS[3])
            demo.show(again, action="re-submits (replaces the earlier answer)")
        assert post.thread is not None
        demo.say(f"The thread “{post.thread.name}” now holds {len(post.thread.messages) - 1} answers:")
        for message in post.thread.messages[1:]:
            demo.show(message)
    status = await moderator.slash("daily status")
    demo.show(status, action="/daily status")
