// Why this file: the SQLite store's class, private to the files that define its members, one
// concern each: sqlite_store.cpp (opening, transactions, the shared look-ups and helpers),
// sqlite_store_rules.cpp (calendars, policies and clients), sqlite_store_requests.cpp (requests
// and their events written, void, undo and merge, and the rows re-evaluation writes),
// sqlite_store_reads.cpp (a request's detail, lists, search, overdue, report and statement) and
// sqlite_store_transfer.cpp (mail in, export, import, backup, copy and check). The rest of
// slatrack sees only open_sqlite_store (store/sqlite_store.hpp).
//
// The Store on SQLite: each public operation is one transaction (BEGIN IMMEDIATE when it writes, a
// deferred BEGIN when it only reads), built from private helpers that never open transactions
// themselves. Derived request state (status, due times, clock runs) is recomputed with evaluate()
// inside the same transaction as the change that affects it, so what is stored always equals
// evaluate() of the events under the current rules. Statements are prepared once per Store and
// cached by their SQL text.
#pragma once

#include "slatrack/address.hpp"
#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/history.hpp"
#include "slatrack/input.hpp"
#include "slatrack/model.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/request_rules.hpp"
#include "slatrack/rule_checks.hpp"
#include "slatrack/store.hpp"
#include "slatrack/text.hpp"
#include "store/reevaluation.hpp"
#include "store/request_writes.hpp"
#include "store/rule_rows.hpp"
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

namespace slatrack::sqlite_store {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;
using Use = sqlite::Statement::Use;
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
using store::k_request_columns;
using store::k_request_select;
using store::LoadedPolicy;
using store::non_empty;
using store::PolicyRow;
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

// The Request of a row of k_request_select's columns.
Request read_request(const Use& row);
// The same into `out`, every field set, its strings' memory used again (export reads millions).
void read_request(const Use& row, Request& out);

// The Store on SQLite (see above); its members are defined in the files this one names.
class SqliteStore final : public Store, private store::RequestWrites {
public:
  SqliteStore(const std::string& path, OpenMode mode) : m_db(store::open_database(path, mode)) {}

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

  // ---- policies ----

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

  // ---- mail in ----

  [[nodiscard]] bool message_recorded(std::string_view message_id) override;

  [[nodiscard]] std::optional<RequestId>
  request_for_messages(std::span<const std::string> message_ids) override;
  [[nodiscard]] std::optional<std::string> client_for_address(std::string_view address) override;
  void record_message(std::string_view message_id, RequestId request) override;
  [[nodiscard]] bool request_counts(RequestId id) override;

  // The request a message id was recorded on (mail_messages, else a request's ref).
  std::optional<std::int64_t> message_request(std::string_view message_id);
  bool request_counts_row(std::int64_t id);

  // ---- requests ----

  LogResult log_request(const NewRequest& request) override;
  Request add_event(const NewEvent& event) override;
  Request edit_request(const RequestEdit& edit) override;
  [[nodiscard]] std::optional<Request> find_request(RequestId id) override;
  [[nodiscard]] RequestDetail request_detail(RequestId id) override;

  // ---- void, unvoid, undo, merge ----

  RequestDetail void_event(const VoidChange& change) override;
  UndoResult undo(const UndoChange& change) override;
  RequestDetail merge(const MergeChange& change) override;
  [[nodiscard]] std::optional<SameSubject> same_subject(std::string_view client,
                                                        std::string_view subject, Instant since,
                                                        RequestId except) override;

  // The request, its events and its clock runs.
  RequestDetail detail(RequestId id) override;
  [[nodiscard]] std::vector<Request> list_requests(const RequestFilter& filter) override;

  // The numbers of the requests that have every word of `words` (SPEC.md, list --search): in
  // their subject or ref, or in one of their events' text, as a word starting with it (the FTS5
  // indexes of migration 4, a prefix query each), sorted. Void ones are left to the caller.
  std::vector<std::int64_t> search_hits(const std::vector<std::string>& words);
  void each_request(const RequestFilter& filter,
                    const std::function<void(const Request&)>& visit) override;
  [[nodiscard]] std::vector<OverdueItem> overdue(const OverdueQuery& query) override;
  void each_overdue(const OverdueQuery& query,
                    const std::function<void(const OverdueItem&)>& visit) override;

  // ---- report: the query lives in sqlite_report.cpp ----
  [[nodiscard]] std::vector<ReportRow> report(const ReportQuery& query) override;
  [[nodiscard]] StatementInput statement_input(std::string_view client_name, Instant from,
                                               Instant to, Instant now) override;

  // ---- export, import, backup: the work is in transfer.cpp ----
  void export_requests(const std::function<void(const RequestDetail&)>& visit) override;
  ImportResult import_requests(std::span<const ImportRequest> batch,
                               const ImportOptions& options) override;
  std::unique_ptr<BulkImport> start_bulk_import(std::int64_t expected,
                                                const ImportOptions& options) override;
  void backup(const std::string& path) override;
  CopyResult copy_to(const std::string& dest) override;
  CheckReport check(const std::function<void(const std::string&)>& problem) override;

private:
  store::StatementSource statement_source();

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
  Statement& statement(std::string_view sql);
  std::int64_t count(std::string_view sql, std::int64_t parameter);
  std::vector<std::int64_t> select_ids(std::string_view sql, std::optional<std::int64_t> parameter);
  std::vector<std::string> names(std::string_view sql);

