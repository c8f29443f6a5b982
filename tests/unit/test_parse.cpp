#include "slatrack/error.hpp"
#include "slatrack/parse.hpp"
#include "system/zone_files.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <date/date.h>
#include <string>
#include <string_view>

using slatrack::Instant;
using slatrack::parse_duration;
using slatrack::parse_range_time;
using slatrack::parse_time;
using slatrack::Seconds;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

// The instant of a UTC reading.
Instant utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0, int second = 0) {
  return Instant{date::sys_days{date::year{year} / date::month{month} / date::day{day}}}
         + hours{hour} + minutes{minute} + Seconds{second};
}

// Monday 2026-11-23 10:30:00 UTC.
const Instant k_now = utc(2026, 11, 23, 10, 30);

const slatrack::Zone& zone(std::string_view name) {
  return slatrack::find_zone(name);
}

std::string bad_time(std::string_view shown) {
  return "bad time " + std::string{shown}
         + ": use now, today, YYYY-MM-DD, YYYY-MM-DD HH:MM, HH:MM, \"yesterday 15:00\", \"mon "
           "09:30\", -2h or \"2h ago\" (times are local unless they end in Z or +HH:MM)";
}

std::string bad_duration(std::string_view shown) {
  return "bad duration " + std::string{shown}
         + ": use NUMBER UNIT with units m h d w, e.g. 90m, 2h, 1h30m, 3d";
}

struct Rejection {
  std::string_view input;
  std::string message;
};

} // namespace

// ---- DUR ----

TEST_CASE("durations: every accepted form", "[parse]") {
  CHECK(parse_duration("1m") == minutes{1});
  CHECK(parse_duration("90m") == minutes{90});
  CHECK(parse_duration("2h") == hours{2});
  CHECK(parse_duration("1h30m") == minutes{90});
  CHECK(parse_duration("3d") == hours{72});
  CHECK(parse_duration("1w") == hours{168});
  CHECK(parse_duration("1w2d") == hours{9 * 24});
  CHECK(parse_duration("1w2d3h4m") == hours{9 * 24 + 3} + minutes{4});
  CHECK(parse_duration("0h1m") == minutes{1});
  CHECK(parse_duration("0090m") == minutes{90});
  CHECK(parse_duration("1500m") == minutes{1500});
}

TEST_CASE("durations: spaces between parts and around the value", "[parse]") {
  CHECK(parse_duration("1h 30m") == minutes{90});
  CHECK(parse_duration("1h  30m") == minutes{90});
  CHECK(parse_duration("1w 2d 3h 4m") == hours{9 * 24 + 3} + minutes{4});
  CHECK(parse_duration("  2h\t") == hours{2});
  CHECK(parse_duration("\n90m\r\n") == minutes{90});
}

TEST_CASE("durations: the largest accepted is 36500d", "[parse]") {
  CHECK(parse_duration("36500d") == slatrack::k_max_duration);
  CHECK(parse_duration("5214w2d") == slatrack::k_max_duration);
  CHECK(parse_duration("876000h") == slatrack::k_max_duration);
  REQUIRE_THROWS_WITH(parse_duration("36500d1m"),
                      "bad duration \"36500d1m\": must be at most 36500d (100 years)");
  REQUIRE_THROWS_WITH(parse_duration("99999999999999999999999999w"),
                      "bad duration \"99999999999999999999999999w\": must be at most 36500d (100 "
                      "years)");
  REQUIRE_THROWS_WITH(parse_duration("9223372036854775807m"),
                      "bad duration \"9223372036854775807m\": must be at most 36500d (100 years)");
  REQUIRE_THROWS_WITH(
      parse_duration("999999999999w999999999999d999999999999h999999999999m"),
      "bad duration \"999999999999w999999999999d999999999999h999999999999m\": must be at most "
      "36500d (100 years)");
}

TEST_CASE("durations: rejections name the value and what is accepted", "[parse]") {
  const Rejection rejections[] = {
      {"", bad_duration("\"\"")},
      {"   ", bad_duration("\"   \"")},
      {"2x", bad_duration("\"2x\"")},
      {"h", bad_duration("\"h\"")},
      {"m30", bad_duration("\"m30\"")},
      {"-2h", bad_duration("\"-2h\"")},
      {"+2h", bad_duration("\"+2h\"")},
      {"1 h", bad_duration("\"1 h\"")},
      {"1h\t30m", bad_duration("\"1h\\t30m\"")},
      {"1h,30m", bad_duration("\"1h,30m\"")},
      {"90s", bad_duration("\"90s\"")},
      {"2 hours", bad_duration("\"2 hours\"")},
      {"1m30", bad_duration("\"1m30\"")},
      {"\xEF\xBC\x92h", bad_duration("\"\xEF\xBC\x92h\"")},
      {"2h\x01", bad_duration("\"2h\\x01\"")},
      {"90", "bad duration \"90\": add a unit, e.g. 90m (units: m h d w)"},
      {"1h30", "bad duration \"1h30\": add a unit, e.g. 1h30m (units: m h d w)"},
      {"0m", "bad duration \"0m\": must be at least 1m"},
      {"0h0m", "bad duration \"0h0m\": must be at least 1m"},
      {"0w", "bad duration \"0w\": must be at least 1m"},
      {"1.5h", "bad duration \"1.5h\": use whole numbers: 1h30m, not 1.5h"},
      {"1,5h", "bad duration \"1,5h\": use whole numbers: 1h30m, not 1.5h"},
      {"30m1h", "bad duration \"30m1h\": give each unit once, largest first, e.g. 1h30m"},
      {"1h1h", "bad duration \"1h1h\": give each unit once, largest first, e.g. 1h30m"},
      {"2H", "bad duration \"2H\": write units in lower case: 2h"},
      {"1H 30M", "bad duration \"1H 30M\": write units in lower case: 1h 30m"},
  };
  for (const Rejection& rejection : rejections) {
    CAPTURE(rejection.input);
    REQUIRE_THROWS_WITH(parse_duration(rejection.input), rejection.message);
  }
}

