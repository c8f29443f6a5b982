// The records slatrack keeps: calendars, SLA policies, clients, requests and their events. Plain
// aggregates shared by the store and the CLI.
#pragma once

#include "slatrack/calendar.hpp"
#include "slatrack/domain.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/time.hpp"

#include <map>
#include <optional>
#include <span>
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

// What `calendar edit` changes; nullopt = unchanged. When: a new version from local date
// `from_day` (days since 1970-01-01), or with `retroactive` every version changed in place
// (SPEC.md "Rules have dates"); one of the two is required.
struct CalendarChange {
  std::optional<std::string> zone;
  std::optional<WeeklyHours> hours;
  std::optional<std::int64_t> from_day;
  bool retroactive = false;
};

// A per-priority override of a policy's targets. nullopt = inherit the policy's base target;
// for update and resolve, Seconds{0} = no target for this priority.
struct TargetOverride {
  std::optional<Target> reply;
  std::optional<Target> update;
  std::optional<Target> resolve;
  friend bool operator==(const TargetOverride&, const TargetOverride&) = default;
};

// One version of a policy's rules (SPEC.md "Rules have dates"): in force for the requests
// received from `from` (nullopt: the beginning of time) until the next version starts.
struct PolicyVersion {
  std::int64_t id = 0; // the store's id; 0 for a version not stored yet
  std::optional<Instant> from;
  std::string calendar;
  Targets base;
  std::map<Priority, TargetOverride> overrides;
  // The same rules (ids and start times aside).
  [[nodiscard]] bool same_rules(const PolicyVersion& other) const {
    return calendar == other.calendar && base == other.base && overrides == other.overrides;
  }
};

// A policy. `calendar`, `base` and `overrides` are those of its latest version; `versions` holds
// every version, oldest first (the first one from the beginning of time).
struct Policy {
  std::string name;
  std::string calendar;
  Targets base;
  std::map<Priority, TargetOverride> overrides;
  bool builtin = false;
  std::vector<PolicyVersion> versions;
};

// The targets of `policy` (its latest version) for a request of `priority`.
[[nodiscard]] Targets targets_for(const Policy& policy, Priority priority);
// The targets of `version` for a request of `priority`.
[[nodiscard]] Targets targets_for(const PolicyVersion& version, Priority priority);

// The index in `versions` (oldest first, the first from the beginning of time) of the version
// that judges a request received at `received`: the last one that starts at or before it.
[[nodiscard]] std::size_t version_in_force(std::span<const PolicyVersion> versions,
                                           Instant received);

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
  // When: a new version from `from` (the version in force then, changed), or with `retroactive`
  // every version changed in place. Neither: the caller's default, from now.
  std::optional<Instant> from;
  bool retroactive = false;
};

// Applies the calendar and targets of `change` to one version (its base, or with
// change.priority that priority's override).
void apply_change(PolicyVersion& version, const PolicyChange& change);

// A policy's versions after a change, and which requests it may re-judge.
struct VersionedChange {
  std::vector<PolicyVersion> versions; // oldest first; a new version has id 0
  bool all = false;                    // every request of the policy (a retroactive change)
  Instant from{};                      // else those received in [from, until)
  std::optional<Instant> until;        // nullopt: no later version
  bool changed = false;                // false: the rules are what they were
};

// SPEC.md "Rules have dates": with change.retroactive the change applies to every version; else
// a version starts at `from` (change.from): the version in force at `from` with the change, until
// the next version that starts later, which stays as it is (a version that starts exactly at
// `from` is changed in place). A new version equal to the one before it is not added.
[[nodiscard]] VersionedChange change_versions(std::vector<PolicyVersion> versions,
                                              const PolicyChange& change, Instant from);

struct Client {
  std::string name;
  std::string policy;
  std::vector<std::string> emails;  // mail addresses, lower case, sorted (`mail` finds it by them)
  std::vector<std::string> domains; // mail domains, lower case, sorted
  std::optional<std::string> owner;
  std::optional<std::string> note;
  std::int64_t open_requests = 0; // not resolved
  std::int64_t total_requests = 0;
};

// What `client edit` changes; nullopt = unchanged.
struct ClientChange {
  std::optional<std::string> rename;
  std::optional<std::string> policy;
  // The client's whole list of addresses and of domains (`client edit --email A --email B`);
  // an empty list removes them all.
  std::optional<std::vector<std::string>> emails;
  std::optional<std::vector<std::string>> domains;
  std::optional<std::string> owner;
  std::optional<std::string> note;
  // With `policy`: also move the client's requests that are not resolved (`client edit --open`),
  // recorded as edits at `now` by `recorder`.
  bool open = false;
  Instant now{};
  std::string recorder;
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

// The running clocks of `request` (its reply_due, update_due and resolve_due) due at or before
// `last`, earliest first, `request.next` first among equal due times: the clocks `overdue --new`
// may tell for it (the first one not told yet; docs/reports.md).
[[nodiscard]] std::vector<NextDue> running_due(const Request& request, Instant last);

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
