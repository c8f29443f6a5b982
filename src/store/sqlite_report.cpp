// Why this file: `report` must stay fast over a year of a million requests (docs/performance.md),
// so it reads every fact it counts once, from an index range, and aggregates in C++ instead of
// sorting facts in SQL: the requests received in the range (requests_by_received), the reply and
// resolve clocks stopped in it (clocks_stopped, which covers outcome and open time), the running
// clocks already breached (the partial index clocks_running) and the requests open now
// (requests_by_status). A fact's group is its period, found from its time, or its request's
// client, assignee, priority or channel: remembered per request id while reading the requests
// received in the range, looked up by id for the few clocks of requests received outside it.
// Percentiles are exact nearest-rank picks (rank ceil(p * n / 100)) from the open times kept per
// group (store/report_values.hpp): nth_element on a copy for a small group, a radix selection in
// place for a large one and for the total over all groups' values. Open times are kept in 4 bytes
// each, or in 8 when one does not fit (then the report is read again).
#include "store/sqlite_report.hpp"

#include "slatrack/domain.hpp"
#include "slatrack/error.hpp"
#include "store/report_values.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <sqlite3.h>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace slatrack::store {

namespace {

using sqlite::Statement;
using Use = sqlite::Statement::Use;

// The column of a request's group key (empty by period).
std::string_view key_column(ReportBy by) {
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

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// Where a named group sorts: clients and assignees by name (nobody last), priorities and channels
// in the contract's order.
std::tuple<int, std::string, std::string> sort_key(ReportBy by,
                                                   const std::optional<std::string>& group) {
  if (!group) {
    return {2, "", ""};
  }
  if (by == ReportBy::priority) {
    if (const std::optional<Priority> priority = priority_from(*group)) {
      return {0, fmt::format("{:02}", static_cast<int>(*priority)), *group};
    }
  }
  if (by == ReportBy::channel) {
    if (const std::optional<Channel> channel = channel_from(*group)) {
      return {0, fmt::format("{:02}", static_cast<int>(*channel)), *group};
    }
  }
  return {1, ascii_lower(*group), *group};
}

std::string_view column_text(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  if (text == nullptr) {
    return {};
  }
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_column_bytes(statement, column))};
}

constexpr std::uint32_t k_none = std::numeric_limits<std::uint32_t>::max();

// Request id -> a small number: an array over the ids seen so far (requests come in received
// order, which is nearly id order), a hash map for ids far from them.
class RequestMap {
public:
  // The largest id there is: at the first put the array is made to reach it (within reason).
  void expect_last(std::int64_t last) {
    m_last = last;
  }

  void put(std::int64_t id, std::uint32_t value) {
    if (m_slots.empty()) {
      m_base = id;
      if (m_last >= id
          && static_cast<std::uint64_t>(m_last) - static_cast<std::uint64_t>(id)
                 < k_most_reserved) {
        m_slots.assign(static_cast<std::size_t>(m_last - id) + 1, k_none);
      }
    }
    if (id >= m_base) {
      const std::uint64_t offset =
          static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(m_base);
      if (offset < m_slots.size()) {
        m_slots[offset] = value;
        return;
      }
      if (offset < 2 * m_slots.size() + k_slack) {
        m_slots.resize(offset + 1, k_none); // grows geometrically
        m_slots[offset] = value;
        return;
      }
    }
    m_others[id] = value;
  }

  // k_none when `id` was not put.
  [[nodiscard]] std::uint32_t get(std::int64_t id) const {
    if (id >= m_base) {
      const std::uint64_t offset =
          static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(m_base);
      if (offset < m_slots.size() && m_slots[offset] != k_none) {
        return m_slots[offset];
      }
    }
    const auto found = m_others.find(id);
    return found == m_others.end() ? k_none : found->second;
  }

private:
  static constexpr std::uint64_t k_slack = 1U << 16;
  static constexpr std::uint64_t k_most_reserved = 1U << 22; // ids: 16 MB
  std::int64_t m_base = 0;
  std::int64_t m_last = 0;
  std::vector<std::uint32_t> m_slots;
  std::unordered_map<std::int64_t, std::uint32_t> m_others;
};

struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept {
    return std::hash<std::string_view>{}(text);
  }
};

