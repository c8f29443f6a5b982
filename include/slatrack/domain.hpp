// Domain vocabulary: priorities, channels, statuses, event kinds, clock metrics and outcomes, with
// their names as the contract spells them, and strong ids.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string_view>

namespace slatrack {

enum class Priority { urgent, high, normal, low };
enum class Channel { email, phone, chat, social, in_person, web, other };
enum class Status { open, waiting, resolved };
// void_event and unvoid mark another event of the request (or the request itself) as a mistake,
// and take that back; they never move clocks themselves (include/slatrack/history.hpp).
enum class EventKind {
  message,
  reply,
  pause,
  resume,
  resolve,
  reopen,
  note,
  assign,
  edit,
  void_event,
  unvoid
};
enum class Metric { reply, update, resolve };
enum class Outcome { running, met, breached };

// Names as in SPEC.md ("in-person" for Channel::in_person).
[[nodiscard]] std::string_view to_string(Priority value);
[[nodiscard]] std::string_view to_string(Channel value);
[[nodiscard]] std::string_view to_string(Status value);
[[nodiscard]] std::string_view to_string(EventKind value);
[[nodiscard]] std::string_view to_string(Metric value);
[[nodiscard]] std::string_view to_string(Outcome value);

// Inverse of to_string (exact, lower case); nullopt for anything else.
[[nodiscard]] std::optional<Priority> priority_from(std::string_view text);
[[nodiscard]] std::optional<Channel> channel_from(std::string_view text);
[[nodiscard]] std::optional<Status> status_from(std::string_view text);
[[nodiscard]] std::optional<EventKind> event_kind_from(std::string_view text);
[[nodiscard]] std::optional<Metric> metric_from(std::string_view text);
[[nodiscard]] std::optional<Outcome> outcome_from(std::string_view text);

// The accepted names joined for error messages, e.g. "urgent, high, normal, low".
[[nodiscard]] std::string_view priority_names();
[[nodiscard]] std::string_view channel_names();

struct RequestId {
  std::int64_t value = 0;
  friend auto operator<=>(const RequestId&, const RequestId&) = default;
};

} // namespace slatrack
