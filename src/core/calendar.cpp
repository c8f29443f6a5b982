// The business-hours engine: open(a, b), add(t, d) and open_spans(a, b) of SPEC.md "The clocks".
//
// Why it is built this way. UTC time is cut into *segments* of constant UTC offset (one per zone
// transition, read once from its Zone in the constructor). Inside a segment, local wall-clock time
// runs in step with UTC, so the open time of a UTC range equals the open time of the matching
// range of the *local line*: an idealised wall clock without DST where each local day is closed
// when it is a holiday and otherwise open in its weekday's intervals. A skipped hour is simply
// never visited and a repeated hour is visited by two segments, which is exactly the contract's
// "real elapsed open time" rule, including zones with DST at midnight (up to the horizon below).
//
// On the local line, open time is the weekly cumulative function W(x) (whole weeks times the open
// seconds of a week, plus a table lookup inside the week) minus the holidays. Holidays are few, so
// add() and open() jump from holiday to holiday (and from zone transition to zone transition) and
// step over all the weeks between in O(1). The cost of add(t, d) therefore does not grow with d,
// only with the holidays and DST changes crossed. Yearly holidays repeat every 400 Gregorian years
// (146097 days, a whole number of weeks), so they are kept as one sorted table of day offsets in
// that cycle; holidays on days that are closed anyway are dropped. For 1970-2199 both tables are
// also merged into one list of day numbers, so the step from one holiday to the next (what a long
// add repeats) is one comparison. The zone changes and the holiday lists are searched through
// small tables of buckets (SortedIndex), not by binary search, whose mispredicted branches were a
// quarter of the time of add (docs/performance.md).
//
// Everything is computed in the constructor and never changes: a BusinessCalendar can be shared
// by threads that only read it.
#include "slatrack/calendar.hpp"

#include "slatrack/error.hpp"
#include "slatrack/zone.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <date/date.h>
#include <fmt/format.h>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace slatrack {

namespace {

using i64 = std::int64_t;

constexpr i64 k_day = 86400;
constexpr i64 k_cycle_days = 146097;                    // 400 Gregorian years, 20871 weeks
constexpr i64 k_no_holiday = i64{1} << 40;              // a day number after every real one
constexpr i64 k_no_open_time_limit = i64{3653} * k_day; // 10 years
// Zone changes are followed up to the first standard-time range that begins on or after
// 2200-01-01; from there on the zone keeps its standard time. The zone's rule has changes every
// year for ever, and a table of 400 years more would cost a few hundred microseconds per calendar
// for due times nobody sets (docs/calendars.md, "Limits").
constexpr i64 k_horizon = i64{84006} * k_day; // 2200-01-01T00:00:00Z
// The end of the years calendars cover (32767-12-31, as the zones).
constexpr i64 k_end_of_time =
    date::sys_days{date::year::max() / date::December / 31}.time_since_epoch().count() * k_day;

constexpr i64 floor_div(i64 a, i64 b) {
  const i64 q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

// Monday = 0 ... Sunday = 6 of a day number (days since 1970-01-01, a Thursday).
constexpr std::size_t weekday_of(i64 day) {
  return static_cast<std::size_t>(day + 3 - floor_div(day + 3, 7) * 7);
}

i64 day_number(int year, unsigned month, unsigned day) {
  const date::year_month_day ymd{date::year{year}, date::month{month}, date::day{day}};
  return date::sys_days{ymd}.time_since_epoch().count();
}

bool valid_holiday(const Holiday& holiday) {
  if (holiday.year < -32767 || holiday.year > 32767) {
    return false;
  }
  const int year = holiday.year == 0 ? 2000 : holiday.year; // 2000 is a leap year
  const date::year_month_day ymd{date::year{year}, date::month{holiday.month},
                                 date::day{holiday.day}};
  return ymd.ok();
}

std::string iso(i64 seconds) {
  return date::format("%FT%TZ", Instant{Seconds{seconds}});
}

// One open interval of a weekday, in seconds since local midnight.
struct DayInterval {
  i64 begin = 0;
  i64 end = 0;
};

} // namespace

namespace {

// A sorted vector with a table of where each bucket of 2^shift values begins, so that
// lower_bound is a table look-up and a step or two, instead of a binary search whose branches the
// processor cannot predict (the binary searches were a quarter of the time of add). Without a
// table (a range of more than 2^16 buckets) it is std::lower_bound.
struct SortedIndex {
  std::vector<i64> values;
  int shift = 0;
  std::vector<std::uint32_t> first; // first[b]: the first index whose value >= front + (b << shift)

