// Tests of the statement's pure parts: the promises in words, and the counting of a client's clock
// runs in a range by the report's rules (a clock counts where it stopped; a running one already
// breached, where it was due before now), the requests it lists and the medians.
#include "slatrack/calendar.hpp"
#include "slatrack/statement.hpp"

#include <catch2/catch.hpp>
#include <date/date.h>

using namespace slatrack;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

Instant utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  return Instant{date::sys_days{date::year{year} / date::month{month} / date::day{day}}}
         + hours{hour} + minutes{minute};
}

CalendarRules office() {
  return CalendarRules{"office", "Europe/London", parse_hours("mon-fri 09:00-17:00"), {}, {}};
}

CalendarRules always() {
  return CalendarRules{"24x7", "UTC", parse_hours("mon-sun 00:00-24:00"), {}, {}};
}

ClockRun stopped(Metric metric, Instant start, Instant stop, Outcome outcome, Seconds used,
                 Seconds target) {
  ClockRun run;
  run.metric = metric;
  run.start = start;
  run.stop = stop;
  run.due = start + target;
  run.outcome = outcome;
  run.used = used;
  run.target = target;
  return run;
}

ClockRun running(Metric metric, Instant start, Instant due, Seconds target) {
  ClockRun run;
  run.metric = metric;
  run.start = start;
  run.due = due;
  run.outcome = Outcome::running;
  run.target = target;
  return run;
}

StatementRequest request(std::int64_t id, Instant received, Status status,
                         std::vector<ClockRun> clocks) {
  StatementRequest out;
  out.request.id = RequestId{id};
  out.request.subject = "Subject " + std::to_string(id);
  out.request.received_at = received;
  out.request.status = status;
  out.clocks = std::move(clocks);
  for (const ClockRun& run : out.clocks) {
    if (!run.stop && run.due && (!out.request.next || *run.due < out.request.next->due)) {
      out.request.next = NextDue{run.metric, *run.due};
    }
  }
  return out;
}

} // namespace

TEST_CASE("promises in words: business hours, plain hours and days", "[statement]") {
  CHECK(duration_words(hours{2}, true) == "2 business hours");
  CHECK(duration_words(hours{1}, true) == "1 business hour");
  CHECK(duration_words(hours{1} + minutes{30}, true) == "1 business hour 30 minutes");
  CHECK(duration_words(minutes{45}, true) == "45 business minutes");
  CHECK(duration_words(hours{48}, true) == "48 business hours");
  CHECK(duration_words(hours{48}, false) == "2 days");
  CHECK(duration_words(hours{24}, false) == "1 day");
  CHECK(duration_words(hours{36}, false) == "36 hours");
  CHECK(duration_words(minutes{1}, false) == "1 minute");
  CHECK(duration_words(Target::days(2), true) == "2 business days");
  CHECK(duration_words(Target::days(1), false) == "1 business day");
  CHECK(promise_words(Targets{hours{2}, hours{16}, hours{40}}, true)
        == "we reply within 2 business hours; we keep you posted at least every 16 business "
           "hours; we resolve within 40 business hours");
  CHECK(promise_words(Targets{hours{24}, std::nullopt, std::nullopt}, false)
        == "we reply within 1 day");
  CHECK(always_open(always()));
  CHECK_FALSE(always_open(office()));
  CalendarRules holiday = always();
  holiday.holidays.push_back(Holiday{0, 12, 25, "Christmas"});
  CHECK_FALSE(always_open(holiday));
}

