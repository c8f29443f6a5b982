// Business-hour calendars: weekly open hours in a zone, holidays, and the open-time arithmetic of
// SPEC.md "The clocks": open(a, b) and add(t, d).
#pragma once

#include "slatrack/time.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

// One open interval of a local day, in minutes since local midnight: [begin, end),
// 0 <= begin < end <= 1440.
struct OpenInterval {
  std::int32_t begin = 0;
  std::int32_t end = 0;
  friend bool operator==(const OpenInterval&, const OpenInterval&) = default;
};

// Open intervals per local weekday, index 0 = Monday ... 6 = Sunday; each day's intervals are
// sorted and do not overlap or touch.
struct WeeklyHours {
  std::array<std::vector<OpenInterval>, 7> days;
  friend bool operator==(const WeeklyHours&, const WeeklyHours&) = default;
};

// A whole local day closed: once (year != 0) or every year (year == 0).
struct Holiday {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  std::string name;
  friend bool operator==(const Holiday&, const Holiday&) = default;
};

// One version of a calendar's zone and weekly hours (SPEC.md "Rules have dates"): in force from
// local midnight of `from_day` (days since 1970-01-01) in the zone of the version before it, until
// the next version starts; nullopt: from the beginning of time (the first version).
struct CalendarVersion {
  std::optional<std::int64_t> from_day;
  std::string zone; // IANA name
  WeeklyHours hours;
  friend bool operator==(const CalendarVersion&, const CalendarVersion&) = default;
};

// Everything that defines a calendar. `zone` and `hours` are those of its latest version;
// `versions` holds every version, oldest first (the first from the beginning of time), or is
// empty for a calendar that has one version (`zone` and `hours`, from the beginning of time).
// Holidays are dated already and belong to every version.
struct CalendarRules {
  std::string name;
  std::string zone; // IANA name
  WeeklyHours hours;
  std::vector<Holiday> holidays;
  std::vector<CalendarVersion> versions;
};

class ZoneSource;

// The local date (days since 1970-01-01) of `at` in the zone of the version of `rules` in force at
// `at` ("today" for `calendar edit` when at is now). Zones come from `zones`; throws
// Error{invalid_input} for an unknown one.
[[nodiscard]] std::int64_t calendar_date(const CalendarRules& rules, Instant at,
                                         const ZoneSource& zones);

// A date as YYYY-MM-DD, the day number (days since 1970-01-01) of a version's start. Throws
// Error{invalid_input} naming the text.
[[nodiscard]] std::int64_t parse_day(std::string_view text);
[[nodiscard]] std::string format_day(std::int64_t day);

// The versions of `rules`: rules.versions, or the one version {nullopt, zone, hours}.
[[nodiscard]] std::vector<CalendarVersion> calendar_versions(const CalendarRules& rules);

// The index in calendar_versions(rules) of the version in force on local date `day`: the last
// one whose from_day is at or before it.
[[nodiscard]] std::size_t calendar_version_on(const std::vector<CalendarVersion>& versions,
                                              std::int64_t day);

// What `calendar edit` changes. zone/hours: nullopt = unchanged. With `retroactive` every
// version changes; else a version starts on local date `from_day` (the version in force then,
// changed), lasting until the next version that starts later, which stays as it is (a version
// that starts on that very date is changed in place). A new version equal to the one before it is
// not added.
struct CalendarVersionChange {
  std::optional<std::string> zone;
  std::optional<WeeklyHours> hours;
  std::int64_t from_day = 0;
  bool retroactive = false;
};
struct CalendarVersionsChanged {
  std::vector<CalendarVersion> versions; // oldest first
  bool changed = false;                  // false: the versions are what they were
};
[[nodiscard]] CalendarVersionsChanged change_calendar_versions(const CalendarRules& rules,
                                                               const CalendarVersionChange& change);

// `rules` with `versions` (oldest first, at least one): zone and hours become the latest's; a
// single version from the beginning leaves `versions` empty.
void set_calendar_versions(CalendarRules& rules, std::vector<CalendarVersion> versions);

// Parses the contract's SPEC form: "mon-fri 09:00-12:30 13:30-17:00; sat 10:00-14:00".
// Throws Error{invalid_input} naming the bad clause and how to write it (for an overnight
// interval, the two-clause form).
[[nodiscard]] WeeklyHours parse_hours(std::string_view spec);

// The canonical SPEC text of `hours`; parse_hours(format_hours(h)) == h.
[[nodiscard]] std::string format_hours(const WeeklyHours& hours);

// Parses a holiday date: YYYY-MM-DD (once) or MM-DD (every year). Throws Error{invalid_input}.
[[nodiscard]] Holiday parse_holiday(std::string_view text);

// "2026-12-25" or "12-25".
[[nodiscard]] std::string format_holiday_date(const Holiday& holiday);

// Whether every minute of every weekday is open.
[[nodiscard]] bool is_always_open(const WeeklyHours& hours);

// One stretch of open time [begin, end) in UTC.
struct OpenSpan {
  Instant begin;
  Instant end;
  friend bool operator==(const OpenSpan&, const OpenSpan&) = default;
};

// Open-time arithmetic on one calendar. Evaluation of SLA clocks takes this interface, so that the
// 24x7 calendar and business calendars plug in alike.
class Clock {
public:
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual ~Clock() = default;

  // Open time between a and b (zero when b <= a), to the second.
  [[nodiscard]] virtual Seconds open(Instant a, Instant b) const = 0;

