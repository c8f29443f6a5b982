// The SQLite side of export, import and backup. SqliteStore opens the transaction and lends its
// statement cache and its rules (policies and calendars by id); these functions do the rest.
#pragma once

#include "slatrack/calendar.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/history.hpp"
#include "slatrack/model.hpp"
#include "slatrack/transfer.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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
// (requests, events, clocks) read side by side, so each table is read once. `read_request` reads
// a row of k_request_select into a Request, setting every field. Run it inside a read transaction.
void export_requests(const StatementSource& statements, const RulesSource& rules,
                     void (*read_request)(const sqlite::Statement::Use&, Request&),
                     const std::function<void(const RequestDetail&)>& visit);

// A client or SLA policy as import looks it up.
struct ImportClient {
  std::int64_t id = 0;
  std::string name;
  std::int64_t policy_id = 0;
  std::optional<std::string> owner;
};
struct ImportPolicy {
  std::int64_t id = 0;
  std::string name;
};

// The rows an import writes for the requests of a batch it accepted: each request with its
// derived state (its evaluation), its events and its clock runs, pointing into the batch.
struct ImportedRequest {
  std::int64_t id = 0;
  const ImportRequest* request = nullptr;
  std::int64_t client_id = 0;
  std::int64_t policy_id = 0;
  std::int64_t version_id = 0;
  std::optional<std::string> assignee;
  std::optional<std::string> logged_assignee;
  std::optional<std::int64_t> voided_by;
  Evaluation evaluation;
};
struct ImportedEvent {
  std::int64_t request_id = 0;
  const ImportEvent* event = nullptr;
  std::int64_t number = 0;
  std::optional<std::int64_t> voided_by;
  std::optional<std::int64_t> target;
};
struct ImportedClock {
  std::int64_t request_id = 0;
  std::int64_t seq = 0;
  const ClockRun* run = nullptr; // in its ImportedRequest's evaluation
};
struct ImportRows {
  std::vector<ImportedRequest> requests;
  std::vector<ImportedEvent> events; // by request, in entry order
  std::vector<ImportedClock> clocks;
};

// What an import asks of the database it writes to, inside the write transaction its caller
// holds: the look-ups, a new client, and the rows of each batch. Each backend has one (SQLite:
// below; PostgreSQL: pg_store.cpp); the rules of import are the Importer's, the same for both.
class ImportTarget {
public:
  ImportTarget() = default;
  ImportTarget(const ImportTarget&) = delete;
  ImportTarget& operator=(const ImportTarget&) = delete;
  virtual ~ImportTarget() = default;

  // Where the data lives, for messages.
  [[nodiscard]] virtual std::string location() const = 0;
  // The highest request number (0: none).
  [[nodiscard]] virtual std::int64_t last_request() = 0;
  [[nodiscard]] virtual std::optional<std::int64_t> request_with_ref(const std::string& ref) = 0;
  // The first request numbered below `before` without ref, of client `client_id`, with `subject`
  // (exactly), received at `received_at`.
  [[nodiscard]] virtual std::optional<std::int64_t> same_request(std::int64_t client_id,
                                                                 const std::string& subject,
                                                                 Instant received_at,
                                                                 std::int64_t before) = 0;
  // By name, ignoring ASCII case.
  [[nodiscard]] virtual std::optional<ImportClient> find_client(const std::string& name) = 0;
  [[nodiscard]] virtual std::optional<ImportPolicy> find_policy(std::string_view name) = 0;
  // Every name, in the order did_you_mean is given them.
  [[nodiscard]] virtual std::vector<std::string> client_names() = 0;
  [[nodiscard]] virtual std::vector<std::string> policy_names() = 0;
  // Adds client `name` on `policy_id`, made at `now`, and returns its id.
  virtual std::int64_t add_client(const std::string& name, std::int64_t policy_id, Instant now) = 0;
  // Writes `rows` (created_at `now`, and recorded_at `now` for an event without one). The rows
  // were checked: a constraint that fails is a bug (Error{storage}).
  virtual void write(const ImportRows& rows, Instant now) = 0;
};

// Checks, evaluates and writes import batches into a target (see Store::import_requests):
// requests are numbered after the target's highest; clients and policies looked up are kept for
// the life of the Importer (one batch, or every batch of a bulk import). `target`, `rules` and
// `options` must outlive it.
class Importer {
public:
  Importer(ImportTarget& target, const RulesSource& rules, const ImportOptions& options);
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;
  ~Importer();

  // The number the next request gets.
  [[nodiscard]] std::int64_t next_id() const;
  // Checks, evaluates and writes `batch`. Throws Error{storage}.
  [[nodiscard]] ImportResult import_batch(std::span<const ImportRequest> batch);

private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

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
