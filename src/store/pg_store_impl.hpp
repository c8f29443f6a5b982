// Why this file: the team database's store class, private to the files that define its members,
// one concern each: pg_store.cpp (opening, transactions, the shared look-ups and helpers),
// pg_store_rules.cpp (calendars, policies and clients), pg_store_requests.cpp (requests and their
// events written, void, undo and merge, and the rows re-evaluation reads and writes),
// pg_store_reads.cpp (a request's detail, lists, search, overdue, report and statement) and
// pg_store_transfer.cpp (mail in, export, import, backup, copy and check). The rest of slatrack
// sees only open_pg_store (store/pg_store.hpp).
//
// The team database's Store (docs/teams.md): the same domain operations as the SQLite store
// (sqlite_store_impl.hpp) over libpq (store/pg.hpp). Every write is one transaction that first
// takes the write lock (pg::Transaction), so writers take turns as on SQLite and numbers have no
// gaps; reads run in one REPEATABLE READ snapshot. Operations are moving in one by one: one that is
// not here yet fails with one line (exit 3) and writes nothing, never a wrong answer;
// docs/teams.md lists what works.
#pragma once

#include "slatrack/address.hpp"
#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/history.hpp"
#include "slatrack/model.hpp"
#include "slatrack/request_rules.hpp"
#include "slatrack/rule_checks.hpp"
#include "slatrack/store.hpp"
#include "slatrack/text.hpp"
#include "store/check_compare.hpp"
#include "store/pg.hpp"
#include "store/pg_report.hpp"
#include "store/pg_schema.hpp"
#include "store/reevaluation.hpp"
#include "store/request_writes.hpp"
#include "store/rule_rows.hpp"
#include "store/schema.hpp"
#include "store/search_words.hpp"
#include "store/sqlite.hpp"
#include "store/tables.hpp"
#include "store/transfer.hpp"
#include "store/values.hpp"
#include "system/zone_files.hpp"

#include <algorithm>
#include <array>
#include <date/date.h>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace slatrack::pg_store {

using store::blank;
using store::CalendarRow;
using store::check_field;
using store::check_name;
using store::checked_addresses;
using store::ClientRow;
using store::ClockRow;
using store::Derived;
using store::from_db;
using store::iso;
using store::LoadedPolicy;
using store::non_empty;
using store::PolicyRow;
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

// A Request from the columns of store::k_request_select in row `row`.
Request read_request(const pg::Result& rows, int row);

// An event from the columns store::k_event_columns of row `row`, from column `first` on.
Event read_event(const pg::Result& rows, int row, int first = 0);

// A clock run from the columns metric, start_at, due_at, stop_at, outcome, target_s, used_s,
// credit_s of row `row`, from column `first` on.
ClockRun read_clock(const pg::Result& rows, int row, int first);

// How many requests export reads per page.
inline constexpr std::int64_t k_export_page = 1000;

// The Store on a team database (see above); its members are defined in the files this one
// names.
class PgStore final : public Store, private store::RequestWrites {
public:
  PgStore(const std::string& url, OpenMode mode) : m_db(store::open_pg_database(url, mode)) {}

  [[nodiscard]] std::string location() const override;
  [[nodiscard]] int schema_version() override;
  void transaction(const std::function<void()>& body, bool commit) override;

  // ---- calendars ----

  [[nodiscard]] std::vector<Calendar> calendars() override;
  [[nodiscard]] std::optional<Calendar> find_calendar(std::string_view name) override;
  void add_calendar(const CalendarRules& rules) override;
  RuleEffect change_calendar(std::string_view name, const CalendarChange& change) override;
  RuleEffect add_holidays(std::string_view name, const std::vector<Holiday>& days) override;
  RuleEffect remove_holidays(std::string_view name, const std::vector<Holiday>& days) override;
  void remove_calendar(std::string_view name) override;

  // ---- SLA policies ----

  [[nodiscard]] std::vector<Policy> policies() override;
  [[nodiscard]] std::optional<Policy> find_policy(std::string_view name) override;
  void add_policy(const Policy& policy) override;
  RuleEffect change_policy(std::string_view name, const PolicyChange& change) override;
  void remove_policy(std::string_view name) override;

  // ---- clients ----

  [[nodiscard]] std::vector<Client> clients() override;
  [[nodiscard]] std::optional<Client> find_client(std::string_view name) override;
  [[nodiscard]] std::optional<std::string> client_named(std::string_view name) override;
  void add_client(const NewClient& client) override;
  RuleEffect change_client(std::string_view name, const ClientChange& change) override;
  void remove_client(std::string_view name) override;

  // ---- mail in (not on a team database yet: docs/teams.md) ----

  // ---- mail in: the facts `mail` decides on (as on a file) ----

  [[nodiscard]] bool message_recorded(std::string_view message_id) override;

  [[nodiscard]] std::optional<RequestId>
  request_for_messages(std::span<const std::string> message_ids) override;
  [[nodiscard]] std::optional<std::string> client_for_address(std::string_view address) override;
  void record_message(std::string_view message_id, RequestId request) override;
  [[nodiscard]] bool request_counts(RequestId id) override;