TEST_CASE("durations: errors are invalid_input", "[parse]") {
  try {
    (void)parse_duration("2x");
    FAIL("no exception");
  } catch (const slatrack::Error& e) {
    CHECK(e.kind() == slatrack::ErrorKind::invalid_input);
  }
}

// ---- TIME: accepted forms ----

TEST_CASE("times: keywords in each zone", "[parse]") {
  const slatrack::Zone& utc_zone = zone("UTC");
  CHECK(parse_time("now", k_now, utc_zone) == k_now);
  CHECK(parse_time("today", k_now, utc_zone) == utc(2026, 11, 23));
  CHECK(parse_time("yesterday", k_now, utc_zone) == utc(2026, 11, 22));
  CHECK(parse_time("tomorrow", k_now, utc_zone) == utc(2026, 11, 24));

  const slatrack::Zone& new_york = zone("America/New_York"); // EST, 05:30 local
  CHECK(parse_time("now", k_now, new_york) == k_now);
  CHECK(parse_time("today", k_now, new_york) == utc(2026, 11, 23, 5));
  CHECK(parse_time("yesterday", k_now, new_york) == utc(2026, 11, 22, 5));
  CHECK(parse_time("tomorrow", k_now, new_york) == utc(2026, 11, 24, 5));

  const slatrack::Zone& kolkata = zone("Asia/Kolkata"); // +05:30, 16:00 local
  CHECK(parse_time("today", k_now, kolkata) == utc(2026, 11, 22, 18, 30));
  CHECK(parse_time("tomorrow", k_now, kolkata) == utc(2026, 11, 23, 18, 30));

  const slatrack::Zone& sydney = zone("Australia/Sydney"); // AEDT +11, 21:30 local
  CHECK(parse_time("today", k_now, sydney) == utc(2026, 11, 22, 13));
  CHECK(parse_time("yesterday", k_now, sydney) == utc(2026, 11, 21, 13));
  CHECK(parse_time("tomorrow", k_now, sydney) == utc(2026, 11, 23, 13));

  const slatrack::Zone& london = zone("Europe/London"); // GMT in November
  CHECK(parse_time("today", k_now, london) == utc(2026, 11, 23));
  CHECK(parse_time("today", utc(2026, 7, 1, 12), london) == utc(2026, 6, 30, 23));
}

TEST_CASE("times: a day word then a time", "[parse]") {
  // k_now is Monday 2026-11-23 10:30 UTC.
  const slatrack::Zone& london = zone("Europe/London"); // GMT in November
  CHECK(parse_time("yesterday 15:00", k_now, london) == utc(2026, 11, 22, 15));
  CHECK(parse_time("today 09:15", k_now, london) == utc(2026, 11, 23, 9, 15));
  CHECK(parse_time("tomorrow 9:00", k_now, london) == utc(2026, 11, 24, 9));
  CHECK(parse_time("  Yesterday   15:00:30 ", k_now, london) == utc(2026, 11, 22, 15, 0, 30));
  // A weekday: the latest such instant not later than now, today's included.
  CHECK(parse_time("mon 09:30", k_now, london) == utc(2026, 11, 23, 9, 30));
  CHECK(parse_time("mon 10:30", k_now, london) == k_now);
  CHECK(parse_time("mon 10:31", k_now, london) == utc(2026, 11, 16, 10, 31));
  CHECK(parse_time("MONDAY 11:00", k_now, london) == utc(2026, 11, 16, 11));
  CHECK(parse_time("sun 23:59", k_now, london) == utc(2026, 11, 22, 23, 59));
  CHECK(parse_time("tue 08:00", k_now, london) == utc(2026, 11, 17, 8));
  CHECK(parse_time("fri 16:00", k_now, london) == utc(2026, 11, 20, 16));
  CHECK(parse_time("last fri 16:00", k_now, london) == utc(2026, 11, 20, 16));
  CHECK(parse_time("last Friday 16:00", k_now, london) == utc(2026, 11, 20, 16));
  CHECK(parse_time("last mon 09:00", k_now, london) == utc(2026, 11, 23, 9));
  CHECK(parse_time("wed 12:00", k_now, london) == utc(2026, 11, 18, 12));
  CHECK(parse_time("thursday 12:00", k_now, london) == utc(2026, 11, 19, 12));
  CHECK(parse_time("sat 12:00", k_now, london) == utc(2026, 11, 21, 12));

  // In the zone's days: 05:30 on Monday in New York.
  const slatrack::Zone& new_york = zone("America/New_York");
  CHECK(parse_time("yesterday 15:00", k_now, new_york) == utc(2026, 11, 22, 20));
  CHECK(parse_time("mon 05:00", k_now, new_york) == utc(2026, 11, 23, 10));
  CHECK(parse_time("mon 06:00", k_now, new_york) == utc(2026, 11, 16, 11));
  // 21:30 on Monday in Sydney (AEDT +11).
  CHECK(parse_time("sun 22:00", k_now, zone("Australia/Sydney")) == utc(2026, 11, 22, 11));
}

