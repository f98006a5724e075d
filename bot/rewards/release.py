"""Taking back a member's reward roles when they ask for their data to go.

A role was given for a streak or a month's lead the deletion forgets; once the grant rows are gone nothing
would ever take it back. So the roles are taken back first, on Discord, and the data goes after. The grants
are marked pending before Discord is asked: a process stopped between the two leaves the member's data in
place, and the next quarter-hour pass settles each pending grant (gives the role back while it is earned),
so what the member holds and what is recorded agree again and they can simply ask once more. Discord failing
for a moment (a server error, a timeout) ends the request the same way, nothing deleted: a grant forgotten
with the member's data would leave the role on them for good, with nothing left to take it back.

A pass running while the roles are taken back (in this process or the one serving a server) still sees the
member's streak, so it gives a pending grant back, or a role newly earned; the deletion's transaction checks
with :func:`still_taken_back` that no grant was confirmed or added since, and deletes nothing if one was.
"""

from __future__ import annotations

import logging

import aiosqlite

from bot.errors import Conflict
from bot.posting import crash_point
from bot.rewards.models import MemberGone, RoleKept, RoleRefused, RolesTakenBack
from bot.rewards.repository import RewardRepository
from bot.rewards.service import RolePublisher
from bot.storage import Database

log = logging.getLogger(__name__)

REASON = "studybot: the member asked for their data to be deleted"


async def take_back_rewards(db: Database, roles: RolePublisher, user_id: int) -> RolesTakenBack:
    """Take every reward role recorded for the member off them, in every server; what Discord refused."""
    repo = RewardRepository(db)
    grants = await repo.grants_of_member(user_id)
    if not grants:
        return RolesTakenBack()
    marked = frozenset((guild_id, grant.reward, grant.role_id) for guild_id, grant in grants)
    await repo.mark_member_pending(user_id)
    taken, kept = 0, []
    for guild_id, role_id in sorted({(guild_id, grant.role_id) for guild_id, grant in grants}):
        try:
            await roles.remove_role(guild_id, user_id, role_id, REASON)
        except MemberGone:
            continue  # not in that server any more: nothing to take
        except RoleRefused as error:
            kept.append(RoleKept(guild_id, role_id, str(error)))
            continue
        except Exception as error:  # Discord failing for a moment: nothing is deleted, the member asks again
            log.warning("could not take reward role %s of guild %s back: %s", role_id, guild_id, error)
            raise Conflict("Discord did not answer as I took back a reward role I gave you, so nothing was "
                           "deleted.", hint="Run `/privacy delete` again in a minute or two.") from error
        taken += 1
    crash_point("privacy.roles-taken")
    return RolesTakenBack(taken, tuple(kept), marked)


async def still_taken_back(db: Database, conn: aiosqlite.Connection, user_id: int, roles: RolesTakenBack) -> bool:
    """Inside the deletion's transaction: whether every grant of the member is still one marked pending and taken
    back. A pass that confirmed a grant (gave the role back) or recorded a new one in between may have given a
    role; forgetting its grant would leave the role on the member with nothing to take it back."""
    grants = await RewardRepository(db).grants_of_member(user_id, conn)
    return all(grant.pending and (guild_id, grant.reward, grant.role_id) in roles.marked
               for guild_id, grant in grants)
