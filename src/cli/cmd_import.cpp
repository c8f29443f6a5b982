// import: requests from a CSV, TSV or JSON lines file, streamed. The file is read a line at a
// time; whole requests are gathered into batches that the store writes, so memory does not grow
// with the file. An input larger than the database is a bulk import (Store::start_bulk_import:
// one transaction, the indexes built at the end, batches of k_bulk_batch_size); a smaller one
// goes in batches of k_batch_size, one transaction each. A row that cannot be imported is refused
// with its line number and the reason, and every good row is kept; the exit code is then 2.
// Importing the same file again adds nothing: a request is known by its ref (or, without one, by
// client, subject and received time).
// docs/import-export.md is the user's description of the columns and rules.
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "cli/records.hpp"
#include "slatrack/csv.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace slatrack::cli {

namespace {

// Requests per store transaction.
constexpr std::size_t k_batch_size = 10000;
// Requests per batch of a bulk import (one transaction for all): enough for the multi-row
// INSERTs, and little memory.
constexpr std::size_t k_bulk_batch_size = 1000;
// Refused rows listed one by one; the rest are counted.
constexpr std::size_t k_listed_refusals = 50;
// New clients named in the summary; the rest are counted.
constexpr std::size_t k_listed_clients = 10;
// The progress bar shows for inputs larger than this (or with more lines, for pipes).
constexpr std::int64_t k_progress_bytes = 1 << 20;
constexpr std::int64_t k_progress_lines = 10000;

// ---- reading lines ----

// The longest line import reads: an exported JSON line holds a request with all its events (each
// text up to 64 KiB), so this is generous; past it the import is refused, never cut.
constexpr std::size_t k_max_line_bytes = std::size_t{64} << 20;
// How much is read from the input at a time.
constexpr std::size_t k_read_chunk = std::size_t{64} << 10;

// Lines of a FILE without their LF, counted; memory is one line's worth (and a chunk). Reads with
// fread rather than getline: glibc's getline returns -1 without setting the error flag when it
// runs out of memory, which looked like the end of the input (rows silently dropped).
class LineReader {
public:
  LineReader(std::FILE* in, std::string name) : m_in(in), m_name(std::move(name)) {}
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader() = default;

  // The next line (valid until the next call), or false at the end. Throws Error{storage} on a
  // read error, Error{invalid_input} for a line longer than k_max_line_bytes.
  bool next(std::string_view& line) {
    while (true) {
      const std::size_t end = m_data.find('\n', m_scan);
      if (end != std::string::npos) {
        return take(line, end, end + 1);
      }
      m_scan = m_data.size();
      if (m_data.size() - m_start > k_max_line_bytes) {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("{}:{}: the line is longer than {} MiB; import reads lines of at "
                                "most that: split the request's events over CSV rows, or shorten "
                                "its texts",
                                m_name, m_number + 1, k_max_line_bytes >> 20)};
      }
      if (m_end) {
        return m_start < m_data.size() && take(line, m_data.size(), m_data.size());
      }
      m_data.erase(0, m_start);
      m_scan -= m_start;
      m_start = 0;
      const std::size_t kept = m_data.size();
      m_data.resize(kept + k_read_chunk);
      const std::size_t got = std::fread(m_data.data() + kept, 1, k_read_chunk, m_in);
      m_data.resize(kept + got);
      if (got < k_read_chunk) {
        if (std::ferror(m_in) != 0) {
          throw Error{ErrorKind::storage,
                      fmt::format("cannot read {} after line {}: {}; nothing was imported from "
                                  "the rest: check the file and run the import again",
                                  m_name, m_number, std::strerror(errno))};
        }
        m_end = std::feof(m_in) != 0;
      }
    }
  }

  [[nodiscard]] std::int64_t number() const {
    return m_number;
  }
  // Bytes of the input read so far: the offset of the next line (in the spool, after spool()).
  [[nodiscard]] std::int64_t bytes() const {
    return m_bytes;
  }

