// Why this file: the schema is versioned with PRAGMA user_version. Migration i takes a database
// from version i-1 to i; all pending migrations run in one BEGIN IMMEDIATE transaction, re-reading
// the version under the write lock because another process may have migrated meanwhile. A database
// from a newer slatrack is refused before anything is written (not even the journal mode).
// docs/storage.md explains every table.
#include "store/schema.hpp"

#include "slatrack/error.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <limits>
#include <sqlite3.h>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace slatrack::store {

namespace {

// Migration 1: the whole schema of slatrack 0.1 and the built-ins. Times are INTEGER unix seconds
// (UTC); durations INTEGER seconds. Derived columns are rewritten from evaluate() whenever a
// request's events or rules change.
constexpr std::string_view k_migration_1 = R"sql(
CREATE TABLE calendars (
  id      INTEGER PRIMARY KEY,
  name    TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
  zone    TEXT NOT NULL CHECK (zone <> ''),
  hours   TEXT NOT NULL,                                  -- canonical format_hours() text
  builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
) STRICT;

CREATE TABLE holidays (
  calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
  year        INTEGER NOT NULL CHECK (year BETWEEN 0 AND 9999), -- 0: every year
  month       INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
  day         INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
  name        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (calendar_id, year, month, day)
) STRICT, WITHOUT ROWID;

CREATE TABLE policies (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
  calendar_id INTEGER NOT NULL REFERENCES calendars (id),
  builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))
) STRICT;
CREATE INDEX policies_by_calendar ON policies (calendar_id);

-- priority '*' is the base row: reply required, NULL update/resolve = no target.
-- Other rows override one priority: NULL = inherit the base, 0 = no target (update/resolve).
CREATE TABLE policy_targets (
  policy_id INTEGER NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
  priority  TEXT NOT NULL CHECK (priority IN ('*', 'urgent', 'high', 'normal', 'low')),
  reply_s   INTEGER CHECK (reply_s > 0),
  update_s  INTEGER CHECK (update_s >= 0),
  resolve_s INTEGER CHECK (resolve_s >= 0),
  PRIMARY KEY (policy_id, priority),
  CHECK (priority <> '*' OR (reply_s IS NOT NULL AND update_s IS NOT 0 AND resolve_s IS NOT 0))
) STRICT, WITHOUT ROWID;

