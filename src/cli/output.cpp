#include "cli/output.hpp"

#include "cli/json.hpp"
#include "cli/json_writer.hpp"
#include "slatrack/calendar.hpp"
#include "slatrack/csv.hpp"
#include "slatrack/error.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace slatrack::cli {

namespace {

// What a command gives for a format (a member of Forms).
enum class Form { text, json, lines, cells, markdown, html };

// How a format writes records and rows (write_record, write_rows, RowWriter): an aligned table or
// "key: value" lines for people, one JSON array or object, a JSON object a line, or a header and
// rows of cells.
enum class Rows { table, json, lines, cells };

// One cell of a cells format, appended to a line.
using CellWriter = void (*)(std::string& line, std::string_view cell);

void csv_cell(std::string& line, std::string_view cell);
void tsv_cell(std::string& line, std::string_view cell);

struct FormatEntry {
  std::string_view name;
  Form form;
  Rows rows;
  bool for_people;           // local times, human durations, sentences, color
  bool documents;            // statement's alone
  char separator = '\0';     // cells formats: between the cells of a line
  CellWriter cell = nullptr; // cells formats: one cell
};

// Every format, in the order help and messages list them: those of every command first, table
// (the default) at index 0. A new format is a new entry here (with, for a new way of writing
// cells, its CellWriter below); nothing else in the CLI names a format.
constexpr std::array<FormatEntry, 7> k_formats{{
    {"table", Form::text, Rows::table, true, false},
    {"csv", Form::cells, Rows::cells, false, false, ',', csv_cell},
    {"tsv", Form::cells, Rows::cells, false, false, '\t', tsv_cell},
    {"json", Form::json, Rows::json, false, false},
    {"jsonl", Form::lines, Rows::lines, false, false},
    {"markdown", Form::markdown, Rows::table, true, true},
    {"html", Form::html, Rows::table, true, true},
}};

const FormatEntry& entry(Format format) {
  return k_formats.at(format.entry);
}

} // namespace

Format parse_format(std::string_view text, bool documents) {
  for (std::size_t i = 0; i < k_formats.size(); ++i) {
    if (k_formats[i].name != text) {
      continue;
    }
    if (k_formats[i].documents && !documents) {
      throw Error{ErrorKind::usage,
                  fmt::format("--format {} is only for statement; use {}", text, format_list())};
    }
    return Format{static_cast<std::uint8_t>(i)};
  }
  throw Error{ErrorKind::usage, fmt::format("bad --format \"{}\": use {}", text, format_list())};
}

bool is_format_name(std::string_view text) {
  return std::any_of(k_formats.begin(), k_formats.end(), [&](const FormatEntry& format) {
    return format.name == text && !format.documents;
  });
}

std::vector<std::string_view> format_names() {
  std::vector<std::string_view> names;
  for (const FormatEntry& format : k_formats) {
    names.push_back(format.name);
  }
  return names;
}

std::string format_list(bool documents) {
  std::vector<std::string_view> names;
  for (const FormatEntry& format : k_formats) {
    if (format.documents == documents) {
      names.push_back(format.name);
    }
  }
  if (documents) {
    return fmt::format("{}", fmt::join(names, ", "));
  }
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += i == 0 ? "" : (i + 1 == names.size() ? " or " : ", ");
    text += names[i];
  }
  return text;
}

Style make_style(Format format, bool color, const std::function<const Zone&()>& zone,
                 const std::function<Instant()>& now) {
  Style style;
  style.format = format;
  style.color = color;
  if (entry(format).for_people) {
    style.zone = &zone();
    style.now = now();
  }
  return style;
}

namespace {

const std::function<void()>& form_of(const Forms& forms, Form form) {
  switch (form) {
  case Form::text:
    break;
  case Form::json:
    return forms.json;
  case Form::lines:
    return forms.lines;
  case Form::cells:
    return forms.cells;
  case Form::markdown:
    return forms.markdown;
  case Form::html:
    return forms.html;
  }
  return forms.text;
}

} // namespace