TEST_CASE("times: day words on DST change days", "[parse]") {
  const slatrack::Zone& london = zone("Europe/London");
  // Sunday 2026-03-29: 01:00 GMT jumps to 02:00 BST. Now: 12:00 BST.
  const Instant spring = utc(2026, 3, 29, 11);
  CHECK(parse_time("sun 00:30", spring, london) == utc(2026, 3, 29, 0, 30));
  CHECK(parse_time("sun 01:30", spring, london) == utc(2026, 3, 29, 1)); // in the gap
  CHECK(parse_time("today 03:00", spring, london) == utc(2026, 3, 29, 2));
  CHECK(parse_time("yesterday 12:00", spring, london) == utc(2026, 3, 28, 12));
  // Monday 10:00 BST: "mon 10:30" is a week back, in GMT.
  CHECK(parse_time("mon 10:30", utc(2026, 3, 30, 9), london) == utc(2026, 3, 23, 10, 30));
  // Sunday 2026-10-25: 02:00 BST goes back to 01:00 GMT. Now: Monday 09:00 GMT.
  const Instant autumn = utc(2026, 10, 26, 9);
  CHECK(parse_time("yesterday 01:30", autumn, london) == utc(2026, 10, 25, 0, 30)); // earlier
  CHECK(parse_time("sun 12:00", autumn, london) == utc(2026, 10, 25, 12));
  CHECK(parse_time("last sat 12:00", autumn, london) == utc(2026, 10, 24, 11));
  // Just after the change, 01:30 BST has passed but 01:30 GMT has not: the earlier reading.
  CHECK(parse_time("sun 01:30", utc(2026, 10, 25, 1, 10), london) == utc(2026, 10, 25, 0, 30));
}

TEST_CASE("times: a day word needs a time after it", "[parse]") {
  const slatrack::Zone& utc_zone = zone("UTC");
  REQUIRE_THROWS_WITH(parse_time("mon", k_now, utc_zone),
                      "bad time \"mon\": give a time of day after the day, e.g. \"mon 09:00\"");
  REQUIRE_THROWS_WITH(
      parse_time("last fri", k_now, utc_zone),
      "bad time \"last fri\": give a time of day after the day, e.g. \"last fri 09:00\"");
  REQUIRE_THROWS_WITH(parse_time("mon 9", k_now, utc_zone),
                      "bad time \"mon 9\": write the day, then HH:MM, e.g. \"mon 09:00\"");
  REQUIRE_THROWS_WITH(parse_time("yesterday 15:00 Z", k_now, utc_zone),
                      "bad time \"yesterday 15:00 Z\": write the day, then HH:MM, e.g. "
                      "\"yesterday 09:00\"");
  REQUIRE_THROWS_WITH(parse_time("mon 24:00", k_now, utc_zone),
                      "bad time \"mon 24:00\": no such time of day; hours go 00-23, minutes and "
                      "seconds 00-59");
  REQUIRE_THROWS_WITH(parse_time("last 09:00", k_now, utc_zone),
                      "bad time \"last 09:00\": write last and a weekday, then a time, e.g. "
                      "\"last fri 16:00\"");
  REQUIRE_THROWS_WITH(parse_time("last yesterday 09:00", k_now, utc_zone),
                      "bad time \"last yesterday 09:00\": write last and a weekday, then a time, "
                      "e.g. \"last fri 16:00\"");
}

TEST_CASE("times: YYYY-MM where a range starts or ends", "[parse]") {
  CHECK(parse_range_time("2026-11", k_now, zone("Europe/London")) == utc(2026, 11, 1));
  // 2026-11-01 is the day New York leaves DST: its midnight is still EDT (-4).
  CHECK(parse_range_time("2026-11", k_now, zone("America/New_York")) == utc(2026, 11, 1, 4));
  CHECK(parse_range_time("2027-01", k_now, zone("Europe/London")) == utc(2027, 1, 1));
  CHECK(parse_range_time(" 1970-01 ", k_now, zone("UTC")) == utc(1970, 1, 1));
  // Every other TIME too.
  CHECK(parse_range_time("2026-11-02", k_now, zone("UTC")) == utc(2026, 11, 2));
  CHECK(parse_range_time("yesterday 15:00", k_now, zone("UTC")) == utc(2026, 11, 22, 15));
  REQUIRE_THROWS_WITH(parse_range_time("2026-13", k_now, zone("UTC")),
                      "bad time \"2026-13\": no such month; months go 01-12");
  REQUIRE_THROWS_WITH(parse_range_time("1969-12", k_now, zone("UTC")),
                      "bad time \"1969-12\": the year must be between 1970 and 9999");
  REQUIRE_THROWS_WITH(parse_time("2026-11", k_now, zone("UTC")),
                      "bad time \"2026-11\": a month is taken only where a range starts or ends "
                      "(--since, --until, --from, --to); give a day, e.g. 2026-11-01");
}

TEST_CASE("times: today is the local day, not the UTC day", "[parse]") {
  // 2026-11-24 01:00 in Sydney, still 2026-11-23 in UTC.
  CHECK(parse_time("today", utc(2026, 11, 23, 14), zone("Australia/Sydney"))
        == utc(2026, 11, 23, 13));
  // 2026-11-23 22:00 in New York, already 2026-11-24 in UTC.
  CHECK(parse_time("today", utc(2026, 11, 24, 3), zone("America/New_York"))
        == utc(2026, 11, 23, 5));
  CHECK(parse_time("12:00", utc(2026, 11, 24, 3), zone("America/New_York"))
        == utc(2026, 11, 23, 17));
}

TEST_CASE("times: keywords in any case, surrounding whitespace ignored", "[parse]") {
  const slatrack::Zone& utc_zone = zone("UTC");
  CHECK(parse_time("NOW", k_now, utc_zone) == k_now);
  CHECK(parse_time("Today", k_now, utc_zone) == utc(2026, 11, 23));
  CHECK(parse_time("  tomorrow\n", k_now, utc_zone) == utc(2026, 11, 24));
  CHECK(parse_time("\tnow ", k_now, utc_zone) == k_now);
  CHECK(parse_time("2h AGO", k_now, utc_zone) == utc(2026, 11, 23, 8, 30));
  CHECK(parse_time("2026-11-23t10:30z", k_now, utc_zone) == utc(2026, 11, 23, 10, 30));
}

