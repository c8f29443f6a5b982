// Tests of the SLA evaluation (SPEC.md "The clocks") and of targets_for. Every instant asserted
// here is computed by hand. Business-hours cases use OfficeHours, a test-only clock (Mon-Fri
// 09:00-17:00 UTC) so that these tests do not depend on BusinessCalendar.
#include "slatrack/evaluate.hpp"
#include "slatrack/model.hpp"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using slatrack::Clock;
using slatrack::ClockEvent;
using slatrack::ClockRun;
using slatrack::Conflict;
using slatrack::Evaluation;
using slatrack::EventKind;
using slatrack::Instant;
using slatrack::Metric;
using slatrack::Outcome;
using slatrack::Seconds;
using slatrack::Status;
using slatrack::Targets;
using Kind = slatrack::EventKind;
using Day = std::chrono::sys_days;

constexpr Day k_thu{std::chrono::year{2026} / 11 / 19};
constexpr Day k_fri{std::chrono::year{2026} / 11 / 20};
constexpr Day k_sat{std::chrono::year{2026} / 11 / 21};
constexpr Day k_mon{std::chrono::year{2026} / 11 / 23};
constexpr Day k_tue{std::chrono::year{2026} / 11 / 24};
constexpr Day k_wed{std::chrono::year{2026} / 11 / 25};

Instant on(Day day, int hour, int minute = 0, int second = 0) {
  return Instant{day} + std::chrono::hours{hour} + std::chrono::minutes{minute}
         + std::chrono::seconds{second};
}

// Mon 23 Nov 2026 at hour:minute (UTC).
Instant mon(int hour, int minute = 0) {
  return on(k_mon, hour, minute);
}

// Open Mon-Fri 09:00-17:00 UTC, computed day by day. Test-only.
class OfficeHours final : public Clock {
public:
  [[nodiscard]] Seconds open(Instant a, Instant b) const override {
    Seconds total{0};
    for (const slatrack::OpenSpan& span : open_spans(a, b)) {
      total += span.end - span.begin;
    }
    return total;
  }

  [[nodiscard]] Instant add(Instant t, Seconds d) const override {
    Seconds left = d;
    for (Day day = std::chrono::floor<std::chrono::days>(t);; day += std::chrono::days{1}) {
      if (!is_workday(day)) {
        continue;
      }
      const Instant begin = std::max(t, on(day, 9));
      const Instant end = on(day, 17);
      if (begin >= end) {
        continue;
      }
      if (end - begin > left) {
        return begin + left;
      }
      left -= end - begin;
    }
  }

  [[nodiscard]] std::vector<slatrack::OpenSpan> open_spans(Instant a, Instant b) const override {
    std::vector<slatrack::OpenSpan> spans;
    for (Day day = std::chrono::floor<std::chrono::days>(a); Instant{day} < b;
         day += std::chrono::days{1}) {
      if (!is_workday(day)) {
        continue;
      }
      const Instant begin = std::max(a, on(day, 9));
      const Instant end = std::min(b, on(day, 17));
      if (begin < end) {
        spans.push_back(slatrack::OpenSpan{begin, end});
      }
    }
    return spans;
  }

  // Business days by the contract's words, day by day (this clock has no holidays and no DST).
  [[nodiscard]] Instant add_business_days(Instant t, std::int64_t n) const override {
    return walk_business_days(t, n).due;
  }

  [[nodiscard]] BusinessDayWalk walk_business_days(Instant t, std::int64_t n) const override {
    BusinessDayWalk walk;
    walk.start = add(t, Seconds{0});
    Day day = std::chrono::floor<std::chrono::days>(walk.start);
    const Seconds wall = walk.start - Instant{day};
    while (static_cast<std::int64_t>(walk.days.size()) < n) {
      day += std::chrono::days{1};
      if (is_workday(day)) {
        walk.days.push_back(day.time_since_epoch().count());
      }
    }
    walk.due = add(Instant{day} + wall, Seconds{0});
    return walk;
  }

  [[nodiscard]] bool business_day(std::int64_t day) const override {
    return is_workday(Day{std::chrono::days{day}});
  }

  [[nodiscard]] std::int64_t business_days_in(std::int64_t first, std::int64_t end) const override {
    std::int64_t count = 0;
    for (std::int64_t day = first; day < end; ++day) {
      count += business_day(day) ? 1 : 0;
    }
    return count;
  }

  [[nodiscard]] std::int64_t nth_business_day(std::int64_t day0, std::int64_t n) const override {
    std::int64_t day = day0;
    for (std::int64_t found = 0; found < n;) {
      found += business_day(++day) ? 1 : 0;
    }
    return day;
  }

private:
  static bool is_workday(Day day) {
    return std::chrono::weekday{day}.iso_encoding() <= 5;
  }
};

// Events numbered 1, 2, ... in the order given.
std::vector<ClockEvent> events(std::initializer_list<std::pair<Kind, Instant>> list) {
  std::vector<ClockEvent> result;
  std::int64_t seq = 1;
  for (const auto& [kind, at] : list) {
    result.push_back(ClockEvent{kind, at, seq++});
  }
  return result;
}

std::string text(Instant t) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", t);
}

std::string text(const std::optional<Instant>& t) {
  return t ? text(*t) : std::string{"-"};
}

// Every field of an evaluation, one run per line: for comparisons and failure messages.
std::string dump(const Evaluation& e) {
  std::string out = fmt::format(
      "status={} received={} replied={} resolved={} reply_due={} update_due={} resolve_due={}\n",
      slatrack::to_string(e.status), text(e.received_at), text(e.replied_at), text(e.resolved_at),
      text(e.reply_due), text(e.update_due), text(e.resolve_due));
  for (const ClockRun& run : e.clocks) {
    out += fmt::format("  {} start={} due={} stop={} {} target={} used={} credit={}\n",
                       slatrack::to_string(run.metric), text(run.start), text(run.due),
                       text(run.stop), slatrack::to_string(run.outcome), run.target.time.count(),
                       run.used.count(), run.credit.count());
  }
  for (const slatrack::Rejection& rejection : e.rejections) {
    out +=
        fmt::format("  rejected #{}: {}\n", rejection.seq, slatrack::describe(rejection.conflict));
  }
  return out;
}

std::vector<ClockRun> runs_of(const Evaluation& e, Metric metric) {
  std::vector<ClockRun> runs;
  std::copy_if(e.clocks.begin(), e.clocks.end(), std::back_inserter(runs),
               [metric](const ClockRun& run) { return run.metric == metric; });
  return runs;
}

Evaluation evaluate(const std::vector<ClockEvent>& list, const Targets& targets,
                    const Clock& clock) {
  return slatrack::evaluate(list, targets, clock);
}

Evaluation evaluate(const std::vector<ClockEvent>& list, const Targets& targets) {
  const slatrack::AlwaysOpen always;
  return slatrack::evaluate(list, targets, always);
}

