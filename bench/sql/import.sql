-- The floor of `slatrack import` of a file of requests (the simple form: received_at, replied_at,
-- resolved_at), for bench/run.sh: the sqlite3 shell reading the same CSV and writing the rows such
-- an import writes (each request with its derived state, its message, reply and resolve events,
-- its reply and resolve clock runs) in one write transaction, on a connection set up as
-- slatrack's, and the way slatrack's bulk import writes them (docs/import-export.md): the
-- secondary indexes of requests, events and clocks dropped inside the transaction and built again
-- before the commit, CHECK constraints and foreign keys not checked row by row, the default page
-- cache. It does no checking and no evaluation: the cost of the rows alone.
-- @CSV@ and @NOW@ are filled in by bench/run.sh; the index statements are written beside the CSV.
PRAGMA busy_timeout = 10000;
PRAGMA foreign_keys = OFF;
PRAGMA synchronous = NORMAL;
PRAGMA ignore_check_constraints = ON;
PRAGMA temp_store = FILE;
.import --csv --schema temp @CSV@ staging
.headers off
.mode list
.output @CSV@.drop.sql
SELECT 'DROP INDEX "' || name || '";' FROM sqlite_schema
  WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('requests', 'events', 'clocks')
  ORDER BY rowid;
.output @CSV@.create.sql
SELECT sql || ';' FROM sqlite_schema
  WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('requests', 'events', 'clocks')
  ORDER BY rowid;
.output stdout
BEGIN IMMEDIATE;
.read @CSV@.drop.sql
INSERT INTO requests (client_id, subject, channel, priority, assignee, logged_assignee, ref,
                      policy_id, created_at, status, received_at, replied_at, resolved_at)
  SELECT c.id, s.subject, s.channel, s.priority, c.owner, c.owner, s.ref, c.policy_id, @NOW@,
         CASE WHEN s.resolved_at <> '' THEN 'resolved' ELSE 'open' END,
         unixepoch(s.received_at), unixepoch(nullif(s.replied_at, '')),
         unixepoch(nullif(s.resolved_at, ''))
  FROM temp.staging s JOIN clients c ON c.name = s.client;
INSERT INTO events (request_id, number, kind, at, author, text, recorded_at, recorder)
  SELECT id, 1, 'message', received_at, 'bench', NULL, @NOW@, 'bench' FROM requests;
INSERT INTO events (request_id, number, kind, at, author, text, recorded_at, recorder)
  SELECT id, 2, 'reply', replied_at, 'bench', NULL, @NOW@, 'bench' FROM requests
  WHERE replied_at IS NOT NULL;
INSERT INTO events (request_id, number, kind, at, author, text, recorded_at, recorder)
  SELECT id, 2 + (replied_at IS NOT NULL), 'resolve', resolved_at, 'bench', NULL, @NOW@, 'bench'
  FROM requests WHERE resolved_at IS NOT NULL;
INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, used_s)
  SELECT id, 1, 'reply', received_at, received_at + 14400, replied_at,
         CASE WHEN replied_at IS NULL THEN 'running' ELSE 'met' END, 14400,
         coalesce(replied_at - received_at, 0)
  FROM requests;
INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, used_s)
  SELECT id, 2, 'resolve', received_at, received_at + 144000, resolved_at,
         CASE WHEN resolved_at IS NULL THEN 'running' ELSE 'met' END, 144000,
         coalesce(resolved_at - received_at, 0)
  FROM requests;
.read @CSV@.create.sql
COMMIT;
