-- wal.sql - the database in WAL mode (its -shm file mapped shared, its
-- locks record locks on it), queried again as query.sql queries it in
-- the rollback journal's mode, then back to that mode.
PRAGMA journal_mode = WAL;
.read /share/query.sql
PRAGMA journal_mode = DELETE;
