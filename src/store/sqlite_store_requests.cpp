// Why this file: the SQLite store's writes of requests (store/sqlite_store_impl.hpp): logging,
// events, edits, void, undo and merge, and the rows re-evaluation reads and writes.
#include "store/sqlite_store_impl.hpp"

namespace slatrack::sqlite_store {

LogResult SqliteStore::log_request(const NewRequest& request) {
  check_new_request(request.at, request.now, request.subject, request.client);
  Transaction write(m_db);
  if (request.ref) {
    if (const std::optional<std::int64_t> existing = request_by_ref(*request.ref)) {
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
    author = request_row(event.id)->client;
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
  std::optional<RequestRow> found = request_row(edit.id);
  if (!found) {
    throw no_request(edit.id);
  }
  if (request_voided_by(edit.id)) {
    throw request_is_void(edit.id);
  }
  RequestRow row = *found;
  const EditedFields before{row.subject,
                            row.client,
                            from_db(channel_from(row.channel), "channel", row.channel),
                            from_db(priority_from(row.priority), "priority", row.priority),
                            row.policy,
                            row.ref};
  EditedFields after = before;
  if (edit.subject && *edit.subject != row.subject) {
    check_subject(*edit.subject);
    after.subject = *edit.subject;
  }
  std::optional<std::int64_t> policy_id;
  std::string policy_name;
  std::optional<std::pair<std::optional<std::string>, std::optional<std::string>>> assignee;
  if (edit.client) {
    const std::optional<ClientRow> client = short_client_row(*edit.client);
    if (!client) {
      no_client(*edit.client, add_client_step(*edit.client, false));
    }
    if (client->id != row.client_id) {
      Use use = statement(R"sql(SELECT r.assignee, c.owner, EXISTS (SELECT 1 FROM events e
  WHERE e.request_id = r.id AND e.kind = 'assign') FROM requests r JOIN clients c
  ON c.id = r.client_id WHERE r.id = ?)sql")
                    .use();
      use.bind(edit.id.value);
      if (use.step()) {
        const std::optional<std::string> current = use.optional_text(0);
        if (const std::optional<std::optional<std::string>> next = assignee_after_move(
                current, use.optional_text(1), client->owner, use.integer(2) != 0)) {
          assignee.emplace(current, *next);
        }
      }
      row.client_id = client->id;
      after.client = client->name;
      if (!edit.policy) {
        policy_id = client->policy_id;
        policy_name = load_policy(client->policy_id).policy.name;
      }
    }
  }
  if (edit.policy) {
    const PolicyRow policy = require_policy(*edit.policy);
    policy_id = policy.id;
    policy_name = policy.name;
  }
  if (edit.channel) {
    after.channel = *edit.channel;
  }
  if (edit.priority) {
    after.priority = *edit.priority;
  }
  if (policy_id && *policy_id != row.policy_id) {
    row.policy_id = *policy_id;
    after.policy = policy_name;
  }
  if (edit.ref && non_empty(edit.ref) != row.ref) {
    after.ref = non_empty(edit.ref);
    if (after.ref) {
      const std::optional<std::int64_t> other = request_by_ref(*after.ref);
      if (other && *other != edit.id.value) {
        throw ref_in_use(*after.ref, RequestId{*other});
      }
    }
  }
  const std::string changes = edit_text(before, after, assignee);
  if (!changes.empty()) {
    {
      Use use = statement("UPDATE requests SET client_id = ?, subject = ?, channel = ?, "
                          "priority = ?, policy_id = ?, ref = ? WHERE id = ?")
                    .use();
      use.bind(row.client_id)
          .bind(after.subject)
          .bind(to_string(after.channel))
          .bind(to_string(after.priority))
          .bind(row.policy_id)
          .bind(after.ref)
          .bind(edit.id.value)
          .run();
    }
    if (assignee) {
      Use use = statement("UPDATE requests SET assignee = ? WHERE id = ?").use();
      use.bind(assignee->second).bind(edit.id.value).run();
    }
    static_cast<void>(insert_event(edit.id, EventKind::edit, edit.now, edit.author, changes,
                                   edit.now, recorder_of(edit.recorder, edit.author)));
    RulesCache rules;
    static_cast<void>(reevaluate(edit.id.value, rules));
  }
  Request result = load_request(edit.id);
  write.commit();
  return result;
}

RequestDetail SqliteStore::void_event(const VoidChange& change) {
  Transaction write(m_db);
  if (!request_exists(change.id)) {
    throw no_request(change.id);
  }
  const std::int64_t id = change.id.value;
  const std::optional<std::int64_t> request_void = request_voided_by(change.id);
  std::int64_t target = k_whole_request;
  if (change.event) {
    if (request_void) {
      throw request_is_void(change.id);
    }
    const std::int64_t number = *change.event;
    std::optional<Event> found;
    {
      Use use = statement(fmt::format("SELECT {} FROM events WHERE request_id = ? AND number = ?",
                                      store::k_event_columns))
                    .use();
      use.bind(id).bind(number);
      if (use.step()) {
        found = read_event(use, 0);
      }
    }
    check_void_event(change.id, number,
                     found ? std::optional<MarkedEvent>{MarkedEvent{found->kind, found->voided_by}}
                           : std::nullopt,
                     change.restore);
    target = number;
  } else {
    check_void_request(change.id, request_void, change.restore);
  }
  mark(change.id, change.restore ? EventKind::unvoid : EventKind::void_event, target, change.reason,
       change.recorder, change.now);
  RequestDetail out = detail(change.id);
  write.commit();
  return out;
}

UndoResult SqliteStore::undo(const UndoChange& change) {
  Transaction write(m_db);
  std::optional<std::pair<RequestId, Event>> found;
  {
    Use use = statement(fmt::format("SELECT request_id, merged_from, {} FROM events "
                                    "WHERE recorder = ? ORDER BY id DESC",
                                    store::k_event_columns))
                  .use();
    use.bind(change.recorder);
    while (use.step()) {
      Event event = read_event(use, 2);
      // Passed over: what no longer counts, the voids undo made, and the voids that followed
      // from taking a merge back (or making it again).
      if (event.voided_by
          || (event.kind == EventKind::void_event
              && (event.text == k_undo_reason || !use.is_null(1)))) {
        continue;
      }
      const RequestId request{use.integer(0)};
      const std::optional<std::int64_t> request_void = request_voided_by(request);
      if (request_void && *request_void != event.number) {
        continue; // inside a void request: only the void itself can be taken back
      }
      found.emplace(request, std::move(event));
      break;
    }
  }
  if (!found) {
    throw nothing_to_undo(change.recorder, m_db.path());
  }
  UndoResult result;
  result.id = found->first;
  result.event = found->second;
  result.client = request_row(result.id).value().client;
  result.request = result.event.number == 1;
  if (result.event.kind == EventKind::edit) {
    result.refusal = UndoRefusal::edit;
    return result;
  }
  if (result.event.recorded_at + change.limit < change.now) {
    result.refusal = UndoRefusal::too_old;
    return result;
  }
  mark(result.id, EventKind::void_event, result.request ? k_whole_request : result.event.number,
       std::string(k_undo_reason), change.recorder, change.now);
  write.commit();
  return result;
}

RequestDetail SqliteStore::merge(const MergeChange& change) {
  check_merge(change.id, change.into);
  Transaction write(m_db);
  for (const RequestId id : {change.id, change.into}) {
    if (!request_exists(id)) {
      throw no_request(id);
    }
    if (request_voided_by(id)) {
      throw request_is_void(id);
    }
  }
  std::vector<Event> events;
  {
    Use use = statement(fmt::format("SELECT {} FROM events WHERE request_id = ? AND voided_by "
                                    "IS NULL AND kind NOT IN ('assign', 'edit', 'void', "
                                    "'unvoid') ORDER BY number",
                                    store::k_event_columns))
                  .use();
    use.bind(change.id.value);
    while (use.step()) {
      events.push_back(read_event(use, 0));
    }
  }
  for (const Event& event : events) {
    static_cast<void>(insert_event(change.into, event.kind, event.at, event.author, event.text,
                                   change.now, change.recorder, std::nullopt, change.id.value));
  }
  RulesCache rules;
  static_cast<void>(reevaluate(change.into.value, rules));
  static_cast<void>(insert_event(change.id, EventKind::void_event, change.now, change.recorder,
                                 merged_into_text(change.into), change.now, change.recorder,
                                 k_whole_request));
  static_cast<void>(reevaluate(change.id.value, rules));
  RequestDetail out = detail(change.into);
  write.commit();
  return out;
}

std::string SqliteStore::recorder_of(const std::string& recorder, const std::string& author) {
  return recorder.empty() ? author : recorder;
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

std::optional<std::int64_t> SqliteStore::request_voided_by(RequestId id) {
  Use use = statement("SELECT voided_by FROM requests WHERE id = ?").use();
  use.bind(id.value);
  return use.step() ? use.optional_integer(0) : std::nullopt;
}

void SqliteStore::update_assignee(std::int64_t id) {
  Use use = statement(R"sql(UPDATE requests SET assignee = coalesce((SELECT text FROM events
  WHERE request_id = ?1 AND kind = 'assign' AND voided_by IS NULL ORDER BY at DESC, id DESC
  LIMIT 1), logged_assignee) WHERE id = ?1)sql")
                .use();
  use.bind(id).run();
}

void SqliteStore::mark(RequestId id, EventKind kind, std::int64_t target,
                       const std::optional<std::string>& reason, const std::string& recorder,
                       Instant now) {
  const bool was_void = request_voided_by(id).has_value();
  static_cast<void>(insert_event(id, kind, now, recorder, reason, now, recorder, target));
  RulesCache rules;
  static_cast<void>(reevaluate(id.value, rules));
  const bool is_void = request_voided_by(id).has_value();
  if (was_void == is_void) {
    return;
  }
  // Counts again: the copies that count are voided; void again: the voids of the copies.
  std::vector<std::pair<std::int64_t, std::int64_t>> marked; // request, number
  {
    Use use = statement(store::merged_copies_query(is_void)).use();
    use.bind(id.value);
    while (use.step()) {
      marked.emplace_back(use.integer(0), use.integer(1));
    }
  }
  const std::string why = is_void ? fmt::format("#{} merged again", id.value)
                                  : fmt::format("#{} is its own request again", id.value);
  std::optional<std::int64_t> last;
  for (const auto& [request, number] : marked) {
    static_cast<void>(insert_event(RequestId{request}, EventKind::void_event, now, recorder, why,
                                   now, recorder, number, id.value));
    if (last && *last != request) {
      static_cast<void>(reevaluate(*last, rules));
    }
    last = request;
  }
  if (last) {
    static_cast<void>(reevaluate(*last, rules));
  }
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