Targets targets(Seconds reply, std::optional<Seconds> update = std::nullopt,
                std::optional<Seconds> resolve = std::nullopt) {
  return Targets{reply, update, resolve};
}

} // namespace

TEST_CASE("the contract's story: an email at 09:00 on a 2h 24x7 policy", "[evaluate]") {
  const Targets two_hours = targets(2h);

  SECTION("reply due at 11:00 while nobody has answered") {
    const Evaluation e = evaluate(events({{Kind::message, mon(9)}}), two_hours);
    INFO(dump(e));
    REQUIRE(e.status == Status::open);
    REQUIRE(e.received_at == mon(9));
    REQUIRE_FALSE(e.replied_at);
    REQUIRE(e.reply_due == mon(11));
    REQUIRE_FALSE(e.update_due);
    REQUIRE_FALSE(e.resolve_due);
    REQUIRE(e.clocks.size() == 1);
    REQUIRE(e.clocks[0].metric == Metric::reply);
    REQUIRE(e.clocks[0].start == mon(9));
    REQUIRE(e.clocks[0].due == mon(11));
    REQUIRE_FALSE(e.clocks[0].stop);
    REQUIRE(e.clocks[0].outcome == Outcome::running);
    REQUIRE(e.clocks[0].target == 2h);
    REQUIRE(e.clocks[0].used == 0s);
    REQUIRE(e.rejections.empty());
    const auto next = slatrack::next_due(e);
    REQUIRE(next);
    REQUIRE(next->metric == Metric::reply);
    REQUIRE(next->due == mon(11));
  }

  SECTION("a reply at 11:30 is breached") {
    const Evaluation e =
        evaluate(events({{Kind::message, mon(9)}, {Kind::reply, mon(11, 30)}}), two_hours);
    INFO(dump(e));
    REQUIRE(e.replied_at == mon(11, 30));
    REQUIRE_FALSE(e.reply_due);
    REQUIRE_FALSE(slatrack::next_due(e));
    REQUIRE(e.clocks.size() == 1);
    REQUIRE(e.clocks[0].stop == mon(11, 30));
    REQUIRE(e.clocks[0].outcome == Outcome::breached);
    REQUIRE(e.clocks[0].used == 2h + 30min);
  }

  SECTION("a reply at 10:59 is met, and one at 11:00 still is") {
    const Evaluation e =
        evaluate(events({{Kind::message, mon(9)}, {Kind::reply, mon(10, 59)}}), two_hours);
    INFO(dump(e));
    REQUIRE(e.clocks.size() == 1);
    REQUIRE(e.clocks[0].outcome == Outcome::met);
    REQUIRE(e.clocks[0].used == 1h + 59min);
    const Evaluation on_time =
        evaluate(events({{Kind::message, mon(9)}, {Kind::reply, mon(11)}}), two_hours);
    REQUIRE(on_time.clocks[0].outcome == Outcome::met);
  }
}

TEST_CASE("messages while a reply is owed do not restart the reply clock", "[evaluate]") {
  const Targets two_hours = targets(2h);
  const auto three = {std::pair{Kind::message, mon(9)}, std::pair{Kind::message, mon(9, 30)},
                      std::pair{Kind::message, mon(10)}};
  std::vector<ClockEvent> list = events(three);

  SECTION("one reply clock, anchored at the first message") {
    const Evaluation e = evaluate(list, two_hours);
    INFO(dump(e));
    REQUIRE(e.clocks.size() == 1);
    REQUIRE(e.clocks[0].start == mon(9));
    REQUIRE(e.reply_due == mon(11));
    REQUIRE(e.clocks[0].used == 1h); // up to the last event, 10:00
  }

  SECTION("a reply at 11:15 is late although the last message came at 10:00") {
    list.push_back(ClockEvent{Kind::reply, mon(11, 15), 4});
    const Evaluation e = evaluate(list, two_hours);
    INFO(dump(e));
    REQUIRE(e.clocks.size() == 1);
    REQUIRE(e.clocks[0].outcome == Outcome::breached);
  }

  SECTION("one reply answers them all; the next message starts a new clock") {
    list.push_back(ClockEvent{Kind::reply, mon(10, 30), 4});
    list.push_back(ClockEvent{Kind::message, mon(10, 45), 5});
    const Evaluation e = evaluate(list, two_hours);
    INFO(dump(e));
    REQUIRE(e.clocks.size() == 2);
    REQUIRE(e.clocks[0].stop == mon(10, 30));
    REQUIRE(e.clocks[0].outcome == Outcome::met);
    REQUIRE(e.clocks[0].used == 1h + 30min);
    REQUIRE(e.clocks[1].start == mon(10, 45));
    REQUIRE(e.clocks[1].due == mon(12, 45));
    REQUIRE(e.reply_due == mon(12, 45));
  }
}

TEST_CASE("a pause leaves the reply clock running and holds the resolve clock", "[evaluate]") {
  SECTION("24x7") {
    const Targets t = targets(2h, std::nullopt, 8h);
    std::vector<ClockEvent> list = events({{Kind::message, mon(9)}, {Kind::pause, mon(9, 30)}});

    const Evaluation paused = evaluate(list, t);
    INFO(dump(paused));
    REQUIRE(paused.status == Status::waiting);
    REQUIRE(paused.reply_due == mon(11));
    REQUIRE_FALSE(paused.resolve_due);
    const auto resolve_runs = runs_of(paused, Metric::resolve);
    REQUIRE(resolve_runs.size() == 1);
    REQUIRE(resolve_runs[0].outcome == Outcome::running);
    REQUIRE_FALSE(resolve_runs[0].due);
    REQUIRE(resolve_runs[0].used == 30min);
    REQUIRE(slatrack::next_due(paused)->metric == Metric::reply);

    list.push_back(ClockEvent{Kind::resume, mon(10, 30), 3});
    const Evaluation resumed = evaluate(list, t);
    INFO(dump(resumed));
    REQUIRE(resumed.status == Status::open);
    REQUIRE(resumed.reply_due == mon(11));
    REQUIRE(resumed.resolve_due == mon(18)); // 17:00 plus the hour paused
    REQUIRE(runs_of(resumed, Metric::resolve)[0].used == 30min);

    list.push_back(ClockEvent{Kind::reply, mon(10, 45), 4});
    list.push_back(ClockEvent{Kind::resolve, mon(17, 30), 5});
    const Evaluation done = evaluate(list, t);
    INFO(dump(done));
    REQUIRE(done.status == Status::resolved);
    REQUIRE(done.resolved_at == mon(17, 30));
    const auto runs = runs_of(done, Metric::resolve);
    REQUIRE(runs.size() == 1);
    REQUIRE(runs[0].stop == mon(17, 30));
    REQUIRE(runs[0].due == mon(18));
    REQUIRE(runs[0].used == 7h + 30min);
    REQUIRE(runs[0].outcome == Outcome::met);
  }

  SECTION("business hours: the reply clock runs through the pause") {
    const OfficeHours office;
    const Targets t = targets(2h, std::nullopt, 8h);
    std::vector<ClockEvent> list = events({{Kind::message, mon(9)}});
    // Eight hours are used up at Mon 17:00; nothing more is used until Tue 09:00.
    REQUIRE(evaluate(list, t, office).resolve_due == on(k_tue, 9));

    list.push_back(ClockEvent{Kind::pause, mon(10), 2});
    list.push_back(ClockEvent{Kind::reply, mon(10, 30), 3}); // while waiting: met, no update
    const Evaluation paused = evaluate(list, t, office);
    INFO(dump(paused));
    REQUIRE(runs_of(paused, Metric::reply)[0].outcome == Outcome::met);
    REQUIRE(runs_of(paused, Metric::reply)[0].due == mon(11));
    REQUIRE_FALSE(paused.resolve_due);

    // Counted 1h; the 7h left fill Tue 10:00-17:00 exactly, so it is due when Wed opens.
    list.push_back(ClockEvent{Kind::resume, on(k_tue, 10), 4});
    REQUIRE(evaluate(list, t, office).resolve_due == on(k_wed, 9));

    std::vector<ClockEvent> on_time = list;
    on_time.push_back(ClockEvent{Kind::resolve, on(k_wed, 9), 5});
    const auto met = runs_of(evaluate(on_time, t, office), Metric::resolve);
    REQUIRE(met[0].outcome == Outcome::met);
    REQUIRE(met[0].used == 8h);

    list.push_back(ClockEvent{Kind::resolve, on(k_wed, 9, 0, 1), 5});
    const auto late = runs_of(evaluate(list, t, office), Metric::resolve);
    REQUIRE(late[0].outcome == Outcome::breached);
    REQUIRE(late[0].used == 8h + 1s);
    REQUIRE(late[0].due == on(k_wed, 9));
  }
}

