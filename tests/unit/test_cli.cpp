// Commands run through the command line (cli::run, argument parsing, the command, its output)
// with an in-memory SQLite store handed to the run instead of a database file, and their output
// captured: the CLI tested without a file or a process (docs/architecture.md, "cli").
#include "cli/output.hpp"
#include "cli/run.hpp"
#include "slatrack/store.hpp"
#include "store/sqlite_store.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace slatrack;

struct Result {
  int code = 0;
  std::string out;
  std::string err;
};

// A temporary file that captures one stream of a run.
class Capture {
public:
  Capture() : m_file(std::tmpfile()) {
    REQUIRE(m_file != nullptr);
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  ~Capture() {
    std::fclose(m_file);
  }
  [[nodiscard]] std::FILE* file() const {
    return m_file;
  }
  [[nodiscard]] std::string text() const {
    std::fflush(m_file);
    std::rewind(m_file);
    std::string out;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, m_file)) > 0) {
      out.append(buffer, got);
    }
    return out;
  }

private:
  std::FILE* m_file;
};

// One in-memory database, and slatrack run on it at a fixed time in UTC, without color.
class Cli {
public:
  Cli() : m_store(open_sqlite_store(":memory:")) {
    ::setenv("SLATRACK_USER", "sam", 1);
    ::setenv("XDG_CONFIG_HOME", "/nonexistent/slatrack-test", 1); // no settings file
    ::unsetenv("SLATRACK_CONFIG");
    ::unsetenv("SLATRACK_DB");
    ::unsetenv("SLATRACK_NOW");
  }

  Result run(const std::string& now, std::vector<std::string> args) {
    std::vector<std::string> words{"slatrack", "--tz", "UTC", "--color", "never", "--now", now};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& word : words) {
      argv.push_back(word.data());
    }
    argv.push_back(nullptr);
    const Capture out;
    const Capture err;
    Result result;
    result.code = cli::run(static_cast<int>(words.size()), argv.data(),
                           cli::RunEnvironment{m_store.get(), out.file(), err.file()});
    result.out = out.text();
    result.err = err.text();
    return result;
  }

  [[nodiscard]] Store& store() {
    return *m_store;
  }

private:
  std::unique_ptr<Store> m_store;
};

constexpr const char* k_monday = "2026-11-23T09:00:00Z";
constexpr const char* k_tuesday = "2026-11-24T10:00:00Z";

} // namespace

TEST_CASE("log, reply, overdue and list run through the CLI on an in-memory store", "[cli]") {
  Cli cli;
  Result log = cli.run(k_monday, {"log", "acme", "Invoice is wrong", "--create-client"});
  CHECK(log.code == 0);
  CHECK(log.out == "Logged #1 for acme: reply due Tue 24 Nov 09:00 (in 24h 00m)\n");
  CHECK(log.err.empty());

  log = cli.run(k_monday, {"log", "acme", "Password reset", "--at", "08:00", "--priority", "high"});
  CHECK(log.code == 0);
  CHECK(log.out == "Logged #2 for acme: reply due Tue 24 Nov 08:00 (in 23h 00m)\n");

  // The store the run was handed holds what the commands wrote.
  CHECK(cli.store().request_detail(RequestId{2}).request.subject == "Password reset");

  const Result reply = cli.run(k_tuesday, {"reply", "1", "-m", "Fixed"});
  CHECK(reply.code == 0);
  CHECK(reply.out == "Replied to #1 (acme): reply breached (by 1h 00m); open, no clock running\n");

  const Result overdue = cli.run(k_tuesday, {"overdue"});
  CHECK(overdue.code == 1);
  CHECK(overdue.out
        == "ID  CLIENT  SUBJECT         CLOCK  DUE               STATE        ASSIGNEE\n"
           "2   acme    Password reset  reply  Tue 24 Nov 08:00  2h 00m late  -\n"
           "1 overdue, 0 at risk\n");

  const Result jsonl = cli.run(k_tuesday, {"overdue", "--format", "jsonl"});
  CHECK(jsonl.code == 1);
  CHECK(jsonl.out
        == "{\"id\":2,\"client\":\"acme\",\"subject\":\"Password "
           "reset\",\"channel\":\"email\",\"priority\":\"high\",\"status\":\"open\",\"assignee\":"
           "null,\"sla\":\"default\",\"calendar\":\"24x7\",\"ref\":null,\"received_at\":\"2026-11-"
           "23T08:00:00Z\",\"replied_at\":null,\"resolved_at\":null,\"reply_due_at\":\"2026-11-"
           "24T08:00:00Z\",\"update_due_at\":null,\"resolve_due_at\":null,\"metric\":\"reply\","
           "\"state\":\"overdue\",\"due_at\":\"2026-11-24T08:00:00Z\",\"late_seconds\":7200,"
           "\"open_late_seconds\":7200}\n");

  const Result list = cli.run(k_tuesday, {"list"});
  CHECK(list.code == 0);
  CHECK(list.out
        == "ID  CLIENT  SUBJECT           PRI     STATUS  ASSIGNEE  RECEIVED          NEXT DUE\n"
           "2   acme    Password reset    high    open    -         Mon 23 Nov 08:00  reply Tue 24 "
           "Nov 08:00 (2h 00m late)\n"
           "1   acme    Invoice is wrong  normal  open    -         Mon 23 Nov 09:00  -\n");

  const Result csv = cli.run(k_tuesday, {"list", "--format", "csv"});
  CHECK(csv.code == 0);
  CHECK(csv.out
        == "id,client,subject,channel,priority,status,assignee,sla,calendar,ref,received_"
           "at,replied_at,resolved_at,reply_due_at,update_due_at,resolve_due_at\n"
           "2,acme,Password reset,email,high,open,,default,24x7,,2026-11-23T08:00:00Z,,,"
           "2026-11-24T08:00:00Z,,\n"
           "1,acme,Invoice is wrong,email,normal,open,,default,24x7,,2026-11-23T09:00:00Z,"
           "2026-11-24T10:00:00Z,,,,\n");
}

