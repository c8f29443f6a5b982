// Why this file: the SQLite store's writes of requests (store/sqlite_store_impl.hpp): logging,
// events, edits, void, undo and merge, and the rows re-evaluation reads and writes.
#include "slatrack/mail.hpp"
#include "store/sqlite_store_impl.hpp"

namespace slatrack::sqlite_store {

LogResult SqliteStore::log_request(const NewRequest& request) {
  check_new_request(request.at, request.now, request.subject, request.client);
  Transaction write(m_db);
  if (request.ref) {
    // A Message-ID ref names one request however it is written ("<id>", "id"): mail's.
    const std::optional<std::int64_t> existing = request_by_ref_forms(*request.ref);
    if (existing) {
      LogResult result{load_request(RequestId{*existing}), false};
      write.commit();
      return result;
    }
  }
  std::optional<ClientRow> client = short_client_row(request.client);
  if (!client) {
    if (!request.create_client) {
      no_client(request.client, add_client_step(request.client, true));
    }
    check_client_name(request.client);
    {
      Use use = statement("INSERT INTO clients (name, policy_id, created_at) "
                          "VALUES (?, (SELECT id FROM policies WHERE name = ?), ?)")
                    .use();
      use.bind(request.client).bind(k_default_policy).bind(to_db(request.now)).run();
    }
    client = client_row(request.client);
    if (!client) {
      throw Error{ErrorKind::internal, "the new client vanished (a bug; please report it)"};
    }
  }
  const std::optional<std::string> assignee =
      request.assignee ? non_empty(request.assignee) : client->owner;
  {
    Use use = statement(R"sql(INSERT INTO requests (client_id, subject, channel, priority,
  assignee, logged_assignee, ref, policy_id, created_at, status, received_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?))sql")
                  .use();
    use.bind(client->id)
        .bind(request.subject)
        .bind(to_string(request.channel))
        .bind(to_string(request.priority))
        .bind(assignee)
        .bind(assignee)
        .bind(non_empty(request.ref))
        .bind(client->policy_id)
        .bind(to_db(request.now))
        .bind(to_db(request.at))
        .run();
  }
  const RequestId id{m_db.last_insert_rowid()};
  const std::string author = request.author.empty() ? client->name : request.author;
  static_cast<void>(insert_event(id, EventKind::message, request.at, author, request.text,
                                 request.now, recorder_of(request.recorder, author)));
  RulesCache rules;
  static_cast<void>(reevaluate(id.value, rules));
  LogResult result{load_request(id), true};
  write.commit();
  return result;
}

Request SqliteStore::add_event(const NewEvent& event) {
  check_new_event(event.id, event.kind, event.at, event.now, event.text);
  Transaction write(m_db);
  if (!request_exists(event.id)) {
    throw no_request(event.id);
  }
  if (request_voided_by(event.id)) {
    throw request_is_void(event.id);
  }
  {
    Use use = statement("SELECT received_at FROM requests WHERE id = ?").use();
    use.bind(event.id.value);
    if (use.step()) {
      check_after_first_message(event.id, event.kind, event.at, to_instant(use.integer(0)));
    }
  }
  std::string author = event.author;
  if (author.empty() && event.kind == EventKind::message) {
    author = edit_row(event.id)->client;
  }
  RulesCache rules;
  // Events that already had no effect (a void can leave some) are not this event's fault.
  std::vector<Rejection> before;
  if (moves_clocks(event.kind)) {
    before = evaluate_stored(event.id.value, rules).evaluation.rejections;
  }
  const std::int64_t seq = insert_event(event.id, event.kind, event.at, author, event.text,
                                        event.now, recorder_of(event.recorder, author))
                               .id;
  if (event.kind == EventKind::assign) {
    update_assignee(event.id.value);
  }
  if (moves_clocks(event.kind)) {
    check_event_fits(event.id, event.kind, seq, before,
                     reevaluate(event.id.value, rules).rejections,
                     [this](std::int64_t id) { return stored_event(id); });
  }
  Request result = load_request(event.id);
  write.commit();
  return result;
}

Request SqliteStore::edit_request(const RequestEdit& edit) {
  Transaction write(m_db);
  RequestWrites::edit(edit);
  Request result = load_request(edit.id);
  write.commit();
  return result;
}

RequestDetail SqliteStore::void_event(const VoidChange& change) {
  Transaction write(m_db);
  RequestDetail out = void_or_restore(change);
  write.commit();
  return out;
}

