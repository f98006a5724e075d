"""Sample answers written the way members write in a study thread: first person, a little informal,
a plan with a concrete number or two and a question back, about the day's own prompt.

Each kind of prompt has its own voices; the prompt's title and one of its constraints (quoted, as a
member quotes the prompt) tie every answer to that day's prompt, without copying the rubric.
"""

from __future__ import annotations

import random

from bot.content.models import Prompt, PromptKind

ANSWERS: dict[PromptKind, list[str]] = {
    PromptKind.DESIGN: [
        "First question I'd ask: what's the latency budget per request? The line I'd design around is "
        "“{constraint}”. So: an offline ingestion path, a thin online path, a cache for the hot half, and "
        "a small eval set (200-ish real questions) in CI before touching the model. Where would you put "
        "the quality gate?",
        "My rough plan for “{title}”: draw the request path end to end, then size it. “{constraint}” tells me "
        "the expensive part is the model call, so batching plus a cache keyed on the normalized input gets "
        "most of the win. Ship behind a flag, compare with the current system for a week.",
        "I'd start from the failure modes rather than the boxes: retrieval returns nothing, the model times "
        "out, the index is stale. Because of “{constraint}” I'd keep a fallback that answers without the "
        "model. Curious whether people think that's overkill for a first version.",
        "Tried this one out loud with a timer: 5 min on requirements, 15 on the design, 10 on scaling. "
        "The part I rushed was “{constraint}”. I'd now say up front how I'd measure quality per tenant, "
        "not just overall.",
    ],
    PromptKind.DEBUGGING: [
        "Before changing anything I'd pull twenty bad examples and read them side by side. My bet is the "
        "inputs changed, not the model: “{constraint}” makes drift likely. Then bisect: same prompt, old vs "
        "new context, and see which one flips the answer.",
        "Boring things first: a deploy, a config flag, a new data source. Then compare traces from a good "
        "day and a bad day. Given “{constraint}”, I'd also check whether it lines up with cache misses.",
        "I'd write the timeline before the theory: when did it start, what shipped that day, who noticed. "
        "“{constraint}” narrows it a lot. Then one change at a time, each checked against the same 50 "
        "saved requests.",
        "Second go after reading the thread: add a canary on the eval set so this gets caught in an hour "
        "instead of a week. Still think “{constraint}” is the clue.",
    ],
    PromptKind.TRADEOFF: [
        "I'd pick the simpler option first and write down what would make me switch. “{constraint}” makes "
        "cost matter more than a couple of points of quality, but I'd measure both on the same eval set "
        "before deciding.",
        "I keep going back and forth on this one. What tipped it for me: “{constraint}”. That favours the "
        "option we can roll back in a day. I'd revisit after a month of real traffic.",
        "Both work; the question is which mistake is cheaper. With “{constraint}”, being wrong with the "
        "bigger option costs months, being wrong with the smaller one costs a sprint. So small first, with "
        "a clear trigger to revisit.",
        "Revised: I'd add a one-week spike where both run on 5% of traffic. Cheap, and it turns "
        "“{constraint}” from a guess into a number.",
    ],
    PromptKind.PRODUCT: [
        "I'd talk to five users before building anything and ask what they do today instead. Given "
        "“{constraint}”, I'd launch to one team, track one number (tasks finished without a human stepping "
        "in) and only then widen it.",
        "I'd frame it around the moment the user loses trust: a wrong answer said confidently. So the first "
        "version shows sources and an easy 'this is wrong' button. “{constraint}” means we can't review "
        "everything by hand, so the flags feed the eval set.",
        "Success metric first: minutes saved per week, measured with a before/after on ten users. "
        "“{constraint}” is why I'd skip the fancy features and nail the one workflow people repeat daily.",
        "Editing my answer: I forgot pricing. If “{constraint}” holds, per-seat beats per-request for the "
        "first year.",
    ],
    PromptKind.BEHAVIORAL: [
        "My story: last year we shipped a feature that looked great in demos and fell over with real data. "
        "I owned the rollback, wrote the postmortem, and we added an eval step before launches. What I'd "
        "say differently now: I raised the risk too late.",
        "I'd use the time I disagreed with my lead about launching early. I brought numbers from a small "
        "pilot instead of opinions, we agreed on a staged rollout, and the pilot caught a real problem. "
        "Keeping it under two minutes is the hard part.",
        "Mine is about mentoring: a new teammate kept getting stuck on our eval tooling. I paired with them "
        "for a week and wrote the guide I wished I'd had. Three people have used it since.",
        "Trimmed version after practising out loud: situation in one sentence, then what I did, then the "
        "number that changed. Came in at 90 seconds.",
    ],
}


def sample_answer(prompt: Prompt, rng: random.Random, voice: int) -> str:
    """Answer number ``voice`` to ``prompt`` (different voices read differently); ``rng`` picks the quote."""
    templates = ANSWERS[prompt.kind]
    constraint = rng.choice(prompt.constraints).rstrip(".") if prompt.constraints else prompt.title
    return templates[voice % len(templates)].format(title=prompt.title, constraint=constraint)
