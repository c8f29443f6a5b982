// The client's statement (`slatrack statement`, docs/reports.md): what the owner sends a client for
// a monthly review. The promises in force in words, how many were kept in total and per request,
// the medians against the targets, and what is still open. Pure: the store gives the client's
// requests with their clock runs, these functions count and word them, the CLI formats them.
#pragma once

#include "slatrack/calendar.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/model.hpp"
#include "slatrack/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace slatrack {

// One of the client's requests: its derived state, the targets it is judged by and its clock runs.
struct StatementRequest {
  Request request;
  Targets targets;
  std::vector<ClockRun> clocks;
};

// What the store reads for a statement of [from, to) at `now`.
struct StatementInput {
  std::string client; // the name as stored
  Policy policy;      // the client's policy
  CalendarRules calendar;
  Instant from;
  Instant to;
  Instant now;
  // At least every request of the client received in [from, to), with a clock stopped in it or a
  // running clock due in it, or not resolved now; in any order (others are left out).
  std::vector<StatementRequest> requests;
};

// Promises kept and broken.
struct Kept {
  std::int64_t met = 0;
  std::int64_t breached = 0;
  [[nodiscard]] std::int64_t all() const {
    return met + breached;
  }
  friend bool operator==(const Kept&, const Kept&) = default;
};

// One request on the statement.
struct StatementLine {
  RequestId id;
  std::string subject;
  Priority priority = Priority::normal;
  Status status = Status::open; // now
  Instant received;
  bool logged = false; // received in the range
  // The clocks counted in the range, as `report` counts them: a clock stopped in the range (met or
  // breached), or still running, due in the range and before now (breached).
  Kept reply;
  Kept update;
  Kept resolve;
  std::optional<Seconds> resolve_time; // open time to resolution, when resolved in the range
  std::optional<NextDue> next;         // not resolved: the running clock due first
  bool overdue = false;                // next->due < now
  std::optional<Instant> resolved_at;  // when resolved (now)
};

// One reply clock stopped in the range, for the chart.
struct ReplyTime {
  RequestId id;
  Instant stopped;
  Seconds used{0}; // open time on the request's calendar
  Target target;   // the request's reply target
  bool met = false;
};

// The promises of one priority, or of all (priority nullopt), in words.
struct PromiseText {
  std::optional<Priority> priority;
  Targets targets;
  std::string words; // "we reply within 2 business hours; we resolve within 40 business hours"
};

struct Statement {
  std::string client;
  CalendarRules calendar;            // the client's policy's calendar
  bool business_hours = false;       // targets count open hours of a business calendar
  std::vector<PromiseText> promises; // all priorities first, then the priorities that differ
  std::int64_t logged = 0;
  Kept reply;
  Kept update;
  Kept resolve;
  std::optional<Seconds> reply_median; // of the reply clocks stopped in the range
  std::optional<Seconds> reply_p90;
  std::optional<Seconds> resolve_median; // of the resolve clocks stopped in the range
  std::int64_t open_now = 0;
  std::int64_t overdue_now = 0;
  std::vector<StatementLine> lines; // by number: logged, counted or open now
  std::vector<ReplyTime> replies;   // by time stopped
};

// Whether a calendar is open at every instant (no hours closed, no holidays): its targets are then
// plain hours ("within 2 hours"), else business hours.
[[nodiscard]] bool always_open(const CalendarRules& calendar);

// "2 hours", "1 hour 30 minutes", "45 minutes", "3 days" (whole days of real time, only when not
// business hours); with business hours "2 business hours", "37 business hours 30 minutes"; a
// target in business days "2 business days".
[[nodiscard]] std::string duration_words(const Target& target, bool business_hours);

// "we reply within 2 business hours; we keep you posted at least every 4 business hours; we
// resolve within 40 business hours" (the update and resolve parts only when there is a target).
[[nodiscard]] std::string promise_words(const Targets& targets, bool business_hours);

// The statement of `input`: counts and medians as `report --client` gives them for the same
// range and now (the same rules; tested), the lines by number.
[[nodiscard]] Statement make_statement(const StatementInput& input);

} // namespace slatrack