UndoResult SqliteStore::undo(const UndoChange& change) {
  Transaction write(m_db);
  UndoResult result = undo_latest(change);
  if (result.refusal == UndoRefusal::none) {
    write.commit();
  }
  return result;
}

RequestDetail SqliteStore::merge(const MergeChange& change) {
  Transaction write(m_db);
  RequestDetail out = merge_into(change);
  write.commit();
  return out;
}

std::optional<store::EditRow> SqliteStore::edit_row(RequestId id) {
  Use use = statement(R"sql(SELECT r.client_id, c.name, r.subject, r.channel, r.priority,
  r.policy_id, p.name, r.ref, r.voided_by, r.assignee, c.owner,
  EXISTS (SELECT 1 FROM events e WHERE e.request_id = r.id AND e.kind = 'assign')
FROM requests r JOIN clients c ON c.id = r.client_id JOIN policies p ON p.id = r.policy_id
WHERE r.id = ?)sql")
                .use();
  use.bind(id.value);
  if (!use.step()) {
    return std::nullopt;
  }
  return store::EditRow{use.integer(0),       use.text(1),           use.text(2),
                        use.text(3),          use.text(4),           use.integer(5),
                        use.text(6),          use.optional_text(7),  use.optional_integer(8),
                        use.optional_text(9), use.optional_text(10), use.integer(11) != 0};
}

void SqliteStore::write_edit(RequestId id, std::int64_t client_id, std::int64_t policy_id,
                             const EditedFields& after) {
  Use use = statement("UPDATE requests SET client_id = ?, subject = ?, channel = ?, "
                      "priority = ?, policy_id = ?, ref = ? WHERE id = ?")
                .use();
  use.bind(client_id)
      .bind(after.subject)
      .bind(to_string(after.channel))
      .bind(to_string(after.priority))
      .bind(policy_id)
      .bind(after.ref)
      .bind(id.value)
      .run();
}

void SqliteStore::write_assignee(RequestId id, const std::optional<std::string>& assignee) {
  Use use = statement("UPDATE requests SET assignee = ? WHERE id = ?").use();
  use.bind(assignee).bind(id.value).run();
}

std::optional<Event> SqliteStore::numbered_event(RequestId id, std::int64_t number) {
  Use use = statement(fmt::format("SELECT {} FROM events WHERE request_id = ? AND number = ?",
                                  store::k_event_columns))
                .use();
  use.bind(id.value).bind(number);
  if (!use.step()) {
    return std::nullopt;
  }
  return read_event(use, 0);
}

std::vector<Event> SqliteStore::request_events(RequestId id) {
  std::vector<Event> out;
  Use use = statement(fmt::format("SELECT {} FROM events WHERE request_id = ? ORDER BY number",
                                  store::k_event_columns))
                .use();
  use.bind(id.value);
  while (use.step()) {
    out.push_back(read_event(use, 0));
  }
  return out;
}

void SqliteStore::each_recorded(const std::string& recorder,
                                const std::function<bool(RequestId, Event&&, bool)>& visit) {
  Use use = statement(fmt::format("SELECT request_id, merged_from, {} FROM events "
                                  "WHERE recorder = ? ORDER BY id DESC",
                                  store::k_event_columns))
                .use();
  use.bind(recorder);
  while (use.step()) {
    if (visit(RequestId{use.integer(0)}, read_event(use, 2), !use.is_null(1))) {
      return;
    }
  }
}

std::vector<std::pair<std::int64_t, std::int64_t>> SqliteStore::merged_copies(std::int64_t id,
                                                                              bool voids) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out; // request, number
  Use use = statement(store::merged_copies_query(voids)).use();
  use.bind(id);
  while (use.step()) {
    out.emplace_back(use.integer(0), use.integer(1));
  }
  return out;
}