  // Reads on from byte `offset` of the input (which must be a file that can seek), the next line
  // being number lines_before + 1. Reading on from where it is costs no seek. Throws
  // Error{storage}.
  void restart(std::int64_t offset, std::int64_t lines_before) {
    if (offset != m_bytes) {
      if (::fseeko(m_in, static_cast<off_t>(offset), SEEK_SET) != 0) {
        throw Error{ErrorKind::storage,
                    fmt::format("cannot read {} again at line {}: {}; nothing was imported from "
                                "the rest: check the file and run the import again",
                                m_name, lines_before + 1, std::strerror(errno))};
      }
      m_data.clear();
      m_start = 0;
      m_scan = 0;
      m_end = false;
      m_bytes = offset;
    }
    m_number = lines_before;
  }

  // Copies what is left of the input (a pipe) to `spool`, an empty file that can seek, and reads
  // on from there: bytes() then counts from the start of the spool. Throws Error{storage}.
  void spool(std::FILE* spool) {
    const auto fail = [&] {
      throw Error{ErrorKind::storage,
                  fmt::format("cannot keep {} in a temporary file after line {}: {}; nothing was "
                              "imported: check the space in TMPDIR (or /tmp), or give the file's "
                              "name instead of a pipe",
                              m_name, m_number, std::strerror(errno))};
    };
    const std::string_view rest = std::string_view(m_data).substr(m_start);
    if (std::fwrite(rest.data(), 1, rest.size(), spool) != rest.size()) {
      fail();
    }
    while (!m_end) {
      m_data.resize(k_read_chunk);
      const std::size_t got = std::fread(m_data.data(), 1, k_read_chunk, m_in);
      if (got < k_read_chunk) {
        if (std::ferror(m_in) != 0) {
          throw Error{ErrorKind::storage,
                      fmt::format("cannot read {} after line {}: {}; nothing was imported: check "
                                  "the input and run the import again",
                                  m_name, m_number, std::strerror(errno))};
        }
        m_end = true;
      }
      if (std::fwrite(m_data.data(), 1, got, spool) != got) {
        fail();
      }
    }
    if (std::fflush(spool) != 0 || std::fseek(spool, 0, SEEK_SET) != 0) {
      fail();
    }
    m_in = spool;
    m_data.clear();
    m_start = 0;
    m_scan = 0;
    m_end = false;
    m_bytes = 0;
  }

private:
  // The line [m_start, end); the next one starts at `next`.
  bool take(std::string_view& line, std::size_t end, std::size_t next) {
    line = std::string_view(m_data).substr(m_start, end - m_start);
    m_bytes += static_cast<std::int64_t>(next - m_start);
    m_start = next;
    m_scan = next;
    ++m_number;
    return true;
  }

  std::FILE* m_in;
  std::string m_name;
  std::string m_data;      // what was read and not yet returned, from m_start
  std::size_t m_start = 0; // the start of the next line in m_data
  std::size_t m_scan = 0;  // where to look for its LF
  bool m_end = false;      // the input has ended
  std::int64_t m_number = 0;
  std::int64_t m_bytes = 0;
};

bool blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Cells and values are trimmed as every entry trims a value (slatrack/input.hpp).
std::string_view trim(std::string_view text) {
  return trim_value(text);
}

// ---- progress on a terminal ----

class Progress {
public:
  Progress(bool enabled, std::int64_t total_bytes)
      : m_enabled(enabled), m_total(total_bytes),
        m_next(std::chrono::steady_clock::now() + std::chrono::milliseconds{300}) {}

  // Redraws at most ten times a second, and only for large inputs.
  void update(const LineReader& reader) {
    if (!m_enabled || (reader.number() & 1023) != 0) {
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now < m_next) {
      return;
    }
    m_next = now + std::chrono::milliseconds{100};
    if (m_total > 0 ? m_total < k_progress_bytes : reader.number() < k_progress_lines) {
      return;
    }
    std::string text;
    if (m_total > 0) {
      const std::int64_t percent = std::min<std::int64_t>(100, reader.bytes() * 100 / m_total);
      constexpr std::size_t width = 30;
      const std::size_t filled = static_cast<std::size_t>(percent) * width / 100;
      text = fmt::format("\rimporting [{}{}] {:3}%  {} lines", std::string(filled, '#'),
                         std::string(width - filled, ' '), percent, reader.number());
    } else {
      text = fmt::format("\rimporting: {} lines", reader.number());
    }
    std::fputs(text.c_str(), stderr);
    m_shown = true;
  }

