// Tests of the SQLite store: opening and migrating files, the built-ins, every operation's
// messages, derived state after changes, overdue, and transactions that roll back. Most tests use
// the 24x7 calendar; file tests work in a temporary directory. This file inspects the database
// with SQL through the store's own RAII wrappers, like the store does.
#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/model.hpp"
#include "slatrack/store.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "support.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <date/date.h>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <sqlite3.h>
#include <sstream>
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

std::string read_bytes(const std::string& path) {
  // Read through a stringstream: g++ 12 -O2 flags istreambuf_iterator with -Wnull-dereference.
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A plain connection for looking inside a database file.
sqlite::Database raw(const std::string& path) {
  return sqlite::Database(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
}

std::int64_t scalar(sqlite::Database& db, std::string_view sql) {
  sqlite::Statement statement(db, sql);
  sqlite::Statement::Use use = statement.use();
  REQUIRE(use.step());
  return use.integer(0);
}

std::int64_t rows(const std::string& path, std::string_view table) {
  sqlite::Database db = raw(path);
  return scalar(db, fmt::format("SELECT count(*) FROM {}", table));
}

std::string message_of(const std::function<void()>& action, ErrorKind kind) {
  try {
    action();
  } catch (const Error& error) {
    CHECK(static_cast<int>(error.kind()) == static_cast<int>(kind));
    return error.what();
  }
  FAIL("no Error thrown");
  return {};
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

} // namespace

// ---- opening, creating, versions ----

TEST_CASE("a new database file is created 0600 in new 0700 directories, at the current schema",
          "[store]") {
  TempDir dir;
  const std::string path = dir.file("a/b/slatrack.db");
  {
    const std::unique_ptr<Store> store = open_sqlite_store(path);
    CHECK(store->schema_version() == store::k_schema_version);
    CHECK(store->location() == path);
  }
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  REQUIRE(::stat(dir.file("a/b").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);
  REQUIRE(::stat(dir.file("a").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0700);

  sqlite::Database db = raw(path);
  CHECK(scalar(db, "PRAGMA user_version") == store::k_schema_version);
  CHECK(scalar(db, "PRAGMA application_id") == store::k_application_id);
  sqlite::Statement mode(db, "PRAGMA journal_mode");
  sqlite::Statement::Use use = mode.use();
  REQUIRE(use.step());
  CHECK(use.text(0) == "wal");
}

TEST_CASE("reopening a database is harmless", "[store]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  {
    const std::unique_ptr<Store> store = open_sqlite_store(path);
    store->add_client(NewClient{"Acme", {}, {}, {}, {}});
  }
  const std::unique_ptr<Store> store = open_sqlite_store(path);
  CHECK(store->schema_version() == store::k_schema_version);
  CHECK(store->clients().size() == 1);
  CHECK(store->calendars().size() == 1);
  CHECK(store->policies().size() == 1);
  const std::unique_ptr<Store> second = open_sqlite_store(path);
  CHECK(second->clients().size() == 1);
}

TEST_CASE("a database from a newer slatrack is refused and left untouched", "[store]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  static_cast<void>(open_sqlite_store(path));
  {
    sqlite::Database db = raw(path);
    db.exec(fmt::format("PRAGMA user_version = {}", store::k_schema_version + 1), "test");
  }
  const std::string before = read_bytes(path);
  REQUIRE(!before.empty());
  CHECK(message_of([&] { static_cast<void>(open_sqlite_store(path)); }, ErrorKind::storage)
        == fmt::format("{} was made by a newer slatrack (schema {}, this one knows {}); upgrade "
                       "slatrack",
                       path, store::k_schema_version + 1, store::k_schema_version));
  CHECK(read_bytes(path) == before);
}

TEST_CASE("a file that is not a SQLite database is refused and left untouched", "[store]") {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 200; ++i) {
      out << "these are my notes, not a database\n";
    }
  }
  const std::string before = read_bytes(path);
  CHECK(message_of([&] { static_cast<void>(open_sqlite_store(path)); }, ErrorKind::storage)
        == fmt::format("{} is not a slatrack database (file is not a database); point --db at "
                       "another file",
                       path));
  CHECK(read_bytes(path) == before);
}

TEST_CASE("another program's SQLite database is refused", "[store]") {
  TempDir dir;
  const std::string path = dir.file("other.db");
  {
    sqlite::Database db = raw(path);
    db.exec("CREATE TABLE things (x INTEGER)", "test");
  }
  CHECK(message_of([&] { static_cast<void>(open_sqlite_store(path)); }, ErrorKind::storage)
        == fmt::format("{} is not a slatrack database (it holds tables of another program); "
                       "point --db at another file",
                       path));
  CHECK(rows(path, "things") == 0);
}

TEST_CASE("a directory or an uncreatable path is a storage error", "[store]") {
  TempDir dir;
  CHECK(message_of([&] { static_cast<void>(open_sqlite_store(dir.file(""))); }, ErrorKind::storage)
            .find("is a directory; point --db at a file")
        != std::string::npos);
  {
    std::ofstream out(dir.file("plain"));
    out << "x";
  }
  CHECK(message_of([&] { static_cast<void>(open_sqlite_store(dir.file("plain/sub/x.db"))); },
                   ErrorKind::storage)
            .find("it is not a directory")
        != std::string::npos);
}

TEST_CASE("a read-only database file or directory is refused with what to do", "[store]") {
  if (::geteuid() == 0) {
    WARN("running as root: permissions do not apply, skipped");
    return;
  }
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  static_cast<void>(open_sqlite_store(path));
  REQUIRE(::chmod(path.c_str(), 0400) == 0);
  CHECK(
      message_of([&] { static_cast<void>(open_sqlite_store(path)); }, ErrorKind::storage)
      == fmt::format("cannot write {}: read-only; check the file's permissions or use --db", path));
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  const std::string folder = dir.file("");
  REQUIRE(::chmod(folder.c_str(), 0500) == 0);
  const std::string message =
      message_of([&] { static_cast<void>(open_sqlite_store(path)); }, ErrorKind::storage);
  CHECK(message.starts_with(fmt::format("cannot write {}: its directory", path)));
  CHECK(message_of([&] { static_cast<void>(open_sqlite_store(dir.file("new.db"))); },
                   ErrorKind::storage)
            .starts_with(fmt::format("cannot create {}: Permission denied", dir.file("new.db"))));
  REQUIRE(::chmod(folder.c_str(), 0700) == 0);
}

TEST_CASE("many connections create and write one database at once", "[store]") {
  TempDir dir;
  const std::string path = dir.file("shared/slatrack.db");
  constexpr int k_threads = 6;
  constexpr int k_each = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&, t] {
      try {
        const std::unique_ptr<Store> store = open_sqlite_store(path);
        for (int i = 0; i < k_each; ++i) {
          NewRequest request =
              new_request(fmt::format("client {}", t), fmt::format("subject {}", i), k_t0, k_t0);
          request.create_client = true;
          request.ref = fmt::format("ref-{}-{}", t, i);
          const LogResult logged = store->log_request(request);
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
  CHECK(rows(path, "requests") == k_threads * k_each);
  CHECK(rows(path, "events") == 2 * k_threads * k_each);
}

TEST_CASE("a writer waits for another; busy past the timeout says what to do", "[store]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  const std::unique_ptr<Store> store = open_sqlite_store(path);
  sqlite::Database holder = raw(path);
  holder.exec("BEGIN IMMEDIATE", "test");
  std::thread release([&holder] {
    std::this_thread::sleep_for(std::chrono::milliseconds{300});
    holder.exec("COMMIT", "test");
  });
  CHECK_NOTHROW(store->add_client(NewClient{"Acme", {}, {}, {}, {}}));
  release.join();
  CHECK(store->clients().size() == 1);

  holder.exec("BEGIN IMMEDIATE", "test");
  sqlite::Database impatient = raw(path);
  REQUIRE(sqlite3_busy_timeout(impatient.get(), 50) == SQLITE_OK);
  CHECK(message_of([&] { sqlite::Transaction write(impatient); }, ErrorKind::storage)
        == fmt::format("database {} is busy (another slatrack is writing); try again", path));
  holder.exec("ROLLBACK", "test");
}

// Issue 20: a database file is never left wider than 0600, whoever made the empty file.
TEST_CASE("an existing empty file is made a database readable by its owner only", "[store]") {
  TempDir dir;
  const std::string path = dir.file("empty.db");
  { std::ofstream out(path); }
  REQUIRE(::chmod(path.c_str(), 0640) == 0);
  const std::unique_ptr<Store> store = open_sqlite_store(path);
  CHECK(store->schema_version() == store::k_schema_version);
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
}

// Issue 13 item 4: a command that only reads never creates a database.
TEST_CASE("reading a missing or empty database creates nothing", "[store]") {
  TempDir dir;
  const std::string missing = dir.file("sub/none.db");
  CHECK(message_of([&] { static_cast<void>(open_sqlite_store(missing, OpenMode::read)); },
                   ErrorKind::storage)
        == fmt::format("no database at {}; create it with: slatrack init (or point --db at your "
                       "database)",
                       missing));
  CHECK(message_of([&] { static_cast<void>(open_sqlite_store(missing, OpenMode::write)); },
                   ErrorKind::storage)
            .starts_with("no database at"));
  struct stat info {};
  CHECK(::stat(dir.file("sub").c_str(), &info) != 0);
  const std::string empty = dir.file("empty.db");
  { std::ofstream out(empty); }
  CHECK(message_of([&] { static_cast<void>(open_sqlite_store(empty, OpenMode::read)); },
                   ErrorKind::storage)
            .find("(the file is empty)")
        != std::string::npos);
  REQUIRE(::stat(empty.c_str(), &info) == 0);
  CHECK(info.st_size == 0);
}

// ---- built-ins ----

TEST_CASE("a new database has the 24x7 calendar and the default policy", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  const std::vector<Calendar> calendars = store->calendars();
  REQUIRE(calendars.size() == 1);
  CHECK(calendars[0].rules.name == "24x7");
  CHECK(calendars[0].rules.zone == "UTC");
  CHECK(calendars[0].builtin);
  CHECK(is_always_open(calendars[0].rules.hours));
  CHECK(calendars[0].rules.holidays.empty());
  CHECK(store->find_calendar("24X7").has_value());

  const std::vector<Policy> policies = store->policies();
  REQUIRE(policies.size() == 1);
  CHECK(policies[0].name == "default");
  CHECK(policies[0].calendar == "24x7");
  CHECK(policies[0].builtin);
  CHECK(policies[0].base == Targets{hours{24}, std::nullopt, std::nullopt});
  CHECK(policies[0].overrides.empty());
  CHECK(store->find_policy("DEFAULT").has_value());
}

TEST_CASE("the built-ins cannot be changed or removed, but default's targets can", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  CHECK(message_of([&] { store->remove_calendar("24x7"); }, ErrorKind::invalid_input)
        == "calendar \"24x7\" is built in and cannot be removed");
  CHECK(message_of(
            [&] {
              store->change_calendar("24x7", CalendarChange{"Europe/Paris", {}});
            },
            ErrorKind::invalid_input)
        == "calendar \"24x7\" is built in and cannot be changed; add your own with: slatrack "
           "calendar add NAME --tz ZONE --hours SPEC");
  CHECK(message_of([&] { store->remove_policy("default"); }, ErrorKind::invalid_input)
        == "SLA policy \"default\" is built in and cannot be removed; change its targets with: "
           "slatrack sla set default");
  PolicyChange change;
  change.reply = hours{4};
  change.retroactive = true;
  CHECK(store->change_policy("default", change).requests == 0);
  CHECK(store->find_policy("default")->base.reply == hours{4});
}

// ---- clients ----

TEST_CASE("a short client name that matches several clients is refused, naming them", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_client(NewClient{"Acme Ltd", {}, {}, {}, {}});
  store->add_client(NewClient{"Acorn Co", {}, {}, {}, {}});
  const std::string ambiguous =
      "\"ac\" could be \"Acme Ltd\" or \"Acorn Co\"; give more of the client's name";
  CHECK(message_of([&] { static_cast<void>(store->find_client("ac")); }, ErrorKind::invalid_input)
        == ambiguous);
  NewRequest request = new_request("ac", "Hi", k_t0, k_t0);
  request.create_client = true;
  CHECK(
      message_of([&] { static_cast<void>(store->log_request(request)); }, ErrorKind::invalid_input)
      == ambiguous);
  CHECK(store->clients().size() == 2);
  // An exact name wins over a longer one it starts: "Acme" is its own client.
  store->add_client(NewClient{"Acme", {}, {}, {}, {}});
  CHECK(store->find_client("acme")->name == "Acme");
  NewRequest by_client = new_request("acor", "Hi", k_t0, k_t0);
  by_client.author = ""; // the client's own message
  const LogResult logged = store->log_request(by_client);
  CHECK(logged.request.client == "Acorn Co");
  CHECK(store->request_detail(logged.request.id).events.front().author == "Acorn Co");
}

TEST_CASE("clients are found case-insensitively, with suggestions when unknown", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_client(
      NewClient{"Acme Ltd", {}, std::string{"ops@acme.test"}, std::string{"ann"}, {}});
  const std::optional<Client> found = store->find_client("ACME ltd");
  REQUIRE(found.has_value());
  CHECK(found->name == "Acme Ltd");
  CHECK(found->policy == "default");
  CHECK(found->email == "ops@acme.test");
  CHECK(found->owner == "ann");
  CHECK(!store->find_client("Acmex").has_value());
  // Short forms: the start of the name or of a word of it.
  CHECK(store->find_client("acme")->name == "Acme Ltd");
  CHECK(store->find_client("LTD")->name == "Acme Ltd");

  CHECK(message_of(
            [&] {
              store->add_client(NewClient{"acme LTD", {}, {}, {}, {}});
            },
            ErrorKind::invalid_input)
        == "client \"Acme Ltd\" exists; change it with: slatrack client edit 'Acme Ltd'");
  CHECK(message_of(
            [&] {
              store->add_client(NewClient{"Beta", std::string{"gold"}, {}, {}, {}});
            },
            ErrorKind::not_found)
        == "no SLA policy \"gold\"; add it with: slatrack sla add gold --reply DUR");
  CHECK(
      message_of(
          [&] { static_cast<void>(store->log_request(new_request("Acme Ltx", "Hi", k_t0, k_t0))); },
          ErrorKind::not_found)
      == "no client \"Acme Ltx\" (did you mean \"Acme Ltd\"?); add it with: slatrack client "
         "add 'Acme Ltx', or pass --create-client");
  CHECK(message_of(
            [&] { static_cast<void>(store->log_request(new_request("zzz", "Hi", k_t0, k_t0))); },
            ErrorKind::not_found)
        == "no client \"zzz\"; add it with: slatrack client add zzz, or pass --create-client");
  CHECK(message_of([&] { store->remove_client("acme ltx"); }, ErrorKind::not_found)
        == "no client \"acme ltx\" (did you mean \"Acme Ltd\"?); list them with: slatrack client "
           "list");
}

TEST_CASE("clients are listed by name with request counts, and changed", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_client(NewClient{"beta", {}, {}, {}, {}});
  store->add_client(NewClient{"Alpha", {}, {}, std::string{"bob"}, {}});
  store->add_policy(make_policy("gold", hours{1}));
  const LogResult one = store->log_request(new_request("alpha", "One", k_t0, k_t0));
  CHECK(one.request.assignee == "bob"); // the client's owner
  static_cast<void>(store->log_request(new_request("alpha", "Two", k_t0, k_t0)));
  static_cast<void>(
      store->add_event(new_event(one.request.id.value, EventKind::resolve, k_t0, k_t0)));

  std::vector<Client> clients = store->clients();
  REQUIRE(clients.size() == 2);
  CHECK(clients[0].name == "Alpha");
  CHECK(clients[0].open_requests == 1);
  CHECK(clients[0].total_requests == 2);
  CHECK(clients[1].name == "beta");
  CHECK(clients[1].total_requests == 0);

  CHECK(
      message_of([&] { store->change_client("beta", renamed("ALPHA")); }, ErrorKind::invalid_input)
      == "client \"Alpha\" exists; pick another name");
  ClientChange change;
  change.rename = "Beta Corp";
  change.policy = "Gold";
  change.owner = "";
  change.note = "VIP";
  static_cast<void>(store->change_client("BETA", change));
  const std::optional<Client> beta = store->find_client("beta corp");
  REQUIRE(beta.has_value());
  CHECK(beta->policy == "gold");
  CHECK(beta->note == "VIP");
  CHECK(!beta->owner.has_value());
  static_cast<void>(store->change_client("Alpha", renamed("alpha"))); // a new case of itself
  CHECK(store->find_client("ALPHA")->name == "alpha");

  CHECK(message_of([&] { store->remove_client("alpha"); }, ErrorKind::invalid_input)
        == "client \"alpha\" has 2 requests; keep it, or move them first with: slatrack edit ID "
           "--client OTHER");
  store->remove_client("beta corp");
  CHECK(store->clients().size() == 1);
}

// ---- requests and events ----

TEST_CASE("logging creates the request, its first message and its reply clock", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  NewRequest request = new_request("New Co", "Invoice is wrong", k_t0 - hours{1}, k_t0);
  request.create_client = true;
  request.channel = Channel::in_person;
  request.priority = Priority::high;
  request.text = "at the counter";
  const LogResult logged = store->log_request(request);
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
  CHECK(store->find_client("new co")->policy == "default");

  const RequestDetail detail = store->request_detail(r.id);
  REQUIRE(detail.events.size() == 1);
  CHECK(detail.events[0].kind == EventKind::message);
  CHECK(detail.events[0].text == "at the counter");
  CHECK(detail.events[0].recorded_at == k_t0);
  CHECK(detail.targets.reply == hours{24});
  REQUIRE(detail.clocks.size() == 1);
  CHECK(detail.clocks[0].outcome == Outcome::running);
}

TEST_CASE("logging a ref that exists returns the existing request and writes nothing", "[store]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  const std::unique_ptr<Store> store = open_sqlite_store(path);
  NewRequest request = new_request("Acme", "Hello", k_t0, k_t0);
  request.create_client = true;
  request.ref = "<msg-1@acme>";
  const LogResult first = store->log_request(request);
  CHECK(first.created);
  request.subject = "Hello again";
  request.now = k_t0 + hours{1};
  const LogResult second = store->log_request(request);
  CHECK(!second.created);
  CHECK(second.request.id == first.request.id);
  CHECK(second.request.subject == "Hello");
  CHECK(rows(path, "requests") == 1);
  CHECK(rows(path, "events") == 1);
}

TEST_CASE("logging or adding an event in the future is refused", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  NewRequest request = new_request("Acme", "Hello", k_t0 + minutes{1}, k_t0);
  request.create_client = true;
  CHECK(
      message_of([&] { static_cast<void>(store->log_request(request)); }, ErrorKind::invalid_input)
      == "the request time 2026-11-23T10:01:00Z is in the future (now is 2026-11-23T10:00:00Z); "
         "give an --at that is not later than now");
  CHECK(store->clients().empty());
  request.at = k_t0;
  const RequestId id = store->log_request(request).request.id;
  CHECK(message_of(
            [&] {
              static_cast<void>(
                  store->add_event(new_event(id.value, EventKind::reply, k_t0 + hours{2}, k_t0)));
            },
            ErrorKind::invalid_input)
            .starts_with("an event cannot be later than now"));
  CHECK(
      message_of(
          [&] { static_cast<void>(store->add_event(new_event(42, EventKind::reply, k_t0, k_t0))); },
          ErrorKind::not_found)
      == "no request #42; list them with: slatrack list --status all");
}

TEST_CASE("a reply stops the reply clock", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  NewRequest request = new_request("Acme", "Hello", k_t0, k_t0);
  request.create_client = true;
  const RequestId id = store->log_request(request).request.id;
  const Request replied =
      store->add_event(new_event(id.value, EventKind::reply, k_t0 + hours{2}, k_t0 + hours{3}));
  CHECK(replied.replied_at == k_t0 + hours{2});
  CHECK(!replied.reply_due.has_value());
  CHECK(!replied.next.has_value());
  const RequestDetail detail = store->request_detail(id);
  REQUIRE(detail.clocks.size() == 1);
  CHECK(detail.clocks[0].outcome == Outcome::met);
  CHECK(detail.clocks[0].stop == k_t0 + hours{2});

  // A follow-up starts a new reply clock; events entered out of order are fine.
  const Request followed =
      store->add_event(new_event(id.value, EventKind::message, k_t0 + hours{1}, k_t0 + hours{3}));
  CHECK(!followed.reply_due.has_value()); // the reply at +2h answers it
  const Request later =
      store->add_event(new_event(id.value, EventKind::message, k_t0 + hours{3}, k_t0 + hours{3}));
  CHECK(later.reply_due == k_t0 + hours{27});
}

TEST_CASE("an event that cannot apply is refused and nothing is written", "[store]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  const std::unique_ptr<Store> store = open_sqlite_store(path);
  NewRequest request = new_request("Acme", "Hello", k_t0, k_t0);
  request.create_client = true;
  const RequestId id = store->log_request(request).request.id;
  const Instant now = k_t0 + hours{5};
  CHECK(store->add_event(new_event(id.value, EventKind::pause, k_t0 + hours{1}, now)).status
        == Status::waiting);
  const std::int64_t events = rows(path, "events");
  const std::int64_t clocks = rows(path, "clocks");
  CHECK(message_of(
            [&] {
              static_cast<void>(
                  store->add_event(new_event(id.value, EventKind::pause, k_t0 + hours{2}, now)));
            },
            ErrorKind::invalid_input)
        == fmt::format("cannot pause #{}: {}", id.value, describe(Conflict::not_open)));
  CHECK(message_of(
            [&] {
              static_cast<void>(
                  store->add_event(new_event(id.value, EventKind::reopen, k_t0 + hours{2}, now)));
            },
            ErrorKind::invalid_input)
        == fmt::format("cannot reopen #{}: {}", id.value, describe(Conflict::not_resolved)));
  CHECK(rows(path, "events") == events);
  CHECK(rows(path, "clocks") == clocks);
  CHECK(store->request_detail(id).events.size() == 2);
  CHECK(store->find_request(id)->status == Status::waiting);
}

TEST_CASE("assign sets the assignee from the latest assign event", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  NewRequest request = new_request("Acme", "Hello", k_t0, k_t0 + hours{5});
  request.create_client = true;
  const RequestId id = store->log_request(request).request.id;
  NewEvent assign = new_event(id.value, EventKind::assign, k_t0 + hours{2}, k_t0 + hours{5});
  assign.text = "bob";
  CHECK(store->add_event(assign).assignee == "bob");
  assign.at = k_t0 + hours{1}; // older than bob's: bob stays
  assign.text = "carol";
  CHECK(store->add_event(assign).assignee == "bob");
  assign.text = std::nullopt;
  CHECK(message_of([&] { static_cast<void>(store->add_event(assign)); }, ErrorKind::invalid_input)
        == fmt::format("assign #{} needs the new assignee", id.value));
  NewEvent note = new_event(id.value, EventKind::note, k_t0 + hours{3}, k_t0 + hours{5});
  note.text = "called back";
  const Request noted = store->add_event(note);
  CHECK(noted.reply_due == k_t0 + hours{24});
  CHECK(store->request_detail(id).events.size() == 4);
}

TEST_CASE("edit changes fields, records one edit event and re-evaluates", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_policy(make_policy("gold", hours{2}));
  store->add_client(NewClient{"Acme", {}, {}, {}, {}});
  store->add_client(NewClient{"Beta", std::string{"gold"}, {}, {}, {}});
  NewRequest request = new_request("Acme", "Hello", k_t0, k_t0);
  request.ref = "R1";
  const RequestId first = store->log_request(request).request.id;
  request.ref = "R2";
  const RequestId second = store->log_request(request).request.id;

  RequestEdit edit;
  edit.id = first;
  edit.priority = Priority::high;
  edit.policy = "GOLD";
  edit.author = "me";
  edit.now = k_t0 + hours{1};
  const Request edited = store->edit_request(edit);
  CHECK(edited.priority == Priority::high);
  CHECK(edited.policy == "gold");
  CHECK(edited.reply_due == k_t0 + hours{2});
  const RequestDetail detail = store->request_detail(first);
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
  const Request moved = store->edit_request(move);
  CHECK(moved.client == "Beta");
  CHECK(moved.policy == "gold");
  CHECK(store->request_detail(second).events.back().text
        == "subject: \"Hello\" -> \"Hello there\"; client: Acme -> Beta; sla: default -> gold");

  RequestEdit clash;
  clash.id = second;
  clash.subject = "Not saved";
  clash.ref = "R1";
  clash.now = k_t0 + hours{1};
  CHECK(message_of([&] { static_cast<void>(store->edit_request(clash)); }, ErrorKind::invalid_input)
        == fmt::format("ref \"R1\" is already used by #{}", first.value));
  CHECK(store->find_request(second)->subject == "Hello there");
  CHECK(store->request_detail(second).events.size() == 2);

  RequestEdit unknown;
  unknown.id = second;
  unknown.policy = "gol";
  CHECK(message_of([&] { static_cast<void>(store->edit_request(unknown)); }, ErrorKind::not_found)
        == "no SLA policy \"gol\" (did you mean \"gold\"?); add it with: slatrack sla add gol "
           "--reply DUR");
  unknown.id = RequestId{99};
  CHECK(message_of([&] { static_cast<void>(store->edit_request(unknown)); }, ErrorKind::not_found)
        == "no request #99; list them with: slatrack list --status all");
}

TEST_CASE("list filters by status, client, assignee, priority and time, by id", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_client(NewClient{"Acme", {}, {}, std::string{"Ann"}, {}});
  store->add_client(NewClient{"Beta", {}, {}, {}, {}});
  const Instant now = k_t0 + hours{10};
  std::vector<RequestId> ids;
  for (int i = 0; i < 6; ++i) {
    NewRequest request =
        new_request(i % 2 == 0 ? "Acme" : "Beta", fmt::format("r{}", i), k_t0 + hours{i}, now);
    request.priority = i == 3 ? Priority::urgent : Priority::normal;
    ids.push_back(store->log_request(request).request.id);
  }
  static_cast<void>(store->add_event(new_event(ids[0].value, EventKind::resolve, now, now)));
  static_cast<void>(store->add_event(new_event(ids[1].value, EventKind::pause, now, now)));

  RequestFilter filter;
  CHECK(store->list_requests(filter).size() == 6);
  filter.statuses = {Status::open, Status::waiting};
  std::vector<Request> listed = store->list_requests(filter);
  REQUIRE(listed.size() == 5);
  CHECK(listed.front().id == ids[1]);
  filter.statuses = {Status::waiting};
  CHECK(store->list_requests(filter).size() == 1);
  filter.statuses.clear();
  filter.client = "acme";
  CHECK(store->list_requests(filter).size() == 3);
  filter.assignee = "ann";
  CHECK(store->list_requests(filter).size() == 3);
  filter.client.reset();
  filter.assignee.reset();
  filter.priority = Priority::urgent;
  listed = store->list_requests(filter);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id == ids[3]);
  filter.priority.reset();
  filter.since = k_t0 + hours{2};
  filter.until = k_t0 + hours{4};
  CHECK(store->list_requests(filter).size() == 2);
  filter.since.reset();
  filter.until.reset();
  filter.limit = 2;
  listed = store->list_requests(filter);
  REQUIRE(listed.size() == 2);
  CHECK(listed[1].id == ids[1]);
  filter.client = "Gamma";
  CHECK(message_of([&] { static_cast<void>(store->list_requests(filter)); }, ErrorKind::not_found)
        == "no client \"Gamma\"; list them with: slatrack client list");
}

// ---- policies ----

TEST_CASE("changing a policy re-evaluates its requests, past ones included", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_policy(make_policy("fast", hours{1}));
  store->add_client(NewClient{"Acme", std::string{"fast"}, {}, {}, {}});
  const Instant now = k_t0 + hours{10};
  const RequestId open_one = store->log_request(new_request("Acme", "a", k_t0, now)).request.id;
  const RequestId done = store->log_request(new_request("Acme", "b", k_t0, now)).request.id;
  static_cast<void>(
      store->add_event(new_event(done.value, EventKind::reply, k_t0 + minutes{90}, now)));
  CHECK(store->request_detail(done).clocks[0].outcome == Outcome::breached);
  CHECK(store->find_request(open_one)->reply_due == k_t0 + hours{1});

  PolicyChange change;
  change.reply = hours{2};
  change.retroactive = true;
  CHECK(store->change_policy("FAST", change).requests == 2);
  CHECK(store->find_request(open_one)->reply_due == k_t0 + hours{2});
  CHECK(store->request_detail(done).clocks[0].outcome == Outcome::met);
  CHECK(store->change_policy("fast", change).requests == 0); // the same rules: nothing changes

  // An override for one priority changes only requests of that priority.
  PolicyChange urgent;
  urgent.priority = Priority::urgent;
  urgent.reply = minutes{30};
  urgent.update = std::optional<Seconds>{}; // none for urgent
  urgent.retroactive = true;
  CHECK(store->change_policy("fast", urgent).requests == 0);
  const std::optional<Policy> fast = store->find_policy("fast");
  REQUIRE(fast.has_value());
  REQUIRE(fast->overrides.count(Priority::urgent) == 1);
  CHECK(fast->overrides.at(Priority::urgent)
        == TargetOverride{minutes{30}, Seconds{0}, std::nullopt});
  RequestEdit edit;
  edit.id = open_one;
  edit.priority = Priority::urgent;
  edit.now = now;
  CHECK(store->edit_request(edit).reply_due == k_t0 + minutes{30});

  // Base update and resolve: a value, then none.
  PolicyChange base;
  base.retroactive = true;
  base.update = std::optional<Seconds>{hours{8}};
  base.resolve = std::optional<Seconds>{hours{48}};
  static_cast<void>(store->change_policy("fast", base));
  CHECK(store->find_policy("fast")->base == Targets{hours{2}, hours{8}, hours{48}});
  base.update = std::optional<Seconds>{};
  static_cast<void>(store->change_policy("fast", base));
  CHECK(store->find_policy("fast")->base == Targets{hours{2}, std::nullopt, hours{48}});
  CHECK(store->find_request(done)->resolve_due == k_t0 + hours{48});
}

TEST_CASE("policies are validated, listed by name and removed only when unused", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  CHECK(message_of([&] { store->add_policy(make_policy("zero", Seconds{0})); },
                   ErrorKind::invalid_input)
        == "SLA policy \"zero\": the reply target must be longer than 0; give a duration such as "
           "2h");
  CHECK(message_of([&] { store->add_policy(make_policy("biz", hours{1}, "ofice")); },
                   ErrorKind::not_found)
        == "no calendar \"ofice\"; add it with: slatrack calendar add ofice --tz ZONE --hours "
           "SPEC");
  Policy silver = make_policy("silver", hours{4});
  silver.overrides[Priority::urgent] = TargetOverride{hours{1}, std::nullopt, std::nullopt};
  store->add_policy(silver);
  store->add_policy(make_policy("Bronze", hours{8}));
  CHECK(message_of([&] { store->add_policy(make_policy("SILVER", hours{1})); },
                   ErrorKind::invalid_input)
        == "SLA policy \"silver\" exists; change it with: slatrack sla set silver");
  const std::vector<Policy> policies = store->policies();
  REQUIRE(policies.size() == 3);
  CHECK(policies[0].name == "Bronze");
  CHECK(policies[1].name == "default");
  CHECK(policies[2].name == "silver");
  CHECK(policies[2].overrides.at(Priority::urgent).reply == hours{1});
  CHECK(targets_for(policies[2], Priority::urgent).reply == hours{1});

  store->add_client(NewClient{"Acme", std::string{"silver"}, {}, {}, {}});
  CHECK(message_of([&] { store->remove_policy("silver"); }, ErrorKind::invalid_input)
        == "SLA policy \"silver\" is used by 1 client; move them first with: slatrack client "
           "edit NAME --sla OTHER");
  static_cast<void>(store->log_request(new_request("Acme", "x", k_t0, k_t0)));
  static_cast<void>(store->change_client("Acme", with_policy("Bronze")));
  CHECK(message_of([&] { store->remove_policy("silver"); }, ErrorKind::invalid_input)
        == "SLA policy \"silver\" is used by 1 request; keep it, or move them first with: "
           "slatrack edit ID --sla OTHER");
  CHECK(message_of([&] { store->remove_policy("nope"); }, ErrorKind::not_found)
        == "no SLA policy \"nope\"; list them with: slatrack sla list");
  store->add_policy(make_policy("temp", hours{1}));
  store->remove_policy("TEMP");
  CHECK(!store->find_policy("temp").has_value());
}

// ---- calendars ----

TEST_CASE("calendars are added, found case-insensitively and removed only when unused", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  CalendarRules office;
  office.name = "Office";
  office.zone = "europe/london";
  office.hours = parse_hours("mon-fri 09:00-17:00");
  office.holidays = {Holiday{0, 12, 25, "Christmas"}};
  store->add_calendar(office);
  const std::optional<Calendar> found = store->find_calendar("OFFICE");
  REQUIRE(found.has_value());
  CHECK(found->rules.name == "Office");
  CHECK(found->rules.zone == "Europe/London");
  CHECK(found->rules.hours == office.hours);
  CHECK(found->rules.holidays == office.holidays);
  CHECK(!found->builtin);
  CHECK(store->calendars().size() == 2);

  CHECK(message_of([&] { store->add_calendar(office); }, ErrorKind::invalid_input)
        == "calendar \"Office\" exists; change it with: slatrack calendar edit Office");
  CalendarRules bad = office;
  bad.name = "Mars";
  bad.zone = "Mars/Olympus";
  CHECK_THROWS_AS(store->add_calendar(bad), Error);
  CHECK(!store->find_calendar("Mars").has_value());

  store->add_policy(make_policy("biz", hours{2}, "office"));
  CHECK(message_of([&] { store->remove_calendar("office"); }, ErrorKind::invalid_input)
        == "calendar \"Office\" is used by policy \"biz\"; move the policy first with: slatrack "
           "sla set biz --calendar OTHER");
  CHECK(message_of(
            [&] {
              store->remove_holidays("office", {Holiday{2026, 12, 24, ""}});
            },
            ErrorKind::invalid_input)
        == "calendar \"Office\" has no holiday 2026-12-24; see them with: slatrack calendar show "
           "Office");
  CHECK(message_of([&] { store->remove_calendar("ofice"); }, ErrorKind::not_found)
        == "no calendar \"ofice\" (did you mean \"Office\"?); list them with: slatrack calendar "
           "list");
  store->add_policy(make_policy("biz 2", hours{2}, "office"));
  CHECK(message_of([&] { store->remove_calendar("office"); }, ErrorKind::invalid_input)
        == "calendar \"Office\" is used by policies \"biz\" and \"biz 2\"; move them first with: "
           "slatrack sla set biz --calendar OTHER");
  PolicyChange move;
  move.calendar = "24x7";
  move.retroactive = true;
  static_cast<void>(store->change_policy("biz", move));
  static_cast<void>(store->change_policy("biz 2", move));
  store->remove_calendar("office");
  CHECK(store->calendars().size() == 1);
}

TEST_CASE("changing a calendar's hours or holidays re-evaluates requests on it", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  CalendarRules office;
  office.name = "office";
  office.zone = "Europe/London";
  office.hours = parse_hours("mon-fri 09:00-17:00");
  store->add_calendar(office);
  store->add_policy(make_policy("biz", hours{2}, "office"));
  store->add_client(NewClient{"Acme", std::string{"biz"}, {}, {}, {}});
  const Instant friday = utc(2026, 11, 20, 16, 30); // London is on UTC in November
  const RequestId id = store->log_request(new_request("Acme", "x", friday, friday)).request.id;
  CHECK(store->find_request(id)->reply_due == utc(2026, 11, 23, 10, 30));
  CHECK(store->find_request(id)->calendar == "office");

  CHECK(store
            ->change_calendar("office",
                              CalendarChange{std::nullopt, parse_hours("mon-fri 09:00-18:00")})
            .requests
        == 1);
  CHECK(store->find_request(id)->reply_due == utc(2026, 11, 23, 9, 30));
  CHECK(store->add_holidays("office", {Holiday{2026, 11, 23, "closed"}}).requests == 1);
  CHECK(store->find_request(id)->reply_due == utc(2026, 11, 24, 9, 30));
  CHECK(store->find_calendar("office")->rules.holidays.size() == 1);
  CHECK(store->remove_holidays("office", {Holiday{2026, 11, 23, ""}}).requests == 1);
  CHECK(store->find_request(id)->reply_due == utc(2026, 11, 23, 9, 30));
  CHECK(store->change_calendar("office", CalendarChange{"America/New_York", std::nullopt}).requests
        == 1);
  // 16:30 UTC = 11:30 New York: 2h fits on Friday.
  CHECK(store->find_request(id)->reply_due == utc(2026, 11, 20, 18, 30));
  CHECK(message_of(
            [&] {
              static_cast<void>(store->add_holidays("office", {Holiday{2026, 2, 30, ""}}));
            },
            ErrorKind::invalid_input)
        == "holiday 2026-02-30 is not a date; write YYYY-MM-DD (once) or MM-DD (every year)");
}

// ---- overdue ----

TEST_CASE("overdue lists running clocks most late first, with at risk within W", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_client(NewClient{"Acme", {}, {}, std::string{"ann"}, {}});
  store->add_client(NewClient{"Beta", {}, {}, {}, {}});
  const Instant now = k_t0 + hours{30};
  // reply due at at + 24h: due at now-6h, now-2h, now (exactly), now+3h, now+10h
  const RequestId late2 =
      store->log_request(new_request("Beta", "b", k_t0 + hours{4}, now)).request.id;
  const RequestId late1 = store->log_request(new_request("Acme", "a", k_t0, now)).request.id;
  const RequestId on_time =
      store->log_request(new_request("Acme", "c", k_t0 + hours{6}, now)).request.id;
  const RequestId soon =
      store->log_request(new_request("Acme", "d", k_t0 + hours{9}, now)).request.id;
  static_cast<void>(store->log_request(new_request("Acme", "e", k_t0 + hours{16}, now)));
  const RequestId resolved = store->log_request(new_request("Acme", "f", k_t0, now)).request.id;
  static_cast<void>(
      store->add_event(new_event(resolved.value, EventKind::resolve, k_t0 + hours{1}, now)));

  OverdueQuery query;
  query.now = now;
  std::vector<OverdueItem> items = store->overdue(query);
  REQUIRE(items.size() == 2);
  CHECK(items[0].request.id == late1);
  CHECK(items[0].metric == Metric::reply);
  CHECK(items[0].due == now - hours{6});
  CHECK(items[1].request.id == late2);

  query.within = hours{3};
  items = store->overdue(query);
  REQUIRE(items.size() == 4);
  CHECK(items[2].request.id == on_time); // due == now: at risk, not overdue
  CHECK(items[2].due == now);
  CHECK(items[3].request.id == soon);

  query.client = "acme";
  items = store->overdue(query);
  REQUIRE(items.size() == 3);
  CHECK(items[0].request.id == late1);
  query.client.reset();
  query.assignee = "ANN";
  CHECK(store->overdue(query).size() == 3);
  query.assignee = "nobody";
  CHECK(store->overdue(query).empty());
  query.assignee.reset();
  query.client = "Gamma";
  CHECK_THROWS_AS(store->overdue(query), Error);
}

TEST_CASE("overdue --new shows each breach once, and each at-risk clock once", "[store]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  const std::unique_ptr<Store> store = open_sqlite_store(path);
  store->add_client(NewClient{"Acme", {}, {}, {}, {}});
  const Instant now = k_t0 + hours{30};
  const RequestId late = store->log_request(new_request("Acme", "a", k_t0, now)).request.id;
  const RequestId soon =
      store->log_request(new_request("Acme", "b", k_t0 + hours{8}, now)).request.id;

  OverdueQuery query;
  query.now = now;
  query.only_new = true;
  std::vector<OverdueItem> items = store->overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].request.id == late);
  CHECK(store->overdue(query).empty());
  query.now = now + hours{1};
  CHECK(store->overdue(query).empty());

  query.within = hours{4}; // `soon` is due at now + 2h: at risk, shown once
  items = store->overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].request.id == soon);
  CHECK(store->overdue(query).empty());
  query.now = now + hours{3}; // now it has breached: shown once more
  items = store->overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].request.id == soon);
  CHECK(store->overdue(query).empty());

  // Without --new everything is still listed, and nothing is remembered.
  query.only_new = false;
  CHECK(store->overdue(query).size() == 2);
  CHECK(rows(path, "overdue_seen") == 3);

  // A new clock of the same request is a new breach.
  static_cast<void>(store->add_event(new_event(late.value, EventKind::reply, now, now)));
  static_cast<void>(store->add_event(new_event(late.value, EventKind::message, now, now)));
  query.only_new = true;
  query.within.reset();
  query.now = now + hours{25};
  items = store->overdue(query);
  REQUIRE(items.size() == 1);
  CHECK(items[0].request.id == late);
}