TEST_CASE("times: dates are local midnight", "[parse]") {
  CHECK(parse_time("2026-11-23", k_now, zone("UTC")) == utc(2026, 11, 23));
  CHECK(parse_time("2026-11-23", k_now, zone("America/New_York")) == utc(2026, 11, 23, 5));
  CHECK(parse_time("2026-07-01", k_now, zone("Europe/London")) == utc(2026, 6, 30, 23));
  CHECK(parse_time("2026-11-23", k_now, zone("Asia/Kolkata")) == utc(2026, 11, 22, 18, 30));
  CHECK(parse_time("2026-11-23", k_now, zone("Australia/Sydney")) == utc(2026, 11, 22, 13));
  CHECK(parse_time("1970-01-01", k_now, zone("UTC")) == Instant{});
  CHECK(parse_time("9999-12-31", k_now, zone("UTC")) == utc(9999, 12, 31));
}

TEST_CASE("times: leap days", "[parse]") {
  CHECK(parse_time("2024-02-29", k_now, zone("UTC")) == utc(2024, 2, 29));
  CHECK(parse_time("2000-02-29 12:00Z", k_now, zone("UTC")) == utc(2000, 2, 29, 12));
  CHECK(parse_time("2028-02-29T23:59:59", k_now, zone("Asia/Kolkata"))
        == utc(2028, 2, 29, 18, 29, 59));
  REQUIRE_THROWS_WITH(parse_time("2026-02-29", k_now, zone("UTC")),
                      "bad time \"2026-02-29\": no such date");
  REQUIRE_THROWS_WITH(parse_time("2100-02-29", k_now, zone("UTC")),
                      "bad time \"2100-02-29\": no such date");
  REQUIRE_THROWS_WITH(parse_time("2023-02-29 10:00", k_now, zone("UTC")),
                      "bad time \"2023-02-29 10:00\": no such date");
}

TEST_CASE("times: local date and time, with a space or T", "[parse]") {
  const Instant expected_ny = utc(2026, 11, 23, 15, 30);
  const slatrack::Zone& new_york = zone("America/New_York");
  CHECK(parse_time("2026-11-23 10:30", k_now, new_york) == expected_ny);
  CHECK(parse_time("2026-11-23T10:30", k_now, new_york) == expected_ny);
  CHECK(parse_time("2026-11-23 10:30:00", k_now, new_york) == expected_ny);
  CHECK(parse_time("2026-11-23T10:30:45", k_now, new_york) == expected_ny + Seconds{45});
  CHECK(parse_time("2026-11-23  10:30", k_now, new_york) == expected_ny);
  CHECK(parse_time("2026-11-23 9:30", k_now, new_york) == utc(2026, 11, 23, 14, 30));
  CHECK(parse_time("2026-11-23 00:00", k_now, zone("UTC")) == utc(2026, 11, 23));
  CHECK(parse_time("2026-11-23 23:59:59", k_now, zone("UTC")) == utc(2026, 11, 23, 23, 59, 59));
  CHECK(parse_time("2026-07-01 12:00", k_now, zone("Europe/London")) == utc(2026, 7, 1, 11));
  CHECK(parse_time("2026-11-23T10:30:00", k_now, zone("Asia/Kolkata")) == utc(2026, 11, 23, 5));
  CHECK(parse_time("2026-11-23 10:30", k_now, zone("Australia/Sydney"))
        == utc(2026, 11, 22, 23, 30));
}

TEST_CASE("times: Z and UTC offsets are absolute, whatever the zone", "[parse]") {
  const slatrack::Zone& sydney = zone("Australia/Sydney");
  CHECK(parse_time("2026-11-23 10:30Z", k_now, sydney) == utc(2026, 11, 23, 10, 30));
  CHECK(parse_time("2026-11-23T10:30:15Z", k_now, sydney) == utc(2026, 11, 23, 10, 30, 15));
  CHECK(parse_time("2026-11-23T10:30:00+05:30", k_now, sydney) == utc(2026, 11, 23, 5));
  CHECK(parse_time("2026-11-23 10:30-03:00", k_now, sydney) == utc(2026, 11, 23, 13, 30));
  CHECK(parse_time("2026-11-23 10:30+00:00", k_now, sydney) == utc(2026, 11, 23, 10, 30));
  CHECK(parse_time("2026-11-23 10:30-00:00", k_now, sydney) == utc(2026, 11, 23, 10, 30));
  CHECK(parse_time("2026-11-23 10:30+14:00", k_now, sydney) == utc(2026, 11, 22, 20, 30));
  CHECK(parse_time("2026-11-23T23:30-14:00", k_now, sydney) == utc(2026, 11, 24, 13, 30));
  CHECK(parse_time("2026-11-23 10:30+05:45", k_now, sydney) == utc(2026, 11, 23, 4, 45));
  // An absolute time inside a DST gap of the zone is just that instant.
  CHECK(parse_time("2024-03-10 02:30-05:00", k_now, zone("America/New_York"))
        == utc(2024, 3, 10, 7, 30));
}

TEST_CASE("times: HH:MM is today, local", "[parse]") {
  CHECK(parse_time("09:15", k_now, zone("UTC")) == utc(2026, 11, 23, 9, 15));
  CHECK(parse_time("09:15", k_now, zone("America/New_York")) == utc(2026, 11, 23, 14, 15));
  CHECK(parse_time("9:15", k_now, zone("America/New_York")) == utc(2026, 11, 23, 14, 15));
  CHECK(parse_time("09:15:30", k_now, zone("Europe/London")) == utc(2026, 11, 23, 9, 15, 30));
  CHECK(parse_time("09:15", k_now, zone("Asia/Kolkata")) == utc(2026, 11, 23, 3, 45));
  CHECK(parse_time("23:59", k_now, zone("Australia/Sydney")) == utc(2026, 11, 23, 12, 59));
  CHECK(parse_time("00:00", k_now, zone("Australia/Sydney")) == utc(2026, 11, 22, 13));
}

