// Calendars with versions (SPEC.md "Rules have dates"): a clock running across a change of hours
// or zone uses the old ones before it and the new ones after, exact to the second. The engine is
// checked against an independent minute-by-minute reference built on date-tz's own local time
// (which version is in force at each minute, and whether that version is open then), on
// thousands of seeded random cases with random version dates, across DST changes and 30- and
// 45-minute offsets; plus worked examples and the rules of `calendar edit --from/--retroactive`.
#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "system/zone_files.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <date/date.h>
#include <date/tz.h>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace slatrack;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

constexpr std::int64_t k_minute = 60;

Instant utc(int y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return Instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} + hours{h}
         + minutes{mi} + seconds{s};
}

std::int64_t day_of(int y, unsigned m, unsigned d) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}}.time_since_epoch().count();
}

std::int64_t below(std::mt19937& random, std::int64_t n) {
  return static_cast<std::int64_t>(random() % static_cast<std::mt19937::result_type>(n));
}

Instant floor_minute(Instant t) {
  return Instant{std::chrono::floor<minutes>(t)};
}

std::string text(Instant t) {
  return date::format("%F %a %T UTC", t);
}

// A local reading in date-tz's zone as an instant: a skipped reading is the first instant after
// the gap, a repeated one the earlier.
Instant to_instant(const date::time_zone* zone, date::local_seconds reading) {
  const date::local_info info = zone->get_info(reading);
  if (info.result == date::local_info::nonexistent) {
    return info.first.end;
  }
  return Instant{reading.time_since_epoch() - info.first.offset};
}

CalendarRules versioned(std::vector<Holiday> holidays, std::vector<CalendarVersion> versions) {
  CalendarRules out;
  out.name = "test";
  out.holidays = std::move(holidays);
  set_calendar_versions(out, std::move(versions));
  return out;
}

CalendarVersion version(std::optional<std::int64_t> from, std::string zone, std::string_view spec) {
  return CalendarVersion{from, std::move(zone), parse_hours(spec)};
}

// The reference: for each UTC minute, the version in force (the last whose start, local midnight
// of its date read by date-tz in the zone of the version before it, is at or before the minute)
// and whether that version's zone reading falls in its hours on a day that is not a holiday.
class VersionedReference {
public:
  VersionedReference(const CalendarRules& calendar, Instant from, Instant to)
      : m_rules(calendar), m_versions(calendar_versions(calendar)), m_from(from),
        m_cache(static_cast<std::size_t>((to - from).count() / k_minute), -1) {
    for (std::size_t i = 0; i < m_versions.size(); ++i) {
      m_zones.push_back(date::locate_zone(m_versions[i].zone));
      if (i == 0) {
        m_starts.push_back(Instant::min());
      } else {
        m_starts.push_back(
            to_instant(m_zones[i - 1], date::local_seconds{date::days{*m_versions[i].from_day}}));
      }
    }
  }

  [[nodiscard]] std::size_t version_at(Instant t) const {
    std::size_t out = 0;
    for (std::size_t i = 1; i < m_starts.size(); ++i) {
      if (m_starts[i] <= t) {
        out = i;
      }
    }
    return out;
  }

  [[nodiscard]] std::size_t version_on(date::local_days day) const {
    std::size_t out = 0;
    for (std::size_t i = 1; i < m_versions.size(); ++i) {
      if (*m_versions[i].from_day <= day.time_since_epoch().count()) {
        out = i;
      }
    }
    return out;
  }

  [[nodiscard]] bool holiday(date::local_days day) const {
    const date::year_month_day ymd{day};
    for (const Holiday& h : m_rules.holidays) {
      if ((h.year == 0 || date::year{h.year} == ymd.year()) && date::month{h.month} == ymd.month()
          && date::day{h.day} == ymd.day()) {
        return true;
      }
    }
    return false;
  }

  [[nodiscard]] bool open_minute(Instant minute_start) const {
    const std::int64_t index = (minute_start - m_from).count() / k_minute;
    if (index < 0 || static_cast<std::size_t>(index) >= m_cache.size()) {
      throw std::runtime_error("reference window exceeded at " + text(minute_start));
    }
    signed char& cached = m_cache[static_cast<std::size_t>(index)];
    if (cached < 0) {
      cached = compute(minute_start) ? 1 : 0;
    }
    return cached == 1;
  }