void write_output(Format format, const Forms& forms) {
  const std::function<void()>& form = form_of(forms, entry(format).form);
  if (form) {
    form();
  }
}

Forms text_or_records(std::function<void()> text, std::function<void()> records) {
  Forms forms;
  forms.text = std::move(text);
  forms.json = records;
  forms.lines = records;
  forms.cells = std::move(records);
  return forms;
}

std::string human_duration(Seconds duration) {
  // Hours and minutes (SPEC.md): under a minute, either way, is 0m, never seconds.
  if (duration > Seconds{-60} && duration < Seconds{60}) {
    return "0m";
  }
  if (duration < Seconds{0}) {
    // Not "-" + human_duration(...): g++ 12 warns falsely (-Wrestrict) on that at -O3.
    std::string text(1, '-');
    text += human_duration(-duration);
    return text;
  }
  const std::int64_t total = duration.count();
  const std::int64_t hours = total / 3600;
  const std::int64_t minutes = (total % 3600) / 60;
  if (hours > 0) {
    return fmt::format("{}h {:02}m", hours, minutes);
  }
  return fmt::format("{}m", minutes);
}

bool write_iso_utc(std::span<char, 20> out, Instant instant) {
  // By hand rather than with date::format (a stream and a locale per call) or fmt (a format
  // string parsed per call): export writes two dozen per request. The civil date of the day is
  // Howard Hinnant's civil_from_days, the algorithm of date::year_month_day, here inline, in
  // unsigned arithmetic from 1970 on (the common case), and each pair of digits from a table.
  constexpr std::int64_t k_day = 86400;
  const std::int64_t t = instant.time_since_epoch().count();
  const std::int64_t days = t >= 0 ? t / k_day : (t - k_day + 1) / k_day;
  const auto seconds = static_cast<std::uint32_t>(t - days * k_day);
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<std::uint32_t>(z - era * 146097); // [0, 146096]
  const std::uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::uint32_t mp = (5 * doy + 2) / 153;
  const std::uint32_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::uint32_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) {
    return false;
  }
  static constexpr std::string_view k_pairs = "00010203040506070809101112131415161718192021222324"
                                              "25262728293031323334353637383940414243444546474849"
                                              "50515253545556575859606162636465666768697071727374"
                                              "75767778798081828384858687888990919293949596979899";
  const auto two = [&out](std::size_t at, std::uint32_t value) {
    out[at] = k_pairs[2 * value];
    out[at + 1] = k_pairs[2 * value + 1];
  };
  const auto year_digits = static_cast<std::uint32_t>(year);
  two(0, year_digits / 100);
  two(2, year_digits % 100);
  out[4] = '-';
  two(5, month);
  out[7] = '-';
  two(8, day);
  out[10] = 'T';
  two(11, seconds / 3600);
  out[13] = ':';
  two(14, seconds % 3600 / 60);
  out[16] = ':';
  two(17, seconds % 60);
  out[19] = 'Z';
  return true;
}

void append_iso_utc(std::string& out, Instant instant) {
  std::array<char, 20> text{};
  if (write_iso_utc(text, instant)) {
    out.append(text.data(), text.size());
    return;
  }
  const date::sys_days day = date::floor<date::days>(instant);
  const date::year_month_day ymd{day};
  const std::int64_t seconds = (instant - day).count();
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                 static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                 static_cast<unsigned>(ymd.day()), seconds / 3600, seconds % 3600 / 60,
                 seconds % 60);
}

std::string iso_utc(Instant instant) {
  std::string out;
  append_iso_utc(out, instant);
  return out;
}

