// Tests of Store::transaction (many store operations as one transaction, each a savepoint inside
// it) and of PolicyChange::reset, which `config apply` builds on.
#include "slatrack/error.hpp"
#include "slatrack/store.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <unistd.h>

using namespace slatrack;
using std::chrono::hours;
using std::chrono::minutes;

using slatrack::testing::TempDir;
using slatrack::testing::utc;

namespace {

CalendarRules office() {
  CalendarRules rules;
  rules.name = "office";
  rules.zone = "UTC";
  rules.hours = parse_hours("mon-fri 09:00-17:00");
  return rules;
}

Policy policy(std::string name, std::string calendar) {
  Policy out;
  out.name = std::move(name);
  out.calendar = std::move(calendar);
  out.base = Targets{hours{2}, std::nullopt, std::nullopt};
  return out;
}

} // namespace

TEST_CASE("a store transaction commits every operation in it together", "[store]") {
  const TempDir dir;
  const std::unique_ptr<Store> store = open_sqlite_store(dir.file("db.sqlite"));
  store->transaction(
      [&] {
        store->add_calendar(office());
        store->add_policy(policy("standard", "office"));
        CHECK(store->find_policy("standard").has_value()); // visible inside
      },
      true);
  const std::unique_ptr<Store> other = open_sqlite_store(dir.file("db.sqlite"));
  CHECK(other->find_calendar("office").has_value());
  CHECK(other->find_policy("standard").has_value());
}

TEST_CASE("a store transaction that is not committed leaves nothing", "[store]") {
  const TempDir dir;
  const std::unique_ptr<Store> store = open_sqlite_store(dir.file("db.sqlite"));
  store->transaction(
      [&] {
        store->add_calendar(office());
        store->add_policy(policy("standard", "office"));
      },
      false);
  CHECK(!store->find_calendar("office").has_value());
  CHECK(!store->find_policy("standard").has_value());
  // The store is usable afterwards, in and out of transactions.
  store->add_calendar(office());
  CHECK(store->find_calendar("office").has_value());
}

TEST_CASE("a store transaction whose body throws is rolled back whole", "[store]") {
  const TempDir dir;
  const std::unique_ptr<Store> store = open_sqlite_store(dir.file("db.sqlite"));
  CHECK_THROWS_WITH(store->transaction(
                        [&] {
                          store->add_calendar(office());
                          store->add_policy(policy("standard", "offce"));
                        },
                        true),
                    Catch::Matchers::StartsWith("no calendar \"offce\""));
  CHECK(!store->find_calendar("office").has_value());
}

TEST_CASE("an operation refused inside a transaction undoes only itself", "[store]") {
  const TempDir dir;
  const std::unique_ptr<Store> store = open_sqlite_store(dir.file("db.sqlite"));
  CalendarRules rules = office();
  rules.holidays = {Holiday{0, 12, 25, "Christmas"}};
  store->add_calendar(rules);
  store->transaction(
      [&] {
        // 12-25 is deleted, then 12-26 is not there: the operation is refused, and its
        // savepoint puts 12-25 back; the transaction goes on.
        CHECK_THROWS_AS(
            store->remove_holidays("office", {Holiday{0, 12, 25, ""}, Holiday{0, 12, 26, ""}}),
            Error);
        store->add_policy(policy("standard", "office"));
      },
      true);
  CHECK(store->find_calendar("office")->rules.holidays
        == std::vector<Holiday>{Holiday{0, 12, 25, "Christmas"}});
  CHECK(store->find_policy("standard").has_value());
}

TEST_CASE("reset makes a priority inherit the policy's targets again", "[store]") {
  const TempDir dir;
  const std::unique_ptr<Store> store = open_sqlite_store(dir.file("db.sqlite"));
  Policy gold = policy("gold", "24x7");
  gold.base.update = hours{8};
  gold.overrides[Priority::urgent] = TargetOverride{minutes{15}, Seconds{0}, std::nullopt};
  store->add_policy(gold);
  CHECK(targets_for(*store->find_policy("gold"), Priority::urgent)
        == Targets{minutes{15}, std::nullopt, std::nullopt});

  PolicyChange change;
  change.priority = Priority::urgent;
  change.reset = true;
  change.retroactive = true;
  change.resolve = std::optional<Seconds>{hours{4}};
  static_cast<void>(store->change_policy("gold", change));
  const Policy after = *store->find_policy("gold");
  CHECK(after.overrides.at(Priority::urgent)
        == TargetOverride{std::nullopt, std::nullopt, hours{4}});
  CHECK(targets_for(after, Priority::urgent) == Targets{hours{2}, hours{8}, hours{4}});

  PolicyChange drop;
  drop.priority = Priority::urgent;
  drop.reset = true;
  drop.retroactive = true;
  static_cast<void>(store->change_policy("gold", drop));
  CHECK(store->find_policy("gold")->overrides.count(Priority::urgent) == 0);
}