TEST_CASE("overdue at risk is measured in open time on the request's calendar", "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  CalendarRules office;
  office.name = "office";
  office.zone = "UTC";
  office.hours = parse_hours("mon-fri 09:00-17:00");
  store->add_calendar(office);
  store->add_policy(make_policy("biz", hours{2}, "office"));
  store->add_client(NewClient{"Acme", std::string{"biz"}, {}, {}, {}});
  const Instant friday = utc(2026, 11, 20, 16, 0);
  const Instant now = utc(2026, 11, 20, 16, 30);
  static_cast<void>(store->log_request(new_request("Acme", "x", friday, now))); // due Mon 10:00
  OverdueQuery query;
  query.now = now;
  query.within = hours{1}; // Fri 16:30 + 1h open = Mon 09:30: not yet at risk
  CHECK(store->overdue(query).empty());
  query.within = minutes{90}; // + 1h30 open = Mon 10:00
  CHECK(store->overdue(query).size() == 1);
}

TEST_CASE("overdue reads only the covering partial index of running clocks", "[store]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  static_cast<void>(open_sqlite_store(path));
  sqlite::Database db = raw(path);
  for (const bool by_client : {false, true}) {
    for (const bool by_assignee : {false, true}) {
      for (const bool with_start : {false, true}) {
        sqlite::Statement plan(db, "EXPLAIN QUERY PLAN "
                                       + store::overdue_query(by_client, by_assignee, with_start));
        sqlite::Statement::Use use = plan.use();
        std::string details;
        while (use.step()) {
          details += use.text(3) + "\n";
        }
        INFO(details);
        // COVERING: the requests table itself is never read.
        CHECK(details.find("SEARCH r USING COVERING INDEX requests_running (")
              != std::string::npos);
        CHECK(details.find("SCAN r") == std::string::npos);
        CHECK(details.find("TEMP B-TREE") == std::string::npos);
        // Only --new looks up the clock's start.
        CHECK((details.find("SEARCH s ") != std::string::npos) == with_start);
      }
    }
  }
}

