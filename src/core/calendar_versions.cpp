// Calendars with versions (SPEC.md "Rules have dates"): a calendar's zone and weekly hours change
// from local midnight of a date, in the zone of the version before the change.
//
// The engine. Each version has its own clock (a BusinessCalendar or AlwaysOpen, holidays shared),
// and the versions cut UTC time into pieces: version i runs from its start B_i (local midnight of
// its date in version i-1's zone) to B_{i+1}. A version boundary is then one more place where the
// arithmetic steps from one constant stretch to the next, like a holiday or a zone change inside
// BusinessCalendar: open(a, b) adds each piece's open time; add(t, d) takes each piece's open time
// up to its end (one call, whose cost does not grow with the length) until the piece where the
// rest runs out. So the cost of add and addbd grows with the versions crossed, not with d.
//
// Business days count local dates: a date belongs to the version whose from_day is the latest at
// or before it, and is a business day when it has open hours in that version and is not a
// holiday. addbd(t, N) counts N such dates after s's date (s's date read in s's version's zone),
// a version at a time, and puts s's wall-clock time on the N-th in that date's version's zone.
#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/zone.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <date/date.h>
#include <fmt/format.h>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slatrack {

namespace {

using i64 = std::int64_t;

constexpr i64 k_day = 86400;
constexpr i64 k_first_day = std::numeric_limits<i64>::min() / 4; // before every real date

i64 floor_div(i64 a, i64 b) {
  const i64 q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

class VersionedCalendar final : public Clock {
public:
  VersionedCalendar(const CalendarRules& rules, const ZoneSource& zones) {
    const std::vector<CalendarVersion> versions = calendar_versions(rules);
    for (std::size_t i = 0; i < versions.size(); ++i) {
      const CalendarVersion& version = versions[i];
      CalendarRules one;
      one.name = rules.name;
      one.zone = version.zone;
      one.hours = version.hours;
      one.holidays = rules.holidays;
      Piece piece;
      piece.clock = make_clock(one, zones);
      piece.zone = zones.load(version.zone);
      if (piece.zone == nullptr) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("unknown time zone \"{}\": use an IANA name such as Europe/London",
                                version.zone)};
      }
      if (i == 0) {
        piece.from_day = k_first_day;
        piece.begin = Instant::min();
      } else {
        piece.from_day = version.from_day.value_or(k_first_day);
        const Zone& before = *m_pieces.back().zone;
        piece.begin = local_to_instant(date::local_seconds{date::days{piece.from_day}}, before);
        if (piece.from_day <= m_pieces.back().from_day || piece.begin <= m_pieces.back().begin) {
          throw Error{ErrorKind::invalid_input,
                      fmt::format("calendar \"{}\" has versions out of order; see them with: "
                                  "slatrack calendar show {}",
                                  rules.name, rules.name)};
        }
      }
      m_pieces.push_back(std::move(piece));
    }
  }

  [[nodiscard]] Seconds open(Instant a, Instant b) const override {
    Seconds total{0};
    if (b <= a) {
      return total;
    }
    for (std::size_t i = piece_at(a); i < m_pieces.size() && m_pieces[i].begin < b; ++i) {
      const Instant from = std::max(a, m_pieces[i].begin);
      const Instant to = i + 1 < m_pieces.size() ? std::min(b, m_pieces[i + 1].begin) : b;
      total += m_pieces[i].clock->open(from, to);
    }
    return total;
  }

  [[nodiscard]] Instant add(Instant t, Seconds d) const override {
    Seconds left = std::max(d, Seconds{0});
    Instant p = t;
    for (std::size_t i = piece_at(t);; ++i) {
      const Clock& clock = *m_pieces[i].clock;
      if (i + 1 == m_pieces.size()) {
        return clock.add(p, left);
      }
      const Instant end = m_pieces[i + 1].begin;
      const Seconds open = clock.open(p, end);
      if (open > left) {
        return clock.add(p, left); // before `end`: the open time runs out in this version
      }
      left -= open;
      p = end;
    }
  }

  [[nodiscard]] std::vector<OpenSpan> open_spans(Instant a, Instant b) const override {
    std::vector<OpenSpan> spans;
    if (b <= a) {
      return spans;
    }
    for (std::size_t i = piece_at(a); i < m_pieces.size() && m_pieces[i].begin < b; ++i) {
      const Instant from = std::max(a, m_pieces[i].begin);
      const Instant to = i + 1 < m_pieces.size() ? std::min(b, m_pieces[i + 1].begin) : b;
      for (const OpenSpan& span : m_pieces[i].clock->open_spans(from, to)) {
        if (!spans.empty() && spans.back().end == span.begin) {
          spans.back().end = span.end;
        } else {
          spans.push_back(span);
        }
      }
    }
    return spans;
  }

