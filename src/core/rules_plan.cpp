// The plan of `config apply`: which store operations make the rules in the database match a rules
// document, each with a line that says what it changes.
#include "slatrack/error.hpp"
#include "slatrack/rules_text.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <date/date.h>
#include <fmt/format.h>

namespace slatrack {

namespace {

constexpr std::array<Priority, 4> k_priorities{Priority::urgent, Priority::high, Priority::normal,
                                               Priority::low};

template <typename T, typename Name>
const T* find_named(const std::vector<T>& items, std::string_view name, Name name_of) {
  const std::string wanted = to_lower(name);
  for (const T& item : items) {
    if (to_lower(name_of(item)) == wanted) {
      return &item;
    }
  }
  return nullptr;
}

const CalendarRules* find(const std::vector<CalendarRules>& items, std::string_view name) {
  return find_named(items, name, [](const CalendarRules& item) { return item.name; });
}
const Policy* find(const std::vector<Policy>& items, std::string_view name) {
  return find_named(items, name, [](const Policy& item) { return item.name; });
}
const ClientRules* find(const std::vector<ClientRules>& items, std::string_view name) {
  return find_named(items, name, [](const ClientRules& item) { return item.name; });
}

bool same_name(std::string_view a, std::string_view b) {
  return to_lower(a) == to_lower(b);
}

std::string text_or_none(const std::optional<std::string>& value) {
  return value ? fmt::format("\"{}\"", *value) : std::string("none");
}

// Addresses or domains for a step's detail: "a@x.example" "b@x.example".
std::string list_text(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values) {
    out += fmt::format("{}\"{}\"", out.empty() ? "" : " ", value);
  }
  return out;
}

std::string target_or(const std::optional<Target>& value, std::string_view absent) {
  if (!value) {
    return std::string(absent);
  }
  return *value == Target{Seconds{0}} ? std::string("none") : format_target(*value);
}

void append(std::string& detail, std::string_view part) {
  detail += detail.empty() ? "" : ", ";
  detail += part;
}

std::string change_text(std::string_view what, std::string_view from, std::string_view to) {
  return fmt::format("{} {} -> {}", what, from, to);
}

std::string holiday_text(const Holiday& day) {
  return day.name.empty() ? format_holiday_date(day)
                          : fmt::format("{} ({})", format_holiday_date(day), day.name);
}

// An override that sets nothing is the same as none.
std::optional<TargetOverride> effective(const std::map<Priority, TargetOverride>& overrides,
                                        Priority priority) {
  const auto found = overrides.find(priority);
  if (found == overrides.end() || found->second == TargetOverride{}) {
    return std::nullopt;
  }
  return found->second;
}

std::string targets_text(const Policy& policy) {
  std::string detail =
      fmt::format("calendar {}, reply {}", policy.calendar, format_target(policy.base.reply));
  if (policy.base.update) {
    append(detail, fmt::format("update {}", format_target(*policy.base.update)));
  }
  if (policy.base.resolve) {
    append(detail, fmt::format("resolve {}", format_target(*policy.base.resolve)));
  }
  for (const Priority priority : k_priorities) {
    if (const std::optional<TargetOverride> targets = effective(policy.overrides, priority)) {
      std::string part;
      if (targets->reply) {
        append(part, fmt::format("reply {}", format_target(*targets->reply)));
      }
      if (targets->update) {
        append(part, fmt::format("update {}", target_or(targets->update, "")));
      }
      if (targets->resolve) {
        append(part, fmt::format("resolve {}", target_or(targets->resolve, "")));
      }
      detail += fmt::format("; {}: {}", to_string(priority), part);
    }
  }
  return detail;
}

// "1 earlier version", "2 earlier versions".
std::string earlier_text(std::size_t count) {
  return count == 1 ? std::string("1 earlier version") : fmt::format("{} earlier versions", count);
}

// "2026-12-01T00:00:00Z", as a rules file writes a version's start.
std::string format_instant(Instant at) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", at);
}

class Planner {
public:
  Planner(const RuleSet& current, const RuleSet& wanted, bool retroactive)
      : m_current(current), m_wanted(wanted), m_retroactive(retroactive) {}