TEST_CASE("a follow-up while waiting resumes the request", "[evaluate]") {
  const Targets t = targets(1h, 2h, 8h);
  std::vector<ClockEvent> list = events({{Kind::message, mon(9)},
                                         {Kind::reply, mon(9, 10)},
                                         {Kind::pause, mon(9, 20)},
                                         {Kind::message, mon(10)}});
  const Evaluation e = evaluate(list, t);
  INFO(dump(e));
  REQUIRE(e.status == Status::open);
  REQUIRE(e.rejections.empty());
  REQUIRE(e.reply_due == mon(11));
  REQUIRE_FALSE(e.update_due); // a reply is owed: no update clock, not even a zero-length one
  REQUIRE(e.resolve_due == mon(17, 40)); // 20 min counted before the pause
  const auto updates = runs_of(e, Metric::update);
  REQUIRE(updates.size() == 1);
  REQUIRE(updates[0].start == mon(9, 10));
  REQUIRE(updates[0].due == mon(11, 10));
  REQUIRE(updates[0].stop == mon(9, 20));
  REQUIRE(updates[0].outcome == Outcome::met);
  REQUIRE(updates[0].used == 10min);
  const auto replies = runs_of(e, Metric::reply);
  REQUIRE(replies.size() == 2);
  REQUIRE(replies[1].start == mon(10));

  list.push_back(ClockEvent{Kind::reply, mon(10, 30), 5});
  const Evaluation answered = evaluate(list, t);
  INFO(dump(answered));
  REQUIRE(answered.update_due == mon(12, 30));
}

TEST_CASE("a follow-up on a resolved request reopens it", "[evaluate]") {
  const Targets t = targets(1h, std::nullopt, 4h);
  const Evaluation e = evaluate(events({{Kind::message, mon(9)},
                                        {Kind::reply, mon(9, 30)},
                                        {Kind::resolve, mon(10)},
                                        {Kind::message, mon(12)}}),
                                t);
  INFO(dump(e));
  REQUIRE(e.status == Status::open);
  REQUIRE(e.received_at == mon(9));
  REQUIRE(e.replied_at == mon(9, 30));
  REQUIRE_FALSE(e.resolved_at);
  REQUIRE(e.reply_due == mon(13));
  REQUIRE(e.resolve_due == mon(15));
  const auto runs = runs_of(e, Metric::resolve);
  REQUIRE(runs.size() == 2);
  REQUIRE(runs[0].stop == mon(10));
  REQUIRE(runs[0].due == mon(13));
  REQUIRE(runs[0].used == 1h);
  REQUIRE(runs[0].outcome == Outcome::met);
  REQUIRE(runs[1].start == mon(12));
  REQUIRE(runs[1].credit == 1h);
  REQUIRE(runs[1].due == mon(15));
  REQUIRE(runs[1].outcome == Outcome::running);
  REQUIRE(runs[1].used == 1h);
}

TEST_CASE("a reopen after a breached resolve stays breached and carries the count", "[evaluate]") {
  SECTION("breached in the first run") {
    const Targets t = targets(4h, std::nullopt, 1h);
    std::vector<ClockEvent> list =
        events({{Kind::message, mon(9)}, {Kind::resolve, mon(11)}, {Kind::reopen, mon(12)}});
    const Evaluation reopened = evaluate(list, t);
    INFO(dump(reopened));
    REQUIRE(reopened.status == Status::open);
    REQUIRE(reopened.reply_due == mon(16)); // a reopen is a client message
    REQUIRE(reopened.resolve_due == mon(10));
    auto runs = runs_of(reopened, Metric::resolve);
    REQUIRE(runs.size() == 2);
    REQUIRE(runs[0].due == mon(10));
    REQUIRE(runs[0].used == 2h);
    REQUIRE(runs[0].outcome == Outcome::breached);
    REQUIRE(runs[1].start == mon(12));
    REQUIRE(runs[1].credit == 2h);
    REQUIRE(runs[1].due == mon(10));

    list.push_back(ClockEvent{Kind::resolve, mon(12, 30), 4});
    const Evaluation done = evaluate(list, t);
    INFO(dump(done));
    runs = runs_of(done, Metric::resolve);
    REQUIRE(runs[1].stop == mon(12, 30));
    REQUIRE(runs[1].used == 2h + 30min);
    REQUIRE(runs[1].due == mon(10));
    REQUIRE(runs[1].outcome == Outcome::breached);
  }

  SECTION("breached in the second run, then paused and resumed") {
    const Targets t = targets(4h, std::nullopt, 2h);
    std::vector<ClockEvent> list = events({{Kind::message, mon(9)},
                                           {Kind::resolve, mon(10)},
                                           {Kind::reopen, mon(12)},
                                           {Kind::pause, mon(13, 30)}});
    const Evaluation paused = evaluate(list, t);
    INFO(dump(paused));
    REQUIRE_FALSE(paused.resolve_due); // not counting
    auto runs = runs_of(paused, Metric::resolve);
    REQUIRE(runs[0].outcome == Outcome::met);
    REQUIRE(runs[0].due == mon(11));
    REQUIRE(runs[1].credit == 1h);
    REQUIRE(runs[1].due == mon(13)); // the count passed 2h at 13:00
    REQUIRE(runs[1].used == 2h + 30min);

    list.push_back(ClockEvent{Kind::resume, mon(15), 5});
    const Evaluation resumed = evaluate(list, t);
    REQUIRE(resumed.resolve_due == mon(13));

    list.push_back(ClockEvent{Kind::resolve, mon(15, 30), 6});
    const Evaluation done = evaluate(list, t);
    INFO(dump(done));
    runs = runs_of(done, Metric::resolve);
    REQUIRE(runs[1].used == 3h);
    REQUIRE(runs[1].due == mon(13));
    REQUIRE(runs[1].outcome == Outcome::breached);
  }
}

