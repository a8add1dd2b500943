-- master_version counts changes to the master data that servers cache on
-- the punch path (staff, sites, terminals, patterns). Each transaction that
-- changes any of them adds one, so every server can drop its caches within
-- a second of a change made elsewhere instead of waiting for an expiry.
CREATE TABLE master_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	n BIGINT NOT NULL
);
INSERT INTO master_version (id, n) VALUES (1, 0);
