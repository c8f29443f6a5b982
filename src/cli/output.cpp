#include "cli/output.hpp"

#include "cli/json.hpp"

#include <algorithm>
#include <cstdlib>
#include <fmt/format.h>

namespace slatrack::cli {

std::string human_duration(Seconds duration) {
  if (duration < Seconds{0}) {
    return "-" + human_duration(-duration);
  }
  const std::int64_t total = duration.count();
  const std::int64_t days = total / 86400;
  const std::int64_t hours = (total % 86400) / 3600;
  const std::int64_t minutes = (total % 3600) / 60;
  if (days > 0) {
    return fmt::format("{}d {:02}h", days, hours);
  }
  if (hours > 0) {
    return fmt::format("{}h {:02}m", hours, minutes);
  }
  if (minutes > 0) {
    return fmt::format("{}m", minutes);
  }
  return fmt::format("{}s", total);
}

std::string iso_utc(Instant instant) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", instant);
}

std::string local_short(Instant instant, const date::time_zone& zone, Instant now) {
  const auto local = zone.to_local(instant);
  const auto local_now = zone.to_local(now);
  const date::year_month_day day{date::floor<date::days>(local)};
  const date::year_month_day today{date::floor<date::days>(local_now)};
  if (day.year() == today.year()) {
    return date::format("%a %d %b %H:%M", local);
  }
  return date::format("%a %d %b %Y %H:%M", local);
}

std::string local_full(Instant instant, const date::time_zone& zone) {
  const auto info = zone.get_info(instant);
  const auto local = zone.to_local(instant);
  const std::int64_t offset = info.offset.count();
  const std::int64_t magnitude = offset < 0 ? -offset : offset;
  return fmt::format("{} {}{:02}:{:02}", date::format("%Y-%m-%d %H:%M:%S", local),
                     offset < 0 ? '-' : '+', magnitude / 3600, (magnitude % 3600) / 60);
}

std::string due_phrase(Instant due, const date::time_zone& zone, Instant now) {
  if (due < now) {
    return fmt::format("{} ({} late)", local_short(due, zone, now), human_duration(now - due));
  }
  return fmt::format("{} (in {})", local_short(due, zone, now), human_duration(due - now));
}

std::string escape_control(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

std::string table_cell(const Value& value, const Style& style) {
  if (std::holds_alternative<std::monostate>(value)) {
    return "-";
  }
  if (const bool* flag = std::get_if<bool>(&value)) {
    return *flag ? "yes" : "no";
  }
  if (const std::int64_t* number = std::get_if<std::int64_t>(&value)) {
    return std::to_string(*number);
  }
  if (const std::string* text = std::get_if<std::string>(&value)) {
    return escape_control(*text);
  }
  if (const Instant* instant = std::get_if<Instant>(&value)) {
    return style.zone != nullptr ? local_short(*instant, *style.zone, style.now) : iso_utc(*instant);
  }
  return human_duration(std::get<Seconds>(value));
}

namespace {

std::string machine_cell(const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) {
    return "";
  }
  if (const bool* flag = std::get_if<bool>(&value)) {
    return *flag ? "true" : "false";
  }
  if (const std::int64_t* number = std::get_if<std::int64_t>(&value)) {
    return std::to_string(*number);
  }
  if (const std::string* text = std::get_if<std::string>(&value)) {
    return *text;
  }
  if (const Instant* instant = std::get_if<Instant>(&value)) {
    return iso_utc(*instant);
  }
  return std::to_string(std::get<Seconds>(value).count());
}

// RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    return std::string(text);
  }
  std::string out = "\"";
  for (const char c : text) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  out += '"';
  return out;
}

// TSV: tab, newline, carriage return and backslash escaped as \t \n \r \\.
std::string tsv_field(std::string_view text) {
  std::string out;
  for (const char c : text) {
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

void write_separated(std::FILE* out, Format format, const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) {
      line += format == Format::csv ? ',' : '\t';
    }
    line += format == Format::csv ? csv_field(cells[i]) : tsv_field(cells[i]);
  }
  line += '\n';
  std::fputs(line.c_str(), out);
}

const Value* find_field(const Record& record, std::string_view key) {
  for (const Field& field : record) {
    if (field.key == key) {
      return &field.value;
    }
  }
  return nullptr;
}

// Display width of UTF-8 text: code points, not bytes (good enough for Latin and most symbols).
std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (const char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++width;
    }
  }
  return width;
}

std::string cell_for(const Row& row, const Column& column, const Style& style) {
  const Value* value = find_field(row.record, column.key);
  return value == nullptr ? std::string("-") : table_cell(*value, style);
}

} // namespace

