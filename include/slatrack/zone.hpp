// Time zones, read from the system's TZif files (RFC 8536) by our own small reader.
//
// Why not date-tz: with Debian's build (USE_OS_TZDB) the first zone lookup walks all of
// /usr/share/zoneinfo (hundreds of stat calls, ~3 ms of a 10-20 ms command), and it ignores the
// TZif footer, so a zone has no DST changes after the last one the file lists (2037 in Debian's
// files). Here a command opens only the files of the zones it uses, and the footer's POSIX TZ rule
// ("GMT0BST,M3.5.0/1,M10.5.0") gives the changes of every later year. date.h stays for the
// calendar types (sys_days, local_seconds, year_month_day, format).
//
// A Zone answers the questions date::time_zone answered, with the same meaning: SysInfo and
// LocalInfo have the members of date::sys_info and date::local_info. Times are covered from
// -32767-01-01 to 32767-12-31 (date-tz's range); an instant outside is treated as the nearest end.
#pragma once

#include "slatrack/time.hpp"

#include <chrono>
#include <cstdint>
#include <date/date.h>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slatrack {

// The UTC offset and abbreviation in force from `begin` up to `end` (as date::sys_info): local
// time = UTC + offset. `save` is nonzero exactly when it is daylight saving time; like date-tz
// with the system's files it is 1 minute then, because TZif files do not record the amount. The
// first range begins at -32767-01-01 and the last ends at 32767-12-31 00:00 UTC.
struct SysInfo {
  Instant begin;
  Instant end;
  Seconds offset{0};
  std::chrono::minutes save{0};
  std::string abbrev;
};

// What a local wall-clock reading is (as date::local_info): `unique`: `first` is its range,
// `second` is empty (all zero); `nonexistent` (skipped by a change): `first` is the range that
// ends before the gap, `second` the one after it; `ambiguous` (repeated): `first` is the earlier
// range, `second` the later.
struct LocalInfo {
  enum Result { unique, nonexistent, ambiguous };
  Result result = unique;
  SysInfo first;
  SysInfo second;
};

// A POSIX TZ string as found in the footer of a TZif file, e.g. "CET-1CEST,M3.5.0,M10.5.0/3",
// "<+0545>-5:45", "IST-1GMT0,M10.5.0,M3.5.0/1", with RFC 8536's extensions (rule times from
// -167 to 167 hours).
struct PosixTz {
  // One kind of local time: its abbreviation and UTC offset (east of Greenwich positive; the
  // string's offsets have the opposite sign).
  struct Kind {
    std::string abbrev;
    Seconds offset{0};
  };
  // The day of a change: "Jn" (julian, 1-365, February 29 never counted), "n" (zero_based,
  // 0-365, February 29 counted) or "Mm.w.d" (month_week_day: day d (0 = Sunday) of week w (1-5, 5 =
  // the last) of month m).
  struct Date {
    enum Form { julian, zero_based, month_week_day };
    Form form = month_week_day;
    int day = 0; // julian and zero_based
    unsigned month = 0;
    unsigned week = 0;
    unsigned weekday = 0;
  };
  // A change: on `date` at `time` local time (the time in force before the change; may be
  // negative or over 24 hours).
  struct Change {
    Date date;
    Seconds time{7200};
  };

  Kind standard;
  std::optional<Kind> daylight; // with a rule: daylight time from `start` to `end` every year
  Change start;
  Change end;
};

// Parses a POSIX TZ string. A daylight part without a rule gets the US rule M3.2.0,M11.1.0 (as
// glibc does). Throws Error{storage} naming the string and what is wrong in it.
[[nodiscard]] PosixTz parse_posix_tz(std::string_view text);

// The UTC instants of the two changes of `rule` (which must have a daylight part) in local year
// `year`: {start of daylight time, end of daylight time}, in seconds since 1970.
[[nodiscard]] std::pair<std::int64_t, std::int64_t> posix_changes(const PosixTz& rule, int year);

class Zone {
public:
  // Reads a zone from the bytes of a TZif file (versions 1 to 4): the 64-bit data of version 2
  // and later, and the footer's rule for the times after the last listed transition. Throws
  // Error{storage} saying what is wrong (truncated, not TZif, counts that do not fit, a footer
  // that is not a valid rule, leap seconds).
  [[nodiscard]] static Zone from_tzif(std::string name, std::string_view bytes);

