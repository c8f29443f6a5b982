// The built-in 24x7 calendar: every second is open, every local day a business day.
#include "slatrack/calendar.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/zone.hpp"

#include <date/date.h>

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

Instant AlwaysOpen::add_business_days(Instant t, std::int64_t n) const {
  if (m_zone == nullptr) {
    return t + date::days{n};
  }
  return local_to_instant(m_zone->to_local(t) + date::days{n}, *m_zone);
}

Clock::BusinessDayWalk AlwaysOpen::walk_business_days(Instant t, std::int64_t n) const {
  BusinessDayWalk walk;
  walk.start = t;
  walk.due = add_business_days(t, n);
  const date::local_seconds local =
      m_zone == nullptr ? date::local_seconds{t.time_since_epoch()} : m_zone->to_local(t);
  const std::int64_t day0 = date::floor<date::days>(local).time_since_epoch().count();
  for (std::int64_t i = 1; i <= n; ++i) {
    walk.days.push_back(day0 + i);
  }
  return walk;
}

bool AlwaysOpen::business_day(std::int64_t /*day*/) const {
  return true;
}

std::int64_t AlwaysOpen::business_days_in(std::int64_t first, std::int64_t end) const {
  return end > first ? end - first : 0;
}

std::int64_t AlwaysOpen::nth_business_day(std::int64_t day0, std::int64_t n) const {
  return day0 + n;
}

} // namespace slatrack
