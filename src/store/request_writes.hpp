// Why this file: the write operations on requests whose steps are rules rather than SQL (editing
// a request, voiding and restoring, undo, merge, and what voiding a merged request does to its
// copies), written once for every backend. Each backend reads and writes the rows these steps
// name with its own SQL (the pure virtual members below) and runs each operation in its own
// transaction; the order of the checks, the events written and their wording are here, so a
// file and a team database answer the same command in the same way.
#pragma once

#include "slatrack/model.hpp"
#include "slatrack/request_rules.hpp"
#include "slatrack/store.hpp"
#include "store/reevaluation.hpp"
#include "store/rule_rows.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slatrack::store {

// A request's row as `edit` needs it: its fields with the names of its client and policy, and
// what moving it to another client decides its assignee by.
struct EditRow {
  std::int64_t client_id = 0;
  std::string client;
  std::string subject;
  std::string channel;
  std::string priority;
  std::int64_t policy_id = 0;
  std::string policy;
  std::optional<std::string> ref;
  std::optional<std::int64_t> voided_by;
  std::optional<std::string> assignee;
  std::optional<std::string> owner; // the client's
  bool assigned = false;            // an assign event was ever recorded
};

// The shared steps (a private base of each store, with the re-evaluation and the look-ups by name
// it builds on). Each operation runs inside the caller's transaction and opens none.
class RequestWrites : public Reevaluator, public RuleRows {
protected:
  // ---- the operations (each the whole of a Store operation but its transaction) ----

  // Store::edit_request but the request it returns: the request re-evaluated from its start when
  // a field that judges it changed; an edit event says what changed.
  void edit(const RequestEdit& edit);
  // Store::void_event: a void or unvoid event marking the request or one of its events.
  RequestDetail void_or_restore(const VoidChange& change);
  // Store::undo: the recorder's latest change that counts, taken back by a void event.
  UndoResult undo_latest(const UndoChange& change);
  // Store::merge: the events of one request copied into the other, then the first voided.
  RequestDetail merge_into(const MergeChange& change);

  struct Inserted {
    std::int64_t id = 0;     // also its seq for evaluate()
    std::int64_t number = 0; // within its request
  };

  // Records a void or unvoid event on request `id` marking `target` and re-evaluates the request.
  // When that takes a merge back (the request counts again), the copies the merge made elsewhere
  // are voided; when it makes the request void again, those voids are voided (the copies count
  // again). These voids carry merged_from too, and undo passes over them: they follow from the
  // event undo takes back.
  void mark(RequestId id, EventKind kind, std::int64_t target,
            const std::optional<std::string>& reason, const std::string& recorder, Instant now);

  // The recorder of an event: the user who recorded it, else its author.
  static std::string recorder_of(const std::string& recorder, const std::string& author);

  // The void event that voids request `id`, if any (none when there is no such request).
  std::optional<std::int64_t> request_voided_by(RequestId id);

  // ---- the rows, each backend with its own SQL ----

  // Inserts an event with the next number of its request.
  virtual Inserted insert_event(RequestId id, EventKind kind, Instant at, std::string_view author,
                                const std::optional<std::string>& text, Instant now,
                                std::string_view recorder,
                                std::optional<std::int64_t> target = std::nullopt,
                                std::optional<std::int64_t> merged_from = std::nullopt) = 0;
  // Whether request `id` exists, and the void event that voids it: nullopt when there is no such
  // request, else its voided_by.
  virtual std::optional<std::optional<std::int64_t>> request_void(RequestId id) = 0;
  virtual std::optional<EditRow> edit_row(RequestId id) = 0;
  // The request whose ref is `ref`, if any.
  virtual std::optional<std::int64_t> request_by_ref(std::string_view ref) = 0;
  // Writes the fields an edit may change (the client's and policy's ids, the rest as in `after`);
  // the assignee separately.
  virtual void write_edit(RequestId id, std::int64_t client_id, std::int64_t policy_id,
                          const EditedFields& after) = 0;
  virtual void write_assignee(RequestId id, const std::optional<std::string>& assignee) = 0;
  // Event `number` of request `id`, if there is one.
  virtual std::optional<Event> numbered_event(RequestId id, std::int64_t number) = 0;
  // Every event of request `id`, in their numbers' order.
  virtual std::vector<Event> request_events(RequestId id) = 0;
  // The events recorded by `recorder`, the latest first, each with its request and whether a
  // merge made it (merged_from), until `visit` returns true.
  virtual void each_recorded(const std::string& recorder,
                             const std::function<bool(RequestId, Event&&, bool merged)>& visit) = 0;
  // The events merged from request `id` that count (request, number): its copies' voids when
  // `voids`, else the copies themselves.
  virtual std::vector<std::pair<std::int64_t, std::int64_t>> merged_copies(std::int64_t id,
                                                                           bool voids) = 0;
  // The request and its detail as the commands show them. Throw Error{not_found}.
  virtual Request load_request(RequestId id) = 0;
  virtual RequestDetail detail(RequestId id) = 0;
};

} // namespace slatrack::store
