#include "store/pg.hpp"

#include "slatrack/error.hpp"

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <exception>
#include <fcntl.h>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <memory>
#include <unistd.h>
#include <utility>

namespace slatrack::pg {

namespace {

// Why dlopen: libpq brings some twenty shared libraries (TLS, Kerberos, LDAP...); linked in, every
// command would load them at start-up (docs/performance.md, "Startup") for the few that use a
// team database. So libpq.so.5 is loaded when a team database is opened, and the package
// recommends libpq5 instead of depending on it (as libical for `calendar holiday --ics`).
class Libpq {
public:
  Libpq() : m_handle(dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL)) {
    if (m_handle == nullptr) {
      throw Error{ErrorKind::storage,
                  "a team database (a postgresql:// URL) needs libpq, which is not installed; "
                  "install it with: apt-get install libpq5"};
    }
    load(PQclear, "PQclear");
    load(PQcmdTuples, "PQcmdTuples");
    load(PQconnectdbParams, "PQconnectdbParams");
    load(PQconninfoFree, "PQconninfoFree");
    load(PQconninfoParse, "PQconninfoParse");
    load(PQerrorMessage, "PQerrorMessage");
    load(PQexec, "PQexec");
    load(PQexecParams, "PQexecParams");
    load(PQfinish, "PQfinish");
    load(PQfreemem, "PQfreemem");
    load(PQgetCopyData, "PQgetCopyData");
    load(PQgetisnull, "PQgetisnull");
    load(PQgetlength, "PQgetlength");
    load(PQgetResult, "PQgetResult");
    load(PQgetvalue, "PQgetvalue");
    load(PQntuples, "PQntuples");
    load(PQputCopyData, "PQputCopyData");
    load(PQputCopyEnd, "PQputCopyEnd");
    load(PQresultErrorField, "PQresultErrorField");
    load(PQresultErrorMessage, "PQresultErrorMessage");
    load(PQresultStatus, "PQresultStatus");
    load(PQsetNoticeProcessor, "PQsetNoticeProcessor");
    load(PQstatus, "PQstatus");
    load(PQtransactionStatus, "PQtransactionStatus");
    load(PQsendQueryParams, "PQsendQueryParams");
    // Pipeline mode came with libpq 14: without it, Connection::pipeline runs one by one.
    load_optional(PQenterPipelineMode, "PQenterPipelineMode");
    load_optional(PQexitPipelineMode, "PQexitPipelineMode");
    load_optional(PQpipelineSync, "PQpipelineSync");
  }
  Libpq(const Libpq&) = delete;
  Libpq& operator=(const Libpq&) = delete;
  ~Libpq() = default; // loaded for the life of the process: connections may outlive any scope

  decltype(&::PQclear) PQclear = nullptr;
  decltype(&::PQcmdTuples) PQcmdTuples = nullptr;
  decltype(&::PQconnectdbParams) PQconnectdbParams = nullptr;
  decltype(&::PQconninfoFree) PQconninfoFree = nullptr;
  decltype(&::PQconninfoParse) PQconninfoParse = nullptr;
  decltype(&::PQerrorMessage) PQerrorMessage = nullptr;
  decltype(&::PQexec) PQexec = nullptr;
  decltype(&::PQexecParams) PQexecParams = nullptr;
  decltype(&::PQfinish) PQfinish = nullptr;
  decltype(&::PQfreemem) PQfreemem = nullptr;
  decltype(&::PQgetCopyData) PQgetCopyData = nullptr;
  decltype(&::PQgetisnull) PQgetisnull = nullptr;
  decltype(&::PQgetlength) PQgetlength = nullptr;
  decltype(&::PQgetResult) PQgetResult = nullptr;
  decltype(&::PQgetvalue) PQgetvalue = nullptr;
  decltype(&::PQntuples) PQntuples = nullptr;
  decltype(&::PQputCopyData) PQputCopyData = nullptr;
  decltype(&::PQputCopyEnd) PQputCopyEnd = nullptr;
  decltype(&::PQresultErrorField) PQresultErrorField = nullptr;
  decltype(&::PQresultErrorMessage) PQresultErrorMessage = nullptr;
  decltype(&::PQresultStatus) PQresultStatus = nullptr;
  decltype(&::PQsetNoticeProcessor) PQsetNoticeProcessor = nullptr;
  decltype(&::PQstatus) PQstatus = nullptr;
  decltype(&::PQtransactionStatus) PQtransactionStatus = nullptr;
  decltype(&::PQsendQueryParams) PQsendQueryParams = nullptr;
  decltype(&::PQenterPipelineMode) PQenterPipelineMode = nullptr;
  decltype(&::PQexitPipelineMode) PQexitPipelineMode = nullptr;
  decltype(&::PQpipelineSync) PQpipelineSync = nullptr;

