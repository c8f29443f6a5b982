// What calendars, SLA policies and clients allow, and the messages of their refusals
// (rule_checks.hpp).
#include "slatrack/rule_checks.hpp"

#include "slatrack/input.hpp"
#include "slatrack/text.hpp"
#include "slatrack/zone.hpp"

#include <algorithm>
#include <date/date.h>
#include <fmt/format.h>
#include <memory>
#include <optional>

namespace slatrack {

namespace {

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

void check_name(std::string_view needs, std::string_view what, std::string_view name) {
  if (blank(name)) {
    throw Error{ErrorKind::invalid_input, std::string(needs)};
  }
  if (std::optional<std::string> problem = name_problem(what, name)) {
    throw Error{ErrorKind::invalid_input, *problem};
  }
}

} // namespace

std::string plural(std::int64_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

void check_calendar_name(std::string_view name) {
  check_name("a calendar needs a name", "calendar name", name);
}

void check_policy_name(std::string_view name) {
  check_name("an SLA policy needs a name", "policy name", name);
}

void check_client_name(std::string_view name) {
  check_name("a client needs a name", "client name", name);
}

Error no_such(std::string_view what, std::string_view name, const std::vector<std::string>& names,
              std::string_view next) {
  return Error{ErrorKind::not_found,
               fmt::format("no {} \"{}\"{}; {}", what, name, did_you_mean(name, names), next)};
}

std::string add_calendar_step(std::string_view name) {
  return fmt::format("add it with: slatrack calendar add {} --tz ZONE --hours SPEC",
                     shell_word(name));
}

std::string add_policy_step(std::string_view name) {
  return fmt::format("add it with: slatrack sla add {} --reply DUR", shell_word(name));
}

std::string add_client_step(std::string_view name, bool or_create) {
  return fmt::format("add it with: slatrack client add {}{}", shell_word(name),
                     or_create ? ", or pass --create-client" : "");
}

Error ambiguous_client(std::string_view name, const std::vector<std::string>& matches) {
  return Error{ErrorKind::invalid_input,
               fmt::format("\"{}\" could be {}; give more of the client's name", name,
                           quoted_list(matches))};
}

// ---- calendars ----

void check_holiday(const Holiday& day) {
  const int year = day.year == 0 ? 2000 : day.year; // 2000 is a leap year: 02-29 is fine yearly
  const date::year_month_day ymd{date::year{year}, date::month{day.month}, date::day{day.day}};
  if (day.year < 0 || day.year > 9999 || !ymd.ok()) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("holiday {} is not a date; write YYYY-MM-DD (once) or MM-DD (every "
                            "year)",
                            format_holiday_date(day))};
  }
}

CalendarRules checked_calendar(CalendarRules rules, const ZoneSource& zones) {
  rules.zone = find_zone(zones, rules.zone).name();
  for (CalendarVersion& version : rules.versions) {
    version.zone = find_zone(zones, version.zone).name();
  }
  for (const Holiday& day : rules.holidays) {
    check_holiday(day);
  }
  const std::unique_ptr<Clock> made = make_clock(rules, zones);
  // A calendar that is never open (its holidays close every open day, every year) would stop
  // every clock on it and every `overdue --within`: refused where it is made.
  try {
    static_cast<void>(made->add(Instant{std::chrono::seconds{k_open_time_probe}}, Seconds{60}));
  } catch (const Error&) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("calendar \"{}\" would never be open: its holidays close every day "
                            "it has open hours; nothing was changed: keep some days open",
                            rules.name)};
  }
  return rules;
}

CalendarRules checked_new_calendar(CalendarRules rules, const ZoneSource& zones) {
  if (!rules.versions.empty()) {
    for (std::size_t i = 1; i < rules.versions.size(); ++i) {
      const std::optional<std::int64_t>& from = rules.versions[i].from_day;
      const std::optional<std::int64_t>& before = rules.versions[i - 1].from_day;
      if (!from || (i > 1 && before && *from <= *before)) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("calendar \"{}\": each version after the first needs a from "
                                "later than the one before it (oldest first: the "
                                "[[calendar.NAME.earlier]] tables, then [calendar.NAME])",
                                rules.name)};
      }
    }
    // The first version is in force from the beginning of time; one version alone is the
    // calendar's zone and hours.
    std::vector<CalendarVersion> versions = rules.versions;
    set_calendar_versions(rules, std::move(versions));
  }
  return checked_calendar(std::move(rules), zones);
}

void check_calendar_change(const CalendarChange& change) {
  if (!change.retroactive && !change.from_day) {
    throw Error{ErrorKind::internal, "a calendar change needs a date it starts from (a bug)"};
  }
}

Error calendar_exists(std::string_view existing) {
  return Error{ErrorKind::invalid_input,
               fmt::format("calendar \"{}\" exists; change it with: slatrack calendar edit {}",
                           existing, shell_word(existing))};
}