  [[nodiscard]] Seconds open(Instant a, Instant b) const {
    Seconds total{0};
    for (Instant t = a; t < b;) {
      const Instant next = std::min(b, floor_minute(t) + minutes{1});
      if (open_minute(floor_minute(t))) {
        total += next - t;
      }
      t = next;
    }
    return total;
  }

  [[nodiscard]] Instant add(Instant t, Seconds d) const {
    Seconds used{0};
    for (Instant u = t;;) {
      const Instant next = floor_minute(u) + minutes{1};
      if (open_minute(floor_minute(u))) {
        if (used + (next - u) > d) {
          return u + (d - used);
        }
        used += next - u;
      }
      u = next;
    }
  }

  // addbd by the contract's words, a date at a time: each date judged by its version.
  [[nodiscard]] Instant addbd(Instant t, std::int64_t n) const {
    const Instant s = add(t, seconds{0});
    const date::local_seconds local = m_zones[version_at(s)]->to_local(s);
    date::local_days day = date::floor<date::days>(local);
    const auto wall = local - day;
    for (std::int64_t count = 0; count < n;) {
      day += date::days{1};
      const CalendarVersion& v = m_versions[version_on(day)];
      if (!holiday(day) && !v.hours.days[date::weekday{day}.iso_encoding() - 1].empty()) {
        ++count;
      }
    }
    return add(to_instant(m_zones[version_on(day)], day + wall), seconds{0});
  }

  [[nodiscard]] std::vector<OpenSpan> spans(Instant a, Instant b) const {
    std::vector<OpenSpan> out;
    for (Instant t = a; t < b;) {
      const Instant next = std::min(b, floor_minute(t) + minutes{1});
      if (open_minute(floor_minute(t))) {
        if (!out.empty() && out.back().end == t) {
          out.back().end = next;
        } else {
          out.push_back(OpenSpan{t, next});
        }
      }
      t = next;
    }
    return out;
  }

  [[nodiscard]] const std::vector<Instant>& starts() const {
    return m_starts;
  }

private:
  [[nodiscard]] bool compute(Instant t) const {
    const std::size_t v = version_at(t);
    const date::local_seconds reading = m_zones[v]->to_local(t);
    const date::local_days day = date::floor<date::days>(reading);
    if (holiday(day)) {
      return false;
    }
    const auto minute = std::chrono::duration_cast<minutes>(reading - day).count();
    for (const OpenInterval& interval :
         m_versions[v].hours.days[date::weekday{day}.iso_encoding() - 1]) {
      if (minute >= interval.begin && minute < interval.end) {
        return true;
      }
    }
    return false;
  }

  CalendarRules m_rules;
  std::vector<CalendarVersion> m_versions;
  std::vector<const date::time_zone*> m_zones;
  std::vector<Instant> m_starts;
  Instant m_from;
  mutable std::vector<signed char> m_cache;
};

const Instant k_window_begin = utc(2023, 12, 1);
const Instant k_window_end = utc(2028, 9, 1);

// Hours that versions pick from: split days, half days, nights, 24:00 ends, six-day weeks.
const std::vector<std::string_view> k_hours{
    "mon-fri 09:00-17:00",
    "mon-fri 08:00-12:30 13:30-16:00; sat 10:00-14:00",
    "mon-thu 07:00-19:00",
    "sun-thu 10:00-17:00",
    "mon-fri 09:00-24:00; sat 00:00-02:00; sun 01:00-04:00",
    "mon-sat 10:00-19:00",
    "mon-sun 00:00-24:00",
    "tue-sat 01:30-03:30 12:00-20:00",
};

struct ZoneFamily {
  std::string label;
  std::vector<std::string> zones; // the zones its versions pick from
  std::vector<Holiday> holidays;
};

