// The TIME and DUR forms of SPEC.md "Input", scanned by hand: the grammar is small, and a
// hand-written scanner can tell a malformed value from a well-formed one that is out of range
// ("2026-02-30: no such date"), which is what makes the error messages useful.
//
// Grammar decisions (documented for the user in docs/):
// - DUR: NUMBER UNIT parts, units m h d w in lower case only ("1M" could be read as a month), each
//   unit at most once and largest first ("1h30m", not "30m1h"); parts may be separated by spaces
//   ("1h 30m"); no space between a number and its unit; no sign, no decimals; 1m <= DUR <= 36500d.
// - TIME: keywords (now, today, yesterday, tomorrow, ago) and the T and Z letters in any case;
//   surrounding whitespace ignored; the hour may have one digit ("9:30"); years 1970-9999.
// - Every TIME, relative ones and those with an offset included, is an instant from
//   1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z: exports write UTC ISO 8601 with a four-digit
//   year from 1970, and import must read back whatever was accepted.
#include "slatrack/parse.hpp"

#include "slatrack/error.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace slatrack {

namespace {

constexpr std::string_view k_duration_forms =
    "use NUMBER UNIT with units m h d w, e.g. 90m, 2h, 1h30m, 3d";
constexpr std::string_view k_time_forms =
    "use now, today, YYYY-MM-DD, YYYY-MM-DD HH:MM, HH:MM, \"yesterday 15:00\", \"mon 09:30\", "
    "-2h or \"2h ago\" (times are local unless they end in Z or +HH:MM)";

// A NUMBER saturates here while it is scanned: far above any valid value, and small enough that
// NUMBER * 1w and a sum of such parts cannot overflow.
constexpr std::int64_t k_number_cap = 1'000'000'000'000;
// A value shown in a message is cut after this many bytes.
constexpr std::size_t k_max_shown = 60;
constexpr int k_min_year = 1970;
constexpr int k_max_year = 9999;
constexpr Instant k_earliest{};                    // 1970-01-01T00:00:00Z
constexpr Instant k_latest{Seconds{253402300799}}; // 9999-12-31T23:59:59Z

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
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

// `text` in double quotes for a one-line message: quotes, backslashes, control characters and bytes
// that are not UTF-8 escaped (\n, \t, \xHH), and a long value cut with "...".
std::string quote(std::string_view text) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < text.size()) {
    if (i >= k_max_shown) {
      out += "...";
      break;
    }
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte >= 0x20 && byte < 0x7F) {
      out += c;
    } else if (byte >= 0x80) {
      // Bytes that are not UTF-8 and C1 control characters are escaped like the C0 ones.
      const std::size_t length = utf8_sequence_length(text, i);
      if (length == 0 || is_c1_control(text, i, length)) {
        out += fmt::format("\\x{:02X}", byte);
      } else {
        out.append(text.substr(i, length));
        i += length;
        continue;
      }
    } else {
      out += fmt::format("\\x{:02X}", byte);
    }
    ++i;
  }
  out += '"';
  return out;
}

// ---- DUR ----

enum class DurationProblem { none, syntax, bare_number, decimal, order, zero, too_long };

struct DurationScan {
  std::int64_t seconds = 0;
  DurationProblem problem = DurationProblem::none;
};

