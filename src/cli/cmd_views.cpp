// list, show and overdue: what the owner, cron and scripts read.
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/records.hpp"
#include "slatrack/error.hpp"
#include "slatrack/parse.hpp"
#include "system/zone_files.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>

namespace slatrack::cli {

namespace {

// The words of --search: split at white space; a word needs a letter or a digit (what the index
// holds), punctuation alone is left out. Throws Error{invalid_input} when no word is left.
std::vector<std::string> search_words(const std::string& text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = text.find_first_not_of(" \t\r\n", i);
    if (start == std::string::npos) {
      break;
    }
    const std::size_t end = std::min(text.find_first_of(" \t\r\n", start), text.size());
    const std::string word = text.substr(start, end - start);
    if (std::any_of(word.begin(), word.end(), [](char c) {
          const auto byte = static_cast<unsigned char>(c);
          return byte >= 0x80 || std::isalnum(byte) != 0;
        })) {
      words.push_back(word);
    }
    i = end;
  }
  if (words.empty()) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("bad --search \"{}\": give one or more words with letters or digits",
                            escape_control(text))};
  }
  return words;
}

std::string shorten(const std::string& text, std::size_t max) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (count == max) {
        return text.substr(0, i) + "…";
      }
      ++count;
    }
  }
  return text;
}

// The request record plus the table-only "next" column.
Row request_row(const Request& request, const Style& style, const Clocks& clocks) {
  Record record = request_record(request);
  Tone tone = Tone::none;
  std::string next = "-";
  if (request.next && style.zone != nullptr) {
    next = fmt::format(
        "{} {}", to_string(request.next->metric),
        due_phrase(request.next->due, *style.zone, style.now, clocks.of(request.calendar)));
    if (request.next->due < style.now) {
      tone = Tone::red;
    }
  }
  record.push_back({"_next", next});
  record.push_back({"_subject", shorten(request.subject, 40)});
  return Row{std::move(record), tone};
}

const std::vector<std::string>& request_keys() {
  static const std::vector<std::string> keys{
      "id",          "client",       "subject",       "channel",       "priority",    "status",
      "assignee",    "sla",          "calendar",      "ref",           "received_at", "replied_at",
      "resolved_at", "reply_due_at", "update_due_at", "resolve_due_at"};
  return keys;
}

// The STATE of an overdue row, in open time on the request's calendar: "3h 10m late", "at risk,
// 1h 20m left"; with no open time between the due time and now, "late since closing" or "due at
// opening" (nothing is left, and an answer before the next opening is still on time).
std::string overdue_state(const OverdueItem& item, bool late) {
  if (item.open_late == Seconds{0}) {
    return late ? "late since closing" : "due at opening";
  }
  return late ? fmt::format("{} late", human_duration(item.open_late))
              : fmt::format("at risk, {} left", human_duration(-item.open_late));
}

} // namespace