  [[nodiscard]] Instant add_business_days(Instant t, std::int64_t n) const override {
    const Instant s = add(t, Seconds{0});
    if (n <= 0) {
      return s;
    }
    const auto [day0, wall] = local_day(s);
    std::size_t version = version_on(day0 + 1);
    i64 after = day0; // counting the business days after this date
    i64 left = n;
    while (version + 1 < m_pieces.size()) {
      const i64 end = m_pieces[version + 1].from_day;
      const i64 count = m_pieces[version].clock->business_days_in(after + 1, end);
      if (count >= left) {
        break;
      }
      left -= count;
      after = end - 1;
      ++version;
    }
    const i64 day = m_pieces[version].clock->nth_business_day(after, left);
    const Instant u =
        local_to_instant(date::local_seconds{date::days{day}} + wall, *m_pieces[version].zone);
    return add(u, Seconds{0});
  }

  [[nodiscard]] BusinessDayWalk walk_business_days(Instant t, std::int64_t n) const override {
    BusinessDayWalk walk;
    walk.start = add(t, Seconds{0});
    walk.due = add_business_days(t, n);
    const i64 day0 = local_day(walk.start).first;
    for (i64 day = day0 + 1; static_cast<i64>(walk.days.size()) < n; ++day) {
      if (business_day(day)) {
        walk.days.push_back(day);
      }
      if (day - day0 > 7 * n + 3653) {
        break; // no business day in ten years: add_business_days has thrown already
      }
    }
    return walk;
  }

  [[nodiscard]] bool business_day(std::int64_t day) const override {
    return m_pieces[version_on(day)].clock->business_day(day);
  }

  [[nodiscard]] std::int64_t business_days_in(std::int64_t first, std::int64_t end) const override {
    i64 count = 0;
    for (std::size_t i = version_on(first); i < m_pieces.size() && m_pieces[i].from_day < end;
         ++i) {
      const i64 from = std::max(first, m_pieces[i].from_day);
      const i64 to = i + 1 < m_pieces.size() ? std::min(end, m_pieces[i + 1].from_day) : end;
      count += m_pieces[i].clock->business_days_in(from, to);
    }
    return count;
  }

  [[nodiscard]] std::int64_t nth_business_day(std::int64_t day0, std::int64_t n) const override {
    std::size_t version = version_on(day0 + 1);
    i64 after = day0;
    i64 left = n;
    while (version + 1 < m_pieces.size()) {
      const i64 end = m_pieces[version + 1].from_day;
      const i64 count = m_pieces[version].clock->business_days_in(after + 1, end);
      if (count >= left) {
        break;
      }
      left -= count;
      after = end - 1;
      ++version;
    }
    return m_pieces[version].clock->nth_business_day(after, left);
  }

  [[nodiscard]] std::vector<VersionStart> version_starts(Instant a, Instant b) const override {
    std::vector<VersionStart> out;
    for (std::size_t i = 1; i < m_pieces.size(); ++i) {
      if (m_pieces[i].begin > a && m_pieces[i].begin <= b) {
        out.push_back(VersionStart{m_pieces[i].begin, i});
      }
    }
    return out;
  }

private:
  struct Piece {
    i64 from_day = 0;
    Instant begin;
    std::unique_ptr<Clock> clock;
    const Zone* zone = nullptr;
  };

  // The version in force at instant t.
  [[nodiscard]] std::size_t piece_at(Instant t) const {
    std::size_t i = 0;
    while (i + 1 < m_pieces.size() && m_pieces[i + 1].begin <= t) {
      ++i;
    }
    return i;
  }

  // The version of local date `day`.
  [[nodiscard]] std::size_t version_on(i64 day) const {
    std::size_t i = 0;
    while (i + 1 < m_pieces.size() && m_pieces[i + 1].from_day <= day) {
      ++i;
    }
    return i;
  }

  // The local date of t and its wall-clock time, in the zone of the version in force at t.
  [[nodiscard]] std::pair<i64, Seconds> local_day(Instant t) const {
    const date::local_seconds local = m_pieces[piece_at(t)].zone->to_local(t);
    const i64 seconds = local.time_since_epoch().count();
    const i64 day = floor_div(seconds, k_day);
    return {day, Seconds{seconds - day * k_day}};
  }

