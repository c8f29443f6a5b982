// Why this file: the team database's writes of requests (store/pg_store_impl.hpp): logging, events,
// edits, void, undo and merge, and the rows re-evaluation reads and writes.
#include "slatrack/mail.hpp"
#include "store/pg_store_impl.hpp"

namespace slatrack::pg_store {

LogResult PgStore::log_request(const NewRequest& request) {
  check_new_request(request.at, request.now, request.subject, request.client);
  pg::Transaction write(m_db);
  if (request.ref) {
    // A Message-ID ref names one request however it is written ("<id>", "id"): mail's. One
    // round trip: the ref as written first, then its other forms.
    std::string sql = "SELECT coalesce((SELECT id FROM requests WHERE ref = $1)";
    std::vector<pg::Value> refs{pg::value(*request.ref)};
    for (const std::string& form : other_ref_forms(*request.ref)) {
      refs.push_back(pg::value(form));
      sql += fmt::format(", (SELECT id FROM requests WHERE ref = ${})", refs.size());
    }
    const std::optional<std::int64_t> existing =
        m_db.query(sql + ", NULL)", refs).optional_integer(0, 0);
    if (existing) {
      return LogResult{commit_with_request(write, RequestId{*existing}), false};
    }
  }
  std::optional<ClientRow> client = short_client_row(request.client);
  if (!client) {
    if (!request.create_client) {
      no_client(request.client, add_client_step(request.client, true));
    }
    check_client_name(request.client);
    m_db.query(
        "INSERT INTO clients (id, name, policy_id, created_at) SELECT coalesce(max(id), "
        "0) + 1, $1, (SELECT id FROM policies WHERE fold(name) = fold($2)), $3 FROM "
        "clients",
        {pg::value(request.client), pg::value(k_default_policy), pg::value(to_db(request.now))});
    client = client_row(request.client);
    if (!client) {
      throw Error{ErrorKind::internal, "the new client vanished (a bug; please report it)"};
    }
  }
  const std::optional<std::string> assignee =
      request.assignee ? non_empty(request.assignee) : client->owner;
  const RequestId id{
      m_db.query("INSERT INTO requests (id, client_id, subject, channel, priority, assignee, "
                 "logged_assignee, ref, policy_id, created_at, status, received_at, version_id) "
                 "SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $5, $6, $7, $8, 'open', "
                 "$9, 0 FROM requests RETURNING id",
                 {pg::value(client->id), pg::value(request.subject),
                  pg::value(to_string(request.channel)), pg::value(to_string(request.priority)),
                  pg::value(assignee), pg::value(non_empty(request.ref)),
                  pg::value(client->policy_id), pg::value(to_db(request.now)),
                  pg::value(to_db(request.at))})
          .integer(0, 0)};
  const std::string author = request.author.empty() ? client->name : request.author;
  static_cast<void>(insert_event(id, EventKind::message, request.at, author, request.text,
                                 request.now, recorder_of(request.recorder, author)));
  RulesCache rules;
  static_cast<void>(reevaluate(id.value, rules));
  return LogResult{commit_with_request(write, id), true};
}

Request PgStore::add_event(const NewEvent& event) {
  check_new_event(event.id, event.kind, event.at, event.now, event.text);
  pg::Transaction write(m_db);
  const pg::Result row = m_db.query(
      "SELECT r.received_at, r.voided_by, c.name FROM requests r JOIN clients c ON c.id = "
      "r.client_id WHERE r.id = $1",
      {pg::value(event.id.value)});
  if (row.rows() == 0) {
    throw no_request(event.id);
  }
  if (!row.is_null(0, 1)) {
    throw request_is_void(event.id);
  }
  check_after_first_message(event.id, event.kind, event.at, to_instant(row.integer(0, 0)));
  std::string author = event.author;
  if (author.empty() && event.kind == EventKind::message) {
    author = row.text(0, 2);
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
                     reevaluate(event.id.value, rules).rejections, [this](std::int64_t id) {
                       const pg::Result stored =
                           m_db.query("SELECT kind, at FROM events WHERE id = $1", {pg::value(id)});
                       if (stored.rows() == 0) {
                         throw Error{ErrorKind::internal, fmt::format("event {} vanished", id)};
                       }
                       return std::pair{
                           from_db(event_kind_from(stored.text(0, 0)), "event", stored.text(0, 0)),
                           to_instant(stored.integer(0, 1))};
                     });
  }
  return commit_with_request(write, event.id);
}

