-- Role rewards: moderators map streak milestones and last month's leaders to roles; the bot
-- keeps members' roles in line with them. A grant row is written after Discord accepted the
-- role and removed after Discord took it away, so a restart simply carries on converging.

CREATE TABLE role_rewards (
    guild_id    INTEGER NOT NULL,
    reward      TEXT    NOT NULL,   -- streak-7 | streak-30 | streak-100 | streak-365 | leader-streak | leader-helpful
    role_id     INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    problem     TEXT,               -- what Discord last refused, shown in /rewards status
    PRIMARY KEY (guild_id, reward)
);

CREATE TABLE role_grants (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    reward      TEXT    NOT NULL,
    role_id     INTEGER NOT NULL,
    granted_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, reward)
);
