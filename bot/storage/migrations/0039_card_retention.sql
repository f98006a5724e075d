-- The share of cards a member wants to recall when each falls due (FSRS's desired retention), in whole
-- percent: higher means shorter intervals and more reviews. NULL: the default, 90.
ALTER TABLE card_settings ADD COLUMN retention_percent INTEGER CHECK (retention_percent BETWEEN 75 AND 97);