  [[nodiscard]] bool has_pipeline() const {
    return PQenterPipelineMode != nullptr && PQexitPipelineMode != nullptr
           && PQpipelineSync != nullptr;
  }

private:
  template <typename Function> void load(Function& function, const char* name) {
    void* symbol = dlsym(m_handle, name);
    if (symbol == nullptr) {
      throw Error{ErrorKind::storage,
                  fmt::format("libpq.so.5 has no {}; install libpq 13 or newer with: apt-get "
                              "install libpq5",
                              name)};
    }
    function = reinterpret_cast<Function>(symbol); // NOLINT: how dlsym is used
  }
  template <typename Function> void load_optional(Function& function, const char* name) {
    function = reinterpret_cast<Function>(dlsym(m_handle, name)); // NOLINT: as load()
  }

  void* m_handle;
};

// The process's libpq, loaded on first use. Throws Error{storage} when it is not installed.
const Libpq& libpq() {
  static const Libpq loaded;
  return loaded;
}

// Collapses a libpq message to one line: its first line, runs of white space as one space.
std::string one_line(std::string_view message) {
  std::string out;
  bool space = false;
  for (const char c : message) {
    if (c == '\n') {
      break;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  return out;
}

// "running SELECT id FROM requests": the start of a statement, for messages.
std::string describe_sql(std::string_view sql) {
  return "running " + one_line(sql.substr(0, std::min<std::size_t>(sql.size(), 48)));
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Server notices (NOTICE, WARNING) go nowhere: a quiet command prints nothing (cron mails only
// output), and slatrack's own messages say what matters.
void drop_notice(void* /*arg*/, const char* /*message*/) {}

// Runs `connect` with stderr pointed at a pipe, and returns what was written there: libpq prints
// some warnings itself (a password file that others can read), which must not reach stderr. They
// are a few lines: the pipe (64 KiB) never fills; a longer text would be cut, never block.
template <class Connect> std::string capture_stderr(Connect&& connect) {
  std::array<int, 2> fds{-1, -1};
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  if (saved < 0 || ::pipe2(fds.data(), O_CLOEXEC | O_NONBLOCK) != 0) {
    if (saved >= 0) {
      ::close(saved);
    }
    connect();
    return {};
  }
  ::dup2(fds[1], STDERR_FILENO);
  ::close(fds[1]);
  connect();
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  std::string text;
  std::array<char, 4096> buffer{};
  for (;;) {
    const ssize_t n = ::read(fds[0], buffer.data(), buffer.size());
    if (n <= 0) {
      break;
    }
    text.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  return text;
}

// The options every session runs with (appended to the URL's own `options`).
constexpr std::string_view k_session_options =
    "-c search_path=slatrack -c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=postgres "
    "-c client_min_messages=error -c lock_timeout=";

struct ConninfoDeleter {
  void operator()(PQconninfoOption* options) const noexcept {
    libpq().PQconninfoFree(options);
  }
};
using Conninfo = std::unique_ptr<PQconninfoOption, ConninfoDeleter>;

// The URL's connection parameters, as libpq reads them. Throws Error{usage}.
Conninfo parse_url(const std::string& url) {
  char* message = nullptr;
  Conninfo options{libpq().PQconninfoParse(url.c_str(), &message)};
  if (!options) {
    const std::string reason = message != nullptr ? one_line(message) : "out of memory";
    libpq().PQfreemem(message);
    throw Error{ErrorKind::usage,
                fmt::format("bad database URL {}: {}; write postgresql://USER@HOST[:PORT]/DBNAME",
                            redact(url), reason)};
  }
  return options;
}

std::optional<std::string> conninfo_value(const Conninfo& options, std::string_view keyword) {
  for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
    if (keyword == option->keyword && option->val != nullptr) {
      return std::string(option->val);
    }
  }
  return std::nullopt;
}

// The Error for a connection that could not be made: `message` is libpq's; `warnings` what libpq
// printed meanwhile (a password file it did not read).
Error connect_error(const std::string& location, std::string_view message,
                    std::string_view warnings) {
  std::string reason = one_line(message);
  if (const std::string warning = one_line(warnings); !warning.empty()) {
    reason += "; " + warning;
  }
  if (contains(reason, "password") || contains(reason, "authentication")) {
    return Error{ErrorKind::storage,
                 fmt::format("authentication refused by {}: {}; give the password in ~/.pgpass "
                             "(mode 0600), PGPASSWORD or a service file (docs/teams.md)",
                             location, reason)};
  }
  if (contains(reason, "does not exist")) {
    return Error{ErrorKind::storage,
                 fmt::format("cannot open {}: {}; create the database first (createdb) or check "
                             "the URL",
                             location, reason)};
  }
  return Error{ErrorKind::storage,
               fmt::format("cannot reach the database server of {}: {}; check the URL and that "
                           "the server is running",
                           location, reason)};
}

} // namespace

bool is_url(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

std::string redact(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    return std::string(url);
  }
  const std::size_t start = scheme + 3;
  std::size_t end = url.find_first_of("/?", start);
  if (end == std::string_view::npos) {
    end = url.size();
  }
  std::string authority(url.substr(start, end - start));
  if (const std::size_t at = authority.rfind('@'); at != std::string::npos) {
    if (const std::size_t colon = authority.find(':'); colon < at) {
      authority.erase(colon, at - colon);
    }
  }
  std::string out = std::string(url.substr(0, start)) + authority;
  const std::size_t question = url.find('?', end);
  out += url.substr(end, question == std::string_view::npos ? url.size() - end : question - end);
  if (question != std::string_view::npos) {
    std::string_view query = url.substr(question + 1);
    char separator = '?';
    while (!query.empty()) {
      const std::size_t amp = query.find('&');
      const std::string_view item = query.substr(0, amp);
      if (!item.starts_with("password=") && !item.empty()) {
        out += separator;
        out += item;
        separator = '&';
      }
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    }
  }
  return out;
}

bool has_password(const std::string& url) {
  const Conninfo options = parse_url(url);
  const std::optional<std::string> password = conninfo_value(options, "password");
  return password.has_value();
}

// ---- Result ----

Result::Result(Result&& other) noexcept : m_result(std::exchange(other.m_result, nullptr)) {}

Result& Result::operator=(Result&& other) noexcept {
  if (this != &other) {
    if (m_result != nullptr) {
      libpq().PQclear(m_result);
    }
    m_result = std::exchange(other.m_result, nullptr);
  }
  return *this;
}

Result::~Result() {
  if (m_result != nullptr) {
    libpq().PQclear(m_result);
  }
}

bool Result::ok() const {
  const ExecStatusType status = libpq().PQresultStatus(m_result);
  return m_result != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK);
}

int Result::rows() const {
  return libpq().PQntuples(m_result);
}

std::int64_t Result::changed() const {
  const char* text = libpq().PQcmdTuples(m_result);
  return text == nullptr || *text == '\0' ? 0 : std::stoll(text);
}

bool Result::is_null(int row, int column) const {
  return libpq().PQgetisnull(m_result, row, column) != 0;
}

std::int64_t Result::integer(int row, int column) const {
  const char* text = libpq().PQgetvalue(m_result, row, column);
  return text == nullptr || *text == '\0' ? 0 : std::stoll(text);
}

std::string Result::text(int row, int column) const {
  return std::string(libpq().PQgetvalue(m_result, row, column),
                     static_cast<std::size_t>(libpq().PQgetlength(m_result, row, column)));
}

std::string_view Result::view(int row, int column) const {
  return {libpq().PQgetvalue(m_result, row, column),
          static_cast<std::size_t>(libpq().PQgetlength(m_result, row, column))};
}

std::optional<std::int64_t> Result::optional_integer(int row, int column) const {
  if (is_null(row, column)) {
    return std::nullopt;
  }
  return integer(row, column);
}

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) {
    return std::nullopt;
  }
  return text(row, column);
}

std::string_view Result::state() const {
  const char* code =
      m_result != nullptr ? libpq().PQresultErrorField(m_result, PG_DIAG_SQLSTATE) : nullptr;
  return code != nullptr ? std::string_view{code} : std::string_view{};
}

// ---- Connection ----

Connection::Connection(std::string url) : m_location(redact(url)) {
  const char* trace_setting = std::getenv("SLATRACK_PG_TRACE");
  m_trace = trace_setting != nullptr && std::string_view{trace_setting} != ""
            && std::string_view{trace_setting} != "0";
  trace("connect");
  const Conninfo parsed = parse_url(url);
  std::string options = conninfo_value(parsed, "options").value_or("");
  if (!options.empty()) {
    options += ' ';
  }
  options += fmt::format("{}{}", k_session_options, k_lock_timeout_ms);
  const std::string timeout = std::to_string(k_connect_timeout_s);
  // Before dbname: defaults the URL may change; after it: what every session needs.
  const std::array<const char*, 9> keywords{
      "connect_timeout",  "keepalives_idle",  "keepalives_interval",
      "keepalives_count", "application_name", "dbname",
      "options",          "client_encoding",  nullptr};
  const std::array<const char*, 9> values{
      timeout.c_str(), "10", "5", "3", "slatrack", url.c_str(), options.c_str(), "UTF8", nullptr};
  const std::string warnings = capture_stderr([&] {
    m_conn = libpq().PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1);
  });
  if (m_conn == nullptr) {
    throw Error{ErrorKind::storage, fmt::format("cannot connect to {}: out of memory", m_location)};
  }
  if (libpq().PQstatus(m_conn) != CONNECTION_OK) {
    const Error error = connect_error(m_location, libpq().PQerrorMessage(m_conn), warnings);
    libpq().PQfinish(m_conn);
    m_conn = nullptr;
    throw error;
  }
  libpq().PQsetNoticeProcessor(m_conn, drop_notice, nullptr);
}

