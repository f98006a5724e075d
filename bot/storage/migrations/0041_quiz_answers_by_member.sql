-- A member's own quiz record (on their streak profile) reads their answers in one server, newest first:
-- this index reads only their rows, not every answer the server's quizzes ever had.
CREATE INDEX quiz_answers_by_member ON quiz_answers (guild_id, user_id, local_date);
