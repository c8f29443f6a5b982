// Tests of the store's export, import and backup: import writes the same derived state that
// logging event by event gives (checked by re-evaluating afterwards and by comparing exports),
// is idempotent, refuses bad requests alone, and backup copies a database others are writing.
#include "slatrack/error.hpp"
#include "slatrack/model.hpp"
#include "slatrack/store.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_store.hpp"
#include "support.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <date/date.h>
#include <filesystem>
#include <fmt/format.h>
#include <sqlite3.h>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace slatrack;
using std::chrono::hours;
using std::chrono::minutes;

using slatrack::testing::TempDir;
using slatrack::testing::utc;

namespace {

const Instant k_t0 = utc(2026, 11, 23, 9, 0); // a Monday
const Instant k_now = utc(2026, 11, 30, 12, 0);

ImportEvent event(EventKind kind, Instant at, std::optional<std::string> text = std::nullopt) {
  return ImportEvent{kind, at, "me", std::move(text), std::nullopt, {}, {}, {}};
}

ImportRequest request(std::string client, std::string subject, std::optional<std::string> ref,
                      std::vector<ImportEvent> events) {
  ImportRequest out;
  out.client = std::move(client);
  out.subject = std::move(subject);
  out.ref = std::move(ref);
  out.events = std::move(events);
  return out;
}

ImportOptions options(bool create_clients = false) {
  return ImportOptions{k_now, create_clients};
}

std::vector<RequestDetail> exported(Store& store) {
  std::vector<RequestDetail> out;
  store.export_requests([&](const RequestDetail& detail) { out.push_back(detail); });
  return out;
}

// The parts of a request detail that an import carries over (everything but the ids of events).
std::string describe(const RequestDetail& detail) {
  const Request& r = detail.request;
  std::string out = fmt::format(
      "#{} {} [{}] {} {} {} {} sla={} cal={} ref={} recv={} replied={} resolved={} due={}/{}/{}",
      r.id.value, r.client, r.subject, to_string(r.channel), to_string(r.priority),
      to_string(r.status), r.assignee.value_or("-"), r.policy, r.calendar, r.ref.value_or("-"),
      r.received_at.time_since_epoch().count(),
      r.replied_at ? r.replied_at->time_since_epoch().count() : -1,
      r.resolved_at ? r.resolved_at->time_since_epoch().count() : -1,
      r.reply_due ? r.reply_due->time_since_epoch().count() : -1,
      r.update_due ? r.update_due->time_since_epoch().count() : -1,
      r.resolve_due ? r.resolve_due->time_since_epoch().count() : -1);
  for (const Event& e : detail.events) {
    out += fmt::format("\n  {} {} {} {} {}", to_string(e.kind), e.at.time_since_epoch().count(),
                       e.author, e.text.value_or("-"), e.recorded_at.time_since_epoch().count());
  }
  for (const ClockRun& c : detail.clocks) {
    out += fmt::format("\n  clock {} {} {} {} {} {} {} {}", to_string(c.metric),
                       c.start.time_since_epoch().count(),
                       c.due ? c.due->time_since_epoch().count() : -1,
                       c.stop ? c.stop->time_since_epoch().count() : -1, to_string(c.outcome),
                       c.target.time.count(), c.used.count(), c.credit.count());
  }
  return out;
}

std::string describe_all(Store& store) {
  std::string out;
  for (const RequestDetail& detail : exported(store)) {
    out += describe(detail) + "\n";
  }
  return out;
}

// What export gives, as import takes it.
ImportRequest as_import(const RequestDetail& detail) {
  ImportRequest out;
  out.client = detail.request.client;
  out.subject = detail.request.subject;
  out.channel = detail.request.channel;
  out.priority = detail.request.priority;
  out.assignee = detail.request.assignee;
  out.policy = detail.request.policy;
  out.ref = detail.request.ref;
  for (const Event& e : detail.events) {
    out.events.push_back(ImportEvent{e.kind, e.at, e.author, e.text, e.recorded_at, {}, {}, {}});
  }
  return out;
}

void setup_rules(Store& store) {
  CalendarRules office;
  office.name = "office";
  office.zone = "Europe/London";
  office.hours = parse_hours("mon-fri 09:00-17:00");
  store.add_calendar(office);
  Policy standard;
  standard.name = "standard";
  standard.calendar = "office";
  standard.base = Targets{hours{2}, hours{4}, hours{16}};
  store.add_policy(standard);
  NewClient acme;
  acme.name = "Acme";
  acme.policy = "standard";
  acme.owner = "ann";
  store.add_client(acme);
}

std::int64_t reevaluated(Store& store, const std::string& policy) {
  PolicyChange change;
  change.retroactive = true;
  return store.change_policy(policy, change).requests;
}

NewEvent new_event(std::int64_t id, EventKind kind, Instant at,
                   std::optional<std::string> text = std::nullopt) {
  NewEvent out;
  out.id = RequestId{id};
  out.kind = kind;
  out.at = at;
  out.author = "me";
  out.text = std::move(text);
  out.now = k_now;
  return out;
}

} // namespace

