// libFuzzer target for DUR (SPEC.md "Input"): parse_duration returns whole minutes from 1m to
// 36500d or throws a printable one-line Error{invalid_input}. An accepted DUR reads back from its
// canonical form ("1w2d3h4m"), and the TIME forms built on it agree: "-DUR" and "DUR ago" are now
// minus it, "+DUR" now plus it; a refused DUR makes them refused too.
#include "fuzz_support.hpp"
#include "slatrack/parse.hpp"
#include "system/zone_files.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using slatrack::Instant;
using slatrack::Seconds;
using slatrack::fuzz::require;

const Instant k_now{Seconds{1795420800}}; // 2026-11-23T08:00:00Z
const Instant k_earliest{Seconds{0}};     // 1970-01-01T00:00:00Z

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\n\r\v\f");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t\n\r\v\f") - first + 1);
}

// The DUR text written the way the docs write them: units largest first, zero parts left out.
std::string canonical(Seconds value) {
  std::int64_t minutes = value.count() / 60;
  std::string out;
  for (const auto& [unit, size] :
       {std::pair{'w', 7 * 1440}, std::pair{'d', 1440}, std::pair{'h', 60}, std::pair{'m', 1}}) {
    if (minutes >= size) {
      out += std::to_string(minutes / size);
      out += unit;
      minutes %= size;
    }
  }
  return out;
}

std::optional<Instant> time_of(const std::string& text, const slatrack::Zone& zone) {
  try {
    return slatrack::parse_time(text, k_now, zone);
  } catch (const slatrack::Error& error) {
    slatrack::fuzz::check_refusal(error);
    return std::nullopt;
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const slatrack::Zone& utc = slatrack::find_zone("UTC");
  const std::string dur(trim(text));
  std::optional<Seconds> value;
  try {
    value = slatrack::parse_duration(text);
  } catch (const slatrack::Error& error) {
    slatrack::fuzz::check_refusal(error);
  }
  const std::optional<Instant> minus = time_of("-" + dur, utc);
  const std::optional<Instant> ago = time_of(dur + " ago", utc);
  const std::optional<Instant> plus = time_of("+" + dur, utc);
  if (!value) {
    require(!minus && !ago && !plus, "a refused DUR makes a TIME:", dur);
    return 0;
  }
  require(*value >= Seconds{60} && *value <= slatrack::k_max_duration,
          "DUR out of 1m-36500d:", dur);
  require(value->count() % 60 == 0, "DUR not whole minutes:", dur);
  require(slatrack::parse_duration(canonical(*value)) == *value,
          "canonical form reads back differently:", canonical(*value));
  require(plus == k_now + *value, "+DUR is not now plus DUR:", dur);
  if (k_now - *value >= k_earliest) {
    require(minus == k_now - *value, "-DUR is not now minus DUR:", dur);
    require(ago == k_now - *value, "DUR ago is not now minus DUR:", dur);
  } else {
    require(!minus && !ago, "a time before 1970 is accepted:", dur);
  }
  return 0;
}
