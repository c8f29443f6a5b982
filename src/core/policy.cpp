// SLA policies: the targets that apply to a request of a given priority.
#include "slatrack/model.hpp"

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

Targets targets_for(const Policy& policy, Priority priority) {
  Targets targets = policy.base;
  const auto found = policy.overrides.find(priority);
  if (found == policy.overrides.end()) {
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

} // namespace slatrack
