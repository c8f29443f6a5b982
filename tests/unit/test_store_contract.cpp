// Store contract (store_contract.hpp): every operation of the Store interface, its refusals with
// their exact messages, the derived state after each write (against the core's evaluation), the
// told-once memory of `overdue --new`, numbering without gaps, and what several connections may
// do at once. Written against `Store&` only and run on every registered backend; what is the
// SQLite backend's own (files, schema, query plans) is tested in test_store.cpp.
#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/model.hpp"
#include "slatrack/store.hpp"
#include "store_contract.hpp"
#include "system/zone_files.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <vector>

using namespace slatrack;
using std::chrono::hours;
using std::chrono::minutes;

using slatrack::testing::check_derived_state;
using slatrack::testing::describe_store;
using slatrack::testing::message_of;
using slatrack::testing::TempDir;
using slatrack::testing::utc;

namespace {

const Instant k_t0 = utc(2026, 11, 23, 10, 0); // a Monday

NewRequest new_request(std::string client, std::string subject, Instant at, Instant now) {
  NewRequest request;
  request.client = std::move(client);
  request.subject = std::move(subject);
  request.at = at;
  request.now = now;
  request.author = "me";
  return request;
}

NewEvent new_event(std::int64_t id, EventKind kind, Instant at, Instant now) {
  NewEvent event;
  event.id = RequestId{id};
  event.kind = kind;
  event.at = at;
  event.now = now;
  event.author = "me";
  return event;
}

Policy make_policy(std::string name, Seconds reply, std::string calendar = "24x7") {
  Policy policy;
  policy.name = std::move(name);
  policy.calendar = std::move(calendar);
  policy.base.reply = reply;
  return policy;
}

ClientChange renamed(std::string name) {
  ClientChange change;
  change.rename = std::move(name);
  return change;
}

ClientChange with_policy(std::string policy) {
  ClientChange change;
  change.policy = std::move(policy);
  return change;
}

VoidChange voiding(std::int64_t id, std::optional<std::int64_t> event, bool restore = false) {
  VoidChange change;
  change.id = RequestId{id};
  change.event = event;
  change.restore = restore;
  change.recorder = "me";
  change.now = k_t0 + hours{5};
  return change;
}

std::vector<std::int64_t> numbers(const RequestDetail& detail) {
  std::vector<std::int64_t> out;
  for (const Event& event : detail.events) {
    out.push_back(event.number);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::int64_t> ids(const std::vector<Request>& requests) {
  std::vector<std::int64_t> out;
  for (const Request& request : requests) {
    out.push_back(request.id.value);
  }
  return out;
}

} // namespace

// ---- built-ins ----

STORE_CONTRACT("a new database has the 24x7 calendar and the default policy", "[store]") {
  Store& store = backend.store();
  const std::vector<Calendar> calendars = store.calendars();
  REQUIRE(calendars.size() == 1);
  CHECK(calendars[0].rules.name == "24x7");
  CHECK(calendars[0].rules.zone == "UTC");
  CHECK(calendars[0].builtin);
  CHECK(is_always_open(calendars[0].rules.hours));
  CHECK(calendars[0].rules.holidays.empty());
  CHECK(store.find_calendar("24X7").has_value());

  const std::vector<Policy> policies = store.policies();
  REQUIRE(policies.size() == 1);
  CHECK(policies[0].name == "default");
  CHECK(policies[0].calendar == "24x7");
  CHECK(policies[0].builtin);
  CHECK(policies[0].base == Targets{hours{24}, std::nullopt, std::nullopt});
  CHECK(policies[0].overrides.empty());
  CHECK(store.find_policy("DEFAULT").has_value());
}

STORE_CONTRACT("the built-ins cannot be changed or removed, but default's targets can", "[store]") {
  Store& store = backend.store();
  CHECK(message_of([&] { store.remove_calendar("24x7"); }, ErrorKind::invalid_input)
        == "calendar \"24x7\" is built in and cannot be removed");
  CHECK(message_of(
            [&] {
              store.change_calendar("24x7", CalendarChange{"Europe/Paris", {}, {}, true});
            },
            ErrorKind::invalid_input)
        == "calendar \"24x7\" is built in and cannot be changed; add your own with: slatrack "
           "calendar add NAME --tz ZONE --hours SPEC");
  CHECK(message_of([&] { store.remove_policy("default"); }, ErrorKind::invalid_input)
        == "SLA policy \"default\" is built in and cannot be removed; change its targets with: "
           "slatrack sla set default");
  PolicyChange change;
  change.reply = hours{4};
  change.retroactive = true;
  CHECK(store.change_policy("default", change).requests == 0);
  CHECK(store.find_policy("default")->base.reply == hours{4});
}

// ---- clients ----

STORE_CONTRACT("a short client name that matches several clients is refused, naming them",
               "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme Ltd", {}, {}, {}, {}, {}});
  store.add_client(NewClient{"Acorn Co", {}, {}, {}, {}, {}});
  const std::string ambiguous =
      "\"ac\" could be \"Acme Ltd\" or \"Acorn Co\"; give more of the client's name";
  CHECK(message_of([&] { static_cast<void>(store.find_client("ac")); }, ErrorKind::invalid_input)
        == ambiguous);
  NewRequest request = new_request("ac", "Hi", k_t0, k_t0);
  request.create_client = true;
  CHECK(message_of([&] { static_cast<void>(store.log_request(request)); }, ErrorKind::invalid_input)
        == ambiguous);
  CHECK(store.clients().size() == 2);
  // An exact name wins over a longer one it starts: "Acme" is its own client.
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  CHECK(store.find_client("acme")->name == "Acme");
  NewRequest by_client = new_request("acor", "Hi", k_t0, k_t0);
  by_client.author = ""; // the client's own message
  const LogResult logged = store.log_request(by_client);
  CHECK(logged.request.client == "Acorn Co");
  CHECK(store.request_detail(logged.request.id).events.front().author == "Acorn Co");
}

STORE_CONTRACT("clients are found case-insensitively, with suggestions when unknown", "[store]") {
  Store& store = backend.store();
  store.add_client(
      NewClient{"Acme Ltd", {}, {std::string{"ops@acme.test"}}, {}, std::string{"ann"}, {}});
  const std::optional<Client> found = store.find_client("ACME ltd");
  REQUIRE(found.has_value());
  CHECK(found->name == "Acme Ltd");
  CHECK(found->policy == "default");
  CHECK(found->emails == std::vector<std::string>{"ops@acme.test"});
  CHECK(found->owner == "ann");
  CHECK(!store.find_client("Acmex").has_value());
  // Short forms: the start of the name or of a word of it.
  CHECK(store.find_client("acme")->name == "Acme Ltd");
  CHECK(store.find_client("LTD")->name == "Acme Ltd");

  CHECK(message_of(
            [&] {
              store.add_client(NewClient{"acme LTD", {}, {}, {}, {}, {}});
            },
            ErrorKind::invalid_input)
        == "client \"Acme Ltd\" exists; change it with: slatrack client edit 'Acme Ltd'");
  CHECK(message_of(
            [&] {
              store.add_client(NewClient{"Beta", std::string{"gold"}, {}, {}, {}, {}});
            },
            ErrorKind::not_found)
        == "no SLA policy \"gold\"; add it with: slatrack sla add gold --reply DUR");
  CHECK(
      message_of(
          [&] { static_cast<void>(store.log_request(new_request("Acme Ltx", "Hi", k_t0, k_t0))); },
          ErrorKind::not_found)
      == "no client \"Acme Ltx\" (did you mean \"Acme Ltd\"?); add it with: slatrack client "
         "add 'Acme Ltx', or pass --create-client");
  CHECK(message_of(
            [&] { static_cast<void>(store.log_request(new_request("zzz", "Hi", k_t0, k_t0))); },
            ErrorKind::not_found)
        == "no client \"zzz\"; add it with: slatrack client add zzz, or pass --create-client");
  CHECK(message_of([&] { store.remove_client("acme ltx"); }, ErrorKind::not_found)
        == "no client \"acme ltx\" (did you mean \"Acme Ltd\"?); list them with: slatrack client "
           "list");
}

STORE_CONTRACT("client_named finds a client by its whole name ignoring case, no short form",
               "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme Ltd", {}, {}, {}, {}, {}});
  store.add_client(NewClient{"Acorn Co", {}, {}, {}, {}, {}});
  store.add_client(NewClient{"\xc3\x84rzte", {}, {}, {}, {}, {}}); // "Ärzte"
  CHECK(store.client_named("Acme Ltd") == std::optional<std::string>{"Acme Ltd"});
  CHECK(store.client_named("aCME ltd") == std::optional<std::string>{"Acme Ltd"});
  CHECK(store.client_named("\xc3\x84RZTE") == std::optional<std::string>{"\xc3\x84rzte"});
  // Letters beyond ASCII fold too (names are unique ignoring case in any script).
  CHECK(store.client_named("\xc3\xa4rzte") == std::optional<std::string>{"\xc3\x84rzte"});
  // The start of one client's name, or of a word of it, finds it by find_client, never here.
  CHECK(store.find_client("acme")->name == "Acme Ltd");
  CHECK(!store.client_named("acme"));
  CHECK(!store.client_named("Ltd"));
  // The start of two clients' names: find_client refuses it, client_named finds none.
  CHECK(!store.client_named("ac"));
  CHECK(!store.client_named("Acme Ltd."));
  CHECK(!store.client_named(""));
}