Connection::Connection(Connection&& other) noexcept
    : m_conn(std::exchange(other.m_conn, nullptr)), m_location(std::move(other.m_location)),
      m_trace(other.m_trace), m_begin(std::move(other.m_begin)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (m_conn != nullptr) {
      libpq().PQfinish(m_conn);
    }
    m_conn = std::exchange(other.m_conn, nullptr);
    m_location = std::move(other.m_location);
    m_trace = other.m_trace;
    m_begin = std::move(other.m_begin);
  }
  return *this;
}

Connection::~Connection() {
  if (m_conn != nullptr) {
    libpq().PQfinish(m_conn);
  }
}

void Connection::trace(std::string_view what) const {
  if (m_trace) {
    std::fputs(fmt::format("slatrack: pg round trip: {}\n",
                           one_line(what.substr(0, std::min<std::size_t>(what.size(), 160))))
                   .c_str(),
               stderr);
  }
}

std::string Connection::with_begin(std::string_view sql) {
  std::string text;
  for (const std::string& statement : m_begin) {
    text += statement;
    text += "; ";
  }
  m_begin.clear();
  text += sql;
  return text;
}

void Connection::send_begin() {
  if (!m_begin.empty()) {
    const std::string text = with_begin("");
    trace(text);
    const Result result{libpq().PQexec(m_conn, text.c_str())};
    if (!result.ok()) {
      fail("start a transaction", result.get());
    }
  }
}

