// The team database's Store (docs/teams.md): the same domain operations as the SQLite store
// (sqlite_store.cpp) over libpq (store/pg.hpp). Every write is one transaction that first takes
// the write lock (pg::Transaction), so writers take turns as on SQLite and numbers have no gaps;
// reads run in one REPEATABLE READ snapshot. Operations are moving in one by one: one that is not
// here yet fails with one line (exit 3) and writes nothing, never a wrong answer; docs/teams.md
// lists what works.
#include "store/pg_store.hpp"

#include "slatrack/address.hpp"
#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/history.hpp"
#include "slatrack/model.hpp"
#include "slatrack/request_rules.hpp"
#include "slatrack/store.hpp"
#include "slatrack/text.hpp"
#include "store/check_compare.hpp"
#include "store/pg.hpp"
#include "store/pg_report.hpp"
#include "store/pg_schema.hpp"
#include "store/reevaluation.hpp"
#include "store/schema.hpp"
#include "store/search_words.hpp"
#include "store/sqlite.hpp"
#include "store/tables.hpp"
#include "store/transfer.hpp"
#include "store/values.hpp"
#include "system/zone_files.hpp"

#include <algorithm>
#include <date/date.h>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace slatrack {

namespace {

// What a command that needs an operation not yet on PostgreSQL says (exit 3: the database cannot
// do it, the input is fine).
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
using store::Reevaluation;
using store::RequestSelection;
using store::RulesCache;
using store::shell_word;
using store::split_words;
using store::Stored;
using store::to_db;
using store::to_instant;
using store::to_row;
using store::to_target;
using store::VersionedHistory;

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

// k_request_select with the calendar id of the request's version after its columns (column
// k_request_columns).
std::string with_calendar_id(std::string_view select) {
  std::string out(select);
  out.insert(out.find("\nFROM requests r"), ", v.calendar_id");
  return out;
}

// A Request from the columns of store::k_request_select in row `row`.
Request read_request(const pg::Result& rows, int row) {
  Request out;
  out.id = RequestId{rows.integer(row, 0)};
  out.client = rows.text(row, 1);
  out.subject = rows.text(row, 2);
  out.channel = from_db(channel_from(rows.text(row, 3)), "channel", rows.text(row, 3));
  out.priority = from_db(priority_from(rows.text(row, 4)), "priority", rows.text(row, 4));
  out.status = from_db(status_from(rows.text(row, 5)), "status", rows.text(row, 5));
  out.assignee = rows.optional_text(row, 6);
  out.policy = rows.text(row, 7);
  out.calendar = rows.text(row, 8);
  out.ref = rows.optional_text(row, 9);
  out.received_at = to_instant(rows.integer(row, 10));
  out.replied_at = to_instant(rows.optional_integer(row, 11));
  out.resolved_at = to_instant(rows.optional_integer(row, 12));
  out.reply_due = to_instant(rows.optional_integer(row, 13));
  out.update_due = to_instant(rows.optional_integer(row, 14));
  out.resolve_due = to_instant(rows.optional_integer(row, 15));
  if (const std::optional<std::int64_t> due = rows.optional_integer(row, 16)) {
    out.next = NextDue{from_db(metric_from(rows.text(row, 17)), "metric", rows.text(row, 17)),
                       to_instant(*due)};
  }
  return out;
}

// An event from the columns store::k_event_columns of row `row`, from column `first` on.
Event read_event(const pg::Result& rows, int row, int first = 0) {
  Event out;
  out.id = rows.integer(row, first);
  out.kind =
      from_db(event_kind_from(rows.text(row, first + 1)), "event", rows.text(row, first + 1));
  out.at = to_instant(rows.integer(row, first + 2));
  out.author = rows.text(row, first + 3);
  out.text = rows.optional_text(row, first + 4);
  out.recorded_at = to_instant(rows.integer(row, first + 5));
  out.number = rows.integer(row, first + 6);
  out.recorder = rows.text(row, first + 7);
  out.target = rows.optional_integer(row, first + 8);
  out.voided_by = rows.optional_integer(row, first + 9);
  return out;
}

// A clock run from the columns metric, start_at, due_at, stop_at, outcome, target_s, used_s,
// credit_s of row `row`, from column `first` on.
ClockRun read_clock(const pg::Result& rows, int row, int first) {
  ClockRun run;
  run.metric = from_db(metric_from(rows.text(row, first)), "metric", rows.text(row, first));
  run.start = to_instant(rows.integer(row, first + 1));
  run.due = to_instant(rows.optional_integer(row, first + 2));
  run.stop = to_instant(rows.optional_integer(row, first + 3));
  run.outcome =
      from_db(outcome_from(rows.text(row, first + 4)), "outcome", rows.text(row, first + 4));
  run.target = to_target(rows.integer(row, first + 5));
  run.used = Seconds{rows.integer(row, first + 6)};
  run.credit = Seconds{rows.integer(row, first + 7)};
  return run;
}

// How many requests export reads per page.
constexpr std::int64_t k_export_page = 1000;

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

// Import into the team database (store::Importer decides, as on a file): look-ups by statement,
// numbers after the highest (under the write lock), and each batch's rows sent with COPY, one
// statement per table, no round trip per row.
class PgImportTarget final : public store::ImportTarget {
public:
  explicit PgImportTarget(pg::Connection& db) : m_db(db) {}

  [[nodiscard]] std::string location() const override {
    return m_db.location();
  }

  std::int64_t last_request() override {
    return m_db.query("SELECT coalesce(max(id), 0) FROM requests", {}).integer(0, 0);
  }

  std::optional<std::int64_t> request_with_ref(const std::string& ref) override {
    return first_row("SELECT id FROM requests WHERE ref = $1", {pg::value(ref)}, &first_id);
  }

  std::optional<std::int64_t> same_request(std::int64_t client_id, const std::string& subject,
                                           Instant received_at, std::int64_t before) override {
    return first_row("SELECT id FROM requests WHERE received_at = $1 AND client_id = $2 AND "
                     "subject = $3 AND ref IS NULL AND id < $4 ORDER BY id LIMIT 1",
                     {pg::value(to_db(received_at)), pg::value(client_id), pg::value(subject),
                      pg::value(before)},
                     &first_id);
  }

  std::optional<store::ImportClient> find_client(const std::string& name) override {
    return first_row("SELECT id, name, policy_id, owner FROM clients WHERE fold(name) = fold($1)",
                     {pg::value(name)}, [](const pg::Result& rows) {
                       return store::ImportClient{rows.integer(0, 0), rows.text(0, 1),
                                                  rows.integer(0, 2), rows.optional_text(0, 3)};
                     });
  }

  std::optional<store::ImportPolicy> find_policy(std::string_view name) override {
    return first_row("SELECT id, name FROM policies WHERE fold(name) = fold($1)", {pg::value(name)},
                     [](const pg::Result& rows) {
                       return store::ImportPolicy{rows.integer(0, 0), rows.text(0, 1)};
                     });
  }

  std::vector<std::string> client_names() override {
    return names("SELECT name FROM clients ORDER BY fold(name), name");
  }

  std::vector<std::string> policy_names() override {
    return names("SELECT name FROM policies ORDER BY fold(name), name");
  }

  std::int64_t add_client(const std::string& name, std::int64_t policy_id, Instant now) override {
    return m_db
        .query("INSERT INTO clients (id, name, policy_id, created_at) SELECT coalesce(max(id), "
               "0) + 1, $1, $2, $3 FROM clients RETURNING id",
               {pg::value(name), pg::value(policy_id), pg::value(to_db(now))})
        .integer(0, 0);
  }

  void write(const store::ImportRows& rows, Instant now) override {
    if (rows.requests.empty()) {
      return;
    }
    {
      pg::CopyIn copy(m_db,
                      "COPY requests (id, client_id, subject, channel, priority, assignee, ref, "
                      "policy_id, created_at, status, received_at, replied_at, resolved_at, "
                      "reply_due_at, update_due_at, resolve_due_at, next_due_at, next_metric, "
                      "logged_assignee, voided_by, version_id) FROM STDIN",
                      "writing the imported requests");
      for (const store::ImportedRequest& row : rows.requests) {
        const Evaluation& evaluation = row.evaluation;
        const std::optional<NextDue> next = next_due(evaluation);
        pg::CopyRow line(copy.buffer());
        line.add(row.id)
            .add(row.client_id)
            .add(std::string_view{row.request->subject})
            .add(to_string(row.request->channel))
            .add(to_string(row.request->priority))
            .add(row.assignee)
            .add(row.request->ref)
            .add(row.policy_id)
            .add(to_db(now))
            .add(to_string(evaluation.status))
            .add(to_db(*evaluation.received_at))
            .add(to_db(evaluation.replied_at))
            .add(to_db(evaluation.resolved_at))
            .add(to_db(evaluation.reply_due))
            .add(to_db(evaluation.update_due))
            .add(to_db(evaluation.resolve_due));
        if (next) {
          line.add(to_db(next->due)).add(to_string(next->metric));
        } else {
          line.add(std::nullopt).add(std::nullopt);
        }
        line.add(row.logged_assignee).add(row.voided_by).add(row.version_id).end();
        copy.sent();
      }
      copy.end();
    }
    {
      std::int64_t id = m_db.query("SELECT coalesce(max(id), 0) FROM events", {}).integer(0, 0);
      pg::CopyIn copy(m_db,
                      "COPY events (id, request_id, kind, at, author, text, recorded_at, number, "
                      "recorder, target, voided_by) FROM STDIN",
                      "writing the imported events");
      for (const store::ImportedEvent& row : rows.events) {
        const ImportEvent& event = *row.event;
        pg::CopyRow(copy.buffer())
            .add(++id)
            .add(row.request_id)
            .add(to_string(event.kind))
            .add(to_db(event.at))
            .add(std::string_view{event.author})
            .add(event.text)
            .add(to_db(event.recorded_at.value_or(now)))
            .add(row.number)
            .add(std::string_view{event.recorder ? *event.recorder : event.author})
            .add(row.target)
            .add(row.voided_by)
            .end();
        copy.sent();
      }
      copy.end();
    }
    pg::CopyIn copy(m_db,
                    "COPY clocks (request_id, seq, metric, start_at, due_at, stop_at, outcome, "
                    "target_s, used_s, credit_s) FROM STDIN",
                    "writing the imported clock runs");
    for (const store::ImportedClock& row : rows.clocks) {
      const ClockRun& run = *row.run;
      pg::CopyRow(copy.buffer())
          .add(row.request_id)
          .add(row.seq)
          .add(to_string(run.metric))
          .add(to_db(run.start))
          .add(to_db(run.due))
          .add(to_db(run.stop))
          .add(to_string(run.outcome))
          .add(to_db(run.target))
          .add(static_cast<std::int64_t>(run.used.count()))
          .add(static_cast<std::int64_t>(run.credit.count()))
          .end();
      copy.sent();
    }
    copy.end();
  }

private:
  // The first row of `sql` over `params` as `read` makes it of the rows, or nullopt when there
  // is none.
  template <typename Read>
  auto first_row(std::string_view sql, std::initializer_list<pg::Value> params, Read read)
      -> std::optional<std::invoke_result_t<Read, const pg::Result&>> {
    const pg::Result rows = m_db.query(sql, params);
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return read(rows);
  }