CREATE TABLE clients (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (name <> ''),
  policy_id  INTEGER NOT NULL REFERENCES policies (id),
  email      TEXT,
  owner      TEXT,
  note       TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX clients_by_policy ON clients (policy_id);

CREATE TABLE requests (
  id             INTEGER PRIMARY KEY,
  client_id      INTEGER NOT NULL REFERENCES clients (id),
  subject        TEXT NOT NULL,
  channel        TEXT NOT NULL
                 CHECK (channel IN ('email', 'phone', 'chat', 'social', 'in-person', 'web', 'other')),
  priority       TEXT NOT NULL CHECK (priority IN ('urgent', 'high', 'normal', 'low')),
  assignee       TEXT COLLATE NOCASE,
  ref            TEXT UNIQUE,
  policy_id      INTEGER NOT NULL REFERENCES policies (id),
  created_at     INTEGER NOT NULL,
  -- derived from the events under the current rules:
  status         TEXT NOT NULL CHECK (status IN ('open', 'waiting', 'resolved')),
  received_at    INTEGER NOT NULL,
  replied_at     INTEGER,
  resolved_at    INTEGER,
  reply_due_at   INTEGER,
  update_due_at  INTEGER,
  resolve_due_at INTEGER,
  next_due_at    INTEGER,
  next_metric    TEXT CHECK (next_metric IN ('reply', 'update', 'resolve')),
  CHECK ((next_due_at IS NULL) = (next_metric IS NULL))
) STRICT;
-- Only requests with a running clock (never resolved ones): what overdue reads.
CREATE INDEX requests_by_next_due ON requests (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX requests_by_status ON requests (status, id);
-- (client_id, status, rowid): counts per client and status come from the index alone.
CREATE INDEX requests_by_client ON requests (client_id, status);
CREATE INDEX requests_by_assignee ON requests (assignee);
CREATE INDEX requests_by_received ON requests (received_at);
CREATE INDEX requests_by_policy ON requests (policy_id);

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL CHECK (kind IN ('message', 'reply', 'pause', 'resume', 'resolve',
                                            'reopen', 'note', 'assign', 'edit')),
  at          INTEGER NOT NULL,
  author      TEXT NOT NULL,
  text        TEXT,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX events_by_request ON events (request_id, at, id);

-- Every run of every clock of a request, as evaluate() gives them (derived, replaced on change).
CREATE TABLE clocks (
  request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  metric     TEXT NOT NULL CHECK (metric IN ('reply', 'update', 'resolve')),
  start_at   INTEGER NOT NULL,
  due_at     INTEGER,
  stop_at    INTEGER,
  outcome    TEXT NOT NULL CHECK (outcome IN ('running', 'met', 'breached')),
  target_s   INTEGER NOT NULL,
  used_s     INTEGER NOT NULL,
  credit_s   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (request_id, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX clocks_by_metric_stop ON clocks (metric, stop_at);
CREATE INDEX clocks_by_metric_due ON clocks (metric, due_at);

-- What `overdue --new` has shown: one row per clock run and state (at risk, then overdue).
CREATE TABLE overdue_seen (
  request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  metric     TEXT NOT NULL CHECK (metric IN ('reply', 'update', 'resolve')),
  start_at   INTEGER NOT NULL,
  state      TEXT NOT NULL CHECK (state IN ('overdue', 'at-risk')),
  seen_at    INTEGER NOT NULL,
  PRIMARY KEY (request_id, metric, start_at, state)
) STRICT, WITHOUT ROWID;

INSERT INTO calendars (id, name, zone, hours, builtin)
  VALUES (1, '24x7', 'UTC', 'mon-sun 00:00-24:00', 1);
INSERT INTO policies (id, name, calendar_id, builtin) VALUES (1, 'default', 1, 1);
INSERT INTO policy_targets (policy_id, priority, reply_s, update_s, resolve_s)
  VALUES (1, '*', 86400, NULL, NULL);

PRAGMA application_id = 1397506388;
)sql";

static_assert(k_application_id == 1397506388, "keep migration 1 in step with k_application_id");

// Migration 2: `overdue` reads one covering partial index instead of a page of the requests table
// (and one of clocks) per request shown: at 100k requests the query's CPU time fell from ~24 ms to
// ~2 ms (docs/performance.md). The index holds only requests with a running clock (2.5% of them;
// 2.6 MB at 1M requests), in (next_due_at, id) order, with every requests column overdue shows;
// its filters (+client_id, +assignee) are read from it too.
constexpr std::string_view k_migration_2 = R"sql(
DROP INDEX requests_by_next_due;
CREATE INDEX requests_running ON requests (next_due_at, id, client_id, policy_id, next_metric,
  status, priority, channel, assignee, received_at, replied_at, resolved_at, reply_due_at,
  update_due_at, resolve_due_at, ref, subject) WHERE next_due_at IS NOT NULL;
)sql";

// Migration 3: `report` reads each fact from one index range instead of a page of requests or
// clocks per fact (a year of 1M requests: 24 s -> 0.8 s of CPU, docs/performance.md).
// `requests_by_received` gains the columns a report groups by (it still serves list --since and
// --until); `clocks_stopped` holds the stopped reply and resolve runs with their outcome and open
// time (update runs are left out); `clocks_running` only the running runs (~2% of them). The two
// clock indexes replace ones only report used. Indexes only: nothing derived is added, and
// `check` (integrity_check) covers them.
constexpr std::string_view k_migration_3 = R"sql(
DROP INDEX requests_by_received;
CREATE INDEX requests_by_received ON requests (received_at, client_id, priority, channel, assignee);
DROP INDEX clocks_by_metric_stop;
CREATE INDEX clocks_stopped ON clocks (metric, stop_at, outcome, used_s)
  WHERE metric IN ('reply', 'resolve');
DROP INDEX clocks_by_metric_due;
CREATE INDEX clocks_running ON clocks (metric, due_at, outcome) WHERE outcome = 'running';
)sql";

// Migration 4: `list --search` (docs/storage.md, "Search"). Two FTS5 indexes over the text a
// search looks in, each with its table as external content (no second copy of the text): the
// subject and ref of each request, the text of each event. Triggers keep them in step with every
// write (log, events, edit, import; moving an event to another request changes neither its rowid
// nor its text, so nothing to do then), and 'rebuild' indexes what is there already. unicode61
// folds case (and diacritics: "cafe" finds "café"); prefix indexes make the prefix queries of a
// search (every word is the start of a word) one index range each.
constexpr std::string_view k_migration_4 = R"sql(
CREATE VIRTUAL TABLE requests_fts USING fts5(subject, ref, content = 'requests',
  content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
CREATE VIRTUAL TABLE events_fts USING fts5(text, content = 'events', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
INSERT INTO requests_fts (requests_fts) VALUES ('rebuild');
INSERT INTO events_fts (events_fts) VALUES ('rebuild');
CREATE TRIGGER requests_fts_insert AFTER INSERT ON requests BEGIN
  INSERT INTO requests_fts (rowid, subject, ref) VALUES (new.id, new.subject, new.ref);
END;
CREATE TRIGGER requests_fts_delete AFTER DELETE ON requests BEGIN
  INSERT INTO requests_fts (requests_fts, rowid, subject, ref)
    VALUES ('delete', old.id, old.subject, old.ref);
END;
CREATE TRIGGER requests_fts_update AFTER UPDATE OF subject, ref ON requests BEGIN
  INSERT INTO requests_fts (requests_fts, rowid, subject, ref)
    VALUES ('delete', old.id, old.subject, old.ref);
  INSERT INTO requests_fts (rowid, subject, ref) VALUES (new.id, new.subject, new.ref);
END;
CREATE TRIGGER events_fts_insert AFTER INSERT ON events WHEN new.text IS NOT NULL BEGIN
  INSERT INTO events_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events WHEN old.text IS NOT NULL BEGIN
  INSERT INTO events_fts (events_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF text ON events BEGIN
  INSERT INTO events_fts (events_fts, rowid, text)
    SELECT 'delete', old.id, old.text WHERE old.text IS NOT NULL;
  INSERT INTO events_fts (rowid, text) SELECT new.id, new.text WHERE new.text IS NOT NULL;
END;
)sql";

// Migration 5: targets may be business days. A target column holds seconds of open time (> 0),
// or -N for N business days (`5bd` is -5); 0 still means "no target" in an override row. Only
// the CHECK constraints change, which SQLite can change only by building the table again (it is
// small: a few rows per policy). Copied out and back rather than renamed: ALTER TABLE RENAME
// opens the connection's temporary database, after which an import in the same process could
// no longer set PRAGMA temp_store inside its transaction. `clocks.target_s` uses the same encoding
// and has no CHECK.
constexpr std::string_view k_migration_5 = R"sql(
CREATE TABLE policy_targets_v3 AS SELECT policy_id, priority, reply_s, update_s, resolve_s
  FROM policy_targets;
DROP TABLE policy_targets;
CREATE TABLE policy_targets (
  policy_id INTEGER NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
  priority  TEXT NOT NULL CHECK (priority IN ('*', 'urgent', 'high', 'normal', 'low')),
  reply_s   INTEGER CHECK (reply_s <> 0),
  update_s  INTEGER,
  resolve_s INTEGER,
  PRIMARY KEY (policy_id, priority),
  CHECK (priority <> '*' OR (reply_s IS NOT NULL AND update_s IS NOT 0 AND resolve_s IS NOT 0))
) STRICT, WITHOUT ROWID;
INSERT INTO policy_targets (policy_id, priority, reply_s, update_s, resolve_s)
  SELECT policy_id, priority, reply_s, update_s, resolve_s FROM policy_targets_v3;
DROP TABLE policy_targets_v3;
)sql";

// Migration 6: nothing is ever deleted (SPEC.md, Concepts: Event, Void). Events gain their
// number within their request (1 for the first message, then in the order recorded: the order of
// their ids, which is the order they were entered), who recorded them (until now always the
// author: the author was the recorder), and the kinds `void` and `unvoid` with their `target`
// (an event number, or 0 for the whole request). `voided_by` (events and requests) is derived:
// the number of the void event that voids the row, NULL while it counts; a void request has no
// running clock and no clock runs, so overdue and report leave it out by themselves, and the
// received index carries the mark for the report's count of requests logged. The events table
// is rebuilt (SQLite cannot change a CHECK constraint in place); the ids stay. `merged_from`
// marks the copies `merge` makes, so that taking a merge back voids them. The search index of
// event texts (migration 4) keeps its rows (same ids, same texts); its triggers, dropped with the
// old table, are made again.
constexpr std::string_view k_migration_6 = R"sql(
CREATE TABLE events_v6 (
  id          INTEGER PRIMARY KEY,
  request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
  number      INTEGER NOT NULL CHECK (number > 0),
  kind        TEXT NOT NULL CHECK (kind IN ('message', 'reply', 'pause', 'resume', 'resolve',
                                            'reopen', 'note', 'assign', 'edit', 'void', 'unvoid')),
  at          INTEGER NOT NULL,
  author      TEXT NOT NULL,
  text        TEXT,
  recorded_at INTEGER NOT NULL,
  recorder    TEXT NOT NULL,
  target      INTEGER CHECK (target >= 0),
  voided_by   INTEGER CHECK (voided_by > 0),
  merged_from INTEGER, -- a copy made by `merge`: the request it came from
  CHECK ((target IS NOT NULL) = (kind IN ('void', 'unvoid')))
) STRICT;
INSERT INTO events_v6 (id, request_id, number, kind, at, author, text, recorded_at, recorder)
SELECT id, request_id, row_number() OVER (PARTITION BY request_id ORDER BY id <> first_id, id),
  kind, at, author, text, recorded_at, author
FROM (SELECT e.*, first_value(id) OVER (PARTITION BY request_id
        ORDER BY kind <> 'message', at, id) AS first_id
      FROM events e);
DROP TABLE events;
ALTER TABLE events_v6 RENAME TO events;
CREATE INDEX events_by_request ON events (request_id, at, id);
CREATE UNIQUE INDEX events_by_number ON events (request_id, number);
-- `undo`: the last events one person recorded.
CREATE INDEX events_by_recorder ON events (recorder, id);
ALTER TABLE requests ADD COLUMN voided_by INTEGER CHECK (voided_by > 0);
-- The assignee given when it was logged (or the client's owner), what the request goes back to
-- when its only assignment is voided; for a request assigned before this schema, the client's
-- owner (what it was logged with is not known).
ALTER TABLE requests ADD COLUMN logged_assignee TEXT COLLATE NOCASE;
UPDATE requests SET logged_assignee = CASE
  WHEN EXISTS (SELECT 1 FROM events e WHERE e.request_id = requests.id AND e.kind = 'assign')
  THEN (SELECT c.owner FROM clients c WHERE c.id = requests.client_id)
  ELSE assignee END;
DROP INDEX requests_by_received;
CREATE INDEX requests_by_received ON requests (received_at, client_id, priority, channel, assignee,
  voided_by);
CREATE TRIGGER events_fts_insert AFTER INSERT ON events WHEN new.text IS NOT NULL BEGIN
  INSERT INTO events_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER events_fts_delete AFTER DELETE ON events WHEN old.text IS NOT NULL BEGIN
  INSERT INTO events_fts (events_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER events_fts_update AFTER UPDATE OF text ON events BEGIN
  INSERT INTO events_fts (events_fts, rowid, text)
    SELECT 'delete', old.id, old.text WHERE old.text IS NOT NULL;
  INSERT INTO events_fts (rowid, text) SELECT new.id, new.text WHERE new.text IS NOT NULL;
END;
)sql";

// Migration 7: `report` counts the update clocks ("we keep you posted") too, so `clocks_stopped`
// holds every stopped run, update runs included (it was partial: reply and resolve only).
// Indexes only.
constexpr std::string_view k_migration_7 = R"sql(
DROP INDEX clocks_stopped;
CREATE INDEX clocks_stopped ON clocks (metric, stop_at, outcome, used_s);
)sql";

// Migration 8: rules have dates (SPEC.md "Rules have dates"). A policy's calendar and targets
// move to versions, each in force from `from_at` (NULL: the beginning of time) for the requests
// received from then until the next version starts; today's rules become each policy's first
// version, from the beginning of time, with the policy's id as its id, so nothing is judged
// differently. `policy_targets` is keyed by version (rebuilt, as in migration 5: the primary key
// changes). `policies.calendar_id` stays, the calendar of the latest version. Each request gains
// `version_id`, derived like its due times: the version that judges it (the version in force
// when it was received). Requests are found by policy and received time for a change from a
// date on (a forward change reads only the requests received after it: none for `--from now`),
// and `requests_running` carries version_id so that overdue still reads that index alone.
constexpr std::string_view k_migration_8 = R"sql(
CREATE TABLE policy_versions (
  id          INTEGER PRIMARY KEY,
  policy_id   INTEGER NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
  from_at     INTEGER,
  calendar_id INTEGER NOT NULL REFERENCES calendars (id)
) STRICT;
CREATE UNIQUE INDEX policy_versions_by_policy ON policy_versions (policy_id, from_at);
CREATE INDEX policy_versions_by_calendar ON policy_versions (calendar_id);
INSERT INTO policy_versions (id, policy_id, from_at, calendar_id)
  SELECT id, id, NULL, calendar_id FROM policies;
CREATE TABLE policy_targets_v7 AS SELECT policy_id, priority, reply_s, update_s, resolve_s
  FROM policy_targets;
DROP TABLE policy_targets;
CREATE TABLE policy_targets (
  version_id INTEGER NOT NULL REFERENCES policy_versions (id) ON DELETE CASCADE,
  priority   TEXT NOT NULL CHECK (priority IN ('*', 'urgent', 'high', 'normal', 'low')),
  reply_s    INTEGER CHECK (reply_s <> 0),
  update_s   INTEGER,
  resolve_s  INTEGER,
  PRIMARY KEY (version_id, priority),
  CHECK (priority <> '*' OR (reply_s IS NOT NULL AND update_s IS NOT 0 AND resolve_s IS NOT 0))
) STRICT, WITHOUT ROWID;
INSERT INTO policy_targets (version_id, priority, reply_s, update_s, resolve_s)
  SELECT policy_id, priority, reply_s, update_s, resolve_s FROM policy_targets_v7;
DROP TABLE policy_targets_v7;
ALTER TABLE requests ADD COLUMN version_id INTEGER NOT NULL DEFAULT 0;
UPDATE requests SET version_id = policy_id;
DROP INDEX requests_by_policy;
CREATE INDEX requests_by_policy ON requests (policy_id, received_at);
DROP INDEX requests_running;
CREATE INDEX requests_running ON requests (next_due_at, id, client_id, policy_id, version_id,
  next_metric, status, priority, channel, assignee, received_at, replied_at, resolved_at,
  reply_due_at, update_due_at, resolve_due_at, ref, subject) WHERE next_due_at IS NOT NULL;
)sql";

// Migration 9, indexes only (docs/performance.md has the measurements):
// - events_by_merged_from: voiding a whole request, taking its void back and undoing one look for
//   the copies `merge` made of its events (`merged_from` = the request); that read every event
//   (0.5 s at a million requests). Partial: only copies have the column set.
// - requests_by_client gains resolved_at and received_at: `statement` finds a client's requests
//   of a month (received in it, not resolved, or resolved since it began) from the index alone;
//   it read every request of the client (0.4 s for one with 140,000).
constexpr std::string_view k_migration_9 = R"sql(
CREATE INDEX events_by_merged_from ON events (merged_from) WHERE merged_from IS NOT NULL;
DROP INDEX requests_by_client;
CREATE INDEX requests_by_client ON requests (client_id, status, resolved_at, received_at);
)sql";

