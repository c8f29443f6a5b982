// The store: every read and write of slatrack's data, as domain operations. A backend implements
// this interface (SQLite: src/store/sqlite_store.hpp; PostgreSQL: src/store/pg_store.hpp; the
// backends are the only code with SQL) and is held to it by the Store contract suite
// (tests/unit/store_contract.hpp), which knows nothing else of it. Every operation that writes is
// one transaction, and keeps each request's derived state (status, due times, clock runs) equal to
// evaluate() of its events under its current rules.
#pragma once

#include "slatrack/model.hpp"
#include "slatrack/report.hpp"
#include "slatrack/statement.hpp"
#include "slatrack/transfer.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

// How a command opens the database (SPEC "Output": a command that only reads never creates one).
enum class OpenMode {
  create, // init and the commands that record something: a missing database is created
  write,  // an existing database, to write (overdue --new): never created
  read,   // an existing database, only read: never created; opened read-only when the file is
};

struct NewClient {
  std::string name;
  std::optional<std::string> policy; // default: "default"
  std::vector<std::string> emails;   // mail addresses (checked and put in lower case by the store)
  std::vector<std::string> domains;  // mail domains (the same)
  std::optional<std::string> owner;
  std::optional<std::string> note;
};

struct NewRequest {
  std::string client;
  std::string subject;
  Channel channel = Channel::email;
  Priority priority = Priority::normal;
  std::optional<std::string> assignee; // default: the client's owner
  std::optional<std::string> ref;
  std::optional<std::string> text;
  Instant at;           // the first message
  std::string author;   // who wrote it; empty: the client
  std::string recorder; // who entered it (SLATRACK_USER, else the login name); empty: author
  Instant now;          // when it was logged
  bool create_client = false;
};

struct LogResult {
  Request request;
  bool created = false; // false when the ref already existed: nothing was written
};

// An event on an existing request: message (follow-up), reply, pause, resume, resolve, reopen,
// note or assign (`text` = the new assignee).
struct NewEvent {
  RequestId id;
  EventKind kind = EventKind::note;
  Instant at;
  std::string author; // who did it; empty for a message (follow-up): the request's client
  std::optional<std::string> text;
  Instant now;
  std::string recorder; // empty: author
};

// What `edit` changes; nullopt = unchanged. A new client without a new policy takes the new
// client's policy.
struct RequestEdit {
  RequestId id;
  std::optional<std::string> subject;
  std::optional<std::string> client;
  std::optional<Channel> channel;
  std::optional<Priority> priority;
  std::optional<std::string> policy;
  std::optional<std::string> ref;
  std::string author;
  Instant now;
  std::string recorder; // empty: author
};

// `void ID [EVENT]` (restore = false) or `unvoid ID [EVENT]` (restore = true).
struct VoidChange {
  RequestId id;
  std::optional<std::int64_t> event; // nullopt: the whole request
  bool restore = false;
  std::optional<std::string> reason;
  std::string recorder; // also the void event's author
  Instant now;
};

// `undo`: the last event or request `recorder` recorded that still counts is voided, unless it
// was recorded longer than `limit` before `now`.
struct UndoChange {
  std::string recorder;
  Instant now;
  Seconds limit{86400};
};

enum class UndoRefusal {
  none,    // done
  too_old, // recorded longer than the limit ago: nothing was written
  edit,    // an edit cannot be voided: nothing was written
};

struct UndoResult {
  RequestId id;
  std::string client;
  Event event;          // what was (or would have been) undone; event 1: the whole request
  bool request = false; // the whole request
  UndoRefusal refusal = UndoRefusal::none;
};

// `merge ID INTO`.
struct MergeChange {
  RequestId id;
  RequestId into;
  std::string recorder;
  Instant now;
};

// A request logged lately for the same client with the same subject (`log`'s warning).
struct SameSubject {
  RequestId id;
  Instant logged_at;
};

struct RequestFilter {
  std::vector<Status> statuses; // empty: all
  std::optional<std::string> client;
  std::optional<std::string> assignee;
  std::optional<Priority> priority;
  std::optional<Instant> since; // received_at >= since
  std::optional<Instant> until; // received_at < until
  // Words that must each start a word of the request's subject, ref or an event's text, ignoring
  // case (list --search); empty: no search.
  std::vector<std::string> search;
  std::optional<std::int64_t> limit;
  // Set: sorted by open lateness at this time on each request's calendar (most late first, then
  // the least open time left; ties by due time and number), then the requests without a running
  // clock by number. Unset: by number.
  std::optional<Instant> now;
};