int run_list(Context& context, const ListOptions& options) {
  RequestFilter filter;
  const std::string status = options.status.value_or("");
  if (status.empty()) {
    filter.statuses = {Status::open, Status::waiting};
  } else if (status != "all") {
    const auto parsed = status_from(status);
    if (!parsed) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("bad --status \"{}\": use open, waiting, resolved or all",
                              escape_control(status))};
    }
    filter.statuses = {*parsed};
  }
  filter.client = options.client;
  filter.assignee = options.assignee;
  if (options.priority) {
    const auto priority = priority_from(*options.priority);
    if (!priority) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("bad --priority \"{}\": use {}", escape_control(*options.priority),
                              priority_names())};
    }
    filter.priority = priority;
  }
  if (options.since) {
    filter.since = context.parse_range_option("--since", *options.since);
  }
  if (options.until) {
    filter.until = context.parse_range_option("--until", *options.until);
  }
  if (options.search) {
    filter.search = search_words(*options.search);
  }
  if (filter.since && filter.until && *filter.since >= *filter.until) {
    // As report refuses --from not before --to: an empty range is a mistake, not a quiet answer.
    throw Error{ErrorKind::invalid_input,
                fmt::format("--since {} is not before --until {}; give an earlier --since or a "
                            "later --until",
                            local_full(*filter.since, context.zone()),
                            local_full(*filter.until, context.zone()))};
  }
  filter.now = context.now();
  if (options.limit) {
    std::int64_t limit = 0;
    const std::string& text = *options.limit;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || limit <= 0) {
      throw Error{
          ErrorKind::invalid_input,
          fmt::format("bad --limit \"{}\": use a positive whole number", escape_control(text))};
    }
    filter.limit = limit;
  }
  const Style style = context.style();
  // One request at a time from the store to the writer: `list --status all` of a million
  // requests runs in a few MB (docs/performance.md).
  RowWriter writer(context.out(), style,
                   {{"id", "ID"},
                    {"client", "CLIENT"},
                    {"_subject", "SUBJECT"},
                    {"priority", "PRI"},
                    {"status", "STATUS"},
                    {"assignee", "ASSIGNEE"},
                    {"received_at", "RECEIVED"},
                    {"_next", "NEXT DUE"}},
                   request_keys());
  const Clocks clocks(context.store());
  context.store().each_request(
      filter, [&](const Request& request) { writer.add(request_row(request, style, clocks)); });
  writer.finish();
  return 0;
}

namespace {

// show's request in JSON: its record, voided_by, targets, clocks and events.
nlohmann::ordered_json request_json(const RequestDetail& detail) {
  nlohmann::ordered_json object = to_json(request_record(detail.request));
  object["voided_by"] = detail.voided_by ? nlohmann::ordered_json(*detail.voided_by)
                                         : nlohmann::ordered_json(nullptr);
  object["targets"] = to_json(Record{{"reply", target_value(detail.targets.reply)},
                                     {"update", target_or_null(detail.targets.update)},
                                     {"resolve", target_or_null(detail.targets.resolve)}});
  nlohmann::ordered_json clocks = nlohmann::ordered_json::array();
  for (const ClockRun& run : detail.clocks) {
    clocks.push_back(to_json(clock_record(run)));
  }
  object["clocks"] = clocks;
  nlohmann::ordered_json events = nlohmann::ordered_json::array();
  for (const Event& event : detail.events) {
    events.push_back(to_json(event_record(event)));
  }
  object["events"] = events;
  return object;
}

} // namespace

int run_show(Context& context, const std::string& id_text) {
  const RequestId id = parse_request_id(id_text);
  const RequestDetail detail = context.store().request_detail(id);
  const Style style = context.style();
  Forms forms;
  forms.text = [&] {
    const Request& request = detail.request;
    std::FILE* out = context.out();
    std::fputs(fmt::format("{} {}\n", paint(request_label(id), Tone::dim, style),
                           escape_control(request.subject))
                   .c_str(),
               out);
    if (detail.voided_by) {
      std::fputs((paint(void_line(detail, style), Tone::red, style) + "\n").c_str(), out);
    }
    Record summary = request_record(request);
    summary.push_back(
        {"_targets",
         fmt::format("reply {}, update {}, resolve {}", target_text(detail.targets.reply),
                     detail.targets.update ? target_text(*detail.targets.update) : "none",
                     detail.targets.resolve ? target_text(*detail.targets.resolve) : "none")});
    write_record(out, style, summary,
                 {{"client", "Client"},
                  {"status", "Status"},
                  {"priority", "Priority"},
                  {"channel", "Channel"},
                  {"assignee", "Assignee"},
                  {"sla", "SLA"},
                  {"calendar", "Calendar"},
                  {"_targets", "Targets"},
                  {"ref", "Ref"},
                  {"received_at", "Received"},
                  {"replied_at", "First reply"},
                  {"resolved_at", "Resolved"}});
    std::fputs("\nClocks:\n", out);
    const auto calendar = context.store().find_calendar(request.calendar);
    const std::unique_ptr<Clock> clock =
        calendar ? make_clock(calendar->rules, zone_files()) : std::make_unique<AlwaysOpen>();
    for (const ClockRun& run : detail.clocks) {
      const Tone tone = run.outcome == Outcome::breached ? Tone::red
                        : (run.outcome == Outcome::running && run.due && *run.due < style.now)
                            ? Tone::red
                            : Tone::none;
      std::fputs(paint(fmt::format("  {:<8} started {}  {}", to_string(run.metric),
                                   local_short(run.start, *style.zone, style.now),
                                   clock_phrase(run, *style.zone, style.now, *clock)),
                       tone, style)
                     .c_str(),
                 out);
      std::fputc('\n', out);
    }
    if (detail.clocks.empty()) {
      std::fputs("  none\n", out);
    }
    std::fputs("\nHistory:\n", out);
    for (const Event& event : detail.events) {
      std::fputs((history_line(event, style) + "\n").c_str(), out);
    }
  };
  forms.cells = [&] {
    // One row per event with the request's columns on each, as export's events form.
    const Record request = request_record(detail.request);
    std::vector<std::string> cells;
    for (const Field& field : request) {
      cells.push_back(field.key);
    }
    for (const Field& field : event_record(Event{})) {
      cells.push_back(field.key);
    }
    write_separated(context.out(), style, cells);
    for (const Event& event : detail.events) {
      cells.clear();
      for (const Field& field : request) {
        cells.push_back(machine_cell(field.value));
      }
      for (const Field& field : event_record(event)) {
        cells.push_back(machine_cell(field.value));
      }
      write_separated(context.out(), style, cells);
    }
  };
  forms.json = [&] { std::fputs((dump_json(request_json(detail)) + "\n").c_str(), context.out()); };
  forms.lines = forms.json;
  write_output(style.format, forms);
  return 0;
}