// Migration 10: mail in (docs/mail.md). A client has any number of mail addresses and mail
// domains (`client add/edit --email --domain`), each belonging to one client, in lower case, found
// by the primary key when `mail` looks up a sender; the one `email` of a client moves there and
// its column goes. `mail_messages` holds the Message-ID of every message `mail` recorded, with
// the request it went to: a message delivered twice is recorded once, and a reply's
// In-Reply-To/References find the request of the message it answers (one primary-key look-up each).
constexpr std::string_view k_migration_10 = R"sql(
CREATE TABLE client_addresses (
  kind      TEXT NOT NULL CHECK (kind IN ('email', 'domain')),
  address   TEXT NOT NULL CHECK (address <> ''),
  client_id INTEGER NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
  PRIMARY KEY (kind, address)
) STRICT, WITHOUT ROWID;
CREATE INDEX client_addresses_by_client ON client_addresses (client_id);
INSERT OR IGNORE INTO client_addresses (kind, address, client_id)
  SELECT 'email', lower(trim(email)), id FROM clients WHERE trim(coalesce(email, '')) <> ''
  ORDER BY id;
ALTER TABLE clients DROP COLUMN email;
CREATE TABLE mail_messages (
  message_id TEXT PRIMARY KEY CHECK (message_id <> ''),
  request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX mail_messages_by_request ON mail_messages (request_id);
)sql";

