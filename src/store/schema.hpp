// Opening a slatrack database: creating the file (mode 0600) when missing, refusing files that are
// not slatrack databases or that a newer slatrack made, switching to WAL, and migrating the schema.
#pragma once

#include "slatrack/store.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <string>
#include <string_view>

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

// The requests a policy change from a time re-judges: those of policy ?1 received in [?2, ?3).
// One range of requests_by_policy (policy_id, received_at): a change from now reads no request
// (tested with EXPLAIN QUERY PLAN).
inline constexpr std::string_view k_requests_received_between =
    "SELECT id FROM requests WHERE policy_id = ?1 AND received_at >= ?2 AND received_at < ?3 "
    "ORDER BY id";

// The overdue query: the k_request_select columns, then the calendar id and, with `with_start`,
// the start of the running clock named by next_metric (what `overdue --new` remembers: one more
// page read per row, in clocks); parameters: the latest due time wanted, then the client id (when
// `by_client`) and the assignee (when `by_assignee`). Its request columns come from the covering
// partial index requests_running alone, so neither resolved requests nor the requests table are
// visited (tested with EXPLAIN QUERY PLAN).
[[nodiscard]] std::string overdue_query(bool by_client, bool by_assignee, bool with_start);

// The copies `merge` made of request ?1's events that still count (`voids` = false: the events
// copied), or the voids of such copies that still count (`voids` = true: made when the merge was
// taken back), as (request_id, number) in order; what `void`, `unvoid` and `undo` of a whole
// request mark. Read through the partial index events_by_merged_from (migration 9; tested with
// EXPLAIN QUERY PLAN): without it every event is read.
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
