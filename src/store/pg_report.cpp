// The report on a team database: the four readings of slatrack/report_aggregation.hpp in
// PostgreSQL's SQL, the same ranges as on SQLite (requests_by_received, clocks_stopped,
// clocks_running, requests_by_status), each streamed as a binary COPY (the server sends rows
// while the client counts them, and nothing is held but the counts); the core aggregates
// what they read, so a file and a server give the same report byte for byte. Every clock run's
// metric is reply, update or resolve (a CHECK constraint): the filter SQLite needs for its partial
// index is left out.
#include "store/pg_report.hpp"

#include "slatrack/error.hpp"
#include "slatrack/report_aggregation.hpp"
#include "store/schema.hpp"

#include <fmt/format.h>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace slatrack::store {

namespace {

// One client's facts: its requests, and the clocks of those.
std::string client_where(std::optional<std::int64_t> client_id) {
  return client_id ? fmt::format(" AND r.client_id = {}", *client_id) : std::string();
}

std::string client_join(std::optional<std::int64_t> client_id) {
  return client_id ? fmt::format(" JOIN requests r ON r.id = k.request_id AND r.client_id = {}",
                                 *client_id)
                   : std::string();
}

} // namespace

std::string pg_report_received_sql(ReportBy by, std::int64_t from, std::int64_t end,
                                   std::optional<std::int64_t> client_id) {
  return fmt::format("SELECT {} FROM requests r WHERE r.received_at >= {} AND r.received_at < {} "
                     "AND r.voided_by IS NULL{}",
                     is_period(by) ? std::string("r.received_at")
                                   : fmt::format("r.id, {}", report_key_column(by)),
                     from, end, client_where(client_id));
}

std::string pg_report_stopped_sql(ReportBy by, std::int64_t from, std::int64_t end,
                                  std::optional<std::int64_t> client_id) {
  return fmt::format("SELECT k.metric, k.outcome, k.used_s, {} FROM clocks k{} WHERE k.stop_at >= "
                     "{} AND k.stop_at < {}",
                     is_period(by) ? "k.stop_at" : "k.request_id", client_join(client_id), from,
                     end);
}

std::string pg_report_breached_sql(ReportBy by, std::int64_t from, std::int64_t end,
                                   std::optional<std::int64_t> client_id) {
  return fmt::format("SELECT k.metric, {} FROM clocks k{} WHERE k.outcome = 'running' AND "
                     "k.due_at >= {} AND k.due_at < {}",
                     is_period(by) ? "k.due_at" : "k.request_id", client_join(client_id), from,
                     end);
}

std::string pg_report_open_sql(ReportBy by, std::int64_t now,
                               std::optional<std::int64_t> client_id) {
  return fmt::format("SELECT CASE WHEN r.next_due_at < {} THEN 1 ELSE 0 END, {} FROM requests r "
                     "WHERE r.status IN ('open', 'waiting') AND r.voided_by IS NULL{}",
                     now, is_period(by) ? "r.received_at" : report_key_column(by),
                     client_where(client_id));
}

namespace {

class PgReportSource final : public ReportSource {
public:
  PgReportSource(pg::Connection& db, ReportBy by, std::optional<std::int64_t> client_id)
      : m_db(db), m_by(by), m_by_period(is_period(by)), m_client_id(client_id) {}

  std::optional<std::int64_t> last_request_id() override {
    const pg::Result last = m_db.query("SELECT max(id) FROM requests", std::vector<pg::Value>{});
    if (last.rows() == 0 || last.is_null(0, 0)) {
      return std::nullopt;
    }
    return last.integer(0, 0);
  }

  void read_received(std::int64_t from, std::int64_t end, ReportFacts& facts) override {
    m_db.copy_rows(pg_report_received_sql(m_by, from, end, m_client_id),
                   [&](const pg::BinaryRow& row) {
                     facts.received(row.integer(0), m_by_period ? ReportKey{} : key_at(row, 1));
                   });
  }

  bool read_stopped(std::int64_t from, std::int64_t end, ReportFacts& facts) override {
    bool fits = true;
    m_db.copy_rows(
        pg_report_stopped_sql(m_by, from, end, m_client_id), [&](const pg::BinaryRow& row) {
          // After an open time that does not fit the rest streams by unread (the
          // reading starts over).
          fits = fits && facts.stopped(row.text(0), row.text(1), row.integer(2), row.integer(3));
        });
    return fits;
  }

  void read_breached(std::int64_t from, std::int64_t end, ReportFacts& facts) override {
    m_db.copy_rows(pg_report_breached_sql(m_by, from, end, m_client_id),
                   [&](const pg::BinaryRow& row) { facts.breached(row.text(0), row.integer(1)); });
  }

  void read_open(std::int64_t now, ReportFacts& facts) override {
    m_db.copy_rows(pg_report_open_sql(m_by, now, m_client_id), [&](const pg::BinaryRow& row) {
      const bool overdue = row.integer(0) != 0;
      if (m_by_period) {
        facts.open(overdue, row.integer(1), ReportKey{});
      } else {
        facts.open(overdue, 0, key_at(row, 1));
      }
    });
  }

  std::vector<std::pair<std::int64_t, StoredReportKey>>
  request_keys(const std::vector<std::int64_t>& ids) override {
    std::string array = "{";
    for (const std::int64_t id : ids) {
      array += fmt::format("{}{}", array.size() > 1 ? "," : "", id);
    }
    array += "}";
    std::vector<std::pair<std::int64_t, StoredReportKey>> out;
    m_db.copy_rows(fmt::format("SELECT r.id, {} FROM requests r WHERE r.id = ANY('{}'::bigint[])",
                               report_key_column(m_by), array),
                   [&](const pg::BinaryRow& row) {
                     out.emplace_back(row.integer(0), stored(key_at(row, 1)));
                   });
    return out;
  }

  std::string client_name(std::int64_t id) override {
    if (m_names.empty()) {
      const pg::Result rows = m_db.query("SELECT id, name FROM clients", std::vector<pg::Value>{});
      for (int i = 0; i < rows.rows(); ++i) {
        m_names.emplace(rows.integer(i, 0), rows.text(i, 1));
      }
    }
    const auto found = m_names.find(id);
    if (found == m_names.end()) {
      throw Error{ErrorKind::internal, fmt::format("report: no client {}", id)};
    }
    return found->second;
  }

private:
  ReportKey key_at(const pg::BinaryRow& row, int column) const {
    if (m_by == ReportBy::client) {
      return ReportKey{row.integer(column), std::nullopt};
    }
    if (row.is_null(column)) {
      return ReportKey{};
    }
    return ReportKey{0, row.text(column)};
  }

  static StoredReportKey stored(const ReportKey& key) {
    StoredReportKey out{key.client_id, std::nullopt};
    if (key.text) {
      out.text = std::string(*key.text);
    }
    return out;
  }

  pg::Connection& m_db;
  ReportBy m_by;
  bool m_by_period;
  std::optional<std::int64_t> m_client_id;
  std::unordered_map<std::int64_t, std::string> m_names;
};

} // namespace

std::vector<ReportRow> run_pg_report(pg::Connection& db, const ReportQuery& query,
                                     std::optional<std::int64_t> client_id) {
  if (query.periods.empty()) {
    throw Error{ErrorKind::invalid_input, "a report needs a range: give --from and --to"};
  }
  PgReportSource source(db, query.by, client_id);
  return aggregate_report(query, source);
}

} // namespace slatrack::store
