// libFuzzer target: import's line parsers (CSV records over several lines, TSV lines) never
// crash on any input.
#include "slatrack/csv.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  slatrack::CsvParser parser;
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    static_cast<void>(parser.feed(line));
    slatrack::split_tsv(line, fields);
    start = end + 1;
  }
  return 0;
}