// Scans a DUR (already trimmed) without throwing, so that each caller words its own message.
DurationScan scan_duration(std::string_view text) {
  constexpr std::array<char, 4> units{'w', 'd', 'h', 'm'};
  constexpr std::array<std::int64_t, 4> unit_seconds{7 * 86400, 86400, 3600, 60};
  constexpr std::int64_t total_cap = k_max_duration.count() + 1;

  std::int64_t total = 0;
  std::size_t next_unit = 0; // index into `units` of the largest unit still allowed
  bool out_of_order = false;
  std::size_t i = 0;
  while (true) {
    if (i == text.size() || !is_digit(text[i])) {
      return {0, DurationProblem::syntax};
    }
    std::int64_t number = 0;
    while (i < text.size() && is_digit(text[i])) {
      number = std::min(number * 10 + (text[i] - '0'), k_number_cap);
      ++i;
    }
    if (i == text.size()) {
      // "90" or "1h30": a unit is missing. After minutes no unit could follow.
      return {0, next_unit < units.size() ? DurationProblem::bare_number : DurationProblem::syntax};
    }
    if ((text[i] == '.' || text[i] == ',') && i + 1 < text.size() && is_digit(text[i + 1])) {
      return {0, DurationProblem::decimal};
    }
    const auto unit = std::find(units.begin(), units.end(), text[i]);
    if (unit == units.end()) {
      return {0, DurationProblem::syntax};
    }
    const auto index = static_cast<std::size_t>(unit - units.begin());
    if (index < next_unit) {
      out_of_order = true;
    }
    next_unit = index + 1;
    total = std::min(total + number * unit_seconds[index], total_cap);
    ++i;
    if (i == text.size()) {
      break;
    }
    while (i < text.size() && text[i] == ' ') {
      ++i;
    }
  }
  if (out_of_order) {
    return {0, DurationProblem::order};
  }
  if (total == 0) {
    return {0, DurationProblem::zero};
  }
  if (total > k_max_duration.count()) {
    return {0, DurationProblem::too_long};
  }
  return {total, DurationProblem::none};
}

// What to do about a DUR problem other than `syntax`, for the message that names the whole value.
// `before` and `after` surround the DUR in the examples ("-" for "-90", " ago" for "90 ago").
// `in_time`: the DUR is part of a TIME.
std::string duration_advice(DurationProblem problem, std::string_view dur, std::string_view before,
                            std::string_view after, bool in_time) {
  const std::string_view subject = in_time ? "the duration must be" : "must be";
  switch (problem) {
  case DurationProblem::bare_number:
    return fmt::format("add a unit, e.g. {}{}m{} (units: m h d w)", before, dur, after);
  case DurationProblem::decimal:
    return fmt::format("use whole numbers: {}1h30m{}, not {}1.5h{}", before, after, before, after);
  case DurationProblem::order:
    return fmt::format("give each unit once, largest first, e.g. {}1h30m{}", before, after);
  case DurationProblem::zero:
    return in_time ? "the duration must be at least 1m (use now for the current time)"
                   : "must be at least 1m";
  case DurationProblem::too_long:
    return fmt::format("{} at most 36500d (100 years)", subject);
  case DurationProblem::syntax:
  case DurationProblem::none:
    break;
  }
  return {};
}

// For a DUR with a syntax problem that is only upper-case units ("2H"), the lower-case DUR.
std::optional<std::string> lower_case_fix(std::string_view dur) {
  std::string lower = to_lower(dur);
  if (lower != dur && scan_duration(lower).problem == DurationProblem::none) {
    return lower;
  }
  return std::nullopt;
}

// ---- TIME ----

[[noreturn]] void throw_bad_time(std::string_view text, std::string_view advice) {
  throw Error{ErrorKind::invalid_input, fmt::format("bad time {}: {}", quote(text), advice)};
}

[[noreturn]] void throw_bad_time_form(std::string_view text) {
  // A misspelt keyword gets a suggestion.
  const std::string_view word = trim(text);
  const bool letters = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
  if (letters) {
    const std::string lower = to_lower(word);
    if (lower == "noon") {
      throw_bad_time(text, "write 12:00");
    }
    if (lower == "midnight") {
      throw_bad_time(text, "write today or tomorrow (local midnight)");
    }
    const std::vector<std::string> keywords{"now", "today", "yesterday", "tomorrow"};
    const std::vector<std::string> close = closest_names(word, keywords, 1);
    if (!close.empty()) {
      throw Error{ErrorKind::invalid_input, fmt::format("bad time {} (did you mean \"{}\"?): {}",
                                                        quote(text), close.front(), k_time_forms)};
    }
  }
  throw_bad_time(text, k_time_forms);
}