  // ---- lookups by name (store/rule_rows.hpp; case-insensitive: the name columns are COLLATE
  // NOCASE, names in that order) ----

  std::optional<CalendarRow> stored_calendar_row(std::string_view name) override;
  std::optional<PolicyRow> stored_policy_row(std::string_view name) override;
  std::optional<ClientRow> stored_client_row(std::string_view name) override;
  std::vector<std::string> calendar_names() override;
  std::vector<std::string> policy_names() override;
  std::vector<std::string> client_names() override;
  std::optional<std::int64_t> request_by_ref(std::string_view ref) override;
  // The request of `ref` as written, else of one of its other forms ("id", "<id>": a Message-ID
  // names one request however a script or mail wrote it; other_ref_forms).
  std::optional<std::int64_t> request_by_ref_forms(std::string_view ref);
  bool request_exists(RequestId id);
  Request load_request(RequestId id) override;
  static Client read_client(const Use& use);

  // Makes `values` the client's whole list of `kind` ("email", "domain"); refuses one that
  // belongs to another client (an address finds one client).
  void set_addresses(std::int64_t client_id, std::string_view kind, std::string_view option,
                     const std::vector<std::string>& values);

  // ---- calendars and policies by id ----

  Calendar load_calendar(std::int64_t id) override;

  // Writes the versions of calendar `calendar_id`: the first in `calendars`, the later ones in
  // `calendar_versions`.
  void put_calendar_versions(std::int64_t calendar_id, const CalendarRules& rules);
  LoadedPolicy load_policy(std::int64_t id) override;

  void put_holiday(std::int64_t calendar_id, const Holiday& day);

  // Writes `version` of policy `policy_id` on calendar `calendar_id`: in place when it has an
  // id (its requests keep it), else as a new version.
  void put_version(std::int64_t policy_id, std::int64_t calendar_id, const PolicyVersion& version);
  void put_targets(std::int64_t version_id, std::string_view priority,
                   std::optional<std::int64_t> reply, std::optional<std::int64_t> update,
                   std::optional<std::int64_t> resolve);

  // ---- events and derived state ----

  // store/request_writes.hpp's rows
  Inserted insert_event(RequestId id, EventKind kind, Instant at, std::string_view author,
                        const std::optional<std::string>& text, Instant now,
                        std::string_view recorder,
                        std::optional<std::int64_t> target = std::nullopt,
                        std::optional<std::int64_t> merged_from = std::nullopt) override;
  std::optional<std::optional<std::int64_t>> request_void(RequestId id) override;
  std::optional<store::EditRow> edit_row(RequestId id) override;
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

  // The kind and time of event `id`.
  std::pair<EventKind, Instant> stored_event(std::int64_t id);

  // ---- re-evaluation's rows (store/reevaluation.hpp) ----

  [[nodiscard]] std::string database_name() const override;

  // The three cursors of store::selection_queries, side by side.
  class Cursor;
  std::unique_ptr<store::RequestCursor> read_requests(const RequestSelection& selection) override;
  void write_void_mark(std::int64_t event_id, std::optional<std::int64_t> voided_by) override;

  // The UPDATEs below set only the columns that changed: SQLite rewrites the entries of every
  // index on a column that is set, changed or not, and a retroactive change rewrites one or two
  // columns of most clock runs (their target and due time, in no index of stopped runs). OR FAIL:
  // one row, so nothing to undo when a CHECK fails, and no statement journal for each (the
  // re-evaluation's cursors are open meanwhile).
  void write_derived(std::int64_t id, const Derived& old, const Derived& now) override;
  void update_clock(std::int64_t id, std::int64_t seq, const ClockRow& old,
                    const ClockRow& row) override;
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

  void insert_clock(std::int64_t id, std::int64_t seq, const ClockRow& row) override;
  void delete_clocks_after(std::int64_t id, std::int64_t last) override;

  // Re-evaluates every request whose policy has a version on calendar `calendar_id`.
  RuleEffect reevaluate_calendar(std::int64_t calendar_id);

  // Re-evaluates the requests of calendar `calendar_id` (as reevaluate_calendar) that have a
  // clock running, or stopped or due at or after `from`: a version starting then cannot change
  // the others (their clocks ran their whole course before it). Read through the clocks' indexes.
  RuleEffect reevaluate_calendar_from(std::int64_t calendar_id, std::int64_t from);

  Database m_db; // declared first: destroyed after the statements
  std::map<std::string, Statement, std::less<>> m_statements;
  // update_statement's statements (in m_statements) by table and the columns set.
  std::map<std::pair<std::string_view, std::uint32_t>, Statement*> m_updates;
};

} // namespace slatrack::sqlite_store