TEST_CASE("a reopen after a met resolve goes on with the credit", "[evaluate]") {
  SECTION("24x7") {
    const Targets t = targets(2h, std::nullopt, 4h);
    std::vector<ClockEvent> list =
        events({{Kind::message, mon(9)}, {Kind::resolve, mon(10)}, {Kind::reopen, mon(14)}});
    const Evaluation e = evaluate(list, t);
    INFO(dump(e));
    auto runs = runs_of(e, Metric::resolve);
    REQUIRE(runs[0].due == mon(13));
    REQUIRE(runs[0].outcome == Outcome::met);
    REQUIRE(runs[1].credit == 1h);
    REQUIRE(runs[1].due == mon(17)); // add(14:00, 4h - 1h)
    REQUIRE(e.resolve_due == mon(17));

    list.push_back(ClockEvent{Kind::resolve, mon(16), 4});
    runs = runs_of(evaluate(list, t), Metric::resolve);
    REQUIRE(runs[1].used == 3h);
    REQUIRE(runs[1].outcome == Outcome::met);
  }

  SECTION("business hours: reopened Friday 16:00 with 1h counted of 4h") {
    const OfficeHours office;
    const Targets t = targets(2h, std::nullopt, 4h);
    const Evaluation e = evaluate(events({{Kind::message, on(k_thu, 9)},
                                          {Kind::resolve, on(k_thu, 10)},
                                          {Kind::reopen, on(k_fri, 16)}}),
                                  t, office);
    INFO(dump(e));
    REQUIRE(e.reply_due == mon(10));
    REQUIRE(e.resolve_due == mon(11));
    REQUIRE(runs_of(e, Metric::resolve)[1].credit == 1h);
  }
}

TEST_CASE("the update clock", "[evaluate]") {
  const Targets t = targets(1h, 4h);
  std::vector<ClockEvent> list = events({{Kind::message, mon(9)},
                                         {Kind::reply, mon(9, 30)},
                                         {Kind::reply, mon(11)},
                                         {Kind::pause, mon(12)},
                                         {Kind::resume, mon(13)}});

  SECTION("starts at a reply, restarts at each reply, stops at a pause, starts at a resume") {
    const Evaluation e = evaluate(list, t);
    INFO(dump(e));
    REQUIRE(e.update_due == mon(17));
    REQUIRE_FALSE(e.reply_due);
    const auto next = slatrack::next_due(e);
    REQUIRE(next->metric == Metric::update);
    REQUIRE(next->due == mon(17));
    const auto updates = runs_of(e, Metric::update);
    REQUIRE(updates.size() == 3);
    REQUIRE(updates[0].start == mon(9, 30));
    REQUIRE(updates[0].due == mon(13, 30));
    REQUIRE(updates[0].stop == mon(11));
    REQUIRE(updates[0].used == 1h + 30min);
    REQUIRE(updates[0].outcome == Outcome::met);
    REQUIRE(updates[1].start == mon(11));
    REQUIRE(updates[1].due == mon(15));
    REQUIRE(updates[1].stop == mon(12));
    REQUIRE(updates[1].outcome == Outcome::met);
    REQUIRE(updates[2].start == mon(13));
    REQUIRE(updates[2].due == mon(17));
    REQUIRE(updates[2].outcome == Outcome::running);
  }

  SECTION("a client message after a long silence stops it breached") {
    list.push_back(ClockEvent{Kind::message, mon(18), 6});
    const Evaluation e = evaluate(list, t);
    INFO(dump(e));
    REQUIRE_FALSE(e.update_due);
    REQUIRE(e.reply_due == mon(19));
    const auto updates = runs_of(e, Metric::update);
    REQUIRE(updates[2].stop == mon(18));
    REQUIRE(updates[2].used == 5h);
    REQUIRE(updates[2].outcome == Outcome::breached);
  }

  SECTION("a resume while a reply is owed starts no update clock") {
    const Evaluation e = evaluate(
        events({{Kind::message, mon(9)}, {Kind::pause, mon(9, 10)}, {Kind::resume, mon(9, 20)}}),
        t);
    INFO(dump(e));
    REQUIRE_FALSE(e.update_due);
    REQUIRE(runs_of(e, Metric::update).empty());
    REQUIRE(e.reply_due == mon(10));
  }

  SECTION("no update target, no update clock") {
    const Evaluation e = evaluate(list, targets(1h));
    REQUIRE(runs_of(e, Metric::update).empty());
    REQUIRE_FALSE(e.update_due);
  }
}

TEST_CASE("a priority change means other targets and other outcomes", "[evaluate]") {
  slatrack::Policy policy;
  policy.name = "support";
  policy.calendar = "24x7";
  policy.base = targets(2h);
  policy.overrides[slatrack::Priority::urgent] = slatrack::TargetOverride{30min, {}, {}};
  const std::vector<ClockEvent> list = events({{Kind::message, mon(9)}, {Kind::reply, mon(10)}});

  const Evaluation normal =
      evaluate(list, slatrack::targets_for(policy, slatrack::Priority::normal));
  const Evaluation urgent =
      evaluate(list, slatrack::targets_for(policy, slatrack::Priority::urgent));
  REQUIRE(normal.clocks[0].due == mon(11));
  REQUIRE(normal.clocks[0].outcome == Outcome::met);
  REQUIRE(urgent.clocks[0].due == mon(9, 30));
  REQUIRE(urgent.clocks[0].outcome == Outcome::breached);
  REQUIRE(urgent.clocks[0].target == 30min);
}

