-- wal.sql - the dot-file VFS has no shared memory: WAL is refused, the
-- journal mode stays.
PRAGMA journal_mode = WAL;
