// statement: the client's own account of the promises kept (docs/reports.md). The core counts and
// words it (statement.hpp); this file picks the range and writes it as a table for the terminal,
// one record per request for scripts, one JSON object, markdown for an email body, or one
// self-contained HTML page with an SVG chart drawn here. Every text from the database is escaped
// for its format: control characters for the terminal, markdown's and HTML's own characters.
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/report.hpp"
#include "slatrack/statement.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <string>
#include <vector>

namespace slatrack::cli {

namespace {

// What the statement covers.
struct Range {
  Instant from;
  Instant to;
  std::optional<date::year_month> month;
};

Range statement_range(Context& context, const StatementOptions& options) {
  const Instant now = context.now();
  const Zone& zone = context.zone();
  if (options.month && (options.from || options.to)) {
    throw Error{ErrorKind::usage, fmt::format("--month {} is a whole range: give either --month or "
                                              "--from/--to, not both",
                                              quoted_argument(*options.month))};
  }
  if (!options.from && !options.to) {
    const MonthRange month = month_range(zone, options.month.value_or("last"), now);
    return Range{month.from, month.to, month.month};
  }
  if (!options.from) {
    throw Error{ErrorKind::usage,
                "--to needs a --from: give --from TIME (and --to TIME), or --month YYYY-MM"};
  }
  const Instant from = context.parse_range_option("--from", *options.from);
  const Instant to = options.to ? context.parse_range_option("--to", *options.to) : now;
  if (from >= to) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("--from {} is not before --to {}; give an earlier --from or a later "
                            "--to",
                            local_full(from, zone), local_full(to, zone))};
  }
  return Range{from, to, std::nullopt};
}

std::optional<std::string> percent_text(const Kept& kept) {
  const std::optional<double> percent = met_percent(kept.met, kept.breached);
  if (!percent) {
    return std::nullopt;
  }
  return fmt::format("{:.1f}", *percent);
}

std::string capitalized(std::string text) {
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') {
    text[0] = static_cast<char>(text[0] - 'a' + 'A');
  }
  return text;
}

// Everything a format shows, worded once: plain text (not yet escaped for any format).
struct Words {
  std::string title;  // "Statement for Acme Ltd: November 2026"
  std::string period; // "Sun 01 Nov 2026 00:00 to Tue 01 Dec 2026 00:00 (Europe/London)"
  std::vector<std::string> promises; // "We reply within ...", "Urgent requests: we reply ..."
  std::optional<std::string> hours;  // "Business hours: mon-fri 09:00-17:00 (Europe/London)..."
  std::vector<std::string> facts;    // "12 requests received", ...
};

std::string kept_sentence(const Kept& kept, std::string_view what) {
  const std::optional<std::string> percent = percent_text(kept);
  return fmt::format("{}: {} of {} on time{}", what, kept.met, kept.all(),
                     percent ? fmt::format(" ({}%)", *percent) : std::string());
}

std::string local_long(Instant instant, const Zone& zone) {
  return date::format("%a %d %b %Y %H:%M", zone.to_local(instant));
}

