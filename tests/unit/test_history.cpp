#include "slatrack/calendar.hpp"
#include "slatrack/history.hpp"

#include <catch2/catch.hpp>
#include <chrono>

using namespace slatrack;
using std::chrono::hours;

namespace {

HistoryEntry entry(std::int64_t number, EventKind kind,
                   std::optional<std::int64_t> target = std::nullopt) {
  return HistoryEntry{number, kind, target};
}

} // namespace

TEST_CASE("void marks: a void event voids its target, an unvoid takes it back", "[history]") {
  std::vector<HistoryEntry> entries{entry(1, EventKind::message), entry(2, EventKind::reply),
                                    entry(3, EventKind::void_event, 2)};
  VoidMarks marks = void_marks(entries);
  CHECK(marks.voided_by(2) == std::optional<std::int64_t>{3});
  CHECK_FALSE(marks.voided_by(1));
  CHECK_FALSE(marks.voided_by(3));
  CHECK_FALSE(marks.request);
  entries.push_back(entry(4, EventKind::unvoid, 2));
  marks = void_marks(entries);
  CHECK_FALSE(marks.voided_by(2));
  // Void again: the last mark that counts decides.
  entries.push_back(entry(5, EventKind::void_event, 2));
  CHECK(void_marks(entries).voided_by(2) == std::optional<std::int64_t>{5});
}

TEST_CASE("void marks: a void of a void (undo) restores what it voided", "[history]") {
  std::vector<HistoryEntry> entries{entry(1, EventKind::message),
                                    entry(2, EventKind::void_event, k_whole_request)};
  CHECK(void_marks(entries).request == std::optional<std::int64_t>{2});
  entries.push_back(entry(3, EventKind::void_event, 2)); // undo of the void
  VoidMarks marks = void_marks(entries);
  CHECK_FALSE(marks.request);
  CHECK(marks.voided_by(2) == std::optional<std::int64_t>{3});
  entries.push_back(entry(4, EventKind::void_event, 3)); // undo of the undo
  marks = void_marks(entries);
  CHECK(marks.request == std::optional<std::int64_t>{2});
  CHECK(marks.voided_by(3) == std::optional<std::int64_t>{4});
}

TEST_CASE("void marks: any order in, targets only to earlier events", "[history]") {
  const std::vector<HistoryEntry> entries{entry(3, EventKind::void_event, 2),
                                          entry(1, EventKind::message),
                                          entry(4, EventKind::void_event, 9), // later: ignored
                                          entry(2, EventKind::note)};
  const VoidMarks marks = void_marks(entries);
  CHECK(marks.voided_by(2) == std::optional<std::int64_t>{3});
  CHECK_FALSE(marks.voided_by(9));
  CHECK_FALSE(marks.voided_by(4));
}

TEST_CASE("evaluate_history: void events do not count, a void request has no clocks", "[history]") {
  const Instant t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 23}};
  const AlwaysOpen clock;
  const Targets targets{hours{2}, std::nullopt, std::nullopt};
  std::vector<RecordedEvent> events{
      RecordedEvent{EventKind::message, t0, 1, 1, std::nullopt},
      RecordedEvent{EventKind::reply, t0 + hours{1}, 2, 2, std::nullopt},
      RecordedEvent{EventKind::void_event, t0 + hours{3}, 3, 3, 2},
  };
  HistoryEvaluation result = evaluate_history(events, targets, clock);
  CHECK_FALSE(result.evaluation.replied_at);
  CHECK(result.evaluation.reply_due == std::optional<Instant>{t0 + hours{2}});
  CHECK(result.evaluation.clocks.size() == 1);
  events.push_back(RecordedEvent{EventKind::void_event, t0 + hours{4}, 4, 4, k_whole_request});
  result = evaluate_history(events, targets, clock);
  CHECK(result.marks.request == std::optional<std::int64_t>{4});
  CHECK(result.evaluation.clocks.empty());
  CHECK_FALSE(result.evaluation.reply_due);
  CHECK(result.evaluation.received_at == std::optional<Instant>{t0});
}
