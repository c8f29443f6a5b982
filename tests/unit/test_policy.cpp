// Tests of policy versions (SPEC.md "Rules have dates"): which version judges a request, and how
// a change from a time or a retroactive change makes the versions.
#include "slatrack/model.hpp"
#include "support.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace slatrack;
using slatrack::testing::utc;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

PolicyVersion version(std::optional<Instant> from, Seconds reply, std::int64_t id = 1) {
  PolicyVersion out;
  out.id = id;
  out.from = from;
  out.calendar = "24x7";
  out.base.reply = reply;
  return out;
}

PolicyChange reply_change(Seconds reply) {
  PolicyChange out;
  out.reply = reply;
  return out;
}

const Instant k_april = utc(2026, 4, 1, 0, 0);
const Instant k_june = utc(2026, 6, 1, 0, 0);

} // namespace

TEST_CASE("a request is judged by the version in force when it was received", "[policy]") {
  const std::vector<PolicyVersion> versions{version(std::nullopt, hours{4}, 1),
                                            version(k_april, hours{2}, 2),
                                            version(k_june, hours{1}, 3)};
  CHECK(version_in_force(versions, utc(1990, 1, 1, 0, 0)) == 0);
  CHECK(version_in_force(versions, k_april - Seconds{1}) == 0);
  CHECK(version_in_force(versions, k_april) == 1); // received at the start: that version
  CHECK(version_in_force(versions, k_june - Seconds{1}) == 1);
  CHECK(version_in_force(versions, k_june) == 2);
  CHECK(version_in_force(versions, utc(2030, 1, 1, 0, 0)) == 2);
}

TEST_CASE("a change from a time starts a version that lasts until the next one", "[policy]") {
  const std::vector<PolicyVersion> versions{version(std::nullopt, hours{4}, 1),
                                            version(k_june, hours{1}, 2)};
  PolicyChange change = reply_change(hours{2});
  change.from = k_april;
  const VersionedChange plan = change_versions(versions, change, k_april);
  REQUIRE(plan.versions.size() == 3);
  CHECK(plan.changed);
  CHECK_FALSE(plan.all);
  CHECK(plan.from == k_april);
  CHECK(plan.until == std::optional<Instant>{k_june}); // only requests up to the next version
  CHECK(plan.versions[0].base.reply == Target{hours{4}});
  CHECK(plan.versions[1].id == 0);
  CHECK(plan.versions[1].from == std::optional<Instant>{k_april});
  CHECK(plan.versions[1].base.reply == Target{hours{2}});
  CHECK(plan.versions[2].base.reply == Target{hours{1}}); // the later version stays as it is
}

TEST_CASE("a change from the start of a version changes it in place", "[policy]") {
  const std::vector<PolicyVersion> versions{version(std::nullopt, hours{4}, 1),
                                            version(k_april, hours{2}, 2)};
  const VersionedChange plan = change_versions(versions, reply_change(hours{3}), k_april);
  REQUIRE(plan.versions.size() == 2);
  CHECK(plan.versions[1].id == 2);
  CHECK(plan.versions[1].base.reply == Target{hours{3}});
  CHECK_FALSE(plan.until.has_value());
}

TEST_CASE("a change that changes nothing adds no version", "[policy]") {
  const std::vector<PolicyVersion> versions{version(std::nullopt, hours{4}, 1)};
  const VersionedChange plan = change_versions(versions, reply_change(hours{4}), k_april);
  CHECK_FALSE(plan.changed);
  CHECK(plan.versions.size() == 1);
}

TEST_CASE("a retroactive change corrects every version", "[policy]") {
  std::vector<PolicyVersion> versions{version(std::nullopt, hours{4}, 1),
                                      version(k_april, hours{2}, 2)};
  versions[1].base.resolve = Target{hours{48}};
  PolicyChange change;
  change.retroactive = true;
  change.update = std::optional<Target>{Target{hours{8}}};
  const VersionedChange plan = change_versions(versions, change, k_june);
  REQUIRE(plan.versions.size() == 2);
  CHECK(plan.all);
  CHECK(plan.changed);
  // Only the named target changes: each version keeps its own others.
  CHECK(plan.versions[0].base == Targets{hours{4}, hours{8}, std::nullopt});
  CHECK(plan.versions[1].base == Targets{hours{2}, hours{8}, hours{48}});
}

TEST_CASE("a priority's own target overrides the base; a base change reaches the others",
          "[policy]") {
  PolicyVersion base = version(std::nullopt, hours{4});
  PolicyChange urgent;
  urgent.priority = Priority::urgent;
  urgent.reply = minutes{30};
  urgent.update = std::optional<Target>{}; // none for urgent
  apply_change(base, urgent);
  CHECK(targets_for(base, Priority::urgent) == Targets{minutes{30}, std::nullopt, std::nullopt});
  apply_change(base, reply_change(hours{2}));
  CHECK(targets_for(base, Priority::urgent).reply == Target{minutes{30}});
  CHECK(targets_for(base, Priority::low).reply == Target{hours{2}});
  PolicyChange reset;
  reset.priority = Priority::urgent;
  reset.reset = true;
  apply_change(base, reset);
  CHECK(base.overrides.empty());
}
