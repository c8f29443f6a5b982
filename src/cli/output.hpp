// Output for the CLI (SPEC.md "Output"): the one place that knows the output formats (their list is
// k_formats in output.cpp), the forms a command's output takes, one writer that renders records as
// an aligned table, CSV, TSV, JSON or JSON lines, human durations and local times.
#pragma once

#include "slatrack/time.hpp"
#include "slatrack/zone.hpp"

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace slatrack {
class Clock;
}

namespace slatrack::cli {

// A --format value: an entry of the one list of formats, k_formats in output.cpp, which says what
// each format writes and how. Only output.cpp looks inside: commands give their output in the
// forms they have (Forms, write_output) or as records (write_record, write_rows, RowWriter), and
// the format picks. A new format is a new entry of that list and nothing else.
struct Format {
  std::uint8_t entry = 0; // the index in k_formats; 0 is table
};

// The --format value `text`; a document format (markdown, html) only when `documents` (statement).
// Throws Error{usage}: `bad --format "x": use table, csv, tsv, json or jsonl`.
[[nodiscard]] Format parse_format(std::string_view text, bool documents);

// Whether `text` names a format of every command (what the settings file may set).
[[nodiscard]] bool is_format_name(std::string_view text);

// Every --format value, in the order help and messages list them (those of every command first,
// then statement's documents): for the shell completion.
[[nodiscard]] std::vector<std::string_view> format_names();

// The names for a message: "table, csv, tsv, json or jsonl" (with `documents`, statement's
// document formats alone: "markdown, html").
[[nodiscard]] std::string format_list(bool documents = false);

// A field value: null, a flag, a count, text, an instant (UTC ISO 8601 in machine formats, local
// in tables) or a duration (whole seconds in machine formats, "2h 05m" in tables).
using Value = std::variant<std::monostate, bool, std::int64_t, std::string, Instant, Seconds>;

// A field whose key begins with '_' is for people: a table may show it (a shortened subject, a due
// time in words), the other formats leave it out.
struct Field {
  std::string key;
  Value value;
};
using Record = std::vector<Field>;

// A record made of `fields`, moved in: a braced list would copy every field, its text included
// (export builds a record per request, event and clock run).
template <typename... Fields> [[nodiscard]] Record make_record(Fields&&... fields) {
  Record record;
  record.reserve(sizeof...(fields));
  (record.push_back(std::forward<Fields>(fields)), ...);
  return record;
}

// How a table row is painted when color is on.
enum class Tone { none, red, yellow, green, dim };

struct Row {
  Record record;
  Tone tone = Tone::none;
};

// A table column: the record key it shows and its header.
struct Column {
  std::string key;
  std::string header;
};

// Where output goes and how it looks.
struct Style {
  Format format;
  bool color = false;
  const Zone* zone = nullptr; // for local times in tables
  Instant now;                // for "in 2h" / "3h late" and the year in local times
};

// The style of output in `format`: for people (table, and statement's documents) with local times
// in `zone()` relative to `now()`, which are called only then (the zone database is loaded on
// first use).
[[nodiscard]] Style make_style(Format format, bool color, const std::function<const Zone&()>& zone,
                               const std::function<Instant()>& now);

// A command's output in each form it can take; write_output writes the one the format asks for
// (its entry in output.cpp's list of formats), so no command asks which format it writes. A form
// left empty writes nothing in the formats that take it.
struct Forms {
  std::function<void()> text;     // for people: table (local times, human durations, sentences)
  std::function<void()> json;     // one JSON document: json
  std::function<void()> lines;    // one JSON value a line: jsonl
  std::function<void()> cells;    // a header and rows of cells, by write_separated: csv, tsv
  std::function<void()> markdown; // statement's documents
  std::function<void()> html;
};

// Calls the form of `forms` that `format` takes.
void write_output(Format format, const Forms& forms);

// The forms of a command whose output for scripts is records (write_record, write_rows and
// RowWriter write them in each format's own way): `text` for people, `records` in every other
// format.
[[nodiscard]] Forms text_or_records(std::function<void()> text, std::function<void()> records);

// "2h 05m", "37h 30m", "45m", "0m": hours and minutes (SPEC.md "Output"), never days (a day of
// open time is not 24 hours) and never seconds (under a minute is "0m"); negative values get a
// leading "-".
[[nodiscard]] std::string human_duration(Seconds duration);

// "2026-11-23T10:30:00Z".
[[nodiscard]] std::string iso_utc(Instant instant);
// The same text appended to `out` (export writes a dozen per request).
void append_iso_utc(std::string& out, Instant instant);
// The same 20 characters written into `out`, for a year from 0 to 9999; false, with nothing
// written, for another (append_iso_utc writes those).
[[nodiscard]] bool write_iso_utc(std::span<char, 20> out, Instant instant);

// "Mon 23 Nov 10:30" in `zone` (with the year when it is not the year of `now`).
[[nodiscard]] std::string local_short(Instant instant, const Zone& zone, Instant now);

// "2026-11-23 10:30:00 +01:00" in `zone`.
[[nodiscard]] std::string local_full(Instant instant, const Zone& zone);

// A due time with what is left or how late, in open time on `clock` (the request's calendar):
// "Mon 23 Nov 10:30 (in 2h 05m)", "Mon 23 Nov 10:30 (3h 10m late)"; due at the next opening and
// looked at before it: "at opening, Mon 23 Nov 09:00"; overdue with no open time since (it ran
// out at closing): "Fri 20 Nov 17:00 (late since closing)".
[[nodiscard]] std::string due_phrase(Instant due, const Zone& zone, Instant now,
                                     const Clock& clock);

// Text from the database made safe for a terminal: control characters (C0, DEL, C1) and bytes that
// are not UTF-8 escaped (\n, \t, \x1b, \xc2\x9b), and bidirectional formatting characters shown
// as their code point (\u202e), so that they cannot reorder what the table shows.
[[nodiscard]] std::string escape_control(std::string_view text);

// The value as a table cell.
[[nodiscard]] std::string table_cell(const Value& value, const Style& style);

// Writes `rows` in style.format: `columns` choose what a table shows; machine formats carry every
// field of each record (keys of the first row make the CSV header; with no rows a CSV still gets
// `header_keys` as its header).
void write_rows(std::FILE* out, const Style& style, const std::vector<Column>& columns,
                const std::vector<Row>& rows, const std::vector<std::string>& header_keys);

// Writes rows one at a time, with the same output as write_rows, for lists that can be long
// (list, overdue): machine formats go out as each row is added; a table, which must see every
// row to align its columns, keeps only the cells it shows (about 150 bytes a row), not the
// records. So memory does not grow with the fields of the rows.
class RowWriter {
public:
  RowWriter(std::FILE* out, const Style& style, std::vector<Column> columns,
            std::vector<std::string> header_keys);
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;
  ~RowWriter() = default;

