// SLA policies: the targets that apply to a request of a given priority, and their versions
// (SPEC.md "Rules have dates"): which version judges a request, and how a change makes a new one.
#include "slatrack/model.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace slatrack {

namespace {

// An update or resolve override: Seconds{0} means "no target for this priority".
std::optional<Target> optional_target(Target value) {
  if (value == Target{Seconds{0}}) {
    return std::nullopt;
  }
  return value;
}

} // namespace

namespace {

Targets targets_with(const Targets& base, const std::map<Priority, TargetOverride>& overrides,
                     Priority priority) {
  Targets targets = base;
  const auto found = overrides.find(priority);
  if (found == overrides.end()) {
    return targets;
  }
  const TargetOverride& override_ = found->second;
  if (override_.reply) {
    targets.reply = *override_.reply;
  }
  if (override_.update) {
    targets.update = optional_target(*override_.update);
  }
  if (override_.resolve) {
    targets.resolve = optional_target(*override_.resolve);
  }
  return targets;
}

} // namespace

Targets targets_for(const Policy& policy, Priority priority) {
  return targets_with(policy.base, policy.overrides, priority);
}

Targets targets_for(const PolicyVersion& version, Priority priority) {
  return targets_with(version.base, version.overrides, priority);
}

std::size_t version_in_force(std::span<const PolicyVersion> versions, Instant received) {
  std::size_t out = 0;
  for (std::size_t i = 1; i < versions.size(); ++i) {
    if (versions[i].from && *versions[i].from <= received) {
      out = i;
    }
  }
  return out;
}

void apply_change(PolicyVersion& version, const PolicyChange& change) {
  if (change.calendar) {
    version.calendar = *change.calendar;
  }
  if (!change.reply && !change.update && !change.resolve && !change.reset) {
    return;
  }
  if (!change.priority) {
    // In the base, nullopt means no target.
    if (change.reply) {
      version.base.reply = *change.reply;
    }
    if (change.update) {
      version.base.update = *change.update;
    }
    if (change.resolve) {
      version.base.resolve = *change.resolve;
    }
    return;
  }
  // In an override, nullopt inherits the base and Seconds{0} means no target.
  TargetOverride override_;
  if (const auto found = version.overrides.find(*change.priority);
      found != version.overrides.end() && !change.reset) {
    override_ = found->second;
  }
  const Target none{Seconds{0}};
  if (change.reply) {
    override_.reply = *change.reply;
  }
  if (change.update) {
    override_.update = *change.update ? **change.update : none;
  }
  if (change.resolve) {
    override_.resolve = *change.resolve ? **change.resolve : none;
  }
  if (!override_.reply && !override_.update && !override_.resolve) {
    version.overrides.erase(*change.priority);
  } else {
    version.overrides[*change.priority] = override_;
  }
}

VersionedChange change_versions(std::vector<PolicyVersion> versions, const PolicyChange& change,
                                Instant from) {
  VersionedChange out;
  if (versions.empty()) {
    return out;
  }
  if (change.retroactive) {
    out.all = true;
    for (PolicyVersion& version : versions) {
      PolicyVersion changed = version;
      apply_change(changed, change);
      out.changed = out.changed || !changed.same_rules(version);
      version = std::move(changed);
    }
    out.versions = std::move(versions);
    return out;
  }
  out.from = from;
  const std::size_t in_force = version_in_force(versions, from);
  if (in_force + 1 < versions.size()) {
    out.until = versions[in_force + 1].from;
  }
  PolicyVersion changed = versions[in_force];
  apply_change(changed, change);
  out.changed = !changed.same_rules(versions[in_force]);
  if (versions[in_force].from == std::optional<Instant>{from}) {
    versions[in_force] = std::move(changed);
  } else if (out.changed) {
    changed.id = 0;
    changed.from = from;
    versions.insert(versions.begin() + static_cast<std::ptrdiff_t>(in_force) + 1,
                    std::move(changed));
  }
  out.versions = std::move(versions);
  return out;
}

std::vector<NextDue> running_due(const Request& request, Instant last) {
  std::vector<NextDue> out;
  if (request.next && request.next->due <= last) {
    out.push_back(*request.next);
  }
  const std::array<std::pair<Metric, const std::optional<Instant>*>, 3> clocks{
      {{Metric::reply, &request.reply_due},
       {Metric::update, &request.update_due},
       {Metric::resolve, &request.resolve_due}}};
  for (const auto& [metric, due] : clocks) {
    if (*due && **due <= last && !(request.next && request.next->metric == metric)) {
      out.push_back(NextDue{metric, **due});
    }
  }
  // Stable: request.next, then the others in the order above, among equal due times.
  std::stable_sort(out.begin(), out.end(),
                   [](const NextDue& a, const NextDue& b) { return a.due < b.due; });
  return out;
}

} // namespace slatrack
