// Small text helpers shared by the core, the store and the CLI.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

// Up to `max` of `names` closest to `wanted` (case-insensitive edit distance, then prefix and
// substring matches), best first; names too far from `wanted` are left out.
[[nodiscard]] std::vector<std::string>
closest_names(std::string_view wanted, const std::vector<std::string>& names, std::size_t max = 3);

// The names among `names` that `wanted` stands for, by the contract's short forms of a client
// name: the one equal to it ignoring (ASCII) case, else every name that, or one of whose words (a
// run of letters and digits; bytes of non-ASCII characters count as letters) starts with it,
// ignoring case, in the order of `names`. Empty: no match; more than one: ambiguous. An empty
// `wanted` matches nothing.
[[nodiscard]] std::vector<std::string> match_short_name(std::string_view wanted,
                                                        const std::vector<std::string>& names);

// `names` quoted and joined for a message: "\"a\", \"b\" or \"c\"".
[[nodiscard]] std::string quoted_list(const std::vector<std::string>& names);

// " (did you mean "Acme Ltd"?)" for the names closest to `name`, or "" when none is close.
[[nodiscard]] std::string did_you_mean(std::string_view name,
                                       const std::vector<std::string>& names);

// A name as a shell word for the commands suggested in messages: as is, or single-quoted.
[[nodiscard]] std::string shell_word(std::string_view text);

// The length of the valid UTF-8 sequence at text[i] (1 for ASCII), or 0 when the bytes there are
// not valid UTF-8 (a stray continuation byte, a sequence cut short, an overlong form, a UTF-16
// surrogate, a code point above U+10FFFF).
[[nodiscard]] std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

// Whether the valid sequence of `length` bytes at text[i] is a C1 control character (U+0080 to
// U+009F: 0xC2 0x80 to 0xC2 0x9F); U+009B is a CSI to some terminals.
[[nodiscard]] bool is_c1_control(std::string_view text, std::size_t i, std::size_t length);

// The code point of the valid sequence of `length` bytes at text[i].
[[nodiscard]] char32_t code_point(std::string_view text, std::size_t i, std::size_t length);

// Whether `c` is a bidirectional formatting character (U+061C, U+200E, U+200F, U+202A to U+202E,
// U+2066 to U+2069): it reorders the text around it ("Invoice \u202Efdp.exe" shows as
// "Invoice exe.pdf"), so tables show it escaped.
[[nodiscard]] bool is_bidi_control(char32_t c);

// The columns `text` takes on a terminal: East Asian wide and fullwidth characters (CJK, Hangul,
// most emoji) 2, combining marks and zero-width characters 0, anything else 1 (a byte that is not
// UTF-8 too).
[[nodiscard]] std::size_t display_width(std::string_view text);

// ASCII lower case.
[[nodiscard]] std::string to_lower(std::string_view text);

// `text` with every letter in lower case, for comparing names ignoring case (SPEC.md: names are
// matched case-insensitively): ASCII and Unicode's simple lower-case mapping of the Basic
// Multilingual Plane (Latin, Greek, Cyrillic, Armenian, Georgian, ...: "ZOË CAFÉ" and "Zoë Café"
// fold alike). Bytes that are not UTF-8 are kept as they are.
[[nodiscard]] std::string fold_case(std::string_view text);
// Whether `a` and `b` are the same name ignoring case (fold_case).
[[nodiscard]] bool same_ignoring_case(std::string_view a, std::string_view b);

} // namespace slatrack
