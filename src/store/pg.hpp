// Thin RAII wrappers over libpq (STYLE.md section 5), like store/sqlite.hpp for SQLite: a
// connection, a result, statements with parameters, and a transaction that rolls back unless
// committed. Every failed call becomes Error{storage}: one line naming the operation, the server's
// message and the database's URL without its password; an unreachable server, refused
// authentication, a lock held past the timeout and a lost connection get messages that say what to
// do. Server notices and libpq's own warnings never reach stderr.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace slatrack::pg {

// How long connecting may take, in seconds (libpq's connect_timeout).
inline constexpr int k_connect_timeout_s = 10;
// How long a writer waits for the write lock or any other lock (lock_timeout), in milliseconds:
// the busy timeout of SQLite (store/sqlite.hpp).
inline constexpr int k_lock_timeout_ms = 10000;
// The key of the transaction-scoped advisory lock every write takes first ("SLAT").
inline constexpr std::int64_t k_write_lock = 0x534C4154;

// Whether `db` (a --db value) names a PostgreSQL database: a postgresql:// or postgres:// URL.
[[nodiscard]] bool is_url(std::string_view db);
// `url` as it may be shown: a password in it (user:PASSWORD@ or password=...) left out.
[[nodiscard]] std::string redact(std::string_view url);
// Whether `url` holds a password. Throws Error{usage} when libpq cannot read it.
[[nodiscard]] bool has_password(const std::string& url);

// One value of a statement's parameters, as text (libpq's text format); nullopt is NULL.
using Value = std::optional<std::string>;
[[nodiscard]] inline Value value(std::int64_t number) {
  return std::to_string(number);
}
[[nodiscard]] inline Value value(int number) {
  return std::to_string(number);
}
[[nodiscard]] inline Value value(std::string_view text) {
  return std::string(text);
}
[[nodiscard]] inline Value value(const char* text) {
  return std::string(text);
}
[[nodiscard]] inline Value value(const std::string& text) {
  return text;
}
[[nodiscard]] inline Value value(const std::optional<std::string>& text) {
  return text;
}
[[nodiscard]] inline Value value(const std::optional<std::int64_t>& number) {
  return number ? Value{std::to_string(*number)} : std::nullopt;
}

// One statement with its parameters, for Connection::pipeline.
struct Statement {
  std::string_view sql;
  std::vector<Value> params;
};

// The rows of one statement. Move-only; a moved-from Result holds null.
class Result {
public:
  explicit Result(pg_result* result) noexcept : m_result(result) {}
  Result(Result&& other) noexcept;
  Result& operator=(Result&& other) noexcept;
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  ~Result();

