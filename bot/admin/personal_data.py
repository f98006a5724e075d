"""What every column of the database means for a member's privacy, and why.

Each column that can hold a person's id (``*_id``, ``*_by``) or free text (every TEXT column)
is classified here, by table, with a reason:

- ``subject``: the row is the member's own; ``/privacy delete`` deletes rows naming them here;
- ``with_row``: personal, and deleted together with the member's own row;
- ``actor``: the member only acted on something shared (an audit entry, a reviewed suggestion);
  the id is replaced by 0 and the shared record stays;
- ``text``: free text (the member's own, deleted with their row, or someone else's that may
  mention them); mentions of the member and their bare id are replaced;
- ``said``: free text on a shared row, written by whoever another column (``by``) names: blanked
  when that member deletes their data (the row stays, as for an ``actor``); mentions as in ``text``;
- ``not_personal``: holds no person (a server, a channel, a date, a content id).

A test walks the live schema and fails for any such column missing here, so a new table or
column is classified the day it lands. Deletion, export and the "no trace left" check are all
driven by this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Treatment(StrEnum):
    DELETED = "deleted"
    ANONYMISED = "anonymised"
    NOT_PERSONAL = "not personal"


@dataclass(frozen=True)
class Rule:
    role: str  # subject | with_row | actor | text | said | none
    treatment: Treatment
    reason: str
    by: str | None = None  # for ``said``: the column naming who wrote the text


def subject(reason: str) -> Rule:
    return Rule("subject", Treatment.DELETED, reason)


def with_row(reason: str) -> Rule:
    return Rule("with_row", Treatment.DELETED, reason)


def actor(reason: str) -> Rule:
    return Rule("actor", Treatment.ANONYMISED, reason)


def text(reason: str) -> Rule:
    return Rule("text", Treatment.ANONYMISED, reason)


def said(by: str, reason: str) -> Rule:
    """Words the member named in ``by`` wrote on a row that stays for others: their words go with their id."""
    return Rule("said", Treatment.DELETED, reason, by)


def not_personal(reason: str) -> Rule:
    return Rule("none", Treatment.NOT_PERSONAL, reason)


def own_row(reason: str, **with_it: str) -> dict[str, Rule]:
    """A row that is one member's own (``user_id``), and its columns that are deleted with it."""
    return {"user_id": subject(reason), **{column: with_row(why) for column, why in with_it.items()}}


def facts(**reasons: str) -> dict[str, Rule]:
    """Columns that hold no person (the bot's own messages, fixed lists, server choices), with why."""
    return {column: not_personal(reason) for column, reason in reasons.items()}


def schedule(when: str, **reasons: str) -> dict[str, Rule]:
    """A server's schedule: its local time and timezone, and more server choices; none of it personal."""
    return facts(local_time=f"the server's {when}", timezone="the server's timezone", **reasons)


# Columns that mean the same wherever they appear.
COMMON: dict[str, Rule] = {
    "guild_id": not_personal("a server's id"),
    "channel_id": not_personal("a server channel the bot posts in"),
    "local_date": not_personal("a calendar day"),
    "prompt_id": not_personal("a prompt's id from the content"),
    "card_id": not_personal("a flashcard's id from the content"),
    "item_id": not_personal("a content item's id"),
    "deck": not_personal("a deck's name"),
    "status": not_personal("a state from a fixed list"),
    "kind": not_personal("a kind from a fixed list"),
    "nonce": not_personal("a random token the bot made for one post"),
    "failure": not_personal("Discord's error for a post that failed"),
    "group_id": not_personal("an internal id of a mock-interview group"),
    "round_id": not_personal("an internal id of a mock-interview round"),
    "updated_by": actor("the moderator who last changed a server setting; the setting stays"),
    "created_by": actor("the moderator who started something shared; it stays"),
}

