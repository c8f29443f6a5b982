-- The floor of `slatrack log` (bench/run.sh): the rows log writes for a new request (the request
-- with its derived state, its first message, its running reply and resolve clocks), in one write
-- transaction, on a connection set up as slatrack's (the file's journal mode is WAL).
-- @NOW@ and @CLIENT@ are filled in by bench/run.sh.
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
INSERT INTO requests (client_id, subject, channel, priority, assignee, logged_assignee, ref,
                      policy_id, created_at, status, received_at, reply_due_at, resolve_due_at,
                      next_due_at, next_metric)
  SELECT id, 'Bench request', 'email', 'normal', owner, owner, NULL, policy_id, @NOW@,
         'open', @NOW@, @NOW@ + 14400, @NOW@ + 144000, @NOW@ + 14400, 'reply'
  FROM clients WHERE name = '@CLIENT@';
INSERT INTO events (request_id, number, kind, at, author, text, recorded_at, recorder)
  VALUES (last_insert_rowid(), 1, 'message', @NOW@, 'sqlite3', NULL, @NOW@, 'sqlite3');
INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, used_s)
  SELECT request_id, 1, 'reply', @NOW@, @NOW@ + 14400, NULL, 'running', 14400, 0
  FROM events WHERE id = last_insert_rowid();
INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, used_s)
  SELECT max(id), 2, 'resolve', @NOW@, @NOW@ + 144000, NULL, 'running', 144000, 0 FROM requests;
COMMIT;
