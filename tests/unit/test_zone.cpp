// Tests of the zone reader from bytes alone (no files): the POSIX TZ rules of TZif footers, the
// TZif parser (versions 1 and 2, joined ranges, malformed data), and the lookups of a zone ruled
// by a footer. Expected instants are worked out by hand from calendars (comments give the days).
#include "slatrack/error.hpp"
#include "slatrack/zone.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace slatrack;
using slatrack::testing::utc;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

const Instant k_begin_of_time{date::sys_days{date::year{-32767} / 1 / 1}};
const Instant k_end_of_time{date::sys_days{date::year{32767} / 12 / 31}};

date::local_seconds local(int y, unsigned m, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return date::local_days{date::year{y} / date::month{m} / date::day{d}} + hours{h} + minutes{mi}
         + seconds{s};
}

std::string text(Instant t) {
  return date::format("%F %T", t);
}

// ---- a small TZif writer ----

struct TypeSpec {
  std::int32_t offset = 0;
  bool dst = false;
  std::string abbrev;
};

struct FileSpec {
  char version = '2';
  std::vector<std::int64_t> times;
  std::vector<std::uint8_t> indices;
  std::vector<TypeSpec> types;
  std::string footer;
  bool with_footer = true;
};

void put32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void put64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

void header(std::string& out, char version, std::uint32_t timecnt, std::uint32_t typecnt,
            std::uint32_t charcnt) {
  out += "TZif";
  out.push_back(version);
  out.append(15, '\0');
  put32(out, 0); // isutcnt
  put32(out, 0); // isstdcnt
  put32(out, 0); // leapcnt
  put32(out, timecnt);
  put32(out, typecnt);
  put32(out, charcnt);
}

// The data block: transitions, their types, the types and their abbreviations.
void block(std::string& out, const FileSpec& spec, bool wide) {
  std::string chars;
  std::vector<std::uint8_t> index;
  for (const TypeSpec& type : spec.types) {
    std::size_t at = chars.find(type.abbrev + '\0');
    if (at == std::string::npos) {
      at = chars.size();
      chars += type.abbrev + '\0';
    }
    index.push_back(static_cast<std::uint8_t>(at));
  }
  header(out, wide ? spec.version : '\0', static_cast<std::uint32_t>(spec.times.size()),
         static_cast<std::uint32_t>(spec.types.size()), static_cast<std::uint32_t>(chars.size()));
  for (const std::int64_t t : spec.times) {
    if (wide) {
      put64(out, static_cast<std::uint64_t>(t));
    } else {
      put32(out, static_cast<std::uint32_t>(t));
    }
  }
  for (const std::uint8_t i : spec.indices) {
    out.push_back(static_cast<char>(i));
  }
  for (std::size_t i = 0; i < spec.types.size(); ++i) {
    put32(out, static_cast<std::uint32_t>(spec.types[i].offset));
    out.push_back(spec.types[i].dst ? '\1' : '\0');
    out.push_back(static_cast<char>(index[i]));
  }
  out += chars;
}

std::string tzif(const FileSpec& spec) {
  std::string out;
  if (spec.version == '\0') {
    block(out, spec, false);
    return out;
  }
  // A minimal version 1 block, as zic's "slim" output writes it, then the 64-bit data.
  header(out, spec.version, 0, 1, 1);
  put32(out, 0);
  out += std::string("\0\0\0", 3);
  block(out, spec, true);
  if (spec.with_footer) {
    out += "\n" + spec.footer + "\n";
  }
  return out;
}

std::int64_t seconds_of(Instant t) {
  return t.time_since_epoch().count();
}

// A London-like zone listing 2030's two changes, with the rule for the years after.
FileSpec london_2030() {
  FileSpec spec;
  spec.types = {{-75, false, "LMT"}, {3600, true, "BST"}, {0, false, "GMT"}};
  // 2030: last Sunday of March is the 31st, of October the 27th; changes at 01:00 UTC.
  spec.times = {seconds_of(utc(2030, 3, 31, 1)), seconds_of(utc(2030, 10, 27, 1))};
  spec.indices = {1, 2};
  spec.footer = "GMT0BST,M3.5.0/1,M10.5.0";
  return spec;
}