  std::vector<Piece> m_pieces;
};

} // namespace

namespace detail {
// make_clock's clock for a calendar of several versions (declared in src/core/calendar.cpp too).
std::unique_ptr<Clock> make_versioned_clock(const CalendarRules& rules, const ZoneSource& zones);
} // namespace detail

std::unique_ptr<Clock> detail::make_versioned_clock(const CalendarRules& rules,
                                                    const ZoneSource& zones) {
  return std::make_unique<VersionedCalendar>(rules, zones);
}

std::int64_t calendar_date(const CalendarRules& rules, Instant at, const ZoneSource& zones) {
  const auto date_in = [&](const std::string& name) {
    const Zone& zone = find_zone(zones, name);
    const i64 local = zone.to_local(at).time_since_epoch().count();
    return floor_div(local, k_day);
  };
  const std::vector<CalendarVersion> versions = calendar_versions(rules);
  std::size_t in_force = 0;
  for (std::size_t i = 1; i < versions.size(); ++i) {
    // A version starts at local midnight of its date in the zone before it.
    if (date_in(versions[i - 1].zone) >= versions[i].from_day.value_or(0)) {
      in_force = i;
    }
  }
  return date_in(versions[in_force].zone);
}

std::int64_t parse_day(std::string_view text) {
  Holiday day;
  try {
    day = parse_holiday(text);
  } catch (const Error&) {
    day.year = 0;
  }
  if (day.year == 0) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("bad date \"{}\": write YYYY-MM-DD, e.g. 2026-04-01", text)};
  }
  const date::year_month_day ymd{date::year{day.year}, date::month{day.month}, date::day{day.day}};
  return date::sys_days{ymd}.time_since_epoch().count();
}

std::string format_day(std::int64_t day) {
  return date::format("%F", date::sys_days{date::days{day}});
}

std::vector<CalendarVersion> calendar_versions(const CalendarRules& rules) {
  if (!rules.versions.empty()) {
    return rules.versions;
  }
  return {CalendarVersion{std::nullopt, rules.zone, rules.hours}};
}

std::size_t calendar_version_on(const std::vector<CalendarVersion>& versions, std::int64_t day) {
  std::size_t out = 0;
  for (std::size_t i = 1; i < versions.size(); ++i) {
    if (versions[i].from_day && *versions[i].from_day <= day) {
      out = i;
    }
  }
  return out;
}

void set_calendar_versions(CalendarRules& rules, std::vector<CalendarVersion> versions) {
  if (versions.empty()) {
    return;
  }
  versions.front().from_day.reset();
  rules.zone = versions.back().zone;
  rules.hours = versions.back().hours;
  if (versions.size() == 1) {
    versions.clear();
  }
  rules.versions = std::move(versions);
}

CalendarVersionsChanged change_calendar_versions(const CalendarRules& rules,
                                                 const CalendarVersionChange& change) {
  CalendarVersionsChanged out;
  std::vector<CalendarVersion> versions = calendar_versions(rules);
  const auto apply = [&change](CalendarVersion version) {
    if (change.zone) {
      version.zone = *change.zone;
    }
    if (change.hours) {
      version.hours = *change.hours;
    }
    return version;
  };
  if (change.retroactive) {
    for (CalendarVersion& version : versions) {
      CalendarVersion changed = apply(version);
      out.changed = out.changed || changed != version;
      version = std::move(changed);
    }
  } else {
    const std::size_t in_force = calendar_version_on(versions, change.from_day);
    CalendarVersion changed = apply(versions[in_force]);
    out.changed = changed != versions[in_force];
    if (versions[in_force].from_day == std::optional<std::int64_t>{change.from_day}) {
      versions[in_force] = std::move(changed);
    } else if (out.changed) {
      changed.from_day = change.from_day;
      versions.insert(versions.begin() + static_cast<std::ptrdiff_t>(in_force) + 1,
                      std::move(changed));
    }
  }
  // A version that repeats the one before it says nothing: joined into it.
  std::vector<CalendarVersion> joined;
  for (CalendarVersion& version : versions) {
    if (!joined.empty() && joined.back().zone == version.zone
        && joined.back().hours == version.hours) {
      continue;
    }
    joined.push_back(std::move(version));
  }
  out.versions = std::move(joined);
  return out;
}

} // namespace slatrack