struct OverdueQuery {
  Instant now;
  // Also at risk: at most this much open time left, or for N bd due <= addbd(now, N).
  std::optional<Target> within;
  std::optional<std::string> client;
  std::optional<std::string> assignee;
  bool only_new = false; // show and remember only clocks no earlier only_new query showed
  // Called after the last item and before what only_new remembers is committed: it delivers what
  // was shown (writes and flushes it) or throws, and then nothing is remembered. So a clock is
  // remembered only once shown; a failure after it errs toward showing it again, never toward
  // never showing it.
  std::function<void()> delivered;
};

struct OverdueItem {
  Request request;
  Metric metric = Metric::reply;
  Instant due;
  // Open time on the request's calendar from due to now: positive when overdue, negative (the
  // open time left) when at risk.
  Seconds open_late{0};
};

// What `check` found (docs/reliability.md).
struct CheckReport {
  std::int64_t requests = 0; // requests whose derived state was re-evaluated and compared
  std::int64_t problems = 0; // lines passed to the callback
};

// What a change of rules did (SPEC.md "Rules have dates"): how many requests it re-judged.
struct RuleEffect {
  std::int64_t requests = 0; // requests whose derived state changed
  std::int64_t outcomes = 0; // requests whose stopped clocks' outcomes (met, breached) changed
  std::int64_t moved = 0;    // running clocks whose due time moved
  std::vector<RequestId> outcome_ids; // the requests counted in `outcomes`
  RuleEffect& operator+=(const RuleEffect& other) {
    requests += other.requests;
    outcomes += other.outcomes;
    moved += other.moved;
    outcome_ids.insert(outcome_ids.end(), other.outcome_ids.begin(), other.outcome_ids.end());
    return *this;
  }
};

// What `copy DEST` copied.
struct CopyResult {
  std::string to;            // DEST as it may be shown (a URL without its password)
  std::int64_t requests = 0; // requests copied
  std::int64_t rows = 0;     // rows of every table copied
};

