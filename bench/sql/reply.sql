-- The floor of `slatrack reply` (bench/run.sh): what reply writes for a request whose reply clock
-- runs (the reply event, the request's new derived state, its clock runs rewritten: the reply met,
-- the update clock started, the resolve clock going on), in one write transaction, on a
-- connection set up as slatrack's (the file's journal mode is WAL).
-- @NOW@ and @ID@ are filled in by bench/run.sh.
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
INSERT INTO events (request_id, number, kind, at, author, text, recorded_at, recorder)
  VALUES (@ID@, (SELECT coalesce(max(number), 0) + 1 FROM events WHERE request_id = @ID@),
          'reply', @NOW@, 'sqlite3', NULL, @NOW@, 'sqlite3');
UPDATE requests SET replied_at = coalesce(replied_at, @NOW@), reply_due_at = NULL,
                    update_due_at = @NOW@ + 57600, next_due_at = @NOW@ + 57600,
                    next_metric = 'update'
  WHERE id = @ID@;
DELETE FROM clocks WHERE request_id = @ID@;
INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, used_s)
  VALUES (@ID@, 1, 'reply', @NOW@ - 3600, @NOW@ + 10800, @NOW@, 'met', 14400, 3600),
         (@ID@, 2, 'update', @NOW@, @NOW@ + 57600, NULL, 'running', 57600, 0),
         (@ID@, 3, 'resolve', @NOW@ - 3600, @NOW@ + 140400, NULL, 'running', 144000, 0);
COMMIT;
