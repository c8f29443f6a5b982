// Why this file: a team database keeps slatrack's tables in the PostgreSQL schema `slatrack` (so
// the database may hold other programs' tables), versioned in slatrack.meta. The tables are those
// of the SQLite schema of the same version (store/schema.cpp, docs/storage.md), with what makes
// the server's settings irrelevant to the output (SPEC.md, Teams): instants are bigint unix
// seconds as on SQLite (no timestamptz: no time zone or DateStyle of the server is involved),
// text is COLLATE "C" (ordered by code point whatever the database's collation, as SQLite's
// BINARY), and names are unique ignoring ASCII case through fold(), SQLite's NOCASE. Numbers are
// given by slatrack under the write lock (max + 1), never by sequences, which leave gaps when a
// transaction rolls back. No full-text index: list --search is matched otherwise.
#include "store/pg_schema.hpp"

#include "slatrack/error.hpp"
#include "store/schema.hpp"

#include <array>
#include <fmt/format.h>
#include <string_view>

namespace slatrack::store {

namespace {

// The whole schema at k_pg_base_version (SQLite schema 9), with the built-ins.
constexpr std::string_view k_pg_schema = R"sql(
CREATE FUNCTION slatrack.fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;

CREATE TABLE slatrack.meta (
  key   text COLLATE "C" PRIMARY KEY,
  value bigint NOT NULL
);

CREATE TABLE slatrack.calendars (
  id      bigint PRIMARY KEY,
  name    text COLLATE "C" NOT NULL CHECK (name <> ''),
  zone    text COLLATE "C" NOT NULL CHECK (zone <> ''),
  hours   text COLLATE "C" NOT NULL,
  builtin integer NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
);
CREATE UNIQUE INDEX calendars_by_name ON slatrack.calendars (slatrack.fold(name));

CREATE TABLE slatrack.holidays (
  calendar_id bigint NOT NULL REFERENCES slatrack.calendars (id) ON DELETE CASCADE,
  year        integer NOT NULL CHECK (year BETWEEN 0 AND 9999),
  month       integer NOT NULL CHECK (month BETWEEN 1 AND 12),
  day         integer NOT NULL CHECK (day BETWEEN 1 AND 31),
  name        text COLLATE "C" NOT NULL DEFAULT '',
  PRIMARY KEY (calendar_id, year, month, day)
);

CREATE TABLE slatrack.policies (
  id          bigint PRIMARY KEY,
  name        text COLLATE "C" NOT NULL CHECK (name <> ''),
  calendar_id bigint NOT NULL REFERENCES slatrack.calendars (id),
  builtin     integer NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
);
CREATE UNIQUE INDEX policies_by_name ON slatrack.policies (slatrack.fold(name));
CREATE INDEX policies_by_calendar ON slatrack.policies (calendar_id);

CREATE TABLE slatrack.policy_versions (
  id          bigint PRIMARY KEY,
  policy_id   bigint NOT NULL REFERENCES slatrack.policies (id) ON DELETE CASCADE,
  from_at     bigint,
  calendar_id bigint NOT NULL REFERENCES slatrack.calendars (id)
);
CREATE UNIQUE INDEX policy_versions_by_policy ON slatrack.policy_versions (policy_id, from_at);
CREATE INDEX policy_versions_by_calendar ON slatrack.policy_versions (calendar_id);

-- A target holds seconds of open time (> 0), or -N for N business days; in an override row
-- NULL inherits the base row and 0 means no target.
CREATE TABLE slatrack.policy_targets (
  version_id bigint NOT NULL REFERENCES slatrack.policy_versions (id) ON DELETE CASCADE,
  priority   text COLLATE "C" NOT NULL CHECK (priority IN ('*', 'urgent', 'high', 'normal', 'low')),
  reply_s    bigint CHECK (reply_s <> 0),
  update_s   bigint,
  resolve_s  bigint,
  PRIMARY KEY (version_id, priority),
  CHECK (priority <> '*' OR (reply_s IS NOT NULL AND update_s IS DISTINCT FROM 0
                             AND resolve_s IS DISTINCT FROM 0))
);

CREATE TABLE slatrack.clients (
  id         bigint PRIMARY KEY,
  name       text COLLATE "C" NOT NULL CHECK (name <> ''),
  policy_id  bigint NOT NULL REFERENCES slatrack.policies (id),
  email      text COLLATE "C",
  owner      text COLLATE "C",
  note       text COLLATE "C",
  created_at bigint NOT NULL
);
CREATE UNIQUE INDEX clients_by_name ON slatrack.clients (slatrack.fold(name));
CREATE INDEX clients_by_policy ON slatrack.clients (policy_id);

CREATE TABLE slatrack.requests (
  id              bigint PRIMARY KEY,
  client_id       bigint NOT NULL REFERENCES slatrack.clients (id),
  subject         text COLLATE "C" NOT NULL,
  channel         text COLLATE "C" NOT NULL
                  CHECK (channel IN ('email', 'phone', 'chat', 'social', 'in-person', 'web', 'other')),
  priority        text COLLATE "C" NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
  assignee        text COLLATE "C",
  ref             text COLLATE "C" UNIQUE,
  policy_id       bigint NOT NULL REFERENCES slatrack.policies (id),
  created_at      bigint NOT NULL,
  -- derived from the events under the current rules:
  status          text COLLATE "C" NOT NULL CHECK (status IN ('open', 'waiting', 'resolved')),
  received_at     bigint NOT NULL,
  replied_at      bigint,
  resolved_at     bigint,
  reply_due_at    bigint,
  update_due_at   bigint,
  resolve_due_at  bigint,
  next_due_at     bigint,
  next_metric     text COLLATE "C" CHECK (next_metric IN ('reply', 'update', 'resolve')),
  voided_by       bigint CHECK (voided_by > 0),
  logged_assignee text COLLATE "C",
  version_id      bigint NOT NULL,
  CHECK ((next_due_at IS NULL) = (next_metric IS NULL))
);
CREATE INDEX requests_running ON slatrack.requests (next_due_at, id) WHERE next_due_at IS NOT NULL;
CREATE INDEX requests_by_status ON slatrack.requests (status, id);
CREATE INDEX requests_by_client ON slatrack.requests (client_id, status, resolved_at, received_at);
CREATE INDEX requests_by_assignee ON slatrack.requests (slatrack.fold(assignee));
CREATE INDEX requests_by_received ON slatrack.requests (received_at);
CREATE INDEX requests_by_policy ON slatrack.requests (policy_id, received_at);

CREATE TABLE slatrack.events (
  id          bigint PRIMARY KEY,
  request_id  bigint NOT NULL REFERENCES slatrack.requests (id) ON DELETE CASCADE,
  number      bigint NOT NULL CHECK (number > 0),
  kind        text COLLATE "C" NOT NULL CHECK (kind IN ('message', 'reply', 'pause', 'resume',
                'resolve', 'reopen', 'note', 'assign', 'edit', 'void', 'unvoid')),
  at          bigint NOT NULL,
  author      text COLLATE "C" NOT NULL,
  text        text COLLATE "C",
  recorded_at bigint NOT NULL,
  recorder    text COLLATE "C" NOT NULL,
  target      bigint CHECK (target >= 0),
  voided_by   bigint CHECK (voided_by > 0),
  merged_from bigint,
  CHECK ((target IS NOT NULL) = (kind IN ('void', 'unvoid')))
);
CREATE INDEX events_by_request ON slatrack.events (request_id, at, id);
CREATE UNIQUE INDEX events_by_number ON slatrack.events (request_id, number);
CREATE INDEX events_by_recorder ON slatrack.events (recorder, id);
CREATE INDEX events_by_merged_from ON slatrack.events (merged_from) WHERE merged_from IS NOT NULL;

CREATE TABLE slatrack.clocks (
  request_id bigint NOT NULL REFERENCES slatrack.requests (id) ON DELETE CASCADE,
  seq        bigint NOT NULL,
  metric     text COLLATE "C" NOT NULL CHECK (metric IN ('reply', 'update', 'resolve')),
  start_at   bigint NOT NULL,
  due_at     bigint,
  stop_at    bigint,
  outcome    text COLLATE "C" NOT NULL CHECK (outcome IN ('running', 'met', 'breached')),
  target_s   bigint NOT NULL,
  used_s     bigint NOT NULL,
  credit_s   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (request_id, seq)
);
CREATE INDEX clocks_stopped ON slatrack.clocks (metric, stop_at, outcome, used_s);
CREATE INDEX clocks_running ON slatrack.clocks (metric, due_at, outcome) WHERE outcome = 'running';

-- What `overdue --new` has shown: one row per clock run and state (at risk, then overdue).
CREATE TABLE slatrack.overdue_seen (
  request_id bigint NOT NULL REFERENCES slatrack.requests (id) ON DELETE CASCADE,
  metric     text COLLATE "C" NOT NULL CHECK (metric IN ('reply', 'update', 'resolve')),
  start_at   bigint NOT NULL,
  state      text COLLATE "C" NOT NULL CHECK (state IN ('overdue', 'at-risk')),
  seen_at    bigint NOT NULL,
  PRIMARY KEY (request_id, metric, start_at, state)
);

INSERT INTO slatrack.calendars (id, name, zone, hours, builtin)
  VALUES (1, '24x7', 'UTC', 'mon-sun 00:00-24:00', 1);
INSERT INTO slatrack.policies (id, name, calendar_id, builtin) VALUES (1, 'default', 1, 1);
INSERT INTO slatrack.policy_versions (id, policy_id, from_at, calendar_id) VALUES (1, 1, NULL, 1);
INSERT INTO slatrack.policy_targets (version_id, priority, reply_s, update_s, resolve_s)
  VALUES (1, '*', 86400, NULL, NULL);
)sql";

// Migration 10 (SQLite's 10, store/schema.cpp): a client's mail addresses and domains, and the
// Message-IDs `mail` recorded.
constexpr std::string_view k_pg_migration_10 = R"sql(
CREATE TABLE slatrack.client_addresses (
  kind      text COLLATE "C" NOT NULL CHECK (kind IN ('email', 'domain')),
  address   text COLLATE "C" NOT NULL CHECK (address <> ''),
  client_id bigint NOT NULL REFERENCES slatrack.clients (id) ON DELETE CASCADE,
  PRIMARY KEY (kind, address)
);
CREATE INDEX client_addresses_by_client ON slatrack.client_addresses (client_id);
INSERT INTO slatrack.client_addresses (kind, address, client_id)
  SELECT 'email', slatrack.fold(btrim(email)), id FROM slatrack.clients
  WHERE btrim(coalesce(email, '')) <> '' ORDER BY id
  ON CONFLICT DO NOTHING;
ALTER TABLE slatrack.clients DROP COLUMN email;
CREATE TABLE slatrack.mail_messages (
  message_id text COLLATE "C" PRIMARY KEY CHECK (message_id <> ''),
  request_id bigint NOT NULL REFERENCES slatrack.requests (id) ON DELETE CASCADE
);
CREATE INDEX mail_messages_by_request ON slatrack.mail_messages (request_id);
)sql";

