-- held.sql - a database another process holds locked: this shell's
-- transaction holds it (BEGIN EXCLUSIVE, a write lock on the file) while
-- a second sqlite3, started by .system, finds it locked; after the commit
-- the second one reads it.
CREATE TABLE IF NOT EXISTS t(x);
BEGIN EXCLUSIVE;
INSERT INTO t VALUES(1);
.system sqlite3 /share/held.db "SELECT 'during', count(*) FROM t"
COMMIT;
.system sqlite3 /share/held.db "SELECT 'after', count(*) FROM t"