  static std::int64_t first_id(const pg::Result& rows) {
    return rows.integer(0, 0);
  }

  std::vector<std::string> names(std::string_view sql) {
    const pg::Result rows = m_db.query(sql, {});
    std::vector<std::string> out;
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back(rows.text(i, 0));
    }
    return out;
  }

  pg::Connection& m_db;
};

// A bulk import on the team database: every batch in one write transaction (others wait for the
// write lock until the commit), the look-ups kept across batches.
class PgBulkImport final : public BulkImport {
public:
  PgBulkImport(pg::Connection& db, store::RulesSource rules, const ImportOptions& options)
      : m_rules(std::move(rules)), m_options(options), m_transaction(db), m_target(db),
        m_importer(m_target, m_rules, m_options) {}

  // The requests already there (the highest number).
  [[nodiscard]] std::int64_t existing_requests() const {
    return m_importer.next_id() - 1;
  }

  ImportResult add(std::span<const ImportRequest> batch) override {
    if (m_committed) {
      throw Error{ErrorKind::internal, "a bulk import was used after its commit"};
    }
    return m_importer.import_batch(batch);
  }

  void commit() override {
    m_transaction.commit();
    m_committed = true;
  }

private:
  store::RulesSource m_rules;
  ImportOptions m_options;
  pg::Transaction m_transaction;
  PgImportTarget m_target;
  store::Importer m_importer;
  bool m_committed = false;
};

class PgStore final : public Store, private store::Reevaluator {
public:
  PgStore(const std::string& url, OpenMode mode) : m_db(store::open_pg_database(url, mode)) {}

  [[nodiscard]] std::string location() const override {
    return m_db.location();
  }

  [[nodiscard]] int schema_version() override {
    return store::read_pg_schema_version(m_db);
  }

  void transaction(const std::function<void()>& body, bool commit) override {
    pg::Transaction write(m_db);
    body();
    if (commit) {
      write.commit();
    }
  }

  // ---- calendars ----