TEST_CASE("a refused command prints one error line and writes nothing", "[cli]") {
  Cli cli;
  REQUIRE(cli.run(k_monday, {"log", "acme", "Invoice is wrong", "--create-client", "-q"}).out
          == "1\n");
  const Result reply = cli.run(k_tuesday, {"reply", "9"});
  CHECK(reply.code == 2);
  CHECK(reply.out.empty());
  CHECK(reply.err
        == "slatrack: error: no request #9; list them with: slatrack list --status all\n");

  const Result future = cli.run(k_monday, {"reply", "1", "--at", "+1h"});
  CHECK(future.code == 2);
  CHECK(future.out.empty());
  CHECK(cli.store().request_detail(RequestId{1}).request.replied_at == std::nullopt);

  const Result bad = cli.run(k_monday, {"list", "--format", "xml"});
  CHECK(bad.code == 2);
  CHECK(bad.err.rfind("slatrack: error: ", 0) == 0);
}

TEST_CASE("every command writes every format of the registry", "[cli]") {
  // The formats are output.cpp's list, and nothing else: a new entry there is taken by --format,
  // and each command must write something in it (a format whose form a command does not give
  // would print nothing) or, for statement's documents, refuse it in one line.
  Cli cli;
  REQUIRE(cli.run(k_monday, {"log", "acme", "Invoice is wrong", "--create-client"}).code == 0);
  REQUIRE(cli.run(k_monday, {"log", "acme", "Password reset", "--at", "08:00"}).code == 0);
  REQUIRE(cli.run(k_tuesday, {"reply", "1", "-m", "Fixed"}).code == 0);
  const std::vector<std::vector<std::string>> commands{
      {"list"},
      {"show", "1"},
      {"explain", "1"},
      {"overdue"},
      {"report", "--month", "2026-11"},
      {"statement", "acme", "--month", "2026-11"},
      {"export"},
      {"calendar", "list"},
      {"calendar", "show", "24x7"},
      {"calendar", "due", "24x7", "2026-11-23 09:00", "2h"},
      {"sla", "list"},
      {"sla", "show", "default"},
      {"client", "list"},
      {"init"},
  };
  const std::vector<std::string_view> names = cli::format_names();
  REQUIRE(names.size() >= 5);
  CHECK(names.front() == "table"); // the default
  for (const std::vector<std::string>& command : commands) {
    std::vector<std::string> outputs;
    for (const std::string_view name : names) {
      std::vector<std::string> args = command;
      args.emplace_back("--format");
      args.emplace_back(name);
      const Result result = cli.run(k_tuesday, args);
      INFO(command.front() << " " << (command.size() > 1 ? command[1] : "") << " --format " << name
                           << "\nstdout: " << result.out << "\nstderr: " << result.err);
      const bool document = !cli::is_format_name(name); // statement's alone
      if (document && command.front() != "statement") {
        CHECK(result.code == 2);
        CHECK(result.out.empty());
        CHECK(result.err
              == "slatrack: error: --format " + std::string(name) + " is only for statement; use "
                     + cli::format_list() + "\n");
        continue;
      }
      CHECK(result.code == (command.front() == "overdue" ? 1 : 0));
      CHECK(result.err.empty());
      CHECK_FALSE(result.out.empty());
      outputs.push_back(result.out);
    }
    // The table is for people: every other format writes something else.
    for (std::size_t i = 1; i < outputs.size(); ++i) {
      CHECK(outputs[i] != outputs.front());
    }
  }
  const Result bad = cli.run(k_monday, {"list", "--format", "xml"});
  CHECK(bad.code == 2);
  CHECK(bad.err == "slatrack: error: bad --format \"xml\": use " + cli::format_list() + "\n");
  CHECK(cli::format_list() == "table, csv, tsv, json or jsonl");
  CHECK(cli::format_list(true) == "markdown, html");
}

TEST_CASE("durations are shown in hours and minutes, never in seconds", "[cli]") {
  using std::chrono::seconds;
  REQUIRE(slatrack::cli::human_duration(seconds{0}) == "0m");
  REQUIRE(slatrack::cli::human_duration(seconds{30}) == "0m");
  REQUIRE(slatrack::cli::human_duration(seconds{59}) == "0m");
  REQUIRE(slatrack::cli::human_duration(seconds{-45}) == "0m");
  REQUIRE(slatrack::cli::human_duration(seconds{60}) == "1m");
  REQUIRE(slatrack::cli::human_duration(seconds{45 * 60 + 59}) == "45m");
  REQUIRE(slatrack::cli::human_duration(seconds{2 * 3600 + 5 * 60}) == "2h 05m");
  REQUIRE(slatrack::cli::human_duration(seconds{37 * 3600 + 30 * 60}) == "37h 30m");
  REQUIRE(slatrack::cli::human_duration(seconds{-(3600 + 60)}) == "-1h 01m");
}