  // Says on the bar what happens after the last line was read.
  void stage(std::string_view what) {
    if (m_shown) {
      std::fputs(fmt::format("\r\x1b[Kimporting: {}", what).c_str(), stderr);
    }
  }

  // Clears the bar before anything else is printed.
  void clear() {
    if (m_shown) {
      std::fputs("\r\x1b[K", stderr);
      m_shown = false;
    }
  }

private:
  bool m_enabled;
  std::int64_t m_total;
  std::chrono::steady_clock::time_point m_next;
  bool m_shown = false;
};

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

// A refused request: the line it starts on (or the bad line) and why.
struct Refusal {
  std::int64_t line = 0;
  std::string reason;
};

// A row's problem: thrown while reading one row, caught by the row's reader.
struct RowError {
  std::string reason;
};

[[noreturn]] void bad_row(std::string reason) {
  throw RowError{std::move(reason)};
}

// ---- the run: batches, counts and the summary ----

class ImportRun {
public:
  ImportRun(Context& context, std::string name, bool create_clients)
      : m_context(context), m_store(context.store()), m_name(std::move(name)) {
    m_options.now = context.now();
    m_options.create_clients = create_clients;
    m_author = context.author();
    m_batch.reserve(k_batch_size);
  }

  [[nodiscard]] Context& context() {
    return m_context;
  }
  [[nodiscard]] const std::string& author() const {
    return m_author;
  }
  [[nodiscard]] Instant now() const {
    return m_options.now;
  }

  // Where the input is read from, and its size in bytes (0 when unknown: a pipe), to estimate how
  // many requests it holds.
  void input(const LineReader& reader, std::int64_t total_bytes) {
    m_reader = &reader;
    m_total_bytes = total_bytes;
  }

  void add(ImportRequest request, std::int64_t line) {
    if (std::optional<std::string> problem = value_problem(request)) {
      refuse(line, std::move(*problem));
      return;
    }
    m_batch.push_back(std::move(request));
    m_batch_lines.push_back(line);
    if (!m_decided && m_batch.size() >= k_bulk_batch_size) {
      start_bulk();
    }
    if (m_batch.size() >= (m_bulk ? k_bulk_batch_size : k_batch_size)) {
      flush();
    }
  }

  void refuse(std::int64_t line, std::string reason) {
    ++m_refused;
    m_batch_refusals.push_back(Refusal{line, std::move(reason)});
    if (m_batch_refusals.size() >= k_batch_size) {
      flush();
    }
  }

  // Writes the batch and files its refusals in line order.
  void flush() {
    if (!m_batch.empty()) {
      const ImportResult result =
          m_bulk ? m_bulk->add(m_batch) : m_store.import_requests(m_batch, m_options);
      if (m_options.first_new_id == 0) {
        // Later batches do not take this import's requests for ones that were there before.
        m_options.first_new_id = result.first_id;
      }
      for (std::size_t i = 0; i < result.outcomes.size(); ++i) {
        const ImportOutcome& outcome = result.outcomes[i];
        switch (outcome.status) {
        case ImportStatus::added:
          ++m_added;
          break;
        case ImportStatus::skipped:
          ++m_skipped;
          break;
        case ImportStatus::refused:
          ++m_refused;
          m_batch_refusals.push_back(Refusal{m_batch_lines[i], outcome.reason});
          break;
        }
      }
      for (const std::string& client : result.created_clients) {
        if (m_created.size() < k_listed_clients) {
          m_created.push_back(client);
        }
        ++m_created_count;
      }
      m_batch.clear();
      m_batch_lines.clear();
    }
    std::stable_sort(m_batch_refusals.begin(), m_batch_refusals.end(),
                     [](const Refusal& a, const Refusal& b) { return a.line < b.line; });
    for (Refusal& refusal : m_batch_refusals) {
      if (m_listed.size() < k_listed_refusals) {
        m_listed.push_back(std::move(refusal));
      }
    }
    m_batch_refusals.clear();
  }

