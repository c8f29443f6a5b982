-- The floor of `slatrack void ID` (bench/run.sh): what voiding a whole request writes (the void
-- event, the request's mark with its due times gone, its clock runs deleted), in one write
-- transaction, on a connection set up as slatrack's (the file's journal mode is WAL).
-- @NOW@ and @ID@ are filled in by bench/run.sh.
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
INSERT INTO events (request_id, number, kind, at, author, text, recorded_at, recorder, target)
  VALUES (@ID@, (SELECT coalesce(max(number), 0) + 1 FROM events WHERE request_id = @ID@),
          'void', @NOW@, 'sqlite3', 'logged twice', @NOW@, 'sqlite3', 0);
UPDATE requests SET reply_due_at = NULL, update_due_at = NULL, resolve_due_at = NULL,
                    next_due_at = NULL, next_metric = NULL,
                    voided_by = (SELECT max(number) FROM events WHERE request_id = @ID@)
  WHERE id = @ID@;
DELETE FROM clocks WHERE request_id = @ID@;
COMMIT;