  void build(int bucket_shift) {
    shift = bucket_shift;
    first.clear();
    if (values.empty() || ((values.back() - values.front()) >> shift) >= (i64{1} << 16)) {
      return;
    }
    const auto buckets = static_cast<std::size_t>(((values.back() - values.front()) >> shift) + 1);
    first.resize(buckets);
    std::size_t index = 0;
    for (std::size_t b = 0; b < buckets; ++b) {
      const i64 start = values.front() + (static_cast<i64>(b) << shift);
      while (values[index] < start) {
        ++index; // values.back() >= start: stops inside the vector
      }
      first[b] = static_cast<std::uint32_t>(index);
    }
  }

  // The first index whose value is >= v (values.size() when there is none).
  [[nodiscard]] std::size_t lower_bound(i64 v) const {
    if (first.empty()) {
      return static_cast<std::size_t>(std::lower_bound(values.begin(), values.end(), v)
                                      - values.begin());
    }
    if (v <= values.front()) {
      return 0;
    }
    if (v > values.back()) {
      return values.size();
    }
    std::size_t index = first[static_cast<std::size_t>((v - values.front()) >> shift)];
    while (values[index] < v) {
      ++index;
    }
    return index;
  }
};

// Every holiday of a calendar, yearly and one-off, as one sorted list of local day numbers over the
// days most clocks run in, [0, k_merged_end): 1970-01-01 up to 2200-01-01. In that window a step
// from one holiday to the next is one comparison, not a merge of the two tables (the step is what
// a long add() repeats: docs/performance.md); outside it the two tables are walked.
constexpr i64 k_merged_end = k_horizon / k_day; // 2200-01-01, where the zones are followed to

struct Holidays {
  SortedIndex cycle;  // yearly ones: sorted offsets in [0, k_cycle_days)
  SortedIndex once;   // sorted, none also a yearly one
  SortedIndex merged; // both in [0, k_merged_end), then k_merged_end itself as the end mark
  // For merged holiday k: the open seconds the holidays before it take away (lost), and W at its
  // midnight less those (effective; the end mark's is the largest i64). effective never
  // decreases, so add() finds the holiday its target runs out before with one scan of it.
  std::vector<i64> lost;
  std::vector<i64> effective;

  void build() {
    cycle.build(5); // buckets of 32 days
    once.build(5);
    std::vector<i64>& all = merged.values;
    all.clear();
    // The window is inside the first 400-year cycle from day 0, so a yearly holiday's offset is
    // its day number there.
    const auto cycle_end = std::lower_bound(cycle.values.begin(), cycle.values.end(), k_merged_end);
    const auto once_begin = std::lower_bound(once.values.begin(), once.values.end(), i64{0});
    const auto once_end = std::lower_bound(once_begin, once.values.end(), k_merged_end);
    all.reserve(static_cast<std::size_t>(cycle_end - cycle.values.begin())
                + static_cast<std::size_t>(once_end - once_begin) + 1);
    std::merge(cycle.values.begin(), cycle_end, once_begin, once_end, std::back_inserter(all));
    all.push_back(k_merged_end);
    merged.build(5);
  }
};

// Walks the holidays of a calendar in order, from a given local day on.
class HolidayCursor {
public:
  HolidayCursor(const Holidays& holidays, i64 day) : m_holidays(holidays) {
    if (day >= 0 && day < k_merged_end) {
      m_merged = holidays.merged.lower_bound(day);
    } else {
      start_tables(day);
    }
  }