SqliteStore::Inserted SqliteStore::insert_event(RequestId id, EventKind kind, Instant at,
                                                std::string_view author,
                                                const std::optional<std::string>& text, Instant now,
                                                std::string_view recorder,
                                                std::optional<std::int64_t> target,
                                                std::optional<std::int64_t> merged_from) {
  Use use = statement(R"sql(INSERT INTO events (request_id, number, kind, at, author, text,
  recorded_at, recorder, target, merged_from)
VALUES (?1, (SELECT coalesce(max(number), 0) + 1 FROM events WHERE request_id = ?1), ?, ?, ?, ?,
  ?, ?, ?, ?) RETURNING id, number)sql")
                .use();
  use.bind(id.value)
      .bind(to_string(kind))
      .bind(to_db(at))
      .bind(author)
      .bind(text)
      .bind(to_db(now))
      .bind(recorder)
      .bind(target)
      .bind(merged_from);
  if (!use.step()) {
    throw Error{ErrorKind::internal, "an inserted event returned no row (a bug)"};
  }
  const Inserted out{use.integer(0), use.integer(1)};
  use.run();
  return out;
}

std::optional<std::optional<std::int64_t>> SqliteStore::request_void(RequestId id) {
  Use use = statement("SELECT voided_by FROM requests WHERE id = ?").use();
  use.bind(id.value);
  if (!use.step()) {
    return std::nullopt;
  }
  return use.optional_integer(0);
}

void SqliteStore::update_assignee(std::int64_t id) {
  Use use = statement(R"sql(UPDATE requests SET assignee = coalesce((SELECT text FROM events
  WHERE request_id = ?1 AND kind = 'assign' AND voided_by IS NULL ORDER BY at DESC, id DESC
  LIMIT 1), logged_assignee) WHERE id = ?1)sql")
                .use();
  use.bind(id).run();
}

std::pair<EventKind, Instant> SqliteStore::stored_event(std::int64_t id) {
  Use use = statement("SELECT kind, at FROM events WHERE id = ?").use();
  use.bind(id);
  if (!use.step()) {
    throw Error{ErrorKind::internal, fmt::format("event {} vanished", id)};
  }
  return {from_db(event_kind_from(use.text_view(0)), "event", use.text_view(0)),
          to_instant(use.integer(1))};
}

class SqliteStore::Cursor final : public store::RequestCursor {
public:
  Cursor(Statement& requests, Statement& events, Statement& clocks,
         const RequestSelection& selection, int parameters)
      : m_requests(requests), m_events(events), m_clocks(clocks) {
    const std::int64_t values[] = {selection.id, selection.from, selection.until};
    for (int i = 0; i < parameters; ++i) {
      m_requests.bind(values[i]);
      m_events.bind(values[i]);
      m_clocks.bind(values[i]);
    }
  }

  bool next_request(store::RequestState& out) override {
    if (!m_requests.step()) {
      return false;
    }
    out.id = m_requests.integer(0);
    out.policy_id = m_requests.integer(1);
    const std::string priority = m_requests.text(2);
    out.priority = from_db(priority_from(priority), "priority", priority);
    out.derived = Derived{m_requests.text(3),
                          m_requests.integer(4),
                          m_requests.optional_integer(5),
                          m_requests.optional_integer(6),
                          m_requests.optional_integer(7),
                          m_requests.optional_integer(8),
                          m_requests.optional_integer(9),
                          m_requests.optional_integer(10),
                          m_requests.optional_text(11),
                          m_requests.optional_integer(12),
                          m_requests.integer(13)};
    return true;
  }

  bool next_event(store::EventState& out) override {
    if (!m_events.step()) {
      return false;
    }
    out.request_id = m_events.integer(0);
    const std::string kind = m_events.text(1);
    out.event = RecordedEvent{from_db(event_kind_from(kind), "event", kind),
                              to_instant(m_events.integer(2)), m_events.integer(3),
                              m_events.integer(4), m_events.optional_integer(5)};
    out.voided_by = m_events.optional_integer(6);
    return true;
  }

  bool next_clock(store::ClockState& out) override {
    if (!m_clocks.step()) {
      return false;
    }
    out.request_id = m_clocks.integer(0);
    out.seq = m_clocks.integer(1);
    out.row = ClockRow{m_clocks.text(2),
                       m_clocks.integer(3),
                       m_clocks.optional_integer(4),
                       m_clocks.optional_integer(5),
                       m_clocks.text(6),
                       m_clocks.integer(7),
                       m_clocks.integer(8),
                       m_clocks.integer(9)};
    return true;
  }

private:
  Use m_requests;
  Use m_events;
  Use m_clocks;
};

