// Holidays from an iCalendar file (RFC 5545), such as the bank-holiday feed a government
// publishes: `calendar holiday NAME --ics FILE|-`. Read with libical 3 (Debian's libical-dev).
#pragma once

#include "slatrack/calendar.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace slatrack::cli {

struct IcsHolidays {
  // One per date, in date order: every date of each all-day event (DTSTART;VALUE=DATE, up to
  // its exclusive DTEND), named by its SUMMARY (the first one when a date comes twice).
  std::vector<Holiday> days;
  std::int64_t skipped = 0; // events with a time of day, or that recur (RRULE, RDATE)
};

// Reads the all-day events of `text`. Throws Error{invalid_input} when it is not an iCalendar
// file (no VCALENDAR), naming `source` (a file name, or "stdin").
[[nodiscard]] IcsHolidays parse_ics_holidays(std::string_view text, std::string_view source);

} // namespace slatrack::cli