  // The latest instant u >= t with open(t, u) <= d (d >= 0): the moment the open time used since
  // t would exceed d.
  [[nodiscard]] virtual Instant add(Instant t, Seconds d) const = 0;

  // The open stretches that intersect [a, b), clipped to it, in order.
  [[nodiscard]] virtual std::vector<OpenSpan> open_spans(Instant a, Instant b) const = 0;

  // N business days from t, addbd(t, N) of SPEC.md "Business days" (n >= 0; n = 0 gives s, the
  // first open instant at or after t): s = t when t is open, else the next opening; then the
  // N-th later local date that has open hours and is not a holiday, at the wall-clock time of s;
  // when that instant is not open, the next opening after it (a wall-clock time skipped by a DST
  // change is the first instant after the gap, a repeated one the earlier). Its cost grows with
  // the holidays crossed, not with n. Throws as add does.
  [[nodiscard]] virtual Instant add_business_days(Instant t, std::int64_t n) const = 0;

  // The business days a target of N bd from t walks, for `explain`: s, then each business
  // day's date (local, days since 1970-01-01) in order, and the result. Closed days in between
  // are the days not listed.
  struct BusinessDayWalk {
    Instant start;                  // s
    std::vector<std::int64_t> days; // the N business days
    Instant due;
  };
  [[nodiscard]] virtual BusinessDayWalk walk_business_days(Instant t, std::int64_t n) const = 0;

  // Business days on local dates (days since 1970-01-01) of the calendar's zone, for calendars
  // made of versions: whether `day` is one (it has open hours and is not a holiday), how many
  // there are in [first, end), and the n-th after `day0` (n >= 1; cost: the holidays crossed).
  [[nodiscard]] virtual bool business_day(std::int64_t day) const = 0;
  [[nodiscard]] virtual std::int64_t business_days_in(std::int64_t first,
                                                      std::int64_t end) const = 0;
  [[nodiscard]] virtual std::int64_t nth_business_day(std::int64_t day0, std::int64_t n) const = 0;

  // Where a calendar's versions change inside (a, b]: the instant and the index of the version
  // that starts there (none for a calendar of one version).
  struct VersionStart {
    Instant at;
    std::size_t version = 0;
  };
  [[nodiscard]] virtual std::vector<VersionStart> version_starts(Instant /*a*/,
                                                                 Instant /*b*/) const {
    return {};
  }
};

class Zone;
class ZoneSource;

// The built-in 24x7 calendar: always open. Every local day is a business day: N bd is the same
// wall-clock time N local dates later in `zone` (UTC when null).
class AlwaysOpen final : public Clock {
public:
  explicit AlwaysOpen(const Zone* zone = nullptr) : m_zone(zone) {}
  [[nodiscard]] Seconds open(Instant a, Instant b) const override;
  [[nodiscard]] Instant add(Instant t, Seconds d) const override;
  [[nodiscard]] std::vector<OpenSpan> open_spans(Instant a, Instant b) const override;
  [[nodiscard]] Instant add_business_days(Instant t, std::int64_t n) const override;
  [[nodiscard]] BusinessDayWalk walk_business_days(Instant t, std::int64_t n) const override;
  [[nodiscard]] bool business_day(std::int64_t day) const override;
  [[nodiscard]] std::int64_t business_days_in(std::int64_t first, std::int64_t end) const override;
  [[nodiscard]] std::int64_t nth_business_day(std::int64_t day0, std::int64_t n) const override;

private:
  const Zone* m_zone;
};

// A calendar of weekly open hours in an IANA zone, with holidays, exact across DST changes.
// Its cost does not grow with the length of the duration.
class BusinessCalendar final : public Clock {
public:
  // The zone named in `rules` comes from `zones`. Throws Error{invalid_input} for an unknown
  // zone or hours with no open time at all.
  BusinessCalendar(const CalendarRules& rules, const ZoneSource& zones);
  ~BusinessCalendar() override;

  [[nodiscard]] Seconds open(Instant a, Instant b) const override;
  [[nodiscard]] Instant add(Instant t, Seconds d) const override;
  [[nodiscard]] std::vector<OpenSpan> open_spans(Instant a, Instant b) const override;
  [[nodiscard]] Instant add_business_days(Instant t, std::int64_t n) const override;
  [[nodiscard]] BusinessDayWalk walk_business_days(Instant t, std::int64_t n) const override;
  [[nodiscard]] bool business_day(std::int64_t day) const override;
  [[nodiscard]] std::int64_t business_days_in(std::int64_t first, std::int64_t end) const override;
  [[nodiscard]] std::int64_t nth_business_day(std::int64_t day0, std::int64_t n) const override;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Open time on `clock` between a due time and `now`: positive when `now` is past `due` (how late
// in open time), negative when not yet due (minus the open time left), 0 when no open time lies
// between them. What overdue sorts by, and what every "late"/"left" in the output says.
[[nodiscard]] Seconds open_late(const Clock& clock, Instant due, Instant now);

// The clock for `rules`: AlwaysOpen when the hours are always open and there are no holidays,
// else a BusinessCalendar; the zone named in `rules` comes from `zones`. A calendar of several
// versions gives a clock that uses each version's clock from its start to the next version's
// (src/core/calendar_versions.cpp). Throws as BusinessCalendar does.
[[nodiscard]] std::unique_ptr<Clock> make_clock(const CalendarRules& rules,
                                                const ZoneSource& zones);

} // namespace slatrack