std::string local_short(Instant instant, const Zone& zone, Instant now) {
  // By hand rather than with date::format (a stream and a locale per call): `overdue` and `list`
  // show one or two per row. The same text as "%a %d %b [%Y ]%H:%M" in the C locale.
  constexpr std::array<std::string_view, 7> weekdays{"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};
  constexpr std::array<std::string_view, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const date::local_seconds local = zone.to_local(instant);
  const date::local_days local_day = date::floor<date::days>(local);
  const date::year_month_day day{local_day};
  const date::year_month_day today{date::floor<date::days>(zone.to_local(now))};
  const std::int64_t seconds = (local - local_day).count();
  // Two digits, each field below 100; appended by hand (a statement shows thousands).
  const auto two_digits = [](std::string& text, std::int64_t value) {
    text += static_cast<char>('0' + value / 10);
    text += static_cast<char>('0' + value % 10);
  };
  std::string text;
  text.reserve(22);
  text += weekdays[date::weekday{local_day}.c_encoding()];
  text += ' ';
  two_digits(text, static_cast<unsigned>(day.day()));
  text += ' ';
  text += months[static_cast<unsigned>(day.month()) - 1];
  if (day.year() != today.year()) {
    text += fmt::format(" {:04}", static_cast<int>(day.year()));
  }
  text += ' ';
  two_digits(text, seconds / 3600);
  text += ':';
  two_digits(text, seconds % 3600 / 60);
  return text;
}

std::string local_full(Instant instant, const Zone& zone) {
  const auto info = zone.get_info(instant);
  const auto local = zone.to_local(instant);
  const std::int64_t offset = info.offset.count();
  const std::int64_t magnitude = offset < 0 ? -offset : offset;
  return fmt::format("{} {}{:02}:{:02}", date::format("%Y-%m-%d %H:%M:%S", local),
                     offset < 0 ? '-' : '+', magnitude / 3600, (magnitude % 3600) / 60);
}

std::string due_phrase(Instant due, const Zone& zone, Instant now, const Clock& clock) {
  const Seconds late = open_late(clock, due, now);
  if (due < now) {
    if (late == Seconds{0}) {
      return fmt::format("{} (late since closing)", local_short(due, zone, now));
    }
    return fmt::format("{} ({} late)", local_short(due, zone, now), human_duration(late));
  }
  const Seconds left = -late;
  if (left == Seconds{0}) {
    return due > now ? fmt::format("at opening, {}", local_short(due, zone, now))
                     : fmt::format("{} (now)", local_short(due, zone, now));
  }
  return fmt::format("{} (in {})", local_short(due, zone, now), human_duration(left));
}

std::string escape_control(std::string_view text) {
  // Most text is printable ASCII, kept as it is (`overdue` and `list` escape every cell).
  if (std::all_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte >= 0x20 && byte < 0x7f;
      })) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    // A byte that is not UTF-8 and the first byte of a C1 control character are escaped; the C1
    // character's second byte is then a stray continuation byte, escaped in its turn.
    const std::size_t length = utf8_sequence_length(text, i);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f || length == 0 || is_c1_control(text, i, length)) {
      out += fmt::format("\\x{:02x}", byte);
    } else if (length >= 2 && is_bidi_control(code_point(text, i, length))) {
      // A bidirectional override would reorder the rest of the line: shown as its code point.
      out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(code_point(text, i, length)));
      i += length;
      continue;
    } else {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    ++i;
  }
  return out;
}

namespace {

// The errno of the first failed write to stdout seen by check_output: a later fflush may have
// nothing left to write, and errno something else by then.
int g_output_error = 0;

} // namespace

void flush_output(std::FILE* out) {
  const int before = errno; // a write that just failed (an fputs larger than the buffer) set it
  errno = 0;
  if (std::fflush(out) == 0 && std::ferror(out) == 0) {
    return;
  }
  int error = errno;
  if (error == 0) {
    error = g_output_error != 0 ? g_output_error : before;
  }
  throw Error{ErrorKind::storage,
              fmt::format("cannot write the output ({}); what was written is incomplete: free some "
                          "space or check where the output goes, and run the command again",
                          error != 0 ? std::strerror(error) : "write error")};
}

void check_output(std::FILE* out) {
  if (std::ferror(out) != 0) {
    if (g_output_error == 0) {
      g_output_error = errno;
    }
    flush_output(out); // tries the buffer again, so that errno says why
  }
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
    return style.zone != nullptr ? local_short(*instant, *style.zone, style.now)
                                 : iso_utc(*instant);
  }
  return human_duration(std::get<Seconds>(value));
}

