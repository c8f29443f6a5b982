// Tests of the business-hours engine against the contract's worked examples, against an
// independent minute-by-minute reference built on date-tz's own local-time conversion, and of the
// open-hours and holiday text forms.
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
#include <sstream>
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

// A local wall-clock reading in `zone` (the earlier one when ambiguous).
Instant local(const std::string& zone, int y, unsigned m, unsigned d, int h = 0, int mi = 0) {
  const date::local_seconds reading{date::local_days{date::year{y} / date::month{m} / date::day{d}}
                                    + hours{h} + minutes{mi}};
  return date::locate_zone(zone)->to_sys(reading, date::choose::earliest);
}

// A pseudo-random number in [0, n), the same on every platform.
std::int64_t below(std::mt19937& random, std::int64_t n) {
  return static_cast<std::int64_t>(random() % static_cast<std::mt19937::result_type>(n));
}

// Instants and spans as text, so that a failed check shows them.
std::string text(Instant t) {
  return date::format("%F %T UTC", t);
}

std::string text(const OpenSpan& span) {
  return "[" + text(span.begin) + ", " + text(span.end) + ")";
}

std::string text(const std::string& zone, Instant t) {
  return date::format("%F %a %T %Z", date::make_zoned(zone, t));
}

CalendarRules rules(std::string zone, std::string_view spec, std::vector<Holiday> holidays = {}) {
  return CalendarRules{"test", std::move(zone), parse_hours(spec), std::move(holidays), {}};
}

Holiday once(int y, unsigned m, unsigned d) {
  return Holiday{y, m, d, "once"};
}

Holiday yearly(unsigned m, unsigned d) {
  return Holiday{0, m, d, "yearly"};
}

