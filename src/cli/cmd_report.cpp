// report: what the owner reads on Monday morning (docs/reports.md). The store aggregates; this file
// picks the range and periods, and prints: for people an aligned table with right-aligned numbers
// and, by day, week or month, a chart of the replies met per period fitted to the terminal width
// (below the table rather than in it, so it fits whatever the table's width); for scripts the
// same numbers with durations in seconds and percentages as numbers.
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/report.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

namespace slatrack::cli {

namespace {

// "75.0": one decimal, the same text in every format (JSON gets the number it spells).
std::optional<std::string> percent_text(std::int64_t met, std::int64_t breached) {
  const std::optional<double> percent = met_percent(met, breached);
  if (!percent) {
    return std::nullopt;
  }
  return fmt::format("{:.1f}", *percent);
}

Value optional_text(const std::optional<std::string>& text) {
  if (!text) {
    return std::monostate{};
  }
  return *text;
}

Value optional_seconds(const std::optional<Seconds>& duration) {
  if (!duration) {
    return std::monostate{};
  }
  return *duration;
}

// The name of a period row: "2026-03-29" (day), "2026-03-23" (the week's Monday), "2026-03".
std::string period_name(ReportBy by, const Period& period) {
  if (by == ReportBy::month) {
    return date::format("%Y-%m", period.first_day);
  }
  return date::format("%Y-%m-%d", period.first_day);
}

std::string row_group(const ReportQuery& query, const ReportRow& row) {
  if (row.total) {
    return "total";
  }
  if (row.period) {
    return period_name(query.by, query.periods[*row.period]);
  }
  return row.group.value_or("");
}

const std::array<std::string_view, 3> k_percent_keys{"reply_met_pct", "update_met_pct",
                                                     "resolve_met_pct"};

// The machine record of a row; the percentages are text here ("75.0") and numbers in JSON.
Record machine_record(const ReportQuery& query, const ReportRow& row) {
  const Period& period = row.period
                             ? query.periods[*row.period]
                             : Period{query.periods.front().start, query.periods.back().end, {}};
  Value group = row_group(query, row);
  if (!row.total && !row.period && !row.group) {
    group = std::monostate{}; // requests with no assignee
  }
  return Record{
      {"group", group},
      {"from", period.start},
      {"to", period.end},
      {"requests", row.requests},
      {"reply_met", row.reply_met},
      {"reply_breached", row.reply_breached},
      {"reply_met_pct", optional_text(percent_text(row.reply_met, row.reply_breached))},
      {"reply_median_seconds", optional_seconds(row.reply_median)},
      {"reply_p90_seconds", optional_seconds(row.reply_p90)},
      {"resolve_met", row.resolve_met},
      {"resolve_breached", row.resolve_breached},
      {"resolve_met_pct", optional_text(percent_text(row.resolve_met, row.resolve_breached))},
      {"resolve_median_seconds", optional_seconds(row.resolve_median)},
      {"open_now", row.open_now},
      {"overdue_now", row.overdue_now},
      // Last, so that scripts that read the columns before them by position go on working.
      {"update_met", row.update_met},
      {"update_breached", row.update_breached},
      {"update_met_pct", optional_text(percent_text(row.update_met, row.update_breached))}};
}

nlohmann::ordered_json json_record(const Record& record) {
  nlohmann::ordered_json object = to_json(record);
  for (const std::string_view key : k_percent_keys) {
    nlohmann::ordered_json& field = object[std::string(key)];
    if (field.is_string()) {
      field = std::stod(field.get<std::string>());
    }
  }
  return object;
}

// ---- the table ----

// The terminal's width: $COLUMNS when set, else the terminal's (TIOCGWINSZ), else 80.
std::size_t terminal_columns() {
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr && *columns != '\0') {
    const std::string_view text{columns};
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc{} && end == text.data() + text.size() && value > 0) {
      return value;
    }
  }
  winsize size{};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0
      && size.ws_col > 0) {
    return size.ws_col;
  }
  return 80;
}

