#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <fmt/format.h>
#include <iterator>

namespace slatrack {

std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  if (lead < 0x80) {
    return 1;
  }
  std::size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  } else {
    return 0;
  }
  if (text.size() - i < length) {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if (next < 0x80 || next > 0xBF) {
      return 0;
    }
  }
  // Overlong forms, UTF-16 surrogates and code points above U+10FFFF.
  const auto second = static_cast<unsigned char>(text[i + 1]);
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F)
      || (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) {
    return 0;
  }
  return length;
}

bool is_c1_control(std::string_view text, std::size_t i, std::size_t length) {
  return length == 2 && static_cast<unsigned char>(text[i]) == 0xC2
         && static_cast<unsigned char>(text[i + 1]) <= 0x9F;
}

char32_t code_point(std::string_view text, std::size_t i, std::size_t length) {
  const auto byte = [&](std::size_t k) {
    return static_cast<char32_t>(static_cast<unsigned char>(text[i + k]));
  };
  switch (length) {
  case 1:
    return byte(0);
  case 2:
    return ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
  case 3:
    return ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
  case 4:
    return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6)
           | (byte(3) & 0x3F);
  default:
    return 0xFFFD;
  }
}

bool is_bidi_control(char32_t c) {
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
         || (c >= 0x2066 && c <= 0x2069);
}

namespace {

struct Range {
  char32_t first;
  char32_t last;
};

// Characters that take no column: combining marks, zero-width spaces and joiners, variation
// selectors (the common blocks of Unicode's Mn/Me/Cf; enough for names and subjects).
constexpr std::array<Range, 16> k_zero_width{{
    {0x0300, 0x036F},
    {0x0483, 0x0489},
    {0x0591, 0x05BD},
    {0x0610, 0x061A},
    {0x064B, 0x065F},
    {0x0E31, 0x0E31},
    {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E},
    {0x1AB0, 0x1AFF},
    {0x1DC0, 0x1DFF},
    {0x200B, 0x200F},
    {0x202A, 0x202E},
    {0x2060, 0x2069},
    {0x20D0, 0x20FF},
    {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F},
}};

// East Asian Wide and Fullwidth characters (Unicode's EastAsianWidth W and F, by block).
constexpr std::array<Range, 18> k_wide{{
    {0x1100, 0x115F},
    {0x231A, 0x231B},
    {0x2E80, 0x303E},
    {0x3041, 0x33FF},
    {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF},
    {0xA000, 0xA4CF},
    {0xA960, 0xA97F},
    {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF},
    {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60},
    {0xFFE0, 0xFFE6},
    {0x1F300, 0x1F64F},
    {0x1F900, 0x1F9FF},
    {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
}};

template <std::size_t N> bool in_ranges(const std::array<Range, N>& ranges, char32_t c) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [c](const Range& range) { return c >= range.first && c <= range.last; });
}

} // namespace

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++width; // ASCII (most text): one column
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length <= 1) {
      ++width; // a byte that is not UTF-8
      ++i;
      continue;
    }
    const char32_t c = code_point(text, i, length);
    if (in_ranges(k_wide, c)) {
      width += 2;
    } else if (!in_ranges(k_zero_width, c)) {
      ++width;
    }
    i += length;
  }
  return width;
}