TEST_CASE("a statement counts a client's clocks as the report does", "[statement]") {
  // November 2026 (UTC), now Mon 7 Dec 09:00.
  StatementInput input;
  input.client = "Acme Ltd";
  input.policy.name = "std";
  input.policy.base = Targets{hours{2}, hours{8}, hours{40}};
  input.policy.overrides[Priority::urgent] = TargetOverride{hours{1}, std::nullopt, std::nullopt};
  input.calendar = office();
  input.from = utc(2026, 11, 1);
  input.to = utc(2026, 12, 1);
  input.now = utc(2026, 12, 7, 9);
  const Seconds reply{hours{2}};
  // #1: received and answered in November (30m, met), update met, resolved in it (5h, met).
  input.requests.push_back(
      request(1, utc(2026, 11, 2, 9), Status::resolved,
              {stopped(Metric::reply, utc(2026, 11, 2, 9), utc(2026, 11, 2, 9, 30), Outcome::met,
                       minutes{30}, reply),
               stopped(Metric::update, utc(2026, 11, 2, 9, 30), utc(2026, 11, 2, 12), Outcome::met,
                       minutes{150}, hours{8}),
               stopped(Metric::resolve, utc(2026, 11, 2, 9), utc(2026, 11, 2, 14), Outcome::met,
                       hours{5}, hours{40})}));
  // #2: received in October, answered late on 2 Nov (3h): counts in November, not logged.
  input.requests.push_back(
      request(2, utc(2026, 10, 30, 16), Status::resolved,
              {stopped(Metric::reply, utc(2026, 10, 30, 16), utc(2026, 11, 2, 11),
                       Outcome::breached, hours{3}, reply),
               stopped(Metric::resolve, utc(2026, 10, 30, 16), utc(2026, 10, 31, 10), Outcome::met,
                       hours{3}, hours{40})}));
  // #3: received 30 Nov, never answered: reply due 1 Dec (after the range): counts nowhere, but
  // open now and overdue.
  input.requests.push_back(
      request(3, utc(2026, 11, 30, 16), Status::open,
              {running(Metric::reply, utc(2026, 11, 30, 16), utc(2026, 12, 1, 10), reply)}));
  // #4: received 20 Nov, never answered, due 20 Nov 13:00: breached in November.
  input.requests.push_back(
      request(4, utc(2026, 11, 20, 11), Status::open,
              {running(Metric::reply, utc(2026, 11, 20, 11), utc(2026, 11, 20, 13), reply)}));
  // #5: all in October: not on the statement.
  input.requests.push_back(request(5, utc(2026, 10, 5, 9), Status::resolved,
                                   {stopped(Metric::reply, utc(2026, 10, 5, 9),
                                            utc(2026, 10, 5, 10), Outcome::met, hours{1}, reply)}));
  // #6: received in November, answered in December (after the range): logged, nothing counted.
  input.requests.push_back(
      request(6, utc(2026, 11, 27, 9), Status::resolved,
              {stopped(Metric::reply, utc(2026, 11, 27, 9), utc(2026, 12, 2, 9), Outcome::breached,
                       hours{20}, reply)}));

  const Statement statement = make_statement(input);
  CHECK(statement.client == "Acme Ltd");
  CHECK(statement.business_hours);
  REQUIRE(statement.promises.size() == 2);
  CHECK(statement.promises[0].words
        == "we reply within 2 business hours; we keep you posted at least every 8 business "
           "hours; we resolve within 40 business hours");
  CHECK(statement.promises[1].priority == Priority::urgent);
  CHECK(statement.promises[1].words
        == "we reply within 1 business hour; we keep you posted at least every 8 business "
           "hours; we resolve within 40 business hours");
  CHECK(statement.logged == 4); // #1, #3, #4, #6
  CHECK(statement.reply == Kept{1, 2});
  CHECK(statement.update == Kept{1, 0});
  CHECK(statement.resolve == Kept{1, 0});
  // Reply times stopped in November: 30m and 3h: the median (rank 1) is 30m, p90 (rank 2) 3h.
  CHECK(statement.reply_median == Seconds{minutes{30}});
  CHECK(statement.reply_p90 == Seconds{hours{3}});
  CHECK(statement.resolve_median == Seconds{hours{5}});
  CHECK(statement.open_now == 2);
  CHECK(statement.overdue_now == 2);
  REQUIRE(statement.lines.size() == 5);
  CHECK(statement.lines[0].id.value == 1);
  CHECK(statement.lines[0].resolve_time == Seconds{hours{5}});
  CHECK(statement.lines[1].id.value == 2);
  CHECK_FALSE(statement.lines[1].logged);
  CHECK(statement.lines[1].reply == Kept{0, 1});
  CHECK(statement.lines[1].resolve == Kept{0, 0}); // resolved in October
  CHECK(statement.lines[2].id.value == 3);
  CHECK(statement.lines[2].reply == Kept{0, 0});
  CHECK(statement.lines[2].overdue);
  CHECK(statement.lines[3].reply == Kept{0, 1});
  CHECK(statement.lines[4].id.value == 6);
  CHECK(statement.lines[4].logged);
  REQUIRE(statement.replies.size() == 2);
  CHECK(statement.replies[0].id.value == 1); // by the time they were sent
  CHECK(statement.replies[0].met);
  CHECK(statement.replies[1].id.value == 2);
  CHECK_FALSE(statement.replies[1].met);
  CHECK(statement.replies[1].used == Seconds{hours{3}});
}
