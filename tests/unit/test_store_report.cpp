// Tests of the store's report: exact figures for a small hand-made history, an empty database,
// every grouping against a reference computed here from the requests' clock runs (random
// histories on a 24x7 and a business-hours calendar), and the query plan (index searches only).
#include "slatrack/error.hpp"
#include "slatrack/model.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/report.hpp"
#include "slatrack/store.hpp"
#include "store/sqlite.hpp"
#include "store/sqlite_report.hpp"
#include "store/sqlite_store.hpp"
#include "system/zone_files.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <date/date.h>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <random>
#include <sqlite3.h>
#include <string>
#include <unistd.h>
#include <vector>

using namespace slatrack;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

Instant utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  return Instant{date::sys_days{date::year{year} / date::month{month} / date::day{day}}}
         + hours{hour} + minutes{minute};
}

Policy make_policy(std::string name, Seconds reply, std::optional<Seconds> resolve,
                   std::string calendar = "24x7") {
  Policy policy;
  policy.name = std::move(name);
  policy.calendar = std::move(calendar);
  policy.base.reply = reply;
  policy.base.resolve = resolve;
  return policy;
}

RequestId log(Store& store, std::string client, Instant at, Instant now,
              std::optional<std::string> assignee = std::nullopt,
              Priority priority = Priority::normal, Channel channel = Channel::email) {
  NewRequest request;
  request.client = std::move(client);
  request.subject = "s";
  request.at = at;
  request.now = now;
  request.author = "me";
  request.assignee = std::move(assignee);
  request.priority = priority;
  request.channel = channel;
  return store.log_request(request).request.id;
}

void event(Store& store, RequestId id, EventKind kind, Instant at, Instant now) {
  NewEvent event;
  event.id = id;
  event.kind = kind;
  event.at = at;
  event.now = now;
  event.author = "me";
  static_cast<void>(store.add_event(event));
}

ReportQuery whole_range(ReportBy by, Instant from, Instant to, Instant now) {
  ReportQuery query;
  query.by = by;
  query.periods = report_periods(find_zone("UTC"), from, to, by);
  query.now = now;
  return query;
}

// The reference: the report computed here from each request's clock runs, with core percentile().
struct Expected {
  ReportRow row;
  std::vector<Seconds> reply_times;
  std::vector<Seconds> resolve_times;
};

std::string ascii_lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

