// libFuzzer target: parse_hours accepts or throws Error; what it accepts round-trips through
// format_hours.
#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const slatrack::WeeklyHours hours = slatrack::parse_hours(text);
    if (slatrack::format_hours(slatrack::parse_hours(slatrack::format_hours(hours)))
        != slatrack::format_hours(hours)) {
      std::abort();
    }
  } catch (const slatrack::Error&) {
  }
  return 0;
}
