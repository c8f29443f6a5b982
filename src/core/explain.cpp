// The explanation of a clock run (`slatrack explain`). It does not re-derive the due time: it takes
// the run as evaluate() gave it and lays out the calendar between its start and its due time, so
// that what it shows always agrees with `show` and `overdue`. The waiting intervals come from a
// replay of the status changes that mirrors evaluate() (pause, resume, follow-up, resolve, reopen).
#include "slatrack/explain.hpp"

#include "slatrack/zone.hpp"

#include <algorithm>
#include <date/date.h>
#include <fmt/format.h>
#include <initializer_list>
#include <tuple>
#include <utility>

namespace slatrack {

namespace {

// "+01:00", "-05:00".
std::string format_offset(Seconds offset) {
  const std::int64_t total = offset.count();
  const std::int64_t magnitude = total < 0 ? -total : total;
  return fmt::format("{}{:02}:{:02}", total < 0 ? '-' : '+', magnitude / 3600,
                     (magnitude % 3600) / 60);
}

date::local_seconds local_of(Instant instant, Seconds offset) {
  return date::local_seconds{instant.time_since_epoch() + offset};
}

bool is_holiday(const Holiday& holiday, const date::year_month_day& day) {
  if (date::month{holiday.month} != day.month() || date::day{holiday.day} != day.day()) {
    return false;
  }
  return holiday.year == 0 || date::year{holiday.year} == day.year();
}

// The first event (in the order given) at `at` whose kind is one of `kinds`.
std::optional<std::size_t> find_event(const ExplainEvents& events, Instant at,
                                      std::initializer_list<EventKind> kinds) {
  auto it = std::lower_bound(
      events.by_time.begin(), events.by_time.end(), at,
      [&events](std::size_t index, Instant value) { return events.events[index].at < value; });
  for (; it != events.by_time.end() && events.events[*it].at == at; ++it) {
    if (std::find(kinds.begin(), kinds.end(), events.events[*it].kind) != kinds.end()) {
      return *it;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> start_event_of(const ClockRun& run, const ExplainEvents& events) {
  switch (run.metric) {
  case Metric::reply:
  case Metric::resolve:
    return find_event(events, run.start, {EventKind::message, EventKind::reopen});
  case Metric::update:
    return find_event(events, run.start, {EventKind::reply, EventKind::resume});
  }
  return std::nullopt;
}

std::optional<std::size_t> stop_event_of(const ClockRun& run, const ExplainEvents& events) {
  if (!run.stop) {
    return std::nullopt;
  }
  switch (run.metric) {
  case Metric::reply:
    return find_event(events, *run.stop, {EventKind::reply, EventKind::resolve});
  case Metric::update:
    return find_event(events, *run.stop,
                      {EventKind::reply, EventKind::message, EventKind::pause, EventKind::resolve});
  case Metric::resolve:
    return find_event(events, *run.stop, {EventKind::resolve});
  }
  return std::nullopt;
}

} // namespace

std::string_view to_string(StepKind kind) {
  switch (kind) {
  case StepKind::open:
    return "open";
  case StepKind::closed:
    return "closed";
  case StepKind::weekend:
    return "weekend";
  case StepKind::holiday:
    return "holiday";
  case StepKind::waiting:
    return "waiting";
  case StepKind::dst:
    return "dst";
  case StepKind::version:
    return "version";
  }
  return "closed";
}

std::vector<WaitingSpan> waiting_spans(std::span<const Event> events) {
  std::vector<Event> sorted(events.begin(), events.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const Event& a, const Event& b) {
    return std::tie(a.at, a.id) < std::tie(b.at, b.id);
  });
  std::vector<WaitingSpan> spans;
  bool received = false;
  Status status = Status::open;
  const auto stop_waiting = [&spans, &status](Instant at) {
    if (status == Status::waiting) {
      spans.back().to = at;
    }
  };
  for (const Event& event : sorted) {
    if (!received) {
      received = event.kind == EventKind::message;
      continue;
    }
    switch (event.kind) {
    case EventKind::message:
    case EventKind::resume:
      if (status == Status::waiting || event.kind == EventKind::message) {
        stop_waiting(event.at);
        status = Status::open;
      }
      break;
    case EventKind::pause:
      if (status == Status::open) {
        status = Status::waiting;
        spans.push_back(WaitingSpan{event.at, std::nullopt});
      }
      break;
    case EventKind::resolve:
      stop_waiting(event.at);
      status = Status::resolved;
      break;
    case EventKind::reopen:
      if (status == Status::resolved) {
        status = Status::open;
      }
      break;
    case EventKind::reply:
    case EventKind::note:
    case EventKind::assign:
    case EventKind::edit:
    case EventKind::void_event:
    case EventKind::unvoid:
      break;
    }
  }
  return spans;
}

std::vector<ZoneChange> zone_changes(const Zone& zone, Instant a, Instant b) {
  std::vector<ZoneChange> changes;
  SysInfo info = zone.get_info(a);
  while (info.end <= b) {
    const SysInfo next = zone.get_info(info.end);
    if (next.end <= info.end) {
      break;
    }
    if (next.offset != info.offset) {
      changes.push_back(
          ZoneChange{Instant{info.end}, info.offset, next.offset, next.save != info.save});
    }
    info = next;
  }
  return changes;
}

std::string describe(const ZoneChange& change, const Zone& zone) {
  static_cast<void>(zone); // the offsets say everything; the zone is the calendar's
  const date::local_seconds before = local_of(change.at, change.offset_before);
  const date::local_seconds after = local_of(change.at, change.offset_after);
  const bool same_day = date::floor<date::days>(before) == date::floor<date::days>(after);
  return fmt::format("{} change {} -> {} ({} -> {})", change.dst ? "DST" : "UTC offset",
                     date::format("%a %d %b %H:%M", before),
                     date::format(same_day ? "%H:%M" : "%a %d %b %H:%M", after),
                     format_offset(change.offset_before), format_offset(change.offset_after));
}

GapClass classify_gap(const CalendarRules& rules, const Zone& zone, Instant from, Instant to) {
  GapClass result;
  if (to <= from) {
    result.note = "closed";
    return result;
  }
  const date::local_days first = date::floor<date::days>(zone.to_local(from));
  const date::local_days last = date::floor<date::days>(zone.to_local(to - Seconds{1}));
  bool weekend = false;
  std::vector<std::string> holidays;
  for (date::local_days day = first; day <= last; day += date::days{1}) {
    const date::year_month_day ymd{day};
    const auto holiday = std::find_if(rules.holidays.begin(), rules.holidays.end(),
                                      [&ymd](const Holiday& h) { return is_holiday(h, ymd); });
    if (holiday != rules.holidays.end()) {
      std::string text = fmt::format("holiday {}", date::format("%Y-%m-%d", day));
      if (!holiday->name.empty()) {
        text += " " + holiday->name;
      }
      holidays.push_back(std::move(text));
      continue;
    }
    const unsigned weekday = date::weekday{day}.iso_encoding() - 1; // Monday = 0
    if (rules.hours.days[weekday].empty()) {
      weekend = true;
    }
  }
  std::vector<std::string> parts;
  if (weekend) {
    parts.emplace_back("weekend");
  }
  parts.insert(parts.end(), holidays.begin(), holidays.end());
  if (!holidays.empty()) {
    result.kind = StepKind::holiday;
  } else if (weekend) {
    result.kind = StepKind::weekend;
  } else {
    parts.emplace_back(first == last ? "closed" : "closed overnight");
  }
  result.note = fmt::format("{}", fmt::join(parts, ", "));
  return result;
}

ExplainEvents::ExplainEvents(std::span<const Event> all)
    : events(all), by_time(all.size()), waiting(waiting_spans(all)) {
  for (std::size_t i = 0; i < by_time.size(); ++i) {
    by_time[i] = i;
  }
  std::stable_sort(by_time.begin(), by_time.end(),
                   [all](std::size_t a, std::size_t b) { return all[a].at < all[b].at; });
}

RunExplanation explain_run(const ClockRun& run, std::span<const Event> events,
                           const CalendarRules& rules, const Clock& clock, const Zone& zone,
                           Instant now) {
  return explain_run(run, ExplainEvents(events), rules, clock, zone, now);
}

RunExplanation explain_run(const ClockRun& run, const ExplainEvents& events,
                           const CalendarRules& rules, const Clock& clock, const Zone& zone,
                           Instant now) {
  RunExplanation result;
  // A run that stopped before its due time is walked to its stop, not on to a due time it never
  // reached.
  if (run.due && run.stop) {
    result.end = std::min(*run.due, *run.stop);
  } else {
    result.end = run.due ? *run.due : run.stop ? *run.stop : std::max(now, run.start);
  }
  result.start_event = start_event_of(run, events);
  result.stop_event = stop_event_of(run, events);
  const Instant start = run.start;
  const Instant end = result.end;
  const bool resolve = run.metric == Metric::resolve;

  // The waiting intervals inside [start, end), and for a resolve run the windows in which it
  // counts.
  std::vector<ExplainStep> waiting;
  std::vector<std::pair<Instant, Instant>> windows;
  Instant cursor = start;
  const std::vector<WaitingSpan>& spans = events.waiting;
  // Only the last span can still be open.
  if (resolve && !run.stop && !spans.empty() && !spans.back().to
      && spans.back().from <= std::max(now, start)) {
    result.waiting_now = spans.back();
  }
  // Waiting after the run stopped is no part of it.
  const Instant limit = run.stop ? std::min(*run.stop, end) : end;
  // The spans are in time order and do not overlap: skip those that ended by the start, stop at
  // the first that begins at the limit.
  auto first = std::partition_point(spans.begin(), spans.end(), [start](const WaitingSpan& span) {
    return span.to && *span.to <= start;
  });
  for (auto it = first; it != spans.end() && it->from < limit; ++it) {
    const WaitingSpan& span = *it;
    const Instant from = std::max(span.from, start);
    const Instant to = std::min(span.to.value_or(std::max(end, now)), limit);
    if (from >= to) {
      continue;
    }
    ExplainStep step;
    step.kind = StepKind::waiting;
    step.from = from;
    step.to = to;
    step.open = clock.open(from, to);
    step.counting = !resolve;
    step.note = span.to || to < limit || run.stop ? "waiting on the client"
                                                  : "waiting on the client (still)";
    waiting.push_back(std::move(step));
    if (resolve) {
      windows.emplace_back(cursor, from);
      cursor = to;
    }
  }
  windows.emplace_back(cursor, end);

  std::vector<ExplainStep> steps;
  const auto add_gap = [&](Instant from, Instant to) {
    if (from >= to) {
      return;
    }
    GapClass gap = classify_gap(rules, zone, from, to);
    ExplainStep step;
    step.kind = gap.kind;
    step.from = from;
    step.to = to;
    step.note = std::move(gap.note);
    steps.push_back(std::move(step));
  };
  for (const auto& [from, to] : windows) {
    if (from >= to) {
      continue;
    }
    Instant at = from;
    for (const OpenSpan& span : clock.open_spans(from, to)) {
      add_gap(at, span.begin);
      ExplainStep step;
      step.kind = StepKind::open;
      step.from = span.begin;
      step.to = span.end;
      step.open = span.end - span.begin;
      steps.push_back(std::move(step));
      at = span.end;
    }
    add_gap(at, to);
  }
  for (ExplainStep& step : waiting) {
    steps.push_back(std::move(step));
  }
  for (const ZoneChange& change : zone_changes(zone, start, end)) {
    if (change.at <= start) {
      continue;
    }
    ExplainStep step;
    step.kind = StepKind::dst;
    step.from = change.at;
    step.to = change.at;
    step.shift = change.offset_after - change.offset_before;
    step.note = describe(change, zone);
    steps.push_back(std::move(step));
  }
  const std::vector<Clock::VersionStart> version_starts = clock.version_starts(start, end);
  if (!version_starts.empty()) {
    const std::vector<CalendarVersion> versions = calendar_versions(rules);
    for (const Clock::VersionStart& change : version_starts) {
      if (change.version == 0 || change.version >= versions.size()) {
        continue;
      }
      const CalendarVersion& before = versions[change.version - 1];
      const CalendarVersion& after = versions[change.version];
      const auto shown = [&before, &after](const CalendarVersion& version) {
        return before.zone == after.zone
                   ? format_hours(version.hours)
                   : fmt::format("{}, {}", version.zone, format_hours(version.hours));
      };
      ExplainStep step;
      step.kind = StepKind::version;
      step.from = change.at;
      step.to = change.at;
      step.note = fmt::format("calendar {} from {}: {} (was {})", rules.name,
                              format_day(after.from_day.value_or(0)), shown(after), shown(before));
      steps.push_back(std::move(step));
    }
  }
  // In time order; a DST change or a new version before what starts at the same instant.
  const auto instant = [](const ExplainStep& step) {
    return step.kind == StepKind::dst || step.kind == StepKind::version;
  };
  std::stable_sort(
      steps.begin(), steps.end(), [&instant](const ExplainStep& a, const ExplainStep& b) {
        return std::make_tuple(a.from, !instant(a)) < std::make_tuple(b.from, !instant(b));
      });
  // The running count. A reply or update run counts every open second since its start (waiting
  // included); a resolve run counts only its open steps, on top of its credit.
  Seconds used = run.credit;
  for (ExplainStep& step : steps) {
    if (resolve) {
      if (step.kind == StepKind::open) {
        used += step.open;
      }
      step.used = used;
    } else {
      step.used = clock.open(start, step.to);
    }
  }
  result.steps = std::move(steps);
  return result;
}

} // namespace slatrack
