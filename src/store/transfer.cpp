// Why this file: export, import and backup move whole databases, so they are written for volume.
// Export reads requests, events and clocks with three cursors in id order, side by side, instead
// of two queries per request. Import evaluates each request once, in memory, from the events it
// brings, and inserts the request with its derived state, its events and its clock runs: no
// UPDATE, no re-read. Clients and policies are looked up once per batch. A large import into a
// small database is a bulk import: one transaction in which the secondary indexes are dropped
// and built again before the commit, one sort each instead of a random insertion per row (at a
// million requests, half the CPU time; docs/performance.md). Backup copies pages with
// SQLite's online backup API from one read snapshot, so writers in other processes are never
// blocked and never force a restart.
#include "store/transfer.hpp"

#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/history.hpp"
#include "slatrack/input.hpp"
#include "slatrack/text.hpp"
#include "store/schema.hpp"
#include "store/values.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <map>
#include <unordered_map>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sqlite3.h>
#include <unistd.h>

namespace slatrack::store {

namespace {

using sqlite::Statement;
using Use = sqlite::Statement::Use;

// ---- export ----

// ---- import ----

// The page cache of an import's connection (SQLite's default size). A bulk import appends to
// tables without secondary indexes, so a few pages suffice, and CREATE INDEX sorts in chunks of
// this size; batch by batch, a larger cache would not hold the random pages of the indexes of a
// database large next to the input anyway. Measured on 100k requests: 2 MiB is as fast as 8 MiB
// or faster, and the peak memory 10 MB lower (docs/performance.md).
constexpr int k_import_cache_kib = 2048;

// A boolean pragma set for the life of the object and given the other value after it (a failure
// then is ignored: the next connection starts with the default).
//
// ignore_check_constraints ON: the rows an import writes hold only values it made itself from
// enums (channel, priority, status, kinds, metrics, outcomes), so the schema's CHECK (... IN (...))
// constraints cannot fail; SQLite checks each with a temporary b-tree built for every statement
// run, a fifth of the cost of an insert. They are not checked during the import's INSERTs (PRAGMA
// integrity_check, run by `slatrack check`, still verifies them). The pragma expires prepared
// statements, which are prepared again on their next use.
//
// foreign_keys OFF: foreign keys are checked per row while enabled; a bulk import writes rows whose
// references it has just looked up or assigned itself, so it turns them off for its transaction
// (the pragma only works outside one) and back on afterwards. `slatrack check` verifies them.
class PragmaWhile {
public:
  PragmaWhile(sqlite::Database& db, std::string_view pragma, bool value, std::string_view operation)
      : m_db(db), m_restore(fmt::format("PRAGMA {} = {}", pragma, value ? "OFF" : "ON")) {
    m_db.exec(fmt::format("PRAGMA {} = {}", pragma, value ? "ON" : "OFF"), operation);
  }
  PragmaWhile(const PragmaWhile&) = delete;
  PragmaWhile& operator=(const PragmaWhile&) = delete;
  ~PragmaWhile() {
    static_cast<void>(sqlite3_exec(m_db.get(), m_restore.c_str(), nullptr, nullptr, nullptr));
  }

private:
  sqlite::Database& m_db;
  std::string m_restore;
};

// Import into a database file: look-ups through the store's cached statements, and the rows of a
// batch inserted with multi-row INSERTs (one statement run per 64 requests, 256 events or 256 clock
// runs), from values bound without copying.
class SqliteImportTarget final : public ImportTarget {
public:
  // `before_natural_lookup`, when set, runs before the first look-up of a request without ref by
  // client, subject and received time (a bulk import builds the index it needs then).
  SqliteImportTarget(sqlite::Database& db, const StatementSource& statements,
                     std::function<void()> before_natural_lookup = {})
      : m_db(db), m_statements(statements),
        m_before_natural_lookup(std::move(before_natural_lookup)) {}

  [[nodiscard]] std::string location() const override {
    return m_db.path();
  }

  std::int64_t last_request() override {
    Use use = statement("SELECT coalesce(max(id), 0) FROM requests").use();
    return use.step() ? use.integer(0) : 0;
  }

  std::optional<std::int64_t> request_with_ref(const std::string& ref) override {
    Use use = statement("SELECT id FROM requests WHERE ref = ?").use();
    use.bind(ref);
    return use.step() ? std::optional<std::int64_t>{use.integer(0)} : std::nullopt;
  }