TEST_CASE("times: relative to now", "[parse]") {
  const slatrack::Zone& new_york = zone("America/New_York");
  CHECK(parse_time("-2h", k_now, new_york) == utc(2026, 11, 23, 8, 30));
  CHECK(parse_time("+30m", k_now, new_york) == utc(2026, 11, 23, 11));
  CHECK(parse_time("+1d", k_now, new_york) == utc(2026, 11, 24, 10, 30));
  CHECK(parse_time("-1w2d", k_now, new_york) == utc(2026, 11, 14, 10, 30));
  CHECK(parse_time("-1h 30m", k_now, new_york) == utc(2026, 11, 23, 9));
  CHECK(parse_time("2h ago", k_now, new_york) == utc(2026, 11, 23, 8, 30));
  CHECK(parse_time("1h30m ago", k_now, new_york) == utc(2026, 11, 23, 9));
  CHECK(parse_time("1h 30m ago", k_now, new_york) == utc(2026, 11, 23, 9));
  CHECK(parse_time("90m  ago", k_now, new_york) == utc(2026, 11, 23, 9));
  CHECK(parse_time(" 3d ago ", k_now, new_york) == utc(2026, 11, 20, 10, 30));
  // Relative times are real elapsed time, also across a DST change.
  CHECK(parse_time("-24h", utc(2024, 3, 11, 12), new_york) == utc(2024, 3, 10, 12));
}

// ---- TIME: DST ----

TEST_CASE("times: a local time in a DST gap is the first instant after the gap", "[parse]") {
  const slatrack::Zone& new_york = zone("America/New_York");
  CHECK(parse_time("2024-03-10 01:59:59", k_now, new_york) == utc(2024, 3, 10, 6, 59, 59));
  CHECK(parse_time("2024-03-10 02:00", k_now, new_york) == utc(2024, 3, 10, 7));
  CHECK(parse_time("2024-03-10 02:30", k_now, new_york) == utc(2024, 3, 10, 7));
  CHECK(parse_time("2024-03-10 02:59:59", k_now, new_york) == utc(2024, 3, 10, 7));
  CHECK(parse_time("2024-03-10 03:00", k_now, new_york) == utc(2024, 3, 10, 7));
  CHECK(parse_time("02:30", utc(2024, 3, 10, 12), new_york) == utc(2024, 3, 10, 7));
  CHECK(parse_time("2026-03-29 01:30", k_now, zone("Europe/London")) == utc(2026, 3, 29, 1));
  CHECK(parse_time("2026-10-04 02:30", k_now, zone("Australia/Sydney")) == utc(2026, 10, 3, 16));
}

TEST_CASE("times: an ambiguous local time is the earlier instant", "[parse]") {
  const slatrack::Zone& new_york = zone("America/New_York");
  CHECK(parse_time("2024-11-03 00:59", k_now, new_york) == utc(2024, 11, 3, 4, 59));
  CHECK(parse_time("2024-11-03 01:00", k_now, new_york) == utc(2024, 11, 3, 5));
  CHECK(parse_time("2024-11-03 01:30", k_now, new_york) == utc(2024, 11, 3, 5, 30));
  CHECK(parse_time("2024-11-03 01:59:59", k_now, new_york) == utc(2024, 11, 3, 5, 59, 59));
  CHECK(parse_time("2024-11-03 02:00", k_now, new_york) == utc(2024, 11, 3, 7));
  CHECK(parse_time("2026-10-25 01:30", k_now, zone("Europe/London")) == utc(2026, 10, 25, 0, 30));
  CHECK(parse_time("2026-04-05 02:30", k_now, zone("Australia/Sydney")) == utc(2026, 4, 4, 15, 30));
}

TEST_CASE("times: a local midnight skipped by DST is the first instant of the day", "[parse]") {
  // Chile moves from -04 to -03 at 00:00, Cuba from -05 to -04 at 00:00.
  const slatrack::Zone& santiago = zone("America/Santiago");
  CHECK(parse_time("2024-09-08", k_now, santiago) == utc(2024, 9, 8, 4));
  CHECK(parse_time("2024-09-07 23:59", k_now, santiago) == utc(2024, 9, 8, 3, 59));
  CHECK(parse_time("today", utc(2024, 9, 8, 15), santiago) == utc(2024, 9, 8, 4));
  CHECK(parse_time("tomorrow", utc(2024, 9, 7, 15), santiago) == utc(2024, 9, 8, 4));
  CHECK(parse_time("2024-03-10", k_now, zone("America/Havana")) == utc(2024, 3, 10, 5));
}

TEST_CASE("local_to_instant: unique, gap and ambiguous readings", "[parse]") {
  const slatrack::Zone& new_york = zone("America/New_York");
  const auto local = [](int year, unsigned month, unsigned day, int hour, int minute) {
    return date::local_days{date::year{year} / date::month{month} / date::day{day}} + hours{hour}
           + minutes{minute};
  };
  CHECK(slatrack::local_to_instant(local(2026, 11, 23, 10, 30), new_york)
        == utc(2026, 11, 23, 15, 30));
  CHECK(slatrack::local_to_instant(local(2024, 3, 10, 2, 30), new_york) == utc(2024, 3, 10, 7));
  CHECK(slatrack::local_to_instant(local(2024, 11, 3, 1, 30), new_york) == utc(2024, 11, 3, 5, 30));
  CHECK(slatrack::local_to_instant(local(2026, 11, 23, 10, 30), zone("UTC"))
        == utc(2026, 11, 23, 10, 30));
}

// ---- TIME: rejections ----