Error calendar_built_in(std::string_view name) {
  return Error{ErrorKind::invalid_input,
               fmt::format("calendar \"{}\" is built in and cannot be changed; add your own "
                           "with: slatrack calendar add NAME --tz ZONE --hours SPEC",
                           name)};
}

Error calendar_not_removable(std::string_view name) {
  return Error{ErrorKind::invalid_input,
               fmt::format("calendar \"{}\" is built in and cannot be removed", name)};
}

Error calendar_in_use(std::string_view name, const std::vector<std::string>& policies) {
  // "policy "a"", "policies "a" and "b"", "policies "a", "b", "c" and 2 more"
  std::string named;
  const std::size_t shown = std::min<std::size_t>(policies.size(), 3);
  for (std::size_t i = 0; i < shown; ++i) {
    const bool last = i + 1 == shown && shown == policies.size();
    named += i == 0 ? "" : (last ? " and " : ", ");
    named += fmt::format("\"{}\"", policies[i]);
  }
  if (shown < policies.size()) {
    named += fmt::format(" and {} more", policies.size() - shown);
  }
  const bool one = policies.size() == 1;
  return Error{ErrorKind::invalid_input,
               fmt::format("calendar \"{}\" is used by {} {}; move {} first with: slatrack sla "
                           "set {} --calendar OTHER",
                           name, one ? "policy" : "policies", named, one ? "the policy" : "them",
                           policies.empty() ? std::string{} : shell_word(policies.front()))};
}

Error no_holiday(std::string_view name, const Holiday& day) {
  return Error{ErrorKind::invalid_input,
               fmt::format("calendar \"{}\" has no holiday {}; see them with: slatrack "
                           "calendar show {}",
                           name, format_holiday_date(day), shell_word(name))};
}

// ---- SLA policies ----

void check_target(std::string_view policy, std::string_view metric, Target value) {
  if (!value.in_business_days() && value.time <= Seconds{0}) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("SLA policy \"{}\": the {} target must be longer than 0; give a "
                            "duration such as 2h",
                            policy, metric)};
  }
}

namespace {

void check_new_targets(std::string_view name, const Targets& base,
                       const std::map<Priority, TargetOverride>& overrides) {
  check_target(name, "reply", base.reply);
  if (base.update) {
    check_target(name, "update", *base.update);
  }
  if (base.resolve) {
    check_target(name, "resolve", *base.resolve);
  }
  for (const auto& [priority, override_] : overrides) {
    if (override_.reply) {
      check_target(name, "reply", *override_.reply);
    }
    // An override's update or resolve of 0 means no target for that priority.
    for (const std::optional<Target>& target : {override_.update, override_.resolve}) {
      if (target && !target->in_business_days() && target->time < Seconds{0}) {
        check_target(name, "update or resolve", *target);
      }
    }
  }
}

} // namespace

void check_new_policy(const Policy& policy) {
  check_policy_name(policy.name);
  check_new_targets(policy.name, policy.base, policy.overrides);
  if (policy.versions.size() < 2) {
    return; // one version: from the beginning of time, whatever `from` it says
  }
  for (std::size_t i = 0; i < policy.versions.size(); ++i) {
    const PolicyVersion& version = policy.versions[i];
    check_new_targets(policy.name, version.base, version.overrides);
    if (i == 0) {
      continue; // the first version is in force from the beginning of time
    }
    const std::optional<Instant>& before = policy.versions[i - 1].from;
    if (!version.from || (i > 1 && before && *version.from <= *before)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("SLA policy \"{}\": each version after the first needs a from "
                              "later than the one before it (oldest first: the "
                              "[[sla.NAME.earlier]] tables, then [sla.NAME])",
                              policy.name)};
    }
  }
}

void check_policy_change(std::string_view name, const PolicyChange& change) {
  if (change.reply) {
    check_target(name, "reply", *change.reply);
  }
  if (change.update && *change.update) {
    check_target(name, "update", **change.update);
  }
  if (change.resolve && *change.resolve) {
    check_target(name, "resolve", **change.resolve);
  }
  if (!change.retroactive && !change.from) {
    throw Error{ErrorKind::internal, "a policy change needs a time it starts from (a bug)"};
  }
}

std::vector<PolicyVersion> new_policy_versions(const Policy& policy) {
  const auto calendar_of = [](const std::string& calendar) {
    return calendar.empty() ? std::string(k_always_calendar) : calendar;
  };
  std::vector<PolicyVersion> out;
  if (policy.versions.size() < 2) {
    PolicyVersion first;
    first.calendar = calendar_of(policy.calendar);
    first.base = policy.base;
    first.overrides = policy.overrides;
    out.push_back(std::move(first));
    return out;
  }
  for (const PolicyVersion& version : policy.versions) {
    PolicyVersion stored = version;
    stored.id = 0;
    stored.calendar = calendar_of(version.calendar);
    if (out.empty()) {
      stored.from.reset();
    }
    out.push_back(std::move(stored));
  }
  return out;
}