  void add(const Row& row);
  // Writes what is still kept (the table; the end of a JSON array). Call once, after the rows.
  void finish();

private:
  std::FILE* m_out;
  Style m_style;
  std::vector<Column> m_columns;
  std::vector<std::string> m_keys; // csv/tsv: the header (empty until known)
  bool m_started = false;          // csv/tsv: header written; json: "[" written
  std::string m_buffer;            // json/jsonl: the row being written (reused)
  std::vector<std::size_t> m_widths;
  std::vector<std::string> m_lines; // table: each row's cells, '\0' between them
  std::vector<Tone> m_tones;
};

// Writes one record: json as one object, jsonl as one line, csv/tsv as header + one row, table as
// "key: value" lines with `labels`.
void write_record(std::FILE* out, const Style& style, const Record& record,
                  const std::vector<Column>& labels);

// A value as a CSV/TSV cell: times UTC ISO 8601, durations whole seconds, null empty, and text
// that a spreadsheet would run as a formula (starting with = + - @ tab or CR) prefixed with '.
[[nodiscard]] std::string machine_cell(const Value& value);

// One line of `cells` as the format writes cells (csv: RFC 4180 quoting; tsv: tab, newline, CR and
// backslash escaped), for the cells form of a command that streams its rows.
void write_separated(std::FILE* out, const Style& style, const std::vector<std::string>& cells);

// Appends the cells of a line of a cells format (csv, tsv) as `key, value` pairs come, the bytes
// write_separated writes for the machine_cell of each value, without the line's end: given to
// records.hpp's request_fields and event_fields, it writes export's rows without building Records.
// The keys are not written. Only for a format whose form is cells.
class CellFields {
public:
  // Cells appended to `line`; with `continues`, after cells already there (a separator first).
  CellFields(std::string& line, const Style& style, bool continues = false);

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
      start();
    }
  }

private:
  // The separator before every cell but a line's first.
  void start();
  std::string& m_line;
  char m_separator;
  void (*m_cell)(std::string& line, std::string_view cell);
  bool m_first;
};

// Throws Error{storage} ("cannot write the output: ...") when a write to `out` has failed (a full
// disk, a closed pipe, a closed stdout); cheap when none has. Long outputs call it as they go, so
// that they stop at the first failure.
void check_output(std::FILE* out);

// Flushes `out`, then throws as check_output when anything written to it was lost. Every command's
// output goes through it before the command succeeds (app.cpp), and `overdue --new` before it
// remembers what it showed.
void flush_output(std::FILE* out);

// Wraps text in an ANSI color when style.color is on.
[[nodiscard]] std::string paint(std::string_view text, Tone tone, const Style& style);

} // namespace slatrack::cli
