// import: a CSV or TSV file with a header row. The simple form has one row per request; the
// events form (a "kind" column) one row per event. docs/import-export.md describes the columns.
#include "cli/import.hpp"
#include "cli/output.hpp"
#include "slatrack/csv.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <fmt/format.h>
#include <limits>

namespace slatrack::cli::import_file {

namespace {

// ---- the columns ----

enum class Column {
  ref,
  client,
  subject,
  channel,
  priority,
  assignee,
  sla,
  text,
  received_at,
  replied_at,
  resolved_at,
  kind,
  at,
  author,
  recorded_at,
  number,
  recorder,
  target,
  ignored, // derived values of our own exports (id, status, due times): read past
};

struct ColumnName {
  std::string_view name;
  Column column;
};

constexpr std::array<ColumnName, 25> k_column_names{{
    {"ref", Column::ref},
    {"client", Column::client},
    {"subject", Column::subject},
    {"channel", Column::channel},
    {"priority", Column::priority},
    {"assignee", Column::assignee},
    {"sla", Column::sla},
    {"text", Column::text},
    {"received_at", Column::received_at},
    {"replied_at", Column::replied_at},
    {"resolved_at", Column::resolved_at},
    {"kind", Column::kind},
    {"at", Column::at},
    {"author", Column::author},
    {"recorded_at", Column::recorded_at},
    {"number", Column::number},
    {"recorder", Column::recorder},
    {"target", Column::target},
    {"id", Column::ignored},
    {"voided_by", Column::ignored},
    {"status", Column::ignored},
    {"calendar", Column::ignored},
    {"reply_due_at", Column::ignored},
    {"update_due_at", Column::ignored},
    {"resolve_due_at", Column::ignored},
}};

constexpr std::string_view k_simple_columns =
    "ref client subject channel priority assignee sla text received_at replied_at resolved_at";
constexpr std::string_view k_events_columns =
    "ref client subject channel priority assignee sla number kind at author recorder text "
    "recorded_at target";

std::optional<Column> column_named(std::string_view name) {
  for (const ColumnName& entry : k_column_names) {
    if (entry.name == name) {
      return entry.column;
    }
  }
  return std::nullopt;
}

std::vector<std::string> known_column_names() {
  std::vector<std::string> out;
  for (const ColumnName& entry : k_column_names) {
    out.emplace_back(entry.name);
  }
  return out;
}

// ---- CSV and TSV ----

// Rows of a CSV or TSV file with a header row. The simple form has one row per request; the
// events form (a "kind" column) one row per event, the rows of a request one after another.
class TableReader {
public:
  // `seekable`: the input is a regular file (else the events form is kept in a temporary file
  // to be read in the order of its requests).
  TableReader(ImportRun& run, LineReader& reader, Progress& progress, std::string name,
              char separator, bool seekable)
      : m_run(run), m_reader(reader), m_progress(progress), m_name(std::move(name)),
        m_separator(separator), m_seekable(seekable), m_parser(separator) {}

  // Reads the header row and checks its columns. Throws Error{invalid_input} when the file cannot
  // be imported at all; then nothing has been written.
  void header(std::string_view first_line) {
    const std::int64_t line_number = m_reader.number();
    std::vector<std::string> names;
    if (m_separator == '\t') {
      split_tsv(first_line, names);
    } else {
      std::string_view line = first_line;
      CsvParser::Status status = m_parser.feed(line);
      while (status == CsvParser::Status::more && m_reader.next(line)) {
        status = m_parser.feed(line);
      }
      if (status != CsvParser::Status::record) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("{}:{}: the header row cannot be read ({}); the first row names "
                                "the columns, e.g. client,subject,received_at",
                                m_name, line_number,
                                status == CsvParser::Status::more ? "a quote is not closed"
                                                                  : m_parser.error())};
      }
      names = m_parser.fields();
    }
    for (const std::string& raw : names) {
      std::string key = to_lower(trim(unguard_formula(raw)));
      std::replace(key.begin(), key.end(), ' ', '_');
      const std::optional<Column> column = column_named(key);
      if (!column) {
        const std::vector<std::string> close = closest_names(key, known_column_names());
        throw Error{ErrorKind::invalid_input,
                    fmt::format("{}:{}: unknown column \"{}\"{}; the columns are: {} (or, one row "
                                "per event: {}); see docs/import-export.md",
                                m_name, line_number, escape_control(raw),
                                close.empty()
                                    ? std::string{}
                                    : fmt::format(" (did you mean {}?)", quoted_list(close)),
                                k_simple_columns, k_events_columns)};
      }
      if (*column != Column::ignored && index(*column)) {
        throw Error{
            ErrorKind::invalid_input,
            fmt::format("{}:{}: column \"{}\" is there twice; keep one", m_name, line_number, key)};
      }
      if (key == "id") {
        m_id_column = m_columns.size();
      }
      m_columns.push_back(*column);
    }
    m_events_form = index(Column::kind).has_value();
    const auto require = [&](Column column) {
      if (!index(column)) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("{}:{}: no \"{}\" column; {} needs at least the columns {}", m_name,
                                line_number, column_name(column),
                                m_events_form ? "the events form (one row per event)"
                                              : "a file of requests",
                                m_events_form ? "client, subject, kind, at"
                                              : "client, subject, received_at")};
      }
    };
    require(Column::client);
    require(Column::subject);
    if (m_events_form) {
      require(Column::at);
      // The request's times come from its events: the columns of an export are read past.
      for (const Column column : {Column::received_at, Column::replied_at, Column::resolved_at}) {
        if (const std::optional<std::size_t> at = index(column)) {
          m_columns[*at] = Column::ignored;
        }
      }
      return;
    }
    require(Column::received_at);
    for (const Column column : {Column::at, Column::author, Column::recorded_at, Column::number,
                                Column::recorder, Column::target}) {
      if (index(column)) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("{}:{}: column \"{}\" belongs to the events form, which needs a "
                                "\"kind\" column too (one row per event); see "
                                "docs/import-export.md",
                                m_name, line_number, column_name(column))};
      }
    }
  }

  void rows() {
    if (m_events_form) {
      event_rows();
      return;
    }
    std::int64_t line = 0;
    while (true) {
      const Record record = next_record(line);
      if (record == Record::end) {
        break;
      }
      take(record, line);
    }
  }

