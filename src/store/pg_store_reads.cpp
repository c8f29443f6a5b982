// Why this file: the team database's reads of requests (store/pg_store_impl.hpp): a request's
// detail, lists and search, overdue, the report and a client's statement.
#include "store/pg_store_impl.hpp"

namespace slatrack::pg_store {

namespace {

// k_request_select with the calendar id of the request's version after its columns (column
// k_request_columns).
std::string with_calendar_id(std::string_view select) {
  std::string out(select);
  out.insert(out.find("\nFROM requests r"), ", v.calendar_id");
  return out;
}

} // namespace

std::optional<SameSubject> PgStore::same_subject(std::string_view client, std::string_view subject,
                                                 Instant since, RequestId except) {
  // One statement, one snapshot of its own: no transaction around it (two round trips fewer).
  std::optional<SameSubject> out;
  const pg::Result row = m_db.query(
      "SELECT r.id, r.created_at FROM requests r WHERE r.received_at >= $1::bigint - 604800 "
      "AND r.created_at >= $1 AND r.id <> $2 AND r.client_id = (SELECT id FROM "
      "clients WHERE fold(name) = fold($3)) AND fold(r.subject) = fold($4) AND "
      "r.voided_by IS NULL ORDER BY r.created_at DESC, r.id DESC LIMIT 1",
      {pg::value(to_db(since)), pg::value(except.value), pg::value(client), pg::value(subject)});
  if (row.rows() > 0) {
    out = SameSubject{RequestId{row.integer(0, 0)}, to_instant(row.integer(0, 1))};
  }
  return out;
}

std::optional<Request> PgStore::find_request(RequestId id) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  std::optional<Request> out;
  const pg::Result row =
      m_db.query(std::string(store::k_request_select) + "WHERE r.id = $1", {pg::value(id.value)});
  if (row.rows() > 0) {
    out = read_request(row, 0);
  }
  read.commit();
  return out;
}

RequestDetail PgStore::request_detail(RequestId id) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  return detail(id, &read);
}

std::vector<Request> PgStore::list_requests(const RequestFilter& filter) {
  std::vector<Request> out;
  each_request(filter, [&out](const Request& request) { out.push_back(request); });
  return out;
}

std::vector<std::int64_t> PgStore::search_hits(const std::vector<std::string>& words,
                                               std::string_view where,
                                               const std::vector<pg::Value>& params) {
  store::SearchWords search(words);
  std::map<std::int64_t, std::vector<bool>> found;
  const auto find = [&](std::int64_t id, std::string_view text) {
    std::vector<bool>& marks = found[id];
    if (marks.empty()) {
      marks.resize(search.size(), false);
    }
    search.find(text, marks);
  };
  m_db.each_batch(fmt::format("SELECT r.id, r.subject, r.ref FROM requests r\n{}", where), params,
                  [&](const pg::Result& rows) {
                    for (int i = 0; i < rows.rows(); ++i) {
                      const std::int64_t id = rows.integer(i, 0);
                      find(id, rows.view(i, 1));
                      if (!rows.is_null(i, 2)) {
                        find(id, rows.view(i, 2));
                      }
                    }
                    return true;
                  });
  m_db.each_batch(fmt::format("SELECT e.request_id, e.text FROM events e JOIN requests r ON r.id "
                              "= e.request_id\n{}AND e.text IS NOT NULL",
                              where),
                  params, [&](const pg::Result& rows) {
                    for (int i = 0; i < rows.rows(); ++i) {
                      find(rows.integer(i, 0), rows.view(i, 1));
                    }
                    return true;
                  });
  std::vector<std::int64_t> out;
  for (const auto& [id, marks] : found) {
    if (std::all_of(marks.begin(), marks.end(), [](bool mark) { return mark; })) {
      out.push_back(id);
    }
  }
  return out;
}

