// Why this file: the Store on SQLite. Each public operation is one transaction (BEGIN IMMEDIATE
// when it writes, a deferred BEGIN when it only reads), built from private helpers that never open
// transactions themselves. Derived request state (status, due times, clock runs) is recomputed with
// evaluate() inside the same transaction as the change that affects it, so what is stored always
// equals evaluate() of the events under the current rules. Statements are prepared once per Store
// and cached by their SQL text.
#include "store/sqlite_store.hpp"

#include "slatrack/address.hpp"
#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/history.hpp"
#include "slatrack/input.hpp"
#include "slatrack/model.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/request_rules.hpp"
#include "slatrack/store.hpp"
#include "slatrack/text.hpp"
#include "store/reevaluation.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_check.hpp"
#include "store/sqlite_report.hpp"
#include "store/tables.hpp"
#include "store/transfer.hpp"
#include "store/values.hpp"
#include "system/zone_files.hpp"

#include <algorithm>
#include <date/date.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <iterator>
#include <map>
#include <utility>

namespace slatrack {

namespace {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;
using Use = sqlite::Statement::Use;
using store::blank;
using store::check_field;
using store::check_name;
using store::checked_addresses;
using store::ClockRow;
using store::Derived;
using store::from_db;
using store::iso;
using store::LoadedPolicy;
using store::non_empty;
using store::read_clock;
using store::read_event;
using store::Reevaluation;
using store::RequestSelection;
using store::RulesCache;
using store::shell_word;
using store::split_words;
using store::Stored;
using store::to_db;
using store::to_instant;
using store::to_row;
using store::to_seconds;
using store::to_target;
using store::VersionedHistory;

// An FTS5 query for the words that start with `word`: a phrase (quotes doubled) with a prefix
// star, so "inv-10" finds "INV-1042" (the tokens inv and 10..., one after the other).
std::string fts_prefix_query(std::string_view word) {
  std::string out = "\"";
  for (const char c : word) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  out += "\"*";
  return out;
}

std::string plural(std::int64_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

// `no client "acme" (did you mean "Acme Ltd"?); add it with: ...`
[[noreturn]] void not_found(std::string_view what, std::string_view name,
                            const std::vector<std::string>& names, std::string_view next) {
  throw Error{ErrorKind::not_found, fmt::format("no {} \"{}\"{}; {}", what, name,
                                                store::did_you_mean(name, names), next)};
}

void check_target(std::string_view policy, std::string_view metric, Target value) {
  if (!value.in_business_days() && value.time <= Seconds{0}) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("SLA policy \"{}\": the {} target must be longer than 0; give a "
                            "duration such as 2h",
                            policy, metric)};
  }
}

void check_holiday(const Holiday& day) {
  const int year = day.year == 0 ? 2000 : day.year; // 2000 is a leap year: 02-29 is fine yearly
  const date::year_month_day ymd{date::year{year}, date::month{day.month}, date::day{day.day}};
  if (day.year < 0 || day.year > 9999 || !ymd.ok()) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("holiday {} is not a date; write YYYY-MM-DD (once) or MM-DD (every "
                            "year)",
                            format_holiday_date(day))};
  }
}

// One row of a request with its ids, as the write operations need it.
struct RequestRow {
  std::int64_t client_id = 0;
  std::string client;
  std::string subject;
  std::string channel;
  std::string priority;
  std::int64_t policy_id = 0;
  std::string policy;
  std::optional<std::string> ref;
};

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

using store::k_request_columns;
using store::k_request_select;

// k_request_select with r.policy_id and r.version_id after its columns (columns
// k_request_columns and k_request_columns + 1).
std::string with_policy_id(std::string_view select) {
  std::string out(select);
  const std::size_t from = out.find("\nFROM requests r");
  out.insert(from, ", r.policy_id, r.version_id");
  return out;
}

Request read_request(const Use& row) {
  Request out;
  out.id = RequestId{row.integer(0)};
  out.client = row.text(1);
  out.subject = row.text(2);
  out.channel = from_db(channel_from(row.text_view(3)), "channel", row.text_view(3));
  out.priority = from_db(priority_from(row.text_view(4)), "priority", row.text_view(4));
  out.status = from_db(status_from(row.text_view(5)), "status", row.text_view(5));
  out.assignee = row.optional_text(6);
  out.policy = row.text(7);
  out.calendar = row.text(8);
  out.ref = row.optional_text(9);
  out.received_at = to_instant(row.integer(10));
  out.replied_at = to_instant(row.optional_integer(11));
  out.resolved_at = to_instant(row.optional_integer(12));
  out.reply_due = to_instant(row.optional_integer(13));
  out.update_due = to_instant(row.optional_integer(14));
  out.resolve_due = to_instant(row.optional_integer(15));
  if (const std::optional<std::int64_t> due = row.optional_integer(16)) {
    out.next =
        NextDue{from_db(metric_from(row.text_view(17)), "metric", row.text_view(17)), to_instant(*due)};
  }
  return out;
}

class SqliteStore final : public Store, private store::Reevaluator {
public:
  SqliteStore(const std::string& path, OpenMode mode) : m_db(store::open_database(path, mode)) {}

  [[nodiscard]] std::string location() const override {
    return m_db.path();
  }

  [[nodiscard]] int schema_version() override {
    return store::read_schema_version(m_db);
  }

  void transaction(const std::function<void()>& body, bool commit) override {
    Transaction write(m_db);
    body();
    if (commit) {
      write.commit();
    }
  }

  // ---- calendars ----

  [[nodiscard]] std::vector<Calendar> calendars() override {
    Transaction read(m_db, Transaction::Mode::deferred);
    std::vector<std::int64_t> ids;
    {
      Use use = statement("SELECT id FROM calendars ORDER BY name, id").use();
      while (use.step()) {
        ids.push_back(use.integer(0));
      }
    }
    std::vector<Calendar> out;
    for (const std::int64_t id : ids) {
      out.push_back(load_calendar(id));
    }
    read.commit();
    return out;
  }

