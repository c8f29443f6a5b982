// The pure half of include/slatrack/zone.hpp: the TZif reader (RFC 8536), the POSIX TZ rule of its
// footer and the two lookups (UTC -> range, local reading -> unique/skipped/repeated). The files
// are read at the edge, by src/system/zone_files.cpp (find_zone over a ZoneSource is in parse.cpp).
//
// A zone is a table of listed ranges (from the file, consecutive ranges with the same offset,
// DST flag and abbreviation joined, as date-tz joins them) up to the last listed transition, and
// from there on the footer's rule: its changes up to 2200 are computed once, when the zone is
// loaded (build_rule_table), and looked up by binary search; past them a lookup computes those of
// the years around the instant asked about.
#include "slatrack/zone.hpp"

#include "slatrack/error.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <fmt/format.h>
#include <string>
#include <utility>

namespace slatrack {

namespace {

using i64 = std::int64_t;

constexpr i64 k_day = 86400;
// date-tz's range: from -32767-01-01 to 32767-12-31 00:00 UTC.
constexpr i64 k_begin =
    date::sys_days{date::year::min() / date::January / 1}.time_since_epoch().count() * k_day;
constexpr i64 k_end =
    date::sys_days{date::year::max() / date::December / 31}.time_since_epoch().count() * k_day;
// UTC offsets are below 26 hours (RFC 8536 allows -24:59:59 to 25:59:59).
constexpr i64 k_max_offset = 26 * 3600 - 1;
constexpr i64 k_reach = 26 * 3600;
// The years of the table of rule changes (build_rule_table): from the last listed transition (1900
// for a zone with none) to 2200, beyond the horizon of calendars (src/core/calendar.cpp).
constexpr int k_rule_table_first_year = 1900;
constexpr int k_rule_table_last_year = 2200;

// ---- errors ----

[[noreturn]] void bad_tzif(const std::string& reason) {
  throw Error{ErrorKind::storage, "bad TZif data: " + reason};
}

[[noreturn]] void bad_rule(std::string_view text, const std::string& reason) {
  throw Error{ErrorKind::storage, fmt::format("bad TZ rule \"{}\": {}", text, reason)};
}

// ---- POSIX TZ strings ----

class RuleParser {
public:
  explicit RuleParser(std::string_view text) : m_text(text) {}