void PgStore::each_request(const RequestFilter& filter,
                           const std::function<void(const Request&)>& visit) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  const std::optional<std::int64_t> client_id = client_filter_id(filter.client);
  std::string sql(with_calendar_id(store::k_request_select));
  sql += "WHERE r.voided_by IS NULL\n";
  std::vector<pg::Value> params;
  const auto param = [&params](pg::Value value) {
    params.push_back(std::move(value));
    return fmt::format("${}", params.size());
  };
  if (!filter.statuses.empty()) {
    std::string in;
    for (const Status status : filter.statuses) {
      in += (in.empty() ? "" : ", ") + param(pg::value(to_string(status)));
    }
    sql += fmt::format("AND r.status IN ({})\n", in);
  }
  if (client_id) {
    sql += fmt::format("AND r.client_id = {}\n", param(pg::value(*client_id)));
  }
  if (filter.assignee) {
    sql += fmt::format("AND fold(r.assignee) = fold({})\n", param(pg::value(*filter.assignee)));
  }
  if (filter.priority) {
    sql += fmt::format("AND r.priority = {}\n", param(pg::value(to_string(*filter.priority))));
  }
  if (filter.since) {
    sql += fmt::format("AND r.received_at >= {}\n", param(pg::value(to_db(*filter.since))));
  }
  if (filter.until) {
    sql += fmt::format("AND r.received_at < {}\n", param(pg::value(to_db(*filter.until))));
  }
  if (!filter.search.empty()) {
    const std::vector<std::int64_t> hits =
        search_hits(filter.search, sql.substr(sql.find("WHERE r.voided_by")), params);
    if (hits.empty()) {
      read.commit();
      return;
    }
    std::string array = "{";
    for (const std::int64_t id : hits) {
      array += fmt::format("{}{}", array.size() > 1 ? "," : "", id);
    }
    array += "}";
    sql += fmt::format("AND r.id = ANY({}::bigint[])\n", param(pg::value(array)));
  }
  sql += "ORDER BY r.id";
  if (!filter.now && filter.limit && *filter.limit >= 0) {
    sql += " LIMIT " + param(pg::value(*filter.limit));
  }
  const pg::Result rows = m_db.query(sql, params);
  struct Row {
    Request request;
    Seconds late{0};
  };
  std::vector<Row> running;
  std::vector<Request> others;
  RulesCache rules;
  for (int i = 0; i < rows.rows(); ++i) {
    Request request = read_request(rows, i);
    if (!filter.now) {
      others.push_back(std::move(request));
      continue;
    }
    if (!request.next) {
      others.push_back(std::move(request));
      continue;
    }
    const Clock& calendar = clock(rows.integer(i, store::k_request_columns), rules);
    const Instant due = request.next->due;
    const Seconds late =
        due < *filter.now ? calendar.open(due, *filter.now) : -calendar.open(*filter.now, due);
    running.push_back(Row{std::move(request), late});
  }
  read.commit();
  // By open lateness at filter.now, then due time and number; then the others by number.
  std::sort(running.begin(), running.end(), [](const Row& a, const Row& b) {
    if (a.late != b.late) {
      return a.late > b.late;
    }
    return std::make_pair(a.request.next->due, a.request.id.value)
           < std::make_pair(b.request.next->due, b.request.id.value);
  });
  std::int64_t left = filter.limit.value_or(-1);
  for (const Row& row : running) {
    if (left == 0) {
      return;
    }
    visit(row.request);
    left = left > 0 ? left - 1 : left;
  }
  for (const Request& request : others) {
    if (left == 0) {
      return;
    }
    visit(request);
    left = left > 0 ? left - 1 : left;
  }
}

std::vector<OverdueItem> PgStore::overdue(const OverdueQuery& query) {
  std::vector<OverdueItem> out;
  each_overdue(query, [&out](const OverdueItem& item) { out.push_back(item); });
  return out;
}

