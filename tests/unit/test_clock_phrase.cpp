// clock_phrase (src/cli/records.cpp): the one wording of a clock run's state for people, which
// the line after an event, `show` and `export --format table` all print. One case per state.
#include "cli/records.hpp"
#include "slatrack/calendar.hpp"
#include "slatrack/evaluate.hpp"
#include "support.hpp"
#include "system/zone_files.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

namespace {

using namespace std::chrono_literals;
using slatrack::ClockRun;
using slatrack::Instant;
using slatrack::Metric;
using slatrack::Outcome;
using slatrack::Target;
using slatrack::testing::utc;

// A reply run started Mon 23 Nov 2026 09:00 UTC against `target`.
ClockRun run_of(Target target) {
  ClockRun run;
  run.metric = Metric::reply;
  run.start = utc(2026, 11, 23, 9);
  run.target = target;
  return run;
}

std::string phrase(const ClockRun& run, Instant now) {
  const slatrack::AlwaysOpen always;
  return slatrack::cli::clock_phrase(run, slatrack::find_zone("UTC"), now, always);
}

} // namespace

TEST_CASE("clock_phrase words every state of a clock run one way", "[output]") {
  const Instant now = utc(2026, 11, 23, 12);

  SECTION("met: open time used of the target") {
    ClockRun run = run_of(2h);
    run.due = utc(2026, 11, 23, 11);
    run.stop = utc(2026, 11, 23, 9, 40);
    run.outcome = Outcome::met;
    run.used = 40min;
    CHECK(phrase(run, now) == "met (40m of 2h 00m used)");
  }

  SECTION("met on a target in business days") {
    ClockRun run = run_of(Target::days(1));
    run.due = utc(2026, 11, 24, 9);
    run.stop = utc(2026, 11, 23, 17);
    run.outcome = Outcome::met;
    run.used = 8h;
    CHECK(phrase(run, now) == "met (8h 00m of 1bd used)");
  }

  SECTION("breached: by the open time past the target") {
    ClockRun run = run_of(2h);
    run.due = utc(2026, 11, 23, 11);
    run.stop = utc(2026, 11, 23, 11, 30);
    run.outcome = Outcome::breached;
    run.used = 2h + 30min;
    CHECK(phrase(run, now) == "breached (by 30m)");
  }

  SECTION("breached on a target in business days: what was used against the target") {
    ClockRun run = run_of(Target::days(2));
    run.due = utc(2026, 11, 25, 9);
    run.stop = utc(2026, 11, 25, 12);
    run.outcome = Outcome::breached;
    run.used = 51h;
    CHECK(phrase(run, now) == "breached (51h 00m used, target 2bd)");
  }

  SECTION("running, due in the future: the time left") {
    ClockRun run = run_of(5h);
    run.due = utc(2026, 11, 23, 14);
    CHECK(phrase(run, now) == "running, due Mon 23 Nov 14:00 (in 2h 00m)");
  }

  SECTION("running, due in the past: how late") {
    ClockRun run = run_of(2h);
    run.due = utc(2026, 11, 23, 11);
    CHECK(phrase(run, now) == "running, due Mon 23 Nov 11:00 (1h 00m late)");
  }

  SECTION("paused: running, not counting while the request waits on the client") {
    ClockRun run = run_of(16h);
    run.metric = Metric::resolve;
    run.used = 1h;
    CHECK(phrase(run, now) == "paused (waiting on the client)");
  }
}
