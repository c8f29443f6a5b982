#include "slatrack/history.hpp"

#include <algorithm>

namespace slatrack {

std::optional<std::int64_t> VoidMarks::voided_by(std::int64_t number) const {
  if (number <= 0 || number >= static_cast<std::int64_t>(events.size())) {
    return std::nullopt;
  }
  return events[static_cast<std::size_t>(number)];
}

VoidMarks void_marks(std::span<const HistoryEntry> entries) {
  std::int64_t last = 0;
  for (const HistoryEntry& entry : entries) {
    last = std::max(last, entry.number);
  }
  const auto size = static_cast<std::size_t>(last + 1);
  // By number, the marking events; then from the last one down: an event's own mark is decided
  // by events numbered after it, which are decided before it.
  std::vector<const HistoryEntry*> by_number(size, nullptr);
  for (const HistoryEntry& entry : entries) {
    if (entry.number > 0) {
      by_number[static_cast<std::size_t>(entry.number)] = &entry;
    }
  }
  VoidMarks out;
  out.events.assign(size, std::nullopt);
  std::vector<bool> decided(size, false);
  bool request_decided = false;
  for (std::size_t number = size; number-- > 1;) {
    const HistoryEntry* entry = by_number[number];
    if (entry == nullptr || !marks_events(entry->kind) || !entry->target || out.events[number]) {
      continue;
    }
    const std::int64_t target = *entry->target;
    const std::optional<std::int64_t> mark = entry->kind == EventKind::void_event
                                                 ? std::optional<std::int64_t>{entry->number}
                                                 : std::nullopt;
    if (target == k_whole_request) {
      if (!request_decided) {
        request_decided = true;
        out.request = mark;
      }
    } else if (target > 0 && static_cast<std::size_t>(target) < number
               && !decided[static_cast<std::size_t>(target)]) {
      decided[static_cast<std::size_t>(target)] = true;
      out.events[static_cast<std::size_t>(target)] = mark;
    }
  }
  return out;
}

HistoryEvaluation evaluate_history(std::span<const RecordedEvent> events, const Targets& targets,
                                   const Clock& clock) {
  std::vector<HistoryEntry> entries;
  entries.reserve(events.size());
  for (const RecordedEvent& event : events) {
    entries.push_back(HistoryEntry{event.number, event.kind, event.target});
  }
  HistoryEvaluation out;
  out.marks = void_marks(entries);
  std::vector<ClockEvent> counted;
  counted.reserve(events.size());
  for (const RecordedEvent& event : events) {
    if (moves_clocks(event.kind) && !out.marks.voided_by(event.number)) {
      counted.push_back(ClockEvent{event.kind, event.at, event.seq});
    }
  }
  out.evaluation = evaluate(counted, targets, clock);
  if (out.marks.request) {
    out.evaluation.clocks.clear();
    out.evaluation.reply_due.reset();
    out.evaluation.update_due.reset();
    out.evaluation.resolve_due.reset();
  }
  return out;
}

bool moves_clocks(EventKind kind) {
  switch (kind) {
  case EventKind::message:
  case EventKind::reply:
  case EventKind::pause:
  case EventKind::resume:
  case EventKind::resolve:
  case EventKind::reopen:
    return true;
  case EventKind::note:
  case EventKind::assign:
  case EventKind::edit:
  case EventKind::void_event:
  case EventKind::unvoid:
    return false;
  }
  return false;
}

bool marks_events(EventKind kind) {
  return kind == EventKind::void_event || kind == EventKind::unvoid;
}

} // namespace slatrack