void PgStore::each_overdue(const OverdueQuery& query,
                           const std::function<void(const OverdueItem&)>& visit) {
  // --new remembers what it shows, so it writes (under the write lock); else a plain read.
  pg::Transaction transaction(m_db, query.only_new ? pg::Transaction::Mode::write
                                                   : pg::Transaction::Mode::read);
  const std::optional<std::int64_t> client_id = client_filter_id(query.client);
  const Instant overdue_cutoff = query.now - Seconds{1};
  std::map<std::int64_t, Instant> cutoffs;
  Instant max_cutoff = overdue_cutoff;
  RulesCache rules;
  if (query.within) {
    cutoffs = at_risk_cutoffs(ids("SELECT id FROM calendars", {}), *query.within, query.now, rules);
    for (const auto& [calendar_id, cutoff] : cutoffs) {
      max_cutoff = std::max(max_cutoff, cutoff);
    }
  }
  std::vector<pg::Value> params{pg::value(to_db(max_cutoff))};
  if (client_id) {
    params.push_back(pg::value(*client_id));
  }
  if (query.assignee) {
    params.push_back(pg::value(*query.assignee));
  }
  const pg::Result rows = m_db.query(
      store::pg_overdue_query(client_id.has_value(), query.assignee.has_value()), params);
  std::vector<OverdueItem> items;
  for (int i = 0; i < rows.rows(); ++i) {
    Request request = read_request(rows, i);
    if (!request.next) {
      continue;
    }
    const std::int64_t calendar_id = rows.integer(i, store::k_request_columns);
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
          start = rows.optional_integer(i, store::k_request_columns + 1);
        } else {
          const pg::Result started = m_db.query(
              "SELECT start_at FROM clocks WHERE request_id = $1 AND metric = $2 AND outcome = "
              "'running' ORDER BY seq DESC LIMIT 1",
              {pg::value(request.id.value), pg::value(to_string(candidate.metric))});
          if (started.rows() != 0) {
            start = started.integer(0, 0);
          }
        }
        // Told once: a row that exists already (an earlier --new showed this clock in this
        // state) inserts nothing and returns no row.
        const pg::Result told = m_db.query(
            "INSERT INTO overdue_seen (request_id, metric, start_at, state, seen_at) VALUES ($1, "
            "$2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1",
            {pg::value(request.id.value), pg::value(to_string(candidate.metric)),
             pg::value(start.value_or(to_db(candidate.due))),
             pg::value(candidate.due < query.now ? "overdue" : "at-risk"),
             pg::value(to_db(query.now))});
        if (told.rows() != 0) {
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
  std::stable_sort(items.begin(), items.end(), [](const OverdueItem& a, const OverdueItem& b) {
    return a.open_late > b.open_late;
  });
  for (const OverdueItem& item : items) {
    visit(item);
  }
  if (query.delivered) {
    query.delivered();
  }
  transaction.commit();
}

std::vector<ReportRow> PgStore::report(const ReportQuery& query) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
  const std::optional<std::int64_t> client_id = client_filter_id(query.client);
  std::vector<ReportRow> out = store::run_pg_report(m_db, query, client_id);
  read.commit();
  return out;
}