// Text is guarded against spreadsheet formulas (see guard_formula); numbers and times are not.
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
    return guard_formula(*text);
  }
  if (const Instant* instant = std::get_if<Instant>(&value)) {
    return iso_utc(*instant);
  }
  return std::to_string(std::get<Seconds>(value).count());
}

namespace {

// RFC 4180: quote a field holding a comma, quote, CR or LF; double the quotes inside.
void csv_cell(std::string& line, std::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == std::string_view::npos) {
    line += cell;
    return;
  }
  line += '"';
  for (const char c : cell) {
    line += c;
    if (c == '"') {
      line += '"';
    }
  }
  line += '"';
}

// TSV: tab, newline, carriage return and backslash escaped as \t \n \r \\; the runs between
// them appended at once.
void tsv_cell(std::string& line, std::string_view cell) {
  std::size_t run = 0;
  for (std::size_t i = 0; i < cell.size(); ++i) {
    std::string_view escape;
    switch (cell[i]) {
    case '\t':
      escape = "\\t";
      break;
    case '\n':
      escape = "\\n";
      break;
    case '\r':
      escape = "\\r";
      break;
    case '\\':
      escape = "\\\\";
      break;
    default:
      continue;
    }
    line.append(cell.data() + run, i - run);
    line.append(escape.data(), escape.size());
    run = i + 1;
  }
  line.append(cell.data() + run, cell.size() - run);
}

} // namespace

void write_separated(std::FILE* out, const Style& style, const std::vector<std::string>& cells) {
  const FormatEntry& format = entry(style.format);
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) {
      line += format.separator;
    }
    format.cell(line, cells[i]);
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), out);
}

CellFields::CellFields(std::string& line, const Style& style, bool continues)
    : m_line(line), m_separator(entry(style.format).separator), m_cell(entry(style.format).cell),
      m_first(!continues) {}

void CellFields::start() {
  if (!m_first) {
    m_line += m_separator;
  }
  m_first = false;
}

// Numbers and times hold nothing a cell writer escapes or quotes: appended as they are.
void CellFields::operator()(std::string_view /*key*/, std::int64_t value) {
  start();
  const fmt::format_int digits(value);
  m_line.append(digits.data(), digits.size());
}

void CellFields::operator()(std::string_view /*key*/, std::string_view value) {
  start();
  if (needs_formula_guard(value)) {
    m_cell(m_line, guard_formula(value));
  } else {
    m_cell(m_line, value);
  }
}

void CellFields::operator()(std::string_view /*key*/, Instant value) {
  start();
  append_iso_utc(m_line, value);
}

void CellFields::operator()(std::string_view /*key*/, Seconds value) {
  start();
  const fmt::format_int digits(value.count());
  m_line.append(digits.data(), digits.size());
}

void CellFields::operator()(std::string_view /*key*/, const Value& value) {
  start();
  m_cell(m_line, machine_cell(value));
}

