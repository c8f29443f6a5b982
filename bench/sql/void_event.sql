-- The floor of `slatrack void ID EVENT` and of `slatrack undo` (bench/run.sh): what voiding a
-- reply writes (the void event, the reply's mark, the request's derived state with its reply
-- clock running again, its clock runs rewritten), in one write transaction, on a connection set
-- up as slatrack's (the file's journal mode is WAL).
-- @NOW@, @ID@ and @EVENT@ (the number of the reply within its request) are filled in by
-- bench/run.sh.
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
INSERT INTO events (request_id, number, kind, at, author, text, recorded_at, recorder, target)
  VALUES (@ID@, (SELECT coalesce(max(number), 0) + 1 FROM events WHERE request_id = @ID@),
          'void', @NOW@, 'sqlite3', 'wrong request', @NOW@, 'sqlite3', @EVENT@);
UPDATE events SET voided_by = (SELECT max(number) FROM events WHERE request_id = @ID@)
  WHERE request_id = @ID@ AND number = @EVENT@;
UPDATE requests SET replied_at = NULL, reply_due_at = @NOW@ + 10800, update_due_at = NULL,
                    next_due_at = @NOW@ + 10800, next_metric = 'reply'
  WHERE id = @ID@;
DELETE FROM clocks WHERE request_id = @ID@;
INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, used_s)
  VALUES (@ID@, 1, 'reply', @NOW@ - 3600, @NOW@ + 10800, NULL, 'running', 14400, 0),
         (@ID@, 2, 'resolve', @NOW@ - 3600, @NOW@ + 140400, NULL, 'running', 144000, 0);
COMMIT;