  PosixTz parse() {
    PosixTz tz;
    tz.standard.abbrev = abbreviation("the standard time's abbreviation");
    tz.standard.offset = -offset("the standard time's UTC offset", 24);
    if (done()) {
      return tz;
    }
    PosixTz::Kind daylight;
    daylight.abbrev = abbreviation("the daylight time's abbreviation");
    daylight.offset = tz.standard.offset + std::chrono::hours{1};
    if (!done() && peek() != ',') {
      daylight.offset = -offset("the daylight time's UTC offset", 24);
    }
    tz.daylight = std::move(daylight);
    if (done()) {
      // No rule: the US rule, as glibc and tzcode take it.
      tz.start.date = PosixTz::Date{PosixTz::Date::month_week_day, 0, 3, 2, 0};
      tz.end.date = PosixTz::Date{PosixTz::Date::month_week_day, 0, 11, 1, 0};
      return tz;
    }
    expect(',', "a ',' before the day daylight time starts");
    tz.start = change("the start of daylight time");
    expect(',', "a ',' before the day daylight time ends");
    tz.end = change("the end of daylight time");
    if (!done()) {
      fail(fmt::format("unexpected \"{}\" at the end", m_text.substr(m_pos)));
    }
    return tz;
  }

private:
  [[nodiscard]] bool done() const {
    return m_pos >= m_text.size();
  }
  [[nodiscard]] char peek() const {
    return done() ? '\0' : m_text[m_pos];
  }
  [[noreturn]] void fail(const std::string& reason) const {
    bad_rule(m_text, reason);
  }
  [[noreturn]] void bad_date(std::size_t start, std::string_view what,
                             std::string_view form) const {
    fail(fmt::format("bad day for {} at position {}: use {}", what, start + 1, form));
  }
  bool eat(char c) {
    if (peek() != c) {
      return false;
    }
    ++m_pos;
    return true;
  }
  void expect(char c, std::string_view what) {
    if (peek() != c) {
      fail(fmt::format("expected {} at position {}", what, m_pos + 1));
    }
    ++m_pos;
  }
  static bool is_alpha(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
  static bool is_digit(char c) {
    return c >= '0' && c <= '9';
  }

  // "EST" (three or more letters) or "<+0545>" (letters, digits, + and -, in angle brackets).
  std::string abbreviation(std::string_view what) {
    const std::size_t start = m_pos;
    if (peek() == '<') {
      ++m_pos;
      while (!done() && (is_alpha(peek()) || is_digit(peek()) || peek() == '+' || peek() == '-')) {
        ++m_pos;
      }
      if (peek() != '>' || m_pos == start + 1) {
        fail(fmt::format("{} at position {} is not <...> with letters, digits, + or -", what,
                         start + 1));
      }
      ++m_pos;
      return std::string(m_text.substr(start + 1, m_pos - start - 2));
    }
    while (!done() && is_alpha(peek())) {
      ++m_pos;
    }
    if (m_pos - start < 3) {
      fail(fmt::format("expected {} (three or more letters, or <...>) at position {}", what,
                       start + 1));
    }
    return std::string(m_text.substr(start, m_pos - start));
  }

  // Up to `digits` digits as a number; nullopt when there is none.
  std::optional<int> number(std::size_t digits) {
    const std::size_t start = m_pos;
    int value = 0;
    while (!done() && is_digit(peek()) && m_pos - start < digits) {
      value = value * 10 + (peek() - '0');
      ++m_pos;
    }
    if (m_pos == start) {
      return std::nullopt;
    }
    return value;
  }

  // [+|-]hh[:mm[:ss]] with hh up to `max_hours`.
  Seconds offset(std::string_view what, int max_hours) {
    const std::size_t start = m_pos;
    int sign = 1;
    if (peek() == '+' || peek() == '-') {
      sign = peek() == '-' ? -1 : 1;
      ++m_pos;
    }
    const std::optional<int> hours = number(3);
    if (!hours || *hours > max_hours) {
      fail(fmt::format("expected {} ([+|-]hh[:mm[:ss]], hours up to {}) at position {}", what,
                       max_hours, start + 1));
    }
    int minutes = 0;
    int seconds = 0;
    if (peek() == ':') {
      ++m_pos;
      const std::optional<int> mm = number(2);
      if (!mm || *mm > 59) {
        fail(fmt::format("bad minutes in {} at position {}", what, start + 1));
      }
      minutes = *mm;
      if (peek() == ':') {
        ++m_pos;
        const std::optional<int> ss = number(2);
        if (!ss || *ss > 59) {
          fail(fmt::format("bad seconds in {} at position {}", what, start + 1));
        }
        seconds = *ss;
      }
    }
    return Seconds{sign * (i64{*hours} * 3600 + minutes * 60 + seconds)};
  }

  // Jn, n or Mm.w.d, then an optional /time.
  PosixTz::Change change(std::string_view what) {
    PosixTz::Change result;
    const std::size_t start = m_pos;
    if (peek() == 'J') {
      ++m_pos;
      const std::optional<int> day = number(3);
      if (!day || *day < 1 || *day > 365) {
        bad_date(start, what, "Jn with n from 1 to 365");
      }
      result.date = PosixTz::Date{PosixTz::Date::julian, *day, 0, 0, 0};
    } else if (peek() == 'M') {
      ++m_pos;
      const int month = number(2).value_or(-1);
      const int week = eat('.') ? number(1).value_or(-1) : -1;
      const int weekday = eat('.') ? number(1).value_or(-1) : -1;
      if (month < 1 || month > 12 || week < 1 || week > 5 || weekday < 0 || weekday > 6) {
        bad_date(start, what, "Mm.w.d with m 1-12, w 1-5 and d 0-6");
      }
      result.date = PosixTz::Date{PosixTz::Date::month_week_day, 0, static_cast<unsigned>(month),
                                  static_cast<unsigned>(week), static_cast<unsigned>(weekday)};
    } else {
      const std::optional<int> day = number(3);
      if (!day || *day > 365) {
        bad_date(start, what, "Jn (1-365), n (0-365) or Mm.w.d");
      }
      result.date = PosixTz::Date{PosixTz::Date::zero_based, *day, 0, 0, 0};
    }
    if (peek() == '/') {
      ++m_pos;
      result.time = offset(fmt::format("the time of {}", what), 167);
    }
    return result;
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
};

// Days since 1970-01-01 of `date` in `year`.
i64 day_of(const PosixTz::Date& rule_date, int year) {
  const date::year y{year};
  switch (rule_date.form) {
  case PosixTz::Date::julian: {
    const i64 jan1 = date::sys_days{y / date::January / 1}.time_since_epoch().count();
    return jan1 + rule_date.day - 1 + (y.is_leap() && rule_date.day >= 60 ? 1 : 0);
  }
  case PosixTz::Date::zero_based:
    return date::sys_days{y / date::January / 1}.time_since_epoch().count() + rule_date.day;
  case PosixTz::Date::month_week_day:
    break;
  }
  const date::month month{rule_date.month};
  const date::weekday weekday{rule_date.weekday};
  if (rule_date.week == 5) {
    return date::sys_days{date::year_month_weekday_last{y, month, date::weekday_last{weekday}}}
        .time_since_epoch()
        .count();
  }
  return date::sys_days{date::year_month_weekday{y, month, weekday[rule_date.week]}}
      .time_since_epoch()
      .count();
}

int year_of(i64 t) {
  const date::sys_days day = date::floor<date::days>(Instant{Seconds{t}});
  return static_cast<int>(date::year_month_day{day}.year());
}

bool same(const Zone::Type& a, const Zone::Type& b) {
  return a.offset == b.offset && a.dst == b.dst && a.abbrev == b.abbrev;
}

// ---- TZif ----

// Reads big-endian values from the bytes, checking that they are there.
class Bytes {
public:
  explicit Bytes(std::string_view data) : m_data(data) {}

  void need(std::uint64_t count, std::string_view what) const {
    if (count > m_data.size() - m_pos) {
      bad_tzif(fmt::format("truncated: {} needs {} bytes at offset {}, there are {}", what, count,
                           m_pos, m_data.size() - m_pos));
    }
  }
  std::string_view take(std::uint64_t count, std::string_view what) {
    need(count, what);
    const std::string_view part = m_data.substr(m_pos, static_cast<std::size_t>(count));
    m_pos += static_cast<std::size_t>(count);
    return part;
  }
  std::uint8_t u8(std::string_view what) {
    return static_cast<std::uint8_t>(take(1, what)[0]);
  }
  std::uint64_t unsigned_be(std::size_t size, std::string_view what) {
    const std::string_view part = take(size, what);
    std::uint64_t value = 0;
    for (const char c : part) {
      value = (value << 8) | static_cast<std::uint8_t>(c);
    }
    return value;
  }
  std::int64_t signed_be(std::size_t size, std::string_view what) {
    const std::uint64_t value = unsigned_be(size, what);
    const unsigned bits = static_cast<unsigned>(size) * 8;
    if (bits < 64 && (value >> (bits - 1)) != 0) {
      return static_cast<std::int64_t>(value) - (std::int64_t{1} << bits);
    }
    return static_cast<std::int64_t>(value);
  }
  [[nodiscard]] std::size_t position() const {
    return m_pos;
  }
  [[nodiscard]] std::string_view rest() const {
    return m_data.substr(m_pos);
  }

private:
  std::string_view m_data;
  std::size_t m_pos = 0;
};

struct Header {
  char version = 0;
  std::uint32_t isutcnt = 0;
  std::uint32_t isstdcnt = 0;
  std::uint32_t leapcnt = 0;
  std::uint32_t timecnt = 0;
  std::uint32_t typecnt = 0;
  std::uint32_t charcnt = 0;

  // The size of the data block that follows, for times of `time_size` bytes.
  [[nodiscard]] std::uint64_t block_size(std::uint64_t time_size) const {
    return std::uint64_t{timecnt} * (time_size + 1) + std::uint64_t{typecnt} * 6 + charcnt
           + std::uint64_t{leapcnt} * (time_size + 4) + isstdcnt + isutcnt;
  }
};

Header read_header(Bytes& in) {
  in.need(44, "the header");
  if (in.take(4, "the magic") != "TZif") {
    bad_tzif("not a TZif file (it does not begin with \"TZif\")");
  }
  Header header;
  header.version = static_cast<char>(in.u8("the version"));
  if (header.version != 0 && header.version < '2') {
    bad_tzif(fmt::format("unknown version byte 0x{:02x}",
                         static_cast<unsigned>(static_cast<unsigned char>(header.version))));
  }
  static_cast<void>(in.take(15, "the reserved bytes"));
  header.isutcnt = static_cast<std::uint32_t>(in.unsigned_be(4, "isutcnt"));
  header.isstdcnt = static_cast<std::uint32_t>(in.unsigned_be(4, "isstdcnt"));
  header.leapcnt = static_cast<std::uint32_t>(in.unsigned_be(4, "leapcnt"));
  header.timecnt = static_cast<std::uint32_t>(in.unsigned_be(4, "timecnt"));
  header.typecnt = static_cast<std::uint32_t>(in.unsigned_be(4, "typecnt"));
  header.charcnt = static_cast<std::uint32_t>(in.unsigned_be(4, "charcnt"));
  return header;
}

struct Block {
  std::vector<i64> times;
  std::vector<std::size_t> indices;
  std::vector<Zone::Type> types;
};

Block read_block(Bytes& in, const Header& header, std::size_t time_size) {
  if (header.typecnt == 0 || header.typecnt > 256) {
    bad_tzif(fmt::format("typecnt is {}; it must be 1 to 256", header.typecnt));
  }
  if (header.charcnt == 0) {
    bad_tzif("charcnt is 0; there must be at least the empty abbreviation");
  }
  if ((header.isutcnt != 0 && header.isutcnt != header.typecnt)
      || (header.isstdcnt != 0 && header.isstdcnt != header.typecnt)) {
    bad_tzif(fmt::format("isutcnt {} and isstdcnt {} must each be 0 or typecnt {}", header.isutcnt,
                         header.isstdcnt, header.typecnt));
  }
  if (header.leapcnt != 0) {
    bad_tzif("it lists leap seconds (a right/ zone), which slatrack does not read; use the zone "
             "without right/");
  }
  in.need(header.block_size(time_size), "the data block the header's counts describe");
  Block block;
  block.times.reserve(header.timecnt);
  for (std::uint32_t i = 0; i < header.timecnt; ++i) {
    const i64 t = in.signed_be(time_size, "a transition time");
    if (i > 0 && t <= block.times.back()) {
      bad_tzif(fmt::format("transition times out of order at transition {}", i));
    }
    block.times.push_back(t);
  }
  block.indices.reserve(header.timecnt);
  for (std::uint32_t i = 0; i < header.timecnt; ++i) {
    const std::uint8_t index = in.u8("a transition type");
    if (index >= header.typecnt) {
      bad_tzif(fmt::format("transition {} uses local time type {}, there are {}", i, index,
                           header.typecnt));
    }
    block.indices.push_back(index);
  }
  struct RawType {
    i64 offset;
    bool dst;
    std::uint8_t abbrev_index;
  };
  std::vector<RawType> raw;
  for (std::uint32_t i = 0; i < header.typecnt; ++i) {
    const i64 offset = in.signed_be(4, "a UT offset");
    const std::uint8_t dst = in.u8("a DST flag");
    const std::uint8_t abbrev_index = in.u8("an abbreviation index");
    if (offset < -k_max_offset || offset > k_max_offset) {
      bad_tzif(fmt::format("local time type {} has a UT offset of {} s; it must be within 26 hours",
                           i, offset));
    }
    if (dst > 1) {
      bad_tzif(fmt::format("local time type {} has DST flag {}; it must be 0 or 1", i, dst));
    }
    if (abbrev_index >= header.charcnt) {
      bad_tzif(fmt::format("local time type {} has abbreviation index {}, past charcnt {}", i,
                           abbrev_index, header.charcnt));
    }
    raw.push_back(RawType{offset, dst == 1, abbrev_index});
  }
  const std::string_view chars = in.take(header.charcnt, "the abbreviations");
  for (const RawType& type : raw) {
    const std::size_t end = chars.find('\0', type.abbrev_index);
    if (end == std::string_view::npos) {
      bad_tzif(
          fmt::format("the abbreviation at index {} has no terminating NUL", type.abbrev_index));
    }
    block.types.push_back(
        Zone::Type{type.offset, type.dst,
                   std::string(chars.substr(type.abbrev_index, end - type.abbrev_index))});
  }
  static_cast<void>(in.take(std::uint64_t{header.isstdcnt} + header.isutcnt,
                            "the standard/wall and UT/local indicators"));
  return block;
}

} // namespace

// ---- PosixTz ----

PosixTz parse_posix_tz(std::string_view text) {
  return RuleParser{text}.parse();
}

std::pair<std::int64_t, std::int64_t> posix_changes(const PosixTz& rule, int year) {
  const Seconds daylight = rule.daylight ? rule.daylight->offset : rule.standard.offset;
  const i64 start = day_of(rule.start.date, year) * k_day + rule.start.time.count()
                    - rule.standard.offset.count();
  const i64 end = day_of(rule.end.date, year) * k_day + rule.end.time.count() - daylight.count();
  return {start, end};
}

// ---- Zone ----

Zone Zone::from_tzif(std::string name, std::string_view bytes) {
  Bytes in(bytes);
  const Header first = read_header(in);
  Block block;
  std::optional<PosixTz> rule;
  if (first.version == 0) {
    block = read_block(in, first, 4);
  } else {
    // Version 2 and later: skip the 32-bit data, read the 64-bit data and the footer.
    static_cast<void>(in.take(first.block_size(4), "the version 1 data block"));
    const Header second = read_header(in);
    if (second.version == 0) {
      bad_tzif("the second header has version 1");
    }
    block = read_block(in, second, 8);
    const std::string_view rest = in.rest();
    const std::size_t newline = rest.size() > 1 ? rest.find('\n', 1) : std::string_view::npos;
    if (rest.empty() || rest[0] != '\n' || newline == std::string_view::npos) {
      bad_tzif("no footer (a TZ rule between two newlines) after the version 2 data");
    }
    const std::string_view footer = rest.substr(1, newline - 1);
    if (!footer.empty()) {
      rule = parse_posix_tz(footer);
    }
  }
  Zone zone;
  zone.m_name = std::move(name);
  zone.m_types = std::move(block.types);
  zone.m_rule = std::move(rule);
  zone.finish(std::move(block.times), std::move(block.indices));
  return zone;
}

Zone Zone::from_posix_tz(std::string name, std::string_view rule) {
  Zone zone;
  zone.m_name = std::move(name);
  zone.m_rule = parse_posix_tz(rule);
  zone.m_types.push_back(
      Type{zone.m_rule->standard.offset.count(), false, zone.m_rule->standard.abbrev});
  zone.finish({}, {});
  return zone;
}

void Zone::finish(std::vector<std::int64_t> times, std::vector<std::size_t> types) {
  // Before the first transition: type 0 (RFC 8536). Times before the beginning of time are moved
  // to it (the later one wins), as date-tz does.
  m_starts.assign(1, k_begin);
  m_type_of.assign(1, 0);
  for (std::size_t i = 0; i < times.size(); ++i) {
    const i64 t = std::clamp(times[i], k_begin, k_end);
    if (t == m_starts.back()) {
      m_type_of.back() = types[i];
    } else {
      m_starts.push_back(t);
      m_type_of.push_back(types[i]);
    }
  }
  // Join consecutive ranges that differ in nothing that shows.
  std::size_t kept = 1;
  for (std::size_t i = 1; i < m_starts.size(); ++i) {
    if (!same(m_types[m_type_of[i]], m_types[m_type_of[kept - 1]])) {
      m_starts[kept] = m_starts[i];
      m_type_of[kept] = m_type_of[i];
      ++kept;
    }
  }
  m_starts.resize(kept);
  m_type_of.resize(kept);
  m_rule_from = times.empty() ? k_begin : std::clamp(times.back(), k_begin, k_end);
  if (m_rule) {
    m_rule_standard = m_types.size();
    m_types.push_back(Type{m_rule->standard.offset.count(), false, m_rule->standard.abbrev});
    m_rule_daylight = m_rule_standard;
    if (m_rule->daylight) {
      m_rule_daylight = m_types.size();
      m_types.push_back(Type{m_rule->daylight->offset.count(), true, m_rule->daylight->abbrev});
    }
  }
  build_rule_table();
}

void Zone::build_rule_table() {
  if (!m_rule || !m_rule->daylight) {
    return;
  }
  const int first = m_rule_from == k_begin ? k_rule_table_first_year : year_of(m_rule_from);
  const int last = k_rule_table_last_year;
  if (first + 1 >= last) {
    return;
  }
  struct Change {
    i64 at;
    bool dst;
  };
  std::vector<Change> changes;
  changes.reserve(static_cast<std::size_t>(last - first + 3) * 2);
  for (int y = first - 1; y <= last + 1; ++y) {
    const auto [start, end] = posix_changes(*m_rule, y);
    changes.push_back(Change{start, true});
    changes.push_back(Change{end, false});
  }
  // As in rule_lookup: at equal instants the later change wins; the first only gives the state.
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& a, const Change& b) { return a.at < b.at; });
  // Changes of the outer years may lack their partner at the same instant (a rule with daylight
  // time all year): only those well inside are kept, and the table is used inside them only.
  const i64 keep_from =
      date::sys_days{date::year{first} / date::January / 1}.time_since_epoch().count() * k_day;
  const i64 keep_to =
      date::sys_days{date::year{last + 1} / date::January / 1}.time_since_epoch().count() * k_day
      - 8 * k_day;
  bool state = false;
  for (std::size_t i = 0; i < changes.size();) {
    std::size_t j = i;
    while (j + 1 < changes.size() && changes[j + 1].at == changes[i].at) {
      ++j;
    }
    const bool after = changes[j].dst;
    if (i > 0 && after != state && changes[i].at >= keep_from && changes[i].at < keep_to) {
      m_rule_at.push_back(changes[i].at);
      m_rule_dst.push_back(after);
    }
    state = after;
    i = j + 1;
  }
  m_rule_table_from =
      date::sys_days{date::year{first + 1} / date::January / 1}.time_since_epoch().count() * k_day;
  m_rule_table_to =
      date::sys_days{date::year{last} / date::January / 1}.time_since_epoch().count() * k_day;
}

std::size_t Zone::table_index(std::int64_t t) const {
  const auto it = std::upper_bound(m_starts.begin(), m_starts.end(), t);
  return it == m_starts.begin() ? 0 : static_cast<std::size_t>(it - m_starts.begin()) - 1;
}

const Zone::Type& Zone::rule_type(bool dst) const {
  return m_types[dst ? m_rule_daylight : m_rule_standard];
}

Zone::RuleLookup Zone::rule_lookup(std::int64_t t) const {
  RuleLookup result;
  if (!m_rule || !m_rule->daylight) {
    return result;
  }
  if (t >= m_rule_table_from && t < m_rule_table_to) {
    const auto it = std::upper_bound(m_rule_at.begin(), m_rule_at.end(), t);
    if (it != m_rule_at.begin() && it != m_rule_at.end()) {
      const auto i = static_cast<std::size_t>(it - m_rule_at.begin());
      result.dst = m_rule_dst[i - 1];
      result.previous = m_rule_at[i - 1];
      result.next = m_rule_at[i];
      return result;
    }
  }
  struct Change {
    i64 at;
    bool dst;
    int year;
  };
  // The changes of the local years around t: those of the years next to t's UTC year are the
  // candidates (a change can fall in the UTC year before or after its local year); the outer
  // years only give the state before the first and join changes at the same instant.
  std::array<Change, 10> changes{};
  std::size_t count = 0;
  const int year = year_of(t);
  for (int y = std::max(year - 2, -32767); y <= std::min(year + 2, 32767); ++y) {
    const auto [start, end] = posix_changes(*m_rule, y);
    changes[count++] = Change{start, true, y};
    changes[count++] = Change{end, false, y};
  }
  // At equal instants the later change in the list wins (a rule with daylight time all year ends
  // it and starts it again at the same instant).
  std::stable_sort(changes.begin(), changes.begin() + static_cast<std::ptrdiff_t>(count),
                   [](const Change& a, const Change& b) { return a.at < b.at; });
  bool known = false;
  bool state = false;
  bool found = false;
  for (std::size_t i = 0; i < count;) {
    std::size_t j = i;
    bool candidate = changes[i].year >= year - 1 && changes[i].year <= year + 1;
    while (j + 1 < count && changes[j + 1].at == changes[i].at) {
      ++j;
      candidate = candidate || (changes[j].year >= year - 1 && changes[j].year <= year + 1);
    }
    const i64 at = changes[i].at;
    const bool after = changes[j].dst;
    const bool effective = candidate && known && after != state;
    if (at <= t) {
      result.dst = after;
      found = true;
      if (effective) {
        result.previous = at;
      }
    } else if (effective && !result.next) {
      result.next = at;
    }
    state = after;
    known = true;
    i = j + 1;
  }
  if (!found) {
    result.dst = state; // before the window: the rule repeats, so as at its end
  }
  if (result.next && *result.next >= k_end) {
    result.next.reset();
  }
  return result;
}

SysInfo Zone::info(std::int64_t begin, std::int64_t end, const Type& type) const {
  return SysInfo{Instant{Seconds{begin}}, Instant{Seconds{end}}, Seconds{type.offset},
                 std::chrono::minutes{type.dst ? 1 : 0}, type.abbrev};
}

SysInfo Zone::get_info(Instant instant) const {
  const i64 t = std::clamp(instant.time_since_epoch().count(), k_begin, k_end - 1);
  if (m_rule && t >= m_rule_from) {
    const RuleLookup at = rule_lookup(t);
    const Type& type = rule_type(at.dst);
    i64 begin = m_rule_from;
    if (at.previous && *at.previous > m_rule_from) {
      begin = *at.previous;
    } else {
      // The range began at or before the rule took over: it goes on from the last listed range
      // when that has the same type.
      const std::size_t i = table_index(m_rule_from - 1);
      if (same(m_types[m_type_of[i]], type)) {
        begin = m_starts[i];
      }
    }
    return info(begin, at.next ? *at.next : k_end, type);
  }
  const std::size_t i = table_index(t);
  const Type& type = m_types[m_type_of[i]];
  i64 end = k_end;
  if (i + 1 < m_starts.size() && (!m_rule || m_starts[i + 1] < m_rule_from)) {
    end = m_starts[i + 1];
  } else if (m_rule) {
    // The next change is the rule's: at the instant it takes over if its type differs there,
    // else its first change after that.
    const RuleLookup at = rule_lookup(m_rule_from);
    if (!same(rule_type(at.dst), type)) {
      end = m_rule_from;
    } else if (at.next) {
      end = *at.next;
    }
  }
  return info(m_starts[i], end, type);
}

LocalInfo Zone::get_info(date::local_seconds local) const {
  // The ranges a reading can belong to lie within 26 hours of it (UTC offsets are smaller): walk
  // them, keeping those that hold it, and the pair around a gap it falls in.
  const i64 l =
      std::clamp(local.time_since_epoch().count(), k_begin - 2 * k_day, k_end + 2 * k_day);
  LocalInfo result;
  int matches = 0;
  SysInfo range = get_info(Instant{Seconds{l - k_reach}});
  std::optional<SysInfo> before;
  for (int step = 0; step < 1000; ++step) {
    const i64 u = l - range.offset.count();
    const i64 begin = range.begin.time_since_epoch().count();
    const i64 end = range.end.time_since_epoch().count();
    if (u >= begin && u < end) {
      if (matches == 0) {
        result.first = range;
      } else {
        result.second = range;
      }
      ++matches;
    } else if (matches == 0 && before && u < begin
               && l >= before->end.time_since_epoch().count() + before->offset.count()) {
      result.result = LocalInfo::nonexistent;
      result.first = std::move(*before);
      result.second = std::move(range);
      return result;
    }
    if (end >= l + k_reach || end >= k_end) {
      break;
    }
    before = std::move(range);
    range = get_info(Instant{Seconds{end}});
  }
  if (matches >= 2) {
    result.result = LocalInfo::ambiguous;
  } else if (matches == 0) {
    // Only at the ends of time: take the range of the reading as if it were UTC.
    result.first = get_info(Instant{Seconds{l}});
  }
  return result;
}

namespace {

// What date-tz leaves out of its list of zones: hidden files, posix* (posix/, posixrules), right/
// (leap seconds) and the files that are not zones.
bool left_out(std::string_view entry) {
  static constexpr std::array<std::string_view, 10> k_not_zones = {
      "Factory",  "iso3166.tab",  "right",     "+VERSION",    "version",
      "zone.tab", "zone1970.tab", "tzdata.zi", "leapseconds", "leap-seconds.list"};
  return entry.empty() || entry.front() == '.' || entry.starts_with("posix")
         || std::find(k_not_zones.begin(), k_not_zones.end(), entry) != k_not_zones.end();
}

} // namespace

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 255) {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '+' || c == '-' || c == '/';
    if (!ok) {
      return false;
    }
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    const std::string_view part = name.substr(start, slash - start);
    if (left_out(part)) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
}

} // namespace slatrack