  // The request `message_id` was recorded on by `mail`, or whose ref it is.
  std::optional<std::int64_t> message_request(std::string_view message_id);
  bool request_counts_row(std::int64_t id);

  // ---- requests ----

  LogResult log_request(const NewRequest& request) override;
  Request add_event(const NewEvent& event) override;
  Request edit_request(const RequestEdit& edit) override;

  // ---- void, unvoid, undo, merge ----

  RequestDetail void_event(const VoidChange& change) override;
  UndoResult undo(const UndoChange& change) override;
  RequestDetail merge(const MergeChange& change) override;
  [[nodiscard]] std::optional<SameSubject> same_subject(std::string_view client,
                                                        std::string_view subject, Instant since,
                                                        RequestId except) override;
  [[nodiscard]] std::optional<Request> find_request(RequestId id) override;
  [[nodiscard]] RequestDetail request_detail(RequestId id) override;
  [[nodiscard]] std::vector<Request> list_requests(const RequestFilter& filter) override;

  // The numbers of the requests of `where` (the filters of each_request, with `params`) that have
  // every word of `words` (SPEC.md, list --search) in their subject or ref, or in one of their
  // events' text: matched here by SQLite's own tokenizer (store/search_words.hpp), as a database
  // file's FTS5 index matches them, whatever the server's collation. Sorted.
  std::vector<std::int64_t> search_hits(const std::vector<std::string>& words,
                                        std::string_view where,
                                        const std::vector<pg::Value>& params);

  // The requests of `filter`, read whole and ordered here (a team's database is read over the
  // network: one statement; the SQLite store streams per calendar instead).
  void each_request(const RequestFilter& filter,
                    const std::function<void(const Request&)>& visit) override;
  [[nodiscard]] std::vector<OverdueItem> overdue(const OverdueQuery& query) override;
  void each_overdue(const OverdueQuery& query,
                    const std::function<void(const OverdueItem&)>& visit) override;

  // ---- reports, transfer, check ----