  // Prints the refused rows and the summary; returns the exit code.
  int finish(Progress& progress) {
    flush();
    if (m_bulk) {
      progress.stage("building the indexes");
      m_bulk->commit();
      m_bulk.reset();
    }
    progress.clear();
    std::string text;
    for (const Refusal& refusal : m_listed) {
      text += fmt::format("{}:{}: {}\n", m_name, refusal.line, escape_control(refusal.reason));
    }
    if (m_refused > static_cast<std::int64_t>(m_listed.size())) {
      text += fmt::format("... and {} more refused\n",
                          m_refused - static_cast<std::int64_t>(m_listed.size()));
    }
    const std::string summary = fmt::format("{} added, {} skipped (already there), {} refused",
                                            m_added, m_skipped, m_refused);
    std::string clients;
    if (m_created_count > 0) {
      // "; new clients: "A", "B" and "C"" or "...: "A", ..., "J" and 5 more"
      const std::int64_t more = m_created_count - static_cast<std::int64_t>(m_created.size());
      clients = fmt::format("; new {}: ", m_created_count == 1 ? "client" : "clients");
      for (std::size_t i = 0; i < m_created.size(); ++i) {
        const bool last = i + 1 == m_created.size() && more == 0;
        clients += i == 0 ? "" : (last ? " and " : ", ");
        clients += fmt::format("\"{}\"", escape_control(m_created[i]));
      }
      if (more > 0) {
        clients += fmt::format(" and {} more", more);
      }
    }
    if (!m_context.quiet()) {
      text += fmt::format("import {}: {}{}\n", m_name, summary, clients);
    }
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
    if (m_context.format() != Format::table && !m_context.quiet()) {
      // For scripts: the counts on stdout.
      write_record(m_context.out(), m_context.style(),
                   Record{{"file", m_name},
                          {"added", m_added},
                          {"skipped", m_skipped},
                          {"refused", m_refused},
                          {"created_clients", m_created_count}},
                   {});
    }
    if (m_refused > 0) {
      const std::int64_t total = m_added + m_skipped + m_refused;
      throw Error{ErrorKind::invalid_input,
                  fmt::format("{} of {} {} {} refused (listed above{}); fix {} and import the "
                              "file again: what is already there is skipped",
                              m_refused, total, total == 1 ? "request" : "requests",
                              m_refused == 1 ? "was" : "were",
                              m_refused == total ? "" : "; the others were imported",
                              m_refused == 1 ? "it" : "them")};
    }
    return 0;
  }

private:
  // After the first k_bulk_batch_size requests: an input into a database that holds fewer
  // requests than it goes in one transaction with the indexes built at the end
  // (Store::start_bulk_import). The input's requests are estimated from the bytes those took, or
  // for a pipe taken as those read so far (so a pipe into an empty database is a bulk import).
  void start_bulk() {
    m_decided = true;
    const std::int64_t seen =
        m_added + m_skipped + m_refused + static_cast<std::int64_t>(m_batch.size());
    std::int64_t expected = seen;
    if (m_reader != nullptr && m_total_bytes > 0 && m_reader->bytes() > 0) {
      const double per_byte = static_cast<double>(seen) / static_cast<double>(m_reader->bytes());
      expected = std::max(expected,
                          static_cast<std::int64_t>(per_byte * static_cast<double>(m_total_bytes)));
    }
    m_bulk = m_store.start_bulk_import(expected, m_options);
  }