TEST_CASE("targets_for: base targets with the priority's overrides", "[evaluate]") {
  slatrack::Policy policy;
  policy.name = "gold";
  policy.calendar = "office";
  policy.base = targets(24h, 48h, 120h);
  policy.overrides[slatrack::Priority::urgent] = slatrack::TargetOverride{1h, 0s, {}};
  policy.overrides[slatrack::Priority::high] = slatrack::TargetOverride{{}, {}, {}};
  policy.overrides[slatrack::Priority::low] = slatrack::TargetOverride{{}, 96h, 0s};

  REQUIRE(slatrack::targets_for(policy, slatrack::Priority::normal) == targets(24h, 48h, 120h));
  REQUIRE(slatrack::targets_for(policy, slatrack::Priority::high) == targets(24h, 48h, 120h));
  REQUIRE(slatrack::targets_for(policy, slatrack::Priority::urgent)
          == targets(1h, std::nullopt, 120h));
  REQUIRE(slatrack::targets_for(policy, slatrack::Priority::low)
          == targets(24h, 96h, std::nullopt));

  // An override can also set a target the base does not have.
  policy.base = targets(24h);
  policy.overrides[slatrack::Priority::urgent] = slatrack::TargetOverride{{}, 4h, 8h};
  REQUIRE(slatrack::targets_for(policy, slatrack::Priority::urgent) == targets(24h, 4h, 8h));
}

TEST_CASE("conflicting events are rejected and change nothing", "[evaluate]") {
  const Targets t = targets(2h, 4h, 8h);
  // The evaluation with the conflicting event, less its rejections, equals the one without it.
  const auto check = [&t](const std::vector<ClockEvent>& with, std::int64_t seq,
                          Conflict conflict) {
    std::vector<ClockEvent> without;
    std::copy_if(with.begin(), with.end(), std::back_inserter(without),
                 [seq](const ClockEvent& event) { return event.seq != seq; });
    Evaluation e = evaluate(with, t);
    INFO(dump(e));
    REQUIRE(e.rejections.size() == 1);
    REQUIRE(e.rejections[0].seq == seq);
    REQUIRE(e.rejections[0].conflict == conflict);
    e.rejections.clear();
    REQUIRE(dump(e) == dump(evaluate(without, t)));
  };

  SECTION("before the first message") {
    check(events({{Kind::note, mon(8)}, {Kind::message, mon(9)}, {Kind::reply, mon(9, 30)}}), 1,
          Conflict::before_first_message);
    // At the same second, but entered before the message.
    check(events({{Kind::pause, mon(9)}, {Kind::message, mon(9)}}), 1,
          Conflict::before_first_message);
  }
  SECTION("pause when not open") {
    check(events({{Kind::message, mon(9)}, {Kind::pause, mon(10)}, {Kind::pause, mon(11)}}), 3,
          Conflict::not_open);
    check(events({{Kind::message, mon(9)}, {Kind::resolve, mon(10)}, {Kind::pause, mon(11)}}), 3,
          Conflict::not_open);
  }
  SECTION("resume when not waiting") {
    check(events({{Kind::message, mon(9)}, {Kind::resume, mon(10)}}), 2, Conflict::not_waiting);
    check(events({{Kind::message, mon(9)},
                  {Kind::pause, mon(10)},
                  {Kind::resolve, mon(11)},
                  {Kind::resume, mon(12)}}),
          4, Conflict::not_waiting);
  }
  SECTION("resolve when resolved") {
    check(events({{Kind::message, mon(9)}, {Kind::resolve, mon(10)}, {Kind::resolve, mon(11)}}), 3,
          Conflict::already_resolved);
  }
  SECTION("reopen when not resolved") {
    check(events({{Kind::message, mon(9)}, {Kind::reopen, mon(10)}}), 2, Conflict::not_resolved);
    check(events({{Kind::message, mon(9)}, {Kind::pause, mon(10)}, {Kind::reopen, mon(10, 30)}}), 3,
          Conflict::not_resolved);
  }
  SECTION("no message at all: nothing applies") {
    const Evaluation e = evaluate(events({{Kind::note, mon(8)}, {Kind::reply, mon(9)}}), t);
    INFO(dump(e));
    REQUIRE(e.status == Status::open);
    REQUIRE_FALSE(e.received_at);
    REQUIRE_FALSE(e.replied_at);
    REQUIRE(e.clocks.empty());
    REQUIRE_FALSE(slatrack::next_due(e));
    REQUIRE(e.rejections.size() == 2);
    REQUIRE(e.rejections[0].conflict == Conflict::before_first_message);
    REQUIRE(e.rejections[1].seq == 2);
  }
  SECTION("the phrases") {
    REQUIRE(slatrack::describe(Conflict::before_first_message)
            == "it is before the request's first message");
    REQUIRE(slatrack::describe(Conflict::not_open)
            == "it is not open then (already waiting or resolved)");
    REQUIRE(slatrack::describe(Conflict::not_waiting) == "it is not waiting on the client then");
    REQUIRE(slatrack::describe(Conflict::already_resolved) == "it is already resolved then");
    REQUIRE(slatrack::describe(Conflict::not_resolved) == "it is not resolved then");
  }
}

TEST_CASE("events at the same second are ordered by seq", "[evaluate]") {
  const Targets t = targets(2h, std::nullopt, 8h);

  SECTION("pause then resume") {
    // Entered in reverse: evaluation sorts by (at, seq).
    const std::vector<ClockEvent> list{ClockEvent{Kind::resume, mon(10), 3},
                                       ClockEvent{Kind::pause, mon(10), 2},
                                       ClockEvent{Kind::message, mon(9), 1}};
    const Evaluation e = evaluate(list, t);
    INFO(dump(e));
    REQUIRE(e.status == Status::open);
    REQUIRE(e.rejections.empty());
    REQUIRE(e.resolve_due == mon(17));
  }

  SECTION("resume then pause: the resume is refused") {
    const std::vector<ClockEvent> list{ClockEvent{Kind::pause, mon(10), 3},
                                       ClockEvent{Kind::resume, mon(10), 2},
                                       ClockEvent{Kind::message, mon(9), 1}};
    const Evaluation e = evaluate(list, t);
    INFO(dump(e));
    REQUIRE(e.status == Status::waiting);
    REQUIRE(e.rejections.size() == 1);
    REQUIRE(e.rejections[0].seq == 2);
    REQUIRE(e.rejections[0].conflict == Conflict::not_waiting);
  }

  SECTION("resolve and reopen at one second make two resolve runs in order") {
    const Evaluation e = evaluate(events({{Kind::message, mon(9)},
                                          {Kind::resolve, mon(10)},
                                          {Kind::reopen, mon(10)},
                                          {Kind::resolve, mon(10)},
                                          {Kind::reopen, mon(10)}}),
                                  t);
    INFO(dump(e));
    const auto runs = runs_of(e, Metric::resolve);
    REQUIRE(runs.size() == 3);
    REQUIRE(runs[0].start == mon(9));
    REQUIRE(runs[1].start == mon(10));
    REQUIRE(runs[1].stop == mon(10));
    REQUIRE(runs[2].start == mon(10));
    REQUIRE_FALSE(runs[2].stop);
    REQUIRE(runs[2].credit == 1h);
    REQUIRE(e.resolve_due == mon(17));
  }
}

