// The report query on SQLite (docs/reports.md): kept in its own file, called by SqliteStore.
#pragma once

#include "slatrack/report.hpp"
#include "store/sqlite.hpp"

#include <string>
#include <vector>

namespace slatrack::store {

// The SQL of the report by `by`: one statement, parameters ?1 the periods as a JSON array of
// [start, end) pairs in unix seconds, and ?2 now. Its
// rows: total (0/1), group key, group label, then the counts and times of ReportRow in order.
// Exposed for EXPLAIN QUERY PLAN tests.
[[nodiscard]] std::string report_query(ReportBy by);

// Runs the report in one read transaction of `db`: one row per group with anything to show (by
// day, week or month: one per period, empty ones included), ordered (clients and assignees by
// name case-insensitively, nobody last; priorities and channels in the contract's order; periods
// in time order), then the total. Throws Error{storage}; Error{invalid_input} when
// query.periods is empty.
[[nodiscard]] std::vector<ReportRow> run_report(sqlite::Database& db, const ReportQuery& query);

} // namespace slatrack::store
