// The text forms of a calendar's rules: open hours (SPEC.md "Input", SPEC) and holiday dates.
// Parsing is strict about values and lenient about spacing; every refusal is one line that names
// the bad clause or value and shows what is accepted (docs/calendars.md lists the grammar).
#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slatrack {

namespace {

constexpr std::string_view k_hours_hint =
    R"(write DAYS HH:MM-HH:MM, e.g. "mon-fri 09:00-17:00; sat 10:00-14:00")";
constexpr std::string_view k_days_hint =
    "days are mon tue wed thu fri sat sun, a range such as mon-fri or fri-mon, or a list such "
    "as mon,wed";
constexpr std::string_view k_holiday_hint =
    "write YYYY-MM-DD for one day or MM-DD for every year, e.g. 2026-12-24 or 12-25";
constexpr std::array<std::string_view, 7> k_day_names = {"mon", "tue", "wed", "thu",
                                                         "fri", "sat", "sun"};
constexpr std::array<std::string_view, 7> k_long_day_names = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
constexpr std::int32_t k_minutes_per_day = 1440;

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

// The clause with runs of spaces collapsed and no spaces around '-' and ',', so that
// "mon - fri 09:00 - 17:00" reads as "mon-fri 09:00-17:00".
std::string normalize_clause(std::string_view clause) {
  std::string out;
  for (const char c : clause) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ' && out.back() != '-' && out.back() != ',') {
        out.push_back(' ');
      }
      continue;
    }
    if ((c == '-' || c == ',') && !out.empty() && out.back() == ' ') {
      out.pop_back();
    }
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::optional<int> day_index(std::string_view name) {
  for (std::size_t i = 0; i < k_day_names.size(); ++i) {
    if (name == k_day_names[i] || name == k_long_day_names[i]) {
      return static_cast<int>(i);
    }
  }
  return std::nullopt;
}

std::string_view day_name(int index) {
  return k_day_names[static_cast<std::size_t>(((index % 7) + 7) % 7)];
}

// One item of a DAYS list: a day (first == last) or a range, possibly wrapping past Sunday.
struct DayItem {
  int first = 0;
  int last = 0;
};

struct DaySet {
  std::vector<DayItem> items;
  std::array<bool, 7> days{};
};

// Text from the input is shown by quoted_argument: in quotes, with control characters and bytes
// that are not UTF-8 escaped (a SPEC or date can come from a rules file, where the command line's
// checks do not apply), and cut when long.
[[noreturn]] void bad_clause(std::string_view clause, std::string_view reason) {
  throw Error{ErrorKind::invalid_input,
              fmt::format("bad open hours {}: {}", quoted_argument(clause), reason)};
}

DaySet parse_days(std::string_view clause, std::string_view token) {
  DaySet set;
  for (const std::string_view item : split(token, ',')) {
    const std::size_t dash = item.find('-');
    const std::string_view first_text = item.substr(0, dash);
    const std::string_view last_text =
        dash == std::string_view::npos ? item : item.substr(dash + 1);
    const std::optional<int> first = day_index(first_text);
    const std::optional<int> last = day_index(last_text);
    if (!first || !last) {
      const std::string_view bad = !first ? first_text : last_text;
      bad_clause(clause, fmt::format("unknown day {}; {}", quoted_argument(bad), k_days_hint));
    }
    set.items.push_back(DayItem{*first, *last});
    for (int day = *first;; day = (day + 1) % 7) {
      set.days[static_cast<std::size_t>(day)] = true;
      if (day == *last) {
        break;
      }
    }
  }
  return set;
}

// DAYS text for the items, each moved by one day: the days an overnight interval runs into.
std::string next_days(const DaySet& set) {
  std::string out;
  for (const DayItem& item : set.items) {
    if (!out.empty()) {
      out += ',';
    }
    out += day_name(item.first + 1);
    if (item.first != item.last) {
      out += '-';
      out += day_name(item.last + 1);
    }
  }
  return out;
}

std::string days_text(const DaySet& set) {
  std::string out;
  for (const DayItem& item : set.items) {
    if (!out.empty()) {
      out += ',';
    }
    out += day_name(item.first);
    if (item.first != item.last) {
      out += '-';
      out += day_name(item.last);
    }
  }
  return out;
}

