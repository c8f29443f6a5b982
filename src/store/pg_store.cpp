// Why this file: the team database's store (store/pg_store_impl.hpp says how its files divide it):
// opening it, its transactions, the rows every operation reads and the shared look-ups.
#include "store/pg_store.hpp"

#include "store/pg_store_impl.hpp"

namespace slatrack::pg_store {

// A Request from the columns of store::k_request_select in row `row`.
Request read_request(const pg::Result& rows, int row) {
  Request out;
  out.id = RequestId{rows.integer(row, 0)};
  out.client = rows.text(row, 1);
  out.subject = rows.text(row, 2);
  out.channel = from_db(channel_from(rows.text(row, 3)), "channel", rows.text(row, 3));
  out.priority = from_db(priority_from(rows.text(row, 4)), "priority", rows.text(row, 4));
  out.status = from_db(status_from(rows.text(row, 5)), "status", rows.text(row, 5));
  out.assignee = rows.optional_text(row, 6);
  out.policy = rows.text(row, 7);
  out.calendar = rows.text(row, 8);
  out.ref = rows.optional_text(row, 9);
  out.received_at = to_instant(rows.integer(row, 10));
  out.replied_at = to_instant(rows.optional_integer(row, 11));
  out.resolved_at = to_instant(rows.optional_integer(row, 12));
  out.reply_due = to_instant(rows.optional_integer(row, 13));
  out.update_due = to_instant(rows.optional_integer(row, 14));
  out.resolve_due = to_instant(rows.optional_integer(row, 15));
  if (const std::optional<std::int64_t> due = rows.optional_integer(row, 16)) {
    out.next = NextDue{from_db(metric_from(rows.text(row, 17)), "metric", rows.text(row, 17)),
                       to_instant(*due)};
  }
  return out;
}

// An event from the columns store::k_event_columns of row `row`, from column `first` on.
Event read_event(const pg::Result& rows, int row, int first) {
  Event out;
  out.id = rows.integer(row, first);
  out.kind =
      from_db(event_kind_from(rows.text(row, first + 1)), "event", rows.text(row, first + 1));
  out.at = to_instant(rows.integer(row, first + 2));
  out.author = rows.text(row, first + 3);
  out.text = rows.optional_text(row, first + 4);
  out.recorded_at = to_instant(rows.integer(row, first + 5));
  out.number = rows.integer(row, first + 6);
  out.recorder = rows.text(row, first + 7);
  out.target = rows.optional_integer(row, first + 8);
  out.voided_by = rows.optional_integer(row, first + 9);
  return out;
}

// A clock run from the columns metric, start_at, due_at, stop_at, outcome, target_s, used_s,
// credit_s of row `row`, from column `first` on.
ClockRun read_clock(const pg::Result& rows, int row, int first) {
  ClockRun run;
  run.metric = from_db(metric_from(rows.text(row, first)), "metric", rows.text(row, first));
  run.start = to_instant(rows.integer(row, first + 1));
  run.due = to_instant(rows.optional_integer(row, first + 2));
  run.stop = to_instant(rows.optional_integer(row, first + 3));
  run.outcome =
      from_db(outcome_from(rows.text(row, first + 4)), "outcome", rows.text(row, first + 4));
  run.target = to_target(rows.integer(row, first + 5));
  run.used = Seconds{rows.integer(row, first + 6)};
  run.credit = Seconds{rows.integer(row, first + 7)};
  return run;
}

std::string PgStore::location() const {
  return m_db.location();
}

int PgStore::schema_version() {
  return store::read_pg_schema_version(m_db);
}

void PgStore::transaction(const std::function<void()>& body, bool commit) {
  pg::Transaction write(m_db);
  body();
  if (commit) {
    write.commit();
  }
}

std::vector<std::int64_t> PgStore::ids(std::string_view sql, const std::vector<pg::Value>& params) {
  const pg::Result rows = m_db.query(sql, params);
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) {
    out.push_back(rows.integer(i, 0));
  }
  return out;
}

std::vector<std::string> PgStore::texts(std::string_view sql, const std::vector<pg::Value>& params,
                                        int column) {
  const pg::Result rows = m_db.query(sql, params);
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(rows.rows()));
  for (int i = 0; i < rows.rows(); ++i) {
    out.push_back(rows.text(i, column));
  }
  return out;
}

std::int64_t PgStore::count(std::string_view sql, std::int64_t parameter) {
  const pg::Result rows = m_db.query(sql, {pg::value(parameter)});
  return rows.rows() > 0 ? rows.integer(0, 0) : 0;
}

std::optional<CalendarRow> PgStore::stored_calendar_row(std::string_view name) {
  const pg::Result rows = m_db.query(
      "SELECT id, name, builtin FROM calendars WHERE fold(name) = fold($1)", {pg::value(name)});
  if (rows.rows() == 0) {
    return std::nullopt;
  }
  return CalendarRow{rows.integer(0, 0), rows.text(0, 1), rows.integer(0, 2) != 0};
}

std::optional<PolicyRow> PgStore::stored_policy_row(std::string_view name) {
  const pg::Result rows = m_db.query(
      "SELECT id, name, builtin FROM policies WHERE fold(name) = fold($1)", {pg::value(name)});
  if (rows.rows() == 0) {
    return std::nullopt;
  }
  return PolicyRow{rows.integer(0, 0), rows.text(0, 1), rows.integer(0, 2) != 0};
}

std::optional<ClientRow> PgStore::stored_client_row(std::string_view name) {
  const pg::Result rows = m_db.query("SELECT id, name, policy_id, owner, note FROM "
                                     "clients WHERE fold(name) = fold($1)",
                                     {pg::value(name)});
  if (rows.rows() == 0) {
    return std::nullopt;
  }
  return ClientRow{rows.integer(0, 0), rows.text(0, 1), rows.integer(0, 2),
                   rows.optional_text(0, 3), rows.optional_text(0, 4)};
}

std::vector<std::string> PgStore::calendar_names() {
  return texts("SELECT name FROM calendars ORDER BY fold(name), name", {});
}

std::vector<std::string> PgStore::policy_names() {
  return texts("SELECT name FROM policies ORDER BY fold(name), name", {});
}

std::vector<std::string> PgStore::client_names() {
  return texts("SELECT name FROM clients ORDER BY fold(name), name", {});
}

Request PgStore::load_request(RequestId id) {
  const pg::Result row =
      m_db.query(std::string(store::k_request_select) + "WHERE r.id = $1", {pg::value(id.value)});
  if (row.rows() == 0) {
    throw no_request(id);
  }
  return read_request(row, 0);
}

Request PgStore::commit_with_request(pg::Transaction& write, RequestId id) {
  const std::string sql = std::string(store::k_request_select) + "WHERE r.id = $1";
  const pg::Result row = write.commit_after({sql, {pg::value(id.value)}});
  if (row.rows() == 0) {
    throw no_request(id);
  }
  return read_request(row, 0);
}

std::string PgStore::database_name() const {
  return m_db.location();
}

} // namespace slatrack::pg_store

namespace slatrack {

std::unique_ptr<Store> open_pg_store(const std::string& url, OpenMode mode) {
  return std::make_unique<pg_store::PgStore>(url, mode);
}

bool is_team_database(std::string_view db) {
  return pg::is_url(db);
}

bool team_url_has_password(const std::string& url) {
  return pg::has_password(url);
}

} // namespace slatrack
