// Business-hour calendars: weekly open hours in a zone, holidays, and the open-time arithmetic of
// SPEC.md "The clocks": open(a, b) and add(t, d).
#pragma once

#include "slatrack/time.hpp"

#include <array>
#include <cstdint>
#include <memory>
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

// Everything that defines a calendar.
struct CalendarRules {
  std::string name;
  std::string zone; // IANA name
  WeeklyHours hours;
  std::vector<Holiday> holidays;
};

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

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Open time on `clock` between a due time and `now`: positive when `now` is past `due` (how late
// in open time), negative when not yet due (minus the open time left), 0 when no open time lies
// between them. What overdue sorts by, and what every "late"/"left" in the output says.
[[nodiscard]] Seconds open_late(const Clock& clock, Instant due, Instant now);

// The clock for `rules`: AlwaysOpen when the hours are always open and there are no holidays,
// else a BusinessCalendar; the zone named in `rules` comes from `zones`. Throws as
// BusinessCalendar does.
[[nodiscard]] std::unique_ptr<Clock> make_clock(const CalendarRules& rules,
                                                const ZoneSource& zones);

} // namespace slatrack