TEST_CASE("resolve while waiting", "[evaluate]") {
  const auto list =
      events({{Kind::message, mon(9)}, {Kind::pause, mon(10)}, {Kind::resolve, mon(12)}});

  SECTION("within the target") {
    const Evaluation e = evaluate(list, targets(4h, 1h, 8h));
    INFO(dump(e));
    REQUIRE(e.status == Status::resolved);
    REQUIRE(e.resolved_at == mon(12));
    REQUIRE_FALSE(e.reply_due);
    REQUIRE_FALSE(e.update_due);
    REQUIRE_FALSE(e.resolve_due);
    const auto replies = runs_of(e, Metric::reply);
    REQUIRE(replies[0].stop == mon(12));
    REQUIRE(replies[0].outcome == Outcome::met);
    REQUIRE(replies[0].used == 3h);
    const auto runs = runs_of(e, Metric::resolve);
    REQUIRE(runs[0].stop == mon(12));
    REQUIRE(runs[0].used == 1h);
    REQUIRE(runs[0].outcome == Outcome::met);
    REQUIRE_FALSE(runs[0].due); // it was not counting when it stopped
  }

  SECTION("past the target") {
    const Evaluation e = evaluate(list, targets(4h, 1h, 30min));
    INFO(dump(e));
    const auto runs = runs_of(e, Metric::resolve);
    REQUIRE(runs[0].used == 1h);
    REQUIRE(runs[0].outcome == Outcome::breached);
    REQUIRE(runs[0].due == mon(9, 30));
  }
}

TEST_CASE("a reply with no reply clock running", "[evaluate]") {
  const Targets t = targets(1h, 2h);

  SECTION("a proactive update restarts the update clock") {
    const Evaluation e = evaluate(
        events({{Kind::message, mon(9)}, {Kind::reply, mon(9, 30)}, {Kind::reply, mon(10)}}), t);
    INFO(dump(e));
    REQUIRE(e.replied_at == mon(9, 30));
    REQUIRE(runs_of(e, Metric::reply).size() == 1);
    const auto updates = runs_of(e, Metric::update);
    REQUIRE(updates.size() == 2);
    REQUIRE(updates[0].stop == mon(10));
    REQUIRE(updates[0].outcome == Outcome::met);
    REQUIRE(updates[1].start == mon(10));
    REQUIRE(e.update_due == mon(12));
  }

  SECTION("a reply on a resolved request is fine and starts nothing") {
    const Evaluation e = evaluate(
        events({{Kind::message, mon(9)}, {Kind::resolve, mon(9, 30)}, {Kind::reply, mon(10)}}), t);
    INFO(dump(e));
    REQUIRE(e.rejections.empty());
    REQUIRE(e.status == Status::resolved);
    REQUIRE(e.replied_at == mon(10));
    REQUIRE(runs_of(e, Metric::update).empty());
    REQUIRE_FALSE(slatrack::next_due(e));
  }
}

TEST_CASE("business hours with a test clock", "[evaluate]") {
  const OfficeHours office;
  const Targets t = targets(2h);

  SECTION("the test clock itself") {
    REQUIRE(office.add(on(k_fri, 16, 30), 2h) == mon(10, 30));
    REQUIRE(office.add(on(k_sat, 12), 2h) == mon(11));
    REQUIRE(office.add(on(k_fri, 16), 1h) == mon(9));
    REQUIRE(office.open(on(k_fri, 16, 30), mon(10, 30)) == 2h);
  }

  SECTION("Fri 16:30 + 2h = Mon 10:30") {
    const Evaluation e = evaluate(events({{Kind::message, on(k_fri, 16, 30)}}), t, office);
    REQUIRE(e.reply_due == mon(10, 30));
  }

  SECTION("Sat 12:00 + 2h = Mon 11:00") {
    const Evaluation e = evaluate(events({{Kind::message, on(k_sat, 12)}}), t, office);
    REQUIRE(e.reply_due == mon(11));
  }

  SECTION("Fri 16:00 + 1h = Mon 09:00: a reply over the weekend or at 09:00 is on time") {
    const Targets one_hour = targets(1h);
    const auto outcome = [&](Instant reply) {
      const Evaluation e = evaluate(events({{Kind::message, on(k_fri, 16)}, {Kind::reply, reply}}),
                                    one_hour, office);
      REQUIRE(e.clocks[0].due == mon(9));
      return e.clocks[0].outcome;
    };
    REQUIRE(outcome(on(k_sat, 10)) == Outcome::met);
    REQUIRE(outcome(mon(9)) == Outcome::met);
    REQUIRE(outcome(on(k_mon, 9, 0, 1)) == Outcome::breached);
  }

  SECTION("used is open time") {
    const Evaluation e =
        evaluate(events({{Kind::message, on(k_fri, 16, 30)}, {Kind::reply, mon(10)}}), t, office);
    REQUIRE(e.clocks[0].used == 1h + 30min);
    REQUIRE(e.clocks[0].outcome == Outcome::met);
  }
}

TEST_CASE("next_due: the earliest running due, ties to reply then update", "[evaluate]") {
  Evaluation e;
  REQUIRE_FALSE(slatrack::next_due(e));
  e.resolve_due = mon(12);
  e.update_due = mon(12);
  REQUIRE(slatrack::next_due(e)->metric == Metric::update);
  e.reply_due = mon(12);
  REQUIRE(slatrack::next_due(e)->metric == Metric::reply);
  e.resolve_due = mon(11);
  REQUIRE(slatrack::next_due(e)->metric == Metric::resolve);
  REQUIRE(slatrack::next_due(e)->due == mon(11));
}

