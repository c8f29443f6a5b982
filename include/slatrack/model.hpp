// The records slatrack keeps: calendars, SLA policies, clients, requests and their events. Plain
// aggregates shared by the store and the CLI.
#pragma once

#include "slatrack/calendar.hpp"
#include "slatrack/domain.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/time.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

inline constexpr std::string_view k_always_calendar = "24x7";
inline constexpr std::string_view k_default_policy = "default";

struct Calendar {
  CalendarRules rules;
  bool builtin = false;
};

// What `calendar edit` changes; nullopt = unchanged.
struct CalendarChange {
  std::optional<std::string> zone;
  std::optional<WeeklyHours> hours;
};

// A per-priority override of a policy's targets. nullopt = inherit the policy's base target;
// for update and resolve, Seconds{0} = no target for this priority.
struct TargetOverride {
  std::optional<Target> reply;
  std::optional<Target> update;
  std::optional<Target> resolve;
  friend bool operator==(const TargetOverride&, const TargetOverride&) = default;
};

struct Policy {
  std::string name;
  std::string calendar;
  Targets base;
  std::map<Priority, TargetOverride> overrides;
  bool builtin = false;
};

// The targets of `policy` for a request of `priority`.
[[nodiscard]] Targets targets_for(const Policy& policy, Priority priority);

// What `sla set` changes. With `priority`, the targets given change that priority's override;
// without, the base targets. For update/resolve the inner nullopt means "none".
struct PolicyChange {
  std::optional<Priority> priority;
  std::optional<std::string> calendar;
  std::optional<Target> reply;
  std::optional<std::optional<Target>> update;
  std::optional<std::optional<Target>> resolve;
  // With `priority`: drop that priority's override first (its targets inherit the base again),
  // then apply the targets given (config apply uses it to make an override exactly the file's).
  bool reset = false;
};

struct Client {
  std::string name;
  std::string policy;
  std::optional<std::string> email;
  std::optional<std::string> owner;
  std::optional<std::string> note;
  std::int64_t open_requests = 0; // not resolved
  std::int64_t total_requests = 0;
};

// What `client edit` changes; nullopt = unchanged.
struct ClientChange {
  std::optional<std::string> rename;
  std::optional<std::string> policy;
  std::optional<std::string> email;
  std::optional<std::string> owner;
  std::optional<std::string> note;
};

// A request with its derived state.
struct Request {
  RequestId id;
  std::string client;
  std::string subject;
  Channel channel = Channel::email;
  Priority priority = Priority::normal;
  Status status = Status::open;
  std::optional<std::string> assignee;
  std::string policy;
  std::string calendar; // the policy's calendar
  std::optional<std::string> ref;
  Instant received_at;
  std::optional<Instant> replied_at;
  std::optional<Instant> resolved_at;
  std::optional<Instant> reply_due;
  std::optional<Instant> update_due;
  std::optional<Instant> resolve_due;
  std::optional<NextDue> next; // the running clock with the earliest due time
};

struct Event {
  std::int64_t id = 0;
  EventKind kind = EventKind::note;
  Instant at;
  std::string author;
  std::optional<std::string> text;
  Instant recorded_at;
  std::int64_t number = 0;               // within its request: 1 for the first message
  std::string recorder;                  // who entered it (SLATRACK_USER, else the login name)
  std::optional<std::int64_t> target;    // void, unvoid: the event marked (0: the request)
  std::optional<std::int64_t> voided_by; // the void event that voids it, if any
};

// A request with everything `show` needs.
struct RequestDetail {
  Request request;
  Targets targets;
  std::vector<Event> events; // in time order
  std::vector<ClockRun> clocks;
  std::optional<std::int64_t> voided_by; // the void event that voids the request, if any

  // The event numbered `number`, if any.
  [[nodiscard]] const Event* event(std::int64_t number) const {
    for (const Event& candidate : events) {
      if (candidate.number == number) {
        return &candidate;
      }
    }
    return nullptr;
  }
};

} // namespace slatrack
