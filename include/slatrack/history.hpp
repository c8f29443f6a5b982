// A request's history as recorded: each event has a number within its request (1 for the first
// message, then in the order recorded), and nothing is ever deleted. A mistake is marked with a
// `void` event naming its target (another event's number, or 0 for the whole request); an `unvoid`
// event takes such a mark back. Void and unvoid events can themselves be voided (that is how
// `undo` takes back a void), so whether an event is void is decided from the last event that
// marks it and is not itself void. SPEC.md, Concepts: Event, Void.
#pragma once

#include "slatrack/calendar.hpp"
#include "slatrack/domain.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/time.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace slatrack {

// The target of a void or unvoid event that marks the whole request.
inline constexpr std::int64_t k_whole_request = 0;

// What void_marks needs of an event.
struct HistoryEntry {
  std::int64_t number = 0;
  EventKind kind = EventKind::note;
  std::optional<std::int64_t> target; // void and unvoid only
};

// Which events, and whether the request, are void: for each, the number of the void event that
// makes it so (nullopt when it counts).
struct VoidMarks {
  std::optional<std::int64_t> request;
  std::vector<std::optional<std::int64_t>> events; // indexed by event number (0 unused)

  // The void event that voids event `number`, if any.
  [[nodiscard]] std::optional<std::int64_t> voided_by(std::int64_t number) const;
};

// The void marks of a request's events (any order; numbers from 1, unique). A target that is not
// a lower number of the same request is ignored.
[[nodiscard]] VoidMarks void_marks(std::span<const HistoryEntry> entries);

// One recorded event as evaluate_history needs it.
struct RecordedEvent {
  EventKind kind = EventKind::note;
  Instant at;
  std::int64_t seq = 0;    // orders events at the same second (entry order); names rejections
  std::int64_t number = 0; // within its request
  std::optional<std::int64_t> target;
};

struct HistoryEvaluation {
  VoidMarks marks;
  Evaluation evaluation;
};

// The void marks of `events`, then evaluate() of the events that count (not void, and moving
// clocks). A void request keeps its status and times but has no clock runs and nothing due: it
// leaves overdue and every report.
[[nodiscard]] HistoryEvaluation evaluate_history(std::span<const RecordedEvent> events,
                                                 const Targets& targets, const Clock& clock);

// Whether events of `kind`, stop or pause clocks (message, reply, pause, resume, resolve,
// reopen); note, assign, edit, void and unvoid do not.
[[nodiscard]] bool moves_clocks(EventKind kind);

// Whether `kind` marks another event (void, unvoid).
[[nodiscard]] bool marks_events(EventKind kind);

} // namespace slatrack