  [[nodiscard]] pg_result* get() const noexcept {
    return m_result;
  }
  // Whether the statement succeeded (a null result, from a lost connection, did not).
  [[nodiscard]] bool ok() const;
  [[nodiscard]] int rows() const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  [[nodiscard]] std::int64_t changed() const;
  // Columns of row `row`, both 0-based.
  [[nodiscard]] bool is_null(int row, int column) const;
  [[nodiscard]] std::int64_t integer(int row, int column) const;
  [[nodiscard]] std::string text(int row, int column) const;
  // The text of a column without a copy, valid while the Result lives ("" for NULL).
  [[nodiscard]] std::string_view view(int row, int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_integer(int row, int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(int row, int column) const;
  // The SQLSTATE of a failed statement ("42P01": no such table), "" when there is none.
  [[nodiscard]] std::string_view state() const;

private:
  pg_result* m_result = nullptr;
};

// One row of a binary COPY (Connection::copy_rows): its columns' bytes as the server sent them,
// valid during the visit.
class BinaryRow {
public:
  [[nodiscard]] bool is_null(int column) const {
    return m_nulls[static_cast<std::size_t>(column)];
  }
  // A smallint, integer or bigint column.
  [[nodiscard]] std::int64_t integer(int column) const;
  // A text column's bytes (UTF-8).
  [[nodiscard]] std::string_view text(int column) const {
    return m_fields[static_cast<std::size_t>(column)];
  }

private:
  friend class Connection;
  std::vector<std::string_view> m_fields;
  std::vector<bool> m_nulls;
};

// An open connection to `url`. Move-only; a moved-from Connection holds null. Each session runs
// in UTC with ISO dates, the search path `slatrack` (the schema that holds slatrack's tables, so
// the database may hold others) and the lock timeout above, whatever the server's defaults.
class Connection {
public:
  // Connects. Throws Error{storage} (unreachable, authentication refused, no such database).
  explicit Connection(std::string url);
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  [[nodiscard]] pg_conn* get() const noexcept {
    return m_conn;
  }
  // The URL without its password, for messages.
  [[nodiscard]] const std::string& location() const noexcept {
    return m_location;
  }

  // Runs one or more SQL statements without parameters (schema scripts, BEGIN/COMMIT). Throws
  // Error{storage} naming `operation`.
  void exec(std::string_view sql, std::string_view operation);
  // Runs one statement with parameters $1, $2... and returns its rows. Throws Error{storage}.
  Result query(std::string_view sql, std::initializer_list<Value> params);
  Result query(std::string_view sql, const std::vector<Value>& params);
  // Runs `statements` in order in one round trip to the server (libpq's pipeline mode: a team
  // member abroad waits for each round trip, ~100 ms) and returns their rows in the same order.
  // Each sees what the ones before it wrote; outside a transaction they are one. The first that
  // fails throws its Error{storage} (as query() does) and the ones after it are not run. With a
  // libpq older than 14 (no pipeline mode) they run one by one, with the same results.
  std::vector<Result> pipeline(const std::vector<Statement>& statements);
  // Runs one statement without parameters and returns its result even when it failed (no
  // throw): for a statement whose failure is an answer (Result::state() says which).
  Result attempt(std::string_view sql);
  // Runs one SELECT with parameters inside the open transaction and hands its rows to `visit` in
  // batches of at most `batch` rows (a cursor, fetched batch by batch), so that memory does not
  // grow with the rows read; `visit` returns false to stop reading. The cursor is planned for
  // reading every row. Throws Error{storage}.
  void each_batch(std::string_view sql, const std::vector<Value>& params,
                  const std::function<bool(const Result&)>& visit, int batch = 20000);
  // Runs `select` (a SELECT without parameters: values are written into it) as a binary COPY to
  // the client and hands each row to `visit` as it arrives: rows stream while the server goes on
  // producing them (no batches to wait for, no result set in memory), the fastest way to read
  // millions of rows. When `visit` throws, the rest is read and dropped (so the connection stays
  // usable) and the exception thrown again. Throws Error{storage}.
  void copy_rows(std::string_view select, const std::function<void(const BinaryRow&)>& visit);

  // Whether a transaction is open (or begun, its BEGIN not sent yet).
  [[nodiscard]] bool in_transaction() const;
  // Begins a transaction with `statements` (BEGIN, and what goes with it), sent with the next
  // statement in the same round trip, not on their own (pg::Transaction). The server takes a
  // REPEATABLE READ snapshot at the first statement after BEGIN anyway, and a writer does nothing
  // before its first statement that the write lock must cover.
  void begin(std::vector<std::string> statements);
  // Whether the BEGIN of the transaction has not been sent yet (then nothing was run in it).
  [[nodiscard]] bool begin_pending() const noexcept {
    return !m_begin.empty();
  }
  // Forgets a BEGIN not sent yet (a transaction that ran nothing ends).
  void drop_begin() noexcept {
    m_begin.clear();
  }
  // Sends a BEGIN not sent yet, on its own (before a COPY, which cannot share a round trip).
  void send_begin();

  // Runs `sql`, a `COPY ... TO STDOUT` in text format, and passes each row it sends to `row` as
  // it comes (without its newline): memory does not grow with the rows. Throws Error{storage}
  // naming `operation`.
  void copy_out(std::string_view sql, std::string_view operation,
                const std::function<void(std::string_view)>& row);

  // Throws the Error{storage} for `result` (null: the connection's own error) of `operation`.
  [[noreturn]] void fail(std::string_view operation, const pg_result* result) const;

  // A round trip to the server about to be made for `what` (its SQL): one line on stderr when
  // the environment variable SLATRACK_PG_TRACE is set to anything but "" or "0" (docs/teams.md,
  // "Round trips"), for counting them. Every call into libpq that waits for the server says so.
  void trace(std::string_view what) const;

private:
  // Throws the Error{storage} of a lost connection, `reason` libpq's or the server's message.
  [[noreturn]] void lost(std::string_view reason) const;
  // `sql` with a BEGIN not sent yet before it, as one text of statements (simple query protocol).
  std::string with_begin(std::string_view sql);

  pg_conn* m_conn = nullptr;
  std::string m_location;
  bool m_trace = false;
  std::vector<std::string> m_begin; // begin()'s statements, not sent yet
};

// One `COPY ... FROM STDIN`: rows in PostgreSQL's text format are appended with put() and sent in
// large pieces, with no round trip per row; end() finishes it and reports what the server made of
// them. Destroyed before end(), the copy is abandoned (the server discards it). Not movable.
class CopyIn {
public:
  // Starts `sql` (a COPY ... FROM STDIN). Throws Error{storage} naming `operation`.
  CopyIn(Connection& connection, std::string_view sql, std::string_view operation);
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;
  CopyIn(CopyIn&&) = delete;
  CopyIn& operator=(CopyIn&&) = delete;
  ~CopyIn();

  // The buffer rows are appended to (each ending with '\n'); call sent() after appending.
  [[nodiscard]] std::string& buffer() noexcept {
    return m_buffer;
  }
  // Sends the buffer once it holds enough. Throws Error{storage}.
  void sent();
  // Sends what is left and ends the copy. Throws Error{storage} (a row the table refused).
  void end();

private:
  void flush();

  Connection& m_connection;
  std::string m_operation;
  std::string m_buffer;
  bool m_done = false;
};

// Appends `text` to `out` escaped for PostgreSQL's COPY text format (backslash, tab, newline,
// carriage return).
void append_copy_text(std::string& out, std::string_view text);
// One row of a COPY in text format appended to a CopyIn's buffer: add() each column in order,
// then end().
class CopyRow {
public:
  explicit CopyRow(std::string& out) noexcept : m_out(out) {}
  CopyRow& add(std::int64_t number);
  CopyRow& add(std::string_view text);
  CopyRow& add(std::nullopt_t);
  CopyRow& add(const std::optional<std::int64_t>& number) {
    return number ? add(*number) : add(std::nullopt);
  }
  CopyRow& add(const std::optional<std::string>& text) {
    return text ? add(std::string_view{*text}) : add(std::nullopt);
  }
  void end() {
    m_out += '\n';
  }

private:
  void separate() {
    if (!m_first) {
      m_out += '\t';
    }
    m_first = false;
  }

  std::string& m_out;
  bool m_first = true;
};

// Reads the field of a COPY text row that starts at `at`, into `out` (unescaped); returns false
// for NULL (\N). `at` moves past the field and its tab.
bool read_copy_field(std::string_view row, std::size_t& at, std::string& out);

// A transaction: for writing, BEGIN then the advisory lock k_write_lock (waiting up to the lock
// timeout), so writers take turns as on SQLite and numbers have no gaps; for reading, one
// REPEATABLE READ snapshot. The destructor rolls back unless commit() succeeded. Opened while
// another transaction is open (Store::transaction), it is a SAVEPOINT inside it.
class Transaction {
public:
  enum class Mode { write, read };

  explicit Transaction(Connection& connection, Mode mode = Mode::write);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction(Transaction&&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  // Commits. Throws Error{storage}; the destructor then rolls back.
  void commit();
  // Runs `last` (what the caller reads back), then commits, in one round trip; returns its rows.
  // Throws Error{storage} as commit() (when `last` fails, nothing is committed).
  Result commit_after(const Statement& last);
  // The same for several statements (Connection::pipeline): their rows, in order.
  std::vector<Result> commit_after(const std::vector<Statement>& last);

private:
  Connection& m_connection;
  bool m_nested = false;
  bool m_done = false;
};

} // namespace slatrack::pg
