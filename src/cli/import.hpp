// The parts of `import` (cmd_import.cpp), one file per concern: reading the input's lines
// and the progress bar (import_input.cpp), the values of a row's fields (import_values.cpp), a CSV
// or TSV file's columns and rows (import_table.cpp), JSON lines (import_json.cpp), and the run that
// gathers requests into batches, takes the bulk path for a large input and prints the summary
// (import_run.cpp). Internal to the CLI.
#pragma once

#include "cli/context.hpp"
#include "slatrack/store.hpp"
#include "slatrack/transfer.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack::cli::import_file {

// ---- reading lines (import_input.cpp) ----

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
  bool next(std::string_view& line);

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
  void restart(std::int64_t offset, std::int64_t lines_before);

  // Copies what is left of the input (a pipe) to `spool`, an empty file that can seek, and reads
  // on from there: bytes() then counts from the start of the spool. Throws Error{storage}.
  void spool(std::FILE* spool);

private:
  // The line [m_start, end); the next one starts at `next`.
  bool take(std::string_view& line, std::size_t end, std::size_t next);

  std::FILE* m_in;
  std::string m_name;
  std::string m_data;      // what was read and not yet returned, from m_start
  std::size_t m_start = 0; // the start of the next line in m_data
  std::size_t m_scan = 0;  // where to look for its LF
  bool m_end = false;      // the input has ended
  std::int64_t m_number = 0;
  std::int64_t m_bytes = 0;
};

// Whether a line holds nothing but blanks.
[[nodiscard]] bool blank_line(std::string_view line);

// Cells and values are trimmed as every entry trims a value (slatrack/input.hpp).
[[nodiscard]] std::string_view trim(std::string_view text);

// ---- progress on a terminal (import_input.cpp) ----

class Progress {
public:
  Progress(bool enabled, std::int64_t total_bytes);

  // Redraws at most ten times a second, and only for large inputs.
  void update(const LineReader& reader);

  // Says on the bar what happens after the last line was read.
  void stage(std::string_view what);

  // Clears the bar before anything else is printed.
  void clear();

private:
  bool m_enabled;
  std::int64_t m_total;
  std::chrono::steady_clock::time_point m_next;
  bool m_shown = false;
};

// A refused request: the line it starts on (or the bad line) and why.
struct Refusal {
  std::int64_t line = 0;
  std::string reason;
};

// A row's problem: thrown while reading one row, caught by the row's reader.
struct RowError {
  std::string reason;
};

// Throws RowError{reason}.
[[noreturn]] void bad_row(std::string reason);

// ---- the run: batches, counts and the summary (import_run.cpp) ----

// Gathers the requests read into batches that the store writes (one transaction each, or one
// bulk import for an input larger than the database), counts what was added, skipped and
// refused, and prints the refusals and the summary.
class ImportRun {
public:
  // Opens the store (before the first row is read). Throws Error{storage}.
  ImportRun(Context& context, std::string name, bool create_clients);

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
  void input(const LineReader& reader, std::int64_t total_bytes);

  // A request read from the rows that start on `line`: refused when a value breaks the limits
  // of the command line, else added to the batch (written when the batch is full).
  void add(ImportRequest request, std::int64_t line);

  // A request (or a line) that cannot be imported, and why.
  void refuse(std::int64_t line, std::string reason);

  // Writes the batch and files its refusals in line order.
  void flush();

  // Prints the refused rows and the summary; returns the exit code. Throws Error{invalid_input}
  // when something was refused (after the good rows were written).
  int finish(Progress& progress);

private:
  void start_bulk();
  [[nodiscard]] static std::optional<std::string> value_problem(const ImportRequest& request);

  Context& m_context;
  Store& m_store;
  std::string m_name;
  ImportOptions m_options;
  std::string m_author;
  const LineReader* m_reader = nullptr;
  std::int64_t m_total_bytes = 0;
  bool m_decided = false;             // bulk or batches
  bool m_finishing = false;           // in finish(): its batch is written in one transaction
  bool m_committed_batch = false;     // a batch committed on its own before finish()
  std::int64_t m_undone = 0;          // requests added, then rolled back for a refused one
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

// ---- the values of fields (import_values.cpp); each throws RowError for a bad value ----

// A TIME cell: export's UTC form read directly, else any TIME in the context's zone.
[[nodiscard]] Instant time_value(Context& context, std::string_view column, std::string_view text);
// A channel (empty: email).
[[nodiscard]] Channel channel_value(std::string_view text);
// A priority (empty: normal).
[[nodiscard]] Priority priority_value(std::string_view text);
// An event number or target: a whole number, 0 or more; empty: none.
[[nodiscard]] std::optional<std::int64_t> count_value(std::string_view key, std::string_view text);
// An event kind.
[[nodiscard]] EventKind kind_value(std::string_view text);
// A trimmed name; empty: none.
[[nodiscard]] std::optional<std::string> optional_name(std::string_view text);

// The events of a request given by times only: the message, then its first reply and its
// resolution when given.
[[nodiscard]] std::vector<ImportEvent> simple_events(const std::string& author, Instant received,
                                                     std::optional<std::string> text,
                                                     std::optional<Instant> replied,
                                                     std::optional<Instant> resolved);

// ---- the formats ----

// Reads a CSV or TSV file (import_table.cpp) from its header row, `first_line`, to the end, into
// `run`. `seekable`: the input is a regular file (else the events form is kept in a temporary
// file to be read in the order of its requests). Throws Error{invalid_input} when the file cannot
// be imported at all; then nothing has been written.
void read_table(ImportRun& run, LineReader& reader, Progress& progress, std::string name,
                char separator, bool seekable, std::string_view first_line);

// Reads JSON lines (import_json.cpp), one request object a line, from `first_line` on.
void read_json_lines(ImportRun& run, LineReader& reader, Progress& progress,
                     std::string_view first_line);

} // namespace slatrack::cli::import_file
