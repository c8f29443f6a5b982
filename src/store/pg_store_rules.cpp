// Why this file: the team database's rules (store/pg_store_impl.hpp): calendars, SLA policies and
// clients, written and read by name and by id, with the re-evaluation a change of them needs.
#include "store/pg_store_impl.hpp"

namespace slatrack::pg_store {

namespace {

// The statements that read the calendars whose id is `which` (a condition on it with $1, or ""
// for all): the calendars (id, name, zone, hours, builtin; by name), their holidays and their
// later versions (each by calendar, with its id first).
std::array<std::string, 3> calendar_reads(std::string_view which) {
  const std::string where = which.empty() ? std::string() : fmt::format(" WHERE id {}", which);
  const std::string where_calendar =
      which.empty() ? std::string() : fmt::format(" WHERE calendar_id {}", which);
  return {
      fmt::format("SELECT id, name, zone, hours, builtin FROM calendars{} ORDER BY fold(name), id",
                  where),
      fmt::format("SELECT calendar_id, year, month, day, name FROM holidays{} ORDER BY "
                  "calendar_id, year, month, day",
                  where_calendar),
      fmt::format("SELECT calendar_id, from_day, zone, hours FROM calendar_versions{} ORDER BY "
                  "calendar_id, from_day",
                  where_calendar)};
}

} // namespace

std::vector<Calendar> PgStore::calendars() {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  // One round trip for them all (as load_calendar reads each), the snapshot's BEGIN and COMMIT
  // with them.
  const std::array<std::string, 3> sql = calendar_reads("");
  const std::vector<StoredCalendarRow> rows =
      stored_calendars(read.commit_after({{sql[0], {}}, {sql[1], {}}, {sql[2], {}}}).data());
  std::vector<Calendar> out;
  out.reserve(rows.size());
  for (const StoredCalendarRow& row : rows) {
    out.push_back(Calendar{calendar_rules(row.stored, m_db.location()), row.builtin});
  }
  return out;
}

std::optional<Calendar> PgStore::find_calendar(std::string_view name) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  std::optional<Calendar> out;
  if (const std::optional<CalendarRow> row = calendar_row(name)) {
    out = load_calendar(row->id);
  }
  read.commit();
  return out;
}

void PgStore::add_calendar(const CalendarRules& rules) {
  check_calendar_name(rules.name);
  pg::Transaction write(m_db);
  if (const std::optional<CalendarRow> row = calendar_row(rules.name)) {
    throw calendar_exists(row->name);
  }
  const CalendarRules valid = checked_new_calendar(rules, zone_files());
  // The first version in calendars, the later ones (a rules file's calendar with its earlier
  // versions) in calendar_versions, as change_calendar writes them.
  const std::vector<CalendarVersion> versions = calendar_versions(valid);
  const std::int64_t id =
      m_db.query("INSERT INTO calendars (id, name, zone, hours) SELECT coalesce(max(id), 0) + 1, "
                 "$1, $2, $3 FROM calendars RETURNING id",
                 {pg::value(valid.name), pg::value(versions.front().zone),
                  pg::value(format_hours(versions.front().hours))})
          .integer(0, 0);
  for (std::size_t i = 1; i < versions.size(); ++i) {
    m_db.query("INSERT INTO calendar_versions (calendar_id, from_day, zone, hours) VALUES ($1, "
               "$2, $3, $4)",
               {pg::value(id), pg::value(format_day(versions[i].from_day.value_or(0))),
                pg::value(versions[i].zone), pg::value(format_hours(versions[i].hours))});
  }
  for (const Holiday& day : valid.holidays) {
    put_holiday(id, day);
  }
  write.commit();
}

