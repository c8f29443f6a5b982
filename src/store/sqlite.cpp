#include "store/sqlite.hpp"

#include "slatrack/error.hpp"

#include <cstddef>
#include <fmt/format.h>
#include <sqlite3.h>
#include <utility>

namespace slatrack::sqlite {

namespace {

// The Error for result code `rc` of `operation` on `db` (which may be null when opening failed).
Error make_error(sqlite3* db, const std::string& path, std::string_view operation, int rc) {
  const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
  case SQLITE_BUSY:
    return Error{ErrorKind::storage,
                 fmt::format("database {} is busy (another slatrack is writing); try again", path)};
  case SQLITE_READONLY:
    return Error{
        ErrorKind::storage,
        fmt::format("cannot write {}: read-only; check the file's permissions or use --db", path)};
  case SQLITE_NOTADB:
    return Error{ErrorKind::storage,
                 fmt::format("{} is not a slatrack database ({}); point --db at another file", path,
                             message)};
  case SQLITE_CORRUPT:
    return Error{ErrorKind::storage,
                 fmt::format("{}: {} ({}); restore a backup or point --db at another file",
                             operation, message, path)};
  case SQLITE_FULL:
  case SQLITE_IOERR:
    // A file size limit (EFBIG) shows as SQLITE_IOERR_WRITE (or _TRUNCATE, _SHMSIZE while the
    // -wal or -shm file grows), a full file system as SQLITE_FULL; the transaction was rolled
    // back either way.
    if (rc == SQLITE_FULL || rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_TRUNCATE
        || rc == SQLITE_IOERR_SHMSIZE || (rc & 0xff) == SQLITE_FULL) {
      return Error{ErrorKind::storage,
                   fmt::format("{}: cannot write {}: the disk is full or the file size limit is "
                               "reached; nothing was written: free some space and try again",
                               operation, path)};
    }
    return Error{ErrorKind::storage,
                 fmt::format("{}: {} ({}); nothing was written: check the disk and try again",
                             operation, message, path)};
  default:
    return Error{ErrorKind::storage, fmt::format("{}: {} ({})", operation, message, path)};
  }
}

// "running SELECT id FROM requests": the start of a statement, for messages.
std::string describe_sql(std::string_view sql) {
  std::string out;
  bool space = false;
  for (const char c : sql) {
    if (c == '(' || out.size() >= 48) {
      break;
    }
    if (c == ' ' || c == '\n' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return "running " + out;
}

} // namespace

// ---- Database ----

Database::Database(std::string path, int flags) : Database(path, flags, path) {}

Database::Database(std::string path, int flags, const std::string& open_as)
    : m_path(std::move(path)) {
  const int rc = sqlite3_open_v2(open_as.c_str(), &m_db, flags, nullptr);
  if (rc != SQLITE_OK) {
    const Error error = make_error(m_db, m_path, "open database", rc);
    sqlite3_close_v2(m_db);
    m_db = nullptr;
    throw error;
  }
  sqlite3_extended_result_codes(m_db, 1);
  if (const int busy = sqlite3_busy_timeout(m_db, k_busy_timeout_ms); busy != SQLITE_OK) {
    fail("set busy timeout", busy);
  }
  exec("PRAGMA foreign_keys = ON", "turn on foreign keys");
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(m_db);
    m_db = std::exchange(other.m_db, nullptr);
    m_path = std::move(other.m_path);
  }
  return *this;
}

Database::~Database() {
  sqlite3_close_v2(m_db); // a no-op on null; errors ignored
}

void Database::exec(std::string_view sql, std::string_view operation) {
  const std::string text(sql);
  const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    fail(operation, rc);
  }
}

void Database::fail(std::string_view operation, int rc) const {
  throw make_error(m_db, m_path, operation, rc);
}

std::int64_t Database::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(m_db);
}

std::int64_t Database::changes() const {
  return sqlite3_changes64(m_db);
}

bool Database::autocommit() const {
  return sqlite3_get_autocommit(m_db) != 0;
}

bool Database::read_only() const {
  return sqlite3_db_readonly(m_db, "main") == 1;
}

// ---- Statement ----

Statement::Statement(Database& db, std::string_view sql)
    : m_db(&db), m_operation(describe_sql(sql)) {
  const int rc = sqlite3_prepare_v3(db.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(m_stmt);
    m_stmt = nullptr;
    db.fail(fmt::format("preparing {}", m_operation.substr(8)), rc);
  }
}

