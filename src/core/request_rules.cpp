// What a request's history allows, and the messages of its refusals (request_rules.hpp).
#include "slatrack/request_rules.hpp"

#include "slatrack/history.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <vector>

namespace slatrack {

namespace {

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

} // namespace

std::string utc_text(Instant value) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", value);
}

std::string_view event_verb(EventKind kind) {
  switch (kind) {
  case EventKind::message:
    return "follow up";
  case EventKind::reply:
    return "reply to";
  case EventKind::pause:
    return "pause";
  case EventKind::resume:
    return "resume";
  case EventKind::resolve:
    return "resolve";
  case EventKind::reopen:
    return "reopen";
  case EventKind::note:
    return "add a note to";
  case EventKind::assign:
    return "assign";
  case EventKind::edit:
    return "edit";
  case EventKind::void_event:
    return "void";
  case EventKind::unvoid:
    return "unvoid";
  }
  return "change";
}

Error no_request(RequestId id) {
  return Error{ErrorKind::not_found,
               fmt::format("no request #{}; list them with: slatrack list --status all", id.value)};
}

Error request_is_void(RequestId id) {
  return Error{
      ErrorKind::invalid_input,
      fmt::format("#{} is void; take it back first with: slatrack unvoid {}", id.value, id.value)};
}

void check_subject(std::string_view subject) {
  if (blank(subject)) {
    throw Error{ErrorKind::invalid_input, "a request needs a subject"};
  }
}

std::optional<std::optional<std::string>>
assignee_after_move(const std::optional<std::string>& assignee,
                    const std::optional<std::string>& old_owner,
                    const std::optional<std::string>& new_owner, bool assigned_by_hand) {
  if (assigned_by_hand || assignee != old_owner || assignee == new_owner) {
    return std::nullopt;
  }
  return std::optional<std::optional<std::string>>{new_owner};
}

std::string
edit_text(const EditedFields& before, const EditedFields& after,
          const std::optional<std::pair<std::optional<std::string>, std::optional<std::string>>>&
              assignee) {
  std::vector<std::string> changes;
  if (after.subject != before.subject) {
    changes.push_back(fmt::format("subject: \"{}\" -> \"{}\"", before.subject, after.subject));
  }
  if (after.client != before.client) {
    changes.push_back(fmt::format("client: {} -> {}", before.client, after.client));
  }
  if (assignee) {
    changes.push_back(fmt::format("assignee: {} -> {}", assignee->first.value_or("none"),
                                  assignee->second.value_or("none")));
  }
  if (after.channel != before.channel) {
    changes.push_back(
        fmt::format("channel: {} -> {}", to_string(before.channel), to_string(after.channel)));
  }
  if (after.priority != before.priority) {
    changes.push_back(
        fmt::format("priority: {} -> {}", to_string(before.priority), to_string(after.priority)));
  }
  if (after.policy != before.policy) {
    changes.push_back(fmt::format("sla: {} -> {}", before.policy, after.policy));
  }
  if (after.ref != before.ref) {
    changes.push_back(
        fmt::format("ref: {} -> {}", before.ref.value_or("none"), after.ref.value_or("none")));
  }
  return fmt::format("{}", fmt::join(changes, "; "));
}

Error ref_in_use(std::string_view ref, RequestId other) {
  return Error{ErrorKind::invalid_input,
               fmt::format("ref \"{}\" is already used by #{}", ref, other.value)};
}

void check_new_request(Instant at, Instant now, std::string_view subject, std::string_view client) {
  if (at > now) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("the request time {} is in the future (now is {}); give an --at "
                            "that is not later than now",
                            utc_text(at), utc_text(now))};
  }
  check_subject(subject);
  if (blank(client)) {
    throw Error{ErrorKind::invalid_input, "a request needs a client"};
  }
}

