// Tests of the report's pure parts: the local periods of a report by day, week and month (DST
// changes in Europe/London and a skipped midnight in America/Santiago, month ends, clipping to the
// range, Monday weeks), the default range, and the nearest-rank percentile.
#include "slatrack/error.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/report.hpp"
#include "system/zone_files.hpp"

#include <catch2/catch.hpp>
#include <date/date.h>
#include <fmt/format.h>
#include <string>
#include <vector>

using namespace slatrack;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

Instant utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  return Instant{date::sys_days{date::year{year} / date::month{month} / date::day{day}}}
         + hours{hour} + minutes{minute};
}

date::local_days local_date(int year, unsigned month, unsigned day) {
  return date::local_days{date::year{year} / date::month{month} / date::day{day}};
}

const slatrack::Zone& london() {
  return find_zone("Europe/London");
}

} // namespace

TEST_CASE("report groupings have the contract's names", "[report]") {
  for (const ReportBy by : {ReportBy::client, ReportBy::assignee, ReportBy::priority,
                            ReportBy::channel, ReportBy::day, ReportBy::week, ReportBy::month}) {
    CHECK(report_by_from(to_string(by)) == by);
  }
  CHECK(to_string(ReportBy::week) == "week");
  CHECK_FALSE(report_by_from("Client").has_value());
  CHECK_FALSE(report_by_from("year").has_value());
  CHECK(is_period(ReportBy::day));
  CHECK(is_period(ReportBy::month));
  CHECK_FALSE(is_period(ReportBy::client));
  CHECK(report_by_names() == "client, assignee, priority, channel, day, week or month");
}

TEST_CASE("a report not by period has one period: the whole range", "[report]") {
  const Instant from = utc(2026, 3, 1, 10, 30);
  const Instant to = utc(2026, 3, 31, 7);
  const std::vector<Period> periods = report_periods(london(), from, to, ReportBy::assignee);
  REQUIRE(periods.size() == 1);
  CHECK(periods[0] == Period{from, to, local_date(2026, 3, 1)});
}

TEST_CASE("days across the spring-forward change in London: 23 hours", "[report]") {
  // BST starts Sun 29 Mar 2026 at 01:00 GMT: that day is 23 hours long.
  const std::vector<Period> days =
      report_periods(london(), utc(2026, 3, 28), utc(2026, 3, 30, 23), ReportBy::day);
  REQUIRE(days.size() == 3);
  CHECK(days[0] == Period{utc(2026, 3, 28), utc(2026, 3, 29), local_date(2026, 3, 28)});
  CHECK(days[1] == Period{utc(2026, 3, 29), utc(2026, 3, 29, 23), local_date(2026, 3, 29)});
  CHECK(days[1].end - days[1].start == hours{23});
  CHECK(days[2] == Period{utc(2026, 3, 29, 23), utc(2026, 3, 30, 23), local_date(2026, 3, 30)});
}

TEST_CASE("days across the fall-back change in London: 25 hours", "[report]") {
  // BST ends Sun 25 Oct 2026 at 01:00 GMT (02:00 BST): that day is 25 hours long.
  const std::vector<Period> days =
      report_periods(london(), utc(2026, 10, 23, 23), utc(2026, 10, 27), ReportBy::day);
  REQUIRE(days.size() == 3);
  CHECK(days[0] == Period{utc(2026, 10, 23, 23), utc(2026, 10, 24, 23), local_date(2026, 10, 24)});
  CHECK(days[1] == Period{utc(2026, 10, 24, 23), utc(2026, 10, 26), local_date(2026, 10, 25)});
  CHECK(days[1].end - days[1].start == hours{25});
  CHECK(days[2] == Period{utc(2026, 10, 26), utc(2026, 10, 27), local_date(2026, 10, 26)});
}

