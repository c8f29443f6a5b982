// Thin RAII wrappers over the sqlite3 C API (STYLE.md section 5): a connection, a prepared
// statement with a scoped use (bind, step, reset on scope exit) and a transaction that rolls back
// unless committed. Every failed sqlite3 call becomes Error{storage} naming the operation, SQLite's
// message and the database path; busy, read-only and not-a-database get messages that say what to
// do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace slatrack::sqlite {

// The busy timeout of every connection: how long a writer waits for another one to finish.
inline constexpr int k_busy_timeout_ms = 10000;

// An open connection. Move-only; a moved-from Database holds null.
class Database {
public:
  // Opens `path` with exactly `flags` (SQLITE_OPEN_*), then sets the busy timeout and turns on
  // foreign keys. Throws Error{storage}.
  Database(std::string path, int flags);
  // The same, opening `open_as` (a "file:" URI with SQLITE_OPEN_URI) while messages name `path`.
  Database(std::string path, int flags, const std::string& open_as);
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  [[nodiscard]] sqlite3* get() const noexcept {
    return m_db;
  }
  [[nodiscard]] const std::string& path() const noexcept {
    return m_path;
  }

  // Runs one or more SQL statements without parameters (schema scripts, pragmas, BEGIN/COMMIT).
  // Throws Error{storage} naming `operation`.
  void exec(std::string_view sql, std::string_view operation);

  // Throws the Error{storage} for result code `rc` of `operation` on this connection.
  [[noreturn]] void fail(std::string_view operation, int rc) const;

  [[nodiscard]] std::int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  [[nodiscard]] std::int64_t changes() const;
  // Whether the connection is in autocommit mode (no transaction open).
  [[nodiscard]] bool autocommit() const;
  // Whether the main database was opened read-only (by the OS: file permissions, read-only mount).
  [[nodiscard]] bool read_only() const;

private:
  sqlite3* m_db = nullptr;
  std::string m_path;
};

// A prepared statement, prepared once and reused. Move-only; a moved-from Statement holds null.
// Use it through use(): the Use binds parameters in order, steps, reads columns, and resets the
// statement (and clears its bindings) when it goes out of scope, also on exceptions.
class Statement {
public:
  // Prepares `sql` (one statement) on `db`, which must outlive the Statement. Throws
  // Error{storage}.
  Statement(Database& db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  [[nodiscard]] sqlite3_stmt* get() const noexcept {
    return m_stmt;
  }

  class Use;
  // Starts one execution. Throws Error{internal} when the statement is already in use (a cached
  // statement run again while its rows are still being read).
  [[nodiscard]] Use use();

private:
  Database* m_db = nullptr;
  sqlite3_stmt* m_stmt = nullptr;
  std::string m_operation; // for messages: "running SELECT ... FROM requests"
  bool m_in_use = false;
};

class Statement::Use {
public:
  explicit Use(Statement& statement);
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  Use(Use&&) = delete;
  Use& operator=(Use&&) = delete;
  ~Use();

  // Binds the next parameter (1, 2, ...). Text is copied. nullopt binds NULL.
  Use& bind(std::int64_t value);
  Use& bind(int value) {
    return bind(static_cast<std::int64_t>(value));
  }
  Use& bind(std::string_view value);
  Use& bind(const std::string& value) {
    return bind(std::string_view{value});
  }
  Use& bind(const char* value) {
    return bind(std::string_view{value});
  }
  // Binds text without copying it: `value` must stay valid until this Use ends (bulk inserts).
  Use& bind_static(std::string_view value);
  Use& bind_static(const std::string& value) {
    return bind_static(std::string_view{value});
  }
  Use& bind_static(const std::optional<std::string>& value);
  Use& bind(std::nullopt_t);
  Use& bind(const std::optional<std::int64_t>& value);
  Use& bind(const std::optional<std::string>& value);

  // Steps once: true when a row is ready. Throws Error{storage}.
  [[nodiscard]] bool step();
  // Steps to the end, for statements that return no rows.
  void run();

  // Columns of the current row, 0-based.
  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] std::string text(int column) const;
  // The text of a column without a copy: valid until the next step or reset of the statement.
  [[nodiscard]] std::string_view text_view(int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_integer(int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int column) const;
  // The same into `out`, whose memory is used again (readers of millions of rows).
  void text(int column, std::string& out) const;
  void optional_text(int column, std::optional<std::string>& out) const;

private:
  Statement& m_statement;
  int m_next = 1;
};

// A transaction: BEGIN IMMEDIATE (takes the write lock first, waiting up to the busy timeout) or a
// deferred BEGIN for consistent reads. The destructor rolls back unless commit() succeeded.
// Opened while another transaction is open (Store::transaction), it is a SAVEPOINT inside it:
// commit() releases it, and the outer transaction decides what is kept.
class Transaction {
public:
  enum class Mode { immediate, deferred };

  explicit Transaction(Database& db, Mode mode = Mode::immediate);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction(Transaction&&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  // Commits. Throws Error{storage}; the destructor then rolls back.
  void commit();

private:
  Database& m_db;
  bool m_nested = false;
  bool m_done = false;
};

} // namespace slatrack::sqlite
