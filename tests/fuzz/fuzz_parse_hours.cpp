// libFuzzer target for SPEC, the open hours (SPEC.md "Input"), and for holiday dates: each parser
// returns a value or throws a printable one-line Error{invalid_input}. Accepted hours keep the
// WeeklyHours invariants (per day sorted intervals within 00:00-24:00 that neither overlap nor
// touch) and read back from format_hours to the same value; an accepted holiday reads back from
// format_holiday_date.
#include "fuzz_support.hpp"
#include "slatrack/calendar.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using slatrack::fuzz::require;

void check_hours(std::string_view text) {
  slatrack::WeeklyHours hours;
  try {
    hours = slatrack::parse_hours(text);
  } catch (const slatrack::Error& error) {
    slatrack::fuzz::check_refusal(error);
    return;
  }
  bool any = false;
  for (const std::vector<slatrack::OpenInterval>& day : hours.days) {
    for (std::size_t i = 0; i < day.size(); ++i) {
      any = true;
      require(0 <= day[i].begin && day[i].begin < day[i].end && day[i].end <= 1440,
              "interval out of 00:00-24:00");
      require(i == 0 || day[i - 1].end < day[i].begin, "intervals overlap or touch");
    }
  }
  require(any, "accepted hours with no open time");
  const std::string spec = slatrack::format_hours(hours);
  require(slatrack::parse_hours(spec) == hours, "format_hours reads back differently:", spec);
}

void check_holiday(std::string_view text) {
  slatrack::Holiday holiday;
  try {
    holiday = slatrack::parse_holiday(text);
  } catch (const slatrack::Error& error) {
    slatrack::fuzz::check_refusal(error);
    return;
  }
  const std::string date = slatrack::format_holiday_date(holiday);
  require(slatrack::parse_holiday(date) == holiday, "holiday reads back differently:", date);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_hours(text);
  check_holiday(text);
  return 0;
}
