// log, the event commands (followup reply pause resume resolve reopen note assign) and edit.
#include "cli/commands.hpp"
#include "cli/records.hpp"
#include "slatrack/error.hpp"
#include "slatrack/history.hpp"
#include "slatrack/parse.hpp"

#include <charconv>
#include <fmt/format.h>

namespace slatrack::cli {

RequestId parse_request_id(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '#') {
    digits.remove_prefix(1);
  }
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || error != std::errc{} || end != digits.data() + digits.size() || value <= 0
      || digits.front() == '+') {
    throw Error{ErrorKind::invalid_input,
                fmt::format("bad request number \"{}\": use a number such as 42 or #42",
                            escape_control(text))};
  }
  return RequestId{value};
}

namespace {

Instant event_time(Context& context, const Text& at) {
  if (!at) {
    return context.now();
  }
  Instant instant;
  try {
    instant = context.parse_time(*at);
  } catch (const Error& error) {
    throw Error{ErrorKind::invalid_input, fmt::format("--at: {}", error.what())};
  }
  if (instant > context.now()) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("--at \"{}\" is later than now ({}; it is {}): an event cannot be "
                            "in the future",
                            escape_control(*at), local_full(context.now(), context.zone()),
                            local_full(instant, context.zone()))};
  }
  return instant;
}

Channel channel_option(const std::string& text) {
  if (const auto channel = channel_from(text)) {
    return *channel;
  }
  throw Error{ErrorKind::invalid_input,
              fmt::format("bad channel \"{}\": use {}", escape_control(text), channel_names())};
}

Priority priority_option(const std::string& text) {
  if (const auto priority = priority_from(text)) {
    return *priority;
  }
  throw Error{ErrorKind::invalid_input,
              fmt::format("bad priority \"{}\": use {}", escape_control(text), priority_names())};
}

void require_text(std::string_view what, const std::string& text) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw Error{ErrorKind::invalid_input, fmt::format("empty {}: give some text", what)};
  }
}

// "reply due Mon 23 Nov 10:30 (in 2h 00m)" or "no clock running".
std::string next_phrase(Context& context, const Request& request) {
  if (!request.next) {
    return request.status == Status::resolved ? "resolved" : "no clock running";
  }
  const Clocks clocks(context.store());
  return fmt::format(
      "{} due {}", to_string(request.next->metric),
      due_phrase(request.next->due, context.zone(), context.now(), clocks.of(request.calendar)));
}

void print_request(Context& context, const Request& request, const std::string& sentence) {
  if (context.quiet()) {
    return;
  }
  context.write_result(sentence, request_record(request));
}

// How the clock of `metric` that stopped at `at` ended, e.g. "reply met (1h 30m of 2h 00m used)":
// the metric and clock_phrase, the wording show and export give the same run.
std::string stopped_phrase(Context& context, RequestId id, Metric metric, Instant at) {
  const RequestDetail detail = context.store().request_detail(id);
  for (const ClockRun& run : detail.clocks) {
    if (run.metric == metric && run.stop && *run.stop == at && run.outcome != Outcome::running) {
      const Clocks clocks(context.store());
      return fmt::format(
          "{} {}", to_string(metric),
          clock_phrase(run, context.zone(), context.now(), clocks.of(detail.request.calendar)));
    }
  }
  return "";
}

std::string_view verb_of(EventKind kind) {
  switch (kind) {
  case EventKind::message:
    return "Follow-up on";
  case EventKind::reply:
    return "Replied to";
  case EventKind::pause:
    return "Waiting on the client for";
  case EventKind::resume:
    return "Resumed";
  case EventKind::resolve:
    return "Resolved";
  case EventKind::reopen:
    return "Reopened";
  case EventKind::note:
    return "Noted on";
  case EventKind::assign:
    return "Assigned";
  case EventKind::edit:
    return "Edited";
  case EventKind::void_event:
    return "Voided";
  case EventKind::unvoid:
    return "Restored";
  }
  return "Changed";
}

// "10:32" today, else "Mon 23 Nov 10:32".
std::string when_phrase(Context& context, Instant at) {
  const std::string text = local_short(at, context.zone(), context.now());
  const std::string today = local_short(context.now(), context.zone(), context.now());
  if (text.size() > 6 && text.substr(0, text.size() - 6) == today.substr(0, today.size() - 6)) {
    return text.substr(text.size() - 5);
  }
  return text;
}

// "reply", "follow-up", "void".
std::string_view event_name(EventKind kind) {
  return kind == EventKind::message ? std::string_view{"follow-up"} : to_string(kind);
}

// "reply by sam at 10:32".
std::string event_phrase(Context& context, const Event& event) {
  return fmt::format("{} by {} at {}", event_name(event.kind), escape_control(event.author),
                     when_phrase(context, event.at));
}

