// Why this file: the SQLite store (store/sqlite_store_impl.hpp says how its files divide it):
// opening it, its transactions, statements and the look-ups every operation shares.
#include "store/sqlite_store.hpp"

#include "slatrack/mail.hpp"
#include "store/sqlite_store_impl.hpp"

namespace slatrack::sqlite_store {

Request read_request(const Use& row) {
  Request out;
  read_request(row, out);
  return out;
}

void read_request(const Use& row, Request& out) {
  out.id = RequestId{row.integer(0)};
  row.text(1, out.client);
  row.text(2, out.subject);
  out.channel = from_db(channel_from(row.text_view(3)), "channel", row.text_view(3));
  out.priority = from_db(priority_from(row.text_view(4)), "priority", row.text_view(4));
  out.status = from_db(status_from(row.text_view(5)), "status", row.text_view(5));
  row.optional_text(6, out.assignee);
  row.text(7, out.policy);
  row.text(8, out.calendar);
  row.optional_text(9, out.ref);
  out.received_at = to_instant(row.integer(10));
  out.replied_at = to_instant(row.optional_integer(11));
  out.resolved_at = to_instant(row.optional_integer(12));
  out.reply_due = to_instant(row.optional_integer(13));
  out.update_due = to_instant(row.optional_integer(14));
  out.resolve_due = to_instant(row.optional_integer(15));
  out.next.reset();
  if (const std::optional<std::int64_t> due = row.optional_integer(16)) {
    out.next = NextDue{from_db(metric_from(row.text_view(17)), "metric", row.text_view(17)),
                       to_instant(*due)};
  }
}

std::string SqliteStore::location() const {
  return m_db.path();
}

int SqliteStore::schema_version() {
  return store::read_schema_version(m_db);
}

void SqliteStore::transaction(const std::function<void()>& body, bool commit) {
  Transaction write(m_db);
  body();
  if (commit) {
    write.commit();
  }
}

store::StatementSource SqliteStore::statement_source() {
  return [this](std::string_view sql) -> Statement& { return statement(sql); };
}

Statement& SqliteStore::statement(std::string_view sql) {
  const auto found = m_statements.find(sql);
  if (found != m_statements.end()) {
    return found->second;
  }
  return m_statements.emplace(std::string(sql), Statement(m_db, sql)).first->second;
}

std::int64_t SqliteStore::count(std::string_view sql, std::int64_t parameter) {
  Use use = statement(sql).use();
  use.bind(parameter);
  return use.step() ? use.integer(0) : 0;
}

std::vector<std::int64_t> SqliteStore::select_ids(std::string_view sql,
                                                  std::optional<std::int64_t> parameter) {
  std::vector<std::int64_t> out;
  Use use = statement(sql).use();
  if (parameter) {
    use.bind(*parameter);
  }
  while (use.step()) {
    out.push_back(use.integer(0));
  }
  return out;
}

std::vector<std::string> SqliteStore::names(std::string_view sql) {
  std::vector<std::string> out;
  Use use = statement(sql).use();
  while (use.step()) {
    out.push_back(use.text(0));
  }
  return out;
}

std::optional<CalendarRow> SqliteStore::stored_calendar_row(std::string_view name) {
  Use use = statement("SELECT id, name, builtin FROM calendars WHERE name = ?").use();
  use.bind(name);
  if (!use.step()) {
    return std::nullopt;
  }
  return CalendarRow{use.integer(0), use.text(1), use.integer(2) != 0};
}

std::optional<PolicyRow> SqliteStore::stored_policy_row(std::string_view name) {
  Use use = statement("SELECT id, name, builtin FROM policies WHERE name = ?").use();
  use.bind(name);
  if (!use.step()) {
    return std::nullopt;
  }
  return PolicyRow{use.integer(0), use.text(1), use.integer(2) != 0};
}

std::optional<ClientRow> SqliteStore::stored_client_row(std::string_view name) {
  Use use = statement("SELECT id, name, policy_id, owner, note FROM clients WHERE name = ?").use();
  use.bind(name);
  if (!use.step()) {
    return std::nullopt;
  }
  return ClientRow{use.integer(0), use.text(1), use.integer(2), use.optional_text(3),
                   use.optional_text(4)};
}

std::vector<std::string> SqliteStore::calendar_names() {
  return names("SELECT name FROM calendars ORDER BY name");
}

std::vector<std::string> SqliteStore::policy_names() {
  return names("SELECT name FROM policies ORDER BY name");
}

std::vector<std::string> SqliteStore::client_names() {
  return names("SELECT name FROM clients ORDER BY name");
}

std::optional<std::int64_t> SqliteStore::request_by_ref(std::string_view ref) {
  Use use = statement("SELECT id FROM requests WHERE ref = ?").use();
  use.bind(ref);
  if (!use.step()) {
    return std::nullopt;
  }
  return use.integer(0);
}

std::optional<std::int64_t> SqliteStore::request_by_ref_forms(std::string_view ref) {
  if (std::optional<std::int64_t> found = request_by_ref(ref)) {
    return found;
  }
  for (const std::string& form : other_ref_forms(ref)) {
    if (std::optional<std::int64_t> found = request_by_ref(form)) {
      return found;
    }
  }
  return std::nullopt;
}

bool SqliteStore::request_exists(RequestId id) {
  Use use = statement("SELECT 1 FROM requests WHERE id = ?").use();
  use.bind(id.value);
  return use.step();
}

Request SqliteStore::load_request(RequestId id) {
  Use use = statement(std::string(k_request_select) + "WHERE r.id = ?").use();
  use.bind(id.value);
  if (!use.step()) {
    throw no_request(id);
  }
  return read_request(use);
}

std::string SqliteStore::database_name() const {
  return m_db.path();
}

} // namespace slatrack::sqlite_store

namespace slatrack {

std::unique_ptr<Store> open_sqlite_store(const std::string& path, OpenMode mode) {
  return std::make_unique<sqlite_store::SqliteStore>(path, mode);
}

} // namespace slatrack