  std::optional<std::int64_t> same_request(std::int64_t client_id, const std::string& subject,
                                           Instant received_at, std::int64_t before) override {
    if (m_before_natural_lookup) {
      m_before_natural_lookup();
      m_before_natural_lookup = nullptr;
    }
    // The unary + keep every index but requests_by_received out of the plan: without them SQLite
    // reads `ref IS NULL` through the ref index, every request without ref for each look-up.
    Use use = statement("SELECT id FROM requests WHERE received_at = ? AND +client_id = ? "
                        "AND +subject = ? AND +ref IS NULL AND +id < ? ORDER BY id LIMIT 1")
                  .use();
    use.bind(to_db(received_at)).bind(client_id).bind(subject).bind(before);
    return use.step() ? std::optional<std::int64_t>{use.integer(0)} : std::nullopt;
  }

  std::optional<ImportClient> find_client(const std::string& name) override {
    Use use = statement("SELECT id, name, policy_id, owner FROM clients WHERE name = ?").use();
    use.bind(name);
    if (!use.step()) {
      return std::nullopt;
    }
    return ImportClient{use.integer(0), use.text(1), use.integer(2), use.optional_text(3)};
  }

  std::optional<ImportPolicy> find_policy(std::string_view name) override {
    Use use = statement("SELECT id, name FROM policies WHERE name = ?").use();
    use.bind(name);
    if (!use.step()) {
      return std::nullopt;
    }
    return ImportPolicy{use.integer(0), use.text(1)};
  }

  std::vector<std::string> client_names() override {
    return names("SELECT name FROM clients ORDER BY name");
  }

  std::vector<std::string> policy_names() override {
    return names("SELECT name FROM policies ORDER BY name");
  }

  std::int64_t add_client(const std::string& name, std::int64_t policy_id, Instant now) override {
    Use use = statement("INSERT INTO clients (name, policy_id, created_at) VALUES (?, ?, ?)").use();
    use.bind(name).bind(policy_id).bind(to_db(now)).run();
    return m_db.last_insert_rowid();
  }

  // Inserts the rows of every request import() accepted. The rows were checked before: a
  // constraint that fails now is a bug, and the exception rolls the whole batch back. So the
  // multi-row statements need no statement journal (a copy of every page they change, to undo
  // one statement alone), which would cost more than the inserts: they FAIL rather than ABORT,
  // and foreign keys are checked at commit (or not at all in a bulk import).
  void write(const ImportRows& rows, Instant now) override {
    insert_chunked(
        R"sql(INSERT OR FAIL INTO requests (id, client_id, subject, channel, priority, assignee,
  ref, policy_id, created_at, status, received_at, replied_at, resolved_at, reply_due_at,
  update_due_at, resolve_due_at, next_due_at, next_metric, logged_assignee, voided_by,
  version_id) VALUES )sql",
        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows.requests, 64,
        [now](Use& use, const ImportedRequest& row) { bind_request(use, row, now); });
    insert_chunked(
        "INSERT OR FAIL INTO events (request_id, kind, at, author, text, recorded_at, "
        "number, recorder, target, voided_by) VALUES ",
        "(?,?,?,?,?,?,?,?,?,?)", rows.events, 256, [now](Use& use, const ImportedEvent& row) {
          use.bind(row.request_id)
              .bind_static(to_string(row.event->kind))
              .bind(to_db(row.event->at))
              .bind_static(row.event->author)
              .bind_static(row.event->text)
              .bind(to_db(row.event->recorded_at.value_or(now)))
              .bind(row.number)
              .bind_static(row.event->recorder ? *row.event->recorder : row.event->author)
              .bind(row.target)
              .bind(row.voided_by);
        });
    insert_chunked(
        "INSERT OR FAIL INTO clocks (request_id, seq, metric, start_at, due_at, stop_at, "
        "outcome, target_s, used_s, credit_s) VALUES ",
        "(?,?,?,?,?,?,?,?,?,?)", rows.clocks, 256, [](Use& use, const ImportedClock& row) {
          use.bind(row.request_id)
              .bind(row.seq)
              .bind_static(to_string(row.run->metric))
              .bind(to_db(row.run->start))
              .bind(to_db(row.run->due))
              .bind(to_db(row.run->stop))
              .bind_static(to_string(row.run->outcome))
              .bind(to_db(row.run->target))
              .bind(row.run->used.count())
              .bind(row.run->credit.count());
        });
  }

private:
  Statement& statement(std::string_view sql) {
    return m_statements(sql);
  }

