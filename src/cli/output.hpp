// Output formatting for the CLI: human durations and local times, and one writer that renders
// rows as an aligned table, CSV, TSV, JSON or JSON lines (SPEC.md "Output").
#pragma once

#include "slatrack/time.hpp"
#include "slatrack/zone.hpp"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace slatrack {
class Clock;
}

namespace slatrack::cli {

enum class Format { table, csv, tsv, json, jsonl };

// A field value: null, a flag, a count, text, an instant (UTC ISO 8601 in machine formats, local
// in tables) or a duration (whole seconds in machine formats, "2h 05m" in tables).
using Value = std::variant<std::monostate, bool, std::int64_t, std::string, Instant, Seconds>;

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
  Format format = Format::table;
  bool color = false;
  const Zone* zone = nullptr; // for local times in tables
  Instant now;                // for "in 2h" / "3h late" and the year in local times
};

// "2h 05m", "37h 30m", "45m", "30s": hours and minutes, never days (a day of open time is not 24
// hours); negative values get a leading "-".
[[nodiscard]] std::string human_duration(Seconds duration);

// "2026-11-23T10:30:00Z".
[[nodiscard]] std::string iso_utc(Instant instant);
// The same text appended to `out` (export writes a dozen per request).
void append_iso_utc(std::string& out, Instant instant);

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

// One CSV (RFC 4180 quoting) or TSV (\t \n \r \\ escapes) line of `cells`, for writers that
// stream their rows.
void write_separated(std::FILE* out, Format format, const std::vector<std::string>& cells);

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
