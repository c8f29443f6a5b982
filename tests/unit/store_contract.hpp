// The Store contract suite: tests of the Store interface's behaviour (include/slatrack/store.hpp)
// written once against `Store&` and run against every backend registered in store_backends.cpp.
// A backend passes when every STORE_CONTRACT test passes on it (CONTRIBUTING.md, "Add a storage
// backend"). The tests see a backend only through the interface: what was written is read back
// through the store's reads, never through its tables.
#pragma once

#include "slatrack/error.hpp"
#include "slatrack/model.hpp"
#include "slatrack/store.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace slatrack::testing {

// One store of a backend, private to one test and empty as `slatrack init` leaves it (the 24x7
// calendar and the default policy only). Dropping it drops the store's data.
class StoreInstance {
public:
  StoreInstance() = default;
  StoreInstance(const StoreInstance&) = delete;
  StoreInstance& operator=(const StoreInstance&) = delete;
  virtual ~StoreInstance() = default;

  // A new connection to this store, as another slatrack process would open (the concurrency
  // tests open several, some from other threads).
  [[nodiscard]] virtual std::unique_ptr<Store> connect() = 0;

  // The test's first connection, opened on first use.
  [[nodiscard]] Store& store() {
    if (!m_store) {
      m_store = connect();
    }
    return *m_store;
  }

private:
  std::unique_ptr<Store> m_store;
};

struct StoreBackend {
  std::string name;                                     // shown in the section of each test
  std::function<std::unique_ptr<StoreInstance>()> make; // a fresh, empty store
};

// Every backend the suite runs against (store_backends.cpp). A backend that needs a server may
// register itself only when the environment names one.
[[nodiscard]] const std::vector<StoreBackend>& store_backends();

// The kind of Error `action` throws and its message; a test failure when it throws none.
[[nodiscard]] std::string message_of(const std::function<void()>& action, ErrorKind kind);

// Everything the store holds, read through the interface (calendars, policies with their
// versions, clients, every request with its events and clock runs) as text: equal before and
// after an operation that must write nothing.
[[nodiscard]] std::string describe_store(Store& store);

// Checks (Catch2 CHECKs) that every request's stored derived state (status, times, due times,
// next due, targets, clock runs) is what the core's evaluate_history gives from its events under
// the policy version in force at its receipt, on that version's calendar; and that the store's
// own check() finds nothing. Returns the number of requests compared.
std::int64_t check_derived_state(Store& store);

} // namespace slatrack::testing

#define SLATRACK_CONTRACT_CONCAT2(a, b) a##b
#define SLATRACK_CONTRACT_CONCAT(a, b) SLATRACK_CONTRACT_CONCAT2(a, b)
#define SLATRACK_CONTRACT_IMPL(body_, title_, tags_)                                               \
  static void body_(::slatrack::testing::StoreInstance& backend);                                  \
  TEST_CASE("store contract: " title_, "[contract]" tags_) {                                       \
    for (const ::slatrack::testing::StoreBackend& candidate :                                      \
         ::slatrack::testing::store_backends()) {                                                  \
      DYNAMIC_SECTION(candidate.name) {                                                            \
        const std::unique_ptr<::slatrack::testing::StoreInstance> instance = candidate.make();     \
        body_(*instance);                                                                          \
      }                                                                                            \
    }                                                                                              \
  }                                                                                                \
  static void body_(::slatrack::testing::StoreInstance& backend)

// A contract test: `STORE_CONTRACT("what it promises", "[tags]") { Store& store =
// backend.store(); ... }`, run once per registered backend, each time on a fresh store.
#define STORE_CONTRACT(title_, tags_)                                                              \
  SLATRACK_CONTRACT_IMPL(SLATRACK_CONTRACT_CONCAT(store_contract_, __LINE__), title_, tags_)