  [[nodiscard]] std::optional<Calendar> find_calendar(std::string_view name) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    std::optional<Calendar> out;
    if (const std::optional<CalendarRow> row = calendar_row(name)) {
      out = load_calendar(row->id);
    }
    read.commit();
    return out;
  }

  void add_calendar(const CalendarRules& rules) override {
    if (blank(rules.name)) {
      throw Error{ErrorKind::invalid_input, "a calendar needs a name"};
    }
    check_name("calendar name", rules.name);
    Transaction write(m_db);
    if (const std::optional<CalendarRow> row = calendar_row(rules.name)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("calendar \"{}\" exists; change it with: slatrack calendar edit {}",
                              row->name, shell_word(row->name))};
    }
    const CalendarRules valid = checked(rules);
    {
      Use use = statement("INSERT INTO calendars (name, zone, hours) VALUES (?, ?, ?)").use();
      use.bind(valid.name).bind(valid.zone).bind(format_hours(valid.hours)).run();
    }
    const std::int64_t id = m_db.last_insert_rowid();
    for (const Holiday& day : valid.holidays) {
      put_holiday(id, day);
    }
    write.commit();
  }

  RuleEffect change_calendar(std::string_view name, const CalendarChange& change) override {
    if (!change.retroactive && !change.from_day) {
      throw Error{ErrorKind::internal, "a calendar change needs a date it starts from (a bug)"};
    }
    Transaction write(m_db);
    const CalendarRow row = changeable_calendar(name);
    const Calendar calendar = load_calendar(row.id);
    CalendarVersionChange versioned;
    versioned.zone = change.zone;
    versioned.hours = change.hours;
    versioned.from_day = change.from_day.value_or(0);
    versioned.retroactive = change.retroactive;
    const CalendarVersionsChanged plan = change_calendar_versions(calendar.rules, versioned);
    RuleEffect effect;
    if (!plan.changed) {
      write.commit();
      return effect;
    }
    CalendarRules rules = calendar.rules;
    set_calendar_versions(rules, plan.versions);
    rules = checked(std::move(rules));
    put_calendar_versions(row.id, rules);
    if (change.retroactive) {
      effect = reevaluate_calendar(row.id);
    } else {
      // The new version starts at local midnight of its date in the zone before it: never
      // earlier than a day before that date's midnight read as UTC. Only the requests with a
      // clock that runs, stops or is due after that may be judged differently.
      effect = reevaluate_calendar_from(row.id, (*change.from_day - 1) * 86400);
    }
    write.commit();
    return effect;
  }

  RuleEffect add_holidays(std::string_view name, const std::vector<Holiday>& days) override {
    for (const Holiday& day : days) {
      check_holiday(day);
    }
    Transaction write(m_db);
    const CalendarRow row = changeable_calendar(name);
    for (const Holiday& day : days) {
      put_holiday(row.id, day);
    }
    static_cast<void>(checked(load_calendar(row.id).rules));
    const RuleEffect changed = reevaluate_calendar(row.id);
    write.commit();
    return changed;
  }

  RuleEffect remove_holidays(std::string_view name, const std::vector<Holiday>& days) override {
    Transaction write(m_db);
    const CalendarRow row = changeable_calendar(name);
    for (const Holiday& day : days) {
      Use use = statement("DELETE FROM holidays WHERE calendar_id = ? AND year = ? AND month = ? "
                          "AND day = ?")
                    .use();
      use.bind(row.id)
          .bind(day.year)
          .bind(static_cast<std::int64_t>(day.month))
          .bind(static_cast<std::int64_t>(day.day))
          .run();
      if (m_db.changes() == 0) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("calendar \"{}\" has no holiday {}; see them with: slatrack "
                                "calendar show {}",
                                row.name, format_holiday_date(day), shell_word(row.name))};
      }
    }
    const RuleEffect changed = reevaluate_calendar(row.id);
    write.commit();
    return changed;
  }

  void remove_calendar(std::string_view name) override {
    Transaction write(m_db);
    const std::optional<CalendarRow> row = calendar_row(name);
    if (!row) {
      no_calendar(name, "list them with: slatrack calendar list");
    }
    if (row->builtin) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("calendar \"{}\" is built in and cannot be removed", row->name)};
    }
    std::vector<std::string> users;
    {
      Use use = statement("SELECT DISTINCT p.name FROM policies p JOIN policy_versions v "
                          "ON v.policy_id = p.id WHERE v.calendar_id = ? ORDER BY p.name")
                    .use();
      use.bind(row->id);
      while (use.step()) {
        users.push_back(use.text(0));
      }
    }
    if (!users.empty()) {
      // "policy "a"", "policies "a" and "b"", "policies "a", "b", "c" and 2 more"
      std::string named;
      const std::size_t shown = std::min<std::size_t>(users.size(), 3);
      for (std::size_t i = 0; i < shown; ++i) {
        const bool last = i + 1 == shown && shown == users.size();
        named += i == 0 ? "" : (last ? " and " : ", ");
        named += fmt::format("\"{}\"", users[i]);
      }
      if (shown < users.size()) {
        named += fmt::format(" and {} more", users.size() - shown);
      }
      throw Error{ErrorKind::invalid_input,
                  fmt::format("calendar \"{}\" is used by {} {}; move {} first with: slatrack sla "
                              "set {} --calendar OTHER",
                              row->name, users.size() == 1 ? "policy" : "policies", named,
                              users.size() == 1 ? "the policy" : "them", shell_word(users[0]))};
    }
    {
      Use use = statement("DELETE FROM calendars WHERE id = ?").use();
      use.bind(row->id).run();
    }
    write.commit();
  }

  // ---- policies ----

  [[nodiscard]] std::vector<Policy> policies() override {
    Transaction read(m_db, Transaction::Mode::deferred);
    std::vector<std::int64_t> ids;
    {
      Use use = statement("SELECT id FROM policies ORDER BY name, id").use();
      while (use.step()) {
        ids.push_back(use.integer(0));
      }
    }
    std::vector<Policy> out;
    for (const std::int64_t id : ids) {
      out.push_back(load_policy(id).policy);
    }
    read.commit();
    return out;
  }

  [[nodiscard]] std::optional<Policy> find_policy(std::string_view name) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    std::optional<Policy> out;
    if (const std::optional<PolicyRow> row = policy_row(name)) {
      out = load_policy(row->id).policy;
    }
    read.commit();
    return out;
  }

  void add_policy(const Policy& policy) override {
    if (blank(policy.name)) {
      throw Error{ErrorKind::invalid_input, "an SLA policy needs a name"};
    }
    check_name("policy name", policy.name);
    check_target(policy.name, "reply", policy.base.reply);
    if (policy.base.update) {
      check_target(policy.name, "update", *policy.base.update);
    }
    if (policy.base.resolve) {
      check_target(policy.name, "resolve", *policy.base.resolve);
    }
    for (const auto& [priority, override_] : policy.overrides) {
      if (override_.reply) {
        check_target(policy.name, "reply", *override_.reply);
      }
      for (const std::optional<Target>& target : {override_.update, override_.resolve}) {
        if (target && !target->in_business_days() && target->time < Seconds{0}) {
          check_target(policy.name, "update or resolve", *target);
        }
      }
    }
    Transaction write(m_db);
    if (const std::optional<PolicyRow> row = policy_row(policy.name)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("SLA policy \"{}\" exists; change it with: slatrack sla set {}",
                              row->name, shell_word(row->name))};
    }
    const std::string calendar =
        policy.calendar.empty() ? std::string(k_always_calendar) : policy.calendar;
    const std::int64_t calendar_id = require_calendar(calendar).id;
    {
      Use use = statement("INSERT INTO policies (name, calendar_id) VALUES (?, ?)").use();
      use.bind(policy.name).bind(calendar_id).run();
    }
    const std::int64_t id = m_db.last_insert_rowid();
    PolicyVersion first;
    first.base = policy.base;
    first.overrides = policy.overrides;
    put_version(id, calendar_id, first);
    write.commit();
  }

  RuleEffect change_policy(std::string_view name, const PolicyChange& change) override {
    if (change.reply) {
      check_target(name, "reply", *change.reply);
    }
    if (change.update && *change.update) {
      check_target(name, "update", **change.update);
    }
    if (change.resolve && *change.resolve) {
      check_target(name, "resolve", **change.resolve);
    }
    if (!change.retroactive && !change.from) {
      throw Error{ErrorKind::internal, "a policy change needs a time it starts from (a bug)"};
    }
    Transaction write(m_db);
    const std::optional<PolicyRow> row = policy_row(name);
    if (!row) {
      no_policy(name, "list them with: slatrack sla list");
    }
    PolicyChange named = change;
    if (change.calendar) {
      named.calendar = require_calendar(*change.calendar).name;
    }
    const LoadedPolicy loaded = load_policy(row->id);
    const VersionedChange plan =
        change_versions(loaded.policy.versions, named, change.from.value_or(Instant{}));
    RuleEffect effect;
    if (!plan.changed) {
      write.commit();
      return effect;
    }
    // Versions are changed in place (their requests keep their version ids) or added.
    for (const PolicyVersion& version : plan.versions) {
      if (version.id != 0) {
        const auto old = std::find_if(
            loaded.policy.versions.begin(), loaded.policy.versions.end(),
            [&version](const PolicyVersion& candidate) { return candidate.id == version.id; });
        if (old != loaded.policy.versions.end() && old->same_rules(version)) {
          continue;
        }
      }
      put_version(row->id, require_calendar(version.calendar).id, version);
    }
    {
      Use use = statement("UPDATE policies SET calendar_id = (SELECT calendar_id FROM "
                          "policy_versions WHERE policy_id = ?1 ORDER BY from_at DESC LIMIT 1) "
                          "WHERE id = ?1")
                    .use();
      use.bind(row->id).run();
    }
    RulesCache rules;
    if (plan.all) {
      effect = reevaluate_selected(RequestSelection{RequestSelection::By::policy, row->id}, rules);
    } else {
      // Only the requests received from the change on, up to the next version: an index range
      // (requests_by_policy), empty for a change from now.
      effect = reevaluate_selected(
          RequestSelection{RequestSelection::By::policy_received, row->id, to_db(plan.from),
                           plan.until ? to_db(*plan.until)
                                      : std::numeric_limits<std::int64_t>::max()},
          rules);
    }
    write.commit();
    return effect;
  }

  void remove_policy(std::string_view name) override {
    Transaction write(m_db);
    const std::optional<PolicyRow> row = policy_row(name);
    if (!row) {
      no_policy(name, "list them with: slatrack sla list");
    }
    if (row->builtin) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("SLA policy \"{}\" is built in and cannot be removed; change its "
                              "targets with: slatrack sla set {}",
                              row->name, shell_word(row->name))};
    }
    const std::int64_t clients = count("SELECT count(*) FROM clients WHERE policy_id = ?", row->id);
    if (clients > 0) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("SLA policy \"{}\" is used by {}; move them first with: slatrack "
                              "client edit NAME --sla OTHER",
                              row->name, plural(clients, "client", "clients"))};
    }
    const std::int64_t requests =
        count("SELECT count(*) FROM requests WHERE policy_id = ?", row->id);
    if (requests > 0) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("SLA policy \"{}\" is used by {}; keep it, or move them first "
                              "with: slatrack edit ID --sla OTHER",
                              row->name, plural(requests, "request", "requests"))};
    }
    {
      Use use = statement("DELETE FROM policies WHERE id = ?").use();
      use.bind(row->id).run();
    }
    write.commit();
  }

  // ---- clients ----

  [[nodiscard]] std::vector<Client> clients() override {
    Transaction read(m_db, Transaction::Mode::deferred);
    std::vector<Client> out;
    {
      Use use = statement(std::string(k_client_select) + "ORDER BY c.name, c.id").use();
      while (use.step()) {
        out.push_back(read_client(use));
      }
    }
    read.commit();
    return out;
  }

  [[nodiscard]] std::optional<Client> find_client(std::string_view name) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    std::optional<Client> out;
    const std::optional<ClientRow> row = short_client_row(name);
    if (row) {
      Use use = statement(std::string(k_client_select) + "WHERE c.id = ?").use();
      use.bind(row->id);
      if (use.step()) {
        out = read_client(use);
      }
    }
    read.commit();
    return out;
  }

  void add_client(const NewClient& client) override {
    if (blank(client.name)) {
      throw Error{ErrorKind::invalid_input, "a client needs a name"};
    }
    check_name("client name", client.name);
    const std::vector<std::string> emails = checked_addresses("--email", client.emails, false);
    const std::vector<std::string> domains = checked_addresses("--domain", client.domains, true);
    check_field("--owner", client.owner, false);
    check_field("--note", client.note, true);
    Transaction write(m_db);
    if (const std::optional<ClientRow> row = client_row(client.name)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("client \"{}\" exists; change it with: slatrack client edit {}",
                              row->name, shell_word(row->name))};
    }
    const std::int64_t policy_id =
        require_policy(client.policy.value_or(std::string(k_default_policy))).id;
    {
      Use use = statement("INSERT INTO clients (name, policy_id, owner, note, created_at) "
                          "VALUES (?, ?, ?, ?, unixepoch())")
                    .use();
      use.bind(client.name)
          .bind(policy_id)
          .bind(non_empty(client.owner))
          .bind(non_empty(client.note))
          .run();
    }
    const std::int64_t id = m_db.last_insert_rowid();
    set_addresses(id, "email", "--email", emails);
    set_addresses(id, "domain", "--domain", domains);
    write.commit();
  }

  RuleEffect change_client(std::string_view name, const ClientChange& change) override {
    Transaction write(m_db);
    std::optional<ClientRow> row = short_client_row(name);
    if (!row) {
      no_client(name, "list them with: slatrack client list");
    }
    if (change.rename) {
      if (blank(*change.rename)) {
        throw Error{ErrorKind::invalid_input, "a client needs a name"};
      }
      check_name("client name", *change.rename);
      const std::optional<ClientRow> other = client_row(*change.rename);
      if (other && other->id != row->id) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("client \"{}\" exists; pick another name", other->name)};
      }
      row->name = *change.rename;
    }
    if (change.policy) {
      row->policy_id = require_policy(*change.policy).id;
    }
    check_field("--owner", change.owner, false);
    check_field("--note", change.note, true);
    if (change.emails) {
      set_addresses(row->id, "email", "--email",
                    checked_addresses("--email", *change.emails, false));
    }
    if (change.domains) {
      set_addresses(row->id, "domain", "--domain",
                    checked_addresses("--domain", *change.domains, true));
    }
    if (change.owner) {
      row->owner = non_empty(change.owner);
    }
    if (change.note) {
      row->note = non_empty(change.note);
    }
    {
      Use use = statement("UPDATE clients SET name = ?, policy_id = ?, owner = ?, note = ? "
                          "WHERE id = ?")
                    .use();
      use.bind(row->name).bind(row->policy_id).bind(row->owner).bind(row->note).bind(row->id).run();
    }
    RuleEffect effect;
    if (change.policy && change.open) {
      // Its requests not resolved move too, each recorded as an edit, and are judged anew from
      // their start.
      const std::string to = load_policy(row->policy_id).policy.name;
      std::vector<std::pair<std::int64_t, std::string>> moving; // id, old policy
      {
        Use use = statement("SELECT r.id, p.name FROM requests r JOIN policies p "
                            "ON p.id = r.policy_id WHERE r.client_id = ? AND r.status <> "
                            "'resolved' AND r.voided_by IS NULL AND r.policy_id <> ? ORDER BY r.id")
                      .use();
        use.bind(row->id).bind(row->policy_id);
        while (use.step()) {
          moving.emplace_back(use.integer(0), use.text(1));
        }
      }
      RulesCache rules;
      for (const auto& [id, from] : moving) {
        {
          Use use = statement("UPDATE requests SET policy_id = ? WHERE id = ?").use();
          use.bind(row->policy_id).bind(id).run();
        }
        EditedFields was;
        was.policy = from;
        EditedFields moved = was;
        moved.policy = to;
        static_cast<void>(insert_event(RequestId{id}, EventKind::edit, change.now, change.recorder,
                                       edit_text(was, moved), change.now, change.recorder));
        const Reevaluation done = reevaluate(id, rules);
        effect.requests += 1;
        effect.outcomes += done.outcomes_changed ? 1 : 0;
        if (done.outcomes_changed) {
          effect.outcome_ids.push_back(RequestId{id});
        }
        effect.moved += done.moved;
      }
    }
    write.commit();
    return effect;
  }

  void remove_client(std::string_view name) override {
    Transaction write(m_db);
    const std::optional<ClientRow> row = short_client_row(name);
    if (!row) {
      no_client(name, "list them with: slatrack client list");
    }
    const std::int64_t requests =
        count("SELECT count(*) FROM requests WHERE client_id = ?", row->id);
    if (requests > 0) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("client \"{}\" has {}; keep it, or move them first with: slatrack "
                              "edit ID --client OTHER",
                              row->name, plural(requests, "request", "requests"))};
    }
    {
      Use use = statement("DELETE FROM clients WHERE id = ?").use();
      use.bind(row->id).run();
    }
    write.commit();
  }

  // ---- mail in ----

  [[nodiscard]] bool message_recorded(std::string_view message_id) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    const bool out = message_request(message_id).has_value();
    read.commit();
    return out;
  }

  [[nodiscard]] std::optional<RequestId>
  request_for_messages(std::span<const std::string> message_ids) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    std::optional<RequestId> out;
    for (const std::string& id : message_ids) {
      std::optional<std::int64_t> request = message_request(id);
      // A merged request's messages belong to the request it went into (a chain of merges is
      // short; the bound guards against a loop in a damaged database).
      for (int hops = 0; request && hops < 16; ++hops) {
        {
          Use use = statement("SELECT voided_by IS NULL FROM requests WHERE id = ?").use();
          use.bind(*request);
          if (!use.step()) {
            request.reset();
            break;
          }
          if (use.integer(0) != 0) {
            break;
          }
        }
        Use use = statement("SELECT request_id FROM events WHERE merged_from = ? AND voided_by "
                            "IS NULL ORDER BY id LIMIT 1")
                      .use();
        use.bind(*request);
        request = use.step() ? std::optional<std::int64_t>{use.integer(0)} : std::nullopt;
      }
      if (request && request_counts_row(*request)) {
        out = RequestId{*request};
        break;
      }
    }
    read.commit();
    return out;
  }

  [[nodiscard]] std::optional<std::string> client_for_address(std::string_view address) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    std::optional<std::string> out;
    const std::string_view domain = address_domain(address);
    for (const auto& [kind, value] : {std::pair{"email", address}, std::pair{"domain", domain}}) {
      Use use = statement("SELECT c.name FROM client_addresses a JOIN clients c ON c.id = "
                          "a.client_id WHERE a.kind = ? AND a.address = ?")
                    .use();
      use.bind(std::string_view(kind)).bind(value);
      if (use.step()) {
        out = use.text(0);
        break;
      }
    }
    read.commit();
    return out;
  }

  void record_message(std::string_view message_id, RequestId request) override {
    Transaction write(m_db);
    {
      Use use = statement("INSERT OR IGNORE INTO mail_messages (message_id, request_id) "
                          "VALUES (?, ?)")
                    .use();
      use.bind(message_id).bind(request.value).run();
    }
    write.commit();
  }

  [[nodiscard]] bool request_counts(RequestId id) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    const bool out = request_counts_row(id.value);
    read.commit();
    return out;
  }

  // The request a message id was recorded on (mail_messages, else a request's ref).
  std::optional<std::int64_t> message_request(std::string_view message_id) {
    {
      Use use = statement("SELECT request_id FROM mail_messages WHERE message_id = ?").use();
      use.bind(message_id);
      if (use.step()) {
        return use.integer(0);
      }
    }
    return request_by_ref(message_id);
  }

  bool request_counts_row(std::int64_t id) {
    Use use = statement("SELECT 1 FROM requests WHERE id = ? AND voided_by IS NULL").use();
    use.bind(id);
    return use.step();
  }

  // ---- requests ----

  LogResult log_request(const NewRequest& request) override {
    check_new_request(request.at, request.now, request.subject, request.client);
    Transaction write(m_db);
    if (request.ref) {
      if (const std::optional<std::int64_t> existing = request_by_ref(*request.ref)) {
        LogResult result{load_request(RequestId{*existing}), false};
        write.commit();
        return result;
      }
    }
    std::optional<ClientRow> client = short_client_row(request.client);
    if (!client) {
      if (!request.create_client) {
        no_client(request.client,
                  fmt::format("add it with: slatrack client add {}, or pass --create-client",
                              shell_word(request.client)));
      }
      check_name("client name", request.client);
      {
        Use use = statement("INSERT INTO clients (name, policy_id, created_at) "
                            "VALUES (?, (SELECT id FROM policies WHERE name = ?), ?)")
                      .use();
        use.bind(request.client).bind(k_default_policy).bind(to_db(request.now)).run();
      }
      client = client_row(request.client);
      if (!client) {
        throw Error{ErrorKind::internal, "the new client vanished (a bug; please report it)"};
      }
    }
    const std::optional<std::string> assignee =
        request.assignee ? non_empty(request.assignee) : client->owner;
    {
      Use use = statement(R"sql(INSERT INTO requests (client_id, subject, channel, priority,
  assignee, logged_assignee, ref, policy_id, created_at, status, received_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?))sql")
                    .use();
      use.bind(client->id)
          .bind(request.subject)
          .bind(to_string(request.channel))
          .bind(to_string(request.priority))
          .bind(assignee)
          .bind(assignee)
          .bind(non_empty(request.ref))
          .bind(client->policy_id)
          .bind(to_db(request.now))
          .bind(to_db(request.at))
          .run();
    }
    const RequestId id{m_db.last_insert_rowid()};
    const std::string author = request.author.empty() ? client->name : request.author;
    static_cast<void>(insert_event(id, EventKind::message, request.at, author, request.text,
                                   request.now, recorder_of(request.recorder, author)));
    RulesCache rules;
    static_cast<void>(reevaluate(id.value, rules));
    LogResult result{load_request(id), true};
    write.commit();
    return result;
  }

  Request add_event(const NewEvent& event) override {
    check_new_event(event.id, event.kind, event.at, event.now, event.text);
    Transaction write(m_db);
    if (!request_exists(event.id)) {
      throw no_request(event.id);
    }
    if (request_voided_by(event.id)) {
      throw request_is_void(event.id);
    }
    {
      Use use = statement("SELECT received_at FROM requests WHERE id = ?").use();
      use.bind(event.id.value);
      if (use.step()) {
        check_after_first_message(event.id, event.kind, event.at, to_instant(use.integer(0)));
      }
    }
    std::string author = event.author;
    if (author.empty() && event.kind == EventKind::message) {
      author = request_row(event.id)->client;
    }
    RulesCache rules;
    // Events that already had no effect (a void can leave some) are not this event's fault.
    std::vector<Rejection> before;
    if (moves_clocks(event.kind)) {
      before = evaluate_stored(event.id.value, rules).evaluation.rejections;
    }
    const std::int64_t seq = insert_event(event.id, event.kind, event.at, author, event.text,
                                          event.now, recorder_of(event.recorder, author))
                                 .id;
    if (event.kind == EventKind::assign) {
      update_assignee(event.id.value);
    }
    if (moves_clocks(event.kind)) {
      check_event_fits(event.id, event.kind, seq, before,
                       reevaluate(event.id.value, rules).rejections,
                       [this](std::int64_t id) { return stored_event(id); });
    }
    Request result = load_request(event.id);
    write.commit();
    return result;
  }

  Request edit_request(const RequestEdit& edit) override {
    Transaction write(m_db);
    std::optional<RequestRow> found = request_row(edit.id);
    if (!found) {
      throw no_request(edit.id);
    }
    if (request_voided_by(edit.id)) {
      throw request_is_void(edit.id);
    }
    RequestRow row = *found;
    const EditedFields before{row.subject,
                              row.client,
                              from_db(channel_from(row.channel), "channel", row.channel),
                              from_db(priority_from(row.priority), "priority", row.priority),
                              row.policy,
                              row.ref};
    EditedFields after = before;
    if (edit.subject && *edit.subject != row.subject) {
      check_subject(*edit.subject);
      after.subject = *edit.subject;
    }
    std::optional<std::int64_t> policy_id;
    std::string policy_name;
    std::optional<std::pair<std::optional<std::string>, std::optional<std::string>>> assignee;
    if (edit.client) {
      const std::optional<ClientRow> client = short_client_row(*edit.client);
      if (!client) {
        no_client(*edit.client,
                  fmt::format("add it with: slatrack client add {}", shell_word(*edit.client)));
      }
      if (client->id != row.client_id) {
        Use use = statement(R"sql(SELECT r.assignee, c.owner, EXISTS (SELECT 1 FROM events e
  WHERE e.request_id = r.id AND e.kind = 'assign') FROM requests r JOIN clients c
  ON c.id = r.client_id WHERE r.id = ?)sql")
                      .use();
        use.bind(edit.id.value);
        if (use.step()) {
          const std::optional<std::string> current = use.optional_text(0);
          if (const std::optional<std::optional<std::string>> next = assignee_after_move(
                  current, use.optional_text(1), client->owner, use.integer(2) != 0)) {
            assignee.emplace(current, *next);
          }
        }
        row.client_id = client->id;
        after.client = client->name;
        if (!edit.policy) {
          policy_id = client->policy_id;
          policy_name = load_policy(client->policy_id).policy.name;
        }
      }
    }
    if (edit.policy) {
      const PolicyRow policy = require_policy(*edit.policy);
      policy_id = policy.id;
      policy_name = policy.name;
    }
    if (edit.channel) {
      after.channel = *edit.channel;
    }
    if (edit.priority) {
      after.priority = *edit.priority;
    }
    if (policy_id && *policy_id != row.policy_id) {
      row.policy_id = *policy_id;
      after.policy = policy_name;
    }
    if (edit.ref && non_empty(edit.ref) != row.ref) {
      after.ref = non_empty(edit.ref);
      if (after.ref) {
        const std::optional<std::int64_t> other = request_by_ref(*after.ref);
        if (other && *other != edit.id.value) {
          throw ref_in_use(*after.ref, RequestId{*other});
        }
      }
    }
    const std::string changes = edit_text(before, after, assignee);
    if (!changes.empty()) {
      {
        Use use = statement("UPDATE requests SET client_id = ?, subject = ?, channel = ?, "
                            "priority = ?, policy_id = ?, ref = ? WHERE id = ?")
                      .use();
        use.bind(row.client_id)
            .bind(after.subject)
            .bind(to_string(after.channel))
            .bind(to_string(after.priority))
            .bind(row.policy_id)
            .bind(after.ref)
            .bind(edit.id.value)
            .run();
      }
      if (assignee) {
        Use use = statement("UPDATE requests SET assignee = ? WHERE id = ?").use();
        use.bind(assignee->second).bind(edit.id.value).run();
      }
      static_cast<void>(insert_event(edit.id, EventKind::edit, edit.now, edit.author, changes,
                                     edit.now, recorder_of(edit.recorder, edit.author)));
      RulesCache rules;
      static_cast<void>(reevaluate(edit.id.value, rules));
    }
    Request result = load_request(edit.id);
    write.commit();
    return result;
  }

  [[nodiscard]] std::optional<Request> find_request(RequestId id) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    std::optional<Request> out;
    if (request_exists(id)) {
      out = load_request(id);
    }
    read.commit();
    return out;
  }

  [[nodiscard]] RequestDetail request_detail(RequestId id) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    RequestDetail out = detail(id);
    read.commit();
    return out;
  }

  // ---- void, unvoid, undo, merge ----

  RequestDetail void_event(const VoidChange& change) override {
    Transaction write(m_db);
    if (!request_exists(change.id)) {
      throw no_request(change.id);
    }
    const std::int64_t id = change.id.value;
    const std::optional<std::int64_t> request_void = request_voided_by(change.id);
    std::int64_t target = k_whole_request;
    if (change.event) {
      if (request_void) {
        throw request_is_void(change.id);
      }
      const std::int64_t number = *change.event;
      std::optional<Event> found;
      {
        Use use = statement(fmt::format("SELECT {} FROM events WHERE request_id = ? AND number = ?",
                                        store::k_event_columns))
                      .use();
        use.bind(id).bind(number);
        if (use.step()) {
          found = read_event(use, 0);
        }
      }
      check_void_event(change.id, number,
                       found
                           ? std::optional<MarkedEvent>{MarkedEvent{found->kind, found->voided_by}}
                           : std::nullopt,
                       change.restore);
      target = number;
    } else {
      check_void_request(change.id, request_void, change.restore);
    }
    mark(change.id, change.restore ? EventKind::unvoid : EventKind::void_event, target,
         change.reason, change.recorder, change.now);
    RequestDetail out = detail(change.id);
    write.commit();
    return out;
  }

  UndoResult undo(const UndoChange& change) override {
    Transaction write(m_db);
    std::optional<std::pair<RequestId, Event>> found;
    {
      Use use = statement(fmt::format("SELECT request_id, merged_from, {} FROM events "
                                      "WHERE recorder = ? ORDER BY id DESC",
                                      store::k_event_columns))
                    .use();
      use.bind(change.recorder);
      while (use.step()) {
        Event event = read_event(use, 2);
        // Passed over: what no longer counts, the voids undo made, and the voids that followed
        // from taking a merge back (or making it again).
        if (event.voided_by
            || (event.kind == EventKind::void_event
                && (event.text == k_undo_reason || !use.is_null(1)))) {
          continue;
        }
        const RequestId request{use.integer(0)};
        const std::optional<std::int64_t> request_void = request_voided_by(request);
        if (request_void && *request_void != event.number) {
          continue; // inside a void request: only the void itself can be taken back
        }
        found.emplace(request, std::move(event));
        break;
      }
    }
    if (!found) {
      throw nothing_to_undo(change.recorder, m_db.path());
    }
    UndoResult result;
    result.id = found->first;
    result.event = found->second;
    result.client = request_row(result.id).value().client;
    result.request = result.event.number == 1;
    if (result.event.kind == EventKind::edit) {
      result.refusal = UndoRefusal::edit;
      return result;
    }
    if (result.event.recorded_at + change.limit < change.now) {
      result.refusal = UndoRefusal::too_old;
      return result;
    }
    mark(result.id, EventKind::void_event, result.request ? k_whole_request : result.event.number,
         std::string(k_undo_reason), change.recorder, change.now);
    write.commit();
    return result;
  }

  RequestDetail merge(const MergeChange& change) override {
    check_merge(change.id, change.into);
    Transaction write(m_db);
    for (const RequestId id : {change.id, change.into}) {
      if (!request_exists(id)) {
        throw no_request(id);
      }
      if (request_voided_by(id)) {
        throw request_is_void(id);
      }
    }
    std::vector<Event> events;
    {
      Use use = statement(fmt::format("SELECT {} FROM events WHERE request_id = ? AND voided_by "
                                      "IS NULL AND kind NOT IN ('assign', 'edit', 'void', "
                                      "'unvoid') ORDER BY number",
                                      store::k_event_columns))
                    .use();
      use.bind(change.id.value);
      while (use.step()) {
        events.push_back(read_event(use, 0));
      }
    }
    for (const Event& event : events) {
      static_cast<void>(insert_event(change.into, event.kind, event.at, event.author, event.text,
                                     change.now, change.recorder, std::nullopt, change.id.value));
    }
    RulesCache rules;
    static_cast<void>(reevaluate(change.into.value, rules));
    static_cast<void>(insert_event(change.id, EventKind::void_event, change.now, change.recorder,
                                   merged_into_text(change.into), change.now, change.recorder,
                                   k_whole_request));
    static_cast<void>(reevaluate(change.id.value, rules));
    RequestDetail out = detail(change.into);
    write.commit();
    return out;
  }

  [[nodiscard]] std::optional<SameSubject> same_subject(std::string_view client,
                                                        std::string_view subject, Instant since,
                                                        RequestId except) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    std::optional<SameSubject> out;
    {
      // Received in the week before: the received index finds the candidates; logged since.
      Use use = statement(R"sql(SELECT r.id, r.created_at FROM requests r
WHERE r.received_at >= ?1 - 604800 AND r.created_at >= ?1 AND r.id <> ?2
  AND r.client_id = (SELECT id FROM clients WHERE name = ?3) AND r.subject = ?4 COLLATE NOCASE
  AND r.voided_by IS NULL
ORDER BY r.created_at DESC, r.id DESC LIMIT 1)sql")
                    .use();
      use.bind(to_db(since)).bind(except.value).bind(client).bind(subject);
      if (use.step()) {
        out = SameSubject{RequestId{use.integer(0)}, to_instant(use.integer(1))};
      }
    }
    read.commit();
    return out;
  }

  // The request, its events and its clock runs.
  RequestDetail detail(RequestId id) {
    if (!request_exists(id)) {
      throw no_request(id);
    }
    RequestDetail out;
    out.request = load_request(id);
    std::int64_t policy_id = 0;
    std::int64_t version_id = 0;
    {
      Use use = statement("SELECT policy_id, version_id FROM requests WHERE id = ?").use();
      use.bind(id.value);
      if (use.step()) {
        policy_id = use.integer(0);
        version_id = use.integer(1);
      }
    }
    RulesCache rules;
    out.targets = targets_for(stored_version(policy_id, version_id, rules), out.request.priority);
    out.voided_by = request_voided_by(id);
    {
      Use use = statement(fmt::format("SELECT {} FROM events WHERE request_id = ? ORDER BY at, id",
                                      store::k_event_columns))
                    .use();
      use.bind(id.value);
      while (use.step()) {
        out.events.push_back(read_event(use, 0));
      }
    }
    {
      Use use = statement("SELECT metric, start_at, due_at, stop_at, outcome, target_s, used_s, "
                          "credit_s FROM clocks WHERE request_id = ? ORDER BY seq")
                    .use();
      use.bind(id.value);
      while (use.step()) {
        out.clocks.push_back(read_clock(use, 0));
      }
    }
    return out;
  }

  [[nodiscard]] std::vector<Request> list_requests(const RequestFilter& filter) override {
    std::vector<Request> out;
    each_request(filter, [&out](const Request& request) { out.push_back(request); });
    return out;
  }

  // The numbers of the requests that have every word of `words` (SPEC.md, list --search): in
  // their subject or ref, or in one of their events' text, as a word starting with it (the FTS5
  // indexes of migration 4, a prefix query each), sorted. Void ones are left to the caller.
  std::vector<std::int64_t> search_hits(const std::vector<std::string>& words) {
    std::vector<std::int64_t> out;
    for (std::size_t i = 0; i < words.size(); ++i) {
      Use use = statement("SELECT rowid FROM requests_fts WHERE requests_fts MATCH ?1 UNION ALL "
                          "SELECT e.request_id FROM events_fts f JOIN events e ON e.id = f.rowid "
                          "WHERE events_fts MATCH ?1")
                    .use();
      use.bind(fts_prefix_query(words[i]));
      std::vector<std::int64_t> ids;
      while (use.step()) {
        ids.push_back(use.integer(0));
      }
      std::sort(ids.begin(), ids.end());
      ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
      if (i == 0) {
        out = std::move(ids);
      } else {
        std::vector<std::int64_t> both;
        std::set_intersection(out.begin(), out.end(), ids.begin(), ids.end(),
                              std::back_inserter(both));
        out = std::move(both);
      }
      if (out.empty()) {
        break;
      }
    }
    return out;
  }

  void each_request(const RequestFilter& filter,
                    const std::function<void(const Request&)>& visit) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    const std::optional<std::int64_t> client_id = client_filter_id(filter.client);
    std::vector<std::string> statuses;
    for (const Status status : filter.statuses) {
      const std::string name(to_string(status));
      if (std::find(statuses.begin(), statuses.end(), name) == statuses.end()) {
        statuses.push_back(name);
      }
    }
    // The text varies only with which filters are given, so each variant is prepared once.
    std::string sql(k_request_select);
    sql += "WHERE r.voided_by IS NULL\n";
    if (!statuses.empty()) {
      sql += "AND r.status IN (?";
      for (std::size_t i = 1; i < statuses.size(); ++i) {
        sql += ", ?";
      }
      sql += ")\n";
    }
    sql += client_id ? "AND r.client_id = ?\n" : "";
    sql += filter.assignee ? "AND r.assignee = ?\n" : "";
    sql += filter.priority ? "AND r.priority = ?\n" : "";
    sql += filter.since ? "AND r.received_at >= ?\n" : "";
    sql += filter.until ? "AND r.received_at < ?\n" : "";
    // Words to search: the requests that have every one, read once (search_hits) and then
    // matched here, not by the SQL (an IN subquery would be read again by each statement below,
    // and entirely even when a --limit needs a few rows).
    std::optional<std::vector<std::int64_t>> hits;
    if (!filter.search.empty()) {
      hits = search_hits(filter.search);
      if (hits->empty()) {
        read.commit();
        return;
      }
    }
    const auto is_hit = [&hits](std::int64_t id) {
      return !hits || std::binary_search(hits->begin(), hits->end(), id);
    };
    const auto bind_filters = [&](Use& use) {
      for (const std::string& status : statuses) {
        use.bind(status);
      }
      if (client_id) {
        use.bind(*client_id);
      }
      if (filter.assignee) {
        use.bind(*filter.assignee);
      }
      if (filter.priority) {
        use.bind(to_string(*filter.priority));
      }
      if (filter.since) {
        use.bind(to_db(*filter.since));
      }
      if (filter.until) {
        use.bind(to_db(*filter.until));
      }
    };
    // The requests of `where` (appended to the filters) in number order, at most `left` of them
    // (-1: all); among the search hits only, when there are words. Returns how many are left.
    const auto by_number = [&](std::string_view where, std::int64_t left) {
      if (!hits) {
        Use use = statement(fmt::format("{}{}ORDER BY r.id LIMIT ?", sql, where)).use();
        bind_filters(use);
        use.bind(left);
        while (use.step()) {
          visit(read_request(use));
          left = left > 0 ? left - 1 : left;
        }
        return left;
      }
      // The hits in chunks of k_chunk numbers (the last one padded with its last number), each
      // chunk one indexed statement: as many rows read as are shown.
      constexpr std::size_t k_chunk = 128;
      std::string in_list = "?";
      for (std::size_t i = 1; i < k_chunk; ++i) {
        in_list += ", ?";
      }
      const std::string text =
          fmt::format("{}{}AND r.id IN ({})\nORDER BY r.id", sql, where, in_list);
      for (std::size_t first = 0; first < hits->size() && left != 0; first += k_chunk) {
        Use use = statement(text).use();
        bind_filters(use);
        for (std::size_t i = 0; i < k_chunk; ++i) {
          use.bind((*hits)[std::min(first + i, hits->size() - 1)]);
        }
        while (left != 0 && use.step()) {
          visit(read_request(use));
          left = left > 0 ? left - 1 : left;
        }
      }
      return left;
    };
    if (!filter.now) {
      static_cast<void>(by_number("", filter.limit.value_or(-1)));
      read.commit();
      return;
    }
    // By open lateness at filter.now: the requests with a running clock, read per calendar in due
    // order (on one calendar that is the order of open lateness too) and merged by their open
    // lateness on their calendar; then the others by number.
    std::int64_t left = filter.limit.value_or(-1);
    RulesCache rules;
    {
      struct Stream {
        std::unique_ptr<Statement> statement;
        std::unique_ptr<Use> use;
        const Clock* clock = nullptr;
        std::optional<Request> request;
        Seconds late{0};
      };
      // The covering partial index of overdue (migration 2), read in due order: no sort, and
      // memory does not grow with the requests listed.
      // Few hits (up to k_bound_hits) are bound into the statement, where the index row is tested
      // before the joins; many are matched as the rows come (a --limit then reads few rows).
      constexpr std::size_t k_bound_hits = 2048;
      const bool bind_hits = hits && hits->size() <= k_bound_hits;
      std::string bound_hits;
      if (bind_hits) {
        bound_hits = "AND r.id IN (?";
        for (std::size_t i = 1; i < k_bound_hits; ++i) {
          bound_hits += ", ?";
        }
        bound_hits += ")\n";
      }
      std::string running_sql = sql + bound_hits
                                + "AND r.next_due_at IS NOT NULL AND v.calendar_id = ?\n"
                                  "ORDER BY r.next_due_at, r.id";
      const std::string from = "FROM requests r\n";
      running_sql.replace(running_sql.find(from), from.size(),
                          "FROM requests r INDEXED BY requests_running\n");
      std::vector<Stream> streams;
      for (const std::int64_t calendar_id : select_ids("SELECT id FROM calendars", std::nullopt)) {
        Stream stream;
        stream.clock = &clock(calendar_id, rules);
        stream.statement = std::make_unique<Statement>(m_db, running_sql);
        stream.use = std::make_unique<Use>(*stream.statement);
        bind_filters(*stream.use);
        if (bind_hits) {
          for (std::size_t i = 0; i < k_bound_hits; ++i) {
            stream.use->bind((*hits)[std::min(i, hits->size() - 1)]);
          }
        }
        stream.use->bind(calendar_id);
        streams.push_back(std::move(stream));
      }
      const auto advance = [&filter, &is_hit](Stream& stream) {
        stream.request.reset();
        while (stream.use->step()) {
          if (!is_hit(stream.use->integer(0))) {
            continue;
          }
          stream.request = read_request(*stream.use);
          const Instant due = stream.request->next->due;
          stream.late = due < *filter.now ? stream.clock->open(due, *filter.now)
                                          : -stream.clock->open(*filter.now, due);
          break;
        }
      };
      for (Stream& stream : streams) {
        advance(stream);
      }
      while (left != 0) {
        Stream* best = nullptr;
        for (Stream& stream : streams) {
          if (stream.request
              && (best == nullptr || stream.late > best->late
                  || (stream.late == best->late
                      && std::make_pair(stream.request->next->due, stream.request->id.value)
                             < std::make_pair(best->request->next->due,
                                              best->request->id.value)))) {
            best = &stream;
          }
        }
        if (best == nullptr) {
          break;
        }
        visit(*best->request);
        left = left > 0 ? left - 1 : left;
        advance(*best);
      }
    }
    if (left != 0) {
      static_cast<void>(by_number("AND r.next_due_at IS NULL\n", left));
    }
    read.commit();
  }

  [[nodiscard]] std::vector<OverdueItem> overdue(const OverdueQuery& query) override {
    std::vector<OverdueItem> out;
    each_overdue(query, [&out](const OverdueItem& item) { out.push_back(item); });
    return out;
  }

  void each_overdue(const OverdueQuery& query,
                    const std::function<void(const OverdueItem&)>& visit) override {
    // --new remembers what it shows, so it writes; without it this is a plain read.
    Transaction transaction(m_db, query.only_new ? Transaction::Mode::immediate
                                                 : Transaction::Mode::deferred);
    const std::optional<std::int64_t> client_id = client_filter_id(query.client);
    // The last due time still shown, per calendar: overdue is due < now; at risk within W is
    // now <= due <= add(now, W) on the request's calendar (for N bd: due <= addbd(now, N)).
    const Instant overdue_cutoff = query.now - Seconds{1};
    std::map<std::int64_t, Instant> cutoffs;
    Instant max_cutoff = overdue_cutoff;
    RulesCache rules;
    if (query.within) {
      for (const std::int64_t calendar_id : select_ids("SELECT id FROM calendars", std::nullopt)) {
        // One calendar's trouble (no open time in ten years: every day a holiday) must not stop
        // the report for the others: its requests are shown when overdue, never as at risk.
        try {
          const Clock& calendar = clock(calendar_id, rules);
          const Instant cutoff =
              query.within->in_business_days()
                  ? calendar.add_business_days(query.now, query.within->business_days)
                  : calendar.add(query.now, query.within->time);
          cutoffs[calendar_id] = cutoff;
          max_cutoff = std::max(max_cutoff, cutoff);
        } catch (const Error&) {
          cutoffs[calendar_id] = overdue_cutoff;
        }
      }
    }
    // Reads only the covering partial index requests_running (see store::overdue_query), and
    // the clock's start in clocks only for --new.
    const std::string sql =
        store::overdue_query(client_id.has_value(), query.assignee.has_value(), query.only_new);
    std::vector<OverdueItem> items;
    {
      Use use = statement(sql).use();
      use.bind(to_db(max_cutoff));
      if (client_id) {
        use.bind(*client_id);
      }
      if (query.assignee) {
        use.bind(*query.assignee);
      }
      while (use.step()) {
        Request request = read_request(use);
        if (!request.next) {
          continue;
        }
        const std::int64_t calendar_id = use.integer(k_request_columns);
        const auto found = cutoffs.find(calendar_id);
        const Instant cutoff = found == cutoffs.end() ? overdue_cutoff : found->second;
        const NextDue next = *request.next;
        if (next.due > overdue_cutoff && next.due > cutoff) {
          continue;
        }
        const Clock& request_clock = clock(calendar_id, rules);
        const Seconds open_late = slatrack::open_late(request_clock, next.due, query.now);
        OverdueItem item{std::move(request), next.metric, next.due, open_late};
        if (query.only_new) {
          Use remember = statement("INSERT INTO overdue_seen (request_id, metric, start_at, "
                                   "state, seen_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                             .use();
          remember.bind(item.request.id.value)
              .bind(to_string(item.metric))
              .bind(use.optional_integer(k_request_columns + 1).value_or(to_db(next.due)))
              .bind(item.due < query.now ? "overdue" : "at-risk")
              .bind(to_db(query.now))
              .run();
          if (m_db.changes() == 0) {
            continue; // an earlier --new showed this clock in this state
          }
        }
        items.push_back(std::move(item));
      }
    }
    // Most late first in open time on each request's calendar, then the least open time left
    // (SPEC.md "Output"); the due order read above breaks ties. On one calendar that is the due
    // order already; across calendars it is not, so the rows are held (a few hundred bytes each).
    std::stable_sort(items.begin(), items.end(), [](const OverdueItem& a, const OverdueItem& b) {
      return a.open_late > b.open_late;
    });
    for (const OverdueItem& item : items) {
      visit(item);
    }
    if (query.delivered) {
      query.delivered();
    }
    transaction.commit();
  }

  // ---- report: the query lives in sqlite_report.cpp ----
  [[nodiscard]] std::vector<ReportRow> report(const ReportQuery& query) override {
    const std::optional<std::int64_t> client_id = client_filter_id(query.client);
    return store::run_report(m_db, query, client_id);
  }

  [[nodiscard]] StatementInput statement_input(std::string_view client_name, Instant from,
                                               Instant to, Instant now) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    const std::optional<ClientRow> client = short_client_row(client_name);
    if (!client) {
      no_client(client_name, "list them with: slatrack client list");
    }
    RulesCache rules;
    StatementInput out;
    out.client = client->name;
    // The promises in force at the end of the range (or now, when that is earlier).
    statement_rules(client->policy_id, from, to, now, rules, out);
    // Its requests received in the range, not resolved, or with a clock stopped in the range or
    // running and due in it before now: what a report of the client counts (and no more). Found
    // in requests_by_client (client_id, status, resolved_at, received_at) without reading the
    // client's other requests: a resolved request's clocks all stopped by its resolved_at (a
    // resolve stops every clock, and only a reopen, which makes it open, starts one again), so
    // one received before the range has a clock stopped in it only if it was resolved since the
    // range began; one received after the range has none.
    // Their clock runs come in the same statement (a LEFT JOIN of clocks, in request then run
    // order): the union of index ranges is found once, and a request's columns are read from its
    // first row only.
    // A resolved request received in the range was resolved in it or since (nothing happens
    // before a request's first message), so the resolved ones are all in one range of
    // resolved_at: the index is not read from the client's first request on.
    static const std::string k_ids = R"sql(IN (
  SELECT id FROM requests WHERE client_id = ?1 AND status IN ('open', 'waiting')
  UNION ALL
  SELECT q.id FROM requests q WHERE q.client_id = ?1 AND q.status = 'resolved'
    AND q.resolved_at >= ?2 AND q.received_at < ?3
    AND (q.received_at >= ?2
      OR EXISTS (SELECT 1 FROM clocks s WHERE s.request_id = q.id
        AND ((s.stop_at >= ?2 AND s.stop_at < ?3)
          OR (s.outcome = 'running' AND s.due_at >= ?2 AND s.due_at < ?4)))))
)sql";
    static const std::string k_select = [] {
      std::string sql = with_policy_id(k_request_select);
      sql.insert(sql.find("\nFROM requests r"),
                 ", s.metric, s.start_at, s.due_at, s.stop_at, s.outcome, s.target_s, s.used_s, "
                 "s.credit_s");
      return sql + "LEFT JOIN clocks s ON s.request_id = r.id\nWHERE r.id " + k_ids
             + "AND r.voided_by IS NULL\nORDER BY r.id, s.seq";
    }();
    constexpr int k_clock_column = k_request_columns + 2;
    Use use = statement(k_select).use();
    use.bind(client->id).bind(to_db(from)).bind(to_db(to)).bind(to_db(std::min(to, now)));
    std::int64_t last = 0;
    while (use.step()) {
      const std::int64_t id = use.integer(0);
      if (id != last) {
        last = id;
        StatementRequest& item = out.requests.emplace_back();
        item.request = read_request(use);
        item.targets = targets_for(stored_version(use.integer(k_request_columns),
                                                  use.integer(k_request_columns + 1), rules),
                                   item.request.priority);
        item.clocks.reserve(4); // one run per clock, and more after a reopen
      }
      if (!use.is_null(k_clock_column)) {
        out.requests.back().clocks.push_back(read_clock(use, k_clock_column));
      }
    }
    read.commit();
    return out;
  }

  // ---- export, import, backup: the work is in transfer.cpp ----
  void export_requests(const std::function<void(const RequestDetail&)>& visit) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    RulesCache rules;
    store::export_requests(statement_source(), rules_source(rules), &read_request, visit);
    read.commit();
  }

  ImportResult import_requests(std::span<const ImportRequest> batch,
                               const ImportOptions& options) override {
    Transaction write(m_db);
    RulesCache rules;
    ImportResult result =
        store::import_requests(m_db, statement_source(), rules_source(rules), batch, options);
    write.commit();
    return result;
  }

  std::unique_ptr<BulkImport> start_bulk_import(std::int64_t expected,
                                                const ImportOptions& options) override {
    // The rules cache lives as long as the bulk import, which holds the function.
    auto rules = std::make_shared<RulesCache>();
    return store::start_bulk_import(
        m_db, statement_source(),
        [rules, source = rules_source(*rules)](std::int64_t policy_id, Instant received) {
          return source(policy_id, received);
        },
        expected, options);
  }

  void backup(const std::string& path) override {
    store::backup_database(m_db, path);
  }

  CopyResult copy_to(const std::string& dest) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    CopyResult out = store::copy_into(*store::sqlite_table_reader(m_db), dest);
    read.commit();
    return out;
  }

  CheckReport check(const std::function<void(const std::string&)>& problem) override {
    Transaction read(m_db, Transaction::Mode::deferred);
    RulesCache rules;
    // Not committed: the read transaction ends by rollback, which cannot fail on a damaged file.
    return store::check_database(m_db, rules_source(rules), problem);
  }

