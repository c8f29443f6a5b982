#include "slatrack/domain.hpp"

#include <array>
#include <cstddef>
#include <utility>

namespace slatrack {

namespace {

template <typename Enum, std::size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Names<Priority, 4> k_priorities{{{Priority::urgent, "urgent"},
                                           {Priority::high, "high"},
                                           {Priority::normal, "normal"},
                                           {Priority::low, "low"}}};
constexpr Names<Channel, 7> k_channels{{{Channel::email, "email"},
                                        {Channel::phone, "phone"},
                                        {Channel::chat, "chat"},
                                        {Channel::social, "social"},
                                        {Channel::in_person, "in-person"},
                                        {Channel::web, "web"},
                                        {Channel::other, "other"}}};
constexpr Names<Status, 3> k_statuses{
    {{Status::open, "open"}, {Status::waiting, "waiting"}, {Status::resolved, "resolved"}}};
constexpr Names<EventKind, 11> k_event_kinds{{{EventKind::message, "message"},
                                              {EventKind::reply, "reply"},
                                              {EventKind::pause, "pause"},
                                              {EventKind::resume, "resume"},
                                              {EventKind::resolve, "resolve"},
                                              {EventKind::reopen, "reopen"},
                                              {EventKind::note, "note"},
                                              {EventKind::assign, "assign"},
                                              {EventKind::edit, "edit"},
                                              {EventKind::void_event, "void"},
                                              {EventKind::unvoid, "unvoid"}}};
constexpr Names<Metric, 3> k_metrics{
    {{Metric::reply, "reply"}, {Metric::update, "update"}, {Metric::resolve, "resolve"}}};
constexpr Names<Outcome, 3> k_outcomes{
    {{Outcome::running, "running"}, {Outcome::met, "met"}, {Outcome::breached, "breached"}}};

template <typename Enum, std::size_t N>
std::string_view name_of(const Names<Enum, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) {
      return name;
    }
  }
  return "?";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const Names<Enum, N>& names, std::string_view text) {
  for (const auto& [candidate, name] : names) {
    if (name == text) {
      return candidate;
    }
  }
  return std::nullopt;
}

} // namespace

std::string_view to_string(Priority value) {
  return name_of(k_priorities, value);
}
std::string_view to_string(Channel value) {
  return name_of(k_channels, value);
}
std::string_view to_string(Status value) {
  return name_of(k_statuses, value);
}
std::string_view to_string(EventKind value) {
  return name_of(k_event_kinds, value);
}
std::string_view to_string(Metric value) {
  return name_of(k_metrics, value);
}
std::string_view to_string(Outcome value) {
  return name_of(k_outcomes, value);
}

std::optional<Priority> priority_from(std::string_view text) {
  return value_of(k_priorities, text);
}
std::optional<Channel> channel_from(std::string_view text) {
  return value_of(k_channels, text);
}
std::optional<Status> status_from(std::string_view text) {
  return value_of(k_statuses, text);
}
std::optional<EventKind> event_kind_from(std::string_view text) {
  return value_of(k_event_kinds, text);
}
std::optional<Metric> metric_from(std::string_view text) {
  return value_of(k_metrics, text);
}
std::optional<Outcome> outcome_from(std::string_view text) {
  return value_of(k_outcomes, text);
}

std::string_view priority_names() {
  return "urgent, high, normal, low";
}
std::string_view channel_names() {
  return "email, phone, chat, social, in-person, web, other";
}

} // namespace slatrack