  [[nodiscard]] std::vector<Calendar> calendars() override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    std::vector<Calendar> out;
    for (const std::int64_t id : ids("SELECT id FROM calendars ORDER BY fold(name), id", {})) {
      out.push_back(load_calendar(id));
    }
    read.commit();
    return out;
  }

  [[nodiscard]] std::optional<Calendar> find_calendar(std::string_view name) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
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
    pg::Transaction write(m_db);
    if (const std::optional<CalendarRow> row = calendar_row(rules.name)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("calendar \"{}\" exists; change it with: slatrack calendar edit {}",
                              row->name, shell_word(row->name))};
    }
    const CalendarRules valid = checked(rules);
    const std::int64_t id =
        m_db.query("INSERT INTO calendars (id, name, zone, hours) SELECT coalesce(max(id), 0) + 1, "
                   "$1, $2, $3 FROM calendars RETURNING id",
                   {pg::value(valid.name), pg::value(valid.zone),
                    pg::value(format_hours(valid.hours))})
            .integer(0, 0);
    for (const Holiday& day : valid.holidays) {
      put_holiday(id, day);
    }
    write.commit();
  }

  RuleEffect change_calendar(std::string_view name, const CalendarChange& change) override {
    if (!change.retroactive && !change.from_day) {
      throw Error{ErrorKind::internal, "a calendar change needs a date it starts from (a bug)"};
    }
    pg::Transaction write(m_db);
    const CalendarRow row = changeable_calendar(name);
    const Calendar calendar = load_calendar(row.id);
    CalendarVersionChange versioned;
    versioned.zone = change.zone;
    versioned.hours = change.hours;
    versioned.from_day = change.from_day.value_or(0);
    versioned.retroactive = change.retroactive;
    const CalendarVersionsChanged plan = change_calendar_versions(calendar.rules, versioned);
    if (!plan.changed) {
      write.commit();
      return RuleEffect{};
    }
    CalendarRules rules = calendar.rules;
    set_calendar_versions(rules, plan.versions);
    rules = checked(std::move(rules));
    // The first version in calendars, the later ones in calendar_versions (as on SQLite).
    const std::vector<CalendarVersion> versions = calendar_versions(rules);
    m_db.query("UPDATE calendars SET zone = $1, hours = $2 WHERE id = $3",
               {pg::value(versions.front().zone), pg::value(format_hours(versions.front().hours)),
                pg::value(row.id)});
    m_db.query("DELETE FROM calendar_versions WHERE calendar_id = $1", {pg::value(row.id)});
    for (std::size_t i = 1; i < versions.size(); ++i) {
      m_db.query("INSERT INTO calendar_versions (calendar_id, from_day, zone, hours) VALUES ($1, "
                 "$2, $3, $4)",
                 {pg::value(row.id), pg::value(format_day(versions[i].from_day.value_or(0))),
                  pg::value(versions[i].zone), pg::value(format_hours(versions[i].hours))});
    }
    RulesCache cache;
    // A forward change: as on SQLite, only the requests with a clock that runs, stops or is due
    // after a day before the date's midnight read as UTC may be judged differently.
    const RuleEffect changed =
        change.retroactive
            ? reevaluate_calendar(row.id)
            : reevaluate_selected(RequestSelection{RequestSelection::By::calendar_from, row.id,
                                                   (*change.from_day - 1) * 86400},
                                  cache);
    write.commit();
    return changed;
  }

  RuleEffect add_holidays(std::string_view name, const std::vector<Holiday>& days) override {
    for (const Holiday& day : days) {
      check_holiday(day);
    }
    pg::Transaction write(m_db);
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
    pg::Transaction write(m_db);
    const CalendarRow row = changeable_calendar(name);
    for (const Holiday& day : days) {
      const pg::Result removed = m_db.query(
          "DELETE FROM holidays WHERE calendar_id = $1 AND year = $2 AND month = $3 AND day = $4",
          {pg::value(row.id), pg::value(day.year), pg::value(static_cast<std::int64_t>(day.month)),
           pg::value(static_cast<std::int64_t>(day.day))});
      if (removed.changed() == 0) {
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
    pg::Transaction write(m_db);
    const std::optional<CalendarRow> row = calendar_row(name);
    if (!row) {
      no_calendar(name, "list them with: slatrack calendar list");
    }
    if (row->builtin) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("calendar \"{}\" is built in and cannot be removed", row->name)};
    }
    const std::vector<std::string> users =
        texts("SELECT DISTINCT fold(p.name), p.name FROM policies p JOIN policy_versions v "
              "ON v.policy_id = p.id WHERE v.calendar_id = $1 ORDER BY fold(p.name), p.name",
              {pg::value(row->id)}, 1);
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
    m_db.query("DELETE FROM calendars WHERE id = $1", {pg::value(row->id)});
    write.commit();
  }

  // ---- SLA policies ----

  [[nodiscard]] std::vector<Policy> policies() override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    std::vector<Policy> out;
    for (const std::int64_t id : ids("SELECT id FROM policies ORDER BY fold(name), id", {})) {
      out.push_back(load_policy(id).policy);
    }
    read.commit();
    return out;
  }

  [[nodiscard]] std::optional<Policy> find_policy(std::string_view name) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
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
    pg::Transaction write(m_db);
    if (const std::optional<PolicyRow> row = policy_row(policy.name)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("SLA policy \"{}\" exists; change it with: slatrack sla set {}",
                              row->name, shell_word(row->name))};
    }
    const std::string calendar =
        policy.calendar.empty() ? std::string(k_always_calendar) : policy.calendar;
    const std::int64_t calendar_id = require_calendar(calendar).id;
    const std::int64_t id =
        m_db.query("INSERT INTO policies (id, name, calendar_id) SELECT coalesce(max(id), 0) + 1, "
                   "$1, $2 FROM policies RETURNING id",
                   {pg::value(policy.name), pg::value(calendar_id)})
            .integer(0, 0);
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
    pg::Transaction write(m_db);
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
    m_db.query("UPDATE policies SET calendar_id = (SELECT calendar_id FROM policy_versions WHERE "
               "policy_id = $1 ORDER BY from_at DESC NULLS LAST LIMIT 1) WHERE id = $1",
               {pg::value(row->id)});
    RulesCache rules;
    if (plan.all) {
      effect = reevaluate_selected(RequestSelection{RequestSelection::By::policy, row->id}, rules);
    } else {
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
    pg::Transaction write(m_db);
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
    const std::int64_t clients =
        count("SELECT count(*) FROM clients WHERE policy_id = $1", row->id);
    if (clients > 0) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("SLA policy \"{}\" is used by {}; move them first with: slatrack "
                              "client edit NAME --sla OTHER",
                              row->name, plural(clients, "client", "clients"))};
    }
    const std::int64_t requests =
        count("SELECT count(*) FROM requests WHERE policy_id = $1", row->id);
    if (requests > 0) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("SLA policy \"{}\" is used by {}; keep it, or move them first "
                              "with: slatrack edit ID --sla OTHER",
                              row->name, plural(requests, "request", "requests"))};
    }
    m_db.query("DELETE FROM policies WHERE id = $1", {pg::value(row->id)});
    write.commit();
  }

  // ---- clients ----

  [[nodiscard]] std::vector<Client> clients() override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    std::vector<Client> out;
    const pg::Result rows =
        m_db.query(std::string(k_client_select) + "ORDER BY fold(c.name), c.id", {});
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back(read_client(rows, i));
    }
    read.commit();
    return out;
  }

  [[nodiscard]] std::optional<Client> find_client(std::string_view name) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    std::optional<Client> out;
    if (const std::optional<ClientRow> row = short_client_row(name)) {
      const pg::Result rows =
          m_db.query(std::string(k_client_select) + "WHERE c.id = $1", {pg::value(row->id)});
      if (rows.rows() > 0) {
        out = read_client(rows, 0);
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
    pg::Transaction write(m_db);
    if (const std::optional<ClientRow> row = client_row(client.name)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("client \"{}\" exists; change it with: slatrack client edit {}",
                              row->name, shell_word(row->name))};
    }
    const std::int64_t policy_id =
        require_policy(client.policy.value_or(std::string(k_default_policy))).id;
    const pg::Result added =
        m_db.query("INSERT INTO clients (id, name, policy_id, owner, note, created_at) "
                   "SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, "
                   "floor(extract(epoch FROM clock_timestamp()))::bigint FROM clients RETURNING id",
                   {pg::value(client.name), pg::value(policy_id),
                    pg::value(non_empty(client.owner)), pg::value(non_empty(client.note))});
    const std::int64_t id = added.integer(0, 0);
    set_addresses(id, "email", "--email", emails);
    set_addresses(id, "domain", "--domain", domains);
    write.commit();
  }

  RuleEffect change_client(std::string_view name, const ClientChange& change) override {
    pg::Transaction write(m_db);
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
    m_db.query("UPDATE clients SET name = $1, policy_id = $2, owner = $3, note = $4 WHERE id = $5",
               {pg::value(row->name), pg::value(row->policy_id), pg::value(row->owner),
                pg::value(row->note), pg::value(row->id)});
    RuleEffect effect;
    if (change.policy && change.open) {
      // Its requests not resolved move too, each recorded as an edit, and are judged anew.
      const std::string to = load_policy(row->policy_id).policy.name;
      const pg::Result moving = m_db.query(
          "SELECT r.id, p.name FROM requests r JOIN policies p ON p.id = r.policy_id WHERE "
          "r.client_id = $1 AND r.status <> 'resolved' AND r.voided_by IS NULL AND r.policy_id "
          "<> $2 ORDER BY r.id",
          {pg::value(row->id), pg::value(row->policy_id)});
      RulesCache rules;
      for (int i = 0; i < moving.rows(); ++i) {
        const std::int64_t id = moving.integer(i, 0);
        m_db.query("UPDATE requests SET policy_id = $1 WHERE id = $2",
                   {pg::value(row->policy_id), pg::value(id)});
        static_cast<void>(insert_event(RequestId{id}, EventKind::edit, change.now, change.recorder,
                                       fmt::format("sla: {} -> {}", moving.text(i, 1), to),
                                       change.now, change.recorder));
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
    pg::Transaction write(m_db);
    const std::optional<ClientRow> row = short_client_row(name);
    if (!row) {
      no_client(name, "list them with: slatrack client list");
    }
    const std::int64_t requests =
        count("SELECT count(*) FROM requests WHERE client_id = $1", row->id);
    if (requests > 0) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("client \"{}\" has {}; keep it, or move them first with: slatrack "
                              "edit ID --client OTHER",
                              row->name, plural(requests, "request", "requests"))};
    }
    m_db.query("DELETE FROM clients WHERE id = $1", {pg::value(row->id)});
    write.commit();
  }

  // ---- mail in (not on a team database yet: docs/teams.md) ----

  // ---- mail in: the facts `mail` decides on (as on a file) ----

  [[nodiscard]] bool message_recorded(std::string_view message_id) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    const bool out = message_request(message_id).has_value();
    read.commit();
    return out;
  }

  [[nodiscard]] std::optional<RequestId>
  request_for_messages(std::span<const std::string> message_ids) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    std::optional<RequestId> out;
    for (const std::string& id : message_ids) {
      std::optional<std::int64_t> request = message_request(id);
      // A merged request's messages belong to the request it went into (a chain of merges is
      // short; the bound guards against a loop in a damaged database).
      for (int hops = 0; request && hops < 16; ++hops) {
        const pg::Result row = m_db.query("SELECT voided_by IS NULL FROM requests WHERE id = $1",
                                          {pg::value(*request)});
        if (row.rows() == 0) {
          request.reset();
          break;
        }
        if (row.text(0, 0) == "t") {
          break;
        }
        const pg::Result into = m_db.query("SELECT request_id FROM events WHERE merged_from = $1 "
                                           "AND voided_by IS NULL ORDER BY id LIMIT 1",
                                           {pg::value(*request)});
        request = into.rows() > 0 ? std::optional<std::int64_t>{into.integer(0, 0)} : std::nullopt;
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
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    std::optional<std::string> out;
    const std::string_view domain = address_domain(address);
    for (const auto& [kind, value] : {std::pair{"email", address}, std::pair{"domain", domain}}) {
      const pg::Result rows =
          m_db.query("SELECT c.name FROM client_addresses a JOIN clients c ON c.id = a.client_id "
                     "WHERE a.kind = $1 AND a.address = $2",
                     {pg::value(kind), pg::value(value)});
      if (rows.rows() > 0) {
        out = rows.text(0, 0);
        break;
      }
    }
    read.commit();
    return out;
  }

  void record_message(std::string_view message_id, RequestId request) override {
    pg::Transaction write(m_db);
    m_db.query("INSERT INTO mail_messages (message_id, request_id) VALUES ($1, $2) "
               "ON CONFLICT DO NOTHING",
               {pg::value(message_id), pg::value(request.value)});
    write.commit();
  }

  [[nodiscard]] bool request_counts(RequestId id) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    const bool out = request_counts_row(id.value);
    read.commit();
    return out;
  }

  // The request `message_id` was recorded on by `mail`, or whose ref it is.
  std::optional<std::int64_t> message_request(std::string_view message_id) {
    return m_db
        .query("SELECT coalesce((SELECT request_id FROM mail_messages WHERE message_id = $1), "
               "(SELECT id FROM requests WHERE ref = $1))",
               {pg::value(message_id)})
        .optional_integer(0, 0);
  }

  bool request_counts_row(std::int64_t id) {
    return m_db.query("SELECT 1 FROM requests WHERE id = $1 AND voided_by IS NULL", {pg::value(id)})
               .rows()
           > 0;
  }

  // ---- requests ----

  LogResult log_request(const NewRequest& request) override {
    check_new_request(request.at, request.now, request.subject, request.client);
    pg::Transaction write(m_db);
    if (request.ref) {
      const pg::Result existing =
          m_db.query("SELECT id FROM requests WHERE ref = $1", {pg::value(*request.ref)});
      if (existing.rows() > 0) {
        LogResult result{load_request(RequestId{existing.integer(0, 0)}), false};
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
      m_db.query(
          "INSERT INTO clients (id, name, policy_id, created_at) SELECT coalesce(max(id), "
          "0) + 1, $1, (SELECT id FROM policies WHERE fold(name) = fold($2)), $3 FROM "
          "clients",
          {pg::value(request.client), pg::value(k_default_policy), pg::value(to_db(request.now))});
      client = client_row(request.client);
      if (!client) {
        throw Error{ErrorKind::internal, "the new client vanished (a bug; please report it)"};
      }
    }
    const std::optional<std::string> assignee =
        request.assignee ? non_empty(request.assignee) : client->owner;
    const RequestId id{
        m_db.query("INSERT INTO requests (id, client_id, subject, channel, priority, assignee, "
                   "logged_assignee, ref, policy_id, created_at, status, received_at, version_id) "
                   "SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $5, $6, $7, $8, 'open', "
                   "$9, 0 FROM requests RETURNING id",
                   {pg::value(client->id), pg::value(request.subject),
                    pg::value(to_string(request.channel)), pg::value(to_string(request.priority)),
                    pg::value(assignee), pg::value(non_empty(request.ref)),
                    pg::value(client->policy_id), pg::value(to_db(request.now)),
                    pg::value(to_db(request.at))})
            .integer(0, 0)};
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
    pg::Transaction write(m_db);
    const pg::Result row = m_db.query(
        "SELECT r.received_at, r.voided_by, c.name FROM requests r JOIN clients c ON c.id = "
        "r.client_id WHERE r.id = $1",
        {pg::value(event.id.value)});
    if (row.rows() == 0) {
      throw no_request(event.id);
    }
    if (!row.is_null(0, 1)) {
      throw request_is_void(event.id);
    }
    check_after_first_message(event.id, event.kind, event.at, to_instant(row.integer(0, 0)));
    std::string author = event.author;
    if (author.empty() && event.kind == EventKind::message) {
      author = row.text(0, 2);
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
                       reevaluate(event.id.value, rules).rejections, [this](std::int64_t id) {
                         const pg::Result stored = m_db.query(
                             "SELECT kind, at FROM events WHERE id = $1", {pg::value(id)});
                         if (stored.rows() == 0) {
                           throw Error{ErrorKind::internal, fmt::format("event {} vanished", id)};
                         }
                         return std::pair{from_db(event_kind_from(stored.text(0, 0)), "event",
                                                  stored.text(0, 0)),
                                          to_instant(stored.integer(0, 1))};
                       });
    }
    Request result = load_request(event.id);
    write.commit();
    return result;
  }

  Request edit_request(const RequestEdit& edit) override {
    pg::Transaction write(m_db);
    const pg::Result found = m_db.query(
        "SELECT r.client_id, c.name, r.subject, r.channel, r.priority, r.policy_id, p.name, r.ref, "
        "r.voided_by, r.assignee, c.owner, EXISTS (SELECT 1 FROM events e WHERE e.request_id = "
        "r.id AND e.kind = 'assign') FROM requests r JOIN clients c ON c.id = r.client_id JOIN "
        "policies p ON p.id = r.policy_id WHERE r.id = $1",
        {pg::value(edit.id.value)});
    if (found.rows() == 0) {
      throw no_request(edit.id);
    }
    if (!found.is_null(0, 8)) {
      throw request_is_void(edit.id);
    }
    std::int64_t client_id = found.integer(0, 0);
    std::int64_t row_policy_id = found.integer(0, 5);
    const EditedFields before{
        found.text(0, 2),
        found.text(0, 1),
        from_db(channel_from(found.text(0, 3)), "channel", found.text(0, 3)),
        from_db(priority_from(found.text(0, 4)), "priority", found.text(0, 4)),
        found.text(0, 6),
        found.optional_text(0, 7)};
    EditedFields after = before;
    if (edit.subject && *edit.subject != before.subject) {
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
      if (client->id != client_id) {
        const std::optional<std::string> current = found.optional_text(0, 9);
        if (const std::optional<std::optional<std::string>> next = assignee_after_move(
                current, found.optional_text(0, 10), client->owner, found.text(0, 11) == "t")) {
          assignee.emplace(current, *next);
        }
        client_id = client->id;
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
    if (policy_id && *policy_id != row_policy_id) {
      row_policy_id = *policy_id;
      after.policy = policy_name;
    }
    if (edit.ref && non_empty(edit.ref) != before.ref) {
      after.ref = non_empty(edit.ref);
      if (after.ref) {
        const pg::Result other =
            m_db.query("SELECT id FROM requests WHERE ref = $1", {pg::value(*after.ref)});
        if (other.rows() > 0 && other.integer(0, 0) != edit.id.value) {
          throw ref_in_use(*after.ref, RequestId{other.integer(0, 0)});
        }
      }
    }
    const std::string changes = edit_text(before, after, assignee);
    if (!changes.empty()) {
      m_db.query("UPDATE requests SET client_id = $1, subject = $2, channel = $3, priority = $4, "
                 "policy_id = $5, ref = $6 WHERE id = $7",
                 {pg::value(client_id), pg::value(after.subject),
                  pg::value(to_string(after.channel)), pg::value(to_string(after.priority)),
                  pg::value(row_policy_id), pg::value(after.ref), pg::value(edit.id.value)});
      if (assignee) {
        m_db.query("UPDATE requests SET assignee = $1 WHERE id = $2",
                   {pg::value(assignee->second), pg::value(edit.id.value)});
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

  // ---- void, unvoid, undo, merge ----

  RequestDetail void_event(const VoidChange& change) override {
    pg::Transaction write(m_db);
    const std::int64_t id = change.id.value;
    const pg::Result request =
        m_db.query("SELECT voided_by FROM requests WHERE id = $1", {pg::value(id)});
    if (request.rows() == 0) {
      throw no_request(change.id);
    }
    const std::optional<std::int64_t> request_void = request.optional_integer(0, 0);
    std::int64_t target = k_whole_request;
    if (change.event) {
      if (request_void) {
        throw request_is_void(change.id);
      }
      const std::int64_t number = *change.event;
      const pg::Result rows =
          m_db.query(fmt::format("SELECT {} FROM events WHERE request_id = $1 AND number = $2",
                                 store::k_event_columns),
                     {pg::value(id), pg::value(number)});
      std::optional<MarkedEvent> found;
      if (rows.rows() > 0) {
        const Event event = read_event(rows, 0);
        found = MarkedEvent{event.kind, event.voided_by};
      }
      check_void_event(change.id, number, found, change.restore);
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
    pg::Transaction write(m_db);
    std::optional<std::pair<RequestId, Event>> found;
    {
      const pg::Result rows =
          m_db.query(fmt::format("SELECT {}, request_id, merged_from FROM events WHERE recorder "
                                 "= $1 ORDER BY id DESC",
                                 store::k_event_columns),
                     {pg::value(change.recorder)});
      for (int i = 0; i < rows.rows(); ++i) {
        Event event = read_event(rows, i);
        if (event.voided_by
            || (event.kind == EventKind::void_event
                && (event.text == k_undo_reason || !rows.is_null(i, 11)))) {
          continue;
        }
        const RequestId request{rows.integer(i, 10)};
        const std::optional<std::int64_t> request_void = request_voided_by(request);
        if (request_void && *request_void != event.number) {
          continue; // inside a void request: only the void itself can be taken back
        }
        found.emplace(request, std::move(event));
        break;
      }
    }
    if (!found) {
      throw nothing_to_undo(change.recorder, m_db.location());
    }
    UndoResult result;
    result.id = found->first;
    result.event = found->second;
    result.client = load_request(result.id).client;
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
    pg::Transaction write(m_db);
    for (const RequestId id : {change.id, change.into}) {
      const pg::Result row =
          m_db.query("SELECT voided_by FROM requests WHERE id = $1", {pg::value(id.value)});
      if (row.rows() == 0) {
        throw no_request(id);
      }
      if (!row.is_null(0, 0)) {
        throw request_is_void(id);
      }
    }
    std::vector<Event> events;
    {
      const pg::Result rows = m_db.query(
          fmt::format("SELECT {} FROM events WHERE request_id = $1 AND voided_by IS NULL AND kind "
                      "NOT IN ('assign', 'edit', 'void', 'unvoid') ORDER BY number",
                      store::k_event_columns),
          {pg::value(change.id.value)});
      for (int i = 0; i < rows.rows(); ++i) {
        events.push_back(read_event(rows, i));
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
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    std::optional<SameSubject> out;
    const pg::Result row = m_db.query(
        "SELECT r.id, r.created_at FROM requests r WHERE r.received_at >= $1::bigint - 604800 "
        "AND r.created_at >= $1 AND r.id <> $2 AND r.client_id = (SELECT id FROM "
        "clients WHERE fold(name) = fold($3)) AND fold(r.subject) = fold($4) AND "
        "r.voided_by IS NULL ORDER BY r.created_at DESC, r.id DESC LIMIT 1",
        {pg::value(to_db(since)), pg::value(except.value), pg::value(client), pg::value(subject)});
    if (row.rows() > 0) {
      out = SameSubject{RequestId{row.integer(0, 0)}, to_instant(row.integer(0, 1))};
    }
    read.commit();
    return out;
  }

  [[nodiscard]] std::optional<Request> find_request(RequestId id) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    std::optional<Request> out;
    const pg::Result row =
        m_db.query(std::string(store::k_request_select) + "WHERE r.id = $1", {pg::value(id.value)});
    if (row.rows() > 0) {
      out = read_request(row, 0);
    }
    read.commit();
    return out;
  }

  [[nodiscard]] RequestDetail request_detail(RequestId id) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    RequestDetail out = detail(id);
    read.commit();
    return out;
  }

  [[nodiscard]] std::vector<Request> list_requests(const RequestFilter& filter) override {
    std::vector<Request> out;
    each_request(filter, [&out](const Request& request) { out.push_back(request); });
    return out;
  }

  // The numbers of the requests of `where` (the filters of each_request, with `params`) that have
  // every word of `words` (SPEC.md, list --search) in their subject or ref, or in one of their
  // events' text: matched here by SQLite's own tokenizer (store/search_words.hpp), as a database
  // file's FTS5 index matches them, whatever the server's collation. Sorted.
  std::vector<std::int64_t> search_hits(const std::vector<std::string>& words,
                                        std::string_view where,
                                        const std::vector<pg::Value>& params) {
    store::SearchWords search(words);
    std::map<std::int64_t, std::vector<bool>> found;
    const auto find = [&](std::int64_t id, std::string_view text) {
      std::vector<bool>& marks = found[id];
      if (marks.empty()) {
        marks.resize(search.size(), false);
      }
      search.find(text, marks);
    };
    m_db.each_batch(fmt::format("SELECT r.id, r.subject, r.ref FROM requests r\n{}", where), params,
                    [&](const pg::Result& rows) {
                      for (int i = 0; i < rows.rows(); ++i) {
                        const std::int64_t id = rows.integer(i, 0);
                        find(id, rows.view(i, 1));
                        if (!rows.is_null(i, 2)) {
                          find(id, rows.view(i, 2));
                        }
                      }
                      return true;
                    });
    m_db.each_batch(fmt::format("SELECT e.request_id, e.text FROM events e JOIN requests r ON r.id "
                                "= e.request_id\n{}AND e.text IS NOT NULL",
                                where),
                    params, [&](const pg::Result& rows) {
                      for (int i = 0; i < rows.rows(); ++i) {
                        find(rows.integer(i, 0), rows.view(i, 1));
                      }
                      return true;
                    });
    std::vector<std::int64_t> out;
    for (const auto& [id, marks] : found) {
      if (std::all_of(marks.begin(), marks.end(), [](bool mark) { return mark; })) {
        out.push_back(id);
      }
    }
    return out;
  }

  // The requests of `filter`, read whole and ordered here (a team's database is read over the
  // network: one statement; the SQLite store streams per calendar instead).
  void each_request(const RequestFilter& filter,
                    const std::function<void(const Request&)>& visit) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    const std::optional<std::int64_t> client_id = client_filter_id(filter.client);
    std::string sql(with_calendar_id(store::k_request_select));
    sql += "WHERE r.voided_by IS NULL\n";
    std::vector<pg::Value> params;
    const auto param = [&params](pg::Value value) {
      params.push_back(std::move(value));
      return fmt::format("${}", params.size());
    };
    if (!filter.statuses.empty()) {
      std::string in;
      for (const Status status : filter.statuses) {
        in += (in.empty() ? "" : ", ") + param(pg::value(to_string(status)));
      }
      sql += fmt::format("AND r.status IN ({})\n", in);
    }
    if (client_id) {
      sql += fmt::format("AND r.client_id = {}\n", param(pg::value(*client_id)));
    }
    if (filter.assignee) {
      sql += fmt::format("AND fold(r.assignee) = fold({})\n", param(pg::value(*filter.assignee)));
    }
    if (filter.priority) {
      sql += fmt::format("AND r.priority = {}\n", param(pg::value(to_string(*filter.priority))));
    }
    if (filter.since) {
      sql += fmt::format("AND r.received_at >= {}\n", param(pg::value(to_db(*filter.since))));
    }
    if (filter.until) {
      sql += fmt::format("AND r.received_at < {}\n", param(pg::value(to_db(*filter.until))));
    }
    if (!filter.search.empty()) {
      const std::vector<std::int64_t> hits =
          search_hits(filter.search, sql.substr(sql.find("WHERE r.voided_by")), params);
      if (hits.empty()) {
        read.commit();
        return;
      }
      std::string array = "{";
      for (const std::int64_t id : hits) {
        array += fmt::format("{}{}", array.size() > 1 ? "," : "", id);
      }
      array += "}";
      sql += fmt::format("AND r.id = ANY({}::bigint[])\n", param(pg::value(array)));
    }
    sql += "ORDER BY r.id";
    if (!filter.now && filter.limit && *filter.limit >= 0) {
      sql += " LIMIT " + param(pg::value(*filter.limit));
    }
    const pg::Result rows = m_db.query(sql, params);
    struct Row {
      Request request;
      Seconds late{0};
    };
    std::vector<Row> running;
    std::vector<Request> others;
    RulesCache rules;
    for (int i = 0; i < rows.rows(); ++i) {
      Request request = read_request(rows, i);
      if (!filter.now) {
        others.push_back(std::move(request));
        continue;
      }
      if (!request.next) {
        others.push_back(std::move(request));
        continue;
      }
      const Clock& calendar = clock(rows.integer(i, store::k_request_columns), rules);
      const Instant due = request.next->due;
      const Seconds late =
          due < *filter.now ? calendar.open(due, *filter.now) : -calendar.open(*filter.now, due);
      running.push_back(Row{std::move(request), late});
    }
    read.commit();
    // By open lateness at filter.now, then due time and number; then the others by number.
    std::sort(running.begin(), running.end(), [](const Row& a, const Row& b) {
      if (a.late != b.late) {
        return a.late > b.late;
      }
      return std::make_pair(a.request.next->due, a.request.id.value)
             < std::make_pair(b.request.next->due, b.request.id.value);
    });
    std::int64_t left = filter.limit.value_or(-1);
    for (const Row& row : running) {
      if (left == 0) {
        return;
      }
      visit(row.request);
      left = left > 0 ? left - 1 : left;
    }
    for (const Request& request : others) {
      if (left == 0) {
        return;
      }
      visit(request);
      left = left > 0 ? left - 1 : left;
    }
  }

  [[nodiscard]] std::vector<OverdueItem> overdue(const OverdueQuery& query) override {
    std::vector<OverdueItem> out;
    each_overdue(query, [&out](const OverdueItem& item) { out.push_back(item); });
    return out;
  }

  void each_overdue(const OverdueQuery& query,
                    const std::function<void(const OverdueItem&)>& visit) override {
    // --new remembers what it shows, so it writes (under the write lock); else a plain read.
    pg::Transaction transaction(m_db, query.only_new ? pg::Transaction::Mode::write
                                                     : pg::Transaction::Mode::read);
    const std::optional<std::int64_t> client_id = client_filter_id(query.client);
    const Instant overdue_cutoff = query.now - Seconds{1};
    std::map<std::int64_t, Instant> cutoffs;
    Instant max_cutoff = overdue_cutoff;
    RulesCache rules;
    if (query.within) {
      for (const std::int64_t calendar_id : ids("SELECT id FROM calendars", {})) {
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
    std::vector<pg::Value> params{pg::value(to_db(max_cutoff))};
    if (client_id) {
      params.push_back(pg::value(*client_id));
    }
    if (query.assignee) {
      params.push_back(pg::value(*query.assignee));
    }
    const pg::Result rows = m_db.query(
        store::pg_overdue_query(client_id.has_value(), query.assignee.has_value()), params);
    std::vector<OverdueItem> items;
    for (int i = 0; i < rows.rows(); ++i) {
      Request request = read_request(rows, i);
      if (!request.next) {
        continue;
      }
      const std::int64_t calendar_id = rows.integer(i, store::k_request_columns);
      const auto found = cutoffs.find(calendar_id);
      const Instant cutoff = found == cutoffs.end() ? overdue_cutoff : found->second;
      const NextDue next = *request.next;
      if (next.due > overdue_cutoff && next.due > cutoff) {
        continue;
      }
      const Clock& request_clock = clock(calendar_id, rules);
      const Seconds open_late = next.due < query.now ? request_clock.open(next.due, query.now)
                                                     : -request_clock.open(query.now, next.due);
      OverdueItem item{std::move(request), next.metric, next.due, open_late};
      if (query.only_new) {
        // Told once: a row that exists already (an earlier --new showed this clock in this
        // state) inserts nothing and returns no row.
        const pg::Result told = m_db.query(
            "INSERT INTO overdue_seen (request_id, metric, start_at, state, seen_at) VALUES ($1, "
            "$2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1",
            {pg::value(item.request.id.value), pg::value(to_string(item.metric)),
             pg::value(
                 rows.optional_integer(i, store::k_request_columns + 1).value_or(to_db(next.due))),
             pg::value(item.due < query.now ? "overdue" : "at-risk"), pg::value(to_db(query.now))});
        if (told.rows() == 0) {
          continue;
        }
      }
      items.push_back(std::move(item));
    }
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

  // ---- reports, transfer, check ----

  // One read snapshot; the readings and the aggregation are in pg_report.cpp.
  [[nodiscard]] std::vector<ReportRow> report(const ReportQuery& query) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    const std::optional<std::int64_t> client_id = client_filter_id(query.client);
    std::vector<ReportRow> out = store::run_pg_report(m_db, query, client_id);
    read.commit();
    return out;
  }
  // The same rows as on SQLite (sqlite_store.cpp says why these and no more), in one snapshot.
  [[nodiscard]] StatementInput statement_input(std::string_view client_name, Instant from,
                                               Instant to, Instant now) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
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
    // running and due in it before now, with their clock runs (request then run order).
    static const std::string k_select = [] {
      std::string sql(store::k_request_select);
      sql.insert(sql.find("\nFROM requests r"),
                 ", r.policy_id, r.version_id, s.metric, s.start_at, s.due_at, s.stop_at, "
                 "s.outcome, s.target_s, s.used_s, s.credit_s");
      return sql + R"sql(LEFT JOIN clocks s ON s.request_id = r.id
WHERE r.id IN (
  SELECT id FROM requests WHERE client_id = $1 AND received_at >= $2 AND received_at < $3
  UNION ALL
  SELECT id FROM requests WHERE client_id = $1 AND status IN ('open', 'waiting')
  UNION ALL
  SELECT q.id FROM requests q WHERE q.client_id = $1 AND q.status = 'resolved'
    AND q.resolved_at >= $2 AND q.received_at < $2
    AND EXISTS (SELECT 1 FROM clocks s WHERE s.request_id = q.id
      AND ((s.stop_at >= $2 AND s.stop_at < $3)
        OR (s.outcome = 'running' AND s.due_at >= $2 AND s.due_at < $4))))
AND r.voided_by IS NULL
ORDER BY r.id, s.seq)sql";
    }();
    constexpr int k_clock_column = store::k_request_columns + 2;
    std::int64_t last = 0;
    m_db.each_batch(k_select,
                    {pg::value(client->id), pg::value(to_db(from)), pg::value(to_db(to)),
                     pg::value(to_db(std::min(to, now)))},
                    [&](const pg::Result& rows) {
                      for (int i = 0; i < rows.rows(); ++i) {
                        const std::int64_t id = rows.integer(i, 0);
                        if (id != last) {
                          last = id;
                          StatementRequest& item = out.requests.emplace_back();
                          item.request = read_request(rows, i);
                          item.targets = targets_for(
                              stored_version(rows.integer(i, store::k_request_columns),
                                             rows.integer(i, store::k_request_columns + 1), rules),
                              item.request.priority);
                          item.clocks.reserve(4); // one run per clock, and more after a reopen
                        }
                        if (!rows.is_null(i, k_clock_column)) {
                          out.requests.back().clocks.push_back(read_clock(rows, i, k_clock_column));
                        }
                      }
                      return true;
                    });
    read.commit();
    return out;
  }
  // Every request by number with its events and clock runs, in pages of k_export_page requests
  // (three statements a page) in one snapshot: memory does not grow with the database.
  void export_requests(const std::function<void(const RequestDetail&)>& visit) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    std::string request_sql(store::k_request_select);
    request_sql.insert(request_sql.find("\nFROM"), ", r.policy_id, r.voided_by, r.received_at");
    request_sql += "WHERE r.id > $1 ORDER BY r.id LIMIT $2";
    const std::string event_sql =
        fmt::format("SELECT request_id, {} FROM events WHERE request_id > $1 AND request_id <= "
                    "$2 ORDER BY request_id, at, id",
                    store::k_event_columns);
    const std::string clock_sql =
        "SELECT request_id, metric, start_at, due_at, stop_at, outcome, target_s, used_s, "
        "credit_s FROM clocks WHERE request_id > $1 AND request_id <= $2 ORDER BY request_id, seq";
    RulesCache rules;
    std::int64_t after = 0;
    for (;;) {
      const pg::Result requests =
          m_db.query(request_sql, {pg::value(after), pg::value(k_export_page)});
      if (requests.rows() == 0) {
        break;
      }
      const std::int64_t last = requests.integer(requests.rows() - 1, 0);
      const pg::Result events = m_db.query(event_sql, {pg::value(after), pg::value(last)});
      const pg::Result clocks = m_db.query(clock_sql, {pg::value(after), pg::value(last)});
      int event_row = 0;
      int clock_row = 0;
      RequestDetail detail;
      for (int i = 0; i < requests.rows(); ++i) {
        detail.request = read_request(requests, i);
        const std::int64_t id = detail.request.id.value;
        const store::PolicyRules policy =
            rules_at(requests.integer(i, store::k_request_columns),
                     to_instant(requests.integer(i, store::k_request_columns + 2)), rules);
        detail.targets = targets_for(*policy.version, detail.request.priority);
        detail.voided_by = requests.optional_integer(i, store::k_request_columns + 1);
        detail.events.clear();
        detail.clocks.clear();
        for (; event_row < events.rows() && events.integer(event_row, 0) <= id; ++event_row) {
          if (events.integer(event_row, 0) == id) {
            detail.events.push_back(read_event(events, event_row, 1));
          }
        }
        for (; clock_row < clocks.rows() && clocks.integer(clock_row, 0) <= id; ++clock_row) {
          if (clocks.integer(clock_row, 0) == id) {
            detail.clocks.push_back(read_clock(clocks, clock_row, 1));
          }
        }
        visit(detail);
      }
      after = last;
    }
    read.commit();
  }
  ImportResult import_requests(std::span<const ImportRequest> batch,
                               const ImportOptions& options) override {
    pg::Transaction write(m_db);
    RulesCache rules;
    PgImportTarget target(m_db);
    const store::RulesSource source = [this, &rules](std::int64_t policy_id, Instant received) {
      return rules_at(policy_id, received, rules);
    };
    ImportResult result = store::Importer(target, source, options).import_batch(batch);
    write.commit();
    return result;
  }
  // Inside Store::transaction its batches are savepoints of that transaction: none then.
  std::unique_ptr<BulkImport> start_bulk_import(std::int64_t expected,
                                                const ImportOptions& options) override {
    if (m_db.in_transaction()) {
      return nullptr;
    }
    // The rules cache lives as long as the bulk import, which holds the function.
    auto rules = std::make_shared<RulesCache>();
    auto bulk = std::make_unique<PgBulkImport>(
        m_db,
        [this, rules](std::int64_t policy_id, Instant received) {
          return rules_at(policy_id, received, *rules);
        },
        options);
    if (bulk->existing_requests() >= expected) {
      return nullptr; // rolled back: nothing was changed
    }
    return bulk;
  }
  // A new SQLite file (mode 0600) of the same schema version holding every row of the team
  // database, read in one REPEATABLE READ snapshot (others go on writing meanwhile): what
  // `backup` of a file gives, opened by slatrack as a database file. Nothing is left behind when
  // it fails.
  void backup(const std::string& path) override {
    store::create_backup_file(path);
    try {
      sqlite::Database target = store::open_database(path, OpenMode::create);
      pg::Transaction snapshot(m_db, pg::Transaction::Mode::read);
      sqlite::Transaction write(target);
      store::copy_tables(*store::pg_table_reader(m_db), *store::sqlite_table_writer(target));
      write.commit();
      snapshot.commit();
    } catch (...) {
      store::remove_backup(path);
      throw;
    }
  }
  // `copy DEST`: every table read in one REPEATABLE READ snapshot (store/tables.hpp).
  CopyResult copy_to(const std::string& dest) override {
    pg::Transaction snapshot(m_db, pg::Transaction::Mode::read);
    CopyResult out = store::copy_into(*store::pg_table_reader(m_db), dest);
    snapshot.commit();
    return out;
  }
  // The server keeps its own pages and foreign keys whole; what check verifies here is the
  // derived state of every request against a fresh evaluation of its events (as on a file, the
  // same lines), one request at a time in one snapshot.
  CheckReport check(const std::function<void(const std::string&)>& problem) override {
    pg::Transaction read(m_db, pg::Transaction::Mode::read);
    CheckReport report;
    RulesCache rules;
    for (const std::int64_t id : ids("SELECT id FROM requests ORDER BY id", {})) {
      ++report.requests;
      std::vector<std::string> differences;
      try {
        const Stored stored = evaluate_stored(id, rules);
        // Each event whose void mark is not what its history gives, by its row id.
        std::vector<std::string> marks;
        for (const auto& [event, voided_by] : stored.remarked) {
          marks.push_back(
              fmt::format("event {} voided_by expected {}", event, store::check_value(voided_by)));
        }
        std::vector<ClockRow> clocks;
        for (const store::ClockState& stored_clock : stored.clocks) {
          clocks.push_back(stored_clock.row);
        }
        differences =
            store::derived_differences(stored.old, stored.now, marks, stored.evaluation, clocks);
      } catch (const Error& error) {
        differences.emplace_back(error.what());
      }
      if (!differences.empty()) {
        ++report.problems;
        problem(store::difference_line(id, differences));
      }
    }
    read.commit();
    return report;
  }

private:
  // Its emails and domains each as one text, separated by spaces (neither holds a space).
  static constexpr std::string_view k_client_select = R"sql(SELECT c.name, p.name,
  (SELECT string_agg(a.address, ' ' ORDER BY a.address) FROM client_addresses a
     WHERE a.client_id = c.id AND a.kind = 'email'),
  c.owner, c.note,
  (SELECT count(*) FROM requests r WHERE r.client_id = c.id AND r.status <> 'resolved'
     AND r.voided_by IS NULL),
  (SELECT count(*) FROM requests r WHERE r.client_id = c.id AND r.voided_by IS NULL),
  (SELECT string_agg(a.address, ' ' ORDER BY a.address) FROM client_addresses a
     WHERE a.client_id = c.id AND a.kind = 'domain')
FROM clients c JOIN policies p ON p.id = c.policy_id
)sql";

  // Makes `values` the client's whole list of `kind` ("email", "domain"); refuses one that
  // belongs to another client (an address finds one client).
  void set_addresses(std::int64_t client_id, std::string_view kind, std::string_view option,
                     const std::vector<std::string>& values) {
    for (const std::string& value : values) {
      const pg::Result rows =
          m_db.query("SELECT c.name FROM client_addresses a JOIN clients c ON c.id = a.client_id "
                     "WHERE a.kind = $1 AND a.address = $2 AND a.client_id <> $3",
                     {pg::value(kind), pg::value(value), pg::value(client_id)});
      if (rows.rows() > 0) {
        const std::string owner = rows.text(0, 0);
        throw Error{ErrorKind::invalid_input,
                    fmt::format("{} {} is client \"{}\"'s already (mail from it must find one "
                                "client); change that client first: slatrack client edit {} {} ...",
                                option, value, owner, shell_word(owner), option)};
      }
    }
    m_db.query("DELETE FROM client_addresses WHERE client_id = $1 AND kind = $2",
               {pg::value(client_id), pg::value(kind)});
    for (const std::string& value : values) {
      m_db.query("INSERT INTO client_addresses (kind, address, client_id) VALUES ($1, $2, $3)",
                 {pg::value(kind), pg::value(value), pg::value(client_id)});
    }
  }

  static Client read_client(const pg::Result& rows, int row) {
    Client out;
    out.name = rows.text(row, 0);
    out.policy = rows.text(row, 1);
    out.emails = split_words(rows.optional_text(row, 2));
    out.owner = rows.optional_text(row, 3);
    out.note = rows.optional_text(row, 4);
    out.open_requests = rows.integer(row, 5);
    out.total_requests = rows.integer(row, 6);
    out.domains = split_words(rows.optional_text(row, 7));
    return out;
  }

  std::vector<std::int64_t> ids(std::string_view sql, const std::vector<pg::Value>& params) {
    const pg::Result rows = m_db.query(sql, params);
    std::vector<std::int64_t> out;
    out.reserve(static_cast<std::size_t>(rows.rows()));
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back(rows.integer(i, 0));
    }
    return out;
  }

  std::vector<std::string> texts(std::string_view sql, const std::vector<pg::Value>& params,
                                 int column = 0) {
    const pg::Result rows = m_db.query(sql, params);
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(rows.rows()));
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back(rows.text(i, column));
    }
    return out;
  }

  std::int64_t count(std::string_view sql, std::int64_t parameter) {
    const pg::Result rows = m_db.query(sql, {pg::value(parameter)});
    return rows.rows() > 0 ? rows.integer(0, 0) : 0;
  }

  // ---- lookups by name (ignoring ASCII case, as SQLite's NOCASE: fold()) ----

  std::optional<CalendarRow> calendar_row(std::string_view name) {
    const pg::Result rows = m_db.query(
        "SELECT id, name, builtin FROM calendars WHERE fold(name) = fold($1)", {pg::value(name)});
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return CalendarRow{rows.integer(0, 0), rows.text(0, 1), rows.integer(0, 2) != 0};
  }

  std::optional<PolicyRow> policy_row(std::string_view name) {
    const pg::Result rows = m_db.query(
        "SELECT id, name, builtin FROM policies WHERE fold(name) = fold($1)", {pg::value(name)});
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return PolicyRow{rows.integer(0, 0), rows.text(0, 1), rows.integer(0, 2) != 0};
  }

  std::optional<ClientRow> client_row(std::string_view name) {
    const pg::Result rows = m_db.query("SELECT id, name, policy_id, owner, note FROM "
                                       "clients WHERE fold(name) = fold($1)",
                                       {pg::value(name)});
    if (rows.rows() == 0) {
      return std::nullopt;
    }
    return ClientRow{rows.integer(0, 0), rows.text(0, 1), rows.integer(0, 2),
                     rows.optional_text(0, 3), rows.optional_text(0, 4)};
  }

  // The client a command names, by the contract's short forms (match_short_name).
  std::optional<ClientRow> short_client_row(std::string_view name) {
    if (std::optional<ClientRow> row = client_row(name)) {
      return row;
    }
    const std::vector<std::string> matches = match_short_name(name, client_names());
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

  std::vector<std::string> client_names() {
    return texts("SELECT name FROM clients ORDER BY fold(name), name", {});
  }

  [[noreturn]] void no_calendar(std::string_view name, std::string_view next) {
    not_found("calendar", name, texts("SELECT name FROM calendars ORDER BY fold(name), name", {}),
              next);
  }

  [[noreturn]] void no_policy(std::string_view name, std::string_view next) {
    not_found("SLA policy", name, texts("SELECT name FROM policies ORDER BY fold(name), name", {}),
              next);
  }

  [[noreturn]] void no_client(std::string_view name, std::string_view next) {
    not_found("client", name, client_names(), next);
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

  // ---- calendars and policies by id ----

  Calendar load_calendar(std::int64_t id) override {
    Calendar out;
    const pg::Result row = m_db.query(
        "SELECT name, zone, hours, builtin FROM calendars WHERE id = $1", {pg::value(id)});
    if (row.rows() == 0) {
      throw Error{ErrorKind::storage,
                  fmt::format("calendar {} is missing from {}", id, m_db.location())};
    }
    out.rules.name = row.text(0, 0);
    out.rules.zone = row.text(0, 1);
    out.builtin = row.integer(0, 3) != 0;
    try {
      out.rules.hours = parse_hours(row.text(0, 2));
    } catch (const Error& error) {
      throw Error{ErrorKind::storage,
                  fmt::format("calendar \"{}\" in {} has hours slatrack cannot read ({}); set "
                              "them with: slatrack calendar edit {} --hours SPEC",
                              out.rules.name, m_db.location(), error.what(),
                              shell_word(out.rules.name))};
    }
    const pg::Result days = m_db.query("SELECT year, month, day, name FROM holidays WHERE "
                                       "calendar_id = $1 ORDER BY year, month, day",
                                       {pg::value(id)});
    for (int i = 0; i < days.rows(); ++i) {
      out.rules.holidays.push_back(
          Holiday{static_cast<int>(days.integer(i, 0)), static_cast<unsigned>(days.integer(i, 1)),
                  static_cast<unsigned>(days.integer(i, 2)), days.text(i, 3)});
    }
    // Later versions (calendars.zone and .hours are the first, from the beginning of time).
    std::vector<CalendarVersion> versions{
        CalendarVersion{std::nullopt, out.rules.zone, out.rules.hours}};
    const pg::Result later = m_db.query("SELECT from_day, zone, hours FROM calendar_versions "
                                        "WHERE calendar_id = $1 ORDER BY from_day",
                                        {pg::value(id)});
    for (int i = 0; i < later.rows(); ++i) {
      CalendarVersion version;
      try {
        version.from_day = parse_day(later.text(i, 0));
        version.hours = parse_hours(later.text(i, 2));
      } catch (const Error& error) {
        throw Error{ErrorKind::storage,
                    fmt::format("calendar \"{}\" in {} has a version from {} slatrack cannot "
                                "read ({}); restore a backup",
                                out.rules.name, m_db.location(), later.text(i, 0), error.what())};
      }
      version.zone = later.text(i, 1);
      versions.push_back(std::move(version));
    }
    set_calendar_versions(out.rules, std::move(versions));
    return out;
  }

  LoadedPolicy load_policy(std::int64_t id) override {
    LoadedPolicy out;
    {
      const pg::Result row =
          m_db.query("SELECT name, builtin FROM policies WHERE id = $1", {pg::value(id)});
      if (row.rows() == 0) {
        throw Error{ErrorKind::storage,
                    fmt::format("SLA policy {} is missing from {}", id, m_db.location())};
      }
      out.policy.name = row.text(0, 0);
      out.policy.builtin = row.integer(0, 1) != 0;
    }
    {
      // Oldest first: the first version (from the beginning of time, NULL) sorts first.
      const pg::Result rows = m_db.query(
          "SELECT v.id, v.from_at, v.calendar_id, k.name FROM policy_versions v JOIN calendars k "
          "ON k.id = v.calendar_id WHERE v.policy_id = $1 ORDER BY v.from_at IS NOT NULL, "
          "v.from_at",
          {pg::value(id)});
      for (int i = 0; i < rows.rows(); ++i) {
        PolicyVersion version;
        version.id = rows.integer(i, 0);
        version.from = to_instant(rows.optional_integer(i, 1));
        version.calendar = rows.text(i, 3);
        out.calendars.push_back(rows.integer(i, 2));
        out.policy.versions.push_back(std::move(version));
      }
    }
    if (out.policy.versions.empty() || out.policy.versions.front().from) {
      throw Error{ErrorKind::storage,
                  fmt::format("SLA policy \"{}\" in {} has no version from the beginning; "
                              "restore a backup",
                              out.policy.name, m_db.location())};
    }
    for (PolicyVersion& version : out.policy.versions) {
      bool has_base = false;
      const pg::Result rows = m_db.query("SELECT priority, reply_s, update_s, resolve_s FROM "
                                         "policy_targets WHERE version_id = $1",
                                         {pg::value(version.id)});
      for (int i = 0; i < rows.rows(); ++i) {
        const std::string priority = rows.text(i, 0);
        if (priority == "*") {
          has_base = true;
          version.base =
              Targets{to_target(rows.integer(i, 1)), to_target(rows.optional_integer(i, 2)),
                      to_target(rows.optional_integer(i, 3))};
        } else {
          version.overrides[from_db(priority_from(priority), "priority", priority)] =
              TargetOverride{to_target(rows.optional_integer(i, 1)),
                             to_target(rows.optional_integer(i, 2)),
                             to_target(rows.optional_integer(i, 3))};
        }
      }
      if (!has_base) {
        throw Error{ErrorKind::storage,
                    fmt::format("SLA policy \"{}\" in {} has no targets; set them with: slatrack "
                                "sla set {} --reply DUR --retroactive",
                                out.policy.name, m_db.location(), shell_word(out.policy.name))};
      }
    }
    const PolicyVersion& latest = out.policy.versions.back();
    out.policy.calendar = latest.calendar;
    out.policy.base = latest.base;
    out.policy.overrides = latest.overrides;
    out.calendar_id = out.calendars.back();
    return out;
  }

  // 2000-01-01T00:00:00Z: where checked() looks for open time.
  static constexpr std::int64_t k_open_time_probe = 946684800;

  // Checks `rules` and returns them with the zone's canonical IANA name. Throws
  // Error{invalid_input} for an unknown zone, a bad holiday or hours with no open time.
  static CalendarRules checked(CalendarRules rules) {
    rules.zone = find_zone(rules.zone).name();
    for (CalendarVersion& version : rules.versions) {
      version.zone = find_zone(version.zone).name();
    }
    for (const Holiday& day : rules.holidays) {
      check_holiday(day);
    }
    const std::unique_ptr<Clock> made = make_clock(rules, zone_files());
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
    m_db.query("INSERT INTO holidays (calendar_id, year, month, day, name) VALUES ($1, $2, $3, "
               "$4, $5) ON CONFLICT (calendar_id, year, month, day) DO UPDATE SET name = "
               "excluded.name",
               {pg::value(calendar_id), pg::value(day.year),
                pg::value(static_cast<std::int64_t>(day.month)),
                pg::value(static_cast<std::int64_t>(day.day)), pg::value(day.name)});
  }

  // Writes `version` of policy `policy_id` on calendar `calendar_id`: in place when it has an
  // id (its requests keep it), else as a new version.
  void put_version(std::int64_t policy_id, std::int64_t calendar_id, const PolicyVersion& version) {
    const std::optional<std::int64_t> from =
        version.from ? std::optional<std::int64_t>{to_db(*version.from)} : std::nullopt;
    std::int64_t id = version.id;
    if (id != 0) {
      m_db.query("UPDATE policy_versions SET from_at = $1, calendar_id = $2 WHERE id = $3",
                 {pg::value(from), pg::value(calendar_id), pg::value(id)});
      m_db.query("DELETE FROM policy_targets WHERE version_id = $1", {pg::value(id)});
    } else {
      id = m_db.query("INSERT INTO policy_versions (id, policy_id, from_at, calendar_id) SELECT "
                      "coalesce(max(id), 0) + 1, $1, $2, $3 FROM policy_versions RETURNING id",
                      {pg::value(policy_id), pg::value(from), pg::value(calendar_id)})
               .integer(0, 0);
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
    m_db.query("INSERT INTO policy_targets (version_id, priority, reply_s, update_s, resolve_s) "
               "VALUES ($1, $2, $3, $4, $5)",
               {pg::value(version_id), pg::value(priority), pg::value(reply), pg::value(update),
                pg::value(resolve)});
  }

  // ---- requests by id, events and derived state ----

  static std::string recorder_of(const std::string& recorder, const std::string& author) {
    return recorder.empty() ? author : recorder;
  }

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

  Request load_request(RequestId id) {
    const pg::Result row =
        m_db.query(std::string(store::k_request_select) + "WHERE r.id = $1", {pg::value(id.value)});
    if (row.rows() == 0) {
      throw no_request(id);
    }
    return read_request(row, 0);
  }

  RequestDetail detail(RequestId id) {
    RequestDetail out;
    out.request = load_request(id);
    const pg::Result row =
        m_db.query("SELECT policy_id, version_id, voided_by FROM requests WHERE id = $1",
                   {pg::value(id.value)});
    RulesCache rules;
    out.targets = targets_for(stored_version(row.integer(0, 0), row.integer(0, 1), rules),
                              out.request.priority);
    out.voided_by = row.optional_integer(0, 2);
    const pg::Result events =
        m_db.query(fmt::format("SELECT {} FROM events WHERE request_id = $1 ORDER BY at, id",
                               store::k_event_columns),
                   {pg::value(id.value)});
    for (int i = 0; i < events.rows(); ++i) {
      out.events.push_back(read_event(events, i));
    }
    for (const ClockRow& clock_row : stored_clocks(id.value)) {
      ClockRun run;
      run.metric = from_db(metric_from(clock_row.metric), "metric", clock_row.metric);
      run.start = to_instant(clock_row.start_at);
      run.due = to_instant(clock_row.due_at);
      run.stop = to_instant(clock_row.stop_at);
      run.outcome = from_db(outcome_from(clock_row.outcome), "outcome", clock_row.outcome);
      run.target = to_target(clock_row.target_s);
      run.used = Seconds{clock_row.used_s};
      run.credit = Seconds{clock_row.credit_s};
      out.clocks.push_back(run);
    }
    return out;
  }

  struct Inserted {
    std::int64_t id = 0;     // also its seq for evaluate()
    std::int64_t number = 0; // within its request
  };

  // Inserts an event with the next id and the next number of its request (under the write lock:
  // no gaps, no duplicates).
  Inserted insert_event(RequestId id, EventKind kind, Instant at, std::string_view author,
                        const std::optional<std::string>& text, Instant now,
                        std::string_view recorder,
                        std::optional<std::int64_t> target = std::nullopt,
                        std::optional<std::int64_t> merged_from = std::nullopt) {
    const pg::Result row = m_db.query(
        "INSERT INTO events (id, request_id, number, kind, at, author, text, recorded_at, "
        "recorder, target, merged_from) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM events), "
        "$1, (SELECT coalesce(max(number), 0) + 1 FROM events WHERE request_id = $1), $2, $3, $4, "
        "$5, $6, $7, $8, $9) RETURNING id, number",
        {pg::value(id.value), pg::value(to_string(kind)), pg::value(to_db(at)), pg::value(author),
         pg::value(text), pg::value(to_db(now)), pg::value(recorder), pg::value(target),
         pg::value(merged_from)});
    return Inserted{row.integer(0, 0), row.integer(0, 1)};
  }

  // The void event that voids request `id`, if any.
  std::optional<std::int64_t> request_voided_by(RequestId id) {
    const pg::Result row =
        m_db.query("SELECT voided_by FROM requests WHERE id = $1", {pg::value(id.value)});
    return row.rows() > 0 ? row.optional_integer(0, 0) : std::nullopt;
  }

  // Records a void or unvoid event on request `id` marking `target` and re-evaluates it; taking a
  // merge back voids the copies it made, making it again voids those voids (as the SQLite store).
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
    const pg::Result marked =
        m_db.query(fmt::format("SELECT request_id, number FROM events WHERE merged_from = $1 AND "
                               "{} AND voided_by IS NULL ORDER BY request_id, number",
                               is_void ? "kind = 'void'" : "kind NOT IN ('void', 'unvoid')"),
                   {pg::value(id.value)});
    const std::string why = is_void ? fmt::format("#{} merged again", id.value)
                                    : fmt::format("#{} is its own request again", id.value);
    std::optional<std::int64_t> last;
    for (int i = 0; i < marked.rows(); ++i) {
      const std::int64_t request = marked.integer(i, 0);
      static_cast<void>(insert_event(RequestId{request}, EventKind::void_event, now, recorder, why,
                                     now, recorder, marked.integer(i, 1), id.value));
      if (last && *last != request) {
        static_cast<void>(reevaluate(*last, rules));
      }
      last = request;
    }
    if (last) {
      static_cast<void>(reevaluate(*last, rules));
    }
  }

  // The assignee is the latest assignment that counts, else what the request was logged with.
  void update_assignee(std::int64_t id) override {
    m_db.query("UPDATE requests SET assignee = coalesce((SELECT text FROM events WHERE request_id "
               "= $1 AND kind = 'assign' AND voided_by IS NULL ORDER BY at DESC, id DESC LIMIT 1), "
               "logged_assignee) WHERE id = $1",
               {pg::value(id)});
  }

  std::vector<ClockRow> stored_clocks(std::int64_t id) {
    std::vector<ClockRow> out;
    const pg::Result rows = m_db.query("SELECT metric, start_at, due_at, stop_at, outcome, "
                                       "target_s, used_s, credit_s FROM clocks WHERE request_id = "
                                       "$1 ORDER BY seq",
                                       {pg::value(id)});
    for (int i = 0; i < rows.rows(); ++i) {
      out.push_back(ClockRow{rows.text(i, 0), rows.integer(i, 1), rows.optional_integer(i, 2),
                             rows.optional_integer(i, 3), rows.text(i, 4), rows.integer(i, 5),
                             rows.integer(i, 6), rows.integer(i, 7)});
    }
    return out;
  }

  // ---- re-evaluation's rows (store/reevaluation.hpp) ----

  [[nodiscard]] std::string database_name() const override {
    return m_db.location();
  }

  // A selection as a condition on a request id column and the parameters it takes.
  struct Selected {
    std::string condition; // empty: every request
    std::vector<pg::Value> params;
  };

  // How many rows a cursor of a re-evaluation fetches at a time.
  static constexpr int k_cursor_page = 1000;

  // The rows of one statement as they are needed: for one request the rows of a plain query, for
  // more a cursor (DECLARE, then FETCH k_cursor_page at a time; its snapshot is the one of its
  // DECLARE, so the writes of the re-evaluation meanwhile do not show in it).
  class Rows {
  public:
    Rows(pg::Connection& db, const std::string& sql, const std::vector<pg::Value>& params,
         std::string cursor)
        : m_db(db), m_cursor(std::move(cursor)) {
      if (m_cursor.empty()) {
        m_rows = m_db.query(sql, params);
        m_last_page = true;
      } else {
        m_db.query(fmt::format("DECLARE {} NO SCROLL CURSOR FOR {}", m_cursor, sql), params);
        fetch();
      }
    }
    Rows(const Rows&) = delete;
    Rows& operator=(const Rows&) = delete;
    Rows(Rows&&) = delete;
    Rows& operator=(Rows&&) = delete;
    ~Rows() {
      if (!m_cursor.empty()) {
        try {
          m_db.query(fmt::format("CLOSE {}", m_cursor), {});
        } catch (const Error&) { // NOLINT(bugprone-empty-catch): the transaction ends it anyway
        }
      }
    }

    // Moves to the next row: false at the end.
    bool next() {
      ++m_row;
      if (m_row < m_rows.rows()) {
        return true;
      }
      if (m_last_page) {
        return false;
      }
      fetch();
      ++m_row;
      return m_row < m_rows.rows();
    }

    const pg::Result& result() const {
      return m_rows;
    }
    [[nodiscard]] int row() const {
      return m_row;
    }

  private:
    void fetch() {
      m_rows = m_db.query(fmt::format("FETCH {} FROM {}", k_cursor_page, m_cursor), {});
      m_last_page = m_rows.rows() < k_cursor_page;
      m_row = -1;
    }

    pg::Connection& m_db;
    std::string m_cursor;
    pg::Result m_rows{nullptr};
    int m_row = -1;
    bool m_last_page = false;
  };

  class Cursor final : public store::RequestCursor {
  public:
    Cursor(pg::Connection& db, const Selected& ids, bool paged, std::int64_t number)
        : m_requests(db,
                     "SELECT id, policy_id, priority, status, received_at, replied_at, "
                     "resolved_at, reply_due_at, update_due_at, resolve_due_at, next_due_at, "
                     "next_metric, voided_by, version_id FROM requests"
                         + where("id", ids.condition) + " ORDER BY id",
                     ids.params,
                     paged ? fmt::format("slatrack_requests_{}", number) : std::string()),
          m_events(db,
                   "SELECT request_id, kind, at, id, number, target, voided_by FROM events"
                       + where("request_id", ids.condition) + " ORDER BY request_id, at, id",
                   ids.params, paged ? fmt::format("slatrack_events_{}", number) : std::string()),
          m_clocks(db,
                   "SELECT request_id, seq, metric, start_at, due_at, stop_at, outcome, "
                   "target_s, used_s, credit_s FROM clocks"
                       + where("request_id", ids.condition) + " ORDER BY request_id, seq",
                   ids.params, paged ? fmt::format("slatrack_clocks_{}", number) : std::string()) {}

    bool next_request(store::RequestState& out) override {
      if (!m_requests.next()) {
        return false;
      }
      const pg::Result& rows = m_requests.result();
      const int i = m_requests.row();
      out.id = rows.integer(i, 0);
      out.policy_id = rows.integer(i, 1);
      const std::string priority = rows.text(i, 2);
      out.priority = from_db(priority_from(priority), "priority", priority);
      out.derived = Derived{rows.text(i, 3),
                            rows.integer(i, 4),
                            rows.optional_integer(i, 5),
                            rows.optional_integer(i, 6),
                            rows.optional_integer(i, 7),
                            rows.optional_integer(i, 8),
                            rows.optional_integer(i, 9),
                            rows.optional_integer(i, 10),
                            rows.optional_text(i, 11),
                            rows.optional_integer(i, 12),
                            rows.integer(i, 13)};
      return true;
    }

    bool next_event(store::EventState& out) override {
      if (!m_events.next()) {
        return false;
      }
      const pg::Result& rows = m_events.result();
      const int i = m_events.row();
      out.request_id = rows.integer(i, 0);
      const std::string kind = rows.text(i, 1);
      out.event = RecordedEvent{from_db(event_kind_from(kind), "event", kind),
                                to_instant(rows.integer(i, 2)), rows.integer(i, 3),
                                rows.integer(i, 4), rows.optional_integer(i, 5)};
      out.voided_by = rows.optional_integer(i, 6);
      return true;
    }

    bool next_clock(store::ClockState& out) override {
      if (!m_clocks.next()) {
        return false;
      }
      const pg::Result& rows = m_clocks.result();
      const int i = m_clocks.row();
      out.request_id = rows.integer(i, 0);
      out.seq = rows.integer(i, 1);
      out.row = ClockRow{rows.text(i, 2),
                         rows.integer(i, 3),
                         rows.optional_integer(i, 4),
                         rows.optional_integer(i, 5),
                         rows.text(i, 6),
                         rows.integer(i, 7),
                         rows.integer(i, 8),
                         rows.integer(i, 9)};
      return true;
    }

  private:
    static std::string where(std::string_view column, const std::string& ids) {
      return ids.empty() ? std::string() : fmt::format(" WHERE {} {}", column, ids);
    }

    Rows m_requests;
    Rows m_events;
    Rows m_clocks;
  };

  // The selection's condition on a request id column, with its parameters ($1 the request, policy
  // or calendar id, $2 from, $3 until; as store::selection_queries on SQLite).
  static Selected selected_ids(const RequestSelection& selection) {
    using By = RequestSelection::By;
    switch (selection.by) {
    case By::request:
      return {"= $1", {pg::value(selection.id)}};
    case By::all:
      return {};
    case By::policy:
      return {"IN (SELECT id FROM requests WHERE policy_id = $1)", {pg::value(selection.id)}};
    case By::policy_received:
      return {"IN (SELECT id FROM requests WHERE policy_id = $1 AND received_at >= $2 AND "
              "received_at < $3)",
              {pg::value(selection.id), pg::value(selection.from), pg::value(selection.until)}};
    case By::calendar:
      return {"IN (SELECT id FROM requests WHERE policy_id IN (SELECT policy_id FROM "
              "policy_versions WHERE calendar_id = $1))",
              {pg::value(selection.id)}};
    case By::calendar_from:
      // A version from $2 cannot change a request whose clocks all ran their course before it.
      return {"IN (SELECT id FROM requests WHERE policy_id IN (SELECT policy_id FROM "
              "policy_versions WHERE calendar_id = $1) AND id IN (SELECT request_id FROM clocks "
              "WHERE metric IN ('reply', 'update', 'resolve') AND (due_at >= $2 OR stop_at IS "
              "NULL OR stop_at >= $2)))",
              {pg::value(selection.id), pg::value(selection.from)}};
    }
    return {};
  }

  std::unique_ptr<store::RequestCursor> read_requests(const RequestSelection& selection) override {
    return std::make_unique<Cursor>(m_db, selected_ids(selection),
                                    selection.by != RequestSelection::By::request, ++m_cursors);
  }

  void write_void_mark(std::int64_t event_id, std::optional<std::int64_t> voided_by) override {
    m_db.query("UPDATE events SET voided_by = $1 WHERE id = $2",
               {pg::value(voided_by), pg::value(event_id)});
  }

  void write_derived(std::int64_t id, const Derived& /*old*/, const Derived& now) override {
    m_db.query("UPDATE requests SET status = $1, received_at = $2, replied_at = $3, "
               "resolved_at = $4, reply_due_at = $5, update_due_at = $6, resolve_due_at = $7, "
               "next_due_at = $8, next_metric = $9, voided_by = $10, version_id = $11 WHERE id = "
               "$12",
               {pg::value(now.status), pg::value(now.received_at), pg::value(now.replied_at),
                pg::value(now.resolved_at), pg::value(now.reply_due_at),
                pg::value(now.update_due_at), pg::value(now.resolve_due_at),
                pg::value(now.next_due_at), pg::value(now.next_metric), pg::value(now.voided_by),
                pg::value(now.version_id), pg::value(id)});
  }

  void update_clock(std::int64_t id, std::int64_t seq, const ClockRow& /*old*/,
                    const ClockRow& row) override {
    m_db.query("UPDATE clocks SET metric = $1, start_at = $2, due_at = $3, stop_at = $4, outcome "
               "= $5, target_s = $6, used_s = $7, credit_s = $8 WHERE request_id = $9 AND seq = "
               "$10",
               {pg::value(row.metric), pg::value(row.start_at), pg::value(row.due_at),
                pg::value(row.stop_at), pg::value(row.outcome), pg::value(row.target_s),
                pg::value(row.used_s), pg::value(row.credit_s), pg::value(id), pg::value(seq)});
  }

  void insert_clock(std::int64_t id, std::int64_t seq, const ClockRow& row) override {
    m_db.query("INSERT INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, "
               "outcome, target_s, used_s, credit_s) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
               "$9, $10)",
               {pg::value(id), pg::value(seq), pg::value(row.metric), pg::value(row.start_at),
                pg::value(row.due_at), pg::value(row.stop_at), pg::value(row.outcome),
                pg::value(row.target_s), pg::value(row.used_s), pg::value(row.credit_s)});
  }

  void delete_clocks_after(std::int64_t id, std::int64_t last) override {
    m_db.query("DELETE FROM clocks WHERE request_id = $1 AND seq > $2",
               {pg::value(id), pg::value(last)});
  }

  // Re-evaluates every request whose policy has a version on calendar `calendar_id`.
  RuleEffect reevaluate_calendar(std::int64_t calendar_id) {
    RulesCache rules;
    return reevaluate_selected(RequestSelection{RequestSelection::By::calendar, calendar_id},
                               rules);
  }

  pg::Connection m_db;
  std::int64_t m_cursors = 0; // cursors declared, for their names
};

} // namespace

std::unique_ptr<Store> open_pg_store(const std::string& url, OpenMode mode) {
  return std::make_unique<PgStore>(url, mode);
}

bool is_team_database(std::string_view db) {
  return pg::is_url(db);
}

bool team_url_has_password(const std::string& url) {
  return pg::has_password(url);
}

} // namespace slatrack
