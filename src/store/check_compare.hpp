// Why this file: `check` on either backend compares a request's derived state as stored (status,
// due times, void marks, clock runs) with a fresh evaluation of its events; the comparison and
// the wording of its lines are written here once, and each backend only reads its rows
// (sqlite_check.cpp on a file, PgStore::check on a team database).
#pragma once

#include "slatrack/evaluate.hpp"
#include "store/reevaluation.hpp"
#include "store/values.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace slatrack::store {

// A number as check shows it: "null" when absent.
[[nodiscard]] std::string check_value(const std::optional<std::int64_t>& value);

// What check reports of one request, in order: its void mark; `event_marks` (the lines about its
// events' void marks, which each backend words); "no client message among its events" when the
// evaluation has none; version, status, times and next due of `stored` against `expected` (each
// "FIELD stored X expected Y", times in ISO 8601 UTC); then its clock runs `stored_clocks` against
// `evaluation`'s. Empty when they agree.
[[nodiscard]] std::vector<std::string> derived_differences(const Derived& stored,
                                                           const Derived& expected,
                                                           std::span<const std::string> event_marks,
                                                           const Evaluation& evaluation,
                                                           std::span<const ClockRow> stored_clocks);

// The line check prints for request `id` and its `differences`: "#ID: A; B; ...".
[[nodiscard]] std::string difference_line(std::int64_t id,
                                          const std::vector<std::string>& differences);

} // namespace slatrack::store
