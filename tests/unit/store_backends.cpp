// The backends the Store contract suite (store_contract.hpp) runs against. A new backend adds one
// entry here: a name and a function that makes a fresh, empty store for one test, whose
// connect() opens connections to it (CONTRIBUTING.md, "Add a storage backend").
#include "store/sqlite_store.hpp"
#include "store_contract.hpp"

#include <memory>
#include <string>
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

} // namespace

const std::vector<StoreBackend>& store_backends() {
  static const std::vector<StoreBackend> backends = {
      {"sqlite", [] { return std::make_unique<SqliteFile>(); }},
  };
  return backends;
}

} // namespace slatrack::testing
