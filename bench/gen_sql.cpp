// Why this program: bench/run.sh puts each slatrack command beside its floor, the sqlite3 shell
// running the statements the command runs. For `overdue` and `report` those statements are built
// by the store at run time, so this program prints them from the same functions, as sqlite3
// scripts with the parameters bound by `.parameter set`: the floors can never drift from the
// store's SQL.
//
//   gen_sql overdue NOW_UNIX             the overdue query, due before NOW
//   gen_sql report FROM_UNIX TO_UNIX NOW_UNIX [client|assignee|priority|channel]
//                                        the report query over [FROM, TO) as one period
#include "slatrack/report.hpp"
#include "store/schema.hpp"
#include "store/sqlite_report.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>

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
  std::fputs("usage: gen_sql overdue NOW_UNIX | gen_sql report FROM_UNIX TO_UNIX NOW_UNIX "
             "[client|assignee|priority|channel]\n",
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
  if (what == "report" && (argc == 5 || argc == 6)) {
    const std::optional<std::int64_t> from = number(argv[2]);
    const std::optional<std::int64_t> to = number(argv[3]);
    const std::optional<std::int64_t> now = number(argv[4]);
    const std::optional<slatrack::ReportBy> by =
        slatrack::report_by_from(argc == 6 ? argv[5] : "client");
    if (!from || !to || !now || !by || slatrack::is_period(*by)) {
      return usage();
    }
    std::fputs(fmt::format(".parameter set ?1 \"'[[{},{}]]'\"\n.parameter set ?2 {}\n"
                           ".parameter set ?3 {}\n.parameter set ?4 {}\n{};\n",
                           *from, *to, *now, *from, *to, slatrack::store::report_query(*by))
                   .c_str(),
               stdout);
    return 0;
  }
  return usage();
}
