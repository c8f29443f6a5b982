// JSON rendering of output records (kept out of widely included headers: nlohmann is heavy).
#pragma once

#include "cli/output.hpp"

#include <nlohmann/json.hpp>

namespace slatrack::cli {

// A value as JSON: instants as UTC ISO 8601 strings, durations as whole seconds.
[[nodiscard]] nlohmann::ordered_json to_json(const Value& value);

// A record as a JSON object with its fields in order.
[[nodiscard]] nlohmann::ordered_json to_json(const Record& record);

// Compact one-line JSON text; invalid UTF-8 is replaced, never thrown on.
[[nodiscard]] std::string dump_json(const nlohmann::ordered_json& json);

} // namespace slatrack::cli