TEST_CASE("times: malformed values get the list of accepted forms", "[parse]") {
  const Rejection rejections[] = {
      {"", bad_time("\"\"")},
      {"   ", bad_time("\"   \"")},
      {"-", bad_time("\"-\"")},
      {"+", bad_time("\"+\"")},
      {"ago", bad_time("\"ago\"")},
      {"1h ago ago", bad_time("\"1h ago ago\"")},
      {"-2h ago", bad_time("\"-2h ago\"")},
      {"+-2h", bad_time("\"+-2h\"")},
      {"--2h", bad_time("\"--2h\"")},
      {"-2x", bad_time("\"-2x\"")},
      {"- 2h", bad_time("\"- 2h\"")},
      {"2x ago", bad_time("\"2x ago\"")},
      {"90", bad_time("\"90\"")},
      {"now now", bad_time("\"now now\"")},
      {"2026-1-5", bad_time("\"2026-1-5\"")},
      {"26-11-23", bad_time("\"26-11-23\"")},
      {"2026/11/23", bad_time("\"2026/11/23\"")},
      {"23.11.2026", bad_time("\"23.11.2026\"")},
      {"2026-11-23T", bad_time("\"2026-11-23T\"")},
      {"2026-11-23 10", bad_time("\"2026-11-23 10\"")},
      {"2026-11-23 10:30 Z", bad_time("\"2026-11-23 10:30 Z\"")},
      {"2026-11-23 10:30 +01:00", bad_time("\"2026-11-23 10:30 +01:00\"")},
      {"2026-11-23 10:30+0530", bad_time("\"2026-11-23 10:30+0530\"")},
      {"2026-11-23 10:30+05", bad_time("\"2026-11-23 10:30+05\"")},
      {"2026-11-23 10:30:00.5Z", bad_time("\"2026-11-23 10:30:00.5Z\"")},
      {"2026-11-23Z", bad_time("\"2026-11-23Z\"")},
      {"2026-02-30x", bad_time("\"2026-02-30x\"")},
      {"10:30Z", bad_time("\"10:30Z\"")},
      {"10:3", bad_time("\"10:3\"")},
      {"10:30:5", bad_time("\"10:30:5\"")},
      {"123:00", bad_time("\"123:00\"")},
      {"10000-01-01", bad_time("\"10000-01-01\"")},
  };
  for (const Rejection& rejection : rejections) {
    CAPTURE(rejection.input);
    REQUIRE_THROWS_WITH(parse_time(rejection.input, k_now, zone("UTC")), rejection.message);
  }
}

TEST_CASE("times: well-formed values out of range say what is wrong", "[parse]") {
  const std::string no_time = ": no such time of day; hours go 00-23, minutes and seconds 00-59";
  const std::string no_offset = ": no such UTC offset; use -14:00 to +14:00";
  const Rejection rejections[] = {
      {"2026-13-01", "bad time \"2026-13-01\": no such date"},
      {"2026-00-10", "bad time \"2026-00-10\": no such date"},
      {"2026-11-00", "bad time \"2026-11-00\": no such date"},
      {"2026-04-31", "bad time \"2026-04-31\": no such date"},
      {"2026-02-30", "bad time \"2026-02-30\": no such date"},
      {"2026-02-30 25:00", "bad time \"2026-02-30 25:00\": no such date"},
      {"1969-12-31", "bad time \"1969-12-31\": the year must be between 1970 and 9999"},
      {"0000-01-01", "bad time \"0000-01-01\": the year must be between 1970 and 9999"},
      {"25:00", "bad time \"25:00\"" + no_time},
      {"24:00", "bad time \"24:00\"" + no_time},
      {"12:60", "bad time \"12:60\"" + no_time},
      {"12:00:60", "bad time \"12:00:60\"" + no_time},
      {"2026-11-23 24:00", "bad time \"2026-11-23 24:00\"" + no_time},
      {"2026-11-23T10:99Z", "bad time \"2026-11-23T10:99Z\"" + no_time},
      {"2026-11-23 10:30+25:00", "bad time \"2026-11-23 10:30+25:00\"" + no_offset},
      {"2026-11-23 10:30+14:01", "bad time \"2026-11-23 10:30+14:01\"" + no_offset},
      {"2026-11-23 10:30-15:00", "bad time \"2026-11-23 10:30-15:00\"" + no_offset},
      {"2026-11-23 10:30+05:60", "bad time \"2026-11-23 10:30+05:60\"" + no_offset},
  };
  for (const Rejection& rejection : rejections) {
    CAPTURE(rejection.input);
    REQUIRE_THROWS_WITH(parse_time(rejection.input, k_now, zone("UTC")), rejection.message);
  }
}

TEST_CASE("times: bad relative durations say what is wrong", "[parse]") {
  const Rejection rejections[] = {
      {"-90", "bad time \"-90\": add a unit, e.g. -90m (units: m h d w)"},
      {"+1h30", "bad time \"+1h30\": add a unit, e.g. +1h30m (units: m h d w)"},
      {"90 ago", "bad time \"90 ago\": add a unit, e.g. 90m ago (units: m h d w)"},
      {"-0m", "bad time \"-0m\": the duration must be at least 1m (use now for the current time)"},
      {"0h ago",
       "bad time \"0h ago\": the duration must be at least 1m (use now for the current time)"},
      {"-1.5h", "bad time \"-1.5h\": use whole numbers: -1h30m, not -1.5h"},
      {"1.5h ago", "bad time \"1.5h ago\": use whole numbers: 1h30m ago, not 1.5h ago"},
      {"-30m1h", "bad time \"-30m1h\": give each unit once, largest first, e.g. -1h30m"},
      {"-2H", "bad time \"-2H\": write units in lower case: -2h"},
      {"2H ago", "bad time \"2H ago\": write units in lower case: 2h ago"},
      {"-36501d", "bad time \"-36501d\": the duration must be at most 36500d (100 years)"},
      {"+99999999999999999999w",
       "bad time \"+99999999999999999999w\": the duration must be at most 36500d (100 years)"},
      {"2h", "bad time \"2h\": write -2h or \"2h ago\" for the past, +2h for the future"},
      {"1h 30m",
       "bad time \"1h 30m\": write -1h 30m or \"1h 30m ago\" for the past, +1h 30m for the future"},
  };
  for (const Rejection& rejection : rejections) {
    CAPTURE(rejection.input);
    REQUIRE_THROWS_WITH(parse_time(rejection.input, k_now, zone("UTC")), rejection.message);
  }
}

