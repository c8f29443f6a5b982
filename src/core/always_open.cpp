// The built-in 24x7 calendar: every second is open.
#include "slatrack/calendar.hpp"

namespace slatrack {

Seconds AlwaysOpen::open(Instant a, Instant b) const {
  return b > a ? b - a : Seconds{0};
}

Instant AlwaysOpen::add(Instant t, Seconds d) const {
  return t + d;
}

std::vector<OpenSpan> AlwaysOpen::open_spans(Instant a, Instant b) const {
  if (b <= a) {
    return {};
  }
  return {OpenSpan{a, b}};
}

} // namespace slatrack
