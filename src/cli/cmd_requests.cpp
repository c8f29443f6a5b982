// log, the event commands (followup reply pause resume resolve reopen note assign) and edit.
#include "cli/commands.hpp"
#include "cli/records.hpp"
#include "slatrack/error.hpp"
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
  if (context.format() == Format::table) {
    std::fputs((sentence + "\n").c_str(), context.out());
  } else {
    write_record(context.out(), context.style(), request_record(request), {});
  }
}

// How the clock of `metric` that stopped at `at` ended, e.g. "reply met (1h 30m of 2h 00m used)".
std::string stopped_phrase(Context& context, RequestId id, Metric metric, Instant at) {
  const RequestDetail detail = context.store().request_detail(id);
  for (const ClockRun& run : detail.clocks) {
    if (run.metric == metric && run.stop && *run.stop == at && run.outcome != Outcome::running) {
      if (run.outcome == Outcome::met) {
        return fmt::format("{} met ({} of {} used)", to_string(metric), human_duration(run.used),
                           target_text(run.target));
      }
      if (run.target.in_business_days()) {
        return fmt::format("{} breached ({} used, target {})", to_string(metric),
                           human_duration(run.used), target_text(run.target));
      }
      return fmt::format("{} breached ({} over {})", to_string(metric),
                         human_duration(run.used - run.target.time), target_text(run.target));
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
  }
  return "Changed";
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
  request.now = context.now();
  request.create_client = options.create_client;
  const LogResult result = context.store().log_request(request);
  const Request& logged = result.request;
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
  const NewEvent event{id,     options.kind,    event_time(context, options.at),
                       author, options.message, context.now()};
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
  edit.now = context.now();
  const Request request = context.store().edit_request(edit);
  print_request(context, request,
                fmt::format("Edited {} ({}); {}, {}", request_label(request.id),
                            escape_control(request.client), to_string(request.status),
                            next_phrase(context, request)));
  return 0;
}

} // namespace slatrack::cli
