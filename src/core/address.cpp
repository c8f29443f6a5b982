#include "slatrack/address.hpp"

#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace slatrack {

namespace {

constexpr std::size_t k_max_domain = 253;
constexpr std::size_t k_max_label = 63;
constexpr std::size_t k_max_local = 64;

// Sorted, for a binary search (a unit test checks the order). docs/mail.md lists them.
constexpr std::array<std::string_view, 48> k_public_providers{
    "163.com",        "aim.com",     "aol.com",      "att.net",        "bellsouth.net",
    "btinternet.com", "comcast.net", "fastmail.com", "free.fr",        "gmail.com",
    "gmx.com",        "gmx.de",      "gmx.net",      "googlemail.com", "hey.com",
    "hotmail.co.uk",  "hotmail.com", "hotmail.de",   "hotmail.fr",     "icloud.com",
    "laposte.net",    "libero.it",   "live.co.uk",   "live.com",       "mac.com",
    "mail.com",       "mail.ru",     "me.com",       "msn.com",        "orange.fr",
    "outlook.com",    "outlook.de",  "pm.me",        "proton.me",      "protonmail.com",
    "qq.com",         "seznam.cz",   "sky.com",      "t-online.de",    "tutanota.com",
    "verizon.net",    "web.de",      "yahoo.co.uk",  "yahoo.com",      "yahoo.de",
    "yahoo.fr",       "yandex.ru",   "ymail.com"};

bool label_byte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
}

bool local_byte(unsigned char c) {
  if (c <= 0x20 || c == 0x7F) {
    return false;
  }
  switch (c) {
  case '"':
  case '<':
  case '>':
  case ',':
  case ';':
  case ':':
  case '(':
  case ')':
  case '[':
  case ']':
  case '\\':
  case '@':
    return false;
  default:
    return true;
  }
}

} // namespace

std::optional<std::string> normalize_domain(std::string_view text) {
  if (text.empty() || text.size() > k_max_domain || first_invalid_utf8(text)) {
    return std::nullopt;
  }
  std::string out = to_lower(text);
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= out.size()) {
    std::size_t end = out.find('.', start);
    if (end == std::string::npos) {
      end = out.size();
    }
    const std::string_view label = std::string_view(out).substr(start, end - start);
    if (label.empty() || label.size() > k_max_label || label.front() == '-'
        || label.back() == '-') {
      return std::nullopt;
    }
    for (const char c : label) {
      if (!label_byte(static_cast<unsigned char>(c))) {
        return std::nullopt;
      }
    }
    ++labels;
    start = end + 1;
  }
  if (labels < 2) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < out.size();) {
    const std::size_t length = utf8_sequence_length(out, i);
    if (length > 1
        && (is_c1_control(out, i, length) || is_bidi_control(code_point(out, i, length)))) {
      return std::nullopt;
    }
    i += length == 0 ? 1 : length;
  }
  return out;
}

std::optional<std::string> normalize_address(std::string_view text) {
  const std::size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > k_max_local) {
    return std::nullopt;
  }
  const std::string_view local = text.substr(0, at);
  if (!std::all_of(local.begin(), local.end(),
                   [](char c) { return local_byte(static_cast<unsigned char>(c)); })
      || local.front() == '.' || local.back() == '.') {
    return std::nullopt;
  }
  if (first_invalid_utf8(local)) {
    return std::nullopt;
  }
  const std::optional<std::string> domain = normalize_domain(text.substr(at + 1));
  if (!domain) {
    return std::nullopt;
  }
  return to_lower(local) + "@" + *domain;
}

std::string checked_address(std::string_view option, std::string_view value) {
  if (std::optional<std::string> out = normalize_address(value)) {
    return *out;
  }
  throw Error{ErrorKind::invalid_input,
              fmt::format("bad {} {}: give a mail address such as ops@acme.example", option,
                          quoted_argument(value))};
}

std::string checked_domain(std::string_view option, std::string_view value) {
  if (std::optional<std::string> out = normalize_domain(value)) {
    return *out;
  }
  throw Error{ErrorKind::invalid_input,
              fmt::format("bad {} {}: give a mail domain such as acme.example (no @)", option,
                          quoted_argument(value))};
}

std::string_view address_domain(std::string_view address) {
  const std::size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

std::span<const std::string_view> public_providers() {
  return k_public_providers;
}

bool is_public_provider(std::string_view domain) {
  const std::string lower = to_lower(domain);
  return std::binary_search(k_public_providers.begin(), k_public_providers.end(),
                            std::string_view(lower));
}

bool is_ours(std::string_view address, std::span<const std::string> ours) {
  const std::string lower = to_lower(address);
  const std::string_view domain = address_domain(lower);
  return std::any_of(ours.begin(), ours.end(), [&](const std::string& entry) {
    const std::string wanted = to_lower(entry);
    if (wanted.starts_with("*@")) {
      return !domain.empty() && domain == std::string_view(wanted).substr(2);
    }
    return wanted == lower;
  });
}

std::string checked_ours(std::string_view value) {
  if (value.starts_with("*@")) {
    if (std::optional<std::string> domain = normalize_domain(value.substr(2))) {
      return "*@" + *domain;
    }
  } else if (std::optional<std::string> address = normalize_address(value)) {
    return *address;
  }
  throw Error{ErrorKind::invalid_input,
              fmt::format("bad mail.ours entry {}: give an address (help@example.com) or "
                          "*@DOMAIN (*@example.com)",
                          quoted_argument(value))};
}

} // namespace slatrack
