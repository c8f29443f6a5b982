// The report on SQLite (docs/reports.md): the four readings of slatrack/report_aggregation.hpp,
// each one index range read once (so `report` stays fast over a year of a million requests,
// docs/performance.md): the requests received in the range (requests_by_received, which covers
// the group keys), the reply and resolve clocks stopped in it (clocks_stopped, which covers
// outcome and open time), the running clocks already breached (the partial index clocks_running)
// and the requests open now (requests_by_status). The core aggregates what they read.
#include "store/sqlite_report.hpp"

#include "slatrack/error.hpp"
#include "slatrack/report_aggregation.hpp"
#include "store/schema.hpp"

#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <sqlite3.h>
#include <string_view>

namespace slatrack::store {

namespace {

using sqlite::Statement;
using Use = sqlite::Statement::Use;

std::string_view column_text(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  if (text == nullptr) {
    return {};
  }
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_column_bytes(statement, column))};
}

// The group key in `column` of the current row.
ReportKey key_at(sqlite3_stmt* statement, int column, ReportBy by) {
  if (by == ReportBy::client) {
    return ReportKey{sqlite3_column_int64(statement, column), std::nullopt};
  }
  if (sqlite3_column_type(statement, column) == SQLITE_NULL) {
    return ReportKey{};
  }
  return ReportKey{0, column_text(statement, column)};
}

// The rows of report_statements() read with the sqlite3 API directly (no copies per row).
class SqliteReportSource final : public ReportSource {
public:
  SqliteReportSource(sqlite::Database& db, ReportBy by, std::optional<std::int64_t> client_id)
      : m_db(db), m_by(by), m_by_period(is_period(by)), m_client_id(client_id),
        m_statements(report_statements(by, client_id.has_value())) {}

  std::optional<std::int64_t> last_request_id() override {
    Statement last(m_db, "SELECT max(id) FROM requests");
    Use use = last.use();
    if (use.step() && !use.is_null(0)) {
      return use.integer(0);
    }
    return std::nullopt;
  }

  void read_received(std::int64_t from, std::int64_t end, ReportFacts& facts) override {
    Statement statement(m_db, m_statements[0].sql);
    Use use = statement.use();
    use.bind(from).bind(end);
    bind_client(use);
    sqlite3_stmt* row = statement.get();
    while (use.step()) {
      if (m_by_period) {
        facts.received(sqlite3_column_int64(row, 0), ReportKey{});
      } else {
        facts.received(sqlite3_column_int64(row, 0), key_at(row, 1, m_by));
      }
    }
  }

  bool read_stopped(std::int64_t from, std::int64_t end, ReportFacts& facts) override {
    Statement statement(m_db, m_statements[1].sql);
    Use use = statement.use();
    use.bind(from).bind(end);
    bind_client(use);
    sqlite3_stmt* row = statement.get();
    while (use.step()) {
      if (!facts.stopped(column_text(row, 0), column_text(row, 1), sqlite3_column_int64(row, 2),
                         sqlite3_column_int64(row, 3))) {
        return false;
      }
    }
    return true;
  }

  void read_breached(std::int64_t from, std::int64_t end, ReportFacts& facts) override {
    Statement statement(m_db, m_statements[2].sql);
    Use use = statement.use();
    use.bind(from).bind(end);
    bind_client(use);
    sqlite3_stmt* row = statement.get();
    while (use.step()) {
      facts.breached(column_text(row, 0), sqlite3_column_int64(row, 1));
    }
  }

  void read_open(std::int64_t now, ReportFacts& facts) override {
    Statement statement(m_db, m_statements[3].sql);
    Use use = statement.use();
    use.bind(now);
    if (m_client_id) {
      use.bind(std::nullopt);
    }
    bind_client(use);
    sqlite3_stmt* row = statement.get();
    while (use.step()) {
      const bool overdue = sqlite3_column_int64(row, 0) != 0;
      if (m_by_period) {
        facts.open(overdue, sqlite3_column_int64(row, 1), ReportKey{});
      } else {
        facts.open(overdue, 0, key_at(row, 1, m_by));
      }
    }
  }