std::int64_t event_number(const std::string& text) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value <= 0) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("bad event number \"{}\": use the number show gives it, such as 3",
                            escape_control(text))};
  }
  return value;
}

// "; open, reply due ..." or "; resolved".
std::string state_phrase(Context& context, const Request& request) {
  return request.status == Status::resolved
             ? std::string("; resolved")
             : fmt::format("; {}, {}", to_string(request.status), next_phrase(context, request));
}

} // namespace

namespace {

// "just now", "10 min ago", "3h 05m ago".
std::string ago_phrase(Context& context, Instant then) {
  const Seconds age = context.now() - then;
  if (age < Seconds{60}) {
    return "just now";
  }
  if (age < Seconds{3600}) {
    return fmt::format("{} min ago", age.count() / 60);
  }
  return fmt::format("{} ago", human_duration(age));
}

// A request for the same client with the same subject logged in the last 24 hours: one line on
// stderr, the request is logged all the same (scripts keep working).
void warn_same_subject(Context& context, const Request& logged) {
  const std::optional<SameSubject> same = context.store().same_subject(
      logged.client, logged.subject, context.now() - Seconds{86400}, logged.id);
  if (!same) {
    return;
  }
  std::fputs(fmt::format("{} has the same subject, logged {}: slatrack merge {} {} if it is the "
                         "same\n",
                         request_label(same->id), ago_phrase(context, same->logged_at),
                         logged.id.value, same->id.value)
                 .c_str(),
             stderr);
}

} // namespace

int run_log(Context& context, const LogOptions& options) {
  require_text("subject", options.subject);
  NewRequest request;
  request.client = options.client;
  request.subject = options.subject;
  if (options.channel) {
    request.channel = channel_option(*options.channel);
  }
  if (options.priority) {
    request.priority = priority_option(*options.priority);
  }
  request.assignee = options.assignee;
  request.ref = options.ref;
  if (options.by) {
    require_text("--by", *options.by);
  }
  if (request.ref) {
    require_text("--ref", *request.ref);
  }
  request.text = options.message;
  request.at = event_time(context, options.at);
  request.author = options.by.value_or(""); // empty: the client
  request.recorder = context.recorder();
  request.now = context.now();
  request.create_client = options.create_client;
  const LogResult result = context.store().log_request(request);
  const Request& logged = result.request;
  if (result.created) {
    warn_same_subject(context, logged);
  }
  if (context.quiet()) {
    std::fputs(fmt::format("{}\n", logged.id.value).c_str(), context.out());
    return 0;
  }
  const std::string sentence =
      result.created ? fmt::format("Logged {} for {}: {}", request_label(logged.id),
                                   escape_control(logged.client), next_phrase(context, logged))
                     : fmt::format("Already logged as {} for {} (ref {}): nothing changed",
                                   request_label(logged.id), escape_control(logged.client),
                                   escape_control(logged.ref.value_or("")));
  print_request(context, logged, sentence);
  return 0;
}

int run_event(Context& context, const EventOptions& options) {
  const RequestId id = parse_request_id(options.id);
  if (options.kind == EventKind::note) {
    require_text("note", options.message.value_or(""));
  }
  if (options.kind == EventKind::assign) {
    require_text("assignee", options.message.value_or(""));
  }
  if (options.by) {
    require_text("--by", *options.by);
  }
  // A follow-up is the client's own message: by the client unless --by says otherwise.
  const std::string author =
      options.by.value_or(options.kind == EventKind::message ? "" : context.author());
  const NewEvent event{id,
                       options.kind,
                       event_time(context, options.at),
                       author,
                       options.message,
                       context.now(),
                       context.recorder()};
  const Request request = context.store().add_event(event);
  std::string sentence = fmt::format("{} {} ({})", verb_of(options.kind), request_label(id),
                                     escape_control(request.client));
  if (options.kind == EventKind::assign) {
    sentence += fmt::format(" to {}", escape_control(*options.message));
  }
  std::string outcome;
  if (options.kind == EventKind::reply) {
    outcome = stopped_phrase(context, id, Metric::reply, event.at);
  } else if (options.kind == EventKind::resolve) {
    outcome = stopped_phrase(context, id, Metric::resolve, event.at);
  }
  if (!outcome.empty()) {
    sentence += ": " + outcome;
  }
  sentence +=
      request.status == Status::resolved
          ? std::string("; resolved")
          : fmt::format("; {}, {}", to_string(request.status), next_phrase(context, request));
  print_request(context, request, sentence);
  return 0;
}

