// The business-hours engine with the zone rules of the years after 2037 (read from the TZif
// footer) and at its horizon: zone changes are followed up to the first standard-time range that
// begins in 2200 or later, and standard time holds from there on. Expected values by hand (the
// weekdays and last Sundays were read from a calendar; comments give them).
#include "slatrack/calendar.hpp"
#include "support.hpp"
#include "system/zone_files.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace slatrack;
using slatrack::testing::utc;
using std::chrono::hours;
using std::chrono::seconds;

namespace {

CalendarRules office(std::string zone) {
  return CalendarRules{"office", std::move(zone), parse_hours("mon-fri 09:00-17:00"), {}, {}};
}

} // namespace

TEST_CASE("a due time across the DST change of March 2040 (London)", "[calendar][zone]") {
  const BusinessCalendar london(office("Europe/London"), zone_files());
  // Friday 23 March 2040 16:00 GMT + 2h: 16:00-17:00, then summer time from Sunday 25 March (the
  // last Sunday), so Monday 26 March opens at 09:00 BST = 08:00 UTC: due 09:00 UTC.
  CHECK(london.add(utc(2040, 3, 23, 16), hours{2}) == utc(2040, 3, 26, 9));
  CHECK(london.open(utc(2040, 3, 23, 16), utc(2040, 3, 26, 9)) == hours{2});
  // Friday 26 October 2040 15:00 UTC (16:00 BST) + 2h: back to GMT on Sunday 28 October.
  CHECK(london.add(utc(2040, 10, 26, 15), hours{2}) == utc(2040, 10, 29, 10));
}

TEST_CASE("calendars follow the zone's rule up to 2200, then its standard time",
          "[calendar][zone]") {
  const BusinessCalendar london(office("Europe/London"), zone_files());
  // Monday 1 July 2199 and Tuesday 1 July 2200: summer time, open 08:00-16:00 UTC.
  CHECK(london.open(utc(2199, 7, 1, 8), utc(2199, 7, 1, 9)) == hours{1});
  CHECK(london.open(utc(2199, 7, 1, 16), utc(2199, 7, 1, 17)) == seconds{0});
  CHECK(london.open(utc(2200, 7, 1, 8), utc(2200, 7, 1, 9)) == hours{1});
  // Summer time 2200 ends on Sunday 26 October; GMT from then on, also on Wednesday 1 July 2201.
  CHECK(london.open(utc(2201, 7, 1, 8), utc(2201, 7, 1, 9)) == seconds{0});
  CHECK(london.add(utc(2201, 7, 1, 9), hours{1}) == utc(2201, 7, 1, 10));

  // Sydney: daylight time 2199-2200 ends on Sunday 6 April 2200 (first Sunday of April); AEST
  // (+10) from then on, also in January 2201: Thursday 1 January opens at 23:00 UTC the day before.
  const BusinessCalendar sydney(office("Australia/Sydney"), zone_files());
  CHECK(sydney.open(utc(2200, 1, 1, 22), utc(2200, 1, 1, 23)) == hours{1}); // AEDT, Thursday
  CHECK(sydney.open(utc(2200, 12, 31, 22), utc(2201, 1, 1, 0)) == hours{1});
  CHECK(sydney.add(utc(2200, 12, 31, 23), hours{1}) == utc(2201, 1, 1, 0));
}

TEST_CASE("due times far beyond the horizon are still computed", "[calendar][zone]") {
  const BusinessCalendar london(office("Europe/London"), zone_files());
  // Thursday 30 December 9999 09:00 + 8h: the whole day is used at 17:00, so the due time is the
  // next opening, Friday 31 December 09:00 (as Fri 16:00 + 1h = Mon 09:00 in the contract).
  CHECK(london.add(utc(9999, 12, 30, 9), hours{8}) == utc(9999, 12, 31, 9));
  // 36500 days of open time (the longest target) at 40 hours a week: about 420 years on.
  const Instant far = london.add(utc(9999, 12, 30, 9), hours{36500 * 24});
  CHECK(far > utc(10400, 1, 1));
  CHECK(london.open(utc(9999, 12, 30, 9), far) == hours{36500 * 24});
}