  std::vector<std::string> names(std::string_view sql) {
    std::vector<std::string> out;
    Use use = statement(sql).use();
    while (use.step()) {
      out.push_back(use.text(0));
    }
    return out;
  }

  // Inserts `rows` with statements of `largest` rows, then of a quarter as many, down to one.
  template <typename Row, typename Bind>
  void insert_chunked(std::string_view head, std::string_view one, const std::vector<Row>& rows,
                      std::size_t largest, const Bind& bind) {
    std::size_t done = 0;
    for (std::size_t size = largest; size > 0; size /= 4) {
      while (rows.size() - done >= size) {
        std::string sql(head);
        sql.reserve(head.size() + size * (one.size() + 1));
        for (std::size_t i = 0; i < size; ++i) {
          if (i > 0) {
            sql += ',';
          }
          sql += one;
        }
        Use use = statement(sql).use();
        for (std::size_t i = done; i < done + size; ++i) {
          bind(use, rows[i]);
        }
        use.run();
        done += size;
      }
    }
  }

  static void bind_request(Use& use, const ImportedRequest& row, Instant now) {
    const Evaluation& evaluation = row.evaluation;
    const std::optional<NextDue> next = next_due(evaluation);
    use.bind(row.id)
        .bind(row.client_id)
        .bind_static(row.request->subject)
        .bind_static(to_string(row.request->channel))
        .bind_static(to_string(row.request->priority))
        .bind_static(row.assignee)
        .bind_static(row.request->ref)
        .bind(row.policy_id)
        .bind(to_db(now))
        .bind_static(to_string(evaluation.status))
        .bind(to_db(*evaluation.received_at))
        .bind(to_db(evaluation.replied_at))
        .bind(to_db(evaluation.resolved_at))
        .bind(to_db(evaluation.reply_due))
        .bind(to_db(evaluation.update_due))
        .bind(to_db(evaluation.resolve_due));
    if (next) {
      use.bind(to_db(next->due)).bind_static(to_string(next->metric));
    } else {
      use.bind(std::nullopt).bind(std::nullopt);
    }
    use.bind_static(row.logged_assignee).bind(row.voided_by).bind(row.version_id);
  }

  sqlite::Database& m_db;
  const StatementSource& m_statements;
  std::function<void()> m_before_natural_lookup;
};

// Sets up the connection for an import: a page cache of k_import_cache_kib, temporary data (the
// sorts that build indexes) in files rather than in memory, and malloc settings.
void prepare_for_import(sqlite::Database& db) {
  db.exec(fmt::format("PRAGMA cache_size = -{}", k_import_cache_kib),
          "setting the page cache for the import");
  db.exec("PRAGMA temp_store = FILE", "keeping temporary data in files for the import");
#ifdef __GLIBC__
  // SQLite allocates and frees blocks of some hundred KiB again and again (temporary b-trees of
  // statements, the sorter's chunks); with glibc's default thresholds every such free gave the
  // memory back to the kernel, two system calls each time. Keep up to 8 MiB of freed memory for
  // reuse instead.
  static_cast<void>(mallopt(M_TRIM_THRESHOLD, 8 << 20));
  static_cast<void>(mallopt(M_MMAP_THRESHOLD, 1 << 20));
#endif
}

// A secondary index dropped for a bulk import, built again from its own SQL at commit.
struct DroppedIndex {
  std::string name;
  std::string sql;
};

// The index a bulk import keeps (or builds as soon as it needs it): the look-up of a request
// without ref by client, subject and received time reads it.
constexpr std::string_view k_received_index = "requests_by_received";

// Store::start_bulk_import on SQLite: BEGIN IMMEDIATE, DROP INDEX of the secondary indexes of
// requests, events and clocks (not the UNIQUE ones, which reject duplicate refs), the batches,
// then CREATE INDEX from each index's own SQL and COMMIT. The DROPs are part of the transaction:
// a rollback, an exception or a crash (the uncommitted pages in the -wal are ignored when the
// database is opened next) brings the indexes back with everything else.
class SqliteBulkImport final : public BulkImport {
public:
  SqliteBulkImport(sqlite::Database& db, StatementSource statements, RulesSource rules,
                   const ImportOptions& options)
      : m_db(db), m_statements(std::move(statements)), m_rules(std::move(rules)),
        m_options(options),
        m_foreign_keys_off(db, "foreign_keys", false, "starting the bulk import"),
        m_transaction(db),
        m_checks_off(db, "ignore_check_constraints", true, "writing the imported rows"),
        m_target(db, m_statements, [this] { build_received_index(); }),
        m_importer(m_target, m_rules, m_options) {}

