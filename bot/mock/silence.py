"""Members who never answer their pairings: paused before they strand another partner.

A member who did nothing in each of their last :data:`SILENT_ROUNDS` interviews (no time ticked or proposed,
no report, no feedback, and the group never met) leaves a partner waiting every round. Pairing bots pause
such members and tell them how to come back (Donut does after three unanswered introductions). Only rounds
that ended count, and only those since the member last changed their sign-up (joining again, or editing it,
starts afresh); an interview someone cancelled counts for nobody. The pause is written in the transaction
that makes the next round, untold until the DM marks it told, like a no-show pause.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.storage import epoch

SILENT_ROUNDS = 3

_SILENT = """
WITH recent AS (
    SELECT m.user_id, ROW_NUMBER() OVER (PARTITION BY m.user_id ORDER BY r.number DESC) AS n,
           (g.outcome = 'met' OR g.outcome_by = m.user_id
            OR EXISTS (SELECT 1 FROM mock_time_votes v WHERE v.group_id = m.group_id AND v.user_id = m.user_id)
            OR EXISTS (SELECT 1 FROM mock_time_options o WHERE o.group_id = m.group_id AND o.proposed_by = m.user_id)
            OR EXISTS (SELECT 1 FROM mock_noshows s WHERE s.group_id = m.group_id AND s.reported_by = m.user_id)
            OR EXISTS (SELECT 1 FROM mock_feedback f WHERE f.group_id = m.group_id AND f.from_id = m.user_id)
           ) IS 1 AS answered
    FROM mock_group_members m
    JOIN mock_rounds r ON r.id = m.round_id
    JOIN mock_groups g ON g.id = m.group_id
    JOIN mock_participants p ON p.guild_id = m.guild_id AND p.user_id = m.user_id
    LEFT JOIN mock_meetings t ON t.group_id = m.group_id
    WHERE m.guild_id = ? AND p.status = 'active' AND p.left_server_at IS NULL AND r.status = 'closed'
      AND r.starts_at >= p.updated_at AND t.status IS NOT 'cancelled'
)
SELECT user_id FROM recent WHERE n <= ? GROUP BY user_id HAVING COUNT(*) = ? AND SUM(answered) = 0
ORDER BY user_id
"""


async def pause_silent_members(conn: aiosqlite.Connection, guild_id: int, now: datetime) -> list[int]:
    """Pause (untold) the active members silent in each of their last :data:`SILENT_ROUNDS` interviews; whom."""
    cursor = await conn.execute(_SILENT, (guild_id, SILENT_ROUNDS, SILENT_ROUNDS))
    silent = [row[0] for row in await cursor.fetchall()]
    await conn.executemany(
        "UPDATE mock_participants SET status = 'paused', skip_rounds = 0, pause_reason = 'silent', pause_told = 0, "
        "updated_at = ? WHERE guild_id = ? AND user_id = ? AND status = 'active'",
        [(epoch(now), guild_id, user_id) for user_id in silent])
    return silent