std::vector<ReportRow> reference(Store& store, const ReportQuery& query) {
  const Instant from = query.periods.front().start;
  const Instant to = query.periods.back().end;
  const auto period_of = [&query](Instant t) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < query.periods.size(); ++i) {
      if (t >= query.periods[i].start && t < query.periods[i].end) {
        return i;
      }
    }
    return std::nullopt;
  };
  // key -> expected row; the key sorts like the store orders groups.
  std::map<std::string, Expected> groups;
  Expected total;
  RequestFilter all;
  for (const Request& request : store.list_requests(all)) {
    const RequestDetail detail = store.request_detail(request.id);
    // The group of a fact at time t (for periods: the period of t).
    const auto group_for = [&](std::optional<Instant> t) -> std::optional<std::string> {
      switch (query.by) {
      case ReportBy::client:
        return "1" + ascii_lower(request.client);
      case ReportBy::assignee:
        return request.assignee ? "1" + ascii_lower(*request.assignee) : std::string("2");
      case ReportBy::priority:
        return fmt::format("0{:02}", static_cast<int>(request.priority));
      case ReportBy::channel:
        return fmt::format("0{:02}", static_cast<int>(request.channel));
      default: {
        const std::optional<std::size_t> period = t ? period_of(*t) : std::nullopt;
        if (!period) {
          return std::nullopt;
        }
        return fmt::format("{:06}", *period);
      }
      }
    };
    const auto label = [&]() -> std::optional<std::string> {
      switch (query.by) {
      case ReportBy::client:
        return request.client;
      case ReportBy::assignee:
        return request.assignee;
      case ReportBy::priority:
        return std::string(to_string(request.priority));
      case ReportBy::channel:
        return std::string(to_string(request.channel));
      default:
        return std::nullopt;
      }
    };
    const auto add = [&](std::optional<Instant> t, const auto& change) {
      change(total);
      if (const std::optional<std::string> key = group_for(t)) {
        Expected& expected = groups[*key];
        // The store names a group by the smallest spelling of its name ("Bob" before "bob").
        const std::optional<std::string> name = label();
        if (!is_period(query.by)
            && (!expected.row.group || (name && *name < *expected.row.group))) {
          expected.row.group = name;
        }
        change(expected);
      }
    };
    if (request.received_at >= from && request.received_at < to) {
      add(request.received_at, [](Expected& e) { ++e.row.requests; });
    }
    for (const ClockRun& run : detail.clocks) {
      if (run.metric == Metric::update) {
        continue;
      }
      const bool reply = run.metric == Metric::reply;
      if (run.stop) {
        if (*run.stop < from || *run.stop >= to) {
          continue;
        }
        const bool met = run.outcome == Outcome::met;
        add(run.stop, [&](Expected& e) {
          if (reply) {
            ++(met ? e.row.reply_met : e.row.reply_breached);
            e.reply_times.push_back(run.used);
          } else {
            ++(met ? e.row.resolve_met : e.row.resolve_breached);
            e.resolve_times.push_back(run.used);
          }
        });
      } else if (run.due && *run.due < query.now && *run.due >= from && *run.due < to) {
        add(run.due,
            [&](Expected& e) { ++(reply ? e.row.reply_breached : e.row.resolve_breached); });
      }
    }
    if (request.status != Status::resolved) {
      const bool overdue = request.next && request.next->due < query.now;
      // By period, what is open belongs to the period it was received in.
      add(request.received_at, [&](Expected& e) {
        ++e.row.open_now;
        e.row.overdue_now += overdue ? 1 : 0;
      });
    }
  }
  const auto finish = [](Expected& e) {
    e.row.reply_median = percentile(e.reply_times, 50);
    e.row.reply_p90 = percentile(e.reply_times, 90);
    e.row.resolve_median = percentile(e.resolve_times, 50);
    return e.row;
  };
  std::vector<ReportRow> out;
  if (is_period(query.by)) {
    for (std::size_t i = 0; i < query.periods.size(); ++i) {
      auto found = groups.find(fmt::format("{:06}", i));
      ReportRow row = found == groups.end() ? ReportRow{} : finish(found->second);
      row.period = i;
      out.push_back(row);
    }
  } else {
    for (auto& [key, expected] : groups) {
      out.push_back(finish(expected));
    }
  }
  ReportRow last = finish(total);
  last.total = true;
  out.push_back(last);
  return out;
}

std::string describe(const ReportRow& row) {
  const auto seconds = [](const std::optional<Seconds>& s) {
    return s ? std::to_string(s->count()) : std::string("null");
  };
  return fmt::format("{} p{} t{}: req {} reply {}/{} med {} p90 {} resolve {}/{} med {} open {} "
                     "overdue {}",
                     row.group.value_or("-"), row.period ? static_cast<long>(*row.period) : -1L,
                     row.total, row.requests, row.reply_met, row.reply_breached,
                     seconds(row.reply_median), seconds(row.reply_p90), row.resolve_met,
                     row.resolve_breached, seconds(row.resolve_median), row.open_now,
                     row.overdue_now);
}

void check_same(const std::vector<ReportRow>& actual, const std::vector<ReportRow>& expected) {
  std::string a;
  std::string e;
  for (const ReportRow& row : actual) {
    a += describe(row) + "\n";
  }
  for (const ReportRow& row : expected) {
    e += describe(row) + "\n";
  }
  INFO("actual:\n" << a << "expected:\n" << e);
  CHECK(actual == expected);
}

} // namespace