RuleEffect PgStore::change_calendar(std::string_view name, const CalendarChange& change) {
  check_calendar_change(change);
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
  rules = checked_calendar(std::move(rules), zone_files());
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

RuleEffect PgStore::add_holidays(std::string_view name, const std::vector<Holiday>& days) {
  for (const Holiday& day : days) {
    check_holiday(day);
  }
  pg::Transaction write(m_db);
  const CalendarRow row = changeable_calendar(name);
  for (const Holiday& day : days) {
    put_holiday(row.id, day);
  }
  static_cast<void>(checked_calendar(load_calendar(row.id).rules, zone_files()));
  const RuleEffect changed = reevaluate_calendar(row.id);
  write.commit();
  return changed;
}

RuleEffect PgStore::remove_holidays(std::string_view name, const std::vector<Holiday>& days) {
  pg::Transaction write(m_db);
  const CalendarRow row = changeable_calendar(name);
  for (const Holiday& day : days) {
    const pg::Result removed = m_db.query(
        "DELETE FROM holidays WHERE calendar_id = $1 AND year = $2 AND month = $3 AND day = $4",
        {pg::value(row.id), pg::value(day.year), pg::value(static_cast<std::int64_t>(day.month)),
         pg::value(static_cast<std::int64_t>(day.day))});
    if (removed.changed() == 0) {
      throw no_holiday(row.name, day);
    }
  }
  const RuleEffect changed = reevaluate_calendar(row.id);
  write.commit();
  return changed;
}

void PgStore::remove_calendar(std::string_view name) {
  pg::Transaction write(m_db);
  const std::optional<CalendarRow> row = calendar_row(name);
  if (!row) {
    no_calendar(name, k_list_calendars);
  }
  if (row->builtin) {
    throw calendar_not_removable(row->name);
  }
  const std::vector<std::string> users =
      texts("SELECT DISTINCT fold(p.name), p.name FROM policies p JOIN policy_versions v "
            "ON v.policy_id = p.id WHERE v.calendar_id = $1 ORDER BY fold(p.name), p.name",
            {pg::value(row->id)}, 1);
  if (!users.empty()) {
    throw calendar_in_use(row->name, users);
  }
  m_db.query("DELETE FROM calendars WHERE id = $1", {pg::value(row->id)});
  write.commit();
}

std::vector<Policy> PgStore::policies() {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  std::vector<Policy> out;
  for (const std::int64_t id : ids("SELECT id FROM policies ORDER BY fold(name), id", {})) {
    out.push_back(load_policy(id).policy);
  }
  read.commit();
  return out;
}

std::optional<Policy> PgStore::find_policy(std::string_view name) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  std::optional<Policy> out;
  if (const std::optional<PolicyRow> row = policy_row(name)) {
    out = load_policy(row->id).policy;
  }
  read.commit();
  return out;
}

void PgStore::add_policy(const Policy& policy) {
  check_new_policy(policy);
  pg::Transaction write(m_db);
  if (const std::optional<PolicyRow> row = policy_row(policy.name)) {
    throw policy_exists(row->name);
  }
  const std::vector<PolicyVersion> versions = new_policy_versions(policy);
  std::vector<std::int64_t> calendar_ids;
  for (const PolicyVersion& version : versions) {
    calendar_ids.push_back(require_calendar(version.calendar).id);
  }
  const std::int64_t id =
      m_db.query("INSERT INTO policies (id, name, calendar_id) SELECT coalesce(max(id), 0) + 1, "
                 "$1, $2 FROM policies RETURNING id",
                 {pg::value(policy.name), pg::value(calendar_ids.back())})
          .integer(0, 0);
  for (std::size_t i = 0; i < versions.size(); ++i) {
    put_version(id, calendar_ids[i], versions[i]);
  }
  write.commit();
}

