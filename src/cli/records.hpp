// Records for the domain objects, shared by every command that prints them.
#pragma once

#include "cli/output.hpp"
#include "slatrack/calendar.hpp"
#include "slatrack/model.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace slatrack {
class Store;
}

namespace slatrack::cli {

[[nodiscard]] Value text_or_null(const std::optional<std::string>& text);
[[nodiscard]] Value instant_or_null(const std::optional<Instant>& instant);
[[nodiscard]] Value seconds_or_null(const std::optional<Seconds>& duration);

// A target for people: "2h 00m" of open time, or "2bd".
[[nodiscard]] std::string target_text(Target target);
// A target in machine formats: whole seconds of open time, or the text "2bd".
[[nodiscard]] Value target_value(Target target);
[[nodiscard]] Value target_or_null(const std::optional<Target>& target);

// The fields of the request, event and clock records, in order, each handed to
// `field(key, value)`: the one list of each, from which request_record, event_record and
// clock_record are built, and which export's JSON writer takes directly, without building a
// Record (cli/json_writer.hpp's JsonFields). A value is a std::int64_t, a std::string, a
// std::string_view, an Instant, Seconds, a Value or a std::optional of the first four (null when
// empty).
template <typename Visit> void request_fields(const Request& request, Visit&& field) {
  field("id", request.id.value);
  field("client", request.client);
  field("subject", request.subject);
  field("channel", to_string(request.channel));
  field("priority", to_string(request.priority));
  field("status", to_string(request.status));
  field("assignee", request.assignee);
  field("sla", request.policy);
  field("calendar", request.calendar);
  field("ref", request.ref);
  field("received_at", request.received_at);
  field("replied_at", request.replied_at);
  field("resolved_at", request.resolved_at);
  field("reply_due_at", request.reply_due);
  field("update_due_at", request.update_due);
  field("resolve_due_at", request.resolve_due);
}

template <typename Visit> void event_fields(const Event& event, Visit&& field) {
  field("number", event.number);
  field("kind", to_string(event.kind));
  field("at", event.at);
  field("author", event.author);
  field("recorder", event.recorder);
  field("text", event.text);
  field("recorded_at", event.recorded_at);
  field("target", event.target);
  field("voided_by", event.voided_by);
}

template <typename Visit> void clock_fields(const ClockRun& run, Visit&& field) {
  field("metric", to_string(run.metric));
  field("start_at", run.start);
  field("due_at", run.due);
  field("stop_at", run.stop);
  field("outcome", to_string(run.outcome));
  field("target_seconds", target_value(run.target));
  field("used_seconds", run.used);
  field("credit_seconds", run.credit);
}

// The request object of SPEC.md "Output": id client subject channel priority status assignee sla
// ref received_at replied_at resolved_at reply_due_at update_due_at resolve_due_at, plus calendar;
// with room for `more` fields that the caller adds.
[[nodiscard]] Record request_record(const Request& request, std::size_t more = 0);

// An event as show and export give it: number kind at author recorder text recorded_at target
// voided_by.
[[nodiscard]] Record event_record(const Event& event);

// A clock run as show and export give it: metric start_at due_at stop_at outcome target_seconds
// used_seconds credit_seconds.
[[nodiscard]] Record clock_record(const ClockRun& run);

// The state of one clock run for people: the one wording of it, which the line after an event,
// `show` and `export --format table` all print. Stopped: "met (40m of 2h 00m used)", "breached
// (by 30m)" (open time past the target), on a target in business days "breached (3h 00m used,
// target 2bd)"; running: "running, due Mon 23 Nov 10:30 (in 2h 00m)" (due_phrase: time left or
// late in open time on `clock`, the request's calendar, at `now` in `zone`); running but not
// counting (a resolve clock while the request waits on the client): "paused (waiting on the
// client)".
[[nodiscard]] std::string clock_phrase(const ClockRun& run, const Zone& zone, Instant now,
                                       const Clock& clock);

// One line of a request's history for people: "   2  Mon 23 Nov 09:40  reply    sam  Done",
// with what a void or unvoid marks, and "[void]" after an event that no longer counts.
[[nodiscard]] std::string history_line(const Event& event, const Style& style);

// "Void since Mon 23 Nov 11:00 (ann: merged into #41); take it back with: slatrack unvoid 42".
[[nodiscard]] std::string void_line(const RequestDetail& detail, const Style& style);

// "#42".
[[nodiscard]] std::string request_label(RequestId id);

// The Clock of every calendar, read from the store once (before a streaming read, whose callback
// must not call the store), to show lateness and time left in open time on a request's calendar.
class Clocks {
public:
  explicit Clocks(Store& store);
  // The clock of the calendar named `calendar` (24x7 when there is none by that name).
  [[nodiscard]] const Clock& of(std::string_view calendar) const;

private:
  std::map<std::string, std::unique_ptr<Clock>, std::less<>> m_clocks;
  std::unique_ptr<Clock> m_always;
};

} // namespace slatrack::cli
