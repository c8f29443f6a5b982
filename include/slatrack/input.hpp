// Limits on command-line arguments, checked before any command runs (docs/reliability.md): every
// argument must be UTF-8; text (subjects, messages, notes) may hold control characters, which
// table output escapes, and is at most k_max_text_bytes; every other value (names, who, refs,
// times, SPECs, ids) is trimmed (trim_value), has no control or bidirectional formatting
// characters (U+202E...) and is at most k_max_value_bytes. The rules file and import check
// their values with the same functions. Paths are the
// operating system's business and are not checked.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace slatrack {

inline constexpr std::size_t k_max_text_bytes = 65536; // SPEC: event texts of up to 64 KiB
inline constexpr std::size_t k_max_value_bytes = 1000;

enum class ArgumentKind { path, text, value };

// The kind of the argument named `name` as CLI11 names it ("--db", "SUBJECT", "--message").
[[nodiscard]] ArgumentKind argument_kind(std::string_view name);

// Why `value` of argument `name` is refused, as one line naming the value and what is accepted;
// nullopt when it is fine.
[[nodiscard]] std::optional<std::string> argument_problem(std::string_view name, ArgumentKind kind,
                                                          std::string_view value);

// `value` without the spaces, tabs and line breaks at either end: what every entry (the command
// line, the rules file, an import) does to a value (a name, who, a ref, an email) before it checks
// it, so that " acme " typed anywhere is the client "acme", and an export imports back the same.
// Text (subjects, messages, notes) is kept as it is.
[[nodiscard]] std::string_view trim_value(std::string_view value);

// Why `value` is refused as the name of a client, calendar or policy (`what`: "client name"), from
// the command line, the rules file or an import alike: the checks of a value argument (UTF-8, at
// most k_max_value_bytes, no control or bidirectional formatting character), and nothing that
// trim_value would take away (every entry trims first; this guards the store); nullopt when it
// is fine.
[[nodiscard]] std::optional<std::string> name_problem(std::string_view what,
                                                      std::string_view value);

// `value` in double quotes for a one-line message: control characters and bytes that are not
// UTF-8 shown as \xHH, cut after 40 bytes with "...".
[[nodiscard]] std::string quoted_argument(std::string_view value);

// The byte offset of the first byte of `text` that is not part of valid UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF are invalid); nullopt when all of it is valid.
[[nodiscard]] std::optional<std::size_t> first_invalid_utf8(std::string_view text);

} // namespace slatrack