namespace {

// Runs of Unicode's simple lower-case mapping: every step-th code point of [first, last] maps to
// itself plus delta (scripts/gen-case-table).
struct LowerRun {
  char32_t first;
  char32_t last;
  std::uint8_t step;
  std::int32_t delta;
};

// Printed by scripts/gen-case-table (Unicode 14.0.0); paste its output again here when it changes.
// clang-format off
constexpr LowerRun k_lower_runs[] = {
{0x00C0, 0x00D6, 1, 32},
{0x00D8, 0x00DE, 1, 32},
{0x0100, 0x012E, 2, 1},
{0x0132, 0x0136, 2, 1},
{0x0139, 0x0147, 2, 1},
{0x014A, 0x0176, 2, 1},
{0x0178, 0x0178, 1, -121},
{0x0179, 0x017D, 2, 1},
{0x0181, 0x0181, 1, 210},
{0x0182, 0x0184, 2, 1},
{0x0186, 0x0186, 1, 206},
{0x0187, 0x0187, 1, 1},
{0x0189, 0x018A, 1, 205},
{0x018B, 0x018B, 1, 1},
{0x018E, 0x018E, 1, 79},
{0x018F, 0x018F, 1, 202},
{0x0190, 0x0190, 1, 203},
{0x0191, 0x0191, 1, 1},
{0x0193, 0x0193, 1, 205},
{0x0194, 0x0194, 1, 207},
{0x0196, 0x0196, 1, 211},
{0x0197, 0x0197, 1, 209},
{0x0198, 0x0198, 1, 1},
{0x019C, 0x019C, 1, 211},
{0x019D, 0x019D, 1, 213},
{0x019F, 0x019F, 1, 214},
{0x01A0, 0x01A4, 2, 1},
{0x01A6, 0x01A6, 1, 218},
{0x01A7, 0x01A7, 1, 1},
{0x01A9, 0x01A9, 1, 218},
{0x01AC, 0x01AC, 1, 1},
{0x01AE, 0x01AE, 1, 218},
{0x01AF, 0x01AF, 1, 1},
{0x01B1, 0x01B2, 1, 217},
{0x01B3, 0x01B5, 2, 1},
{0x01B7, 0x01B7, 1, 219},
{0x01B8, 0x01B8, 1, 1},
{0x01BC, 0x01BC, 1, 1},
{0x01C4, 0x01C4, 1, 2},
{0x01C5, 0x01C5, 1, 1},
{0x01C7, 0x01C7, 1, 2},
{0x01C8, 0x01C8, 1, 1},
{0x01CA, 0x01CA, 1, 2},
{0x01CB, 0x01DB, 2, 1},
{0x01DE, 0x01EE, 2, 1},
{0x01F1, 0x01F1, 1, 2},
{0x01F2, 0x01F4, 2, 1},
{0x01F6, 0x01F6, 1, -97},
{0x01F7, 0x01F7, 1, -56},
{0x01F8, 0x021E, 2, 1},
{0x0220, 0x0220, 1, -130},
{0x0222, 0x0232, 2, 1},
{0x023A, 0x023A, 1, 10795},
{0x023B, 0x023B, 1, 1},
{0x023D, 0x023D, 1, -163},
{0x023E, 0x023E, 1, 10792},
{0x0241, 0x0241, 1, 1},
{0x0243, 0x0243, 1, -195},
{0x0244, 0x0244, 1, 69},
{0x0245, 0x0245, 1, 71},
{0x0246, 0x024E, 2, 1},
{0x0370, 0x0372, 2, 1},
{0x0376, 0x0376, 1, 1},
{0x037F, 0x037F, 1, 116},
{0x0386, 0x0386, 1, 38},
{0x0388, 0x038A, 1, 37},
{0x038C, 0x038C, 1, 64},
{0x038E, 0x038F, 1, 63},
{0x0391, 0x03A1, 1, 32},
{0x03A3, 0x03AB, 1, 32},
{0x03CF, 0x03CF, 1, 8},
{0x03D8, 0x03EE, 2, 1},
{0x03F4, 0x03F4, 1, -60},
{0x03F7, 0x03F7, 1, 1},
{0x03F9, 0x03F9, 1, -7},
{0x03FA, 0x03FA, 1, 1},
{0x03FD, 0x03FF, 1, -130},
{0x0400, 0x040F, 1, 80},
{0x0410, 0x042F, 1, 32},
{0x0460, 0x0480, 2, 1},
{0x048A, 0x04BE, 2, 1},
{0x04C0, 0x04C0, 1, 15},
{0x04C1, 0x04CD, 2, 1},
{0x04D0, 0x052E, 2, 1},
{0x0531, 0x0556, 1, 48},
{0x10A0, 0x10C5, 1, 7264},
{0x10C7, 0x10C7, 1, 7264},
{0x10CD, 0x10CD, 1, 7264},
{0x13A0, 0x13EF, 1, 38864},
{0x13F0, 0x13F5, 1, 8},
{0x1C90, 0x1CBA, 1, -3008},
{0x1CBD, 0x1CBF, 1, -3008},
{0x1E00, 0x1E94, 2, 1},
{0x1E9E, 0x1E9E, 1, -7615},
{0x1EA0, 0x1EFE, 2, 1},
{0x1F08, 0x1F0F, 1, -8},
{0x1F18, 0x1F1D, 1, -8},
{0x1F28, 0x1F2F, 1, -8},
{0x1F38, 0x1F3F, 1, -8},
{0x1F48, 0x1F4D, 1, -8},
{0x1F59, 0x1F5F, 2, -8},
{0x1F68, 0x1F6F, 1, -8},
{0x1F88, 0x1F8F, 1, -8},
{0x1F98, 0x1F9F, 1, -8},
{0x1FA8, 0x1FAF, 1, -8},
{0x1FB8, 0x1FB9, 1, -8},
{0x1FBA, 0x1FBB, 1, -74},
{0x1FBC, 0x1FBC, 1, -9},
{0x1FC8, 0x1FCB, 1, -86},
{0x1FCC, 0x1FCC, 1, -9},
{0x1FD8, 0x1FD9, 1, -8},
{0x1FDA, 0x1FDB, 1, -100},
{0x1FE8, 0x1FE9, 1, -8},
{0x1FEA, 0x1FEB, 1, -112},
{0x1FEC, 0x1FEC, 1, -7},
{0x1FF8, 0x1FF9, 1, -128},
{0x1FFA, 0x1FFB, 1, -126},
{0x1FFC, 0x1FFC, 1, -9},
{0x2126, 0x2126, 1, -7517},
{0x212A, 0x212A, 1, -8383},
{0x212B, 0x212B, 1, -8262},
{0x2132, 0x2132, 1, 28},
{0x2183, 0x2183, 1, 1},
{0x2C00, 0x2C2F, 1, 48},
{0x2C60, 0x2C60, 1, 1},
{0x2C62, 0x2C62, 1, -10743},
{0x2C63, 0x2C63, 1, -3814},
{0x2C64, 0x2C64, 1, -10727},
{0x2C67, 0x2C6B, 2, 1},
{0x2C6D, 0x2C6D, 1, -10780},
{0x2C6E, 0x2C6E, 1, -10749},
{0x2C6F, 0x2C6F, 1, -10783},
{0x2C70, 0x2C70, 1, -10782},
{0x2C72, 0x2C72, 1, 1},
{0x2C75, 0x2C75, 1, 1},
{0x2C7E, 0x2C7F, 1, -10815},
{0x2C80, 0x2CE2, 2, 1},
{0x2CEB, 0x2CED, 2, 1},
{0x2CF2, 0x2CF2, 1, 1},
{0xA640, 0xA66C, 2, 1},
{0xA680, 0xA69A, 2, 1},
{0xA722, 0xA72E, 2, 1},
{0xA732, 0xA76E, 2, 1},
{0xA779, 0xA77B, 2, 1},
{0xA77D, 0xA77D, 1, -35332},
{0xA77E, 0xA786, 2, 1},
{0xA78B, 0xA78B, 1, 1},
{0xA78D, 0xA78D, 1, -42280},
{0xA790, 0xA792, 2, 1},
{0xA796, 0xA7A8, 2, 1},
{0xA7AA, 0xA7AA, 1, -42308},
{0xA7AB, 0xA7AB, 1, -42319},
{0xA7AC, 0xA7AC, 1, -42315},
{0xA7AD, 0xA7AD, 1, -42305},
{0xA7AE, 0xA7AE, 1, -42308},
{0xA7B0, 0xA7B0, 1, -42258},
{0xA7B1, 0xA7B1, 1, -42282},
{0xA7B2, 0xA7B2, 1, -42261},
{0xA7B3, 0xA7B3, 1, 928},
{0xA7B4, 0xA7C2, 2, 1},
{0xA7C4, 0xA7C4, 1, -48},
{0xA7C5, 0xA7C5, 1, -42307},
{0xA7C6, 0xA7C6, 1, -35384},
{0xA7C7, 0xA7C9, 2, 1},
{0xA7D0, 0xA7D0, 1, 1},
{0xA7D6, 0xA7D8, 2, 1},
{0xA7F5, 0xA7F5, 1, 1},
{0xFF21, 0xFF3A, 1, 32},
};
// clang-format on

char32_t lower_code_point(char32_t c) {
  const auto* run = std::upper_bound(std::begin(k_lower_runs), std::end(k_lower_runs), c,
                                     [](char32_t x, const LowerRun& r) { return x < r.first; });
  if (run == std::begin(k_lower_runs)) {
    return c;
  }
  --run;
  if (c > run->last || (c - run->first) % run->step != 0) {
    return c;
  }
  return static_cast<char32_t>(static_cast<std::int32_t>(c) + run->delta);
}

// Appends code point `c` (below 0x10000) as UTF-8.
void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

} // namespace

