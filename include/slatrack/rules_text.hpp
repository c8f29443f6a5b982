// Rules as text: calendars, SLA policies and clients as one TOML document (`config export` writes
// it, `config apply` reads it; the format is in docs/configuration.md), and the plan of store
// operations that makes a database's rules match such a document. Pure: no I/O.
#pragma once

#include "slatrack/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace slatrack {

// A client as the rules document gives it (no request counts).
struct ClientRules {
  std::string name;
  std::string policy = std::string(k_default_policy);
  std::vector<std::string> emails;  // lower case, sorted
  std::vector<std::string> domains; // lower case, sorted
  std::optional<std::string> owner;
  std::optional<std::string> note;
  friend bool operator==(const ClientRules&, const ClientRules&) = default;
};

// Everything a rules document names.
struct RuleSet {
  std::vector<CalendarRules> calendars;
  std::vector<Policy> policies;
  std::vector<ClientRules> clients;
};

// The TOML text of `rules`, in the order given: [calendar.NAME] tables (tz, hours in SPEC form,
// holidays), [sla.NAME] tables (calendar, reply, update, resolve as DUR, and [sla.NAME.PRIORITY]
// overrides), [client.NAME] tables (sla, email, domain, owner, note). parse_rules(format_rules(r))
// == r. Throws Error{invalid_input} for a target that DUR cannot write (not whole minutes).
[[nodiscard]] std::string format_rules(const RuleSet& rules);

// Parses a rules document. Every value is checked (zones, looked up in `zones`, SPEC, holiday
// dates, DUR, priorities) and unknown keys are refused. Throws Error{invalid_input} "SOURCE:LINE:
// what is wrong and what is accepted".
[[nodiscard]] RuleSet parse_rules(std::string_view text, std::string_view source,
                                  const ZoneSource& zones);

// ---- the plan ----

// Holidays to add (or rename: same date, new name) and to remove on one calendar.
struct AddHolidays {
  std::vector<Holiday> days;
};
struct RemoveHolidays {
  std::vector<Holiday> days;
};
struct RemoveRule {};

// What one step does; the alternative says which store operation runs it:
// CalendarRules: add_calendar; CalendarChange: change_calendar; AddHolidays: add_holidays;
// RemoveHolidays: remove_holidays; Policy: add_policy; PolicyChange: change_policy;
// ClientRules: add_client; ClientChange: change_client; RemoveRule: remove_calendar,
// remove_policy or remove_client (by `kind`).
using RuleOperation = std::variant<CalendarRules, CalendarChange, AddHolidays, RemoveHolidays,
                                   Policy, PolicyChange, ClientRules, ClientChange, RemoveRule>;

enum class RuleKind { calendar, policy, client };
enum class RuleAction { add, change, remove };

struct RuleStep {
  RuleAction action = RuleAction::change;
  RuleKind kind = RuleKind::calendar;
  std::string name;   // the name in the database (or in the document, for an add)
  std::string detail; // what changes, e.g. "reply 2h -> 1h, update none -> 16h"
  RuleOperation operation;
};

struct RulesPlan {
  std::vector<RuleStep> steps; // in the order to run them
  // Names (lower case) of the policies and calendars whose rules change: every request that uses
  // one of them is re-evaluated.
  std::vector<std::string> reevaluated_policies;
  std::vector<std::string> reevaluated_calendars;
};

// The steps that make `current` match `wanted` for everything `wanted` names: adds, then changes,
// in the order calendars, policies, clients; with `prune`, then removes what `wanted` does not
// name (clients, then policies, then calendars; built-in ones never). Names match
// case-insensitively; a client whose name differs only in case is renamed. Throws
// Error{invalid_input} for a built-in calendar in `wanted`. A policy is compared by its latest
// version; with `retroactive` by every version (a target that differs in any of them is changed,
// in all). A changed policy's steps carry the `from` of `wanted`'s latest version, if any.
[[nodiscard]] RulesPlan plan_rules(const RuleSet& current, const RuleSet& wanted, bool prune,
                                   bool retroactive = false);

// "add", "change", "remove"; "calendar", "sla", "client".
[[nodiscard]] std::string_view to_string(RuleAction action);
[[nodiscard]] std::string_view to_string(RuleKind kind);

// A target as DUR text with hours and minutes only ("2h", "1h30m", "45m", "40h"), or business
// days ("5bd"). Throws Error{invalid_input} when it is not whole minutes of at least 1m.
[[nodiscard]] std::string format_target(Target target);

} // namespace slatrack
