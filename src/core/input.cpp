// Why this file: one place decides what the command line accepts as text, so every command
// refuses the same bad bytes with the same message before it opens the database.
#include "slatrack/input.hpp"

#include "slatrack/text.hpp"

#include <array>
#include <cstdint>
#include <fmt/format.h>

namespace slatrack {

namespace {

constexpr std::size_t k_shown = 40; // bytes of a bad value shown in a message

// `value` quoted for a one-line message: control characters (C0, DEL, C1) and bytes that are not
// UTF-8 as \xHH, cut after k_shown bytes.
std::string shown(std::string_view value) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < value.size()) {
    if (i >= k_shown) {
      out += "...";
      break;
    }
    const auto byte = static_cast<unsigned char>(value[i]);
    const std::size_t length = utf8_sequence_length(value, i);
    if (length == 0 || byte < 0x20 || byte == 0x7F) {
      out += fmt::format("\\x{:02X}", byte);
      ++i;
    } else if (is_c1_control(value, i, length)) {
      out += fmt::format("\\x{:02X}\\x{:02X}", byte, static_cast<unsigned char>(value[i + 1]));
      i += 2;
    } else if (value[i] == '"' || value[i] == '\\') {
      out += '\\';
      out += value[i];
      ++i;
    } else {
      out.append(value.substr(i, length));
      i += length;
    }
  }
  out += '"';
  return out;
}

} // namespace

std::string quoted_argument(std::string_view value) {
  return shown(value);
}

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      return i;
    }
    i += length;
  }
  return std::nullopt;
}

ArgumentKind argument_kind(std::string_view name) {
  constexpr std::array<std::string_view, 8> paths{"--db",   "FILE", "PATH",      "--output",
                                                  "--file", "DIR",  "--maildir", "DEST"};
  constexpr std::array<std::string_view, 7> texts{"SUBJECT", "--subject", "--message", "-m",
                                                  "--note",  "TEXT",      "--name"};
  for (const std::string_view path : paths) {
    if (name == path) {
      return ArgumentKind::path;
    }
  }
  for (const std::string_view text : texts) {
    if (name == text) {
      return ArgumentKind::text;
    }
  }
  return ArgumentKind::value;
}

std::optional<std::string> argument_problem(std::string_view name, ArgumentKind kind,
                                            std::string_view value) {
  if (kind == ArgumentKind::path) {
    return std::nullopt;
  }
  const std::size_t limit = kind == ArgumentKind::text ? k_max_text_bytes : k_max_value_bytes;
  if (value.size() > limit) {
    return fmt::format("{} {} is {} bytes long; at most {} bytes are accepted", name, shown(value),
                       value.size(), limit);
  }
  if (const std::optional<std::size_t> bad = first_invalid_utf8(value)) {
    return fmt::format("{} {} is not valid UTF-8 (byte 0x{:02X} at offset {}); give text in UTF-8",
                       name, shown(value), static_cast<unsigned char>(value[*bad]), *bad);
  }
  if (kind == ArgumentKind::value) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      const auto byte = static_cast<unsigned char>(value[i]);
      std::string character;
      if (byte < 0x20 || byte == 0x7F) {
        character = fmt::format("0x{:02X}", byte);
      } else if (is_c1_control(value, i, utf8_sequence_length(value, i))) {
        character = fmt::format("U+{:04X}", static_cast<unsigned char>(value[i + 1]));
      } else if (const std::size_t length = utf8_sequence_length(value, i);
                 length > 1 && is_bidi_control(code_point(value, i, length))) {
        // A name with U+202E reads backwards in every table: "Invoice \u202Efdp.exe".
        return fmt::format("{} {} has a bidirectional formatting character (U+{:04X} at offset "
                           "{}); only plain text is accepted here",
                           name, shown(value),
                           static_cast<std::uint32_t>(code_point(value, i, length)), i);
      } else {
        continue;
      }
      return fmt::format("{} {} has a control character ({} at offset {}); only printable text "
                         "is accepted here",
                         name, shown(value), character, i);
    }
  }
  return std::nullopt;
}

std::string_view trim_value(std::string_view value) {
  constexpr std::string_view k_space = " \t\r\n";
  const std::size_t first = value.find_first_not_of(k_space);
  if (first == std::string_view::npos) {
    return {};
  }
  return value.substr(first, value.find_last_not_of(k_space) - first + 1);
}

std::optional<std::string> name_problem(std::string_view what, std::string_view value) {
  if (std::optional<std::string> problem = argument_problem(what, ArgumentKind::value, value)) {
    return problem;
  }
  if (trim_value(value).size() != value.size()) {
    return fmt::format("{} {} begins or ends with a space; give it without", what, shown(value));
  }
  return std::nullopt;
}

} // namespace slatrack