  // One read snapshot; the readings and the aggregation are in pg_report.cpp.
  [[nodiscard]] std::vector<ReportRow> report(const ReportQuery& query) override;
  // The same rows as on SQLite (sqlite_store.cpp says why these and no more), in one snapshot.
  [[nodiscard]] StatementInput statement_input(std::string_view client_name, Instant from,
                                               Instant to, Instant now) override;
  // Every request by number with its events and clock runs, in pages of k_export_page requests
  // (three statements a page) in one snapshot: memory does not grow with the database.
  void export_requests(const std::function<void(const RequestDetail&)>& visit) override;
  ImportResult import_requests(std::span<const ImportRequest> batch,
                               const ImportOptions& options) override;
  // Inside Store::transaction its batches are savepoints of that transaction: none then.
  std::unique_ptr<BulkImport> start_bulk_import(std::int64_t expected,
                                                const ImportOptions& options) override;
  // A new SQLite file (mode 0600) of the same schema version holding every row of the team
  // database, read in one REPEATABLE READ snapshot (others go on writing meanwhile): what
  // `backup` of a file gives, opened by slatrack as a database file. Nothing is left behind when
  // it fails.
  void backup(const std::string& path) override;
  // `copy DEST`: every table read in one REPEATABLE READ snapshot (store/tables.hpp).
  CopyResult copy_to(const std::string& dest) override;
  // The server keeps its own pages and foreign keys whole; what check verifies here is the
  // derived state of every request against a fresh evaluation of its events (as on a file, the
  // same lines), one request at a time in one snapshot.
  CheckReport check(const std::function<void(const std::string&)>& problem) override;

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
                     const std::vector<std::string>& values);
  static Client read_client(const pg::Result& rows, int row);
  std::vector<std::int64_t> ids(std::string_view sql, const std::vector<pg::Value>& params);
  std::vector<std::string> texts(std::string_view sql, const std::vector<pg::Value>& params,
                                 int column = 0);
  std::int64_t count(std::string_view sql, std::int64_t parameter);

  // ---- lookups by name (store/rule_rows.hpp; ignoring ASCII case, as SQLite's NOCASE: fold(),
  // names in that order) ----

  std::optional<CalendarRow> stored_calendar_row(std::string_view name) override;
  std::optional<PolicyRow> stored_policy_row(std::string_view name) override;
  std::optional<ClientRow> stored_client_row(std::string_view name) override;
  std::vector<std::string> calendar_names() override;
  std::vector<std::string> policy_names() override;
  std::vector<std::string> client_names() override;

  // ---- calendars and policies by id ----

  Calendar load_calendar(std::int64_t id) override;
  // A calendar's rows as stored.
  struct StoredCalendarRow {
    std::int64_t id = 0;
    StoredCalendar stored;
    bool builtin = false;
  };
  // The calendars from the results of the three statements of calendar_reads
  // (pg_store_rules.cpp), `read` pointing at the first: in the order of the first.
  static std::vector<StoredCalendarRow> stored_calendars(const pg::Result* read);
  LoadedPolicy load_policy(std::int64_t id) override;
  // The policy and the calendars of its versions in one round trip.
  LoadedPolicy load_policy_rules(std::int64_t id, RulesCache& rules) override;
  // The statements that read policy `policy` (an SQL expression of its id, "$1" or a subquery):
  // the policy, its versions (oldest first: the first, from the beginning of time, NULL, sorts
  // first) and the targets of every version.
  static std::array<std::string, 3> policy_reads(std::string_view policy);
  // Policy `id` from the results of policy_reads, `read` pointing at the first.
  LoadedPolicy read_policy(std::int64_t id, const pg::Result* read) const;

  void put_holiday(std::int64_t calendar_id, const Holiday& day);

  // Writes `version` of policy `policy_id` on calendar `calendar_id`: in place when it has an
  // id (its requests keep it), else as a new version.
  void put_version(std::int64_t policy_id, std::int64_t calendar_id, const PolicyVersion& version);
  void put_targets(std::int64_t version_id, std::string_view priority,
                   std::optional<std::int64_t> reply, std::optional<std::int64_t> update,
                   std::optional<std::int64_t> resolve);

  // ---- requests by id, events and derived state ----

  Request load_request(RequestId id) override;
  // load_request(id), then `write` committed, in one round trip: for the request a write has
  // just written (it is there).
  Request commit_with_request(pg::Transaction& write, RequestId id);
  // Request `id` with its events, clock runs and targets, in one round trip; with `commit`, that
  // transaction committed in the same round trip.
  RequestDetail detail(RequestId id, pg::Transaction* commit);
  RequestDetail detail(RequestId id) override {
    return detail(id, nullptr);
  }

  // store/request_writes.hpp's rows. insert_event takes the next id and the next number of its
  // request (under the write lock: no gaps, no duplicates).
  Inserted insert_event(RequestId id, EventKind kind, Instant at, std::string_view author,
                        const std::optional<std::string>& text, Instant now,
                        std::string_view recorder,
                        std::optional<std::int64_t> target = std::nullopt,
                        std::optional<std::int64_t> merged_from = std::nullopt) override;
  std::optional<std::optional<std::int64_t>> request_void(RequestId id) override;
  std::optional<store::EditRow> edit_row(RequestId id) override;
  std::optional<std::int64_t> request_by_ref(std::string_view ref) override;
  void write_edit(RequestId id, std::int64_t client_id, std::int64_t policy_id,
                  const EditedFields& after) override;
  void write_assignee(RequestId id, const std::optional<std::string>& assignee) override;
  std::optional<Event> numbered_event(RequestId id, std::int64_t number) override;
  std::vector<Event> request_events(RequestId id) override;
  void each_recorded(const std::string& recorder,
                     const std::function<bool(RequestId, Event&&, bool merged)>& visit) override;
  std::vector<std::pair<std::int64_t, std::int64_t>> merged_copies(std::int64_t id,
                                                                   bool voids) override;

  // The assignee is the latest assignment that counts, else what the request was logged with.
  void update_assignee(std::int64_t id) override;
  std::vector<ClockRow> stored_clocks(std::int64_t id);
  // The clock runs of request $1 as stored_clocks reads them, and its rows read.
  static constexpr std::string_view k_stored_clocks =
      "SELECT metric, start_at, due_at, stop_at, outcome, target_s, used_s, credit_s FROM clocks "
      "WHERE request_id = $1 ORDER BY seq";
  static std::vector<ClockRow> clock_rows(const pg::Result& rows);

  // ---- re-evaluation's rows (store/reevaluation.hpp) ----

  [[nodiscard]] std::string database_name() const override;

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
  class Rows;

  class Cursor;

  // The selection's condition on a request id column, with its parameters ($1 the request, policy
  // or calendar id, $2 from, $3 until; as store::selection_queries on SQLite).
  static Selected selected_ids(const RequestSelection& selection);
  std::unique_ptr<store::RequestCursor> read_requests(const RequestSelection& selection) override;
  void write_void_mark(std::int64_t event_id, std::optional<std::int64_t> voided_by) override;
  void write_derived(std::int64_t id, const Derived& /*old*/, const Derived& now) override;
  void update_clock(std::int64_t id, std::int64_t seq, const ClockRow& /*old*/,
                    const ClockRow& row) override;
  void insert_clock(std::int64_t id, std::int64_t seq, const ClockRow& row) override;
  void delete_clocks_after(std::int64_t id, std::int64_t last) override;
  // A request's writes above are held in m_writes and sent in one round trip (pg::pipeline).
  void flush_writes() override;
  void discard_writes() noexcept override;

  // Re-evaluates every request whose policy has a version on calendar `calendar_id`.
  RuleEffect reevaluate_calendar(std::int64_t calendar_id);

  pg::Connection m_db;
  std::int64_t m_cursors = 0;          // cursors declared, for their names
  std::vector<pg::Statement> m_writes; // a re-evaluation's writes not sent yet (flush_writes)
};

} // namespace slatrack::pg_store