TEST_CASE("report: exact figures of a small history", "[report][store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_policy(make_policy("fast", hours{2}, hours{8}));
  store->add_client(NewClient{"Acme", std::string{"fast"}, {}, {}, std::string{"ann"}, {}});
  store->add_client(NewClient{"beta", std::string{"fast"}, {}, {}, {}, {}});
  store->add_client(NewClient{"Idle", std::string{"fast"}, {}, {}, {}, {}});
  const Instant t0 = utc(2026, 3, 2, 9); // Monday
  const Instant now = utc(2026, 3, 9, 12);
  // Acme #1: replied after 30m (met), resolved after 3h (met).
  const RequestId a1 = log(*store, "Acme", t0, now);
  event(*store, a1, EventKind::reply, t0 + minutes{30}, now);
  event(*store, a1, EventKind::resolve, t0 + hours{3}, now);
  // Acme #2: replied after 3h (breached), follow-up answered after 1h (met); open.
  const RequestId a2 = log(*store, "Acme", t0 + hours{24}, now);
  event(*store, a2, EventKind::reply, t0 + hours{27}, now);
  event(*store, a2, EventKind::message, t0 + hours{28}, now);
  event(*store, a2, EventKind::reply, t0 + hours{29}, now);
  // beta #3: never answered: reply breached at +2h (running), resolve breached at +8h; open and
  // overdue now.
  static_cast<void>(log(*store, "beta", t0 + hours{48}, now, std::string{"Bob"}));
  // beta #4, before the range: answered inside it after 4h (breached), still open.
  const RequestId b4 = log(*store, "beta", t0 - hours{2}, now, std::string{"bob"});
  event(*store, b4, EventKind::reply, t0 + hours{2}, now);

  const ReportQuery query = whole_range(ReportBy::client, t0, now, now);
  const std::vector<ReportRow> rows = store->report(query);
  REQUIRE(rows.size() == 3); // Idle has nothing to show
  ReportRow acme;
  acme.group = "Acme";
  acme.requests = 2;
  acme.reply_met = 2;
  acme.reply_breached = 1;
  acme.reply_median = hours{1}; // 30m, 1h, 3h
  acme.reply_p90 = hours{3};    // rank ceil(2.7) = 3
  acme.resolve_met = 1;         // #1 after 3h
  acme.resolve_breached = 1;    // #2 counts 8h at t0 + 32h, before now: running, breached
  acme.resolve_median = hours{3};
  acme.open_now = 1;
  acme.overdue_now = 1; // #2's resolve clock
  CHECK(rows[0] == acme);
  ReportRow beta;
  beta.group = "beta";
  beta.requests = 1;            // #4 came in before the range
  beta.reply_breached = 2;      // #3 running past its due time, #4 answered late
  beta.reply_median = hours{4}; // #4: received t0 - 2h, answered t0 + 2h
  beta.reply_p90 = hours{4};
  beta.resolve_breached = 2; // #3 and #4, both running past their due times
  beta.open_now = 2;
  beta.overdue_now = 2;
  CHECK(rows[1] == beta);
  ReportRow total;
  total.total = true;
  total.requests = 3;
  total.reply_met = 2;
  total.reply_breached = 3;
  total.reply_median = hours{1}; // 30m, 1h, 3h, 4h: rank ceil(2) = 2
  total.reply_p90 = hours{4};    // rank ceil(3.6) = 4
  total.resolve_met = 1;
  total.resolve_breached = 3;
  total.resolve_median = hours{3};
  total.open_now = 3;
  total.overdue_now = 3;
  CHECK(rows[2] == total);

  // By assignee: "Bob" and "bob" are one group; ann (Acme's owner) is the default assignee.
  const std::vector<ReportRow> by_assignee =
      store->report(whole_range(ReportBy::assignee, t0, now, now));
  REQUIRE(by_assignee.size() == 3);
  CHECK(by_assignee[0].group == "ann");
  CHECK(by_assignee[0].requests == 2);
  REQUIRE(by_assignee[1].group.has_value());
  CHECK(ascii_lower(*by_assignee[1].group) == "bob");
  CHECK(by_assignee[1].open_now == 2);
  CHECK(by_assignee[2].total);
}

