// export, backup and copy: the whole database out, as data (export), as a file (backup) or into
// another database (copy). Export streams: each request is printed as the store reads it, so
// memory does not grow with the database. Its jsonl form is what import reads back; its csv/tsv
// form is import's "events form".
#include "cli/commands.hpp"
#include "cli/json_writer.hpp"
#include "cli/records.hpp"
#include "slatrack/error.hpp"
#include "store/pg_store.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <system_error>

namespace slatrack::cli {

namespace {

// The keys of each event in every export format, in this order.
const std::vector<std::string>& event_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const Field& field : event_record(Event{})) {
      out.push_back(field.key);
    }
    return out;
  }();
  return keys;
}

// The request as one JSON object: its record, voided_by, its events and its clocks; written as it
// streams, straight from the domain objects (cli/json_writer.hpp's JsonFields), appended to `out`.
void append_request_json(std::string& out, const RequestDetail& detail) {
  out += '{';
  JsonFields fields(out);
  request_fields(detail.request, fields);
  fields("voided_by", detail.voided_by);
  out += ",\"events\":[";
  for (std::size_t i = 0; i < detail.events.size(); ++i) {
    out += i == 0 ? "{" : ",{";
    JsonFields event(out);
    event_fields(detail.events[i], event);
    out += '}';
  }
  out += "],\"clocks\":[";
  for (std::size_t i = 0; i < detail.clocks.size(); ++i) {
    out += i == 0 ? "{" : ",{";
    JsonFields clock(out);
    clock_fields(detail.clocks[i], clock);
    out += '}';
  }
  out += "]}";
}

// Export's text is written in pieces of about this size: one write for many requests.
constexpr std::size_t k_chunk = 1 << 16;

// Stops at the first write that fails (a full disk): an export is long.
void write_text(std::FILE* out, const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), out);
  check_output(out);
}

// For people: the request, its history and its clocks, a blank line between requests.
void write_table(std::FILE* out, const Style& style, const RequestDetail& detail, bool first,
                 const Clocks& clocks) {
  const Request& request = detail.request;
  std::string text = first ? "" : "\n";
  text += fmt::format("{} {}\n", paint(request_label(request.id), Tone::dim, style),
                      escape_control(request.subject));
  text += fmt::format(
      "  {} · {} · {} · {} · assignee {} · sla {}", escape_control(request.client),
      to_string(request.status), to_string(request.priority), to_string(request.channel),
      request.assignee ? escape_control(*request.assignee) : "-", escape_control(request.policy));
  if (request.ref) {
    text += fmt::format(" · ref {}", escape_control(*request.ref));
  }
  text += '\n';
  if (detail.voided_by) {
    text += "  " + paint(void_line(detail, style), Tone::red, style) + '\n';
  }
  for (const Event& event : detail.events) {
    text += history_line(event, style) + '\n';
  }
  for (const ClockRun& run : detail.clocks) {
    const Tone tone = run.outcome == Outcome::breached ? Tone::red
                      : run.outcome == Outcome::running && run.due && *run.due < style.now
                          ? Tone::red
                          : Tone::none;
    text +=
        paint(fmt::format("  {:<8} from {}: {}", to_string(run.metric),
                          local_short(run.start, *style.zone, style.now),
                          clock_phrase(run, *style.zone, style.now, clocks.of(request.calendar))),
              tone, style);
    text += '\n';
  }
  write_text(out, text);
}

} // namespace

int run_export(Context& context) {
  const Style style = context.style();
  std::FILE* out = context.out();
  Store& store = context.store();
  Forms forms;
  forms.lines = [&] {
    std::string text;
    store.export_requests([&](const RequestDetail& detail) {
      append_request_json(text, detail);
      text += '\n';
      if (text.size() >= k_chunk) {
        write_text(out, text);
        text.clear();
      }
    });
    write_text(out, text);
  };
  forms.json = [&] {
    // One array, written one object a line as the requests come.
    bool first = true;
    std::string text;
    store.export_requests([&](const RequestDetail& detail) {
      text += first ? "[\n" : ",\n";
      append_request_json(text, detail);
      first = false;
      if (text.size() >= k_chunk) {
        write_text(out, text);
        text.clear();
      }
    });
    text += first ? "[]\n" : "\n]\n";
    write_text(out, text);
  };
  forms.cells = [&] {
    // One row per event, the request's columns repeated on each: import's "events form".
    std::vector<std::string> header;
    for (const Field& field : request_record(Request{})) {
      header.push_back(field.key);
    }
    header.insert(header.end(), event_keys().begin(), event_keys().end());
    write_separated(out, style, header);
    // Written as they stream (CellFields), the request's cells once per request.
    std::string text;
    std::string request_cells;
    store.export_requests([&](const RequestDetail& detail) {
      request_cells.clear();
      CellFields request(request_cells, style);
      request_fields(detail.request, request);
      for (const Event& event : detail.events) {
        text += request_cells;
        CellFields cells(text, style, true);
        event_fields(event, cells);
        text += '\n';
      }
      if (text.size() >= k_chunk) {
        write_text(out, text);
        text.clear();
      }
    });
    write_text(out, text);
  };
  forms.text = [&] {
    bool first = true;
    const Clocks clocks(store);
    store.export_requests([&](const RequestDetail& detail) {
      write_table(out, style, detail, first, clocks);
      first = false;
    });
  };
  write_output(style.format, forms);
  return 0;
}

int run_backup(Context& context, const std::string& file) {
  Store& store = context.store();
  store.backup(file);
  if (context.quiet()) {
    return 0;
  }
  const auto said = [&] {
    write_text(context.out(), fmt::format("Backed up {} to {}\n", store.location(), file));
  };
  const auto record = [&] {
    std::error_code error;
    const std::uintmax_t size = std::filesystem::file_size(file, error);
    write_record(context.out(), context.style(),
                 Record{{"database", store.location()},
                        {"backup", file},
                        {"bytes", error ? Value{} : Value{static_cast<std::int64_t>(size)}}},
                 {});
  };
  write_output(context.format(), text_or_records(said, record));
  return 0;
}

int run_copy(Context& context, const std::string& dest) {
  // A password on the command line is in every user's `ps` and in the shell's history (as --db).
  if (is_team_database(dest) && team_url_has_password(dest)) {
    throw Error{ErrorKind::usage,
                "the DEST URL holds a password, which every user of this machine can read (ps); "
                "put it in ~/.pgpass (mode 0600, a line HOST:PORT:DBNAME:USER:PASSWORD) and give "
                "the URL without it"};
  }
  Store& store = context.store();
  const CopyResult copied = store.copy_to(dest);
  if (context.quiet()) {
    return 0;
  }
  context.write_result(fmt::format("Copied {} {} from {} to {}", copied.requests,
                                   copied.requests == 1 ? "request" : "requests", store.location(),
                                   copied.to),
                       Record{{"database", store.location()},
                              {"copy", copied.to},
                              {"requests", copied.requests},
                              {"rows", copied.rows}});
  return 0;
}

} // namespace slatrack::cli