TEST_CASE("import: the derived state is what re-evaluation gives, across chunk sizes",
          "[transfer]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  setup_rules(*store);
  // 333 requests: multi-row statements of 64, then 4, then 1 rows; events 256 and 16 and 4.
  std::vector<ImportRequest> batch;
  for (int i = 0; i < 333; ++i) {
    const Instant at = k_t0 + minutes{17 * i};
    std::vector<ImportEvent> events{event(EventKind::message, at, "hello")};
    if (i % 3 != 0) {
      events.push_back(event(EventKind::reply, at + minutes{30 + i}));
    }
    if (i % 5 == 0) {
      events.push_back(event(EventKind::resolve, at + hours{3}));
    }
    batch.push_back(request("acme", fmt::format("s{}", i), fmt::format("r{}", i), events));
  }
  const ImportResult result = store->import_requests(batch, options());
  REQUIRE(result.outcomes.size() == 333);
  for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
    CHECK(result.outcomes[i].status == ImportStatus::added);
    CHECK(result.outcomes[i].id.value == static_cast<std::int64_t>(i) + 1);
  }
  CHECK(result.created_clients.empty());
  // Re-evaluating every request from its stored events changes nothing.
  CHECK(reevaluated(*store, "standard") == 0);
  const RequestDetail first = store->request_detail(RequestId{1});
  CHECK(first.request.client == "Acme");
  CHECK(first.request.assignee == std::optional<std::string>{"ann"}); // the client's owner
  CHECK(first.request.status == Status::resolved);
  CHECK(first.events.size() == 2);
  CHECK(first.events[0].text == std::optional<std::string>{"hello"});
  CHECK(first.events[0].recorded_at == k_now);
  // No reply: the reply clock (due 11:00) stops at the resolve at 12:00, breached; the resolve
  // clock counted 3h of office time of its 16h.
  REQUIRE(first.clocks.size() == 2);
  CHECK(first.clocks[0].metric == Metric::reply);
  CHECK(first.clocks[0].outcome == Outcome::breached);
  CHECK(first.clocks[0].due == std::optional<Instant>{k_t0 + hours{2}});
  CHECK(first.clocks[0].stop == std::optional<Instant>{k_t0 + hours{3}});
  CHECK(first.clocks[1].metric == Metric::resolve);
  CHECK(first.clocks[1].used == hours{3});
}

