// The report on a team database (docs/reports.md, docs/teams.md): kept in its own file, called by
// the PostgreSQL store (pg_store.cpp), as sqlite_report.cpp is by the SQLite one.
#pragma once

#include "slatrack/report.hpp"
#include "store/pg.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace slatrack::store {

// Runs the report of `query` in the transaction open on `db` (the caller's read snapshot), over
// the requests of client `client_id` when given, else over all: the rows of
// slatrack::aggregate_report, from the same four readings as on SQLite (each one index range,
// streamed as a binary COPY: memory does not grow with the rows read). Throws Error{storage};
// Error{invalid_input} when query.periods is empty.
[[nodiscard]] std::vector<ReportRow> run_pg_report(pg::Connection& db, const ReportQuery& query,
                                                   std::optional<std::int64_t> client_id);

} // namespace slatrack::store