// Schema 11 (SQLite's migration 11): the later versions of a calendar's zone and hours.
constexpr std::string_view k_pg_migration_11 = R"sql(
CREATE TABLE slatrack.calendar_versions (
  calendar_id bigint NOT NULL REFERENCES slatrack.calendars (id) ON DELETE CASCADE,
  from_day    text COLLATE "C" NOT NULL
    CHECK (from_day ~ '^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$'),
  zone        text COLLATE "C" NOT NULL CHECK (zone <> ''),
  hours       text COLLATE "C" NOT NULL,
  PRIMARY KEY (calendar_id, from_day)
);
)sql";

// k_pg_migrations[i] takes the schema from version k_pg_base_version + i to the next.
constexpr std::array<std::string_view, 2> k_pg_migrations{k_pg_migration_10, k_pg_migration_11};
static_assert(k_pg_base_version + k_pg_migrations.size() == k_schema_version,
              "a new SQLite migration needs its PostgreSQL one (src/store/pg_schema.cpp)");

[[noreturn]] void refuse_newer(const std::string& location, int version) {
  throw Error{ErrorKind::storage,
              fmt::format("{} was made by a newer slatrack (schema {}, this one knows {}); "
                          "upgrade slatrack",
                          location, version, k_schema_version)};
}

// Creates or migrates the schema under the write lock, re-reading the version there: another
// process may have done it meanwhile.
void create_or_migrate(pg::Connection& connection) {
  pg::Transaction write(connection);
  const int version = read_pg_schema_version(connection);
  if (version > k_schema_version) {
    refuse_newer(connection.location(), version);
  }
  if (version == 0) {
    connection.exec("CREATE SCHEMA IF NOT EXISTS slatrack", "creating the schema");
    connection.exec(k_pg_schema, "creating the schema");
    connection.query("INSERT INTO slatrack.meta (key, value) VALUES ('schema_version', $1), "
                     "('application_id', $2)",
                     {pg::value(k_pg_base_version), pg::value(k_application_id)});
  }
  for (int next = std::max(version, k_pg_base_version) + 1; next <= k_schema_version; ++next) {
    const auto index = static_cast<std::size_t>(next - k_pg_base_version - 1);
    connection.exec(k_pg_migrations.at(index), fmt::format("migrating to schema {}", next));
    connection.query("UPDATE slatrack.meta SET value = $1 WHERE key = 'schema_version'",
                     {pg::value(next)});
  }
  write.commit();
}

} // namespace