STORE_CONTRACT("clients are listed by name with request counts, and changed", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"beta", {}, {}, {}, {}, {}});
  store.add_client(NewClient{"Alpha", {}, {}, {}, std::string{"bob"}, {}});
  store.add_policy(make_policy("gold", hours{1}));
  const LogResult one = store.log_request(new_request("alpha", "One", k_t0, k_t0));
  CHECK(one.request.assignee == "bob"); // the client's owner
  static_cast<void>(store.log_request(new_request("alpha", "Two", k_t0, k_t0)));
  static_cast<void>(
      store.add_event(new_event(one.request.id.value, EventKind::resolve, k_t0, k_t0)));

  std::vector<Client> clients = store.clients();
  REQUIRE(clients.size() == 2);
  CHECK(clients[0].name == "Alpha");
  CHECK(clients[0].open_requests == 1);
  CHECK(clients[0].total_requests == 2);
  CHECK(clients[1].name == "beta");
  CHECK(clients[1].total_requests == 0);

  CHECK(message_of([&] { store.change_client("beta", renamed("ALPHA")); }, ErrorKind::invalid_input)
        == "client \"Alpha\" exists; pick another name");
  ClientChange change;
  change.rename = "Beta Corp";
  change.policy = "Gold";
  change.owner = "";
  change.note = "VIP";
  static_cast<void>(store.change_client("BETA", change));
  const std::optional<Client> beta = store.find_client("beta corp");
  REQUIRE(beta.has_value());
  CHECK(beta->policy == "gold");
  CHECK(beta->note == "VIP");
  CHECK(!beta->owner.has_value());
  static_cast<void>(store.change_client("Alpha", renamed("alpha"))); // a new case of itself
  CHECK(store.find_client("ALPHA")->name == "alpha");

  CHECK(message_of([&] { store.remove_client("alpha"); }, ErrorKind::invalid_input)
        == "client \"alpha\" has 2 requests; keep it, or move them first with: slatrack edit ID "
           "--client OTHER");
  store.remove_client("beta corp");
  CHECK(store.clients().size() == 1);
}

// ---- requests and events ----

STORE_CONTRACT("logging creates the request, its first message and its reply clock", "[store]") {
  Store& store = backend.store();
  NewRequest request = new_request("New Co", "Invoice is wrong", k_t0 - hours{1}, k_t0);
  request.create_client = true;
  request.channel = Channel::in_person;
  request.priority = Priority::high;
  request.text = "at the counter";
  const LogResult logged = store.log_request(request);
  CHECK(logged.created);
  const Request& r = logged.request;
  CHECK(r.id.value == 1);
  CHECK(r.client == "New Co");
  CHECK(r.subject == "Invoice is wrong");
  CHECK(r.channel == Channel::in_person);
  CHECK(r.priority == Priority::high);
  CHECK(r.status == Status::open);
  CHECK(r.policy == "default");
  CHECK(r.calendar == "24x7");
  CHECK(!r.assignee.has_value());
  CHECK(r.received_at == k_t0 - hours{1});
  CHECK(r.reply_due == k_t0 + hours{23});
  REQUIRE(r.next.has_value());
  CHECK(r.next->metric == Metric::reply);
  CHECK(r.next->due == k_t0 + hours{23});
  CHECK(store.find_client("new co")->policy == "default");

  const RequestDetail detail = store.request_detail(r.id);
  REQUIRE(detail.events.size() == 1);
  CHECK(detail.events[0].kind == EventKind::message);
  CHECK(detail.events[0].text == "at the counter");
  CHECK(detail.events[0].recorded_at == k_t0);
  CHECK(detail.targets.reply == hours{24});
  REQUIRE(detail.clocks.size() == 1);
  CHECK(detail.clocks[0].outcome == Outcome::running);
}

STORE_CONTRACT("logging a ref that exists returns the existing request and writes nothing",
               "[store]") {
  Store& store = backend.store();
  NewRequest request = new_request("Acme", "Hello", k_t0, k_t0);
  request.create_client = true;
  request.ref = "<msg-1@acme>";
  const LogResult first = store.log_request(request);
  CHECK(first.created);
  const std::string before = describe_store(store);
  request.subject = "Hello again";
  request.now = k_t0 + hours{1};
  const LogResult second = store.log_request(request);
  CHECK(!second.created);
  CHECK(second.request.id == first.request.id);
  CHECK(second.request.subject == "Hello");
  CHECK(describe_store(store) == before);
}

STORE_CONTRACT("logging or adding an event in the future is refused", "[store]") {
  Store& store = backend.store();
  NewRequest request = new_request("Acme", "Hello", k_t0 + minutes{1}, k_t0);
  request.create_client = true;
  CHECK(message_of([&] { static_cast<void>(store.log_request(request)); }, ErrorKind::invalid_input)
        == "the request time 2026-11-23T10:01:00Z is in the future (now is 2026-11-23T10:00:00Z); "
           "give an --at that is not later than now");
  CHECK(store.clients().empty());
  request.at = k_t0;
  const RequestId id = store.log_request(request).request.id;
  CHECK(message_of(
            [&] {
              static_cast<void>(
                  store.add_event(new_event(id.value, EventKind::reply, k_t0 + hours{2}, k_t0)));
            },
            ErrorKind::invalid_input)
            .starts_with("an event cannot be later than now"));
  CHECK(
      message_of(
          [&] { static_cast<void>(store.add_event(new_event(42, EventKind::reply, k_t0, k_t0))); },
          ErrorKind::not_found)
      == "no request #42; list them with: slatrack list --status all");
}

STORE_CONTRACT("a reply stops the reply clock", "[store]") {
  Store& store = backend.store();
  NewRequest request = new_request("Acme", "Hello", k_t0, k_t0);
  request.create_client = true;
  const RequestId id = store.log_request(request).request.id;
  const Request replied =
      store.add_event(new_event(id.value, EventKind::reply, k_t0 + hours{2}, k_t0 + hours{3}));
  CHECK(replied.replied_at == k_t0 + hours{2});
  CHECK(!replied.reply_due.has_value());
  CHECK(!replied.next.has_value());
  const RequestDetail detail = store.request_detail(id);
  REQUIRE(detail.clocks.size() == 1);
  CHECK(detail.clocks[0].outcome == Outcome::met);
  CHECK(detail.clocks[0].stop == k_t0 + hours{2});

  // A follow-up starts a new reply clock; events entered out of order are fine.
  const Request followed =
      store.add_event(new_event(id.value, EventKind::message, k_t0 + hours{1}, k_t0 + hours{3}));
  CHECK(!followed.reply_due.has_value()); // the reply at +2h answers it
  const Request later =
      store.add_event(new_event(id.value, EventKind::message, k_t0 + hours{3}, k_t0 + hours{3}));
  CHECK(later.reply_due == k_t0 + hours{27});
}

STORE_CONTRACT("an event that cannot apply is refused and nothing is written", "[store]") {
  Store& store = backend.store();
  NewRequest request = new_request("Acme", "Hello", k_t0, k_t0);
  request.create_client = true;
  const RequestId id = store.log_request(request).request.id;
  const Instant now = k_t0 + hours{5};
  CHECK(store.add_event(new_event(id.value, EventKind::pause, k_t0 + hours{1}, now)).status
        == Status::waiting);
  const std::string before = describe_store(store);
  CHECK(message_of(
            [&] {
              static_cast<void>(
                  store.add_event(new_event(id.value, EventKind::pause, k_t0 + hours{2}, now)));
            },
            ErrorKind::invalid_input)
        == fmt::format("cannot pause #{}: {}", id.value, describe(Conflict::not_open)));
  CHECK(message_of(
            [&] {
              static_cast<void>(
                  store.add_event(new_event(id.value, EventKind::reopen, k_t0 + hours{2}, now)));
            },
            ErrorKind::invalid_input)
        == fmt::format("cannot reopen #{}: {}", id.value, describe(Conflict::not_resolved)));
  CHECK(describe_store(store) == before);
  CHECK(store.request_detail(id).events.size() == 2);
  CHECK(store.find_request(id)->status == Status::waiting);
}

STORE_CONTRACT("assign sets the assignee from the latest assign event", "[store]") {
  Store& store = backend.store();
  NewRequest request = new_request("Acme", "Hello", k_t0, k_t0 + hours{5});
  request.create_client = true;
  const RequestId id = store.log_request(request).request.id;
  NewEvent assign = new_event(id.value, EventKind::assign, k_t0 + hours{2}, k_t0 + hours{5});
  assign.text = "bob";
  CHECK(store.add_event(assign).assignee == "bob");
  assign.at = k_t0 + hours{1}; // older than bob's: bob stays
  assign.text = "carol";
  CHECK(store.add_event(assign).assignee == "bob");
  assign.text = std::nullopt;
  CHECK(message_of([&] { static_cast<void>(store.add_event(assign)); }, ErrorKind::invalid_input)
        == fmt::format("assign #{} needs the new assignee", id.value));
  NewEvent note = new_event(id.value, EventKind::note, k_t0 + hours{3}, k_t0 + hours{5});
  note.text = "called back";
  const Request noted = store.add_event(note);
  CHECK(noted.reply_due == k_t0 + hours{24});
  CHECK(store.request_detail(id).events.size() == 4);
}

STORE_CONTRACT("edit changes fields, records one edit event and re-evaluates", "[store]") {
  Store& store = backend.store();
  store.add_policy(make_policy("gold", hours{2}));
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  store.add_client(NewClient{"Beta", std::string{"gold"}, {}, {}, {}, {}});
  NewRequest request = new_request("Acme", "Hello", k_t0, k_t0);
  request.ref = "R1";
  const RequestId first = store.log_request(request).request.id;
  request.ref = "R2";
  const RequestId second = store.log_request(request).request.id;

  RequestEdit edit;
  edit.id = first;
  edit.priority = Priority::high;
  edit.policy = "GOLD";
  edit.author = "me";
  edit.now = k_t0 + hours{1};
  const Request edited = store.edit_request(edit);
  CHECK(edited.priority == Priority::high);
  CHECK(edited.policy == "gold");
  CHECK(edited.reply_due == k_t0 + hours{2});
  const RequestDetail detail = store.request_detail(first);
  REQUIRE(detail.events.size() == 2);
  CHECK(detail.events[1].kind == EventKind::edit);
  CHECK(detail.events[1].at == k_t0 + hours{1});
  CHECK(detail.events[1].text == "priority: normal -> high; sla: default -> gold");

  // A new client without --sla brings its policy.
  RequestEdit move;
  move.id = second;
  move.client = "beta";
  move.subject = "Hello there";
  move.now = k_t0 + hours{1};
  const Request moved = store.edit_request(move);
  CHECK(moved.client == "Beta");
  CHECK(moved.policy == "gold");
  CHECK(store.request_detail(second).events.back().text
        == "subject: \"Hello\" -> \"Hello there\"; client: Acme -> Beta; sla: default -> gold");

  RequestEdit clash;
  clash.id = second;
  clash.subject = "Not saved";
  clash.ref = "R1";
  clash.now = k_t0 + hours{1};
  CHECK(message_of([&] { static_cast<void>(store.edit_request(clash)); }, ErrorKind::invalid_input)
        == fmt::format("ref \"R1\" is already used by #{}", first.value));
  CHECK(store.find_request(second)->subject == "Hello there");
  CHECK(store.request_detail(second).events.size() == 2);

  RequestEdit unknown;
  unknown.id = second;
  unknown.policy = "gol";
  CHECK(message_of([&] { static_cast<void>(store.edit_request(unknown)); }, ErrorKind::not_found)
        == "no SLA policy \"gol\" (did you mean \"gold\"?); add it with: slatrack sla add gol "
           "--reply DUR");
  unknown.id = RequestId{99};
  CHECK(message_of([&] { static_cast<void>(store.edit_request(unknown)); }, ErrorKind::not_found)
        == "no request #99; list them with: slatrack list --status all");
}