void Connection::begin(std::vector<std::string> statements) {
  m_begin = std::move(statements);
}

void Connection::exec(std::string_view sql, std::string_view operation) {
  const std::string text = with_begin(sql);
  trace(text);
  const Result result{libpq().PQexec(m_conn, text.c_str())};
  if (!result.ok()) {
    fail(operation, result.get());
  }
}

Result Connection::query(std::string_view sql, std::initializer_list<Value> params) {
  return query(sql, std::vector<Value>(params));
}

namespace {

// The parameters of a statement as libpq takes them (pointers into `params`).
std::vector<const char*> param_values(const std::vector<Value>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Value& param : params) {
    values.push_back(param ? param->c_str() : nullptr);
  }
  return values;
}

} // namespace

Result Connection::query(std::string_view sql, const std::vector<Value>& params) {
  if (!m_begin.empty()) {
    // The BEGIN goes in the same round trip.
    std::vector<Result> results = pipeline({{sql, params}});
    return std::move(results.back());
  }
  const std::string text(sql);
  const std::vector<const char*> values = param_values(params);
  trace(sql);
  Result result{libpq().PQexecParams(m_conn, text.c_str(), static_cast<int>(values.size()), nullptr,
                                     values.data(), nullptr, nullptr, 0)};
  if (!result.ok()) {
    fail(describe_sql(sql), result.get());
  }
  return result;
}

Result Connection::attempt(std::string_view sql) {
  const std::string text = with_begin(sql);
  trace(text);
  return Result{libpq().PQexec(m_conn, text.c_str())};
}