int run_overdue(Context& context, const OverdueOptions& options) {
  OverdueQuery query;
  query.now = context.now();
  if (options.within) {
    try {
      query.within = parse_target(*options.within);
    } catch (const Error& error) {
      throw Error{ErrorKind::invalid_input, fmt::format("--within: {}", error.what())};
    }
  }
  query.client = options.client;
  query.assignee = options.assignee;
  query.only_new = options.only_new;
  const Style style = context.style();
  // Each item goes from the store to the writer as it is read: a table keeps only the cells it
  // shows, machine formats keep nothing (docs/performance.md).
  RowWriter writer(context.out(), style,
                   {{"id", "ID"},
                    {"client", "CLIENT"},
                    {"_subject", "SUBJECT"},
                    {"metric", "CLOCK"},
                    {"due_at", "DUE"},
                    {"_state", "STATE"},
                    {"assignee", "ASSIGNEE"}},
                   {});
  std::int64_t overdue_count = 0;
  std::int64_t at_risk_count = 0;
  const auto visit = [&](const OverdueItem& item) {
    const bool late = item.due < query.now;
    late ? ++overdue_count : ++at_risk_count;
    const Tone tone = late ? Tone::red : Tone::yellow;
    Record record = request_record(item.request, 7);
    record.push_back({"metric", std::string(to_string(item.metric))});
    record.push_back({"state", std::string(late ? "overdue" : "at-risk")});
    record.push_back({"due_at", item.due});
    record.push_back({"late_seconds", (query.now - item.due).count()});
    record.push_back({"open_late_seconds", item.open_late.count()});
    // For the table: the state in open time on the request's calendar, the measure --within uses.
    record.push_back({"_subject", shorten(item.request.subject, 40)});
    record.push_back({"_state", overdue_state(item, late)});
    writer.add(Row{std::move(record), tone});
  };
  // The rows reach stdout before the store commits what --new remembers (docs/reports.md).
  query.delivered = [&] {
    writer.finish();
    if (overdue_count + at_risk_count > 0 && !context.quiet()) {
      const std::string summary =
          fmt::format("{} overdue, {} at risk\n", overdue_count, at_risk_count);
      Forms forms; // under the table only
      forms.text = [&] { std::fputs(summary.c_str(), context.out()); };
      write_output(style.format, forms);
    }
    flush_output(context.out());
  };
  context.store().each_overdue(query, visit);
  return overdue_count > 0 ? 1 : 0;
}

} // namespace slatrack::cli