  // The first holiday on or after `day` (k_no_holiday when there is none); `day` never decreases
  // from one call to the next.
  [[nodiscard]] i64 next(i64 day) {
    if (m_merged != k_tables) {
      const std::vector<i64>& merged = m_holidays.merged.values;
      if (day < k_merged_end) {
        while (merged[m_merged] < day) {
          ++m_merged; // stops at the end mark, k_merged_end, at the latest
        }
        if (m_merged + 1 < merged.size()) {
          return merged[m_merged];
        }
      }
      // No holiday of the window on or after `day`: the tables from there on.
      start_tables(std::max(day, k_merged_end));
    }
    return next_in_tables(day);
  }

  // The index in the merged list of the holiday the last next() returned, or k_tables when it
  // came from the two tables.
  [[nodiscard]] std::size_t merged_index() const {
    return m_merged;
  }

  static constexpr std::size_t k_tables = std::numeric_limits<std::size_t>::max();

private:
  void start_tables(i64 day) {
    m_merged = k_tables;
    const std::vector<i64>& cycle = m_holidays.cycle.values;
    if (!cycle.empty()) {
      m_base = floor_div(day, k_cycle_days) * k_cycle_days;
      m_yearly = m_holidays.cycle.lower_bound(day - m_base);
      if (m_yearly == cycle.size()) {
        m_yearly = 0;
        m_base += k_cycle_days;
      }
    }
    m_single = m_holidays.once.lower_bound(day);
  }

  [[nodiscard]] i64 next_in_tables(i64 day) {
    const std::vector<i64>& cycle = m_holidays.cycle.values;
    const std::vector<i64>& once = m_holidays.once.values;
    while (true) {
      const i64 yearly = cycle.empty() ? k_no_holiday : m_base + cycle[m_yearly];
      const i64 single = m_single < once.size() ? once[m_single] : k_no_holiday;
      if (yearly >= day && single >= day) {
        return std::min(yearly, single);
      }
      if (yearly < day) {
        if (++m_yearly == cycle.size()) {
          m_yearly = 0;
          m_base += k_cycle_days;
        }
      }
      if (single < day) {
        ++m_single;
      }
    }
  }

  const Holidays& m_holidays;
  std::size_t m_merged = 0; // index in merged, or k_tables once walking the two tables
  i64 m_base = 0;
  std::size_t m_yearly = 0;
  std::size_t m_single = 0;
};

} // namespace

struct BusinessCalendar::Impl {
  std::string name;

  // Weekly hours, in seconds: intervals of weekday k are intervals[first[k] .. first[k + 1]).
  std::vector<DayInterval> intervals;
  std::array<std::size_t, 8> first{};
  std::array<i64, 8> week_prefix{}; // open seconds of days 0 .. k-1; [7] is the week's
  i64 week_open = 0;

  // Zone segments: segment i has UTC offset offsets[i] from starts[i] up to starts[i + 1].
  std::vector<i64> starts;
  std::vector<i64> offsets;

  // The zone changes, starts[1 .. size - 2], indexed: segment_of looks them up.
  SortedIndex changes;

  // Holidays that close an otherwise open day, as local day numbers.
  Holidays closed_days;
  std::array<i64, 7> day_open{}; // open seconds of each weekday

  // Business weekdays (weekdays with open hours): how many a week, how many before weekday k,
  // and the weekday of the r-th one of a week (r from 0).
  i64 week_business = 0;
  std::array<i64, 8> business_prefix{};
  std::array<std::size_t, 7> business_weekday{};

  // Open seconds of weekday k from its local midnight up to `second` (0 .. k_day).
  [[nodiscard]] i64 open_in_day(std::size_t k, i64 second) const {
    i64 total = 0;
    for (std::size_t i = first[k]; i < first[k + 1]; ++i) {
      const DayInterval& interval = intervals[i];
      if (second <= interval.begin) {
        break;
      }
      total += std::min(second, interval.end) - interval.begin;
    }
    return total;
  }

  // W(x): open seconds of the local line without holidays from the Monday of 1969-12-29 to x.
  [[nodiscard]] i64 weekly_open(i64 x) const {
    const i64 day = floor_div(x, k_day);
    const i64 week = floor_div(day + 3, 7);
    const std::size_t k = weekday_of(day);
    return week * week_open + week_prefix[k] + open_in_day(k, x - day * k_day);
  }

