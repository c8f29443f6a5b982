#include "slatrack/mail.hpp"

#include "slatrack/address.hpp"
#include "slatrack/input.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace slatrack {

namespace {

constexpr std::size_t k_max_message_id = 998; // a header line's limit (RFC 5322)
constexpr std::size_t k_max_author = 200;
constexpr std::size_t k_max_subject = 1000;

std::string_view trim(std::string_view text) {
  constexpr std::string_view k_space = " \t\r\n";
  const std::size_t first = text.find_first_not_of(k_space);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(k_space) - first + 1);
}

// The first token of a header value ("auto-replied; x" -> "auto-replied"), lower case.
std::string first_token(std::string_view value) {
  const std::size_t end = value.find_first_of(";(");
  return to_lower(trim(value.substr(0, end)));
}

// Two 64-bit FNV-1a hashes with different offsets: 128 bits, plenty to tell messages apart.
std::string hash_hex(std::string_view raw) {
  constexpr std::uint64_t k_prime = 0x100000001b3ULL;
  std::uint64_t a = 0xcbf29ce484222325ULL;
  std::uint64_t b = 0x84222325cbf29ce4ULL;
  for (const char c : raw) {
    const auto byte = static_cast<std::uint64_t>(static_cast<unsigned char>(c));
    a = (a ^ byte) * k_prime;
    b = (b ^ byte ^ 0x5a) * k_prime;
  }
  return fmt::format("{:016x}{:016x}", a, b);
}

// Control characters (but tab and line breaks, which become spaces) and bidirectional formatting
// characters left out: text that becomes a value (an author).
std::string plain_line(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    if (length == 1 && (byte < 0x20 || byte == 0x7F)) {
      out += ' ';
    } else if (!is_c1_control(text, i, length) && !is_bidi_control(code_point(text, i, length))) {
      out.append(text, i, length);
    }
    i += length;
  }
  std::string collapsed;
  for (const char c : trim(out)) {
    if (c == ' ' && !collapsed.empty() && collapsed.back() == ' ') {
      continue;
    }
    collapsed += c;
  }
  return collapsed;
}

// `text` valid UTF-8: each byte that is not part of a valid sequence becomes U+FFFD.
std::string valid_utf8(std::string_view text) {
  if (!first_invalid_utf8(text)) {
    return std::string(text);
  }
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  return out;
}