// Zones with DST (at 01:00, 02:00, at midnight), 30- and 45-minute offsets, half-hour DST, and
// changes of zone between versions.
const std::vector<ZoneFamily> k_families{
    {"New York", {"America/New_York"}, {{0, 12, 25, "x"}, {2025, 3, 10, "x"}, {2026, 11, 2, "x"}}},
    {"London, then Paris or Lisbon",
     {"Europe/London", "Europe/Paris", "Europe/Lisbon"},
     {{0, 1, 1, "x"}, {2025, 3, 31, "x"}}},
    {"Kolkata (+05:30) and Kathmandu (+05:45)",
     {"Asia/Kolkata", "Asia/Kathmandu"},
     {{0, 1, 26, "x"}, {0, 8, 15, "x"}}},
    {"Adelaide (+09:30/+10:30) and Sydney",
     {"Australia/Adelaide", "Australia/Sydney"},
     {{0, 4, 25, "x"}, {2024, 10, 7, "x"}}},
    {"Lord Howe half-hour DST", {"Australia/Lord_Howe"}, {{0, 12, 25, "x"}}},
    {"Santiago DST at midnight", {"America/Santiago"}, {{0, 9, 18, "x"}, {2025, 4, 5, "x"}}},
    {"UTC and New York", {"UTC", "America/New_York"}, {{0, 2, 29, "x"}}},
    {"Chatham (+12:45/+13:45) and Auckland",
     {"Pacific/Chatham", "Pacific/Auckland"},
     {{0, 2, 6, "x"}}},
};

// The DST changes of `zone` in [from, to).
std::vector<Instant> transitions(const std::string& zone, Instant from, Instant to) {
  std::vector<Instant> out;
  const date::time_zone* tz = date::locate_zone(zone);
  date::sys_info info = tz->get_info(from);
  while (info.end < to) {
    const date::sys_info next = tz->get_info(info.end);
    if (next.offset != info.offset) {
      out.push_back(next.begin);
    }
    info = next;
  }
  return out;
}

// A random calendar of the family: 2 to 4 versions; their dates in 2024-2027, often on or next to
// a DST change day.
CalendarRules random_calendar(const ZoneFamily& family, std::mt19937& random) {
  const auto pick_zone = [&] {
    return family.zones[static_cast<std::size_t>(
        below(random, static_cast<std::int64_t>(family.zones.size())))];
  };
  const auto pick_hours = [&] {
    return k_hours[static_cast<std::size_t>(
        below(random, static_cast<std::int64_t>(k_hours.size())))];
  };
  std::vector<CalendarVersion> versions{version(std::nullopt, pick_zone(), pick_hours())};
  const std::vector<Instant> changes =
      transitions(family.zones.front(), utc(2024, 1, 1), utc(2027, 12, 1));
  std::vector<std::int64_t> days;
  const std::int64_t count = 1 + below(random, 3);
  for (std::int64_t i = 0; i < count; ++i) {
    std::int64_t day = day_of(2024, 1, 10) + below(random, 1400);
    if (!changes.empty() && below(random, 2) == 0) {
      const Instant change = changes[static_cast<std::size_t>(
          below(random, static_cast<std::int64_t>(changes.size())))];
      day = date::floor<date::days>(change).time_since_epoch().count() + below(random, 3) - 1;
    }
    days.push_back(day);
  }
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  for (const std::int64_t day : days) {
    std::string zone = versions.back().zone;
    if (below(random, 3) == 0) {
      zone = pick_zone();
    }
    versions.push_back(version(day, zone, pick_hours()));
  }
  return versioned(family.holidays, std::move(versions));
}