class Store {
public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Where the data lives, for messages (a file's path; a server and database name).
  [[nodiscard]] virtual std::string location() const = 0;
  // The version of the stored schema, as this backend numbers its migrations (`init` shows it).
  [[nodiscard]] virtual int schema_version() = 0;

  // Runs `body` in one write transaction: the store operations it calls join it (each as a
  // savepoint), so they happen whole or not at all. Commits when `body` returns and `commit` is
  // true; rolls back when `commit` is false (a dry run) or `body` throws (the exception goes on).
  // Used by `config apply` (docs/configuration.md). Throws Error{storage}.
  virtual void transaction(const std::function<void()>& body, bool commit) = 0;

  // Calendars. Mutations that change rules return what they changed in the requests.
  [[nodiscard]] virtual std::vector<Calendar> calendars() = 0;
  [[nodiscard]] virtual std::optional<Calendar> find_calendar(std::string_view name) = 0;
  virtual void add_calendar(const CalendarRules& rules) = 0;
  virtual RuleEffect change_calendar(std::string_view name, const CalendarChange& change) = 0;
  virtual RuleEffect add_holidays(std::string_view name, const std::vector<Holiday>& days) = 0;
  virtual RuleEffect remove_holidays(std::string_view name, const std::vector<Holiday>& days) = 0;
  virtual void remove_calendar(std::string_view name) = 0;

  // SLA policies.
  [[nodiscard]] virtual std::vector<Policy> policies() = 0;
  [[nodiscard]] virtual std::optional<Policy> find_policy(std::string_view name) = 0;
  virtual void add_policy(const Policy& policy) = 0;
  // Changes a policy from change.from on (a new version), or with change.retroactive in every
  // version, and re-evaluates only the requests whose version changed: for a change from a time,
  // those received from then until the next version (none for a change from now). Throws
  // Error{not_found}, Error{invalid_input} (a bad target; a change without from or retroactive).
  virtual RuleEffect change_policy(std::string_view name, const PolicyChange& change) = 0;
  virtual void remove_policy(std::string_view name) = 0;

  // Clients.
  [[nodiscard]] virtual std::vector<Client> clients() = 0;
  [[nodiscard]] virtual std::optional<Client> find_client(std::string_view name) = 0;
  // The name, as stored, of the client called `name` ignoring case (in any script: fold_case of
  // slatrack/text.hpp); no short forms (a name that only begins one or more clients' names is
  // none of them): nullopt when there is none.
  [[nodiscard]] virtual std::optional<std::string> client_named(std::string_view name) = 0;
  virtual void add_client(const NewClient& client) = 0;
  // With change.policy and change.open, the client's requests that are not resolved (and not
  // void) move to the new policy too, each with an edit event, and are re-evaluated.
  virtual RuleEffect change_client(std::string_view name, const ClientChange& change) = 0;
  virtual void remove_client(std::string_view name) = 0;

  // Mail in (docs/mail.md): the facts `mail` decides on, and where it notes what it recorded.
  // Whether `message_id` ("<id>") is recorded: by `mail`, or as a request's ref (`log --ref`).
  [[nodiscard]] virtual bool message_recorded(std::string_view message_id) = 0;
  // The request of the first of `message_ids` that is recorded (by `mail`, or as a ref); a void
  // request that was merged stands for the request it went into, another void one for none.
  [[nodiscard]] virtual std::optional<RequestId>
  request_for_messages(std::span<const std::string> message_ids) = 0;
  // The client with `address` (lower case) among its emails, else with its domain among its
  // domains; nullopt when none.
  [[nodiscard]] virtual std::optional<std::string> client_for_address(std::string_view address) = 0;
  // Notes that `message_id` was recorded on `request` (nothing when it is noted already).
  virtual void record_message(std::string_view message_id, RequestId request) = 0;
  // Whether request `id` exists and is not void.
  [[nodiscard]] virtual bool request_counts(RequestId id) = 0;

  // Requests.
  virtual LogResult log_request(const NewRequest& request) = 0;
  virtual Request add_event(const NewEvent& event) = 0;
  virtual Request edit_request(const RequestEdit& edit) = 0;
  // Marks a request or one of its events void, or takes the mark back (SPEC.md, Void), as a
  // void or unvoid event; returns the request as it is then. Throws Error{not_found} for an unknown
  // request or event, Error{invalid_input} for what cannot be voided (the first message alone,
  // an edit, what is already void) or unvoided (what is not void).
  virtual RequestDetail void_event(const VoidChange& change) = 0;
  // Voids the last event or request `change.recorder` recorded that still counts (a void that
  // `undo` made is passed over, so each undo goes one further back). Writes nothing and says why
  // in `refusal` when it is older than change.limit or an edit. Throws Error{invalid_input} when
  // there is nothing to undo.
  virtual UndoResult undo(const UndoChange& change) = 0;
  // Copies ID's events to INTO (its first message as a follow-up), re-evaluates INTO and voids
  // ID with "merged into #INTO". Returns INTO. Throws Error{not_found}, Error{invalid_input}
  // (the same request, a void one).
  virtual RequestDetail merge(const MergeChange& change) = 0;
  // The latest request that is not void for `client` (exact name) with `subject` (ignoring
  // case) received at or after `since`, other than `except`.
  [[nodiscard]] virtual std::optional<SameSubject> same_subject(std::string_view client,
                                                                std::string_view subject,
                                                                Instant since,
                                                                RequestId except) = 0;
  [[nodiscard]] virtual std::optional<Request> find_request(RequestId id) = 0;
  [[nodiscard]] virtual RequestDetail request_detail(RequestId id) = 0;
  [[nodiscard]] virtual std::vector<Request> list_requests(const RequestFilter& filter) = 0;
  // The same requests, in the same order, passed to `visit` one at a time in one read
  // transaction: memory does not grow with their number (`list` of a million requests). `visit`
  // must not call the store.
  virtual void each_request(const RequestFilter& filter,
                            const std::function<void(const Request&)>& visit) = 0;
  // Running clocks overdue at query.now (and at risk within query.within), most late first in
  // open time on each request's calendar, then the least open time left.
  [[nodiscard]] virtual std::vector<OverdueItem> overdue(const OverdueQuery& query) = 0;
  // The same items, in the same order, passed to `visit` one at a time (with only_new, each is
  // remembered before it is visited, and all of it is one transaction); the items are held to be
  // sorted, the rows of the table are not. `visit` must not call the store.
  virtual void each_overdue(const OverdueQuery& query,
                            const std::function<void(const OverdueItem&)>& visit) = 0;

  // Reports (docs/reports.md): one row per group with anything to show (by day, week or month:
  // one per period of query.periods, empty ones included), then the total, aggregated from the
  // stored clock outcomes. Throws Error{storage}.
  [[nodiscard]] virtual std::vector<ReportRow> report(const ReportQuery& query) = 0;
  // What the statement of a client over [from, to) at `now` is made of (statement.hpp): the
  // client, its policy and calendar, and its requests that the range or now concerns, with their
  // targets and clock runs, read in one read transaction. Throws Error{not_found} for an unknown
  // client, Error{storage}.
  [[nodiscard]] virtual StatementInput statement_input(std::string_view client, Instant from,
                                                       Instant to, Instant now) = 0;

  // Import, export, backup (docs/import-export.md).
  // Calls `visit` for every request, by number, with its events (time order) and clock runs, all
  // read in one read transaction and one request at a time (memory does not grow with the
  // database). `visit` must not call the store.
  virtual void export_requests(const std::function<void(const RequestDetail&)>& visit) = 0;
  // Adds the requests of `batch` in one transaction: each one is added, skipped (its ref, or
  // without ref its client, subject and received time, is already there) or refused with a
  // reason, and a refused one writes nothing. Throws Error{storage} (then nothing of the batch
  // is written).
  virtual ImportResult import_requests(std::span<const ImportRequest> batch,
                                       const ImportOptions& options) = 0;
  // Starts a bulk import of about `expected` requests (what the input holds, estimated) when the
  // store is small next to it (it holds fewer requests than that) and no transaction is open:
  // one write transaction for all its batches, which the backend may make cheaper than batch by
  // batch (SQLite drops its secondary indexes and builds them again at commit: one sort each
  // instead of a random insertion per row). Other writers wait until it commits; a crash or an
  // exception before then leaves the store as it was. Returns nullptr when a bulk import would not
  // pay (or the backend has none): then import batch by batch. The store must outlive the
  // BulkImport. Throws Error{storage}.
  [[nodiscard]] virtual std::unique_ptr<BulkImport> start_bulk_import(std::int64_t /*expected*/,
                                                                      const ImportOptions&) {
    return nullptr;
  }
  // Writes a consistent copy of the whole store to a new file `path` (mode 0600), in a form this
  // backend can be given back (SQLite: a database file to open), while others may go on writing.
  // Throws Error{invalid_input} when `path` exists, Error{storage} when it cannot be written (then
  // no file is left behind).
  virtual void backup(const std::string& path) = 0;
  // `copy DEST`: the whole store (rules with their versions, clients with their addresses,
  // requests, events, void marks, merges, what `overdue --new` told, the messages `mail` recorded),
  // read in one snapshot while others may go on writing, into `dest`: a database file (created,
  // mode 0600, when missing) or a team database URL, migrated to this schema first, that holds no
  // requests and no rules of its own (new, or just made by `init`), in one write transaction.
  // Throws Error{invalid_input} when `dest` holds anything of its own (then nothing is written),
  // Error{storage} when it cannot be opened or written (then nothing is written, and a file the
  // copy created is removed).
  virtual CopyResult copy_to(const std::string& dest) = 0;

  // Verifies the stored data without writing: the backend's own integrity checks (SQLite: PRAGMA
  // integrity_check and foreign_key_check), and every request's stored derived state (times, due
  // times, clock runs, void marks) against evaluate_history() of its events under its current
  // rules. Calls `problem` with one line per problem found (one per request for derived state,
  // e.g. "#42: reply_due_at stored ... expected ..."), streaming: memory does not grow with the
  // store. Returns in `requests` how many requests were compared (all of them). Throws
  // Error{storage} when the data cannot be read.
  virtual CheckReport check(const std::function<void(const std::string&)>& problem) = 0;
};

} // namespace slatrack
