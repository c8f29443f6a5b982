// Why this file: the SQLite store's rules (store/sqlite_store_impl.hpp): calendars, SLA policies
// and clients, written and read by name and by id, with the re-evaluation a change of them needs.
#include "store/sqlite_store_impl.hpp"

namespace slatrack::sqlite_store {

std::vector<Calendar> SqliteStore::calendars() {
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

std::optional<Calendar> SqliteStore::find_calendar(std::string_view name) {
  Transaction read(m_db, Transaction::Mode::deferred);
  std::optional<Calendar> out;
  if (const std::optional<CalendarRow> row = calendar_row(name)) {
    out = load_calendar(row->id);
  }
  read.commit();
  return out;
}

void SqliteStore::add_calendar(const CalendarRules& rules) {
  check_calendar_name(rules.name);
  Transaction write(m_db);
  if (const std::optional<CalendarRow> row = calendar_row(rules.name)) {
    throw calendar_exists(row->name);
  }
  const CalendarRules valid = checked_new_calendar(rules, zone_files());
  {
    Use use = statement("INSERT INTO calendars (name, zone, hours) VALUES (?, ?, ?)").use();
    use.bind(valid.name).bind(valid.zone).bind(format_hours(valid.hours)).run();
  }
  const std::int64_t id = m_db.last_insert_rowid();
  if (!valid.versions.empty()) {
    put_calendar_versions(id, valid); // a rules file's calendar with its earlier versions
  }
  for (const Holiday& day : valid.holidays) {
    put_holiday(id, day);
  }
  write.commit();
}

RuleEffect SqliteStore::change_calendar(std::string_view name, const CalendarChange& change) {
  check_calendar_change(change);
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
  rules = checked_calendar(std::move(rules), zone_files());
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

RuleEffect SqliteStore::add_holidays(std::string_view name, const std::vector<Holiday>& days) {
  for (const Holiday& day : days) {
    check_holiday(day);
  }
  Transaction write(m_db);
  const CalendarRow row = changeable_calendar(name);
  for (const Holiday& day : days) {
    put_holiday(row.id, day);
  }
  static_cast<void>(checked_calendar(load_calendar(row.id).rules, zone_files()));
  const RuleEffect changed = reevaluate_calendar(row.id);
  write.commit();
  return changed;
}

RuleEffect SqliteStore::remove_holidays(std::string_view name, const std::vector<Holiday>& days) {
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
      throw no_holiday(row.name, day);
    }
  }
  const RuleEffect changed = reevaluate_calendar(row.id);
  write.commit();
  return changed;
}

void SqliteStore::remove_calendar(std::string_view name) {
  Transaction write(m_db);
  const std::optional<CalendarRow> row = calendar_row(name);
  if (!row) {
    no_calendar(name, k_list_calendars);
  }
  if (row->builtin) {
    throw calendar_not_removable(row->name);
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
    throw calendar_in_use(row->name, users);
  }
  {
    Use use = statement("DELETE FROM calendars WHERE id = ?").use();
    use.bind(row->id).run();
  }
  write.commit();
}

std::vector<Policy> SqliteStore::policies() {
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

std::optional<Policy> SqliteStore::find_policy(std::string_view name) {
  Transaction read(m_db, Transaction::Mode::deferred);
  std::optional<Policy> out;
  if (const std::optional<PolicyRow> row = policy_row(name)) {
    out = load_policy(row->id).policy;
  }
  read.commit();
  return out;
}

void SqliteStore::add_policy(const Policy& policy) {
  check_new_policy(policy);
  Transaction write(m_db);
  if (const std::optional<PolicyRow> row = policy_row(policy.name)) {
    throw policy_exists(row->name);
  }
  const std::vector<PolicyVersion> versions = new_policy_versions(policy);
  std::vector<std::int64_t> calendar_ids;
  for (const PolicyVersion& version : versions) {
    calendar_ids.push_back(require_calendar(version.calendar).id);
  }
  {
    Use use = statement("INSERT INTO policies (name, calendar_id) VALUES (?, ?)").use();
    use.bind(policy.name).bind(calendar_ids.back()).run();
  }
  const std::int64_t id = m_db.last_insert_rowid();
  for (std::size_t i = 0; i < versions.size(); ++i) {
    put_version(id, calendar_ids[i], versions[i]);
  }
  write.commit();
}

RuleEffect SqliteStore::change_policy(std::string_view name, const PolicyChange& change) {
  check_policy_change(name, change);
  Transaction write(m_db);
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

void SqliteStore::remove_policy(std::string_view name) {
  Transaction write(m_db);
  const std::optional<PolicyRow> row = policy_row(name);
  if (!row) {
    no_policy(name, k_list_policies);
  }
  if (row->builtin) {
    throw policy_not_removable(row->name);
  }
  const std::int64_t clients = count("SELECT count(*) FROM clients WHERE policy_id = ?", row->id);
  if (clients > 0) {
    throw policy_used_by_clients(row->name, clients);
  }
  const std::int64_t requests = count("SELECT count(*) FROM requests WHERE policy_id = ?", row->id);
  if (requests > 0) {
    throw policy_used_by_requests(row->name, requests);
  }
  {
    Use use = statement("DELETE FROM policies WHERE id = ?").use();
    use.bind(row->id).run();
  }
  write.commit();
}

std::vector<Client> SqliteStore::clients() {
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

std::optional<Client> SqliteStore::find_client(std::string_view name) {
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

std::optional<std::string> SqliteStore::client_named(std::string_view name) {
  Transaction read(m_db, Transaction::Mode::deferred);
  std::optional<std::string> out;
  if (std::optional<ClientRow> row = client_row(name)) {
    out = std::move(row->name);
  }
  read.commit();
  return out;
}

void SqliteStore::add_client(const NewClient& client) {
  check_client_name(client.name);
  const std::vector<std::string> emails = checked_addresses("--email", client.emails, false);
  const std::vector<std::string> domains = checked_addresses("--domain", client.domains, true);
  check_field("--owner", client.owner, false);
  check_field("--note", client.note, true);
  Transaction write(m_db);
  if (const std::optional<ClientRow> row = client_row(client.name)) {
    throw client_exists(row->name);
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

RuleEffect SqliteStore::change_client(std::string_view name, const ClientChange& change) {
  Transaction write(m_db);
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

void SqliteStore::remove_client(std::string_view name) {
  Transaction write(m_db);
  const std::optional<ClientRow> row = short_client_row(name);
  if (!row) {
    no_client(name, k_list_clients);
  }
  const std::int64_t requests = count("SELECT count(*) FROM requests WHERE client_id = ?", row->id);
  if (requests > 0) {
    throw client_has_requests(row->name, requests);
  }
  {
    Use use = statement("DELETE FROM clients WHERE id = ?").use();
    use.bind(row->id).run();
  }
  write.commit();
}

Client SqliteStore::read_client(const Use& use) {
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

void SqliteStore::set_addresses(std::int64_t client_id, std::string_view kind,
                                std::string_view option, const std::vector<std::string>& values) {
  for (const std::string& value : values) {
    Use use = statement("SELECT c.name FROM client_addresses a JOIN clients c ON c.id = "
                        "a.client_id WHERE a.kind = ? AND a.address = ? AND a.client_id <> ?")
                  .use();
    use.bind(kind).bind(value).bind(client_id);
    if (use.step()) {
      throw address_taken(option, value, use.text(0));
    }
  }
  {
    Use use = statement("DELETE FROM client_addresses WHERE client_id = ? AND kind = ?").use();
    use.bind(client_id).bind(kind).run();
  }
  for (const std::string& value : values) {
    Use use =
        statement("INSERT INTO client_addresses (kind, address, client_id) VALUES (?, ?, ?)").use();
    use.bind(kind).bind(value).bind(client_id).run();
  }
}

Calendar SqliteStore::load_calendar(std::int64_t id) {
  Calendar out;
  StoredCalendar stored;
  {
    Use use = statement("SELECT name, zone, hours, builtin FROM calendars WHERE id = ?").use();
    use.bind(id);
    if (!use.step()) {
      throw calendar_missing(id, m_db.path());
    }
    stored.name = use.text(0);
    stored.zone = use.text(1);
    stored.hours = use.text(2);
    out.builtin = use.integer(3) != 0;
  }
  {
    Use use = statement("SELECT year, month, day, name FROM holidays WHERE calendar_id = ? "
                        "ORDER BY year, month, day")
                  .use();
    use.bind(id);
    while (use.step()) {
      stored.holidays.push_back(Holiday{static_cast<int>(use.integer(0)),
                                        static_cast<unsigned>(use.integer(1)),
                                        static_cast<unsigned>(use.integer(2)), use.text(3)});
    }
  }
  {
    Use use = statement("SELECT from_day, zone, hours FROM calendar_versions WHERE "
                        "calendar_id = ? ORDER BY from_day")
                  .use();
    use.bind(id);
    while (use.step()) {
      stored.later.push_back(StoredCalendarVersion{use.text(0), use.text(1), use.text(2)});
    }
  }
  out.rules = calendar_rules(stored, m_db.path());
  return out;
}

void SqliteStore::put_calendar_versions(std::int64_t calendar_id, const CalendarRules& rules) {
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

LoadedPolicy SqliteStore::load_policy(std::int64_t id) {
  LoadedPolicy out;
  {
    Use use = statement("SELECT name, builtin FROM policies WHERE id = ?").use();
    use.bind(id);
    if (!use.step()) {
      throw policy_missing(id, m_db.path());
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
  check_first_version(out.policy, m_db.path());
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
      throw policy_without_targets(out.policy.name, m_db.path());
    }
  }
  take_latest_version(out.policy);
  out.calendar_id = out.calendars.back();
  return out;
}

void SqliteStore::put_holiday(std::int64_t calendar_id, const Holiday& day) {
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

void SqliteStore::put_version(std::int64_t policy_id, std::int64_t calendar_id,
                              const PolicyVersion& version) {
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

void SqliteStore::put_targets(std::int64_t version_id, std::string_view priority,
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

RuleEffect SqliteStore::reevaluate_calendar(std::int64_t calendar_id) {
  RulesCache rules;
  return reevaluate_selected(RequestSelection{RequestSelection::By::calendar, calendar_id}, rules);
}

RuleEffect SqliteStore::reevaluate_calendar_from(std::int64_t calendar_id, std::int64_t from) {
  RulesCache rules;
  return reevaluate_selected(
      RequestSelection{RequestSelection::By::calendar_from, calendar_id, from}, rules);
}

} // namespace slatrack::sqlite_store