// add, open, open_spans and addbd of the engine against the reference on `cases` random cases
// of `calendars` random calendars of one family: starts near each version boundary (before it,
// on it, at odd seconds, on an edge of the open hours), targets from minutes to weeks.
void compare_versions(std::size_t family_index, std::uint32_t seed, int calendars, int cases) {
  const ZoneFamily& family = k_families.at(family_index);
  INFO(family.label);
  std::mt19937 random(seed);
  int failures = 0;
  for (int c = 0; c < calendars && failures < 20; ++c) {
    const CalendarRules calendar = random_calendar(family, random);
    std::string shape;
    for (const CalendarVersion& v : calendar_versions(calendar)) {
      shape += (v.from_day ? format_day(*v.from_day) : std::string("beginning")) + " " + v.zone
               + " " + format_hours(v.hours) + "; ";
    }
    INFO("calendar: " << shape);
    const std::unique_ptr<Clock> engine = make_clock(calendar, zone_files());
    const VersionedReference reference(calendar, k_window_begin, k_window_end);
    const std::vector<Instant>& starts = reference.starts();
    for (int i = 0; i < cases && failures < 20; ++i) {
      const Instant anchor = starts[1
                                    + static_cast<std::size_t>(below(
                                        random, static_cast<std::int64_t>(starts.size()) - 1))];
      Instant start = anchor - minutes{below(random, 8 * 1440)};
      const std::int64_t shape_kind = below(random, 10);
      if (shape_kind == 0) {
        start = anchor; // exactly on the boundary
      } else if (shape_kind < 3) {
        start += seconds{1 + below(random, 59)};
      } else if (shape_kind < 5) {
        const bool was_open = reference.open_minute(start);
        while (reference.open_minute(start) == was_open) {
          start += minutes{1};
        }
      }
      Seconds duration{0};
      const std::int64_t kind = below(random, 10);
      if (kind == 0) {
        duration = Seconds{0};
      } else if (kind < 5) {
        duration = minutes{1 + below(random, 900)};
      } else if (kind < 8) {
        duration = minutes{1 + below(random, 4 * 1440)};
      } else if (kind < 9) {
        duration = seconds{1 + below(random, 3 * 86400)};
      } else {
        duration = reference.open(start, anchor); // runs out exactly at the boundary
      }
      const Instant expected = reference.add(start, duration);
      const Instant actual = engine->add(start, duration);
      if (actual != expected) {
        ++failures;
        FAIL_CHECK("add(" << text(start) << ", " << duration.count() << "s): engine "
                          << text(actual) << ", reference " << text(expected));
      }
      const Instant end = start + seconds{below(random, 9 * 86400)};
      const Seconds expected_open = reference.open(start, end);
      const Seconds actual_open = engine->open(start, end);
      if (actual_open != expected_open) {
        ++failures;
        FAIL_CHECK("open(" << text(start) << ", " << text(end) << "): engine "
                           << actual_open.count() << "s, reference " << expected_open.count()
                           << "s");
      }
      if (i % 4 == 0 && engine->open_spans(start, end) != reference.spans(start, end)) {
        ++failures;
        FAIL_CHECK("open_spans(" << text(start) << ", " << text(end) << ") differ");
      }
      const std::int64_t n = below(random, 4) == 0 ? 1 + below(random, 20) : 1 + below(random, 5);
      const Instant expected_bd = reference.addbd(start, n);
      const Instant actual_bd = engine->add_business_days(start, n);
      if (actual_bd != expected_bd) {
        ++failures;
        FAIL_CHECK("addbd(" << text(start) << ", " << n << "): engine " << text(actual_bd)
                            << ", reference " << text(expected_bd));
      }
      if (i % 8 == 0) {
        const Clock::BusinessDayWalk walk = engine->walk_business_days(start, n);
        CHECK(walk.due == actual_bd);
        CHECK(static_cast<std::int64_t>(walk.days.size()) == n);
      }
    }
  }
  REQUIRE(failures == 0);
}

constexpr int k_calendars = 12;
constexpr int k_cases = 40; // per calendar: 480 cases of add, open and addbd per family

} // namespace

TEST_CASE("versions reference: New York", "[calendar][versions]") {
  compare_versions(0, 201, k_calendars, k_cases);
}

TEST_CASE("versions reference: London, Paris, Lisbon (changes of zone)", "[calendar][versions]") {
  compare_versions(1, 202, k_calendars, k_cases);
}

TEST_CASE("versions reference: Kolkata (+05:30) and Kathmandu (+05:45)", "[calendar][versions]") {
  compare_versions(2, 203, k_calendars, k_cases);
}

TEST_CASE("versions reference: Adelaide (+09:30/+10:30) and Sydney", "[calendar][versions]") {
  compare_versions(3, 204, k_calendars, k_cases);
}

TEST_CASE("versions reference: Lord Howe half-hour DST", "[calendar][versions]") {
  compare_versions(4, 205, k_calendars, k_cases);
}

TEST_CASE("versions reference: Santiago DST at midnight", "[calendar][versions]") {
  compare_versions(5, 206, k_calendars, k_cases);
}

TEST_CASE("versions reference: UTC and New York", "[calendar][versions]") {
  compare_versions(6, 207, k_calendars, k_cases);
}

TEST_CASE("versions reference: Chatham (+12:45/+13:45) and Auckland", "[calendar][versions]") {
  compare_versions(7, 208, k_calendars, k_cases);
}

// ---------------------------------------------------------------------------------------------
// Worked examples.

