#include "cli/records.hpp"

#include "slatrack/store.hpp"
#include "system/zone_files.hpp"

#include <fmt/format.h>

namespace slatrack::cli {

Value text_or_null(const std::optional<std::string>& text) {
  return text ? Value{*text} : Value{};
}

Value instant_or_null(const std::optional<Instant>& instant) {
  return instant ? Value{*instant} : Value{};
}

Value seconds_or_null(const std::optional<Seconds>& duration) {
  return duration ? Value{*duration} : Value{};
}

std::string target_text(Target target) {
  if (target.in_business_days()) {
    return fmt::format("{}bd", target.business_days);
  }
  return human_duration(target.time);
}

std::string clock_phrase(const ClockRun& run, const Zone& zone, Instant now, const Clock& clock) {
  switch (run.outcome) {
  case Outcome::met:
    return fmt::format("met ({} of {} used)", human_duration(run.used), target_text(run.target));
  case Outcome::breached:
    if (run.target.in_business_days()) {
      return fmt::format("breached ({} used, target {})", human_duration(run.used),
                         target_text(run.target));
    }
    return fmt::format("breached (by {})", human_duration(missed_by(run, clock)));
  case Outcome::running:
    break;
  }
  if (!run.due) {
    return "paused (waiting on the client)";
  }
  return fmt::format("running, due {}", due_phrase(*run.due, zone, now, clock));
}

Value target_value(Target target) {
  if (target.in_business_days()) {
    return Value{fmt::format("{}bd", target.business_days)};
  }
  return Value{target.time};
}

Value target_or_null(const std::optional<Target>& target) {
  return target ? target_value(*target) : Value{};
}

namespace {

// Builds a Record from request_fields and the others.
class RecordFields {
public:
  explicit RecordFields(std::size_t fields) {
    m_record.reserve(fields);
  }
  void operator()(std::string_view key, std::int64_t value) {
    add(key, Value{value});
  }
  void operator()(std::string_view key, const std::string& value) {
    add(key, Value{value});
  }
  void operator()(std::string_view key, std::string_view value) {
    add(key, Value{std::string(value)});
  }
  void operator()(std::string_view key, Instant value) {
    add(key, Value{value});
  }
  void operator()(std::string_view key, Seconds value) {
    add(key, Value{value});
  }
  void operator()(std::string_view key, Value value) {
    add(key, std::move(value));
  }
  template <typename T> void operator()(std::string_view key, const std::optional<T>& value) {
    if (value) {
      (*this)(key, *value);
    } else {
      add(key, Value{});
    }
  }
  [[nodiscard]] Record take() {
    return std::move(m_record);
  }

private:
  void add(std::string_view key, Value value) {
    m_record.push_back(Field{std::string(key), std::move(value)});
  }
  Record m_record;
};

} // namespace

Record request_record(const Request& request, std::size_t more) {
  RecordFields fields(16 + more);
  request_fields(request, fields);
  return fields.take();
}

Record event_record(const Event& event) {
  RecordFields fields(9);
  event_fields(event, fields);
  return fields.take();
}

Record clock_record(const ClockRun& run) {
  RecordFields fields(8);
  clock_fields(run, fields);
  return fields.take();
}

std::string history_line(const Event& event, const Style& style) {
  std::string line = fmt::format("  {:>3}  {}  {:<8} {}", event.number,
                                 local_short(event.at, *style.zone, style.now),
                                 to_string(event.kind), escape_control(event.author));
  std::string text = event.text ? escape_control(*event.text) : std::string{};
  if (event.target) {
    const std::string what =
        *event.target == 0 ? std::string("the request") : fmt::format("event {}", *event.target);
    text = text.empty() ? what : fmt::format("{}: {}", what, text);
  }
  if (!text.empty()) {
    line += "  " + text;
  }
  if (event.recorder != event.author) {
    line += fmt::format("  (entered by {})", escape_control(event.recorder));
  }
  if (event.voided_by) {
    line += paint(fmt::format("  [void: event {}]", *event.voided_by), Tone::red, style);
  }
  return line;
}

std::string void_line(const RequestDetail& detail, const Style& style) {
  const Event* mark = detail.voided_by ? detail.event(*detail.voided_by) : nullptr;
  if (mark == nullptr) {
    return "Void";
  }
  std::string line = fmt::format("Void since {} ({}", local_short(mark->at, *style.zone, style.now),
                                 escape_control(mark->author));
  if (mark->text) {
    line += ": " + escape_control(*mark->text);
  }
  return line + fmt::format("); take it back with: slatrack unvoid {}", detail.request.id.value);
}

std::string request_label(RequestId id) {
  return fmt::format("#{}", id.value);
}

Clocks::Clocks(Store& store) : m_always(std::make_unique<AlwaysOpen>()) {
  for (const Calendar& calendar : store.calendars()) {
    m_clocks.emplace(calendar.rules.name, make_clock(calendar.rules, zone_files()));
  }
}

const Clock& Clocks::of(std::string_view calendar) const {
  const auto found = m_clocks.find(calendar);
  return found == m_clocks.end() ? *m_always : *found->second;
}

} // namespace slatrack::cli
