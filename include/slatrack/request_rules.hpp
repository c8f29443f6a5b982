// What a request's history allows, and how a refusal is worded: the checks every Store backend
// makes around its writes of requests and events (log, the event commands, void and unvoid, undo,
// merge), as pure functions over domain values, so that a second backend applies the same rules
// with the same messages and only reads and writes rows (SPEC.md "The clocks", "Void"; docs/
// lifecycle.md). Each check throws the Error the command prints; nothing here reads or writes.
#pragma once

#include "slatrack/domain.hpp"
#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/time.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slatrack {

// An instant as the messages write it: 2026-11-23T10:00:00Z.
[[nodiscard]] std::string utc_text(Instant value);

// The verb of an event kind in messages: "reply to", "follow up", "add a note to", ...
[[nodiscard]] std::string_view event_verb(EventKind kind);

// Error{not_found}: `no request #42; list them with: slatrack list --status all`.
[[nodiscard]] Error no_request(RequestId id);
// Error{invalid_input}: what cannot be done to a void request (events, edits, merges).
[[nodiscard]] Error request_is_void(RequestId id);

// The checks of `log` before anything is read: not later than now, a subject and a client.
// Throws Error{invalid_input}.
void check_new_request(Instant at, Instant now, std::string_view subject, std::string_view client);

// The checks of an event command before anything is read: edit, void and unvoid have commands of
// their own, an event is not later than now, an assign names the new assignee. Throws
// Error{invalid_input}.
void check_new_event(RequestId id, EventKind kind, Instant at, Instant now,
                     const std::optional<std::string>& text);

// No event before the request's first message (received at `received_at`): a follow-up there
// would silently move the time the request was received, and its clocks. Throws
// Error{invalid_input}.
void check_after_first_message(RequestId id, EventKind kind, Instant at, Instant received_at);

// Whether a new event `seq` of `kind` fits the request's history: it is refused when evaluating
// the history with it rejects it (`after`), or when it makes a later event impossible (a
// rejection in `after` that is not in `before`, the rejections of the history without it: those
// are not its fault). `stored(seq)` gives an event's kind and time, for the message. Throws
// Error{invalid_input}.
void check_event_fits(RequestId id, EventKind kind, std::int64_t seq,
                      std::span<const Rejection> before, std::span<const Rejection> after,
                      const std::function<std::pair<EventKind, Instant>(std::int64_t)>& stored);

// A request's fields as `edit` changes them (the policy: what users call the SLA).
struct EditedFields {
  std::string subject;
  std::string client;
  Channel channel = Channel::email;
  Priority priority = Priority::normal;
  std::string policy;
  std::optional<std::string> ref;
};

// A subject that is not blank. Throws Error{invalid_input}.
void check_subject(std::string_view subject);

// When `edit --client` moves a request: the old client's owner gives way to the new client's
// owner, unless someone assigned the request by hand (`assigned_by_hand`: an assign event; or an
// assignee other than the old owner). Returns the new assignee (an inner nullopt: nobody), or
// nullopt when the assignee stays.
[[nodiscard]] std::optional<std::optional<std::string>>
assignee_after_move(const std::optional<std::string>& assignee,
                    const std::optional<std::string>& old_owner,
                    const std::optional<std::string>& new_owner, bool assigned_by_hand);

// The text of the edit event that records `edit` (and `client edit --sla --open`): each field
// that changed, in the order subject, client, assignee, channel, priority, sla, ref, e.g.
// `subject: "Hello" -> "Hi"; client: Acme -> Beta; sla: default -> gold`; empty when nothing
// changed (then no edit is recorded). `assignee`: the assignee before and after, when it changed.
[[nodiscard]] std::string
edit_text(const EditedFields& before, const EditedFields& after,
          const std::optional<std::pair<std::optional<std::string>, std::optional<std::string>>>&
              assignee = std::nullopt);

// Error{invalid_input}: `ref "R1" is already used by #12`.
[[nodiscard]] Error ref_in_use(std::string_view ref, RequestId other);

// An event as `void ID EVENT` and `unvoid ID EVENT` need it.
struct MarkedEvent {
  EventKind kind = EventKind::note;
  std::optional<std::int64_t> voided_by; // the void event that voids it, if any
};

// Whether event `number` of request `id` (`event`: nullopt when there is none) can be voided
// (restore = false) or taken back (restore = true). Throws Error{not_found} for a missing event,
// Error{invalid_input} for the first message (void the request instead), an edit, what is already
// void, or what is not void.
void check_void_event(RequestId id, std::int64_t number, const std::optional<MarkedEvent>& event,
                      bool restore);
// Whether request `id` (void by event `voided_by`, if any) can be voided or taken back. Throws
// Error{invalid_input}.
void check_void_request(RequestId id, std::optional<std::int64_t> voided_by, bool restore);

// `merge ID INTO`: two different requests. Throws Error{invalid_input}.
void check_merge(RequestId id, RequestId into);
// The text of the void event merge records on the request it merged.
[[nodiscard]] std::string merged_into_text(RequestId into);

// The reason of the void events `undo` records: undo passes over them, so that a second undo goes
// one further back.
inline constexpr std::string_view k_undo_reason = "undo";
// Error{invalid_input}: `recorder` recorded nothing that still counts in the store at `location`.
[[nodiscard]] Error nothing_to_undo(std::string_view recorder, std::string_view location);

} // namespace slatrack
