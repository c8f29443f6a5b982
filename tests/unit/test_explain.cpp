// Tests of the explanation of clock runs (`slatrack explain`): the steps between a run's start and
// its due time on a real BusinessCalendar (Europe/London, Mon-Fri 09:00-17:00), waiting intervals,
// holidays and DST changes. Runs come from evaluate(), so the steps must add up to its due times.
#include "slatrack/evaluate.hpp"
#include "slatrack/explain.hpp"
#include "slatrack/model.hpp"
#include "slatrack/parse.hpp"
#include "system/zone_files.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <date/date.h>
#include <date/tz.h>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using slatrack::ClockRun;
using slatrack::Event;
using slatrack::EventKind;
using slatrack::ExplainStep;
using slatrack::Instant;
using slatrack::Metric;
using slatrack::Seconds;
using slatrack::StepKind;
using slatrack::WaitingSpan;

// A UTC instant from "2026-11-20 16:30" (London is on UTC in winter).
Instant utc(const char* text) {
  return slatrack::parse_time(std::string(text) + "Z", Instant{}, slatrack::find_zone("UTC"));
}

slatrack::CalendarRules shop(std::vector<slatrack::Holiday> holidays = {}) {
  return slatrack::CalendarRules{"shop",
                                 "Europe/London",
                                 slatrack::parse_hours("mon-fri 09:00-17:00"),
                                 std::move(holidays),
                                 {}};
}

struct Fixture {
  slatrack::CalendarRules rules;
  std::unique_ptr<slatrack::Clock> clock;
  const slatrack::Zone* zone;
  std::vector<Event> events;

  explicit Fixture(slatrack::CalendarRules r)
      : rules(std::move(r)), clock(slatrack::make_clock(rules, slatrack::zone_files())),
        zone(&slatrack::find_zone(rules.zone)) {}

  void add(EventKind kind, const char* at) {
    Event event;
    event.id = static_cast<std::int64_t>(events.size()) + 1;
    event.kind = kind;
    event.at = utc(at);
    event.author = "ann";
    events.push_back(event);
  }

  std::vector<ClockRun> runs(const slatrack::Targets& targets) const {
    std::vector<slatrack::ClockEvent> clock_events;
    for (const Event& event : events) {
      clock_events.push_back(slatrack::ClockEvent{event.kind, event.at, event.id});
    }
    return slatrack::evaluate(clock_events, targets, *clock).clocks;
  }

  slatrack::RunExplanation explain(const ClockRun& run, const char* now) const {
    return slatrack::explain_run(run, events, rules, *clock, *zone, utc(now));
  }
};

std::vector<StepKind> kinds(const std::vector<ExplainStep>& steps) {
  std::vector<StepKind> out;
  for (const ExplainStep& step : steps) {
    out.push_back(step.kind);
  }
  return out;
}

} // namespace

TEST_CASE("Fri 16:30 + 2h: Friday's half hour, the weekend, Monday to 10:30", "[explain]") {
  Fixture f(shop());
  f.add(EventKind::message, "2026-11-20 16:30");
  const std::vector<ClockRun> runs = f.runs(slatrack::Targets{2h, std::nullopt, std::nullopt});
  REQUIRE(runs.size() == 1);
  REQUIRE(*runs[0].due == utc("2026-11-23 10:30"));
  const auto explanation = f.explain(runs[0], "2026-11-23 08:00");
  CHECK(explanation.end == utc("2026-11-23 10:30"));
  REQUIRE(kinds(explanation.steps)
          == std::vector<StepKind>{StepKind::open, StepKind::weekend, StepKind::open});
  const auto& steps = explanation.steps;
  CHECK(steps[0].from == utc("2026-11-20 16:30"));
  CHECK(steps[0].to == utc("2026-11-20 17:00"));
  CHECK(steps[0].used == 30min);
  CHECK(steps[1].from == utc("2026-11-20 17:00"));
  CHECK(steps[1].to == utc("2026-11-23 09:00"));
  CHECK(steps[1].note == "weekend");
  CHECK(steps[2].from == utc("2026-11-23 09:00"));
  CHECK(steps[2].to == utc("2026-11-23 10:30"));
  CHECK(steps[2].used == 2h);
  REQUIRE(explanation.start_event);
  CHECK(*explanation.start_event == 0);
  CHECK(!explanation.stop_event);
}