TEST_CASE("a clock across a change of hours uses the old hours before and the new after",
          "[calendar][versions]") {
  // Office 09:00-17:00 in London; from Wed 1 Apr 2026, 08:00-16:00 (BST: UTC+1).
  const CalendarRules office =
      versioned({}, {version(std::nullopt, "Europe/London", "mon-fri 09:00-17:00"),
                     version(day_of(2026, 4, 1), "Europe/London", "mon-fri 08:00-16:00")});
  const std::unique_ptr<Clock> clock = make_clock(office, zone_files());
  // Tue 31 Mar 16:00 BST + 2h: one hour on Tuesday (old hours, to 17:00), one on Wednesday from
  // 08:00 (new hours): due Wed 09:00 BST = 08:00 UTC.
  CHECK(text(clock->add(utc(2026, 3, 31, 15), hours{2})) == text(utc(2026, 4, 1, 8)));
  CHECK(clock->open(utc(2026, 3, 31, 15), utc(2026, 4, 1, 8)) == hours{2});
  // Without the change the due time would be Wed 10:00 BST.
  const std::unique_ptr<Clock> old = make_clock(
      versioned({}, {version(std::nullopt, "Europe/London", "mon-fri 09:00-17:00")}), zone_files());
  CHECK(text(old->add(utc(2026, 3, 31, 15), hours{2})) == text(utc(2026, 4, 1, 9)));
  // 1bd from Tue 31 Mar 16:30 BST: Wed 16:30, closed under the new hours: Thu 08:00 BST.
  CHECK(text(clock->add_business_days(utc(2026, 3, 31, 15, 30), 1)) == text(utc(2026, 4, 2, 7)));
  // open_spans are cut at the change.
  const std::vector<OpenSpan> spans = clock->open_spans(utc(2026, 3, 31), utc(2026, 4, 2));
  REQUIRE(spans.size() == 2);
  CHECK(spans[0] == OpenSpan{utc(2026, 3, 31, 8), utc(2026, 3, 31, 16)});
  CHECK(spans[1] == OpenSpan{utc(2026, 4, 1, 7), utc(2026, 4, 1, 15)});
  const std::vector<Clock::VersionStart> starts =
      clock->version_starts(utc(2026, 3, 31), utc(2026, 4, 2));
  REQUIRE(starts.size() == 1);
  CHECK(starts[0].at == utc(2026, 3, 31, 23)); // midnight BST
  CHECK(starts[0].version == 1);
}

TEST_CASE("a change of zone starts at midnight in the zone before it", "[calendar][versions]") {
  // New York until 2026-06-01, then Los Angeles: the change is at 00:00 EDT (04:00 UTC), and the
  // new hours are read on Los Angeles' wall clock.
  const CalendarRules moved =
      versioned({}, {version(std::nullopt, "America/New_York", "mon-fri 09:00-17:00"),
                     version(day_of(2026, 6, 1), "America/Los_Angeles", "mon-fri 09:00-17:00")});
  const std::unique_ptr<Clock> clock = make_clock(moved, zone_files());
  CHECK(clock->version_starts(utc(2026, 5, 1), utc(2026, 7, 1)).at(0).at == utc(2026, 6, 1, 4));
  // Fri 29 May 16:00 EDT + 2h: one hour on Friday in New York, then Monday 09:00 PDT (16:00 UTC)
  // + 1h.
  CHECK(text(clock->add(utc(2026, 5, 29, 20), hours{2})) == text(utc(2026, 6, 1, 17)));
  // 1bd from Fri 29 May 10:00 EDT: Monday 1 June is in Los Angeles' version; 10:00 PDT.
  CHECK(text(clock->add_business_days(utc(2026, 5, 29, 14), 1)) == text(utc(2026, 6, 1, 17)));
}