// The longest prefix of valid UTF-8 `text` of at most `max` bytes that ends at a character.
std::string_view cut_at_character(std::string_view text, std::size_t max) {
  if (text.size() <= max) {
    return text;
  }
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

struct Entity {
  std::string_view name;
  std::string_view text;
};
constexpr std::array<Entity, 14> k_entities{{{"amp", "&"},
                                             {"lt", "<"},
                                             {"gt", ">"},
                                             {"quot", "\""},
                                             {"apos", "'"},
                                             {"nbsp", " "},
                                             {"ndash", "\xE2\x80\x93"},
                                             {"mdash", "\xE2\x80\x94"},
                                             {"hellip", "\xE2\x80\xA6"},
                                             {"rsquo", "\xE2\x80\x99"},
                                             {"lsquo", "\xE2\x80\x98"},
                                             {"rdquo", "\xE2\x80\x9D"},
                                             {"ldquo", "\xE2\x80\x9C"},
                                             {"euro", "\xE2\x82\xAC"}}};

// The named references of Latin-1's upper half, U+00A0 to U+00FF in order (HTML's names).
constexpr std::array<std::string_view, 96> k_latin1{
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

void append_code_point(std::string& out, char32_t c) {
  if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    c = 0xFFFD;
  }
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// The character reference at html[i] ('&'): appended decoded, returns the bytes it took; 0 when
// it is not one (the '&' is then text).
std::size_t entity(std::string_view html, std::size_t i, std::string& out) {
  const std::size_t end = html.find(';', i + 1);
  if (end == std::string_view::npos || end - i > 12 || end == i + 1) {
    return 0;
  }
  const std::string_view name = html.substr(i + 1, end - i - 1);
  if (name.front() == '#') {
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) {
      return 0;
    }
    char32_t value = 0;
    for (const char c : digits) {
      int digit = -1;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (hex && c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (hex && c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      }
      if (digit < 0) {
        return 0;
      }
      value = value * (hex ? 16U : 10U) + static_cast<char32_t>(digit);
      if (value > 0x10FFFF) {
        value = 0x110000;
      }
    }
    append_code_point(out, value);
    return end - i + 1;
  }
  const std::string lower = to_lower(name);
  for (const Entity& known : k_entities) {
    if (known.name == lower) {
      out += known.text;
      return end - i + 1;
    }
  }
  for (std::size_t k = 0; k < k_latin1.size(); ++k) {
    if (k_latin1[k] == name) {
      append_code_point(out, static_cast<char32_t>(0xA0 + k));
      return end - i + 1;
    }
  }
  return 0;
}

bool is_block(std::string_view tag) {
  constexpr std::array<std::string_view, 20> k_blocks{
      "br", "p",  "div", "tr", "li",  "h1",         "h2",  "h3",    "h4",    "h5",
      "h6", "ul", "ol",  "hr", "pre", "blockquote", "div", "table", "title", "dd"};
  return std::find(k_blocks.begin(), k_blocks.end(), tag) != k_blocks.end();
}

// An RFC 2047 encoded word `=?charset?encoding?text?=`: where it is in the value, and its parts.
struct EncodedWord {
  std::size_t begin = 0;
  std::size_t end = 0; // one past its "?="
  std::string_view charset;
  char encoding = 'B'; // 'B' or 'Q'
  std::string_view text;
};

// The encoded word that starts at value[at], or nullopt.
std::optional<EncodedWord> encoded_word_at(std::string_view value, std::size_t at) {
  if (value.substr(at, 2) != "=?") {
    return std::nullopt;
  }
  const std::size_t question = value.find('?', at + 2);
  if (question == std::string_view::npos || question == at + 2 || question + 2 >= value.size()
      || value[question + 2] != '?') {
    return std::nullopt;
  }
  const char encoding = value[question + 1] == 'b'   ? 'B'
                        : value[question + 1] == 'q' ? 'Q'
                                                     : value[question + 1];
  const std::size_t close = value.find("?=", question + 3);
  if ((encoding != 'B' && encoding != 'Q') || close == std::string_view::npos) {
    return std::nullopt;
  }
  EncodedWord word;
  word.begin = at;
  word.end = close + 2;
  word.charset = value.substr(at + 2, question - at - 2);
  word.encoding = encoding;
  word.text = value.substr(question + 3, close - question - 3);
  const auto printable = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(),
                       [](char c) { return c > ' ' && c < '\x7F' && c != '?'; });
  };
  if (!printable(word.charset) || !printable(word.text)) {
    return std::nullopt;
  }
  return word;
}

// The bytes of base64 text; '=' ends a quantum wherever it is (a word's padding), characters
// outside the alphabet are skipped.
std::string base64_bytes(std::string_view text) {
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  const auto flush = [&out, &bits, &count] {
    if (count == 2) {
      out += static_cast<char>((bits >> 4U) & 0xFFU);
    } else if (count == 3) {
      out += static_cast<char>((bits >> 10U) & 0xFFU);
      out += static_cast<char>((bits >> 2U) & 0xFFU);
    }
    bits = 0;
    count = 0;
  };
  for (const char c : text) {
    std::uint32_t value = 0;
    if (c >= 'A' && c <= 'Z') {
      value = static_cast<std::uint32_t>(c - 'A');
    } else if (c >= 'a' && c <= 'z') {
      value = static_cast<std::uint32_t>(c - 'a' + 26);
    } else if (c >= '0' && c <= '9') {
      value = static_cast<std::uint32_t>(c - '0' + 52);
    } else if (c == '+') {
      value = 62;
    } else if (c == '/') {
      value = 63;
    } else {
      if (c == '=') {
        flush();
      }
      continue;
    }
    bits = (bits << 6U) | value;
    if (++count == 4) {
      out += static_cast<char>((bits >> 16U) & 0xFFU);
      out += static_cast<char>((bits >> 8U) & 0xFFU);
      out += static_cast<char>(bits & 0xFFU);
      bits = 0;
      count = 0;
    }
  }
  flush();
  return out;
}