  // The requests already there (the highest number: deleted ones are not taken off).
  [[nodiscard]] std::int64_t existing_requests() const {
    return m_importer.next_id() - 1;
  }

  void drop_indexes() {
    {
      Use use = m_statements(R"sql(SELECT s.name, s.sql FROM sqlite_schema s
  JOIN pragma_index_list(s.tbl_name) l ON l.name = s.name
WHERE s.type = 'index' AND s.tbl_name IN ('requests', 'events', 'clocks')
  AND l."unique" = 0 AND l.origin = 'c' AND s.sql IS NOT NULL
ORDER BY s.rowid)sql")
                    .use();
      while (use.step()) {
        m_dropped.push_back(DroppedIndex{use.text(0), use.text(1)});
      }
    }
    for (const DroppedIndex& index : m_dropped) {
      std::string quoted;
      for (const char c : index.name) {
        quoted += c == '"' ? "\"\"" : std::string(1, c);
      }
      m_db.exec(fmt::format("DROP INDEX \"{}\"", quoted), "dropping indexes for the import");
    }
  }

  ImportResult add(std::span<const ImportRequest> batch) override {
    if (m_committed) {
      throw Error{ErrorKind::internal, "a bulk import was used after its commit"};
    }
    return m_importer.import_batch(batch);
  }

  void commit() override {
    for (const DroppedIndex& index : m_dropped) {
      m_db.exec(index.sql, "building the indexes after the import");
    }
    m_transaction.commit();
    m_committed = true;
  }

private:
  // Built now, so taken off the indexes the commit builds.
  void build_received_index() {
    std::erase_if(m_dropped, [this](const DroppedIndex& index) {
      if (index.name != k_received_index) {
        return false;
      }
      m_db.exec(index.sql, "building an index for the import");
      return true;
    });
  }

  sqlite::Database& m_db;
  StatementSource m_statements;
  RulesSource m_rules;
  ImportOptions m_options;
  PragmaWhile m_foreign_keys_off; // before the transaction: turned on again after its end
  sqlite::Transaction m_transaction;
  PragmaWhile m_checks_off;
  SqliteImportTarget m_target;
  Importer m_importer;
  std::vector<DroppedIndex> m_dropped;
  bool m_committed = false;
};

// ---- backup ----

// The pages copied per backup step: small enough to retry cheaply on a busy destination.
constexpr int k_backup_pages_per_step = 1024;

} // namespace

// Imports batches inside one write transaction: clients and policies are looked up once by
// lower-case name and kept (for one batch, or for all the batches of a bulk import); each request
// is checked and evaluated in memory, and the rows it adds are kept until the end of its batch,
// when the target writes them all at once.
class Importer::Impl {
public:
  Impl(ImportTarget& target, const RulesSource& rules, const ImportOptions& options)
      : m_target(target), m_rules(rules), m_options(options) {
    m_next_id = m_target.last_request() + 1;
    m_first_new_id = options.first_new_id > 0 ? options.first_new_id : m_next_id;
  }

  // The number the next request gets.
  [[nodiscard]] std::int64_t next_id() const {
    return m_next_id;
  }