StatementInput PgStore::statement_input(std::string_view client_name, Instant from, Instant to,
                                        Instant now) {
  pg::Transaction read(m_db, pg::Transaction::Mode::read);
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
  // running and due in it before now, with their clock runs (request then run order).
  static const std::string k_select = [] {
    std::string sql(store::k_request_select);
    sql.insert(sql.find("\nFROM requests r"),
               ", r.policy_id, r.version_id, s.metric, s.start_at, s.due_at, s.stop_at, "
               "s.outcome, s.target_s, s.used_s, s.credit_s");
    return sql + R"sql(LEFT JOIN clocks s ON s.request_id = r.id
WHERE r.id IN (
  SELECT id FROM requests WHERE client_id = $1 AND received_at >= $2 AND received_at < $3
  UNION ALL
  SELECT id FROM requests WHERE client_id = $1 AND status IN ('open', 'waiting')
  UNION ALL
  SELECT q.id FROM requests q WHERE q.client_id = $1 AND q.status = 'resolved'
    AND q.resolved_at >= $2 AND q.received_at < $2
    AND EXISTS (SELECT 1 FROM clocks s WHERE s.request_id = q.id
      AND ((s.stop_at >= $2 AND s.stop_at < $3)
        OR (s.outcome = 'running' AND s.due_at >= $2 AND s.due_at < $4))))
AND r.voided_by IS NULL
ORDER BY r.id, s.seq)sql";
  }();
  constexpr int k_clock_column = store::k_request_columns + 2;
  std::int64_t last = 0;
  m_db.each_batch(k_select,
                  {pg::value(client->id), pg::value(to_db(from)), pg::value(to_db(to)),
                   pg::value(to_db(std::min(to, now)))},
                  [&](const pg::Result& rows) {
                    for (int i = 0; i < rows.rows(); ++i) {
                      const std::int64_t id = rows.integer(i, 0);
                      if (id != last) {
                        last = id;
                        StatementRequest& item = out.requests.emplace_back();
                        item.request = read_request(rows, i);
                        item.targets = targets_for(
                            stored_version(rows.integer(i, store::k_request_columns),
                                           rows.integer(i, store::k_request_columns + 1), rules),
                            item.request.priority);
                        item.clocks.reserve(4); // one run per clock, and more after a reopen
                      }
                      if (!rows.is_null(i, k_clock_column)) {
                        out.requests.back().clocks.push_back(read_clock(rows, i, k_clock_column));
                      }
                    }
                    return true;
                  });
  read.commit();
  return out;
}

RequestDetail PgStore::detail(RequestId id, pg::Transaction* commit) {
  RequestDetail out;
  // One round trip: the request, its policy version and void mark, its events, its clock runs
  // and its policy.
  static const std::string k_request = std::string(store::k_request_select) + "WHERE r.id = $1";
  static const std::string k_events = fmt::format(
      "SELECT {} FROM events WHERE request_id = $1 ORDER BY at, id", store::k_event_columns);
  static const std::array<std::string, 3> k_policy =
      policy_reads("(SELECT policy_id FROM requests WHERE id = $1)");
  const std::vector<pg::Value> params{pg::value(id.value)};
  const std::vector<pg::Statement> reads{
      {k_request, params},
      {"SELECT policy_id, version_id, voided_by FROM requests WHERE id = $1", params},
      {k_events, params},
      {k_stored_clocks, params},
      {k_policy[0], params},
      {k_policy[1], params},
      {k_policy[2], params}};
  const std::vector<pg::Result> read =
      commit != nullptr ? commit->commit_after(reads) : m_db.pipeline(reads);
  if (read[0].rows() == 0) {
    throw no_request(id);
  }
  out.request = read_request(read[0], 0);
  const pg::Result& row = read[1];
  RulesCache rules;
  rules.policies.emplace(row.integer(0, 0), read_policy(row.integer(0, 0), &read[4]));
  out.targets = targets_for(stored_version(row.integer(0, 0), row.integer(0, 1), rules),
                            out.request.priority);
  out.voided_by = row.optional_integer(0, 2);
  const pg::Result& events = read[2];
  for (int i = 0; i < events.rows(); ++i) {
    out.events.push_back(read_event(events, i));
  }
  for (const ClockRow& clock_row : clock_rows(read[3])) {
    ClockRun run;
    run.metric = from_db(metric_from(clock_row.metric), "metric", clock_row.metric);
    run.start = to_instant(clock_row.start_at);
    run.due = to_instant(clock_row.due_at);
    run.stop = to_instant(clock_row.stop_at);
    run.outcome = from_db(outcome_from(clock_row.outcome), "outcome", clock_row.outcome);
    run.target = to_target(clock_row.target_s);
    run.used = Seconds{clock_row.used_s};
    run.credit = Seconds{clock_row.credit_s};
    out.clocks.push_back(run);
  }
  return out;
}

} // namespace slatrack::pg_store