RuleEffect PgStore::change_policy(std::string_view name, const PolicyChange& change) {
  check_policy_change(name, change);
  pg::Transaction write(m_db);
  const std::optional<PolicyRow> row = policy_row(name);
  if (!row) {
    no_policy(name, k_list_policies);
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

void PgStore::remove_policy(std::string_view name) {
  pg::Transaction write(m_db);
  const std::optional<PolicyRow> row = policy_row(name);
  if (!row) {
    no_policy(name, k_list_policies);
  }
  if (row->builtin) {
    throw policy_not_removable(row->name);
  }
  const std::int64_t clients = count("SELECT count(*) FROM clients WHERE policy_id = $1", row->id);
  if (clients > 0) {
    throw policy_used_by_clients(row->name, clients);
  }
  const std::int64_t requests =
      count("SELECT count(*) FROM requests WHERE policy_id = $1", row->id);
  if (requests > 0) {
    throw policy_used_by_requests(row->name, requests);
  }
  m_db.query("DELETE FROM policies WHERE id = $1", {pg::value(row->id)});
  write.commit();
}

std::vector<Client> PgStore::clients() {
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

std::optional<Client> PgStore::find_client(std::string_view name) {
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

std::optional<std::string> PgStore::client_named(std::string_view name) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  std::optional<std::string> out;
  if (std::optional<ClientRow> row = client_row(name)) {
    out = std::move(row->name);
  }
  read.commit();
  return out;
}

void PgStore::add_client(const NewClient& client) {
  check_client_name(client.name);
  const std::vector<std::string> emails = checked_addresses("--email", client.emails, false);
  const std::vector<std::string> domains = checked_addresses("--domain", client.domains, true);
  check_field("--owner", client.owner, false);
  check_field("--note", client.note, true);
  pg::Transaction write(m_db);
  if (const std::optional<ClientRow> row = client_row(client.name)) {
    throw client_exists(row->name);
  }
  const std::int64_t policy_id =
      require_policy(client.policy.value_or(std::string(k_default_policy))).id;
  const pg::Result added =
      m_db.query("INSERT INTO clients (id, name, policy_id, owner, note, created_at) "
                 "SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, "
                 "floor(extract(epoch FROM clock_timestamp()))::bigint FROM clients RETURNING id",
                 {pg::value(client.name), pg::value(policy_id), pg::value(non_empty(client.owner)),
                  pg::value(non_empty(client.note))});
  const std::int64_t id = added.integer(0, 0);
  set_addresses(id, "email", "--email", emails);
  set_addresses(id, "domain", "--domain", domains);
  write.commit();
}

RuleEffect PgStore::change_client(std::string_view name, const ClientChange& change) {
  pg::Transaction write(m_db);
  std::optional<ClientRow> row = short_client_row(name);
  if (!row) {
    no_client(name, k_list_clients);
  }
  if (change.rename) {
    check_client_name(*change.rename);
    const std::optional<ClientRow> other = client_row(*change.rename);
    if (other && other->id != row->id) {
      throw client_name_taken(other->name);
    }
    row->name = *change.rename;
  }
  if (change.policy) {
    row->policy_id = require_policy(*change.policy).id;
  }
  check_field("--owner", change.owner, false);
  check_field("--note", change.note, true);
  if (change.emails) {
    set_addresses(row->id, "email", "--email", checked_addresses("--email", *change.emails, false));
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
      EditedFields was;
      was.policy = moving.text(i, 1);
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

void PgStore::remove_client(std::string_view name) {
  pg::Transaction write(m_db);
  const std::optional<ClientRow> row = short_client_row(name);
  if (!row) {
    no_client(name, k_list_clients);
  }
  const std::int64_t requests =
      count("SELECT count(*) FROM requests WHERE client_id = $1", row->id);
  if (requests > 0) {
    throw client_has_requests(row->name, requests);
  }
  m_db.query("DELETE FROM clients WHERE id = $1", {pg::value(row->id)});
  write.commit();
}

void PgStore::set_addresses(std::int64_t client_id, std::string_view kind, std::string_view option,
                            const std::vector<std::string>& values) {
  for (const std::string& value : values) {
    const pg::Result rows =
        m_db.query("SELECT c.name FROM client_addresses a JOIN clients c ON c.id = a.client_id "
                   "WHERE a.kind = $1 AND a.address = $2 AND a.client_id <> $3",
                   {pg::value(kind), pg::value(value), pg::value(client_id)});
    if (rows.rows() > 0) {
      throw address_taken(option, value, rows.text(0, 0));
    }
  }
  m_db.query("DELETE FROM client_addresses WHERE client_id = $1 AND kind = $2",
             {pg::value(client_id), pg::value(kind)});
  for (const std::string& value : values) {
    m_db.query("INSERT INTO client_addresses (kind, address, client_id) VALUES ($1, $2, $3)",
               {pg::value(kind), pg::value(value), pg::value(client_id)});
  }
}

Client PgStore::read_client(const pg::Result& rows, int row) {
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

Calendar PgStore::load_calendar(std::int64_t id) {
  const std::array<std::string, 3> sql = calendar_reads("= $1");
  const std::vector<pg::Value> params{pg::value(id)};
  // One round trip: the calendar, its holidays, its later versions.
  std::vector<StoredCalendarRow> read = stored_calendars(
      m_db.pipeline({{sql[0], params}, {sql[1], params}, {sql[2], params}}).data());
  if (read.empty()) {
    throw calendar_missing(id, m_db.location());
  }
  return Calendar{calendar_rules(read.front().stored, m_db.location()), read.front().builtin};
}

std::vector<PgStore::StoredCalendarRow> PgStore::stored_calendars(const pg::Result* read) {
  std::vector<StoredCalendarRow> out;
  std::map<std::int64_t, std::size_t> index;
  const pg::Result& rows = read[0];
  for (int i = 0; i < rows.rows(); ++i) {
    StoredCalendarRow& row = out.emplace_back();
    row.id = rows.integer(i, 0);
    row.stored.name = rows.text(i, 1);
    row.stored.zone = rows.text(i, 2);
    row.stored.hours = rows.text(i, 3);
    row.builtin = rows.integer(i, 4) != 0;
    index[row.id] = out.size() - 1;
  }
  const pg::Result& days = read[1];
  for (int i = 0; i < days.rows(); ++i) {
    if (const auto found = index.find(days.integer(i, 0)); found != index.end()) {
      out[found->second].stored.holidays.push_back(
          Holiday{static_cast<int>(days.integer(i, 1)), static_cast<unsigned>(days.integer(i, 2)),
                  static_cast<unsigned>(days.integer(i, 3)), days.text(i, 4)});
    }
  }
  const pg::Result& later = read[2];
  for (int i = 0; i < later.rows(); ++i) {
    if (const auto found = index.find(later.integer(i, 0)); found != index.end()) {
      out[found->second].stored.later.push_back(
          StoredCalendarVersion{later.text(i, 1), later.text(i, 2), later.text(i, 3)});
    }
  }
  return out;
}

std::array<std::string, 3> PgStore::policy_reads(std::string_view policy) {
  return {fmt::format("SELECT name, builtin FROM policies WHERE id = {}", policy),
          fmt::format("SELECT v.id, v.from_at, v.calendar_id, k.name FROM policy_versions v JOIN "
                      "calendars k ON k.id = v.calendar_id WHERE v.policy_id = {} ORDER BY "
                      "v.from_at IS NOT NULL, v.from_at",
                      policy),
          fmt::format("SELECT t.version_id, t.priority, t.reply_s, t.update_s, t.resolve_s FROM "
                      "policy_targets t JOIN policy_versions v ON v.id = t.version_id WHERE "
                      "v.policy_id = {}",
                      policy)};
}

LoadedPolicy PgStore::load_policy(std::int64_t id) {
  const std::array<std::string, 3> sql = policy_reads("$1");
  const std::vector<pg::Value> params{pg::value(id)};
  // One round trip.
  return read_policy(id,
                     m_db.pipeline({{sql[0], params}, {sql[1], params}, {sql[2], params}}).data());
}

LoadedPolicy PgStore::load_policy_rules(std::int64_t id, RulesCache& rules) {
  // The calendars of its versions in the same round trip, as load_calendar reads them; made
  // into clocks when needed (store::Reevaluator::clock).
  const std::array<std::string, 3> calendar_sql =
      calendar_reads("IN (SELECT calendar_id FROM policy_versions WHERE policy_id = $1)");
  const std::array<std::string, 3> policy_sql = policy_reads("$1");
  std::vector<pg::Statement> reads;
  for (const std::string& sql : policy_sql) {
    reads.push_back({sql, {pg::value(id)}});
  }
  for (const std::string& sql : calendar_sql) {
    reads.push_back({sql, {pg::value(id)}});
  }
  const std::vector<pg::Result> read = m_db.pipeline(reads);
  LoadedPolicy out = read_policy(id, read.data());
  for (StoredCalendarRow& row : stored_calendars(read.data() + policy_sql.size())) {
    if (!rules.clocks.contains(row.id)) {
      rules.calendars.emplace(row.id, std::move(row.stored));
    }
  }
  return out;
}

LoadedPolicy PgStore::read_policy(std::int64_t id, const pg::Result* read) const {
  LoadedPolicy out;
  {
    const pg::Result& row = read[0];
    if (row.rows() == 0) {
      throw policy_missing(id, m_db.location());
    }
    out.policy.name = row.text(0, 0);
    out.policy.builtin = row.integer(0, 1) != 0;
  }
  {
    const pg::Result& rows = read[1];
    for (int i = 0; i < rows.rows(); ++i) {
      PolicyVersion version;
      version.id = rows.integer(i, 0);
      version.from = to_instant(rows.optional_integer(i, 1));
      version.calendar = rows.text(i, 3);
      out.calendars.push_back(rows.integer(i, 2));
      out.policy.versions.push_back(std::move(version));
    }
  }
  check_first_version(out.policy, m_db.location());
  const pg::Result& targets = read[2];
  for (PolicyVersion& version : out.policy.versions) {
    bool has_base = false;
    for (int i = 0; i < targets.rows(); ++i) {
      if (targets.integer(i, 0) != version.id) {
        continue;
      }
      const std::string priority = targets.text(i, 1);
      if (priority == "*") {
        has_base = true;
        version.base =
            Targets{to_target(targets.integer(i, 2)), to_target(targets.optional_integer(i, 3)),
                    to_target(targets.optional_integer(i, 4))};
      } else {
        version.overrides[from_db(priority_from(priority), "priority", priority)] = TargetOverride{
            to_target(targets.optional_integer(i, 2)), to_target(targets.optional_integer(i, 3)),
            to_target(targets.optional_integer(i, 4))};
      }
    }
    if (!has_base) {
      throw policy_without_targets(out.policy.name, m_db.location());
    }
  }
  take_latest_version(out.policy);
  out.calendar_id = out.calendars.back();
  return out;
}

void PgStore::put_holiday(std::int64_t calendar_id, const Holiday& day) {
  check_holiday(day);
  m_db.query("INSERT INTO holidays (calendar_id, year, month, day, name) VALUES ($1, $2, $3, "
             "$4, $5) ON CONFLICT (calendar_id, year, month, day) DO UPDATE SET name = "
             "excluded.name",
             {pg::value(calendar_id), pg::value(day.year),
              pg::value(static_cast<std::int64_t>(day.month)),
              pg::value(static_cast<std::int64_t>(day.day)), pg::value(day.name)});
}

void PgStore::put_version(std::int64_t policy_id, std::int64_t calendar_id,
                          const PolicyVersion& version) {
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

void PgStore::put_targets(std::int64_t version_id, std::string_view priority,
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

RuleEffect PgStore::reevaluate_calendar(std::int64_t calendar_id) {
  RulesCache rules;
  return reevaluate_selected(RequestSelection{RequestSelection::By::calendar, calendar_id}, rules);
}

} // namespace slatrack::pg_store