std::string fold_case(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      out += static_cast<char>(std::tolower(byte));
      ++i;
      continue;
    }
    // A two- or three-byte sequence (the Basic Multilingual Plane), well formed and not overlong;
    // anything else is copied byte by byte.
    const auto next = [&](std::size_t k) {
      return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0U;
    };
    char32_t c = 0;
    std::size_t length = 0;
    if (byte >= 0xC2 && byte <= 0xDF && (next(1) & 0xC0U) == 0x80) {
      c = static_cast<char32_t>(((byte & 0x1FU) << 6) | (next(1) & 0x3FU));
      length = 2;
    } else if (byte >= 0xE0 && byte <= 0xEF && (next(1) & 0xC0U) == 0x80
               && (next(2) & 0xC0U) == 0x80) {
      c = static_cast<char32_t>(((byte & 0x0FU) << 12) | ((next(1) & 0x3FU) << 6)
                                | (next(2) & 0x3FU));
      length = c >= 0x800 && (c < 0xD800 || c > 0xDFFF) ? 3 : 0;
    }
    if (length == 0) {
      out += text[i];
      ++i;
      continue;
    }
    append_utf8(out, lower_code_point(c));
    i += length;
  }
  return out;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return fold_case(a) == fold_case(b);
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return out;
}

namespace {

bool word_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte >= 0x80 || std::isalnum(byte) != 0;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size()
         && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
              return std::tolower(static_cast<unsigned char>(a))
                     == std::tolower(static_cast<unsigned char>(b));
            });
}

