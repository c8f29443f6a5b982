// The report on a team database (docs/reports.md, docs/teams.md): kept in its own file, called by
// the PostgreSQL store (pg_store.cpp), as sqlite_report.cpp is by the SQLite one.
#pragma once

#include "slatrack/report.hpp"
#include "store/pg.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace slatrack::store {

// Runs the report of `query` in the transaction open on `db` (the caller's read snapshot), over
// the requests of client `client_id` when given, else over all: the rows of
// slatrack::aggregate_report, from the same four readings as on SQLite (each one index range,
// streamed as a binary COPY: memory does not grow with the rows read). Throws Error{storage};
// Error{invalid_input} when query.periods is empty.
// The four readings' SQL, as run_pg_report runs them (bench/gen_sql prints them for the floor of
// bench/pg.sh): the requests received in [from, end), the clock runs stopped in it, the runs
// still running whose due time is in it, and the requests open at `now`.
[[nodiscard]] std::string pg_report_received_sql(ReportBy by, std::int64_t from, std::int64_t end,
                                                 std::optional<std::int64_t> client_id);
[[nodiscard]] std::string pg_report_stopped_sql(ReportBy by, std::int64_t from, std::int64_t end,
                                                std::optional<std::int64_t> client_id);
[[nodiscard]] std::string pg_report_breached_sql(ReportBy by, std::int64_t from, std::int64_t end,
                                                 std::optional<std::int64_t> client_id);
[[nodiscard]] std::string pg_report_open_sql(ReportBy by, std::int64_t now,
                                             std::optional<std::int64_t> client_id);

[[nodiscard]] std::vector<ReportRow> run_pg_report(pg::Connection& db, const ReportQuery& query,
                                                   std::optional<std::int64_t> client_id);

} // namespace slatrack::store
