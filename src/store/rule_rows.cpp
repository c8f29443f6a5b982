// The look-ups by name every backend shares (rule_rows.hpp).
#include "store/rule_rows.hpp"

#include "slatrack/error.hpp"
#include "slatrack/rule_checks.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <functional>
#include <utility>

namespace slatrack::store {

namespace {

// The name among `names` that is `name` ignoring case beyond ASCII, for a name the database's own
// comparison (ASCII case only) did not find: only a name with a byte beyond ASCII can differ so.
std::optional<std::string> folded_match(std::string_view name,
                                        const std::function<std::vector<std::string>()>& names) {
  if (std::all_of(name.begin(), name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return std::nullopt;
  }
  for (std::string& candidate : names()) {
    if (same_ignoring_case(candidate, name)) {
      return std::move(candidate);
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<CalendarRow> RuleRows::calendar_row(std::string_view name) {
  if (std::optional<CalendarRow> row = stored_calendar_row(name)) {
    return row;
  }
  const std::optional<std::string> same = folded_match(name, [&] { return calendar_names(); });
  return same ? stored_calendar_row(*same) : std::nullopt;
}

std::optional<PolicyRow> RuleRows::policy_row(std::string_view name) {
  if (std::optional<PolicyRow> row = stored_policy_row(name)) {
    return row;
  }
  const std::optional<std::string> same = folded_match(name, [&] { return policy_names(); });
  return same ? stored_policy_row(*same) : std::nullopt;
}

std::optional<ClientRow> RuleRows::client_row(std::string_view name) {
  if (std::optional<ClientRow> row = stored_client_row(name)) {
    return row;
  }
  const std::optional<std::string> same = folded_match(name, [&] { return client_names(); });
  return same ? stored_client_row(*same) : std::nullopt;
}

std::optional<ClientRow> RuleRows::short_client_row(std::string_view name) {
  if (std::optional<ClientRow> row = client_row(name)) {
    return row;
  }
  const std::vector<std::string> matches = match_short_name(name, client_names());
  if (matches.empty()) {
    return std::nullopt;
  }
  if (matches.size() > 1) {
    throw ambiguous_client(name, matches);
  }
  return client_row(matches.front());
}

[[noreturn]] void RuleRows::no_calendar(std::string_view name, std::string_view next) {
  throw no_such("calendar", name, calendar_names(), next);
}

[[noreturn]] void RuleRows::no_policy(std::string_view name, std::string_view next) {
  throw no_such("SLA policy", name, policy_names(), next);
}

[[noreturn]] void RuleRows::no_client(std::string_view name, std::string_view next) {
  throw no_such("client", name, client_names(), next);
}

CalendarRow RuleRows::require_calendar(std::string_view name) {
  std::optional<CalendarRow> row = calendar_row(name);
  if (!row) {
    no_calendar(name, add_calendar_step(name));
  }
  return *row;
}

PolicyRow RuleRows::require_policy(std::string_view name) {
  std::optional<PolicyRow> row = policy_row(name);
  if (!row) {
    no_policy(name, add_policy_step(name));
  }
  return *row;
}

CalendarRow RuleRows::changeable_calendar(std::string_view name) {
  std::optional<CalendarRow> row = calendar_row(name);
  if (!row) {
    no_calendar(name, k_list_calendars);
  }
  if (row->builtin) {
    throw calendar_built_in(row->name);
  }
  return *row;
}

std::optional<std::int64_t> RuleRows::client_filter_id(const std::optional<std::string>& name) {
  if (!name) {
    return std::nullopt;
  }
  const std::optional<ClientRow> client = short_client_row(*name);
  if (!client) {
    no_client(*name, k_list_clients);
  }
  return client->id;
}

} // namespace slatrack::store
