// Tests of what is the SQLite store's own: opening, creating and migrating files, many connections
// on one file, and the query plans of its indexes. What every backend promises (each operation,
// its messages, derived state, overdue --new) is the Store contract suite, test_store_contract.cpp.
// This file inspects the database with SQL through the store's own RAII wrappers, like the store
// does.
#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/model.hpp"
#include "slatrack/store.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_store.hpp"
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
    store->add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
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
  CHECK_NOTHROW(store->add_client(NewClient{"Acme", {}, {}, {}, {}, {}}));
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

// The plan of `sql` on `db`, one line per step.
std::string query_plan(sqlite::Database& db, const std::string& sql) {
  sqlite::Statement plan(db, "EXPLAIN QUERY PLAN " + sql);
  sqlite::Statement::Use use = plan.use();
  std::string details;
  while (use.step()) {
    details += use.text(3) + "\n";
  }
  return details;
}

TEST_CASE("a policy change from a time reads one index range of requests, no scan",
          "[store][versions]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  static_cast<void>(open_sqlite_store(path));
  sqlite::Database db = raw(path);
  const store::SelectionQueries queries = store::selection_queries(
      store::RequestSelection{store::RequestSelection::By::policy_received, 1, 2, 3});
  CHECK(queries.parameters == 3);
  for (const std::string& sql : {queries.requests, queries.events, queries.clocks}) {
    const std::string details = query_plan(db, sql);
    INFO(sql << "\n" << details);
    CHECK(details.find("SEARCH requests USING COVERING INDEX requests_by_policy (policy_id=? AND "
                       "received_at>? AND received_at<?)")
          != std::string::npos);
    CHECK(details.find("SCAN") == std::string::npos);
    CHECK(details.find("TEMP B-TREE") == std::string::npos);
  }
}

TEST_CASE("re-evaluation's cursors walk their indexes in request order: no scan, no sort",
          "[store][versions]") {
  TempDir dir;
  const std::string path = dir.file("slatrack.db");
  static_cast<void>(open_sqlite_store(path));
  sqlite::Database db = raw(path);
  using By = store::RequestSelection::By;
  // What finds the ids of each selection, in the plan of every cursor.
  const std::vector<std::pair<By, std::string>> selections = {
      {By::request, "SEARCH"},
      {By::policy, "SEARCH requests USING COVERING INDEX requests_by_policy (policy_id=?)"},
      {By::calendar, "SEARCH policy_versions USING INDEX policy_versions_by_calendar"},
      {By::calendar_from, "reevaluated"}};
  for (const auto& [by, ids] : selections) {
    const store::SelectionQueries queries =
        store::selection_queries(store::RequestSelection{by, 1});
    for (const std::string& setup : queries.setup) {
      db.exec(setup, "filling the temporary table"); // parameters NULL: no rows
    }
    for (const std::string& sql : {queries.requests, queries.events, queries.clocks}) {
      const std::string details = query_plan(db, sql);
      INFO(sql << "\n" << details);
      CHECK(details.find(ids) != std::string::npos);
      for (const char* table : {"SCAN requests", "SCAN events", "SCAN clocks", "TEMP B-TREE"}) {
        CHECK(details.find(table) == std::string::npos);
      }
    }
  }
}

TEST_CASE("clients have mail addresses and domains; mail finds them", "[store][mail]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_client(NewClient{"Acme Ltd",
                              {},
                              {"Ops@Acme.example", "ann@acme.example", "ann@acme.example"},
                              {"acme.example", "ACME.co.uk"},
                              {},
                              {}});
  const Client acme = *store->find_client("acme");
  CHECK(acme.emails == std::vector<std::string>{"ann@acme.example", "ops@acme.example"});
  CHECK(acme.domains == std::vector<std::string>{"acme.co.uk", "acme.example"});
  CHECK(store->client_for_address("ops@acme.example") == std::optional<std::string>{"Acme Ltd"});
  CHECK(store->client_for_address("zoe@acme.co.uk") == std::optional<std::string>{"Acme Ltd"});
  CHECK(!store->client_for_address("zoe@sub.acme.co.uk"));

  // An address belongs to one client.
  CHECK(message_of(
            [&] {
              store->add_client(NewClient{"Beta", {}, {"ann@acme.example"}, {}, {}, {}});
            },
            ErrorKind::invalid_input)
        == "--email ann@acme.example is client \"Acme Ltd\"'s already (mail from it must find one "
           "client); change that client first: slatrack client edit 'Acme Ltd' --email ...");
  CHECK(!store->find_client("Beta"));
  store->add_client(NewClient{"Beta", {}, {"b@beta.example"}, {"beta.example"}, {}, {}});
  CHECK(store->client_for_address("ann@beta.example") == std::optional<std::string>{"Beta"});
  // An email wins over a domain.
  ClientChange change;
  change.emails = std::vector<std::string>{"ann@beta.example"};
  static_cast<void>(store->change_client("Beta", change));
  CHECK(store->find_client("Beta")->emails == std::vector<std::string>{"ann@beta.example"});
  change.emails = std::vector<std::string>{};
  change.domains = std::vector<std::string>{"acme.example"};
  CHECK(message_of([&] { static_cast<void>(store->change_client("Beta", change)); },
                   ErrorKind::invalid_input)
            .starts_with("--domain acme.example is client \"Acme Ltd\"'s already"));
  CHECK(store->find_client("Beta")->emails == std::vector<std::string>{"ann@beta.example"});

  // Message ids: recorded by mail, or a request's ref; a merged request stands for its target.
  const Instant at = k_t0;
  NewRequest wanted;
  wanted.client = "Acme Ltd";
  wanted.subject = "Invoice";
  wanted.ref = "<a@x>";
  wanted.at = at;
  wanted.now = at + hours{1};
  const RequestId first = store->log_request(wanted).request.id;
  wanted.ref = "<b@x>";
  const RequestId second = store->log_request(wanted).request.id;
  store->record_message("<c@x>", second);
  store->record_message("<c@x>", first); // noted once: the first stays
  CHECK(store->message_recorded("<a@x>"));
  CHECK(store->message_recorded("<c@x>"));
  CHECK(!store->message_recorded("<d@x>"));
  const std::vector<std::string> ids{"<d@x>", "<c@x>", "<a@x>"};
  CHECK(store->request_for_messages(ids) == std::optional<RequestId>{second});
  static_cast<void>(store->merge(MergeChange{second, first, "ann", at + hours{2}}));
  CHECK(!store->request_counts(second));
  CHECK(store->request_counts(first));
  CHECK(store->request_for_messages(ids) == std::optional<RequestId>{first});
  CHECK(!store->request_for_messages(std::vector<std::string>{"<d@x>"}));
}