std::unique_ptr<store::RequestCursor>
SqliteStore::read_requests(const RequestSelection& selection) {
  const store::SelectionQueries queries = store::selection_queries(selection);
  const std::int64_t values[] = {selection.id, selection.from, selection.until};
  for (std::size_t i = 0; i < queries.setup.size(); ++i) {
    Use use = statement(queries.setup[i]).use();
    if (i + 1 == queries.setup.size()) {
      for (int k = 0; k < queries.setup_parameters; ++k) {
        use.bind(values[k]);
      }
    }
    use.run();
  }
  return std::make_unique<Cursor>(statement(queries.requests), statement(queries.events),
                                  statement(queries.clocks), selection, queries.parameters);
}

void SqliteStore::write_void_mark(std::int64_t event_id, std::optional<std::int64_t> voided_by) {
  Use use = statement("UPDATE events SET voided_by = ? WHERE id = ?").use();
  use.bind(voided_by).bind(event_id).run();
}

void SqliteStore::write_derived(std::int64_t id, const Derived& old, const Derived& now) {
  const bool changed[] = {old.status != now.status,
                          old.received_at != now.received_at,
                          old.replied_at != now.replied_at,
                          old.resolved_at != now.resolved_at,
                          old.reply_due_at != now.reply_due_at,
                          old.update_due_at != now.update_due_at,
                          old.resolve_due_at != now.resolve_due_at,
                          old.next_due_at != now.next_due_at,
                          old.next_metric != now.next_metric,
                          old.voided_by != now.voided_by,
                          old.version_id != now.version_id};
  static constexpr std::string_view columns[] = {"status",         "received_at",  "replied_at",
                                                 "resolved_at",    "reply_due_at", "update_due_at",
                                                 "resolve_due_at", "next_due_at",  "next_metric",
                                                 "voided_by",      "version_id"};
  Use use = update_statement("requests", columns, changed, "id = ?").use();
  bind_if(use, changed[0], now.status);
  bind_if(use, changed[1], now.received_at);
  bind_if(use, changed[2], now.replied_at);
  bind_if(use, changed[3], now.resolved_at);
  bind_if(use, changed[4], now.reply_due_at);
  bind_if(use, changed[5], now.update_due_at);
  bind_if(use, changed[6], now.resolve_due_at);
  bind_if(use, changed[7], now.next_due_at);
  bind_if(use, changed[8], now.next_metric);
  bind_if(use, changed[9], now.voided_by);
  bind_if(use, changed[10], now.version_id);
  use.bind(id).run();
}

void SqliteStore::update_clock(std::int64_t id, std::int64_t seq, const ClockRow& old,
                               const ClockRow& row) {
  const bool changed[] = {old.metric != row.metric,   old.start_at != row.start_at,
                          old.due_at != row.due_at,   old.stop_at != row.stop_at,
                          old.outcome != row.outcome, old.target_s != row.target_s,
                          old.used_s != row.used_s,   old.credit_s != row.credit_s};
  static constexpr std::string_view columns[] = {"metric",  "start_at", "due_at", "stop_at",
                                                 "outcome", "target_s", "used_s", "credit_s"};
  Use use = update_statement("clocks", columns, changed, "request_id = ? AND seq = ?").use();
  bind_if(use, changed[0], row.metric);
  bind_if(use, changed[1], row.start_at);
  bind_if(use, changed[2], row.due_at);
  bind_if(use, changed[3], row.stop_at);
  bind_if(use, changed[4], row.outcome);
  bind_if(use, changed[5], row.target_s);
  bind_if(use, changed[6], row.used_s);
  bind_if(use, changed[7], row.credit_s);
  use.bind(id).bind(seq).run();
}

void SqliteStore::insert_clock(std::int64_t id, std::int64_t seq, const ClockRow& row) {
  Use use = statement(R"sql(INSERT INTO clocks (request_id, seq, metric, start_at, due_at,
  stop_at, outcome, target_s, used_s, credit_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql")
                .use();
  use.bind(id)
      .bind(seq)
      .bind(row.metric)
      .bind(row.start_at)
      .bind(row.due_at)
      .bind(row.stop_at)
      .bind(row.outcome)
      .bind(row.target_s)
      .bind(row.used_s)
      .bind(row.credit_s)
      .run();
}

void SqliteStore::delete_clocks_after(std::int64_t id, std::int64_t last) {
  Use use = statement("DELETE FROM clocks WHERE request_id = ? AND seq > ?").use();
  use.bind(id).bind(last).run();
}

} // namespace slatrack::sqlite_store
