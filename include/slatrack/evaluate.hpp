// SLA evaluation: the state of a request and its clocks as a pure function of its events, its
// targets and its calendar (SPEC.md "The clocks").
#pragma once

#include "slatrack/calendar.hpp"
#include "slatrack/domain.hpp"
#include "slatrack/target.hpp"
#include "slatrack/time.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace slatrack {

// The targets that apply to one request (its policy's, for its priority).
struct Targets {
  Target reply{Seconds{0}};
  std::optional<Target> update;
  std::optional<Target> resolve;
  friend bool operator==(const Targets&, const Targets&) = default;
};

// One event as evaluation sees it. `seq` orders events at the same second (entry order, the event's
// id in the store) and names the event in rejections.
struct ClockEvent {
  EventKind kind = EventKind::note;
  Instant at;
  std::int64_t seq = 0;
};

// One run of a clock.
struct ClockRun {
  Metric metric = Metric::reply;
  Instant start;               // when this run started
  std::optional<Instant> due;  // when it is (or was) due; for a resolve clock that is not
                               // counting (waiting) and not yet breached: nullopt
  std::optional<Instant> stop; // nullopt while running
  Outcome outcome = Outcome::running;
  Target target{Seconds{0}}; // the target this run was measured against
  Seconds used{0};           // open time counted at stop (resolve: including `credit`);
                             // for a running clock, counted up to its last event
  Seconds credit{0};         // resolve only: open time counted before this run started
};

// Why an event had no effect and is refused when it is the new one.
enum class Conflict {
  before_first_message, // anything before the request's first message
  not_open,             // pause of a request that is waiting or resolved
  not_waiting,          // resume of a request that is not waiting
  already_resolved,     // resolve of a resolved request
  not_resolved,         // reopen of a request that is not resolved
};

struct Rejection {
  std::int64_t seq = 0;
  Conflict conflict = Conflict::not_open;
};

// A human sentence for a conflict, e.g. "it is not waiting at that time".
[[nodiscard]] std::string_view describe(Conflict conflict);

// The derived state of a request.
struct Evaluation {
  Status status = Status::open;
  std::optional<Instant> received_at; // the first message
  std::optional<Instant> replied_at;  // the first reply
  std::optional<Instant> resolved_at; // the last resolve, when the status is resolved
  std::vector<ClockRun> clocks;       // every run, ordered by start then metric
  std::optional<Instant> reply_due;   // due times of the clocks running now; nullopt when none
  std::optional<Instant> update_due;
  std::optional<Instant> resolve_due;
  std::vector<Rejection> rejections; // events that had no effect
};

// Evaluates `events` (any order; sorted here by (at, seq)) under `targets` on `clock`.
// Events that cannot apply at their place in time are skipped and listed in `rejections`.
[[nodiscard]] Evaluation evaluate(std::span<const ClockEvent> events, const Targets& targets,
                                  const Clock& clock);

// The running clock with the earliest due time, if any: (metric, due).
struct NextDue {
  Metric metric = Metric::reply;
  Instant due;
};
[[nodiscard]] std::optional<NextDue> next_due(const Evaluation& evaluation);

// The open time on `clock` between a stopped run's due time and its stop: how early a met run
// stopped, or by how much a breached one missed (what a target in business days is judged by);
// 0 for a run without a due time or a stop.
[[nodiscard]] Seconds open_margin(const ClockRun& run, const Clock& clock);

// How much a breached run missed its target by, in open time: the open time it used past its
// target, or for a target in business days the open time from its due time to its stop.
[[nodiscard]] Seconds missed_by(const ClockRun& run, const Clock& clock);

} // namespace slatrack