namespace {

// A random request history that only makes valid transitions, with the status after each event.
struct History {
  std::vector<ClockEvent> events; // in time order, seq = index
  std::vector<Status> status_after;
};

Kind pick(std::mt19937& rng, std::initializer_list<Kind> kinds) {
  std::uniform_int_distribution<std::size_t> index(0, kinds.size() - 1);
  return *(kinds.begin() + index(rng));
}

Seconds random_gap(std::mt19937& rng) {
  const int scale = std::uniform_int_distribution<int>(0, 9)(rng);
  if (scale <= 1) {
    return 0s; // same second
  }
  const long most = scale <= 5 ? 3600L : scale <= 8 ? 86400L : 4 * 86400L;
  return Seconds{std::uniform_int_distribution<long>(1, most)(rng)};
}

Instant random_start(std::mt19937& rng) {
  return on(k_mon, 0) + Seconds{std::uniform_int_distribution<long>(0, 14 * 86400L)(rng)};
}

History valid_history(std::mt19937& rng) {
  History history;
  Instant at = random_start(rng);
  Status status = Status::open;
  history.events.push_back(ClockEvent{Kind::message, at, 0});
  history.status_after.push_back(status);
  const int count = std::uniform_int_distribution<int>(0, 24)(rng);
  for (int i = 1; i <= count; ++i) {
    at += random_gap(rng);
    Kind kind = Kind::note;
    switch (status) {
    case Status::open:
      kind = pick(rng, {Kind::message, Kind::reply, Kind::pause, Kind::resolve, Kind::note});
      break;
    case Status::waiting:
      kind = pick(rng, {Kind::message, Kind::reply, Kind::resume, Kind::resolve, Kind::assign});
      break;
    case Status::resolved:
      kind = pick(rng, {Kind::message, Kind::reply, Kind::reopen, Kind::edit});
      break;
    }
    if (kind == Kind::pause) {
      status = Status::waiting;
    } else if (kind == Kind::resolve) {
      status = Status::resolved;
    } else if (kind == Kind::message || kind == Kind::resume || kind == Kind::reopen) {
      status = Status::open;
    }
    history.events.push_back(ClockEvent{kind, at, i});
    history.status_after.push_back(status);
  }
  return history;
}

// Any events at all, valid or not, possibly before the first message.
std::vector<ClockEvent> any_history(std::mt19937& rng) {
  std::vector<ClockEvent> list;
  Instant at = random_start(rng);
  const int count = std::uniform_int_distribution<int>(1, 20)(rng);
  std::uniform_int_distribution<int> kind(0, 8);
  for (int i = 0; i < count; ++i) {
    at += random_gap(rng);
    list.push_back(ClockEvent{static_cast<Kind>(kind(rng)), at, i});
  }
  return list;
}

Targets random_targets(std::mt19937& rng) {
  const auto choose = [&rng](std::initializer_list<Seconds> values) {
    std::uniform_int_distribution<std::size_t> index(0, values.size() - 1);
    return *(values.begin() + index(rng));
  };
  Targets t;
  t.reply = choose({30min, 2h, 8h, 24h});
  if (std::uniform_int_distribution<int>(0, 2)(rng) != 0) {
    t.update = choose({1h, 4h, 48h});
  }
  if (std::uniform_int_distribution<int>(0, 2)(rng) != 0) {
    t.resolve = choose({1h, 8h, 40h, 72h});
  }
  return t;
}

// Brute force: the open time while the status was open, from the first message up to `until`.
Seconds counted_open(const History& history, const Clock& clock, Instant until) {
  Seconds total{0};
  for (std::size_t i = 0; i < history.events.size(); ++i) {
    if (history.status_after[i] != Status::open) {
      continue;
    }
    const Instant from = history.events[i].at;
    const Instant to =
        i + 1 < history.events.size() ? std::min(history.events[i + 1].at, until) : until;
    total += clock.open(from, to);
  }
  return total;
}

void check_invariants(const History& history, const Targets& t, const Clock& clock,
                      const Evaluation& e) {
  INFO(dump(e));
  const Instant last = history.events.back().at;
  REQUIRE(e.rejections.empty());
  REQUIRE(e.status == history.status_after.back());
  REQUIRE(e.received_at == history.events.front().at);
  std::optional<Instant> first_reply;
  std::optional<Instant> last_resolve;
  for (const ClockEvent& event : history.events) {
    if (event.kind == Kind::reply && !first_reply) {
      first_reply = event.at;
    }
    if (event.kind == Kind::resolve) {
      last_resolve = event.at;
    }
  }
  REQUIRE(e.replied_at == first_reply);
  REQUIRE(e.resolved_at
          == (e.status == Status::resolved ? last_resolve : std::optional<Instant>{}));

  std::array<std::optional<ClockRun>, 3> running;
  for (std::size_t i = 0; i < e.clocks.size(); ++i) {
    const ClockRun& run = e.clocks[i];
    if (i > 0) {
      const ClockRun& before = e.clocks[i - 1];
      REQUIRE(std::tie(before.start, before.metric) <= std::tie(run.start, run.metric));
    }
    const Instant end = run.stop.value_or(last);
    if (!run.stop) {
      const auto index = static_cast<std::size_t>(run.metric);
      REQUIRE_FALSE(running[index]); // at most one running run per metric
      running[index] = run;
      REQUIRE(run.outcome == Outcome::running);
    }
    if (run.metric == Metric::resolve) {
      REQUIRE(t.resolve);
      REQUIRE(run.target == *t.resolve);
      REQUIRE(run.credit == counted_open(history, clock, run.start));
      REQUIRE(run.used == counted_open(history, clock, end));
      if (run.stop) {
        REQUIRE(run.outcome == (run.used <= run.target.time ? Outcome::met : Outcome::breached));
      }
      if (run.used > run.target.time) {
        // Due when the count reached the target, the last second within it.
        REQUIRE(run.due);
        REQUIRE(counted_open(history, clock, *run.due) == run.target.time);
        REQUIRE(counted_open(history, clock, *run.due + 1s) > run.target.time);
      }
      continue;
    }
    REQUIRE(run.credit == 0s);
    REQUIRE(run.target == (run.metric == Metric::reply ? t.reply : t.update.value()));
    REQUIRE(run.due == clock.add(run.start, run.target.time));
    REQUIRE(run.used == clock.open(run.start, end));
    if (run.stop) {
      REQUIRE(run.outcome == (*run.stop <= *run.due ? Outcome::met : Outcome::breached));
    }
  }
  const auto due_of = [&running](Metric metric) {
    const auto& run = running[static_cast<std::size_t>(metric)];
    return run ? run->due : std::nullopt;
  };
  REQUIRE(e.reply_due == due_of(Metric::reply));
  REQUIRE(e.update_due == due_of(Metric::update));
  REQUIRE(e.resolve_due
          == (e.status == Status::open ? due_of(Metric::resolve) : std::optional<Instant>{}));
  REQUIRE(running[static_cast<std::size_t>(Metric::resolve)].has_value()
          == (t.resolve && e.status != Status::resolved));
  if (e.status == Status::resolved) {
    REQUIRE_FALSE(slatrack::next_due(e));
  }

  // A reply clock and an update clock never run at the same time.
  for (const ClockRun& reply : runs_of(e, Metric::reply)) {
    for (const ClockRun& update : runs_of(e, Metric::update)) {
      const Instant reply_end = reply.stop.value_or(Instant::max());
      const Instant update_end = update.stop.value_or(Instant::max());
      REQUIRE(std::max(reply.start, update.start) >= std::min(reply_end, update_end));
    }
  }
}

} // namespace

TEST_CASE("property: valid histories in any order give one evaluation", "[evaluate]") {
  std::mt19937 rng(20261123);
  const slatrack::AlwaysOpen always;
  const OfficeHours office;
  for (int round = 0; round < 3000; ++round) {
    const Clock& clock = round % 2 == 0 ? static_cast<const Clock&>(always) : office;
    const Targets t = random_targets(rng);
    const History history = valid_history(rng);
    const Evaluation in_order = slatrack::evaluate(history.events, t, clock);
    check_invariants(history, t, clock, in_order);
    const std::string expected = dump(in_order);
    std::vector<ClockEvent> shuffled = history.events;
    for (int shuffle = 0; shuffle < 3; ++shuffle) {
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      REQUIRE(dump(slatrack::evaluate(shuffled, t, clock)) == expected);
    }
  }
}

