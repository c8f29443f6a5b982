// Why this file: the rows of the rules that every backend reads by name (a calendar, an SLA
// policy, a client), and the look-ups over them that do not depend on the backend: a client's
// short name (match_short_name), a name that is not there with its suggestions, a calendar that
// may be changed. A backend implements the reads (rows by name ignoring ASCII case, every name in
// its order) with its own SQL; the rules and their wording are the core's (rule_checks.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack::store {

struct ClientRow {
  std::int64_t id = 0;
  std::string name;
  std::int64_t policy_id = 0;
  std::optional<std::string> owner;
  std::optional<std::string> note;
};

struct CalendarRow {
  std::int64_t id = 0;
  std::string name;
  bool builtin = false;
};

struct PolicyRow {
  std::int64_t id = 0;
  std::string name;
  bool builtin = false;
};

// The look-ups by name of a backend (a private base of each store, as Reevaluator). Each is
// called inside the caller's transaction and opens none.
class RuleRows {
public:
  RuleRows() = default;
  RuleRows(const RuleRows&) = delete;
  RuleRows& operator=(const RuleRows&) = delete;
  RuleRows(RuleRows&&) = delete;
  RuleRows& operator=(RuleRows&&) = delete;
  virtual ~RuleRows() = default;

protected:
  // ---- the backend's reads: by name ignoring ASCII case (the database's own comparison),
  // exactly (no short forms) ----

  virtual std::optional<CalendarRow> stored_calendar_row(std::string_view name) = 0;
  virtual std::optional<PolicyRow> stored_policy_row(std::string_view name) = 0;
  virtual std::optional<ClientRow> stored_client_row(std::string_view name) = 0;
  // Every name, in the backend's order of names (what suggestions and short names see).
  virtual std::vector<std::string> calendar_names() = 0;
  virtual std::vector<std::string> policy_names() = 0;
  virtual std::vector<std::string> client_names() = 0;

  // ---- over them, for every backend ----

  // The row of the calendar, policy or client named `name` ignoring case (fold_case: non-ASCII
  // letters too, "ZOË CAFÉ" for "Zoë Café"), exactly (no short forms). What a name that exists
  // refuses (add, rename) and what commands look names up by.
  std::optional<CalendarRow> calendar_row(std::string_view name);
  std::optional<PolicyRow> policy_row(std::string_view name);
  std::optional<ClientRow> client_row(std::string_view name);

  // The client a command names, by the contract's short forms (match_short_name): nullopt when
  // none matches; throws Error{invalid_input} naming the candidates when several do.
  std::optional<ClientRow> short_client_row(std::string_view name);
  // Throw Error{not_found} naming the closest names, then `next` (the step to take).
  [[noreturn]] void no_calendar(std::string_view name, std::string_view next);
  [[noreturn]] void no_policy(std::string_view name, std::string_view next);
  [[noreturn]] void no_client(std::string_view name, std::string_view next);
  // The row of a calendar or policy a command names; Error{not_found} saying how to add it.
  CalendarRow require_calendar(std::string_view name);
  PolicyRow require_policy(std::string_view name);
  // A calendar the user may change: it exists and is not the built-in 24x7.
  CalendarRow changeable_calendar(std::string_view name);
  // The id of the client a filter names (short forms allowed); nullopt for no filter. Throws
  // Error{not_found} naming the client when there is none.
  std::optional<std::int64_t> client_filter_id(const std::optional<std::string>& name);
};

} // namespace slatrack::store