  // A zone with no listed transitions, ruled by a POSIX TZ string for all time. Throws as
  // parse_posix_tz.
  [[nodiscard]] static Zone from_posix_tz(std::string name, std::string_view rule);

  // The name it was loaded by, e.g. "Europe/London" or "US/Eastern".
  [[nodiscard]] const std::string& name() const {
    return m_name;
  }

  // The range of constant offset and abbreviation that holds `instant`.
  [[nodiscard]] SysInfo get_info(Instant instant) const;

  // What the local wall-clock reading `local` is: unique, skipped or repeated.
  [[nodiscard]] LocalInfo get_info(date::local_seconds local) const;

  // The local wall-clock reading of `instant`.
  [[nodiscard]] date::local_seconds to_local(Instant instant) const {
    return date::local_seconds{instant.time_since_epoch() + get_info(instant).offset};
  }

  // The kinds of local time the zone uses (TZif "local time types"), then the rule's.
  struct Type {
    std::int64_t offset = 0;
    bool dst = false;
    std::string abbrev;
  };

private:
  // What the footer's rule says about one instant.
  struct RuleLookup {
    bool dst = false;
    std::optional<std::int64_t> previous; // the last change at or before the instant
    std::optional<std::int64_t> next;     // the first change after it
  };

  Zone() = default;
  [[nodiscard]] std::size_t table_index(std::int64_t t) const;
  [[nodiscard]] RuleLookup rule_lookup(std::int64_t t) const;
  [[nodiscard]] const Type& rule_type(bool dst) const;
  [[nodiscard]] SysInfo info(std::int64_t begin, std::int64_t end, const Type& type) const;
  void finish(std::vector<std::int64_t> times, std::vector<std::size_t> types);
  void build_rule_table();

  std::string m_name;
  std::vector<Type> m_types;
  // The listed ranges, consecutive duplicates joined: range i starts at m_starts[i] with type
  // m_type_of[i]; m_starts[0] is the beginning of time.
  std::vector<std::int64_t> m_starts;
  std::vector<std::size_t> m_type_of;
  // The rule (TZif footer) rules from m_rule_from on: the last listed transition, or the
  // beginning of time when none is listed.
  std::optional<PosixTz> m_rule;
  std::int64_t m_rule_from = 0;
  std::size_t m_rule_standard = 0; // indices in m_types
  std::size_t m_rule_daylight = 0;
  // The rule's changes, computed once up to 2200 so that the common lookups (and calendars, which
  // walk every change up to their horizon) are binary searches; used for instants in
  // [m_rule_table_from, m_rule_table_to). rule_lookup computes other years on the fly.
  std::vector<std::int64_t> m_rule_at;
  std::vector<bool> m_rule_dst; // daylight time after the change
  std::int64_t m_rule_table_from = 0;
  std::int64_t m_rule_table_to = 0;
};

// ---- Where zones come from ----

// Whether `name` may name a zone file: letters, digits and "_+-/" only, relative, no empty, "."
// or ".." component, and none of the files date-tz left out of its list (posix*, right,
// Factory, the .tab files, tzdata.zi, leapseconds, version).
[[nodiscard]] bool valid_zone_name(std::string_view name);

// The zones a program knows. Core never reads a file: the edge of the program implements this over
// the system's zone files (src/system/zone_files.hpp) and hands it to the core functions that
// look a zone up by name; a test may hand them any other source.
class ZoneSource {
public:
  ZoneSource() = default;
  ZoneSource(const ZoneSource&) = delete;
  ZoneSource& operator=(const ZoneSource&) = delete;
  ZoneSource(ZoneSource&&) = delete;
  ZoneSource& operator=(ZoneSource&&) = delete;
  virtual ~ZoneSource() = default;

  // The zone called exactly `name` (case matters), valid for the life of the source; nullptr
  // when there is no such zone. Throws Error{storage} when it exists but cannot be read.
  [[nodiscard]] virtual const Zone* load(std::string_view name) const = 0;
  // Every zone name, sorted: to match a name in another case and to suggest close ones. Throws
  // Error{storage} when the zones cannot be listed.
  [[nodiscard]] virtual std::vector<std::string> names() const = 0;
};

// Looks up an IANA zone name in `zones` (a name in another case is matched too; the list of names
// is read only when the exact name is not found). Throws Error{invalid_input} naming a few close
// matches, Error{storage} when the zones cannot be read.
[[nodiscard]] const Zone& find_zone(const ZoneSource& zones, std::string_view name);

} // namespace slatrack