void check_info(const SysInfo& info, Instant begin, Instant end, Seconds offset, bool dst,
                const std::string& abbrev) {
  CHECK(text(info.begin) == text(begin));
  CHECK(text(info.end) == text(end));
  CHECK(info.offset == offset);
  CHECK(info.save == (dst ? minutes{1} : minutes{0}));
  CHECK(info.abbrev == abbrev);
}

std::string bad(const std::string& reason) {
  return "bad TZif data: " + reason;
}

} // namespace

// ---- POSIX TZ rules ----

TEST_CASE("parse_posix_tz reads the rules of the tz database's footers", "[zone]") {
  const PosixTz london = parse_posix_tz("GMT0BST,M3.5.0/1,M10.5.0");
  CHECK(london.standard.abbrev == "GMT");
  CHECK(london.standard.offset == seconds{0});
  REQUIRE(london.daylight);
  CHECK(london.daylight->abbrev == "BST");
  CHECK(london.daylight->offset == hours{1}); // one hour ahead when not given
  CHECK(london.start.date.form == PosixTz::Date::month_week_day);
  CHECK(london.start.date.month == 3);
  CHECK(london.start.date.week == 5);
  CHECK(london.start.date.weekday == 0);
  CHECK(london.start.time == hours{1});
  CHECK(london.end.date.month == 10);
  CHECK(london.end.time == hours{2}); // the default 02:00

  const PosixTz kathmandu = parse_posix_tz("<+0545>-5:45");
  CHECK(kathmandu.standard.abbrev == "+0545");
  CHECK(kathmandu.standard.offset == hours{5} + minutes{45}); // POSIX signs are west-positive
  CHECK_FALSE(kathmandu.daylight);

  const PosixTz sydney = parse_posix_tz("AEST-10AEDT,M10.1.0,M4.1.0/3");
  CHECK(sydney.standard.offset == hours{10});
  CHECK(sydney.daylight->offset == hours{11});
  CHECK(sydney.end.time == hours{3});

  const PosixTz dublin = parse_posix_tz("IST-1GMT0,M10.5.0,M3.5.0/1");
  CHECK(dublin.standard.abbrev == "IST");
  CHECK(dublin.standard.offset == hours{1});
  CHECK(dublin.daylight->abbrev == "GMT");
  CHECK(dublin.daylight->offset == seconds{0}); // daylight time behind standard time

  const PosixTz nuuk = parse_posix_tz("<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  CHECK(nuuk.standard.offset == hours{-2});
  CHECK(nuuk.start.time == hours{-1}); // version 3: negative times
  CHECK(nuuk.end.time == seconds{0});

  const PosixTz gaza = parse_posix_tz("EET-2EEST,M3.4.4/50,M10.4.4/50");
  CHECK(gaza.start.time == hours{50}); // version 3: past 24 hours

  const PosixTz chatham = parse_posix_tz("<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45");
  CHECK(chatham.standard.offset == hours{12} + minutes{45});
  CHECK(chatham.daylight->offset == hours{13} + minutes{45});
  CHECK(chatham.start.time == hours{2} + minutes{45});

  const PosixTz newfoundland = parse_posix_tz("NST3:30NDT,M3.2.0,M11.1.0");
  CHECK(newfoundland.standard.offset == -(hours{3} + minutes{30}));
  CHECK(newfoundland.daylight->offset == -(hours{2} + minutes{30}));

  const PosixTz julian = parse_posix_tz("XST3XDT2:30:15,J60/2:00:30,300/-2");
  CHECK(julian.daylight->offset == -(hours{2} + minutes{30} + seconds{15}));
  CHECK(julian.start.date.form == PosixTz::Date::julian);
  CHECK(julian.start.date.day == 60);
  CHECK(julian.start.time == hours{2} + seconds{30});
  CHECK(julian.end.date.form == PosixTz::Date::zero_based);
  CHECK(julian.end.date.day == 300);
  CHECK(julian.end.time == hours{-2});

  // A daylight part without a rule takes the US rule, as glibc does.
  const PosixTz us = parse_posix_tz("EST5EDT");
  REQUIRE(us.daylight);
  CHECK(us.start.date.month == 3);
  CHECK(us.start.date.week == 2);
  CHECK(us.end.date.month == 11);
  CHECK(us.end.date.week == 1);
}

TEST_CASE("parse_posix_tz refuses malformed rules, naming what is wrong", "[zone]") {
  REQUIRE_THROWS_WITH(parse_posix_tz(""),
                      "bad TZ rule \"\": expected the standard time's abbreviation (three or more "
                      "letters, or <...>) at position 1");
  REQUIRE_THROWS_WITH(parse_posix_tz("ES5"),
                      "bad TZ rule \"ES5\": expected the standard time's abbreviation (three or "
                      "more letters, or <...>) at position 1");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST"),
                      "bad TZ rule \"EST\": expected the standard time's UTC offset "
                      "([+|-]hh[:mm[:ss]], hours up to 24) at position 4");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST25"),
                      "bad TZ rule \"EST25\": expected the standard time's UTC offset "
                      "([+|-]hh[:mm[:ss]], hours up to 24) at position 4");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST5:60"),
                      "bad TZ rule \"EST5:60\": bad minutes in the standard time's UTC offset at "
                      "position 4");
  REQUIRE_THROWS_WITH(parse_posix_tz("<+05"),
                      "bad TZ rule \"<+05\": the standard time's abbreviation at position 1 is "
                      "not <...> with letters, digits, + or -");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST5EDT,M3.2.0"),
                      "bad TZ rule \"EST5EDT,M3.2.0\": expected a ',' before the day daylight "
                      "time ends at position 15");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST5EDT,M13.2.0,M11.1.0"),
                      "bad TZ rule \"EST5EDT,M13.2.0,M11.1.0\": bad day for the start of daylight "
                      "time at position 9: use Mm.w.d with m 1-12, w 1-5 and d 0-6");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST5EDT,M3.6.0,M11.1.0"),
                      "bad TZ rule \"EST5EDT,M3.6.0,M11.1.0\": bad day for the start of daylight "
                      "time at position 9: use Mm.w.d with m 1-12, w 1-5 and d 0-6");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST5EDT,M3.2.7,M11.1.0"),
                      "bad TZ rule \"EST5EDT,M3.2.7,M11.1.0\": bad day for the start of daylight "
                      "time at position 9: use Mm.w.d with m 1-12, w 1-5 and d 0-6");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST5EDT,J0,J365"),
                      "bad TZ rule \"EST5EDT,J0,J365\": bad day for the start of daylight time at "
                      "position 9: use Jn with n from 1 to 365");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST5EDT,366,1"),
                      "bad TZ rule \"EST5EDT,366,1\": bad day for the start of daylight time at "
                      "position 9: use Jn (1-365), n (0-365) or Mm.w.d");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST5EDT,M3.2.0/168,M11.1.0"),
                      "bad TZ rule \"EST5EDT,M3.2.0/168,M11.1.0\": expected the time of the start "
                      "of daylight time ([+|-]hh[:mm[:ss]], hours up to 167) at position 16");
  REQUIRE_THROWS_WITH(parse_posix_tz("EST5EDT,M3.2.0,M11.1.0x"),
                      "bad TZ rule \"EST5EDT,M3.2.0,M11.1.0x\": unexpected \"x\" at the end");
  try {
    (void)parse_posix_tz("EST");
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::storage);
  }
}

