// What every subcommand gets: the global options, resolved lazily so that --help, --version and
// commands that need no database never open it or load the time zone database.
#pragma once

#include "cli/output.hpp"
#include "slatrack/store.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

namespace slatrack::cli {

struct GlobalOptions {
  std::optional<std::string> db;   // --db or SLATRACK_DB (or the settings file's db)
  bool db_on_command_line = false; // db came from --db (a password in a URL there is refused)
  std::optional<std::string> now;  // --now or SLATRACK_NOW
  std::optional<std::string> tz;   // --tz
  std::string format = "table";
  std::string color = "auto";
  bool quiet = false;
  // Whether the command writes documents (`statement`): --format markdown and html allowed.
  bool documents = false;
};

// Opens the store the --db value names: a `postgresql://` URL the team database, else an SQLite
// file, in `mode` (a password in a URL given on the command line, `db_on_command_line`, is
// refused). Throws Error{usage} for an empty path or such a URL, Error{storage} when it cannot be
// opened.
[[nodiscard]] std::unique_ptr<Store> open_store(const std::string& path, OpenMode mode,
                                                bool db_on_command_line);

class Context {
public:
  // Checks the option values that need no I/O (format, color). Output goes to `out`. Throws
  // Error{usage}.
  explicit Context(GlobalOptions options, std::FILE* out = stdout);

  // Hands the context a store that is already open (an in-memory one in tests): store() then
  // gives it and opens nothing. It must outlive the context.
  void use_store(Store& store) {
    m_given = &store;
  }
  // The store handed by use_store, else the --db database (open_store), opened (and created or
  // migrated) on first use, in the mode set_open_mode chose (default OpenMode::create), so that
  // --help and --version never open it. Throws Error{storage}.
  [[nodiscard]] Store& store();
  // How store() opens the database: app.cpp sets OpenMode::read for the commands that only read.
  void set_open_mode(OpenMode mode) {
    m_open_mode = mode;
  }
  // The database path from --db, SLATRACK_DB, else $XDG_DATA_HOME/slatrack/slatrack.db.
  [[nodiscard]] std::string db_path() const;
  // --now, else the system clock, to the second.
  [[nodiscard]] Instant now();
  // --tz, else TZ, else the system's zone, else UTC.
  [[nodiscard]] const Zone& zone();
  // Parses a TIME argument in the context's zone, relative to now. Throws Error{invalid_input}.
  [[nodiscard]] Instant parse_time(std::string_view text);
  // The same, also taking YYYY-MM: for where a range starts or ends.
  [[nodiscard]] Instant parse_range_time(std::string_view text);
  // parse_range_time for the value of `option` (--since, --from...): an error names the option.
  [[nodiscard]] Instant parse_range_option(std::string_view option, std::string_view text);
  // How output looks: the --format (checked when the context is made), color, and for people the
  // zone and now for local times.
  [[nodiscard]] Style style();
  // The --format, for write_output.
  [[nodiscard]] Format format() const {
    return m_format;
  }
  // A command's result on out(): `sentence` and a newline for people, `record` in the other
  // formats (write_record, with `labels`). Whatever --quiet, which is the caller's to check.
  void write_result(std::string_view sentence, const Record& record,
                    const std::vector<Column>& labels = {});
  [[nodiscard]] bool quiet() const {
    return m_options.quiet;
  }
  // Who is acting: SLATRACK_USER, else USER, else "unknown".
  [[nodiscard]] std::string author() const;
  // Who records what this command writes: SLATRACK_USER, else the login name (USER).
  [[nodiscard]] std::string recorder() const;
  // Where results go: stdout, or what the caller of cli::run chose.
  [[nodiscard]] std::FILE* out() const {
    return m_out;
  }

private:
  GlobalOptions m_options;
  Format m_format;
  bool m_color = false;
  std::FILE* m_out;
  OpenMode m_open_mode = OpenMode::create;
  Store* m_given = nullptr;       // handed by use_store
  std::unique_ptr<Store> m_store; // opened by store()
  std::optional<Instant> m_now;
  const Zone* m_zone = nullptr;
};

} // namespace slatrack::cli