std::vector<Result> Connection::pipeline(const std::vector<Statement>& given) {
  // A BEGIN not sent yet goes first; its results are not returned.
  const std::vector<std::string> begin = std::exchange(m_begin, {});
  std::vector<Statement> with_begin;
  with_begin.reserve(begin.size() + given.size());
  for (const std::string& statement : begin) {
    with_begin.push_back({statement, {}});
  }
  with_begin.insert(with_begin.end(), given.begin(), given.end());
  const std::vector<Statement>& statements = begin.empty() ? given : with_begin;
  std::vector<Result> results;
  results.reserve(statements.size());
  if (!libpq().has_pipeline() || statements.size() < 2) {
    for (const Statement& statement : statements) {
      results.push_back(query(statement.sql, statement.params));
    }
    results.erase(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(begin.size()));
    return results;
  }
  std::string what;
  for (const Statement& statement : statements) {
    what += what.empty() ? "" : " | ";
    what += one_line(statement.sql.substr(0, std::min<std::size_t>(statement.sql.size(), 48)));
  }
  trace(what);
  if (libpq().PQenterPipelineMode(m_conn) != 1) {
    fail("start a pipeline", nullptr);
  }
  bool sent = true;
  for (const Statement& statement : statements) {
    const std::string text(statement.sql);
    const std::vector<const char*> values = param_values(statement.params);
    if (libpq().PQsendQueryParams(m_conn, text.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0)
        != 1) {
      sent = false;
      break;
    }
  }
  sent = sent && libpq().PQpipelineSync(m_conn) == 1;
  // Each statement's result (then a null), then the sync point's. A statement after one that
  // failed gives PGRES_PIPELINE_ABORTED. A lost connection gives nulls: stop at the second.
  bool synced = false;
  int nulls = 0;
  while (sent && nulls < 2) {
    pg_result* next = libpq().PQgetResult(m_conn);
    if (next == nullptr) {
      ++nulls;
      continue;
    }
    nulls = 0;
    if (libpq().PQresultStatus(next) == PGRES_PIPELINE_SYNC) {
      libpq().PQclear(next);
      synced = true;
      break;
    }
    results.emplace_back(next);
  }
  if (!synced || libpq().PQexitPipelineMode(m_conn) != 1 || results.size() != statements.size()) {
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok()) {
        if (libpq().PQstatus(m_conn) != CONNECTION_OK) {
          // The server's own reason (FATAL: terminating connection...), which libpq's message
          // for the connection no longer holds once the rest of the pipeline was read.
          const char* reason = libpq().PQresultErrorMessage(results[i].get());
          lost(reason != nullptr && *reason != '\0' ? reason : libpq().PQerrorMessage(m_conn));
        }
        fail(describe_sql(statements[i].sql), results[i].get());
      }
    }
    fail(describe_sql(statements.front().sql), nullptr);
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) {
      fail(describe_sql(statements[i].sql), results[i].get());
    }
  }
  results.erase(results.begin(), results.begin() + static_cast<std::ptrdiff_t>(begin.size()));
  return results;
}

void Connection::each_batch(std::string_view sql, const std::vector<Value>& params,
                            const std::function<bool(const Result&)>& visit, int batch) {
  // A cursor's plan is made for its first tenth by default (cursor_tuple_fraction): every row
  // is read here, so it is planned like a plain query.
  exec("SET LOCAL cursor_tuple_fraction = 1", "read rows in batches");
  static_cast<void>(
      query(fmt::format("DECLARE slatrack_rows NO SCROLL CURSOR FOR {}", sql), params));
  const std::string fetch = fmt::format("FETCH FORWARD {} FROM slatrack_rows", batch);
  for (;;) {
    const Result rows = query(fetch, std::vector<Value>{});
    if (rows.rows() == 0 || !visit(rows) || rows.rows() < batch) {
      break;
    }
  }
  exec("CLOSE slatrack_rows", "read rows in batches");
}

