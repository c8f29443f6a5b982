// Opening a slatrack database: creating the file (mode 0600) when missing, refusing files that are
// not slatrack databases or that a newer slatrack made, switching to WAL, and migrating the schema.
#pragma once

#include "slatrack/report.hpp"
#include "slatrack/store.hpp"
#include "store/reevaluation.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack::store {

// The schema version this slatrack writes (PRAGMA user_version).
inline constexpr int k_schema_version = 11;

// PRAGMA application_id of every slatrack database: "SLAT".
inline constexpr std::int64_t k_application_id = 0x534C4154;

// The columns of a Request as the store reads them (r = requests, c = clients, p = policies,
// v = the policy version that judges the request, k = that version's calendar), followed by FROM
// and the joins; callers append WHERE and ORDER BY.
inline constexpr std::string_view k_request_select = R"sql(SELECT r.id, c.name, r.subject,
  r.channel, r.priority, r.status, r.assignee, p.name, k.name, r.ref, r.received_at, r.replied_at,
  r.resolved_at, r.reply_due_at, r.update_due_at, r.resolve_due_at, r.next_due_at, r.next_metric
FROM requests r
JOIN clients c ON c.id = r.client_id
JOIN policies p ON p.id = r.policy_id
JOIN policy_versions v ON v.id = r.version_id
JOIN calendars k ON k.id = v.calendar_id
)sql";
inline constexpr int k_request_columns = 18;

// The three cursors of a re-evaluation (store/reevaluation.hpp) over the requests `selection`
// picks, each ordered by request id: the requests (id, policy_id, priority, then the derived
// columns of Derived in its order), their events (request_id, kind, at, id, number, target,
// voided_by; by time, then id) and their clock runs (request_id, seq, metric, start_at, due_at,
// stop_at, outcome, target_s, used_s, credit_s; by seq). Each reads the ids of the selection once
// into a sorted list and walks its own table's index in that order: no scan of a whole table
// unless every request is selected, no sort (tested with EXPLAIN QUERY PLAN). `parameters` is how
// many of ?1 (the request, policy or calendar id), ?2 (from) and ?3 (until) they take. A
// selection whose ids are costly to find (By::calendar_from) has `setup`: statements to run first,
// in order, the last one taking `setup_parameters` of them, that fill the temporary table the
// cursors read.
struct SelectionQueries {
  std::string requests;
  std::string events;
  std::string clocks;
  int parameters = 0;
  std::vector<std::string> setup;
  int setup_parameters = 0;
};
[[nodiscard]] SelectionQueries selection_queries(const RequestSelection& selection);

// The overdue query: the k_request_select columns, then the calendar id and, with `with_start`,
// the start of the running clock named by next_metric (what `overdue --new` remembers: one more
// page read per row, in clocks); parameters: the latest due time wanted, then the client id (when
// `by_client`) and the assignee (when `by_assignee`). Its request columns come from the covering
// partial index requests_running alone, so neither resolved requests nor the requests table are
// visited (tested with EXPLAIN QUERY PLAN).
[[nodiscard]] std::string overdue_query(bool by_client, bool by_assignee, bool with_start);

// The same on a team database (PostgreSQL placeholders $1..$3, always with the running clock's
// start, for `overdue --new`): read through requests_running, the requests in due order.
[[nodiscard]] std::string pg_overdue_query(bool by_client, bool by_assignee);

// The column of requests (aliased r) that holds the group key of a report by `by` (ReportBy),
// empty by day, week or month (a fact's time finds its group then); the same on both backends.
[[nodiscard]] std::string_view report_key_column(ReportBy by);

// The copies `merge` made of request ?1's events that still count (`voids` = false: the events
// copied), or the voids of such copies that still count (`voids` = true: made when the merge was
// taken back), as (request_id, number) in order; what `void`, `unvoid` and `undo` of a whole
// request mark. Read through the partial index events_by_merged_from (migration 9; tested with
// EXPLAIN QUERY PLAN): without it every event is read.
// The statement is the same on both backends ($1: SQLite takes it as a parameter too).
[[nodiscard]] std::string merged_copies_query(bool voids);

// Opens the database at `path` (":memory:" for a private in-memory one), then checks and migrates
// it. OpenMode::create creates a missing file (0600) and its missing parent directories (0700), and
// makes an existing empty file 0600; the other modes refuse a missing or empty file naming
// `slatrack init`. OpenMode::read opens a file that cannot be written read-only (then it must
// already have this schema). A symbolic link is followed only to a file that exists. Throws
// Error{storage} when it cannot be opened or created, is read-only (except for reading), is not a
// slatrack database or is corrupt, or was made by a newer slatrack (then nothing is written).
[[nodiscard]] sqlite::Database open_database(const std::string& path,
                                             OpenMode mode = OpenMode::create);

// The connection's PRAGMA user_version.
[[nodiscard]] int read_schema_version(sqlite::Database& db);

} // namespace slatrack::store