// `now` +- a DUR; `sign` is +1 or -1.
Instant relative_time(std::string_view text, std::string_view dur, int sign,
                      std::string_view before, std::string_view after, Instant now) {
  const DurationScan scan = scan_duration(dur);
  if (scan.problem == DurationProblem::none) {
    return now + Seconds{sign * scan.seconds};
  }
  if (scan.problem == DurationProblem::syntax) {
    if (const std::optional<std::string> fixed = lower_case_fix(dur)) {
      throw_bad_time(text, fmt::format("write units in lower case: {}{}{}", before, *fixed, after));
    }
    throw_bad_time_form(text);
  }
  throw_bad_time(text, duration_advice(scan.problem, dur, before, after, true));
}

// A left-to-right reader of fixed-width digit fields.
class Cursor {
public:
  explicit Cursor(std::string_view text) : m_text(text) {}

  [[nodiscard]] bool done() const {
    return m_pos == m_text.size();
  }

  [[nodiscard]] std::optional<char> peek() const {
    if (done()) {
      return std::nullopt;
    }
    return m_text[m_pos];
  }

  // Consumes `c` if it is next.
  bool eat(char c) {
    if (peek() == c) {
      ++m_pos;
      return true;
    }
    return false;
  }

  // Consumes between `min` and `max` digits and returns their value.
  std::optional<int> number(std::size_t min, std::size_t max) {
    std::size_t count = 0;
    int value = 0;
    while (count < max && m_pos < m_text.size() && is_digit(m_text[m_pos])) {
      value = value * 10 + (m_text[m_pos] - '0');
      ++m_pos;
      ++count;
    }
    if (count < min) {
      return std::nullopt;
    }
    return value;
  }

private:
  std::string_view m_text;
  std::size_t m_pos = 0;
};

struct TimeOfDay {
  int hour = 0;
  int minute = 0;
  int second = 0;
};

// H:MM, HH:MM or HH:MM:SS, not checked for range.
std::optional<TimeOfDay> read_time_of_day(Cursor& cursor) {
  TimeOfDay out;
  const std::optional<int> hour = cursor.number(1, 2);
  if (!hour || !cursor.eat(':')) {
    return std::nullopt;
  }
  const std::optional<int> minute = cursor.number(2, 2);
  if (!minute) {
    return std::nullopt;
  }
  out.hour = *hour;
  out.minute = *minute;
  if (cursor.eat(':')) {
    const std::optional<int> second = cursor.number(2, 2);
    if (!second) {
      return std::nullopt;
    }
    out.second = *second;
  }
  return out;
}

bool valid(const TimeOfDay& time) {
  return time.hour <= 23 && time.minute <= 59 && time.second <= 59;
}

Seconds since_midnight(const TimeOfDay& time) {
  return std::chrono::hours{time.hour} + std::chrono::minutes{time.minute} + Seconds{time.second};
}

bool starts_with_digits(std::string_view text, std::size_t count) {
  return text.size() >= count
         && std::all_of(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(count), is_digit);
}