TEST_CASE("weeks start on Monday at local midnight, across DST changes", "[report]") {
  // From Sunday 29 Mar 12:00 BST: the first week is the one that began on Monday 23 Mar,
  // clipped to the range.
  const Instant from = utc(2026, 3, 29, 11);
  const std::vector<Period> weeks = report_periods(london(), from, utc(2026, 4, 9), ReportBy::week);
  REQUIRE(weeks.size() == 3);
  CHECK(weeks[0] == Period{from, utc(2026, 3, 29, 23), local_date(2026, 3, 23)});
  CHECK(weeks[1] == Period{utc(2026, 3, 29, 23), utc(2026, 4, 5, 23), local_date(2026, 3, 30)});
  CHECK(weeks[2] == Period{utc(2026, 4, 5, 23), utc(2026, 4, 9), local_date(2026, 4, 6)});

  // The whole week of the fall-back change is 7 days and 1 hour.
  const std::vector<Period> autumn =
      report_periods(london(), utc(2026, 10, 18, 23), utc(2026, 11, 2), ReportBy::week);
  REQUIRE(autumn.size() == 2);
  CHECK(autumn[0] == Period{utc(2026, 10, 18, 23), utc(2026, 10, 26), local_date(2026, 10, 19)});
  CHECK(autumn[0].end - autumn[0].start == hours{7 * 24 + 1});
  CHECK(autumn[1] == Period{utc(2026, 10, 26), utc(2026, 11, 2), local_date(2026, 10, 26)});
}

TEST_CASE("months end at local midnight of the 1st: February, March with DST, year end",
          "[report]") {
  const std::vector<Period> months =
      report_periods(london(), utc(2026, 1, 15, 12), utc(2027, 1, 1, 0, 1), ReportBy::month);
  REQUIRE(months.size() == 13);
  CHECK(months[0] == Period{utc(2026, 1, 15, 12), utc(2026, 2, 1), local_date(2026, 1, 1)});
  CHECK(months[1] == Period{utc(2026, 2, 1), utc(2026, 3, 1), local_date(2026, 2, 1)});
  CHECK(months[1].end - months[1].start == hours{28 * 24});
  // March: 31 days less the hour of the change; April 1st is midnight BST = 23:00 GMT.
  CHECK(months[2] == Period{utc(2026, 3, 1), utc(2026, 3, 31, 23), local_date(2026, 3, 1)});
  CHECK(months[2].end - months[2].start == hours{31 * 24 - 1});
  CHECK(months[9] == Period{utc(2026, 9, 30, 23), utc(2026, 11, 1), local_date(2026, 10, 1)});
  CHECK(months[9].end - months[9].start == hours{31 * 24 + 1});
  CHECK(months[11] == Period{utc(2026, 12, 1), utc(2027, 1, 1), local_date(2026, 12, 1)});
  CHECK(months[12] == Period{utc(2027, 1, 1), utc(2027, 1, 1, 0, 1), local_date(2027, 1, 1)});
}

TEST_CASE("days across a month end, clipped at both ends", "[report]") {
  const std::vector<Period> days =
      report_periods(london(), utc(2026, 1, 30, 18), utc(2026, 2, 2, 6), ReportBy::day);
  REQUIRE(days.size() == 4);
  CHECK(days[0] == Period{utc(2026, 1, 30, 18), utc(2026, 1, 31), local_date(2026, 1, 30)});
  CHECK(days[1] == Period{utc(2026, 1, 31), utc(2026, 2, 1), local_date(2026, 1, 31)});
  CHECK(days[2] == Period{utc(2026, 2, 1), utc(2026, 2, 2), local_date(2026, 2, 1)});
  CHECK(days[3] == Period{utc(2026, 2, 2), utc(2026, 2, 2, 6), local_date(2026, 2, 2)});
}

TEST_CASE("the periods cover the range exactly, one after another", "[report]") {
  const Instant from = utc(2026, 2, 27, 13, 17);
  const Instant to = utc(2026, 11, 3, 2, 59);
  for (const ReportBy by : {ReportBy::day, ReportBy::week, ReportBy::month}) {
    const std::vector<Period> periods = report_periods(london(), from, to, by);
    REQUIRE_FALSE(periods.empty());
    CHECK(periods.front().start == from);
    CHECK(periods.back().end == to);
    for (std::size_t i = 0; i + 1 < periods.size(); ++i) {
      CHECK(periods[i].end == periods[i + 1].start);
      CHECK(periods[i].start < periods[i].end);
      CHECK(periods[i].first_day < periods[i + 1].first_day);
    }
  }
}