std::string base64_text(std::string_view bytes) {
  constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t bits = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16U;
    if (i + 1 < bytes.size()) {
      bits |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8U;
    }
    if (i + 2 < bytes.size()) {
      bits |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    }
    out += k_alphabet[(bits >> 18U) & 0x3FU];
    out += k_alphabet[(bits >> 12U) & 0x3FU];
    out += i + 1 < bytes.size() ? k_alphabet[(bits >> 6U) & 0x3FU] : '=';
    out += i + 2 < bytes.size() ? k_alphabet[bits & 0x3FU] : '=';
  }
  return out;
}

// Whether base64 text has padding before its end ("w4k=dmU=").
bool padded_inside(std::string_view text) {
  const std::size_t pad = text.find('=');
  return pad != std::string_view::npos
         && text.find_first_not_of('=', pad) != std::string_view::npos;
}

} // namespace

std::optional<std::string> not_a_message(std::string_view raw) {
  if (trim(raw).empty()) {
    return "the input is empty";
  }
  if (const std::size_t nul = raw.find('\0'); nul != std::string_view::npos) {
    return fmt::format("the input is binary (a NUL byte at offset {})", nul);
  }
  std::string_view first = raw.substr(0, raw.find('\n'));
  if (first.starts_with("From ")) { // an mbox "From " line before the headers
    const std::size_t next = raw.find('\n');
    first = next == std::string_view::npos ? std::string_view{} : raw.substr(next + 1);
    first = first.substr(0, first.find('\n'));
  }
  const std::size_t colon = first.find(':');
  const std::string_view name = first.substr(0, colon);
  const bool header = colon != std::string_view::npos && !name.empty()
                      && std::all_of(name.begin(), name.end(), [](char c) {
                           const auto byte = static_cast<unsigned char>(c);
                           return byte > 0x20 && byte < 0x7F;
                         });
  if (!header) {
    return "no header section (a message starts with header lines such as From: ...)";
  }
  return std::nullopt;
}

std::optional<std::string> machine_reason(const MailMessage& message) {
  if (message.x_slatrack_loop) {
    return "X-Slatrack-Loop";
  }
  if (message.auto_submitted) {
    const std::string value = first_token(*message.auto_submitted);
    if (value != "no") {
      return fmt::format("Auto-Submitted: {}", plain_line(cut_text(value, 100)));
    }
  }
  if (message.precedence) {
    const std::string value = first_token(*message.precedence);
    if (value == "bulk" || value == "junk" || value == "list") {
      return fmt::format("Precedence: {}", value);
    }
  }
  if (message.x_autoreply) {
    return "X-Autoreply";
  }
  if (message.x_autorespond) {
    return "X-Autorespond";
  }
  if (message.return_path) {
    const std::string_view value = trim(*message.return_path);
    if (value.empty() || value == "<>") {
      return "empty Return-Path";
    }
  }
  const std::string from = to_lower(message.from_address);
  const std::string_view local = std::string_view(from).substr(0, from.rfind('@'));
  if (local == "mailer-daemon" || local == "postmaster") {
    return fmt::format("from {}", plain_line(cut_text(message.from_address, 200)));
  }
  return std::nullopt;
}

std::string join_encoded_words(std::string_view value) {
  std::string out;
  std::size_t copied = 0;
  std::size_t at = 0;
  while ((at = value.find("=?", at)) != std::string_view::npos) {
    const std::optional<EncodedWord> first = encoded_word_at(value, at);
    if (!first || first->encoding != 'B') {
      at += 2;
      continue;
    }
    std::vector<EncodedWord> run{*first};
    for (;;) {
      const std::size_t next = value.find_first_not_of(" \t\r\n", run.back().end);
      if (next == std::string_view::npos) {
        break;
      }
      const std::optional<EncodedWord> word = encoded_word_at(value, next);
      if (!word || word->encoding != 'B' || to_lower(word->charset) != to_lower(first->charset)) {
        break;
      }
      run.push_back(*word);
    }
    at = run.back().end;
    if (run.size() < 2 && !padded_inside(first->text)) {
      continue;
    }
    std::string bytes;
    for (const EncodedWord& word : run) {
      bytes += base64_bytes(word.text);
    }
    out.append(value.substr(copied, first->begin - copied));
    out += fmt::format("=?{}?B?{}?=", first->charset, base64_text(bytes));
    copied = at;
  }
  if (copied == 0) {
    return std::string(value);
  }
  out.append(value.substr(copied));
  return out;
}

