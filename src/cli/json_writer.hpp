// JSON text written as it streams, without building a document: the rows of `--format json|jsonl`
// and the objects of `export`. The bytes are exactly those nlohmann::json's compact dump gave for
// the same values (tests/unit/test_json_writer.cpp compares them on every kind of string), so the
// machine formats did not change when they stopped building a JSON document per row.
#pragma once

#include "cli/output.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slatrack::cli {

// Appends `text` as a JSON string: '"' and '\' escaped, \b \f \n \r \t, the other control
// characters below 0x20 as \u00XX, everything else as it is (UTF-8 stays UTF-8); text that is
// not valid UTF-8 has each invalid sequence replaced by U+FFFD, as nlohmann's "replace" does.
void append_json_string(std::string& out, std::string_view text);

// Appends a value: null, true/false, a count, text, an instant as a UTC ISO 8601 string, a duration
// as whole seconds.
void append_json(std::string& out, const Value& value);

// Appends the fields of `record` as `"key":value` pairs separated by commas, without braces, so a
// caller can add fields of its own to the object.
void append_json_fields(std::string& out, const Record& record);

// Appends `record` as one JSON object with its fields in order.
void append_json(std::string& out, const Record& record);

// Appends fields as `"key":value` pairs separated by commas, as append_json_fields writes a
// record's, straight from a domain object: given to records.hpp's request_fields, event_fields and
// clock_fields, it writes the same bytes without building the Record (export writes millions).
// The keys are written as they are: plain ASCII names, which JSON needs no escape for.
class JsonFields {
public:
  explicit JsonFields(std::string& out) : m_out(out) {}

  void operator()(std::string_view key, std::int64_t value);
  void operator()(std::string_view key, std::string_view value);
  void operator()(std::string_view key, const std::string& value) {
    (*this)(key, std::string_view(value));
  }
  void operator()(std::string_view key, Instant value);
  void operator()(std::string_view key, Seconds value);
  void operator()(std::string_view key, const Value& value);
  template <typename T> void operator()(std::string_view key, const std::optional<T>& value) {
    if (value) {
      (*this)(key, *value);
    } else {
      null(key);
    }
  }

private:
  // `"key":` (after a comma but for the first field), then `value`, JSON text as it is.
  void field(std::string_view key, std::string_view value);
  void key(std::string_view key);
  void null(std::string_view key);
  std::string& m_out;
  bool m_first = true;
};

} // namespace slatrack::cli