// The date and clock forms; nullopt when `text` has none of their shapes.
std::optional<Instant> clock_time(std::string_view original, std::string_view text, Instant now,
                                  const Zone& zone) {
  Cursor cursor{text};
  if (starts_with_digits(text, 4) && text.size() > 4 && text[4] == '-') {
    const int year = cursor.number(4, 4).value_or(0);
    cursor.eat('-');
    const std::optional<int> month = cursor.number(2, 2);
    if (!month || !cursor.eat('-')) {
      return std::nullopt;
    }
    const std::optional<int> day = cursor.number(2, 2);
    if (!day) {
      return std::nullopt;
    }
    std::optional<TimeOfDay> time;
    std::optional<Seconds> offset; // set when the value is absolute: local = UTC + offset
    if (!cursor.done()) {
      if (!cursor.eat('T') && !cursor.eat('t')) {
        if (!cursor.eat(' ')) {
          return std::nullopt;
        }
        while (cursor.eat(' ')) {
        }
      }
      time = read_time_of_day(cursor);
      if (!time) {
        return std::nullopt;
      }
      if (cursor.eat('Z') || cursor.eat('z')) {
        offset = Seconds{0};
      } else if (const std::optional<char> sign = cursor.peek(); sign == '+' || sign == '-') {
        cursor.eat(*sign);
        const std::optional<int> hours = cursor.number(2, 2);
        if (!hours || !cursor.eat(':')) {
          return std::nullopt;
        }
        const std::optional<int> minutes = cursor.number(2, 2);
        if (!minutes || !cursor.done()) {
          return std::nullopt;
        }
        if (*minutes > 59 || *hours * 60 + *minutes > 14 * 60) {
          throw_bad_time(original, "no such UTC offset; use -14:00 to +14:00");
        }
        const Seconds size = std::chrono::hours{*hours} + std::chrono::minutes{*minutes};
        offset = *sign == '-' ? -size : size;
      }
      if (!cursor.done()) {
        return std::nullopt;
      }
    }
    if (year < k_min_year || year > k_max_year) {
      throw_bad_time(original, "the year must be between 1970 and 9999");
    }
    const date::year_month_day ymd{date::year{year}, date::month{static_cast<unsigned>(*month)},
                                   date::day{static_cast<unsigned>(*day)}};
    if (!ymd.ok()) {
      throw_bad_time(original, "no such date");
    }
    if (time && !valid(*time)) {
      throw_bad_time(original, "no such time of day; hours go 00-23, minutes and seconds 00-59");
    }
    const Seconds clock = time ? since_midnight(*time) : Seconds{0};
    if (offset) {
      return Instant{date::sys_days{ymd}} + clock - *offset;
    }
    return local_to_instant(date::local_days{ymd} + clock, zone);
  }
  if (starts_with_digits(text, 1)) {
    const std::optional<TimeOfDay> time = read_time_of_day(cursor);
    if (!time || !cursor.done()) {
      return std::nullopt;
    }
    if (!valid(*time)) {
      throw_bad_time(original, "no such time of day; hours go 00-23, minutes and seconds 00-59");
    }
    const date::local_days today = date::floor<date::days>(zone.to_local(now));
    return local_to_instant(today + since_midnight(*time), zone);
  }
  return std::nullopt;
}

// ---- day words: "yesterday 15:00", "mon 09:30", "last fri 16:00" ----

// The weekday a word names (mon or monday, any case: already lower), 0 = Sunday as date::weekday.
std::optional<unsigned> weekday_word(std::string_view word) {
  constexpr std::array<std::string_view, 7> names{"sunday",   "monday", "tuesday", "wednesday",
                                                  "thursday", "friday", "saturday"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (word == names[i] || word == names[i].substr(0, 3)) {
      return static_cast<unsigned>(i);
    }
  }
  return std::nullopt;
}