TEST_CASE("a holiday Monday is named in the closed time", "[explain]") {
  Fixture f(shop({slatrack::Holiday{2026, 11, 23, "Staff day"}}));
  f.add(EventKind::message, "2026-11-20 16:30");
  const auto runs = f.runs(slatrack::Targets{2h, std::nullopt, std::nullopt});
  REQUIRE(*runs[0].due == utc("2026-11-24 10:30"));
  const auto steps = f.explain(runs[0], "2026-11-20 16:30").steps;
  REQUIRE(kinds(steps) == std::vector<StepKind>{StepKind::open, StepKind::holiday, StepKind::open});
  CHECK(steps[1].to == utc("2026-11-24 09:00"));
  CHECK(steps[1].note == "weekend, holiday 2026-11-23 Staff day");
}

TEST_CASE("a yearly holiday is shown with its date in that year", "[explain]") {
  Fixture f(shop({slatrack::Holiday{0, 12, 25, "Christmas"}, slatrack::Holiday{0, 12, 28, ""}}));
  const auto gap =
      slatrack::classify_gap(f.rules, *f.zone, utc("2026-12-24 17:00"), utc("2026-12-29 09:00"));
  CHECK(gap.kind == StepKind::holiday);
  CHECK(gap.note == "weekend, holiday 2026-12-25 Christmas, holiday 2026-12-28");
}

TEST_CASE("closed time within a day and overnight", "[explain]") {
  slatrack::CalendarRules rules = shop();
  rules.hours = slatrack::parse_hours("mon-fri 09:00-12:30 13:30-17:00");
  const slatrack::Zone& zone = slatrack::find_zone(rules.zone);
  const auto lunch =
      slatrack::classify_gap(rules, zone, utc("2026-11-23 12:30"), utc("2026-11-23 13:30"));
  CHECK(lunch.kind == StepKind::closed);
  CHECK(lunch.note == "closed");
  const auto night =
      slatrack::classify_gap(rules, zone, utc("2026-11-23 17:00"), utc("2026-11-24 09:00"));
  CHECK(night.kind == StepKind::closed);
  CHECK(night.note == "closed overnight");
}

TEST_CASE("a run across the spring DST change shows it", "[explain]") {
  Fixture f(shop());
  // Fri 27 Mar 2026 16:30 GMT; on Sun 29 Mar at 01:00 UTC London goes to BST (+01:00).
  f.add(EventKind::message, "2026-03-27 16:30");
  const auto runs = f.runs(slatrack::Targets{2h, std::nullopt, std::nullopt});
  // Monday 09:00 BST is 08:00 UTC; 1h 30m later is 09:30 UTC.
  REQUIRE(*runs[0].due == utc("2026-03-30 09:30"));
  const auto steps = f.explain(runs[0], "2026-03-27 16:30").steps;
  REQUIRE(
      kinds(steps)
      == std::vector<StepKind>{StepKind::open, StepKind::weekend, StepKind::dst, StepKind::open});
  CHECK(steps[2].from == utc("2026-03-29 01:00"));
  CHECK(steps[2].shift == 1h);
  CHECK(steps[2].note == "DST change Sun 29 Mar 01:00 -> 02:00 (+00:00 -> +01:00)");
  CHECK(steps[3].from == utc("2026-03-30 08:00"));
  CHECK(steps[3].used == 2h);
}

TEST_CASE("zone_changes lists the autumn change and describes it", "[explain]") {
  const slatrack::Zone& london = slatrack::find_zone("Europe/London");
  const auto changes =
      slatrack::zone_changes(london, utc("2026-10-20 00:00"), utc("2026-11-20 00:00"));
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].at == utc("2026-10-25 01:00"));
  CHECK(slatrack::describe(changes[0], london)
        == "DST change Sun 25 Oct 02:00 -> 01:00 (+01:00 -> +00:00)");
  CHECK(slatrack::zone_changes(london, utc("2026-11-01 00:00"), utc("2026-12-01 00:00")).empty());
}