  // W at the local midnight that begins `day`.
  [[nodiscard]] i64 weekly_open_at_midnight(i64 day) const {
    return floor_div(day + 3, 7) * week_open + week_prefix[weekday_of(day)];
  }

  // The latest local x with W(x) <= c.
  [[nodiscard]] i64 weekly_inverse(i64 c) const {
    const i64 week = floor_div(c, week_open);
    const i64 rest = c - week * week_open;
    for (std::size_t k = 0; k < 7; ++k) {
      if (rest < week_prefix[k + 1]) {
        i64 left = rest - week_prefix[k];
        for (std::size_t i = first[k]; i < first[k + 1]; ++i) {
          const DayInterval& interval = intervals[i];
          if (left < interval.end - interval.begin) {
            return (week * 7 + static_cast<i64>(k) - 3) * k_day + interval.begin + left;
          }
          left -= interval.end - interval.begin;
        }
      }
    }
    return 0; // unreachable: rest < week_open
  }

  // The number of business weekdays (holidays not counted out) before local day `day`, from the
  // Monday of 1969-12-29.
  [[nodiscard]] i64 business_before(i64 day) const {
    return floor_div(day + 3, 7) * week_business + business_prefix[weekday_of(day)];
  }

  // The local day that is the business weekday with business_before(day) == index.
  [[nodiscard]] i64 business_day_at(i64 index) const {
    const i64 week = floor_div(index, week_business);
    const auto r = static_cast<std::size_t>(index - week * week_business);
    return week * 7 + static_cast<i64>(business_weekday[r]) - 3;
  }

  // The earliest UTC instant whose local reading is `local`; for a reading that a change of
  // offset skips, the first instant after the gap.
  [[nodiscard]] i64 local_to_utc(i64 local) const {
    const std::size_t guess = segment_of(local - offsets[segment_of(local)]);
    const std::size_t from = guess >= 2 ? guess - 2 : 0;
    const std::size_t to = std::min(guess + 3, offsets.size());
    for (std::size_t i = from; i < to; ++i) {
      const i64 u = local - offsets[i];
      if (u >= starts[i] && u < starts[i + 1]) {
        return u; // the first segment that holds it gives the earlier instant
      }
    }
    for (std::size_t i = from; i + 1 < to; ++i) {
      const i64 change = starts[i + 1];
      if (change + offsets[i] <= local && local < change + offsets[i + 1]) {
        return change;
      }
    }
    return local - offsets[guess]; // unreachable for offsets that change by less than a day
  }

  // The local day that is the n-th business day after local day day0 (n >= 1). Throws when the
  // holidays close every open day for 10 years (start_utc names the start in the message).
  [[nodiscard]] i64 nth_business_day(i64 day0, i64 n, i64 start_utc) const;

  [[nodiscard]] std::size_t segment_of(i64 t) const {
    if (t < starts.front() || t >= starts.back()) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("time {}s from 1970 is outside the years calendar \"{}\" covers "
                              "(-32767 to 32767)",
                              t, name)};
    }
    return changes.lower_bound(t + 1); // the changes at or before t
  }
};