TEST_CASE("import: the same batch twice adds nothing the second time", "[transfer]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  setup_rules(*store);
  const std::vector<ImportRequest> batch{
      request("Acme", "with ref", "r1", {event(EventKind::message, k_t0)}),
      request("Acme", "no ref", std::nullopt, {event(EventKind::message, k_t0 + hours{1})}),
      // In the same batch: the same ref again (skipped), and the same client, subject and time
      // (an exact duplicate within the input: kept, export then import loses nothing).
      request("ACME", "other subject", "r1", {event(EventKind::message, k_t0)}),
      request("acme", "no ref", std::nullopt, {event(EventKind::message, k_t0 + hours{1})}),
      // Same subject, other time: another request.
      request("acme", "no ref", std::nullopt, {event(EventKind::message, k_t0 + hours{2})}),
  };
  const ImportResult first = store->import_requests(batch, options());
  REQUIRE(first.outcomes.size() == 5);
  CHECK(first.outcomes[0].status == ImportStatus::added);
  CHECK(first.outcomes[1].status == ImportStatus::added);
  CHECK(first.outcomes[2].status == ImportStatus::skipped);
  CHECK(first.outcomes[2].id.value == 1);
  CHECK(first.outcomes[3].status == ImportStatus::added);
  CHECK(first.outcomes[3].id.value == 3);
  CHECK(first.outcomes[4].status == ImportStatus::added);
  CHECK(first.outcomes[4].id.value == 4);
  const std::string before = describe_all(*store);
  // Imported again: everything is there (the duplicate pair as the first of them).
  const ImportResult second = store->import_requests(batch, options());
  const std::vector<std::int64_t> ids{1, 2, 1, 2, 4};
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(second.outcomes[i].status == ImportStatus::skipped);
    CHECK(second.outcomes[i].id.value == ids[i]);
  }
  CHECK(describe_all(*store) == before);
}

TEST_CASE("import: a bad request is refused alone, with a reason that says what to do",
          "[transfer]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  setup_rules(*store);
  ImportRequest bad_policy = request("Acme", "p", "p1", {event(EventKind::message, k_t0)});
  bad_policy.policy = "standrd";
  const std::vector<ImportRequest> batch{
      request("Acmee", "typo", "a1", {event(EventKind::message, k_t0)}),
      bad_policy,
      request("Acme", "future", "f1", {event(EventKind::message, k_now + minutes{1})}),
      request("Acme", "early reply", "e1",
              {event(EventKind::message, k_t0), event(EventKind::reply, k_t0 - minutes{5})}),
      request("Acme", "no message", "n1", {event(EventKind::reply, k_t0)}),
      request("Acme", "unnamed assign", "u1",
              {event(EventKind::message, k_t0), event(EventKind::assign, k_t0)}),
      request("Acme", "pause twice", "w1",
              {event(EventKind::message, k_t0), event(EventKind::pause, k_t0 + hours{1}),
               event(EventKind::pause, k_t0 + hours{2})}),
      request("Acme", "good", "g1", {event(EventKind::message, k_t0)}),
  };
  const ImportResult result = store->import_requests(batch, options());
  REQUIRE(result.outcomes.size() == 8);
  for (std::size_t i = 0; i < 7; ++i) {
    CHECK(result.outcomes[i].status == ImportStatus::refused);
  }
  CHECK(result.outcomes[0].reason
        == "no client \"Acmee\" (did you mean \"Acme\"?); add it with: slatrack client add "
           "Acmee, or import with --create-clients");
  CHECK(result.outcomes[1].reason
        == "no SLA policy \"standrd\" (did you mean \"standard\"?); add it with: slatrack sla "
           "add standrd --reply DUR");
  CHECK(result.outcomes[2].reason
        == "the message at 2026-11-30T12:01:00Z is later than now (2026-11-30T12:00:00Z): an "
           "event cannot be in the future");
  CHECK(result.outcomes[3].reason
        == "the reply at 2026-11-23T08:55:00Z cannot be: it is before the request's first "
           "message; fix its time or leave it out");
  CHECK(result.outcomes[4].reason
        == "a request needs its first message (an event of kind message)");
  CHECK(result.outcomes[5].reason
        == "the assign at 2026-11-23T09:00:00Z needs the new assignee as its text");
  CHECK(result.outcomes[6].reason
        == "the pause at 2026-11-23T11:00:00Z cannot be: it is not open then (already waiting or "
           "resolved); fix its time or leave it out");
  CHECK(result.outcomes[7].status == ImportStatus::added);
  CHECK(result.outcomes[7].id.value == 1);
  const std::vector<RequestDetail> all = exported(*store);
  REQUIRE(all.size() == 1);
  CHECK(all[0].request.subject == "good");
  CHECK(all[0].events.size() == 1);
}