STORE_CONTRACT("list filters by status, client, assignee, priority and time, by id", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, std::string{"Ann"}, {}});
  store.add_client(NewClient{"Beta", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{10};
  std::vector<RequestId> ids;
  for (int i = 0; i < 6; ++i) {
    NewRequest request =
        new_request(i % 2 == 0 ? "Acme" : "Beta", fmt::format("r{}", i), k_t0 + hours{i}, now);
    request.priority = i == 3 ? Priority::urgent : Priority::normal;
    ids.push_back(store.log_request(request).request.id);
  }
  static_cast<void>(store.add_event(new_event(ids[0].value, EventKind::resolve, now, now)));
  static_cast<void>(store.add_event(new_event(ids[1].value, EventKind::pause, now, now)));

  RequestFilter filter;
  CHECK(store.list_requests(filter).size() == 6);
  filter.statuses = {Status::open, Status::waiting};
  std::vector<Request> listed = store.list_requests(filter);
  REQUIRE(listed.size() == 5);
  CHECK(listed.front().id == ids[1]);
  filter.statuses = {Status::waiting};
  CHECK(store.list_requests(filter).size() == 1);
  filter.statuses.clear();
  filter.client = "acme";
  CHECK(store.list_requests(filter).size() == 3);
  filter.assignee = "ann";
  CHECK(store.list_requests(filter).size() == 3);
  filter.client.reset();
  filter.assignee.reset();
  filter.priority = Priority::urgent;
  listed = store.list_requests(filter);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == ids[3]);
  filter.priority.reset();
  filter.since = k_t0 + hours{2};
  filter.until = k_t0 + hours{4};
  CHECK(store.list_requests(filter).size() == 2);
  filter.since.reset();
  filter.until.reset();
  filter.limit = 2;
  listed = store.list_requests(filter);
  REQUIRE(listed.size() == 2);
  CHECK(listed[1].id == ids[1]);
  filter.client = "Gamma";
  CHECK(message_of([&] { static_cast<void>(store.list_requests(filter)); }, ErrorKind::not_found)
        == "no client \"Gamma\"; list them with: slatrack client list");
}

// ---- policies ----

