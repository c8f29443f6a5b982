// Records for the domain objects, shared by every command that prints them.
#pragma once

#include "cli/output.hpp"
#include "slatrack/model.hpp"

#include <optional>
#include <string>

namespace slatrack::cli {

[[nodiscard]] Value text_or_null(const std::optional<std::string>& text);
[[nodiscard]] Value instant_or_null(const std::optional<Instant>& instant);
[[nodiscard]] Value seconds_or_null(const std::optional<Seconds>& duration);

// The request object of SPEC.md "Output": id client subject channel priority status assignee sla
// ref received_at replied_at resolved_at reply_due_at update_due_at resolve_due_at, plus calendar.
[[nodiscard]] Record request_record(const Request& request);

// "#42".
[[nodiscard]] std::string request_label(RequestId id);

} // namespace slatrack::cli
