// Store contract (store_contract.hpp): Store::transaction (many store operations as one
// transaction, each joining it whole or not at all) and PolicyChange::reset, which `config apply`
// builds on.
#include "slatrack/error.hpp"
#include "slatrack/store.hpp"
#include "store_contract.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

using namespace slatrack;
using std::chrono::hours;
using std::chrono::minutes;

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

STORE_CONTRACT("a store transaction commits every operation in it together", "[store]") {
  Store& store = backend.store();
  store.transaction(
      [&] {
        store.add_calendar(office());
        store.add_policy(policy("standard", "office"));
        CHECK(store.find_policy("standard").has_value()); // visible inside
      },
      true);
  const std::unique_ptr<Store> other = backend.connect();
  CHECK(other->find_calendar("office").has_value());
  CHECK(other->find_policy("standard").has_value());
}

STORE_CONTRACT("a store transaction that is not committed leaves nothing", "[store]") {
  Store& store = backend.store();
  store.transaction(
      [&] {
        store.add_calendar(office());
        store.add_policy(policy("standard", "office"));
      },
      false);
  CHECK(!store.find_calendar("office").has_value());
  CHECK(!store.find_policy("standard").has_value());
  // The store is usable afterwards, in and out of transactions.
  store.add_calendar(office());
  CHECK(store.find_calendar("office").has_value());
}

STORE_CONTRACT("a store transaction whose body throws is rolled back whole", "[store]") {
  Store& store = backend.store();
  CHECK_THROWS_WITH(store.transaction(
                        [&] {
                          store.add_calendar(office());
                          store.add_policy(policy("standard", "offce"));
                        },
                        true),
                    Catch::Matchers::StartsWith("no calendar \"offce\""));
  CHECK(!store.find_calendar("office").has_value());
}

STORE_CONTRACT("an operation refused inside a transaction undoes only itself", "[store]") {
  Store& store = backend.store();
  CalendarRules rules = office();
  rules.holidays = {Holiday{0, 12, 25, "Christmas"}};
  store.add_calendar(rules);
  store.transaction(
      [&] {
        // 12-25 is deleted, then 12-26 is not there: the operation is refused, and its
        // undoing puts 12-25 back; the transaction goes on.
        CHECK_THROWS_AS(
            store.remove_holidays("office", {Holiday{0, 12, 25, ""}, Holiday{0, 12, 26, ""}}),
            Error);
        store.add_policy(policy("standard", "office"));
      },
      true);
  CHECK(store.find_calendar("office")->rules.holidays
        == std::vector<Holiday>{Holiday{0, 12, 25, "Christmas"}});
  CHECK(store.find_policy("standard").has_value());
}

STORE_CONTRACT("reset makes a priority inherit the policy's targets again", "[store]") {
  Store& store = backend.store();
  Policy gold = policy("gold", "24x7");
  gold.base.update = hours{8};
  gold.overrides[Priority::urgent] = TargetOverride{minutes{15}, Seconds{0}, std::nullopt};
  store.add_policy(gold);
  CHECK(targets_for(*store.find_policy("gold"), Priority::urgent)
        == Targets{minutes{15}, std::nullopt, std::nullopt});

  PolicyChange change;
  change.priority = Priority::urgent;
  change.reset = true;
  change.retroactive = true;
  change.resolve = std::optional<Seconds>{hours{4}};
  static_cast<void>(store.change_policy("gold", change));
  const Policy after = *store.find_policy("gold");
  CHECK(after.overrides.at(Priority::urgent)
        == TargetOverride{std::nullopt, std::nullopt, hours{4}});
  CHECK(targets_for(after, Priority::urgent) == Targets{hours{2}, hours{8}, hours{4}});

  PolicyChange drop;
  drop.priority = Priority::urgent;
  drop.reset = true;
  drop.retroactive = true;
  static_cast<void>(store.change_policy("gold", drop));
  CHECK(store.find_policy("gold")->overrides.count(Priority::urgent) == 0);
}