STORE_CONTRACT("changing a policy re-evaluates its requests, past ones included", "[store]") {
  Store& store = backend.store();
  store.add_policy(make_policy("fast", hours{1}));
  store.add_client(NewClient{"Acme", std::string{"fast"}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{10};
  const RequestId open_one = store.log_request(new_request("Acme", "a", k_t0, now)).request.id;
  const RequestId done = store.log_request(new_request("Acme", "b", k_t0, now)).request.id;
  static_cast<void>(
      store.add_event(new_event(done.value, EventKind::reply, k_t0 + minutes{90}, now)));
  CHECK(store.request_detail(done).clocks[0].outcome == Outcome::breached);
  CHECK(store.find_request(open_one)->reply_due == k_t0 + hours{1});

  PolicyChange change;
  change.reply = hours{2};
  change.retroactive = true;
  CHECK(store.change_policy("FAST", change).requests == 2);
  CHECK(store.find_request(open_one)->reply_due == k_t0 + hours{2});
  CHECK(store.request_detail(done).clocks[0].outcome == Outcome::met);
  CHECK(store.change_policy("fast", change).requests == 0); // the same rules: nothing changes

  // An override for one priority changes only requests of that priority.
  PolicyChange urgent;
  urgent.priority = Priority::urgent;
  urgent.reply = minutes{30};
  urgent.update = std::optional<Seconds>{}; // none for urgent
  urgent.retroactive = true;
  CHECK(store.change_policy("fast", urgent).requests == 0);
  const std::optional<Policy> fast = store.find_policy("fast");
  REQUIRE(fast.has_value());
  REQUIRE(fast->overrides.count(Priority::urgent) == 1);
  CHECK(fast->overrides.at(Priority::urgent)
        == TargetOverride{minutes{30}, Seconds{0}, std::nullopt});
  RequestEdit edit;
  edit.id = open_one;
  edit.priority = Priority::urgent;
  edit.now = now;
  CHECK(store.edit_request(edit).reply_due == k_t0 + minutes{30});

  // Base update and resolve: a value, then none.
  PolicyChange base;
  base.retroactive = true;
  base.update = std::optional<Seconds>{hours{8}};
  base.resolve = std::optional<Seconds>{hours{48}};
  static_cast<void>(store.change_policy("fast", base));
  CHECK(store.find_policy("fast")->base == Targets{hours{2}, hours{8}, hours{48}});
  base.update = std::optional<Seconds>{};
  static_cast<void>(store.change_policy("fast", base));
  CHECK(store.find_policy("fast")->base == Targets{hours{2}, std::nullopt, hours{48}});
  CHECK(store.find_request(done)->resolve_due == k_t0 + hours{48});
}

STORE_CONTRACT("policies are validated, listed by name and removed only when unused", "[store]") {
  Store& store = backend.store();
  CHECK(message_of([&] { store.add_policy(make_policy("zero", Seconds{0})); },
                   ErrorKind::invalid_input)
        == "SLA policy \"zero\": the reply target must be longer than 0; give a duration such as "
           "2h");
  CHECK(message_of([&] { store.add_policy(make_policy("biz", hours{1}, "ofice")); },
                   ErrorKind::not_found)
        == "no calendar \"ofice\"; add it with: slatrack calendar add ofice --tz ZONE --hours "
           "SPEC");
  Policy silver = make_policy("silver", hours{4});
  silver.overrides[Priority::urgent] = TargetOverride{hours{1}, std::nullopt, std::nullopt};
  store.add_policy(silver);
  store.add_policy(make_policy("Bronze", hours{8}));
  CHECK(message_of([&] { store.add_policy(make_policy("SILVER", hours{1})); },
                   ErrorKind::invalid_input)
        == "SLA policy \"silver\" exists; change it with: slatrack sla set silver");
  const std::vector<Policy> policies = store.policies();
  REQUIRE(policies.size() == 3);
  CHECK(policies[0].name == "Bronze");
  CHECK(policies[1].name == "default");
  CHECK(policies[2].name == "silver");
  CHECK(policies[2].overrides.at(Priority::urgent).reply == hours{1});
  CHECK(targets_for(policies[2], Priority::urgent).reply == hours{1});

  store.add_client(NewClient{"Acme", std::string{"silver"}, {}, {}, {}, {}});
  CHECK(message_of([&] { store.remove_policy("silver"); }, ErrorKind::invalid_input)
        == "SLA policy \"silver\" is used by 1 client; move them first with: slatrack client "
           "edit NAME --sla OTHER");
  static_cast<void>(store.log_request(new_request("Acme", "x", k_t0, k_t0)));
  static_cast<void>(store.change_client("Acme", with_policy("Bronze")));
  CHECK(message_of([&] { store.remove_policy("silver"); }, ErrorKind::invalid_input)
        == "SLA policy \"silver\" is used by 1 request; keep it, or move them first with: "
           "slatrack edit ID --sla OTHER");
  CHECK(message_of([&] { store.remove_policy("nope"); }, ErrorKind::not_found)
        == "no SLA policy \"nope\"; list them with: slatrack sla list");
  store.add_policy(make_policy("temp", hours{1}));
  store.remove_policy("TEMP");
  CHECK(!store.find_policy("temp").has_value());
}

// ---- calendars ----

STORE_CONTRACT("calendars are added, found case-insensitively and removed only when unused",
               "[store]") {
  Store& store = backend.store();
  CalendarRules office;
  office.name = "Office";
  office.zone = "europe/london";
  office.hours = parse_hours("mon-fri 09:00-17:00");
  office.holidays = {Holiday{0, 12, 25, "Christmas"}};
  store.add_calendar(office);
  const std::optional<Calendar> found = store.find_calendar("OFFICE");
  REQUIRE(found.has_value());
  CHECK(found->rules.name == "Office");
  CHECK(found->rules.zone == "Europe/London");
  CHECK(found->rules.hours == office.hours);
  CHECK(found->rules.holidays == office.holidays);
  CHECK(!found->builtin);
  CHECK(store.calendars().size() == 2);

  CHECK(message_of([&] { store.add_calendar(office); }, ErrorKind::invalid_input)
        == "calendar \"Office\" exists; change it with: slatrack calendar edit Office");
  CalendarRules bad = office;
  bad.name = "Mars";
  bad.zone = "Mars/Olympus";
  CHECK_THROWS_AS(store.add_calendar(bad), Error);
  CHECK(!store.find_calendar("Mars").has_value());

  store.add_policy(make_policy("biz", hours{2}, "office"));
  CHECK(message_of([&] { store.remove_calendar("office"); }, ErrorKind::invalid_input)
        == "calendar \"Office\" is used by policy \"biz\"; move the policy first with: slatrack "
           "sla set biz --calendar OTHER");
  CHECK(message_of(
            [&] {
              store.remove_holidays("office", {Holiday{2026, 12, 24, ""}});
            },
            ErrorKind::invalid_input)
        == "calendar \"Office\" has no holiday 2026-12-24; see them with: slatrack calendar show "
           "Office");
  CHECK(message_of([&] { store.remove_calendar("ofice"); }, ErrorKind::not_found)
        == "no calendar \"ofice\" (did you mean \"Office\"?); list them with: slatrack calendar "
           "list");
  store.add_policy(make_policy("biz 2", hours{2}, "office"));
  CHECK(message_of([&] { store.remove_calendar("office"); }, ErrorKind::invalid_input)
        == "calendar \"Office\" is used by policies \"biz\" and \"biz 2\"; move them first with: "
           "slatrack sla set biz --calendar OTHER");
  PolicyChange move;
  move.calendar = "24x7";
  move.retroactive = true;
  static_cast<void>(store.change_policy("biz", move));
  static_cast<void>(store.change_policy("biz 2", move));
  store.remove_calendar("office");
  CHECK(store.calendars().size() == 1);
}

STORE_CONTRACT("a new policy or calendar keeps every version it is given, dated", "[store]") {
  Store& store = backend.store();
  // A calendar with an earlier version (as config apply gives one from a rules file).
  CalendarRules office;
  office.name = "office";
  office.zone = "Europe/London";
  office.hours = parse_hours("mon-fri 10:00-16:00");
  office.versions = {CalendarVersion{std::nullopt, "UTC", parse_hours("mon-fri 09:00-17:00")},
                     CalendarVersion{parse_day("2026-12-01"), "Europe/London", office.hours}};
  store.add_calendar(office);
  const std::optional<Calendar> calendar = store.find_calendar("office");
  REQUIRE(calendar.has_value());
  CHECK(calendar->rules.versions == office.versions);
  CHECK(calendar->rules.zone == "Europe/London");
  CHECK(calendar->rules.hours == office.hours);

  // A policy with an earlier version on another calendar.
  Policy shop = make_policy("shop", hours{2}, "office");
  PolicyVersion first;
  first.calendar = "24x7";
  first.base.reply = Target{hours{4}};
  PolicyVersion latest;
  latest.from = utc(2026, 12, 1, 0, 0);
  latest.calendar = "office";
  latest.base.reply = Target{hours{2}};
  latest.overrides[Priority::urgent] = TargetOverride{Target{hours{1}}, {}, {}};
  shop.overrides = latest.overrides;
  shop.versions = {first, latest};
  store.add_policy(shop);
  const std::optional<Policy> found = store.find_policy("shop");
  REQUIRE(found.has_value());
  REQUIRE(found->versions.size() == 2);
  CHECK(!found->versions[0].from);
  CHECK(found->versions[0].same_rules(first));
  CHECK(found->versions[1].from == latest.from);
  CHECK(found->versions[1].same_rules(latest));
  CHECK(found->calendar == "office");
  CHECK(found->base.reply == Target{hours{2}});
  store.add_client(NewClient{"Acme", std::string{"shop"}, {}, {}, {}, {}});
  const Instant november = utc(2026, 11, 24, 9, 0);
  const RequestId id = store.log_request(new_request("Acme", "a", november, november)).request.id;
  CHECK(store.find_request(id)->reply_due == november + hours{4}); // the first version, on 24x7

  // Versions after the first each start later than the one before; refused, nothing written.
  Policy disordered = shop;
  disordered.name = "late";
  disordered.versions[1].from.reset();
  CHECK(message_of([&] { store.add_policy(disordered); }, ErrorKind::invalid_input)
        == "SLA policy \"late\": each version after the first needs a from later than the one "
           "before it (oldest first: the [[sla.NAME.earlier]] tables, then [sla.NAME])");
  CHECK(!store.find_policy("late").has_value());
  CalendarRules undated = office;
  undated.name = "shut";
  undated.versions.push_back(CalendarVersion{parse_day("2026-11-01"), "UTC", office.hours});
  CHECK(message_of([&] { store.add_calendar(undated); }, ErrorKind::invalid_input)
        == "calendar \"shut\": each version after the first needs a from later than the one "
           "before it (oldest first: the [[calendar.NAME.earlier]] tables, then [calendar.NAME])");
  CHECK(!store.find_calendar("shut").has_value());
}

STORE_CONTRACT("changing a calendar's hours or holidays re-evaluates requests on it", "[store]") {
  Store& store = backend.store();
  CalendarRules office;
  office.name = "office";
  office.zone = "Europe/London";
  office.hours = parse_hours("mon-fri 09:00-17:00");
  store.add_calendar(office);
  store.add_policy(make_policy("biz", hours{2}, "office"));
  store.add_client(NewClient{"Acme", std::string{"biz"}, {}, {}, {}, {}});
  const Instant friday = utc(2026, 11, 20, 16, 30); // London is on UTC in November
  const RequestId id = store.log_request(new_request("Acme", "x", friday, friday)).request.id;
  CHECK(store.find_request(id)->reply_due == utc(2026, 11, 23, 10, 30));
  CHECK(store.find_request(id)->calendar == "office");

  CHECK(store
            .change_calendar("office",
                             CalendarChange{std::nullopt, parse_hours("mon-fri 09:00-18:00"),
                                            std::nullopt, true})
            .requests
        == 1);
  CHECK(store.find_request(id)->reply_due == utc(2026, 11, 23, 9, 30));
  CHECK(store.add_holidays("office", {Holiday{2026, 11, 23, "closed"}}).requests == 1);
  CHECK(store.find_request(id)->reply_due == utc(2026, 11, 24, 9, 30));
  CHECK(store.find_calendar("office")->rules.holidays.size() == 1);
  CHECK(store.remove_holidays("office", {Holiday{2026, 11, 23, ""}}).requests == 1);
  CHECK(store.find_request(id)->reply_due == utc(2026, 11, 23, 9, 30));
  CHECK(store
            .change_calendar("office",
                             CalendarChange{"America/New_York", std::nullopt, std::nullopt, true})
            .requests
        == 1);
  // 16:30 UTC = 11:30 New York: 2h fits on Friday.
  CHECK(store.find_request(id)->reply_due == utc(2026, 11, 20, 18, 30));
  CHECK(message_of(
            [&] {
              static_cast<void>(store.add_holidays("office", {Holiday{2026, 2, 30, ""}}));
            },
            ErrorKind::invalid_input)
        == "holiday 2026-02-30 is not a date; write YYYY-MM-DD (once) or MM-DD (every year)");
}

// ---- overdue ----

STORE_CONTRACT("overdue lists running clocks most late first, with at risk within W", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, std::string{"ann"}, {}});
  store.add_client(NewClient{"Beta", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{30};
  // reply due at at + 24h: due at now-6h, now-2h, now (exactly), now+3h, now+10h
  const RequestId late2 =
      store.log_request(new_request("Beta", "b", k_t0 + hours{4}, now)).request.id;
  const RequestId late1 = store.log_request(new_request("Acme", "a", k_t0, now)).request.id;
  const RequestId on_time =
      store.log_request(new_request("Acme", "c", k_t0 + hours{6}, now)).request.id;
  const RequestId soon =
      store.log_request(new_request("Acme", "d", k_t0 + hours{9}, now)).request.id;
  static_cast<void>(store.log_request(new_request("Acme", "e", k_t0 + hours{16}, now)));
  const RequestId resolved = store.log_request(new_request("Acme", "f", k_t0, now)).request.id;
  static_cast<void>(
      store.add_event(new_event(resolved.value, EventKind::resolve, k_t0 + hours{1}, now)));

  OverdueQuery query;
  query.now = now;
  std::vector<OverdueItem> items = store.overdue(query);
  REQUIRE(items.size() == 2);
  CHECK(items[0].request.id == late1);
  CHECK(items[0].metric == Metric::reply);
  CHECK(items[0].due == now - hours{6});
  CHECK(items[1].request.id == late2);

  query.within = hours{3};
  items = store.overdue(query);
  REQUIRE(items.size() == 4);
  CHECK(items[2].request.id == on_time); // due == now: at risk, not overdue
  CHECK(items[2].due == now);
  CHECK(items[3].request.id == soon);

  query.client = "acme";
  items = store.overdue(query);
  REQUIRE(items.size() == 3);
  CHECK(items[0].request.id == late1);
  query.client.reset();
  query.assignee = "ANN";
  CHECK(store.overdue(query).size() == 3);
  query.assignee = "nobody";
  CHECK(store.overdue(query).empty());
  query.assignee.reset();
  query.client = "Gamma";
  CHECK_THROWS_AS(store.overdue(query), Error);
}

STORE_CONTRACT("overdue --new shows each breach once, and each at-risk clock once", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{30};
  const RequestId late = store.log_request(new_request("Acme", "a", k_t0, now)).request.id;
  const RequestId soon =
      store.log_request(new_request("Acme", "b", k_t0 + hours{8}, now)).request.id;

  OverdueQuery query;
  query.now = now;
  query.only_new = true;
  std::vector<OverdueItem> items = store.overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].request.id == late);
  CHECK(store.overdue(query).empty());
  query.now = now + hours{1};
  CHECK(store.overdue(query).empty());

  query.within = hours{4}; // `soon` is due at now + 2h: at risk, shown once
  items = store.overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].request.id == soon);
  CHECK(store.overdue(query).empty());
  query.now = now + hours{3}; // now it has breached: shown once more
  items = store.overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].request.id == soon);
  CHECK(store.overdue(query).empty());

  // Without --new everything is still listed, and nothing is remembered.
  query.only_new = false;
  CHECK(store.overdue(query).size() == 2);

  // A new clock of the same request is a new breach.
  static_cast<void>(store.add_event(new_event(late.value, EventKind::reply, now, now)));
  static_cast<void>(store.add_event(new_event(late.value, EventKind::message, now, now)));
  query.only_new = true;
  query.within.reset();
  query.now = now + hours{25};
  items = store.overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].request.id == late);
}

