// The report's aggregation (docs/reports.md), written once for every backend: a backend reads the
// facts a report counts with its own SQL, each from one index range, and hands them over row by
// row (ReportSource, ReportFacts); aggregate_report groups them (by period, or by the request's
// client, assignee, priority or channel), counts them, picks the exact nearest-rank percentiles
// (report_values.hpp) and orders the groups. Pure: no SQL, no I/O; the rows are the backend's.
#pragma once

#include "slatrack/report.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slatrack {

// A request's group key as stored, for a report not by period: by client the client's id, else
// the text of its assignee (nullopt: nobody assigned), priority or channel.
struct ReportKey {
  std::int64_t client_id = 0;
  std::optional<std::string_view> text;
};

// The same, holding its text (a key read by id, ReportSource::request_key).
struct StoredReportKey {
  std::int64_t client_id = 0;
  std::optional<std::string> text;
};

// Where a backend hands the facts it reads, one call per row, in the order the rows come (facts
// in time order read faster, any order counts the same). `place` is, by day, week or month, the
// fact's time in unix seconds (what finds its period), else the id of its request (what finds its
// group). `metric` is "reply", "update" or "resolve"; `outcome` "met" or "breached".
class ReportFacts {
public:
  ReportFacts() = default;
  ReportFacts(const ReportFacts&) = delete;
  ReportFacts& operator=(const ReportFacts&) = delete;
  ReportFacts(ReportFacts&&) = delete;
  ReportFacts& operator=(ReportFacts&&) = delete;
  virtual ~ReportFacts() = default;

  // A request received in the range, not void: by period place is its received time (key
  // unused), else its id and key its group key.
  virtual void received(std::int64_t place, const ReportKey& key) = 0;
  // A reply, update or resolve clock run stopped in the range with `used_s` seconds of open time.
  // False when the aggregation starts over (an open time larger than it keeps): the backend then
  // stops reading and returns false from ReportSource::read_stopped.
  [[nodiscard]] virtual bool stopped(std::string_view metric, std::string_view outcome,
                                     std::int64_t used_s, std::int64_t place) = 0;
  // A reply, update or resolve clock run still running, due in the range and before now: by
  // period place is its due time.
  virtual void breached(std::string_view metric, std::int64_t place) = 0;
  // A request not resolved now, not void: `overdue` when its next due time is before now; by
  // period `received_at` finds its period (none: counted in the total only), else `key` its group.
  virtual void open(bool overdue, std::int64_t received_at, const ReportKey& key) = 0;
};

// What a backend implements for aggregate_report: the four readings of a report, each one index
// range of the query's requests (every client's, or query.client's only), and two look-ups. The
// SQLite store's are in src/store/sqlite_report.cpp, the team database's in
// src/store/pg_report.cpp. Times are unix seconds. A reading may be run more than once (the
// aggregation starts over when an open time needs 8 bytes). Throws what the backend throws
// (Error{storage}).
class ReportSource {
public:
  ReportSource() = default;
  ReportSource(const ReportSource&) = delete;
  ReportSource& operator=(const ReportSource&) = delete;
  ReportSource(ReportSource&&) = delete;
  ReportSource& operator=(ReportSource&&) = delete;
  virtual ~ReportSource() = default;

  // The largest request id there is (nullopt: none): a hint to size memory, asked only when the
  // report is not by period.
  [[nodiscard]] virtual std::optional<std::int64_t> last_request_id() = 0;
  // facts.received() for every request received in [from, end), not void.
  virtual void read_received(std::int64_t from, std::int64_t end, ReportFacts& facts) = 0;
  // facts.stopped() for every reply, update and resolve run stopped in [from, end); false as soon
  // as facts.stopped() is.
  [[nodiscard]] virtual bool read_stopped(std::int64_t from, std::int64_t end,
                                          ReportFacts& facts) = 0;
  // facts.breached() for every reply, update and resolve run running and due in [from, end)
  // (end being the earlier of the range's end and now).
  virtual void read_breached(std::int64_t from, std::int64_t end, ReportFacts& facts) = 0;
  // facts.open() for every request open or waiting, not void (overdue: next due before now).
  virtual void read_open(std::int64_t now, ReportFacts& facts) = 0;
  // The group keys of those of requests `ids` (sorted, distinct) that exist: requests received
  // outside the range with a clock run counted in it (few). Asked after the readings of the runs,
  // never during a reading.
  [[nodiscard]] virtual std::vector<std::pair<std::int64_t, StoredReportKey>>
  request_keys(const std::vector<std::int64_t>& ids) = 0;
  // The name of client `id`. Throws Error{internal} when there is none.
  [[nodiscard]] virtual std::string client_name(std::int64_t id) = 0;
};

// The report of `query` from the facts `source` reads: one row per group with anything to show
// (by day, week or month: one per period, empty ones included), ordered (clients and assignees by
// name case-insensitively, nobody last; priorities and channels in the contract's order; periods in
// time order), then the total; the rows Store::report returns. Assignees that differ only in ASCII
// case are one group, named by the smallest spelling counted. Percentiles are exact nearest-rank
// picks (report_values.hpp). Throws Error{invalid_input} when query.periods is empty.
[[nodiscard]] std::vector<ReportRow> aggregate_report(const ReportQuery& query,
                                                      ReportSource& source);

} // namespace slatrack