TEST_CASE("a midnight skipped by DST begins the day at the first instant after the gap",
          "[report]") {
  // Chile moves from Sat 5 Sep 2026 24:00 (-04) to Sun 6 Sep 01:00 (-03): there is no midnight.
  const slatrack::Zone& santiago = find_zone("America/Santiago");
  const std::vector<Period> days =
      report_periods(santiago, utc(2026, 9, 5, 4), utc(2026, 9, 7, 3), ReportBy::day);
  REQUIRE(days.size() == 2);
  CHECK(days[0] == Period{utc(2026, 9, 5, 4), utc(2026, 9, 6, 4), local_date(2026, 9, 5)});
  CHECK(days[1] == Period{utc(2026, 9, 6, 4), utc(2026, 9, 7, 3), local_date(2026, 9, 6)});
  CHECK(days[1].end - days[1].start == hours{23});
}

TEST_CASE("a report range must not be empty nor have too many periods", "[report]") {
  const Instant t = utc(2026, 3, 1);
  CHECK_THROWS_AS(report_periods(london(), t, t, ReportBy::client), Error);
  CHECK_THROWS_AS(report_periods(london(), t + hours{1}, t, ReportBy::day), Error);
  // 1 Jan 2000 to 18 May 2027 (BST) are exactly 10000 local days.
  CHECK(report_periods(london(), utc(2000, 1, 1), utc(2027, 5, 18, 23), ReportBy::day).size()
        == k_max_report_periods);
  CHECK_THROWS_WITH(
      report_periods(london(), utc(2000, 1, 1), utc(2027, 5, 18, 23, 1), ReportBy::day),
      "a report by day over this range would have more than 10000 rows; use a "
      "shorter range or a longer period (--by week or month)");
  CHECK(report_periods(london(), utc(2000, 1, 1), utc(2800, 1, 1), ReportBy::month).size() == 9600);
}

TEST_CASE("the default report starts at local midnight 30 days before the end's date", "[report]") {
  // Mon 30 Mar 2026 10:00 BST -> Sat 28 Feb 00:00 GMT.
  CHECK(default_report_from(london(), utc(2026, 3, 30, 9)) == utc(2026, 2, 28));
  // 00:30 BST on 1 Jun is still 31 May in UTC but 1 Jun locally -> 2 May 00:00 BST.
  CHECK(default_report_from(london(), utc(2026, 5, 31, 23, 30)) == utc(2026, 5, 1, 23));
  CHECK(default_report_from(find_zone("UTC"), utc(2026, 3, 31)) == utc(2026, 3, 1));
}

TEST_CASE("nearest rank is ceil(p/100 * n)", "[report]") {
  CHECK(nearest_rank(1, 50) == 1);
  CHECK(nearest_rank(1, 90) == 1);
  CHECK(nearest_rank(2, 50) == 1);
  CHECK(nearest_rank(2, 90) == 2);
  CHECK(nearest_rank(3, 50) == 2);
  CHECK(nearest_rank(4, 50) == 2);
  CHECK(nearest_rank(10, 50) == 5);
  CHECK(nearest_rank(10, 90) == 9);
  CHECK(nearest_rank(11, 50) == 6);
  CHECK(nearest_rank(11, 90) == 10);
  CHECK(nearest_rank(20, 90) == 18);
  CHECK(nearest_rank(21, 90) == 19);
  CHECK(nearest_rank(100, 90) == 90);
  CHECK(nearest_rank(101, 90) == 91);
  CHECK(nearest_rank(7, 100) == 7);
}

TEST_CASE("percentiles pick an existing value by nearest rank", "[report]") {
  using S = Seconds;
  CHECK_FALSE(percentile({}, 50).has_value());
  CHECK(percentile({S{42}}, 50) == S{42});
  CHECK(percentile({S{42}}, 90) == S{42});
  // Unsorted input; even count: the median is the lower middle value, never an average.
  CHECK(percentile({S{40}, S{10}, S{30}, S{20}}, 50) == S{20});
  CHECK(percentile({S{40}, S{10}, S{30}, S{20}}, 90) == S{40});
  std::vector<Seconds> ten;
  for (int i = 10; i >= 1; --i) {
    ten.push_back(S{i * 60});
  }
  CHECK(percentile(ten, 50) == S{300});
  CHECK(percentile(ten, 90) == S{540});
  ten.push_back(S{6000});
  CHECK(percentile(ten, 50) == S{360});
  CHECK(percentile(ten, 90) == S{600});
  // Ties.
  CHECK(percentile({S{5}, S{5}, S{5}, S{9}}, 90) == S{9});
  CHECK(percentile({S{5}, S{5}, S{5}, S{9}}, 50) == S{5});
}