  // The limits of the command line (include/slatrack/input.hpp) hold for imported values too:
  // UTF-8, names without control characters, lengths.
  static std::optional<std::string> value_problem(const ImportRequest& request) {
    const auto value = [](std::string_view name, const std::optional<std::string>& text) {
      return text ? argument_problem(name, ArgumentKind::value, *text) : std::nullopt;
    };
    std::optional<std::string> problem = value("client", request.client);
    if (!problem) {
      problem = argument_problem("subject", ArgumentKind::text, request.subject);
    }
    if (!problem) {
      problem = value("ref", request.ref);
    }
    if (!problem) {
      problem = value("sla", request.policy);
    }
    if (!problem && request.assignee) {
      problem = value("assignee", *request.assignee);
    }
    for (const ImportEvent& event : request.events) {
      if (!problem) {
        problem = value("author", event.author);
      }
      if (!problem && event.text) {
        problem = argument_problem(event.kind == EventKind::assign ? "assignee" : "text",
                                   event.kind == EventKind::assign ? ArgumentKind::value
                                                                   : ArgumentKind::text,
                                   *event.text);
      }
    }
    return problem;
  }

  Context& m_context;
  Store& m_store;
  std::string m_name;
  ImportOptions m_options;
  std::string m_author;
  const LineReader* m_reader = nullptr;
  std::int64_t m_total_bytes = 0;
  bool m_decided = false;             // bulk or batches
  std::unique_ptr<BulkImport> m_bulk; // set for a bulk import, until its commit
  std::vector<ImportRequest> m_batch;
  std::vector<std::int64_t> m_batch_lines;
  std::vector<Refusal> m_batch_refusals;
  std::vector<Refusal> m_listed;
  std::vector<std::string> m_created;
  std::int64_t m_created_count = 0;
  std::int64_t m_added = 0;
  std::int64_t m_skipped = 0;
  std::int64_t m_refused = 0;
};

// ---- values ----

Instant time_value(Context& context, std::string_view column, std::string_view text) {
  const std::string_view value = trim(text);
  if (const std::optional<Instant> fast = parse_export_time(value)) {
    return *fast;
  }
  try {
    return context.parse_time(value);
  } catch (const Error& error) {
    bad_row(fmt::format("{}: {}", column, error.what()));
  }
}

Channel channel_value(std::string_view text) {
  const std::string value = to_lower(trim(text));
  if (value.empty()) {
    return Channel::email;
  }
  if (const std::optional<Channel> channel = channel_from(value)) {
    return *channel;
  }
  bad_row(fmt::format("bad channel \"{}\": use {}", escape_control(text), channel_names()));
}

Priority priority_value(std::string_view text) {
  const std::string value = to_lower(trim(text));
  if (value.empty()) {
    return Priority::normal;
  }
  if (const std::optional<Priority> priority = priority_from(value)) {
    return *priority;
  }
  bad_row(fmt::format("bad priority \"{}\": use {}", escape_control(text), priority_names()));
}

// An event number or target: a whole number, 0 or more; empty: none.
std::optional<std::int64_t> count_value(std::string_view key, std::string_view text) {
  const std::string_view value = trim(text);
  if (value.empty()) {
    return std::nullopt;
  }
  std::int64_t out = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (error != std::errc{} || end != value.data() + value.size() || out < 0) {
    bad_row(fmt::format("bad {} \"{}\": give a whole number (event numbers as show gives them)",
                        key, escape_control(value)));
  }
  return out;
}

EventKind kind_value(std::string_view text) {
  const std::string value = to_lower(trim(text));
  if (const std::optional<EventKind> kind = event_kind_from(value)) {
    return *kind;
  }
  bad_row(fmt::format("bad kind \"{}\": use message, reply, pause, resume, resolve, reopen, note, "
                      "assign or edit",
                      escape_control(text)));
}

std::optional<std::string> optional_name(std::string_view text) {
  const std::string_view value = trim(text);
  if (value.empty()) {
    return std::nullopt;
  }
  return std::string(value);
}

