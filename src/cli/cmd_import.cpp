// import: requests from a CSV, TSV or JSON lines file, streamed. The file is read a line at a
// time; whole requests are gathered into batches that the store writes, so memory does not grow
// with the file. An input larger than the database is a bulk import (Store::start_bulk_import:
// one transaction, the indexes built at the end, batches of k_bulk_batch_size); a smaller one
// goes in batches of k_batch_size, one transaction each. A row that cannot be imported is refused
// with its line number and the reason, and every good row is kept; the exit code is then 2.
// Importing the same file again adds nothing: a request is known by its ref (or, without one, by
// client, subject and received time).
// docs/import-export.md is the user's description of the columns and rules.
// The parts, one file per concern, are declared in import.hpp.
#include "cli/commands.hpp"
#include "cli/import.hpp"
#include "slatrack/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace slatrack::cli {

using namespace import_file;

namespace {

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
        read_json_lines(run, reader, progress, first);
      } else if (lead == '[') {
        throw Error{ErrorKind::invalid_input,
                    fmt::format("{}:{}: a JSON array; import reads JSON lines (one object a "
                                "line): export with --format jsonl, or convert with: jq -c '.[]'",
                                name, reader.number())};
      } else {
        read_table(run, reader, progress, name,
                   first.find('\t') != std::string_view::npos ? '\t' : ',', seekable, first);
      }
    }
    return run.finish(progress);
  } catch (...) {
    progress.clear();
    throw;
  }
}

} // namespace slatrack::cli