Words words_of(const Statement& statement, const Range& range, const Zone& zone) {
  Words out;
  out.title = fmt::format("Statement for {}: {}", statement.client,
                          range.month ? month_name(*range.month)
                                      : fmt::format("{} to {}", local_long(range.from, zone),
                                                    local_long(range.to, zone)));
  if (range.month) {
    const date::year_month_day last{date::local_days{(*range.month + date::months{1}) / 1}
                                    - date::days{1}};
    out.period = fmt::format("1 to {} {}, in {} time", static_cast<unsigned>(last.day()),
                             month_name(*range.month), zone.name());
  } else {
    out.period = fmt::format("{} to {}, in {} time", local_long(range.from, zone),
                             local_long(range.to, zone), zone.name());
  }
  for (const PromiseText& promise : statement.promises) {
    out.promises.push_back(promise.priority
                               ? fmt::format("{} requests: {}.",
                                             capitalized(std::string(to_string(*promise.priority))),
                                             promise.words)
                               : capitalized(promise.words) + ".");
  }
  if (statement.business_hours) {
    out.hours = fmt::format("Times are counted in business hours: {} ({}){}.",
                            format_hours(statement.calendar.hours), statement.calendar.zone,
                            statement.calendar.holidays.empty() ? "" : ", holidays excluded");
  }
  const Targets& base = statement.promises.front().targets;
  out.facts.push_back(fmt::format("Requests received: {}", statement.logged));
  out.facts.push_back(kept_sentence(statement.reply, "Replies"));
  if (base.update || statement.update.all() > 0) {
    out.facts.push_back(kept_sentence(statement.update, "Kept posted"));
  }
  if (base.resolve || statement.resolve.all() > 0) {
    out.facts.push_back(kept_sentence(statement.resolve, "Resolved"));
  }
  if (statement.reply_median) {
    out.facts.push_back(
        fmt::format("Median reply time: {} (promise: {}); 9 in 10 replies within {}",
                    human_duration(*statement.reply_median),
                    duration_words(base.reply, statement.business_hours),
                    human_duration(*statement.reply_p90)));
  }
  if (statement.resolve_median) {
    out.facts.push_back(fmt::format(
        "Median time to resolve: {}{}", human_duration(*statement.resolve_median),
        base.resolve
            ? fmt::format(" (promise: {})", duration_words(*base.resolve, statement.business_hours))
            : std::string()));
  }
  out.facts.push_back(fmt::format("Still open now: {}{}", statement.open_now,
                                  statement.overdue_now > 0
                                      ? fmt::format(" ({} overdue)", statement.overdue_now)
                                      : std::string()));
  return out;
}

// A request's counts in a cell: "2 of 2", "-" for nothing counted.
std::string kept_cell(const Kept& kept) {
  if (kept.all() == 0) {
    return "-";
  }
  return fmt::format("{} of {}", kept.met, kept.all());
}

std::string resolved_cell(const StatementLine& line) {
  if (line.resolve.all() == 0) {
    return "-";
  }
  std::string out = line.resolve.breached > 0 ? "late" : "on time";
  if (line.resolve_time) {
    out += ", " + human_duration(*line.resolve_time);
  } else if (line.status != Status::resolved) {
    out += ", still open";
  }
  return out;
}

// Where the request stands now: "resolved", "waiting on you", "reply due Mon 07 Dec 10:30",
// "reply overdue since Fri 04 Dec 15:30".
std::string now_cell(const StatementLine& line, const Zone& zone, Instant now) {
  if (line.status == Status::resolved) {
    return "resolved";
  }
  if (line.status == Status::waiting && !line.next) {
    return "waiting on you";
  }
  if (!line.next) {
    return "open";
  }
  const std::string_view metric = line.next->metric == Metric::reply    ? "reply"
                                  : line.next->metric == Metric::update ? "update"
                                                                        : "resolution";
  return fmt::format("{} {} {}", metric, line.overdue ? "overdue since" : "due",
                     local_short(line.next->due, zone, now));
}

struct LineCells {
  std::string id;
  std::string received;
  std::string subject; // raw
  std::string replies;
  std::string updates;
  std::string resolved;
  std::string now;
};

LineCells line_cells(const StatementLine& line, const Zone& zone, Instant now) {
  return LineCells{fmt::format("#{}", line.id.value),
                   local_short(line.received, zone, now),
                   line.subject,
                   kept_cell(line.reply),
                   kept_cell(line.update),
                   resolved_cell(line),
                   now_cell(line, zone, now)};
}

constexpr std::array<std::string_view, 7> k_line_headers{
    "REQUEST", "RECEIVED", "SUBJECT", "REPLIES ON TIME", "KEPT POSTED", "RESOLVED", "NOW"};

// ---- table ----