// Found by fuzzing (tests/fuzz/fuzz_parse_time.cpp, fuzz_parse_duration.cpp): relative times and
// offsets reached instants before 1970, which an export writes and import refuses.
TEST_CASE("times: every result lies in 1970-9999 UTC, relative ones too", "[parse]") {
  const std::string range = " UTC; times go from 1970-01-01 to 9999-12-31 UTC";
  const Rejection rejections[] = {
      {"-36500d", "bad time \"-36500d\": that is 1926-12-18 10:30" + range},
      {"36500d ago", "bad time \"36500d ago\": that is 1926-12-18 10:30" + range},
      {"-10130h31311301m", "bad time \"-10130h31311301m\": that is 1966-03-17 09:29" + range},
      {"-20780d10h31m", "bad time \"-20780d10h31m\": that is 1969-12-31 23:59" + range},
      {"1970-01-01T00:00:00+01:00",
       "bad time \"1970-01-01T00:00:00+01:00\": that is 1969-12-31 23:00" + range},
      {"9999-12-31 23:00-14:00",
       "bad time \"9999-12-31 23:00-14:00\": that is 10000-01-01 13:00" + range},
  };
  for (const Rejection& rejection : rejections) {
    CAPTURE(rejection.input);
    REQUIRE_THROWS_WITH(parse_time(rejection.input, k_now, zone("UTC")), rejection.message);
  }
  REQUIRE_THROWS_WITH(parse_time("1970-01-01", k_now, zone("Asia/Tokyo")),
                      "bad time \"1970-01-01\": that is 1969-12-31 15:00" + range);
  CHECK(parse_time("-20780d10h30m", k_now, zone("UTC")) == Instant{});
  CHECK(parse_time("-20000d", k_now, zone("UTC")) == utc(1972, 2, 20, 10, 30));
  CHECK(parse_time("1970-01-01 00:00-01:00", k_now, zone("UTC")) == utc(1970, 1, 1, 1));
  CHECK(parse_time("9999-12-31T23:59:59Z", k_now, zone("UTC")) == utc(9999, 12, 31, 23, 59, 59));
  CHECK(parse_time("9999-12-31 23:59:59", k_now, zone("Asia/Tokyo"))
        == utc(9999, 12, 31, 14, 59, 59));
}

TEST_CASE("times: a misspelt keyword gets a suggestion", "[parse]") {
  const std::string forms = ": use now, today, YYYY-MM-DD, YYYY-MM-DD HH:MM, HH:MM, \"yesterday "
                            "15:00\", \"mon 09:30\", -2h or \"2h ago\" (times are local unless "
                            "they end in Z or +HH:MM)";
  const slatrack::Zone& utc_zone = zone("UTC");
  REQUIRE_THROWS_WITH(parse_time("tomorow", k_now, utc_zone),
                      "bad time \"tomorow\" (did you mean \"tomorrow\"?)" + forms);
  REQUIRE_THROWS_WITH(parse_time("yesterdya", k_now, utc_zone),
                      "bad time \"yesterdya\" (did you mean \"yesterday\"?)" + forms);
  REQUIRE_THROWS_WITH(parse_time("tody", k_now, utc_zone),
                      "bad time \"tody\" (did you mean \"today\"?)" + forms);
  REQUIRE_THROWS_WITH(parse_time("Tomorrrow", k_now, utc_zone),
                      "bad time \"Tomorrrow\" (did you mean \"tomorrow\"?)" + forms);
  REQUIRE_THROWS_WITH(parse_time("noon", k_now, utc_zone), "bad time \"noon\": write 12:00");
  REQUIRE_THROWS_WITH(parse_time("Midnight", k_now, utc_zone),
                      "bad time \"Midnight\": write today or tomorrow (local midnight)");
  REQUIRE_THROWS_WITH(parse_time("never", k_now, utc_zone), bad_time("\"never\""));
}

TEST_CASE("times: garbage is shown escaped, on one line", "[parse]") {
  const slatrack::Zone& utc_zone = zone("UTC");
  REQUIRE_THROWS_WITH(parse_time("now\x01", k_now, utc_zone), bad_time("\"now\\x01\""));
  REQUIRE_THROWS_WITH(parse_time(std::string_view{"now\0", 4}, k_now, utc_zone),
                      bad_time("\"now\\x00\""));
  REQUIRE_THROWS_WITH(parse_time("\x1b[31mnow", k_now, utc_zone), bad_time("\"\\x1B[31mnow\""));
  REQUIRE_THROWS_WITH(parse_time("to\nday", k_now, utc_zone), bad_time("\"to\\nday\""));
  REQUIRE_THROWS_WITH(parse_time("\"now\"", k_now, utc_zone), bad_time("\"\\\"now\\\"\""));
  REQUIRE_THROWS_WITH(parse_time("C:\\now", k_now, utc_zone), bad_time("\"C:\\\\now\""));
  REQUIRE_THROWS_WITH(parse_time("\xff\xfe", k_now, utc_zone), bad_time("\"\\xFF\\xFE\""));
  REQUIRE_THROWS_WITH(parse_time("\xc2\x9bnow", k_now, utc_zone), bad_time("\"\\xC2\\x9Bnow\""));
  // Valid UTF-8 is shown as it is.
  REQUIRE_THROWS_WITH(parse_time("明天", k_now, utc_zone), bad_time("\"明天\""));
  REQUIRE_THROWS_WITH(
      parse_time("\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x96-11-23", k_now, utc_zone),
      bad_time("\"\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x96-11-23\""));
  // A long value is cut.
  const std::string long_value(200, '9');
  REQUIRE_THROWS_WITH(parse_time(long_value, k_now, utc_zone),
                      bad_time("\"" + std::string(60, '9') + "...\""));
}

TEST_CASE("times: errors are invalid_input", "[parse]") {
  try {
    (void)parse_time("2026-02-30", k_now, zone("UTC"));
    FAIL("no exception");
  } catch (const slatrack::Error& e) {
    CHECK(e.kind() == slatrack::ErrorKind::invalid_input);
  }
}