TEST_CASE("property: any history; rejected events change nothing", "[evaluate]") {
  std::mt19937 rng(424242);
  const slatrack::AlwaysOpen always;
  const OfficeHours office;
  for (int round = 0; round < 2000; ++round) {
    const Clock& clock = round % 2 == 0 ? static_cast<const Clock&>(always) : office;
    const Targets t = random_targets(rng);
    std::vector<ClockEvent> list = any_history(rng);
    Evaluation e = slatrack::evaluate(list, t, clock);
    const std::string expected = dump(e);
    for (int shuffle = 0; shuffle < 3; ++shuffle) {
      std::shuffle(list.begin(), list.end(), rng);
      REQUIRE(dump(slatrack::evaluate(list, t, clock)) == expected);
    }
    std::vector<ClockEvent> kept;
    std::copy_if(list.begin(), list.end(), std::back_inserter(kept), [&e](const ClockEvent& event) {
      return std::none_of(e.rejections.begin(), e.rejections.end(),
                          [&event](const slatrack::Rejection& r) { return r.seq == event.seq; });
    });
    const Evaluation clean = slatrack::evaluate(kept, t, clock);
    REQUIRE(clean.rejections.empty());
    e.rejections.clear();
    REQUIRE(dump(clean) == dump(e));
  }
}

// ---- Business days (SPEC.md "Business days") ----

TEST_CASE("business days: reply and update clocks are due at addbd(start, N)", "[evaluate][bd]") {
  const OfficeHours office;
  Targets t;
  t.reply = slatrack::Target::days(1);
  t.update = slatrack::Target::days(2);
  // Fri 16:30 + 1bd = Mon 16:30.
  std::vector<ClockEvent> list = events({{Kind::message, on(k_fri, 16, 30)}});
  REQUIRE(evaluate(list, t, office).reply_due == mon(16, 30));
  SECTION("a reply at the due time is met, a second later breached") {
    list.push_back(ClockEvent{Kind::reply, mon(16, 30), 2});
    const Evaluation met = evaluate(list, t, office);
    REQUIRE(met.clocks[0].outcome == Outcome::met);
    REQUIRE(met.clocks[0].target == slatrack::Target::days(1));
    // The update clock starts at the reply: Mon 16:30 + 2bd = Wed 16:30.
    REQUIRE(met.update_due == on(k_wed, 16, 30));
    list.back().at = mon(16, 31);
    REQUIRE(evaluate(list, t, office).clocks[0].outcome == Outcome::breached);
  }
}

TEST_CASE("business days: the resolve clock is due at add(addbd(first, N), w)", "[evaluate][bd]") {
  const OfficeHours office;
  Targets t;
  t.reply = Seconds{2h};
  t.resolve = slatrack::Target::days(2);
  std::vector<ClockEvent> list = events({{Kind::message, mon(10)}});
  REQUIRE(evaluate(list, t, office).resolve_due == on(k_wed, 10));

  SECTION("waiting moves it by the open time not counted") {
    list.push_back(ClockEvent{Kind::pause, mon(11), 2});
    REQUIRE_FALSE(evaluate(list, t, office).resolve_due);
    list.push_back(ClockEvent{Kind::resume, mon(15), 3});
    // w = 4h of open time waiting: Wed 10:00 + 4h = Wed 14:00.
    REQUIRE(evaluate(list, t, office).resolve_due == on(k_wed, 14));
    list.push_back(ClockEvent{Kind::resolve, on(k_wed, 14), 4});
    const Evaluation met = evaluate(list, t, office);
    REQUIRE(runs_of(met, Metric::resolve)[0].outcome == Outcome::met);
    REQUIRE(runs_of(met, Metric::resolve)[0].due == on(k_wed, 14));
    list.back().at = on(k_wed, 14, 1);
    const Evaluation late = evaluate(list, t, office);
    REQUIRE(runs_of(late, Metric::resolve)[0].outcome == Outcome::breached);
    REQUIRE(runs_of(late, Metric::resolve)[0].due == on(k_wed, 14));
  }

  SECTION("after a reopen it goes on, the resolved time not counted") {
    list.push_back(ClockEvent{Kind::resolve, mon(12), 2});
    list.push_back(ClockEvent{Kind::reopen, on(k_tue, 9), 3});
    // w = open(Mon 10:00, Tue 09:00) - 2h counted = 5h: Wed 10:00 + 5h = Wed 15:00.
    const Evaluation reopened = evaluate(list, t, office);
    REQUIRE(reopened.resolve_due == on(k_wed, 15));
    const auto runs = runs_of(reopened, Metric::resolve);
    REQUIRE(runs.size() == 2);
    REQUIRE(runs[0].outcome == Outcome::met);
    REQUIRE(runs[1].credit == 2h);
  }

  SECTION("breached while counting stays breached through a pause") {
    list.push_back(ClockEvent{Kind::pause, on(k_wed, 11), 2});
    list.push_back(ClockEvent{Kind::resume, on(k_wed, 12), 3});
    const Evaluation resumed = evaluate(list, t, office);
    REQUIRE(resumed.resolve_due == on(k_wed, 10));
    list.push_back(ClockEvent{Kind::resolve, on(k_wed, 13), 4});
    REQUIRE(runs_of(evaluate(list, t, office), Metric::resolve)[0].outcome == Outcome::breached);
  }
}

TEST_CASE("open lateness, the margin of a stopped run and what a breach missed by, in open time",
          "[evaluate]") {
  const OfficeHours office;
  const Instant friday_16 = on(k_fri, 16);
  const Instant monday_10 = mon(10);
  // Late: open time from due to now (Fri 16:00 -> Mon 10:00 = 1h + 1h).
  CHECK(open_late(office, friday_16, monday_10) == std::chrono::hours{2});
  // Not yet due: minus the open time left.
  CHECK(open_late(office, monday_10, friday_16) == -std::chrono::hours{2});
  // Past due but no open time since (the weekend): 0, "late since closing".
  CHECK(open_late(office, friday_16 + std::chrono::hours{1}, monday_10 - std::chrono::hours{2})
        == Seconds{0});
  CHECK(open_late(office, monday_10, monday_10) == Seconds{0});

  ClockRun run;
  run.due = friday_16;
  run.stop = monday_10;
  run.outcome = Outcome::breached;
  run.target = slatrack::Target::days(1);
  CHECK(open_margin(run, office) == std::chrono::hours{2});
  CHECK(missed_by(run, office) == std::chrono::hours{2});
  run.outcome = Outcome::met;
  run.due = monday_10;
  run.stop = friday_16;
  CHECK(open_margin(run, office) == std::chrono::hours{2});
  run.stop.reset();
  CHECK(open_margin(run, office) == Seconds{0});
  // A target in open time: what was used past it.
  ClockRun timed;
  timed.outcome = Outcome::breached;
  timed.target = slatrack::Target{std::chrono::hours{4}};
  timed.used = std::chrono::hours{5};
  CHECK(missed_by(timed, office) == std::chrono::hours{1});
}