TEST_CASE("void, unvoid and undo find merge's copies through their index", "[store]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  static_cast<void>(open_sqlite_store(path));
  sqlite::Database db = raw(path);
  for (const bool voids : {false, true}) {
    sqlite::Statement plan(db, "EXPLAIN QUERY PLAN " + store::merged_copies_query(voids));
    sqlite::Statement::Use use = plan.use();
    std::string details;
    while (use.step()) {
      details += use.text(3) + "\n";
    }
    INFO(details);
    // Every event was read (0.5 s at a million requests) before migration 9.
    CHECK(details.find("SEARCH events USING INDEX events_by_merged_from (merged_from=?)")
          != std::string::npos);
    CHECK(details.find("SCAN events") == std::string::npos);
  }
}

// ---- transactions ----

TEST_CASE("a failing operation rolls back everything it wrote", "[store]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  const std::unique_ptr<Store> store = open_sqlite_store(path);
  store->add_client(NewClient{"Acme", {}, {}, {}, {}});
  const RequestId id = store->log_request(new_request("Acme", "a", k_t0, k_t0)).request.id;
  const auto counts = [&] {
    return std::vector<std::int64_t>{rows(path, "clients"), rows(path, "requests"),
                                     rows(path, "events"), rows(path, "clocks"),
                                     rows(path, "policy_targets")};
  };
  const std::vector<std::int64_t> before = counts();
  // The event is inserted, then evaluation refuses it.
  CHECK_THROWS_AS(store->add_event(new_event(id.value, EventKind::resume, k_t0, k_t0)), Error);
  // The client would be created, but the request cannot be.
  NewRequest request = new_request("Newco", "", k_t0, k_t0);
  request.create_client = true;
  CHECK_THROWS_AS(store->log_request(request), Error);
  // The policy would be inserted, then its calendar is unknown.
  CHECK_THROWS_AS(store->add_policy(make_policy("x", hours{1}, "nope")), Error);
  CHECK(counts() == before);
  // The store is still usable after a rollback.
  CHECK(store->add_event(new_event(id.value, EventKind::reply, k_t0, k_t0)).replied_at == k_t0);
}