// The counts of one group (80 bytes: a fact touches them and one of its Times).
struct Counts {
  std::int64_t requests = 0;
  std::int64_t reply_met = 0;
  std::int64_t reply_breached = 0;
  std::int64_t update_met = 0;
  std::int64_t update_breached = 0;
  std::int64_t resolve_met = 0;
  std::int64_t resolve_breached = 0;
  std::int64_t open_now = 0;
  std::int64_t overdue_now = 0;
  bool any = false; // has a fact: a group is shown only then
};

template <typename Value> struct Bucket {
  Counts counts;
  Times<Value> reply_times;
  Times<Value> resolve_times;
};

// A spelling of a group key as stored: a client id, or text (nullopt: nobody assigned). Each
// belongs to one group; assignees that differ only in case are one group, named by the smallest
// spelling among the facts counted.
struct Spelling {
  std::int64_t client_id = 0;
  std::optional<std::string> text;
  std::uint32_t group = 0;
  bool used = false;
};

// The result of one read: the groups' rows (by period: one per period, in order) and the total.
struct Rows {
  std::vector<ReportRow> groups;
  ReportRow total;
};

template <typename Value> class Aggregation {
public:
  Aggregation(sqlite::Database& db, const ReportQuery& query, std::optional<std::int64_t> client_id)
      : m_db(db), m_query(query), m_client_id(client_id), m_by_period(is_period(query.by)),
        m_statements(report_statements(query.by, client_id.has_value())) {
    m_starts.reserve(query.periods.size());
    for (const Period& period : query.periods) {
      m_starts.push_back(period.start.time_since_epoch().count());
    }
    m_end = query.periods.back().end.time_since_epoch().count();
    if (m_by_period) {
      m_buckets.resize(query.periods.size());
    }
  }

  // Reads every fact; nullopt when an open time does not fit in Value.
  [[nodiscard]] std::optional<Rows> run() {
    const std::int64_t from = m_starts.front();
    const std::int64_t now = m_query.now.time_since_epoch().count();
    read_logged(from);
    if (!read_stopped(from)) {
      return std::nullopt;
    }
    read_breached(from, std::min(m_end, now));
    read_open(now);
    return rows();
  }

private:
  // The period of time t in [start of the first, end of the last).
  std::uint32_t period_of(std::int64_t t) {
    if (t < m_starts[m_last_period]
        || (m_last_period + 1 < m_starts.size() && t >= m_starts[m_last_period + 1])) {
      const auto after = std::upper_bound(m_starts.begin(), m_starts.end(), t);
      m_last_period = static_cast<std::size_t>(after - m_starts.begin()) - 1;
    }
    return static_cast<std::uint32_t>(m_last_period);
  }

  // ?3: the client of the requests counted, when the report has one.
  void bind_client(Use& use) const {
    if (m_client_id) {
      use.bind(*m_client_id);
    }
  }

  bool in_range(std::int64_t t) const {
    return t >= m_starts.front() && t < m_end;
  }

  // The spelling of the key in `column` of the current row, added when new.
  std::uint32_t spelling_at(sqlite3_stmt* statement, int column) {
    if (m_query.by == ReportBy::client) {
      const std::int64_t client_id = sqlite3_column_int64(statement, column);
      const auto [found, added] =
          m_client_spellings.try_emplace(client_id, static_cast<std::uint32_t>(m_spellings.size()));
      if (added) {
        add_spelling(Spelling{client_id, std::nullopt, new_group(), false});
      }
      return found->second;
    }
    if (sqlite3_column_type(statement, column) == SQLITE_NULL) {
      if (m_null_spelling == k_none) {
        m_null_spelling = add_spelling(Spelling{0, std::nullopt, new_group(), false});
      }
      return m_null_spelling;
    }
    const std::string_view text = column_text(statement, column);
    if (const auto found = m_text_spellings.find(text); found != m_text_spellings.end()) {
      return found->second;
    }
    std::uint32_t group = 0;
    if (m_query.by == ReportBy::assignee) {
      const auto [found, added] = m_assignee_groups.try_emplace(ascii_lower(text), 0);
      if (added) {
        found->second = new_group();
      }
      group = found->second;
    } else {
      group = new_group();
    }
    const std::uint32_t spelling = add_spelling(Spelling{0, std::string(text), group, false});
    m_text_spellings.emplace(std::string(text), spelling);
    return spelling;
  }

  std::uint32_t new_group() {
    m_buckets.emplace_back();
    return static_cast<std::uint32_t>(m_buckets.size() - 1);
  }

  std::uint32_t add_spelling(Spelling spelling) {
    m_spellings.push_back(std::move(spelling));
    return static_cast<std::uint32_t>(m_spellings.size() - 1);
  }

  // The bucket of a fact of request `request_id` (not by period): its group is remembered from
  // the requests received in the range, or its key read by id (and its spelling then counts as
  // used: the fact is counted). nullptr for a request that is not there.
  Bucket<Value>* request_bucket(std::int64_t request_id) {
    const std::uint32_t group = m_request_groups.get(request_id);
    if (group != k_none) {
      return &m_buckets[group];
    }
    if (!m_key_lookup) {
      m_key_lookup.emplace(
          m_db, fmt::format("SELECT {} FROM requests r WHERE r.id = ?1", key_column(m_query.by)));
    }
    Use use = m_key_lookup->use();
    use.bind(request_id);
    if (!use.step()) {
      return nullptr;
    }
    const std::uint32_t spelling = spelling_at(m_key_lookup->get(), 0);
    m_request_groups.put(request_id, m_spellings[spelling].group);
    return &spelling_bucket(spelling);
  }

  Bucket<Value>& spelling_bucket(std::uint32_t spelling) {
    Spelling& found = m_spellings[spelling];
    found.used = true;
    return m_buckets[found.group];
  }

  void read_logged(std::int64_t from) {
    if (!m_by_period) {
      Statement last(m_db, "SELECT max(id) FROM requests");
      Use use = last.use();
      if (use.step() && !use.is_null(0)) {
        m_request_groups.expect_last(use.integer(0));
      }
    }
    Statement statement(m_db, m_statements[0].sql);
    Use use = statement.use();
    use.bind(from).bind(m_end);
    bind_client(use);
    sqlite3_stmt* row = statement.get();
    while (use.step()) {
      Bucket<Value>* bucket = nullptr;
      if (m_by_period) {
        bucket = &m_buckets[period_of(sqlite3_column_int64(row, 0))];
      } else {
        // The spelling is used: the request's logged fact is counted here.
        const std::uint32_t spelling = spelling_at(row, 1);
        m_request_groups.put(sqlite3_column_int64(row, 0), m_spellings[spelling].group);
        bucket = &spelling_bucket(spelling);
      }
      bucket->counts.any = true;
      ++bucket->counts.requests;
      ++m_total.requests;
    }
  }

  // False when an open time does not fit in Value.
  bool read_stopped(std::int64_t from) {
    Statement statement(m_db, m_statements[1].sql);
    Use use = statement.use();
    use.bind(from).bind(m_end);
    bind_client(use);
    sqlite3_stmt* row = statement.get();
    while (use.step()) {
      Bucket<Value>* bucket = m_by_period ? &m_buckets[period_of(sqlite3_column_int64(row, 3))]
                                          : request_bucket(sqlite3_column_int64(row, 3));
      if (bucket == nullptr) {
        continue;
      }
      const std::int64_t used = sqlite3_column_int64(row, 2);
      if (!fits<Value>(used)) {
        return false;
      }
      const std::string_view outcome = column_text(row, 1);
      const bool met = outcome == "met";
      const bool breached = outcome == "breached";
      bucket->counts.any = true;
      const std::string_view metric = column_text(row, 0);
      if (metric == "update") {
        count(met, breached, bucket->counts.update_met, bucket->counts.update_breached);
        count(met, breached, m_total.update_met, m_total.update_breached);
      } else if (metric == "resolve") {
        count(met, breached, bucket->counts.resolve_met, bucket->counts.resolve_breached);
        count(met, breached, m_total.resolve_met, m_total.resolve_breached);
        bucket->resolve_times.push_back(static_cast<Value>(used));
      } else {
        count(met, breached, bucket->counts.reply_met, bucket->counts.reply_breached);
        count(met, breached, m_total.reply_met, m_total.reply_breached);
        bucket->reply_times.push_back(static_cast<Value>(used));
      }
    }
    return true;
  }

  static void count(bool met, bool breached, std::int64_t& met_count,
                    std::int64_t& breached_count) {
    met_count += met ? 1 : 0;
    breached_count += breached ? 1 : 0;
  }

  void read_breached(std::int64_t from, std::int64_t end) {
    Statement statement(m_db, m_statements[2].sql);
    Use use = statement.use();
    use.bind(from).bind(end);
    bind_client(use);
    sqlite3_stmt* row = statement.get();
    while (use.step()) {
      Bucket<Value>* bucket = m_by_period ? &m_buckets[period_of(sqlite3_column_int64(row, 1))]
                                          : request_bucket(sqlite3_column_int64(row, 1));
      if (bucket == nullptr) {
        continue;
      }
      bucket->counts.any = true;
      const std::string_view metric = column_text(row, 0);
      if (metric == "update") {
        ++bucket->counts.update_breached;
        ++m_total.update_breached;
      } else if (metric == "resolve") {
        ++bucket->counts.resolve_breached;
        ++m_total.resolve_breached;
      } else {
        ++bucket->counts.reply_breached;
        ++m_total.reply_breached;
      }
    }
  }

  void read_open(std::int64_t now) {
    Statement statement(m_db, m_statements[3].sql);
    Use use = statement.use();
    use.bind(now);
    if (m_client_id) {
      use.bind(std::nullopt);
    }
    bind_client(use);
    sqlite3_stmt* row = statement.get();
    while (use.step()) {
      const bool overdue = sqlite3_column_int64(row, 0) != 0;
      ++m_total.open_now;
      m_total.overdue_now += overdue ? 1 : 0;
      Bucket<Value>* bucket = nullptr;
      if (!m_by_period) {
        bucket = &spelling_bucket(spelling_at(row, 1));
      } else if (const std::int64_t received = sqlite3_column_int64(row, 1); in_range(received)) {
        bucket = &m_buckets[period_of(received)];
      } else {
        continue; // received outside the range: only in the total
      }
      bucket->counts.any = true;
      ++bucket->counts.open_now;
      bucket->counts.overdue_now += overdue ? 1 : 0;
    }
  }

  // The groups' names: the client's name, the smallest spelling counted, or the key itself.
  std::vector<std::optional<std::string>> labels() {
    std::vector<std::optional<std::string>> out(m_buckets.size());
    std::optional<Statement> names;
    for (const Spelling& spelling : m_spellings) {
      if (!spelling.used) {
        continue;
      }
      std::optional<std::string>& label = out[spelling.group];
      if (m_query.by == ReportBy::client) {
        if (!names) {
          names.emplace(m_db, "SELECT name FROM clients WHERE id = ?1");
        }
        Use use = names->use();
        use.bind(spelling.client_id);
        if (!use.step()) {
          throw Error{ErrorKind::internal, fmt::format("report: no client {}", spelling.client_id)};
        }
        label = use.text(0);
      } else if (spelling.text && (!label || *spelling.text < *label)) {
        label = spelling.text;
      }
    }
    return out;
  }

  Rows rows() {
    Rows out;
    const std::vector<std::optional<std::string>> names =
        m_by_period ? std::vector<std::optional<std::string>>{} : labels();
    std::vector<std::span<const Value>> all_replies;
    std::vector<std::span<const Value>> all_resolves;
    std::uint64_t replies = 0;
    std::uint64_t resolves = 0;
    std::vector<Value> scratch;
    for (std::size_t i = 0; i < m_buckets.size(); ++i) {
      const Bucket<Value>& bucket = m_buckets[i];
      if (!bucket.counts.any && !m_by_period) {
        continue;
      }
      ReportRow row;
      row.requests = bucket.counts.requests;
      row.reply_met = bucket.counts.reply_met;
      row.reply_breached = bucket.counts.reply_breached;
      row.update_met = bucket.counts.update_met;
      row.update_breached = bucket.counts.update_breached;
      row.resolve_met = bucket.counts.resolve_met;
      row.resolve_breached = bucket.counts.resolve_breached;
      row.open_now = bucket.counts.open_now;
      row.overdue_now = bucket.counts.overdue_now;
      if (m_by_period) {
        row.period = i;
      } else {
        row.group = names[i];
      }
      const std::array<std::optional<Seconds>, 2> reply =
          bucket.reply_times.percentiles(std::array{50, 90}, scratch);
      row.reply_median = reply[0];
      row.reply_p90 = reply[1];
      row.resolve_median = bucket.resolve_times.percentiles(std::array{50}, scratch)[0];
      out.groups.push_back(std::move(row));
      bucket.reply_times.spans(all_replies);
      bucket.resolve_times.spans(all_resolves);
      replies += bucket.reply_times.size();
      resolves += bucket.resolve_times.size();
    }
    out.total = m_total;
    out.total.total = true;
    out.total.reply_median = percentile_of(all_replies, replies, 50);
    out.total.reply_p90 = percentile_of(all_replies, replies, 90);
    out.total.resolve_median = percentile_of(all_resolves, resolves, 50);
    return out;
  }

  sqlite::Database& m_db;
  const ReportQuery& m_query;
  std::optional<std::int64_t> m_client_id;
  bool m_by_period;
  std::vector<ReportStatement> m_statements;
  std::vector<std::int64_t> m_starts; // of the periods
  std::int64_t m_end = 0;             // of the last period
  std::size_t m_last_period = 0;      // the period found last (facts come in time order)
  std::vector<Bucket<Value>> m_buckets;
  ReportRow m_total;
  // Not by period: the spellings of the group keys, and each request's group.
  std::vector<Spelling> m_spellings;
  std::unordered_map<std::int64_t, std::uint32_t> m_client_spellings;
  std::unordered_map<std::string, std::uint32_t, TextHash, std::equal_to<>> m_text_spellings;
  std::unordered_map<std::string, std::uint32_t> m_assignee_groups; // lower case -> group
  std::uint32_t m_null_spelling = k_none;
  RequestMap m_request_groups;
  std::optional<Statement> m_key_lookup;
};

} // namespace