TEST_CASE("the resolve clock does not count while waiting", "[explain]") {
  Fixture f(shop());
  f.add(EventKind::message, "2026-11-23 09:00");
  f.add(EventKind::pause, "2026-11-23 10:00");
  f.add(EventKind::resume, "2026-11-25 10:00");
  const auto runs = f.runs(slatrack::Targets{8h, std::nullopt, 8h});
  const ClockRun& resolve = runs[1];
  REQUIRE(resolve.metric == Metric::resolve);
  // 1h on Monday, then 7h from Wed 10:00: Wed 17:00, and nothing more is used until Thu 09:00.
  REQUIRE(*resolve.due == utc("2026-11-26 09:00"));
  const auto explanation = f.explain(resolve, "2026-11-25 12:00");
  const auto& steps = explanation.steps;
  REQUIRE(kinds(steps)
          == std::vector<StepKind>{StepKind::open, StepKind::waiting, StepKind::open,
                                   StepKind::closed});
  CHECK(steps[1].from == utc("2026-11-23 10:00"));
  CHECK(steps[1].to == utc("2026-11-25 10:00"));
  CHECK(!steps[1].counting);
  CHECK(steps[1].open == 16h); // Mon 10-17, Tue 9-17, Wed 9-10
  CHECK(steps[1].used == 1h);
  CHECK(steps[2].used == 8h);
  CHECK(steps[3].note == "closed overnight");
  CHECK(!explanation.waiting_now);
}

TEST_CASE("a resolve clock waiting now is not counting and has no due time", "[explain]") {
  Fixture f(shop());
  f.add(EventKind::message, "2026-11-23 09:00");
  f.add(EventKind::pause, "2026-11-23 10:00");
  const auto runs = f.runs(slatrack::Targets{8h, std::nullopt, 8h});
  const ClockRun& resolve = runs[1];
  REQUIRE(!resolve.due);
  const auto explanation = f.explain(resolve, "2026-11-24 12:00");
  CHECK(explanation.end == utc("2026-11-24 12:00"));
  REQUIRE(explanation.waiting_now);
  CHECK(explanation.waiting_now->from == utc("2026-11-23 10:00"));
  REQUIRE(kinds(explanation.steps) == std::vector<StepKind>{StepKind::open, StepKind::waiting});
  CHECK(explanation.steps[1].note == "waiting on the client (still)");
}

TEST_CASE("the reply clock keeps counting while waiting", "[explain]") {
  Fixture f(shop());
  f.add(EventKind::message, "2026-11-23 09:00");
  f.add(EventKind::pause, "2026-11-23 09:30");
  f.add(EventKind::resume, "2026-11-23 10:00");
  const auto runs = f.runs(slatrack::Targets{2h, std::nullopt, std::nullopt});
  REQUIRE(*runs[0].due == utc("2026-11-23 11:00"));
  const auto steps = f.explain(runs[0], "2026-11-23 10:00").steps;
  REQUIRE(kinds(steps) == std::vector<StepKind>{StepKind::open, StepKind::waiting});
  CHECK(steps[1].counting);
  CHECK(steps[1].used == 1h); // at its end, 10:00
  CHECK(steps[0].used == 2h);
}

TEST_CASE("a resolve run after a reopen starts from its credit", "[explain]") {
  Fixture f(shop());
  f.add(EventKind::message, "2026-11-23 09:00");
  f.add(EventKind::resolve, "2026-11-23 12:00");
  f.add(EventKind::reopen, "2026-11-24 09:00");
  const auto runs = f.runs(slatrack::Targets{2h, std::nullopt, 8h});
  const ClockRun& second = runs.back();
  REQUIRE(second.metric == Metric::resolve);
  REQUIRE(second.credit == 3h);
  REQUIRE(*second.due == utc("2026-11-24 14:00"));
  const auto explanation = f.explain(second, "2026-11-24 09:00");
  REQUIRE(explanation.steps.size() == 1);
  CHECK(explanation.steps[0].used == 8h);
  REQUIRE(explanation.start_event);
  CHECK(f.events[*explanation.start_event].kind == EventKind::reopen);
  // The first run stopped at the resolve.
  const auto first = f.explain(runs[1], "2026-11-24 09:00");
  REQUIRE(first.stop_event);
  CHECK(f.events[*first.stop_event].kind == EventKind::resolve);
}