STORE_CONTRACT("overdue --new tells a request's second clock when it breaches, once", "[store]") {
  Store& store = backend.store();
  Policy care = make_policy("care", hours{1});
  care.base.resolve = Target{hours{3}};
  store.add_policy(care);
  store.add_client(NewClient{"Acme", std::string{"care"}, {}, {}, {}, {}});
  const RequestId id = store.log_request(new_request("Acme", "a", k_t0, k_t0)).request.id;

  OverdueQuery query;
  query.now = k_t0 + hours{2}; // the reply clock breached (due +1h); resolve is due at +3h
  query.only_new = true;
  std::vector<OverdueItem> items = store.overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].metric == Metric::reply);
  CHECK(store.overdue(query).empty());

  query.now = k_t0 + hours{4}; // the resolve clock breached too: told now, one row, once
  query.only_new = false;
  items = store.overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].metric == Metric::reply); // overdue lists the earliest
  query.only_new = true;
  items = store.overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].request.id == id);
  CHECK(items[0].metric == Metric::resolve);
  CHECK(items[0].due == k_t0 + hours{3});
  CHECK(items[0].open_late == Seconds{hours{1}});
  CHECK(store.overdue(query).empty());
  static_cast<void>(store.add_event(new_event(id.value, EventKind::reply, query.now, query.now)));
  CHECK(store.overdue(query).empty()); // the reply clock stopped: nothing left to tell
}

STORE_CONTRACT("overdue at risk is measured in open time on the request's calendar", "[store]") {
  Store& store = backend.store();
  CalendarRules office;
  office.name = "office";
  office.zone = "UTC";
  office.hours = parse_hours("mon-fri 09:00-17:00");
  store.add_calendar(office);
  store.add_policy(make_policy("biz", hours{2}, "office"));
  store.add_client(NewClient{"Acme", std::string{"biz"}, {}, {}, {}, {}});
  const Instant friday = utc(2026, 11, 20, 16, 0);
  const Instant now = utc(2026, 11, 20, 16, 30);
  static_cast<void>(store.log_request(new_request("Acme", "x", friday, now))); // due Mon 10:00
  OverdueQuery query;
  query.now = now;
  query.within = hours{1}; // Fri 16:30 + 1h open = Mon 09:30: not yet at risk
  CHECK(store.overdue(query).empty());
  query.within = minutes{90}; // + 1h30 open = Mon 10:00
  CHECK(store.overdue(query).size() == 1);
}

// ---- transactions ----

STORE_CONTRACT("a failing operation rolls back everything it wrote", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const RequestId id = store.log_request(new_request("Acme", "a", k_t0, k_t0)).request.id;
  const std::string before = describe_store(store);
  // The event is inserted, then evaluation refuses it.
  CHECK_THROWS_AS(store.add_event(new_event(id.value, EventKind::resume, k_t0, k_t0)), Error);
  // The client would be created, but the request cannot be.
  NewRequest request = new_request("Newco", "", k_t0, k_t0);
  request.create_client = true;
  CHECK_THROWS_AS(store.log_request(request), Error);
  // The policy would be inserted, then its calendar is unknown.
  CHECK_THROWS_AS(store.add_policy(make_policy("x", hours{1}, "nope")), Error);
  CHECK(describe_store(store) == before);
  // The store is still usable after a rollback.
  CHECK(store.add_event(new_event(id.value, EventKind::reply, k_t0, k_t0)).replied_at == k_t0);
}

STORE_CONTRACT("the store checks names whatever brought them: rules file, command line, import",
               "[store]") {
  Store& store = backend.store();
  CHECK(message_of(
            [&] {
              store.add_client(NewClient{"x\ay", {}, {}, {}, {}, {}});
            },
            ErrorKind::invalid_input)
        == "client name \"x\\x07y\" has a control character (0x07 at offset 1); only printable "
           "text is accepted here");
  CHECK(message_of(
            [&] {
              store.add_client(NewClient{" acme ", {}, {}, {}, {}, {}});
            },
            ErrorKind::invalid_input)
        == "client name \" acme \" begins or ends with a space; give it without");
  CHECK(message_of(
            [&] {
              store.add_client(NewClient{"acme", {}, {}, {}, std::string(20000, 'a'), {}});
            },
            ErrorKind::invalid_input)
        == "--owner \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is 20000 bytes long; at most "
           "1000 bytes are accepted");
  CHECK(message_of(
            [&] {
              store.add_client(NewClient{"acme", {}, {std::string("ops\0@x", 6)}, {}, {}, {}});
            },
            ErrorKind::invalid_input)
        == "bad --email \"ops\\x00@x\": give a mail address such as ops@acme.example");
  CHECK(message_of([&] { store.add_policy(make_policy("a\xE2\x80\xAE", Seconds{3600})); },
                   ErrorKind::invalid_input)
            .starts_with("policy name \"a\xE2\x80\xAE\" has a bidirectional formatting character"));
  CHECK(store.clients().empty());
  store.add_client(NewClient{"acme", {}, {}, {}, {}, {}});
  CHECK(message_of(
            [&] {
              ClientChange change;
              change.rename = "acme\n";
              store.change_client("acme", change);
            },
            ErrorKind::invalid_input)
            .starts_with("client name \"acme\\x0A\" has a control character"));
  // An import that would make a client checks its name as client add does.
  ImportRequest request;
  request.client = "Invoice \xE2\x80\xAE"
                   "fdp";
  request.subject = "s";
  request.events.push_back(ImportEvent{EventKind::message,
                                       Instant{Seconds{1795420800}},
                                       "me",
                                       std::nullopt,
                                       std::nullopt,
                                       {},
                                       {},
                                       {}});
  const ImportResult result =
      store.import_requests(std::span<const ImportRequest>(&request, 1),
                            ImportOptions{Instant{Seconds{1795430800}}, true});
  REQUIRE(result.outcomes.size() == 1);
  CHECK(result.outcomes[0].status == ImportStatus::refused);
  CHECK(result.outcomes[0].reason.starts_with(
      "client name \"Invoice \xE2\x80\xAE"
      "fdp\" has a bidirectional formatting character (U+202E at offset 8)"));
  CHECK(store.clients().size() == 1);
}

// ---- policy versions (SPEC.md "Rules have dates") ----