int read_pg_schema_version(pg::Connection& connection) {
  constexpr std::string_view k_version_sql =
      "SELECT value FROM slatrack.meta WHERE key = 'schema_version'";
  pg::Result row{nullptr};
  if (connection.in_transaction()) {
    // (creating or migrating) A failed statement would end the transaction: ask first.
    const pg::Result exists =
        connection.query("SELECT to_regclass('slatrack.meta') IS NOT NULL", {});
    if (exists.text(0, 0) != "t") {
      return 0;
    }
    row = connection.query(k_version_sql, {});
  } else {
    // Every command opens the database: one round trip, the version itself; a database without
    // the schema answers "no such table" (42P01).
    row = connection.attempt(k_version_sql);
    if (!row.ok()) {
      if (row.state() == "42P01") {
        return 0;
      }
      connection.fail("reading the schema version", row.get());
    }
  }
  if (row.rows() != 1) {
    throw Error{ErrorKind::storage,
                fmt::format("{} has a slatrack schema without a version; restore a backup or "
                            "point --db at another database",
                            connection.location())};
  }
  const std::int64_t version = row.integer(0, 0);
  if (version < 1 || version > k_schema_version + 1000) {
    throw Error{ErrorKind::storage,
                fmt::format("{} is not a slatrack database or corrupt (schema version {} was "
                            "never made by slatrack); restore a backup or point --db at another "
                            "database",
                            connection.location(), version)};
  }
  return static_cast<int>(version);
}