Statement::Statement(Statement&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_operation(std::move(other.m_operation)), m_in_use(std::exchange(other.m_in_use, false)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(m_stmt);
    m_db = std::exchange(other.m_db, nullptr);
    m_stmt = std::exchange(other.m_stmt, nullptr);
    m_operation = std::move(other.m_operation);
    m_in_use = std::exchange(other.m_in_use, false);
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(m_stmt); // a no-op on null
}

Statement::Use Statement::use() {
  if (m_stmt == nullptr || m_in_use) {
    throw Error{
        ErrorKind::internal,
        fmt::format("statement used twice at once: {} (a bug; please report it)", m_operation)};
  }
  return Use{*this};
}

// ---- Statement::Use ----

Statement::Use::Use(Statement& statement) : m_statement(statement) {
  m_statement.m_in_use = true;
}

Statement::Use::~Use() {
  sqlite3_reset(m_statement.m_stmt);
  sqlite3_clear_bindings(m_statement.m_stmt);
  m_statement.m_in_use = false;
}

Statement::Use& Statement::Use::bind(std::int64_t value) {
  const int rc = sqlite3_bind_int64(m_statement.m_stmt, m_next, value);
  if (rc != SQLITE_OK) {
    m_statement.m_db->fail(m_statement.m_operation, rc);
  }
  ++m_next;
  return *this;
}

Statement::Use& Statement::Use::bind(std::string_view value) {
  const int rc = sqlite3_bind_text64(m_statement.m_stmt, m_next, value.data(), value.size(),
                                     SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) {
    m_statement.m_db->fail(m_statement.m_operation, rc);
  }
  ++m_next;
  return *this;
}

Statement::Use& Statement::Use::bind_static(std::string_view value) {
  const int rc = sqlite3_bind_text64(m_statement.m_stmt, m_next, value.data(), value.size(),
                                     SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) {
    m_statement.m_db->fail(m_statement.m_operation, rc);
  }
  ++m_next;
  return *this;
}

Statement::Use& Statement::Use::bind_static(const std::optional<std::string>& value) {
  return value ? bind_static(std::string_view{*value}) : bind(std::nullopt);
}

Statement::Use& Statement::Use::bind(std::nullopt_t) {
  const int rc = sqlite3_bind_null(m_statement.m_stmt, m_next);
  if (rc != SQLITE_OK) {
    m_statement.m_db->fail(m_statement.m_operation, rc);
  }
  ++m_next;
  return *this;
}

Statement::Use& Statement::Use::bind(const std::optional<std::int64_t>& value) {
  return value ? bind(*value) : bind(std::nullopt);
}

Statement::Use& Statement::Use::bind(const std::optional<std::string>& value) {
  return value ? bind(std::string_view{*value}) : bind(std::nullopt);
}

bool Statement::Use::step() {
  const int rc = sqlite3_step(m_statement.m_stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  m_statement.m_db->fail(m_statement.m_operation, rc);
}

void Statement::Use::run() {
  while (step()) {
  }
}

// A column's value is read through sqlite3_column_value and the sqlite3_value_* functions: one
// call into SQLite's statement per column instead of one per question asked of it (a text and its
// length, or its type and then its number), which counts when export reads 9 million rows. The
// value is what sqlite3_column_* would read, converted the same way; it is not thread-safe, and
// neither is a connection opened with SQLITE_OPEN_NOMUTEX (every connection of ours).
namespace {

std::string_view value_text(sqlite3_value* value) {
  const unsigned char* data = sqlite3_value_text(value);
  const int size = sqlite3_value_bytes(value);
  if (data == nullptr || size <= 0) {
    return {};
  }
  return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

} // namespace

bool Statement::Use::is_null(int column) const {
  return sqlite3_value_type(sqlite3_column_value(m_statement.m_stmt, column)) == SQLITE_NULL;
}

std::int64_t Statement::Use::integer(int column) const {
  return sqlite3_value_int64(sqlite3_column_value(m_statement.m_stmt, column));
}

std::string Statement::Use::text(int column) const {
  return std::string(text_view(column));
}

std::string_view Statement::Use::text_view(int column) const {
  return value_text(sqlite3_column_value(m_statement.m_stmt, column));
}

std::optional<std::int64_t> Statement::Use::optional_integer(int column) const {
  sqlite3_value* value = sqlite3_column_value(m_statement.m_stmt, column);
  if (sqlite3_value_type(value) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_value_int64(value);
}

std::optional<std::string> Statement::Use::optional_text(int column) const {
  if (is_null(column)) {
    return std::nullopt;
  }
  return text(column);
}

void Statement::Use::text(int column, std::string& out) const {
  const std::string_view view = text_view(column);
  out.assign(view.data(), view.size());
}

void Statement::Use::optional_text(int column, std::optional<std::string>& out) const {
  sqlite3_value* value = sqlite3_column_value(m_statement.m_stmt, column);
  if (sqlite3_value_type(value) == SQLITE_NULL) {
    out.reset();
    return;
  }
  const std::string_view view = value_text(value);
  if (out) {
    out->assign(view.data(), view.size());
  } else {
    out.emplace(view);
  }
}

// ---- Transaction ----

Transaction::Transaction(Database& db, Mode mode) : m_db(db), m_nested(!db.autocommit()) {
  if (m_nested) {
    m_db.exec("SAVEPOINT nested", "start a nested transaction");
  } else if (mode == Mode::immediate) {
    m_db.exec("BEGIN IMMEDIATE", "start a write transaction");
  } else {
    m_db.exec("BEGIN", "start a read transaction");
  }
}

Transaction::~Transaction() {
  if (!m_done && m_nested) {
    // errors ignored: after some errors SQLite has already rolled back the whole transaction
    sqlite3_exec(m_db.get(), "ROLLBACK TO nested; RELEASE nested", nullptr, nullptr, nullptr);
  } else if (!m_done && !m_db.autocommit()) {
    sqlite3_exec(m_db.get(), "ROLLBACK", nullptr, nullptr, nullptr); // errors ignored
  }
}

void Transaction::commit() {
  m_db.exec(m_nested ? "RELEASE nested" : "COMMIT", "commit");
  m_done = true;
}

} // namespace slatrack::sqlite