TEST_CASE("posix_changes gives the UTC instants of a year's two changes", "[zone]") {
  // March 2040 begins on a Thursday: its Sundays are the 4th, 11th, 18th and 25th. October 2040
  // begins on a Monday: Sundays 7, 14, 21, 28. November 2040 begins on a Thursday: Sunday 4.
  const auto london = posix_changes(parse_posix_tz("GMT0BST,M3.5.0/1,M10.5.0"), 2040);
  CHECK(text(Instant{seconds{london.first}}) == "2040-03-25 01:00:00");
  CHECK(text(Instant{seconds{london.second}}) == "2040-10-28 01:00:00"); // 02:00 BST
  const auto new_york = posix_changes(parse_posix_tz("EST5EDT,M3.2.0,M11.1.0"), 2040);
  CHECK(text(Instant{seconds{new_york.first}}) == "2040-03-11 07:00:00");  // 02:00 EST
  CHECK(text(Instant{seconds{new_york.second}}) == "2040-11-04 06:00:00"); // 02:00 EDT
  // Sydney: daylight time ends on the first Sunday of April (1 April 2040) at 03:00 AEDT and
  // starts on the first Sunday of October (7 October) at 02:00 AEST.
  const auto sydney = posix_changes(parse_posix_tz("AEST-10AEDT,M10.1.0,M4.1.0/3"), 2040);
  CHECK(text(Instant{seconds{sydney.first}}) == "2040-10-06 16:00:00");
  CHECK(text(Instant{seconds{sydney.second}}) == "2040-03-31 16:00:00");
  // Nuuk: the Saturday before the last Sunday of March at 23:00 -02, the last Sunday of October
  // at 00:00 -01.
  const auto nuuk = posix_changes(parse_posix_tz("<-02>2<-01>,M3.5.0/-1,M10.5.0/0"), 2040);
  CHECK(text(Instant{seconds{nuuk.first}}) == "2040-03-25 01:00:00");
  CHECK(text(Instant{seconds{nuuk.second}}) == "2040-10-28 01:00:00");
  // Gaza: the fourth Thursday (22 March, 25 October) plus 50 hours: Saturday 02:00 local.
  const auto gaza = posix_changes(parse_posix_tz("EET-2EEST,M3.4.4/50,M10.4.4/50"), 2040);
  CHECK(text(Instant{seconds{gaza.first}}) == "2040-03-24 00:00:00");
  CHECK(text(Instant{seconds{gaza.second}}) == "2040-10-26 23:00:00");
  // J60 never counts 29 February: 1 March in 2040 as in 2041. Zero-based 59 does: 29 February
  // 2040, 1 March 2041. J365 is 31 December.
  const PosixTz julian = parse_posix_tz("XST0XDT,J60/0,59/0");
  CHECK(text(Instant{seconds{posix_changes(julian, 2040).first}}) == "2040-03-01 00:00:00");
  CHECK(text(Instant{seconds{posix_changes(julian, 2041).first}}) == "2041-03-01 00:00:00");
  CHECK(text(Instant{seconds{posix_changes(julian, 2040).second}}) == "2040-02-28 23:00:00");
  CHECK(text(Instant{seconds{posix_changes(julian, 2041).second}}) == "2041-02-28 23:00:00");
  CHECK(text(Instant{seconds{posix_changes(parse_posix_tz("XST0XDT,J365/0,J1/0"), 2040).first}})
        == "2040-12-31 00:00:00");
}