private:
  // The id of the client a filter names (short forms allowed); nullopt for no filter. Throws
  // Error{not_found} naming the client when there is none.
  std::optional<std::int64_t> client_filter_id(const std::optional<std::string>& name) {
    if (!name) {
      return std::nullopt;
    }
    const std::optional<ClientRow> client = short_client_row(*name);
    if (!client) {
      no_client(*name, "list them with: slatrack client list");
    }
    return client->id;
  }

  store::StatementSource statement_source() {
    return [this](std::string_view sql) -> Statement& { return statement(sql); };
  }

  // Its emails and domains each as one text, separated by spaces (neither holds a space).
  static constexpr std::string_view k_client_select = R"sql(SELECT c.name, p.name,
  (SELECT group_concat(address, ' ') FROM (SELECT address FROM client_addresses a
     WHERE a.client_id = c.id AND a.kind = 'email' ORDER BY address)),
  c.owner, c.note,
  (SELECT count(*) FROM requests r WHERE r.client_id = c.id AND r.status <> 'resolved'
     AND r.voided_by IS NULL),
  (SELECT count(*) FROM requests r WHERE r.client_id = c.id AND r.voided_by IS NULL),
  (SELECT group_concat(address, ' ') FROM (SELECT address FROM client_addresses a
     WHERE a.client_id = c.id AND a.kind = 'domain' ORDER BY address))
