// How a clock run's due time was reached (`slatrack explain`): the stretches of open time it used,
// the closed time it stepped over (overnight, weekends, holidays), the time it did not count
// (waiting on the client) and the DST changes it crossed. Pure: the calendar, its zone, the events
// and `now` are parameters; the CLI only formats the result.
#pragma once

#include "slatrack/calendar.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/model.hpp"
#include "slatrack/time.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

class Zone;

// version: a calendar's hours or zone change there (a new version of the calendar starts).
enum class StepKind { open, closed, weekend, holiday, waiting, dst, version };

// "open", "closed", "weekend", "holiday", "waiting", "dst", "version".
[[nodiscard]] std::string_view to_string(StepKind kind);

// One step of an explanation.
struct ExplainStep {
  StepKind kind = StepKind::open;
  Instant from;
  Instant to;       // == from for a DST change or a new version of the calendar
  Seconds used{0};  // the open time the run had counted at `to` (credit included)
  Seconds open{0};  // open calendar time inside [from, to) (open: to - from; waiting: what did not
                    // count, or for a reply clock what kept counting; closed kinds: zero)
  Seconds shift{0}; // dst: the change of the UTC offset (+3600 when clocks go forward)
  bool counting = true; // waiting: false when the run did not count the time (resolve clock)
  std::string note;     // "closed overnight", "weekend", "holiday 2026-12-25 Christmas",
                        // "DST change Sun 29 Mar 01:00 -> 02:00 (+00:00 -> +01:00)", ...
};

// An interval during which the request was waiting on the client; `to` is nullopt while it still
// waits.
struct WaitingSpan {
  Instant from;
  std::optional<Instant> to;
  friend bool operator==(const WaitingSpan&, const WaitingSpan&) = default;
};

// The intervals in which the request was waiting, replaying the status changes of `events` (any
// order; sorted by (at, id)) with the rules of evaluate(): pause opens one; resume, a client
// message or resolve closes it. Events that evaluate() would refuse change nothing.
[[nodiscard]] std::vector<WaitingSpan> waiting_spans(std::span<const Event> events);

// A change of a zone's UTC offset.
struct ZoneChange {
  Instant at;
  Seconds offset_before{0};
  Seconds offset_after{0};
  bool dst = true; // false when only the standard offset changed
};

// The offset changes of `zone` at instants t with a < t <= b, in order.
[[nodiscard]] std::vector<ZoneChange> zone_changes(const Zone& zone, Instant a, Instant b);

// "DST change Sun 29 Mar 01:00 -> 02:00 (+00:00 -> +01:00)": the wall-clock readings just before
// and at the change in `zone`, and the offsets.
[[nodiscard]] std::string describe(const ZoneChange& change, const Zone& zone);

// Classifies the closed time [from, to) of `rules` (whose zone is `zone`): holiday when it contains
// a holiday, else weekend when it contains a whole weekday without open hours, else closed. The
// note lists what it contains: "closed overnight" or "closed" (within one local day), "weekend",
// "holiday 2026-12-25 Christmas" (several joined with ", ").
struct GapClass {
  StepKind kind = StepKind::closed;
  std::string note;
};
[[nodiscard]] GapClass classify_gap(const CalendarRules& rules, const Zone& zone, Instant from,
                                    Instant to);

// The explanation of one run.
struct RunExplanation {
  Instant end; // where the steps stop: the due time or the stop, whichever is first, else (a
               // resolve clock that is not counting) its stop or `now`
  std::vector<ExplainStep> steps;         // in time order
  std::optional<std::size_t> start_event; // index into the events of the event that started it
  std::optional<std::size_t> stop_event;  // and of the one that stopped it
  std::optional<WaitingSpan> waiting_now; // resolve: the waiting that keeps it from counting
};

// What explain_run needs from a request's events, worked out once for all its runs: explaining a
// request is then linear in its events, not quadratic (10,000 events took 7.7 s).
struct ExplainEvents {
  explicit ExplainEvents(std::span<const Event> all);
  std::span<const Event> events;    // as given (indexes in RunExplanation refer to them)
  std::vector<std::size_t> by_time; // indexes of `events` in (at, index) order
  std::vector<WaitingSpan> waiting; // waiting_spans(events)
};

// Explains `run` (one of evaluate(events...).clocks) on `clock`, built from `rules` whose zone is
// `zone`: steps from its start to its due time or its stop, whichever is first (without a due
// time, to its stop or `now`). A resolve
// run does not count while the request waits: those intervals are `waiting` steps with
// counting = false; on a reply run they are listed with counting = true. `events` are the
// request's events in time order (as the store gives them). Throws what `clock` throws for
// instants out of its range.
[[nodiscard]] RunExplanation explain_run(const ClockRun& run, std::span<const Event> events,
                                         const CalendarRules& rules, const Clock& clock,
                                         const Zone& zone, Instant now);
// The same, with the events worked out once (for every run of a request).
[[nodiscard]] RunExplanation explain_run(const ClockRun& run, const ExplainEvents& events,
                                         const CalendarRules& rules, const Clock& clock,
                                         const Zone& zone, Instant now);

} // namespace slatrack
