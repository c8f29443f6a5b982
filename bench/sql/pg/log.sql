-- The floor of `slatrack log` on a team database (bench/pg.sh): the rows log writes for a new
-- request (the request with its derived state, its first message, its running reply and resolve
-- clocks), in one transaction under slatrack's write lock, numbers given as max + 1 as slatrack
-- gives them. @NOW@ and @CLIENT@ are filled in by bench/pg.sh.
SET search_path = slatrack;
BEGIN;
SELECT pg_advisory_xact_lock(1397506388) \gset
INSERT INTO requests (id, client_id, subject, channel, priority, assignee, logged_assignee, ref,
                      policy_id, created_at, status, received_at, reply_due_at, resolve_due_at,
                      next_due_at, next_metric, version_id)
  SELECT (SELECT coalesce(max(id), 0) + 1 FROM requests), c.id, 'Bench request', 'email',
         'normal', c.owner, c.owner, NULL, c.policy_id, @NOW@, 'open', @NOW@, @NOW@ + 14400,
         @NOW@ + 144000, @NOW@ + 14400, 'reply',
         (SELECT max(v.id) FROM policy_versions v WHERE v.policy_id = c.policy_id)
  FROM clients c WHERE fold(c.name) = fold('@CLIENT@');
INSERT INTO events (id, request_id, number, kind, at, author, text, recorded_at, recorder)
  SELECT (SELECT coalesce(max(id), 0) + 1 FROM events), max(id), 1, 'message', @NOW@, 'psql',
         NULL, @NOW@, 'psql'
  FROM requests;
INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, used_s)
  SELECT max(id), 1, 'reply', @NOW@, @NOW@ + 14400, NULL, 'running', 14400, 0 FROM requests;
INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, used_s)
  SELECT max(id), 2, 'resolve', @NOW@, @NOW@ + 144000, NULL, 'running', 144000, 0 FROM requests;
COMMIT;