int run_edit(Context& context, const EditOptions& options) {
  RequestEdit edit;
  edit.id = parse_request_id(options.id);
  edit.subject = options.subject;
  if (edit.subject) {
    require_text("subject", *edit.subject);
  }
  edit.client = options.client;
  if (options.channel) {
    edit.channel = channel_option(*options.channel);
  }
  if (options.priority) {
    edit.priority = priority_option(*options.priority);
  }
  edit.policy = options.sla;
  edit.ref = options.ref;
  if (!edit.subject && !edit.client && !edit.channel && !edit.priority && !edit.policy
      && !edit.ref) {
    throw Error{ErrorKind::usage, "nothing to change: give --subject, --client, --channel, "
                                  "--priority, --sla or --ref"};
  }
  edit.author = context.author();
  edit.recorder = context.recorder();
  edit.now = context.now();
  const Request request = context.store().edit_request(edit);
  print_request(context, request,
                fmt::format("Edited {} ({}); {}, {}", request_label(request.id),
                            escape_control(request.client), to_string(request.status),
                            next_phrase(context, request)));
  return 0;
}

} // namespace slatrack::cli

namespace slatrack::cli {

int run_void(Context& context, const VoidOptions& options) {
  VoidChange change;
  change.id = parse_request_id(options.id);
  if (options.event) {
    change.event = event_number(*options.event);
  }
  change.restore = options.restore;
  if (options.reason) {
    require_text("reason", *options.reason);
  }
  change.reason = options.reason;
  change.recorder = context.recorder();
  change.now = context.now();
  const RequestDetail detail = context.store().void_event(change);
  const Request& request = detail.request;
  const std::string_view verb = change.restore ? "Restored" : "Voided";
  std::string sentence;
  if (change.event) {
    const Event* event = detail.event(*change.event);
    sentence = fmt::format("{} event {} of {} ({}{}){}", verb, *change.event,
                           request_label(request.id), escape_control(request.client),
                           event != nullptr ? ": " + event_phrase(context, *event) : "",
                           state_phrase(context, request));
  } else if (change.restore) {
    sentence = fmt::format("Restored {} ({}){}", request_label(request.id),
                           escape_control(request.client), state_phrase(context, request));
  } else {
    sentence =
        fmt::format("Voided {} ({}): it leaves lists, overdue and reports; take it back "
                    "with: slatrack unvoid {}",
                    request_label(request.id), escape_control(request.client), request.id.value);
  }
  print_request(context, request, sentence);
  return 0;
}

int run_undo(Context& context) {
  UndoChange change;
  change.recorder = context.recorder();
  change.now = context.now();
  const UndoResult result = context.store().undo(change);
  const std::string what =
      result.request
          ? fmt::format("request {} for {} at {}", request_label(result.id),
                        escape_control(result.client), when_phrase(context, result.event.at))
      : marks_events(result.event.kind)
          ? fmt::format("{} of {} on {}{} by {} at {}", event_name(result.event.kind),
                        result.event.target.value_or(0) == 0
                            ? std::string("the request")
                            : fmt::format("event {}", *result.event.target),
                        request_label(result.id),
                        result.event.text ? " (" + escape_control(*result.event.text) + ")" : "",
                        escape_control(result.event.author), when_phrase(context, result.event.at))
          : fmt::format("{} on {} by {} at {}", event_name(result.event.kind),
                        request_label(result.id), escape_control(result.event.author),
                        when_phrase(context, result.event.at));
  const std::string void_command =
      result.request ? fmt::format("slatrack void {}", result.id.value)
                     : fmt::format("slatrack void {} {}", result.id.value, result.event.number);
  switch (result.refusal) {
  case UndoRefusal::too_old:
    throw Error{ErrorKind::invalid_input,
                fmt::format("the last thing you recorded, the {}, was recorded {}, more than a "
                            "day ago; undo takes back only today's mistakes: void it with: {}",
                            what,
                            local_short(result.event.recorded_at, context.zone(), context.now()),
                            void_command)};
  case UndoRefusal::edit:
    throw Error{ErrorKind::invalid_input,
                fmt::format("the last thing you recorded is an edit of {} ({}), which cannot be "
                            "undone; change it back with: slatrack edit {}",
                            request_label(result.id),
                            escape_control(result.event.text.value_or("")), result.id.value)};
  case UndoRefusal::none:
    break;
  }
  if (context.quiet()) {
    return 0;
  }
  context.write_result(
      fmt::format("Undid: {}", what),
      Record{{"id", result.id.value},
             {"event", result.event.number},
             {"kind", std::string(result.request ? "request" : to_string(result.event.kind))},
             {"author", result.event.author},
             {"at", result.event.at}});
  return 0;
}

int run_merge(Context& context, const MergeOptions& options) {
  MergeChange change;
  change.id = parse_request_id(options.id);
  change.into = parse_request_id(options.into);
  change.recorder = context.recorder();
  change.now = context.now();
  const RequestDetail detail = context.store().merge(change);
  const Request& request = detail.request;
  print_request(context, request,
                fmt::format("Merged {} into {} ({}): {} is void{}", request_label(change.id),
                            request_label(request.id), escape_control(request.client),
                            request_label(change.id), state_phrase(context, request)));
  return 0;
}

} // namespace slatrack::cli