BusinessCalendar::BusinessCalendar(const CalendarRules& rules, const ZoneSource& zones)
    : m_impl(std::make_unique<Impl>()) {
  Impl& impl = *m_impl;
  impl.name = rules.name;

  const Zone* zone = zones.load(rules.zone);
  if (zone == nullptr) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("unknown time zone \"{}\": use an IANA name such as Europe/London",
                            rules.zone)};
  }

  // Weekly hours, normalised: sorted, overlapping and touching intervals joined.
  for (std::size_t k = 0; k < 7; ++k) {
    std::vector<OpenInterval> day = rules.hours.days[k];
    for (const OpenInterval& interval : day) {
      if (interval.begin < 0 || interval.end > 1440 || interval.begin >= interval.end) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("calendar \"{}\" has a bad open interval {}-{} (minutes): use "
                                "0 <= begin < end <= 1440",
                                rules.name, interval.begin, interval.end)};
      }
    }
    std::sort(day.begin(), day.end(),
              [](const OpenInterval& a, const OpenInterval& b) { return a.begin < b.begin; });
    for (const OpenInterval& interval : day) {
      const DayInterval seconds{i64{interval.begin} * 60, i64{interval.end} * 60};
      if (impl.intervals.size() > impl.first[k] && impl.intervals.back().end >= seconds.begin) {
        impl.intervals.back().end = std::max(impl.intervals.back().end, seconds.end);
      } else {
        impl.intervals.push_back(seconds);
      }
    }
    impl.first[k + 1] = impl.intervals.size();
    impl.day_open[k] = impl.open_in_day(k, k_day);
    impl.week_prefix[k + 1] = impl.week_prefix[k] + impl.day_open[k];
  }
  impl.week_open = impl.week_prefix[7];
  for (std::size_t k = 0; k < 7; ++k) {
    const bool business = impl.day_open[k] > 0;
    if (business) {
      impl.business_weekday[static_cast<std::size_t>(impl.week_business)] = k;
    }
    impl.business_prefix[k + 1] = impl.business_prefix[k] + (business ? 1 : 0);
    impl.week_business = impl.business_prefix[k + 1];
  }
  if (impl.week_open == 0) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("calendar \"{}\" has no open hours: give at least one interval, "
                            "e.g. --hours \"mon-fri 09:00-17:00\"",
                            rules.name)};
  }

  // Zone segments from the beginning of the zone's time to the horizon, joined where only the
  // abbreviation or the DST flag changes.
  SysInfo info = zone->get_info(date::sys_seconds{date::sys_days{date::year{-32000} / 1 / 1}});
  impl.starts.push_back(info.begin.time_since_epoch().count());
  impl.offsets.push_back(info.offset.count());
  while (info.begin.time_since_epoch().count() < k_horizon || info.save.count() != 0) {
    const SysInfo next = zone->get_info(info.end);
    if (next.begin <= info.begin || next.end <= next.begin) {
      break; // the last range: it runs to the end of the zone's time
    }
    if (next.offset != info.offset) {
      impl.starts.push_back(next.begin.time_since_epoch().count());
      impl.offsets.push_back(next.offset.count());
    }
    info = next;
  }
  impl.starts.push_back(k_end_of_time); // sentinel
  impl.changes.values.assign(impl.starts.begin() + 1, impl.starts.end() - 1);
  impl.changes.build(21); // buckets of 24 days: a change or two in each

  // Holidays.
  for (const Holiday& holiday : rules.holidays) {
    if (!valid_holiday(holiday)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("calendar \"{}\" has a bad holiday {}: write YYYY-MM-DD or MM-DD",
                              rules.name, format_holiday_date(holiday))};
    }
    if (holiday.year != 0) {
      continue;
    }
    for (int year = 2000; year < 2400; ++year) {
      const date::year_month_day ymd{date::year{year}, date::month{holiday.month},
                                     date::day{holiday.day}};
      if (!ymd.ok()) {
        continue; // 02-29 outside leap years
      }
      const i64 day = date::sys_days{ymd}.time_since_epoch().count();
      if (impl.day_open[weekday_of(day)] > 0) {
        impl.closed_days.cycle.values.push_back(day - floor_div(day, k_cycle_days) * k_cycle_days);
      }
    }
  }
  std::vector<i64>& cycle = impl.closed_days.cycle.values;
  std::sort(cycle.begin(), cycle.end());
  cycle.erase(std::unique(cycle.begin(), cycle.end()), cycle.end());
  for (const Holiday& holiday : rules.holidays) {
    if (holiday.year == 0) {
      continue;
    }
    const i64 day = day_number(holiday.year, holiday.month, holiday.day);
    const i64 offset = day - floor_div(day, k_cycle_days) * k_cycle_days;
    if (impl.day_open[weekday_of(day)] > 0
        && !std::binary_search(cycle.begin(), cycle.end(), offset)) {
      impl.closed_days.once.values.push_back(day);
    }
  }
  std::vector<i64>& once = impl.closed_days.once.values;
  std::sort(once.begin(), once.end());
  once.erase(std::unique(once.begin(), once.end()), once.end());
  impl.closed_days.build();
  Holidays& closed = impl.closed_days;
  const std::vector<i64>& days = closed.merged.values;
  closed.lost.resize(days.size());
  closed.effective.resize(days.size());
  i64 lost = 0;
  for (std::size_t k = 0; k + 1 < days.size(); ++k) {
    closed.lost[k] = lost;
    closed.effective[k] = impl.weekly_open_at_midnight(days[k]) - lost;
    lost += impl.day_open[weekday_of(days[k])];
  }
  closed.lost.back() = lost;
  closed.effective.back() = std::numeric_limits<i64>::max(); // the end mark
}