namespace {

std::uint32_t big_endian(const char* bytes, int size) {
  std::uint32_t out = 0;
  for (int i = 0; i < size; ++i) {
    out = (out << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return out;
}

// The binary COPY file header: signature, flags, then the length of an extension to skip.
constexpr std::string_view k_copy_signature{"PGCOPY\n\377\r\n\0", 11};

} // namespace

std::int64_t BinaryRow::integer(int column) const {
  const std::string_view bytes = m_fields[static_cast<std::size_t>(column)];
  std::uint64_t out = 0;
  for (const char c : bytes) {
    out = (out << 8) | static_cast<unsigned char>(c);
  }
  // A big-endian two's complement integer of 2, 4 or 8 bytes.
  if (bytes.size() < 8 && !bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80U) != 0) {
    out |= ~std::uint64_t{0} << (8 * bytes.size());
  }
  return static_cast<std::int64_t>(out);
}

void Connection::copy_rows(std::string_view select,
                           const std::function<void(const BinaryRow&)>& visit) {
  const std::string sql = fmt::format("COPY ({}) TO STDOUT (FORMAT binary)", select);
  send_begin();
  trace(sql);
  {
    const Result started{libpq().PQexec(m_conn, sql.c_str())};
    if (libpq().PQresultStatus(started.get()) != PGRES_COPY_OUT) {
      fail(describe_sql(select), started.get());
    }
  }
  BinaryRow row;
  bool header = true;
  std::string error;
  std::exception_ptr thrown;
  for (;;) {
    char* buffer = nullptr;
    const int size = libpq().PQgetCopyData(m_conn, &buffer, 0);
    if (size < 0) {
      break; // -1: done (the result follows); -2: an error (the result says which)
    }
    const std::unique_ptr<char, void (*)(char*)> owned(buffer,
                                                       [](char* data) { libpq().PQfreemem(data); });
    std::string_view data(buffer, static_cast<std::size_t>(size));
    if (header) {
      header = false;
      if (!data.starts_with(k_copy_signature) || data.size() < k_copy_signature.size() + 8) {
        error = "a binary COPY without its header";
        continue;
      }
      const std::uint32_t extension = big_endian(data.data() + k_copy_signature.size() + 4, 4);
      data.remove_prefix(
          std::min<std::size_t>(data.size(), k_copy_signature.size() + 8 + extension));
    }
    if (data.size() < 2 || !error.empty()) {
      continue;
    }
    const auto fields = static_cast<std::int16_t>(big_endian(data.data(), 2));
    if (fields < 0) {
      continue; // the trailer
    }
    data.remove_prefix(2);
    row.m_fields.resize(static_cast<std::size_t>(fields));
    row.m_nulls.resize(static_cast<std::size_t>(fields));
    for (std::size_t i = 0; i < row.m_fields.size(); ++i) {
      if (data.size() < 4) {
        error = "a binary COPY row cut short";
        break;
      }
      const auto length = static_cast<std::int32_t>(big_endian(data.data(), 4));
      data.remove_prefix(4);
      row.m_nulls[i] = length < 0;
      const std::size_t taken = length < 0 ? 0 : static_cast<std::size_t>(length);
      if (taken > data.size()) {
        error = "a binary COPY row cut short";
        break;
      }
      row.m_fields[i] = data.substr(0, taken);
      data.remove_prefix(taken);
    }
    if (error.empty() && !thrown) {
      try {
        visit(row);
      } catch (...) {
        thrown = std::current_exception();
      }
    }
  }
  // The COPY's own result, then nothing: whether it succeeded.
  bool failed = false;
  Result last{nullptr};
  while (pg_result* next = libpq().PQgetResult(m_conn)) {
    Result result{next};
    if (libpq().PQresultStatus(next) != PGRES_COMMAND_OK && !failed) {
      failed = true;
      last = std::move(result);
    }
  }
  if (failed) {
    fail(describe_sql(select), last.get());
  }
  if (thrown) {
    std::rethrow_exception(thrown);
  }
  if (!error.empty()) {
    throw Error{ErrorKind::storage,
                fmt::format("{}: {} ({})", describe_sql(select), error, m_location)};
  }
}

void Connection::lost(std::string_view reason) const {
  throw Error{ErrorKind::storage,
              fmt::format("lost the connection to {} ({}); nothing was written: check the "
                          "server and try again",
                          m_location, one_line(reason))};
}

bool Connection::in_transaction() const {
  return !m_begin.empty() || libpq().PQtransactionStatus(m_conn) != PQTRANS_IDLE;
}

void Connection::fail(std::string_view operation, const pg_result* result) const {
  if (libpq().PQstatus(m_conn) != CONNECTION_OK) {
    lost(libpq().PQerrorMessage(m_conn));
  }
  const char* state =
      result != nullptr ? libpq().PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary =
      result != nullptr ? libpq().PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const std::string message =
      one_line(primary != nullptr ? primary : libpq().PQerrorMessage(m_conn));
  const std::string_view code = state != nullptr ? state : "";
  if (code == "55P03" || code == "57014" || code == "40001" || code == "40P01") {
    throw Error{
        ErrorKind::storage,
        fmt::format("database {} is busy (another slatrack is writing); try again", m_location)};
  }
  if (code == "53100") {
    throw Error{ErrorKind::storage,
                fmt::format("{}: the database server's disk is full ({}); nothing was written: "
                            "free some space and try again",
                            operation, m_location)};
  }
  if (code == "42501" || code == "25006") {
    throw Error{ErrorKind::storage,
                fmt::format("cannot write {}: {}; ask the database's owner for rights, or use "
                            "--db",
                            m_location, message)};
  }
  throw Error{ErrorKind::storage, fmt::format("{}: {} ({})", operation, message, m_location)};
}

void Connection::copy_out(std::string_view sql, std::string_view operation,
                          const std::function<void(std::string_view)>& row) {
  const std::string text(sql);
  send_begin();
  trace(sql);
  {
    const Result started{libpq().PQexec(m_conn, text.c_str())};
    if (started.get() == nullptr || libpq().PQresultStatus(started.get()) != PGRES_COPY_OUT) {
      fail(operation, started.get());
    }
  }
  for (;;) {
    char* data = nullptr;
    const int size = libpq().PQgetCopyData(m_conn, &data, /*async=*/0);
    if (size < 0) {
      break;
    }
    const std::unique_ptr<char, void (*)(void*)> owned(data, libpq().PQfreemem);
    std::string_view line(data, static_cast<std::size_t>(size));
    if (line.ends_with('\n')) {
      line.remove_suffix(1);
    }
    row(line);
  }
  // The copy's own result, then the end of the results.
  bool failed = false;
  Result last{nullptr};
  while (pg_result* next = libpq().PQgetResult(m_conn)) {
    Result result{next};
    if (!failed && libpq().PQresultStatus(next) != PGRES_COMMAND_OK) {
      failed = true;
      last = std::move(result);
    }
  }
  if (failed) {
    fail(operation, last.get());
  }
}

// ---- CopyIn ----

namespace {

// How much a CopyIn gathers before sending it.
constexpr std::size_t k_copy_chunk = 256 * 1024;

} // namespace

CopyIn::CopyIn(Connection& connection, std::string_view sql, std::string_view operation)
    : m_connection(connection), m_operation(operation) {
  const std::string text(sql);
  m_connection.send_begin();
  m_connection.trace(sql);
  const Result started{libpq().PQexec(m_connection.get(), text.c_str())};
  if (started.get() == nullptr || libpq().PQresultStatus(started.get()) != PGRES_COPY_IN) {
    m_connection.fail(m_operation, started.get());
  }
  m_buffer.reserve(k_copy_chunk + 4096);
}

CopyIn::~CopyIn() {
  if (m_done) {
    return;
  }
  // Abandoned (an exception): the server discards the rows and fails the COPY; the transaction
  // around it rolls back. Errors ignored: the connection may be gone.
  m_connection.trace("the end of an abandoned " + m_operation);
  if (libpq().PQputCopyEnd(m_connection.get(), "abandoned by slatrack") == 1) {
    while (pg_result* next = libpq().PQgetResult(m_connection.get())) {
      Result{next};
    }
  }
}

void CopyIn::flush() {
  if (m_buffer.empty()) {
    return;
  }
  if (libpq().PQputCopyData(m_connection.get(), m_buffer.data(), static_cast<int>(m_buffer.size()))
      != 1) {
    m_connection.fail(m_operation, nullptr);
  }
  m_buffer.clear();
}

void CopyIn::sent() {
  if (m_buffer.size() >= k_copy_chunk) {
    flush();
  }
}

void CopyIn::end() {
  flush();
  m_done = true;
  m_connection.trace("the end of " + m_operation);
  if (libpq().PQputCopyEnd(m_connection.get(), nullptr) != 1) {
    m_connection.fail(m_operation, nullptr);
  }
  bool failed = false;
  Result last{nullptr};
  while (pg_result* next = libpq().PQgetResult(m_connection.get())) {
    Result result{next};
    if (!failed && libpq().PQresultStatus(next) != PGRES_COMMAND_OK) {
      failed = true;
      last = std::move(result);
    }
  }
  if (failed) {
    m_connection.fail(m_operation, last.get());
  }
}

void append_copy_text(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
    case '\\':
      out += "\\\\";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      out += c;
    }
  }
}

