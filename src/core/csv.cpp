#include "slatrack/csv.hpp"

namespace slatrack {

namespace {

bool formula_start(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// The first character after the leading single quotes, or '\0' when there is none.
char after_quotes(std::string_view text) {
  const std::size_t first = text.find_first_not_of('\'');
  return first == std::string_view::npos ? '\0' : text[first];
}

} // namespace

bool needs_formula_guard(std::string_view text) {
  return !text.empty() && formula_start(after_quotes(text));
}

std::string guard_formula(std::string_view text) {
  if (!needs_formula_guard(text)) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + 1);
  out += '\'';
  out += text;
  return out;
}

std::string unguard_formula(std::string_view text) {
  if (text.size() >= 2 && text.front() == '\'' && formula_start(after_quotes(text))) {
    return std::string(text.substr(1));
  }
  return std::string(text);
}

CsvParser::Status CsvParser::feed(std::string_view line) {
  if (!m_in_quotes) {
    m_count = 0;
    m_after_quote = false;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
  } else {
    // The line break inside the quoted field is part of the value.
    m_fields[m_count - 1] += '\n';
    if (!line.empty() && line.back() == '\r') {
      // A CRLF inside quotes stays a line break, written as LF.
      line.remove_suffix(1);
    }
  }
  const auto start_field = [this]() -> std::string& {
    if (m_count == m_fields.size()) {
      m_fields.emplace_back();
    }
    std::string& field = m_fields[m_count++];
    field.clear();
    return field;
  };
  std::size_t i = 0;
  std::string* field = nullptr;
  if (m_in_quotes) {
    field = &m_fields[m_count - 1];
  } else {
    field = &start_field();
    if (!line.empty() && line.front() == '"') {
      m_in_quotes = true;
      i = 1;
    }
  }
  while (i < line.size()) {
    const char c = line[i];
    if (m_in_quotes) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          *field += '"';
          i += 2;
          continue;
        }
        m_in_quotes = false;
        m_after_quote = true;
        ++i;
        continue;
      }
      // Copy the run up to the next quote at once.
      const std::size_t next = line.find('"', i);
      const std::size_t end = next == std::string_view::npos ? line.size() : next;
      field->append(line.substr(i, end - i));
      i = end;
      continue;
    }
    if (c == m_separator) {
      m_after_quote = false;
      field = &start_field();
      ++i;
      if (i < line.size() && line[i] == '"') {
        m_in_quotes = true;
        ++i;
      }
      continue;
    }
    if (m_after_quote) {
      m_error = "text after a closing quote; a quoted field must end at a separator (write \"\" "
                "for a quote inside it)";
      m_count = 0;
      m_after_quote = false;
      return Status::malformed;
    }
    const std::size_t next = line.find(m_separator, i);
    const std::size_t end = next == std::string_view::npos ? line.size() : next;
    field->append(line.substr(i, end - i));
    i = end;
  }
  if (m_in_quotes) {
    return Status::more;
  }
  m_fields.resize(m_count);
  return Status::record;
}

void split_tsv(std::string_view line, std::vector<std::string>& fields) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  fields.clear();
  fields.emplace_back();
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      fields.emplace_back();
      continue;
    }
    if (c == '\\' && i + 1 < line.size()) {
      const char next = line[i + 1];
      const char decoded = next == 't'    ? '\t'
                           : next == 'n'  ? '\n'
                           : next == 'r'  ? '\r'
                           : next == '\\' ? '\\'
                                          : '\0';
      if (decoded != '\0') {
        fields.back() += decoded;
        ++i;
        continue;
      }
    }
    fields.back() += c;
  }
}

} // namespace slatrack