std::string minutes_text(std::int32_t minutes) {
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

std::string interval_text(std::int32_t begin, std::int32_t end) {
  return minutes_text(begin) + "-" + minutes_text(end);
}

// A clock reading "H:MM" or "HH:MM" as written; hours < 0 when malformed.
struct ClockReading {
  std::int32_t hours = -1;
  std::int32_t minutes = 0;
};

ClockReading parse_clock(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
    return {};
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != colon && !is_digit(text[i])) {
      return {};
    }
  }
  ClockReading reading{0, 0};
  for (std::size_t i = 0; i < colon; ++i) {
    reading.hours = reading.hours * 10 + (text[i] - '0');
  }
  reading.minutes = (text[colon + 1] - '0') * 10 + (text[colon + 2] - '0');
  return reading;
}

void parse_clause(std::string_view original, std::array<std::vector<OpenInterval>, 7>& days) {
  const std::string clause = normalize_clause(original);
  const std::vector<std::string_view> tokens = split(clause, ' ');
  if (is_digit(tokens.front().front())) {
    bad_clause(original, fmt::format("no days before the hours; {}", k_hours_hint));
  }
  const DaySet set = parse_days(original, tokens.front());
  if (tokens.size() == 1) {
    bad_clause(original, fmt::format("no HH:MM-HH:MM after the days; {}", k_hours_hint));
  }
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    const std::string_view token = tokens[i];
    const std::size_t dash = token.find('-');
    const ClockReading begin_reading = parse_clock(token.substr(0, dash));
    const ClockReading end_reading =
        dash == std::string_view::npos ? ClockReading{} : parse_clock(token.substr(dash + 1));
    if (begin_reading.hours < 0 || end_reading.hours < 0) {
      bad_clause(original,
                 fmt::format("{} is not HH:MM-HH:MM; {}", quoted_argument(token), k_hours_hint));
    }
    const std::array<std::pair<ClockReading, std::string_view>, 2> readings = {
        std::pair{begin_reading, token.substr(0, dash)},
        std::pair{end_reading, token.substr(dash + 1)}};
    for (const auto& [reading, text] : readings) {
      const bool valid = (reading.hours <= 23 && reading.minutes <= 59)
                         || (reading.hours == 24 && reading.minutes == 0);
      if (!valid) {
        bad_clause(original,
                   fmt::format(R"("{}" is not a time; hours are 00-23 and minutes 00-59, and )"
                               "24:00 may only end an interval",
                               text));
      }
    }
    const std::int32_t begin = begin_reading.hours * 60 + begin_reading.minutes;
    const std::int32_t end = end_reading.hours * 60 + end_reading.minutes;
    if (begin == k_minutes_per_day) {
      bad_clause(original, R"("24:00" may only end an interval)");
    }
    if (end == begin) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format(R"(empty interval "{}" on {}: the end must come after the start )"
                              "(for a whole day write 00:00-24:00)",
                              token, days_text(set))};
    }
    if (end < begin) {
      const std::string first = fmt::format("{} {}-24:00", days_text(set), minutes_text(begin));
      const std::string advice =
          end == 0 ? first
                   : fmt::format("{}; {} 00:00-{}", first, next_days(set), minutes_text(end));
      throw Error{ErrorKind::invalid_input,
                  fmt::format(R"(overnight interval "{}" on {}: write "{}")", token, days_text(set),
                              advice)};
    }
    for (std::size_t day = 0; day < 7; ++day) {
      if (set.days[day]) {
        days[day].push_back(OpenInterval{begin, end});
      }
    }
  }
}

bool valid_date(int year, unsigned month, unsigned day) {
  if (month < 1 || month > 12 || day < 1) {
    return false;
  }
  constexpr std::array<unsigned, 12> k_lengths = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > k_lengths[month - 1]) {
    return false;
  }
  if (month == 2 && day == 29 && year != 0) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }
  return true;
}

