-- The floor of `slatrack unvoid ID` (bench/run.sh): what taking back the void of a whole request
-- writes (the unvoid event, the request's derived state back with its mark gone, its running
-- reply and resolve clocks), in one write transaction, on a connection set up as slatrack's.
-- @NOW@ and @ID@ are filled in by bench/run.sh; the request was voided before each run.
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
INSERT INTO events (request_id, number, kind, at, author, text, recorded_at, recorder, target)
  VALUES (@ID@, (SELECT coalesce(max(number), 0) + 1 FROM events WHERE request_id = @ID@),
          'unvoid', @NOW@, 'sqlite3', NULL, @NOW@, 'sqlite3', 0);
UPDATE requests SET reply_due_at = @NOW@ + 10800, resolve_due_at = @NOW@ + 140400,
                    next_due_at = @NOW@ + 10800, next_metric = 'reply', voided_by = NULL
  WHERE id = @ID@;
DELETE FROM clocks WHERE request_id = @ID@;
INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, used_s)
  VALUES (@ID@, 1, 'reply', @NOW@ - 3600, @NOW@ + 10800, NULL, 'running', 14400, 0),
         (@ID@, 2, 'resolve', @NOW@ - 3600, @NOW@ + 140400, NULL, 'running', 144000, 0);
COMMIT;
