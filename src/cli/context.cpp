#include "cli/context.hpp"

#include "slatrack/error.hpp"
#include "slatrack/parse.hpp"
#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"
#include "system/zone_files.hpp"

#include <array>
#include <chrono>
#include <cstdlib>
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

namespace slatrack::cli {

namespace {

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

bool decide_color(const std::string& mode) {
  if (mode == "always") {
    return true;
  }
  if (mode == "never") {
    return false;
  }
  if (mode == "auto") {
    return isatty(STDOUT_FILENO) == 1 && !env("NO_COLOR").has_value();
  }
  throw Error{ErrorKind::usage, fmt::format("bad --color \"{}\": use auto, always or never", mode)};
}

} // namespace

Context::Context(GlobalOptions options, std::FILE* out)
    : m_options(std::move(options)), m_format(parse_format(m_options.format, true)),
      m_color(decide_color(m_options.color)), m_out(out) {
  if (!m_options.documents) {
    m_format = parse_format(m_options.format, false); // refuses statement's documents
  }
  if (m_options.tz) {
    m_zone = &find_zone(*m_options.tz);
  }
}

std::string Context::db_path() const {
  if (m_options.db) {
    return *m_options.db;
  }
  if (const auto data = env("XDG_DATA_HOME")) {
    return *data + "/slatrack/slatrack.db";
  }
  if (const auto home = env("HOME")) {
    return *home + "/.local/share/slatrack/slatrack.db";
  }
  throw Error{ErrorKind::storage,
              "no place for the database: HOME and XDG_DATA_HOME are unset; pass --db PATH or set "
              "SLATRACK_DB"};
}

std::unique_ptr<Store> open_store(const std::string& path, OpenMode mode, bool db_on_command_line) {
  if (path.empty()) {
    throw Error{ErrorKind::usage, "empty --db path: give the database file, e.g. --db ~/sla.db"};
  }
  if (is_team_database(path)) {
    // A password on the command line is in every user's `ps` and in the shell's history.
    if (db_on_command_line && team_url_has_password(path)) {
      throw Error{ErrorKind::usage,
                  "the --db URL holds a password, which every user of this machine can read "
                  "(ps); put it in ~/.pgpass (mode 0600, a line HOST:PORT:DBNAME:USER:PASSWORD) "
                  "and give the URL without it"};
    }
    return open_pg_store(path, mode);
  }
  return open_sqlite_store(path, mode);
}

Store& Context::store() {
  if (m_given != nullptr) {
    return *m_given;
  }
  if (!m_store) {
    m_store = open_store(db_path(), m_open_mode, m_options.db_on_command_line);
  }
  return *m_store;
}

const Zone& Context::zone() {
  if (m_zone == nullptr) {
    if (auto tz = env("TZ")) {
      std::string name = *tz;
      if (name.front() == ':') {
        name.erase(0, 1);
      }
      // The zone file named exactly; another case of a name that may be one (find_zone lists the
      // zone directory for that); else, e.g. for a POSIX rule, the system's zone.
      try {
        m_zone = load_zone(name);
        if (m_zone == nullptr && valid_zone_name(name)) {
          m_zone = &find_zone(name);
        }
      } catch (const Error&) {
        m_zone = nullptr;
      }
    }
    if (m_zone == nullptr) {
      try {
        m_zone = system_zone();
      } catch (const std::exception&) {
        m_zone = nullptr; // a damaged zone file: as when there is none
      }
      if (m_zone == nullptr) {
        m_zone = &find_zone("UTC");
      }
    }
  }
  return *m_zone;
}

Instant Context::now() {
  if (!m_now) {
    const Instant system = std::chrono::floor<Seconds>(std::chrono::system_clock::now());
    if (m_options.now) {
      try {
        m_now = slatrack::parse_time(*m_options.now, system, zone());
      } catch (const Error& error) {
        throw Error{ErrorKind::usage, fmt::format("--now: {}", error.what())};
      }
    } else {
      m_now = system;
    }
  }
  return *m_now;
}

Instant Context::parse_time(std::string_view text) {
  return slatrack::parse_time(text, now(), zone());
}

Instant Context::parse_range_time(std::string_view text) {
  return slatrack::parse_range_time(text, now(), zone());
}

Instant Context::parse_range_option(std::string_view option, std::string_view text) {
  try {
    return parse_range_time(text);
  } catch (const Error& error) {
    throw Error{ErrorKind::invalid_input, fmt::format("{}: {}", option, error.what())};
  }
}

Style Context::style() {
  return make_style(
      m_format, m_color, [this]() -> const Zone& { return zone(); }, [this] { return now(); });
}

void Context::write_result(std::string_view sentence, const Record& record,
                           const std::vector<Column>& labels) {
  const auto say = [&] {
    std::fwrite(sentence.data(), 1, sentence.size(), m_out);
    std::fputc('\n', m_out);
  };
  write_output(m_format,
               text_or_records(say, [&] { write_record(m_out, style(), record, labels); }));
}

std::string Context::recorder() const {
  return author();
}

std::string Context::author() const {
  if (auto user = env("SLATRACK_USER")) {
    return *user;
  }
  // The login name: as the shell gives it (USER, LOGNAME), else the account of the process's
  // user (cron and `env -i` set neither), else "unknown" (an account without a name).
  for (const char* name : {"USER", "LOGNAME"}) {
    if (auto user = env(name)) {
      return *user;
    }
  }
  passwd entry{};
  passwd* found = nullptr;
  std::array<char, 4096> buffer{};
  if (getpwuid_r(geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr
      && found->pw_name != nullptr && found->pw_name[0] != '\0') {
    return found->pw_name;
  }
  return "unknown";
}

} // namespace slatrack::cli
