// explain: how each due time of a request was reached. The core (slatrack/explain.hpp) lays out
// each clock run as steps (open stretches, closed time, waiting, DST changes); this file only
// formats them: a readable account in a table, one object in json, a clock a line in jsonl, a step
// a row in csv/tsv.
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/records.hpp"
#include "slatrack/error.hpp"
#include "slatrack/explain.hpp"
#include "slatrack/parse.hpp"
#include "system/zone_files.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace slatrack::cli {

namespace {

// Above this many open stretches a run shows only the first and last k_keep_stretches.
constexpr std::size_t k_max_stretches = 12;
constexpr std::size_t k_keep_stretches = 5;

struct Explained {
  const ClockRun* run = nullptr;
  RunExplanation explanation;
};

std::string offset_text(Instant instant, const Zone& zone) {
  const std::int64_t offset = zone.get_info(instant).offset.count();
  const std::int64_t magnitude = offset < 0 ? -offset : offset;
  return fmt::format("{}{:02}:{:02}", offset < 0 ? '-' : '+', magnitude / 3600,
                     (magnitude % 3600) / 60);
}

// "Fri 20 Nov 16:30 +00:00" (with the year when it is not the year of `now`).
std::string when(Instant instant, const Style& style) {
  return fmt::format("{} {}", local_short(instant, *style.zone, style.now),
                     offset_text(instant, *style.zone));
}

// "Fri 20 Nov 16:30 +00:00 - 17:00 +00:00", the day repeated only when it differs.
std::string range(Instant from, Instant to, const Style& style) {
  const date::local_days day_from = date::floor<date::days>(style.zone->to_local(from));
  const date::local_days day_to = date::floor<date::days>(style.zone->to_local(to));
  if (day_from == day_to) {
    return fmt::format("{} - {} {}", when(from, style),
                       date::format("%H:%M", style.zone->to_local(to)),
                       offset_text(to, *style.zone));
  }
  return fmt::format("{} - {}", when(from, style), when(to, style));
}

std::string event_phrase(const std::optional<std::size_t>& index,
                         const std::vector<Event>& events) {
  if (!index) {
    return "";
  }
  const Event& event = events[*index];
  return fmt::format("{} by {}", to_string(event.kind), escape_control(event.author));
}

// The note of a step as json and the table show it.
std::string step_note(const ExplainStep& step, Metric metric) {
  switch (step.kind) {
  case StepKind::open:
    return fmt::format("{} counted", human_duration(step.used));
  case StepKind::waiting:
    if (step.counting) {
      return fmt::format("{}: pausing does not stop the {} clock", step.note, to_string(metric));
    }
    return fmt::format("{}: {} of open time not counted", step.note, human_duration(step.open));
  case StepKind::closed:
  case StepKind::weekend:
  case StepKind::holiday:
  case StepKind::dst:
  case StepKind::version:
    return step.note;
  }
  return step.note;
}

std::string_view step_label(StepKind kind) {
  switch (kind) {
  case StepKind::open:
    return "open";
  case StepKind::waiting:
    return "waiting";
  case StepKind::dst:
    return "dst";
  case StepKind::version:
    return "version";
  case StepKind::closed:
  case StepKind::weekend:
  case StepKind::holiday:
    return "closed";
  }
  return "closed";
}

Seconds step_seconds(const ExplainStep& step) {
  return step.kind == StepKind::dst ? step.shift : step.to - step.from; // a version: zero
}

// Which steps a table hides: with more than k_max_stretches open stretches, the open stretches
// between the first and last k_keep_stretches and the plain closed time next to them. Holidays,
// waiting and DST changes are always shown.
std::vector<bool> hidden_steps(const std::vector<ExplainStep>& steps) {
  std::vector<bool> hidden(steps.size(), false);
  const auto total = static_cast<std::size_t>(std::count_if(
      steps.begin(), steps.end(), [](const ExplainStep& s) { return s.kind == StepKind::open; }));
  if (total <= k_max_stretches) {
    return hidden;
  }
  const auto middle = [total](std::size_t ordinal) {
    return ordinal >= k_keep_stretches && ordinal < total - k_keep_stretches;
  };
  std::size_t seen = 0; // open stretches before the current step
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const StepKind kind = steps[i].kind;
    if (kind == StepKind::open) {
      hidden[i] = middle(seen);
      ++seen;
    } else if (kind == StepKind::closed || kind == StepKind::weekend) {
      hidden[i] = (seen > 0 && middle(seen - 1)) || middle(seen);
    }
  }
  return hidden;
}