// Migration 11: a calendar's zone and weekly hours have versions (SPEC.md "Rules have dates").
// `calendars.zone` and `calendars.hours` stay the first version, in force from the beginning of
// time; each later version is a row here, in force from local midnight of `from_day`
// (YYYY-MM-DD) in the zone of the version before it. No calendar has one yet, so nothing is
// judged differently.
constexpr std::string_view k_migration_11 = R"sql(
CREATE TABLE calendar_versions (
  calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,
  from_day    TEXT NOT NULL CHECK (from_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  zone        TEXT NOT NULL CHECK (zone <> ''),
  hours       TEXT NOT NULL,
  PRIMARY KEY (calendar_id, from_day)
) STRICT, WITHOUT ROWID;
)sql";

// k_migrations[i] takes the schema from version i to i + 1.
constexpr std::array<std::string_view, k_schema_version> k_migrations{
    k_migration_1, k_migration_2, k_migration_3, k_migration_4,  k_migration_5, k_migration_6,
    k_migration_7, k_migration_8, k_migration_9, k_migration_10, k_migration_11};

// What the header of an existing file says, read in one read transaction.
struct Header {
  int version = 0;
  std::int64_t application_id = 0;
  std::int64_t objects = 0; // entries in sqlite_schema
};

std::int64_t single_integer(sqlite::Database& db, std::string_view sql) {
  sqlite::Statement statement(db, sql);
  sqlite::Statement::Use use = statement.use();
  if (!use.step()) {
    return 0;
  }
  return use.integer(0);
}