BusinessCalendar::~BusinessCalendar() = default;

Seconds BusinessCalendar::open(Instant a, Instant b) const {
  const Impl& impl = *m_impl;
  if (b <= a) {
    return Seconds{0};
  }
  const i64 end = b.time_since_epoch().count();
  i64 p = a.time_since_epoch().count();
  std::size_t segment = impl.segment_of(p);
  static_cast<void>(impl.segment_of(end - 1)); // range check
  i64 total = 0;
  while (p < end) {
    const i64 offset = impl.offsets[segment];
    const i64 stop = std::min(end, impl.starts[segment + 1]);
    i64 x = p + offset;
    const i64 y = stop + offset;
    HolidayCursor holidays(impl.closed_days, floor_div(x, k_day));
    while (x < y) {
      const i64 day = floor_div(x, k_day);
      const i64 holiday = holidays.next(day);
      if (holiday == day) {
        x = std::min(y, (day + 1) * k_day);
        continue;
      }
      const i64 z = std::min(y, holiday * k_day);
      total += impl.weekly_open(z) - impl.weekly_open(x);
      x = z;
    }
    p = stop;
    ++segment;
  }
  return Seconds{total};
}

Instant BusinessCalendar::add(Instant t, Seconds d) const {
  const Impl& impl = *m_impl;
  i64 left = std::max(d.count(), i64{0});
  const i64 start = t.time_since_epoch().count();
  i64 p = start;
  std::size_t segment = impl.segment_of(p);
  i64 last_open = p; // UTC end of the last stretch that had open time
  const auto check_progress = [&](i64 utc) {
    if (utc - last_open > k_no_open_time_limit) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("calendar \"{}\" has no open time in the 10 years after {}: its "
                              "holidays close every open day; remove some with: slatrack "
                              "calendar holiday {} DATE --remove",
                              impl.name, iso(last_open), impl.name)};
    }
  };
  while (true) {
    if (segment + 1 >= impl.starts.size()) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("{}s of open time after {} is out of the range of calendar \"{}\"",
                              d.count(), iso(start), impl.name)};
    }
    const i64 offset = impl.offsets[segment];
    i64 x = p + offset;
    const i64 y = impl.starts[segment + 1] + offset;
    HolidayCursor holidays(impl.closed_days, floor_div(x, k_day));
    i64 w = impl.weekly_open(x); // W(x), kept up to date as x moves on
    i64 holiday = holidays.next(floor_div(x, k_day));
    if (const std::size_t i = holidays.merged_index();
        i != HolidayCursor::k_tables && holiday * k_day > x) {
      // x is on an ordinary day and holiday i is the next one (the merged list's). Past holiday
      // k the target needs W = w + left + lost[k] - lost[i]; it runs out before the first
      // holiday k whose effective W exceeds w + left - lost[i]. Used when that lands in this
      // segment within the 10 years check_progress allows; otherwise the walk below decides.
      const Holidays& closed = impl.closed_days;
      const i64 reach = w + left - closed.lost[i];
      std::size_t k = i;
      while (closed.effective[k] <= reach) {
        ++k; // stops at the end mark at the latest
      }
      if (k + 1 < closed.effective.size()) {
        const i64 z = impl.weekly_inverse(reach + closed.lost[k]);
        if (z < y && z - offset - last_open <= k_no_open_time_limit) {
          return Instant{Seconds{z - offset}};
        }
      }
      // The target runs on past this segment (a DST change): its open time at once, when the
      // segment ends in the window, after a stretch with open time that no holiday closes.
      if (y <= k_merged_end * k_day && y - offset - last_open <= k_no_open_time_limit) {
        const std::vector<i64>& days = closed.merged.values;
        const std::size_t end = closed.merged.lower_bound(floor_div(y + k_day - 1, k_day));
        const i64 stretch = end > i ? (days[end - 1] + 1) * k_day : x; // after the last holiday
        if (stretch <= y) {
          const i64 w_y = impl.weekly_open(y);
          const i64 w_stretch = end > i ? impl.weekly_open_at_midnight(days[end - 1] + 1) : w;
          const i64 open = w_y - w - (closed.lost[end] - closed.lost[i]);
          if (w_y > w_stretch && open <= left) {
            left -= open;
            last_open = y - offset;
            p = impl.starts[segment + 1];
            ++segment;
            continue;
          }
        }
      }
    }
    while (x < y) {
      if (holiday * k_day >= y) { // no holiday before the segment ends
        const i64 w_y = impl.weekly_open(y);
        if (w_y - w > left) {
          return Instant{Seconds{impl.weekly_inverse(w + left) - offset}};
        }
        left -= w_y - w;
        if (w_y > w) {
          last_open = y - offset;
        }
        break;
      }
      if (holiday * k_day > x) { // open hours up to the holiday
        const i64 w_h = impl.weekly_open_at_midnight(holiday);
        if (w_h - w > left) {
          return Instant{Seconds{impl.weekly_inverse(w + left) - offset}};
        }
        left -= w_h - w;
        if (w_h > w) {
          last_open = holiday * k_day - offset;
        }
        x = holiday * k_day;
        w = w_h;
      }
      // Closed all day: on to the next midnight. Over a whole day W grows by the day's hours.
      const i64 next = std::min(y, (holiday + 1) * k_day);
      w = x == holiday * k_day && next == (holiday + 1) * k_day
              ? w + impl.day_open[weekday_of(holiday)]
              : impl.weekly_open(next);
      x = next;
      check_progress(x - offset);
      holiday = holidays.next(holiday + 1);
    }
    p = impl.starts[segment + 1];
    ++segment;
  }
}