TEST_CASE("report: an empty database has only a total of zeros", "[report][store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  const Instant from = utc(2026, 3, 1);
  const Instant to = utc(2026, 3, 4);
  for (const ReportBy by :
       {ReportBy::client, ReportBy::assignee, ReportBy::priority, ReportBy::channel}) {
    const std::vector<ReportRow> rows = store->report(whole_range(by, from, to, to));
    REQUIRE(rows.size() == 1);
    ReportRow zero;
    zero.total = true;
    CHECK(rows[0] == zero);
  }
  const std::vector<ReportRow> days = store->report(whole_range(ReportBy::day, from, to, to));
  REQUIRE(days.size() == 4);
  for (std::size_t i = 0; i < 3; ++i) {
    ReportRow zero;
    zero.period = i;
    CHECK(days[i] == zero);
  }
  CHECK(days[3].total);
  CHECK_THROWS_AS(store->report(ReportQuery{}), Error);
}

TEST_CASE("report: every grouping equals a reference computed from the clock runs",
          "[report][store]") {
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  CalendarRules office;
  office.name = "office";
  office.zone = "Europe/London";
  office.hours = parse_hours("mon-fri 09:00-12:30 13:30-17:00");
  store->add_calendar(office);
  store->add_policy(make_policy("fast", hours{2}, hours{12}));
  store->add_policy(make_policy("biz", hours{3}, hours{16}, "office"));
  store->add_client(NewClient{"Acme", std::string{"fast"}, {}, {}, std::string{"ann"}, {}});
  store->add_client(NewClient{"bloom", std::string{"biz"}, {}, {}, {}, {}});
  store->add_client(
      NewClient{"Corp", {}, {}, {}, std::string{"Bob"}, {}}); // default: 24h, no resolve

  std::mt19937 random(20260329);
  const Instant start = utc(2026, 3, 20);
  const Instant now = utc(2026, 4, 6, 15, 7);
  const std::vector<std::string> clients{"Acme", "bloom", "Corp"};
  const std::vector<std::optional<std::string>> assignees{std::nullopt, std::string{"ann"},
                                                          std::string{"bob"}, std::string{"Cy"}};
  const std::vector<EventKind> kinds{EventKind::reply,  EventKind::reply,   EventKind::message,
                                     EventKind::pause,  EventKind::resume,  EventKind::resolve,
                                     EventKind::reopen, EventKind::resolve, EventKind::reply};
  const auto pick = [&random](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  for (int i = 0; i < 120; ++i) {
    Instant at = start + minutes{std::uniform_int_distribution<int>(0, 17 * 24 * 60)(random)};
    const RequestId id =
        log(*store, clients[pick(clients.size())], at, now, assignees[pick(assignees.size())],
            static_cast<Priority>(pick(4)), static_cast<Channel>(pick(7)));
    const std::size_t events = pick(6);
    for (std::size_t e = 0; e < events; ++e) {
      at += minutes{std::uniform_int_distribution<int>(1, 30 * 60)(random)};
      if (at > now) {
        break;
      }
      try {
        event(*store, id, kinds[pick(kinds.size())], at, now);
      } catch (const Error&) {
        // an event that cannot be at that time (pause of a resolved request...): skipped
      }
    }
  }
  const slatrack::Zone& zone = find_zone("Europe/London");
  for (const auto& [from, to] : {std::pair{utc(2026, 3, 25, 10), utc(2026, 4, 3, 16)},
                                 std::pair{start - hours{24}, now + hours{48}},
                                 std::pair{utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 23)}}) {
    for (const ReportBy by : {ReportBy::client, ReportBy::assignee, ReportBy::priority,
                              ReportBy::channel, ReportBy::day, ReportBy::week, ReportBy::month}) {
      ReportQuery query;
      query.by = by;
      query.periods = report_periods(zone, from, to, by);
      query.now = now;
      INFO("by " << to_string(by) << " from " << from.time_since_epoch().count() << " to "
                 << to.time_since_epoch().count());
      check_same(store->report(query), reference(*store, query));
    }
  }
}