Request PgStore::edit_request(const RequestEdit& edit) {
  pg::Transaction write(m_db);
  RequestWrites::edit(edit);
  return commit_with_request(write, edit.id);
}

RequestDetail PgStore::void_event(const VoidChange& change) {
  pg::Transaction write(m_db);
  RequestDetail out = void_or_restore(change);
  write.commit();
  return out;
}

UndoResult PgStore::undo(const UndoChange& change) {
  pg::Transaction write(m_db);
  UndoResult result = undo_latest(change);
  if (result.refusal == UndoRefusal::none) {
    write.commit();
  }
  return result;
}

RequestDetail PgStore::merge(const MergeChange& change) {
  pg::Transaction write(m_db);
  RequestDetail out = merge_into(change);
  write.commit();
  return out;
}

std::optional<store::EditRow> PgStore::edit_row(RequestId id) {
  const pg::Result found = m_db.query(
      "SELECT r.client_id, c.name, r.subject, r.channel, r.priority, r.policy_id, p.name, r.ref, "
      "r.voided_by, r.assignee, c.owner, EXISTS (SELECT 1 FROM events e WHERE e.request_id = "
      "r.id AND e.kind = 'assign') FROM requests r JOIN clients c ON c.id = r.client_id JOIN "
      "policies p ON p.id = r.policy_id WHERE r.id = $1",
      {pg::value(id.value)});
  if (found.rows() == 0) {
    return std::nullopt;
  }
  return store::EditRow{
      found.integer(0, 0),       found.text(0, 1),           found.text(0, 2),
      found.text(0, 3),          found.text(0, 4),           found.integer(0, 5),
      found.text(0, 6),          found.optional_text(0, 7),  found.optional_integer(0, 8),
      found.optional_text(0, 9), found.optional_text(0, 10), found.text(0, 11) == "t"};
}

std::optional<std::int64_t> PgStore::request_by_ref(std::string_view ref) {
  const pg::Result found =
      m_db.query("SELECT id FROM requests WHERE ref = $1", {pg::value(std::string(ref))});
  return found.rows() > 0 ? std::optional<std::int64_t>{found.integer(0, 0)} : std::nullopt;
}

void PgStore::write_edit(RequestId id, std::int64_t client_id, std::int64_t policy_id,
                         const EditedFields& after) {
  m_db.query("UPDATE requests SET client_id = $1, subject = $2, channel = $3, priority = $4, "
             "policy_id = $5, ref = $6 WHERE id = $7",
             {pg::value(client_id), pg::value(after.subject), pg::value(to_string(after.channel)),
              pg::value(to_string(after.priority)), pg::value(policy_id), pg::value(after.ref),
              pg::value(id.value)});
}

void PgStore::write_assignee(RequestId id, const std::optional<std::string>& assignee) {
  m_db.query("UPDATE requests SET assignee = $1 WHERE id = $2",
             {pg::value(assignee), pg::value(id.value)});
}

std::optional<Event> PgStore::numbered_event(RequestId id, std::int64_t number) {
  const pg::Result rows =
      m_db.query(fmt::format("SELECT {} FROM events WHERE request_id = $1 AND number = $2",
                             store::k_event_columns),
                 {pg::value(id.value), pg::value(number)});
  if (rows.rows() == 0) {
    return std::nullopt;
  }
  return read_event(rows, 0);
}

std::vector<Event> PgStore::request_events(RequestId id) {
  const pg::Result rows =
      m_db.query(fmt::format("SELECT {} FROM events WHERE request_id = $1 ORDER BY number",
                             store::k_event_columns),
                 {pg::value(id.value)});
  std::vector<Event> out;
  out.reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) {
    out.push_back(read_event(rows, i));
  }
  return out;
}

void PgStore::each_recorded(const std::string& recorder,
                            const std::function<bool(RequestId, Event&&, bool)>& visit) {
  const pg::Result rows =
      m_db.query(fmt::format("SELECT {}, request_id, merged_from FROM events WHERE recorder "
                             "= $1 ORDER BY id DESC",
                             store::k_event_columns),
                 {pg::value(recorder)});
  for (int i = 0; i < rows.rows(); ++i) {
    if (visit(RequestId{rows.integer(i, 10)}, read_event(rows, i), !rows.is_null(i, 11))) {
      return;
    }
  }
}