  void calendars() {
    for (const CalendarRules& wanted : m_wanted.calendars) {
      if (same_name(wanted.name, k_always_calendar)) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("calendar \"{}\" is built in and cannot be changed; leave it out "
                                "of the file",
                                k_always_calendar)};
      }
      const CalendarRules* current = find(m_current.calendars, wanted.name);
      if (current == nullptr) {
        std::string detail =
            fmt::format("tz {}, hours {}", wanted.zone, format_hours(wanted.hours));
        if (!wanted.holidays.empty()) {
          append(detail, wanted.holidays.size() == 1
                             ? std::string("1 holiday")
                             : fmt::format("{} holidays", wanted.holidays.size()));
        }
        // A new calendar gets every version the file gives, dated as it says.
        if (wanted.versions.size() > 1 && wanted.versions.back().from_day) {
          detail += fmt::format("; from {}, {}", format_day(*wanted.versions.back().from_day),
                                earlier_text(wanted.versions.size() - 1));
        }
        add(RuleAction::add, RuleKind::calendar, wanted.name, detail, wanted);
        continue;
      }
      change_calendar(*current, wanted);
    }
  }

  void policies() {
    for (const Policy& wanted : m_wanted.policies) {
      const Policy* current = find(m_current.policies, wanted.name);
      if (current == nullptr) {
        // A new policy gets every version the file gives, dated as it says.
        std::string detail = targets_text(wanted);
        if (wanted.versions.size() > 1 && wanted.versions.back().from) {
          detail += fmt::format("; from {}, {}", format_instant(*wanted.versions.back().from),
                                earlier_text(wanted.versions.size() - 1));
        }
        add(RuleAction::add, RuleKind::policy, wanted.name, detail, wanted);
        continue;
      }
      change_policy(*current, wanted);
    }
  }

  void clients() {
    for (const ClientRules& wanted : m_wanted.clients) {
      const ClientRules* current = find(m_current.clients, wanted.name);
      if (current == nullptr) {
        std::string detail = fmt::format("sla {}", wanted.policy);
        if (!wanted.emails.empty()) {
          append(detail, fmt::format("email {}", list_text(wanted.emails)));
        }
        if (!wanted.domains.empty()) {
          append(detail, fmt::format("domain {}", list_text(wanted.domains)));
        }
        if (wanted.owner) {
          append(detail, fmt::format("owner \"{}\"", *wanted.owner));
        }
        if (wanted.note) {
          append(detail, fmt::format("note \"{}\"", *wanted.note));
        }
        add(RuleAction::add, RuleKind::client, wanted.name, detail, wanted);
        continue;
      }
      change_client(*current, wanted);
    }
  }

  // Removes what the document does not name: clients, then policies, then calendars (a policy
  // can only go once no client uses it, a calendar once no policy does). Built-in ones stay.
  void prune() {
    for (const ClientRules& current : m_current.clients) {
      if (find(m_wanted.clients, current.name) == nullptr) {
        add(RuleAction::remove, RuleKind::client, current.name, "not in the file", RemoveRule{});
      }
    }
    for (const Policy& current : m_current.policies) {
      if (!current.builtin && find(m_wanted.policies, current.name) == nullptr) {
        add(RuleAction::remove, RuleKind::policy, current.name, "not in the file", RemoveRule{});
      }
    }
    for (const CalendarRules& current : m_current.calendars) {
      if (!same_name(current.name, k_always_calendar)
          && find(m_wanted.calendars, current.name) == nullptr) {
        add(RuleAction::remove, RuleKind::calendar, current.name, "not in the file", RemoveRule{});
      }
    }
  }

  RulesPlan take() {
    return std::move(m_plan);
  }