TEST_CASE("the cost of add and addbd does not grow with the target across versions",
          "[calendar][versions]") {
  std::vector<CalendarVersion> versions{
      version(std::nullopt, "Europe/London", "mon-fri 09:00-17:00")};
  for (int year = 2027; year < 2037; ++year) {
    versions.push_back(version(day_of(year, 1, 1), "Europe/London",
                               year % 2 == 0 ? "mon-fri 09:00-17:00" : "mon-fri 08:00-16:00"));
  }
  const std::unique_ptr<Clock> clock =
      make_clock(versioned({{0, 12, 25, "x"}}, versions), zone_files());
  // A century of open time and of business days: answered at once, and consistent.
  const Instant start = utc(2026, 11, 24, 10, 15);
  const Instant due = clock->add(start, hours{8 * 260 * 100});
  CHECK(clock->open(start, due) == hours{8 * 260 * 100});
  const Instant bd = clock->add_business_days(start, 26000);
  CHECK(bd > utc(2120, 1, 1));
  CHECK(clock->business_days_in(day_of(2026, 11, 25), day_of(2036, 11, 25))
        == clock->business_days_in(day_of(2026, 11, 25), day_of(2031, 11, 25))
               + clock->business_days_in(day_of(2031, 11, 25), day_of(2036, 11, 25)));
}

// ---------------------------------------------------------------------------------------------
// The rules of `calendar edit`.

TEST_CASE("calendar edit --from adds a version; the next one stays", "[calendar][versions]") {
  CalendarRules office =
      versioned({}, {version(std::nullopt, "Europe/London", "mon-fri 09:00-17:00")});
  CalendarVersionChange change;
  change.hours = parse_hours("mon-fri 08:00-16:00");
  change.from_day = day_of(2026, 4, 1);
  CalendarVersionsChanged plan = change_calendar_versions(office, change);
  CHECK(plan.changed);
  REQUIRE(plan.versions.size() == 2);
  CHECK(plan.versions[1].from_day == day_of(2026, 4, 1));
  CHECK(format_hours(plan.versions[1].hours) == "mon-fri 08:00-16:00");
  set_calendar_versions(office, plan.versions);
  CHECK(format_hours(office.hours) == "mon-fri 08:00-16:00"); // the latest
  // An earlier date: a version from then with the version in force then changed; April's stays.
  change.hours.reset();
  change.zone = "Europe/Paris";
  change.from_day = day_of(2026, 2, 1);
  plan = change_calendar_versions(office, change);
  REQUIRE(plan.versions.size() == 3);
  CHECK(plan.versions[1].zone == "Europe/Paris");
  CHECK(format_hours(plan.versions[1].hours) == "mon-fri 09:00-17:00");
  CHECK(plan.versions[2].zone == "Europe/London");
  // The same date again: changed in place.
  change.from_day = day_of(2026, 4, 1);
  change.zone = "Europe/Lisbon";
  plan = change_calendar_versions(office, change);
  REQUIRE(plan.versions.size() == 2);
  CHECK(plan.versions[1].zone == "Europe/Lisbon");
  // No change at all: nothing added.
  change.zone = "Europe/London";
  change.from_day = day_of(2026, 6, 1);
  plan = change_calendar_versions(office, change);
  CHECK_FALSE(plan.changed);
  CHECK(plan.versions.size() == 2);
}

TEST_CASE("calendar edit --retroactive changes every version", "[calendar][versions]") {
  const CalendarRules office =
      versioned({}, {version(std::nullopt, "Europe/London", "mon-fri 09:00-17:00"),
                     version(day_of(2026, 4, 1), "Europe/London", "mon-fri 08:00-16:00")});
  CalendarVersionChange change;
  change.zone = "Europe/Dublin";
  change.retroactive = true;
  const CalendarVersionsChanged plan = change_calendar_versions(office, change);
  CHECK(plan.changed);
  REQUIRE(plan.versions.size() == 2);
  CHECK(plan.versions[0].zone == "Europe/Dublin");
  CHECK(plan.versions[1].zone == "Europe/Dublin");
  // Hours made the same in every version: one version is left.
  change.zone.reset();
  change.hours = parse_hours("mon-fri 10:00-18:00");
  const CalendarVersionsChanged same = change_calendar_versions(office, change);
  CHECK(same.versions.size() == 1);
}

TEST_CASE("dates of versions: YYYY-MM-DD only", "[calendar][versions]") {
  CHECK(parse_day("2026-04-01") == day_of(2026, 4, 1));
  CHECK(format_day(day_of(2026, 4, 1)) == "2026-04-01");
  CHECK_THROWS_WITH(parse_day("04-01"), "bad date \"04-01\": write YYYY-MM-DD, e.g. 2026-04-01");
  CHECK_THROWS_AS(parse_day("2026-02-30"), Error);
}
