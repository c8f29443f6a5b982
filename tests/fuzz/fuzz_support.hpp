// What every libFuzzer target of slatrack checks besides "no crash": a broken property aborts
// with a one-line reason on stderr (libFuzzer then saves the input as a crash), and an error
// message must be what the user can be shown: one line, valid UTF-8, no control characters.
#pragma once

#include "slatrack/error.hpp"
#include "slatrack/input.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace slatrack::fuzz {

// Stops the run: the property `what` does not hold for the current input.
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz property broken: %.*s %.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline void require(bool holds, std::string_view what, std::string_view detail = {}) {
  if (!holds) {
    fail(what, detail);
  }
}

// Whether `text` has no control characters: C0, DEL, and C1 (U+0080 to U+009F, which is 0xC2
// 0x80 to 0xC2 0x9F; U+009B is a CSI).
[[nodiscard]] inline bool no_controls(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (byte < 0x20 || byte == 0x7F || (byte == 0xC2 && next >= 0x80 && next <= 0x9F)) {
      return false;
    }
  }
  return true;
}

// Whether `text` could reach a terminal as it is: valid UTF-8 without control characters.
[[nodiscard]] inline bool printable(std::string_view text) {
  return !first_invalid_utf8(text) && no_controls(text);
}

// A refusal of bad input: ErrorKind::invalid_input with a non-empty one-line message that is
// printable.
inline void check_refusal(const Error& error) {
  const std::string_view message = error.what();
  require(error.kind() == ErrorKind::invalid_input, "refusal is not invalid_input:", message);
  require(!message.empty(), "empty error message");
  require(printable(message), "error message not printable:", quoted_argument(message));
}

} // namespace slatrack::fuzz