// ---- zones ruled by a footer ----

TEST_CASE("a zone ruled by its footer: ranges in any year, both hemispheres", "[zone]") {
  const Zone london = Zone::from_posix_tz("Test/London", "GMT0BST,M3.5.0/1,M10.5.0");
  CHECK(london.name() == "Test/London");
  // Summer time 2040: from 25 March to 28 October, 01:00 UTC each.
  check_info(london.get_info(utc(2040, 7, 1)), utc(2040, 3, 25, 1), utc(2040, 10, 28, 1), hours{1},
             true, "BST");
  check_info(london.get_info(utc(2040, 3, 25, 1)), utc(2040, 3, 25, 1), utc(2040, 10, 28, 1),
             hours{1}, true, "BST");
  check_info(london.get_info(utc(2040, 3, 25, 1) - seconds{1}), utc(2039, 10, 30, 1),
             utc(2040, 3, 25, 1), seconds{0}, false, "GMT");
  // Far ahead: 2500. March 2500 begins on a Monday (Sundays 7 ... 28), October 2500 on a Friday
  // (Sundays 3 ... 31).
  check_info(london.get_info(utc(2500, 6, 1)), utc(2500, 3, 28, 1), utc(2500, 10, 31, 1), hours{1},
             true, "BST");
  CHECK(london.to_local(utc(2040, 7, 1, 12)) == local(2040, 7, 1, 13));

  // Sydney is on daylight time over the new year.
  const Zone sydney = Zone::from_posix_tz("Test/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3");
  check_info(sydney.get_info(utc(2040, 6, 1)), utc(2040, 3, 31, 16), utc(2040, 10, 6, 16),
             hours{10}, false, "AEST");
  // Daylight time 2039-2040: from the first Sunday of October 2039 (2 October, 02:00 AEST).
  check_info(sydney.get_info(utc(2040, 1, 1)), utc(2039, 10, 1, 16), utc(2040, 3, 31, 16),
             hours{11}, true, "AEDT");

  // Dublin: standard time in summer, "daylight" time (GMT, one hour behind) in winter.
  const Zone dublin = Zone::from_posix_tz("Test/Dublin", "IST-1GMT0,M10.5.0,M3.5.0/1");
  check_info(dublin.get_info(utc(2040, 1, 15)), utc(2039, 10, 30, 1), utc(2040, 3, 25, 1),
             seconds{0}, true, "GMT");
  check_info(dublin.get_info(utc(2040, 7, 1)), utc(2040, 3, 25, 1), utc(2040, 10, 28, 1), hours{1},
             false, "IST");

  // No daylight time: one range for all time.
  const Zone kathmandu = Zone::from_posix_tz("Test/Kathmandu", "<+0545>-5:45");
  check_info(kathmandu.get_info(utc(2040, 1, 1)), k_begin_of_time, k_end_of_time,
             hours{5} + minutes{45}, false, "+0545");

  // Daylight time all year (zic writes permanent DST this way): one range too.
  const Zone always = Zone::from_posix_tz("Test/Always", "EST5EDT,0/0,J365/25");
  check_info(always.get_info(utc(2040, 1, 1)), k_begin_of_time, k_end_of_time, hours{-4}, true,
             "EDT");
  check_info(always.get_info(utc(2040, 12, 31, 23)), k_begin_of_time, k_end_of_time, hours{-4},
             true, "EDT");
}

