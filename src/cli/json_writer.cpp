#include "cli/json_writer.hpp"

#include "cli/json.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fmt/format.h>
#include <variant>

namespace slatrack::cli {

namespace {

// The length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), 0 when it is not one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0U;
  };
  const auto tail = [](unsigned c) { return c >= 0x80U && c <= 0xBFU; };
  const unsigned lead = byte(i);
  if (lead >= 0xC2U && lead <= 0xDFU) {
    return tail(byte(i + 1)) ? 2 : 0;
  }
  if (lead >= 0xE0U && lead <= 0xEFU) {
    const unsigned second = byte(i + 1);
    const bool ok = lead == 0xE0U   ? second >= 0xA0U && second <= 0xBFU
                    : lead == 0xEDU ? second >= 0x80U && second <= 0x9FU
                                    : tail(second);
    return ok && tail(byte(i + 2)) ? 3 : 0;
  }
  if (lead >= 0xF0U && lead <= 0xF4U) {
    const unsigned second = byte(i + 1);
    const bool ok = lead == 0xF0U   ? second >= 0x90U && second <= 0xBFU
                    : lead == 0xF4U ? second >= 0x80U && second <= 0x8FU
                                    : tail(second);
    return ok && tail(byte(i + 2)) && tail(byte(i + 3)) ? 4 : 0;
  }
  return 0;
}

// What a byte of text asks of the JSON writer: nothing (copied as it is), an escape, or a look at
// the UTF-8 sequence it starts.
constexpr std::uint8_t k_plain = 0;
constexpr std::uint8_t k_escape = 1;
constexpr std::uint8_t k_high = 2;

constexpr std::array<std::uint8_t, 256> k_byte_kind = [] {
  std::array<std::uint8_t, 256> kinds{};
  for (std::size_t c = 0; c < kinds.size(); ++c) {
    kinds[c] = c < 0x20U || c == '"' || c == '\\' ? k_escape : c >= 0x80U ? k_high : k_plain;
  }
  return kinds;
}();

// The escape of each control character (index 0x00-0x1f, as nlohmann writes them: the short forms
// \b \f \n \r \t, the others \u00xx in lower case), of '"' (0x20) and of '\\' (0x21).
constexpr std::array<std::string_view, 0x22> k_escapes = {
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006",
    "\\u0007", "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",
    "\\u000e", "\\u000f", "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014",
    "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019", "\\u001a", "\\u001b",
    "\\u001c", "\\u001d", "\\u001e", "\\u001f", "\\\"",    "\\\\",
};

} // namespace

void append_json_string(std::string& out, std::string_view text) {
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  const std::size_t start = out.size();
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  // `run` starts the bytes not yet appended: plain ASCII and well-formed UTF-8 (most text) go out
  // in one append each, between the characters that need an escape.
  const char* run = begin;
  const char* p = begin;
  while (p != end) {
    const auto c = static_cast<unsigned char>(*p);
    const std::uint8_t kind = k_byte_kind[c];
    if (kind == k_plain) {
      ++p;
      continue;
    }
    if (kind == k_high) {
      const std::size_t length = utf8_length(text, static_cast<std::size_t>(p - begin));
      if (length == 0) {
        // Not UTF-8: nlohmann's own replacement, whose rules for where a bad sequence ends are
        // subtle; rare (text from the database is checked on the way in).
        out.resize(start);
        out += nlohmann::ordered_json(std::string(text))
                   .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        return;
      }
      p += length;
      continue;
    }
    out.append(run, static_cast<std::size_t>(p - run));
    const std::string_view escape = k_escapes[c < 0x20U ? c : (c == '"' ? 0x20U : 0x21U)];
    out.append(escape.data(), escape.size());
    run = ++p;
  }
  out.append(run, static_cast<std::size_t>(end - run));
  out += '"';
}

void append_json(std::string& out, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) {
    out += "null";
  } else if (const bool* flag = std::get_if<bool>(&value)) {
    out += *flag ? "true" : "false";
  } else if (const std::int64_t* number = std::get_if<std::int64_t>(&value)) {
    const fmt::format_int digits(*number);
    out.append(digits.data(), digits.size());
  } else if (const std::string* text = std::get_if<std::string>(&value)) {
    append_json_string(out, *text);
  } else if (const Instant* instant = std::get_if<Instant>(&value)) {
    out += '"'; // an ISO time needs no escaping
    append_iso_utc(out, *instant);
    out += '"';
  } else {
    const fmt::format_int digits(std::get<Seconds>(value).count());
    out.append(digits.data(), digits.size());
  }
}

void append_json_fields(std::string& out, const Record& record) {
  bool first = true;
  for (const Field& field : record) {
    if (!first) {
      out += ',';
    }
    first = false;
    append_json_string(out, field.key);
    out += ':';
    append_json(out, field.value);
  }
}

void JsonFields::key(std::string_view key) {
  field(key, {});
}

void JsonFields::field(std::string_view key, std::string_view value) {
  // The keys are the names of records.hpp's lists: plain ASCII, nothing to escape. The key and a
  // short value go out in one append (export writes a hundred fields per request).
  constexpr std::size_t k_room = 96;
  if (key.size() + value.size() + 4 > k_room) {
    m_out += m_first ? "\"" : ",\"";
    m_first = false;
    m_out.append(key.data(), key.size());
    m_out += "\":";
    m_out.append(value.data(), value.size());
    return;
  }
  std::array<char, k_room> text; // NOLINT: written before it is read
  std::size_t at = 0;
  if (!m_first) {
    text[at++] = ',';
  }
  m_first = false;
  text[at++] = '"';
  // std::copy_n, not memcpy: an empty view may have no data pointer, which memcpy may not take.
  std::copy_n(key.data(), key.size(), text.data() + at);
  at += key.size();
  text[at++] = '"';
  text[at++] = ':';
  std::copy_n(value.data(), value.size(), text.data() + at);
  at += value.size();
  m_out.append(text.data(), at);
}

void JsonFields::null(std::string_view key) {
  field(key, "null");
}

void JsonFields::operator()(std::string_view key, std::int64_t value) {
  const fmt::format_int digits(value);
  field(key, {digits.data(), digits.size()});
}

void JsonFields::operator()(std::string_view key, std::string_view value) {
  this->key(key);
  append_json_string(m_out, value);
}

void JsonFields::operator()(std::string_view key, Instant value) {
  // An ISO time needs no escaping.
  std::array<char, 22> quoted{};
  if (write_iso_utc(std::span<char, 20>(quoted.data() + 1, 20), value)) {
    quoted.front() = '"';
    quoted.back() = '"';
    field(key, {quoted.data(), quoted.size()});
    return;
  }
  this->key(key);
  m_out += '"';
  append_iso_utc(m_out, value);
  m_out += '"';
}

void JsonFields::operator()(std::string_view key, Seconds value) {
  const fmt::format_int digits(value.count());
  field(key, {digits.data(), digits.size()});
}

void JsonFields::operator()(std::string_view key, const Value& value) {
  this->key(key);
  append_json(m_out, value);
}

void append_json(std::string& out, const Record& record) {
  out += '{';
  append_json_fields(out, record);
  out += '}';
}

} // namespace slatrack::cli