std::vector<std::pair<std::int64_t, std::int64_t>> PgStore::merged_copies(std::int64_t id,
                                                                          bool voids) {
  const pg::Result rows = m_db.query(store::merged_copies_query(voids), {pg::value(id)});
  std::vector<std::pair<std::int64_t, std::int64_t>> out; // request, number
  out.reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) {
    out.emplace_back(rows.integer(i, 0), rows.integer(i, 1));
  }
  return out;
}

PgStore::Inserted PgStore::insert_event(RequestId id, EventKind kind, Instant at,
                                        std::string_view author,
                                        const std::optional<std::string>& text, Instant now,
                                        std::string_view recorder,
                                        std::optional<std::int64_t> target,
                                        std::optional<std::int64_t> merged_from) {
  const pg::Result row = m_db.query(
      "INSERT INTO events (id, request_id, number, kind, at, author, text, recorded_at, "
      "recorder, target, merged_from) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM events), "
      "$1, (SELECT coalesce(max(number), 0) + 1 FROM events WHERE request_id = $1), $2, $3, $4, "
      "$5, $6, $7, $8, $9) RETURNING id, number",
      {pg::value(id.value), pg::value(to_string(kind)), pg::value(to_db(at)), pg::value(author),
       pg::value(text), pg::value(to_db(now)), pg::value(recorder), pg::value(target),
       pg::value(merged_from)});
  return Inserted{row.integer(0, 0), row.integer(0, 1)};
}

std::optional<std::optional<std::int64_t>> PgStore::request_void(RequestId id) {
  const pg::Result row =
      m_db.query("SELECT voided_by FROM requests WHERE id = $1", {pg::value(id.value)});
  if (row.rows() == 0) {
    return std::nullopt;
  }
  return row.optional_integer(0, 0);
}

std::vector<ClockRow> PgStore::stored_clocks(std::int64_t id) {
  return clock_rows(m_db.query(k_stored_clocks, {pg::value(id)}));
}

std::vector<ClockRow> PgStore::clock_rows(const pg::Result& rows) {
  std::vector<ClockRow> out;
  for (int i = 0; i < rows.rows(); ++i) {
    out.push_back(ClockRow{rows.text(i, 0), rows.integer(i, 1), rows.optional_integer(i, 2),
                           rows.optional_integer(i, 3), rows.text(i, 4), rows.integer(i, 5),
                           rows.integer(i, 6), rows.integer(i, 7)});
  }
  return out;
}

class PgStore::Rows {
public:
  // The rows of a plain query, read already.
  Rows(pg::Connection& db, pg::Result rows)
      : m_db(db), m_rows(std::move(rows)), m_last_page(true) {}
  // A cursor named `cursor` over `sql`.
  Rows(pg::Connection& db, const std::string& sql, const std::vector<pg::Value>& params,
       std::string cursor)
      : m_db(db), m_cursor(std::move(cursor)) {
    m_db.query(fmt::format("DECLARE {} NO SCROLL CURSOR FOR {}", m_cursor, sql), params);
    fetch();
  }
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  Rows(Rows&&) = delete;
  Rows& operator=(Rows&&) = delete;
  ~Rows() {
    if (!m_cursor.empty()) {
      try {
        m_db.query(fmt::format("CLOSE {}", m_cursor), {});
      } catch (const Error&) { // NOLINT(bugprone-empty-catch): the transaction ends it anyway
      }
    }
  }

  // Moves to the next row: false at the end.
  bool next() {
    ++m_row;
    if (m_row < m_rows.rows()) {
      return true;
    }
    if (m_last_page) {
      return false;
    }
    fetch();
    ++m_row;
    return m_row < m_rows.rows();
  }

  const pg::Result& result() const {
    return m_rows;
  }
  [[nodiscard]] int row() const {
    return m_row;
  }

private:
  void fetch() {
    m_rows = m_db.query(fmt::format("FETCH {} FROM {}", k_cursor_page, m_cursor), {});
    m_last_page = m_rows.rows() < k_cursor_page;
    m_row = -1;
  }

  pg::Connection& m_db;
  std::string m_cursor;
  pg::Result m_rows{nullptr};
  int m_row = -1;
  bool m_last_page = false;
};

