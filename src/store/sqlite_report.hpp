// The report on SQLite (docs/reports.md): the readings of slatrack/report_aggregation.hpp, kept in
// their own file, called by SqliteStore.
#pragma once

#include "slatrack/report.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace slatrack::store {

// The statements the report by `by` reads its facts with, in the order it runs them, each one
// index range (exposed for EXPLAIN QUERY PLAN tests and bench/gen_sql); by day, week or month a
// fact's time finds its group, else its request's group key does:
//   0. requests received in [?1, ?2): by period received_at, else id and the group key;
//   1. reply, update and resolve clocks stopped in [?1, ?2): metric, outcome, used_s, then by
//      period stop_at, else request_id;
//   2. running reply, update and resolve clocks due in [?1, ?2), ?2 being min(end, now): metric,
//      then by period due_at, else request_id;
//   3. requests not resolved: overdue now (due before ?1 = now: 0/1), then by period received_at,
//      else the group key.
// Times are unix seconds. With `by_client`, each counts only the requests of client ?3 (the clocks
// joined to their request). Not among them: the group keys of a few requests by id (for the clocks
// of requests received outside the range) and the names of the clients shown.
struct ReportStatement {
  std::string sql;
  int columns = 0; // of its rows
};
[[nodiscard]] std::vector<ReportStatement> report_statements(ReportBy by, bool by_client = false);

// Runs the report in one read transaction of `db`, over the requests of client `client_id` when
// given (query.client, resolved by the caller), else over all: the rows of
// slatrack::aggregate_report over the statements above. Throws Error{storage};
// Error{invalid_input} when query.periods is empty.
[[nodiscard]] std::vector<ReportRow> run_report(sqlite::Database& db, const ReportQuery& query,
                                                std::optional<std::int64_t> client_id);

} // namespace slatrack::store
