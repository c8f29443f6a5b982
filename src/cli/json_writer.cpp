#include "cli/json_writer.hpp"

#include "cli/json.hpp"

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

} // namespace

void append_json_string(std::string& out, std::string_view text) {
  const std::size_t start = out.size();
  out += '"';
  std::size_t i = 0;
  while (i < text.size()) {
    // A run of printable ASCII other than '"' and '\\' (most text) is copied at once.
    std::size_t end = i;
    while (end < text.size()) {
      const auto plain = static_cast<unsigned char>(text[end]);
      if (plain < 0x20U || plain >= 0x80U || plain == '"' || plain == '\\') {
        break;
      }
      ++end;
    }
    if (end > i) {
      out.append(text.substr(i, end - i));
      i = end;
      continue;
    }
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80U) {
      const std::size_t length = utf8_length(text, i);
      if (length == 0) {
        // Not UTF-8: nlohmann's own replacement, whose rules for where a bad sequence ends are
        // subtle; rare (text from the database is checked on the way in).
        out.resize(start);
        out += nlohmann::ordered_json(std::string(text))
                   .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        return;
      }
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20U) {
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
      } else {
        out += static_cast<char>(c);
      }
    }
    ++i;
  }
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
  if (!m_first) {
    m_out += ',';
  }
  m_first = false;
  append_json_string(m_out, key);
  m_out += ':';
}

void JsonFields::operator()(std::string_view key, std::int64_t value) {
  this->key(key);
  const fmt::format_int digits(value);
  m_out.append(digits.data(), digits.size());
}

void JsonFields::operator()(std::string_view key, std::string_view value) {
  this->key(key);
  append_json_string(m_out, value);
}

void JsonFields::operator()(std::string_view key, Instant value) {
  this->key(key);
  m_out += '"'; // an ISO time needs no escaping
  append_iso_utc(m_out, value);
  m_out += '"';
}

void JsonFields::operator()(std::string_view key, Seconds value) {
  this->key(key);
  const fmt::format_int digits(value.count());
  m_out.append(digits.data(), digits.size());
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