TEST_CASE("local readings in a footer-ruled zone: unique, skipped, repeated", "[zone]") {
  const Zone london = Zone::from_posix_tz("Test/London", "GMT0BST,M3.5.0/1,M10.5.0");
  const LocalInfo unique = london.get_info(local(2040, 6, 1, 12));
  CHECK(unique.result == LocalInfo::unique);
  check_info(unique.first, utc(2040, 3, 25, 1), utc(2040, 10, 28, 1), hours{1}, true, "BST");
  CHECK(unique.second.abbrev.empty());
  CHECK(unique.second.offset == seconds{0});
  CHECK(unique.second.begin == Instant{});

  // 25 March 2040: 01:00-02:00 does not exist.
  for (const date::local_seconds reading :
       {local(2040, 3, 25, 1), local(2040, 3, 25, 1, 30), local(2040, 3, 25, 1, 59, 59)}) {
    const LocalInfo skipped = london.get_info(reading);
    CHECK(skipped.result == LocalInfo::nonexistent);
    check_info(skipped.first, utc(2039, 10, 30, 1), utc(2040, 3, 25, 1), seconds{0}, false, "GMT");
    check_info(skipped.second, utc(2040, 3, 25, 1), utc(2040, 10, 28, 1), hours{1}, true, "BST");
  }
  CHECK(london.get_info(local(2040, 3, 25, 0, 59, 59)).result == LocalInfo::unique);
  CHECK(london.get_info(local(2040, 3, 25, 2)).result == LocalInfo::unique);
  CHECK(london.get_info(local(2040, 3, 25, 2)).first.abbrev == "BST");

  // 28 October 2040: 01:00-02:00 happens twice.
  for (const date::local_seconds reading :
       {local(2040, 10, 28, 1), local(2040, 10, 28, 1, 30), local(2040, 10, 28, 1, 59, 59)}) {
    const LocalInfo repeated = london.get_info(reading);
    CHECK(repeated.result == LocalInfo::ambiguous);
    check_info(repeated.first, utc(2040, 3, 25, 1), utc(2040, 10, 28, 1), hours{1}, true, "BST");
    check_info(repeated.second, utc(2040, 10, 28, 1), utc(2041, 3, 31, 1), seconds{0}, false,
               "GMT");
  }
  CHECK(london.get_info(local(2040, 10, 28, 0, 59, 59)).result == LocalInfo::unique);
  CHECK(london.get_info(local(2040, 10, 28, 2)).result == LocalInfo::unique);
  CHECK(london.get_info(local(2040, 10, 28, 2)).first.abbrev == "GMT");

  // Nuuk skips 23:00-24:00 on Saturday 24 March 2040, at local midnight.
  const Zone nuuk = Zone::from_posix_tz("Test/Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0");
  CHECK(nuuk.get_info(local(2040, 3, 24, 23, 30)).result == LocalInfo::nonexistent);
  CHECK(nuuk.get_info(local(2040, 3, 25, 0)).result == LocalInfo::unique);
  CHECK(nuuk.get_info(local(2040, 3, 24, 22, 59)).result == LocalInfo::unique);
  // ... and repeats 23:00-24:00 of Saturday 27 October.
  CHECK(nuuk.get_info(local(2040, 10, 27, 23, 0)).result == LocalInfo::ambiguous);
}