// A day word, optionally after "last", then a time of day; nullopt when `lower` (trimmed, lower
// case) does not start with a day word.
std::optional<Instant> day_word_time(std::string_view original, std::string_view lower, Instant now,
                                     const Zone& zone) {
  std::string_view rest = lower;
  const auto next_word = [&rest] {
    const std::size_t end = std::min(rest.find_first_of(" \t\n\r\v\f"), rest.size());
    const std::string_view word = rest.substr(0, end);
    rest = trim(rest.substr(end));
    return word;
  };
  std::string_view word = next_word();
  const bool last = word == "last";
  if (last) {
    word = next_word();
  }
  const std::optional<unsigned> weekday = weekday_word(word);
  const bool relative_day = word == "today" || word == "yesterday" || word == "tomorrow";
  if (!weekday && (last || !relative_day)) {
    if (last) {
      throw_bad_time(original, "write last and a weekday, then a time, e.g. \"last fri 16:00\"");
    }
    return std::nullopt;
  }
  if (rest.empty()) {
    // "today" alone is handled before; "mon" or "last fri" alone lacks its time.
    throw_bad_time(original, fmt::format("give a time of day after the day, e.g. \"{}{} 09:00\"",
                                         last ? "last " : "", word));
  }
  Cursor cursor{rest};
  const std::optional<TimeOfDay> time = read_time_of_day(cursor);
  if (!time || !cursor.done()) {
    throw_bad_time(original, fmt::format("write the day, then HH:MM, e.g. \"{}{} 09:00\"",
                                         last ? "last " : "", word));
  }
  if (!valid(*time)) {
    throw_bad_time(original, "no such time of day; hours go 00-23, minutes and seconds 00-59");
  }
  const date::local_days today = date::floor<date::days>(zone.to_local(now));
  if (relative_day) {
    const int shift = word == "today" ? 0 : (word == "yesterday" ? -1 : 1);
    return local_to_instant(today + date::days{shift} + since_midnight(*time), zone);
  }
  // The latest such instant not later than now: this week's, else a week earlier.
  for (int back = 0; back <= 7; ++back) {
    const date::local_days day = today - date::days{back};
    if (date::weekday{day}.c_encoding() == *weekday) {
      const Instant instant = local_to_instant(day + since_midnight(*time), zone);
      if (instant <= now) {
        return instant;
      }
    }
  }
  throw Error{ErrorKind::internal, "no weekday found in eight days (a bug; please report it)"};
}

bool digits_at(std::string_view text, std::size_t from, std::size_t count) {
  for (std::size_t i = from; i < from + count; ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  return true;
}

int number_at(std::string_view text, std::size_t from, std::size_t count) {
  int out = 0;
  for (std::size_t i = from; i < from + count; ++i) {
    out = out * 10 + (text[i] - '0');
  }
  return out;
}

} // namespace

std::optional<Instant> parse_export_time(std::string_view text) {
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':'
      || text[16] != ':' || text[19] != 'Z' || !digits_at(text, 0, 4) || !digits_at(text, 5, 2)
      || !digits_at(text, 8, 2) || !digits_at(text, 11, 2) || !digits_at(text, 14, 2)
      || !digits_at(text, 17, 2)) {
    return std::nullopt;
  }
  const date::year_month_day day{date::year{number_at(text, 0, 4)},
                                 date::month{static_cast<unsigned>(number_at(text, 5, 2))},
                                 date::day{static_cast<unsigned>(number_at(text, 8, 2))}};
  const int hour = number_at(text, 11, 2);
  const int minute = number_at(text, 14, 2);
  const int second = number_at(text, 17, 2);
  if (!day.ok() || hour > 23 || minute > 59 || second > 59 || day.year() < date::year{1970}) {
    return std::nullopt;
  }
  return Instant{date::sys_days{day}.time_since_epoch()} + std::chrono::hours{hour}
         + std::chrono::minutes{minute} + Seconds{second};
}

Seconds parse_duration(std::string_view text) {
  const std::string_view dur = trim(text);
  const DurationScan scan = scan_duration(dur);
  if (scan.problem == DurationProblem::none) {
    return Seconds{scan.seconds};
  }
  std::string advice;
  if (scan.problem == DurationProblem::syntax) {
    if (const std::optional<std::string> fixed = lower_case_fix(dur)) {
      advice = fmt::format("write units in lower case: {}", *fixed);
    } else {
      advice = k_duration_forms;
    }
  } else {
    advice = duration_advice(scan.problem, dur, "", "", false);
  }
  throw Error{ErrorKind::invalid_input, fmt::format("bad duration {}: {}", quote(text), advice)};
}

