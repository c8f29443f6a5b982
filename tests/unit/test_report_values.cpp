// Tests of the report's percentile picking (slatrack/report_values.hpp): the radix selection over
// several blocks and the per-group percentiles, small (a copy and nth_element) and large (radix in
// place), against a full sort and core percentile(), for 4- and 8-byte values (negative ones too,
// which open times never are, but the 8-byte form must order like int64).
#include "slatrack/report.hpp"
#include "slatrack/report_values.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

using namespace slatrack;

namespace {

// `values` cut into consecutive spans of random lengths (some empty).
template <typename Value>
std::vector<std::span<const Value>> cut(const std::vector<Value>& values, std::mt19937& random) {
  std::vector<std::span<const Value>> parts;
  std::size_t at = 0;
  while (at < values.size()) {
    const std::size_t length = std::min<std::size_t>(
        values.size() - at, std::uniform_int_distribution<std::size_t>(0, 700)(random));
    parts.emplace_back(values.data() + at, length);
    at += length;
  }
  return parts;
}

template <typename Value>
void check_selection(const std::vector<Value>& values, std::mt19937& random) {
  std::vector<Value> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const std::vector<std::span<const Value>> parts = cut(values, random);
  for (const std::size_t k :
       {std::size_t{0}, values.size() / 2, values.size() * 9 / 10, values.size() - 1,
        std::uniform_int_distribution<std::size_t>(0, values.size() - 1)(random)}) {
    INFO("k = " << k << " of " << values.size());
    CHECK(report_values::select_rank(parts, k) == sorted[k]);
  }
}

template <typename Value> void check_times(const std::vector<Value>& values) {
  report_values::Times<Value> times;
  std::vector<Seconds> seconds;
  for (const Value value : values) {
    times.push_back(value);
    seconds.emplace_back(static_cast<std::int64_t>(value));
  }
  CHECK(times.size() == values.size());
  std::vector<Value> scratch;
  const std::array<std::optional<Seconds>, 3> got =
      times.percentiles(std::array{50, 90, 100}, scratch);
  CHECK(got[0] == percentile(seconds, 50));
  CHECK(got[1] == percentile(seconds, 90));
  CHECK(got[2] == percentile(seconds, 100));
  std::vector<std::span<const Value>> parts;
  times.spans(parts);
  std::size_t in_spans = 0;
  for (const std::span<const Value> part : parts) {
    in_spans += part.size();
  }
  CHECK(in_spans == values.size());
}

} // namespace

TEST_CASE("radix selection over blocks picks the value at each rank", "[report]") {
  std::mt19937 random(8);
  // Few distinct values (many ties), a wide spread, and values that differ only in low bits.
  for (const std::uint32_t spread : {7U, 100000U, std::numeric_limits<std::uint32_t>::max()}) {
    std::vector<std::uint32_t> values(5000);
    for (std::uint32_t& value : values) {
      value = std::uniform_int_distribution<std::uint32_t>(0, spread)(random);
    }
    check_selection(values, random);
  }
  std::vector<std::int64_t> wide(5000);
  for (std::int64_t& value : wide) {
    value = std::uniform_int_distribution<std::int64_t>(
        std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max())(random);
  }
  wide[0] = std::numeric_limits<std::int64_t>::min();
  wide[1] = std::numeric_limits<std::int64_t>::max();
  wide[2] = -1;
  wide[3] = 0;
  check_selection(wide, random);
  const std::vector<std::uint32_t> one{42};
  check_selection(one, random);
}

TEST_CASE("the percentiles of a group equal core percentile(), small and large", "[report]") {
  std::mt19937 random(9);
  const std::array<std::uint32_t, 1> single{3600};
  check_times(std::vector<std::uint32_t>(single.begin(), single.end()));
  // 4 values: the median is rank 2, the 90th percentile rank 4 (docs/reports.md).
  check_times(std::vector<std::uint32_t>{14400, 1800, 10800, 3600});
  report_values::Times<std::uint32_t> four;
  for (const std::uint32_t value : {14400U, 1800U, 10800U, 3600U}) {
    four.push_back(value);
  }
  std::vector<std::uint32_t> scratch;
  CHECK(four.percentiles(std::array{50, 90}, scratch)
        == std::array<std::optional<Seconds>, 2>{Seconds{3600}, Seconds{14400}});
  report_values::Times<std::uint32_t> none;
  CHECK(none.percentiles(std::array{50}, scratch)[0] == std::nullopt);
  // Around the block size, and past the size picked in place (more than 65536 values).
  for (const std::size_t n :
       {std::size_t{1023}, std::size_t{1024}, std::size_t{1025}, std::size_t{70000}}) {
    std::vector<std::uint32_t> values(n);
    for (std::uint32_t& value : values) {
      value = std::uniform_int_distribution<std::uint32_t>(0, 200000)(random);
    }
    INFO("n = " << n);
    check_times(values);
  }
  std::vector<std::int64_t> large(70000);
  for (std::int64_t& value : large) {
    value = std::uniform_int_distribution<std::int64_t>(-5, std::int64_t{1} << 40)(random);
  }
  check_times(large);
}

TEST_CASE("an open time fits in 4 bytes only from 0 to 2^32 - 1", "[report]") {
  CHECK(report_values::fits<std::uint32_t>(0));
  CHECK(report_values::fits<std::uint32_t>(4294967295));
  CHECK_FALSE(report_values::fits<std::uint32_t>(4294967296));
  CHECK_FALSE(report_values::fits<std::uint32_t>(-1));
  CHECK(report_values::fits<std::int64_t>(-1));
  CHECK(report_values::fits<std::int64_t>(std::numeric_limits<std::int64_t>::max()));
}
