// An SLA target: an amount of open time (`2h`, `3d`) or a number of business days (`5bd`), as
// SPEC.md "The clocks" (Business days) and "Input: DUR" define them.
#pragma once

#include "slatrack/time.hpp"

#include <chrono>
#include <cstdint>

namespace slatrack {

// The largest number of business days a target may have (about 100 years of weekdays).
inline constexpr std::int64_t k_max_business_days = 26000;

struct Target {
  Seconds time{0};                // open time, when business_days == 0
  std::int64_t business_days = 0; // N bd when > 0 (time is then 0)

  constexpr Target() = default;
  // Open time (implicit: a duration is a target).
  template <typename Rep, typename Period>
  constexpr Target(std::chrono::duration<Rep, Period> open_time) // NOLINT: implicit on purpose
      : time(open_time) {}

  // N business days (N >= 1).
  [[nodiscard]] static constexpr Target days(std::int64_t n) {
    Target target;
    target.business_days = n;
    return target;
  }

  [[nodiscard]] constexpr bool in_business_days() const {
    return business_days > 0;
  }

  friend constexpr bool operator==(const Target&, const Target&) = default;
};

} // namespace slatrack