// A bar of `width` cells for `percent` (0-100), in eighths of a cell.
std::string bar(double percent, std::size_t width) {
  static constexpr std::array<std::string_view, 8> k_partial{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  const double clamped = std::clamp(percent, 0.0, 100.0);
  const auto eighths =
      static_cast<std::size_t>(std::lround(clamped / 100.0 * static_cast<double>(width * 8)));
  std::string out;
  for (std::size_t i = 0; i < eighths / 8; ++i) {
    out += "█";
  }
  out += k_partial[eighths % 8];
  return out;
}

struct TableColumn {
  std::string header;
  std::string section; // printed above the first column of a section
  bool left = false;   // left-aligned (the group); numbers are right-aligned
};

std::string group_header(ReportBy by) {
  switch (by) {
  case ReportBy::client:
    return "CLIENT";
  case ReportBy::assignee:
    return "ASSIGNEE";
  case ReportBy::priority:
    return "PRIORITY";
  case ReportBy::channel:
    return "CHANNEL";
  case ReportBy::day:
    return "DAY";
  case ReportBy::week:
    return "WEEK OF";
  case ReportBy::month:
    return "MONTH";
  }
  return "GROUP";
}

std::string table_group(const ReportQuery& query, const ReportRow& row) {
  if (row.period && query.by == ReportBy::day) {
    return date::format("%Y-%m-%d %a", query.periods[*row.period].first_day);
  }
  if (!row.total && !row.period && !row.group) {
    return "-";
  }
  return escape_control(row_group(query, row));
}

std::string duration_cell(const std::optional<Seconds>& duration) {
  return duration ? human_duration(*duration) : "-";
}

std::string percent_cell(std::int64_t met, std::int64_t breached) {
  const std::optional<std::string> text = percent_text(met, breached);
  return text ? *text + "%" : "-";
}

std::vector<std::string> table_cells(const ReportQuery& query, const ReportRow& row) {
  return {table_group(query, row),
          std::to_string(row.requests),
          std::to_string(row.reply_met),
          std::to_string(row.reply_breached),
          percent_cell(row.reply_met, row.reply_breached),
          duration_cell(row.reply_median),
          duration_cell(row.reply_p90),
          std::to_string(row.update_met),
          std::to_string(row.update_breached),
          percent_cell(row.update_met, row.update_breached),
          std::to_string(row.resolve_met),
          std::to_string(row.resolve_breached),
          percent_cell(row.resolve_met, row.resolve_breached),
          duration_cell(row.resolve_median),
          std::to_string(row.open_now),
          std::to_string(row.overdue_now)};
}

std::string right_trimmed(std::string text) {
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  return text;
}

// What the report covers, as its first line says it: "Report by client for Acme Ltd, November
// 2026: Sun 01 Nov 00:00 to Tue 01 Dec 00:00 (Europe/London)".
struct Heading {
  std::optional<std::string> client; // the client's name as stored
  std::optional<date::year_month> month;
};

void write_table(Context& context, const Style& style, const ReportQuery& query,
                 const std::vector<ReportRow>& rows, const Heading& heading) {
  std::FILE* out = context.out();
  const Zone& zone = context.zone();
  if (!context.quiet()) {
    std::string what = fmt::format("Report by {}", to_string(query.by));
    if (heading.client) {
      what += fmt::format(" for {}", escape_control(*heading.client));
    }
    if (heading.month) {
      what += fmt::format(", {}", month_name(*heading.month));
    }
    std::fputs(fmt::format("{}: {} to {} ({})\n\n", what,
                           local_short(query.periods.front().start, zone, style.now),
                           local_short(query.periods.back().end, zone, style.now), zone.name())
                   .c_str(),
               out);
  }
  const std::vector<TableColumn> columns{
      {group_header(query.by), "", true},
      {"LOGGED", "", false},
      {"MET", "REPLIES", false},
      {"LATE", "", false},
      {"MET%", "", false},
      {"MEDIAN", "", false},
      {"P90", "", false},
      {"MET", "UPDATES", false},
      {"LATE", "", false},
      {"MET%", "", false},
      {"MET", "RESOLUTIONS", false},
      {"LATE", "", false},
      {"MET%", "", false},
      {"MEDIAN", "", false},
      {"OPEN", "NOW", false},
      {"OVERDUE", "", false},
  };
  std::vector<std::vector<std::string>> cells;
  std::vector<std::size_t> widths;
  for (const TableColumn& column : columns) {
    widths.push_back(display_width(column.header));
  }
  for (const ReportRow& row : rows) {
    cells.push_back(table_cells(query, row));
    for (std::size_t i = 0; i < columns.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(cells.back()[i]));
    }
  }
  // Two spaces between columns, three before a new section.
  const auto gap_before = [&columns](std::size_t i) -> std::size_t {
    return i == 0 ? 0 : (columns[i].section.empty() ? 2 : 3);
  };
  std::string sections;
  std::size_t position = 0;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    position += gap_before(i);
    if (!columns[i].section.empty()) {
      sections.append(position - display_width(sections), ' ');
      sections += columns[i].section;
    }
    position += widths[i];
  }
  const auto render = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text.append(gap_before(i), ' ');
      const std::string padding(widths[i] - display_width(line[i]), ' ');
      text += columns[i].left ? line[i] + padding : padding + line[i];
    }
    return right_trimmed(text);
  };
  std::vector<std::string> headers;
  for (const TableColumn& column : columns) {
    headers.push_back(column.header);
  }
  std::fputs((paint(sections, Tone::dim, style) + "\n").c_str(), out);
  std::fputs((paint(render(headers), Tone::dim, style) + "\n").c_str(), out);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::fputs((render(cells[r]) + "\n").c_str(), out);
  }
  if (!is_period(query.by)) {
    return;
  }
  // The chart: one bar per period, as wide as the terminal allows.
  std::size_t label_width = 0;
  for (std::size_t r = 0; r + 1 < rows.size(); ++r) {
    label_width = std::max(label_width, display_width(cells[r][0]));
  }
  constexpr std::size_t k_percent_width = 6; // "100.0%"
  const std::size_t columns_wide = terminal_columns();
  const std::size_t used = label_width + 2 + 2 + k_percent_width;
  const std::size_t bar_width = columns_wide > used + 10 ? columns_wide - used : 10;
  std::fputs("\nReplies met on time\n", out);
  for (std::size_t r = 0; r + 1 < rows.size(); ++r) {
    const ReportRow& row = rows[r];
    const std::optional<double> percent = met_percent(row.reply_met, row.reply_breached);
    const std::string drawn = percent ? bar(*percent, bar_width) : std::string();
    const std::string label = cells[r][0];
    const std::string percent_text = cells[r][4]; // REPLIES MET%
    std::string line = label + std::string(label_width - display_width(label) + 2, ' ');
    line += paint(drawn, Tone::green, style);
    line += std::string(bar_width - display_width(drawn) + 2, ' ');
    line +=
        std::string(k_percent_width - std::min(k_percent_width, display_width(percent_text)), ' ');
    line += percent_text;
    std::fputs((line + "\n").c_str(), out);
  }
}

} // namespace