// ---- zones ----

TEST_CASE("find_zone: IANA names, links, and names in another case", "[parse]") {
  CHECK(slatrack::find_zone("Europe/London").name() == "Europe/London");
  CHECK(slatrack::find_zone("America/New_York").name() == "America/New_York");
  CHECK(slatrack::find_zone("UTC").name() == "UTC");
  CHECK(slatrack::find_zone("Asia/Calcutta").get_info(utc(2026, 1, 1)).offset
        == hours{5} + minutes{30});
  CHECK(slatrack::find_zone("europe/london").name() == "Europe/London");
  CHECK(slatrack::find_zone("AMERICA/NEW_YORK").name() == "America/New_York");
  CHECK(&slatrack::find_zone("Europe/London") == &slatrack::find_zone("Europe/London"));
}

TEST_CASE("find_zone: unknown names suggest the closest", "[parse]") {
  const std::string accepted = ": use an IANA name such as Europe/London";
  REQUIRE_THROWS_WITH(slatrack::find_zone("Europe/Lodnon"),
                      "unknown time zone \"Europe/Lodnon\" (did you mean \"Europe/London\"?)"
                          + accepted);
  REQUIRE_THROWS_WITH(slatrack::find_zone("London"),
                      "unknown time zone \"London\" (did you mean \"Europe/London\"?)" + accepted);
  REQUIRE_THROWS_WITH(slatrack::find_zone("Amerca/New_York"),
                      "unknown time zone \"Amerca/New_York\" (did you mean \"America/New_York\"?)"
                          + accepted);
  REQUIRE_THROWS_WITH(slatrack::find_zone("Mars/Olympus"),
                      "unknown time zone \"Mars/Olympus\"" + accepted);
  // Not "EST" for the "est" in Manchester: a name with a region gets zones with one.
  REQUIRE_THROWS_WITH(slatrack::find_zone("Europe/Manchester"),
                      "unknown time zone \"Europe/Manchester\"" + accepted);
  // By the city part: the zone named after that city, in whatever region.
  REQUIRE_THROWS_WITH(slatrack::find_zone("Asia/London"),
                      "unknown time zone \"Asia/London\" (did you mean \"Europe/London\"?)"
                          + accepted);
  REQUIRE_THROWS_WITH(slatrack::find_zone("new york"),
                      "unknown time zone \"new york\" (did you mean \"America/New_York\"?)"
                          + accepted);
  REQUIRE_THROWS_WITH(slatrack::find_zone(""), "unknown time zone \"\"" + accepted);
  REQUIRE_THROWS_WITH(slatrack::find_zone("../../etc/passwd"),
                      "unknown time zone \"../../etc/passwd\"" + accepted);
  REQUIRE_THROWS_WITH(slatrack::find_zone("Mars\n\x01"),
                      "unknown time zone \"Mars\\n\\x01\"" + accepted);
  try {
    (void)slatrack::find_zone("Mars/Olympus");
    FAIL("no exception");
  } catch (const slatrack::Error& e) {
    CHECK(e.kind() == slatrack::ErrorKind::invalid_input);
  }
}

// ---- target DUR: business days ----

TEST_CASE("targets: business days alone, or a DUR", "[parse][bd]") {
  using slatrack::parse_target;
  using slatrack::Target;
  CHECK(parse_target("1bd") == Target::days(1));
  CHECK(parse_target("5bd") == Target::days(5));
  CHECK(parse_target(" 20bd ") == Target::days(20));
  CHECK(parse_target("26000bd") == Target::days(26000));
  CHECK(parse_target("2h") == Target{hours{2}});
  CHECK(parse_target("3d") == Target{hours{72}});
  CHECK_FALSE(parse_target("3d").in_business_days());
  const Rejection rejections[] = {
      {"0bd", "bad duration \"0bd\": must be at least 1bd"},
      {"26001bd", "bad duration \"26001bd\": must be at most 26000bd"},
      {"2bd4h", "bad duration \"2bd4h\": business days stand alone, as NUMBERbd with no other "
                "unit, e.g. 5bd"},
      {"1w2bd", "bad duration \"1w2bd\": business days stand alone, as NUMBERbd with no other "
                "unit, e.g. 5bd"},
      {"bd", "bad duration \"bd\": business days stand alone, as NUMBERbd with no other unit, "
             "e.g. 5bd"},
      {"5BD", "bad duration \"5BD\": write units in lower case: 5bd"},
      {"2x", "bad duration \"2x\": use NUMBER UNIT with units m h d w, e.g. 90m, 2h, 1h30m, 3d, "
             "or business days alone, e.g. 5bd"},
      {"0m", "bad duration \"0m\": must be at least 1m"},
  };
  for (const Rejection& rejection : rejections) {
    INFO(rejection.input);
    REQUIRE_THROWS_WITH(parse_target(rejection.input), rejection.message);
  }
  // Business days are not a DUR where a TIME or an amount of time is meant.
  REQUIRE_THROWS(slatrack::parse_duration("5bd"));
}

TEST_CASE("the form export writes is read directly, anything else is left to parse_time",
          "[parse]") {
  CHECK(slatrack::parse_export_time("2026-11-23T10:30:05Z") == utc(2026, 11, 23, 10, 30, 5));
  CHECK(slatrack::parse_export_time("1970-01-01T00:00:00Z") == slatrack::Instant{});
  for (const char* other :
       {"2026-11-23 10:30:05Z", "2026-11-23T10:30:05+00:00", "2026-11-23T10:30Z",
        "2026-02-30T10:30:05Z", "2026-11-23T24:00:00Z", "1969-12-31T23:59:59Z",
        "2026-11-23T10:30:05z", "2026-1a-23T10:30:05Z", ""}) {
    INFO(other);
    CHECK(!slatrack::parse_export_time(other).has_value());
  }
}
