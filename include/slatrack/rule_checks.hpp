// What calendars, SLA policies and clients allow, and how a refusal is worded: the checks every
// Store backend makes around its writes of the rules (`calendar`, `sla` and `client` commands,
// `config apply`), as pure functions over domain values, so that each backend applies the same
// rules with the same messages and only reads and writes rows (request_rules.hpp is the same for
// requests and their events). A check throws the Error the command prints; a function named
// after a refusal returns that Error for the store to throw. Nothing here reads or writes.
#pragma once

#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "slatrack/model.hpp"
#include "slatrack/time.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

class ZoneSource;

// "1 request", "3 requests": `count` and the word for it.
[[nodiscard]] std::string plural(std::int64_t count, std::string_view one, std::string_view many);

// ---- names ----

// The name of a new calendar, SLA policy or client (also a client's new name): not blank, and
// input.hpp's rules for names. Throws Error{invalid_input}.
void check_calendar_name(std::string_view name);
void check_policy_name(std::string_view name);
void check_client_name(std::string_view name);

// Error{not_found}: `no client "acme" (did you mean "Acme Ltd"?); add it with: ...`: no `what`
// ("calendar", "SLA policy", "client") is called `name`; `names` are the ones there are (for the
// suggestion), `next` the step to take.
[[nodiscard]] Error no_such(std::string_view what, std::string_view name,
                            const std::vector<std::string>& names, std::string_view next);

// The next steps of no_such: list what there is, or add the one named.
inline constexpr std::string_view k_list_calendars = "list them with: slatrack calendar list";
inline constexpr std::string_view k_list_policies = "list them with: slatrack sla list";
inline constexpr std::string_view k_list_clients = "list them with: slatrack client list";
[[nodiscard]] std::string add_calendar_step(std::string_view name);
[[nodiscard]] std::string add_policy_step(std::string_view name);
// With `or_create` (`log`, where --create-client adds it) the option is named too.
[[nodiscard]] std::string add_client_step(std::string_view name, bool or_create);

// Error{invalid_input}: the short name `name` matches every one of `matches` (two or more).
[[nodiscard]] Error ambiguous_client(std::string_view name,
                                     const std::vector<std::string>& matches);

// ---- calendars ----

// 2000-01-01T00:00:00Z: where checked_calendar looks for open time.
inline constexpr std::int64_t k_open_time_probe = 946684800;

// A holiday that is a date: a year from 0 (every year) to 9999, a month and a day that exist
// (02-29 every year is fine). Throws Error{invalid_input}.
void check_holiday(const Holiday& day);

// `rules` checked, with their zones' canonical IANA names (`zones`: find_zone matches
// case-insensitively): zones that exist, holidays that are dates, and open time somewhere (a
// calendar whose holidays close every open day would stop every clock on it). Throws
// Error{invalid_input}.
[[nodiscard]] CalendarRules checked_calendar(CalendarRules rules, const ZoneSource& zones);

// A new calendar: checked_calendar, and its versions (when it has several, as a rules file gives
// them, oldest first) each from a later date than the one before; the first is in force from the
// beginning of time (its date, if any, is dropped), and a single version is the calendar's zone
// and hours. Throws Error{invalid_input}.
[[nodiscard]] CalendarRules checked_new_calendar(CalendarRules rules, const ZoneSource& zones);

// A calendar change says when it starts (a date, or retroactive). Throws Error{internal}: the CLI
// always gives one.
void check_calendar_change(const CalendarChange& change);

// Error{invalid_input}: a new calendar called as one there is (`existing`, its stored name).
[[nodiscard]] Error calendar_exists(std::string_view existing);
// Error{invalid_input}: the built-in calendar `name` cannot be changed.
[[nodiscard]] Error calendar_built_in(std::string_view name);
// Error{invalid_input}: the built-in calendar `name` cannot be removed.
[[nodiscard]] Error calendar_not_removable(std::string_view name);
// Error{invalid_input}: calendar `name` is used by `policies` (one or more, in order).
[[nodiscard]] Error calendar_in_use(std::string_view name,
                                    const std::vector<std::string>& policies);
