"""A server's own content written out as a content pack: a zip holding one pack folder.

The files are exactly the pack format (``pack.toml``, ``prompts/*.toml``, ``flashcards/*.toml``),
so ``studybot content validate`` accepts the unzipped folder and the pack can be shipped with
the bot or moved to another server. Authors are not written into the pack: credit belongs to
the server the items were suggested in.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import tomli_w

from bot.community.library import ServerContent
from bot.content.models import SCHEMA_VERSION, Flashcard, Prompt, reserved_pack_name
from bot.errors import NotFound


def pack_name_for(guild_name: str) -> str:
    """The exported pack's name, from the server's: never a deck key the bot keeps for a server's own decks
    (a server called "Doc Club" would export `doc-club-community`, which the validator refuses)."""
    slug = re.sub(r"[^a-z0-9]+", "-", guild_name.lower()).strip("-")[:30]
    name = f"{slug}-community" if len(slug) >= 2 else "server-community"
    return name if reserved_pack_name(name) is None else f"community-{slug}"


def _item(item: Prompt | Flashcard) -> dict[str, object]:
    return item.model_dump(mode="json", exclude_defaults=False, exclude_none=True)  # TOML has no null


async def export_pack(content: ServerContent, guild_id: int, guild_name: str, now: datetime) -> tuple[str, bytes]:
    """(file name, zip bytes) of every prompt and card the server owns, one flashcard file per deck."""
    items = await content.items(guild_id)
    if not items:
        raise NotFound("This server has no content of its own to export yet.",
                       hint="Approve suggestions, upload a document with `/content import`, or `/daily add`.")
    name = pack_name_for(guild_name)
    title = f"{guild_name[:80]} community content"
    meta = {"schema_version": SCHEMA_VERSION, "name": name, "title": title if len(title) >= 3 else "Community content",
            "version": f"1.{now:%Y%m%d}.{now:%H%M}", "description":
            f"Prompts and flashcards written, suggested and imported in {guild_name}, exported {now:%Y-%m-%d}."}
    files = {"pack.toml": tomli_w.dumps(meta)}
    prompts = [_item(e.item) for e in items if isinstance(e.item, Prompt)]
    if prompts:
        files["prompts/server.toml"] = tomli_w.dumps({"prompt": prompts})
    decks: dict[str, list[dict[str, object]]] = {}
    for entry in items:
        if isinstance(entry.item, Flashcard):
            decks.setdefault(entry.deck, []).append(_item(entry.item))
    for deck, cards in decks.items():
        files[f"flashcards/{deck}.toml"] = tomli_w.dumps({"card": cards})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, text in files.items():
            archive.writestr(f"{name}/{relative}", text)
    return f"{name}.zip", buffer.getvalue()
