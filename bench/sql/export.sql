-- The floor of `slatrack export --format jsonl` (docs/performance.md): the sqlite3 shell printing,
-- as JSON (`sqlite3 -json DB <bench/sql/export.sql`), the three ordered reads export makes: the
-- requests with the names of their client, policy and calendar, their events, their clock runs.
SELECT r.id, c.name, r.subject, r.channel, r.priority, r.status, r.assignee, p.name, k.name, r.ref, r.received_at, r.replied_at, r.resolved_at, r.reply_due_at, r.update_due_at, r.resolve_due_at, r.next_due_at, r.next_metric, r.policy_id, r.voided_by FROM requests r JOIN clients c ON c.id = r.client_id JOIN policies p ON p.id = r.policy_id JOIN policy_versions v ON v.id = r.version_id JOIN calendars k ON k.id = v.calendar_id ORDER BY r.id;
SELECT * FROM events ORDER BY request_id, at, id;
SELECT request_id, metric, start_at, due_at, stop_at, outcome, target_s, used_s, credit_s FROM clocks ORDER BY request_id, seq;