  // Checks, evaluates and writes `batch` (see Store::import_requests).
  ImportResult import_batch(std::span<const ImportRequest> batch) {
    ImportResult result;
    result.first_id = m_next_id;
    result.outcomes.reserve(batch.size());
    m_rows.requests.reserve(batch.size());
    std::size_t events = 0;
    for (const ImportRequest& request : batch) {
      events += request.events.size();
    }
    m_rows.events.reserve(events);
    for (const ImportRequest& request : batch) {
      result.outcomes.push_back(import(request, result));
    }
    m_target.write(m_rows, m_options.now);
    m_rows.requests.clear();
    m_rows.events.clear();
    m_rows.clocks.clear();
    m_batch_refs.clear();
    return result;
  }

private:
  // Checks `request` and, when it is new, keeps its rows for the target's write. `request` must
  // outlive it.
  ImportOutcome import(const ImportRequest& request, ImportResult& result) {
    if (const std::optional<std::string> problem = check(request)) {
      return refused(*problem);
    }
    if (request.ref) {
      if (const std::optional<std::int64_t> existing = by_ref(*request.ref)) {
        return ImportOutcome{ImportStatus::skipped, RequestId{*existing}, {}};
      }
    }
    const std::optional<ImportClient> client = find_client(request.client);
    if (!client && !m_options.create_clients) {
      return refused(fmt::format("no client \"{}\"{}; add it with: slatrack client add {}, or "
                                 "import with --create-clients",
                                 request.client, did_you_mean(request.client, client_names()),
                                 shell_word(request.client)));
    }
    if (!client) {
      // A client made here is checked as `client add` checks it.
      if (std::optional<std::string> problem = name_problem("client name", request.client)) {
        return refused(*problem);
      }
    }
    std::int64_t policy_id = 0;
    if (request.policy) {
      const std::optional<ImportPolicy> policy = find_policy(*request.policy);
      if (!policy) {
        return refused(fmt::format("no SLA policy \"{}\"{}; add it with: slatrack sla add {} "
                                   "--reply DUR",
                                   *request.policy, did_you_mean(*request.policy, policy_names()),
                                   shell_word(*request.policy)));
      }
      policy_id = policy->id;
    } else if (client) {
      policy_id = client->policy_id;
    } else {
      const std::optional<ImportPolicy> fallback = find_policy(k_default_policy);
      if (!fallback) {
        throw Error{ErrorKind::storage,
                    fmt::format("the built-in SLA policy \"default\" is missing from {}",
                                m_target.location())};
      }
      policy_id = fallback->id;
    }

    if (const std::optional<std::string> problem = number_events(request)) {
      return refused(*problem);
    }
    Instant earliest = request.events.empty() ? m_options.now : request.events.front().at;
    for (const ImportEvent& event : request.events) {
      if (event.kind == EventKind::message) {
        earliest = std::min(earliest, event.at);
      }
    }
    VersionedHistory versioned =
        evaluate_versioned(m_events, request.priority, policy_id, earliest, m_rules);
    HistoryEvaluation& history = versioned.history;
    Evaluation& evaluation = history.evaluation;
    if (!evaluation.received_at) {
      return refused("a request needs its first message (an event of kind message)");
    }
    // A numbered history (an export) is taken as recorded: a void or a merge can leave events
    // without effect there.
    if (!evaluation.rejections.empty() && !m_numbered) {
      // Like the event commands: every event must be able to happen where it falls in time.
      const Rejection& first = evaluation.rejections.front();
      const ImportEvent& event = request.events[static_cast<std::size_t>(first.seq - 1)];
      return refused(fmt::format("the {} at {} cannot be: {}; fix its time or leave it out",
                                 to_string(event.kind), iso(event.at), describe(first.conflict)));
    }
    if (!request.ref && client) {
      if (const std::optional<std::int64_t> existing = m_target.same_request(
              client->id, request.subject, *evaluation.received_at, m_first_new_id)) {
        return ImportOutcome{ImportStatus::skipped, RequestId{*existing}, {}};
      }
    }

    const ImportClient owner = client ? *client : add_client(request.client, policy_id, result);
    std::optional<std::string> assignee =
        request.assignee ? non_empty(*request.assignee) : owner.owner;
    std::optional<std::string> logged_assignee = assignee;
    const ImportEvent* last_assign = nullptr;
    for (std::size_t i = 0; i < request.events.size(); ++i) {
      const ImportEvent& event = request.events[i];
      if (event.kind == EventKind::assign && !history.marks.voided_by(m_events[i].number)
          && (last_assign == nullptr || event.at >= last_assign->at)) {
        last_assign = &event;
      }
    }
    if (last_assign != nullptr) {
      assignee = last_assign->text;
    }
    const std::int64_t id = m_next_id++;
    if (request.ref) {
      m_batch_refs.emplace(*request.ref, id);
    }
    for (std::size_t i = 0; i < request.events.size(); ++i) {
      const std::int64_t number = m_events[i].number;
      m_rows.events.push_back(ImportedEvent{id, &request.events[i], number,
                                            history.marks.voided_by(number), m_events[i].target});
    }
    // The clock rows point into the row's evaluation: the runs' buffer stays where it is (a row
    // moved by the vector takes the buffer along).
    const ImportedRequest& row = m_rows.requests.emplace_back(ImportedRequest{
        id, &request, owner.id, policy_id, versioned.rules.version_id, std::move(assignee),
        std::move(logged_assignee), history.marks.request, std::move(evaluation)});
    std::int64_t clock_seq = 0;
    for (const ClockRun& run : row.evaluation.clocks) {
      m_rows.clocks.push_back(ImportedClock{id, ++clock_seq, &run});
    }
    return ImportOutcome{ImportStatus::added, RequestId{id}, {}};
  }

