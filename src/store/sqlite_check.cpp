// Why this file: `check` must find what the store's own write path would never notice: a damaged
// file, a dangling reference, or derived state (status, due times, clock runs) that no longer
// equals evaluate() of the events. It recomputes everything from the events independently of the
// cached columns and streams: three ordered cursors (requests, events, clocks) read side by side.
#include "store/sqlite_check.hpp"

#include "slatrack/calendar.hpp"
#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/history.hpp"
#include "slatrack/model.hpp"
#include "store/check_compare.hpp"
#include "store/reevaluation.hpp"
#include "store/values.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>
#include <string_view>
#include <vector>

namespace slatrack::store {

namespace {

using sqlite::Statement;
using Use = sqlite::Statement::Use;

// Re-evaluates every request and compares (see check_database); calls `say` per problem.
void check_derived(sqlite::Database& db, const RulesSource& rules, CheckReport& report,
                   const std::function<void(const std::string&)>& say);

} // namespace

CheckReport check_database(sqlite::Database& db, const RulesSource& rules,
                           const std::function<void(const std::string&)>& problem) {
  CheckReport report;
  const auto say = [&](const std::string& line) {
    ++report.problems;
    problem(line);
  };
  // A damaged file can make any step fail: what was found so far is reported, then the failure.
  try {
    Statement integrity(db, "PRAGMA integrity_check");
    Use use = integrity.use();
    while (use.step()) {
      const std::string text = use.text(0);
      if (text == "ok") {
        continue;
      }
      std::size_t start = 0;
      while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        if (end > start) {
          say(fmt::format("integrity: {}", text.substr(start, end - start)));
        }
        start = end + 1;
      }
    }
  } catch (const Error& error) {
    say(fmt::format("integrity: {}", error.what()));
  }
  try {
    Statement foreign(db, "PRAGMA foreign_key_check");
    Use use = foreign.use();
    while (use.step()) {
      say(fmt::format("foreign key: {} row {} refers to a missing {} row", use.text(0),
                      check_value(use.optional_integer(1)), use.text(2)));
    }
  } catch (const Error& error) {
    say(fmt::format("foreign key: {}", error.what()));
  }
  try {
    check_derived(db, rules, report, say);
  } catch (const Error& error) {
    say(fmt::format("derived state: {}", error.what()));
  }
  return report;
}

namespace {

void check_derived(sqlite::Database& db, const RulesSource& rules, CheckReport& report,
                   const std::function<void(const std::string&)>& say) {

  Statement requests(db, R"sql(SELECT id, policy_id, priority, status, received_at, replied_at,
  resolved_at, reply_due_at, update_due_at, resolve_due_at, next_due_at, next_metric, voided_by,
  version_id
FROM requests ORDER BY id)sql");
  // Every event: void and unvoid events decide which others count (include/slatrack/history.hpp).
  Statement events(db, "SELECT request_id, kind, at, id, number, target, voided_by FROM events "
                       "ORDER BY request_id, at, id");
  Statement clocks(db, "SELECT request_id, metric, start_at, due_at, stop_at, outcome, target_s, "
                       "used_s, credit_s FROM clocks ORDER BY request_id, seq");
  Use request_rows = requests.use();
  Use event_rows = events.use();
  Use clock_rows = clocks.use();
  bool event_ready = event_rows.step();
  bool clock_ready = clock_rows.step();
  std::vector<RecordedEvent> request_events;
  std::vector<std::optional<std::int64_t>> stored_marks;
  std::vector<ClockRow> stored_clocks;
  while (request_rows.step()) {
    const std::int64_t id = request_rows.integer(0);
    ++report.requests;
    request_events.clear();
    stored_marks.clear();
    stored_clocks.clear();
    // Rows of requests that do not exist (reported by foreign_key_check) are skipped.
    while (event_ready && event_rows.integer(0) <= id) {
      if (event_rows.integer(0) == id) {
        const std::string kind = event_rows.text(1);
        const std::optional<EventKind> parsed = event_kind_from(kind);
        if (!parsed) {
          say(fmt::format("#{}: event {} has an unknown kind \"{}\"", id, event_rows.integer(3),
                          kind));
        } else {
          request_events.push_back(RecordedEvent{*parsed, Instant{Seconds{event_rows.integer(2)}},
                                                 event_rows.integer(3), event_rows.integer(4),
                                                 event_rows.optional_integer(5)});
          stored_marks.push_back(event_rows.optional_integer(6));
        }
      }
      event_ready = event_rows.step();
    }
    while (clock_ready && clock_rows.integer(0) <= id) {
      if (clock_rows.integer(0) == id) {
        stored_clocks.push_back(
            ClockRow{clock_rows.text(1), clock_rows.integer(2), clock_rows.optional_integer(3),
                     clock_rows.optional_integer(4), clock_rows.text(5), clock_rows.integer(6),
                     clock_rows.integer(7), clock_rows.integer(8)});
      }
      clock_ready = clock_rows.step();
    }

    const std::string priority_text = request_rows.text(2);
    const std::optional<Priority> priority = priority_from(priority_text);
    if (!priority) {
      say(fmt::format("#{}: unknown priority \"{}\"", id, priority_text));
      continue;
    }
    VersionedHistory versioned;
    try {
      versioned = evaluate_versioned(request_events, *priority, request_rows.integer(1),
                                     Instant{Seconds{request_rows.integer(4)}}, rules);
    } catch (const Error& error) {
      say(fmt::format("#{}: {}", id, error.what()));
      continue;
    }
    std::vector<std::string> marks;
    for (std::size_t i = 0; i < request_events.size(); ++i) {
      const std::optional<std::int64_t> expected =
          versioned.history.marks.voided_by(request_events[i].number);
      if (stored_marks[i] != expected) {
        marks.push_back(fmt::format("event {} voided_by stored {} expected {}",
                                    request_events[i].number, check_value(stored_marks[i]),
                                    check_value(expected)));
      }
    }
    const Derived stored{request_rows.text(3),
                         request_rows.integer(4),
                         request_rows.optional_integer(5),
                         request_rows.optional_integer(6),
                         request_rows.optional_integer(7),
                         request_rows.optional_integer(8),
                         request_rows.optional_integer(9),
                         request_rows.optional_integer(10),
                         request_rows.optional_text(11),
                         request_rows.optional_integer(12),
                         request_rows.integer(13)};
    const std::vector<std::string> differences =
        derived_differences(stored, derived_state(versioned, stored.received_at), marks,
                            versioned.history.evaluation, stored_clocks);
    if (!differences.empty()) {
      say(difference_line(id, differences));
    }
  }
}

} // namespace

} // namespace slatrack::store