Target parse_target(std::string_view text) {
  const std::string_view dur = trim(text);
  const std::string lower = to_lower(dur);
  const std::size_t bd = lower.find("bd");
  if (bd == std::string::npos) {
    const DurationScan scan = scan_duration(dur);
    if (scan.problem == DurationProblem::none) {
      return Target{Seconds{scan.seconds}};
    }
    if (scan.problem == DurationProblem::syntax && !lower_case_fix(dur)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("bad duration {}: {}, or business days alone, e.g. 5bd", quote(text),
                              k_duration_forms)};
    }
    return Target{parse_duration(text)}; // throws its message
  }
  // Business days: NUMBER bd, alone.
  std::size_t digits = 0;
  while (digits < dur.size() && is_digit(dur[digits])) {
    ++digits;
  }
  if (digits == 0 || digits != bd || bd + 2 != dur.size()) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("bad duration {}: business days stand alone, as NUMBERbd with no other "
                            "unit, e.g. 5bd",
                            quote(text))};
  }
  if (dur.substr(bd) != "bd") {
    throw Error{ErrorKind::invalid_input,
                fmt::format("bad duration {}: write units in lower case: {}", quote(text), lower)};
  }
  std::int64_t number = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    number = std::min(number * 10 + (dur[i] - '0'), k_number_cap);
  }
  if (number == 0) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("bad duration {}: must be at least 1bd", quote(text))};
  }
  if (number > k_max_business_days) {
    throw Error{ErrorKind::invalid_input, fmt::format("bad duration {}: must be at most {}bd",
                                                      quote(text), k_max_business_days)};
  }
  return Target::days(number);
}

namespace {

// parse_time without the range check.
Instant any_time(std::string_view text, Instant now, const Zone& zone) {
  const std::string_view trimmed = trim(text);
  const std::string lower = to_lower(trimmed);
  if (lower == "now") {
    return now;
  }
  if (lower == "today" || lower == "yesterday" || lower == "tomorrow") {
    const date::local_days today = date::floor<date::days>(zone.to_local(now));
    const int shift = lower == "today" ? 0 : (lower == "yesterday" ? -1 : 1);
    return local_to_instant(today + date::days{shift}, zone);
  }
  if (!trimmed.empty() && (trimmed.front() == '-' || trimmed.front() == '+')) {
    const int sign = trimmed.front() == '-' ? -1 : 1;
    return relative_time(text, trimmed.substr(1), sign, trimmed.substr(0, 1), "", now);
  }
  constexpr std::string_view ago = "ago";
  if (lower.size() > ago.size() && lower.ends_with(ago)
      && is_space(lower[lower.size() - ago.size() - 1])) {
    const std::string_view dur = trim(trimmed.substr(0, trimmed.size() - ago.size()));
    return relative_time(text, dur, -1, "", " ago", now);
  }
  if (const std::optional<Instant> instant = clock_time(text, trimmed, now, zone)) {
    return *instant;
  }
  if (const std::optional<Instant> instant = day_word_time(text, lower, now, zone)) {
    return *instant;
  }
  if (!trimmed.empty() && scan_duration(trimmed).problem == DurationProblem::none) {
    throw_bad_time(
        text, fmt::format("write -{0} or \"{0} ago\" for the past, +{0} for the future", trimmed));
  }
  throw_bad_time_form(text);
}

// YYYY-MM: the first of the month, local midnight; nullopt for any other shape.
std::optional<Instant> month_start(std::string_view original, std::string_view text,
                                   const Zone& zone) {
  if (text.size() != 7 || !starts_with_digits(text, 4) || text[4] != '-'
      || !starts_with_digits(text.substr(5), 2)) {
    return std::nullopt;
  }
  Cursor cursor{text};
  const int year = cursor.number(4, 4).value_or(0);
  cursor.eat('-');
  const int month = cursor.number(2, 2).value_or(0);
  if (year < k_min_year || year > k_max_year) {
    throw_bad_time(original, "the year must be between 1970 and 9999");
  }
  if (month < 1 || month > 12) {
    throw_bad_time(original, "no such month; months go 01-12");
  }
  return local_to_instant(
      date::local_days{date::year{year} / date::month{static_cast<unsigned>(month)} / 1}, zone);
}

// The range check of every TIME.
Instant in_range(std::string_view text, Instant instant) {
  if (instant < k_earliest || instant > k_latest) {
    throw_bad_time(text, fmt::format("that is {} UTC; times go from 1970-01-01 to 9999-12-31 UTC",
                                     date::format("%Y-%m-%d %H:%M", instant)));
  }
  return instant;
}

} // namespace

