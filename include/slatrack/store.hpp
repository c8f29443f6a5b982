// The store: every read and write of slatrack's data, as domain operations. The SQLite backend is
// the only code with SQL; a PostgreSQL backend would implement the same interface. Every operation
// that writes is one transaction, and keeps each request's derived state (status, due times, clock
// runs) equal to evaluate() of its events under its current rules.
#pragma once

#include "slatrack/model.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

struct NewClient {
  std::string name;
  std::optional<std::string> policy; // default: "default"
  std::optional<std::string> email;
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
  Instant at;          // the first message
  std::string author;  // who logged it
  Instant now;         // when it was logged
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
  std::string author;
  std::optional<std::string> text;
  Instant now;
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
};

struct RequestFilter {
  std::vector<Status> statuses; // empty: all
  std::optional<std::string> client;
  std::optional<std::string> assignee;
  std::optional<Priority> priority;
  std::optional<Instant> since; // received_at >= since
  std::optional<Instant> until; // received_at < until
  std::optional<std::int64_t> limit;
};

struct OverdueQuery {
  Instant now;
  std::optional<Seconds> within; // also at risk: at most this much open time left
  std::optional<std::string> client;
  std::optional<std::string> assignee;
  bool only_new = false; // show and remember only clocks no earlier only_new query showed
};

struct OverdueItem {
  Request request;
  Metric metric = Metric::reply;
  Instant due;
  // Open time on the request's calendar from due to now: positive when overdue, negative (the
  // open time left) when at risk.
  Seconds open_late{0};
};

class Store {
public:
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Where the data lives, for messages.
  [[nodiscard]] virtual std::string location() const = 0;
  [[nodiscard]] virtual int schema_version() = 0;

  // Calendars. Mutations that change rules return how many requests' derived state changed.
  [[nodiscard]] virtual std::vector<Calendar> calendars() = 0;
  [[nodiscard]] virtual std::optional<Calendar> find_calendar(std::string_view name) = 0;
  virtual void add_calendar(const CalendarRules& rules) = 0;
  virtual std::int64_t change_calendar(std::string_view name, const CalendarChange& change) = 0;
  virtual std::int64_t add_holidays(std::string_view name, const std::vector<Holiday>& days) = 0;
  virtual std::int64_t remove_holidays(std::string_view name,
                                       const std::vector<Holiday>& days) = 0;
  virtual void remove_calendar(std::string_view name) = 0;

  // SLA policies.
  [[nodiscard]] virtual std::vector<Policy> policies() = 0;
  [[nodiscard]] virtual std::optional<Policy> find_policy(std::string_view name) = 0;
  virtual void add_policy(const Policy& policy) = 0;
  virtual std::int64_t change_policy(std::string_view name, const PolicyChange& change) = 0;
  virtual void remove_policy(std::string_view name) = 0;

  // Clients.
  [[nodiscard]] virtual std::vector<Client> clients() = 0;
  [[nodiscard]] virtual std::optional<Client> find_client(std::string_view name) = 0;
  virtual void add_client(const NewClient& client) = 0;
  virtual void change_client(std::string_view name, const ClientChange& change) = 0;
  virtual void remove_client(std::string_view name) = 0;

  // Requests.
  virtual LogResult log_request(const NewRequest& request) = 0;
  virtual Request add_event(const NewEvent& event) = 0;
  virtual Request edit_request(const RequestEdit& edit) = 0;
  [[nodiscard]] virtual std::optional<Request> find_request(RequestId id) = 0;
  [[nodiscard]] virtual RequestDetail request_detail(RequestId id) = 0;
  [[nodiscard]] virtual std::vector<Request> list_requests(const RequestFilter& filter) = 0;
  // Running clocks overdue at query.now (and at risk within query.within), most late first.
  [[nodiscard]] virtual std::vector<OverdueItem> overdue(const OverdueQuery& query) = 0;
};

// Opens (creating when missing, mode 0600) and migrates the SQLite database at `path`.
// Throws Error{storage} when it cannot be opened or created, is not a slatrack database, or was
// made by a newer slatrack (then it is left untouched).
[[nodiscard]] std::unique_ptr<Store> open_sqlite_store(const std::string& path);

} // namespace slatrack