Header read_header(sqlite::Database& db) {
  sqlite::Transaction read(db, sqlite::Transaction::Mode::deferred);
  Header header;
  header.version = read_schema_version(db);
  header.application_id = single_integer(db, "PRAGMA application_id");
  header.objects = single_integer(db, "SELECT count(*) FROM sqlite_schema");
  read.commit();
  return header;
}

[[noreturn]] void refuse_foreign(const std::string& path, std::string_view why) {
  throw Error{
      ErrorKind::storage,
      fmt::format("{} is not a slatrack database ({}); point --db at another file", path, why)};
}

// A schema version no slatrack made: negative, or far beyond any migration list (a flipped bit
// in the header's user_version). Later slatracks add a migration at a time.
constexpr int k_newest_plausible_version = k_schema_version + 1000;

[[noreturn]] void refuse_corrupt(const std::string& path, std::string_view why) {
  throw Error{ErrorKind::storage,
              fmt::format("{} is not a slatrack database or corrupt ({}); restore a backup or "
                          "point --db at another file",
                          path, why)};
}

[[noreturn]] void refuse_version(const std::string& path, std::int64_t version) {
  refuse_corrupt(path, fmt::format("schema version {} was never made by slatrack", version));
}

[[noreturn]] void refuse_newer(const std::string& path, int version) {
  throw Error{ErrorKind::storage,
              fmt::format("{} was made by a newer slatrack (schema {}, this one knows {}); "
                          "upgrade slatrack",
                          path, version, k_schema_version)};
}

// Refuses what is not ours, or newer, before anything is written.
void check_header(const std::string& path, const Header& header) {
  if (header.version == 0 && header.objects == 0) {
    return; // a new, empty database
  }
  if (header.application_id != k_application_id) {
    refuse_foreign(path, header.version == 0 && header.application_id == 0
                             ? "it holds tables of another program"
                             : "it belongs to another program");
  }
  if (header.version == 0) {
    refuse_foreign(path, "it has tables but no schema version");
  }
  if (header.version < 0 || header.version > k_newest_plausible_version) {
    refuse_version(path, header.version);
  }
  if (header.version > k_schema_version) {
    refuse_newer(path, header.version);
  }
}

[[noreturn]] void fail_errno(std::string_view what, const std::string& path, std::string_view hint,
                             int error) {
  throw Error{ErrorKind::storage,
              fmt::format("{} {}: {}; {}", what, path, std::strerror(error), hint)};
}

// Creates the missing directories of `dir` (mode 0700), outermost first.
void make_directories(const std::filesystem::path& dir) {
  std::filesystem::path prefix;
  for (const std::filesystem::path& part : dir) {
    prefix /= part;
    struct stat info {};
    if (::stat(prefix.c_str(), &info) == 0) {
      if (!S_ISDIR(info.st_mode)) {
        throw Error{ErrorKind::storage,
                    fmt::format("cannot create a database under {}: it is not a directory; "
                                "use --db",
                                prefix.string())};
      }
      continue;
    }
    if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      fail_errno("cannot create directory", prefix.string(),
                 "check the permissions of its parent or use --db", errno);
    }
  }
}