void write_table(std::FILE* out, const Statement& statement, const Words& words, const Zone& zone,
                 Instant now) {
  std::string text = escape_control(words.title) + "\n" + words.period + "\n\nOur promises\n";
  for (const std::string& promise : words.promises) {
    text += "  " + promise + "\n";
  }
  if (words.hours) {
    text += "  " + escape_control(*words.hours) + "\n";
  }
  text += "\nHow we did\n";
  for (const std::string& fact : words.facts) {
    text += "  " + fact + "\n";
  }
  if (!statement.lines.empty()) {
    text += "\nYour requests\n";
    // Each cell's width is measured once; the rows are 18,000 at a big client's month.
    using Row = std::array<std::string, 7>;
    std::vector<Row> rows;
    std::vector<std::array<std::size_t, 7>> cell_widths;
    rows.reserve(statement.lines.size() + 1);
    cell_widths.reserve(statement.lines.size() + 1);
    rows.emplace_back();
    for (std::size_t i = 0; i < k_line_headers.size(); ++i) {
      rows.back()[i] = k_line_headers[i];
    }
    for (const StatementLine& line : statement.lines) {
      LineCells cells = line_cells(line, zone, now);
      rows.push_back(Row{std::move(cells.id), std::move(cells.received),
                         escape_control(cells.subject), std::move(cells.replies),
                         std::move(cells.updates), std::move(cells.resolved),
                         std::move(cells.now)});
    }
    std::array<std::size_t, 7> widths{};
    for (const Row& row : rows) {
      std::array<std::size_t, 7>& measured = cell_widths.emplace_back();
      for (std::size_t i = 0; i < row.size(); ++i) {
        measured[i] = display_width(row[i]);
        widths[i] = std::max(widths[i], measured[i]);
      }
    }
    std::size_t line_bytes = 2;
    for (const std::size_t width : widths) {
      line_bytes += width + 2;
    }
    text.reserve(text.size() + rows.size() * line_bytes);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      text += ' ';
      for (std::size_t i = 0; i < rows[r].size(); ++i) {
        text += ' ';
        text += rows[r][i];
        if (i + 1 < rows[r].size()) {
          text.append(widths[i] - cell_widths[r][i] + 1, ' ');
        }
      }
      text += '\n';
    }
  }
  std::fputs(text.c_str(), out);
}

// ---- records (csv, tsv, jsonl: one per request; json: inside the statement object) ----

Value optional_seconds(const std::optional<Seconds>& duration) {
  if (!duration) {
    return std::monostate{};
  }
  return *duration;
}

Record line_record(const StatementLine& line) {
  return Record{{"id", line.id.value},
                {"subject", line.subject},
                {"priority", std::string(to_string(line.priority))},
                {"status", std::string(to_string(line.status))},
                {"received_at", line.received},
                {"logged", line.logged},
                {"reply_met", line.reply.met},
                {"reply_breached", line.reply.breached},
                {"update_met", line.update.met},
                {"update_breached", line.update.breached},
                {"resolve_met", line.resolve.met},
                {"resolve_breached", line.resolve.breached},
                {"resolve_seconds", optional_seconds(line.resolve_time)},
                {"next_metric", line.next ? Value{std::string(to_string(line.next->metric))}
                                          : Value{std::monostate{}}},
                {"next_due_at", line.next ? Value{line.next->due} : Value{std::monostate{}}},
                {"overdue", line.overdue}};
}