TEST_CASE("percent met is null when nothing stopped", "[report]") {
  CHECK_FALSE(met_percent(0, 0).has_value());
  CHECK(met_percent(3, 0) == Approx(100.0));
  CHECK(met_percent(0, 2) == Approx(0.0));
  CHECK(met_percent(1, 2) == Approx(100.0 / 3.0));
}

TEST_CASE("month_range: a calendar month in the zone, local midnight to local midnight",
          "[report]") {
  // Now: Mon 7 Dec 2026 09:00 in London (GMT).
  const Instant now = utc(2026, 12, 7, 9);
  CHECK(month_range(london(), "last", now)
        == MonthRange{date::year{2026} / date::November, utc(2026, 11, 1), utc(2026, 12, 1)});
  CHECK(month_range(london(), "this", now)
        == MonthRange{date::year{2026} / date::December, utc(2026, 12, 1), utc(2027, 1, 1)});
  // March 2026 holds the spring-forward change (Sun 29 Mar): it ends at 1 Apr 00:00 BST = 23:00Z,
  // so it is an hour shorter than 31 days; October holds the change back (25 Oct): an hour longer.
  const MonthRange march = month_range(london(), "2026-03", now);
  CHECK(march.from == utc(2026, 3, 1));
  CHECK(march.to == utc(2026, 3, 31, 23));
  CHECK(march.to - march.from == hours{31 * 24 - 1});
  const MonthRange october = month_range(london(), "2026-10", now);
  CHECK(october.from == utc(2026, 9, 30, 23));
  CHECK(october.to == utc(2026, 11, 1));
  CHECK(october.to - october.from == hours{31 * 24 + 1});
  CHECK(month_name(october.month) == "October 2026");
}

TEST_CASE("month_range: last and this follow the local date of now, not UTC's", "[report]") {
  // 1 Dec 2026 00:30 in Auckland (NZDT, +13) is still 30 Nov 11:30Z: the local month is
  // December, so last = November and this = December there.
  const Zone& auckland = find_zone("Pacific/Auckland");
  const Instant now = utc(2026, 11, 30, 11, 30);
  const MonthRange last = month_range(auckland, "last", now);
  CHECK(last.month == date::year{2026} / date::November);
  CHECK(last.from == utc(2026, 10, 31, 11)); // 1 Nov 00:00 NZDT (+13)
  CHECK(last.to == utc(2026, 11, 30, 11));   // 1 Dec 00:00 NZDT
  CHECK(month_range(auckland, "this", now).month == date::year{2026} / date::December);
  // In UTC the same instant is still in November.
  CHECK(month_range(find_zone("UTC"), "this", now).month == date::year{2026} / date::November);
  // January: last is December of the year before.
  CHECK(month_range(london(), "last", utc(2027, 1, 1, 0, 5)).month
        == date::year{2026} / date::December);
}

TEST_CASE("month_range: a midnight skipped by DST starts the month after the gap", "[report]") {
  // America/Asuncion, Sun 1 Oct 2023: clocks went from 00:00 -04 to 01:00 -03, so October began
  // at 01:00 -03 (04:00Z), the first instant after the gap; September ended there too.
  const Zone& asuncion = find_zone("America/Asuncion");
  const Instant now = utc(2023, 12, 1);
  const MonthRange october = month_range(asuncion, "2023-10", now);
  CHECK(october.from == utc(2023, 10, 1, 4));
  CHECK(month_range(asuncion, "2023-09", now).to == october.from);
  CHECK(october.to == utc(2023, 11, 1, 3)); // 1 Nov 00:00 -03
}

TEST_CASE("month_range refuses anything but YYYY-MM, last and this", "[report]") {
  const Instant now = utc(2026, 12, 7);
  for (const char* bad : {"", "2026-13", "2026-00", "2026-1", "26-11", "2026/11", "november",
                          "Last", "2026-11-01", "1969-12", "+026-11", "2026--1"}) {
    INFO(bad);
    CHECK_THROWS_AS(month_range(london(), bad, now), Error);
  }
  try {
    static_cast<void>(month_range(london(), "2026-13", now));
  } catch (const Error& error) {
    CHECK(std::string(error.what())
          == "bad --month \"2026-13\": use YYYY-MM (e.g. 2026-11), last (the last whole month) "
             "or this");
  }
}