pg::Connection open_pg_database(const std::string& url, OpenMode mode) {
  pg::Connection connection(url);
  const int version = read_pg_schema_version(connection);
  if (version == k_schema_version) {
    return connection;
  }
  if (version > k_schema_version) {
    refuse_newer(connection.location(), version);
  }
  if (version == 0 && mode != OpenMode::create) {
    throw Error{ErrorKind::storage,
                fmt::format("no database at {}; create it with: slatrack init (or point --db at "
                            "your database)",
                            connection.location())};
  }
  create_or_migrate(connection);
  return connection;
}

std::string pg_overdue_query(bool by_client, bool by_assignee) {
  std::string sql(k_request_select);
  sql.insert(sql.find("\nFROM"), R"sql(, v.calendar_id,
  (SELECT s.start_at FROM clocks s WHERE s.request_id = r.id AND s.metric = r.next_metric
     AND s.outcome = 'running' ORDER BY s.seq DESC LIMIT 1))sql");
  sql += "WHERE r.next_due_at IS NOT NULL AND r.next_due_at <= $1\n";
  int param = 1;
  if (by_client) {
    sql += fmt::format("AND r.client_id = ${}\n", ++param);
  }
  if (by_assignee) {
    sql += fmt::format("AND fold(r.assignee) = fold(${})\n", ++param);
  }
  sql += "ORDER BY r.next_due_at, r.id";
  return sql;
}

} // namespace slatrack::store
