#include "store/request_writes.hpp"

#include "slatrack/error.hpp"
#include "slatrack/history.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/request_rules.hpp"
#include "slatrack/rule_checks.hpp"
#include "store/values.hpp"

#include <fmt/format.h>

namespace slatrack::store {

void RequestWrites::edit(const RequestEdit& edit) {
  const std::optional<EditRow> found = edit_row(edit.id);
  if (!found) {
    throw no_request(edit.id);
  }
  if (found->voided_by) {
    throw request_is_void(edit.id);
  }
  const EditRow& row = *found;
  std::int64_t client_id = row.client_id;
  std::int64_t row_policy_id = row.policy_id;
  const EditedFields before{row.subject,
                            row.client,
                            from_db(channel_from(row.channel), "channel", row.channel),
                            from_db(priority_from(row.priority), "priority", row.priority),
                            row.policy,
                            row.ref};
  EditedFields after = before;
  if (edit.subject && *edit.subject != row.subject) {
    check_subject(*edit.subject);
    after.subject = *edit.subject;
  }
  std::optional<std::int64_t> policy_id;
  std::string policy_name;
  std::optional<std::pair<std::optional<std::string>, std::optional<std::string>>> assignee;
  if (edit.client) {
    const std::optional<ClientRow> client = short_client_row(*edit.client);
    if (!client) {
      no_client(*edit.client, add_client_step(*edit.client, false));
    }
    if (client->id != row.client_id) {
      if (const std::optional<std::optional<std::string>> next =
              assignee_after_move(row.assignee, row.owner, client->owner, row.assigned)) {
        assignee.emplace(row.assignee, *next);
      }
      client_id = client->id;
      after.client = client->name;
      if (!edit.policy) {
        policy_id = client->policy_id;
        policy_name = load_policy(client->policy_id).policy.name;
      }
    }
  }
  if (edit.policy) {
    const PolicyRow policy = require_policy(*edit.policy);
    policy_id = policy.id;
    policy_name = policy.name;
  }
  if (edit.channel) {
    after.channel = *edit.channel;
  }
  if (edit.priority) {
    after.priority = *edit.priority;
  }
  if (policy_id && *policy_id != row_policy_id) {
    row_policy_id = *policy_id;
    after.policy = policy_name;
  }
  if (edit.ref && non_empty(edit.ref) != row.ref) {
    after.ref = non_empty(edit.ref);
    if (after.ref) {
      const std::optional<std::int64_t> other = request_by_ref(*after.ref);
      if (other && *other != edit.id.value) {
        throw ref_in_use(*after.ref, RequestId{*other});
      }
    }
  }
  const std::string changes = edit_text(before, after, assignee);
  if (!changes.empty()) {
    write_edit(edit.id, client_id, row_policy_id, after);
    if (assignee) {
      write_assignee(edit.id, assignee->second);
    }
    static_cast<void>(insert_event(edit.id, EventKind::edit, edit.now, edit.author, changes,
                                   edit.now, recorder_of(edit.recorder, edit.author)));
    RulesCache rules;
    static_cast<void>(reevaluate(edit.id.value, rules));
  }
}

RequestDetail RequestWrites::void_or_restore(const VoidChange& change) {
  const std::optional<std::optional<std::int64_t>> request = request_void(change.id);
  if (!request) {
    throw no_request(change.id);
  }
  const std::optional<std::int64_t> request_void = *request;
  std::int64_t target = k_whole_request;
  if (change.event) {
    if (request_void) {
      throw request_is_void(change.id);
    }
    const std::int64_t number = *change.event;
    const std::optional<Event> found = numbered_event(change.id, number);
    check_void_event(change.id, number,
                     found ? std::optional<MarkedEvent>{MarkedEvent{found->kind, found->voided_by}}
                           : std::nullopt,
                     change.restore);
    target = number;
  } else {
    check_void_request(change.id, request_void, change.restore);
  }
  mark(change.id, change.restore ? EventKind::unvoid : EventKind::void_event, target, change.reason,
       change.recorder, change.now);
  return detail(change.id);
}

UndoResult RequestWrites::undo_latest(const UndoChange& change) {
  std::optional<std::pair<RequestId, Event>> found;
  each_recorded(change.recorder, [&](RequestId request, Event&& event, bool merged) {
    // Passed over: what no longer counts, the voids undo made, and the voids that followed from
    // taking a merge back (or making it again).
    if (event.voided_by
        || (event.kind == EventKind::void_event && (event.text == k_undo_reason || merged))) {
      return false;
    }
    const std::optional<std::int64_t> request_void = request_voided_by(request);
    if (request_void && *request_void != event.number) {
      return false; // inside a void request: only the void itself can be taken back
    }
    found.emplace(request, std::move(event));
    return true;
  });
  if (!found) {
    throw nothing_to_undo(change.recorder, database_name());
  }
  UndoResult result;
  result.id = found->first;
  result.event = found->second;
  result.client = load_request(result.id).client;
  result.request = result.event.number == 1;
  if (result.event.kind == EventKind::edit) {
    result.refusal = UndoRefusal::edit;
    return result;
  }
  if (result.event.recorded_at + change.limit < change.now) {
    result.refusal = UndoRefusal::too_old;
    return result;
  }
  mark(result.id, EventKind::void_event, result.request ? k_whole_request : result.event.number,
       std::string(k_undo_reason), change.recorder, change.now);
  return result;
}

RequestDetail RequestWrites::merge_into(const MergeChange& change) {
  check_merge(change.id, change.into);
  for (const RequestId id : {change.id, change.into}) {
    const std::optional<std::optional<std::int64_t>> request = request_void(id);
    if (!request) {
      throw no_request(id);
    }
    if (*request) {
      throw request_is_void(id);
    }
  }
  // What a merge copies: the events that count, but assignments, edits and void marks, which
  // belong to the request they were made on.
  std::vector<Event> events = request_events(change.id);
  std::erase_if(events, [](const Event& event) {
    return event.voided_by || event.kind == EventKind::assign || event.kind == EventKind::edit
           || event.kind == EventKind::void_event || event.kind == EventKind::unvoid;
  });
  for (const Event& event : events) {
    static_cast<void>(insert_event(change.into, event.kind, event.at, event.author, event.text,
                                   change.now, change.recorder, std::nullopt, change.id.value));
  }
  RulesCache rules;
  static_cast<void>(reevaluate(change.into.value, rules));
  static_cast<void>(insert_event(change.id, EventKind::void_event, change.now, change.recorder,
                                 merged_into_text(change.into), change.now, change.recorder,
                                 k_whole_request));
  static_cast<void>(reevaluate(change.id.value, rules));
  return detail(change.into);
}

void RequestWrites::mark(RequestId id, EventKind kind, std::int64_t target,
                         const std::optional<std::string>& reason, const std::string& recorder,
                         Instant now) {
  const bool was_void = request_voided_by(id).has_value();
  static_cast<void>(insert_event(id, kind, now, recorder, reason, now, recorder, target));
  RulesCache rules;
  static_cast<void>(reevaluate(id.value, rules));
  const bool is_void = request_voided_by(id).has_value();
  if (was_void == is_void) {
    return;
  }
  // Counts again: the copies that count are voided; void again: the voids of the copies.
  const std::vector<std::pair<std::int64_t, std::int64_t>> marked =
      merged_copies(id.value, is_void);
  const std::string why = is_void ? fmt::format("#{} merged again", id.value)
                                  : fmt::format("#{} is its own request again", id.value);
  std::optional<std::int64_t> last;
  for (const auto& [request, number] : marked) {
    static_cast<void>(insert_event(RequestId{request}, EventKind::void_event, now, recorder, why,
                                   now, recorder, number, id.value));
    if (last && *last != request) {
      static_cast<void>(reevaluate(*last, rules));
    }
    last = request;
  }
  if (last) {
    static_cast<void>(reevaluate(*last, rules));
  }
}

std::string RequestWrites::recorder_of(const std::string& recorder, const std::string& author) {
  return recorder.empty() ? author : recorder;
}

std::optional<std::int64_t> RequestWrites::request_voided_by(RequestId id) {
  const std::optional<std::optional<std::int64_t>> request = request_void(id);
  return request ? *request : std::nullopt;
}

} // namespace slatrack::store
