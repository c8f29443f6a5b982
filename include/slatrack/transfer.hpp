// What `import` hands the store: whole requests with their events, in batches, and what became of
// each. The CLI reads CSV, TSV or JSON lines into these; the store checks them against the
// database (clients, policies, refs, the order of events) and writes each batch in one
// transaction. docs/import-export.md describes the rules.
#pragma once

#include "slatrack/domain.hpp"
#include "slatrack/time.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace slatrack {

struct ImportEvent {
  EventKind kind = EventKind::message;
  Instant at;
  std::string author;
  std::optional<std::string> text;
  std::optional<Instant> recorded_at; // nullopt: ImportOptions::now
  // Within its request. Either every event of a request has one (an export: the history is
  // taken as it was recorded, events without effect included) or none has (the earliest message
  // becomes 1, the others follow in entry order).
  std::optional<std::int64_t> number;
  std::optional<std::string> recorder; // nullopt: the author
  std::optional<std::int64_t> target;  // void, unvoid: the event marked, 0 for the request
};

struct ImportRequest {
  std::string client; // matched case-insensitively, like everywhere
  std::string subject;
  Channel channel = Channel::email;
  Priority priority = Priority::normal;
  // nullopt: the client's owner (as `log` does); an inner nullopt: nobody. The text of the latest
  // `assign` event wins over both.
  std::optional<std::optional<std::string>> assignee;
  std::optional<std::string> policy; // nullopt: the client's
  // The request's identity: a request with this ref is never imported twice. Without a ref, a
  // request without ref of the same client with the same subject and received time that was
  // there before the import is the same.
  std::optional<std::string> ref;
  // In entry order; at least one message (the earliest is the request itself). Like the event
  // commands, every event must be able to happen where it falls in time (no reply before the
  // first message, no pause while already waiting): otherwise the request is refused.
  std::vector<ImportEvent> events;
};

struct ImportOptions {
  Instant now;                 // events later than this are refused
  bool create_clients = false; // add missing clients (with the request's policy, else default)
  // Requests numbered from this one on were added by this import: a request without ref is the
  // same as one already there only when that one was there before (exact duplicates within the
  // input are all kept). 0: the first number the batch gives (its ImportResult::first_id).
  std::int64_t first_new_id = 0;
};

enum class ImportStatus { added, skipped, refused };

struct ImportOutcome {
  ImportStatus status = ImportStatus::added;
  RequestId id;       // the new or existing request (added, skipped)
  std::string reason; // refused: why, one line that says what to do
};

struct ImportResult {
  std::int64_t first_id = 0;                // the number the batch's first new request got
  std::vector<ImportOutcome> outcomes;      // one per request of the batch, in order
  std::vector<std::string> created_clients; // clients this batch added
};

// An import written as one transaction however many batches it has, for a large input into a
// database that is small next to it (Store::start_bulk_import). Nothing is visible to others,
// and nothing is kept after a crash, until commit() succeeds.
class BulkImport {
public:
  BulkImport() = default;
  BulkImport(const BulkImport&) = delete;
  BulkImport& operator=(const BulkImport&) = delete;
  // Rolls the whole import back unless commit() succeeded; never throws.
  virtual ~BulkImport() = default;

  // Like Store::import_requests (the same checks, outcomes and refusals), into the bulk import's
  // transaction. Throws Error{storage}: then the whole import is rolled back.
  [[nodiscard]] virtual ImportResult add(std::span<const ImportRequest> batch) = 0;
  // Builds the indexes again and commits everything added. Throws Error{storage}: then nothing
  // of the import is written.
  virtual void commit() = 0;
};

} // namespace slatrack