std::vector<OpenSpan> BusinessCalendar::open_spans(Instant a, Instant b) const {
  const Impl& impl = *m_impl;
  std::vector<OpenSpan> spans;
  if (b <= a) {
    return spans;
  }
  const i64 end = b.time_since_epoch().count();
  i64 p = a.time_since_epoch().count();
  std::size_t segment = impl.segment_of(p);
  static_cast<void>(impl.segment_of(end - 1)); // range check
  while (p < end) {
    const i64 offset = impl.offsets[segment];
    const i64 stop = std::min(end, impl.starts[segment + 1]);
    const i64 x = p + offset;
    const i64 y = stop + offset;
    HolidayCursor holidays(impl.closed_days, floor_div(x, k_day));
    for (i64 day = floor_div(x, k_day); day * k_day < y; ++day) {
      if (holidays.next(day) == day) {
        continue;
      }
      const std::size_t k = weekday_of(day);
      for (std::size_t i = impl.first[k]; i < impl.first[k + 1]; ++i) {
        const i64 begin = std::max(x, day * k_day + impl.intervals[i].begin) - offset;
        const i64 finish = std::min(y, day * k_day + impl.intervals[i].end) - offset;
        if (begin >= finish) {
          continue;
        }
        const Instant span_begin{Seconds{begin}};
        const Instant span_end{Seconds{finish}};
        if (!spans.empty() && spans.back().end == span_begin) {
          spans.back().end = span_end;
        } else {
          spans.push_back(OpenSpan{span_begin, span_end});
        }
      }
    }
    p = stop;
    ++segment;
  }
  return spans;
}