  // Fills m_events from `request`'s events in entry order, with their numbers: as given, or the
  // earliest message 1 and the others in entry order. Returns what is wrong with them.
  std::optional<std::string> number_events(const ImportRequest& request) {
    m_events.clear();
    std::size_t numbered = 0;
    for (const ImportEvent& event : request.events) {
      numbered += event.number ? std::size_t{1} : std::size_t{0};
    }
    if (numbered != 0 && numbered != request.events.size()) {
      return "some events have a number and some do not; give every event its number or none";
    }
    m_numbered = numbered != 0;
    std::optional<std::size_t> first;
    for (std::size_t i = 0; i < request.events.size(); ++i) {
      const ImportEvent& event = request.events[i];
      if (event.kind == EventKind::message && (!first || event.at < request.events[*first].at)) {
        first = i;
      }
    }
    if (!first) {
      return "a request needs its first message (an event of kind message)";
    }
    std::int64_t next = 2;
    std::int64_t seq = 0;
    for (std::size_t i = 0; i < request.events.size(); ++i) {
      const ImportEvent& event = request.events[i];
      const std::int64_t number = m_numbered ? *event.number : (first == i ? 1 : next++);
      m_events.push_back(RecordedEvent{event.kind, event.at, ++seq, number, event.target});
    }
    std::vector<bool> seen(request.events.size() + 1, false);
    for (const RecordedEvent& event : m_events) {
      const auto index = static_cast<std::size_t>(event.number);
      if (event.number < 1 || index > request.events.size() || seen[index]) {
        return fmt::format("event number {} is not one of 1 to {} given once each", event.number,
                           request.events.size());
      }
      seen[index] = true;
      if (event.number == 1 && event.kind != EventKind::message) {
        return fmt::format("event 1 is a {}; event 1 is the request's first message",
                           to_string(event.kind));
      }
      if (marks_events(event.kind) != event.target.has_value()) {
        return marks_events(event.kind)
                   ? fmt::format("the {} at {} needs its target: the number of the event it "
                                 "marks, or 0 for the request",
                                 to_string(event.kind), iso(event.at))
                   : fmt::format("the {} at {} has a target; only void and unvoid have one",
                                 to_string(event.kind), iso(event.at));
      }
      if (event.target && (*event.target < 0 || *event.target >= event.number)) {
        return fmt::format("the {} numbered {} marks event {}: it can only mark an earlier event, "
                           "or 0 for the request",
                           to_string(event.kind), event.number, *event.target);
      }
    }
    return std::nullopt;
  }

  static ImportOutcome refused(std::string reason) {
    return ImportOutcome{ImportStatus::refused, RequestId{}, std::move(reason)};
  }

  // What can be refused without reading the database.
  std::optional<std::string> check(const ImportRequest& request) const {
    if (blank(request.client)) {
      return "a request needs a client";
    }
    if (blank(request.subject)) {
      return "a request needs a subject";
    }
    if (request.ref && request.ref->empty()) {
      return "an empty ref; leave the ref out (null) or give one";
    }
    if (request.events.empty()) {
      return "a request needs its first message (an event of kind message)";
    }
    for (const ImportEvent& event : request.events) {
      if (event.at > m_options.now) {
        return fmt::format("the {} at {} is later than now ({}): an event cannot be in the future",
                           to_string(event.kind), iso(event.at), iso(m_options.now));
      }
      if (event.kind == EventKind::assign && (!event.text || blank(*event.text))) {
        return fmt::format("the assign at {} needs the new assignee as its text", iso(event.at));
      }
    }
    return std::nullopt;
  }

  std::optional<std::int64_t> by_ref(const std::string& ref) {
    if (const auto found = m_batch_refs.find(ref); found != m_batch_refs.end()) {
      return found->second;
    }
    return m_target.request_with_ref(ref);
  }