std::optional<unsigned> parse_number(std::string_view text, std::size_t digits) {
  if (text.size() != digits) {
    return std::nullopt;
  }
  unsigned value = 0;
  for (const char c : text) {
    if (!is_digit(c)) {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

} // namespace

WeeklyHours parse_hours(std::string_view spec) {
  WeeklyHours hours;
  bool any_clause = false;
  for (const std::string_view raw : split(spec, ';')) {
    const std::string_view clause = trim(raw);
    if (clause.empty()) {
      continue; // a trailing or doubled ';' is harmless
    }
    any_clause = true;
    parse_clause(clause, hours.days);
  }
  if (!any_clause) {
    throw Error{ErrorKind::invalid_input, fmt::format("no open hours given: {}", k_hours_hint)};
  }
  for (std::size_t day = 0; day < 7; ++day) {
    std::vector<OpenInterval>& intervals = hours.days[day];
    std::stable_sort(intervals.begin(), intervals.end(),
                     [](const OpenInterval& a, const OpenInterval& b) {
                       return a.begin < b.begin || (a.begin == b.begin && a.end < b.end);
                     });
    for (std::size_t i = 1; i < intervals.size(); ++i) {
      const OpenInterval& a = intervals[i - 1];
      const OpenInterval& b = intervals[i];
      if (b.begin < a.end) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format(R"(overlapping intervals "{}" and "{}" on {}: write them as one )"
                                R"(interval, "{}")",
                                interval_text(a.begin, a.end), interval_text(b.begin, b.end),
                                day_name(static_cast<int>(day)),
                                interval_text(a.begin, std::max(a.end, b.end)))};
      }
    }
    // Touching intervals (09:00-12:00 12:00-17:00) are one stretch of open time.
    std::vector<OpenInterval> merged;
    for (const OpenInterval& interval : intervals) {
      if (!merged.empty() && merged.back().end == interval.begin) {
        merged.back().end = interval.end;
      } else {
        merged.push_back(interval);
      }
    }
    intervals = std::move(merged);
  }
  return hours;
}

std::string format_hours(const WeeklyHours& hours) {
  std::string out;
  std::size_t day = 0;
  while (day < 7) {
    std::size_t last = day;
    while (last + 1 < 7 && hours.days[last + 1] == hours.days[day]) {
      ++last;
    }
    if (!hours.days[day].empty()) {
      if (!out.empty()) {
        out += "; ";
      }
      out += k_day_names[day];
      if (last != day) {
        out += '-';
        out += k_day_names[last];
      }
      for (const OpenInterval& interval : hours.days[day]) {
        out += ' ';
        out += interval_text(interval.begin, interval.end);
      }
    }
    day = last + 1;
  }
  return out;
}

Holiday parse_holiday(std::string_view text) {
  const std::string_view value = trim(text);
  const std::vector<std::string_view> parts = split(value, '-');
  Holiday holiday;
  std::optional<unsigned> year = 0;
  std::optional<unsigned> month;
  std::optional<unsigned> day;
  if (parts.size() == 3) {
    year = parse_number(parts[0], 4);
    month = parse_number(parts[1], 2);
    day = parse_number(parts[2], 2);
  } else if (parts.size() == 2) {
    month = parse_number(parts[0], 2);
    day = parse_number(parts[1], 2);
  }
  if (!year || !month || !day) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("bad holiday {}: {}", quoted_argument(value), k_holiday_hint)};
  }
  if ((parts.size() == 3 && *year == 0) || !valid_date(static_cast<int>(*year), *month, *day)) {
    throw Error{ErrorKind::invalid_input, fmt::format("bad holiday {}: no such date; {}",
                                                      quoted_argument(value), k_holiday_hint)};
  }
  holiday.year = static_cast<int>(*year);
  holiday.month = *month;
  holiday.day = *day;
  return holiday;
}

std::string format_holiday_date(const Holiday& holiday) {
  if (holiday.year == 0) {
    return fmt::format("{:02}-{:02}", holiday.month, holiday.day);
  }
  return fmt::format("{:04}-{:02}-{:02}", holiday.year, holiday.month, holiday.day);
}

bool is_always_open(const WeeklyHours& hours) {
  return std::all_of(hours.days.begin(), hours.days.end(), [](const auto& intervals) {
    return intervals.size() == 1 && intervals.front().begin == 0
           && intervals.front().end == k_minutes_per_day;
  });
}

} // namespace slatrack
