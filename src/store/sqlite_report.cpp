// Why this file: `report` aggregates the stored clock outcomes in one SQL statement instead of
// replaying events. The periods come in as one bound JSON parameter (json_each), so the statement
// text depends only on the grouping. Every fact (a request logged, a clock stopped, a running clock
// already breached, a request open now) becomes one row of a CTE tagged with its group; the facts
// are counted twice, per group and for the total, and window functions give the nearest-rank
// percentiles: rank ceil(p * n / 100) = (p * n + 99) / 100 in integers.
#include "store/sqlite_report.hpp"

#include "slatrack/domain.hpp"
#include "slatrack/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <tuple>

namespace slatrack::store {

namespace {

using sqlite::Statement;
using Use = sqlite::Statement::Use;

struct GroupSql {
  std::string key;   // what rows are grouped by
  std::string label; // what the group is called
  bool clients = false;
};

GroupSql group_sql(ReportBy by) {
  switch (by) {
  case ReportBy::client:
    return {"r.client_id", "c.name", true};
  case ReportBy::assignee:
    // lower() and the column's NOCASE are both ASCII-only: "Ann" and "ann" are one group.
    return {"lower(r.assignee)", "r.assignee", false};
  case ReportBy::priority:
    return {"r.priority", "r.priority", false};
  case ReportBy::channel:
    return {"r.channel", "r.channel", false};
  case ReportBy::day:
  case ReportBy::week:
  case ReportBy::month:
    return {"p.idx", "NULL", false};
  }
  return {"p.idx", "NULL", false};
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// Where a named group sorts: clients and assignees by name (nobody last), priorities and channels
// in the contract's order.
std::tuple<int, std::string, std::string> sort_key(ReportBy by,
                                                   const std::optional<std::string>& group) {
  if (!group) {
    return {2, "", ""};
  }
  if (by == ReportBy::priority) {
    if (const std::optional<Priority> priority = priority_from(*group)) {
      return {0, fmt::format("{:02}", static_cast<int>(*priority)), *group};
    }
  }
  if (by == ReportBy::channel) {
    if (const std::optional<Channel> channel = channel_from(*group)) {
      return {0, fmt::format("{:02}", static_cast<int>(*channel)), *group};
    }
  }
  return {1, ascii_lower(*group), *group};
}

std::optional<Seconds> seconds_column(const Use& row, int column) {
  const std::optional<std::int64_t> value = row.optional_integer(column);
  if (!value) {
    return std::nullopt;
  }
  return Seconds{*value};
}

std::string periods_json(const std::vector<Period>& periods) {
  std::string out = "[";
  for (std::size_t i = 0; i < periods.size(); ++i) {
    out += fmt::format("{}[{},{}]", i == 0 ? "" : ",", periods[i].start.time_since_epoch().count(),
                       periods[i].end.time_since_epoch().count());
  }
  return out + "]";
}

} // namespace

std::string report_query(ReportBy by) {
  const GroupSql group = group_sql(by);
  const std::string clients = group.clients ? "JOIN clients c ON c.id = r.client_id\n" : "";
  // What is open now is counted whenever it was received, except by period: then it belongs to
  // the period it was received in, and only the total counts what was received outside the range.
  const std::string open_facts =
      is_period(by)
          ? R"sql(SELECT 1, p.idx, NULL, 'open', CASE WHEN r.next_due_at < ?2 THEN 'overdue' END, NULL
  FROM periods p
  CROSS JOIN requests r ON r.received_at >= p.p_start AND r.received_at < p.p_end
  WHERE +r.status IN ('open', 'waiting')
  UNION ALL
  SELECT 0, NULL, NULL, 'open', CASE WHEN r.next_due_at < ?2 THEN 'overdue' END, NULL
  FROM requests r
  WHERE r.status IN ('open', 'waiting')
    AND (r.received_at < (SELECT min(p_start) FROM periods)
         OR r.received_at >= (SELECT max(p_end) FROM periods)))sql"
          : fmt::format(R"sql(SELECT 1, {0}, {1}, 'open',
         CASE WHEN r.next_due_at < ?2 THEN 'overdue' END, NULL
  FROM requests r
  {2}WHERE r.status IN ('open', 'waiting'))sql",
                        group.key, group.label, clients);
  return fmt::format(
      R"sql(WITH periods (idx, p_start, p_end) AS MATERIALIZED (
  SELECT CAST(key AS INTEGER), json_extract(value, '$[0]'), json_extract(value, '$[1]')
  FROM json_each(?1)
),
facts (has_grp, grp, label, what, outcome, used_s) AS MATERIALIZED (
  -- requests received in a period
  SELECT 1, {0}, {1}, 'logged', NULL, NULL
  FROM periods p
  CROSS JOIN requests r ON r.received_at >= p.p_start AND r.received_at < p.p_end
  {2}UNION ALL
  -- reply and resolve clocks that stopped in a period, met or breached, with their open time
  SELECT 1, {0}, {1}, k.metric, k.outcome, k.used_s
  FROM periods p
  CROSS JOIN clocks k ON k.metric IN ('reply', 'resolve')
               AND k.stop_at >= p.p_start AND k.stop_at < p.p_end
  JOIN requests r ON r.id = k.request_id
  {2}UNION ALL
  -- running clocks already breached, in the period of their due time
  SELECT 1, {0}, {1}, k.metric, 'breached', NULL
  FROM periods p
  CROSS JOIN clocks k ON k.metric IN ('reply', 'resolve')
               AND k.due_at >= p.p_start AND k.due_at < p.p_end
  JOIN requests r ON r.id = k.request_id
  {2}WHERE +k.due_at < ?2 AND k.outcome = 'running'
  UNION ALL
  -- requests not resolved now, overdue when their earliest running clock is due before now
  {3}
),
-- the counts per group, and for the total
counts (total, grp, label, logged, reply_met, reply_breached, resolve_met, resolve_breached,
        open_now, overdue_now) AS (
  SELECT 0, grp, min(label COLLATE BINARY), {4}
  FROM facts WHERE has_grp GROUP BY grp
  UNION ALL
  SELECT 1, NULL, NULL, {4}
  FROM facts
),
-- the stopped clocks' times ranked per group and metric, and for the total per metric; n is the
-- number of values of the partition (the frame is the whole partition)
ranked (total, grp, what, used_s, rn, n) AS (
  SELECT 0, grp, what, used_s, row_number() OVER by_group, count(*) OVER by_group
  FROM facts WHERE has_grp AND used_s IS NOT NULL
  WINDOW by_group AS (PARTITION BY grp, what ORDER BY used_s
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
  UNION ALL
  SELECT 1, NULL, what, used_s, row_number() OVER all_groups, count(*) OVER all_groups
  FROM facts WHERE used_s IS NOT NULL
  WINDOW all_groups AS (PARTITION BY what ORDER BY used_s
                        ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
-- nearest rank: the value at rank ceil(p * n / 100)
percentiles (total, grp, reply_p50, reply_p90, resolve_p50) AS (
  SELECT total, grp,
    max(CASE WHEN what = 'reply' AND rn = (50 * n + 99) / 100 THEN used_s END),
    max(CASE WHEN what = 'reply' AND rn = (90 * n + 99) / 100 THEN used_s END),
    max(CASE WHEN what = 'resolve' AND rn = (50 * n + 99) / 100 THEN used_s END)
  FROM ranked
  WHERE rn = (50 * n + 99) / 100 OR rn = (90 * n + 99) / 100
  GROUP BY total, grp
)
SELECT total, grp, max(label), sum(logged), sum(reply_met), sum(reply_breached), max(reply_p50),
       max(reply_p90), sum(resolve_met), sum(resolve_breached), max(resolve_p50), sum(open_now),
       sum(overdue_now)
FROM (SELECT total, grp, label, logged, reply_met, reply_breached, NULL AS reply_p50,
             NULL AS reply_p90, resolve_met, resolve_breached, NULL AS resolve_p50, open_now,
             overdue_now
      FROM counts
      UNION ALL
      SELECT total, grp, NULL, 0, 0, 0, reply_p50, reply_p90, 0, 0, resolve_p50, 0, 0
      FROM percentiles)
GROUP BY total, grp)sql",
      group.key, group.label, clients, open_facts,
      R"sql(ifnull(sum(what = 'logged'), 0),
    ifnull(sum(what = 'reply' AND outcome = 'met'), 0),
    ifnull(sum(what = 'reply' AND outcome = 'breached'), 0),
    ifnull(sum(what = 'resolve' AND outcome = 'met'), 0),
    ifnull(sum(what = 'resolve' AND outcome = 'breached'), 0),
    ifnull(sum(what = 'open'), 0),
    ifnull(sum(what = 'open' AND outcome = 'overdue'), 0))sql");
}

std::vector<ReportRow> run_report(sqlite::Database& db, const ReportQuery& query) {
  if (query.periods.empty()) {
    throw Error{ErrorKind::invalid_input, "a report needs a range: give --from and --to"};
  }
  const bool by_period = is_period(query.by);
  std::vector<ReportRow> groups;
  std::optional<ReportRow> total;
  {
    sqlite::Transaction read(db, sqlite::Transaction::Mode::deferred);
    Statement statement(db, report_query(query.by));
    {
      Use use = statement.use();
      use.bind(periods_json(query.periods)).bind(query.now.time_since_epoch().count());
      while (use.step()) {
        ReportRow row;
        row.total = use.integer(0) != 0;
        if (!row.total) {
          if (by_period) {
            const std::int64_t index = use.integer(1);
            if (index < 0 || static_cast<std::size_t>(index) >= query.periods.size()) {
              throw Error{ErrorKind::internal, fmt::format("report: no period {}", index)};
            }
            row.period = static_cast<std::size_t>(index);
          } else {
            row.group = use.optional_text(2);
          }
        }
        row.requests = use.integer(3);
        row.reply_met = use.integer(4);
        row.reply_breached = use.integer(5);
        row.reply_median = seconds_column(use, 6);
        row.reply_p90 = seconds_column(use, 7);
        row.resolve_met = use.integer(8);
        row.resolve_breached = use.integer(9);
        row.resolve_median = seconds_column(use, 10);
        row.open_now = use.integer(11);
        row.overdue_now = use.integer(12);
        if (row.total) {
          total = std::move(row);
        } else {
          groups.push_back(std::move(row));
        }
      }
    }
    read.commit();
  }
  std::vector<ReportRow> out;
  if (by_period) {
    out.resize(query.periods.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i].period = i;
    }
    for (ReportRow& row : groups) {
      const std::size_t index = *row.period;
      out[index] = std::move(row);
    }
  } else {
    out = std::move(groups);
    std::stable_sort(out.begin(), out.end(), [&query](const ReportRow& a, const ReportRow& b) {
      return sort_key(query.by, a.group) < sort_key(query.by, b.group);
    });
  }
  ReportRow last = total.value_or(ReportRow{});
  last.total = true;
  out.push_back(std::move(last));
  return out;
}

} // namespace slatrack::store
