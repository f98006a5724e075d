"""Each posted day keeps its prompt's kind, so `/archive kind:` still finds a day whose prompt is gone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from bot.content import ContentStore
from bot.content.models import PromptKind
from bot.daily import DailyService, Outcome
from bot.daily.repository import KINDLESS_PROMPTS
from bot.settings import SHIPPED_CONTENT_DIR
from bot.storage import Database, load_migrations
from tests.bot.daily.conftest import GUILD, FakeDiscord, build_service

SHIPPED = ContentStore.load(SHIPPED_CONTENT_DIR).library.prompts


async def test_a_claimed_day_stores_the_kind_of_its_prompt(service: DailyService, clock: ManualClock) -> None:
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # 09:00 in Berlin
    assert (await service.delivery.deliver_due(GUILD)).outcome is Outcome.POSTED
    [post] = await service.repo.posts(GUILD)
    prompt = service.content.library.prompt(post.prompt_id)
    assert prompt is not None and post.prompt_kind == prompt.kind.value


async def insert_post(db: Database, day: int, prompt_id: str) -> None:
    """A day as posted before migration 0031 (no kind column yet)."""
    await db.execute(
        "INSERT INTO daily_posts (guild_id, local_date, day_number, cycle, prompt_id, status, channel_id, nonce, "
        "claimed_at, occurrence_at) VALUES (?, ?, ?, 1, ?, 'sent', 55, ?, 0, 0)",
        (GUILD, f"2026-03-{day:02d}", day, prompt_id, f"n{day}"))


async def test_older_days_get_their_kind_from_own_prompts_suggestions_and_the_shipped_packs(
        tmp_path: Path, clock: ManualClock) -> None:
    own = SHIPPED[0].model_copy(update={"id": "custom-1001-1", "kind": PromptKind("behavioral")})
    suggested = SHIPPED[0].model_copy(update={"id": "g1001-s1", "kind": PromptKind("product")})  # approved, removed since
    shipped = next(p for p in SHIPPED if p.kind.value not in {"behavioral", "product"})
    db = Database(tmp_path / "old.sqlite3")
    await db.open(migrate=False)
    try:
        await db.migrate([m for m in load_migrations() if m.version < 31])
        await db.execute(
            "INSERT INTO server_items (guild_id, item_id, kind, deck, data, origin, created_at, updated_at) "
            "VALUES (?, ?, 'prompt', 'server', ?, 'added', 0, 0)", (GUILD, own.id, own.model_dump_json()))
        await db.execute(
            "INSERT INTO suggestions (guild_id, author_id, kind, data, status, item_id, created_at) "
            "VALUES (?, 9, 'prompt', ?, 'approved', ?, 0)", (GUILD, suggested.model_dump_json(), suggested.id))
        for day, prompt_id in enumerate((own.id, suggested.id, shipped.id, "retired-long-ago"), start=1):
            await insert_post(db, day, prompt_id)
        await db.migrate()
        kinds = {p.prompt_id: p.prompt_kind for p in await build_service(db, clock, FakeDiscord()).repo.posts(GUILD)}
        assert kinds == {own.id: "behavioral", suggested.id: "product", shipped.id: None, "retired-long-ago": None}

        await build_service(db, clock, FakeDiscord()).start()  # start-up reads the shipped packs
        kinds = {p.prompt_id: p.prompt_kind for p in await build_service(db, clock, FakeDiscord()).repo.posts(GUILD)}
        assert kinds == {own.id: "behavioral", suggested.id: "product", shipped.id: shipped.kind.value,
                         "retired-long-ago": None}
        # What start-up reads again at every start is the few kindless posts, not every server's history.
        plan = await db.fetchall(f"EXPLAIN QUERY PLAN {KINDLESS_PROMPTS}")
        assert [row[3] for row in plan] == ["SCAN daily_posts USING INDEX daily_posts_kindless"]
    finally:
        await db.close()