// Error{invalid_input}: calendar `name` has no holiday `day` to remove.
[[nodiscard]] Error no_holiday(std::string_view name, const Holiday& day);

// ---- SLA policies ----

// A target longer than 0 (business days always are): `metric` names it in the message. Throws
// Error{invalid_input}.
void check_target(std::string_view policy, std::string_view metric, Target value);

// A new policy: its name (check_policy_name), its base targets and its overrides' (an override's
// update or resolve of 0 means none for that priority); with several versions (a rules file's,
// oldest first), each version's targets, and each version after the first from a later time than
// the one before (the first is in force from the beginning of time, whatever its `from`). Throws
// Error{invalid_input}.
void check_new_policy(const Policy& policy);

// The versions add_policy stores for a new policy (checked by check_new_policy), oldest first,
// none stored yet (id 0), each with its calendar (24x7 when none is named): the one of `policy`'s
// calendar and targets, or with several versions (a rules file's), those, the first from the
// beginning of time.
[[nodiscard]] std::vector<PolicyVersion> new_policy_versions(const Policy& policy);

// The targets `sla set` gives policy `name`, and when the change starts (a time, or retroactive:
// Error{internal} without, the CLI always gives one). Throws Error{invalid_input}.
void check_policy_change(std::string_view name, const PolicyChange& change);

// Error{invalid_input}: a new policy called as one there is (`existing`, its stored name).
[[nodiscard]] Error policy_exists(std::string_view existing);
// Error{invalid_input}: the built-in policy `name` cannot be removed.
[[nodiscard]] Error policy_not_removable(std::string_view name);
// Error{invalid_input}: policy `name` is the policy of `clients` clients (> 0).
[[nodiscard]] Error policy_used_by_clients(std::string_view name, std::int64_t clients);
// Error{invalid_input}: policy `name` judges `requests` requests (> 0).
[[nodiscard]] Error policy_used_by_requests(std::string_view name, std::int64_t requests);

// ---- clients ----

// Error{invalid_input}: a new client called as one there is (`existing`, its stored name).
[[nodiscard]] Error client_exists(std::string_view existing);
// Error{invalid_input}: a client renamed as another one (`other`, its stored name).
[[nodiscard]] Error client_name_taken(std::string_view other);
// Error{invalid_input}: client `name` has `requests` requests (> 0) and cannot be removed.
[[nodiscard]] Error client_has_requests(std::string_view name, std::int64_t requests);
// Error{invalid_input}: `value`, given with `option` ("--email", "--domain"), belongs to client
// `owner` already (mail from an address finds one client).
[[nodiscard]] Error address_taken(std::string_view option, std::string_view value,
                                  std::string_view owner);

// ---- rules as stored: a database slatrack cannot read (Error{storage}) ----

// Calendar `id` or policy `id` is missing from the database at `location`.
[[nodiscard]] Error calendar_missing(std::int64_t id, std::string_view location);
[[nodiscard]] Error policy_missing(std::int64_t id, std::string_view location);

// A calendar's stored rows: its first version (`zone`, `hours` as stored text), its holidays and
// its later versions, each from a day (`from_day`, YYYY-MM-DD as stored).
struct StoredCalendarVersion {
  std::string from_day;
  std::string zone;
  std::string hours;
};
struct StoredCalendar {
  std::string name;
  std::string zone;
  std::string hours;
  std::vector<Holiday> holidays;            // in date order
  std::vector<StoredCalendarVersion> later; // by from_day
};

// The rules of a stored calendar, its texts parsed. Throws Error{storage} naming the calendar and
// `location` when its hours or a version cannot be read.
[[nodiscard]] CalendarRules calendar_rules(const StoredCalendar& stored, std::string_view location);

// A stored policy (`policy.name`, its versions as read, oldest first) can judge requests: its
// first version is from the beginning of time. Throws Error{storage} naming it and `location`.
void check_first_version(const Policy& policy, std::string_view location);
// Error{storage}: a version of policy `name` has no base targets.
[[nodiscard]] Error policy_without_targets(std::string_view name, std::string_view location);
// Sets the policy's calendar and targets from its latest version (of one or more).
void take_latest_version(Policy& policy);

} // namespace slatrack