TEST_CASE("waiting_spans replays the status like evaluate", "[explain]") {
  Fixture f(shop());
  f.add(EventKind::message, "2026-11-23 09:00");
  f.add(EventKind::resume, "2026-11-23 09:10"); // refused: not waiting
  f.add(EventKind::pause, "2026-11-23 09:30");
  f.add(EventKind::pause, "2026-11-23 09:40");   // refused: already waiting
  f.add(EventKind::message, "2026-11-23 10:00"); // a follow-up resumes
  f.add(EventKind::pause, "2026-11-23 11:00");
  f.add(EventKind::resolve, "2026-11-23 12:00"); // resolving ends the waiting
  f.add(EventKind::reopen, "2026-11-23 13:00");
  f.add(EventKind::pause, "2026-11-23 14:00");
  CHECK(slatrack::waiting_spans(f.events)
        == std::vector<WaitingSpan>{{utc("2026-11-23 09:30"), utc("2026-11-23 10:00")},
                                    {utc("2026-11-23 11:00"), utc("2026-11-23 12:00")},
                                    {utc("2026-11-23 14:00"), std::nullopt}});
}

TEST_CASE("on 24x7 a run is one stretch", "[explain]") {
  Fixture f(
      slatrack::CalendarRules{"24x7", "UTC", slatrack::parse_hours("mon-sun 00:00-24:00"), {}, {}});
  f.add(EventKind::message, "2026-11-20 16:30");
  const auto runs = f.runs(slatrack::Targets{24h, std::nullopt, std::nullopt});
  const auto steps = f.explain(runs[0], "2026-11-20 16:30").steps;
  REQUIRE(steps.size() == 1);
  CHECK(steps[0].kind == StepKind::open);
  CHECK(steps[0].to == utc("2026-11-21 16:30"));
  CHECK(steps[0].used == 24h);
}

TEST_CASE("a run that stopped before its due time is walked to its stop", "[explain]") {
  // Log Mon 09:00, resolve Mon 10:00 with a 40h resolve target, explained a week later: the walk
  // ends at 10:00, not at the due time the next week.
  Fixture f(shop());
  f.add(EventKind::message, "2026-11-23 09:00");
  f.add(EventKind::resolve, "2026-11-23 10:00");
  const std::vector<ClockRun> runs = f.runs(slatrack::Targets{2h, std::nullopt, 40h});
  REQUIRE(runs.size() == 2);
  const ClockRun& resolve = runs[1];
  REQUIRE(resolve.metric == Metric::resolve);
  REQUIRE(resolve.stop);
  const auto explanation = f.explain(resolve, "2026-11-30 12:00");
  CHECK(explanation.end == utc("2026-11-23 10:00"));
  REQUIRE(kinds(explanation.steps) == std::vector<StepKind>{StepKind::open});
  CHECK(explanation.steps[0].to == utc("2026-11-23 10:00"));
  CHECK(explanation.steps[0].used == 1h);
  REQUIRE(explanation.stop_event);
  CHECK(f.events[*explanation.stop_event].kind == EventKind::resolve);
  // A breached run that stopped after its due time is still walked to its due time.
  Fixture late(shop());
  late.add(EventKind::message, "2026-11-23 09:00");
  late.add(EventKind::reply, "2026-11-23 12:00");
  const std::vector<ClockRun> replies =
      late.runs(slatrack::Targets{2h, std::nullopt, std::nullopt});
  REQUIRE(replies.size() >= 1);
  CHECK(late.explain(replies[0], "2026-11-30 12:00").end == utc("2026-11-23 11:00"));
}
