// CSV and TSV cells as slatrack writes and reads them: an incremental RFC 4180 record parser (a
// record may span lines when a quoted field holds a newline), the TSV escapes of our output, and
// the guard that keeps a spreadsheet from running a cell as a formula. Pure: no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

// A cell a spreadsheet could run as a formula starts with = + - @ tab or CR. guard_formula
// prefixes such a cell with a single quote; so that the guard can always be undone, a cell that
// already starts with quotes followed by one of those characters gets one more quote.
// unguard_formula removes that one quote again: guard then unguard gives the text back.
[[nodiscard]] bool needs_formula_guard(std::string_view text);
[[nodiscard]] std::string guard_formula(std::string_view text);
[[nodiscard]] std::string unguard_formula(std::string_view text);

// Reads RFC 4180 records one physical line at a time.
class CsvParser {
public:
  enum class Status {
    record,    // fields() holds a complete record
    more,      // a quoted field is still open: feed the next line
    malformed, // error() says why; the record is dropped
  };

  explicit CsvParser(char separator = ',') : m_separator(separator) {}

  // Feeds one line without its LF; a CR before the LF is dropped (except inside quotes, where the
  // line break is kept as LF). A record in progress continues with this line.
  Status feed(std::string_view line);

  // The fields of the last complete record.
  [[nodiscard]] const std::vector<std::string>& fields() const {
    return m_fields;
  }
  // Why the last feed() returned malformed.
  [[nodiscard]] const std::string& error() const {
    return m_error;
  }
  // Whether a quoted field is open at the end of the input so far.
  [[nodiscard]] bool pending() const {
    return m_in_quotes;
  }

private:
  char m_separator;
  std::vector<std::string> m_fields;
  std::size_t m_count = 0; // fields of the record in progress
  bool m_in_quotes = false;
  bool m_after_quote = false; // just read a closing quote of a quoted field
  std::string m_error;
};

// Splits one TSV line as slatrack writes it: tab-separated, with \t \n \r \\ for tab, newline,
// CR and backslash (any other backslash is kept as it is). A trailing CR is dropped.
void split_tsv(std::string_view line, std::vector<std::string>& fields);

} // namespace slatrack