std::optional<std::string> date_with_full_year(std::string_view date) {
  constexpr std::array<std::string_view, 12> k_months = {"jan", "feb", "mar", "apr", "may", "jun",
                                                         "jul", "aug", "sep", "oct", "nov", "dec"};
  constexpr std::string_view k_space = " \t\r\n,";
  std::size_t at = 0;
  bool after_month = false;
  while ((at = date.find_first_not_of(k_space, at)) != std::string_view::npos) {
    const std::size_t end = std::min(date.find_first_of(k_space, at), date.size());
    const std::string_view word = date.substr(at, end - at);
    if (after_month) {
      if (word.size() != 3
          || !std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
      }
      return fmt::format("{}{}{}", date.substr(0, at), std::stoi(std::string(word)) + 1900,
                         date.substr(end));
    }
    after_month = std::find(k_months.begin(), k_months.end(), to_lower(word)) != k_months.end();
    at = end;
  }
  return std::nullopt;
}

std::optional<std::int64_t> subject_tag(std::string_view subject) {
  constexpr std::size_t k_max_digits = 18;
  for (std::size_t at = subject.find("[#"); at != std::string_view::npos;
       at = subject.find("[#", at + 1)) {
    std::size_t i = at + 2;
    std::int64_t value = 0;
    while (i < subject.size() && i - at - 2 < k_max_digits && subject[i] >= '0'
           && subject[i] <= '9') {
      value = value * 10 + (subject[i] - '0');
      ++i;
    }
    if (i > at + 2 && i < subject.size() && subject[i] == ']' && value > 0) {
      return value;
    }
  }
  return std::nullopt;
}

std::vector<std::string> thread_ids(const MailMessage& message) {
  std::vector<std::string> out;
  const auto add = [&out](const std::string& id) {
    if (std::optional<std::string> normal = normalize_message_id(id)) {
      if (std::find(out.begin(), out.end(), *normal) == out.end()) {
        out.push_back(*normal);
      }
    }
  };
  for (const std::string& id : message.in_reply_to) {
    add(id);
  }
  for (auto id = message.references.rbegin(); id != message.references.rend(); ++id) {
    add(*id);
  }
  for (const std::string& id : message.returned_ids) {
    add(id);
  }
  return out;
}

std::optional<std::string> normalize_message_id(std::string_view id) {
  std::string out;
  for (const char c : id) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F) {
      if (byte <= 0x20) {
        continue; // folding and stray spaces
      }
      return std::nullopt; // not ASCII: not a Message-ID we can keep as a ref
    }
    out += c;
  }
  if (out.empty() || out == "<>") {
    return std::nullopt;
  }
  if (out.front() != '<') {
    out.insert(out.begin(), '<');
  }
  if (out.back() != '>') {
    out += '>';
  }
  if (out.size() > k_max_message_id) {
    return std::nullopt;
  }
  return out;
}

std::vector<std::string> other_ref_forms(std::string_view ref) {
  const std::string_view trimmed = trim(ref);
  std::string_view bare = trimmed;
  if (bare.size() >= 2 && bare.front() == '<' && bare.back() == '>') {
    bare = trim(bare.substr(1, bare.size() - 2));
  }
  std::vector<std::string> out;
  if (bare.empty()) {
    return out;
  }
  for (std::string form : {fmt::format("<{}>", bare), std::string(bare)}) {
    if (form != ref) {
      out.push_back(std::move(form));
    }
  }
  return out;
}

std::string message_key(const MailMessage& message, std::string_view raw) {
  if (message.message_id) {
    if (std::optional<std::string> id = normalize_message_id(*message.message_id)) {
      return *id;
    }
  }
  return fmt::format("<sha-{}@slatrack.invalid>", hash_hex(raw));
}

std::string mail_author(const MailMessage& message, std::string_view address) {
  std::string name = plain_line(message.from_name);
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  name = std::string(cut_at_character(name, k_max_author));
  if (name.empty() || to_lower(name) == to_lower(address)) {
    return std::string(address);
  }
  return fmt::format("{} <{}>", name, address);
}