  std::optional<ImportClient> find_client(const std::string& name) {
    const std::string key = to_lower(name);
    if (const auto found = m_clients.find(key); found != m_clients.end()) {
      return found->second;
    }
    std::optional<ImportClient> info = m_target.find_client(name);
    m_clients.emplace(key, info);
    return info;
  }

  std::optional<ImportPolicy> find_policy(std::string_view name) {
    const std::string key = to_lower(name);
    if (const auto found = m_policies.find(key); found != m_policies.end()) {
      return found->second;
    }
    std::optional<ImportPolicy> info = m_target.find_policy(name);
    m_policies.emplace(key, info);
    return info;
  }

  const std::vector<std::string>& client_names() {
    if (!m_client_names) {
      m_client_names = m_target.client_names();
    }
    return *m_client_names;
  }

  const std::vector<std::string>& policy_names() {
    if (!m_policy_names) {
      m_policy_names = m_target.policy_names();
    }
    return *m_policy_names;
  }

  ImportClient add_client(const std::string& name, std::int64_t policy_id, ImportResult& result) {
    ImportClient info{m_target.add_client(name, policy_id, m_options.now), name, policy_id,
                      std::nullopt};
    m_clients[to_lower(name)] = info;
    m_client_names.reset();
    result.created_clients.push_back(name);
    return info;
  }

  ImportTarget& m_target;
  const RulesSource& m_rules;
  const ImportOptions& m_options;
  std::int64_t m_next_id = 1;
  std::int64_t m_first_new_id = 1;
  bool m_numbered = false; // the request being imported came with its event numbers
  std::map<std::string, std::optional<ImportClient>, std::less<>> m_clients;
  std::map<std::string, std::optional<ImportPolicy>, std::less<>> m_policies;
  std::optional<std::vector<std::string>> m_client_names;
  std::optional<std::vector<std::string>> m_policy_names;
  std::vector<RecordedEvent> m_events;
  std::unordered_map<std::string, std::int64_t> m_batch_refs;
  ImportRows m_rows;
};

Importer::Importer(ImportTarget& target, const RulesSource& rules, const ImportOptions& options)
    : m_impl(std::make_unique<Impl>(target, rules, options)) {}

Importer::~Importer() = default;

std::int64_t Importer::next_id() const {
  return m_impl->next_id();
}

ImportResult Importer::import_batch(std::span<const ImportRequest> batch) {
  return m_impl->import_batch(batch);
}

void remove_backup(const std::string& path) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    static_cast<void>(::unlink((path + suffix).c_str()));
  }
}

void create_backup_file(const std::string& path) {
  if (path.empty()) {
    throw Error{ErrorKind::invalid_input, "no backup file given; name a new file"};
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    const int error = errno;
    if (error == EEXIST) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("{} exists; a backup never overwrites a file: remove it first or "
                              "name a new file",
                              path)};
    }
    throw Error{ErrorKind::storage,
                fmt::format("cannot create {}: {}; check the directory's permissions or name "
                            "another file",
                            path, std::strerror(error))};
  }
  ::close(fd);
}

VersionedHistory evaluate_versioned(std::span<const RecordedEvent> events, Priority priority,
                                    std::int64_t policy_id, Instant received,
                                    const RulesSource& rules) {
  VersionedHistory out;
  out.rules = rules(policy_id, received);
  out.history =
      evaluate_history(events, targets_for(*out.rules.version, priority), *out.rules.clock);
  const std::optional<Instant> found = out.history.evaluation.received_at;
  if (found && *found != received) {
    const PolicyRules then = rules(policy_id, *found);
    if (then.version_id != out.rules.version_id) {
      out.rules = then;
      out.history = evaluate_history(events, targets_for(*then.version, priority), *then.clock);
    }
  }
  return out;
}