private:
  void add(RuleAction action, RuleKind kind, const std::string& name, std::string detail,
           RuleOperation operation) {
    m_plan.steps.push_back(RuleStep{action, kind, name, std::move(detail), std::move(operation)});
  }

  static void mark(std::vector<std::string>& names, std::string_view name) {
    const std::string lower = to_lower(name);
    if (std::find(names.begin(), names.end(), lower) == names.end()) {
      names.push_back(lower);
    }
  }

  // The changes that make `current`'s latest version (with m_retroactive: every version) what
  // `wanted` gives: a new version from the file's `from` (the caller's default: today). The
  // earlier versions in the file ([[calendar.NAME.earlier]]) of a calendar the database has are
  // compared: one that differs from the database is refused rather than silently left as it is.
  void change_calendar(const CalendarRules& current, const CalendarRules& wanted) {
    const std::vector<CalendarVersion> had = calendar_versions(current);
    if (wanted.versions.size() > 1) {
      const std::vector<CalendarVersion> earlier(wanted.versions.begin(),
                                                 wanted.versions.end() - 1);
      const std::vector<CalendarVersion> current_earlier(had.begin(), had.end() - 1);
      if (earlier != current_earlier) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("calendar \"{}\": its [[calendar.{}.earlier]] versions differ from "
                                "the database's, and config apply changes only the latest "
                                "version; change an earlier one with: slatrack calendar edit {} "
                                "--from DATE (or --retroactive)",
                                current.name, current.name, current.name)};
      }
    }
    CalendarChange change;
    change.from_day = wanted.versions.empty() ? std::nullopt : wanted.versions.back().from_day;
    std::string detail;
    const std::vector<CalendarVersion> views =
        m_retroactive ? had : std::vector<CalendarVersion>{had.back()};
    for (const CalendarVersion& view : views) {
      if (!change.zone && view.zone != wanted.zone) {
        change.zone = wanted.zone;
        append(detail, change_text("tz", view.zone, wanted.zone));
      }
      if (!change.hours && view.hours != wanted.hours) {
        change.hours = wanted.hours;
        append(detail, change_text("hours", format_hours(view.hours), format_hours(wanted.hours)));
      }
    }
    if (!detail.empty() && change.from_day && !m_retroactive) {
      append(detail, fmt::format("from {}", format_day(*change.from_day)));
    }
    if (!detail.empty()) {
      add(RuleAction::change, RuleKind::calendar, current.name, detail, change);
      mark(m_plan.reevaluated_calendars, current.name);
    }
    const auto same_date = [](const Holiday& a, const Holiday& b) {
      return a.year == b.year && a.month == b.month && a.day == b.day;
    };
    AddHolidays added;
    std::string added_detail;
    for (const Holiday& day : wanted.holidays) {
      const auto found = std::find_if(current.holidays.begin(), current.holidays.end(),
                                      [&](const Holiday& other) { return same_date(day, other); });
      if (found == current.holidays.end()) {
        added.days.push_back(day);
        append(added_detail, fmt::format("add holiday {}", holiday_text(day)));
        mark(m_plan.reevaluated_calendars, current.name);
      } else if (found->name != day.name) {
        added.days.push_back(day);
        append(added_detail, fmt::format("holiday {} name \"{}\" -> \"{}\"",
                                         format_holiday_date(day), found->name, day.name));
      }
    }
    if (!added.days.empty()) {
      add(RuleAction::change, RuleKind::calendar, current.name, added_detail, added);
    }
    RemoveHolidays removed;
    std::string removed_detail;
    for (const Holiday& day : current.holidays) {
      if (std::none_of(wanted.holidays.begin(), wanted.holidays.end(),
                       [&](const Holiday& other) { return same_date(day, other); })) {
        removed.days.push_back(day);
        append(removed_detail, fmt::format("remove holiday {}", holiday_text(day)));
      }
    }
    if (!removed.days.empty()) {
      add(RuleAction::change, RuleKind::calendar, current.name, removed_detail, removed);
      mark(m_plan.reevaluated_calendars, current.name);
    }
  }

  // The changes that make `current`'s latest version (with m_retroactive: every version) what
  // `wanted` gives; with m_retroactive, a field that differs in any version is set in all.
  void change_policy(const Policy& current, const Policy& wanted) {
    // The earlier versions in the file ([[sla.NAME.earlier]]) of a policy the database has are
    // compared: one that differs from the database's is refused rather than silently left as it
    // is.
    if (wanted.versions.size() > 1) {
      bool same = wanted.versions.size() == current.versions.size();
      for (std::size_t i = 0; same && i + 1 < wanted.versions.size(); ++i) {
        same = wanted.versions[i].from == current.versions[i].from
               && wanted.versions[i].same_rules(current.versions[i]);
      }
      if (!same) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("sla \"{}\": its [[sla.{}.earlier]] versions differ from the "
                                "database's, and config apply changes only the latest version; "
                                "change an earlier one with: slatrack sla set {} --from TIME (or "
                                "--retroactive)",
                                current.name, current.name, current.name)};
      }
    }
    // The changes start a version from the file's `from` (the caller's default: now).
    const std::optional<Instant> starts =
        wanted.versions.empty() ? std::nullopt : wanted.versions.back().from;
    std::vector<PolicyVersion> views;
    if (m_retroactive && !current.versions.empty()) {
      views = current.versions;
    } else {
      PolicyVersion latest;
      latest.calendar = current.calendar;
      latest.base = current.base;
      latest.overrides = current.overrides;
      views.push_back(std::move(latest));
    }
    PolicyChange base;
    base.from = starts;
    std::string detail;
    std::map<Priority, std::pair<PolicyChange, std::string>> by_priority;
    for (const PolicyVersion& view : views) {
      if (!base.calendar && !same_name(view.calendar, wanted.calendar)) {
        base.calendar = wanted.calendar;
        append(detail, change_text("calendar", view.calendar, wanted.calendar));
      }
      if (!base.reply && view.base.reply != wanted.base.reply) {
        base.reply = wanted.base.reply;
        append(detail, change_text("reply", format_target(view.base.reply),
                                   format_target(wanted.base.reply)));
      }
      if (!base.update && view.base.update != wanted.base.update) {
        base.update = wanted.base.update;
        append(detail, change_text("update", target_or(view.base.update, "none"),
                                   target_or(wanted.base.update, "none")));
      }
      if (!base.resolve && view.base.resolve != wanted.base.resolve) {
        base.resolve = wanted.base.resolve;
        append(detail, change_text("resolve", target_or(view.base.resolve, "none"),
                                   target_or(wanted.base.resolve, "none")));
      }
      for (const Priority priority : k_priorities) {
        const std::optional<TargetOverride> had = effective(view.overrides, priority);
        const std::optional<TargetOverride> wants = effective(wanted.overrides, priority);
        if (had == wants || by_priority.count(priority) != 0) {
          continue;
        }
        const TargetOverride from = had.value_or(TargetOverride{});
        const TargetOverride to = wants.value_or(TargetOverride{});
        PolicyChange change;
        change.from = starts;
        change.priority = priority;
        change.reset = true;
        change.reply = to.reply;
        // PolicyChange: outer nullopt = not given (inherits after the reset), inner nullopt =
        // none.
        const auto given = [](const std::optional<Target>& target) {
          std::optional<std::optional<Target>> out;
          if (target) {
            out = *target == Target{Seconds{0}} ? std::optional<Target>{}
                                                : std::optional<Target>{*target};
          }
          return out;
        };
        change.update = given(to.update);
        change.resolve = given(to.resolve);
        std::string part;
        if (from.reply != to.reply) {
          append(part, change_text("reply", target_or(from.reply, "inherit"),
                                   target_or(to.reply, "inherit")));
        }
        if (from.update != to.update) {
          append(part, change_text("update", target_or(from.update, "inherit"),
                                   target_or(to.update, "inherit")));
        }
        if (from.resolve != to.resolve) {
          append(part, change_text("resolve", target_or(from.resolve, "inherit"),
                                   target_or(to.resolve, "inherit")));
        }
        by_priority.emplace(priority, std::make_pair(change, part));
      }
    }
    if (!detail.empty()) {
      add(RuleAction::change, RuleKind::policy, current.name, detail, base);
    }
    for (const auto& [priority, step] : by_priority) {
      add(RuleAction::change, RuleKind::policy, current.name,
          fmt::format("{}: {}", to_string(priority), step.second), step.first);
    }
    if (!detail.empty() || !by_priority.empty()) {
      mark(m_plan.reevaluated_policies, current.name);
    }
  }

  void change_client(const ClientRules& current, const ClientRules& wanted) {
    ClientChange change;
    std::string detail;
    if (current.name != wanted.name) {
      change.rename = wanted.name;
      append(detail, change_text("name", current.name, wanted.name));
    }
    if (!same_name(current.policy, wanted.policy)) {
      change.policy = wanted.policy;
      append(detail, change_text("sla", current.policy, wanted.policy));
    }
    const auto field = [&](std::string_view key, const std::optional<std::string>& from,
                           const std::optional<std::string>& to, std::optional<std::string>& out) {
      if (from != to) {
        out = to.value_or(std::string{}); // the store clears a field given as empty text
        append(detail, change_text(key, text_or_none(from), text_or_none(to)));
      }
    };
    const auto list = [&](std::string_view key, const std::vector<std::string>& from,
                          const std::vector<std::string>& to,
                          std::optional<std::vector<std::string>>& out) {
      if (from != to) {
        out = to;
        append(detail, change_text(key, from.empty() ? "none" : list_text(from),
                                   to.empty() ? "none" : list_text(to)));
      }
    };
    list("email", current.emails, wanted.emails, change.emails);
    list("domain", current.domains, wanted.domains, change.domains);
    field("owner", current.owner, wanted.owner, change.owner);
    field("note", current.note, wanted.note, change.note);
    if (!detail.empty()) {
      add(RuleAction::change, RuleKind::client, current.name, detail, change);
    }
  }

  const RuleSet& m_current;
  const RuleSet& m_wanted;
  bool m_retroactive = false;
  RulesPlan m_plan;
};

} // namespace

RulesPlan plan_rules(const RuleSet& current, const RuleSet& wanted, bool prune, bool retroactive) {
  Planner planner(current, wanted, retroactive);
  planner.calendars();
  planner.policies();
  planner.clients();
  if (prune) {
    planner.prune();
  }
  return planner.take();
}

} // namespace slatrack