Instant mail_time(const MailMessage& message, Instant now, std::optional<Instant> earliest) {
  Instant out = message.date && *message.date <= now ? *message.date : now;
  if (earliest && out < *earliest) {
    out = *earliest;
  }
  return out;
}

std::string mail_subject(const MailMessage& message) {
  const std::string subject = plain_line(message.subject);
  if (subject.empty()) {
    return "(no subject)";
  }
  return std::string(cut_at_character(subject, k_max_subject));
}

std::string mail_text(const MailMessage& message, std::size_t max) {
  std::string_view text = message.text;
  while (!text.empty()
         && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'
             || text.back() == '\n')) {
    text.remove_suffix(1);
  }
  return cut_text(text, max);
}

std::string cut_text(std::string_view text, std::size_t max) {
  const std::string valid = valid_utf8(text);
  return std::string(cut_at_character(valid, max));
}

std::string html_to_text(std::string_view html) {
  std::string raw;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      if (html.substr(i, 4) == "<!--") {
        const std::size_t end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 3;
        continue;
      }
      const std::size_t end = html.find('>', i + 1);
      if (end == std::string_view::npos) {
        break;
      }
      std::string_view inside = html.substr(i + 1, end - i - 1);
      const bool closing = !inside.empty() && inside.front() == '/';
      if (closing) {
        inside.remove_prefix(1);
      }
      const std::size_t name_end = inside.find_first_of(" \t\r\n/");
      const std::string tag = to_lower(inside.substr(0, name_end));
      i = end + 1;
      if (!closing && (tag == "script" || tag == "style" || tag == "head")) {
        const std::string close = "</" + tag;
        std::size_t skip = i;
        while (skip < html.size()) {
          const std::size_t found = html.find('<', skip);
          if (found == std::string_view::npos) {
            skip = html.size();
            break;
          }
          if (to_lower(html.substr(found, close.size())) == close) {
            const std::size_t gt = html.find('>', found);
            skip = gt == std::string_view::npos ? html.size() : gt + 1;
            break;
          }
          skip = found + 1;
        }
        i = skip;
        continue;
      }
      if (is_block(tag)) {
        raw += '\n';
      } else if (tag == "td" || tag == "th") {
        raw += ' ';
      }
      continue;
    }
    if (c == '&') {
      const std::size_t taken = entity(html, i, raw);
      if (taken > 0) {
        i += taken;
        continue;
      }
    }
    raw += c;
    ++i;
  }
  // Spaces collapsed within lines; lines trimmed; at most one blank line in a row.
  std::string out;
  std::size_t blank_lines = 0;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t end = raw.find('\n', start);
    if (end == std::string::npos) {
      end = raw.size();
    }
    std::string line;
    for (const char ch : raw.substr(start, end - start)) {
      const bool space = ch == ' ' || ch == '\t' || ch == '\r';
      if (space) {
        if (!line.empty() && line.back() != ' ') {
          line += ' ';
        }
      } else {
        line += ch;
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    if (line.empty()) {
      ++blank_lines;
    } else {
      if (!out.empty()) {
        out += blank_lines > 0 ? "\n\n" : "\n";
      }
      out += line;
      blank_lines = 0;
    }
    start = end + 1;
  }
  return out;
}

UnknownSender unknown_sender(std::string_view address) {
  const std::string lower = to_lower(address);
  const std::string domain(address_domain(lower));
  if (is_public_provider(domain)) {
    return UnknownSender{lower, lower, std::nullopt};
  }
  return UnknownSender{domain, std::nullopt, domain};
}

MailAction decide(const MailFacts& facts) {
  if (facts.recorded) {
    return MailAction::already;
  }
  if (facts.machine) {
    return facts.known ? MailAction::note : MailAction::drop;
  }
  if (facts.ours) {
    return facts.known ? MailAction::reply : MailAction::ignore;
  }
  return facts.known ? MailAction::followup : MailAction::new_request;
}

std::string_view to_string(MailAction action) {
  switch (action) {
  case MailAction::already:
    return "already there";
  case MailAction::new_request:
    return "new request";
  case MailAction::followup:
    return "follow-up";
  case MailAction::reply:
    return "reply";
  case MailAction::note:
    return "note";
  case MailAction::ignore:
    return "ignored";
  case MailAction::drop:
    return "dropped";
  }
  return "?";
}

} // namespace slatrack