void export_requests(const StatementSource& statements, const RulesSource& rules,
                     void (*read_request)(const Use&, Request&),
                     const std::function<void(const RequestDetail&)>& visit) {
  std::string request_sql(k_request_select);
  request_sql.insert(request_sql.find("\nFROM"), ", r.policy_id, r.voided_by, r.received_at");
  request_sql += "ORDER BY r.id";
  Use requests = statements(request_sql).use();
  Use events =
      statements(fmt::format("SELECT request_id, {} FROM events ORDER BY request_id, at, id",
                             k_event_columns))
          .use();
  Use clocks = statements("SELECT request_id, metric, start_at, due_at, stop_at, outcome, "
                          "target_s, used_s, credit_s FROM clocks ORDER BY request_id, seq")
                   .use();
  bool event_ready = events.step();
  bool clock_ready = clocks.step();
  // One RequestDetail for every request, read into: its strings keep their memory from one
  // request to the next, and the events a request has fewer of than the last wait in `spare`.
  RequestDetail detail;
  std::vector<Event> spare;
  while (requests.step()) {
    read_request(requests, detail.request);
    const std::int64_t id = detail.request.id.value;
    const PolicyRules policy = rules(requests.integer(k_request_columns),
                                     Instant{Seconds{requests.integer(k_request_columns + 2)}});
    detail.targets = targets_for(*policy.version, detail.request.priority);
    detail.voided_by = requests.optional_integer(k_request_columns + 1);
    std::size_t event_count = 0;
    detail.clocks.clear();
    while (event_ready && events.integer(0) <= id) {
      if (events.integer(0) == id) {
        if (event_count == detail.events.size()) {
          if (spare.empty()) {
            detail.events.emplace_back();
          } else {
            detail.events.push_back(std::move(spare.back()));
            spare.pop_back();
          }
        }
        read_event(events, 1, detail.events[event_count]);
        ++event_count;
      }
      event_ready = events.step();
    }
    while (detail.events.size() > event_count) {
      spare.push_back(std::move(detail.events.back()));
      detail.events.pop_back();
    }
    while (clock_ready && clocks.integer(0) <= id) {
      if (clocks.integer(0) == id) {
        detail.clocks.push_back(read_clock(clocks, 1));
      }
      clock_ready = clocks.step();
    }
    visit(detail);
  }
}

ImportResult import_requests(sqlite::Database& db, const StatementSource& statements,
                             const RulesSource& rules, std::span<const ImportRequest> batch,
                             const ImportOptions& options) {
  prepare_for_import(db);
  db.exec("PRAGMA defer_foreign_keys = ON", "deferring foreign key checks to the commit");
  const PragmaWhile checks_off(db, "ignore_check_constraints", true, "writing the imported rows");
  SqliteImportTarget target(db, statements);
  return Importer(target, rules, options).import_batch(batch);
}

std::unique_ptr<BulkImport> start_bulk_import(sqlite::Database& db, StatementSource statements,
                                              RulesSource rules, std::int64_t expected,
                                              const ImportOptions& options) {
  if (!db.autocommit()) {
    return nullptr; // inside Store::transaction: its batches are savepoints of that transaction
  }
  prepare_for_import(db);
  auto bulk =
      std::make_unique<SqliteBulkImport>(db, std::move(statements), std::move(rules), options);
  if (bulk->existing_requests() >= expected) {
    return nullptr; // rolled back: nothing was changed
  }
  bulk->drop_indexes();
  return bulk;
}

void backup_database(sqlite::Database& source, const std::string& path) {
  create_backup_file(path);
  try {
    sqlite::Database target(path,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE);
    // One read snapshot of the source for the whole copy: other processes go on writing to the
    // write-ahead log meanwhile, and the backup never sees (or restarts for) their changes.
    sqlite::Transaction snapshot(source, sqlite::Transaction::Mode::deferred);
    source.exec("SELECT count(*) FROM sqlite_schema", "starting a read for the backup");
    sqlite3_backup* backup = sqlite3_backup_init(target.get(), "main", source.get(), "main");
    if (backup == nullptr) {
      target.fail("starting the backup", sqlite3_errcode(target.get()));
    }
    int rc = SQLITE_OK;
    int waited_ms = 0;
    constexpr int wait_ms = 20;
    while (true) {
      rc = sqlite3_backup_step(backup, k_backup_pages_per_step);
      if (rc == SQLITE_DONE) {
        break;
      }
      const int primary = rc & 0xff;
      if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
        if (waited_ms >= sqlite::k_busy_timeout_ms) {
          break;
        }
        sqlite3_sleep(wait_ms);
        waited_ms += wait_ms;
        continue;
      }
      if (rc != SQLITE_OK) {
        break;
      }
    }
    const int finish = sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      target.fail("copying the database", rc);
    }
    if (finish != SQLITE_OK) {
      target.fail("finishing the backup", finish);
    }
    snapshot.commit();
  } catch (...) {
    remove_backup(path);
    throw;
  }
}

} // namespace slatrack::store
