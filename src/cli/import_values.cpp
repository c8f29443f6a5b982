// import: the values of a row's fields, read from CSV cells and JSON members alike.
#include "cli/import.hpp"
#include "cli/output.hpp"
#include "slatrack/domain.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/text.hpp"

#include <charconv>
#include <fmt/format.h>

namespace slatrack::cli::import_file {

bool blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

std::string_view trim(std::string_view text) {
  return trim_value(text);
}

void bad_row(std::string reason) {
  throw RowError{std::move(reason)};
}

Instant time_value(Context& context, std::string_view column, std::string_view text) {
  const std::string_view value = trim(text);
  if (const std::optional<Instant> fast = parse_export_time(value)) {
    return *fast;
  }
  try {
    return context.parse_time(value);
  } catch (const Error& error) {
    bad_row(fmt::format("{}: {}", column, error.what()));
  }
}

Channel channel_value(std::string_view text) {
  const std::string value = to_lower(trim(text));
  if (value.empty()) {
    return Channel::email;
  }
  if (const std::optional<Channel> channel = channel_from(value)) {
    return *channel;
  }
  bad_row(fmt::format("bad channel \"{}\": use {}", escape_control(text), channel_names()));
}

Priority priority_value(std::string_view text) {
  const std::string value = to_lower(trim(text));
  if (value.empty()) {
    return Priority::normal;
  }
  if (const std::optional<Priority> priority = priority_from(value)) {
    return *priority;
  }
  bad_row(fmt::format("bad priority \"{}\": use {}", escape_control(text), priority_names()));
}

// An event number or target: a whole number, 0 or more; empty: none.
std::optional<std::int64_t> count_value(std::string_view key, std::string_view text) {
  const std::string_view value = trim(text);
  if (value.empty()) {
    return std::nullopt;
  }
  std::int64_t out = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (error != std::errc{} || end != value.data() + value.size() || out < 0) {
    bad_row(fmt::format("bad {} \"{}\": give a whole number (event numbers as show gives them)",
                        key, escape_control(value)));
  }
  return out;
}

EventKind kind_value(std::string_view text) {
  const std::string value = to_lower(trim(text));
  if (const std::optional<EventKind> kind = event_kind_from(value)) {
    return *kind;
  }
  bad_row(fmt::format("bad kind \"{}\": use message, reply, pause, resume, resolve, reopen, note, "
                      "assign or edit",
                      escape_control(text)));
}

std::optional<std::string> optional_name(std::string_view text) {
  const std::string_view value = trim(text);
  if (value.empty()) {
    return std::nullopt;
  }
  return std::string(value);
}

// The events of a request given by times only: the message, then its first reply and its
// resolution when given.
std::vector<ImportEvent> simple_events(const std::string& author, Instant received,
                                       std::optional<std::string> text,
                                       std::optional<Instant> replied,
                                       std::optional<Instant> resolved) {
  if (replied && *replied < received) {
    bad_row("replied_at is before received_at; fix one of them");
  }
  if (resolved && *resolved < received) {
    bad_row("resolved_at is before received_at; fix one of them");
  }
  std::vector<ImportEvent> events;
  events.push_back(
      ImportEvent{EventKind::message, received, author, std::move(text), {}, {}, {}, {}});
  if (replied) {
    events.push_back(ImportEvent{EventKind::reply, *replied, author, {}, {}, {}, {}, {}});
  }
  if (resolved) {
    events.push_back(ImportEvent{EventKind::resolve, *resolved, author, {}, {}, {}, {}, {}});
  }
  return events;
}

} // namespace slatrack::cli::import_file