// ---------------------------------------------------------------------------------------------
// The reference: asks date-tz for the local reading of each minute and decides openness with
// plain code. Valid because every interval edge and (from 1970 on, in the zones used here) every
// zone transition falls on a whole minute, so openness is constant within a UTC minute.
class Reference {
public:
  Reference(const CalendarRules& calendar, Instant from, Instant to)
      : m_rules(calendar), m_zone(date::locate_zone(calendar.zone)), m_from(from),
        m_cache(static_cast<std::size_t>((to - from).count() / k_minute), -1) {}

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
    Instant t = a;
    while (t < b) {
      const Instant minute_start = floor_minute(t);
      const Instant next = std::min(b, minute_start + minutes{1});
      if (open_minute(minute_start)) {
        total += next - t;
      }
      t = next;
    }
    return total;
  }

  [[nodiscard]] Instant add(Instant t, Seconds d) const {
    Seconds used{0};
    Instant u = t;
    while (true) {
      const Instant minute_start = floor_minute(u);
      const Instant next = minute_start + minutes{1};
      if (open_minute(minute_start)) {
        const Seconds length = next - u;
        if (used + length > d) {
          return u + (d - used);
        }
        used += length;
      }
      u = next;
    }
  }

  [[nodiscard]] std::vector<OpenSpan> spans(Instant a, Instant b) const {
    std::vector<OpenSpan> out;
    Instant t = a;
    while (t < b) {
      const Instant minute_start = floor_minute(t);
      const Instant next = std::min(b, minute_start + minutes{1});
      if (open_minute(minute_start)) {
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

private:
  static Instant floor_minute(Instant t) {
    return std::chrono::floor<minutes>(t);
  }

  [[nodiscard]] bool compute(Instant t) const {
    const date::local_seconds reading = m_zone->to_local(t);
    const date::local_days day = date::floor<date::days>(reading);
    const date::year_month_day ymd{day};
    for (const Holiday& holiday : m_rules.holidays) {
      const bool same_year = holiday.year == 0 || date::year{holiday.year} == ymd.year();
      if (same_year && date::month{holiday.month} == ymd.month()
          && date::day{holiday.day} == ymd.day()) {
        return false;
      }
    }
    const unsigned iso = date::weekday{day}.iso_encoding(); // 1 = Monday
    const auto minute_of_day = std::chrono::duration_cast<minutes>(reading - day).count();
    for (const OpenInterval& interval : m_rules.hours.days[iso - 1]) {
      if (minute_of_day >= interval.begin && minute_of_day < interval.end) {
        return true;
      }
    }
    return false;
  }

  CalendarRules m_rules;
  const date::time_zone* m_zone;
  Instant m_from;
  mutable std::vector<signed char> m_cache;
};

// The instants in [from, to) when the zone's UTC offset changes.
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

struct Scenario {
  std::string label;
  CalendarRules rules;
};

std::vector<Scenario> scenarios() {
  return {
      {"New York office, holiday after each DST change",
       rules("America/New_York", "mon-fri 09:00-17:00; sun 01:30-02:30 03:00-04:00",
             {once(2024, 11, 4), once(2025, 3, 10), yearly(12, 25), once(2026, 11, 2)})},
      {"New York night shift across the DST hours",
       rules("America/New_York", "sat 22:00-24:00; sun 00:00-02:30; mon-fri 08:00-12:00",
             {yearly(7, 4)})},
      {"London split day, Saturday shift, 01:00-02:00 Sundays",
       rules("Europe/London", "mon-fri 09:00-12:30 13:30-17:00; sat 10:00-14:00; sun 00:30-02:00",
             {once(2025, 3, 31), yearly(1, 1), yearly(12, 26)})},
      {"Sydney long days to midnight",
       rules("Australia/Sydney", "mon-fri 08:00-24:00; sat 00:00-03:00; sun 01:00-04:00",
             {yearly(10, 7), once(2025, 4, 7), yearly(1, 26)})},
      {"Kolkata six-day week",
       rules("Asia/Kolkata", "mon-sat 10:00-19:00", {yearly(1, 26), yearly(8, 15)})},
      {"Adelaide half-hour zone with Sunday early hours",
       rules("Australia/Adelaide", "mon-fri 09:00-17:00; sun 01:30-03:30",
             {once(2024, 10, 7), yearly(4, 25)})},
      {"Kathmandu Sunday to Thursday",
       rules("Asia/Kathmandu", "sun-thu 10:00-17:00", {yearly(5, 1)})},
      {"Lord Howe half-hour DST",
       rules("Australia/Lord_Howe", "mon-sun 01:00-03:00 09:00-17:00", {yearly(12, 25)})},
      {"Santiago DST at midnight",
       rules("America/Santiago", "mon-fri 09:00-18:00; sat 20:00-24:00; sun 00:00-02:00",
             {yearly(9, 18), yearly(9, 19), once(2025, 4, 5)})},
      {"UTC weekdays around the clock, yearly leap day",
       rules("UTC", "mon-fri 00:00-24:00", {yearly(2, 29), once(2026, 1, 2)})},
  };
}

const Instant k_window_begin = utc(2023, 12, 1);
const Instant k_window_end = utc(2028, 7, 1);

} // namespace

// ---------------------------------------------------------------------------------------------
// The contract's worked examples (SPEC.md "The clocks").

TEST_CASE("Fri 16:30 + 2h = Mon 10:30", "[calendar]") {
  const BusinessCalendar london(rules("Europe/London", "mon-fri 09:00-17:00"), zone_files());
  CHECK(text(london.add(local("Europe/London", 2026, 11, 20, 16, 30), hours{2}))
        == text(local("Europe/London", 2026, 11, 23, 10, 30)));
  const BusinessCalendar new_york(rules("America/New_York", "mon-fri 09:00-17:00"), zone_files());
  CHECK(text(new_york.add(local("America/New_York", 2026, 11, 20, 16, 30), hours{2}))
        == text(local("America/New_York", 2026, 11, 23, 10, 30)));
}

TEST_CASE("Sat 12:00 + 2h = Mon 11:00", "[calendar]") {
  const BusinessCalendar calendar(rules("Europe/London", "mon-fri 09:00-17:00"), zone_files());
  CHECK(text(calendar.add(local("Europe/London", 2026, 11, 21, 12, 0), hours{2}))
        == text(local("Europe/London", 2026, 11, 23, 11, 0)));
}

TEST_CASE("Fri 16:00 + 1h = Mon 09:00, the weekend belongs to the target", "[calendar]") {
  const BusinessCalendar calendar(rules("America/New_York", "mon-fri 09:00-17:00"), zone_files());
  const Instant start = local("America/New_York", 2026, 11, 20, 16, 0);
  const Instant due = calendar.add(start, hours{1});
  CHECK(text(due) == text(local("America/New_York", 2026, 11, 23, 9, 0)));
  CHECK(calendar.open(start, due) == hours{1});
  CHECK(calendar.open(start, local("America/New_York", 2026, 11, 20, 17, 0)) == hours{1});
}

TEST_CASE("a holiday Monday pushes the due time to Tuesday", "[calendar]") {
  const BusinessCalendar calendar(
      rules("Europe/London", "mon-fri 09:00-17:00", {parse_holiday("2026-11-23")}), zone_files());
  CHECK(text(calendar.add(local("Europe/London", 2026, 11, 20, 16, 30), hours{2}))
        == text(local("Europe/London", 2026, 11, 24, 10, 30)));
  const BusinessCalendar yearly_holiday(
      rules("Europe/London", "mon-fri 09:00-17:00", {parse_holiday("12-28")}), zone_files());
  // 2026-12-28 is a Monday.
  CHECK(text(yearly_holiday.add(local("Europe/London", 2026, 12, 25, 16, 30), hours{2}))
        == text(local("Europe/London", 2026, 12, 29, 10, 30)));
}

TEST_CASE("a target running out at the lunch break is due when lunch ends", "[calendar]") {
  const BusinessCalendar calendar(rules("Europe/London", "mon-fri 09:00-12:30 13:30-17:00"),
                                  zone_files());
  CHECK(text(calendar.add(local("Europe/London", 2026, 11, 23, 10, 30), hours{2}))
        == text(local("Europe/London", 2026, 11, 23, 13, 30)));
  CHECK(text(calendar.add(local("Europe/London", 2026, 11, 23, 10, 30), hours{2} + seconds{1}))
        == text(local("Europe/London", 2026, 11, 23, 13, 30) + seconds{1}));
}

TEST_CASE("add with zero duration is the next opening, or the start when open", "[calendar]") {
  const BusinessCalendar calendar(rules("Europe/London", "mon-fri 09:00-17:00"), zone_files());
  const Instant open_instant = local("Europe/London", 2026, 11, 23, 10, 0) + seconds{7};
  CHECK(text(calendar.add(open_instant, seconds{0})) == text(open_instant));
  CHECK(text(calendar.add(local("Europe/London", 2026, 11, 21, 10, 0), seconds{0}))
        == text(local("Europe/London", 2026, 11, 23, 9, 0)));
  CHECK(text(calendar.add(local("Europe/London", 2026, 11, 23, 17, 0), seconds{0}))
        == text(local("Europe/London", 2026, 11, 24, 9, 0)));
}

TEST_CASE("DST: an interval spanning the change is an hour shorter or longer", "[calendar]") {
  const BusinessCalendar calendar(rules("America/New_York", "mon-sun 00:00-24:00 "), zone_files());
  // 2024-03-10 has 23 hours, 2024-11-03 has 25.
  CHECK(
      calendar.open(local("America/New_York", 2024, 3, 10), local("America/New_York", 2024, 3, 11))
      == hours{23});
  CHECK(
      calendar.open(local("America/New_York", 2024, 11, 3), local("America/New_York", 2024, 11, 4))
      == hours{25});
  const BusinessCalendar london(rules("Europe/London", "sun 00:00-04:00"), zone_files());
  CHECK(london.open(utc(2025, 3, 29), utc(2025, 4, 1)) == hours{3});
  CHECK(london.open(utc(2025, 10, 25), utc(2025, 10, 28)) == hours{5});
}

TEST_CASE("DST: a boundary in the skipped hour counts only existing wall-clock time",
          "[calendar]") {
  const BusinessCalendar calendar(rules("America/New_York", "sun 02:00-04:00"), zone_files());
  // 2024-03-10: 02:00 EST jumps to 03:00 EDT, so the interval is 03:00-04:00 EDT.
  const Instant day_begin = local("America/New_York", 2024, 3, 10);
  const Instant day_end = local("America/New_York", 2024, 3, 11);
  CHECK(calendar.open(day_begin, day_end) == hours{1});
  const std::vector<OpenSpan> spans = calendar.open_spans(day_begin, day_end);
  REQUIRE(spans.size() == 1);
  CHECK(text(spans[0].begin) == text(utc(2024, 3, 10, 7, 0)));
  CHECK(text(spans[0].end) == text(utc(2024, 3, 10, 8, 0)));
  CHECK(text(calendar.add(day_begin, seconds{0})) == text(utc(2024, 3, 10, 7, 0)));
}

TEST_CASE("DST: an hour that occurs twice is open both times", "[calendar]") {
  const BusinessCalendar calendar(rules("America/New_York", "sun 01:00-02:00"), zone_files());
  // 2024-11-03: 01:00-02:00 EDT, then 01:00-02:00 EST again.
  const Instant day_begin = local("America/New_York", 2024, 11, 3);
  const Instant day_end = local("America/New_York", 2024, 11, 4);
  CHECK(calendar.open(day_begin, day_end) == hours{2});
  const std::vector<OpenSpan> spans = calendar.open_spans(day_begin, day_end);
  REQUIRE(spans.size() == 1);
  CHECK(text(spans[0].begin) == text(utc(2024, 11, 3, 5, 0)));
  CHECK(text(spans[0].end) == text(utc(2024, 11, 3, 7, 0)));
  CHECK(text(calendar.add(day_begin, minutes{90})) == text(utc(2024, 11, 3, 6, 30)));
}

TEST_CASE("DST: a target running out at the change is due at the next opening after it",
          "[calendar]") {
  const BusinessCalendar calendar(rules("America/New_York", "sun 00:00-02:00; mon-fri 09:00-17:00"),
                                  zone_files());
  // 2024-03-10 00:00-02:00 EST is open, then the clocks jump to 03:00 EDT.
  CHECK(text(calendar.add(local("America/New_York", 2024, 3, 10), hours{2}))
        == text(local("America/New_York", 2024, 3, 11, 9, 0)));
  // 2024-11-03 00:00-02:00 EDT, then 01:00-02:00 EST again: three hours.
  CHECK(text(calendar.add(local("America/New_York", 2024, 11, 3), hours{3}))
        == text(local("America/New_York", 2024, 11, 4, 9, 0)));
  CHECK(text(calendar.add(local("America/New_York", 2024, 11, 3), hours{2}))
        == text(utc(2024, 11, 3, 6, 0))); // 01:00 EST, the second time
}

TEST_CASE("DST at midnight: local dates come from the wall clock", "[calendar]") {
  // America/Santiago, 2024-09-08: 00:00 does not exist (clocks go from Sat 24:00 to Sun 01:00).
  const BusinessCalendar sunday(rules("America/Santiago", "sun 00:00-02:00"), zone_files());
  CHECK(sunday.open(utc(2024, 9, 7), utc(2024, 9, 9)) == hours{1});
  // 2025-04-06: Sun 00:00 goes back to Sat 23:00, so Saturday's 23:00-24:00 happens twice.
  const BusinessCalendar saturday(rules("America/Santiago", "sat 23:00-24:00"), zone_files());
  CHECK(saturday.open(utc(2025, 4, 5), utc(2025, 4, 7)) == hours{2});
  const BusinessCalendar holiday(
      rules("America/Santiago", "sat 23:00-24:00; sun 00:00-01:00", {once(2025, 4, 5)}),
      zone_files());
  CHECK(holiday.open(utc(2025, 4, 5), utc(2025, 4, 7)) == hours{1});
}

TEST_CASE("half-hour offsets and half-hour DST", "[calendar]") {
  const BusinessCalendar adelaide(rules("Australia/Adelaide", "mon-fri 09:00-17:00"), zone_files());
  CHECK(text(adelaide.add(local("Australia/Adelaide", 2026, 11, 20, 16, 30), hours{2}))
        == text(local("Australia/Adelaide", 2026, 11, 23, 10, 30)));
  CHECK(text(adelaide.add(local("Australia/Adelaide", 2026, 11, 20, 16, 30), hours{2}))
        == text(utc(2026, 11, 23, 0, 0))); // 10:30 ACDT = 00:00Z
  // Lord Howe, 2024-10-06: 02:00 +10:30 jumps to 02:30 +11.
  const BusinessCalendar lord_howe(rules("Australia/Lord_Howe", "sun 01:00-04:00"), zone_files());
  CHECK(lord_howe.open(utc(2024, 10, 5), utc(2024, 10, 7)) == minutes{150});
  // 2025-04-06: 02:00 +11 goes back to 01:30 +10:30.
  CHECK(lord_howe.open(utc(2025, 4, 5), utc(2025, 4, 7)) == minutes{210});
}

// ---------------------------------------------------------------------------------------------
// The engine against the reference.

namespace {

// Compares add, open and open_spans with the reference on `cases` random cases of one scenario:
// starts around the zone's DST changes of 2024-2027 (and a few ordinary weeks), some at odd
// seconds, some exactly on an edge of the open hours or on a zone transition.
void compare_with_reference(std::size_t index, std::uint32_t seed, int cases) {
  const Scenario scenario = scenarios().at(index);
  INFO(scenario.label);
  std::mt19937 random(seed);
  const BusinessCalendar engine(scenario.rules, zone_files());
  const Reference reference(scenario.rules, k_window_begin, k_window_end);
  const std::vector<Instant> changes =
      transitions(scenario.rules.zone, utc(2024, 1, 1), utc(2028, 1, 1));
  std::vector<Instant> anchors = changes;
  for (int year = 2024; year < 2028; ++year) {
    anchors.push_back(utc(year, 3, 1)); // and a few ordinary weeks
    anchors.push_back(utc(year, 12, 20));
  }
  int failures = 0;
  for (int i = 0; i < cases && failures < 20; ++i) {
    const Instant anchor =
        anchors[static_cast<std::size_t>(below(random, static_cast<std::int64_t>(anchors.size())))];
    Instant start = anchor + minutes{below(random, 6 * 1440) - 4 * 1440};
    const std::int64_t shape = below(random, 20);
    if (shape < 3) {
      start += seconds{1 + below(random, 59)}; // an odd second
    } else if (shape < 7) {
      // exactly on the next edge between open and closed
      const bool was_open = reference.open_minute(start);
      while (reference.open_minute(start) == was_open) {
        start += minutes{1};
      }
    } else if (shape < 8 && !changes.empty()) {
      // exactly on a zone transition
      start = changes[static_cast<std::size_t>(
          below(random, static_cast<std::int64_t>(changes.size())))];
    }
    Seconds duration{0};
    const std::int64_t kind = below(random, 20);
    if (kind == 0) {
      duration = Seconds{0};
    } else if (kind < 10) {
      duration = minutes{1 + below(random, 600)};
    } else if (kind < 15) {
      duration = minutes{1 + below(random, 3 * 1440)};
    } else if (kind < 17) {
      duration = hours{1 + below(random, 30)};
    } else if (kind < 18) {
      duration = seconds{1 + below(random, 2 * 86400)};
    } else {
      // exactly the open time up to the next zone transition or the next closing
      const auto change = std::upper_bound(changes.begin(), changes.end(), start);
      Instant until = start + minutes{1};
      if (kind == 18 && change != changes.end() && *change - start < hours{24 * 5}) {
        until = *change;
      } else {
        while (!reference.open_minute(until) || reference.open_minute(until + minutes{1})) {
          until += minutes{1};
        }
        until += minutes{1};
      }
      duration = reference.open(start, until);
    }
    const Instant expected = reference.add(start, duration);
    const Instant actual = engine.add(start, duration);
    if (actual != expected) {
      ++failures;
      FAIL_CHECK("add(" << text(scenario.rules.zone, start) << ", " << duration.count()
                        << "s): engine " << text(scenario.rules.zone, actual) << ", reference "
                        << text(scenario.rules.zone, expected));
    }
    const Instant end = start + seconds{below(random, 5 * 86400)};
    const Seconds expected_open = reference.open(start, end);
    const Seconds actual_open = engine.open(start, end);
    if (actual_open != expected_open) {
      ++failures;
      FAIL_CHECK("open(" << text(scenario.rules.zone, start) << ", "
                         << text(scenario.rules.zone, end) << "): engine " << actual_open.count()
                         << "s, reference " << expected_open.count() << "s");
    }
    if (i % 4 == 0 && engine.open_spans(start, end) != reference.spans(start, end)) {
      ++failures;
      FAIL_CHECK("open_spans(" << text(scenario.rules.zone, start) << ", "
                               << text(scenario.rules.zone, end) << ") differ");
    }
  }
  REQUIRE(failures == 0);
}

constexpr int k_reference_cases = 500;

} // namespace

TEST_CASE("reference: New York office, holidays after DST changes", "[calendar]") {
  compare_with_reference(0, 1, k_reference_cases);
}

TEST_CASE("reference: New York night shift across the DST hours", "[calendar]") {
  compare_with_reference(1, 2, k_reference_cases);
}

TEST_CASE("reference: London split day and Saturday shift", "[calendar]") {
  compare_with_reference(2, 3, k_reference_cases);
}

TEST_CASE("reference: Sydney days ending at 24:00", "[calendar]") {
  compare_with_reference(3, 4, k_reference_cases);
}

TEST_CASE("reference: Kolkata (+05:30)", "[calendar]") {
  compare_with_reference(4, 5, k_reference_cases);
}

TEST_CASE("reference: Adelaide (+09:30/+10:30)", "[calendar]") {
  compare_with_reference(5, 6, k_reference_cases);
}

TEST_CASE("reference: Kathmandu (+05:45), Sunday to Thursday", "[calendar]") {
  compare_with_reference(6, 7, k_reference_cases);
}

TEST_CASE("reference: Lord Howe half-hour DST", "[calendar]") {
  compare_with_reference(7, 8, k_reference_cases);
}

TEST_CASE("reference: Santiago DST at midnight", "[calendar]") {
  compare_with_reference(8, 9, k_reference_cases);
}

TEST_CASE("reference: UTC weekdays around the clock", "[calendar]") {
  compare_with_reference(9, 10, k_reference_cases);
}

TEST_CASE("targets of weeks of open time agree with the reference", "[calendar]") {
  std::mt19937 random(42);
  for (const Scenario& scenario : scenarios()) {
    INFO(scenario.label);
    const BusinessCalendar engine(scenario.rules, zone_files());
    const Reference reference(scenario.rules, k_window_begin, k_window_end);
    for (int i = 0; i < 2; ++i) {
      const Instant start = utc(2024, 1, 1) + hours{24 * below(random, 3 * 365)};
      const Seconds duration = hours{24 * 7 * 6} / (scenario.rules.zone == "UTC" ? 1 : 4);
      INFO("start " << text(start));
      CHECK(text(engine.add(start, duration)) == text(reference.add(start, duration)));
    }
  }
}

TEST_CASE("holidays agree with the reference where the one list of holidays begins and ends",
          "[calendar]") {
  // The engine keeps the holidays of 1970-2199 in one list and walks its two tables (yearly,
  // one-off) outside it: a clock running into 1970 or into 2200 crosses from one to the other.
  // Yearly 12-31 and 01-01, one-off holidays on both sides of each end; Friday 31 December 2199,
  // Wednesday 31 December 1969.
  const std::vector<Holiday> holidays{yearly(12, 31),   yearly(1, 1),     once(2199, 12, 30),
                                      once(2200, 1, 2), once(2200, 1, 6), once(1969, 12, 29),
                                      once(1970, 1, 2), once(1970, 1, 5)};
  struct Edge {
    Instant begin;
    Instant end;
  };
  for (const std::string zone : {"UTC", "Europe/London"}) {
    const CalendarRules calendar = rules(zone, "mon-fri 09:00-17:00; sat 10:00-12:00", holidays);
    const BusinessCalendar engine(calendar, zone_files());
    for (const Edge edge :
         {Edge{utc(2199, 12, 1), utc(2200, 2, 15)}, Edge{utc(1969, 12, 1), utc(1970, 2, 15)}}) {
      INFO(zone << " from " << text(edge.begin));
      const Reference reference(calendar, edge.begin, edge.end);
      std::mt19937 random(11);
      int failures = 0;
      for (int i = 0; i < 300 && failures < 10; ++i) {
        const Instant start = edge.begin + minutes{below(random, 35 * 1440)};
        const Seconds duration = minutes{below(random, 100 * 60)};
        const Instant expected = reference.add(start, duration);
        const Instant actual = engine.add(start, duration);
        const Instant end = start + minutes{below(random, 20 * 1440)};
        const Seconds expected_open = reference.open(start, end);
        const Seconds actual_open = engine.open(start, end);
        if (actual != expected || actual_open != expected_open) {
          ++failures;
          FAIL_CHECK("add(" << text(start) << ", " << duration.count() << "s): engine "
                            << text(actual) << ", reference " << text(expected) << "; open to "
                            << text(end) << ": engine " << actual_open.count() << "s, reference "
                            << expected_open.count() << "s");
        }
      }
      REQUIRE(failures == 0);
    }
  }
}

TEST_CASE("a DST change on a holiday agrees with the reference", "[calendar]") {
  // Open every day around the small hours and by day; the DST changes of 2025 (Sunday 30 March,
  // Sunday 26 October, 01:00 UTC) fall on holidays, so a segment of the zone ends inside a
  // closed day, as do the changes of 2026 (29 March, 25 October) on yearly ones.
  const CalendarRules calendar =
      rules("Europe/London", "mon-sun 00:30-02:30 09:00-17:00",
            {once(2025, 3, 30), once(2025, 10, 26), yearly(3, 29), yearly(10, 25), yearly(4, 1)});
  const BusinessCalendar engine(calendar, zone_files());
  for (const Instant anchor :
       {utc(2025, 3, 30), utc(2025, 10, 26), utc(2026, 3, 29), utc(2026, 10, 25)}) {
    const Reference reference(calendar, anchor - hours{24 * 20}, anchor + hours{24 * 40});
    std::mt19937 random(5);
    int failures = 0;
    for (int i = 0; i < 200 && failures < 10; ++i) {
      const Instant start = anchor - minutes{below(random, 15 * 1440)};
      const Seconds duration = minutes{below(random, 120 * 60)};
      const Instant expected = reference.add(start, duration);
      const Instant actual = engine.add(start, duration);
      if (actual != expected) {
        ++failures;
        FAIL_CHECK("add(" << text(start) << ", " << duration.count() << "s): engine "
                          << text(actual) << ", reference " << text(expected));
      }
    }
    REQUIRE(failures == 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Properties that hold for every calendar.

TEST_CASE("open(t, add(t, d)) == d and add(t, d + 1s) == add(t, d) + 1s", "[calendar]") {
  std::mt19937 random(7);
  for (const Scenario& scenario : scenarios()) {
    INFO(scenario.label);
    const BusinessCalendar calendar(scenario.rules, zone_files());
    for (int i = 0; i < 400; ++i) {
      const Instant start = utc(2024, 1, 1) + seconds{below(random, 4 * 365 * 86400)};
      const Seconds duration{below(random, 20 * 86400)};
      const Instant due = calendar.add(start, duration);
      INFO("start " << text(start) << " duration " << duration.count());
      REQUIRE(due >= start);
      REQUIRE(calendar.open(start, due) == duration);
      REQUIRE(text(calendar.add(start, duration + seconds{1})) == text(due + seconds{1}));
      // Chaining: the second part starts where the first ended.
      const Seconds part{below(random, duration.count() + 1)};
      REQUIRE(text(calendar.add(calendar.add(start, part), duration - part)) == text(due));
      // open is additive.
      const Instant middle = start + (due - start) / 3;
      REQUIRE(calendar.open(start, middle) + calendar.open(middle, due) == duration);
    }
  }
}

TEST_CASE("months-long targets agree with chained adds and summed open time", "[calendar]") {
  for (const Scenario& scenario : scenarios()) {
    INFO(scenario.label);
    const BusinessCalendar calendar(scenario.rules, zone_files());
    const Instant start = utc(2024, 2, 27, 13, 17, 5);
    for (const Seconds duration : {Seconds{hours{24 * 7 * 6}}, Seconds{hours{24 * 183}}}) {
      const Instant due = calendar.add(start, duration);
      Instant chained = start;
      for (int i = 0; i < 12; ++i) {
        chained = calendar.add(chained, duration / 12);
      }
      CHECK(text(chained) == text(due));
      Seconds summed{0};
      for (Instant t = start; t < due; t += hours{24 * 5}) {
        summed += calendar.open(t, std::min(due, t + hours{24 * 5}));
      }
      CHECK(summed == duration);
    }
  }
}

TEST_CASE("open_spans clips, orders and merges touching stretches", "[calendar]") {
  const BusinessCalendar calendar(
      rules("Europe/London", "mon 20:00-24:00; tue 00:00-02:00 09:00-10:00", {once(2026, 11, 17)}),
      zone_files());
  const std::vector<OpenSpan> spans =
      calendar.open_spans(utc(2026, 11, 9, 21, 0), utc(2026, 11, 17, 12, 0));
  REQUIRE(spans.size() == 3);
  CHECK(text(spans[0]) == text(OpenSpan{utc(2026, 11, 9, 21, 0), utc(2026, 11, 10, 2, 0)}));
  CHECK(text(spans[1]) == text(OpenSpan{utc(2026, 11, 10, 9, 0), utc(2026, 11, 10, 10, 0)}));
  CHECK(text(spans[2]) == text(OpenSpan{utc(2026, 11, 16, 20, 0), utc(2026, 11, 17, 0, 0)}));
  CHECK(calendar.open_spans(utc(2026, 11, 10), utc(2026, 11, 10)).empty());
  CHECK(calendar.open(utc(2026, 11, 11), utc(2026, 11, 10)) == seconds{0});
}

TEST_CASE("the engine's cost does not depend on the duration", "[calendar]") {
  const BusinessCalendar calendar(
      rules("America/New_York", "mon-fri 09:00-17:00", {yearly(12, 25)}), zone_files());
  // Ten years of open time: far too long to walk day by day in a test, instant when jumping.
  const Instant due = calendar.add(utc(2024, 1, 1), hours{8 * 5 * 52 * 10});
  CHECK(due > utc(2033, 12, 1));
  CHECK(due < utc(2034, 2, 1));
  CHECK(calendar.open(utc(2024, 1, 1), due) == hours{8 * 5 * 52 * 10});
}

// ---------------------------------------------------------------------------------------------
// Construction.

TEST_CASE("a calendar whose holidays close every open day is refused by add", "[calendar]") {
  std::vector<Holiday> every_day;
  for (unsigned month = 1; month <= 12; ++month) {
    for (unsigned day = 1; day <= 31; ++day) {
      if (date::year_month_day{date::year{2000}, date::month{month}, date::day{day}}.ok()) {
        every_day.push_back(yearly(month, day));
      }
    }
  }
  CalendarRules closed = rules("Europe/London", "mon 09:00-17:00", every_day);
  closed.name = "closed";
  const BusinessCalendar calendar(closed, zone_files());
  CHECK(calendar.open(utc(2026, 1, 1), utc(2027, 1, 1)) == seconds{0});
  CHECK(calendar.open_spans(utc(2026, 1, 1), utc(2027, 1, 1)).empty());
  REQUIRE_THROWS_WITH(calendar.add(utc(2026, 1, 1), hours{1}),
                      "calendar \"closed\" has no open time in the 10 years after "
                      "2026-01-01T00:00:00Z: its holidays close every open day; remove some "
                      "with: slatrack calendar holiday closed DATE --remove");
}

TEST_CASE("an unknown zone or hours with no interval are refused", "[calendar]") {
  REQUIRE_THROWS_WITH(BusinessCalendar(rules("Mars/Olympus", "mon-fri 09:00-17:00"), zone_files()),
                      "unknown time zone \"Mars/Olympus\": use an IANA name such as Europe/London");
  CalendarRules empty{"empty", "UTC", WeeklyHours{}, {}, {}};
  REQUIRE_THROWS_WITH(BusinessCalendar(empty, zone_files()),
                      "calendar \"empty\" has no open hours: give at least one interval, e.g. "
                      "--hours \"mon-fri 09:00-17:00\"");
  try {
    const BusinessCalendar calendar(rules("Nowhere", "mon 09:00-10:00"), zone_files());
    FAIL("no exception");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::invalid_input);
  }
}

TEST_CASE("make_clock picks AlwaysOpen only for 24x7 hours without holidays", "[calendar]") {
  const std::unique_ptr<Clock> always =
      make_clock(rules("Not/AZone", "mon-sun 00:00-24:00"), zone_files());
  CHECK(dynamic_cast<const AlwaysOpen*>(always.get()) != nullptr);
  const std::unique_ptr<Clock> with_holiday =
      make_clock(rules("UTC", "mon-sun 00:00-24:00", {yearly(12, 25)}), zone_files());
  CHECK(dynamic_cast<const BusinessCalendar*>(with_holiday.get()) != nullptr);
  CHECK(text(with_holiday->add(utc(2026, 12, 24, 12, 0), hours{13}))
        == text(utc(2026, 12, 26, 1, 0)));
  const std::unique_ptr<Clock> office =
      make_clock(rules("UTC", "mon-fri 09:00-17:00"), zone_files());
  CHECK(dynamic_cast<const BusinessCalendar*>(office.get()) != nullptr);
}

// ---------------------------------------------------------------------------------------------
// Open hours and holidays as text.

namespace {

WeeklyHours week(std::initializer_list<std::pair<int, std::vector<OpenInterval>>> days) {
  WeeklyHours hours;
  for (const auto& [day, intervals] : days) {
    hours.days[static_cast<std::size_t>(day)] = intervals;
  }
  return hours;
}

const std::string k_hint = R"(write DAYS HH:MM-HH:MM, e.g. "mon-fri 09:00-17:00; sat 10:00-14:00")";

} // namespace

TEST_CASE("parse_hours accepts days, ranges, lists and several intervals", "[calendar]") {
  const std::vector<OpenInterval> office = {{540, 1020}};
  CHECK(parse_hours("mon-fri 09:00-17:00")
        == week({{0, office}, {1, office}, {2, office}, {3, office}, {4, office}}));
  CHECK(parse_hours("mon-fri 09:00-12:30 13:30-17:00; sat 10:00-14:00")
        == week({{0, {{540, 750}, {810, 1020}}},
                 {1, {{540, 750}, {810, 1020}}},
                 {2, {{540, 750}, {810, 1020}}},
                 {3, {{540, 750}, {810, 1020}}},
                 {4, {{540, 750}, {810, 1020}}},
                 {5, {{600, 840}}}}));
  CHECK(parse_hours("  MON - Fri   9:00 - 17:00 ;; ") == parse_hours("mon-fri 09:00-17:00"));
  CHECK(parse_hours("monday-friday 09:00-17:00") == parse_hours("mon-fri 09:00-17:00"));
  CHECK(parse_hours("fri-mon 10:00-12:00")
        == week({{4, {{600, 720}}}, {5, {{600, 720}}}, {6, {{600, 720}}}, {0, {{600, 720}}}}));
  CHECK(parse_hours("mon,wed-thu , sat 08:00-09:00")
        == week({{0, {{480, 540}}}, {2, {{480, 540}}}, {3, {{480, 540}}}, {5, {{480, 540}}}}));
  CHECK(parse_hours("sun 22:00-24:00") == week({{6, {{1320, 1440}}}}));
  CHECK(parse_hours("tue 13:00-17:00; tue 09:00-12:00") == week({{1, {{540, 720}, {780, 1020}}}}));
}

TEST_CASE("parse_hours merges touching intervals", "[calendar]") {
  CHECK(parse_hours("mon 09:00-12:00 12:00-17:00") == week({{0, {{540, 1020}}}}));
  CHECK(parse_hours("mon 12:00-17:00; mon 09:00-12:00") == week({{0, {{540, 1020}}}}));
}

TEST_CASE("format_hours gives the canonical text and round-trips", "[calendar]") {
  CHECK(format_hours(parse_hours("sat 10:00-14:00; mon-fri 13:30-17:00 09:00-12:30"))
        == "mon-fri 09:00-12:30 13:30-17:00; sat 10:00-14:00");
  CHECK(format_hours(parse_hours("mon-sun 00:00-24:00")) == "mon-sun 00:00-24:00");
  CHECK(format_hours(parse_hours("fri-mon 10:00-12:00")) == "mon 10:00-12:00; fri-sun 10:00-12:00");
  CHECK(format_hours(parse_hours("mon,wed 09:00-17:00")) == "mon 09:00-17:00; wed 09:00-17:00");
  CHECK(format_hours(WeeklyHours{}).empty());
  for (const Scenario& scenario : scenarios()) {
    CHECK(parse_hours(format_hours(scenario.rules.hours)) == scenario.rules.hours);
  }
  CHECK(is_always_open(parse_hours("mon-sun 00:00-12:00 12:00-24:00")));
  CHECK_FALSE(is_always_open(parse_hours("mon-sat 00:00-24:00")));
}

TEST_CASE("parse_hours refuses malformed specs with a message saying what to write", "[calendar]") {
  REQUIRE_THROWS_WITH(parse_hours(""), "no open hours given: " + k_hint);
  REQUIRE_THROWS_WITH(parse_hours(" ; "), "no open hours given: " + k_hint);
  REQUIRE_THROWS_WITH(parse_hours("mon-fri 9-17"),
                      R"(bad open hours "mon-fri 9-17": "9-17" is not HH:MM-HH:MM; )" + k_hint);
  REQUIRE_THROWS_WITH(parse_hours("mon 0900-1700"),
                      R"(bad open hours "mon 0900-1700": "0900-1700" is not HH:MM-HH:MM; )"
                          + k_hint);
  REQUIRE_THROWS_WITH(parse_hours("09:00-17:00"),
                      R"(bad open hours "09:00-17:00": no days before the hours; )" + k_hint);
  REQUIRE_THROWS_WITH(parse_hours("mon-fri"),
                      R"(bad open hours "mon-fri": no HH:MM-HH:MM after the days; )" + k_hint);
  REQUIRE_THROWS_WITH(parse_hours("mo-fr 09:00-17:00"),
                      R"(bad open hours "mo-fr 09:00-17:00": unknown day "mo"; days are mon tue )"
                      "wed thu fri sat sun, a range such as mon-fri or fri-mon, or a list such as "
                      "mon,wed");
  REQUIRE_THROWS_WITH(parse_hours("mon-fri 09:00-17:00; weekend 10:00-12:00"),
                      R"(bad open hours "weekend 10:00-12:00": unknown day "weekend"; days are )"
                      "mon tue wed thu fri sat sun, a range such as mon-fri or fri-mon, or a list "
                      "such as mon,wed");
}

// Found by fuzzing (tests/fuzz/fuzz_parse_hours.cpp): the refused text went into the message raw,
// control characters and bytes that are not UTF-8 included (a SPEC in a rules file is not checked
// like a command-line argument).
TEST_CASE("parse_hours and parse_holiday show bad text escaped, on one line", "[calendar]") {
  const std::string days = "days are mon tue wed thu fri sat sun, a range such as mon-fri or "
                           "fri-mon, or a list such as mon,wed";
  REQUIRE_THROWS_WITH(parse_hours("frn\x12i-mon 08:00-18:00"),
                      R"(bad open hours "frn\x12i-mon 08:00-18:00": unknown day "frn\x12i"; )"
                          + days);
  REQUIRE_THROWS_WITH(parse_hours("mon\n09:00-17:00\x1b[31m"),
                      R"(bad open hours "mon\x0A09:00-17:00\x1B[31m": "09:00-17:00\x1B[31m" is )"
                      "not HH:MM-HH:MM; "
                          + k_hint);
  REQUIRE_THROWS_WITH(parse_hours("m\xf6n 09:00-17:00"),
                      R"(bad open hours "m\xF6n 09:00-17:00": unknown day "m\xF6n"; )" + days);
  REQUIRE_THROWS_WITH(parse_hours(R"(mon "09:00")"),
                      R"(bad open hours "mon \"09:00\"": "\"09:00\"" is not HH:MM-HH:MM; )"
                          + k_hint);
  const std::string hint =
      "write YYYY-MM-DD for one day or MM-DD for every year, e.g. 2026-12-24 or 12-25";
  REQUIRE_THROWS_WITH(parse_holiday("12-25\x07"), R"(bad holiday "12-25\x07": )" + hint);
  REQUIRE_THROWS_WITH(parse_holiday("2026-\xff-01"), R"(bad holiday "2026-\xFF-01": )" + hint);
}

TEST_CASE("parse_hours refuses impossible times", "[calendar]") {
  const std::string rule =
      "is not a time; hours are 00-23 and minutes 00-59, and 24:00 may only end an interval";
  REQUIRE_THROWS_WITH(parse_hours("mon 09:00-25:00"),
                      R"(bad open hours "mon 09:00-25:00": "25:00" )" + rule);
  REQUIRE_THROWS_WITH(parse_hours("mon 09:60-10:00"),
                      R"(bad open hours "mon 09:60-10:00": "09:60" )" + rule);
  REQUIRE_THROWS_WITH(parse_hours("mon 09:00-24:30"),
                      R"(bad open hours "mon 09:00-24:30": "24:30" )" + rule);
  REQUIRE_THROWS_WITH(parse_hours("mon 24:00-24:00"),
                      R"(bad open hours "mon 24:00-24:00": "24:00" may only end an interval)");
}

TEST_CASE("parse_hours refuses overnight and empty intervals and says how to write them",
          "[calendar]") {
  REQUIRE_THROWS_WITH(parse_hours("fri 22:00-02:00"),
                      R"(overnight interval "22:00-02:00" on fri: write )"
                      R"("fri 22:00-24:00; sat 00:00-02:00")");
  REQUIRE_THROWS_WITH(parse_hours("mon-fri 22:00-06:00"),
                      R"(overnight interval "22:00-06:00" on mon-fri: write )"
                      R"("mon-fri 22:00-24:00; tue-sat 00:00-06:00")");
  REQUIRE_THROWS_WITH(parse_hours("sat,sun 20:00-01:00"),
                      R"(overnight interval "20:00-01:00" on sat,sun: write )"
                      R"("sat,sun 20:00-24:00; sun,mon 00:00-01:00")");
  REQUIRE_THROWS_WITH(parse_hours("sun 22:00-00:00"),
                      R"(overnight interval "22:00-00:00" on sun: write "sun 22:00-24:00")");
  REQUIRE_THROWS_WITH(parse_hours("mon 09:00-09:00"),
                      R"(empty interval "09:00-09:00" on mon: the end must come after the start )"
                      "(for a whole day write 00:00-24:00)");
}

TEST_CASE("parse_hours refuses overlapping intervals and says how to write them", "[calendar]") {
  REQUIRE_THROWS_WITH(parse_hours("mon-fri 09:00-13:00 12:00-17:00"),
                      R"(overlapping intervals "09:00-13:00" and "12:00-17:00" on mon: write )"
                      R"(them as one interval, "09:00-17:00")");
  REQUIRE_THROWS_WITH(parse_hours("mon-fri 09:00-17:00; wed 16:00-18:00"),
                      R"(overlapping intervals "09:00-17:00" and "16:00-18:00" on wed: write )"
                      R"(them as one interval, "09:00-18:00")");
  REQUIRE_THROWS_WITH(parse_hours("sat 08:00-18:00 10:00-12:00"),
                      R"(overlapping intervals "08:00-18:00" and "10:00-12:00" on sat: write )"
                      R"(them as one interval, "08:00-18:00")");
  REQUIRE_THROWS_WITH(parse_hours("mon-fri 09:00-17:00; mon-fri 09:00-17:00"),
                      R"(overlapping intervals "09:00-17:00" and "09:00-17:00" on mon: write )"
                      R"(them as one interval, "09:00-17:00")");
}

TEST_CASE("parse_holiday reads one-off and yearly dates", "[calendar]") {
  CHECK(parse_holiday("2026-12-24") == Holiday{2026, 12, 24, ""});
  CHECK(parse_holiday(" 12-25 ") == Holiday{0, 12, 25, ""});
  CHECK(parse_holiday("02-29") == Holiday{0, 2, 29, ""});
  CHECK(parse_holiday("2028-02-29") == Holiday{2028, 2, 29, ""});
  CHECK(format_holiday_date(parse_holiday("2026-01-05")) == "2026-01-05");
  CHECK(format_holiday_date(parse_holiday("01-05")) == "01-05");
  const std::string hint =
      "write YYYY-MM-DD for one day or MM-DD for every year, e.g. 2026-12-24 or 12-25";
  REQUIRE_THROWS_WITH(parse_holiday("2026-02-29"),
                      R"(bad holiday "2026-02-29": no such date; )" + hint);
  REQUIRE_THROWS_WITH(parse_holiday("2026-13-01"),
                      R"(bad holiday "2026-13-01": no such date; )" + hint);
  REQUIRE_THROWS_WITH(parse_holiday("04-31"), R"(bad holiday "04-31": no such date; )" + hint);
  REQUIRE_THROWS_WITH(parse_holiday("0000-01-01"),
                      R"(bad holiday "0000-01-01": no such date; )" + hint);
  REQUIRE_THROWS_WITH(parse_holiday("12/25"), R"(bad holiday "12/25": )" + hint);
  REQUIRE_THROWS_WITH(parse_holiday("2026-1-5"), R"(bad holiday "2026-1-5": )" + hint);
  REQUIRE_THROWS_WITH(parse_holiday(""), R"(bad holiday "": )" + hint);
}

TEST_CASE("a yearly Feb 29 holiday applies in leap years only", "[calendar]") {
  const BusinessCalendar calendar(rules("UTC", "mon-sun 09:00-17:00", {parse_holiday("02-29")}),
                                  zone_files());
  CHECK(calendar.open(utc(2028, 2, 29), utc(2028, 3, 1)) == seconds{0});
  CHECK(calendar.open(utc(2024, 2, 29), utc(2024, 3, 1)) == seconds{0});
  CHECK(calendar.open(utc(2100, 2, 28), utc(2100, 3, 2)) == hours{16}); // 2100 is not leap
  CHECK(calendar.open(utc(2000, 2, 29), utc(2000, 3, 1)) == seconds{0});
}

// ---------------------------------------------------------------------------------------------
// Business days: addbd(t, N) of SPEC.md "Business days".

namespace {

// addbd by the contract's words, day by day, on date-tz's local time and the minute reference's
// openness: s = t when open, else the next opening; the N-th later local date whose weekday has
// open hours and that is not a holiday; the wall-clock time of s on it (skipped: the first instant
// after the gap; repeated: the earlier); when not open, the next opening.
Instant reference_addbd(const CalendarRules& calendar, const Reference& reference, Instant t,
                        std::int64_t n) {
  const Instant s = reference.add(t, seconds{0});
  const date::time_zone* zone = date::locate_zone(calendar.zone);
  const date::local_seconds local = zone->to_local(s);
  date::local_days day = date::floor<date::days>(local);
  const auto wall = local - day;
  for (std::int64_t count = 0; count < n;) {
    day += date::days{1};
    const date::year_month_day ymd{day};
    bool holiday = false;
    for (const Holiday& h : calendar.holidays) {
      if ((h.year == 0 || date::year{h.year} == ymd.year()) && date::month{h.month} == ymd.month()
          && date::day{h.day} == ymd.day()) {
        holiday = true;
      }
    }
    const unsigned iso = date::weekday{day}.iso_encoding();
    if (!holiday && !calendar.hours.days[iso - 1].empty()) {
      ++count;
    }
  }
  const date::local_seconds target = day + wall;
  const date::local_info info = zone->get_info(target);
  Instant u;
  if (info.result == date::local_info::nonexistent) {
    u = info.first.end; // the first instant after the gap
  } else {
    u = Instant{target.time_since_epoch() - info.first.offset}; // unique, or the earlier
  }
  return reference.add(u, seconds{0});
}

void compare_business_days(std::size_t index, std::uint32_t seed, int cases) {
  const Scenario scenario = scenarios().at(index);
  INFO(scenario.label);
  std::mt19937 random(seed);
  const BusinessCalendar engine(scenario.rules, zone_files());
  const Reference reference(scenario.rules, k_window_begin, k_window_end);
  std::vector<Instant> anchors = transitions(scenario.rules.zone, utc(2024, 1, 1), utc(2027, 6, 1));
  for (int year = 2024; year < 2027; ++year) {
    anchors.push_back(utc(year, 3, 1));
    anchors.push_back(utc(year, 12, 20));
  }
  int failures = 0;
  for (int i = 0; i < cases && failures < 20; ++i) {
    const Instant anchor =
        anchors[static_cast<std::size_t>(below(random, static_cast<std::int64_t>(anchors.size())))];
    // Starts up to 10 days before the anchor, so that N bd lands on or across the change.
    Instant start = anchor + minutes{below(random, 11 * 1440) - 10 * 1440};
    const std::int64_t shape = below(random, 10);
    if (shape < 2) {
      start += seconds{1 + below(random, 59)};
    } else if (shape < 5) {
      const bool was_open = reference.open_minute(start);
      while (reference.open_minute(start) == was_open) {
        start += minutes{1};
      }
    }
    const std::int64_t n = below(random, 4) == 0 ? 1 + below(random, 25) : 1 + below(random, 5);
    const Instant expected = reference_addbd(scenario.rules, reference, start, n);
    const Instant actual = engine.add_business_days(start, n);
    if (actual != expected) {
      ++failures;
      FAIL_CHECK("addbd(" << text(scenario.rules.zone, start) << ", " << n << "): engine "
                          << text(scenario.rules.zone, actual) << ", reference "
                          << text(scenario.rules.zone, expected));
    }
    if (i % 8 == 0) {
      const Clock::BusinessDayWalk walk = engine.walk_business_days(start, n);
      CHECK(walk.due == actual);
      CHECK(static_cast<std::int64_t>(walk.days.size()) == n);
    }
  }
  REQUIRE(failures == 0);
}

constexpr int k_business_day_cases = 400;

} // namespace

TEST_CASE("addbd: Tue 10:15 + 2bd = Thu 10:15", "[calendar][bd]") {
  const BusinessCalendar office(rules("Europe/London", "mon-fri 09:00-17:00"), zone_files());
  CHECK(text(office.add_business_days(utc(2026, 11, 24, 10, 15), 2))
        == text(utc(2026, 11, 26, 10, 15)));
}

TEST_CASE("addbd: Fri 16:30 + 1bd = Mon 16:30", "[calendar][bd]") {
  const BusinessCalendar office(rules("Europe/London", "mon-fri 09:00-17:00"), zone_files());
  CHECK(text(office.add_business_days(utc(2026, 11, 27, 16, 30), 1))
        == text(utc(2026, 11, 30, 16, 30)));
}

TEST_CASE("addbd: Sat 12:00 + 1bd = Tue 09:00", "[calendar][bd]") {
  const BusinessCalendar office(rules("Europe/London", "mon-fri 09:00-17:00"), zone_files());
  CHECK(text(office.add_business_days(utc(2026, 11, 28, 12, 0), 1))
        == text(utc(2026, 12, 1, 9, 0)));
}

TEST_CASE("addbd: with a holiday Monday, Fri 16:30 + 1bd = Tue 16:30", "[calendar][bd]") {
  const BusinessCalendar office(rules("Europe/London", "mon-fri 09:00-17:00", {once(2026, 11, 30)}),
                                zone_files());
  CHECK(text(office.add_business_days(utc(2026, 11, 27, 16, 30), 1))
        == text(utc(2026, 12, 1, 16, 30)));
}

TEST_CASE("addbd: a wall-clock time closed on the last day goes to the next opening",
          "[calendar][bd]") {
  // Saturday half day: Fri 15:00 + 1bd is Sat 15:00, closed, so Mon 09:00; a lunch break too.
  const BusinessCalendar shop(
      rules("Europe/London", "mon-fri 09:00-12:30 13:30-17:00; sat 10:00-14:00"), zone_files());
  CHECK(text(shop.add_business_days(utc(2026, 11, 27, 15, 0), 1)) == text(utc(2026, 11, 30, 9)));
  CHECK(text(shop.add_business_days(utc(2026, 11, 28, 11, 0), 1))
        == text(utc(2026, 11, 30, 11, 0)));
  CHECK(text(shop.add_business_days(utc(2026, 11, 23, 12, 0), 1))
        == text(utc(2026, 11, 24, 12, 0)));
  // Starting at the lunch break counts from 13:30.
  CHECK(text(shop.add_business_days(utc(2026, 11, 23, 12, 45), 1))
        == text(utc(2026, 11, 24, 13, 30)));
}

TEST_CASE("addbd: 0bd is the start itself when open, else the next opening", "[calendar][bd]") {
  const BusinessCalendar office(rules("Europe/London", "mon-fri 09:00-17:00"), zone_files());
  CHECK(office.add_business_days(utc(2026, 11, 24, 10, 15), 0) == utc(2026, 11, 24, 10, 15));
  CHECK(office.add_business_days(utc(2026, 11, 28, 10, 15), 0) == utc(2026, 11, 30, 9));
}

TEST_CASE("addbd on a DST change day: local wall-clock time, exact", "[calendar][bd]") {
  // London, 2026-03-29: 01:00 GMT becomes 02:00 BST. Fri 27 Mar 10:00 GMT + 1bd = Mon 30 Mar
  // 10:00 BST, which is 09:00 UTC.
  const BusinessCalendar office(rules("Europe/London", "mon-fri 09:00-17:00"), zone_files());
  CHECK(text(office.add_business_days(utc(2026, 3, 27, 10, 0), 1)) == text(utc(2026, 3, 30, 9, 0)));
  // Always open in New York: Sat 7 Mar 2026 02:30 EST + 1bd is Sun 8 Mar 02:30, skipped (02:00
  // EST -> 03:00 EDT): the first instant after the gap, 03:00 EDT = 07:00 UTC.
  const std::unique_ptr<Clock> always =
      make_clock(rules("America/New_York", "mon-sun 00:00-24:00"), zone_files());
  CHECK(text(always->add_business_days(local("America/New_York", 2026, 3, 7, 2, 30), 1))
        == text(utc(2026, 3, 8, 7, 0)));
  // Sat 31 Oct 2026 01:30 EDT + 1bd is Sun 1 Nov 01:30, repeated: the earlier (EDT, 05:30 UTC).
  CHECK(text(always->add_business_days(local("America/New_York", 2026, 10, 31, 1, 30), 1))
        == text(utc(2026, 11, 1, 5, 30)));
  // The same with a business calendar that opens at night, and 24x7 in UTC counts whole days.
  const BusinessCalendar nights(rules("America/New_York", "mon-sun 01:00-04:00", {yearly(12, 25)}),
                                zone_files());
  CHECK(text(nights.add_business_days(local("America/New_York", 2026, 3, 7, 2, 30), 1))
        == text(utc(2026, 3, 8, 7, 0)));
  CHECK(text(nights.add_business_days(local("America/New_York", 2026, 10, 31, 1, 30), 1))
        == text(utc(2026, 11, 1, 5, 30)));
  const AlwaysOpen utc_always;
  CHECK(utc_always.add_business_days(utc(2026, 3, 7, 2, 30), 5) == utc(2026, 3, 12, 2, 30));
}

TEST_CASE("addbd in 30- and 45-minute offset zones", "[calendar][bd]") {
  const BusinessCalendar kolkata(rules("Asia/Kolkata", "mon-fri 09:30-18:00"), zone_files());
  // Fri 17:45 IST (12:15 UTC) + 1bd = Mon 17:45 IST.
  CHECK(text(kolkata.add_business_days(utc(2026, 11, 27, 12, 15), 1))
        == text(utc(2026, 11, 30, 12, 15)));
  const BusinessCalendar kathmandu(rules("Asia/Kathmandu", "sun-thu 10:00-17:00"), zone_files());
  // Thu 16:00 NPT (10:15 UTC) + 1bd = Sun 16:00 NPT.
  CHECK(text(kathmandu.add_business_days(utc(2026, 11, 26, 10, 15), 1))
        == text(utc(2026, 11, 29, 10, 15)));
}

TEST_CASE("addbd on 24x7: every day is a business day", "[calendar][bd]") {
  const AlwaysOpen always;
  CHECK(always.add_business_days(utc(2026, 11, 28, 12, 0), 1) == utc(2026, 11, 29, 12, 0));
  const Clock::BusinessDayWalk walk = always.walk_business_days(utc(2026, 11, 28, 12, 0), 2);
  CHECK(walk.days.size() == 2);
  CHECK(walk.due == utc(2026, 11, 30, 12, 0));
}

TEST_CASE("addbd's cost does not grow with N (a century of business days)", "[calendar][bd]") {
  const BusinessCalendar office(rules("Europe/London", "mon-fri 09:00-17:00", {yearly(12, 25)}),
                                zone_files());
  const Instant due = office.add_business_days(utc(2026, 11, 24, 10, 15), 26000);
  CHECK(due > utc(2126, 1, 1));
  CHECK(due < utc(2127, 1, 1));
}

TEST_CASE("addbd reference: New York office, holidays after DST changes", "[calendar][bd]") {
  compare_business_days(0, 101, k_business_day_cases);
}

TEST_CASE("addbd reference: New York night shift across the DST hours", "[calendar][bd]") {
  compare_business_days(1, 102, k_business_day_cases);
}

TEST_CASE("addbd reference: London split day and Saturday half day", "[calendar][bd]") {
  compare_business_days(2, 103, k_business_day_cases);
}

TEST_CASE("addbd reference: Sydney days ending at 24:00", "[calendar][bd]") {
  compare_business_days(3, 104, k_business_day_cases);
}

TEST_CASE("addbd reference: Kolkata (+05:30)", "[calendar][bd]") {
  compare_business_days(4, 105, k_business_day_cases);
}

TEST_CASE("addbd reference: Adelaide (+09:30/+10:30)", "[calendar][bd]") {
  compare_business_days(5, 106, k_business_day_cases);
}

TEST_CASE("addbd reference: Kathmandu (+05:45), Sunday to Thursday", "[calendar][bd]") {
  compare_business_days(6, 107, k_business_day_cases);
}

TEST_CASE("addbd reference: Lord Howe half-hour DST", "[calendar][bd]") {
  compare_business_days(7, 108, k_business_day_cases);
}

TEST_CASE("addbd reference: Santiago DST at midnight", "[calendar][bd]") {
  compare_business_days(8, 109, k_business_day_cases);
}

TEST_CASE("addbd reference: UTC weekdays around the clock", "[calendar][bd]") {
  compare_business_days(9, 110, k_business_day_cases);
}
