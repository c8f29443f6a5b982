// import: JSON lines, one request object a line.
#include "cli/import.hpp"
#include "cli/output.hpp"
#include "slatrack/error.hpp"
#include "slatrack/text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace slatrack::cli::import_file {

namespace {

// ---- JSON lines ----

// One request object a line, as `export --format jsonl` (with events) or `list --format jsonl`
// (times only) writes them.
class JsonReader {
public:
  JsonReader(ImportRun& run, LineReader& reader, Progress& progress)
      : m_run(run), m_reader(reader), m_progress(progress) {}

  void rows(std::string_view first_line) {
    line(first_line, m_reader.number());
    std::string_view text;
    while (m_reader.next(text)) {
      m_progress.update(m_reader);
      if (!blank_line(text)) {
        line(text, m_reader.number());
      }
    }
  }

private:
  void line(std::string_view text, std::int64_t number) {
    try {
      const nlohmann::json object = nlohmann::json::parse(text);
      if (!object.is_object()) {
        bad_row("not a JSON object; each line holds one request object");
      }
      m_run.add(request(object), number);
    } catch (const nlohmann::json::exception& error) {
      std::string message = error.what();
      if (const std::size_t end = message.find("] "); end != std::string::npos) {
        message.erase(0, end + 2);
      }
      m_run.refuse(number, fmt::format("not JSON: {}", message));
    } catch (const RowError& error) {
      m_run.refuse(number, error.reason);
    }
  }

  // A key's text: nullopt for null or a missing key; anything but text or null is refused.
  static std::optional<std::string> text(const nlohmann::json& object, std::string_view key) {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) {
      return std::nullopt;
    }
    if (!found->is_string()) {
      bad_row(fmt::format("\"{}\" must be text or null", key));
    }
    return found->get<std::string>();
  }

  // A whole number 0 or more (or its digits as text), or null.
  static std::optional<std::int64_t> count(const nlohmann::json& object, std::string_view key) {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) {
      return std::nullopt;
    }
    if (found->is_number_integer() && found->get<std::int64_t>() >= 0) {
      return found->get<std::int64_t>();
    }
    if (found->is_string()) {
      return count_value(key, found->get<std::string>());
    }
    bad_row(fmt::format("\"{}\" must be a whole number or null", key));
  }

  std::optional<Instant> time(const nlohmann::json& object, std::string_view key) {
    const std::optional<std::string> value = text(object, key);
    if (!value || trim(*value).empty()) {
      return std::nullopt;
    }
    return time_value(m_run.context(), key, *value);
  }

  static void check_keys(const nlohmann::json& object, std::string_view what,
                         std::initializer_list<std::string_view> known) {
    for (const auto& item : object.items()) {
      if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
        bad_row(fmt::format("unknown key \"{}\" in {}; see docs/import-export.md",
                            escape_control(item.key()), what));
      }
    }
  }

  ImportRequest request(const nlohmann::json& object) {
    check_keys(object, "the request",
               {"id",          "client",       "subject",       "channel",
                "priority",    "status",       "assignee",      "sla",
                "calendar",    "ref",          "received_at",   "replied_at",
                "resolved_at", "reply_due_at", "update_due_at", "resolve_due_at",
                "voided_by",   "events",       "clocks",        "targets"});
    ImportRequest out;
    out.client = std::string(trim(text(object, "client").value_or("")));
    out.subject = text(object, "subject").value_or("");
    if (out.client.empty()) {
      bad_row("no client; give the client's name");
    }
    if (trim(out.subject).empty()) {
      bad_row("no subject; give what the client asks");
    }
    out.channel = channel_value(text(object, "channel").value_or(""));
    out.priority = priority_value(text(object, "priority").value_or(""));
    if (object.contains("assignee")) {
      out.assignee = optional_name(text(object, "assignee").value_or(""));
    }
    out.policy = optional_name(text(object, "sla").value_or(""));
    out.ref = optional_name(text(object, "ref").value_or(""));
    const auto events = object.find("events");
    if (events == object.end() || events->is_null()) {
      const std::optional<Instant> received = time(object, "received_at");
      if (!received) {
        bad_row("no events and no received_at; give one of them");
      }
      out.events = simple_events(m_run.author(), *received, std::nullopt,
                                 time(object, "replied_at"), time(object, "resolved_at"));
      return out;
    }
    if (!events->is_array()) {
      bad_row("\"events\" must be an array of event objects");
    }
    for (const nlohmann::json& event : *events) {
      if (!event.is_object()) {
        bad_row("\"events\" must be an array of event objects");
      }
      check_keys(event, "an event",
                 {"id", "number", "kind", "at", "author", "recorder", "text", "recorded_at",
                  "target", "voided_by"});
      const EventKind kind = kind_value(text(event, "kind").value_or(""));
      const std::optional<Instant> at = time(event, "at");
      if (!at) {
        bad_row(fmt::format("the {} event has no \"at\"; give when it happened", to_string(kind)));
      }
      ImportEvent imported{
          kind,
          *at,
          optional_name(text(event, "author").value_or("")).value_or(m_run.author()),
          text(event, "text"),
          time(event, "recorded_at"),
          {},
          {},
          {}};
      imported.number = count(event, "number");
      imported.recorder = optional_name(text(event, "recorder").value_or(""));
      imported.target = count(event, "target");
      out.events.push_back(std::move(imported));
    }
    return out;
  }

  ImportRun& m_run;
  LineReader& m_reader;
  Progress& m_progress;
};

} // namespace

void read_json_lines(ImportRun& run, LineReader& reader, Progress& progress,
                     std::string_view first_line) {
  JsonReader(run, reader, progress).rows(first_line);
}

} // namespace slatrack::cli::import_file
