// The subcommands: each takes its options as plain strings (parsed here, so that every bad value
// gets slatrack's own one-line message) and returns the exit code. CLI11 stays in app.cpp.
#pragma once

#include "cli/context.hpp"
#include "slatrack/domain.hpp"
#include "slatrack/mail.hpp"

#include <optional>
#include <string>
#include <vector>

namespace slatrack::cli {

using Text = std::optional<std::string>;

struct CalendarAddOptions {
  std::string name;
  std::string tz;
  std::string hours;
};
struct CalendarEditOptions {
  std::string name;
  Text tz;
  Text hours;
  Text from;
  bool retroactive = false;
};
struct CalendarHolidayOptions {
  std::string name;
  std::vector<std::string> dates;
  Text label;
  Text ics; // an iCalendar file (or - for stdin) instead of dates
  bool remove = false;
};
struct CalendarDueOptions {
  std::string name;
  std::string time;
  std::string duration;
};
struct SlaAddOptions {
  std::string name;
  Text calendar;
  std::string reply;
  Text update;
  Text resolve;
};
struct SlaSetOptions {
  std::string name;
  Text priority;
  Text calendar;
  Text reply;
  Text update;
  Text resolve;
  Text from;                // TIME the new version starts (default: now)
  bool retroactive = false; // change every version instead
};
struct ClientAddOptions {
  std::string name;
  Text sla;
  std::vector<std::string> emails;  // --email, once per address
  std::vector<std::string> domains; // --domain, once per domain
  Text owner;
  Text note;
};
struct ClientEditOptions {
  std::string name;
  Text rename;
  Text sla;
  std::vector<std::string> emails;  // given: the whole new list ("" alone: none)
  std::vector<std::string> domains; // the same
  Text owner;
  Text note;
  bool open = false; // with sla: also its requests not resolved
};
struct LogOptions {
  std::string client;
  std::string subject;
  Text at;
  Text channel;
  Text priority;
  Text assignee;
  Text ref;
  Text message;
  Text by;
  bool create_client = false;
};
// followup, reply, pause, resume, resolve, reopen, note, assign.
struct EventOptions {
  EventKind kind = EventKind::note;
  std::string id;
  Text at;
  Text message; // -m, the note's TEXT, or the assignee for assign
  Text by;      // the author; default: the client for a follow-up, else the one recording it
};
// void ID [EVENT] [-m REASON], unvoid ID [EVENT].
struct VoidOptions {
  bool restore = false; // unvoid
  std::string id;
  Text event;
  Text reason;
};
struct MergeOptions {
  std::string id;
  std::string into;
};
struct EditOptions {
  std::string id;
  Text subject;
  Text client;
  Text channel;
  Text priority;
  Text sla;
  Text ref;
};
struct ListOptions {
  Text status;
  Text client;
  Text assignee;
  Text priority;
  Text since;
  Text until;
  Text search;
  Text limit;
};
struct OverdueOptions {
  Text within;
  Text client;
  Text assignee;
  bool only_new = false;
};
struct ReportOptions {
  Text from;
  Text to;
  Text month;  // YYYY-MM, last or this: instead of --from and --to
  Text client; // only this client's requests
  Text by;     // client (default), assignee, priority, channel, day, week, month
};
struct StatementOptions {
  std::string client;
  Text month; // YYYY-MM, last (default) or this
  Text from;  // instead of --month
  Text to;
};
struct ImportFileOptions {
  std::string file;            // a path, or "-" for stdin
  bool create_clients = false; // add clients that do not exist
};

int run_init(Context& context);

int run_calendar_add(Context& context, const CalendarAddOptions& options);
int run_calendar_edit(Context& context, const CalendarEditOptions& options);
int run_calendar_holiday(Context& context, const CalendarHolidayOptions& options);
int run_calendar_due(Context& context, const CalendarDueOptions& options);
int run_calendar_list(Context& context);
int run_calendar_show(Context& context, const std::string& name);
int run_calendar_rm(Context& context, const std::string& name);

int run_sla_add(Context& context, const SlaAddOptions& options);
int run_sla_set(Context& context, const SlaSetOptions& options);
int run_sla_list(Context& context);
int run_sla_show(Context& context, const std::string& name);
int run_sla_rm(Context& context, const std::string& name);

int run_client_add(Context& context, const ClientAddOptions& options);
int run_client_edit(Context& context, const ClientEditOptions& options);
int run_client_list(Context& context);
int run_client_show(Context& context, const std::string& name);
int run_client_rm(Context& context, const std::string& name);

int run_log(Context& context, const LogOptions& options);
int run_event(Context& context, const EventOptions& options);
int run_edit(Context& context, const EditOptions& options);
int run_void(Context& context, const VoidOptions& options);
int run_undo(Context& context);
int run_merge(Context& context, const MergeOptions& options);

int run_list(Context& context, const ListOptions& options);
int run_show(Context& context, const std::string& id);
// How each due time was reached: open stretches used, closed time skipped, pauses, DST changes.
int run_explain(Context& context, const std::string& id);
int run_overdue(Context& context, const OverdueOptions& options);
// Per group: requests logged, reply and resolve clocks met and breached with open-time medians,
// what is open and overdue now (docs/reports.md).
int run_report(Context& context, const ReportOptions& options);
// statement: the client's account of the promises kept in a month, in table, csv, tsv, json,
// jsonl, markdown or html (docs/reports.md).
int run_statement(Context& context, const StatementOptions& options);

// Every request with its events and clocks, streamed in --format (docs/import-export.md).
int run_export(Context& context);
// Requests from CSV, TSV or JSON lines, in batches; exit 2 when any row was refused.
int run_import(Context& context, const ImportFileOptions& options);
// A consistent copy of the database in a new file (mode 0600).
int run_backup(Context& context, const std::string& file);
// The whole database into `dest`, an empty database file or team database (Store::copy_to).
int run_copy(Context& context, const std::string& dest);

// mail (docs/mail.md): one message on stdin, or every message of a Maildir, recorded as a
// request, a follow-up, our reply or a note, or left alone; silent on success.
struct MailOptions {
  Text maildir;          // --maildir DIR
  bool dry_run = false;  // say what would be done, write nothing
  bool verbose = false;  // -v: a line on stderr for each message
  MailSettings settings; // the [mail] table of the settings file
};
int run_mail(Context& context, const MailOptions& options);

// Verifies the database, read-only: integrity, foreign keys, derived state against the events.
// Exit 0 and "ok: N requests checked"; problems one a line on stdout, then Error{storage}.
int run_check(Context& context);

// Rules as text (docs/configuration.md): calendars, policies and clients as TOML on stdout.
int run_config_export(Context& context);
struct ConfigApplyOptions {
  std::string file;         // a path, or "-" for stdin
  bool dry_run = false;     // say what would change, write nothing
  bool prune = false;       // also remove what the file does not name
  bool retroactive = false; // changed targets change every version (a correction)
};
// Makes the database's rules match the file, in one transaction; says what changed.
int run_config_apply(Context& context, const ConfigApplyOptions& options);

// The completion script for bash, zsh or fish, generated from `root` (the command tree).
struct CommandSpec;
int run_completion(Context& context, const std::string& shell, const CommandSpec& root);

// Parses a request number: "42" or "#42". Throws Error{invalid_input}.
[[nodiscard]] RequestId parse_request_id(std::string_view text);

} // namespace slatrack::cli
