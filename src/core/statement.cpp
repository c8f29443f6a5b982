// Why this file: the statement's totals must be the figures of `report --client` for the same
// range (docs/reports.md), so its counting rules are the report's, applied to one client's clock
// runs: a clock counts in the range in which it stopped, or, still running and already breached,
// in which it was due. The words of the promises are here too, so that every format says the same.
#include "slatrack/statement.hpp"

#include "slatrack/report.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace slatrack {

namespace {

constexpr std::int32_t k_minutes_per_day = 1440;

std::string count_words(std::int64_t count, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", count, count == 1 ? one : many);
}

bool in(Instant t, Instant from, Instant to) {
  return t >= from && t < to;
}

} // namespace

bool always_open(const CalendarRules& calendar) {
  if (!calendar.holidays.empty()) {
    return false;
  }
  return std::all_of(calendar.hours.days.begin(), calendar.hours.days.end(),
                     [](const std::vector<OpenInterval>& day) {
                       return day.size() == 1 && day[0].begin == 0
                              && day[0].end == k_minutes_per_day;
                     });
}

std::string duration_words(const Target& target, bool business_hours) {
  if (target.in_business_days()) {
    return count_words(target.business_days, "business day", "business days");
  }
  const std::int64_t minutes = target.time.count() / 60;
  if (!business_hours && minutes > 0 && minutes % k_minutes_per_day == 0) {
    return count_words(minutes / k_minutes_per_day, "day", "days");
  }
  const std::int64_t hours = minutes / 60;
  const std::int64_t rest = minutes % 60;
  const std::string_view hour = business_hours ? "business hour" : "hour";
  const std::string_view hours_name = business_hours ? "business hours" : "hours";
  if (hours == 0) {
    return business_hours ? count_words(rest, "business minute", "business minutes")
                          : count_words(rest, "minute", "minutes");
  }
  std::string out = count_words(hours, hour, hours_name);
  if (rest != 0) {
    out += " " + count_words(rest, "minute", "minutes");
  }
  return out;
}

std::string promise_words(const Targets& targets, bool business_hours) {
  std::string out = "we reply within " + duration_words(targets.reply, business_hours);
  if (targets.update) {
    out += "; we keep you posted at least every " + duration_words(*targets.update, business_hours);
  }
  if (targets.resolve) {
    out += "; we resolve within " + duration_words(*targets.resolve, business_hours);
  }
  return out;
}

Statement make_statement(const StatementInput& input) {
  Statement out;
  out.client = input.client;
  out.calendar = input.calendar;
  out.business_hours = !always_open(input.calendar);
  out.promises.push_back(PromiseText{std::nullopt, input.policy.base,
                                     promise_words(input.policy.base, out.business_hours)});
  for (const auto& [priority, override_] : input.policy.overrides) {
    const Targets targets = targets_for(input.policy, priority);
    if (targets != input.policy.base) {
      out.promises.push_back(
          PromiseText{priority, targets, promise_words(targets, out.business_hours)});
    }
  }
  const Instant breached_until = std::min(input.to, input.now);
  std::vector<Seconds> reply_times;
  std::vector<Seconds> resolve_times;
  out.lines.reserve(input.requests.size());
  for (const StatementRequest& item : input.requests) {
    const Request& request = item.request;
    StatementLine line;
    line.id = request.id;
    line.subject = request.subject;
    line.priority = request.priority;
    line.status = request.status;
    line.received = request.received_at;
    line.logged = in(request.received_at, input.from, input.to);
    line.next = request.next;
    line.overdue = request.next && request.next->due < input.now;
    line.resolved_at = request.resolved_at;
    for (const ClockRun& run : item.clocks) {
      Kept* kept = run.metric == Metric::reply    ? &line.reply
                   : run.metric == Metric::update ? &line.update
                                                  : &line.resolve;
      if (run.stop && in(*run.stop, input.from, input.to)) {
        kept->met += run.outcome == Outcome::met ? 1 : 0;
        kept->breached += run.outcome == Outcome::breached ? 1 : 0;
        if (run.metric == Metric::reply) {
          reply_times.push_back(run.used);
          out.replies.push_back(
              ReplyTime{request.id, *run.stop, run.used, run.target, run.outcome == Outcome::met});
        } else if (run.metric == Metric::resolve) {
          resolve_times.push_back(run.used);
          line.resolve_time = run.used;
        }
      } else if (!run.stop && run.outcome == Outcome::running && run.due
                 && in(*run.due, input.from, breached_until)) {
        ++kept->breached;
      }
    }
    const bool open = request.status != Status::resolved;
    if (!line.logged && line.reply.all() == 0 && line.update.all() == 0 && line.resolve.all() == 0
        && !open) {
      continue;
    }
    out.logged += line.logged ? 1 : 0;
    for (auto [total, part] :
         {std::pair{&out.reply, &line.reply}, std::pair{&out.update, &line.update},
          std::pair{&out.resolve, &line.resolve}}) {
      total->met += part->met;
      total->breached += part->breached;
    }
    out.open_now += open ? 1 : 0;
    out.overdue_now += open && line.overdue ? 1 : 0;
    out.lines.push_back(std::move(line));
  }
  std::sort(out.lines.begin(), out.lines.end(),
            [](const StatementLine& a, const StatementLine& b) { return a.id.value < b.id.value; });
  std::sort(out.replies.begin(), out.replies.end(), [](const ReplyTime& a, const ReplyTime& b) {
    return a.stopped != b.stopped ? a.stopped < b.stopped : a.id.value < b.id.value;
  });
  out.reply_median = percentile(reply_times, 50);
  out.reply_p90 = percentile(reply_times, 90);
  out.resolve_median = percentile(std::move(resolve_times), 50);
  return out;
}

} // namespace slatrack
