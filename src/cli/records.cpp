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

Value target_value(Target target) {
  if (target.in_business_days()) {
    return Value{fmt::format("{}bd", target.business_days)};
  }
  return Value{target.time};
}

Value target_or_null(const std::optional<Target>& target) {
  return target ? target_value(*target) : Value{};
}

Record request_record(const Request& request) {
  return make_record(
      Field{"id", request.id.value}, Field{"client", request.client},
      Field{"subject", request.subject}, Field{"channel", std::string(to_string(request.channel))},
      Field{"priority", std::string(to_string(request.priority))},
      Field{"status", std::string(to_string(request.status))},
      Field{"assignee", text_or_null(request.assignee)}, Field{"sla", request.policy},
      Field{"calendar", request.calendar}, Field{"ref", text_or_null(request.ref)},
      Field{"received_at", request.received_at},
      Field{"replied_at", instant_or_null(request.replied_at)},
      Field{"resolved_at", instant_or_null(request.resolved_at)},
      Field{"reply_due_at", instant_or_null(request.reply_due)},
      Field{"update_due_at", instant_or_null(request.update_due)},
      Field{"resolve_due_at", instant_or_null(request.resolve_due)});
}

Record event_record(const Event& event) {
  return make_record(
      Field{"number", event.number}, Field{"kind", std::string(to_string(event.kind))},
      Field{"at", event.at}, Field{"author", event.author}, Field{"recorder", event.recorder},
      Field{"text", text_or_null(event.text)}, Field{"recorded_at", event.recorded_at},
      Field{"target", event.target ? Value{*event.target} : Value{}},
      Field{"voided_by", event.voided_by ? Value{*event.voided_by} : Value{}});
}

Record clock_record(const ClockRun& run) {
  return make_record(Field{"metric", std::string(to_string(run.metric))},
                     Field{"start_at", run.start}, Field{"due_at", instant_or_null(run.due)},
                     Field{"stop_at", instant_or_null(run.stop)},
                     Field{"outcome", std::string(to_string(run.outcome))},
                     Field{"target_seconds", target_value(run.target)},
                     Field{"used_seconds", run.used}, Field{"credit_seconds", run.credit});
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
