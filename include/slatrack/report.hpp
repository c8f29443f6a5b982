// Reports (`slatrack report`, docs/reports.md): how requests are grouped, the local calendar
// periods of a report by day, week or month, the nearest-rank percentile, and the query and rows
// the store answers with. Pure: the zone, the range and now are parameters.
#pragma once

#include "slatrack/time.hpp"
#include "slatrack/zone.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

// What the rows of a report are: one per client, assignee, priority or channel, or one per local
// day, week (starting on Monday) or month.
enum class ReportBy { client, assignee, priority, channel, day, week, month };

// "client", "assignee", "priority", "channel", "day", "week", "month".
[[nodiscard]] std::string_view to_string(ReportBy by);
// Inverse of to_string (exact, lower case); nullopt for anything else.
[[nodiscard]] std::optional<ReportBy> report_by_from(std::string_view text);
// "client, assignee, priority, channel, day, week or month", for messages.
[[nodiscard]] std::string_view report_by_names();
// Whether the rows are calendar periods (day, week, month).
[[nodiscard]] bool is_period(ReportBy by);

// The most periods one report may have (about 27 years by day).
inline constexpr std::size_t k_max_report_periods = 10000;

// One row's slice of time: [start, end).
struct Period {
  Instant start;
  Instant end;
  // The local date the calendar period begins on (the day itself, the week's Monday, the 1st of
  // the month); for a grouping that is not by period, the local date of the range's start.
  date::local_days first_day;
  friend bool operator==(const Period&, const Period&) = default;
};

// The periods of a report over [from, to) in `zone`. By day, week or month: every local calendar
// period that overlaps [from, to), in order, the first and last clipped to the range (so together
// they cover it exactly, empty periods included); a period begins at local midnight (a midnight
// skipped by a DST change: the first instant after the gap; a repeated one: the earlier). For the
// other groupings: one period, [from, to). Throws Error{invalid_input} when from is not before to,
// or when there would be more than k_max_report_periods.
[[nodiscard]] std::vector<Period> report_periods(const Zone& zone, Instant from, Instant to,
                                                 ReportBy by);

// The default start of a report ending at `to`: local midnight 30 days before the local date of
// `to` (so with to = now: the last 30 whole days and today so far).
[[nodiscard]] Instant default_report_from(const Zone& zone, Instant to);

// A calendar month in a zone (`report --month`, `statement --month`): [from, to), from local
// midnight of the 1st to local midnight of the 1st of the next month (a midnight skipped by a DST
// change: the first instant after the gap).
struct MonthRange {
  date::year_month month;
  Instant from;
  Instant to;
  friend bool operator==(const MonthRange&, const MonthRange&) = default;
};

// The month of `spec`: "YYYY-MM" (1970-01 to 9999-12), "last" (the last whole month: the one
// before the local month of `now`) or "this" (the local month of `now`), in `zone`. Throws
// Error{invalid_input} naming the bad value and what is accepted.
[[nodiscard]] MonthRange month_range(const Zone& zone, std::string_view spec, Instant now);

// "November 2026".
[[nodiscard]] std::string month_name(date::year_month month);

// The 1-based nearest rank of the p-th percentile among n values: ceil(p / 100 * n), at least 1.
// Requires n >= 1 and 0 < p <= 100.
[[nodiscard]] std::int64_t nearest_rank(std::int64_t n, int percent);

// The p-th percentile by nearest rank: the value at rank ceil(p / 100 * n) in ascending order
// (the median is p = 50); nullopt for no values. The definition the store's report follows
// (it picks the same rank without a full sort, report_values.hpp).
[[nodiscard]] std::optional<Seconds> percentile(std::vector<Seconds> values, int percent);

// 100 * met / (met + breached); nullopt when there is nothing to divide.
[[nodiscard]] std::optional<double> met_percent(std::int64_t met, std::int64_t breached);

// What the store aggregates: the rows' grouping, their periods (report_periods(); one period, the
// whole range, when `by` is not a period) and now (for running clocks already breached, and what
// is open and overdue now).
struct ReportQuery {
  ReportBy by = ReportBy::client;
  std::vector<Period> periods;
  Instant now;
  // Only this client's requests (its name, matched case-insensitively); nullopt: every client.
  std::optional<std::string> client;
};

// One row of a report. A clock counts in the period in which it stopped; a running clock already
// breached (due before now) counts as breached in the period of its due time. Reply and resolve
// times are open time on the request's calendar (clocks.used_s of the stopped runs).
struct ReportRow {
  // The group: client name, assignee (nullopt: nobody), priority or channel name; nullopt for
  // periods and for the total.
  std::optional<std::string> group;
  std::optional<std::size_t> period; // by day, week or month: index into ReportQuery::periods
  bool total = false;                // the last row: every group together
  std::int64_t requests = 0;         // received (first message) in the range or period
  std::int64_t reply_met = 0;
  std::int64_t reply_breached = 0;
  std::optional<Seconds> reply_median; // of the stopped reply clocks (met or breached)
  std::optional<Seconds> reply_p90;
  // Update clocks ("we keep you posted"), counted as reply clocks are.
  std::int64_t update_met = 0;
  std::int64_t update_breached = 0;
  std::int64_t resolve_met = 0;
  std::int64_t resolve_breached = 0;
  std::optional<Seconds> resolve_median; // of the stopped resolve clocks
  // Requests not resolved now, and those of them with a running clock due before now. By client,
  // assignee, priority and channel whenever they were received; by period the ones received in
  // that period; the total counts them all.
  std::int64_t open_now = 0;
  std::int64_t overdue_now = 0;
  friend bool operator==(const ReportRow&, const ReportRow&) = default;
};

} // namespace slatrack
