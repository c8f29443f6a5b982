// Store contract (store_contract.hpp): list --search (every word the start of a word of the
// subject, ref or an event's text, case and diacritics folded as FTS5's unicode61 folds them) and
// the report's grouping where a backend reads rows its own way (assignees differing in case, a
// clock run of a request received before the range, periods).
#include "slatrack/error.hpp"
#include "slatrack/report.hpp"
#include "slatrack/store.hpp"
#include "slatrack/zone.hpp"
#include "store_contract.hpp"
#include "system/zone_files.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace slatrack;
using slatrack::testing::utc;
using std::chrono::hours;

namespace {

const Instant k_start = utc(2026, 11, 2, 9, 0); // a Monday

NewRequest request(std::string client, std::string subject, Instant at, Instant now) {
  NewRequest out;
  out.client = std::move(client);
  out.subject = std::move(subject);
  out.at = at;
  out.now = now;
  out.author = "me";
  return out;
}

NewEvent event(RequestId id, EventKind kind, Instant at, Instant now,
               std::optional<std::string> text = std::nullopt) {
  NewEvent out;
  out.id = id;
  out.kind = kind;
  out.at = at;
  out.now = now;
  out.author = "me";
  out.text = std::move(text);
  return out;
}

std::vector<std::int64_t> search(Store& store, std::vector<std::string> words,
                                 std::vector<Status> statuses = {}) {
  RequestFilter filter;
  filter.search = std::move(words);
  filter.statuses = std::move(statuses);
  std::vector<std::int64_t> out;
  for (const Request& found : store.list_requests(filter)) {
    out.push_back(found.id.value);
  }
  return out;
}

using Ids = std::vector<std::int64_t>;

} // namespace

STORE_CONTRACT("list --search keeps the requests with every word at the start of a word",
               "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant now = k_start + hours{48};
  NewRequest with_ref = request("Acme", "Café order INV-1042", k_start, now);
  with_ref.ref = "PO-77";
  const RequestId a = store.log_request(with_ref).request.id;
  const RequestId b = store.log_request(request("Acme", "Login broken", k_start, now)).request.id;
  static_cast<void>(store.add_event(
      event(b, EventKind::note, k_start + hours{1}, now, std::string{"Called the ZÜRICH office"})));
  const RequestId c = store.log_request(request("Acme", "Order again", k_start, now)).request.id;
  static_cast<void>(store.add_event(event(c, EventKind::resolve, k_start + hours{2}, now)));

  CHECK(search(store, {"cafe"}) == Ids{a.value}); // diacritics and case folded
  CHECK(search(store, {"CAFÉ"}) == Ids{a.value});
  CHECK(search(store, {"inv-10"}) == Ids{a.value}); // tokens in a row, the last a prefix
  CHECK(search(store, {"inv-2"}).empty());
  CHECK(search(store, {"1042"}) == Ids{a.value});
  CHECK(search(store, {"po-7"}) == Ids{a.value});         // the ref
  CHECK(search(store, {"rder"}).empty());                 // not the start of a word
  CHECK(search(store, {"ord"}) == Ids{a.value, c.value}); // every status
  CHECK(search(store, {"ord"}, {Status::open}) == Ids{a.value});
  CHECK(search(store, {"zur"}) == Ids{b.value});             // an event's text
  CHECK(search(store, {"login", "zurich"}) == Ids{b.value}); // every word, anywhere in it
  CHECK(search(store, {"login", "cafe"}).empty());
  CHECK(search(store, {"order", "po"}) == Ids{a.value});
  CHECK(search(store, {"broken office"}).empty()); // a phrase across two texts
  CHECK(search(store, {"nothing"}).empty());
}

STORE_CONTRACT("report groups assignees ignoring case and counts runs of earlier requests",
               "[store]") {
  Store& store = backend.store();
  store.add_client(NewClient{"Acme", {}, {}, {}, {}, {}});
  const Instant now = k_start + hours{24 * 10};
  // Received before the range, replied in it: counted in its assignee's group.
  NewRequest early = request("Acme", "early", k_start - hours{24 * 3}, now);
  early.assignee = "bob";
  const RequestId e = store.log_request(early).request.id;
  static_cast<void>(store.add_event(event(e, EventKind::reply, k_start + hours{1}, now)));
  NewRequest upper = request("Acme", "upper", k_start + hours{2}, now);
  upper.assignee = "Ann";
  const RequestId u = store.log_request(upper).request.id;
  static_cast<void>(store.add_event(event(u, EventKind::reply, k_start + hours{3}, now)));
  NewRequest lower = request("Acme", "lower", k_start + hours{24}, now);
  lower.assignee = "ann";
  static_cast<void>(store.log_request(lower));
  static_cast<void>(store.log_request(request("Acme", "nobody", k_start + hours{25}, now)));

  ReportQuery query;
  query.by = ReportBy::assignee;
  query.periods = report_periods(find_zone("UTC"), k_start, now, ReportBy::assignee);
  query.now = now;
  const std::vector<ReportRow> rows = store.report(query);
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].group == "Ann"); // the smallest spelling
  CHECK(rows[0].requests == 2);
  CHECK(rows[0].reply_met == 1);
  CHECK(rows[0].reply_breached == 1);
  CHECK(rows[0].open_now == 2);
  CHECK(rows[1].group == "bob");
  CHECK(rows[1].requests == 0);
  CHECK(rows[1].reply_met == 0);
  CHECK(rows[1].reply_breached == 1); // replied after 73 hours
  CHECK(rows[1].reply_median == Seconds{hours{24 * 3 + 1}});
  CHECK(rows[1].open_now == 1);
  CHECK_FALSE(rows[2].group.has_value()); // nobody, last
  CHECK(rows[2].requests == 1);
  CHECK(rows[3].total);
  CHECK(rows[3].requests == 3);
  CHECK(rows[3].reply_met + rows[3].reply_breached == 4);
  CHECK(rows[3].open_now == 4);

  query.by = ReportBy::day;
  query.periods = report_periods(find_zone("UTC"), k_start, now, ReportBy::day);
  const std::vector<ReportRow> days = store.report(query);
  REQUIRE(days.size() == query.periods.size() + 1);
  CHECK(days[0].requests == 1);  // upper
  CHECK(days[0].reply_met == 1); // upper's reply; early's breached reply
  CHECK(days[0].reply_breached == 1);
  CHECK(days[0].open_now == 1);
  CHECK(days[1].requests == 2);
  CHECK(days[1].open_now == 2);
  CHECK(days.back().open_now == 4); // the total counts early, received before the range
}
