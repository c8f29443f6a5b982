// libFuzzer target: parse_duration returns at least 1m and at most 36500d, or throws Error.
#include "slatrack/error.hpp"
#include "slatrack/parse.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const slatrack::Seconds value = slatrack::parse_duration(text);
    if (value < slatrack::Seconds{60} || value > slatrack::Seconds{36500LL * 86400}) {
      std::abort();
    }
  } catch (const slatrack::Error&) {
  }
  return 0;
}
