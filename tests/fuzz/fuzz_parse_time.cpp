// libFuzzer target for TIME (SPEC.md "Input"): parse_time returns an instant or throws a printable
// one-line Error{invalid_input}, in three zones (New York; Apia, which skipped 2011-12-30; Lord
// Howe, whose DST shift is 30 minutes). An accepted time lies in years 1970-9999 (UTC), reads back
// from its UTC ISO 8601 form (what exports write) to the same instant, and from its local reading
// "YYYY-MM-DD HH:MM:SS" to an instant with the same local reading.
#include "fuzz_support.hpp"
#include "slatrack/parse.hpp"
#include "system/zone_files.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using slatrack::Instant;
using slatrack::Seconds;
using slatrack::fuzz::require;

const Instant k_now{Seconds{1795420800}};               // 2026-11-23T08:00:00Z
const Instant k_earliest{Seconds{0}};                   // 1970-01-01T00:00:00Z
const Instant k_latest{Seconds{253402300799}};          // 9999-12-31T23:59:59Z
const date::local_seconds k_local_earliest{Seconds{0}}; // 1970-01-01 00:00:00 local

void check(std::string_view text, const slatrack::Zone& zone) {
  Instant instant;
  try {
    instant = slatrack::parse_time(text, k_now, zone);
  } catch (const slatrack::Error& error) {
    slatrack::fuzz::check_refusal(error);
    return;
  }
  const std::string iso = date::format("%Y-%m-%dT%H:%M:%SZ", instant);
  require(instant >= k_earliest && instant <= k_latest, "accepted time out of 1970-9999:", iso);
  require(slatrack::parse_time(iso, k_now, zone) == instant,
          "UTC form reads back differently:", iso);
  const date::local_seconds local = zone.to_local(instant);
  if (local >= k_local_earliest && local <= date::local_seconds{k_latest.time_since_epoch()}) {
    const std::string reading = date::format("%Y-%m-%d %H:%M:%S", local);
    const Instant again = slatrack::parse_time(reading, k_now, zone);
    require(zone.to_local(again) == local && again <= instant,
            "local reading reads back differently:", reading);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const std::array<const slatrack::Zone*, 3> zones{
      &slatrack::find_zone("America/New_York"), &slatrack::find_zone("Pacific/Apia"),
      &slatrack::find_zone("Australia/Lord_Howe")};
  for (const slatrack::Zone* zone : zones) {
    check(text, *zone);
  }
  return 0;
}
