// Time values used everywhere: UTC instants to the second and durations in seconds.
#pragma once

#include <chrono>

namespace slatrack {

using Instant = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

} // namespace slatrack