class PgStore::Cursor final : public store::RequestCursor {
public:
  Cursor(pg::Connection& db, const Selected& ids, bool paged, std::int64_t number)
      : Cursor(db, ids, paged, number,
               {"SELECT id, policy_id, priority, status, received_at, replied_at, resolved_at, "
                "reply_due_at, update_due_at, resolve_due_at, next_due_at, next_metric, "
                "voided_by, version_id FROM requests"
                    + where("id", ids.condition) + " ORDER BY id",
                "SELECT request_id, kind, at, id, number, target, voided_by FROM events"
                    + where("request_id", ids.condition) + " ORDER BY request_id, at, id",
                "SELECT request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, "
                "used_s, credit_s FROM clocks"
                    + where("request_id", ids.condition) + " ORDER BY request_id, seq"}) {}

  bool next_request(store::RequestState& out) override {
    if (!m_requests.next()) {
      return false;
    }
    const pg::Result& rows = m_requests.result();
    const int i = m_requests.row();
    out.id = rows.integer(i, 0);
    out.policy_id = rows.integer(i, 1);
    const std::string priority = rows.text(i, 2);
    out.priority = from_db(priority_from(priority), "priority", priority);
    out.derived = Derived{rows.text(i, 3),
                          rows.integer(i, 4),
                          rows.optional_integer(i, 5),
                          rows.optional_integer(i, 6),
                          rows.optional_integer(i, 7),
                          rows.optional_integer(i, 8),
                          rows.optional_integer(i, 9),
                          rows.optional_integer(i, 10),
                          rows.optional_text(i, 11),
                          rows.optional_integer(i, 12),
                          rows.integer(i, 13)};
    return true;
  }

  bool next_event(store::EventState& out) override {
    if (!m_events.next()) {
      return false;
    }
    const pg::Result& rows = m_events.result();
    const int i = m_events.row();
    out.request_id = rows.integer(i, 0);
    const std::string kind = rows.text(i, 1);
    out.event =
        RecordedEvent{from_db(event_kind_from(kind), "event", kind), to_instant(rows.integer(i, 2)),
                      rows.integer(i, 3), rows.integer(i, 4), rows.optional_integer(i, 5)};
    out.voided_by = rows.optional_integer(i, 6);
    return true;
  }

  bool next_clock(store::ClockState& out) override {
    if (!m_clocks.next()) {
      return false;
    }
    const pg::Result& rows = m_clocks.result();
    const int i = m_clocks.row();
    out.request_id = rows.integer(i, 0);
    out.seq = rows.integer(i, 1);
    out.row = ClockRow{rows.text(i, 2),
                       rows.integer(i, 3),
                       rows.optional_integer(i, 4),
                       rows.optional_integer(i, 5),
                       rows.text(i, 6),
                       rows.integer(i, 7),
                       rows.integer(i, 8),
                       rows.integer(i, 9)};
    return true;
  }

private:
  using Queries = std::array<std::string, 3>; // requests, events, clock runs

  // One request (not `paged`): the three queries in one round trip. Else three cursors.
  Cursor(pg::Connection& db, const Selected& ids, bool paged, std::int64_t number,
         const Queries& sql)
      : Cursor(
          db, ids, paged, number, sql,
          paged ? std::vector<pg::Result>{}
                : db.pipeline({{sql[0], ids.params}, {sql[1], ids.params}, {sql[2], ids.params}})) {
  }
  Cursor(pg::Connection& db, const Selected& ids, bool paged, std::int64_t number,
         const Queries& sql, std::vector<pg::Result> read)
      : m_requests(paged ? Rows(db, sql[0], ids.params, fmt::format("slatrack_requests_{}", number))
                         : Rows(db, std::move(read[0]))),
        m_events(paged ? Rows(db, sql[1], ids.params, fmt::format("slatrack_events_{}", number))
                       : Rows(db, std::move(read[1]))),
        m_clocks(paged ? Rows(db, sql[2], ids.params, fmt::format("slatrack_clocks_{}", number))
                       : Rows(db, std::move(read[2]))) {}

  static std::string where(std::string_view column, const std::string& ids) {
    return ids.empty() ? std::string() : fmt::format(" WHERE {} {}", column, ids);
  }

  Rows m_requests;
  Rows m_events;
  Rows m_clocks;
};

