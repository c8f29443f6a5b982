// Why this program: bench/run.sh puts each slatrack command beside its floor, the sqlite3 shell
// running the statements the command runs. For `overdue` and `report` those statements are built
// by the store at run time, so this program prints them from the same functions, as sqlite3
// scripts with the parameters bound by `.parameter set`: the floors can never drift from the
// store's SQL.
//
//   gen_sql overdue NOW_UNIX             the overdue query, due before NOW
//   gen_sql pg-overdue NOW_UNIX          the same on a team database, as a psql script
//   gen_sql pg-report FROM_UNIX TO_UNIX NOW_UNIX [client|assignee|priority|channel|day|week|month]
//                                        the team database report's four statements over
//                                        [FROM, TO), as a psql script of binary COPYs to stdout,
//                                        as the store streams them
//   gen_sql report FROM_UNIX TO_UNIX NOW_UNIX [client|assignee|priority|channel]
//                                        the report's statements over [FROM, TO) as one period,
//                                        each reading every column of every row it returns
//                                        (count and max of each column: the aggregation is C++)
#include "slatrack/report.hpp"
#include "store/pg_report.hpp"
#include "store/schema.hpp"
#include "store/sqlite_report.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

std::optional<std::int64_t> number(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

int usage() {
  std::fputs(
      "usage: gen_sql overdue|pg-overdue NOW_UNIX | gen_sql report FROM_UNIX TO_UNIX NOW_UNIX "
      "[client|assignee|priority|channel] | gen_sql pg-report FROM_UNIX TO_UNIX NOW_UNIX [BY]\n",
      stderr);
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    return usage();
  }
  const std::string_view what = argv[1];
  if (what == "overdue" && argc == 3) {
    const std::optional<std::int64_t> now = number(argv[2]);
    if (!now) {
      return usage();
    }
    // The store binds the last due time shown: due < now, so now - 1.
    std::fputs(fmt::format(".parameter set ?1 {}\n{};\n", *now - 1,
                           slatrack::store::overdue_query(false, false, false))
                   .c_str(),
               stdout);
    return 0;
  }
  if (what == "pg-overdue" && argc == 3) {
    const std::optional<std::int64_t> now = number(argv[2]);
    if (!now) {
      return usage();
    }
    // A psql script: the team database's overdue query, bound as PgStore binds it (bench/pg.sh).
    std::fputs(fmt::format("SET search_path = slatrack;\nPREPARE overdue (bigint) AS\n{};\n"
                           "EXECUTE overdue ({});\n",
                           slatrack::store::pg_overdue_query(false, false), *now - 1)
                   .c_str(),
               stdout);
    return 0;
  }
  if (what == "pg-report" && (argc == 5 || argc == 6)) {
    const std::optional<std::int64_t> from = number(argv[2]);
    const std::optional<std::int64_t> to = number(argv[3]);
    const std::optional<std::int64_t> now = number(argv[4]);
    const std::optional<slatrack::ReportBy> by =
        slatrack::report_by_from(argc == 6 ? argv[5] : "client");
    if (!from || !to || !now || !by) {
      return usage();
    }
    // The readings in the order the report runs them, each streamed as the store streams it.
    const std::array<std::string, 4> statements{
        slatrack::store::pg_report_received_sql(*by, *from, *to, std::nullopt),
        slatrack::store::pg_report_stopped_sql(*by, *from, *to, std::nullopt),
        slatrack::store::pg_report_breached_sql(*by, *from, std::min(*to, *now), std::nullopt),
        slatrack::store::pg_report_open_sql(*by, *now, std::nullopt)};
    std::fputs("SET search_path = slatrack;\nBEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;\n",
               stdout);
    for (const std::string& sql : statements) {
      std::fputs(fmt::format("COPY ({}) TO STDOUT (FORMAT binary);\n", sql).c_str(), stdout);
    }
    std::fputs("COMMIT;\n", stdout);
    return 0;
  }
  if (what == "report" && (argc == 5 || argc == 6)) {
    const std::optional<std::int64_t> from = number(argv[2]);
    const std::optional<std::int64_t> to = number(argv[3]);
    const std::optional<std::int64_t> now = number(argv[4]);
    const std::optional<slatrack::ReportBy> by =
        slatrack::report_by_from(argc == 6 ? argv[5] : "client");
    if (!from || !to || !now || !by || slatrack::is_period(*by)) {
      return usage();
    }
    // The statements in the order the store runs them: three over [FROM, TO) (the running
    // clocks up to min(TO, NOW)), then what is open, by NOW.
    const std::vector<slatrack::store::ReportStatement> statements =
        slatrack::store::report_statements(*by);
    const std::array<std::pair<std::int64_t, std::int64_t>, 4> parameters{
        std::pair{*from, *to}, std::pair{*from, *to}, std::pair{*from, std::min(*to, *now)},
        std::pair{*now, std::int64_t{0}}};
    for (std::size_t i = 0; i < statements.size() && i < parameters.size(); ++i) {
      std::string columns;
      std::string reads;
      for (int c = 0; c < statements[i].columns; ++c) {
        columns += fmt::format("{}c{}", c == 0 ? "" : ", ", c);
        reads += fmt::format(", max(c{})", c);
      }
      std::fputs(fmt::format(".parameter set ?1 {}\n.parameter set ?2 {}\n"
                             "WITH s ({}) AS ({})\nSELECT count(*){} FROM s;\n",
                             parameters[i].first, parameters[i].second, columns, statements[i].sql,
                             reads)
                     .c_str(),
                 stdout);
    }
    return 0;
  }
  return usage();
}