std::string ending(const ClockRun& run, const RunExplanation& explanation,
                   const std::vector<Event>& events, const Clock& clock, const Style& style) {
  const std::string target = target_text(run.target);
  if (run.outcome == Outcome::running) {
    if (!run.due) {
      return "running, not counting";
    }
    if (*run.due < style.now) {
      if (explanation.waiting_now) {
        return fmt::format("breached; still running but not counting while waiting on the client "
                           "(since {})",
                           when(explanation.waiting_now->from, style));
      }
      return fmt::format("running, overdue by {} of open time",
                         human_duration(open_late(clock, *run.due, style.now)));
    }
    return fmt::format("running: {} of open time left",
                       human_duration(-open_late(clock, *run.due, style.now)));
  }
  std::string stopped = fmt::format("stopped {}", run.stop ? when(*run.stop, style) : "-");
  const std::string by = event_phrase(explanation.stop_event, events);
  if (!by.empty()) {
    stopped += " (" + by + ")";
  }
  if (run.target.in_business_days()) {
    const Seconds margin = open_margin(run, clock);
    return fmt::format("{}: {}; {} of open time used, {} of open time {} the due time",
                       run.outcome == Outcome::met ? "met" : "breached", stopped,
                       human_duration(run.used), human_duration(margin),
                       run.outcome == Outcome::met ? "before" : "after");
  }
  if (run.outcome == Outcome::met) {
    return fmt::format("met: {}; {} of {} used, {} to spare", stopped, human_duration(run.used),
                       target, human_duration(run.target.time - run.used));
  }
  return fmt::format("breached: {}; {} of {} used, {} over", stopped, human_duration(run.used),
                     target, human_duration(missed_by(run, clock)));
}

// "Sat 28 Nov" of a local day number.
std::string day_text(std::int64_t day) {
  return date::format("%a %d %b", date::local_days{date::days{day}});
}

// Why a local day between two business days is not one: "holiday Christmas" or "closed".
std::string skipped_day(std::int64_t day, const CalendarRules& rules) {
  const date::year_month_day ymd{date::local_days{date::days{day}}};
  for (const Holiday& holiday : rules.holidays) {
    if ((holiday.year == 0 || date::year{holiday.year} == ymd.year())
        && date::month{holiday.month} == ymd.month() && date::day{holiday.day} == ymd.day()) {
      return holiday.name.empty() ? "holiday" : "holiday " + escape_control(holiday.name);
    }
  }
  return "closed";
}

// A business-day target walked day by day (SPEC.md "Business days"): where counting starts,
// each business day, the days skipped, and the wall-clock time on the last day.
void print_business_walk(std::FILE* out, const ClockRun& run, const RunExplanation& explanation,
                         const Clock& clock, const CalendarRules& rules, Instant received,
                         const Style& style) {
  const auto line = [out](std::string_view label, const std::string& text) {
    std::fputs(fmt::format("  {:<8} {}\n", label, text).c_str(), out);
  };
  // A resolve clock counts its business days from the first message.
  const Instant from = run.metric == Metric::resolve ? received : run.start;
  const Clock::BusinessDayWalk walk = clock.walk_business_days(from, run.target.business_days);
  if (walk.start == from) {
    line("from", fmt::format("{} (open)", when(from, style)));
  } else {
    line("from", fmt::format("{} is closed: from the next opening, {}", when(from, style),
                             when(walk.start, style)));
  }
  const Zone& zone = find_zone(rules.zone);
  std::int64_t previous =
      date::floor<date::days>(zone.to_local(walk.start)).time_since_epoch().count();
  for (std::size_t i = 0; i < walk.days.size(); ++i) {
    std::string skipped;
    for (std::int64_t day = previous + 1; day < walk.days[i]; ++day) {
      skipped += skipped.empty() ? "" : ", ";
      skipped += fmt::format("{} ({})", day_text(day), skipped_day(day, rules));
    }
    if (!skipped.empty()) {
      line("skip", skipped);
    }
    line(fmt::format("day {}", i + 1), day_text(walk.days[i]));
    previous = walk.days[i];
  }
  const std::string wall = date::format("%H:%M", zone.to_local(walk.start));
  if (walk.days.empty()) {
    return;
  }
  const Instant at_day = walk.due;
  line("at", fmt::format("{} on the last day{}: {}", wall,
                         date::format("%H:%M", zone.to_local(at_day)) == wall
                             ? ""
                             : " (not open then: the next opening)",
                         when(at_day, style)));
  if (run.metric == Metric::resolve) {
    // w: open time since the first message that did not count, before this run (resolved) and
    // in it (waiting).
    Seconds w = clock.open(received, run.start) - run.credit;
    for (const ExplainStep& step : explanation.steps) {
      if (step.kind == StepKind::waiting && !step.counting) {
        w += step.open;
      }
    }
    if (w > Seconds{0}) {
      line("plus", fmt::format("{} of open time not counted (waiting or resolved) since the "
                               "first message",
                               human_duration(w)));
    }
  }
}