[[noreturn]] void refuse_missing(const std::string& path, std::string_view what) {
  throw Error{ErrorKind::storage,
              fmt::format("no database at {}{}; create it with: slatrack init (or point --db at "
                          "your database)",
                          path, what)};
}

// What --db names, looked at before anything is opened or created.
struct Target {
  std::string file;     // what SQLite opens: the path, with its directory resolved when it has ".."
  bool created = false; // we created the file just now
  bool empty = false;   // an existing file of 0 bytes: not a database yet
};

bool has_dot_dot(const std::filesystem::path& path) {
  return std::any_of(path.begin(), path.end(),
                     [](const std::filesystem::path& part) { return part == ".."; });
}

// SQLite reads ".." in a path by itself, and refuses one that climbs above the root ("/../x"),
// which the kernel takes as "/x": give it the path with its directory resolved instead.
std::string sqlite_file(const std::string& path) {
  const std::filesystem::path given(path);
  if (!has_dot_dot(given)) {
    return path;
  }
  std::error_code error;
  const std::filesystem::path dir = std::filesystem::canonical(
      given.parent_path().empty() ? std::filesystem::path(".") : given.parent_path(), error);
  if (error) {
    fail_errno("cannot open", path, "check the path or use --db", error.value());
  }
  return (dir / given.filename()).string();
}

// Looks at what is at `path`: a missing file is created (mode 0600, with its missing directories
// 0700) when `create`, else refused naming `slatrack init`; a symbolic link is followed only to a
// file that exists; directories and other non-files are refused.
Target find_target(const std::string& path, bool create) {
  Target target;
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
    if (::stat(path.c_str(), &info) != 0) {
      std::error_code error;
      const std::filesystem::path to = std::filesystem::read_symlink(path, error);
      throw Error{ErrorKind::storage,
                  fmt::format("{} is a symbolic link to {}, which does not exist; point --db at "
                              "the database file itself, or remove the link",
                              path, error ? std::string("nothing") : to.string())};
    }
  } else if (::stat(path.c_str(), &info) != 0) {
    if (errno != ENOENT && errno != ENOTDIR) {
      fail_errno("cannot open", path, "check the permissions of its directory or use --db", errno);
    }
    if (!create) {
      refuse_missing(path, "");
    }
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
      make_directories(parent);
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      if (errno != EEXIST) {
        fail_errno("cannot create", path, "check the permissions of its directory or use --db",
                   errno);
      }
      return find_target(path, create); // another process made it just now
    }
    ::close(fd);
    target.created = true;
    target.file = sqlite_file(path);
    return target;
  }
  if (S_ISDIR(info.st_mode)) {
    throw Error{ErrorKind::storage, fmt::format("{} is a directory; point --db at a file", path)};
  }
  if (!S_ISREG(info.st_mode)) {
    throw Error{ErrorKind::storage,
                fmt::format("{} is not a regular file (a device, a pipe or a socket); point --db "
                            "at a database file",
                            path)};
  }
  target.empty = info.st_size == 0;
  if (target.empty && !create) {
    refuse_missing(path, " (the file is empty)");
  }
  target.file = sqlite_file(path);
  return target;
}

// A file we turn into a database is readable by its owner only, whoever made it and with whatever
// mode (an empty file made by `touch`, reached through a symbolic link or not).
void restrict_mode(const std::string& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) == 0 && (info.st_mode & 0077) != 0) {
    if (::chmod(file.c_str(), info.st_mode & 0700) != 0) {
      fail_errno("cannot make private", file, "check the file's owner or use --db", errno);
    }
  }
}

// PRAGMA journal_mode=WAL needs a moment alone with the file; retry while another connection is
// busy with it, up to the busy timeout.
void use_wal(sqlite::Database& db) {
  constexpr int step_ms = 20;
  const auto keep_mode = [](void* out, int columns, char** values, char**) -> int {
    if (columns > 0 && values[0] != nullptr) {
      *static_cast<std::string*>(out) = values[0];
    }
    return 0;
  };
  const std::chrono::steady_clock::time_point give_up =
      std::chrono::steady_clock::now() + std::chrono::milliseconds{sqlite::k_busy_timeout_ms};
  for (;;) {
    std::string mode;
    const int rc = sqlite3_exec(db.get(), "PRAGMA journal_mode = WAL", keep_mode, &mode, nullptr);
    if (rc == SQLITE_OK) {
      if (mode != "wal") {
        throw Error{ErrorKind::storage,
                    fmt::format("cannot use a write-ahead log for {} (journal mode stays {}); put "
                                "the database on a local file system or use --db",
                                db.path(), mode)};
      }
      return;
    }
    if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= give_up) {
      db.fail("switching to WAL journal mode", rc);
    }
    sqlite3_sleep(step_ms);
  }
}