// The events of a request given by times only: the message, then its first reply and its
// resolution when given.
std::vector<ImportEvent> simple_events(const std::string& author, Instant received,
                                       std::optional<std::string> text,
                                       std::optional<Instant> replied,
                                       std::optional<Instant> resolved) {
  if (replied && *replied < received) {
    bad_row("replied_at is before received_at; fix one of them");
  }
  if (resolved && *resolved < received) {
    bad_row("resolved_at is before received_at; fix one of them");
  }
  std::vector<ImportEvent> events;
  events.push_back(
      ImportEvent{EventKind::message, received, author, std::move(text), {}, {}, {}, {}});
  if (replied) {
    events.push_back(ImportEvent{EventKind::reply, *replied, author, {}, {}, {}, {}, {}});
  }
  if (resolved) {
    events.push_back(ImportEvent{EventKind::resolve, *resolved, author, {}, {}, {}, {}, {}});
  }
  return events;
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

// ---- JSON lines ----

// One request object a line, as `export --format jsonl` (with events) or `list --format jsonl`
// (times only) writes them.
class JsonReader {
public:
  JsonReader(ImportRun& run, LineReader& reader, Progress& progress)
      : m_run(run), m_reader(reader), m_progress(progress) {}

  void rows(std::string_view first_line) {
    line(first_line, m_reader.number());
    std::string_view text;
    while (m_reader.next(text)) {
      m_progress.update(m_reader);
      if (!blank_line(text)) {
        line(text, m_reader.number());
      }
    }
  }

private:
  void line(std::string_view text, std::int64_t number) {
    try {
      const nlohmann::json object = nlohmann::json::parse(text);
      if (!object.is_object()) {
        bad_row("not a JSON object; each line holds one request object");
      }
      m_run.add(request(object), number);
    } catch (const nlohmann::json::exception& error) {
      std::string message = error.what();
      if (const std::size_t end = message.find("] "); end != std::string::npos) {
        message.erase(0, end + 2);
      }
      m_run.refuse(number, fmt::format("not JSON: {}", message));
    } catch (const RowError& error) {
      m_run.refuse(number, error.reason);
    }
  }

  // A key's text: nullopt for null or a missing key; anything but text or null is refused.
  static std::optional<std::string> text(const nlohmann::json& object, std::string_view key) {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) {
      return std::nullopt;
    }
    if (!found->is_string()) {
      bad_row(fmt::format("\"{}\" must be text or null", key));
    }
    return found->get<std::string>();
  }

  // A whole number 0 or more (or its digits as text), or null.
  static std::optional<std::int64_t> count(const nlohmann::json& object, std::string_view key) {
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) {
      return std::nullopt;
    }
    if (found->is_number_integer() && found->get<std::int64_t>() >= 0) {
      return found->get<std::int64_t>();
    }
    if (found->is_string()) {
      return count_value(key, found->get<std::string>());
    }
    bad_row(fmt::format("\"{}\" must be a whole number or null", key));
  }

  std::optional<Instant> time(const nlohmann::json& object, std::string_view key) {
    const std::optional<std::string> value = text(object, key);
    if (!value || trim(*value).empty()) {
      return std::nullopt;
    }
    return time_value(m_run.context(), key, *value);
  }

  static void check_keys(const nlohmann::json& object, std::string_view what,
                         std::initializer_list<std::string_view> known) {
    for (const auto& item : object.items()) {
      if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
        bad_row(fmt::format("unknown key \"{}\" in {}; see docs/import-export.md",
                            escape_control(item.key()), what));
      }
    }
  }

  ImportRequest request(const nlohmann::json& object) {
    check_keys(object, "the request",
               {"id",          "client",       "subject",       "channel",
                "priority",    "status",       "assignee",      "sla",
                "calendar",    "ref",          "received_at",   "replied_at",
                "resolved_at", "reply_due_at", "update_due_at", "resolve_due_at",
                "voided_by",   "events",       "clocks",        "targets"});
    ImportRequest out;
    out.client = std::string(trim(text(object, "client").value_or("")));
    out.subject = text(object, "subject").value_or("");
    if (out.client.empty()) {
      bad_row("no client; give the client's name");
    }
    if (trim(out.subject).empty()) {
      bad_row("no subject; give what the client asks");
    }
    out.channel = channel_value(text(object, "channel").value_or(""));
    out.priority = priority_value(text(object, "priority").value_or(""));
    if (object.contains("assignee")) {
      out.assignee = optional_name(text(object, "assignee").value_or(""));
    }
    out.policy = optional_name(text(object, "sla").value_or(""));
    out.ref = optional_name(text(object, "ref").value_or(""));
    const auto events = object.find("events");
    if (events == object.end() || events->is_null()) {
      const std::optional<Instant> received = time(object, "received_at");
      if (!received) {
        bad_row("no events and no received_at; give one of them");
      }
      out.events = simple_events(m_run.author(), *received, std::nullopt,
                                 time(object, "replied_at"), time(object, "resolved_at"));
      return out;
    }
    if (!events->is_array()) {
      bad_row("\"events\" must be an array of event objects");
    }
    for (const nlohmann::json& event : *events) {
      if (!event.is_object()) {
        bad_row("\"events\" must be an array of event objects");
      }
      check_keys(event, "an event",
                 {"id", "number", "kind", "at", "author", "recorder", "text", "recorded_at",
                  "target", "voided_by"});
      const EventKind kind = kind_value(text(event, "kind").value_or(""));
      const std::optional<Instant> at = time(event, "at");
      if (!at) {
        bad_row(fmt::format("the {} event has no \"at\"; give when it happened", to_string(kind)));
      }
      ImportEvent imported{
          kind,
          *at,
          optional_name(text(event, "author").value_or("")).value_or(m_run.author()),
          text(event, "text"),
          time(event, "recorded_at"),
          {},
          {},
          {}};
      imported.number = count(event, "number");
      imported.recorder = optional_name(text(event, "recorder").value_or(""));
      imported.target = count(event, "target");
      out.events.push_back(std::move(imported));
    }
    return out;
  }

  ImportRun& m_run;
  LineReader& m_reader;
  Progress& m_progress;
};

