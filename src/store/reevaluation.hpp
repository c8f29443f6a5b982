// Why this file: re-evaluation, what every write of every backend shares. A request's derived
// state (void marks, status, due times, clock runs) is recomputed from its events under the rules
// that judge it, compared with what is stored, and only what differs is written (a clock run in
// place). The rules of one operation (policies and calendars by id, each loaded once) and the
// re-evaluation of many requests at once (a rule change: three ordered cursors, requests, events
// and clock runs, read side by side and merged by request id) are written here once; a backend
// derives from Reevaluator and implements its row access with its own SQL.
#pragma once

#include "slatrack/calendar.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/history.hpp"
#include "slatrack/model.hpp"
#include "slatrack/rule_checks.hpp"
#include "slatrack/store.hpp"
#include "store/transfer.hpp"
#include "store/values.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace slatrack::store {

// The stored form of a request's derived state, compared to tell whether re-evaluation changed it.
struct Derived {
  std::string status;
  std::int64_t received_at = 0;
  std::optional<std::int64_t> replied_at;
  std::optional<std::int64_t> resolved_at;
  std::optional<std::int64_t> reply_due_at;
  std::optional<std::int64_t> update_due_at;
  std::optional<std::int64_t> resolve_due_at;
  std::optional<std::int64_t> next_due_at;
  std::optional<std::string> next_metric;
  std::optional<std::int64_t> voided_by;
  std::int64_t version_id = 0; // the policy version that judges the request
  bool operator==(const Derived&) const = default;
};

// A policy as loaded for one operation.
struct LoadedPolicy {
  Policy policy;                       // with every version, oldest first
  std::int64_t calendar_id = 0;        // of the latest version
  std::vector<std::int64_t> calendars; // of each version
};

// The rules of one operation: policies and calendars' clocks loaded once, by id.
struct RulesCache {
  std::map<std::int64_t, LoadedPolicy> policies;
  std::map<std::int64_t, std::unique_ptr<Clock>> clocks;
  // Calendars a backend read with a policy (in the same round trip), as stored: made into clocks
  // when first needed, as those read on their own.
  std::map<std::int64_t, StoredCalendar> calendars;
};

// Which requests a re-evaluation reads (each backend turns it into its own query).
struct RequestSelection {
  enum class By {
    request,         // request `id`
    all,             // every request
    policy,          // the requests of policy `id`
    policy_received, // those of policy `id` received in [from, until)
    calendar,        // those whose policy has a version on calendar `id`
    calendar_from,   // those of them with a clock running, or stopped or due at or after `from`
  };
  By by = By::request;
  std::int64_t id = 0;
  std::int64_t from = 0;  // unix seconds
  std::int64_t until = 0; // unix seconds
};

// The rows re-evaluation reads: a request with its derived state as stored, one of its events
// with its stored void mark, one of its clock runs with its key.
struct RequestState {
  std::int64_t id = 0;
  std::int64_t policy_id = 0;
  Priority priority = Priority::normal;
  Derived derived;
};
struct EventState {
  std::int64_t request_id = 0;
  RecordedEvent event;
  std::optional<std::int64_t> voided_by;
};
struct ClockState {
  std::int64_t request_id = 0;
  std::int64_t seq = 0;
  ClockRow row;
};

// Three cursors over the selected requests, each ordered by request id: the requests, their
// events (by time, then id) and their clock runs (by seq). Re-evaluation writes the rows of a
// request once every cursor has read past them.
class RequestCursor {
public:
  virtual ~RequestCursor() = default;
  // Each reads the next row into `out`: false at the end (then not called again).
  [[nodiscard]] virtual bool next_request(RequestState& out) = 0;
  [[nodiscard]] virtual bool next_event(EventState& out) = 0;
  [[nodiscard]] virtual bool next_clock(ClockState& out) = 0;
};

// What re-evaluating one request did.
struct Reevaluation {
  bool changed = false;
  std::vector<Rejection> rejections;
  bool outcomes_changed = false; // a stopped clock's outcome (met, breached) changed
  std::int64_t moved = 0;        // running clocks whose due time moved
};

// A request's events as stored, evaluated under its current rules (nothing written).
struct Stored {
  std::int64_t policy_id = 0;
  Derived old;
  Derived now;
  Evaluation evaluation;
  // Events whose stored void mark is not what their history gives.
  struct Remark {
    std::int64_t id = 0;     // the event's row
    std::int64_t number = 0; // its number in the request (what check names)
    std::optional<std::int64_t> stored;
    std::optional<std::int64_t> expected;
  };
  std::vector<Remark> remarked;
  bool assignment_remarked = false;
  std::vector<ClockState> clocks; // as stored, by seq (evaluate_stored only)
};

// The derived state `versioned` (a request's events evaluated under its rules) gives the request;
// the stored `received_at` (unix seconds) is kept when no client message is among the events.
[[nodiscard]] Derived derived_state(const VersionedHistory& versioned, std::int64_t received_at);

// The stopped runs of `clocks` with their outcome: what a change of rules may re-judge.
[[nodiscard]] std::vector<std::tuple<std::string, std::int64_t, std::string>>
stopped_outcomes(const std::vector<ClockRow>& clocks);

// The rules cache and re-evaluation of a Store, over the row access its backend implements.
class Reevaluator {
public:
  Reevaluator() = default;
  Reevaluator(const Reevaluator&) = delete;
  Reevaluator& operator=(const Reevaluator&) = delete;
  Reevaluator(Reevaluator&&) = delete;
  Reevaluator& operator=(Reevaluator&&) = delete;
  virtual ~Reevaluator() = default;

protected:
  // ---- the rules of one operation ----