void print_run(std::FILE* out, const ClockRun& run, const RunExplanation& explanation,
               const std::vector<Event>& events, const Clock& clock, const CalendarRules& rules,
               Instant received, const Style& style) {
  const auto line = [out](std::string_view label, const std::string& text) {
    std::fputs(fmt::format("  {:<8} {}\n", label, text).c_str(), out);
  };
  std::fputs(fmt::format("\n{} clock\n", to_string(run.metric)).c_str(), out);
  std::string start = when(run.start, style);
  const std::string by = event_phrase(explanation.start_event, events);
  if (!by.empty()) {
    start += "  " + by;
  }
  line("start", start);
  if (run.target.in_business_days()) {
    line("target", fmt::format("{} ({} business day{})", target_text(run.target),
                               run.target.business_days, run.target.business_days == 1 ? "" : "s"));
  } else {
    line("target", fmt::format("{} of open time", human_duration(run.target.time)));
  }
  if (run.credit > Seconds{0}) {
    if (run.target.in_business_days()) {
      line("credit", fmt::format("{} counted before this run (before the reopen)",
                                 human_duration(run.credit)));
    } else {
      line("credit",
           fmt::format("{} counted before this run (before the reopen); {} left",
                       human_duration(run.credit),
                       human_duration(std::max(Seconds{0}, run.target.time - run.credit))));
    }
  }
  const std::vector<ExplainStep>& steps = explanation.steps;
  const std::vector<bool> hidden = hidden_steps(steps);
  std::size_t width = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (!hidden[i] && steps[i].kind != StepKind::dst && steps[i].kind != StepKind::version) {
      width = std::max(width, range(steps[i].from, steps[i].to, style).size());
    }
  }
  std::size_t skipped_open = 0;
  std::size_t skipped_closed = 0;
  Seconds skipped_time{0};
  const auto flush = [&]() {
    if (skipped_open > 0) {
      line("...", fmt::format("{} more open stretches ({} of open time) ...", skipped_open,
                              human_duration(skipped_time)));
    } else if (skipped_closed > 0) {
      line("...", fmt::format("{} more closed stretches ...", skipped_closed));
    }
    skipped_open = 0;
    skipped_closed = 0;
    skipped_time = Seconds{0};
  };
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const ExplainStep& step = steps[i];
    if (hidden[i]) {
      if (step.kind == StepKind::open) {
        ++skipped_open;
        skipped_time += step.open;
      } else {
        ++skipped_closed;
      }
      continue;
    }
    flush();
    if (step.kind == StepKind::dst || step.kind == StepKind::version) {
      line(step_label(step.kind), escape_control(step.note));
      continue;
    }
    line(step_label(step.kind),
         fmt::format("{:<{}}  {:>7}  {}", range(step.from, step.to, style), width,
                     human_duration(step.to - step.from),
                     escape_control(step_note(step, run.metric)))); // holiday names
  }
  flush();
  if (run.target.in_business_days() && (run.due || run.metric != Metric::resolve)) {
    print_business_walk(out, run, explanation, clock, rules, received, style);
  }
  if (run.stop && (!run.due || *run.stop < *run.due)) {
    std::string stop = when(*run.stop, style);
    const std::string stopped_by = event_phrase(explanation.stop_event, events);
    if (!stopped_by.empty()) {
      stop += "  " + stopped_by;
    }
    line("stop", stop);
  }
  if (run.due) {
    line("due", when(*run.due, style));
  } else if (explanation.waiting_now) {
    line("due", fmt::format("none: not counting while waiting on the client (since {}); {} of {} "
                            "counted",
                            when(explanation.waiting_now->from, style), human_duration(run.used),
                            target_text(run.target)));
  } else {
    line("due", "none");
  }
  line("result", ending(run, explanation, events, clock, style));
}

nlohmann::ordered_json step_json(const ExplainStep& step, Metric metric) {
  return to_json(
      Record{{"kind", std::string(to_string(step.kind))},
             {"from", step.from},
             {"to", step.to},
             {"seconds", step_seconds(step)},
             {"note", step.kind == StepKind::open ? Value{} : Value{step_note(step, metric)}}});
}

