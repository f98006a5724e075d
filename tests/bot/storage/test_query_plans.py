"""No query reads the whole of a table that grows with every member and day, except where it says why,
and no query for one member reads the rows of their whole server.

SQLite here keeps no statistics (nothing runs ANALYZE), so the plan a query gets on an empty database is
the plan it gets in a server with years of history. Every SQL statement written out in ``bot/`` is
explained against the migrated schema; a full scan of a growing table fails unless it is listed below
with its reason, or it scans a partial index (which holds only the rows still pending). Statements
assembled at run time are not seen here; their own tests read them.
"""

from __future__ import annotations

import ast
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from bot.storage import Database

BOT = Path(__file__).resolve().parents[3] / "bot"

# Tables with rows per member per day (or per round, per review): a scan grows without bound.
GROWING = {"activity", "daily_answers", "daily_posts", "answer_marks", "card_states", "card_reviews", "card_undo",
           "quiz_answers", "quiz_posts", "mock_groups", "mock_group_members", "mock_meetings", "mock_time_options",
           "mock_time_votes", "mock_feedback", "audit_log", "streaks", "streak_milestones", "practice_answers"}

# "module:where" (the function, or the module-level name the statement is assigned to) -> why a scan is fine.
SCANS_ALLOWED = {
    "admin/repository.py:POSTED_FOR_MEMBER": "a member's deletion (rare, and on a moderator's or their own "
                                             "request) finds every message posted for them",
    "streaks/repository.py:zone_drifted": "once at start-up, over every server (one server's zone change "
                                          "reads that server's summaries alone)",
}

_SKIP_WORDS = {"WHERE", "ON", "JOIN", "LEFT", "INNER", "SET", "GROUP", "ORDER", "USING", "INDEXED", "LIMIT",
               "UNION", "AS", "CROSS"}


def _statements() -> Iterator[tuple[str, str]]:
    """(where, sql) for every string literal under ``bot/`` that is a SELECT, UPDATE, DELETE or WITH."""
    for path in sorted(BOT.rglob("*.py")):
        if "localdiscord" in path.parts:
            continue
        module = path.relative_to(BOT).as_posix()
        yield from _walk(ast.parse(path.read_text()), module, "<module>")


def _walk(node: ast.AST, module: str, where: str) -> Iterator[tuple[str, str]]:
    for child in ast.iter_child_nodes(node):
        inner = where
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = child.name
        elif isinstance(child, ast.Assign) and where == "<module>" and isinstance(child.targets[0], ast.Name):
            inner = child.targets[0].id
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            sql = child.value.strip()
            if re.match(r"(?is)^(SELECT|UPDATE|DELETE|WITH)\b", sql):
                yield f"{module}:{where}", sql
        yield from _walk(child, module, inner)


def _parameters(sql: str) -> dict[str, int] | tuple[int, ...]:
    names = re.findall(r"(?<![:\w]):([a-z_]+)", sql)
    if names:
        return {name: 1 for name in names}
    numbered = [int(n) for n in re.findall(r"\?(\d+)", sql)]
    return (1,) * (max(numbered) if numbered else sql.count("?"))


def _aliases(sql: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for table, alias in re.findall(r"(?i)\b(?:FROM|JOIN|UPDATE)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", sql):
        found[table] = table
        if alias and alias.upper() not in _SKIP_WORDS:
            found[alias] = table
    return found


async def _migrated(tmp_path: Path) -> sqlite3.Connection:
    db = Database(tmp_path / "studybot.sqlite3")
    await db.open()
    await db.close()
    return sqlite3.connect(tmp_path / "studybot.sqlite3")


def _plans(conn: sqlite3.Connection) -> Iterator[tuple[str, str, list[str]]]:
    """(where, sql, plan lines) for every statement that prepares against the schema."""
    for where, sql in _statements():
        try:
            plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}", _parameters(sql)).fetchall()
        except sqlite3.Error:
            continue  # a fragment of a statement assembled at run time
        yield where, sql, [row[3] for row in plan]


async def test_a_query_for_one_member_reads_that_members_rows(tmp_path: Path) -> None:
    """A statement that names the member (``user_id = ?``) must not read the whole server's rows of a growing
    table: without statistics SQLite prefers the primary key, or a covering index, that starts with the
    server alone (a member's quiz record and Helpful marks did, reading every row of the server)."""
    conn = await _migrated(tmp_path)
    try:
        wide = []
        for where, sql, plan in _plans(conn):
            aliases = _aliases(sql)
            for detail in plan:
                search = re.match(r"SEARCH (\w+) USING .*\((guild_id=\?)\)$", detail)
                if search is None or aliases.get(search[1], search[1]) not in GROWING:
                    continue
                column = rf"\b{search[1]}\.user_id" if aliases.get(search[1]) != search[1] else r"(?<![\w.])user_id"
                if re.search(column + r"\s*=\s*[?:]", sql):
                    wide.append(f"{where}: {detail}: {sql[:100]}")
        assert not wide, "\n".join(wide)
    finally:
        conn.close()


async def test_no_query_scans_a_growing_table_unless_it_says_why(tmp_path: Path) -> None:
    conn = await _migrated(tmp_path)
    try:
        partial = {row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql LIKE '% WHERE %'")}
        explained, scans, allowed_seen = 0, [], set()
        for where, sql, plan in _plans(conn):
            explained += 1
            aliases = _aliases(sql)
            for detail in plan:
                scan = re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?", detail)
                if scan is None or aliases.get(scan[1], scan[1]) not in GROWING or scan[2] in partial:
                    continue
                if where in SCANS_ALLOWED:
                    allowed_seen.add(where)
                else:
                    scans.append(f"{where}: {detail}: {sql[:100]}")
        assert explained > 150  # the walk finds the statements (there are about 200)
        assert not scans, "\n".join(scans)
        assert allowed_seen == set(SCANS_ALLOWED), "remove these, they scan no more: " \
                                                   f"{set(SCANS_ALLOWED) - allowed_seen}"
    finally:
        conn.close()