private:
  // What next_record read.
  enum class Record {
    row,       // m_fields holds the cells of the row that starts at `line`
    malformed, // a CSV record that cannot be read (m_parser.error() says why)
    unclosed,  // the input ended inside a quoted cell
    end,
  };

  // Reads the next record (a CSV record may span lines; blank lines are skipped): its first line
  // in `line`, the offset of that line in m_record_offset.
  Record next_record(std::int64_t& line) {
    std::string_view text;
    while (true) {
      const std::int64_t offset = m_reader.bytes();
      if (!m_reader.next(text)) {
        if (m_parser.pending()) {
          m_parser = CsvParser(m_separator);
          return Record::unclosed;
        }
        return Record::end;
      }
      m_progress.update(m_reader);
      if (m_separator == '\t') {
        if (!blank_line(text)) {
          split_tsv(text, m_fields);
          line = m_reader.number();
          m_record_offset = offset;
          return Record::row;
        }
        continue;
      }
      if (!m_parser.pending()) {
        if (blank_line(text)) {
          continue;
        }
        line = m_reader.number();
        m_record_offset = offset;
      }
      switch (m_parser.feed(text)) {
      case CsvParser::Status::more:
        break;
      case CsvParser::Status::malformed:
        return Record::malformed;
      case CsvParser::Status::record:
        m_fields = m_parser.fields();
        return Record::row;
      }
    }
  }

  // Imports (or refuses) what next_record read.
  void take(Record record, std::int64_t line) {
    switch (record) {
    case Record::row:
      row(line);
      break;
    case Record::malformed:
      end_group();
      m_run.refuse(line, m_parser.error());
      break;
    case Record::unclosed:
      end_group();
      m_run.refuse(line, "a quoted cell is not closed before the end of the file; close it "
                         "with a \"");
      break;
    case Record::end:
      break;
    }
    if (record != Record::row || !m_events_form) {
      end_group();
    }
  }

  // Adjacent records of one request (or one record that cannot be read: `alone`), in the
  // events form.
  // 32 bytes.
  struct Run {
    // The hash of the request's group key; once sorted, the first line of the request's first
    // run (the order in which the runs are read again).
    std::uint64_t key = 0;
    std::int64_t offset = 0;   // of its first line in the input (or the spool)
    std::int64_t line = 0;     // its first line
    std::uint32_t records = 0; // how many records
    bool alone = false;
  };

  // The events form: a request's rows need not be adjacent (a sheet sorted by time). A first
  // pass reads the keys and notes each run of adjacent rows of one request (32 bytes a run,
  // however long its rows: a file of our export's form is one run a request); the runs are
  // then read again from the file in the order of their request's first row, so a request's rows
  // come together and requests keep the order of their first rows. A pipe is copied to a
  // temporary file first.
  void event_rows() {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> spool(nullptr, std::fclose);
    if (!m_seekable) {
      spool.reset(std::tmpfile());
      if (!spool) {
        throw Error{ErrorKind::storage,
                    fmt::format("cannot make a temporary file to read {} in the order of its "
                                "requests: {}; check TMPDIR (or /tmp), or give the file's name "
                                "instead of a pipe",
                                m_name, std::strerror(errno))};
      }
      m_reader.spool(spool.get());
    }
    const std::int64_t start_offset = m_reader.bytes();
    const std::int64_t start_line = m_reader.number();
    std::vector<Run> runs;
    std::int64_t line = 0;
    while (true) {
      const Record record = next_record(line);
      if (record == Record::end) {
        break;
      }
      if (record == Record::row) {
        const std::uint64_t key = std::hash<std::string>{}(group_key());
        if (!runs.empty() && !runs.back().alone && runs.back().key == key
            && runs.back().records < std::numeric_limits<std::uint32_t>::max()) {
          ++runs.back().records;
          continue;
        }
        runs.push_back(Run{key, m_record_offset, line, 1, false});
      } else {
        runs.push_back(Run{0, m_record_offset, line, 1, true});
      }
    }
    // Each run takes the first line of its request's first run as its order (runs of one
    // request are together after the first sort, in file order).
    std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) {
      return std::tie(a.alone, a.key, a.line) < std::tie(b.alone, b.key, b.line);
    });
    std::uint64_t previous_key = 0;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const std::uint64_t key = runs[i].key;
      const bool same = i > 0 && !runs[i].alone && !runs[i - 1].alone && key == previous_key;
      previous_key = key;
      runs[i].key = same ? runs[i - 1].key : static_cast<std::uint64_t>(runs[i].line);
    }
    std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) {
      return std::tie(a.key, a.line) < std::tie(b.key, b.line);
    });
    m_parser = CsvParser(m_separator);
    m_reader.restart(start_offset, start_line);
    for (const Run& run : runs) {
      m_reader.restart(run.offset, run.line - 1);
      for (std::uint32_t i = 0; i < run.records; ++i) {
        const Record record = next_record(line);
        if (record == Record::end) {
          break;
        }
        take(record, line);
      }
    }
    end_group();
  }

  // What makes rows one request in the events form: its ref when it has one, else the id (of an
  // export), client and subject.
  [[nodiscard]] std::string group_key() const {
    const std::string ref_cell = cell(Column::ref); // cell() gives a copy: keep it alive
    const std::string_view ref = trim(ref_cell);
    if (!ref.empty()) {
      return fmt::format("r\x1f{}", ref);
    }
    return fmt::format("i\x1f{}\x1f{}\x1f{}", cell_at(m_id_column), cell(Column::client),
                       cell(Column::subject));
  }

  static std::string_view column_name(Column column) {
    for (const ColumnName& entry : k_column_names) {
      if (entry.column == column) {
        return entry.name;
      }
    }
    return "?";
  }

  [[nodiscard]] std::optional<std::size_t> index(Column column) const {
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
      if (m_columns[i] == column) {
        return i;
      }
    }
    return std::nullopt;
  }

  // The cell at `at` of the current row with the formula guard of our exports undone; empty when
  // the row is short.
  [[nodiscard]] std::string cell_at(std::optional<std::size_t> at) const {
    if (!at || *at >= m_fields.size()) {
      return {};
    }
    return unguard_formula(m_fields[*at]);
  }

  [[nodiscard]] std::string cell(Column column) const {
    return cell_at(index(column));
  }

  [[nodiscard]] std::optional<std::string> optional_cell(Column column) const {
    std::string value = cell(column);
    if (value.empty()) {
      return std::nullopt;
    }
    return value;
  }

  std::optional<Instant> optional_time(Column column) {
    const std::string value = cell(column);
    if (trim(value).empty()) {
      return std::nullopt;
    }
    return time_value(m_run.context(), column_name(column), value);
  }

  // The request's own fields from the current row. Throws RowError.
  ImportRequest request_fields() {
    ImportRequest request;
    request.client = std::string(trim(cell(Column::client)));
    request.subject = cell(Column::subject);
    if (request.client.empty()) {
      bad_row("no client; give the client's name");
    }
    if (trim(request.subject).empty()) {
      bad_row("no subject; give what the client asks");
    }
    request.channel = channel_value(cell(Column::channel));
    request.priority = priority_value(cell(Column::priority));
    if (std::optional<std::string> assignee = optional_name(cell(Column::assignee))) {
      request.assignee = std::optional<std::string>{std::move(*assignee)};
    }
    request.policy = optional_name(cell(Column::sla));
    request.ref = optional_name(cell(Column::ref));
    return request;
  }

  // Why the current row has the wrong number of cells; nullopt when it has one a column. A short
  // row is never padded: a row that lost a cell would put every later value in the wrong column.
  [[nodiscard]] std::optional<std::string> cells_problem() const {
    if (m_fields.size() > m_columns.size()) {
      return fmt::format("{} cells but the header names {} columns; {}", m_fields.size(),
                         m_columns.size(),
                         m_separator == '\t' ? "write a tab inside a cell as \\t"
                                             : "quote a cell that holds a comma");
    }
    if (m_fields.size() < m_columns.size()) {
      return fmt::format("{} {} but the header names {} columns; give every column (an empty "
                         "cell is nothing between two {})",
                         m_fields.size(), m_fields.size() == 1 ? "cell" : "cells", m_columns.size(),
                         m_separator == '\t' ? "tabs" : "commas");
    }
    return std::nullopt;
  }

  void row(std::int64_t line) {
    std::optional<std::string> bad_cells = cells_problem();
    if (bad_cells && !m_events_form) {
      m_run.refuse(line, std::move(*bad_cells));
      return;
    }
    if (!m_events_form) {
      try {
        ImportRequest request = request_fields();
        const std::optional<Instant> received = optional_time(Column::received_at);
        if (!received) {
          bad_row("no received_at; give when the request came in");
        }
        request.events =
            simple_events(m_run.author(), *received, optional_cell(Column::text),
                          optional_time(Column::replied_at), optional_time(Column::resolved_at));
        m_run.add(std::move(request), line);
      } catch (const RowError& error) {
        m_run.refuse(line, error.reason);
      }
      return;
    }
    // Events form: rows with the same key (group_key) are one request; event_rows brings them
    // together. They must agree on the id, client and subject.
    std::string key = group_key();
    std::array<std::string, 3> names{cell_at(m_id_column), cell(Column::client),
                                     cell(Column::subject)};
    if (!m_group || key != m_group_key) {
      end_group();
      m_group_key = std::move(key);
      m_group_names = std::move(names);
      m_group_line = line;
      try {
        if (bad_cells) {
          bad_row(*bad_cells);
        }
        m_group = request_fields();
      } catch (const RowError& error) {
        m_group = ImportRequest{};
        m_group_error = Refusal{line, error.reason};
      }
    } else if (!m_group_error && bad_cells) {
      // The whole request is refused: imported without this row, it could not be completed by
      // importing the fixed file again (its ref would be there already).
      m_group_error = Refusal{line, std::move(*bad_cells)};
    } else if (!m_group_error && names != m_group_names) {
      m_group_error = Refusal{
          line, fmt::format("the {} differs from line {}, where ref \"{}\" begins; a request's "
                            "rows give the same id, client and subject (or use another ref)",
                            names[0] != m_group_names[0]   ? "id"
                            : names[1] != m_group_names[1] ? "client"
                                                           : "subject",
                            m_group_line, escape_control(*m_group->ref))};
    }
    if (m_group_error) {
      return; // the request is refused already; its other rows are read past
    }
    try {
      const EventKind kind = kind_value(cell(Column::kind));
      const std::optional<Instant> at = optional_time(Column::at);
      if (!at) {
        bad_row("no time in column \"at\"; give when it happened");
      }
      ImportEvent event{kind,
                        *at,
                        optional_name(cell(Column::author)).value_or(m_run.author()),
                        optional_cell(Column::text),
                        optional_time(Column::recorded_at),
                        {},
                        {},
                        {}};
      event.number = count_value("number", cell(Column::number));
      event.recorder = optional_name(cell(Column::recorder));
      event.target = count_value("target", cell(Column::target));
      m_group->events.push_back(std::move(event));
    } catch (const RowError& error) {
      m_group_error = Refusal{line, error.reason};
    }
  }

  void end_group() {
    if (!m_group) {
      return;
    }
    if (m_group_error) {
      m_run.refuse(m_group_error->line, std::move(m_group_error->reason));
    } else {
      m_run.add(std::move(*m_group), m_group_line);
    }
    m_group.reset();
    m_group_error.reset();
  }

  ImportRun& m_run;
  LineReader& m_reader;
  Progress& m_progress;
  std::string m_name;
  char m_separator;
  bool m_seekable;
  CsvParser m_parser;
  std::int64_t m_record_offset = 0; // of the record next_record read last
  std::vector<Column> m_columns;
  std::optional<std::size_t> m_id_column;
  bool m_events_form = false;
  std::vector<std::string> m_fields;
  std::optional<ImportRequest> m_group;
  std::string m_group_key;
  std::array<std::string, 3> m_group_names;
  std::int64_t m_group_line = 0;
  std::optional<Refusal> m_group_error;
};

} // namespace

void read_table(ImportRun& run, LineReader& reader, Progress& progress, std::string name,
                char separator, bool seekable, std::string_view first_line) {
  TableReader table(run, reader, progress, std::move(name), separator, seekable);
  table.header(first_line);
  table.rows();
}

} // namespace slatrack::cli::import_file