namespace {

const Value* find_field(const Record& record, std::string_view key) {
  for (const Field& field : record) {
    if (field.key == key) {
      return &field.value;
    }
  }
  return nullptr;
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

std::string dump_json(const nlohmann::ordered_json& json) {
  // Invalid UTF-8 from the database is replaced rather than thrown on.
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {

// SPEC.md's Field: a key beginning with '_' is for people only.
bool people_only(const Field& field) {
  return !field.key.empty() && field.key.front() == '_';
}

// The record as one JSON object, without the fields for people.
void append_json_for_scripts(std::string& out, const Record& record) {
  out += '{';
  bool first = true;
  for (const Field& field : record) {
    if (people_only(field)) {
      continue;
    }
    if (!first) {
      out += ',';
    }
    first = false;
    append_json_string(out, field.key);
    out += ':';
    append_json(out, field.value);
  }
  out += '}';
}

} // namespace

RowWriter::RowWriter(std::FILE* out, const Style& style, std::vector<Column> columns,
                     std::vector<std::string> header_keys)
    : m_out(out), m_style(style), m_columns(std::move(columns)), m_keys(std::move(header_keys)) {
  for (const Column& column : m_columns) {
    m_widths.push_back(display_width(column.header));
  }
}

void RowWriter::add(const Row& row) {
  const Rows rows = entry(m_style.format).rows;
  switch (rows) {
  case Rows::table: {
    std::string line;
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
      const std::string cell = cell_for(row, m_columns[i], m_style);
      m_widths[i] = std::max(m_widths[i], display_width(cell));
      if (i > 0) {
        line += '\0';
      }
      line += cell;
    }
    m_lines.push_back(std::move(line));
    m_tones.push_back(row.tone);
    return;
  }
  case Rows::cells: {
    if (!m_started) {
      m_keys.clear();
      for (const Field& field : row.record) {
        if (!people_only(field)) {
          m_keys.push_back(field.key);
        }
      }
      write_separated(m_out, m_style, m_keys);
      m_started = true;
    }
    std::vector<std::string> line;
    line.reserve(m_keys.size());
    for (const std::string& key : m_keys) {
      const Value* value = find_field(row.record, key);
      line.push_back(value == nullptr ? std::string() : machine_cell(*value));
    }
    write_separated(m_out, m_style, line);
    break;
  }
  case Rows::json:
  case Rows::lines: {
    // json: the same bytes as dumping one array: "[" then the objects with "," between them, "]".
    m_buffer.clear();
    if (rows == Rows::json) {
      m_buffer += m_started ? ',' : '[';
      m_started = true;
    }
    append_json_for_scripts(m_buffer, row.record);
    if (rows == Rows::lines) {
      m_buffer += '\n';
    }
    std::fwrite(m_buffer.data(), 1, m_buffer.size(), m_out);
    break;
  }
  }
  check_output(m_out); // a long list stops at the first write that fails
}

void RowWriter::finish() {
  switch (entry(m_style.format).rows) {
  case Rows::table: {
    if (m_lines.empty()) {
      return;
    }
    // Cells separated by '\0', each padded to its column's width plus two spaces.
    const auto render = [&](std::string_view line) {
      std::string text;
      std::size_t column = 0;
      while (true) {
        const std::size_t end = line.find('\0');
        const std::string_view cell = line.substr(0, end);
        text += cell;
        if (end == std::string_view::npos) {
          return text;
        }
        text.append(m_widths[column] - display_width(cell) + 2, ' ');
        line.remove_prefix(end + 1);
        ++column;
      }
    };
    std::string headers;
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
      if (i > 0) {
        headers += '\0';
      }
      headers += m_columns[i].header;
    }
    std::fputs(paint(render(headers), Tone::dim, m_style).c_str(), m_out);
    std::fputc('\n', m_out);
    for (std::size_t r = 0; r < m_lines.size(); ++r) {
      std::fputs(paint(render(m_lines[r]), m_tones[r], m_style).c_str(), m_out);
      std::fputc('\n', m_out);
    }
    return;
  }
  case Rows::cells:
    if (!m_started && !m_keys.empty()) {
      write_separated(m_out, m_style, m_keys);
    }
    return;
  case Rows::json:
    std::fputs(m_started ? "]\n" : "[]\n", m_out);
    return;
  case Rows::lines:
    return;
  }
}

void write_rows(std::FILE* out, const Style& style, const std::vector<Column>& columns,
                const std::vector<Row>& rows, const std::vector<std::string>& header_keys) {
  RowWriter writer(out, style, columns, header_keys);
  for (const Row& row : rows) {
    writer.add(row);
  }
  writer.finish();
}

void write_record(std::FILE* out, const Style& style, const Record& record,
                  const std::vector<Column>& labels) {
  switch (entry(style.format).rows) {
  case Rows::table: {
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
  case Rows::cells:
    write_rows(out, style, labels, {Row{record, Tone::none}}, {});
    return;
  case Rows::json:
  case Rows::lines: {
    std::string text;
    append_json_for_scripts(text, record);
    text += '\n';
    std::fwrite(text.data(), 1, text.size(), out);
    return;
  }
  }
}

} // namespace slatrack::cli