// A target in JSON: its open time in seconds, or its business days (the other null).
nlohmann::ordered_json target_seconds(const std::optional<Target>& target) {
  return target && !target->in_business_days() ? nlohmann::ordered_json(target->time.count())
                                               : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json target_days(const std::optional<Target>& target) {
  return target && target->in_business_days() ? nlohmann::ordered_json(target->business_days)
                                              : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json optional_json_seconds(const std::optional<Seconds>& duration) {
  return duration ? nlohmann::ordered_json(duration->count()) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json percent_json(const Kept& kept) {
  const std::optional<std::string> text = percent_text(kept);
  return text ? nlohmann::ordered_json(std::stod(*text)) : nlohmann::ordered_json(nullptr);
}

void write_json(std::FILE* out, const Statement& statement, const Range& range, const Zone& zone) {
  nlohmann::ordered_json object;
  object["client"] = statement.client;
  object["month"] = range.month ? nlohmann::ordered_json(
                        date::format("%Y-%m", date::local_days{*range.month / date::day{1}}))
                                : nlohmann::ordered_json(nullptr);
  object["from"] = iso_utc(range.from);
  object["to"] = iso_utc(range.to);
  object["zone"] = zone.name();
  object["business_hours"] = statement.business_hours;
  nlohmann::ordered_json promises = nlohmann::ordered_json::array();
  for (const PromiseText& promise : statement.promises) {
    promises.push_back(
        {{"priority", promise.priority ? nlohmann::ordered_json(to_string(*promise.priority))
                                       : nlohmann::ordered_json(nullptr)},
         {"reply_seconds", target_seconds(promise.targets.reply)},
         {"reply_business_days", target_days(promise.targets.reply)},
         {"update_seconds", target_seconds(promise.targets.update)},
         {"update_business_days", target_days(promise.targets.update)},
         {"resolve_seconds", target_seconds(promise.targets.resolve)},
         {"resolve_business_days", target_days(promise.targets.resolve)},
         {"text", promise.words}});
  }
  object["promises"] = promises;
  object["requests"] = statement.logged;
  object["reply_met"] = statement.reply.met;
  object["reply_breached"] = statement.reply.breached;
  object["reply_met_pct"] = percent_json(statement.reply);
  object["reply_median_seconds"] = optional_json_seconds(statement.reply_median);
  object["reply_p90_seconds"] = optional_json_seconds(statement.reply_p90);
  object["update_met"] = statement.update.met;
  object["update_breached"] = statement.update.breached;
  object["update_met_pct"] = percent_json(statement.update);
  object["resolve_met"] = statement.resolve.met;
  object["resolve_breached"] = statement.resolve.breached;
  object["resolve_met_pct"] = percent_json(statement.resolve);
  object["resolve_median_seconds"] = optional_json_seconds(statement.resolve_median);
  object["open_now"] = statement.open_now;
  object["overdue_now"] = statement.overdue_now;
  nlohmann::ordered_json lines = nlohmann::ordered_json::array();
  for (const StatementLine& line : statement.lines) {
    lines.push_back(to_json(line_record(line)));
  }
  object["lines"] = lines;
  std::fputs((dump_json(object) + "\n").c_str(), out);
}

// HTML's entity for one of its special characters (< > & " '), empty for any other: markdown and
// html text share it, markdown because it passes raw HTML through.
std::string_view html_entity(char c) {
  switch (c) {
  case '<':
    return "&lt;";
  case '>':
    return "&gt;";
  case '&':
    return "&amp;";
  case '"':
    return "&quot;";
  case '\'':
    return "&#39;";
  default:
    return {};
  }
}

// ---- markdown ----

// Text safe in markdown, also in a table cell: markdown's punctuation backslash-escaped, HTML's
// characters as entities (markdown passes raw HTML through), controls escaped, line breaks as
// spaces.
std::string markdown_text(std::string_view raw) {
  const std::string text = escape_control(raw);
  std::string out;
  for (const char c : text) {
    switch (c) {
    case '<':
    case '>':
    case '&':
      out += html_entity(c);
      break;
    case '\\':
    case '`':
    case '*':
    case '_':
    case '{':
    case '}':
    case '[':
    case ']':
    case '(':
    case ')':
    case '#':
    case '+':
    case '-':
    case '.':
    case '!':
    case '|':
    case '~':
      out += '\\';
      out += c;
      break;
    default:
      out += c;
    }
  }
  return out;
}

void write_markdown(std::FILE* out, const Statement& statement, const Words& words,
                    const Zone& zone, Instant now) {
  std::string text = "# " + markdown_text(words.title) + "\n\n" + markdown_text(words.period)
                     + "\n\n## Our promises\n\n";
  for (const std::string& promise : words.promises) {
    text += "- " + markdown_text(promise) + "\n";
  }
  if (words.hours) {
    text += "\n" + markdown_text(*words.hours) + "\n";
  }
  text += "\n## How we did\n\n";
  for (const std::string& fact : words.facts) {
    text += "- " + markdown_text(fact) + "\n";
  }
  if (!statement.lines.empty()) {
    text += "\n## Your requests\n\n|";
    for (const std::string_view header : k_line_headers) {
      text += " " + capitalized(to_lower(header)) + " |";
    }
    text += "\n|---|---|---|--:|--:|---|---|\n";
    for (const StatementLine& line : statement.lines) {
      const LineCells cells = line_cells(line, zone, now);
      text += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", markdown_text(cells.id),
                          markdown_text(cells.received), markdown_text(cells.subject),
                          markdown_text(cells.replies), markdown_text(cells.updates),
                          markdown_text(cells.resolved), markdown_text(cells.now));
    }
  }
  std::fputs(text.c_str(), out);
}

// ---- html ----

std::string html_text(std::string_view raw) {
  const std::string text = escape_control(raw);
  std::string out;
  for (const char c : text) {
    const std::string_view entity = html_entity(c);
    if (entity.empty()) {
      out += c;
    } else {
      out += entity;
    }
  }
  return out;
}

std::string number(double value) {
  return fmt::format("{:.1f}", value);
}

// The chart: reply times against the promise. Up to 62 replies one bar each, in the order they
// were sent; more, a histogram of reply times as shares of each request's promise. Green bars
// kept the promise, red ones did not; the dashed line is the promise.
std::string reply_chart(const Statement& statement) {
  const std::vector<ReplyTime>& replies = statement.replies;
  if (replies.empty()) {
    return "<p class=\"note\">No replies were measured in this period.</p>\n";
  }
  constexpr double width = 640;
  constexpr double height = 220;
  constexpr double left = 70;
  constexpr double right = 8;
  constexpr double top = 12;
  constexpr double bottom = 30;
  const double plot_width = width - left - right;
  const double plot_height = height - top - bottom;
  std::string svg = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"chart-title\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"chart-title\">Reply times against the "
      "promise</title>\n",
      width, height);
  const auto y_of = [&](double value, double most) {
    return top + plot_height - plot_height * value / most;
  };
  const Target target = statement.promises.front().targets.reply;
  if (replies.size() <= 62) {
    double most = target.time.count() > 0 ? static_cast<double>(target.time.count()) * 1.25 : 1.0;
    for (const ReplyTime& reply : replies) {
      most = std::max(most, static_cast<double>(reply.used.count()));
    }
    const double slot = plot_width / static_cast<double>(replies.size());
    const double bar = std::max(1.0, slot * 0.7);
    // Axis labels: 0, the promise, the longest.
    for (const double value :
         {0.0, target.time.count() > 0 ? static_cast<double>(target.time.count()) : most / 2,
          most}) {
      const double y = y_of(value, most);
      svg += fmt::format(
          "<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{}</text>\n",
          number(left - 6), number(y + 5),
          value == 0 ? std::string("0")
                     : html_text(human_duration(Seconds{static_cast<std::int64_t>(value)})));
    }
    for (std::size_t i = 0; i < replies.size(); ++i) {
      const ReplyTime& reply = replies[i];
      const double value = static_cast<double>(reply.used.count());
      const double y = y_of(value, most);
      const double x = left + slot * static_cast<double>(i) + (slot - bar) / 2;
      svg += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"{}\"><title>#{}: {} (promise "
          "{})</title></rect>\n",
          number(x), number(y), number(bar), number(std::max(0.5, top + plot_height - y)),
          reply.met ? "met" : "late", reply.id.value, html_text(human_duration(reply.used)),
          html_text(duration_words(reply.target, statement.business_hours)));
      if (replies.size() <= 31) {
        svg += fmt::format(
            "<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">#{}</text>\n",
            number(x + bar / 2), number(height - 10), reply.id.value);
      }
    }
    if (target.time.count() > 0) { // a promise in business days is no fixed open time
      const double line_y = y_of(static_cast<double>(target.time.count()), most);
      svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"promise\"/>\n",
                         number(left), number(line_y), number(width - right), number(line_y));
    }
  } else {
    // Shares of the promise: up to 1/4, 1/2, 3/4, 1 (kept), then up to 1.5, 2, and more (late).
    constexpr std::array<double, 6> limits{0.25, 0.5, 0.75, 1.0, 1.5, 2.0};
    constexpr std::array<std::string_view, 7> labels{"≤ ¼",  "≤ ½", "≤ ¾", "≤ 1",
                                                     "≤ 1½", "≤ 2", "> 2"};
    std::array<std::int64_t, 7> counts{};
    for (const ReplyTime& reply : replies) {
      const double share = reply.target.time.count() > 0
                               ? static_cast<double>(reply.used.count())
                                     / static_cast<double>(reply.target.time.count())
                               : (reply.met ? 1.0 : 3.0); // in business days: kept or not
      std::size_t bin = 0;
      while (bin < limits.size() && share > limits[bin]) {
        ++bin;
      }
      ++counts[bin];
    }
    const double most = static_cast<double>(
        std::max<std::int64_t>(1, *std::max_element(counts.begin(), counts.end())));
    const double slot = plot_width / static_cast<double>(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const double y = y_of(static_cast<double>(counts[i]), most);
      const double x = left + slot * static_cast<double>(i) + slot * 0.15;
      svg += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"{}\"><title>{} "
          "of the promise: {}</title></rect>\n",
          number(x), number(y), number(slot * 0.7), number(std::max(0.5, top + plot_height - y)),
          i < 4 ? "met" : "late", labels[i], counts[i]);
      svg +=
          fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{}</text>\n",
                      number(x + slot * 0.35), number(height - 10), labels[i]);
      svg +=
          fmt::format("<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{}</text>\n",
                      number(x + slot * 0.35), number(y - 4), counts[i]);
    }
    const double line_x = left + slot * 4;
    svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"promise\"/>\n",
                       number(line_x), number(top), number(line_x), number(top + plot_height));
  }
  svg +=
      fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"base\"/>\n", number(left),
                  number(top + plot_height), number(width - right), number(top + plot_height));
  svg += "</svg>\n";
  const std::string legend =
      replies.size() <= 62
          ? fmt::format("Each bar is one reply, in the order they were sent: its time in {}; the "
                        "dashed line is our promise ({}).",
                        statement.business_hours ? "business hours" : "hours",
                        duration_words(target, statement.business_hours))
          : std::string("Replies by time taken, as a share of the promise: the bars left of the "
                        "dashed line kept it.");
  return svg
         + "<p class=\"legend\"><span class=\"key met\"></span> on time <span class=\"key "
           "late\"></span> late. "
         + html_text(legend) + "</p>\n";
}