TEST_CASE("import: missing clients are created with the request's policy when asked",
          "[transfer]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  setup_rules(*store);
  ImportRequest first = request("Globex", "a", "g1", {event(EventKind::message, k_t0)});
  first.policy = "standard";
  const std::vector<ImportRequest> batch{
      first,
      request("globex", "b", "g2", {event(EventKind::message, k_t0)}),
      request("Initech", "c", "i1", {event(EventKind::message, k_t0)}),
  };
  const ImportResult result = store->import_requests(batch, options(true));
  CHECK(result.created_clients == std::vector<std::string>{"Globex", "Initech"});
  const std::optional<Client> globex = store->find_client("GLOBEX");
  REQUIRE(globex);
  CHECK(globex->name == "Globex");
  CHECK(globex->policy == "standard");
  CHECK(globex->total_requests == 2);
  CHECK(store->find_client("Initech")->policy == "default");
  CHECK(store->request_detail(RequestId{2}).request.policy == "standard");
  CHECK(store->request_detail(RequestId{3}).request.policy == "default");
}

TEST_CASE("import: the assignee is the owner, nobody, or the last assign", "[transfer]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  setup_rules(*store);
  ImportRequest nobody = request("Acme", "nobody", "a2", {event(EventKind::message, k_t0)});
  nobody.assignee = std::optional<std::string>{};
  ImportRequest given = request("Acme", "given", "a3", {event(EventKind::message, k_t0)});
  given.assignee = std::optional<std::string>{"bob"};
  ImportRequest assigned =
      request("Acme", "assigned", "a4",
              {event(EventKind::message, k_t0), event(EventKind::assign, k_t0 + hours{2}, "dan"),
               event(EventKind::assign, k_t0 + hours{1}, "cy")});
  assigned.assignee = std::optional<std::string>{"bob"};
  const std::vector<ImportRequest> batch{
      request("Acme", "owner", "a1", {event(EventKind::message, k_t0)}), nobody, given, assigned};
  static_cast<void>(store->import_requests(batch, options()));
  CHECK(store->request_detail(RequestId{1}).request.assignee == std::optional<std::string>{"ann"});
  CHECK_FALSE(store->request_detail(RequestId{2}).request.assignee);
  CHECK(store->request_detail(RequestId{3}).request.assignee == std::optional<std::string>{"bob"});
  CHECK(store->request_detail(RequestId{4}).request.assignee == std::optional<std::string>{"dan"});
}

TEST_CASE("export then import into an empty database gives the same state", "[transfer]") {
  const std::unique_ptr<Store> source = open_sqlite_store(":memory:");
  setup_rules(*source);
  NewRequest first;
  first.client = "Acme";
  first.subject = "Invoice";
  first.at = k_t0;
  first.now = k_now;
  first.author = "me";
  first.ref = "m1";
  first.text = "hello";
  static_cast<void>(source->log_request(first));
  NewRequest second = first;
  second.subject = "Second";
  second.ref.reset();
  second.at = k_t0 + hours{30};
  second.priority = Priority::urgent;
  static_cast<void>(source->log_request(second));
  static_cast<void>(source->add_event(new_event(1, EventKind::reply, k_t0 + hours{1}, "on it")));
  static_cast<void>(source->add_event(new_event(1, EventKind::pause, k_t0 + hours{2})));
  static_cast<void>(source->add_event(new_event(1, EventKind::message, k_t0 + hours{26})));
  static_cast<void>(source->add_event(new_event(1, EventKind::note, k_t0 + hours{3}, "called")));
  static_cast<void>(source->add_event(new_event(1, EventKind::assign, k_t0 + hours{3}, "bob")));
  static_cast<void>(source->add_event(new_event(1, EventKind::resolve, k_t0 + hours{28})));
  static_cast<void>(source->add_event(new_event(1, EventKind::reopen, k_t0 + hours{50})));
  // Entered out of order: the reply comes last.
  static_cast<void>(source->add_event(new_event(2, EventKind::pause, k_t0 + hours{32})));
  static_cast<void>(source->add_event(new_event(2, EventKind::resolve, k_t0 + hours{33})));
  static_cast<void>(source->add_event(new_event(2, EventKind::reply, k_t0 + hours{31})));
  RequestEdit edit;
  edit.id = RequestId{2};
  edit.subject = "Second, renamed";
  edit.author = "me";
  edit.now = k_now;
  static_cast<void>(source->edit_request(edit));

  const std::vector<RequestDetail> details = exported(*source);
  REQUIRE(details.size() == 2);
  CHECK(details[0].events.size() == 8);
  CHECK(details[1].events.size() == 5);
  // Events come in time order, whatever order they were entered in.
  CHECK(details[1].events[1].kind == EventKind::reply);
  CHECK(details[1].events[2].kind == EventKind::pause);

  const std::unique_ptr<Store> target = open_sqlite_store(":memory:");
  setup_rules(*target);
  std::vector<ImportRequest> batch;
  for (const RequestDetail& detail : details) {
    batch.push_back(as_import(detail));
  }
  const ImportResult result = target->import_requests(batch, options());
  CHECK(result.outcomes[0].status == ImportStatus::added);
  CHECK(result.outcomes[1].status == ImportStatus::added);
  CHECK(describe_all(*target) == describe_all(*source));
  CHECK(reevaluated(*target, "standard") == 0);
}

