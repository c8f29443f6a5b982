// Parsing of the contract's TIME and DUR input forms (SPEC.md, "Input"). Pure: `now` and the zone
// are parameters.
#pragma once

#include "slatrack/target.hpp"
#include "slatrack/time.hpp"
#include "slatrack/zone.hpp"

#include <optional>
#include <string_view>

namespace slatrack {

// The longest DUR accepted: 36500d (100 years of 365 days).
inline constexpr Seconds k_max_duration{36500LL * 24 * 3600};

// Parses a DUR: one or more NUMBER UNIT with units m h d w (d = 24h, w = 7d), e.g. "90m", "1h30m",
// "3d". At least 1m. Throws Error{invalid_input} naming the bad value and the accepted forms.
[[nodiscard]] Seconds parse_duration(std::string_view text);

// Parses a target DUR (SPEC.md "Input: DUR"): a DUR as parse_duration, or business days alone,
// "NUMBERbd" with 1 <= NUMBER <= k_max_business_days ("1bd", "5bd"). Throws
// Error{invalid_input} naming the bad value and the accepted forms.
[[nodiscard]] Target parse_target(std::string_view text);

// Parses a TIME: now; today, yesterday, tomorrow (local midnight); YYYY-MM-DD (local midnight);
// YYYY-MM-DD HH:MM[:SS] or with T (local); the same ending in Z or +HH:MM/-HH:MM (absolute);
// HH:MM (today, local); a day word then a time: "yesterday 15:00", "tomorrow 09:00", "mon 09:30" or
// "last mon 09:30" (weekdays as mon or monday: the latest such instant not later than now); -DUR,
// +DUR, "DUR ago" (relative to now). Local readings are in `zone`.
// A local time skipped by a DST change maps to the first instant after the gap; an ambiguous one to
// the earlier instant. Every result lies from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z (what
// exports can write and import read back). Throws Error{invalid_input} naming the bad value and
// the accepted forms, or for a time out of that range ("-36500d" from 2026) what it would be.
[[nodiscard]] Instant parse_time(std::string_view text, Instant now, const Zone& zone);

// parse_time, and also YYYY-MM (the first of the month, local midnight): for where a range starts
// or ends (--since, --until, --from, --to). parse_time refuses YYYY-MM with a message saying so.
[[nodiscard]] Instant parse_range_time(std::string_view text, Instant now, const Zone& zone);

// Reads exactly the form export writes, 2026-11-23T10:30:00Z (from 1970), without trying every
// TIME form in turn as parse_time does: what large imports hold. nullopt for anything else (then
// parse_time reads it, and says what is wrong).
[[nodiscard]] std::optional<Instant> parse_export_time(std::string_view text);

// Converts a local wall-clock reading to an instant with the rule above (gap -> first instant
// after it, ambiguous -> earlier instant).
[[nodiscard]] Instant local_to_instant(date::local_seconds local, const Zone& zone);

} // namespace slatrack