CopyRow& CopyRow::add(std::int64_t number) {
  separate();
  m_out += fmt::format_int(number).str();
  return *this;
}

CopyRow& CopyRow::add(std::string_view text) {
  separate();
  append_copy_text(m_out, text);
  return *this;
}

CopyRow& CopyRow::add(std::nullopt_t) {
  separate();
  m_out += "\\N";
  return *this;
}

bool read_copy_field(std::string_view row, std::size_t& at, std::string& out) {
  out.clear();
  std::size_t end = row.find('\t', at);
  if (end == std::string_view::npos) {
    end = row.size();
  }
  const std::string_view field = row.substr(at, end - at);
  at = end + 1;
  if (field == "\\N") {
    return false;
  }
  for (std::size_t i = 0; i < field.size(); ++i) {
    const char c = field[i];
    if (c != '\\' || i + 1 == field.size()) {
      out += c;
      continue;
    }
    const char next = field[++i];
    switch (next) {
    case 'b':
      out += '\b';
      break;
    case 'f':
      out += '\f';
      break;
    case 'n':
      out += '\n';
      break;
    case 'r':
      out += '\r';
      break;
    case 't':
      out += '\t';
      break;
    case 'v':
      out += '\v';
      break;
    case 'x': {
      int value = 0;
      int digits = 0;
      while (digits < 2 && i + 1 < field.size()
             && std::isxdigit(static_cast<unsigned char>(field[i + 1])) != 0) {
        const char h = field[++i];
        value = value * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
        ++digits;
      }
      out += static_cast<char>(value);
      break;
    }
    default:
      if (next >= '0' && next <= '7') {
        int value = next - '0';
        for (int digits = 1;
             digits < 3 && i + 1 < field.size() && field[i + 1] >= '0' && field[i + 1] <= '7';
             ++digits) {
          value = value * 8 + (field[++i] - '0');
        }
        out += static_cast<char>(value);
      } else {
        out += next; // \\ and any other character stand for themselves
      }
    }
  }
  return true;
}

