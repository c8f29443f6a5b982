// Tests of the store's bulk import (Store::start_bulk_import): all its batches are one transaction
// in which the secondary indexes are dropped and built again at commit. Dropped or not, what it
// writes is what batch-by-batch import writes; a rollback (an exception, or a crash, which ends
// the same way) leaves the database as it was, indexes included; readers meanwhile see the
// database as it was; duplicates are found across batches, with or without ref.
#include "slatrack/model.hpp"
#include "slatrack/store.hpp"
#include "store/sqlite_store.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <fmt/format.h>
#include <sqlite3.h>
#include <string>
#include <vector>

using namespace slatrack;
using std::chrono::hours;
using std::chrono::minutes;

using slatrack::testing::TempDir;
using slatrack::testing::utc;

namespace {

const Instant k_t0 = utc(2026, 11, 2, 9, 0); // a Monday
const Instant k_now = utc(2026, 11, 30, 12, 0);

ImportEvent event(EventKind kind, Instant at) {
  return ImportEvent{kind, at, "me", std::nullopt, std::nullopt, {}, {}, {}};
}

ImportOptions options() {
  return ImportOptions{k_now, false};
}

void setup_rules(Store& store) {
  Policy standard;
  standard.name = "standard";
  standard.calendar = "24x7";
  standard.base = Targets{hours{2}, hours{8}, hours{40}};
  store.add_policy(standard);
  NewClient acme;
  acme.name = "Acme";
  acme.policy = "standard";
  acme.owner = "ann";
  store.add_client(acme);
}

// Request i of a file: a message, a reply after i minutes, every third one resolved; with a ref
// when `with_ref`.
ImportRequest numbered(int i, bool with_ref) {
  ImportRequest out;
  out.client = "acme";
  out.subject = fmt::format("request {}", i);
  if (with_ref) {
    out.ref = fmt::format("r{}", i);
  }
  const Instant at = k_t0 + minutes{7 * i};
  out.events.push_back(event(EventKind::message, at));
  out.events.push_back(event(EventKind::reply, at + minutes{i % 300}));
  if (i % 3 == 0) {
    out.events.push_back(event(EventKind::resolve, at + hours{5}));
  }
  return out;
}

std::vector<ImportRequest> numbered_batch(int from, int count, bool with_ref) {
  std::vector<ImportRequest> out;
  for (int i = from; i < from + count; ++i) {
    out.push_back(numbered(i, with_ref));
  }
  return out;
}

// A second connection to the file, as another process has it.
class Reader {
public:
  explicit Reader(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  ~Reader() {
    sqlite3_close_v2(m_db);
  }

  // The first column of every row of `sql`, as text, one line each.
  std::string lines(const std::string& sql) {
    sqlite3_stmt* statement = nullptr;
    REQUIRE(sqlite3_prepare_v2(m_db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    std::string out;
    while (sqlite3_step(statement) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(statement, 0);
      out += text == nullptr ? "NULL" : reinterpret_cast<const char*>(text);
      out += '\n';
    }
    sqlite3_finalize(statement);
    return out;
  }

private:
  sqlite3* m_db = nullptr;
};

const std::string k_indexes =
    "SELECT name || ': ' || ifnull(sql, '') FROM sqlite_schema WHERE type = 'index' ORDER BY name";

// Every request's derived state, events and clock runs, as text.
std::string contents(Reader& reader) {
  return reader.lines("SELECT id || ' ' || client_id || ' ' || subject || ' ' || ifnull(ref, '-') "
                      "|| ' ' || status || ' ' || received_at || ' ' || ifnull(replied_at, '-') "
                      "|| ' ' || ifnull(next_due_at, '-') FROM requests ORDER BY id")
         + reader.lines("SELECT request_id || ' ' || kind || ' ' || at FROM events ORDER BY id")
         + reader.lines("SELECT request_id || ' ' || seq || ' ' || metric || ' ' || outcome || "
                        "' ' || ifnull(due_at, '-') || ' ' || used_s FROM clocks "
                        "ORDER BY request_id, seq");
}

std::int64_t problems(Store& store) {
  return store.check([](const std::string&) {}).problems;
}

} // namespace

TEST_CASE("bulk import: the same rows as batch by batch, the same indexes after the commit",
          "[bulk]") {
  const TempDir dir;
  const std::string bulk_path = dir.file("bulk.db");
  const std::string batches_path = dir.file("batches.db");
  const std::unique_ptr<Store> bulk_store = open_sqlite_store(bulk_path);
  const std::unique_ptr<Store> batch_store = open_sqlite_store(batches_path);
  setup_rules(*bulk_store);
  setup_rules(*batch_store);
  Reader reader(bulk_path);
  const std::string indexes_before = reader.lines(k_indexes);
  REQUIRE(indexes_before.find("requests_by_client") != std::string::npos);

  const bool with_ref = GENERATE(true, false);
  // Three batches; the third repeats requests 100-149 of the first: skipped when they have a ref;
  // without one they are exact duplicates within one import, all kept (export, then import, loses
  // nothing). Batch by batch is one import too: its later batches pass the first number it gave.
  ImportOptions one_import = options();
  std::vector<std::vector<ImportRequest>> batches{numbered_batch(0, 700, with_ref),
                                                  numbered_batch(700, 700, with_ref),
                                                  numbered_batch(100, 50, with_ref)};
  const std::vector<ImportRequest> more = numbered_batch(1400, 200, with_ref);
  batches[2].insert(batches[2].end(), more.begin(), more.end());

  std::unique_ptr<BulkImport> bulk = bulk_store->start_bulk_import(1650, options());
  REQUIRE(bulk != nullptr);
  for (std::size_t b = 0; b < batches.size(); ++b) {
    const ImportResult in_bulk = bulk->add(batches[b]);
    const ImportResult by_batch = batch_store->import_requests(batches[b], one_import);
    if (one_import.first_new_id == 0) {
      one_import.first_new_id = by_batch.first_id;
    }
    REQUIRE(in_bulk.outcomes.size() == batches[b].size());
    for (std::size_t i = 0; i < batches[b].size(); ++i) {
      const bool repeated = with_ref && b == 2 && i < 50;
      CHECK(in_bulk.outcomes[i].status == (repeated ? ImportStatus::skipped : ImportStatus::added));
      CHECK(in_bulk.outcomes[i].id.value
            == (repeated
                    ? 101 + static_cast<std::int64_t>(i)
                    : static_cast<std::int64_t>(b * 700 + i + 1 - (with_ref && b == 2 ? 50 : 0))));
      CHECK(by_batch.outcomes[i].status == in_bulk.outcomes[i].status);
      CHECK(by_batch.outcomes[i].id.value == in_bulk.outcomes[i].id.value);
    }
  }
  // Other connections see the database as it was until the commit.
  CHECK(reader.lines("SELECT count(*) FROM requests") == "0\n");
  CHECK(reader.lines(k_indexes) == indexes_before);
  bulk->commit();
  bulk.reset();

  CHECK(reader.lines("SELECT count(*) FROM requests") == (with_ref ? "1600\n" : "1650\n"));
  if (with_ref) {
    CHECK(reader.lines("SELECT count(*) FROM events")
          == std::to_string(1600 * 2 + 1600 / 3 + 1) + "\n");
  }
  CHECK(reader.lines(k_indexes) == indexes_before);
  CHECK(reader.lines("PRAGMA integrity_check") == "ok\n");
  CHECK(reader.lines("PRAGMA foreign_key_check") == "");
  Reader batch_reader(batches_path);
  CHECK(contents(reader) == contents(batch_reader));
  CHECK(problems(*bulk_store) == 0);
}

TEST_CASE("bulk import: a rollback leaves the database as it was, indexes included", "[bulk]") {
  const TempDir dir;
  const std::string path = dir.file("db.sqlite");
  {
    const std::unique_ptr<Store> store = open_sqlite_store(path);
    setup_rules(*store);
    REQUIRE(store->import_requests(numbered_batch(0, 10, true), options()).outcomes.size() == 10);
  }
  Reader reader(path);
  const std::string indexes_before = reader.lines(k_indexes);
  const std::string contents_before = contents(reader);
  {
    const std::unique_ptr<Store> store = open_sqlite_store(path);
    std::unique_ptr<BulkImport> bulk = store->start_bulk_import(2000, options());
    REQUIRE(bulk != nullptr);
    CHECK(bulk->add(numbered_batch(10, 1000, false)).outcomes.size() == 1000);
    CHECK(bulk->add(numbered_batch(1010, 1000, true)).outcomes.size() == 1000);
    // Destroyed without commit, as when an exception goes through the import.
  }
  CHECK(reader.lines(k_indexes) == indexes_before);
  CHECK(contents(reader) == contents_before);
  CHECK(reader.lines("PRAGMA integrity_check") == "ok\n");
  const std::unique_ptr<Store> store = open_sqlite_store(path);
  CHECK(problems(*store) == 0);
  // The same import again, committed this time.
  std::unique_ptr<BulkImport> bulk = store->start_bulk_import(2000, options());
  REQUIRE(bulk != nullptr);
  CHECK(bulk->add(numbered_batch(0, 1000, true)).outcomes[10].id.value == 11);
  bulk->commit();
  CHECK(reader.lines("SELECT count(*) FROM requests") == "1000\n");
  CHECK(reader.lines(k_indexes) == indexes_before);
}

TEST_CASE("bulk import: only into a database smaller than the input, outside a transaction",
          "[bulk]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  setup_rules(*store);
  REQUIRE(store->import_requests(numbered_batch(0, 500, true), options()).outcomes.size() == 500);
  // 500 requests there: an input of 500 or fewer goes batch by batch.
  CHECK(store->start_bulk_import(500, options()) == nullptr);
  CHECK(store->start_bulk_import(100, options()) == nullptr);
  // Inside Store::transaction the batches are savepoints of that transaction instead.
  store->transaction([&] { CHECK(store->start_bulk_import(100000, options()) == nullptr); }, false);
  // Nothing was changed by the refusals: the next request is still #501.
  std::unique_ptr<BulkImport> bulk = store->start_bulk_import(501, options());
  REQUIRE(bulk != nullptr);
  CHECK(bulk->add(numbered_batch(500, 1, true)).outcomes[0].id.value == 501);
  bulk->commit();
  CHECK(problems(*store) == 0);
}