TEST_CASE("the store checks names whatever brought them: rules file, command line, import",
          "[store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  CHECK(message_of(
            [&] {
              store->add_client(NewClient{"x\ay", {}, {}, {}, {}});
            },
            ErrorKind::invalid_input)
        == "client name \"x\\x07y\" has a control character (0x07 at offset 1); only printable "
           "text is accepted here");
  CHECK(message_of(
            [&] {
              store->add_client(NewClient{" acme ", {}, {}, {}, {}});
            },
            ErrorKind::invalid_input)
        == "client name \" acme \" begins or ends with a space; give it without");
  CHECK(message_of(
            [&] {
              store->add_client(NewClient{"acme", {}, {}, std::string(20000, 'a'), {}});
            },
            ErrorKind::invalid_input)
        == "--owner \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\" is 20000 bytes long; at most "
           "1000 bytes are accepted");
  CHECK(message_of(
            [&] {
              store->add_client(NewClient{"acme", {}, std::string("ops\0@x", 6), {}, {}});
            },
            ErrorKind::invalid_input)
            .starts_with("--email \"ops\\x00@x\" has a control character"));
  CHECK(message_of([&] { store->add_policy(make_policy("a\xE2\x80\xAE", Seconds{3600})); },
                   ErrorKind::invalid_input)
            .starts_with("policy name \"a\xE2\x80\xAE\" has a bidirectional formatting character"));
  CHECK(store->clients().empty());
  store->add_client(NewClient{"acme", {}, {}, {}, {}});
  CHECK(message_of(
            [&] {
              ClientChange change;
              change.rename = "acme\n";
              store->change_client("acme", change);
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
      store->import_requests(std::span<const ImportRequest>(&request, 1),
                             ImportOptions{Instant{Seconds{1795430800}}, true});
  REQUIRE(result.outcomes.size() == 1);
  CHECK(result.outcomes[0].status == ImportStatus::refused);
  CHECK(result.outcomes[0].reason.starts_with(
      "client name \"Invoice \xE2\x80\xAE"
      "fdp\" has a bidirectional formatting character (U+202E at offset 8)"));
  CHECK(store->clients().size() == 1);
}

// ---- policy versions (SPEC.md "Rules have dates") ----

TEST_CASE("a change from now touches no past request; one from a past time re-judges those "
          "received since",
          "[store][versions]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_policy(make_policy("std", hours{4}));
  store->add_client(NewClient{"Acme", std::string{"std"}, {}, {}, {}});
  const Instant now = k_t0 + hours{48};
  const RequestId old_one = store->log_request(new_request("Acme", "old", k_t0, now)).request.id;
  static_cast<void>(
      store->add_event(new_event(old_one.value, EventKind::reply, k_t0 + hours{3}, now)));
  const RequestId recent =
      store->log_request(new_request("Acme", "recent", now - hours{1}, now)).request.id;

  PolicyChange tighter;
  tighter.reply = hours{2};
  tighter.from = now;
  const RuleEffect forward = store->change_policy("std", tighter);
  CHECK(forward.requests == 0);
  CHECK(forward.outcomes == 0);
  CHECK(forward.moved == 0);
  CHECK(store->request_detail(old_one).clocks[0].outcome == Outcome::met);
  CHECK(store->find_request(recent)->reply_due == now + hours{3});
  // A request logged after the change is judged by the new version.
  const RequestId next = store->log_request(new_request("Acme", "next", now, now)).request.id;
  CHECK(store->find_request(next)->reply_due == now + hours{2});
  CHECK(store->request_detail(next).targets.reply == Target{hours{2}});
  CHECK(store->request_detail(recent).targets.reply == Target{hours{4}});

  // From a past time: the recent request (received since) is re-judged, its clock moves.
  tighter.from = now - hours{2};
  const RuleEffect past = store->change_policy("std", tighter);
  CHECK(past.requests == 1);
  CHECK(past.outcomes == 0);
  CHECK(past.moved == 1);
  CHECK(store->find_request(recent)->reply_due == now + hours{1});
  CHECK(store->request_detail(old_one).clocks[0].outcome == Outcome::met);

  // Retroactive: the old request's met reply (3h) is now breached against 2h.
  PolicyChange fix;
  fix.reply = hours{2};
  fix.retroactive = true;
  const RuleEffect retro = store->change_policy("std", fix);
  CHECK(retro.outcomes == 1);
  CHECK(retro.moved == 0);
  CHECK(store->request_detail(old_one).clocks[0].outcome == Outcome::breached);
  const std::optional<Policy> policy = store->find_policy("std");
  REQUIRE(policy.has_value());
  CHECK(policy->versions.size() == 3);
  CHECK(store->check([](const std::string&) {}).problems == 0);
}

TEST_CASE("client edit --sla --open moves the requests not resolved", "[store][versions]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_policy(make_policy("slow", hours{8}));
  store->add_policy(make_policy("fast", hours{1}));
  store->add_client(NewClient{"Acme", std::string{"slow"}, {}, {}, {}});
  const Instant now = k_t0 + hours{10};
  const RequestId open_one = store->log_request(new_request("Acme", "a", k_t0, now)).request.id;
  const RequestId done = store->log_request(new_request("Acme", "b", k_t0, now)).request.id;
  static_cast<void>(
      store->add_event(new_event(done.value, EventKind::resolve, k_t0 + hours{2}, now)));
  ClientChange change;
  change.policy = "fast";
  change.open = true;
  change.now = now;
  change.recorder = "me";
  const RuleEffect effect = store->change_client("Acme", change);
  CHECK(effect.requests == 1);
  CHECK(effect.moved == 1);
  CHECK(store->find_request(open_one)->policy == "fast");
  CHECK(store->find_request(open_one)->reply_due == k_t0 + hours{1});
  CHECK(store->find_request(done)->policy == "slow");
  const RequestDetail detail = store->request_detail(open_one);
  CHECK(detail.events.back().kind == EventKind::edit);
  CHECK(detail.events.back().text == std::optional<std::string>{"sla: slow -> fast"});
}

TEST_CASE("a policy change from a time reads one index range of requests, no scan",
          "[store][versions]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  static_cast<void>(open_sqlite_store(path));
  sqlite::Database db = raw(path);
  sqlite::Statement plan(db,
                         "EXPLAIN QUERY PLAN " + std::string(store::k_requests_received_between));
  sqlite::Statement::Use use = plan.use();
  std::string details;
  while (use.step()) {
    details += use.text(3) + "\n";
  }
  INFO(details);
  CHECK(details.find("SEARCH requests USING COVERING INDEX requests_by_policy (policy_id=? AND "
                     "received_at>? AND received_at<?)")
        != std::string::npos);
  CHECK(details.find("SCAN") == std::string::npos);
}