int run_report(Context& context, const ReportOptions& options) {
  ReportBy by = ReportBy::client;
  if (options.by) {
    const std::optional<ReportBy> parsed = report_by_from(*options.by);
    if (!parsed) {
      throw Error{
          ErrorKind::invalid_input,
          fmt::format("bad --by \"{}\": use {}", escape_control(*options.by), report_by_names())};
    }
    by = *parsed;
  }
  const Instant now = context.now();
  const Zone& zone = context.zone();
  Heading heading;
  Instant from;
  Instant to;
  if (options.month) {
    if (options.from || options.to) {
      throw Error{ErrorKind::usage, fmt::format("--month {} is a whole range: give either --month "
                                                "or --from/--to, not both",
                                                quoted_argument(*options.month))};
    }
    const MonthRange month = month_range(zone, *options.month, now);
    from = month.from;
    to = month.to;
    heading.month = month.month;
  } else {
    to = options.to ? context.parse_range_option("--to", *options.to) : now;
    from = options.from ? context.parse_range_option("--from", *options.from)
                        : default_report_from(zone, to);
  }
  if (from >= to) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("--from {} is not before --to {}; give an earlier --from or a later "
                            "--to",
                            local_full(from, zone), local_full(to, zone))};
  }
  ReportQuery query;
  query.by = by;
  query.periods = report_periods(zone, from, to, by);
  query.now = now;
  query.client = options.client;
  const std::vector<ReportRow> rows = context.store().report(query);
  const Style style = context.style();
  Forms forms;
  forms.text = [&] {
    if (options.client) {
      if (const std::optional<Client> client = context.store().find_client(*options.client)) {
        heading.client = client->name;
      }
    }
    write_table(context, style, query, rows, heading);
  };
  // For scripts: a record per row; percentages are numbers in JSON.
  const auto records = [&] {
    std::vector<Record> out;
    for (const ReportRow& row : rows) {
      out.push_back(machine_record(query, row));
    }
    return out;
  };
  forms.json = [&] {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const Record& record : records()) {
      array.push_back(json_record(record));
    }
    std::fputs((dump_json(array) + "\n").c_str(), context.out());
  };
  forms.lines = [&] {
    for (const Record& record : records()) {
      std::fputs((dump_json(json_record(record)) + "\n").c_str(), context.out());
    }
  };
  forms.cells = [&] {
    std::vector<Row> lines;
    for (Record& record : records()) {
      lines.push_back(Row{std::move(record), Tone::none});
    }
    write_rows(context.out(), style, {}, lines, {});
  };
  write_output(style.format, forms);
  return 0;
}

} // namespace slatrack::cli
