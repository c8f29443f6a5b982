// Fuzzes what slatrack does with a database file it did not write: the input is the whole file
// (header and pages: the seeds are small real databases with 512-byte pages, so a mutation lands
// on a header field, a b-tree page, a record or a value), written to a private directory and
// opened by the real command line (`cli::run`, as main calls it) for read commands and `check`.
// Besides "no crash, no sanitizer report", each command must end with an exit code of the
// contract (0, 1 for overdue, 2 for a missing request, 3 for a corrupt database), and what it says
// on stderr must be one printable line per error, never "internal error" (an exception other than
// slatrack::Error escaped: corrupt data must be reported as a corrupt database). And when
// `check` (run last) finds the database clean, no read command before it may have found it
// corrupt (exit 3). (A read command may change the file: it switches a writable database to WAL
// and migrates an older schema, as slatrack does on open; so the file is not compared.)
#include "cli/run.hpp"
#include "fuzz_support.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace slatrack::fuzz {

namespace {

// The commands run against each file, after --db PATH --now ... --tz ....
const std::vector<std::vector<std::string>> k_commands{
    {"list", "--status", "all"},
    {"show", "1"},
    {"explain", "2"},
    {"overdue", "--within", "8h"},
    {"export", "--format", "jsonl"},
    {"report", "--month", "2026-11"},
    {"check"},
};

struct Paths {
  std::string dir;
  std::string db;
};

const Paths& paths() {
  static const Paths out = [] {
    const char* base = std::getenv("TMPDIR");
    std::string dir = std::string(base != nullptr && *base != '\0' ? base : "/tmp")
                      + "/slatrack-fuzz-db." + std::to_string(::getpid());
    std::filesystem::create_directories(dir);
    // Removed at exit (libFuzzer and the replay main both return through exit()).
    static std::string removed_at_exit;
    removed_at_exit = dir;
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(removed_at_exit, ignored);
    });
    // No settings file, no SLATRACK_* from the environment, one recorder.
    ::setenv("XDG_CONFIG_HOME", (dir + "/config").c_str(), 1);
    ::unsetenv("SLATRACK_DB");
    ::unsetenv("SLATRACK_CONFIG");
    ::unsetenv("SLATRACK_NOW");
    ::setenv("SLATRACK_USER", "fuzz", 1);
    // Results are not looked at: stdout goes nowhere (writing it must still succeed).
    const int null = ::open("/dev/null", O_WRONLY);
    require(null >= 0 && ::dup2(null, STDOUT_FILENO) >= 0, "cannot send stdout to /dev/null");
    ::close(null);
    return Paths{dir, dir + "/db.sqlite"};
  }();
  return out;
}

void write_file(const std::string& path, std::string_view data) {
  std::FILE* out = std::fopen(path.c_str(), "wb");
  require(out != nullptr, "cannot create the database file");
  require(std::fwrite(data.data(), 1, data.size(), out) == data.size(), "cannot write the file");
  require(std::fclose(out) == 0, "cannot close the file");
}

std::string read_fd(int fd) {
  std::string out;
  std::array<char, 4096> buffer{};
  ::lseek(fd, 0, SEEK_SET);
  while (true) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got <= 0) {
      break;
    }
    out.append(buffer.data(), static_cast<std::size_t>(got));
  }
  return out;
}

// Runs `slatrack --db DB ... ARGS` with stderr captured; returns the exit code and stderr.
int run_command(const std::vector<std::string>& args, std::string& err) {
  static const int capture = ::memfd_create("slatrack-fuzz-stderr", 0);
  require(capture >= 0, "memfd_create failed");
  require(::ftruncate(capture, 0) == 0, "ftruncate failed");
  ::lseek(capture, 0, SEEK_SET);
  std::vector<std::string> argv_text{
      "slatrack", "--db", paths().db, "--now", "2026-11-30T12:00:00Z", "--tz", "Europe/London"};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_text) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(capture, STDERR_FILENO);
  const int code = cli::run(static_cast<int>(argv_text.size()), argv.data());
  std::fflush(stderr);
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  err = read_fd(capture);
  return code;
}

void check_stderr(std::string_view command, std::string_view err) {
  std::size_t start = 0;
  while (start < err.size()) {
    std::size_t end = err.find('\n', start);
    require(end != std::string_view::npos, "stderr does not end with a line break:", command);
    const std::string_view line = err.substr(start, end - start);
    require(printable(line), "stderr line not printable:", quoted_argument(line));
    require(line.find("internal error") == std::string_view::npos,
            "an exception other than slatrack::Error escaped:", line);
    start = end + 1;
  }
}

} // namespace

} // namespace slatrack::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace slatrack::fuzz;
  const Paths& where = paths();
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::remove(where.db + suffix);
  }
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  write_file(where.db, bytes);
  std::vector<std::string> corrupt_for;
  int check_code = 0;
  for (const std::vector<std::string>& command : k_commands) {
    std::string err;
    const int code = run_command(command, err);
    const std::string name = command.front();
    require(code == 0 || code == 2 || code == 3 || (code == 1 && name == "overdue"),
            "exit code outside the contract:", name);
    require(code != 2 || name == "show" || name == "explain",
            "exit 2 (bad input) for a command whose input is fine:", name);
    check_stderr(name, err);
    if (name == "check") {
      check_code = code;
    } else if (code == 3) {
      corrupt_for.push_back(name);
    }
  }
  require(check_code != 0 || corrupt_for.empty(),
          "check found clean a database that a read "
          "command found corrupt:",
          corrupt_for.empty() ? std::string_view{} : std::string_view{corrupt_for.front()});
  return 0;
}
