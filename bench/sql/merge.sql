-- The floor of `slatrack merge ID INTO` (bench/run.sh): what merging writes (ID's events copied
-- to INTO, its first message as a follow-up; INTO's derived state and clock runs rewritten; the
-- void of ID, "merged into #INTO", with its due times gone and its clock runs deleted), in one
-- write transaction, on a connection set up as slatrack's (the file's journal mode is WAL).
-- @NOW@, @ID@ and @INTO@ are filled in by bench/run.sh.
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
INSERT INTO events (request_id, number, kind, at, author, text, recorded_at, recorder,
                    merged_from)
  SELECT @INTO@, (SELECT max(number) FROM events WHERE request_id = @INTO@) + row_number()
           OVER (ORDER BY number),
         kind, at, author, text, @NOW@, 'sqlite3', @ID@
  FROM events WHERE request_id = @ID@ AND voided_by IS NULL
    AND kind NOT IN ('assign', 'edit', 'void', 'unvoid')
  ORDER BY number;
UPDATE requests SET received_at = min(received_at, (SELECT received_at FROM requests
                                                    WHERE id = @ID@)),
                    reply_due_at = @NOW@ + 7200, resolve_due_at = @NOW@ + 136800,
                    next_due_at = @NOW@ + 7200, next_metric = 'reply'
  WHERE id = @INTO@;
DELETE FROM clocks WHERE request_id = @INTO@;
INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, used_s)
  VALUES (@INTO@, 1, 'reply', @NOW@ - 7200, @NOW@ + 7200, NULL, 'running', 14400, 0),
         (@INTO@, 2, 'resolve', @NOW@ - 7200, @NOW@ + 136800, NULL, 'running', 144000, 0);
INSERT INTO events (request_id, number, kind, at, author, text, recorded_at, recorder, target)
  VALUES (@ID@, (SELECT coalesce(max(number), 0) + 1 FROM events WHERE request_id = @ID@),
          'void', @NOW@, 'sqlite3', 'merged into #@INTO@', @NOW@, 'sqlite3', 0);
UPDATE requests SET reply_due_at = NULL, update_due_at = NULL, resolve_due_at = NULL,
                    next_due_at = NULL, next_metric = NULL,
                    voided_by = (SELECT max(number) FROM events WHERE request_id = @ID@)
  WHERE id = @ID@;
DELETE FROM clocks WHERE request_id = @ID@;
COMMIT;