FROM clients c JOIN policies p ON p.id = c.policy_id
)sql";

  // The statement for `sql`, prepared on first use and kept for the life of the Store.
  Statement& statement(std::string_view sql) {
    const auto found = m_statements.find(sql);
    if (found != m_statements.end()) {
      return found->second;
    }
    return m_statements.emplace(std::string(sql), Statement(m_db, sql)).first->second;
  }

  std::int64_t count(std::string_view sql, std::int64_t parameter) {
    Use use = statement(sql).use();
    use.bind(parameter);
    return use.step() ? use.integer(0) : 0;
  }

  std::vector<std::int64_t> select_ids(std::string_view sql,
                                       std::optional<std::int64_t> parameter) {
    std::vector<std::int64_t> out;
    Use use = statement(sql).use();
    if (parameter) {
      use.bind(*parameter);
    }
    while (use.step()) {
      out.push_back(use.integer(0));
    }
    return out;
  }

  std::vector<std::string> names(std::string_view sql) {
    std::vector<std::string> out;
    Use use = statement(sql).use();
    while (use.step()) {
      out.push_back(use.text(0));
    }
    return out;
  }

  // ---- lookups by name (case-insensitive: the name columns are COLLATE NOCASE) ----

  std::optional<CalendarRow> calendar_row(std::string_view name) {
    Use use = statement("SELECT id, name, builtin FROM calendars WHERE name = ?").use();
    use.bind(name);
    if (!use.step()) {
      return std::nullopt;
    }
    return CalendarRow{use.integer(0), use.text(1), use.integer(2) != 0};
  }

  std::optional<PolicyRow> policy_row(std::string_view name) {
    Use use = statement("SELECT id, name, builtin FROM policies WHERE name = ?").use();
    use.bind(name);
    if (!use.step()) {
      return std::nullopt;
    }
    return PolicyRow{use.integer(0), use.text(1), use.integer(2) != 0};
  }

  std::optional<ClientRow> client_row(std::string_view name) {
    Use use =
        statement("SELECT id, name, policy_id, owner, note FROM clients WHERE name = ?").use();
    use.bind(name);
    if (!use.step()) {
      return std::nullopt;
    }
    return ClientRow{use.integer(0), use.text(1), use.integer(2), use.optional_text(3),
                     use.optional_text(4)};
  }

  // The client a command names, by the contract's short forms (match_short_name): nullopt when
  // none matches; throws Error{invalid_input} naming the candidates when several do.
  std::optional<ClientRow> short_client_row(std::string_view name) {
    if (std::optional<ClientRow> row = client_row(name)) {
      return row;
    }
    const std::vector<std::string> matches =
        match_short_name(name, names("SELECT name FROM clients ORDER BY name"));
    if (matches.empty()) {
      return std::nullopt;
    }
    if (matches.size() > 1) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("\"{}\" could be {}; give more of the client's name", name,
                              quoted_list(matches))};
    }
    return client_row(matches.front());
  }

  [[noreturn]] void no_calendar(std::string_view name, std::string_view next) {
    not_found("calendar", name, names("SELECT name FROM calendars ORDER BY name"), next);
  }

  [[noreturn]] void no_policy(std::string_view name, std::string_view next) {
    not_found("SLA policy", name, names("SELECT name FROM policies ORDER BY name"), next);
  }

  [[noreturn]] void no_client(std::string_view name, std::string_view next) {
    not_found("client", name, names("SELECT name FROM clients ORDER BY name"), next);
  }

  CalendarRow require_calendar(std::string_view name) {
    std::optional<CalendarRow> row = calendar_row(name);
    if (!row) {
      no_calendar(name, fmt::format("add it with: slatrack calendar add {} --tz ZONE --hours SPEC",
                                    shell_word(name)));
    }
    return *row;
  }

  PolicyRow require_policy(std::string_view name) {
    std::optional<PolicyRow> row = policy_row(name);
    if (!row) {
      no_policy(name,
                fmt::format("add it with: slatrack sla add {} --reply DUR", shell_word(name)));
    }
    return *row;
  }

  // A calendar the user may change: it exists and is not the built-in 24x7.
  CalendarRow changeable_calendar(std::string_view name) {
    std::optional<CalendarRow> row = calendar_row(name);
    if (!row) {
      no_calendar(name, "list them with: slatrack calendar list");
    }
    if (row->builtin) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("calendar \"{}\" is built in and cannot be changed; add your own "
                              "with: slatrack calendar add NAME --tz ZONE --hours SPEC",
                              row->name)};
    }
    return *row;
  }

  std::optional<std::int64_t> request_by_ref(std::string_view ref) {
    Use use = statement("SELECT id FROM requests WHERE ref = ?").use();
    use.bind(ref);
    if (!use.step()) {
      return std::nullopt;
    }
    return use.integer(0);
  }

  bool request_exists(RequestId id) {
    Use use = statement("SELECT 1 FROM requests WHERE id = ?").use();
    use.bind(id.value);
    return use.step();
  }

  Request load_request(RequestId id) {
    Use use = statement(std::string(k_request_select) + "WHERE r.id = ?").use();
    use.bind(id.value);
    if (!use.step()) {
      throw no_request(id);
    }
    return read_request(use);
  }

  std::optional<RequestRow> request_row(RequestId id) {
    Use use = statement(R"sql(SELECT r.client_id, c.name, r.subject, r.channel, r.priority,
  r.policy_id, p.name, r.ref
FROM requests r JOIN clients c ON c.id = r.client_id JOIN policies p ON p.id = r.policy_id
WHERE r.id = ?)sql")
                  .use();
    use.bind(id.value);
    if (!use.step()) {
      return std::nullopt;
    }
    return RequestRow{use.integer(0), use.text(1),    use.text(2), use.text(3),
                      use.text(4),    use.integer(5), use.text(6), use.optional_text(7)};
  }

  static Client read_client(const Use& use) {
    Client out;
    out.name = use.text(0);
    out.policy = use.text(1);
    out.emails = split_words(use.optional_text(2));
    out.owner = use.optional_text(3);
    out.note = use.optional_text(4);
    out.open_requests = use.integer(5);
    out.total_requests = use.integer(6);
    out.domains = split_words(use.optional_text(7));
    return out;
  }

  // Makes `values` the client's whole list of `kind` ("email", "domain"); refuses one that
  // belongs to another client (an address finds one client).
  void set_addresses(std::int64_t client_id, std::string_view kind, std::string_view option,
                     const std::vector<std::string>& values) {
    for (const std::string& value : values) {
      Use use = statement("SELECT c.name FROM client_addresses a JOIN clients c ON c.id = "
                          "a.client_id WHERE a.kind = ? AND a.address = ? AND a.client_id <> ?")
                    .use();
      use.bind(kind).bind(value).bind(client_id);
      if (use.step()) {
        const std::string owner = use.text(0);
        throw Error{ErrorKind::invalid_input,
                    fmt::format("{} {} is client \"{}\"'s already (mail from it must find one "
                                "client); change that client first: slatrack client edit {} {} ...",
                                option, value, owner, shell_word(owner), option)};
      }
    }
    {
      Use use = statement("DELETE FROM client_addresses WHERE client_id = ? AND kind = ?").use();
      use.bind(client_id).bind(kind).run();
    }
    for (const std::string& value : values) {
      Use use =
          statement("INSERT INTO client_addresses (kind, address, client_id) VALUES (?, ?, ?)")
              .use();
      use.bind(kind).bind(value).bind(client_id).run();
    }
  }

  // ---- calendars and policies by id ----

  Calendar load_calendar(std::int64_t id) override {
    Calendar out;
    std::string hours;
    {
      Use use = statement("SELECT name, zone, hours, builtin FROM calendars WHERE id = ?").use();
      use.bind(id);
      if (!use.step()) {
        throw Error{ErrorKind::storage,
                    fmt::format("calendar {} is missing from {}", id, m_db.path())};
      }
      out.rules.name = use.text(0);
      out.rules.zone = use.text(1);
      hours = use.text(2);
      out.builtin = use.integer(3) != 0;
    }
    try {
      out.rules.hours = parse_hours(hours);
    } catch (const Error& error) {
      throw Error{ErrorKind::storage,
                  fmt::format("calendar \"{}\" in {} has hours slatrack cannot read ({}); set "
                              "them with: slatrack calendar edit {} --hours SPEC",
                              out.rules.name, m_db.path(), error.what(),
                              shell_word(out.rules.name))};
    }
    {
      Use use = statement("SELECT year, month, day, name FROM holidays WHERE calendar_id = ? "
                          "ORDER BY year, month, day")
                    .use();
      use.bind(id);
      while (use.step()) {
        out.rules.holidays.push_back(Holiday{static_cast<int>(use.integer(0)),
                                             static_cast<unsigned>(use.integer(1)),
                                             static_cast<unsigned>(use.integer(2)), use.text(3)});
      }
    }
    // Later versions (calendars.zone and .hours are the first, from the beginning of time).
    std::vector<CalendarVersion> versions{
        CalendarVersion{std::nullopt, out.rules.zone, out.rules.hours}};
    Use use = statement("SELECT from_day, zone, hours FROM calendar_versions WHERE calendar_id = ? "
                        "ORDER BY from_day")
                  .use();
    use.bind(id);
    while (use.step()) {
      CalendarVersion version;
      const std::string day = use.text(0);
      try {
        version.from_day = parse_day(day);
        version.hours = parse_hours(use.text(2));
      } catch (const Error& error) {
        throw Error{ErrorKind::storage,
                    fmt::format("calendar \"{}\" in {} has a version from {} slatrack cannot "
                                "read ({}); restore a backup",
                                out.rules.name, m_db.path(), day, error.what())};
      }
      version.zone = use.text(1);
      versions.push_back(std::move(version));
    }
    set_calendar_versions(out.rules, std::move(versions));
    return out;
  }

  // Writes the versions of calendar `calendar_id`: the first in `calendars`, the later ones in
  // `calendar_versions`.
  void put_calendar_versions(std::int64_t calendar_id, const CalendarRules& rules) {
    const std::vector<CalendarVersion> versions = calendar_versions(rules);
    {
      Use use = statement("UPDATE calendars SET zone = ?, hours = ? WHERE id = ?").use();
      use.bind(versions.front().zone)
          .bind(format_hours(versions.front().hours))
          .bind(calendar_id)
          .run();
    }
    {
      Use use = statement("DELETE FROM calendar_versions WHERE calendar_id = ?").use();
      use.bind(calendar_id).run();
    }
    for (std::size_t i = 1; i < versions.size(); ++i) {
      Use use = statement("INSERT INTO calendar_versions (calendar_id, from_day, zone, hours) "
                          "VALUES (?, ?, ?, ?)")
                    .use();
      use.bind(calendar_id)
          .bind(format_day(versions[i].from_day.value_or(0)))
          .bind(versions[i].zone)
          .bind(format_hours(versions[i].hours))
          .run();
    }
  }

  LoadedPolicy load_policy(std::int64_t id) override {
    LoadedPolicy out;
    {
      Use use = statement("SELECT name, builtin FROM policies WHERE id = ?").use();
      use.bind(id);
      if (!use.step()) {
        throw Error{ErrorKind::storage,
                    fmt::format("SLA policy {} is missing from {}", id, m_db.path())};
      }
      out.policy.name = use.text(0);
      out.policy.builtin = use.integer(1) != 0;
    }
    {
      // Oldest first: the first version (from the beginning of time, NULL) sorts first.
      Use use = statement("SELECT v.id, v.from_at, v.calendar_id, k.name FROM policy_versions v "
                          "JOIN calendars k ON k.id = v.calendar_id WHERE v.policy_id = ? "
                          "ORDER BY v.from_at IS NOT NULL, v.from_at")
                    .use();
      use.bind(id);
      while (use.step()) {
        PolicyVersion version;
        version.id = use.integer(0);
        version.from = to_instant(use.optional_integer(1));
        version.calendar = use.text(3);
        out.calendars.push_back(use.integer(2));
        out.policy.versions.push_back(std::move(version));
      }
    }
    if (out.policy.versions.empty() || out.policy.versions.front().from) {
      throw Error{ErrorKind::storage,
                  fmt::format("SLA policy \"{}\" in {} has no version from the beginning; "
                              "restore a backup",
                              out.policy.name, m_db.path())};
    }
    for (PolicyVersion& version : out.policy.versions) {
      bool has_base = false;
      Use use = statement("SELECT priority, reply_s, update_s, resolve_s FROM policy_targets "
                          "WHERE version_id = ?")
                    .use();
      use.bind(version.id);
      while (use.step()) {
        const std::string priority = use.text(0);
        if (priority == "*") {
          has_base = true;
          version.base = Targets{to_target(use.integer(1)), to_target(use.optional_integer(2)),
                                 to_target(use.optional_integer(3))};
        } else {
          version.overrides[from_db(priority_from(priority), "priority", priority)] =
              TargetOverride{to_target(use.optional_integer(1)), to_target(use.optional_integer(2)),
                             to_target(use.optional_integer(3))};
        }
      }
      if (!has_base) {
        throw Error{ErrorKind::storage,
                    fmt::format("SLA policy \"{}\" in {} has no targets; set them with: slatrack "
                                "sla set {} --reply DUR --retroactive",
                                out.policy.name, m_db.path(), shell_word(out.policy.name))};
      }
    }
    const PolicyVersion& latest = out.policy.versions.back();
    out.policy.calendar = latest.calendar;
    out.policy.base = latest.base;
    out.policy.overrides = latest.overrides;
    out.calendar_id = out.calendars.back();
    return out;
  }

  // Checks `rules` and returns them with the zone's canonical IANA name (find_zone matches
  // case-insensitively). Throws Error{invalid_input} for an unknown zone, a bad holiday or hours
  // with no open time.
  // 2000-01-01T00:00:00Z: where checked() looks for open time.
  static constexpr std::int64_t k_open_time_probe = 946684800;

  static CalendarRules checked(CalendarRules rules) {
    rules.zone = find_zone(rules.zone).name();
    for (CalendarVersion& version : rules.versions) {
      version.zone = find_zone(version.zone).name();
    }
    for (const Holiday& day : rules.holidays) {
      check_holiday(day);
    }
    const std::unique_ptr<Clock> made = make_clock(rules, zone_files());
    // A calendar that is never open (its holidays close every open day, every year) would stop
    // every clock on it and every `overdue --within`: refused where it is made.
    try {
      static_cast<void>(made->add(Instant{std::chrono::seconds{k_open_time_probe}}, Seconds{60}));
    } catch (const Error&) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("calendar \"{}\" would never be open: its holidays close every day "
                              "it has open hours; nothing was changed: keep some days open",
                              rules.name)};
    }
    return rules;
  }

  void put_holiday(std::int64_t calendar_id, const Holiday& day) {
    check_holiday(day);
    Use use = statement("INSERT INTO holidays (calendar_id, year, month, day, name) "
                        "VALUES (?, ?, ?, ?, ?) "
                        "ON CONFLICT DO UPDATE SET name = excluded.name")
                  .use();
    use.bind(calendar_id)
        .bind(day.year)
        .bind(static_cast<std::int64_t>(day.month))
        .bind(static_cast<std::int64_t>(day.day))
        .bind(day.name)
        .run();
  }

  // Writes `version` of policy `policy_id` on calendar `calendar_id`: in place when it has an
  // id (its requests keep it), else as a new version.
  void put_version(std::int64_t policy_id, std::int64_t calendar_id, const PolicyVersion& version) {
    const std::optional<std::int64_t> from =
        version.from ? std::optional<std::int64_t>{to_db(*version.from)} : std::nullopt;
    std::int64_t id = version.id;
    if (id != 0) {
      {
        Use use =
            statement("UPDATE policy_versions SET from_at = ?, calendar_id = ? WHERE id = ?").use();
        use.bind(from).bind(calendar_id).bind(id).run();
      }
      Use use = statement("DELETE FROM policy_targets WHERE version_id = ?").use();
      use.bind(id).run();
    } else {
      Use use = statement("INSERT INTO policy_versions (policy_id, from_at, calendar_id) "
                          "VALUES (?, ?, ?)")
                    .use();
      use.bind(policy_id).bind(from).bind(calendar_id).run();
      id = m_db.last_insert_rowid();
    }
    put_targets(id, "*", to_db(version.base.reply), to_db(version.base.update),
                to_db(version.base.resolve));
    for (const auto& [priority, override_] : version.overrides) {
      put_targets(id, to_string(priority), to_db(override_.reply), to_db(override_.update),
                  to_db(override_.resolve));
    }
  }

  void put_targets(std::int64_t version_id, std::string_view priority,
                   std::optional<std::int64_t> reply, std::optional<std::int64_t> update,
                   std::optional<std::int64_t> resolve) {
    if (priority != "*" && !reply && !update && !resolve) {
      return;
    }
    Use use = statement(R"sql(INSERT INTO policy_targets (version_id, priority, reply_s, update_s,
  resolve_s) VALUES (?, ?, ?, ?, ?))sql")
                  .use();
    use.bind(version_id).bind(priority).bind(reply).bind(update).bind(resolve).run();
  }

  // ---- events and derived state ----

  static std::string recorder_of(const std::string& recorder, const std::string& author) {
    return recorder.empty() ? author : recorder;
  }

  struct Inserted {
    std::int64_t id = 0;     // also its seq for evaluate()
    std::int64_t number = 0; // within its request
  };

  // Inserts an event with the next number of its request.
  Inserted insert_event(RequestId id, EventKind kind, Instant at, std::string_view author,
                        const std::optional<std::string>& text, Instant now,
                        std::string_view recorder,
                        std::optional<std::int64_t> target = std::nullopt,
                        std::optional<std::int64_t> merged_from = std::nullopt) {
    Use use = statement(R"sql(INSERT INTO events (request_id, number, kind, at, author, text,
  recorded_at, recorder, target, merged_from)
VALUES (?1, (SELECT coalesce(max(number), 0) + 1 FROM events WHERE request_id = ?1), ?, ?, ?, ?,
  ?, ?, ?, ?) RETURNING id, number)sql")
                  .use();
    use.bind(id.value)
        .bind(to_string(kind))
        .bind(to_db(at))
        .bind(author)
        .bind(text)
        .bind(to_db(now))
        .bind(recorder)
        .bind(target)
        .bind(merged_from);
    if (!use.step()) {
      throw Error{ErrorKind::internal, "an inserted event returned no row (a bug)"};
    }
    const Inserted out{use.integer(0), use.integer(1)};
    use.run();
    return out;
  }

  // The void event that voids request `id`, if any.
  std::optional<std::int64_t> request_voided_by(RequestId id) {
    Use use = statement("SELECT voided_by FROM requests WHERE id = ?").use();
    use.bind(id.value);
    return use.step() ? use.optional_integer(0) : std::nullopt;
  }

  // The assignee is the latest assignment that counts, else what the request was logged with.
  void update_assignee(std::int64_t id) override {
    Use use = statement(R"sql(UPDATE requests SET assignee = coalesce((SELECT text FROM events
  WHERE request_id = ?1 AND kind = 'assign' AND voided_by IS NULL ORDER BY at DESC, id DESC
  LIMIT 1), logged_assignee) WHERE id = ?1)sql")
                  .use();
    use.bind(id).run();
  }

  // Records a void or unvoid event on request `id` marking `target` and re-evaluates the request.
  // When that takes a merge back (the request counts again), the copies the merge made elsewhere
  // are voided; when it makes the request void again, those voids are voided (the copies count
  // again). These voids carry merged_from too, and undo passes over them: they follow from the
  // event undo takes back.
  void mark(RequestId id, EventKind kind, std::int64_t target,
            const std::optional<std::string>& reason, const std::string& recorder, Instant now) {
    const bool was_void = request_voided_by(id).has_value();
    static_cast<void>(insert_event(id, kind, now, recorder, reason, now, recorder, target));
    RulesCache rules;
    static_cast<void>(reevaluate(id.value, rules));
    const bool is_void = request_voided_by(id).has_value();
    if (was_void == is_void) {
      return;
    }
    // Counts again: the copies that count are voided; void again: the voids of the copies.
    std::vector<std::pair<std::int64_t, std::int64_t>> marked; // request, number
    {
      Use use = statement(store::merged_copies_query(is_void)).use();
      use.bind(id.value);
      while (use.step()) {
        marked.emplace_back(use.integer(0), use.integer(1));
      }
    }
    const std::string why = is_void ? fmt::format("#{} merged again", id.value)
                                    : fmt::format("#{} is its own request again", id.value);
    std::optional<std::int64_t> last;
    for (const auto& [request, number] : marked) {
      static_cast<void>(insert_event(RequestId{request}, EventKind::void_event, now, recorder, why,
                                     now, recorder, number, id.value));
      if (last && *last != request) {
        static_cast<void>(reevaluate(*last, rules));
      }
      last = request;
    }
    if (last) {
      static_cast<void>(reevaluate(*last, rules));
    }
  }

  // The kind and time of event `id`.
  std::pair<EventKind, Instant> stored_event(std::int64_t id) {
    Use use = statement("SELECT kind, at FROM events WHERE id = ?").use();
    use.bind(id);
    if (!use.step()) {
      throw Error{ErrorKind::internal, fmt::format("event {} vanished", id)};
    }
    return {from_db(event_kind_from(use.text_view(0)), "event", use.text_view(0)),
            to_instant(use.integer(1))};
  }

  // ---- re-evaluation's rows (store/reevaluation.hpp) ----

  [[nodiscard]] std::string database_name() const override {
    return m_db.path();
  }

  // The three cursors of store::selection_queries, side by side.
  class Cursor final : public store::RequestCursor {
  public:
    Cursor(Statement& requests, Statement& events, Statement& clocks,
           const RequestSelection& selection, int parameters)
        : m_requests(requests), m_events(events), m_clocks(clocks) {
      const std::int64_t values[] = {selection.id, selection.from, selection.until};
      for (int i = 0; i < parameters; ++i) {
        m_requests.bind(values[i]);
        m_events.bind(values[i]);
        m_clocks.bind(values[i]);
      }
    }

    bool next_request(store::RequestState& out) override {
      if (!m_requests.step()) {
        return false;
      }
      out.id = m_requests.integer(0);
      out.policy_id = m_requests.integer(1);
      const std::string priority = m_requests.text(2);
      out.priority = from_db(priority_from(priority), "priority", priority);
      out.derived = Derived{m_requests.text(3),
                            m_requests.integer(4),
                            m_requests.optional_integer(5),
                            m_requests.optional_integer(6),
                            m_requests.optional_integer(7),
                            m_requests.optional_integer(8),
                            m_requests.optional_integer(9),
                            m_requests.optional_integer(10),
                            m_requests.optional_text(11),
                            m_requests.optional_integer(12),
                            m_requests.integer(13)};
      return true;
    }

    bool next_event(store::EventState& out) override {
      if (!m_events.step()) {
        return false;
      }
      out.request_id = m_events.integer(0);
      const std::string kind = m_events.text(1);
      out.event = RecordedEvent{from_db(event_kind_from(kind), "event", kind),
                                to_instant(m_events.integer(2)), m_events.integer(3),
                                m_events.integer(4), m_events.optional_integer(5)};
      out.voided_by = m_events.optional_integer(6);
      return true;
    }

    bool next_clock(store::ClockState& out) override {
      if (!m_clocks.step()) {
        return false;
      }
      out.request_id = m_clocks.integer(0);
      out.seq = m_clocks.integer(1);
      out.row = ClockRow{m_clocks.text(2),
                         m_clocks.integer(3),
                         m_clocks.optional_integer(4),
                         m_clocks.optional_integer(5),
                         m_clocks.text(6),
                         m_clocks.integer(7),
                         m_clocks.integer(8),
                         m_clocks.integer(9)};
      return true;
    }

  private:
    Use m_requests;
    Use m_events;
    Use m_clocks;
  };

  std::unique_ptr<store::RequestCursor> read_requests(const RequestSelection& selection) override {
    const store::SelectionQueries queries = store::selection_queries(selection);
    const std::int64_t values[] = {selection.id, selection.from, selection.until};
    for (std::size_t i = 0; i < queries.setup.size(); ++i) {
      Use use = statement(queries.setup[i]).use();
      if (i + 1 == queries.setup.size()) {
        for (int k = 0; k < queries.setup_parameters; ++k) {
          use.bind(values[k]);
        }
      }
      use.run();
    }
    return std::make_unique<Cursor>(statement(queries.requests), statement(queries.events),
                                    statement(queries.clocks), selection, queries.parameters);
  }

  void write_void_mark(std::int64_t event_id, std::optional<std::int64_t> voided_by) override {
    Use use = statement("UPDATE events SET voided_by = ? WHERE id = ?").use();
    use.bind(voided_by).bind(event_id).run();
  }

  // The UPDATEs below set only the columns that changed: SQLite rewrites the entries of every
  // index on a column that is set, changed or not, and a retroactive change rewrites one or two
  // columns of most clock runs (their target and due time, in no index of stopped runs). OR FAIL:
  // one row, so nothing to undo when a CHECK fails, and no statement journal for each (the
  // re-evaluation's cursors are open meanwhile).
  void write_derived(std::int64_t id, const Derived& old, const Derived& now) override {
    const bool changed[] = {old.status != now.status,
                            old.received_at != now.received_at,
                            old.replied_at != now.replied_at,
                            old.resolved_at != now.resolved_at,
                            old.reply_due_at != now.reply_due_at,
                            old.update_due_at != now.update_due_at,
                            old.resolve_due_at != now.resolve_due_at,
                            old.next_due_at != now.next_due_at,
                            old.next_metric != now.next_metric,
                            old.voided_by != now.voided_by,
                            old.version_id != now.version_id};
    static constexpr std::string_view columns[] = {
        "status",       "received_at",   "replied_at",     "resolved_at",
        "reply_due_at", "update_due_at", "resolve_due_at", "next_due_at",
        "next_metric",  "voided_by",     "version_id"};
    Use use = update_statement("requests", columns, changed, "id = ?").use();
    bind_if(use, changed[0], now.status);
    bind_if(use, changed[1], now.received_at);
    bind_if(use, changed[2], now.replied_at);
    bind_if(use, changed[3], now.resolved_at);
    bind_if(use, changed[4], now.reply_due_at);
    bind_if(use, changed[5], now.update_due_at);
    bind_if(use, changed[6], now.resolve_due_at);
    bind_if(use, changed[7], now.next_due_at);
    bind_if(use, changed[8], now.next_metric);
    bind_if(use, changed[9], now.voided_by);
    bind_if(use, changed[10], now.version_id);
    use.bind(id).run();
  }

  void update_clock(std::int64_t id, std::int64_t seq, const ClockRow& old,
                    const ClockRow& row) override {
    const bool changed[] = {old.metric != row.metric,   old.start_at != row.start_at,
                            old.due_at != row.due_at,   old.stop_at != row.stop_at,
                            old.outcome != row.outcome, old.target_s != row.target_s,
                            old.used_s != row.used_s,   old.credit_s != row.credit_s};
    static constexpr std::string_view columns[] = {"metric",  "start_at", "due_at", "stop_at",
                                                   "outcome", "target_s", "used_s", "credit_s"};
    Use use = update_statement("clocks", columns, changed, "request_id = ? AND seq = ?").use();
    bind_if(use, changed[0], row.metric);
    bind_if(use, changed[1], row.start_at);
    bind_if(use, changed[2], row.due_at);
    bind_if(use, changed[3], row.stop_at);
    bind_if(use, changed[4], row.outcome);
    bind_if(use, changed[5], row.target_s);
    bind_if(use, changed[6], row.used_s);
    bind_if(use, changed[7], row.credit_s);
    use.bind(id).bind(seq).run();
  }

  template <typename T> static void bind_if(Use& use, bool changed, const T& value) {
    if (changed) {
      use.bind(value);
    }
  }

  // The statement "UPDATE OR FAIL table SET a = ?, c = ? WHERE key" for the `columns` that
  // `changed`, prepared once for each set of columns.
  template <std::size_t N>
  Statement& update_statement(std::string_view table, const std::string_view (&columns)[N],
                              const bool (&changed)[N], std::string_view key) {
    std::uint32_t mask = 0;
    for (std::size_t i = 0; i < N; ++i) {
      mask |= changed[i] ? 1U << i : 0U;
    }
    const auto found = m_updates.find({table, mask});
    if (found != m_updates.end()) {
      return *found->second;
    }
    std::string sql = fmt::format("UPDATE OR FAIL {} SET ", table);
    bool first = true;
    for (std::size_t i = 0; i < N; ++i) {
      if (changed[i]) {
        sql += first ? "" : ", ";
        sql += columns[i];
        sql += " = ?";
        first = false;
      }
    }
    sql += " WHERE ";
    sql += key;
    Statement& out = statement(sql);
    m_updates.emplace(std::pair{table, mask}, &out);
    return out;
  }

  void insert_clock(std::int64_t id, std::int64_t seq, const ClockRow& row) override {
    Use use = statement(R"sql(INSERT INTO clocks (request_id, seq, metric, start_at, due_at,
  stop_at, outcome, target_s, used_s, credit_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?))sql")
                  .use();
    use.bind(id)
        .bind(seq)
        .bind(row.metric)
        .bind(row.start_at)
        .bind(row.due_at)
        .bind(row.stop_at)
        .bind(row.outcome)
        .bind(row.target_s)
        .bind(row.used_s)
        .bind(row.credit_s)
        .run();
  }

  void delete_clocks_after(std::int64_t id, std::int64_t last) override {
    Use use = statement("DELETE FROM clocks WHERE request_id = ? AND seq > ?").use();
    use.bind(id).bind(last).run();
  }

  // Re-evaluates every request whose policy has a version on calendar `calendar_id`.
  RuleEffect reevaluate_calendar(std::int64_t calendar_id) {
    RulesCache rules;
    return reevaluate_selected(RequestSelection{RequestSelection::By::calendar, calendar_id},
                               rules);
  }

  // Re-evaluates the requests of calendar `calendar_id` (as reevaluate_calendar) that have a
  // clock running, or stopped or due at or after `from`: a version starting then cannot change
  // the others (their clocks ran their whole course before it). Read through the clocks' indexes.
  RuleEffect reevaluate_calendar_from(std::int64_t calendar_id, std::int64_t from) {
    RulesCache rules;
    return reevaluate_selected(
        RequestSelection{RequestSelection::By::calendar_from, calendar_id, from}, rules);
  }

  Database m_db; // declared first: destroyed after the statements
  std::map<std::string, Statement, std::less<>> m_statements;
  // update_statement's statements (in m_statements) by table and the columns set.
  std::map<std::pair<std::string_view, std::uint32_t>, Statement*> m_updates;
};

} // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, OpenMode mode) {
  return std::make_unique<SqliteStore>(path, mode);
}

} // namespace slatrack