// Whether `name`, or a word of it, starts with `wanted` (ignoring case).
bool short_form_of(std::string_view wanted, std::string_view name) {
  if (starts_with_ignoring_case(name, wanted)) {
    return true;
  }
  for (std::size_t i = 1; i < name.size(); ++i) {
    if (word_byte(name[i]) && !word_byte(name[i - 1])
        && starts_with_ignoring_case(name.substr(i), wanted)) {
      // Only within the word: "vale llp" is not a word of "Hudson & Vale LLP".
      const std::size_t end = i + wanted.size();
      bool inside = true;
      for (std::size_t k = i; k < end; ++k) {
        inside = inside && word_byte(name[k]);
      }
      if (inside) {
        return true;
      }
    }
  }
  return false;
}

} // namespace

std::vector<std::string> match_short_name(std::string_view wanted,
                                          const std::vector<std::string>& names) {
  if (wanted.empty()) {
    return {};
  }
  // Compared with every letter in lower case (fold_case: "zoë" is a short form of "ZOË CAFÉ").
  const std::string folded = fold_case(wanted);
  std::vector<std::string> folded_names;
  folded_names.reserve(names.size());
  for (const std::string& name : names) {
    folded_names.push_back(fold_case(name));
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (folded_names[i] == folded) {
      return {names[i]};
    }
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (short_form_of(folded, folded_names[i])) {
      out.push_back(names[i]);
    }
  }
  return out;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    previous[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

} // namespace

std::vector<std::string> closest_names(std::string_view wanted,
                                       const std::vector<std::string>& names, std::size_t max) {
  const std::string needle = fold_case(wanted);
  struct Candidate {
    std::size_t score;
    bool by_word; // close only to a word of the name: after the names close as a whole
    std::string name;
  };
  std::vector<Candidate> candidates;
  for (const std::string& name : names) {
    const std::string lower = fold_case(name);
    std::size_t score = edit_distance(needle, lower);
    // A typo in a short form: close to a word of the name ("hudsen" to Hudson & Vale LLP), or to
    // the start of one ("blom" to Bloom Florists).
    std::size_t word_score = score;
    for (std::size_t begin = 0; begin < lower.size();) {
      while (begin < lower.size() && !word_byte(lower[begin])) {
        ++begin;
      }
      std::size_t end = begin;
      while (end < lower.size() && word_byte(lower[end])) {
        ++end;
      }
      const std::string_view word = std::string_view(lower).substr(begin, end - begin);
      if (word.size() >= 2 && word.size() < lower.size()) {
        word_score = std::min(word_score, edit_distance(needle, word));
      }
      if (word.size() > needle.size() && needle.size() >= 2) {
        word_score = std::min(word_score, edit_distance(needle, word.substr(0, needle.size())));
      }
      begin = end;
    }
    const bool related =
        !needle.empty() && !lower.empty()
        && (lower.find(needle) != std::string::npos || needle.find(lower) != std::string::npos);
    if (related) {
      score = std::min<std::size_t>(score, 1);
    }
    const bool by_word = word_score < score;
    score = std::min(score, word_score);
    // About one edit in three, but at most one in two, so that a short name is not "close" to
    // every other short name ("xy" is not close to "GB").
    const std::size_t limit = std::min(std::max<std::size_t>(2, needle.size() / 3),
                                       std::max<std::size_t>(1, needle.size() / 2));
    if (related || score <= limit) {
      candidates.push_back({score, by_word, name});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) {
                     return a.score != b.score ? a.score < b.score : !a.by_word && b.by_word;
                   });
  std::vector<std::string> out;
  for (const Candidate& candidate : candidates) {
    if (out.size() == max) {
      break;
    }
    out.push_back(candidate.name);
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += (i + 1 == names.size()) ? " or " : ", ";
    }
    out += fmt::format("\"{}\"", names[i]);
  }
  return out;
}

std::string shell_word(std::string_view text) {
  const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || std::string_view{"_.,:@%+=/-"}.find(c) != std::string_view::npos;
  });
  if (plain) {
    return std::string(text);
  }
  std::string out = "'";
  for (const char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& names) {
  const std::vector<std::string> close = closest_names(name, names);
  return close.empty() ? std::string{} : fmt::format(" (did you mean {}?)", quoted_list(close));
}

} // namespace slatrack
