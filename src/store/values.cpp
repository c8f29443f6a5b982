#include "store/values.hpp"

#include "slatrack/address.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/request_rules.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <fmt/chrono.h>

namespace slatrack::store {

std::int64_t to_db(Instant value) {
  return value.time_since_epoch().count();
}

std::optional<std::int64_t> to_db(const std::optional<Instant>& value) {
  return value ? std::optional<std::int64_t>{to_db(*value)} : std::nullopt;
}

std::int64_t to_db(Seconds value) {
  return value.count();
}

std::optional<std::int64_t> to_db(const std::optional<Seconds>& value) {
  return value ? std::optional<std::int64_t>{to_db(*value)} : std::nullopt;
}

Instant to_instant(std::int64_t value) {
  return Instant{Seconds{value}};
}

std::optional<Instant> to_instant(const std::optional<std::int64_t>& value) {
  return value ? std::optional<Instant>{to_instant(*value)} : std::nullopt;
}

std::optional<Seconds> to_seconds(const std::optional<std::int64_t>& value) {
  return value ? std::optional<Seconds>{Seconds{*value}} : std::nullopt;
}

std::int64_t to_db(Target value) {
  return value.in_business_days() ? -value.business_days : value.time.count();
}

std::optional<std::int64_t> to_db(const std::optional<Target>& value) {
  return value ? std::optional<std::int64_t>{to_db(*value)} : std::nullopt;
}

Target to_target(std::int64_t value) {
  return value < 0 ? Target::days(-value) : Target{Seconds{value}};
}

std::optional<Target> to_target(const std::optional<std::int64_t>& value) {
  return value ? std::optional<Target>{to_target(*value)} : std::nullopt;
}

std::optional<std::string> non_empty(const std::optional<std::string>& value) {
  if (!value || value->empty()) {
    return std::nullopt;
  }
  return value;
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

void check_name(std::string_view what, std::string_view name) {
  if (std::optional<std::string> problem = name_problem(what, name)) {
    throw Error{ErrorKind::invalid_input, *problem};
  }
}

std::vector<std::string> checked_addresses(std::string_view option,
                                           const std::vector<std::string>& values, bool domains) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    if (!blank(value)) {
      const std::string_view trimmed = trim_value(value);
      out.push_back(domains ? checked_domain(option, trimmed) : checked_address(option, trimmed));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> split_words(const std::optional<std::string>& text) {
  std::vector<std::string> out;
  if (!text) {
    return out;
  }
  std::size_t start = 0;
  while (start < text->size()) {
    std::size_t end = text->find(' ', start);
    if (end == std::string::npos) {
      end = text->size();
    }
    if (end > start) {
      out.push_back(text->substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

void check_field(std::string_view what, const std::optional<std::string>& value, bool text) {
  if (!value) {
    return;
  }
  if (std::optional<std::string> problem =
          argument_problem(what, text ? ArgumentKind::text : ArgumentKind::value, *value)) {
    throw Error{ErrorKind::invalid_input, *problem};
  }
}

std::string iso(Instant value) {
  return utc_text(value);
}

ClockRow to_row(const ClockRun& run) {
  return ClockRow{
      std::string(to_string(run.metric)),  to_db(run.start),  to_db(run.due),  to_db(run.stop),
      std::string(to_string(run.outcome)), to_db(run.target), to_db(run.used), to_db(run.credit)};
}

Event read_event(const sqlite::Statement::Use& row, int first) {
  Event out;
  read_event(row, first, out);
  return out;
}

void read_event(const sqlite::Statement::Use& row, int first, Event& out) {
  out.id = row.integer(first);
  out.kind = from_db(event_kind_from(row.text_view(first + 1)), "event", row.text_view(first + 1));
  out.at = to_instant(row.integer(first + 2));
  row.text(first + 3, out.author);
  row.optional_text(first + 4, out.text);
  out.recorded_at = to_instant(row.integer(first + 5));
  out.number = row.integer(first + 6);
  row.text(first + 7, out.recorder);
  out.target = row.optional_integer(first + 8);
  out.voided_by = row.optional_integer(first + 9);
}

ClockRun read_clock(const sqlite::Statement::Use& row, int first) {
  ClockRun run;
  run.metric = from_db(metric_from(row.text_view(first)), "metric", row.text_view(first));
  run.start = to_instant(row.integer(first + 1));
  run.due = to_instant(row.optional_integer(first + 2));
  run.stop = to_instant(row.optional_integer(first + 3));
  run.outcome =
      from_db(outcome_from(row.text_view(first + 4)), "outcome", row.text_view(first + 4));
  run.target = to_target(row.integer(first + 5));
  run.used = Seconds{row.integer(first + 6)};
  run.credit = Seconds{row.integer(first + 7)};
  return run;
}

} // namespace slatrack::store