std::vector<ReportStatement> report_statements(ReportBy by, bool by_client) {
  // By period a fact's time finds its group, else its request's key does.
  const bool period = is_period(by);
  // One client's facts: its requests (from requests_by_client), and the clocks of those.
  const std::string_view client_join =
      by_client ? " JOIN requests r ON r.id = k.request_id AND r.client_id = ?3" : "";
  const std::string_view client_where = by_client ? " AND r.client_id = ?3" : "";
  const std::string_view stop = period ? "k.stop_at" : "k.request_id";
  const std::string_view due = period ? "k.due_at" : "k.request_id";
  const std::string received =
      period ? std::string("r.received_at") : fmt::format("r.id, {}", key_column(by));
  const std::string open = period ? std::string("r.received_at") : std::string(key_column(by));
  // Void requests have no clock runs, so only the requests read here need their mark tested
  // (from the received index, which carries it).
  return {{fmt::format("SELECT {} FROM requests r WHERE r.received_at >= ?1 AND r.received_at < ?2 "
                       "AND r.voided_by IS NULL{}",
                       received, client_where),
           period ? 1 : 2},
          {fmt::format(R"sql(SELECT k.metric, k.outcome, k.used_s, {} FROM clocks k{}
WHERE k.metric IN ('reply', 'update', 'resolve') AND k.stop_at >= ?1 AND k.stop_at < ?2)sql",
                       stop, client_join),
           4},
          {fmt::format(R"sql(SELECT k.metric, {} FROM clocks k{}
WHERE k.outcome = 'running' AND k.metric IN ('reply', 'update', 'resolve') AND k.due_at >= ?1
  AND k.due_at < ?2)sql",
                       due, client_join),
           2},
          {fmt::format(R"sql(SELECT ifnull(r.next_due_at < ?1, 0), {} FROM requests r
WHERE r.status IN ('open', 'waiting') AND r.voided_by IS NULL{})sql",
                       open, client_where),
           2}};
}

std::vector<ReportRow> run_report(sqlite::Database& db, const ReportQuery& query,
                                  std::optional<std::int64_t> client_id) {
  if (query.periods.empty()) {
    throw Error{ErrorKind::invalid_input, "a report needs a range: give --from and --to"};
  }
  std::optional<Rows> rows;
  {
    sqlite::Transaction read(db, sqlite::Transaction::Mode::deferred);
    rows = Aggregation<std::uint32_t>(db, query, client_id).run();
    if (!rows) {
      rows = Aggregation<std::int64_t>(db, query, client_id).run();
    }
    read.commit();
  }
  std::vector<ReportRow> out = std::move(rows->groups);
  if (!is_period(query.by)) {
    std::stable_sort(out.begin(), out.end(), [&query](const ReportRow& a, const ReportRow& b) {
      return sort_key(query.by, a.group) < sort_key(query.by, b.group);
    });
  }
  out.push_back(std::move(rows->total));
  return out;
}

} // namespace slatrack::store