// ---- TZif ----

TEST_CASE("from_tzif: listed transitions, then the footer's rule", "[zone]") {
  const Zone zone = Zone::from_tzif("Test/London", tzif(london_2030()));
  CHECK(zone.name() == "Test/London");
  // Before the first transition: type 0.
  check_info(zone.get_info(utc(1900, 1, 1)), k_begin_of_time, utc(2030, 3, 31, 1), seconds{-75},
             false, "LMT");
  check_info(zone.get_info(utc(2030, 6, 1)), utc(2030, 3, 31, 1), utc(2030, 10, 27, 1), hours{1},
             true, "BST");
  // After the last transition the rule decides when the range ends: 30 March 2031.
  check_info(zone.get_info(utc(2030, 12, 1)), utc(2030, 10, 27, 1), utc(2031, 3, 30, 1), seconds{0},
             false, "GMT");
  check_info(zone.get_info(utc(2030, 10, 27, 1)), utc(2030, 10, 27, 1), utc(2031, 3, 30, 1),
             seconds{0}, false, "GMT");
  check_info(zone.get_info(utc(2040, 7, 1)), utc(2040, 3, 25, 1), utc(2040, 10, 28, 1), hours{1},
             true, "BST");
  CHECK(zone.get_info(local(2040, 3, 25, 1, 30)).result == LocalInfo::nonexistent);
  CHECK(zone.get_info(local(2030, 3, 31, 1, 30)).result == LocalInfo::nonexistent);
  const LocalInfo repeated = zone.get_info(local(2030, 10, 27, 1, 30));
  CHECK(repeated.result == LocalInfo::ambiguous);
  check_info(repeated.second, utc(2030, 10, 27, 1), utc(2031, 3, 30, 1), seconds{0}, false, "GMT");
}

TEST_CASE("from_tzif: version 1 data, no footer: the last type stays", "[zone]") {
  FileSpec spec = london_2030();
  spec.version = '\0';
  const Zone zone = Zone::from_tzif("Test/V1", tzif(spec));
  check_info(zone.get_info(utc(2040, 7, 1)), utc(2030, 10, 27, 1), k_end_of_time, seconds{0}, false,
             "GMT");
  // An empty footer says nothing either.
  spec = london_2030();
  spec.footer = "";
  check_info(Zone::from_tzif("Test/Empty", tzif(spec)).get_info(utc(2040, 7, 1)),
             utc(2030, 10, 27, 1), k_end_of_time, seconds{0}, false, "GMT");
}

TEST_CASE("from_tzif joins ranges that differ in nothing, as date-tz does", "[zone]") {
  FileSpec spec;
  spec.types = {{0, false, "GMT"}, {0, false, "GMT"}, {3600, false, "CET"}};
  // A big-bang transition (zic's -2^59), a change of type that changes nothing, a real change,
  // and the 2038 no-op zic adds to "fat" files.
  spec.times = {-(std::int64_t{1} << 59), seconds_of(utc(1950, 1, 1)), seconds_of(utc(1960, 1, 1)),
                2147483647};
  spec.indices = {0, 1, 2, 2};
  spec.footer = "CET-1";
  const Zone zone = Zone::from_tzif("Test/Joined", tzif(spec));
  check_info(zone.get_info(utc(1955, 1, 1)), k_begin_of_time, utc(1960, 1, 1), seconds{0}, false,
             "GMT");
  check_info(zone.get_info(utc(2030, 1, 1)), utc(1960, 1, 1), k_end_of_time, hours{1}, false,
             "CET");
  check_info(zone.get_info(utc(2050, 1, 1)), utc(1960, 1, 1), k_end_of_time, hours{1}, false,
             "CET");
}

