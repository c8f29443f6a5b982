-- The floor of `slatrack reply` on a team database (bench/pg.sh): what reply writes for a request
-- whose reply clock runs (the reply event, the request's new derived state, its clock runs
-- rewritten: the reply met, the update clock started, the resolve clock going on), in one
-- transaction under slatrack's write lock. @NOW@ and @ID@ are filled in by bench/pg.sh.
SET search_path = slatrack;
BEGIN;
SELECT pg_advisory_xact_lock(1397506388) \gset
INSERT INTO events (id, request_id, number, kind, at, author, text, recorded_at, recorder)
  VALUES ((SELECT coalesce(max(id), 0) + 1 FROM events), @ID@,
          (SELECT coalesce(max(number), 0) + 1 FROM events WHERE request_id = @ID@),
          'reply', @NOW@, 'psql', NULL, @NOW@, 'psql');
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
