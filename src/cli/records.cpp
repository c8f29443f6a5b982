#include "cli/records.hpp"

#include "slatrack/store.hpp"

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
  return Record{
      {"id", request.id.value},
      {"client", request.client},
      {"subject", request.subject},
      {"channel", std::string(to_string(request.channel))},
      {"priority", std::string(to_string(request.priority))},
      {"status", std::string(to_string(request.status))},
      {"assignee", text_or_null(request.assignee)},
      {"sla", request.policy},
      {"calendar", request.calendar},
      {"ref", text_or_null(request.ref)},
      {"received_at", request.received_at},
      {"replied_at", instant_or_null(request.replied_at)},
      {"resolved_at", instant_or_null(request.resolved_at)},
      {"reply_due_at", instant_or_null(request.reply_due)},
      {"update_due_at", instant_or_null(request.update_due)},
      {"resolve_due_at", instant_or_null(request.resolve_due)},
  };
}

std::string request_label(RequestId id) {
  return fmt::format("#{}", id.value);
}

Clocks::Clocks(Store& store) : m_always(std::make_unique<AlwaysOpen>()) {
  for (const Calendar& calendar : store.calendars()) {
    m_clocks.emplace(calendar.rules.name, make_clock(calendar.rules));
  }
}

const Clock& Clocks::of(std::string_view calendar) const {
  const auto found = m_clocks.find(calendar);
  return found == m_clocks.end() ? *m_always : *found->second;
}

} // namespace slatrack::cli