struct FileCloser {
  void operator()(std::FILE* file) const {
    std::fclose(file);
  }
};

} // namespace

int run_import(Context& context, const ImportFileOptions& options) {
  std::unique_ptr<std::FILE, FileCloser> owned;
  std::FILE* in = stdin;
  std::string name = "stdin";
  if (options.file != "-") {
    owned.reset(std::fopen(options.file.c_str(), "rb"));
    if (!owned) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("cannot read {}: {}; check the path (or give - for stdin)",
                              options.file, std::strerror(errno))};
    }
    in = owned.get();
    name = options.file;
  }
  struct stat info {};
  std::int64_t total = 0;
  bool seekable = false;
  if (::fstat(::fileno(in), &info) == 0) {
    if (S_ISDIR(info.st_mode)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("cannot read {}: it is a directory; give a CSV, TSV or JSON lines "
                              "file (or - for stdin)",
                              name)};
    }
    if (S_ISREG(info.st_mode)) {
      total = static_cast<std::int64_t>(info.st_size);
      seekable = true;
    }
  }
  // The database is opened (and checked) before the first row is read.
  ImportRun run(context, name, options.create_clients);
  Progress progress(isatty(STDERR_FILENO) == 1 && !context.quiet(), total);
  try {
    LineReader reader(in, name);
    run.input(reader, total);
    std::string_view first;
    bool found = false;
    while (reader.next(first)) {
      if (reader.number() == 1 && first.substr(0, 3) == "\xEF\xBB\xBF") {
        first.remove_prefix(3); // the byte order mark spreadsheets put first
      }
      if (!blank_line(first)) {
        found = true;
        break;
      }
    }
    if (found) {
      const char lead = trim(first).front();
      if (lead == '{') {
        JsonReader(run, reader, progress).rows(first);
      } else if (lead == '[') {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("{}:{}: a JSON array; import reads JSON lines (one object a "
                                "line): export with --format jsonl, or convert with: jq -c '.[]'",
                                name, reader.number())};
      } else {
        TableReader table(run, reader, progress, name,
                          first.find('\t') != std::string_view::npos ? '\t' : ',', seekable);
        table.header(first);
        table.rows();
      }
    }
    return run.finish(progress);
  } catch (...) {
    progress.clear();
    throw;
  }
}

} // namespace slatrack::cli
