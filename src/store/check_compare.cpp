#include "store/check_compare.hpp"

#include <fmt/format.h>
#include <string_view>

namespace slatrack::store {

namespace {

std::string time_value(const std::optional<std::int64_t>& value) {
  return value ? iso(to_instant(*value)) : std::string("null");
}

std::string describe(const ClockRow& row) {
  return fmt::format("{} {}..{} due {} {} target {}s used {}s credit {}s", row.metric,
                     iso(to_instant(row.start_at)), time_value(row.stop_at), time_value(row.due_at),
                     row.outcome, row.target_s, row.used_s, row.credit_s);
}

} // namespace

std::string check_value(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : std::string("null");
}

std::vector<std::string> derived_differences(const Derived& stored, const Derived& expected,
                                             std::span<const std::string> event_marks,
                                             const Evaluation& evaluation,
                                             std::span<const ClockRow> stored_clocks) {
  std::vector<std::string> out;
  const auto say = [&out](std::string_view field, const std::string& old, const std::string& now) {
    out.push_back(fmt::format("{} stored {} expected {}", field, old, now));
  };
  const auto number = [&say](std::string_view field, const std::optional<std::int64_t>& old,
                             const std::optional<std::int64_t>& now) {
    if (old != now) {
      say(field, check_value(old), check_value(now));
    }
  };
  const auto time = [&say](std::string_view field, const std::optional<std::int64_t>& old,
                           const std::optional<std::int64_t>& now) {
    if (old != now) {
      say(field, time_value(old), time_value(now));
    }
  };
  number("voided_by", stored.voided_by, expected.voided_by);
  out.insert(out.end(), event_marks.begin(), event_marks.end());
  if (!evaluation.received_at) {
    out.emplace_back("no client message among its events");
  }
  number("version_id", stored.version_id, expected.version_id);
  if (stored.status != expected.status) {
    say("status", stored.status, expected.status);
  }
  time("received_at", stored.received_at, expected.received_at);
  time("replied_at", stored.replied_at, expected.replied_at);
  time("resolved_at", stored.resolved_at, expected.resolved_at);
  time("reply_due_at", stored.reply_due_at, expected.reply_due_at);
  time("update_due_at", stored.update_due_at, expected.update_due_at);
  time("resolve_due_at", stored.resolve_due_at, expected.resolve_due_at);
  time("next_due_at", stored.next_due_at, expected.next_due_at);
  if (stored.next_metric != expected.next_metric) {
    say("next_metric", stored.next_metric.value_or("null"), expected.next_metric.value_or("null"));
  }

  std::vector<ClockRow> clocks;
  clocks.reserve(evaluation.clocks.size());
  for (const ClockRun& run : evaluation.clocks) {
    clocks.push_back(to_row(run));
  }
  if (clocks.size() != stored_clocks.size()) {
    out.push_back(
        fmt::format("clocks stored {} runs expected {}", stored_clocks.size(), clocks.size()));
  } else {
    for (std::size_t i = 0; i < clocks.size(); ++i) {
      if (clocks[i] != stored_clocks[i]) {
        out.push_back(fmt::format("clock run {} stored {} expected {}", i + 1,
                                  describe(stored_clocks[i]), describe(clocks[i])));
      }
    }
  }
  return out;
}

std::string difference_line(std::int64_t id, const std::vector<std::string>& differences) {
  std::string out = fmt::format("#{}: ", id);
  for (std::size_t i = 0; i < differences.size(); ++i) {
    if (i > 0) {
      out += "; ";
    }
    out += differences[i];
  }
  return out;
}

} // namespace slatrack::store