PgStore::Selected PgStore::selected_ids(const RequestSelection& selection) {
  using By = RequestSelection::By;
  switch (selection.by) {
  case By::request:
    return {"= $1", {pg::value(selection.id)}};
  case By::all:
    return {};
  case By::policy:
    return {"IN (SELECT id FROM requests WHERE policy_id = $1)", {pg::value(selection.id)}};
  case By::policy_received:
    return {"IN (SELECT id FROM requests WHERE policy_id = $1 AND received_at >= $2 AND "
            "received_at < $3)",
            {pg::value(selection.id), pg::value(selection.from), pg::value(selection.until)}};
  case By::calendar:
    return {"IN (SELECT id FROM requests WHERE policy_id IN (SELECT policy_id FROM "
            "policy_versions WHERE calendar_id = $1))",
            {pg::value(selection.id)}};
  case By::calendar_from:
    // A version from $2 cannot change a request whose clocks all ran their course before it.
    return {"IN (SELECT id FROM requests WHERE policy_id IN (SELECT policy_id FROM "
            "policy_versions WHERE calendar_id = $1) AND id IN (SELECT request_id FROM clocks "
            "WHERE metric IN ('reply', 'update', 'resolve') AND (due_at >= $2 OR stop_at IS "
            "NULL OR stop_at >= $2)))",
            {pg::value(selection.id), pg::value(selection.from)}};
  }
  return {};
}

std::unique_ptr<store::RequestCursor> PgStore::read_requests(const RequestSelection& selection) {
  return std::make_unique<Cursor>(m_db, selected_ids(selection),
                                  selection.by != RequestSelection::By::request, ++m_cursors);
}

void PgStore::write_void_mark(std::int64_t event_id, std::optional<std::int64_t> voided_by) {
  m_writes.push_back({"UPDATE events SET voided_by = $1 WHERE id = $2",
                      {pg::value(voided_by), pg::value(event_id)}});
}

void PgStore::update_assignee(std::int64_t id) {
  // It reads the void marks written before it: those held back go first, in the same round trip.
  m_writes.push_back(
      {"UPDATE requests SET assignee = coalesce((SELECT text FROM events WHERE request_id = $1 "
       "AND kind = 'assign' AND voided_by IS NULL ORDER BY at DESC, id DESC LIMIT 1), "
       "logged_assignee) WHERE id = $1",
       {pg::value(id)}});
  flush_writes();
}

void PgStore::write_derived(std::int64_t id, const Derived& /*old*/, const Derived& now) {
  m_writes.push_back(
      {"UPDATE requests SET status = $1, received_at = $2, replied_at = $3, resolved_at = $4, "
       "reply_due_at = $5, update_due_at = $6, resolve_due_at = $7, next_due_at = $8, "
       "next_metric = $9, voided_by = $10, version_id = $11 WHERE id = $12",
       {pg::value(now.status), pg::value(now.received_at), pg::value(now.replied_at),
        pg::value(now.resolved_at), pg::value(now.reply_due_at), pg::value(now.update_due_at),
        pg::value(now.resolve_due_at), pg::value(now.next_due_at), pg::value(now.next_metric),
        pg::value(now.voided_by), pg::value(now.version_id), pg::value(id)}});
}

void PgStore::update_clock(std::int64_t id, std::int64_t seq, const ClockRow& /*old*/,
                           const ClockRow& row) {
  m_writes.push_back(
      {"UPDATE clocks SET metric = $1, start_at = $2, due_at = $3, stop_at = $4, outcome = $5, "
       "target_s = $6, used_s = $7, credit_s = $8 WHERE request_id = $9 AND seq = $10",
       {pg::value(row.metric), pg::value(row.start_at), pg::value(row.due_at),
        pg::value(row.stop_at), pg::value(row.outcome), pg::value(row.target_s),
        pg::value(row.used_s), pg::value(row.credit_s), pg::value(id), pg::value(seq)}});
}

void PgStore::insert_clock(std::int64_t id, std::int64_t seq, const ClockRow& row) {
  m_writes.push_back(
      {"INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, "
       "target_s, used_s, credit_s) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
       {pg::value(id), pg::value(seq), pg::value(row.metric), pg::value(row.start_at),
        pg::value(row.due_at), pg::value(row.stop_at), pg::value(row.outcome),
        pg::value(row.target_s), pg::value(row.used_s), pg::value(row.credit_s)}});
}

void PgStore::delete_clocks_after(std::int64_t id, std::int64_t last) {
  m_writes.push_back(
      {"DELETE FROM clocks WHERE request_id = $1 AND seq > $2", {pg::value(id), pg::value(last)}});
}

void PgStore::flush_writes() {
  const std::vector<pg::Statement> writes = std::exchange(m_writes, {});
  static_cast<void>(m_db.pipeline(writes));
}

void PgStore::discard_writes() noexcept {
  m_writes.clear();
}

} // namespace slatrack::pg_store
