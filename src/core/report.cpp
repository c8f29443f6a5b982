// Why this file: the report's period edges are local calendar edges (midnight, Monday, the 1st) in
// the report's zone, so a day across a DST change is 23 or 25 hours long; they are found by
// stepping local dates and converting each midnight with the same rule as TIME input
// (local_to_instant), never by adding 24h.
#include "slatrack/report.hpp"

#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/parse.hpp"

#include <algorithm>
#include <array>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <utility>

namespace slatrack {

namespace {

constexpr std::array<std::pair<ReportBy, std::string_view>, 7> k_report_by{{
    {ReportBy::client, "client"},
    {ReportBy::assignee, "assignee"},
    {ReportBy::priority, "priority"},
    {ReportBy::channel, "channel"},
    {ReportBy::day, "day"},
    {ReportBy::week, "week"},
    {ReportBy::month, "month"},
}};

// The first local date of the calendar period that holds `day`.
date::local_days period_first_day(date::local_days day, ReportBy by) {
  switch (by) {
  case ReportBy::week:
    return day - (date::weekday{day} - date::Monday); // weekday difference is 0..6 days
  case ReportBy::month: {
    const date::year_month_day ymd{day};
    return date::local_days{ymd.year() / ymd.month() / date::day{1}};
  }
  default:
    return day;
  }
}

// The first local date of the period after the one that begins on `first`.
date::local_days next_first_day(date::local_days first, ReportBy by) {
  switch (by) {
  case ReportBy::week:
    return first + date::days{7};
  case ReportBy::month: {
    const date::year_month_day ymd{first};
    return date::local_days{(ymd.year() / ymd.month() + date::months{1}) / date::day{1}};
  }
  default:
    return first + date::days{1};
  }
}

Instant midnight(date::local_days day, const Zone& zone) {
  return local_to_instant(date::local_seconds{day}, zone);
}

date::local_days local_day(Instant instant, const Zone& zone) {
  return date::floor<date::days>(zone.to_local(instant));
}

} // namespace

std::string_view to_string(ReportBy by) {
  for (const auto& [value, name] : k_report_by) {
    if (value == by) {
      return name;
    }
  }
  return "?";
}

std::optional<ReportBy> report_by_from(std::string_view text) {
  for (const auto& [value, name] : k_report_by) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

std::string_view report_by_names() {
  return "client, assignee, priority, channel, day, week or month";
}

bool is_period(ReportBy by) {
  return by == ReportBy::day || by == ReportBy::week || by == ReportBy::month;
}

std::vector<Period> report_periods(const Zone& zone, Instant from, Instant to, ReportBy by) {
  if (from >= to) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("the report's --from ({:%Y-%m-%dT%H:%M:%SZ}) is not before its --to "
                            "({:%Y-%m-%dT%H:%M:%SZ}); give a --from earlier than --to",
                            from, to)};
  }
  if (!is_period(by)) {
    return {Period{from, to, local_day(from, zone)}};
  }
  std::vector<Period> out;
  date::local_days first = period_first_day(local_day(from, zone), by);
  while (true) {
    const date::local_days next = next_first_day(first, by);
    const Instant start = std::max(from, midnight(first, zone));
    const Instant end = std::min(to, midnight(next, zone));
    if (start >= to) {
      break;
    }
    if (start < end) {
      if (out.size() == k_max_report_periods) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("a report by {} over this range would have more than {} rows; "
                                "use a shorter range or a longer period (--by week or month)",
                                to_string(by), k_max_report_periods)};
      }
      out.push_back(Period{start, end, first});
    }
    first = next;
  }
  return out;
}

Instant default_report_from(const Zone& zone, Instant to) {
  return midnight(local_day(to, zone) - date::days{30}, zone);
}

MonthRange month_range(const Zone& zone, std::string_view spec, Instant now) {
  std::optional<date::year_month> month;
  if (spec == "last" || spec == "this") {
    const date::year_month_day today{local_day(now, zone)};
    month = today.year() / today.month();
    if (spec == "last") {
      *month -= date::months{1};
    }
  } else if (spec.size() == 7 && spec[4] == '-'
             && std::all_of(spec.begin(), spec.end(),
                            [](char c) { return c == '-' || (c >= '0' && c <= '9'); })
             && spec.find('-') == 4 && spec.rfind('-') == 4) {
    const int year = std::stoi(std::string(spec.substr(0, 4)));
    const auto number = static_cast<unsigned>(std::stoi(std::string(spec.substr(5, 2))));
    if (year >= 1970 && number >= 1 && number <= 12) {
      month = date::year{year} / date::month{number};
    }
  }
  if (!month) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("bad --month {}: use YYYY-MM (e.g. 2026-11), last (the last whole "
                            "month) or this",
                            quoted_argument(spec))};
  }
  const date::local_days first{*month / date::day{1}};
  const date::local_days next{(*month + date::months{1}) / date::day{1}};
  return MonthRange{*month, midnight(first, zone), midnight(next, zone)};
}

std::string month_name(date::year_month month) {
  return date::format("%B %Y", date::local_days{month / date::day{1}});
}

std::int64_t nearest_rank(std::int64_t n, int percent) {
  // ceil(p * n / 100) in integers; at least 1 for any p > 0 and n >= 1.
  return std::max<std::int64_t>(1, (percent * n + 99) / 100);
}

std::optional<Seconds> percentile(std::vector<Seconds> values, int percent) {
  if (values.empty()) {
    return std::nullopt;
  }
  std::sort(values.begin(), values.end());
  const std::int64_t rank = nearest_rank(static_cast<std::int64_t>(values.size()), percent);
  return values[static_cast<std::size_t>(rank - 1)];
}

std::optional<double> met_percent(std::int64_t met, std::int64_t breached) {
  const std::int64_t all = met + breached;
  if (all <= 0) {
    return std::nullopt;
  }
  return 100.0 * static_cast<double>(met) / static_cast<double>(all);
}

} // namespace slatrack
