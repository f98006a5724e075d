-- The member's local date the undoable grade was credited on. An undo takes the review off that day's count;
-- the date the grade's instant has in the member's zone at the undo is another day once they moved timezone
-- in between. NULL for a grade made before this column: its instant's date in the member's current zone.
ALTER TABLE card_undo ADD COLUMN credited_on TEXT;
