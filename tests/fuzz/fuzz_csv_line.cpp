// libFuzzer target for import's CSV and TSV readers (include/slatrack/csv.hpp). The input is read
// twice. As a file: its lines go through CsvParser (records over several lines) and split_tsv,
// which must not crash, and a malformed record says why in a printable line. As cells (split at
// NUL bytes): written as RFC 4180 CSV by an independent writer (quotes around a cell with a comma,
// quote, CR or LF; quotes doubled) and as our TSV (\t \n \r \\ escaped), both must read back to
// the same cells (in CSV a CRLF inside a quoted cell reads as LF, as documented), and the
// spreadsheet formula guard must undo: unguard_formula(guard_formula(x)) == x.
#include "fuzz_support.hpp"
#include "slatrack/csv.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using slatrack::fuzz::require;

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) {
      return parts;
    }
    start = end + 1;
  }
}

void read_as_file(std::string_view text) {
  slatrack::CsvParser parser;
  std::vector<std::string> fields;
  for (const std::string_view line : split(text, '\n')) {
    if (parser.feed(line) == slatrack::CsvParser::Status::malformed) {
      require(slatrack::fuzz::printable(parser.error()), "CSV error not printable");
    }
    slatrack::split_tsv(line, fields);
    require(!fields.empty(), "split_tsv gave no field");
  }
}

std::string csv_cell(std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(cell);
  }
  std::string out = "\"";
  for (const char c : cell) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + '"';
}

std::string tsv_cell(std::string_view cell) {
  std::string out;
  for (const char c : cell) {
    switch (c) {
    case '\t':
      out += "\\t";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\\':
      out += "\\\\";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string crlf_as_lf(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')) {
      out += text[i];
    }
  }
  return out;
}

void read_as_cells(std::string_view text) {
  const std::vector<std::string_view> cells = split(text, '\0');
  std::string csv;
  std::string tsv;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    require(slatrack::unguard_formula(slatrack::guard_formula(cells[i])) == cells[i],
            "formula guard does not undo");
    csv += (i == 0 ? "" : ",") + csv_cell(cells[i]);
    tsv += (i == 0 ? "" : "\t") + tsv_cell(cells[i]);
  }
  slatrack::CsvParser parser;
  const std::vector<std::string_view> lines = split(csv, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const slatrack::CsvParser::Status status = parser.feed(lines[i]);
    const slatrack::CsvParser::Status expected = i + 1 == lines.size()
                                                     ? slatrack::CsvParser::Status::record
                                                     : slatrack::CsvParser::Status::more;
    require(status == expected, "CSV record does not read back whole");
  }
  require(parser.fields().size() == cells.size(), "CSV record has another number of cells");
  for (std::size_t i = 0; i < cells.size(); ++i) {
    require(parser.fields()[i] == crlf_as_lf(cells[i]), "CSV cell reads back differently");
  }
  std::vector<std::string> fields;
  slatrack::split_tsv(tsv, fields);
  require(std::equal(fields.begin(), fields.end(), cells.begin(), cells.end()),
          "TSV cells read back differently");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  read_as_file(text);
  read_as_cells(text);
  return 0;
}
