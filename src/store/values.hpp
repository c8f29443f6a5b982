// Conversions between domain values and SQLite columns, and the small text helpers of store
// messages, shared by every file of the SQLite store.
#pragma once

#include "slatrack/error.hpp"
#include "slatrack/evaluate.hpp"
#include "slatrack/model.hpp"
#include "slatrack/text.hpp"
#include "slatrack/time.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack::store {

// Instants are stored as INTEGER unix seconds, durations as INTEGER seconds.
[[nodiscard]] std::int64_t to_db(Instant value);
[[nodiscard]] std::optional<std::int64_t> to_db(const std::optional<Instant>& value);
[[nodiscard]] std::int64_t to_db(Seconds value);
[[nodiscard]] std::optional<std::int64_t> to_db(const std::optional<Seconds>& value);
[[nodiscard]] Instant to_instant(std::int64_t value);
[[nodiscard]] std::optional<Instant> to_instant(const std::optional<std::int64_t>& value);
[[nodiscard]] std::optional<Seconds> to_seconds(const std::optional<std::int64_t>& value);
// Targets are INTEGER too: seconds of open time (>= 0), or -N for N business days.
[[nodiscard]] std::int64_t to_db(Target value);
[[nodiscard]] std::optional<std::int64_t> to_db(const std::optional<Target>& value);
[[nodiscard]] Target to_target(std::int64_t value);
[[nodiscard]] std::optional<Target> to_target(const std::optional<std::int64_t>& value);

// An enum read back from a column; a value the CHECK constraints should have kept out means the
// file was changed by something else: Error{storage}.
template <typename T>
[[nodiscard]] T from_db(std::optional<T> value, std::string_view column, std::string_view text) {
  if (!value) {
    throw Error{ErrorKind::storage,
                fmt::format("unexpected {} \"{}\" in the database; was it changed by another "
                            "program?",
                            column, text)};
  }
  return *value;
}

// Empty text means "none" for optional free-text fields.
[[nodiscard]] std::optional<std::string> non_empty(const std::optional<std::string>& value);

// Whether text is empty or only spaces, tabs and line breaks.
[[nodiscard]] bool blank(std::string_view text);

// The one validation of what names a client, calendar or policy (`what`: "client name") and of a
// client's email, owner and note, whatever brought them (the command line, the rules file, an
// import): slatrack/input.hpp's rules. Throws Error{invalid_input}.
void check_name(std::string_view what, std::string_view name);
void check_field(std::string_view what, const std::optional<std::string>& value, bool text);

// A client's emails (`domains` false) or mail domains as given to the store: each checked
// (slatrack/address.hpp) naming `option` ("--email"), in lower case, sorted, each once; blank
// values left out. Throws Error{invalid_input}.
[[nodiscard]] std::vector<std::string>
checked_addresses(std::string_view option, const std::vector<std::string>& values, bool domains);

// The words of a list the store reads as one text separated by spaces ("a b"); none for NULL.
[[nodiscard]] std::vector<std::string> split_words(const std::optional<std::string>& text);

// "2026-11-23T10:30:00Z".
[[nodiscard]] std::string iso(Instant value);

// slatrack/text.hpp's, for the store's files that name them store::.
using slatrack::did_you_mean;
using slatrack::shell_word;

// One clock run as the `clocks` table holds it (written by the store, compared by `check`).
struct ClockRow {
  std::string metric;
  std::int64_t start_at = 0;
  std::optional<std::int64_t> due_at;
  std::optional<std::int64_t> stop_at;
  std::string outcome;
  std::int64_t target_s = 0;
  std::int64_t used_s = 0;
  std::int64_t credit_s = 0;
  bool operator==(const ClockRow&) const = default;
};
[[nodiscard]] ClockRow to_row(const ClockRun& run);

// The columns of an event that read_event reads, in its order.
inline constexpr std::string_view k_event_columns =
    "id, kind, at, author, text, recorded_at, number, recorder, target, voided_by";
// An event from the columns k_event_columns of `row`, starting at column `first`.
[[nodiscard]] Event read_event(const sqlite::Statement::Use& row, int first);
// The same into `out`, every field set, its strings' memory used again (export reads millions).
void read_event(const sqlite::Statement::Use& row, int first, Event& out);
// A clock run from the columns metric, start_at, due_at, stop_at, outcome, target_s, used_s,
// credit_s of `row`, starting at column `first`.
[[nodiscard]] ClockRun read_clock(const sqlite::Statement::Use& row, int first);

} // namespace slatrack::store
