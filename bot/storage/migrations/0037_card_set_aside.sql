-- A member may set aside a card they keep forgetting (what Anki calls suspending a leech): it leaves their
-- reviews, its memory kept, until they bring it back with /cards set-aside. NULL: the card is in reviews.
-- A set-aside card still counts as started, so it is never offered again as a new card.
ALTER TABLE card_states ADD COLUMN set_aside_at INTEGER;
