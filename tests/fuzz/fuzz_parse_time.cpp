// libFuzzer target: parse_time never crashes; it returns an instant or throws slatrack::Error.
#include "slatrack/error.hpp"
#include "slatrack/parse.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const date::time_zone& zone = slatrack::find_zone("America/New_York");
  const slatrack::Instant now{slatrack::Seconds{1795420800}}; // 2026-11-23T08:00:00Z
  try {
    static_cast<void>(slatrack::parse_time(text, now, zone));
  } catch (const slatrack::Error&) {
  }
  return 0;
}