TEST_CASE("report: open times past 4 bytes, and clocks of requests received before the range",
          "[report][store]") {
  // The store keeps open times in 4 bytes while they fit and reads again with 8 when one does
  // not: a request received in 1860 and answered in 2026 took more than 2^32 s on 24x7.
  const std::unique_ptr<Store> store = open_sqlite_store(":memory:");
  store->add_client(NewClient{"Old", {}, {}, {}, {}, {}}); // default: 24x7, reply 24h
  const Instant now = utc(2026, 1, 2);
  const Instant old_at = utc(1860, 1, 1);
  const Instant answered = utc(2026, 1, 1, 12);
  const RequestId old = log(*store, "Old", old_at, now);
  event(*store, old, EventKind::reply, answered, now);
  const RequestId quick = log(*store, "Old", utc(2026, 1, 1, 9), now);
  event(*store, quick, EventKind::reply, utc(2026, 1, 1, 9, 30), now);
  const Seconds long_wait = std::chrono::duration_cast<Seconds>(answered - old_at);
  REQUIRE(long_wait.count() > 4294967295);
  for (const ReportBy by : {ReportBy::client, ReportBy::day}) {
    const std::vector<ReportRow> rows =
        store->report(whole_range(by, utc(2026, 1, 1), utc(2026, 1, 2), now));
    REQUIRE(!rows.empty());
    const ReportRow& total = rows.back();
    CHECK(total.requests == 1); // the old one came in long before the range
    CHECK(total.reply_met == 1);
    CHECK(total.reply_breached == 1);
    CHECK(total.reply_median == Seconds{1800}); // of 30m and the long wait: rank 1
    CHECK(total.reply_p90 == long_wait);        // rank 2
    CHECK(rows.front().reply_p90 == long_wait);
    INFO("by " << to_string(by));
    check_same(rows, reference(*store, whole_range(by, utc(2026, 1, 1), utc(2026, 1, 2), now)));
  }
}

TEST_CASE("report reads each fact from one index range", "[report][store]") {
  char pattern[] = "/tmp/slatrack-report-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  const std::string path = std::string(pattern) + "/slatrack.db";
  static_cast<void>(open_sqlite_store(path));
  {
    sqlite::Database db(path, SQLITE_OPEN_READWRITE);
    for (const ReportBy by : {ReportBy::client, ReportBy::assignee, ReportBy::priority,
                              ReportBy::channel, ReportBy::day, ReportBy::week, ReportBy::month}) {
      const std::vector<store::ReportStatement> statements = store::report_statements(by);
      REQUIRE(statements.size() == 4);
      // Each statement's plan: one index range; for the requests received and the clocks a
      // covering one, so no row of requests or clocks is read for them.
      const std::array<std::string, 4> expected{
          "SEARCH r USING COVERING INDEX requests_by_received (received_at>? AND received_at<?)\n",
          "SEARCH k USING COVERING INDEX clocks_stopped (metric=? AND stop_at>? AND stop_at<?)\n",
          "SEARCH k USING COVERING INDEX clocks_running (metric=? AND due_at>? AND due_at<?)\n",
          "SEARCH r USING INDEX requests_by_status (status=?)\n"};
      for (std::size_t i = 0; i < statements.size(); ++i) {
        sqlite::Statement plan(db, "EXPLAIN QUERY PLAN " + statements[i].sql);
        sqlite::Statement::Use use = plan.use();
        std::string details;
        while (use.step()) {
          details += use.text(3) + "\n";
        }
        INFO("by " << to_string(by) << ", statement " << i << ":\n" << statements[i].sql);
        CHECK(details == expected[i]);
        sqlite::Statement columns(db, statements[i].sql);
        CHECK(sqlite3_column_count(columns.get()) == statements[i].columns);
      }
    }
  }
  std::filesystem::remove_all(pattern);
}
