// The backends the Store contract suite (store_contract.hpp) runs against. A new backend adds one
// entry here: a name and a function that makes a fresh, empty store for one test, whose
// connect() opens connections to it (CONTRIBUTING.md, "Add a storage backend").
#include "store/pg.hpp"
#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"
#include "store_contract.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

namespace slatrack::testing {

namespace {

// SQLite: a database file of its own in a temporary directory for each test, so that several
// connections (threads standing for processes) can share it.
class SqliteFile final : public StoreInstance {
public:
  std::unique_ptr<Store> connect() override {
    return open_sqlite_store(m_path);
  }

private:
  TempDir m_dir;
  std::string m_path = m_dir.file("slatrack.db");
};

// PostgreSQL: a database of its own on the test server for each test, created empty and dropped
// after it. The server is the one scripts/pg-server started: SLATRACK_TEST_PG names its state
// file (line 1 its socket directory, line 2 the URL of its database `slatrack`), as ctest's
// "unit on pg" sets it; without it the backend is not registered.
class PgDatabase final : public StoreInstance {
public:
  PgDatabase(const std::string& dir, const std::string& base)
      : m_admin(base), m_name(fresh_name()),
        m_url("postgresql://postgres@/" + m_name + "?host=" + dir) {
    m_admin.exec("CREATE DATABASE " + m_name, "creating a test database");
  }
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;
  ~PgDatabase() override {
    try {
      m_admin.exec("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)", "dropping it");
    } catch (const Error&) {
      // the server is stopped after the tests anyway
    }
  }

  std::unique_ptr<Store> connect() override {
    return open_pg_store(m_url);
  }

private:
  static std::string fresh_name() {
    static std::atomic<int> next{0};
    return "contract_" + std::to_string(::getpid()) + "_" + std::to_string(++next);
  }

  pg::Connection m_admin;
  std::string m_name;
  std::string m_url;
};

// The test server's socket directory and URL, when SLATRACK_TEST_PG names a started one.
std::optional<std::pair<std::string, std::string>> test_server() {
  const char* state = std::getenv("SLATRACK_TEST_PG");
  if (state == nullptr || *state == '\0') {
    return std::nullopt;
  }
  std::ifstream file(state);
  std::string dir;
  std::string url;
  if (!std::getline(file, dir) || !std::getline(file, url)) {
    return std::nullopt;
  }
  return std::make_pair(dir, url);
}

} // namespace

const std::vector<StoreBackend>& store_backends() {
  static const std::vector<StoreBackend> backends = [] {
    std::vector<StoreBackend> out = {
        {"sqlite", [] { return std::make_unique<SqliteFile>(); }},
    };
    if (const auto server = test_server()) {
      out.push_back({"postgresql", [server] {
                       return std::make_unique<PgDatabase>(server->first, server->second);
                     }});
    }
    return out;
  }();
  return backends;
}

} // namespace slatrack::testing
