// Why this file: the SQLite store's reads of requests (store/sqlite_store_impl.hpp): a request's
// detail, lists and search, overdue, the report and a client's statement.
#include "store/sqlite_store_impl.hpp"

namespace slatrack::sqlite_store {

namespace {

// An FTS5 query for the words that start with `word`: a phrase (quotes doubled) with a prefix
// star, so "inv-10" finds "INV-1042" (the tokens inv and 10..., one after the other).
std::string fts_prefix_query(std::string_view word) {
  std::string out = "\"";
  for (const char c : word) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  out += "\"*";
  return out;
}

// k_request_select with r.policy_id and r.version_id after its columns (columns
// k_request_columns and k_request_columns + 1).
std::string with_policy_id(std::string_view select) {
  std::string out(select);
  const std::size_t from = out.find("\nFROM requests r");
  out.insert(from, ", r.policy_id, r.version_id");
  return out;
}

} // namespace

std::optional<Request> SqliteStore::find_request(RequestId id) {
  Transaction read(m_db, Transaction::Mode::deferred);
  std::optional<Request> out;
  if (request_exists(id)) {
    out = load_request(id);
  }
  read.commit();
  return out;
}

RequestDetail SqliteStore::request_detail(RequestId id) {
  Transaction read(m_db, Transaction::Mode::deferred);
  RequestDetail out = detail(id);
  read.commit();
  return out;
}

std::optional<SameSubject> SqliteStore::same_subject(std::string_view client,
                                                     std::string_view subject, Instant since,
                                                     RequestId except) {
  Transaction read(m_db, Transaction::Mode::deferred);
  std::optional<SameSubject> out;
  {
    // Received in the week before: the received index finds the candidates; logged since.
    Use use = statement(R"sql(SELECT r.id, r.created_at FROM requests r
WHERE r.received_at >= ?1 - 604800 AND r.created_at >= ?1 AND r.id <> ?2
  AND r.client_id = (SELECT id FROM clients WHERE name = ?3) AND r.subject = ?4 COLLATE NOCASE
  AND r.voided_by IS NULL
ORDER BY r.created_at DESC, r.id DESC LIMIT 1)sql")
                  .use();
    use.bind(to_db(since)).bind(except.value).bind(client).bind(subject);
    if (use.step()) {
      out = SameSubject{RequestId{use.integer(0)}, to_instant(use.integer(1))};
    }
  }
  read.commit();
  return out;
}

RequestDetail SqliteStore::detail(RequestId id) {
  if (!request_exists(id)) {
    throw no_request(id);
  }
  RequestDetail out;
  out.request = load_request(id);
  std::int64_t policy_id = 0;
  std::int64_t version_id = 0;
  {
    Use use = statement("SELECT policy_id, version_id FROM requests WHERE id = ?").use();
    use.bind(id.value);
    if (use.step()) {
      policy_id = use.integer(0);
      version_id = use.integer(1);
    }
  }
  RulesCache rules;
  out.targets = targets_for(stored_version(policy_id, version_id, rules), out.request.priority);
  out.voided_by = request_voided_by(id);
  {
    Use use = statement(fmt::format("SELECT {} FROM events WHERE request_id = ? ORDER BY at, id",
                                    store::k_event_columns))
                  .use();
    use.bind(id.value);
    while (use.step()) {
      out.events.push_back(read_event(use, 0));
    }
  }
  {
    Use use = statement("SELECT metric, start_at, due_at, stop_at, outcome, target_s, used_s, "
                        "credit_s FROM clocks WHERE request_id = ? ORDER BY seq")
                  .use();
    use.bind(id.value);
    while (use.step()) {
      out.clocks.push_back(read_clock(use, 0));
    }
  }
  return out;
}

std::vector<Request> SqliteStore::list_requests(const RequestFilter& filter) {
  std::vector<Request> out;
  each_request(filter, [&out](const Request& request) { out.push_back(request); });
  return out;
}

std::vector<std::int64_t> SqliteStore::search_hits(const std::vector<std::string>& words) {
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    Use use = statement("SELECT rowid FROM requests_fts WHERE requests_fts MATCH ?1 UNION ALL "
                        "SELECT e.request_id FROM events_fts f JOIN events e ON e.id = f.rowid "
                        "WHERE events_fts MATCH ?1")
                  .use();
    use.bind(fts_prefix_query(words[i]));
    std::vector<std::int64_t> ids;
    while (use.step()) {
      ids.push_back(use.integer(0));
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (i == 0) {
      out = std::move(ids);
    } else {
      std::vector<std::int64_t> both;
      std::set_intersection(out.begin(), out.end(), ids.begin(), ids.end(),
                            std::back_inserter(both));
      out = std::move(both);
    }
    if (out.empty()) {
      break;
    }
  }
  return out;
}

void SqliteStore::each_request(const RequestFilter& filter,
                               const std::function<void(const Request&)>& visit) {
  Transaction read(m_db, Transaction::Mode::deferred);
  const std::optional<std::int64_t> client_id = client_filter_id(filter.client);
  std::vector<std::string> statuses;
  for (const Status status : filter.statuses) {
    const std::string name(to_string(status));
    if (std::find(statuses.begin(), statuses.end(), name) == statuses.end()) {
      statuses.push_back(name);
    }
  }
  // The text varies only with which filters are given, so each variant is prepared once.
  std::string sql(k_request_select);
  sql += "WHERE r.voided_by IS NULL\n";
  if (!statuses.empty()) {
    sql += "AND r.status IN (?";
    for (std::size_t i = 1; i < statuses.size(); ++i) {
      sql += ", ?";
    }
    sql += ")\n";
  }
  sql += client_id ? "AND r.client_id = ?\n" : "";
  sql += filter.assignee ? "AND r.assignee = ?\n" : "";
  sql += filter.priority ? "AND r.priority = ?\n" : "";
  sql += filter.since ? "AND r.received_at >= ?\n" : "";
  sql += filter.until ? "AND r.received_at < ?\n" : "";
  // Words to search: the requests that have every one, read once (search_hits) and then
  // matched here, not by the SQL (an IN subquery would be read again by each statement below,
  // and entirely even when a --limit needs a few rows).
  std::optional<std::vector<std::int64_t>> hits;
  if (!filter.search.empty()) {
    hits = search_hits(filter.search);
    if (hits->empty()) {
      read.commit();
      return;
    }
  }
  const auto is_hit = [&hits](std::int64_t id) {
    return !hits || std::binary_search(hits->begin(), hits->end(), id);
  };
  const auto bind_filters = [&](Use& use) {
    for (const std::string& status : statuses) {
      use.bind(status);
    }
    if (client_id) {
      use.bind(*client_id);
    }
    if (filter.assignee) {
      use.bind(*filter.assignee);
    }
    if (filter.priority) {
      use.bind(to_string(*filter.priority));
    }
    if (filter.since) {
      use.bind(to_db(*filter.since));
    }
    if (filter.until) {
      use.bind(to_db(*filter.until));
    }
  };
  // The requests of `where` (appended to the filters) in number order, at most `left` of them
  // (-1: all); among the search hits only, when there are words. Returns how many are left.
  const auto by_number = [&](std::string_view where, std::int64_t left) {
    if (!hits) {
      Use use = statement(fmt::format("{}{}ORDER BY r.id LIMIT ?", sql, where)).use();
      bind_filters(use);
      use.bind(left);
      while (use.step()) {
        visit(read_request(use));
        left = left > 0 ? left - 1 : left;
      }
      return left;
    }
    // The hits in chunks of k_chunk numbers (the last one padded with its last number), each
    // chunk one indexed statement: as many rows read as are shown.
    constexpr std::size_t k_chunk = 128;
    std::string in_list = "?";
    for (std::size_t i = 1; i < k_chunk; ++i) {
      in_list += ", ?";
    }
    const std::string text =
        fmt::format("{}{}AND r.id IN ({})\nORDER BY r.id", sql, where, in_list);
    for (std::size_t first = 0; first < hits->size() && left != 0; first += k_chunk) {
      Use use = statement(text).use();
      bind_filters(use);
      for (std::size_t i = 0; i < k_chunk; ++i) {
        use.bind((*hits)[std::min(first + i, hits->size() - 1)]);
      }
      while (left != 0 && use.step()) {
        visit(read_request(use));
        left = left > 0 ? left - 1 : left;
      }
    }
    return left;
  };
  if (!filter.now) {
    static_cast<void>(by_number("", filter.limit.value_or(-1)));
    read.commit();
    return;
  }
  // By open lateness at filter.now: the requests with a running clock, read per calendar in due
  // order (on one calendar that is the order of open lateness too) and merged by their open
  // lateness on their calendar; then the others by number.
  std::int64_t left = filter.limit.value_or(-1);
  RulesCache rules;
  {
    struct Stream {
      std::unique_ptr<Statement> statement;
      std::unique_ptr<Use> use;
      const Clock* clock = nullptr;
      std::optional<Request> request;
      Seconds late{0};
    };
    // The covering partial index of overdue (migration 2), read in due order: no sort, and
    // memory does not grow with the requests listed.
    // Few hits (up to k_bound_hits) are bound into the statement, where the index row is tested
    // before the joins; many are matched as the rows come (a --limit then reads few rows).
    constexpr std::size_t k_bound_hits = 2048;
    const bool bind_hits = hits && hits->size() <= k_bound_hits;
    std::string bound_hits;
    if (bind_hits) {
      bound_hits = "AND r.id IN (?";
      for (std::size_t i = 1; i < k_bound_hits; ++i) {
        bound_hits += ", ?";
      }
      bound_hits += ")\n";
    }
    std::string running_sql = sql + bound_hits
                              + "AND r.next_due_at IS NOT NULL AND v.calendar_id = ?\n"
                                "ORDER BY r.next_due_at, r.id";
    const std::string from = "FROM requests r\n";
    running_sql.replace(running_sql.find(from), from.size(),
                        "FROM requests r INDEXED BY requests_running\n");
    std::vector<Stream> streams;
    for (const std::int64_t calendar_id : select_ids("SELECT id FROM calendars", std::nullopt)) {
      Stream stream;
      stream.clock = &clock(calendar_id, rules);
      stream.statement = std::make_unique<Statement>(m_db, running_sql);
      stream.use = std::make_unique<Use>(*stream.statement);
      bind_filters(*stream.use);
      if (bind_hits) {
        for (std::size_t i = 0; i < k_bound_hits; ++i) {
          stream.use->bind((*hits)[std::min(i, hits->size() - 1)]);
        }
      }
      stream.use->bind(calendar_id);
      streams.push_back(std::move(stream));
    }
    const auto advance = [&filter, &is_hit](Stream& stream) {
      stream.request.reset();
      while (stream.use->step()) {
        if (!is_hit(stream.use->integer(0))) {
          continue;
        }
        stream.request = read_request(*stream.use);
        const Instant due = stream.request->next->due;
        stream.late = due < *filter.now ? stream.clock->open(due, *filter.now)
                                        : -stream.clock->open(*filter.now, due);
        break;
      }
    };
    for (Stream& stream : streams) {
      advance(stream);
    }
    while (left != 0) {
      Stream* best = nullptr;
      for (Stream& stream : streams) {
        if (stream.request
            && (best == nullptr || stream.late > best->late
                || (stream.late == best->late
                    && std::make_pair(stream.request->next->due, stream.request->id.value)
                           < std::make_pair(best->request->next->due, best->request->id.value)))) {
          best = &stream;
        }
      }
      if (best == nullptr) {
        break;
      }
      visit(*best->request);
      left = left > 0 ? left - 1 : left;
      advance(*best);
    }
  }
  if (left != 0) {
    static_cast<void>(by_number("AND r.next_due_at IS NULL\n", left));
  }
  read.commit();
}

std::vector<OverdueItem> SqliteStore::overdue(const OverdueQuery& query) {
  std::vector<OverdueItem> out;
  each_overdue(query, [&out](const OverdueItem& item) { out.push_back(item); });
  return out;
}

void SqliteStore::each_overdue(const OverdueQuery& query,
                               const std::function<void(const OverdueItem&)>& visit) {
  // --new remembers what it shows, so it writes; without it this is a plain read.
  Transaction transaction(m_db, query.only_new ? Transaction::Mode::immediate
                                               : Transaction::Mode::deferred);
  const std::optional<std::int64_t> client_id = client_filter_id(query.client);
  // The last due time still shown, per calendar: overdue is due < now; at risk, see
  // at_risk_cutoffs.
  const Instant overdue_cutoff = query.now - Seconds{1};
  std::map<std::int64_t, Instant> cutoffs;
  Instant max_cutoff = overdue_cutoff;
  RulesCache rules;
  if (query.within) {
    cutoffs = at_risk_cutoffs(select_ids("SELECT id FROM calendars", std::nullopt), *query.within,
                              query.now, rules);
    for (const auto& [calendar_id, cutoff] : cutoffs) {
      max_cutoff = std::max(max_cutoff, cutoff);
    }
  }
  // Reads only the covering partial index requests_running (see store::overdue_query), and
  // the clock's start in clocks only for --new.
  const std::string sql =
      store::overdue_query(client_id.has_value(), query.assignee.has_value(), query.only_new);
  std::vector<OverdueItem> items;
  {
    Use use = statement(sql).use();
    use.bind(to_db(max_cutoff));
    if (client_id) {
      use.bind(*client_id);
    }
    if (query.assignee) {
      use.bind(*query.assignee);
    }
    while (use.step()) {
      Request request = read_request(use);
      if (!request.next) {
        continue;
      }
      const std::int64_t calendar_id = use.integer(k_request_columns);
      const auto found = cutoffs.find(calendar_id);
      const Instant cutoff = found == cutoffs.end() ? overdue_cutoff : found->second;
      const NextDue next = *request.next;
      if (next.due > overdue_cutoff && next.due > cutoff) {
        continue;
      }
      const Clock& request_clock = clock(calendar_id, rules);
      NextDue shown = next;
      if (query.only_new) {
        // The earliest of the request's clocks shown (overdue, or at risk) that no earlier --new
        // told in its state, remembered; none: the request has nothing new (docs/reports.md).
        std::optional<NextDue> untold;
        for (const NextDue& candidate : running_due(request, std::max(overdue_cutoff, cutoff))) {
          std::optional<std::int64_t> start;
          if (candidate.metric == next.metric) {
            start = use.optional_integer(k_request_columns + 1);
          } else {
            Use started = statement("SELECT start_at FROM clocks WHERE request_id = ? AND "
                                    "metric = ? AND outcome = 'running' ORDER BY seq DESC LIMIT 1")
                              .use();
            started.bind(request.id.value).bind(to_string(candidate.metric));
            if (started.step()) {
              start = started.integer(0);
            }
          }
          Use remember = statement("INSERT INTO overdue_seen (request_id, metric, start_at, "
                                   "state, seen_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                             .use();
          remember.bind(request.id.value)
              .bind(to_string(candidate.metric))
              .bind(start.value_or(to_db(candidate.due)))
              .bind(candidate.due < query.now ? "overdue" : "at-risk")
              .bind(to_db(query.now))
              .run();
          if (m_db.changes() != 0) {
            untold = candidate;
            break;
          }
        }
        if (!untold) {
          continue; // earlier --new runs told each of its clocks in its state
        }
        shown = *untold;
      }
      const Seconds open_late = slatrack::open_late(request_clock, shown.due, query.now);
      items.push_back(OverdueItem{std::move(request), shown.metric, shown.due, open_late});
    }
  }
  // Most late first in open time on each request's calendar, then the least open time left
  // (SPEC.md "Output"); the due order read above breaks ties. On one calendar that is the due
  // order already; across calendars it is not, so the rows are held (a few hundred bytes each)
  // and their places sorted, not the rows themselves (each a Request of strings to move).
  std::vector<std::pair<Seconds, std::size_t>> order;
  order.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    order.emplace_back(items[i].open_late, i);
  }
  std::sort(order.begin(), order.end(),
            [](const std::pair<Seconds, std::size_t>& a, const std::pair<Seconds, std::size_t>& b) {
              return a.first != b.first ? a.first > b.first : a.second < b.second;
            });
  for (const std::pair<Seconds, std::size_t>& place : order) {
    visit(items[place.second]);
  }
  if (query.delivered) {
    query.delivered();
  }
  transaction.commit();
}

std::vector<ReportRow> SqliteStore::report(const ReportQuery& query) {
  const std::optional<std::int64_t> client_id = client_filter_id(query.client);
  return store::run_report(m_db, query, client_id);
}

StatementInput SqliteStore::statement_input(std::string_view client_name, Instant from, Instant to,
                                            Instant now) {
  Transaction read(m_db, Transaction::Mode::deferred);
  const std::optional<ClientRow> client = short_client_row(client_name);
  if (!client) {
    no_client(client_name, k_list_clients);
  }
  RulesCache rules;
  StatementInput out;
  out.client = client->name;
  // The promises in force at the end of the range (or now, when that is earlier).
  statement_rules(client->policy_id, from, to, now, rules, out);
  // Its requests received in the range, not resolved, or with a clock stopped in the range or
  // running and due in it before now: what a report of the client counts (and no more). Found
  // in requests_by_client (client_id, status, resolved_at, received_at) without reading the
  // client's other requests: a resolved request's clocks all stopped by its resolved_at (a
  // resolve stops every clock, and only a reopen, which makes it open, starts one again), so
  // one received before the range has a clock stopped in it only if it was resolved since the
  // range began; one received after the range has none.
  // Their clock runs come in the same statement (a LEFT JOIN of clocks, in request then run
  // order): the union of index ranges is found once, and a request's columns are read from its
  // first row only.
  // A resolved request received in the range was resolved in it or since (nothing happens
  // before a request's first message), so the resolved ones are all in one range of
  // resolved_at: the index is not read from the client's first request on.
  static const std::string k_ids = R"sql(IN (
  SELECT id FROM requests WHERE client_id = ?1 AND status IN ('open', 'waiting')
  UNION ALL
  SELECT q.id FROM requests q WHERE q.client_id = ?1 AND q.status = 'resolved'
    AND q.resolved_at >= ?2 AND q.received_at < ?3
    AND (q.received_at >= ?2
      OR EXISTS (SELECT 1 FROM clocks s WHERE s.request_id = q.id
        AND ((s.stop_at >= ?2 AND s.stop_at < ?3)
          OR (s.outcome = 'running' AND s.due_at >= ?2 AND s.due_at < ?4)))))
)sql";
  static const std::string k_select = [] {
    std::string sql = with_policy_id(k_request_select);
    sql.insert(sql.find("\nFROM requests r"),
               ", s.metric, s.start_at, s.due_at, s.stop_at, s.outcome, s.target_s, s.used_s, "
               "s.credit_s");
    return sql + "LEFT JOIN clocks s ON s.request_id = r.id\nWHERE r.id " + k_ids
           + "AND r.voided_by IS NULL\nORDER BY r.id, s.seq";
  }();
  constexpr int k_clock_column = k_request_columns + 2;
  Use use = statement(k_select).use();
  use.bind(client->id).bind(to_db(from)).bind(to_db(to)).bind(to_db(std::min(to, now)));
  std::int64_t last = 0;
  while (use.step()) {
    const std::int64_t id = use.integer(0);
    if (id != last) {
      last = id;
      StatementRequest& item = out.requests.emplace_back();
      item.request = read_request(use);
      item.targets = targets_for(
          stored_version(use.integer(k_request_columns), use.integer(k_request_columns + 1), rules),
          item.request.priority);
      item.clocks.reserve(4); // one run per clock, and more after a reopen
    }
    if (!use.is_null(k_clock_column)) {
      out.requests.back().clocks.push_back(read_clock(use, k_clock_column));
    }
  }
  read.commit();
  return out;
}

} // namespace slatrack::sqlite_store