void check_new_event(RequestId id, EventKind kind, Instant at, Instant now,
                     const std::optional<std::string>& text) {
  if (kind == EventKind::edit) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("change request #{} with: slatrack edit {}", id.value, id.value)};
  }
  if (at > now) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("an event cannot be later than now ({} is after {}); give an --at "
                            "that is not later than now",
                            utc_text(at), utc_text(now))};
  }
  if (kind == EventKind::assign && (!text || blank(*text))) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("assign #{} needs the new assignee", id.value)};
  }
  if (marks_events(kind)) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("use: slatrack {} {} [EVENT]", to_string(kind), id.value)};
  }
}

void check_after_first_message(RequestId id, EventKind kind, Instant at, Instant received_at) {
  if (at < received_at) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("cannot {} #{}: {}", event_verb(kind), id.value,
                            describe(Conflict::before_first_message))};
  }
}

void check_event_fits(RequestId id, EventKind kind, std::int64_t seq,
                      std::span<const Rejection> before, std::span<const Rejection> after,
                      const std::function<std::pair<EventKind, Instant>(std::int64_t)>& stored) {
  std::optional<Rejection> later;
  for (const Rejection& rejection : after) {
    const bool old = std::any_of(before.begin(), before.end(), [&](const Rejection& earlier) {
      return earlier.seq == rejection.seq;
    });
    if (old) {
      continue;
    }
    if (rejection.seq == seq) {
      throw Error{ErrorKind::invalid_input, fmt::format("cannot {} #{}: {}", event_verb(kind),
                                                        id.value, describe(rejection.conflict))};
    }
    if (!later) {
      later = rejection;
    }
  }
  // Every stored event was valid before this one: a back-dated event that makes a later one
  // impossible (a resolve before an existing resolve) is refused too.
  if (later) {
    const auto [later_kind, later_at] = stored(later->seq);
    throw Error{ErrorKind::invalid_input,
                fmt::format("cannot {} #{} at that time: the {} at {} would then be impossible "
                            "({}); enter events so that each can happen",
                            event_verb(kind), id.value, to_string(later_kind), utc_text(later_at),
                            describe(later->conflict))};
  }
}

void check_void_event(RequestId id, std::int64_t number, const std::optional<MarkedEvent>& event,
                      bool restore) {
  if (!event) {
    throw Error{ErrorKind::not_found,
                fmt::format("#{} has no event {}; see its events with: slatrack show {}", id.value,
                            number, id.value)};
  }
  if (!restore && number == 1) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("event 1 of #{} is the request itself; void the whole request "
                            "with: slatrack void {}",
                            id.value, id.value)};
  }
  if (!restore && event->kind == EventKind::edit) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("event {} of #{} is an edit, which cannot be voided; change the "
                            "request back with: slatrack edit {}",
                            number, id.value, id.value)};
  }
  if (!restore && event->voided_by) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("event {} of #{} is already void (by event {}); take it back "
                            "with: slatrack unvoid {} {}",
                            number, id.value, *event->voided_by, id.value, number)};
  }
  if (restore && !event->voided_by) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("event {} of #{} is not void; nothing to take back", number, id.value)};
  }
}

void check_void_request(RequestId id, std::optional<std::int64_t> voided_by, bool restore) {
  if (!restore && voided_by) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("#{} is already void (by event {}); take it back with: slatrack "
                            "unvoid {}",
                            id.value, *voided_by, id.value)};
  }
  if (restore && !voided_by) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("#{} is not void; nothing to take back", id.value)};
  }
}

void check_merge(RequestId id, RequestId into) {
  if (id == into) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("cannot merge #{} into itself; name two requests", id.value)};
  }
}

std::string merged_into_text(RequestId into) {
  return fmt::format("merged into #{}", into.value);
}

Error nothing_to_undo(std::string_view recorder, std::string_view location) {
  return Error{ErrorKind::invalid_input,
               fmt::format("nothing to undo: {} recorded nothing in {} that still counts", recorder,
                           location)};
}

} // namespace slatrack