TEST_CASE("from_tzif refuses malformed data with a clear error", "[zone]") {
  const std::string good = tzif(london_2030());
  REQUIRE_NOTHROW(Zone::from_tzif("x", good));

  REQUIRE_THROWS_WITH(Zone::from_tzif("x", ""),
                      bad("truncated: the header needs 44 bytes at offset 0, there are 0"));
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", good.substr(0, 10)),
                      bad("truncated: the header needs 44 bytes at offset 0, there are 10"));
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", "TZfi" + good.substr(4)),
                      bad("not a TZif file (it does not begin with \"TZif\")"));
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", "TZif1" + good.substr(5)),
                      bad("unknown version byte 0x31"));
  // Cut inside the 64-bit data, and before the footer's closing newline.
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", good.substr(0, 110)),
                      bad("truncated: the data block the header's counts describe needs 48 bytes "
                          "at offset 95, there are 15"));
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", good.substr(0, good.size() - 1)),
                      bad("no footer (a TZ rule between two newlines) after the version 2 data"));

  // Huge counts: no allocation, no read past the end.
  std::string huge;
  header(huge, '\0', 0xffffffff, 1, 1);
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", huge + std::string(100, '\0')),
                      bad("truncated: the data block the header's counts describe needs "
                          "21474836482 bytes at offset 44, there are 100"));
  std::string types;
  header(types, '\0', 0, 0xffffffff, 1);
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", types),
                      bad("typecnt is 4294967295; it must be 1 to 256"));
  std::string no_types;
  header(no_types, '\0', 0, 0, 1);
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", no_types), bad("typecnt is 0; it must be 1 to 256"));
  std::string v2_huge;
  header(v2_huge, '2', 0x7fffffff, 0x7fffffff, 0x7fffffff);
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", v2_huge),
                      bad("truncated: the version 1 data block needs 25769803764 bytes at offset "
                          "44, there are 0"));

  FileSpec spec = london_2030();
  spec.indices = {1, 3};
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", tzif(spec)),
                      bad("transition 1 uses local time type 3, there are 3"));
  spec = london_2030();
  std::swap(spec.times[0], spec.times[1]);
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", tzif(spec)),
                      bad("transition times out of order at transition 1"));
  spec = london_2030();
  spec.types[1].offset = 26 * 3600;
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", tzif(spec)),
                      bad("local time type 1 has a UT offset of 93600 s; it must be within 26 "
                          "hours"));
  spec = london_2030();
  spec.footer = "GMT0BST,M3.5.0/1";
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", tzif(spec)),
                      "bad TZ rule \"GMT0BST,M3.5.0/1\": expected a ',' before the day daylight "
                      "time ends at position 17");

  // An abbreviation without its terminating NUL (the last byte of the characters replaced).
  std::string no_nul = tzif(london_2030());
  const std::size_t footer_at = no_nul.find("\nGMT0BST");
  no_nul[footer_at - 1] = 'X';
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", no_nul),
                      bad("the abbreviation at index 8 has no terminating NUL"));

  // Leap seconds: a right/ zone.
  std::string leap;
  leap += "TZif";
  leap.push_back('\0');
  leap.append(15, '\0');
  put32(leap, 0);
  put32(leap, 0);
  put32(leap, 1); // leapcnt
  put32(leap, 0);
  put32(leap, 1);
  put32(leap, 4);
  leap += std::string(6, '\0') + "UTC" + '\0' + std::string(8, '\0');
  REQUIRE_THROWS_WITH(Zone::from_tzif("x", leap),
                      bad("it lists leap seconds (a right/ zone), which slatrack does not read; "
                          "use the zone without right/"));

  try {
    (void)Zone::from_tzif("x", "TZif");
    FAIL("no exception");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::storage);
  }
}

TEST_CASE("from_tzif never crashes: every prefix and random damage give a zone or an Error",
          "[zone]") {
  const std::string good = tzif(london_2030());
  for (std::size_t size = 0; size < good.size(); ++size) {
    try {
      (void)Zone::from_tzif("x", good.substr(0, size));
    } catch (const Error&) {
    }
  }
  std::mt19937 random(20261123);
  int parsed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string damaged = good;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int k = 0; k < flips; ++k) {
      damaged[random() % damaged.size()] = static_cast<char>(random() & 0xff);
    }
    try {
      const Zone zone = Zone::from_tzif("x", damaged);
      // Whatever was read must answer any question without failing.
      for (const Instant t :
           {utc(1900, 1, 1), utc(2030, 6, 1), utc(2040, 10, 28, 1), utc(9999, 1, 1)}) {
        const SysInfo info = zone.get_info(t);
        CHECK(info.begin <= info.end);
        (void)zone.get_info(zone.to_local(t));
      }
      ++parsed;
    } catch (const Error&) {
    }
  }
  CHECK(parsed > 0);
}