Instant parse_range_time(std::string_view text, Instant now, const Zone& zone) {
  if (const std::optional<Instant> instant = month_start(text, trim(text), zone)) {
    return in_range(text, *instant);
  }
  return parse_time(text, now, zone);
}

Instant parse_time(std::string_view text, Instant now, const Zone& zone) {
  const std::string_view trimmed = trim(text);
  if (month_start(text, trimmed, zone)) {
    throw_bad_time(text, fmt::format("a month is taken only where a range starts or ends (--since, "
                                     "--until, --from, --to); give a day, e.g. {}-01",
                                     trimmed));
  }
  return in_range(text, any_time(text, now, zone));
}

Instant local_to_instant(date::local_seconds local, const Zone& zone) {
  const LocalInfo info = zone.get_info(local);
  switch (info.result) {
  case LocalInfo::unique:
  case LocalInfo::ambiguous: // `first` is the earlier of the two readings
    return Instant{local.time_since_epoch() - info.first.offset};
  case LocalInfo::nonexistent: // the clock jumped at first.end, over `local`
    return info.first.end;
  }
  throw Error{ErrorKind::internal, "unexpected result from the time zone database"};
}

namespace {

// The zone to suggest for an unknown `name`: the closest zone name; for a name with a region
// ("Europe/Manchester") only zone names with one (never "EST" for the "est" in "Manchester"), else
// the zone whose city (the last part) is closest to the name's city part ("Asia/London", "new
// york"). Empty when none is close.
std::vector<std::string> zone_suggestion(std::string_view name, std::vector<std::string> names) {
  if (name.empty()) {
    return {};
  }
  std::string wanted(name);
  std::replace(wanted.begin(), wanted.end(), ' ', '_');
  const std::size_t slash = wanted.rfind('/');
  if (slash != std::string::npos) {
    std::erase_if(names,
                  [](const std::string& zone) { return zone.find('/') == std::string::npos; });
  }
  const std::string city = slash == std::string::npos ? wanted : wanted.substr(slash + 1);
  std::vector<std::string> cities;
  for (const std::string& zone : names) {
    cities.push_back(zone.substr(zone.rfind('/') == std::string::npos ? 0 : zone.rfind('/') + 1));
    if (to_lower(cities.back()) == to_lower(city)) {
      return {zone}; // the city named, in another region
    }
  }
  std::vector<std::string> close = closest_names(wanted, names, 1);
  if (!close.empty()) {
    return close;
  }
  close = closest_names(city, cities, 1);
  if (close.empty()) {
    return {};
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (cities[i] == close.front()) {
      return {names[i]};
    }
  }
  return {};
}

} // namespace

const Zone& find_zone(const ZoneSource& zones, std::string_view name) {
  // One file for a known name; the directory is listed only when the name is not found.
  if (const Zone* zone = zones.load(name)) {
    return *zone;
  }
  const std::string lower = to_lower(name);
  std::vector<std::string> names;
  for (std::string& zone_name : zones.names()) {
    if (to_lower(zone_name) == lower) {
      if (const Zone* zone = zones.load(zone_name)) {
        return *zone;
      }
    }
    if (zone_name != "localtime") {
      names.push_back(std::move(zone_name));
    }
  }
  const std::vector<std::string> close = zone_suggestion(name, names);
  const std::string hint =
      close.empty() ? std::string{} : fmt::format(" (did you mean {}?)", quoted_list(close));
  throw Error{ErrorKind::invalid_input,
              fmt::format("unknown time zone {}{}: use an IANA name such as Europe/London",
                          quote(name), hint)};
}

} // namespace slatrack