TEST_CASE("export: an empty database exports nothing", "[transfer]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  CHECK(exported(*store).empty());
}

TEST_CASE("backup: a new 0600 file that opens as the same database", "[transfer]") {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  const std::string copy = dir.file("copy.sqlite");
  {
    const std::unique_ptr<Store> store = open_sqlite_store(path);
    setup_rules(*store);
    static_cast<void>(store->import_requests(
        std::vector<ImportRequest>{request("Acme", "a", "r1", {event(EventKind::message, k_t0)})},
        options()));
    store->backup(copy);
    struct stat info {};
    REQUIRE(::stat(copy.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    try {
      store->backup(copy);
      FAIL("a second backup to the same file was not refused");
    } catch (const Error& error) {
      CHECK(error.kind() == ErrorKind::invalid_input);
      CHECK(std::string(error.what())
            == copy
                   + " exists; a backup never overwrites a file: remove it first or name a new "
                     "file");
    }
    try {
      store->backup(dir.file("no/such/dir/x.db"));
      FAIL("a backup into a missing directory was not refused");
    } catch (const Error& error) {
      CHECK(error.kind() == ErrorKind::storage);
    }
    const std::unique_ptr<Store> restored = open_sqlite_store(copy);
    CHECK(describe_all(*restored) == describe_all(*store));
    CHECK(restored->find_client("acme")->policy == "standard");
  }
}

TEST_CASE("backup: consistent while another connection keeps writing", "[transfer]") {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  {
    const std::unique_ptr<Store> store = open_sqlite_store(path);
    setup_rules(*store);
    std::vector<ImportRequest> batch;
    for (int i = 0; i < 3000; ++i) {
      batch.push_back(request("Acme", std::string(200, 'x'), fmt::format("seed{}", i),
                              {event(EventKind::message, k_t0 + minutes{i})}));
    }
    static_cast<void>(store->import_requests(batch, options()));
  }
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    const std::unique_ptr<Store> store = open_sqlite_store(path);
    for (int i = 0; !stop; ++i) {
      static_cast<void>(store->import_requests(
          std::vector<ImportRequest>{
              request("Acme", "live", fmt::format("live{}", i), {event(EventKind::message, k_t0)})},
          options()));
      ++written;
    }
  });
  while (written < 5) {
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  std::vector<std::string> copies;
  {
    const std::unique_ptr<Store> store = open_sqlite_store(path);
    for (int i = 0; i < 3; ++i) {
      copies.push_back(dir.file(fmt::format("copy{}.sqlite", i)));
      store->backup(copies.back());
    }
  }
  stop = true;
  writer.join();
  CHECK(written > 5);
  for (const std::string& copy : copies) {
    sqlite::Database db(copy, SQLITE_OPEN_READONLY);
    sqlite::Statement check(db, "PRAGMA integrity_check");
    sqlite::Statement::Use use = check.use();
    REQUIRE(use.step());
    CHECK(use.text(0) == "ok");
    const std::unique_ptr<Store> restored = open_sqlite_store(copy);
    const std::vector<RequestDetail> all = exported(*restored);
    CHECK(all.size() >= 3005);
    // Every request of the copy is whole: its event and its clocks came with it.
    for (const RequestDetail& detail : all) {
      CHECK(detail.events.size() == 1);
      CHECK(detail.clocks.size() == 2);
    }
  }
}