STORE_CONTRACT("a change from now touches no past request; one from a past time re-judges those "
               "received since",
               "[store][versions]") {
  Store& store = backend.store();
  store.add_policy(make_policy("std", hours{4}));
  store.add_client(NewClient{"Acme", std::string{"std"}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{48};
  const RequestId old_one = store.log_request(new_request("Acme", "old", k_t0, now)).request.id;
  static_cast<void>(
      store.add_event(new_event(old_one.value, EventKind::reply, k_t0 + hours{3}, now)));
  const RequestId recent =
      store.log_request(new_request("Acme", "recent", now - hours{1}, now)).request.id;

  PolicyChange tighter;
  tighter.reply = hours{2};
  tighter.from = now;
  const RuleEffect forward = store.change_policy("std", tighter);
  CHECK(forward.requests == 0);
  CHECK(forward.outcomes == 0);
  CHECK(forward.moved == 0);
  CHECK(store.request_detail(old_one).clocks[0].outcome == Outcome::met);
  CHECK(store.find_request(recent)->reply_due == now + hours{3});
  // A request logged after the change is judged by the new version.
  const RequestId next = store.log_request(new_request("Acme", "next", now, now)).request.id;
  CHECK(store.find_request(next)->reply_due == now + hours{2});
  CHECK(store.request_detail(next).targets.reply == Target{hours{2}});
  CHECK(store.request_detail(recent).targets.reply == Target{hours{4}});

  // From a past time: the recent request (received since) is re-judged, its clock moves.
  tighter.from = now - hours{2};
  const RuleEffect past = store.change_policy("std", tighter);
  CHECK(past.requests == 1);
  CHECK(past.outcomes == 0);
  CHECK(past.moved == 1);
  CHECK(store.find_request(recent)->reply_due == now + hours{1});
  CHECK(store.request_detail(old_one).clocks[0].outcome == Outcome::met);

  // Retroactive: the old request's met reply (3h) is now breached against 2h.
  PolicyChange fix;
  fix.reply = hours{2};
  fix.retroactive = true;
  const RuleEffect retro = store.change_policy("std", fix);
  CHECK(retro.outcomes == 1);
  CHECK(retro.moved == 0);
  CHECK(store.request_detail(old_one).clocks[0].outcome == Outcome::breached);
  const std::optional<Policy> policy = store.find_policy("std");
  REQUIRE(policy.has_value());
  CHECK(policy->versions.size() == 3);
  CHECK(store.check([](const std::string&) {}).problems == 0);
}

STORE_CONTRACT("client edit --sla --open moves the requests not resolved", "[store][versions]") {
  Store& store = backend.store();
  store.add_policy(make_policy("slow", hours{8}));
  store.add_policy(make_policy("fast", hours{1}));
  store.add_client(NewClient{"Acme", std::string{"slow"}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{10};
  const RequestId open_one = store.log_request(new_request("Acme", "a", k_t0, now)).request.id;
  const RequestId done = store.log_request(new_request("Acme", "b", k_t0, now)).request.id;
  static_cast<void>(
      store.add_event(new_event(done.value, EventKind::resolve, k_t0 + hours{2}, now)));
  ClientChange change;
  change.policy = "fast";
  change.open = true;
  change.now = now;
  change.recorder = "me";
  const RuleEffect effect = store.change_client("Acme", change);
  CHECK(effect.requests == 1);
  CHECK(effect.moved == 1);
  CHECK(store.find_request(open_one)->policy == "fast");
  CHECK(store.find_request(open_one)->reply_due == k_t0 + hours{1});
  CHECK(store.find_request(done)->policy == "slow");
  const RequestDetail detail = store.request_detail(open_one);
  CHECK(detail.events.back().kind == EventKind::edit);
  CHECK(detail.events.back().text == std::optional<std::string>{"sla: slow -> fast"});
}

// ---- derived state, numbering, void, undo, merge ----

STORE_CONTRACT("derived state is the core's evaluation after every kind of write", "[store]") {
  Store& store = backend.store();
  Policy gold = make_policy("gold", hours{4});
  gold.base.update = hours{8};
  gold.base.resolve = hours{48};
  store.add_policy(gold);
  CalendarRules office;
  office.name = "office";
  office.zone = "Europe/Paris";
  office.hours = parse_hours("mon-fri 09:00-17:00");
  store.add_calendar(office);
  store.add_policy(make_policy("biz", hours{2}, "office"));
  store.add_client(NewClient{"Acme", std::string{"gold"}, {}, {}, {}, {}});
  store.add_client(NewClient{"Beta", std::string{"biz"}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{72};
  const RequestId a = store.log_request(new_request("Acme", "a", k_t0, now)).request.id;
  const RequestId b = store.log_request(new_request("Beta", "b", k_t0 + hours{1}, now)).request.id;
  const RequestId c = store.log_request(new_request("Acme", "c", k_t0 + hours{2}, now)).request.id;
  CHECK(check_derived_state(store) == 3);
  static_cast<void>(store.add_event(new_event(a.value, EventKind::reply, k_t0 + hours{1}, now)));
  static_cast<void>(store.add_event(new_event(a.value, EventKind::pause, k_t0 + hours{2}, now)));
  static_cast<void>(store.add_event(new_event(a.value, EventKind::resume, k_t0 + hours{9}, now)));
  static_cast<void>(store.add_event(new_event(b.value, EventKind::reply, k_t0 + hours{5}, now)));
  static_cast<void>(store.add_event(new_event(b.value, EventKind::resolve, k_t0 + hours{6}, now)));
  static_cast<void>(store.add_event(new_event(b.value, EventKind::reopen, k_t0 + hours{30}, now)));
  CHECK(check_derived_state(store) == 3);
  RequestEdit edit;
  edit.id = c;
  edit.client = "Beta";
  edit.priority = Priority::urgent;
  edit.now = now;
  edit.author = "me";
  static_cast<void>(store.edit_request(edit));
  CHECK(check_derived_state(store) == 3);
  static_cast<void>(store.change_calendar(
      "office", CalendarChange{"Asia/Tokyo", std::nullopt, std::nullopt, true}));
  CHECK(check_derived_state(store) == 3);
  // A version from a date (calendar edit --from): only the requests with a clock running, or
  // stopped or due after it are re-evaluated; the derived state is still the core's evaluation.
  static_cast<void>(store.change_calendar(
      "office", CalendarChange{std::nullopt, parse_hours("mon-fri 07:00-12:00"),
                               parse_day("2026-11-24"), false}));
  CHECK(check_derived_state(store) == 3);
  static_cast<void>(store.add_holidays("office", {Holiday{2026, 11, 24, "closed"}}));
  PolicyChange change;
  change.reply = hours{1};
  change.from = k_t0 + minutes{90}; // after a, before c
  static_cast<void>(store.change_policy("gold", change));
  CHECK(check_derived_state(store) == 3);
  static_cast<void>(store.void_event(voiding(a.value, 2)));
  static_cast<void>(store.void_event(voiding(b.value, std::nullopt)));
  CHECK(check_derived_state(store) == 3);
  MergeChange merge;
  merge.id = c;
  merge.into = a;
  merge.recorder = "me";
  merge.now = now;
  static_cast<void>(store.merge(merge));
  CHECK(check_derived_state(store) == 3);
}

STORE_CONTRACT("requests and events are numbered without gaps; refused writes take no number",
               "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{5};
  CHECK(store.log_request(new_request("Acme", "a", k_t0, now)).request.id == RequestId{1});
  CHECK_THROWS_AS(store.log_request(new_request("Acme", "late", now + hours{1}, now)), Error);
  CHECK_THROWS_AS(store.log_request(new_request("Nobody", "b", k_t0, now)), Error);
  CHECK_THROWS_AS(store.log_request(new_request("Acme", "", k_t0, now)), Error);
  CHECK(store.log_request(new_request("Acme", "b", k_t0, now)).request.id == RequestId{2});

  static_cast<void>(store.add_event(new_event(1, EventKind::reply, k_t0 + hours{1}, now)));
  CHECK_THROWS_AS(store.add_event(new_event(1, EventKind::resume, k_t0 + hours{2}, now)), Error);
  NewEvent note = new_event(1, EventKind::note, k_t0 + hours{2}, now);
  note.text = "called";
  static_cast<void>(store.add_event(note));
  CHECK(numbers(store.request_detail(RequestId{1})) == std::vector<std::int64_t>{1, 2, 3});
  // A void keeps the number of what it voids and takes the next one.
  const RequestDetail voided = store.void_event(voiding(1, 3));
  CHECK(numbers(voided) == std::vector<std::int64_t>{1, 2, 3, 4});
  CHECK(voided.event(3)->voided_by == 4);
  CHECK(voided.event(4)->kind == EventKind::void_event);
  CHECK(voided.event(4)->target == 3);
  CHECK(numbers(store.request_detail(RequestId{2})) == std::vector<std::int64_t>{1});

  // An import goes on from the last number.
  ImportRequest imported;
  imported.client = "Acme";
  imported.subject = "imported";
  imported.events.push_back(
      ImportEvent{EventKind::message, k_t0, "me", std::nullopt, std::nullopt, {}, {}, {}});
  const ImportResult result =
      store.import_requests(std::span<const ImportRequest>(&imported, 1), ImportOptions{now});
  CHECK(result.first_id == 3);
  REQUIRE(result.outcomes.size() == 1);
  CHECK(result.outcomes[0].id == RequestId{3});
  CHECK(store.log_request(new_request("Acme", "d", k_t0, now)).request.id == RequestId{4});
  CHECK(ids(store.list_requests(RequestFilter{})) == std::vector<std::int64_t>{1, 2, 3, 4});
  check_derived_state(store);
}

STORE_CONTRACT("note, assign and edit move no clock", "[store]") {
  Store& store = backend.store();
  Policy gold = make_policy("gold", hours{4});
  gold.base.update = hours{8};
  gold.base.resolve = hours{48};
  store.add_policy(gold);
  store.add_client(NewClient{"Acme", std::string{"gold"}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{10};
  const RequestId id = store.log_request(new_request("Acme", "a", k_t0, now)).request.id;
  static_cast<void>(store.add_event(new_event(id.value, EventKind::reply, k_t0 + hours{1}, now)));
  const auto clocks = [&] {
    const RequestDetail detail = store.request_detail(id);
    const auto due = [](const std::optional<Instant>& at) {
      return at ? std::to_string(at->time_since_epoch().count()) : std::string("-");
    };
    std::string out = fmt::format("{} {} {} {}", to_string(detail.request.status),
                                  detail.request.reply_due.has_value(),
                                  due(detail.request.update_due), due(detail.request.resolve_due));
    for (const ClockRun& run : detail.clocks) {
      out += fmt::format("; {} {} {} {}", to_string(run.metric), to_string(run.outcome),
                         run.start.time_since_epoch().count(), run.used.count());
    }
    return out;
  };
  const std::string before = clocks();
  NewEvent note = new_event(id.value, EventKind::note, k_t0 + hours{2}, now);
  note.text = "called back";
  static_cast<void>(store.add_event(note));
  CHECK(clocks() == before);
  NewEvent assign = new_event(id.value, EventKind::assign, k_t0 + hours{3}, now);
  assign.text = "bob";
  CHECK(store.add_event(assign).assignee == "bob");
  CHECK(clocks() == before);
  RequestEdit edit;
  edit.id = id;
  edit.subject = "a, in other words";
  edit.channel = Channel::phone;
  edit.ref = "R-1";
  edit.author = "me";
  edit.now = now;
  CHECK(store.edit_request(edit).subject == "a, in other words");
  CHECK(clocks() == before);
  // Even before the first message or on a resolved request they are accepted and move nothing.
  static_cast<void>(store.add_event(new_event(id.value, EventKind::resolve, k_t0 + hours{4}, now)));
  const std::string resolved = clocks().substr(0, 8);
  CHECK(resolved == "resolved");
  note.at = k_t0 + hours{5};
  const Request after_note = store.add_event(note);
  CHECK(after_note.status == Status::resolved);
  CHECK(after_note.resolved_at == k_t0 + hours{4});
  check_derived_state(store);
}

STORE_CONTRACT("void and unvoid mark events and whole requests, and say what cannot be done",
               "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{5};
  const RequestId id = store.log_request(new_request("Acme", "a", k_t0, now)).request.id;
  static_cast<void>(store.add_event(new_event(id.value, EventKind::reply, k_t0 + hours{1}, now)));
  CHECK(store.find_request(id)->replied_at == k_t0 + hours{1});

  RequestDetail detail = store.void_event(voiding(1, 2));
  CHECK(!detail.request.replied_at.has_value());
  CHECK(detail.request.reply_due == k_t0 + hours{24});
  CHECK(detail.event(2)->voided_by == 3);
  CHECK(detail.event(3)->author == "me");
  CHECK(detail.event(3)->recorder == "me");
  check_derived_state(store);

  const std::string before = describe_store(store);
  CHECK(
      message_of([&] { static_cast<void>(store.void_event(voiding(9, 2))); }, ErrorKind::not_found)
      == "no request #9; list them with: slatrack list --status all");
  CHECK(
      message_of([&] { static_cast<void>(store.void_event(voiding(1, 9))); }, ErrorKind::not_found)
      == "#1 has no event 9; see its events with: slatrack show 1");
  CHECK(message_of([&] { static_cast<void>(store.void_event(voiding(1, 1))); },
                   ErrorKind::invalid_input)
        == "event 1 of #1 is the request itself; void the whole request with: slatrack void 1");
  CHECK(message_of([&] { static_cast<void>(store.void_event(voiding(1, 2))); },
                   ErrorKind::invalid_input)
        == "event 2 of #1 is already void (by event 3); take it back with: slatrack unvoid 1 2");
  CHECK(message_of([&] { static_cast<void>(store.void_event(voiding(1, 3, true))); },
                   ErrorKind::invalid_input)
        == "event 3 of #1 is not void; nothing to take back");
  CHECK(message_of([&] { static_cast<void>(store.void_event(voiding(1, std::nullopt, true))); },
                   ErrorKind::invalid_input)
        == "#1 is not void; nothing to take back");
  CHECK(describe_store(store) == before);

  RequestEdit edit;
  edit.id = id;
  edit.subject = "b";
  edit.author = "me";
  edit.now = now;
  static_cast<void>(store.edit_request(edit));
  CHECK(message_of([&] { static_cast<void>(store.void_event(voiding(1, 4))); },
                   ErrorKind::invalid_input)
        == "event 4 of #1 is an edit, which cannot be voided; change the request back with: "
           "slatrack edit 1");

  detail = store.void_event(voiding(1, 2, true));
  CHECK(detail.request.replied_at == k_t0 + hours{1});
  CHECK(!detail.event(2)->voided_by.has_value());
  CHECK(detail.event(5)->kind == EventKind::unvoid);
  check_derived_state(store);

  // The whole request: it keeps its status but has no clocks, and leaves overdue.
  static_cast<void>(store.add_event(new_event(id.value, EventKind::message, now, now)));
  OverdueQuery overdue;
  overdue.now = now + hours{30};
  CHECK(store.overdue(overdue).size() == 1);
  VoidChange whole = voiding(1, std::nullopt);
  whole.reason = "spam";
  detail = store.void_event(whole);
  CHECK(detail.voided_by == 7);
  CHECK(detail.event(7)->text == "spam");
  CHECK(detail.clocks.empty());
  CHECK(!detail.request.next.has_value());
  CHECK(detail.request.status == Status::open);
  CHECK(store.overdue(overdue).empty());
  check_derived_state(store);
  CHECK(message_of([&] { static_cast<void>(store.void_event(voiding(1, std::nullopt))); },
                   ErrorKind::invalid_input)
        == "#1 is already void (by event 7); take it back with: slatrack unvoid 1");
  CHECK(message_of([&] { static_cast<void>(store.void_event(voiding(1, 2))); },
                   ErrorKind::invalid_input)
        == "#1 is void; take it back first with: slatrack unvoid 1");
  CHECK(message_of(
            [&] { static_cast<void>(store.add_event(new_event(1, EventKind::reply, now, now))); },
            ErrorKind::invalid_input)
        == "#1 is void; take it back first with: slatrack unvoid 1");
  detail = store.void_event(voiding(1, std::nullopt, true));
  CHECK(!detail.voided_by.has_value());
  CHECK(store.overdue(overdue).size() == 1);
  check_derived_state(store);
}

STORE_CONTRACT("undo voids what its recorder recorded last, and refuses what is old or an edit",
               "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{2};
  CHECK(message_of(
            [&] {
              static_cast<void>(store.undo(UndoChange{"me", now, hours{24}}));
            },
            ErrorKind::invalid_input)
        == fmt::format("nothing to undo: me recorded nothing in {} that still counts",
                       store.location()));
  const RequestId id = store.log_request(new_request("Acme", "a", k_t0, k_t0)).request.id;
  static_cast<void>(store.add_event(new_event(id.value, EventKind::reply, k_t0 + hours{1}, now)));
  NewEvent other = new_event(id.value, EventKind::note, now, now);
  other.author = "ann"; // recorded by ann: not mine to undo
  other.text = "x";
  static_cast<void>(store.add_event(other));

  UndoResult undone = store.undo(UndoChange{"me", now, hours{24}});
  CHECK(undone.refusal == UndoRefusal::none);
  CHECK(undone.id == id);
  CHECK(undone.client == "Acme");
  CHECK(!undone.request);
  CHECK(undone.event.kind == EventKind::reply);
  CHECK(undone.event.number == 2);
  CHECK(!store.find_request(id)->replied_at.has_value());
  undone = store.undo(UndoChange{"me", now, hours{24}});
  CHECK(undone.request);
  CHECK(undone.event.number == 1);
  CHECK(store.request_detail(id).voided_by.has_value());
  check_derived_state(store);
  // The voids undo made are passed over: nothing of mine is left.
  CHECK(message_of(
            [&] {
              static_cast<void>(store.undo(UndoChange{"me", now, hours{24}}));
            },
            ErrorKind::invalid_input)
            .starts_with("nothing to undo: me recorded nothing"));

  const RequestId second = store.log_request(new_request("Acme", "b", now, now)).request.id;
  const std::string before = describe_store(store);
  undone = store.undo(UndoChange{"me", now + hours{25}, hours{24}});
  CHECK(undone.refusal == UndoRefusal::too_old);
  CHECK(undone.id == second);
  CHECK(describe_store(store) == before);
  RequestEdit edit;
  edit.id = second;
  edit.subject = "c";
  edit.author = "me";
  edit.now = now;
  static_cast<void>(store.edit_request(edit));
  const std::string edited = describe_store(store);
  undone = store.undo(UndoChange{"me", now, hours{24}});
  CHECK(undone.refusal == UndoRefusal::edit);
  CHECK(undone.event.kind == EventKind::edit);
  CHECK(describe_store(store) == edited);
}

STORE_CONTRACT("merge copies a request's events into another and voids it", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{5};
  const RequestId into = store.log_request(new_request("Acme", "a", k_t0, now)).request.id;
  NewRequest again = new_request("Acme", "a again", k_t0 + hours{1}, now);
  again.text = "any news?";
  const RequestId from = store.log_request(again).request.id;
  static_cast<void>(store.add_event(new_event(from.value, EventKind::reply, k_t0 + hours{2}, now)));
  MergeChange merge;
  merge.id = from;
  merge.into = into;
  merge.recorder = "me";
  merge.now = now;
  const RequestDetail merged = store.merge(merge);
  CHECK(merged.request.id == into);
  REQUIRE(merged.events.size() == 3);
  CHECK(merged.events[1].kind == EventKind::message);
  CHECK(merged.events[1].at == k_t0 + hours{1});
  CHECK(merged.events[1].text == "any news?");
  CHECK(merged.events[2].kind == EventKind::reply);
  CHECK(merged.request.replied_at == k_t0 + hours{2});
  const RequestDetail source = store.request_detail(from);
  REQUIRE(source.voided_by.has_value());
  CHECK(source.event(*source.voided_by)->text == "merged into #1");
  CHECK(source.clocks.empty());
  check_derived_state(store);

  const std::string before = describe_store(store);
  CHECK(message_of([&] { static_cast<void>(store.merge(merge)); }, ErrorKind::invalid_input)
        == "#2 is void; take it back first with: slatrack unvoid 2");
  merge.id = into;
  CHECK(message_of([&] { static_cast<void>(store.merge(merge)); }, ErrorKind::invalid_input)
        == "cannot merge #1 into itself; name two requests");
  merge.id = RequestId{9};
  CHECK(message_of([&] { static_cast<void>(store.merge(merge)); }, ErrorKind::not_found)
        == "no request #9; list them with: slatrack list --status all");
  CHECK(describe_store(store) == before);
}

STORE_CONTRACT("same_subject finds the latest request of a client with that subject", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  store.add_client(NewClient{"Beta", {}, {}, {}, {}, {}});
  const RequestId first =
      store.log_request(new_request("Acme", "Printer broken", k_t0, k_t0)).request.id;
  const RequestId second =
      store.log_request(new_request("Acme", "Printer broken", k_t0, k_t0 + hours{1})).request.id;
  std::optional<SameSubject> found =
      store.same_subject("Acme", "printer BROKEN", k_t0 - hours{1}, RequestId{0});
  REQUIRE(found.has_value());
  CHECK(found->id == second);
  CHECK(found->logged_at == k_t0 + hours{1});
  found = store.same_subject("Acme", "printer broken", k_t0 - hours{1}, second);
  REQUIRE(found.has_value());
  CHECK(found->id == first);
  CHECK(!store.same_subject("Beta", "Printer broken", k_t0 - hours{1}, RequestId{0}));
  CHECK(!store.same_subject("Acme", "Printer", k_t0 - hours{1}, RequestId{0}));
  CHECK(!store.same_subject("Acme", "Printer broken", k_t0 + hours{2}, RequestId{0}));
  static_cast<void>(store.void_event(voiding(second.value, std::nullopt)));
  CHECK(store.same_subject("Acme", "Printer broken", k_t0 - hours{1}, RequestId{0})->id == first);
}

STORE_CONTRACT("same_subject finds requests logged after 2038 (instants past 32 bits)", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant later = utc(2040, 3, 23, 16, 0);
  const RequestId id =
      store.log_request(new_request("Acme", "Printer on fire", later, later)).request.id;
  const std::optional<SameSubject> found =
      store.same_subject("Acme", "Printer on fire", later - hours{1}, RequestId{0});
  REQUIRE(found.has_value());
  CHECK(found->id == id);
  CHECK(found->logged_at == later);
}

// ---- reads that stream ----

STORE_CONTRACT("each_request and each_overdue visit what list_requests and overdue return",
               "[store]") {
  Store& store = backend.store();
  CalendarRules office;
  office.name = "office";
  office.zone = "UTC";
  office.hours = parse_hours("mon-fri 09:00-17:00");
  store.add_calendar(office);
  store.add_policy(make_policy("biz", hours{2}, "office"));
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  store.add_client(NewClient{"Beta", std::string{"biz"}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{40};
  for (int i = 0; i < 8; ++i) {
    const RequestId id =
        store
            .log_request(new_request(i % 2 == 0 ? "Acme" : "Beta", fmt::format("r{}", i),
                                     k_t0 + hours{3 * i}, now))
            .request.id;
    if (i % 3 == 0) {
      static_cast<void>(
          store.add_event(new_event(id.value, EventKind::reply, k_t0 + hours{3 * i + 1}, now)));
    }
  }
  for (const bool sorted : {false, true}) {
    RequestFilter filter;
    if (sorted) {
      filter.now = now;
    }
    std::vector<std::int64_t> visited;
    store.each_request(filter,
                       [&](const Request& request) { visited.push_back(request.id.value); });
    CHECK(visited == ids(store.list_requests(filter)));
    CHECK(visited.size() == 8);
    filter.client = "beta";
    filter.limit = 2;
    visited.clear();
    store.each_request(filter,
                       [&](const Request& request) { visited.push_back(request.id.value); });
    CHECK(visited == ids(store.list_requests(filter)));
    CHECK(visited.size() == 2);
  }
  OverdueQuery query;
  query.now = now;
  query.within = hours{30};
  const auto describe = [](const OverdueItem& item) {
    return fmt::format("#{} {} {} {}", item.request.id.value, to_string(item.metric),
                       item.due.time_since_epoch().count(), item.open_late.count());
  };
  std::vector<std::string> listed;
  for (const OverdueItem& item : store.overdue(query)) {
    listed.push_back(describe(item));
  }
  std::vector<std::string> visited;
  store.each_overdue(query, [&](const OverdueItem& item) { visited.push_back(describe(item)); });
  CHECK(visited == listed);
  CHECK(listed.size() >= 4);
}

STORE_CONTRACT("overdue --new remembers only what was delivered, for every connection", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{30};
  const RequestId late = store.log_request(new_request("Acme", "a", k_t0, now)).request.id;
  OverdueQuery query;
  query.now = now;
  query.only_new = true;
  int shown = 0;
  query.delivered = [] { throw std::runtime_error("stdout is closed"); };
  CHECK_THROWS_WITH(store.each_overdue(query, [&](const OverdueItem&) { ++shown; }),
                    "stdout is closed");
  CHECK(shown == 1);
  // Not delivered: shown again, then remembered.
  bool delivered = false;
  query.delivered = [&] { delivered = true; };
  std::vector<OverdueItem> items = store.overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].request.id == late);
  CHECK(delivered);
  CHECK(store.overdue(query).empty());
  const std::unique_ptr<Store> other = backend.connect();
  CHECK(other->overdue(query).empty());
  query.only_new = false;
  CHECK(other->overdue(query).size() == 1);
}

// ---- reports, statements, import, export, backup, check ----

STORE_CONTRACT("report counts the stored clock outcomes by group, then the total", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  store.add_client(NewClient{"Beta", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{30};
  const RequestId a = store.log_request(new_request("Acme", "a", k_t0, now)).request.id;
  static_cast<void>(store.add_event(new_event(a.value, EventKind::reply, k_t0 + hours{1}, now)));
  static_cast<void>(store.log_request(new_request("Acme", "b", k_t0 + hours{1}, now)));
  const RequestId c = store.log_request(new_request("Beta", "c", k_t0, now)).request.id;
  static_cast<void>(store.add_event(new_event(c.value, EventKind::reply, k_t0 + hours{25}, now)));
  static_cast<void>(store.add_event(new_event(c.value, EventKind::resolve, k_t0 + hours{26}, now)));
  ReportQuery query;
  query.by = ReportBy::client;
  query.periods =
      report_periods(find_zone("UTC"), k_t0 - hours{24}, k_t0 + hours{48}, ReportBy::client);
  query.now = now;
  const std::vector<ReportRow> rows = store.report(query);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].group == "Acme");
  CHECK(rows[0].requests == 2);
  CHECK(rows[0].reply_met == 1);
  CHECK(rows[0].reply_breached == 1); // running, due before now
  CHECK(rows[0].reply_median == Seconds{hours{1}});
  CHECK(rows[0].open_now == 2);
  CHECK(rows[0].overdue_now == 1);
  CHECK(rows[1].group == "Beta");
  CHECK(rows[1].reply_breached == 1);
  CHECK(rows[1].reply_median == Seconds{hours{25}});
  CHECK(rows[1].open_now == 0);
  CHECK(rows[2].total);
  CHECK(rows[2].requests == 3);
  CHECK(rows[2].reply_met == 1);
  CHECK(rows[2].reply_breached == 2);
  CHECK(rows[2].open_now == 2);
  CHECK(rows[2].overdue_now == 1);
  query.client = "beta";
  CHECK(store.report(query).size() == 2);
  query.client = "Gamma";
  CHECK_THROWS_AS(store.report(query), Error);
}

STORE_CONTRACT("statement_input gives a client's requests with their rules", "[store]") {
  Store& store = backend.store();
  store.add_policy(make_policy("gold", hours{2}));
  store.add_client(NewClient{"Acme Ltd", std::string{"gold"}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{30};
  static_cast<void>(store.log_request(new_request("Acme Ltd", "a", k_t0, now)));
  const StatementInput input = store.statement_input("acme", k_t0 - hours{24}, now, now);
  CHECK(input.client == "Acme Ltd");
  CHECK(input.policy.name == "gold");
  CHECK(input.calendar.name == "24x7");
  REQUIRE(input.requests.size() == 1);
  CHECK(message_of([&] { static_cast<void>(store.statement_input("Acme Ltx", k_t0, now, now)); },
                   ErrorKind::not_found)
        == "no client \"Acme Ltx\" (did you mean \"Acme Ltd\"?); list them with: slatrack client "
           "list");
}

STORE_CONTRACT("an export imported again is skipped whole; import refuses alone", "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{5};
  NewRequest with_ref = new_request("Acme", "a", k_t0, now);
  with_ref.ref = "R-1";
  static_cast<void>(store.log_request(with_ref));
  const RequestId b = store.log_request(new_request("Acme", "b", k_t0, now)).request.id;
  static_cast<void>(store.add_event(new_event(b.value, EventKind::reply, k_t0 + hours{1}, now)));
  std::vector<ImportRequest> batch;
  store.export_requests([&](const RequestDetail& detail) {
    ImportRequest request;
    request.client = detail.request.client;
    request.subject = detail.request.subject;
    request.ref = detail.request.ref;
    for (const Event& event : detail.events) {
      request.events.push_back(ImportEvent{event.kind, event.at, event.author, event.text,
                                           event.recorded_at, event.number, event.recorder,
                                           event.target});
    }
    batch.push_back(std::move(request));
  });
  REQUIRE(batch.size() == 2);
  ImportRequest unknown = batch[1];
  unknown.client = "Nobody";
  unknown.subject = "new";
  batch.push_back(unknown);
  const std::string before = describe_store(store);
  const ImportResult result = store.import_requests(batch, ImportOptions{now});
  REQUIRE(result.outcomes.size() == 3);
  CHECK(result.outcomes[0].status == ImportStatus::skipped);
  CHECK(result.outcomes[0].id == RequestId{1});
  CHECK(result.outcomes[1].status == ImportStatus::skipped);
  CHECK(result.outcomes[1].id == RequestId{2});
  CHECK(result.outcomes[2].status == ImportStatus::refused);
  CHECK(!result.outcomes[2].reason.empty());
  CHECK(describe_store(store) == before);
}

STORE_CONTRACT("backup writes a new file readable by its owner only and never overwrites",
               "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const TempDir dir;
  const std::string path = dir.file("copy");
  store.backup(path);
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  CHECK(info.st_size > 0);
  CHECK(message_of([&] { store.backup(path); }, ErrorKind::invalid_input)
            .starts_with(fmt::format("{} exists; a backup never overwrites a file", path)));
}

// ---- several connections at once ----

STORE_CONTRACT("writers on several connections at once number everything without gaps",
               "[store][concurrency]") {
  backend.store().add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  constexpr int k_threads = 4;
  constexpr int k_each = 10;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      try {
        const std::unique_ptr<Store> store = backend.connect();
        for (int i = 0; i < k_each; ++i) {
          const LogResult logged = store->log_request(
              new_request("Acme", fmt::format("subject {} {}", t, i), k_t0, k_t0));
          static_cast<void>(store->add_event(new_event(logged.request.id.value, EventKind::reply,
                                                       k_t0 + hours{1}, k_t0 + hours{1})));
        }
      } catch (const std::exception& error) {
        UNSCOPED_INFO(error.what());
        ++failures;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  CHECK(failures == 0);
  Store& store = backend.store();
  std::vector<std::int64_t> expected;
  for (std::int64_t id = 1; id <= k_threads * k_each; ++id) {
    expected.push_back(id);
  }
  CHECK(ids(store.list_requests(RequestFilter{})) == expected);
  for (const std::int64_t id : expected) {
    CHECK(numbers(store.request_detail(RequestId{id})) == std::vector<std::int64_t>{1, 2});
  }
  CHECK(check_derived_state(store) == k_threads * k_each);
}

STORE_CONTRACT("overdue --new on several connections at once tells each breach once",
               "[store][concurrency]") {
  Store& first = backend.store();
  first.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant now = k_t0 + hours{30};
  for (int i = 0; i < 5; ++i) {
    static_cast<void>(first.log_request(new_request("Acme", fmt::format("r{}", i), k_t0, now)));
  }
  constexpr int k_threads = 4;
  std::atomic<int> failures{0};
  std::vector<std::vector<std::int64_t>> told(k_threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      try {
        const std::unique_ptr<Store> store = backend.connect();
        OverdueQuery query;
        query.now = now;
        query.only_new = true;
        for (const OverdueItem& item : store->overdue(query)) {
          told[static_cast<std::size_t>(t)].push_back(item.request.id.value);
        }
      } catch (const std::exception& error) {
        UNSCOPED_INFO(error.what());
        ++failures;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  CHECK(failures == 0);
  std::vector<std::int64_t> all;
  for (const std::vector<std::int64_t>& one : told) {
    all.insert(all.end(), one.begin(), one.end());
  }
  std::sort(all.begin(), all.end());
  CHECK(all == std::vector<std::int64_t>{1, 2, 3, 4, 5});
}

STORE_CONTRACT("what one connection commits the next read of another sees", "[store]") {
  Store& store = backend.store();
  const std::unique_ptr<Store> other = backend.connect();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  CHECK(other->find_client("acme").has_value());
  const RequestId id = other->log_request(new_request("Acme", "a", k_t0, k_t0)).request.id;
  CHECK(store.find_request(id)->subject == "a");
  static_cast<void>(store.add_event(new_event(id.value, EventKind::reply, k_t0, k_t0)));
  CHECK(other->find_request(id)->replied_at == k_t0);
}
