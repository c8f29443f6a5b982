// What the Store contract suite's tests share: messages of errors, the whole store as text, and
// the derived state recomputed with the core (store_contract.hpp).
#include "store_contract.hpp"

#include "slatrack/calendar.hpp"
#include "slatrack/history.hpp"
#include "system/zone_files.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <map>
#include <optional>

namespace slatrack::testing {

namespace {

std::string text(const std::optional<std::string>& value) {
  return value ? fmt::format("\"{}\"", *value) : "-";
}

std::string text(const std::optional<Instant>& value) {
  return value ? std::to_string(value->time_since_epoch().count()) : "-";
}

std::string text(const Target& target) {
  return target.in_business_days() ? fmt::format("{}bd", target.business_days)
                                   : fmt::format("{}s", target.time.count());
}

std::string text(const std::optional<Target>& target) {
  return target ? text(*target) : "-";
}

std::string text(const Targets& targets) {
  return fmt::format("{}/{}/{}", text(targets.reply), text(targets.update), text(targets.resolve));
}

std::string text(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "-";
}

std::string text(const ClockRun& run) {
  return fmt::format("{} {}..{} due {} {} target {} used {} credit {}", to_string(run.metric),
                     text(std::optional<Instant>{run.start}), text(run.stop), text(run.due),
                     to_string(run.outcome), text(run.target), run.used.count(),
                     run.credit.count());
}

std::string text(const Request& r) {
  return fmt::format(
      "#{} client {} subject \"{}\" {} {} {} assignee {} policy {} calendar {} ref {} "
      "received {} replied {} resolved {} due {}/{}/{} next {}",
      r.id.value, r.client, r.subject, to_string(r.channel), to_string(r.priority),
      to_string(r.status), text(r.assignee), r.policy, r.calendar, text(r.ref),
      text(std::optional<Instant>{r.received_at}), text(r.replied_at), text(r.resolved_at),
      text(r.reply_due), text(r.update_due), text(r.resolve_due),
      r.next ? fmt::format("{} {}", to_string(r.next->metric),
                           text(std::optional<Instant>{r.next->due}))
             : "-");
}

} // namespace

std::string message_of(const std::function<void()>& action, ErrorKind kind) {
  try {
    action();
  } catch (const Error& error) {
    CHECK(static_cast<int>(error.kind()) == static_cast<int>(kind));
    return error.what();
  }
  FAIL("no Error thrown");
  return {};
}

std::string describe_store(Store& store) {
  std::string out;
  for (const Calendar& calendar : store.calendars()) {
    out += fmt::format("calendar {} {} {} builtin {}\n", calendar.rules.name, calendar.rules.zone,
                       format_hours(calendar.rules.hours), calendar.builtin);
    for (const Holiday& day : calendar.rules.holidays) {
      out += fmt::format("  holiday {} {}\n", format_holiday_date(day), day.name);
    }
  }
  for (const Policy& policy : store.policies()) {
    out += fmt::format("policy {} builtin {}\n", policy.name, policy.builtin);
    for (const PolicyVersion& version : policy.versions) {
      out += fmt::format("  from {} {} {}\n", text(version.from), version.calendar,
                         text(version.base));
      for (const auto& [priority, override] : version.overrides) {
        out += fmt::format("    {} {}/{}/{}\n", to_string(priority), text(override.reply),
                           text(override.update), text(override.resolve));
      }
    }
  }
  for (const Client& client : store.clients()) {
    out += fmt::format("client {} {} [{}] [{}] {} {} {}/{}\n", client.name, client.policy,
                       fmt::join(client.emails, " "), fmt::join(client.domains, " "),
                       text(client.owner), text(client.note), client.open_requests,
                       client.total_requests);
  }
  store.export_requests([&](const RequestDetail& detail) {
    out +=
        text(detail.request)
        + fmt::format(" targets {} voided by {}\n", text(detail.targets), text(detail.voided_by));
    for (const Event& event : detail.events) {
      out += fmt::format("  event {} {} at {} by {} text {} recorded {} by {} target {} voided by "
                         "{}\n",
                         event.number, to_string(event.kind),
                         text(std::optional<Instant>{event.at}), event.author, text(event.text),
                         text(std::optional<Instant>{event.recorded_at}), event.recorder,
                         text(event.target), text(event.voided_by));
    }
    for (const ClockRun& run : detail.clocks) {
      out += "  clock " + text(run) + "\n";
    }
  });
  return out;
}

std::int64_t check_derived_state(Store& store) {
  std::map<std::string, Policy> policies;
  for (Policy& policy : store.policies()) {
    policies.emplace(policy.name, std::move(policy));
  }
  std::map<std::string, std::unique_ptr<Clock>> clocks;
  for (const Calendar& calendar : store.calendars()) {
    clocks.emplace(calendar.rules.name, make_clock(calendar.rules, zone_files()));
  }
  std::int64_t compared = 0;
  store.export_requests([&](const RequestDetail& detail) {
    const Request& request = detail.request;
    INFO(text(request));
    REQUIRE(policies.count(request.policy) == 1);
    const Policy& policy = policies.at(request.policy);
    REQUIRE(!policy.versions.empty());
    const PolicyVersion& version =
        policy.versions[version_in_force(policy.versions, request.received_at)];
    CHECK(request.calendar == version.calendar);
    CHECK(text(detail.targets) == text(targets_for(version, request.priority)));
    std::vector<RecordedEvent> events;
    for (const Event& event : detail.events) {
      events.push_back(RecordedEvent{event.kind, event.at, event.id, event.number, event.target});
    }
    REQUIRE(clocks.count(version.calendar) == 1);
    const HistoryEvaluation expected =
        evaluate_history(events, detail.targets, *clocks.at(version.calendar));
    const Evaluation& evaluation = expected.evaluation;
    CHECK(to_string(request.status) == to_string(evaluation.status));
    CHECK(text(std::optional<Instant>{request.received_at}) == text(evaluation.received_at));
    CHECK(text(request.replied_at) == text(evaluation.replied_at));
    CHECK(text(request.resolved_at) == text(evaluation.resolved_at));
    CHECK(text(request.reply_due) == text(evaluation.reply_due));
    CHECK(text(request.update_due) == text(evaluation.update_due));
    CHECK(text(request.resolve_due) == text(evaluation.resolve_due));
    const std::optional<NextDue> next = next_due(evaluation);
    CHECK(request.next.has_value() == next.has_value());
    if (request.next && next) {
      CHECK(request.next->metric == next->metric);
      CHECK(request.next->due == next->due);
    }
    std::vector<std::string> stored;
    for (const ClockRun& run : detail.clocks) {
      stored.push_back(text(run));
    }
    std::vector<std::string> evaluated;
    for (const ClockRun& run : evaluation.clocks) {
      evaluated.push_back(text(run));
    }
    CHECK(stored == evaluated);
    CHECK(text(detail.voided_by) == text(expected.marks.request));
    for (const Event& event : detail.events) {
      CHECK(text(event.voided_by) == text(expected.marks.voided_by(event.number)));
    }
    ++compared;
  });
  std::vector<std::string> problems;
  const CheckReport report =
      store.check([&](const std::string& problem) { problems.push_back(problem); });
  CHECK(problems.empty());
  CHECK(report.problems == 0);
  CHECK(report.requests == compared);
  return compared;
}

} // namespace slatrack::testing
