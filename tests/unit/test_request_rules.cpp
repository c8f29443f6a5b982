// The rules of a request's history that every Store backend applies, and their messages
// (slatrack/request_rules.hpp): pure functions, no store.
#include "slatrack/error.hpp"
#include "slatrack/request_rules.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

using namespace slatrack;
using slatrack::testing::utc;
using std::chrono::hours;

namespace {

const Instant k_t0 = utc(2026, 11, 23, 10, 0);

std::string refusal(const std::function<void()>& action, ErrorKind kind) {
  try {
    action();
  } catch (const Error& error) {
    CHECK(static_cast<int>(error.kind()) == static_cast<int>(kind));
    return error.what();
  }
  return "(accepted)";
}

const auto k_no_lookup = [](std::int64_t) -> std::pair<EventKind, Instant> {
  FAIL("no stored event should be needed");
  return {EventKind::note, Instant{}};
};

} // namespace

TEST_CASE("a new request is refused in the future, without subject or client", "[rules]") {
  CHECK(refusal([] { check_new_request(k_t0, k_t0, "Hi", "Acme"); }, ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal([] { check_new_request(k_t0 + hours{1}, k_t0, "Hi", "Acme"); },
                ErrorKind::invalid_input)
        == "the request time 2026-11-23T11:00:00Z is in the future (now is 2026-11-23T10:00:00Z); "
           "give an --at that is not later than now");
  CHECK(refusal([] { check_new_request(k_t0, k_t0, " \t", "Acme"); }, ErrorKind::invalid_input)
        == "a request needs a subject");
  CHECK(refusal([] { check_new_request(k_t0, k_t0, "Hi", ""); }, ErrorKind::invalid_input)
        == "a request needs a client");
}

TEST_CASE("an event command is checked before anything is read", "[rules]") {
  const RequestId id{7};
  CHECK(refusal([&] { check_new_event(id, EventKind::reply, k_t0, k_t0, std::nullopt); },
                ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal([&] { check_new_event(id, EventKind::edit, k_t0, k_t0, std::nullopt); },
                ErrorKind::invalid_input)
        == "change request #7 with: slatrack edit 7");
  CHECK(refusal([&] { check_new_event(id, EventKind::reply, k_t0 + hours{2}, k_t0, {}); },
                ErrorKind::invalid_input)
        == "an event cannot be later than now (2026-11-23T12:00:00Z is after "
           "2026-11-23T10:00:00Z); give an --at that is not later than now");
  CHECK(refusal([&] { check_new_event(id, EventKind::assign, k_t0, k_t0, std::string{" "}); },
                ErrorKind::invalid_input)
        == "assign #7 needs the new assignee");
  CHECK(refusal([&] { check_new_event(id, EventKind::assign, k_t0, k_t0, std::string{"bob"}); },
                ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal([&] { check_new_event(id, EventKind::void_event, k_t0, k_t0, {}); },
                ErrorKind::invalid_input)
        == "use: slatrack void 7 [EVENT]");
  CHECK(refusal([&] { check_new_event(id, EventKind::unvoid, k_t0, k_t0, {}); },
                ErrorKind::invalid_input)
        == "use: slatrack unvoid 7 [EVENT]");
  CHECK(refusal([&] { check_after_first_message(id, EventKind::message, k_t0 - hours{1}, k_t0); },
                ErrorKind::invalid_input)
        == "cannot follow up #7: " + std::string(describe(Conflict::before_first_message)));
  CHECK(refusal([&] { check_after_first_message(id, EventKind::note, k_t0, k_t0); },
                ErrorKind::invalid_input)
        == "(accepted)");
}

TEST_CASE("a new event is refused when it cannot be, or makes a later one impossible", "[rules]") {
  const RequestId id{3};
  const std::vector<Rejection> none;
  CHECK(refusal([&] { check_event_fits(id, EventKind::pause, 9, none, none, k_no_lookup); },
                ErrorKind::invalid_input)
        == "(accepted)");
  const std::vector<Rejection> itself{Rejection{9, Conflict::not_open}};
  CHECK(refusal([&] { check_event_fits(id, EventKind::pause, 9, none, itself, k_no_lookup); },
                ErrorKind::invalid_input)
        == "cannot pause #3: " + std::string(describe(Conflict::not_open)));
  // A rejection that was there before the new event is not its fault.
  const std::vector<Rejection> old{Rejection{4, Conflict::not_waiting}};
  CHECK(refusal([&] { check_event_fits(id, EventKind::reply, 9, old, old, k_no_lookup); },
                ErrorKind::invalid_input)
        == "(accepted)");
  // Its own rejection wins over a later event it makes impossible, whatever the order.
  const std::vector<Rejection> both{Rejection{5, Conflict::already_resolved},
                                    Rejection{9, Conflict::already_resolved}};
  CHECK(refusal([&] { check_event_fits(id, EventKind::resolve, 9, old, both, k_no_lookup); },
                ErrorKind::invalid_input)
        == "cannot resolve #3: " + std::string(describe(Conflict::already_resolved)));
  const std::vector<Rejection> later{Rejection{4, Conflict::not_waiting},
                                     Rejection{5, Conflict::already_resolved},
                                     Rejection{6, Conflict::not_resolved}};
  std::vector<std::int64_t> looked_up;
  const auto stored = [&](std::int64_t seq) {
    looked_up.push_back(seq);
    return std::pair<EventKind, Instant>{EventKind::resolve, k_t0 + hours{3}};
  };
  CHECK(refusal([&] { check_event_fits(id, EventKind::resolve, 9, old, later, stored); },
                ErrorKind::invalid_input)
        == "cannot resolve #3 at that time: the resolve at 2026-11-23T13:00:00Z would then be "
           "impossible ("
               + std::string(describe(Conflict::already_resolved))
               + "); enter events so that each can happen");
  CHECK(looked_up == std::vector<std::int64_t>{5});
}

TEST_CASE("void and unvoid say what cannot be marked or taken back", "[rules]") {
  const RequestId id{4};
  const MarkedEvent reply{EventKind::reply, std::nullopt};
  const MarkedEvent voided{EventKind::reply, 6};
  CHECK(refusal([&] { check_void_event(id, 2, reply, false); }, ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal([&] { check_void_event(id, 9, std::nullopt, false); }, ErrorKind::not_found)
        == "#4 has no event 9; see its events with: slatrack show 4");
  CHECK(refusal([&] { check_void_event(id, 9, std::nullopt, true); }, ErrorKind::not_found)
        == "#4 has no event 9; see its events with: slatrack show 4");
  CHECK(refusal([&] { check_void_event(id, 1, reply, false); }, ErrorKind::invalid_input)
        == "event 1 of #4 is the request itself; void the whole request with: slatrack void 4");
  CHECK(refusal(
            [&] {
              check_void_event(id, 3, MarkedEvent{EventKind::edit, {}}, false);
            },
            ErrorKind::invalid_input)
        == "event 3 of #4 is an edit, which cannot be voided; change the request back with: "
           "slatrack edit 4");
  CHECK(refusal([&] { check_void_event(id, 2, voided, false); }, ErrorKind::invalid_input)
        == "event 2 of #4 is already void (by event 6); take it back with: slatrack unvoid 4 2");
  CHECK(refusal([&] { check_void_event(id, 2, reply, true); }, ErrorKind::invalid_input)
        == "event 2 of #4 is not void; nothing to take back");
  CHECK(refusal([&] { check_void_event(id, 2, voided, true); }, ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal([&] { check_void_request(id, std::nullopt, false); }, ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(refusal([&] { check_void_request(id, 8, false); }, ErrorKind::invalid_input)
        == "#4 is already void (by event 8); take it back with: slatrack unvoid 4");
  CHECK(refusal([&] { check_void_request(id, std::nullopt, true); }, ErrorKind::invalid_input)
        == "#4 is not void; nothing to take back");
  CHECK(refusal([&] { check_void_request(id, 8, true); }, ErrorKind::invalid_input)
        == "(accepted)");
}

TEST_CASE("the messages of requests that are missing, void, merged or not undoable", "[rules]") {
  CHECK(std::string(no_request(RequestId{42}).what())
        == "no request #42; list them with: slatrack list --status all");
  CHECK(no_request(RequestId{42}).kind() == ErrorKind::not_found);
  CHECK(std::string(request_is_void(RequestId{5}).what())
        == "#5 is void; take it back first with: slatrack unvoid 5");
  CHECK(request_is_void(RequestId{5}).kind() == ErrorKind::invalid_input);
  CHECK(refusal([] { check_merge(RequestId{2}, RequestId{2}); }, ErrorKind::invalid_input)
        == "cannot merge #2 into itself; name two requests");
  CHECK(refusal([] { check_merge(RequestId{2}, RequestId{3}); }, ErrorKind::invalid_input)
        == "(accepted)");
  CHECK(merged_into_text(RequestId{41}) == "merged into #41");
  CHECK(std::string(nothing_to_undo("ann", "/tmp/x.db").what())
        == "nothing to undo: ann recorded nothing in /tmp/x.db that still counts");
  CHECK(utc_text(k_t0) == "2026-11-23T10:00:00Z");
  CHECK(event_verb(EventKind::message) == "follow up");
  CHECK(event_verb(EventKind::note) == "add a note to");
}

TEST_CASE("an edit's text names each field that changed, in one order", "[rules]") {
  const EditedFields before{"Hello", "Acme", Channel::email, Priority::normal, "default", {}};
  CHECK(edit_text(before, before).empty());
  EditedFields after = before;
  after.priority = Priority::high;
  after.policy = "gold";
  CHECK(edit_text(before, after) == "priority: normal -> high; sla: default -> gold");
  after = before;
  after.ref = "R-2";
  after.channel = Channel::in_person;
  after.client = "Beta";
  after.subject = "Hello there";
  CHECK(edit_text(
            before, after,
            std::pair<std::optional<std::string>, std::optional<std::string>>{"ann", std::nullopt})
        == "subject: \"Hello\" -> \"Hello there\"; client: Acme -> Beta; assignee: ann -> none; "
           "channel: email -> in-person; ref: none -> R-2");
  EditedFields with_ref = before;
  with_ref.ref = "R-1";
  CHECK(edit_text(with_ref, before) == "ref: R-1 -> none");
  CHECK(refusal([] { check_subject(" "); }, ErrorKind::invalid_input)
        == "a request needs a subject");
  CHECK(std::string(ref_in_use("R1", RequestId{3}).what()) == "ref \"R1\" is already used by #3");
}

TEST_CASE("a moved request takes the new client's owner unless assigned by hand", "[rules]") {
  const std::optional<std::string> ann{"ann"};
  const std::optional<std::string> bob{"bob"};
  const std::optional<std::string> nobody;
  // The old client's owner gives way, to someone or to nobody.
  CHECK(assignee_after_move(ann, ann, bob, false)
        == std::optional<std::optional<std::string>>{bob});
  CHECK(assignee_after_move(ann, ann, nobody, false)
        == std::optional<std::optional<std::string>>{nobody});
  CHECK(assignee_after_move(nobody, nobody, bob, false)
        == std::optional<std::optional<std::string>>{bob});
  // Assigned by hand (an assign event, or someone other than the old owner): it stays.
  CHECK(!assignee_after_move(ann, ann, bob, true).has_value());
  CHECK(!assignee_after_move(bob, ann, nobody, false).has_value());
  // Already the new owner: nothing changes.
  CHECK(!assignee_after_move(bob, bob, bob, false).has_value());
}