Error policy_exists(std::string_view existing) {
  return Error{ErrorKind::invalid_input,
               fmt::format("SLA policy \"{}\" exists; change it with: slatrack sla set {}",
                           existing, shell_word(existing))};
}

Error policy_not_removable(std::string_view name) {
  return Error{ErrorKind::invalid_input,
               fmt::format("SLA policy \"{}\" is built in and cannot be removed; change its "
                           "targets with: slatrack sla set {}",
                           name, shell_word(name))};
}

Error policy_used_by_clients(std::string_view name, std::int64_t clients) {
  return Error{ErrorKind::invalid_input,
               fmt::format("SLA policy \"{}\" is used by {}; move them first with: slatrack "
                           "client edit NAME --sla OTHER",
                           name, plural(clients, "client", "clients"))};
}

Error policy_used_by_requests(std::string_view name, std::int64_t requests) {
  return Error{ErrorKind::invalid_input,
               fmt::format("SLA policy \"{}\" is used by {}; keep it, or move them first "
                           "with: slatrack edit ID --sla OTHER",
                           name, plural(requests, "request", "requests"))};
}

// ---- clients ----

Error client_exists(std::string_view existing) {
  return Error{ErrorKind::invalid_input,
               fmt::format("client \"{}\" exists; change it with: slatrack client edit {}",
                           existing, shell_word(existing))};
}

Error client_name_taken(std::string_view other) {
  return Error{ErrorKind::invalid_input,
               fmt::format("client \"{}\" exists; pick another name", other)};
}

Error client_has_requests(std::string_view name, std::int64_t requests) {
  return Error{ErrorKind::invalid_input,
               fmt::format("client \"{}\" has {}; keep it, or move them first with: slatrack "
                           "edit ID --client OTHER",
                           name, plural(requests, "request", "requests"))};
}

Error address_taken(std::string_view option, std::string_view value, std::string_view owner) {
  return Error{ErrorKind::invalid_input,
               fmt::format("{} {} is client \"{}\"'s already (mail from it must find one "
                           "client); change that client first: slatrack client edit {} {} ...",
                           option, value, owner, shell_word(owner), option)};
}

// ---- rules as stored ----

Error calendar_missing(std::int64_t id, std::string_view location) {
  return Error{ErrorKind::storage, fmt::format("calendar {} is missing from {}", id, location)};
}

Error policy_missing(std::int64_t id, std::string_view location) {
  return Error{ErrorKind::storage, fmt::format("SLA policy {} is missing from {}", id, location)};
}

CalendarRules calendar_rules(const StoredCalendar& stored, std::string_view location) {
  CalendarRules out;
  out.name = stored.name;
  out.zone = stored.zone;
  try {
    out.hours = parse_hours(stored.hours);
  } catch (const Error& error) {
    throw Error{ErrorKind::storage,
                fmt::format("calendar \"{}\" in {} has hours slatrack cannot read ({}); set "
                            "them with: slatrack calendar edit {} --hours SPEC",
                            out.name, location, error.what(), shell_word(out.name))};
  }
  out.holidays = stored.holidays;
  // Later versions (the calendar's own zone and hours are the first, from the beginning of time).
  std::vector<CalendarVersion> versions{CalendarVersion{std::nullopt, out.zone, out.hours}};
  for (const StoredCalendarVersion& later : stored.later) {
    CalendarVersion version;
    try {
      version.from_day = parse_day(later.from_day);
      version.hours = parse_hours(later.hours);
    } catch (const Error& error) {
      throw Error{ErrorKind::storage,
                  fmt::format("calendar \"{}\" in {} has a version from {} slatrack cannot "
                              "read ({}); restore a backup",
                              out.name, location, later.from_day, error.what())};
    }
    version.zone = later.zone;
    versions.push_back(std::move(version));
  }
  set_calendar_versions(out, std::move(versions));
  return out;
}

void check_first_version(const Policy& policy, std::string_view location) {
  if (policy.versions.empty() || policy.versions.front().from) {
    throw Error{ErrorKind::storage,
                fmt::format("SLA policy \"{}\" in {} has no version from the beginning; "
                            "restore a backup",
                            policy.name, location)};
  }
}

Error policy_without_targets(std::string_view name, std::string_view location) {
  return Error{ErrorKind::storage,
               fmt::format("SLA policy \"{}\" in {} has no targets; set them with: slatrack "
                           "sla set {} --reply DUR --retroactive",
                           name, location, shell_word(name))};
}

void take_latest_version(Policy& policy) {
  const PolicyVersion& latest = policy.versions.back();
  policy.calendar = latest.calendar;
  policy.base = latest.base;
  policy.overrides = latest.overrides;
}

} // namespace slatrack