void migrate(sqlite::Database& db) {
  sqlite::Transaction transaction(db);
  const int version = read_schema_version(db);
  if (version < 0 || version > k_newest_plausible_version) {
    refuse_version(db.path(), version); // changed under us since the header was read
  }
  if (version > k_schema_version) {
    refuse_newer(db.path(), version);
  }
  for (int next = version + 1; next <= k_schema_version; ++next) {
    const std::string operation = fmt::format("migrating to schema {}", next);
    const std::string sql(k_migrations.at(static_cast<std::size_t>(next - 1)));
    const int rc = sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, nullptr);
    if ((rc & 0xff) == SQLITE_ERROR) {
      // The tables are not those of schema `version` (a version that does not match its file):
      // the transaction is rolled back, nothing changes.
      refuse_corrupt(db.path(), fmt::format("its tables are not those of schema version {}: {}",
                                            version, sqlite3_errmsg(db.get())));
    }
    if (rc != SQLITE_OK) {
      db.fail(operation, rc);
    }
    db.exec(fmt::format("PRAGMA user_version = {}", next), operation);
  }
  transaction.commit();
}

[[noreturn]] void refuse_read_only(const std::string& path) {
  throw Error{
      ErrorKind::storage,
      fmt::format("cannot write {}: read-only; check the file's permissions or use --db", path)};
}

// Whether the file and its directory can be written: WAL needs to create PATH-wal and PATH-shm
// beside it. With `refuse`, throws a message that says what to do instead of returning false.
bool writable(const std::string& path, const std::string& file, bool refuse) {
  if (::access(file.c_str(), W_OK) != 0) {
    if (refuse) {
      refuse_read_only(path);
    }
    return false;
  }
  std::filesystem::path dir = std::filesystem::path(file).parent_path();
  if (dir.empty()) {
    dir = ".";
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    if (refuse) {
      throw Error{ErrorKind::storage,
                  fmt::format("cannot write {}: its directory {} is read-only (the database "
                              "needs to create {}-wal there); check the directory's permissions "
                              "or use --db",
                              path, dir.string(), path)};
    }
    return false;
  }
  return true;
}