  std::vector<std::pair<std::int64_t, StoredReportKey>>
  request_keys(const std::vector<std::int64_t>& ids) override {
    Statement lookup(
        m_db, fmt::format("SELECT {} FROM requests r WHERE r.id = ?1", report_key_column(m_by)));
    std::vector<std::pair<std::int64_t, StoredReportKey>> out;
    for (const std::int64_t id : ids) {
      Use use = lookup.use();
      use.bind(id);
      if (!use.step()) {
        continue;
      }
      const ReportKey key = key_at(lookup.get(), 0, m_by);
      StoredReportKey stored{key.client_id, std::nullopt};
      if (key.text) {
        stored.text = std::string(*key.text);
      }
      out.emplace_back(id, std::move(stored));
    }
    return out;
  }

  std::string client_name(std::int64_t id) override {
    if (!m_names) {
      m_names.emplace(m_db, "SELECT name FROM clients WHERE id = ?1");
    }
    Use use = m_names->use();
    use.bind(id);
    if (!use.step()) {
      throw Error{ErrorKind::internal, fmt::format("report: no client {}", id)};
    }
    return use.text(0);
  }

private:
  // ?3: the client of the requests counted, when the report has one.
  void bind_client(Use& use) const {
    if (m_client_id) {
      use.bind(*m_client_id);
    }
  }

  sqlite::Database& m_db;
  ReportBy m_by;
  bool m_by_period;
  std::optional<std::int64_t> m_client_id;
  std::vector<ReportStatement> m_statements;
  std::optional<Statement> m_names;
};

} // namespace

std::vector<ReportStatement> report_statements(ReportBy by, bool by_client) {
  // By period a fact's time finds its group, else its request's key does.
  const bool period = is_period(by);
  // One client's facts: its requests (from requests_by_client), and the clocks of those.
  const std::string_view client_join =
      by_client ? " JOIN requests r ON r.id = k.request_id AND r.client_id = ?3" : "";
  const std::string_view client_where = by_client ? " AND r.client_id = ?3" : "";
  const std::string_view stop = period ? "k.stop_at" : "k.request_id";
  const std::string_view due = period ? "k.due_at" : "k.request_id";
  const std::string received =
      period ? std::string("r.received_at") : fmt::format("r.id, {}", report_key_column(by));
  const std::string open =
      period ? std::string("r.received_at") : std::string(report_key_column(by));
  // Void requests have no clock runs, so only the requests read here need their mark tested
  // (from the received index, which carries it).
  return {{fmt::format("SELECT {} FROM requests r WHERE r.received_at >= ?1 AND r.received_at < ?2 "
                       "AND r.voided_by IS NULL{}",
                       received, client_where),
           period ? 1 : 2},
          {fmt::format(R"sql(SELECT k.metric, k.outcome, k.used_s, {} FROM clocks k{}
WHERE k.metric IN ('reply', 'update', 'resolve') AND k.stop_at >= ?1 AND k.stop_at < ?2)sql",
                       stop, client_join),
           4},
          {fmt::format(R"sql(SELECT k.metric, {} FROM clocks k{}
WHERE k.outcome = 'running' AND k.metric IN ('reply', 'update', 'resolve') AND k.due_at >= ?1
  AND k.due_at < ?2)sql",
                       due, client_join),
           2},
          {fmt::format(R"sql(SELECT ifnull(r.next_due_at < ?1, 0), {} FROM requests r
WHERE r.status IN ('open', 'waiting') AND r.voided_by IS NULL{})sql",
                       open, client_where),
           2}};
}

std::vector<ReportRow> run_report(sqlite::Database& db, const ReportQuery& query,
                                  std::optional<std::int64_t> client_id) {
  if (query.periods.empty()) {
    throw Error{ErrorKind::invalid_input, "a report needs a range: give --from and --to"};
  }
  sqlite::Transaction read(db, sqlite::Transaction::Mode::deferred);
  SqliteReportSource source(db, query.by, client_id);
  std::vector<ReportRow> out = aggregate_report(query, source);
  read.commit();
  return out;
}

} // namespace slatrack::store