  // Policy `id` with its versions, loaded once into `rules`. Throws Error{storage}.
  const LoadedPolicy& policy(std::int64_t id, RulesCache& rules);
  // The clock of calendar `calendar_id`, made once into `rules`.
  const Clock& clock(std::int64_t calendar_id, RulesCache& rules);
  // The version of policy `policy_id` that judges a request received at `received`, with its
  // calendar's clock.
  PolicyRules rules_at(std::int64_t policy_id, Instant received, RulesCache& rules);
  // Version `version_id` of policy `policy_id` (a request's stored version). Throws
  // Error{storage} when the policy has no such version.
  const PolicyVersion& stored_version(std::int64_t policy_id, std::int64_t version_id,
                                      RulesCache& rules);
  // rules_at over `rules`, for the functions that take a RulesSource.
  RulesSource rules_source(RulesCache& rules);
  // The rules a statement of a client on policy `policy_id` over [from, to) seen at `now` shows:
  // the promises in force at the end of the range (or now, when that is earlier), that is the
  // version of the policy that judges a request received then, as out.policy (its calendar, base
  // and overrides those of that version) and out.calendar; sets out.from, out.to and out.now.
  // Throws Error{storage}.
  void statement_rules(std::int64_t policy_id, Instant from, Instant to, Instant now,
                       RulesCache& rules, StatementInput& out);
  // The last due time `overdue --within` shows at `now` on each calendar of `calendar_ids`: at
  // risk within W is now <= due <= add(now, W) on the request's calendar (for N bd: due <=
  // addbd(now, N)). One calendar's trouble (no open time in ten years: every day a holiday) must
  // not stop the report for the others: it gets now - 1 s (its requests shown when overdue, never
  // as at risk).
  std::map<std::int64_t, Instant> at_risk_cutoffs(const std::vector<std::int64_t>& calendar_ids,
                                                  Target within, Instant now, RulesCache& rules);

  // ---- re-evaluation ----

  // Request `id` evaluated under its current rules (nothing written). Throws Error{not_found}.
  Stored evaluate_stored(std::int64_t id, RulesCache& rules);
  // Recomputes request `id`'s derived state (void marks, status, due times, clock runs) from its
  // events under its current rules and stores what differs from what is stored. Throws
  // Error{not_found}.
  Reevaluation reevaluate(std::int64_t id, RulesCache& rules);
  // Re-evaluates every request of `selection`, streaming (three cursors, whatever their number);
  // returns what changed.
  RuleEffect reevaluate_selected(const RequestSelection& selection, RulesCache& rules);

  // ---- the rows, each backend with its own SQL ----

  // Policy `id` with every version (oldest first, the first from the beginning) and its targets.
  // Throws Error{storage} when it is missing or incomplete.
  virtual LoadedPolicy load_policy(std::int64_t id) = 0;
  // load_policy(id) for an operation's `rules`: a backend may read the calendars of its versions
  // with it into rules.calendars (a team database: one round trip for all). Default: the policy.
  virtual LoadedPolicy load_policy_rules(std::int64_t id, RulesCache& /*rules*/) {
    return load_policy(id);
  }
  // Calendar `id` with its versions and holidays. Throws Error{storage} when it is missing.
  virtual Calendar load_calendar(std::int64_t id) = 0;
  // The database as messages name it (a path, a URL without its password).
  [[nodiscard]] virtual std::string database_name() const = 0;
  // The cursors over `selection`. Only one is open at a time.
  virtual std::unique_ptr<RequestCursor> read_requests(const RequestSelection& selection) = 0;
  // Writes: an event's void mark, the request's assignee from its assignments, its derived state
  // (`old` as stored, `now` to store), a clock run (an existing one in place: `old` as stored, or
  // a new one), and its clock runs after seq `last`. A backend may write only what differs.
  virtual void write_void_mark(std::int64_t event_id, std::optional<std::int64_t> voided_by) = 0;
  virtual void update_assignee(std::int64_t request_id) = 0;
  virtual void write_derived(std::int64_t request_id, const Derived& old, const Derived& now) = 0;
  virtual void update_clock(std::int64_t request_id, std::int64_t seq, const ClockRow& old,
                            const ClockRow& row) = 0;
  virtual void insert_clock(std::int64_t request_id, std::int64_t seq, const ClockRow& row) = 0;
  virtual void delete_clocks_after(std::int64_t request_id, std::int64_t last) = 0;
  // The writes above of one request may be held back and sent together (a team database: one
  // round trip): flush_writes() sends them, in order, once the request's are all made (it throws
  // as the first of them that fails would have); discard_writes() drops them (an exception came
  // first). Nothing reads between a request's writes and flush_writes(). Default: written at once.
  virtual void flush_writes() {}
  virtual void discard_writes() noexcept {}

private:
  // The buffers of one request read from the cursors (reused from request to request).
  struct History {
    RequestState request;
    std::vector<RecordedEvent> events;
    std::vector<std::optional<std::int64_t>> marks; // stored, beside `events`
    std::vector<ClockState> clocks;
  };
  class Reader;

  Stored evaluate(History& history, RulesCache& rules);
  // Writes what differs, then flush_writes().
  Reevaluation write(std::int64_t id, const Stored& stored,
                     const std::vector<ClockState>& stored_clocks);
  Reevaluation write_rows(std::int64_t id, const Stored& stored,
                          const std::vector<ClockState>& stored_clocks);
};

} // namespace slatrack::store