nlohmann::ordered_json clock_json(const ClockRun& run, const RunExplanation& explanation,
                                  std::optional<RequestId> id) {
  Record record;
  if (id) {
    record.push_back({"id", id->value});
  }
  record.insert(record.end(), {{"metric", std::string(to_string(run.metric))},
                               {"start_at", run.start},
                               {"due_at", instant_or_null(run.due)},
                               {"stop_at", instant_or_null(run.stop)},
                               {"outcome", std::string(to_string(run.outcome))},
                               {"target_seconds", target_value(run.target)},
                               {"used_seconds", run.used},
                               {"credit_seconds", run.credit}});
  nlohmann::ordered_json object = to_json(record);
  nlohmann::ordered_json steps = nlohmann::ordered_json::array();
  for (const ExplainStep& step : explanation.steps) {
    steps.push_back(step_json(step, run.metric));
  }
  object["steps"] = steps;
  return object;
}

} // namespace

int run_explain(Context& context, const std::string& id_text) {
  const RequestId id = parse_request_id(id_text);
  const RequestDetail detail = context.store().request_detail(id);
  const Request& request = detail.request;
  const std::optional<Calendar> calendar = context.store().find_calendar(request.calendar);
  if (!calendar) {
    throw Error{ErrorKind::internal,
                fmt::format("{} uses calendar \"{}\", which is missing", request_label(id),
                            escape_control(request.calendar))};
  }
  const CalendarRules& rules = calendar->rules;
  const std::unique_ptr<Clock> clock = make_clock(rules, zone_files());
  const Zone& calendar_zone = find_zone(rules.zone);
  const Style style = context.style();
  const Instant now = context.now();

  // Void events no longer count: the clocks were reached without them.
  std::vector<Event> events;
  for (const Event& event : detail.events) {
    if (!event.voided_by) {
      events.push_back(event);
    }
  }
  std::vector<Explained> runs;
  const ExplainEvents counted(events); // once for all runs: linear in the events
  for (const ClockRun& run : detail.clocks) {
    runs.push_back(Explained{&run, explain_run(run, counted, rules, *clock, calendar_zone, now)});
  }

  std::FILE* out = context.out();
  Forms forms;
  forms.text = [&] {
    std::fputs(fmt::format("{} {}\n", paint(request_label(id), Tone::dim, style),
                           escape_control(request.subject))
                   .c_str(),
               out);
    std::string holidays;
    for (const Holiday& holiday : rules.holidays) {
      holidays += holidays.empty() ? "; holidays " : ", ";
      holidays += format_holiday_date(holiday);
      if (!holiday.name.empty()) {
        holidays += " " + holiday.name;
      }
    }
    std::fputs(fmt::format("Client {}, SLA {}, calendar {} ({}: {}{}); times in {}\n",
                           escape_control(request.client), escape_control(request.policy),
                           escape_control(rules.name), rules.zone, format_hours(rules.hours),
                           escape_control(holidays), style.zone->name())
                   .c_str(),
               out);
    for (const Explained& item : runs) {
      print_run(out, *item.run, item.explanation, events, *clock, rules, request.received_at,
                style);
    }
    if (detail.voided_by) {
      std::fputs(fmt::format("\n{}: a void request has no clocks.\n",
                             paint(void_line(detail, style), Tone::red, style))
                     .c_str(),
                 out);
    } else if (runs.empty()) {
      std::fputs("\nNo clocks.\n", out);
    }
  };
  forms.json = [&] {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    object["id"] = id.value;
    object["voided_by"] = detail.voided_by ? nlohmann::ordered_json(*detail.voided_by)
                                           : nlohmann::ordered_json(nullptr);
    nlohmann::ordered_json clocks = nlohmann::ordered_json::array();
    for (const Explained& item : runs) {
      clocks.push_back(clock_json(*item.run, item.explanation, std::nullopt));
    }
    object["clocks"] = clocks;
    std::fputs((dump_json(object) + "\n").c_str(), out);
  };
  forms.lines = [&] {
    for (const Explained& item : runs) {
      std::fputs((dump_json(clock_json(*item.run, item.explanation, id)) + "\n").c_str(), out);
    }
  };
  forms.cells = [&] {
    std::vector<Row> rows;
    for (const Explained& item : runs) {
      for (const ExplainStep& step : item.explanation.steps) {
        rows.push_back(Row{Record{{"id", id.value},
                                  {"metric", std::string(to_string(item.run->metric))},
                                  {"start_at", item.run->start},
                                  {"kind", std::string(to_string(step.kind))},
                                  {"from", step.from},
                                  {"to", step.to},
                                  {"seconds", step_seconds(step)},
                                  {"note", step.kind == StepKind::open
                                               ? Value{}
                                               : Value{step_note(step, item.run->metric)}}},
                           Tone::none});
      }
    }
    write_rows(out, style, {}, rows,
               {"id", "metric", "start_at", "kind", "from", "to", "seconds", "note"});
  };
  write_output(style.format, forms);
  return 0;
}

} // namespace slatrack::cli
