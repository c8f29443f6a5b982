// Why this file: `report` must stay fast over a year of a million requests (docs/performance.md),
// so a backend reads every fact it counts once, from an index range, and the aggregation happens
// here, in C++, instead of sorting facts in SQL (slatrack/report_aggregation.hpp). A fact's group
// is its period, found from its time, or its request's client, assignee, priority or channel:
// remembered per request id while reading the requests received in the range, looked up by id for
// the few clocks of requests received outside it. Percentiles are exact nearest-rank picks (rank
// ceil(p * n / 100)) from the open times kept per group (report_values.hpp): nth_element on a copy
// for a small group, a radix selection in place for a large one and for the total over all
// groups' values. Open times are kept in 4 bytes each, or in 8 when one does not fit (then the
// report is read again).
#include "slatrack/report_aggregation.hpp"

#include "slatrack/domain.hpp"
#include "slatrack/error.hpp"
#include "slatrack/report_values.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace slatrack {

namespace {

using report_values::fits;
using report_values::percentile_of;
using report_values::Times;

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

// The result of one reading: the groups' rows (by period: one per period, in order) and the total.
struct Rows {
  std::vector<ReportRow> groups;
  ReportRow total;
};

template <typename Value> class Aggregation final : public ReportFacts {
public:
  Aggregation(const ReportQuery& query, ReportSource& source)
      : m_source(source), m_query(query), m_by_period(is_period(query.by)) {
    m_starts.reserve(query.periods.size());
    for (const Period& period : query.periods) {
      m_starts.push_back(period.start.time_since_epoch().count());
    }
    m_end = query.periods.back().end.time_since_epoch().count();
    if (m_by_period) {
      m_buckets.resize(query.periods.size());
    }
  }
  Aggregation(const Aggregation&) = delete;
  Aggregation& operator=(const Aggregation&) = delete;
  Aggregation(Aggregation&&) = delete;
  Aggregation& operator=(Aggregation&&) = delete;
  ~Aggregation() override = default;

  // Reads every fact; nullopt when an open time does not fit in Value.
  [[nodiscard]] std::optional<Rows> run() {
    const std::int64_t from = m_starts.front();
    const std::int64_t now = m_query.now.time_since_epoch().count();
    if (!m_by_period) {
      if (const std::optional<std::int64_t> last = m_source.last_request_id()) {
        m_request_groups.expect_last(*last);
      }
    }
    m_source.read_received(from, m_end, *this);
    if (!m_source.read_stopped(from, m_end, *this)) {
      return std::nullopt;
    }
    m_source.read_breached(from, std::min(m_end, now), *this);
    count_later_facts();
    m_source.read_open(now, *this);
    return rows();
  }

  void received(std::int64_t place, const ReportKey& key) override {
    Bucket<Value>* bucket = nullptr;
    if (m_by_period) {
      bucket = &m_buckets[period_of(place)];
    } else {
      // The spelling is used: the request's logged fact is counted here.
      const std::uint32_t spelling = spelling_of(key);
      m_request_groups.put(place, m_spellings[spelling].group);
      bucket = &spelling_bucket(spelling);
    }
    bucket->counts.any = true;
    ++bucket->counts.requests;
    ++m_total.requests;
  }

  [[nodiscard]] bool stopped(std::string_view metric, std::string_view outcome, std::int64_t used_s,
                             std::int64_t place) override {
    if (!fits<Value>(used_s)) {
      return false;
    }
    const Metric which = metric_of(metric);
    const Outcome how = outcome == "met"        ? Outcome::met
                        : outcome == "breached" ? Outcome::breached
                                                : Outcome::other;
    if (Bucket<Value>* bucket =
            m_by_period ? &m_buckets[period_of(place)] : request_bucket(place)) {
      count_stopped(*bucket, which, how, static_cast<Value>(used_s));
    } else {
      m_later.push_back(Later{place, static_cast<Value>(used_s), which, how});
    }
    return true;
  }

  void breached(std::string_view metric, std::int64_t place) override {
    if (Bucket<Value>* bucket =
            m_by_period ? &m_buckets[period_of(place)] : request_bucket(place)) {
      count_breached(*bucket, metric_of(metric));
    } else {
      m_later.push_back(Later{place, 0, metric_of(metric), Outcome::running});
    }
  }

  void open(bool overdue, std::int64_t received_at, const ReportKey& key) override {
    ++m_total.open_now;
    m_total.overdue_now += overdue ? 1 : 0;
    Bucket<Value>* bucket = nullptr;
    if (!m_by_period) {
      bucket = &spelling_bucket(spelling_of(key));
    } else if (in_range(received_at)) {
      bucket = &m_buckets[period_of(received_at)];
    } else {
      return; // received outside the range: only in the total
    }
    bucket->counts.any = true;
    ++bucket->counts.open_now;
    bucket->counts.overdue_now += overdue ? 1 : 0;
  }

private:
  enum class Metric : std::uint8_t { reply, update, resolve };
  enum class Outcome : std::uint8_t { met, breached, other, running };

  // A fact of a request received outside the range, counted once its key is read.
  struct Later {
    std::int64_t request_id = 0;
    Value used = 0;
    Metric metric = Metric::reply;
    Outcome outcome = Outcome::running; // running: a breach of a running run
  };

  static Metric metric_of(std::string_view metric) {
    return metric == "update"    ? Metric::update
           : metric == "resolve" ? Metric::resolve
                                 : Metric::reply;
  }

  void count_stopped(Bucket<Value>& bucket, Metric metric, Outcome outcome, Value used) {
    const bool met = outcome == Outcome::met;
    const bool breached = outcome == Outcome::breached;
    bucket.counts.any = true;
    switch (metric) {
    case Metric::update:
      count(met, breached, bucket.counts.update_met, bucket.counts.update_breached);
      count(met, breached, m_total.update_met, m_total.update_breached);
      break;
    case Metric::resolve:
      count(met, breached, bucket.counts.resolve_met, bucket.counts.resolve_breached);
      count(met, breached, m_total.resolve_met, m_total.resolve_breached);
      bucket.resolve_times.push_back(used);
      break;
    case Metric::reply:
      count(met, breached, bucket.counts.reply_met, bucket.counts.reply_breached);
      count(met, breached, m_total.reply_met, m_total.reply_breached);
      bucket.reply_times.push_back(used);
      break;
    }
  }

  void count_breached(Bucket<Value>& bucket, Metric metric) {
    bucket.counts.any = true;
    switch (metric) {
    case Metric::update:
      ++bucket.counts.update_breached;
      ++m_total.update_breached;
      break;
    case Metric::resolve:
      ++bucket.counts.resolve_breached;
      ++m_total.resolve_breached;
      break;
    case Metric::reply:
      ++bucket.counts.reply_breached;
      ++m_total.reply_breached;
      break;
    }
  }

  // The period of time t in [start of the first, end of the last).
  std::uint32_t period_of(std::int64_t t) {
    if (t < m_starts[m_last_period]
        || (m_last_period + 1 < m_starts.size() && t >= m_starts[m_last_period + 1])) {
      const auto after = std::upper_bound(m_starts.begin(), m_starts.end(), t);
      m_last_period = static_cast<std::size_t>(after - m_starts.begin()) - 1;
    }
    return static_cast<std::uint32_t>(m_last_period);
  }

  bool in_range(std::int64_t t) const {
    return t >= m_starts.front() && t < m_end;
  }

  static void count(bool met, bool breached, std::int64_t& met_count,
                    std::int64_t& breached_count) {
    met_count += met ? 1 : 0;
    breached_count += breached ? 1 : 0;
  }

  // The spelling of `key`, added when new.
  std::uint32_t spelling_of(const ReportKey& key) {
    if (m_query.by == ReportBy::client) {
      const auto [found, added] = m_client_spellings.try_emplace(
          key.client_id, static_cast<std::uint32_t>(m_spellings.size()));
      if (added) {
        add_spelling(Spelling{key.client_id, std::nullopt, new_group(), false});
      }
      return found->second;
    }
    if (!key.text) {
      if (m_null_spelling == k_none) {
        m_null_spelling = add_spelling(Spelling{0, std::nullopt, new_group(), false});
      }
      return m_null_spelling;
    }
    const std::string_view text = *key.text;
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

  // The bucket of a fact of request `request_id` (not by period), known from the requests
  // received in the range; nullptr for another request (its fact is counted later).
  Bucket<Value>* request_bucket(std::int64_t request_id) {
    const std::uint32_t group = m_request_groups.get(request_id);
    return group == k_none ? nullptr : &m_buckets[group];
  }

  // The facts of requests received outside the range (a few: runs that stopped or are due in the
  // range of requests received before it), counted once their keys are read, all at once (the
  // source is not asked anything while it reads; a request no longer there is not counted).
  // Their spellings then count as used: the facts are counted.
  void count_later_facts() {
    if (m_later.empty()) {
      return;
    }
    std::vector<std::int64_t> ids;
    ids.reserve(m_later.size());
    for (const Later& fact : m_later) {
      ids.push_back(fact.request_id);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::unordered_map<std::int64_t, std::uint32_t> spellings; // request id -> its key's
    for (const auto& [id, stored] : m_source.request_keys(ids)) {
      ReportKey key{stored.client_id, std::nullopt};
      if (stored.text) {
        key.text = *stored.text;
      }
      spellings.emplace(id, spelling_of(key));
    }
    for (const Later& fact : m_later) {
      const auto found = spellings.find(fact.request_id);
      if (found == spellings.end()) {
        continue;
      }
      Bucket<Value>& bucket = spelling_bucket(found->second);
      if (fact.outcome == Outcome::running) {
        count_breached(bucket, fact.metric);
      } else {
        count_stopped(bucket, fact.metric, fact.outcome, fact.used);
      }
    }
    m_later.clear();
  }

  Bucket<Value>& spelling_bucket(std::uint32_t spelling) {
    Spelling& found = m_spellings[spelling];
    found.used = true;
    return m_buckets[found.group];
  }

  // The groups' names: the client's name, the smallest spelling counted, or the key itself.
  std::vector<std::optional<std::string>> labels() {
    std::vector<std::optional<std::string>> out(m_buckets.size());
    for (const Spelling& spelling : m_spellings) {
      if (!spelling.used) {
        continue;
      }
      std::optional<std::string>& label = out[spelling.group];
      if (m_query.by == ReportBy::client) {
        label = m_source.client_name(spelling.client_id);
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

  ReportSource& m_source;
  const ReportQuery& m_query;
  bool m_by_period;
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
  std::vector<Later> m_later; // facts of requests received outside the range
};

} // namespace

std::vector<ReportRow> aggregate_report(const ReportQuery& query, ReportSource& source) {
  if (query.periods.empty()) {
    throw Error{ErrorKind::invalid_input, "a report needs a range: give --from and --to"};
  }
  std::optional<Rows> rows = Aggregation<std::uint32_t>(query, source).run();
  if (!rows) {
    rows = Aggregation<std::int64_t>(query, source).run();
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

} // namespace slatrack
