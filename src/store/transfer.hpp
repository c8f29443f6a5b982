// The SQLite side of export, import and backup. SqliteStore opens the transaction and lends its
// statement cache and its rules (policies and calendars by id); these functions do the rest.
#pragma once

#include "slatrack/calendar.hpp"
#include "slatrack/history.hpp"
#include "slatrack/model.hpp"
#include "slatrack/transfer.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace slatrack::store {

// The store's prepared statement for `sql`, prepared once and cached.
using StatementSource = std::function<sqlite::Statement&(std::string_view sql)>;

// The policy version that judges a request and its calendar's clock, loaded by policy id and
// kept for the operation.
struct PolicyRules {
  const PolicyVersion* version = nullptr;
  const Clock* clock = nullptr;
  std::int64_t version_id = 0;
};
// The rules of policy `policy_id` for a request received at `received` (the version in force
// then, see version_in_force).
using RulesSource = std::function<PolicyRules(std::int64_t policy_id, Instant received)>;

// A request's history evaluated under the version of its policy in force when it was received.
// `received` is where to look first (the stored received time, or the first message); when the
// evaluation finds the request received at a time another version judges, it is evaluated again
// under that one.
struct VersionedHistory {
  HistoryEvaluation history;
  PolicyRules rules;
};
[[nodiscard]] VersionedHistory evaluate_versioned(std::span<const RecordedEvent> events,
                                                  Priority priority, std::int64_t policy_id,
                                                  Instant received, const RulesSource& rules);

// Streams every request with its events and clock runs to `visit`, ordered by id: three cursors
// (requests, events, clocks) read side by side, so each table is read once. `read_request` turns
// a row of k_request_select into a Request. Run it inside a read transaction.
void export_requests(const StatementSource& statements, const RulesSource& rules,
                     Request (*read_request)(const sqlite::Statement::Use&),
                     const std::function<void(const RequestDetail&)>& visit);

// Imports `batch` (see Store::import_requests). Run it inside a write transaction.
[[nodiscard]] ImportResult import_requests(sqlite::Database& db, const StatementSource& statements,
                                           const RulesSource& rules,
                                           std::span<const ImportRequest> batch,
                                           const ImportOptions& options);

// Starts a bulk import on `db` (see Store::start_bulk_import): nullptr when a transaction is open
// or the database holds `expected` requests or more. `statements` and `rules` are kept by the
// BulkImport, which must not outlive `db`.
[[nodiscard]] std::unique_ptr<BulkImport>
start_bulk_import(sqlite::Database& db, StatementSource statements, RulesSource rules,
                  std::int64_t expected, const ImportOptions& options);

// Creates the empty file of a backup (mode 0600; never an existing one): Error{invalid_input} when
// `path` is empty or exists, Error{storage} when it cannot be created.
void create_backup_file(const std::string& path);
// Removes a partly written backup and what SQLite may have left beside it.
void remove_backup(const std::string& path);

// Copies `source` to a new file `path` (created 0600, never overwritten) with SQLite's online
// backup API, from one read snapshot of the source.
void backup_database(sqlite::Database& source, const std::string& path);

} // namespace slatrack::store