constexpr std::string_view k_style = R"css(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; color: #1d2430; background: #fff; }
main { max-width: 820px; margin: 0 auto; }
h1 { font-size: 1.45em; margin: 0 0 2px; line-height: 1.2; }
h2 { font-size: 1.05em; margin: 18px 0 6px; padding-bottom: 3px; border-bottom: 1px solid #d7dce3;
  color: #2b3a55; }
.period { color: #5b6576; margin: 0 0 8px; }
ul { margin: 4px 0; padding-left: 20px; }
.promises li { font-weight: 600; }
.note, .legend { color: #5b6576; font-size: 0.88em; margin: 4px 0; }
.figures { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.figure { flex: 1 1 96px; border: 1px solid #d7dce3; border-radius: 6px; padding: 7px 9px;
  line-height: 1.25; }
.figure b { display: block; font-size: 1.4em; }
.figure span { display: block; font-weight: 600; font-size: 0.85em; }
.figure small { display: block; color: #5b6576; font-size: 0.78em; }
.chart { width: 100%; height: auto; display: block; margin: 6px 0 0; }
.chart .met { fill: #2f9e62; } .chart .late { fill: #d64545; }
.chart .promise { stroke: #2b3a55; stroke-width: 1.5; stroke-dasharray: 6 4; }
.chart .base { stroke: #8a94a6; stroke-width: 1; }
.chart .axis { font-size: 13px; fill: #5b6576; }
.key { display: inline-block; width: 10px; height: 10px; border-radius: 2px; vertical-align: -1px; }
.key.met { background: #2f9e62; } .key.late { background: #d64545; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.86em; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid #e6e9ee; vertical-align: top; }
th { color: #5b6576; font-weight: 600; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; }
td.when, td.id { white-space: nowrap; }
td.subject { overflow-wrap: anywhere; min-width: 10em; }
td.state { min-width: 9em; }
td.overdue { color: #b42318; font-weight: 600; }
@media (max-width: 600px) {
  body { padding: 10px; font-size: 14px; }
  thead { display: none; }
  table, tbody, tr, td { display: block; width: 100%; }
  tr { border: 1px solid #d7dce3; border-radius: 6px; padding: 6px 8px; margin: 0 0 8px; }
  td { border: 0; padding: 1px 0; text-align: left; }
  td.num { text-align: left; }
  td.id, td.subject { display: inline; font-weight: 600; }
  td.id::after { content: " "; }
  td[data-label]::before { content: attr(data-label) ": "; color: #5b6576; }
}
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { padding: 0; font-size: 9.5pt; }
  main { max-width: none; }
  h2 { break-after: avoid; margin-top: 12px; }
  tr, .figure, .chart { break-inside: avoid; }
  .figures { flex-wrap: nowrap; }
  .figure { flex: 1 1 0; padding: 5px 6px; }
  .figure b { white-space: nowrap; }
  .chart { width: auto; max-width: 100%; height: 52mm; margin: 4px auto 0; }
  .table { overflow: visible; }
  th { white-space: normal; }
  td.subject, td.state { min-width: 0; }
}
)css";

void write_html(std::FILE* out, const Statement& statement, const Words& words, const Zone& zone,
                Instant now) {
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>"
                     + html_text(words.title) + "</title>\n<style>" + std::string(k_style)
                     + "</style>\n</head>\n<body>\n<main>\n<h1>" + html_text(words.title)
                     + "</h1>\n<p class=\"period\">" + html_text(words.period)
                     + "</p>\n<h2>Our promises</h2>\n<ul class=\"promises\">\n";
  for (const std::string& promise : words.promises) {
    html += "<li>" + html_text(promise) + "</li>\n";
  }
  html += "</ul>\n";
  if (words.hours) {
    html += "<p class=\"note\">" + html_text(*words.hours) + "</p>\n";
  }
  html += "<h2>How we did</h2>\n<div class=\"figures\">\n";
  // A figure: the value, what it is, and a detail ("5 of 8").
  const auto figure = [&html](const std::string& value, const std::string& label,
                              const std::string& detail) {
    html += "<div class=\"figure\"><b>" + html_text(value) + "</b><span>" + html_text(label)
            + "</span><small>" + html_text(detail) + "</small></div>\n";
  };
  figure(std::to_string(statement.logged), "requests", "received this period");
  const auto kept_figure = [&](const Kept& kept, std::string_view what) {
    const std::optional<std::string> percent = percent_text(kept);
    figure(percent ? *percent + "%" : "-", std::string(what),
           fmt::format("{} of {} on time", kept.met, kept.all()));
  };
  const Targets& base = statement.promises.front().targets;
  kept_figure(statement.reply, "replies");
  if (base.update || statement.update.all() > 0) {
    kept_figure(statement.update, "kept posted");
  }
  if (base.resolve || statement.resolve.all() > 0) {
    kept_figure(statement.resolve, "resolved");
  }
  figure(statement.reply_median ? human_duration(*statement.reply_median) : "-", "median reply",
         "promise: " + duration_words(base.reply, statement.business_hours));
  if (statement.resolve_median) {
    figure(human_duration(*statement.resolve_median), "median to resolve",
           base.resolve ? "promise: " + duration_words(*base.resolve, statement.business_hours)
                        : std::string("no promise"));
  }
  figure(std::to_string(statement.open_now), "still open",
         statement.overdue_now > 0 ? fmt::format("{} overdue", statement.overdue_now)
                                   : std::string("none overdue"));
  html += "</div>\n<h2>Reply times against our promise</h2>\n" + reply_chart(statement);
  if (!statement.lines.empty()) {
    html += "<h2>Your requests</h2>\n<div class=\"table\"><table>\n<thead><tr><th>Request</th>"
            "<th class=\"received\">Received</th><th>Subject</th><th>Replies on time</th>"
            "<th>Kept posted</th><th>Resolved</th><th>Now</th></tr></thead>\n<tbody>\n";
    for (const StatementLine& line : statement.lines) {
      const LineCells cells = line_cells(line, zone, now);
      html += fmt::format(
          "<tr><td class=\"id\">{}</td><td class=\"when\" data-label=\"Received\">{}</td>"
          "<td class=\"subject\">{}</td><td class=\"num\" data-label=\"Replies on time\">{}</td>"
          "<td class=\"num\" data-label=\"Kept posted\">{}</td><td "
          "data-label=\"Resolved\">{}</td><td class=\"{}\" data-label=\"Now\">{}</td></tr>\n",
          html_text(cells.id), html_text(cells.received), html_text(cells.subject),
          html_text(cells.replies), html_text(cells.updates), html_text(cells.resolved),
          line.overdue && line.status != Status::resolved ? "state overdue" : "state",
          html_text(cells.now));
    }
    html += "</tbody>\n</table></div>\n";
  }
  html += "<p class=\"note\">Durations are "
          + std::string(statement.business_hours ? "business hours" : "hours")
          + " and minutes; times are " + html_text(zone.name())
          + " local time.</p>\n</main>\n</body>\n</html>\n";
  std::fputs(html.c_str(), out);
}

} // namespace

int run_statement(Context& context, const StatementOptions& options) {
  const Range range = statement_range(context, options);
  const Instant now = context.now();
  const Zone& zone = context.zone();
  const Statement statement =
      make_statement(context.store().statement_input(options.client, range.from, range.to, now));
  std::FILE* out = context.out();
  const Words words = words_of(statement, range, zone);
  const Style style = context.style();
  const auto records = [&] {
    std::vector<Row> rows;
    for (const StatementLine& line : statement.lines) {
      rows.push_back(Row{line_record(line), Tone::none});
    }
    std::vector<std::string> keys;
    for (const Field& field : line_record(StatementLine{})) {
      keys.push_back(field.key); // the CSV header, also when there is no request
    }
    write_rows(out, style, {}, rows, keys);
  };
  Forms forms;
  forms.text = [&] { write_table(out, statement, words, zone, now); };
  forms.markdown = [&] { write_markdown(out, statement, words, zone, now); };
  forms.html = [&] { write_html(out, statement, words, zone, now); };
  forms.json = [&] { write_json(out, statement, range, zone); };
  forms.lines = records;
  forms.cells = records;
  write_output(style.format, forms);
  return 0;
}

} // namespace slatrack::cli
