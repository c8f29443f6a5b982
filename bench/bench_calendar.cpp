// Cost of the business-hours engine: add(t, d) on an office calendar with a lunch break and 15
// holidays a year, starts spread over two years, durations from 30 minutes to 4 weeks of open time.
// The engine jumps over whole weeks, so long durations should cost about what short ones do.
// addbd(t, N) for 1, 5 and 20 business days likewise.
// Results and the command line: docs/performance.md, "Calendar engine (add)".
#include "slatrack/calendar.hpp"
#include "system/zone_files.hpp"

#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdint>
#include <date/date.h>
#include <initializer_list>
#include <random>
#include <vector>

namespace {

using slatrack::BusinessCalendar;
using slatrack::CalendarRules;
using slatrack::Holiday;
using slatrack::Instant;
using slatrack::Seconds;

// 8 holidays every year and 7 more on dates that move (Easter and the like), 2024-2028: 15 a year.
CalendarRules office_rules(const char* zone) {
  CalendarRules rules;
  rules.name = "office";
  rules.zone = zone;
  rules.hours = slatrack::parse_hours("mon-fri 09:00-12:30 13:30-17:00");
  for (const char* date :
       {"01-01", "01-02", "05-01", "07-04", "11-11", "12-24", "12-25", "12-26"}) {
    rules.holidays.push_back(slatrack::parse_holiday(date));
  }
  struct MonthDay {
    unsigned month;
    unsigned day;
  };
  for (int year = 2024; year <= 2028; ++year) {
    for (const MonthDay date : std::initializer_list<MonthDay>{
             {3, 24}, {4, 1}, {5, 9}, {5, 20}, {6, 5}, {8, 22}, {10, 14}}) {
      const unsigned shift = static_cast<unsigned>(year - 2024); // moves a little every year
      rules.holidays.push_back(Holiday{year, date.month, date.day + shift, "moving"});
    }
  }
  return rules;
}

std::vector<Instant> starts() {
  std::mt19937 random(2025);
  const Instant first{date::sys_days{date::year{2025} / 1 / 1}};
  std::vector<Instant> out;
  for (int i = 0; i < 4096; ++i) {
    out.push_back(first + Seconds{random() % (2U * 365U * 86400U)});
  }
  return out;
}

void add(benchmark::State& state, const char* zone) {
  const BusinessCalendar calendar(office_rules(zone), slatrack::zone_files());
  const std::vector<Instant> at = starts();
  const Seconds duration{state.range(0) * 60};
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.add(at[i], duration));
    i = (i + 1) & (at.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}

void open(benchmark::State& state, const char* zone) {
  const BusinessCalendar calendar(office_rules(zone), slatrack::zone_files());
  const std::vector<Instant> at = starts();
  const Seconds span{state.range(0) * 60};
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.open(at[i], at[i] + span));
    i = (i + 1) & (at.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}

void addbd(benchmark::State& state, const char* zone) {
  const BusinessCalendar calendar(office_rules(zone), slatrack::zone_files());
  const std::vector<Instant> at = starts();
  const std::int64_t days = state.range(0);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.add_business_days(at[i], days));
    i = (i + 1) & (at.size() - 1);
  }
  state.SetItemsProcessed(state.iterations());
}

void construct(benchmark::State& state) {
  const CalendarRules rules = office_rules("Europe/London");
  for (auto _ : state) {
    const BusinessCalendar calendar(rules, slatrack::zone_files());
    benchmark::DoNotOptimize(&calendar);
  }
  state.SetItemsProcessed(state.iterations());
}

// Durations in minutes of open time: 30m, 2h, 1d (24h), 1w (168h), 4w (672h).
void durations(benchmark::internal::Benchmark* benchmark) {
  for (const std::int64_t minutes : {30, 120, 24 * 60, 7 * 24 * 60, 28 * 24 * 60}) {
    benchmark->Arg(minutes);
  }
}

BENCHMARK_CAPTURE(add, london, "Europe/London")->Apply(durations);
BENCHMARK_CAPTURE(add, new_york, "America/New_York")->Apply(durations);
BENCHMARK_CAPTURE(open, london, "Europe/London")->Apply(durations);
// Business days: 1bd, 5bd, 20bd.
BENCHMARK_CAPTURE(addbd, london, "Europe/London")->Arg(1)->Arg(5)->Arg(20);
BENCHMARK_CAPTURE(addbd, new_york, "America/New_York")->Arg(1)->Arg(5)->Arg(20);
BENCHMARK(construct);

} // namespace

BENCHMARK_MAIN();