// `file` as a "file:" URI: the characters a URI gives a meaning percent-encoded.
std::string file_uri(const std::string& file) {
  std::string out = "file:";
  for (const char c : file) {
    if (c == '%' || c == '?' || c == '#') {
      out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

// A database that cannot be written, opened for reading only: nothing is switched or migrated.
// SQLite reads a WAL database read-only only when its -shm file exists or can be created beside
// it; when neither (a read-only directory) and there is no -wal file either, nothing is being
// written to it: it is read as immutable.
sqlite::Database open_read_only(const std::string& path, const std::string& file) {
  constexpr int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  std::filesystem::path dir = std::filesystem::path(file).parent_path();
  if (dir.empty()) {
    dir = ".";
  }
  const bool shm =
      ::access((file + "-shm").c_str(), R_OK) == 0 || ::access(dir.c_str(), W_OK | X_OK) == 0;
  const bool wal = ::access((file + "-wal").c_str(), F_OK) == 0;
  sqlite::Database db = !shm && !wal ? sqlite::Database(path, flags | SQLITE_OPEN_URI,
                                                        file_uri(file) + "?immutable=1")
                                     : sqlite::Database(path, flags, file);
  const Header header = read_header(db);
  if (header.version == 0 && header.objects == 0) {
    refuse_missing(path, " (the file holds no tables)");
  }
  check_header(path, header);
  if (header.version < k_schema_version) {
    throw Error{ErrorKind::storage,
                fmt::format("{} has schema {} and this slatrack needs {}, but it is read-only and "
                            "cannot be upgraded; run slatrack once where it can be written",
                            path, header.version, k_schema_version)};
  }
  return db;
}

} // namespace

std::string overdue_query(bool by_client, bool by_assignee, bool with_start) {
  std::string sql(k_request_select);
  sql.insert(sql.find("\nFROM"), with_start ? R"sql(, v.calendar_id,
  (SELECT s.start_at FROM clocks s WHERE s.request_id = r.id AND s.metric = r.next_metric
     AND s.outcome = 'running' ORDER BY s.seq DESC LIMIT 1))sql"
                                            : ", v.calendar_id");
  sql += "WHERE r.next_due_at IS NOT NULL AND r.next_due_at <= ?\n";
  // The unary + keeps the client and assignee indexes out of the plan: the partial index holds
  // only requests with a running clock, which is what overdue wants however many requests exist,
  // and it covers the filters too.
  sql += by_client ? "AND +r.client_id = ?\n" : "";
  sql += by_assignee ? "AND +r.assignee = ? COLLATE NOCASE\n" : "";
  sql += "ORDER BY r.next_due_at, r.id";
  return sql;
}

SelectionQueries selection_queries(const RequestSelection& selection) {
  using By = RequestSelection::By;
  // The condition on a request id column, and how many parameters it takes.
  std::string ids;
  int parameters = 1;
  switch (selection.by) {
  case By::request:
    ids = "= ?1";
    break;
  case By::all:
    parameters = 0;
    break;
  case By::policy:
    ids = "IN (SELECT id FROM requests WHERE policy_id = ?1)";
    break;
  case By::policy_received:
    ids = "IN (SELECT id FROM requests WHERE policy_id = ?1 AND received_at >= ?2 "
          "AND received_at < ?3)";
    parameters = 3;
    break;
  case By::calendar:
    ids = "IN (SELECT id FROM requests WHERE policy_id IN "
          "(SELECT policy_id FROM policy_versions WHERE calendar_id = ?1))";
    break;
  case By::calendar_from:
    // A version from ?2 cannot change a request whose clocks all ran their course before it.
    // Finding them reads every clock run's entry in clocks_stopped (no index has due_at for
    // stopped runs): once, into a temporary table the cursors read.
    ids = "IN (SELECT id FROM temp.reevaluated)";
    parameters = 0;
    break;
  }
  const auto where = [&ids](std::string_view column) {
    return ids.empty() ? std::string() : fmt::format(" WHERE {} {}", column, ids);
  };
  SelectionQueries out;
  out.requests = "SELECT id, policy_id, priority, status, received_at, replied_at, resolved_at, "
                 "reply_due_at, update_due_at, resolve_due_at, next_due_at, next_metric, "
                 "voided_by, version_id FROM requests"
                 + where("id") + " ORDER BY id";
  out.events = "SELECT request_id, kind, at, id, number, target, voided_by FROM events"
               + where("request_id") + " ORDER BY request_id, at, id";
  out.clocks = "SELECT request_id, seq, metric, start_at, due_at, stop_at, outcome, target_s, "
               "used_s, credit_s FROM clocks"
               + where("request_id") + " ORDER BY request_id, seq";
  out.parameters = parameters;
  if (selection.by == By::calendar_from) {
    out.setup = {"CREATE TEMP TABLE IF NOT EXISTS reevaluated (id INTEGER PRIMARY KEY)",
                 "DELETE FROM temp.reevaluated",
                 "INSERT INTO temp.reevaluated SELECT id FROM requests WHERE policy_id IN "
                 "(SELECT policy_id FROM policy_versions WHERE calendar_id = ?1) AND id IN ("
                 "SELECT request_id FROM clocks WHERE metric IN ('reply', 'update', 'resolve') "
                 "AND due_at >= ?2 UNION "
                 "SELECT request_id FROM clocks WHERE metric IN ('reply', 'update', 'resolve') "
                 "AND (stop_at IS NULL OR stop_at >= ?2))"};
    out.setup_parameters = 2;
  }
  return out;
}

std::string_view report_key_column(ReportBy by) {
  switch (by) {
  case ReportBy::client:
    return "r.client_id";
  case ReportBy::assignee:
    return "r.assignee";
  case ReportBy::priority:
    return "r.priority";
  case ReportBy::channel:
    return "r.channel";
  case ReportBy::day:
  case ReportBy::week:
  case ReportBy::month:
    return "";
  }
  return "";
}

std::string merged_copies_query(bool voids) {
  return fmt::format("SELECT request_id, number FROM events WHERE merged_from = $1 AND {} "
                     "AND voided_by IS NULL ORDER BY request_id, number",
                     voids ? "kind = 'void'" : "kind NOT IN ('void', 'unvoid')");
}

int read_schema_version(sqlite::Database& db) {
  // user_version is a signed 32-bit field of the header: any value may be there.
  const std::int64_t version = single_integer(db, "PRAGMA user_version");
  if (version < std::numeric_limits<int>::min() || version > std::numeric_limits<int>::max()) {
    refuse_version(db.path(), version);
  }
  return static_cast<int>(version);
}

namespace {

sqlite::Database open_target(const std::string& path, OpenMode mode, const Target& target) {
  if (mode == OpenMode::read && !writable(path, target.file, false)) {
    return open_read_only(path, target.file);
  }
  static_cast<void>(writable(path, target.file, true));
  sqlite::Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                      target.file);
  if (db.read_only()) {
    refuse_read_only(path);
  }
  const Header header = read_header(db);
  check_header(path, header);
  const bool fresh = header.version == 0 && header.objects == 0;
  if (fresh && mode != OpenMode::create) {
    refuse_missing(path, " (the file holds no tables)");
  }
  if (fresh && !target.created) {
    restrict_mode(target.file);
  }
  use_wal(db);
  db.exec("PRAGMA synchronous = NORMAL", "set synchronous mode");
  if (header.version < k_schema_version) {
    migrate(db);
    // The migration's sorts opened the temporary database; an import in the same connection sets
    // temp_store = FILE inside its transaction, which SQLite allows only when the value does not
    // change: set it now, outside any transaction.
    db.exec("PRAGMA temp_store = FILE", "keeping temporary data in files");
  }
  return db;
}

// Removes the file open_database created when making it a database failed (a full disk), so
// that no empty file is left behind; one that another process has written to meanwhile stays.
void remove_if_empty(const std::string& file) {
  struct stat info {};
  if (::stat(file.c_str(), &info) == 0 && info.st_size == 0) {
    for (const char* suffix : {"-wal", "-shm", ""}) {
      static_cast<void>(::unlink((file + suffix).c_str()));
    }
  }
}

} // namespace

sqlite::Database open_database(const std::string& path, OpenMode mode) {
  if (path.empty()) {
    throw Error{ErrorKind::storage, "no database path; pass --db PATH"};
  }
  if (path == ":memory:") {
    sqlite::Database db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
                                  | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY);
    migrate(db);
    db.exec("PRAGMA temp_store = FILE", "keeping temporary data in files"); // as open_target
    return db;
  }
  const Target target = find_target(path, mode == OpenMode::create);
  if (!target.created) {
    return open_target(path, mode, target);
  }
  try {
    return open_target(path, mode, target);
  } catch (...) {
    remove_if_empty(target.file);
    throw;
  }
}

} // namespace slatrack::store