TABLES: dict[str, dict[str, Rule]] = {
    "meta": facts(key="installation facts such as the synced command hash",
                  value="installation facts such as the synced command hash"),
    "guild_settings": facts(timezone="the server's timezone", moderator_role_id="a role of the server",
                            notices_channel_id="a channel of the server"),
    "user_settings": own_row("the member's own settings", timezone="the member's timezone"),
    "audit_log": {
        "actor_id": actor("who changed a setting; the entry stays for the server's record"),
        "target_id": actor("whom a moderator action was about; the entry stays"),
        "action": not_personal("an action name from a fixed list"),
        "old_value": text("a setting's earlier value, which can hold ids"),
        "new_value": text("a setting's new value, which can hold ids"),
        "reason": text("a moderator's reason, which can mention members"),
    },
    "activity": {"user_id": subject("the member's days of study")},
    "activity_underived": {"user_id": subject("a mark that the member's streak is to be recomputed")},
    "daily_schedule": schedule("posting time", role_id="a role of the server", kinds="prompt kinds from a fixed list",
                               failure_notice="the bot's note about a failed post",
                               failure_notice_told="whether the moderators were told of that note"),
    "daily_posts": {**facts(message_id="the bot's daily post", thread_id="the discussion thread of a daily post",
                            prompt_kind="a prompt kind from a fixed list"),
                    "prompt_data": text("the prompt as posted: server content, which can mention members")},
    "daily_answers": {"user_id": subject("the member's answers"),
                      "body": text("the member's answer (deleted with it); others' answers may mention them"),
                      "thread_message_id": with_row("the answer as the bot posted it; deleted on Discord too")},
    "daily_skips": {"skipped_by": actor("the moderator who skipped a prompt; the skip stays")},
    "answer_marks": {"user_id": subject("Helpful marks on the member's answers (they go with the answers)"),
                     "from_id": subject("Helpful marks the member gave (one per member, so they cannot be kept "
                                        "anonymously)"),
                     "month": with_row("the month a mark counts for")},
    "daily_best": {"user_id": subject("the member's answer picked as a day's best"),
                   "actor_id": actor("the moderator who picked it; the pick stays")},
    "daily_closes": facts(message_id="the bot's highlight of a day"),
    "role_rewards": {"reward": not_personal("a reward from a fixed list"),
                     "role_id": not_personal("a role of the server"),
                     "actor_id": actor("the moderator who mapped the reward; the mapping stays"),
                     "problem": not_personal("the bot's note about what Discord refused")},
    "role_grants": {"user_id": subject("the reward roles the member holds"),
                    "reward": with_row("which reward the member earned"),
                    "role_id": not_personal("a role of the server")},
    "reward_members_gone": {"user_id": subject("that the member was found gone from the server")},
    "card_states": {"user_id": subject("the member's flashcard memory")},
    "card_reviews": {"user_id": subject("the member's flashcard reviews")},
    "card_settings": {"user_id": subject("the member's flashcard settings")},
    "card_deck_choice": {"user_id": subject("the deck the member studies")},
    "card_topic_choice": {"user_id": subject("the topic the member focuses their flashcards on"),
                          "topic": with_row("which topic the member chose (a card tag)")},
    "card_undo": {"user_id": subject("what the member's last flashcard grade replaced, kept to undo it"),
                  "review_id": not_personal("an internal id of the member's review (deleted with it)"),
                  "credited_on": with_row("the member's local date that grade counted on")},
    "quiz_schedule": schedule("quiz time", failure_notice="the bot's note about a failed post",
                              failure_notice_told="whether the moderators were told of that note"),
    "quiz_posts": facts(question="a question from the content", options="answer options from the content",
                        message_id="the bot's quiz post"),
    "quiz_answers": {"user_id": subject("the member's quiz picks")},
    "streaks": own_row("the member's streak", last_active="a day the member studied",
                       run_start="when the member's run began", month="the month of the member's monthly count",
                       zone="the timezone the member's streak is counted in",
                       gone_at="when the member was found gone from the server"),
    "streak_settings": {},
    "streak_reminders": own_row("the member's reminder settings", off_reason="why the member's reminders stopped",
                                last_sent_date="when the member was last reminded",
                                last_sent_at="when the member was last reminded",
                                claimed_date="the day a reminder to the member was being sent"),
    "streak_milestones": own_row("the member's streak milestones", run_start="when the member's run began",
                                 message_id="the bot's announcement of the milestone",
                                 channel_id="where the milestone was announced"),
    "mock_participants": {**own_row("the member's mock-interview sign-up", role="what the member practises",
                                    level="the member's level", timezone="the member's timezone",
                                    pause_reason="why the member is paused",
                                    pause_told="whether the member was told of a no-show pause or its lifting",
                                    left_server_at="when the member was found gone from the server",
                                    sat_out_key="the scheduled round the member last sat out while pausing"),
                          "availability": text("when the member is free, in their words")},
    "mock_schedule": schedule("round time", cadence="the server's round cadence", weekday="the server's round day",
                              anchor_date="the first round's day",
                              voice_channel_id="the voice channel moderators chose for interviews"),
    "mock_meetings": {**facts(event_id="the Discord event made for the interview",
                              voice_channel_id="a voice channel the bot made for the group"),
                      "cancelled_by": actor("who cancelled an interview; the cancellation stays for the partner"),
                      "cancel_reason": said("cancelled_by", "why they cancelled, which can mention members")},
    "mock_time_options": {"proposed_by": actor("who proposed a time; the time stays for the group"),
                          **facts(purpose="whether a time agrees or moves an interview",
                                  message_id="the bot's proposal message")},
    "mock_time_votes": {"user_id": subject("the times the member accepted"),
                        "option_id": not_personal("an internal id of an offered time")},
    "mock_reminders": {"user_id": subject("the member's interview reminders")},
    # Exported to and deleted with the member who set it, never exported to the member it names.
    "mock_exclusions": {"user_id": subject("members this member never wants to be paired with"),
                        "excluded_id": with_row("the member excluded, part of the excluder's private row")},
    "mock_rounds": facts(round_key="the occurrence a round belongs to", method="how the round was paired",
                         announcement_id="the bot's round announcement",
                         cancel_told="whether the groups of a cancelled round were told",
                         channel_notice="what kept the round from its channel, as the moderators were told",
                         channel_notice_told="whether the moderators were told of it"),
    "mock_groups": {**facts(delivery="how the group was told", thread_id="the group's private thread",
                            intro_message_id="the bot's brief for the group",
                            checkin_message_id="the bot's check-in for the group",
                            outcome="what came of the interview"),
                    "outcome_by": actor("who reported the outcome; the outcome stays for the partner")},
    "mock_group_members": own_row("the member's place in a group", role="the member's role in the group",
                                  dm_message_id="the bot's DM to the member"),
    "mock_left_out": {"user_id": subject("that no partner the member may be paired with was free in a round")},
    "mock_departures": {"user_id": subject("that the member was found gone from the server during a round")},
    "mock_noshows": {"user_id": subject("the member's reported absences"),
                     "reported_by": actor("who reported an absence; the report stays")},
    "mock_feedback": {"from_id": subject("feedback the member gave"),
                      "to_id": subject("feedback the member received"),
                      "note": text("a feedback note (deleted with it); others' notes may mention them"),
                      "message_channel_id": with_row("where the bot posted the feedback"),
                      "message_id": with_row("the feedback as the bot posted it; deleted on Discord too")},
    "pending_message_deletions": facts(message_id="a message of the bot's still to delete on Discord",
                                       claimed_by="the bot process deleting it (named by its shards)",
                                       claimed_until="until when that process holds it",
                                       refused_since="when Discord first refused to delete it"),
    "suggestions": {"author_id": subject("the member's suggestions"),
                    "data": text("a suggestion's text (deleted with the member's own)"),
                    "reviewer_id": actor("the moderator who decided a suggestion; the decision stays"),
                    "reason": text("a moderator's reason, which can mention members"),
                    "queue_channel_id": not_personal("the moderators' queue channel"),
                    "queue_message_id": not_personal("the bot's queue message"),
                    "queue_claimed_at": not_personal("when the bot began posting a queue message")},
    "server_items": {"data": text("server content, which can mention members"),
                     "origin": not_personal("where an item came from"),
                     "author_id": actor("who suggested an approved item; the item is the server's now"),
                     "approved_by": actor("the moderator who approved it; the item stays")},
    "practice_answers": {"user_id": subject("the member's practice answers"),
                         "body": text("the member's practice answer (deleted with it)")},
    "deck_switches": {},
    "content_versions": {},
    "content_settings": facts(review_channel_id="the moderators' queue channel"),
}


def needs_classification(column: str, declared_type: str) -> bool:
    """A column that can hold a person's id or free text mentioning them."""
    return column.endswith(("_id", "_by")) or declared_type.upper() == "TEXT"


def rule_for(table: str, column: str) -> Rule | None:
    columns = TABLES.get(table)
    if columns is None:
        return None
    return columns.get(column) or COMMON.get(column)