// The n-th business weekday after day0, pushed one business weekday further by each holiday on
// the way (holidays on closed weekdays are not in the tables). Cost: the holidays crossed.
i64 BusinessCalendar::Impl::nth_business_day(i64 day0, i64 n, i64 start_utc) const {
  const Impl& impl = *this;
  i64 index = impl.business_before(day0 + 1) + n - 1;
  i64 day = impl.business_day_at(index);
  HolidayCursor holidays(impl.closed_days, day0 + 1);
  for (i64 holiday = holidays.next(day0 + 1); holiday <= day;
       holiday = holidays.next(holiday + 1)) {
    ++index;
    day = impl.business_day_at(index);
    if (day - day0 > 7 * n + 3653) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("calendar \"{}\" has no business day in the 10 years after {}: its "
                              "holidays close every open day; remove some with: slatrack "
                              "calendar holiday {} DATE --remove",
                              impl.name, iso(start_utc), impl.name)};
    }
  }
  return day;
}

Instant BusinessCalendar::add_business_days(Instant t, std::int64_t n) const {
  const Impl& impl = *m_impl;
  const Instant s = add(t, Seconds{0});
  if (n <= 0) {
    return s;
  }
  const i64 s_utc = s.time_since_epoch().count();
  const i64 local = s_utc + impl.offsets[impl.segment_of(s_utc)];
  const i64 day0 = floor_div(local, k_day);
  const i64 day = impl.nth_business_day(day0, n, s_utc);
  const i64 u = impl.local_to_utc(day * k_day + (local - day0 * k_day));
  return add(Instant{Seconds{u}}, Seconds{0});
}

Clock::BusinessDayWalk BusinessCalendar::walk_business_days(Instant t, std::int64_t n) const {
  const Impl& impl = *m_impl;
  BusinessDayWalk walk;
  walk.start = add(t, Seconds{0});
  walk.due = add_business_days(t, n);
  const i64 s_utc = walk.start.time_since_epoch().count();
  const i64 day0 = floor_div(s_utc + impl.offsets[impl.segment_of(s_utc)], k_day);
  HolidayCursor holidays(impl.closed_days, day0 + 1);
  for (i64 day = day0 + 1; static_cast<i64>(walk.days.size()) < n; ++day) {
    if (impl.day_open[weekday_of(day)] > 0 && holidays.next(day) != day) {
      walk.days.push_back(day);
    }
  }
  return walk;
}

Seconds open_late(const Clock& clock, Instant due, Instant now) {
  return due < now ? clock.open(due, now) : -clock.open(now, due);
}

bool BusinessCalendar::business_day(std::int64_t day) const {
  const Impl& impl = *m_impl;
  if (impl.day_open[weekday_of(day)] == 0) {
    return false;
  }
  HolidayCursor holidays(impl.closed_days, day);
  return holidays.next(day) != day;
}

std::int64_t BusinessCalendar::business_days_in(std::int64_t first, std::int64_t end) const {
  const Impl& impl = *m_impl;
  if (end <= first) {
    return 0;
  }
  // The business weekdays, less the holidays on them (the tables hold only those).
  i64 count = impl.business_before(end) - impl.business_before(first);
  HolidayCursor holidays(impl.closed_days, first);
  for (i64 holiday = holidays.next(first); holiday < end; holiday = holidays.next(holiday + 1)) {
    --count;
  }
  return count;
}

std::int64_t BusinessCalendar::nth_business_day(std::int64_t day0, std::int64_t n) const {
  const Impl& impl = *m_impl;
  // The start named in the message: the end of day0, local time read as UTC (close enough).
  return impl.nth_business_day(day0, n, (day0 + 1) * k_day);
}

namespace detail {
// The clock of a calendar of several versions (src/core/calendar_versions.cpp, which declares it
// too: the core includes only the public headers).
std::unique_ptr<Clock> make_versioned_clock(const CalendarRules& rules, const ZoneSource& zones);
} // namespace detail

std::unique_ptr<Clock> make_clock(const CalendarRules& rules, const ZoneSource& zones) {
  if (rules.versions.size() > 1) {
    return detail::make_versioned_clock(rules, zones);
  }
  if (is_always_open(rules.hours) && rules.holidays.empty()) {
    // Business days follow the zone's local dates; UTC (the built-in 24x7) needs no zone.
    return std::make_unique<AlwaysOpen>(rules.zone == "UTC" ? nullptr : zones.load(rules.zone));
  }
  return std::make_unique<BusinessCalendar>(rules, zones);
}

} // namespace slatrack