// ---- Transaction ----

Transaction::Transaction(Connection& connection, Mode mode)
    : m_connection(connection), m_nested(connection.in_transaction()) {
  if (m_nested) {
    m_connection.exec("SAVEPOINT nested", "start a nested transaction");
    return;
  }
  // Sent with the first statement (Connection::begin).
  if (mode == Mode::write) {
    m_connection.begin({"BEGIN", fmt::format("SELECT pg_advisory_xact_lock({})", k_write_lock)});
  } else {
    m_connection.begin({"BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"});
  }
}

Transaction::~Transaction() {
  if (m_done) {
    return;
  }
  if (!m_nested && m_connection.begin_pending()) {
    m_connection.drop_begin(); // nothing was sent: nothing to roll back
    return;
  }
  if (!m_connection.in_transaction()) {
    return;
  }
  // Errors ignored: the connection may be gone, and the server rolls back then anyway.
  if (m_nested) {
    m_connection.trace("ROLLBACK TO SAVEPOINT nested; RELEASE SAVEPOINT nested");
    Result{libpq().PQexec(m_connection.get(),
                          "ROLLBACK TO SAVEPOINT nested; RELEASE SAVEPOINT nested")};
  } else {
    m_connection.trace("ROLLBACK");
    Result{libpq().PQexec(m_connection.get(), "ROLLBACK")};
  }
}

void Transaction::commit() {
  if (!m_nested && m_connection.begin_pending()) {
    m_connection.drop_begin(); // nothing was run in it: nothing to commit
    m_done = true;
    return;
  }
  m_connection.exec(m_nested ? "RELEASE SAVEPOINT nested" : "COMMIT", "commit");
  m_done = true;
}

Result Transaction::commit_after(const Statement& last) {
  return std::move(commit_after(std::vector<Statement>{last}).front());
}

std::vector<Result> Transaction::commit_after(const std::vector<Statement>& last) {
  std::vector<Statement> statements = last;
  statements.push_back({m_nested ? "RELEASE SAVEPOINT nested" : "COMMIT", {}});
  std::vector<Result> results = m_connection.pipeline(statements);
  m_done = true;
  results.pop_back();
  return results;
}

} // namespace slatrack::pg