std::string paint(std::string_view text, Tone tone, const Style& style) {
  if (!style.color || tone == Tone::none) {
    return std::string(text);
  }
  const char* code = "";
  switch (tone) {
  case Tone::red:
    code = "\x1b[31m";
    break;
  case Tone::yellow:
    code = "\x1b[33m";
    break;
  case Tone::green:
    code = "\x1b[32m";
    break;
  case Tone::dim:
    code = "\x1b[2m";
    break;
  case Tone::none:
    break;
  }
  return fmt::format("{}{}\x1b[0m", code, text);
}

nlohmann::ordered_json to_json(const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) {
    return nullptr;
  }
  if (const bool* flag = std::get_if<bool>(&value)) {
    return *flag;
  }
  if (const std::int64_t* number = std::get_if<std::int64_t>(&value)) {
    return *number;
  }
  if (const std::string* text = std::get_if<std::string>(&value)) {
    return *text;
  }
  if (const Instant* instant = std::get_if<Instant>(&value)) {
    return iso_utc(*instant);
  }
  return std::get<Seconds>(value).count();
}

nlohmann::ordered_json to_json(const Record& record) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (const Field& field : record) {
    object[field.key] = to_json(field.value);
  }
  return object;
}

namespace {

} // namespace

std::string dump_json(const nlohmann::ordered_json& json) {
  // Invalid UTF-8 from the database is replaced rather than thrown on.
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {

void write_table(std::FILE* out, const Style& style, const std::vector<Column>& columns,
                 const std::vector<Row>& rows) {
  std::vector<std::size_t> widths;
  for (const Column& column : columns) {
    widths.push_back(display_width(column.header));
  }
  std::vector<std::vector<std::string>> cells;
  for (const Row& row : rows) {
    std::vector<std::string> line;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      line.push_back(cell_for(row, columns[i], style));
      widths[i] = std::max(widths[i], display_width(line.back()));
    }
    cells.push_back(std::move(line));
  }
  const auto render = [&](const std::vector<std::string>& line) {
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      text += line[i];
      if (i + 1 < line.size()) {
        text.append(widths[i] - display_width(line[i]) + 2, ' ');
      }
    }
    return text;
  };
  std::vector<std::string> headers;
  for (const Column& column : columns) {
    headers.push_back(column.header);
  }
  std::fputs(paint(render(headers), Tone::dim, style).c_str(), out);
  std::fputc('\n', out);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::fputs(paint(render(cells[r]), rows[r].tone, style).c_str(), out);
    std::fputc('\n', out);
  }
}

} // namespace

void write_rows(std::FILE* out, const Style& style, const std::vector<Column>& columns,
                const std::vector<Row>& rows, const std::vector<std::string>& header_keys) {
  switch (style.format) {
  case Format::table:
    if (!rows.empty()) {
      write_table(out, style, columns, rows);
    }
    return;
  case Format::csv:
  case Format::tsv: {
    std::vector<std::string> keys = header_keys;
    if (!rows.empty()) {
      keys.clear();
      for (const Field& field : rows.front().record) {
        keys.push_back(field.key);
      }
    }
    if (keys.empty()) {
      return;
    }
    write_separated(out, style.format, keys);
    for (const Row& row : rows) {
      std::vector<std::string> line;
      for (const std::string& key : keys) {
        const Value* value = find_field(row.record, key);
        line.push_back(value == nullptr ? std::string() : machine_cell(*value));
      }
      write_separated(out, style.format, line);
    }
    return;
  }
  case Format::json: {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const Row& row : rows) {
      array.push_back(to_json(row.record));
    }
    std::fputs(dump_json(array).c_str(), out);
    std::fputc('\n', out);
    return;
  }
  case Format::jsonl:
    for (const Row& row : rows) {
      std::fputs(dump_json(to_json(row.record)).c_str(), out);
      std::fputc('\n', out);
    }
    return;
  }
}

void write_record(std::FILE* out, const Style& style, const Record& record,
                  const std::vector<Column>& labels) {
  switch (style.format) {
  case Format::table: {
    std::size_t width = 0;
    for (const Column& label : labels) {
      width = std::max(width, display_width(label.header));
    }
    for (const Column& label : labels) {
      const Value* value = find_field(record, label.key);
      const std::string cell = value == nullptr ? "-" : table_cell(*value, style);
      std::fputs(fmt::format("{}:{}{}\n", label.header,
                             std::string(width - display_width(label.header) + 1, ' '), cell)
                     .c_str(),
                 out);
    }
    return;
  }
  case Format::csv:
  case Format::tsv:
    write_rows(out, style, labels, {Row{record, Tone::none}}, {});
    return;
  case Format::json:
  case Format::jsonl:
    std::fputs(dump_json(to_json(record)).c_str(), out);
    std::fputc('\n', out);
    return;
  }
}

} // namespace slatrack::cli
