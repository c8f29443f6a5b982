// All CLI11 wiring: the command tree, the global options, and the one place that turns errors into
// exit codes. Subcommand logic lives in cmd_*.cpp and takes plain option structs.
#include "cli/commands.hpp"
#include "cli/completion.hpp"
#include "cli/run.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/parse.hpp"
#include "slatrack/settings.hpp"
#include "system/zone_files.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <functional>
#include <memory>
#include <sstream>

#ifndef SLATRACK_VERSION
#define SLATRACK_VERSION "0.0.0"
#endif

namespace slatrack::cli {

namespace {

using Handler = std::function<int(Context&)>;

struct Leaf {
  CLI::App* app;
  Handler handler;
};

// Owns every option struct the command tree writes into.
struct Tree {
  GlobalOptions global;
  CalendarAddOptions calendar_add;
  CalendarEditOptions calendar_edit;
  CalendarHolidayOptions calendar_holiday;
  CalendarDueOptions calendar_due;
  SlaAddOptions sla_add;
  SlaSetOptions sla_set;
  ClientAddOptions client_add;
  ClientEditOptions client_edit;
  LogOptions log;
  std::array<EventOptions, 8> events;
  EditOptions edit;
  VoidOptions void_request;
  VoidOptions unvoid_request;
  MergeOptions merge;
  ListOptions list;
  OverdueOptions overdue;
  ReportOptions report;
  StatementOptions statement;
  ImportFileOptions import_file;
  ConfigApplyOptions config_apply;
  MailOptions mail;
  std::string shell; // completion SHELL
  std::string name;  // NAME or ID of list/show/rm style commands
  std::vector<Leaf> leaves;
};

// `mail` is run by a mail server, for which 75 (EX_TEMPFAIL) means "try again later": it says 75
// wherever another command says 3 (SPEC.md "Mail in").
int exit_code_for(ErrorKind kind, bool mail = false) {
  constexpr int k_tempfail = 75;
  switch (kind) {
  case ErrorKind::usage:
  case ErrorKind::not_found:
  case ErrorKind::invalid_input:
    return 2;
  case ErrorKind::storage:
  case ErrorKind::internal:
    return mail ? k_tempfail : 3;
  }
  return mail ? k_tempfail : 3;
}

// One line on stderr. The message may carry a file name or a value as given (a path with an escape
// sequence or a newline in it): control characters and bytes that are not UTF-8 are escaped, so
// the line reaches the terminal as text.
void print_error(std::FILE* err, std::string_view message) {
  std::fputs(fmt::format("slatrack: error: {}\n", escape_control(message)).c_str(), err);
}

void add_global_options(CLI::App& app, GlobalOptions& global) {
  app.add_option("--db", global.db,
                 "Database file (default $XDG_DATA_HOME/slatrack/slatrack.db), or a "
                 "postgresql:// URL of a team database")
      ->envname("SLATRACK_DB")
      ->type_name("PATH");
  app.add_option("--now", global.now, "Act as if it were TIME")
      ->envname("SLATRACK_NOW")
      ->type_name("TIME");
  app.add_option("--tz", global.tz, "Zone for reading and showing local times (default TZ)")
      ->type_name("ZONE");
  app.add_option("--format", global.format,
                 fmt::format("Output: {} (statement: also {})", format_list(), format_list(true)))
      ->type_name("FORMAT");
  app.add_option("--color", global.color, "Color: auto, always or never (NO_COLOR turns auto off)")
      ->type_name("WHEN");
  app.add_flag("-q,--quiet", global.quiet, "Print only what scripts need");
}

CLI::App* leaf(Tree& tree, CLI::App& parent, const std::string& name,
               const std::string& description, Handler handler) {
  CLI::App* app = parent.add_subcommand(name, description);
  tree.leaves.push_back(Leaf{app, std::move(handler)});
  return app;
}

void add_time_and_message(CLI::App* app, EventOptions& options, bool message) {
  app->add_option("ID", options.id, "Request number (42 or #42)")->required();
  app->add_option("--at", options.at, "When it happened (default now)")->type_name("TIME");
  if (message) {
    app->add_option("-m,--message", options.message, "Text to record")->type_name("TEXT");
  }
  app->add_option("--by", options.by,
                  options.kind == EventKind::message
                      ? "Who wrote it (default the client)"
                      : "Who did it (default you: SLATRACK_USER or the login name)")
      ->type_name("WHO");
}

void build_calendar(Tree& tree, CLI::App& app) {
  CLI::App* calendar = app.add_subcommand("calendar", "Business-hour calendars");
  calendar->require_subcommand(1);
  CLI::App* add = leaf(tree, *calendar, "add", "Add a calendar", [&tree](Context& context) {
    return run_calendar_add(context, tree.calendar_add);
  });
  add->add_option("NAME", tree.calendar_add.name, "Calendar name")->required();
  add->add_option("--tz", tree.calendar_add.tz, "IANA time zone, e.g. Europe/London")
      ->required()
      ->type_name("ZONE");
  add->add_option("--hours", tree.calendar_add.hours,
                  "Open hours, e.g. \"mon-fri 09:00-12:30 13:30-17:00; sat 10:00-14:00\"")
      ->required()
      ->type_name("SPEC");
  // The calendar's --tz shadows the global one inside `calendar add`.
  CLI::App* edit =
      leaf(tree, *calendar, "edit", "Change a calendar's zone or hours",
           [&tree](Context& context) { return run_calendar_edit(context, tree.calendar_edit); });
  edit->add_option("NAME", tree.calendar_edit.name, "Calendar name")->required();
  edit->add_option("--tz", tree.calendar_edit.tz, "IANA time zone")->type_name("ZONE");
  edit->add_option("--hours", tree.calendar_edit.hours, "Open hours")->type_name("SPEC");
  edit->add_option("--from", tree.calendar_edit.from,
                   "The change starts at local midnight of DATE (default today)")
      ->type_name("DATE");
  edit->add_flag("--retroactive", tree.calendar_edit.retroactive,
                 "Correct every version, past requests included");
  CLI::App* holiday =
      leaf(tree, *calendar, "holiday", "Add (or --remove) holidays", [&tree](Context& context) {
        return run_calendar_holiday(context, tree.calendar_holiday);
      });
  holiday->add_option("NAME", tree.calendar_holiday.name, "Calendar name")->required();
  holiday->add_option("DATE", tree.calendar_holiday.dates, "YYYY-MM-DD once, MM-DD every year");
  holiday
      ->add_option("--ics", tree.calendar_holiday.ics,
                   "Add the all-day events of an iCalendar file (- for stdin)")
      ->type_name("FILE");
  holiday->add_option("--name", tree.calendar_holiday.label, "What the holiday is")
      ->type_name("TEXT");
  holiday->add_flag("--remove", tree.calendar_holiday.remove, "Remove these holidays");
  CLI::App* due =
      leaf(tree, *calendar, "due", "When a clock started at TIME with target DUR is due",
           [&tree](Context& context) { return run_calendar_due(context, tree.calendar_due); });
  due->add_option("NAME", tree.calendar_due.name, "Calendar name")->required();
  due->add_option("TIME", tree.calendar_due.time, "Start")->required();
  due->add_option("DUR", tree.calendar_due.duration, "Target, e.g. 2h")->required();
  leaf(tree, *calendar, "list", "List calendars",
       [](Context& context) { return run_calendar_list(context); });
  leaf(tree, *calendar, "show", "Show a calendar",
       [&tree](Context& context) { return run_calendar_show(context, tree.name); })
      ->add_option("NAME", tree.name, "Calendar name")
      ->required();
  leaf(tree, *calendar, "rm", "Remove a calendar no policy uses",
       [&tree](Context& context) { return run_calendar_rm(context, tree.name); })
      ->add_option("NAME", tree.name, "Calendar name")
      ->required();
}

void build_sla(Tree& tree, CLI::App& app) {
  CLI::App* sla = app.add_subcommand("sla", "SLA policies: reply, update and resolve targets");
  sla->require_subcommand(1);
  CLI::App* add = leaf(tree, *sla, "add", "Add a policy",
                       [&tree](Context& context) { return run_sla_add(context, tree.sla_add); });
  add->add_option("NAME", tree.sla_add.name, "Policy name")->required();
  add->add_option("--calendar", tree.sla_add.calendar, "Calendar (default 24x7)")->type_name("CAL");
  add->add_option("--reply", tree.sla_add.reply, "Time to answer each client message")
      ->required()
      ->type_name("DUR");
  add->add_option("--update", tree.sla_add.update, "Longest silence while open")->type_name("DUR");
  add->add_option("--resolve", tree.sla_add.resolve, "Time to resolve")->type_name("DUR");
  CLI::App* set = leaf(tree, *sla, "set", "Change a policy (per priority with --priority)",
                       [&tree](Context& context) { return run_sla_set(context, tree.sla_set); });
  set->add_option("NAME", tree.sla_set.name, "Policy name")->required();
  set->add_option("--priority", tree.sla_set.priority, "Change only this priority's targets")
      ->type_name("P");
  set->add_option("--calendar", tree.sla_set.calendar, "Calendar")->type_name("CAL");
  set->add_option("--reply", tree.sla_set.reply, "Reply target")->type_name("DUR");
  set->add_option("--update", tree.sla_set.update, "Update target or none")->type_name("DUR|none");
  set->add_option("--resolve", tree.sla_set.resolve, "Resolve target or none")
      ->type_name("DUR|none");
  set->add_option("--from", tree.sla_set.from,
                  "Judge requests received from TIME on by the change (default: now)")
      ->type_name("TIME");
  set->add_flag("--retroactive", tree.sla_set.retroactive,
                "Correct every version: past requests are judged anew");
  leaf(tree, *sla, "list", "List policies", [](Context& context) { return run_sla_list(context); });
  leaf(tree, *sla, "show", "Show a policy's targets per priority",
       [&tree](Context& context) { return run_sla_show(context, tree.name); })
      ->add_option("NAME", tree.name, "Policy name")
      ->required();
  leaf(tree, *sla, "rm", "Remove a policy nothing uses",
       [&tree](Context& context) { return run_sla_rm(context, tree.name); })
      ->add_option("NAME", tree.name, "Policy name")
      ->required();
}

void build_client(Tree& tree, CLI::App& app) {
  CLI::App* client = app.add_subcommand("client", "Clients");
  client->require_subcommand(1);
  CLI::App* add = leaf(tree, *client, "add", "Add a client", [&tree](Context& context) {
    return run_client_add(context, tree.client_add);
  });
  add->add_option("NAME", tree.client_add.name, "Client name")->required();
  add->add_option("--sla", tree.client_add.sla, "SLA policy (default: default)")
      ->type_name("POLICY");
  add->add_option("--email", tree.client_add.emails, "Mail address (once per address)")
      ->type_name("ADDR")
      ->allow_extra_args(false);
  add->add_option("--domain", tree.client_add.domains, "Mail domain (once per domain)")
      ->type_name("DOMAIN")
      ->allow_extra_args(false);
  add->add_option("--owner", tree.client_add.owner, "Account manager, default assignee")
      ->type_name("WHO");
  add->add_option("--note", tree.client_add.note, "A note")->type_name("TEXT");
  CLI::App* edit = leaf(tree, *client, "edit", "Change a client", [&tree](Context& context) {
    return run_client_edit(context, tree.client_edit);
  });
  edit->add_option("NAME", tree.client_edit.name, "Client name")->required();
  edit->add_option("--rename", tree.client_edit.rename, "New name")->type_name("NEW");
  edit->add_option("--sla", tree.client_edit.sla, "SLA policy for new requests")
      ->type_name("POLICY");
  edit->add_option("--email", tree.client_edit.emails,
                   "Its mail addresses, all of them (once per address; \"\" for none)")
      ->type_name("ADDR")
      ->allow_extra_args(false);
  edit->add_option("--domain", tree.client_edit.domains,
                   "Its mail domains, all of them (once per domain; \"\" for none)")
      ->type_name("DOMAIN")
      ->allow_extra_args(false);
  edit->add_option("--owner", tree.client_edit.owner, "Account manager")->type_name("WHO");
  edit->add_option("--note", tree.client_edit.note, "A note")->type_name("TEXT");
  edit->add_flag("--open", tree.client_edit.open,
                 "With --sla: also move its requests that are not resolved");
  leaf(tree, *client, "list", "List clients",
       [](Context& context) { return run_client_list(context); });
  leaf(tree, *client, "show", "Show a client",
       [&tree](Context& context) { return run_client_show(context, tree.name); })
      ->add_option("NAME", tree.name, "Client name")
      ->required();
  leaf(tree, *client, "rm", "Remove a client without requests",
       [&tree](Context& context) { return run_client_rm(context, tree.name); })
      ->add_option("NAME", tree.name, "Client name")
      ->required();
}

void build_requests(Tree& tree, CLI::App& app) {
  CLI::App* log = leaf(tree, app, "log", "Record a new client request",
                       [&tree](Context& context) { return run_log(context, tree.log); });
  log->add_option("CLIENT", tree.log.client, "Client name")->required();
  log->add_option("SUBJECT", tree.log.subject, "What the client asks")->required();
  log->add_option("--at", tree.log.at, "When it came in (default now)")->type_name("TIME");
  log->add_option("--channel", tree.log.channel,
                  "email, phone, chat, social, in-person, web or other (default email)")
      ->type_name("C");
  log->add_option("--priority", tree.log.priority, "urgent, high, normal or low (default normal)")
      ->type_name("P");
  log->add_option("--assignee", tree.log.assignee, "Who handles it (default the client's owner)")
      ->type_name("WHO");
  log->add_option("--ref", tree.log.ref, "External reference, unique (retries are safe)")
      ->type_name("REF");
  log->add_option("-m,--message", tree.log.message, "The client's message")->type_name("TEXT");
  log->add_option("--by", tree.log.by, "Who wrote it (default the client)")->type_name("WHO");
  log->add_flag("--create-client", tree.log.create_client,
                "Add the client if no client's name matches");

  struct EventCommand {
    const char* name;
    const char* description;
    EventKind kind;
  };
  const std::array<EventCommand, 6> commands{{
      {"followup", "The client wrote again", EventKind::message},
      {"reply", "We answered", EventKind::reply},
      {"pause", "Waiting on the client", EventKind::pause},
      {"resume", "No longer waiting on the client", EventKind::resume},
      {"resolve", "The request is done", EventKind::resolve},
      {"reopen", "The request came back", EventKind::reopen},
  }};
  for (std::size_t i = 0; i < commands.size(); ++i) {
    EventOptions& options = tree.events[i];
    options.kind = commands[i].kind;
    CLI::App* sub = leaf(tree, app, commands[i].name, commands[i].description,
                         [&options](Context& context) { return run_event(context, options); });
    add_time_and_message(sub, options, true);
  }
  EventOptions& note = tree.events[6];
  note.kind = EventKind::note;
  CLI::App* note_app = leaf(tree, app, "note", "Add a note to a request's history",
                            [&note](Context& context) { return run_event(context, note); });
  add_time_and_message(note_app, note, false);
  note_app->add_option("TEXT", note.message, "The note")->required();
  EventOptions& assign = tree.events[7];
  assign.kind = EventKind::assign;
  CLI::App* assign_app = leaf(tree, app, "assign", "Hand a request to someone",
                              [&assign](Context& context) { return run_event(context, assign); });
  add_time_and_message(assign_app, assign, false);
  assign_app->add_option("WHO", assign.message, "The new assignee")->required();

  CLI::App* edit = leaf(tree, app, "edit", "Change a request's details (re-evaluates its clocks)",
                        [&tree](Context& context) { return run_edit(context, tree.edit); });
  edit->add_option("ID", tree.edit.id, "Request number")->required();
  edit->add_option("--subject", tree.edit.subject, "New subject")->type_name("S");
  edit->add_option("--client", tree.edit.client, "Move to another client")->type_name("C");
  edit->add_option("--channel", tree.edit.channel, "Channel")->type_name("C");
  edit->add_option("--priority", tree.edit.priority, "Priority")->type_name("P");
  edit->add_option("--sla", tree.edit.sla, "SLA policy")->type_name("POLICY");
  edit->add_option("--ref", tree.edit.ref, "External reference")->type_name("REF");

  CLI::App* void_app =
      leaf(tree, app, "void", "Mark a request, or one of its events, as a mistake",
           [&tree](Context& context) { return run_void(context, tree.void_request); });
  void_app->add_option("ID", tree.void_request.id, "Request number")->required();
  void_app->add_option("EVENT", tree.void_request.event, "Event number (see show)");
  void_app->add_option("-m,--message", tree.void_request.reason, "Why")->type_name("REASON");
  tree.unvoid_request.restore = true;
  CLI::App* unvoid_app =
      leaf(tree, app, "unvoid", "Take a void back: the request or event counts again",
           [&tree](Context& context) { return run_void(context, tree.unvoid_request); });
  unvoid_app->add_option("ID", tree.unvoid_request.id, "Request number")->required();
  unvoid_app->add_option("EVENT", tree.unvoid_request.event, "Event number (see show)");
  leaf(tree, app, "undo", "Void the last event or request you recorded, and say which",
       [](Context& context) { return run_undo(context); });
  CLI::App* merge =
      leaf(tree, app, "merge", "ID was the same request as INTO: its events move there, ID is void",
           [&tree](Context& context) { return run_merge(context, tree.merge); });
  merge->add_option("ID", tree.merge.id, "The duplicate")->required();
  merge->add_option("INTO", tree.merge.into, "The request it was the same as")->required();
}

void build_views(Tree& tree, CLI::App& app) {
  CLI::App* list = leaf(tree, app, "list", "List requests (default: all not resolved)",
                        [&tree](Context& context) { return run_list(context, tree.list); });
  list->add_option("--status", tree.list.status, "open, waiting, resolved or all")->type_name("S");
  list->add_option("--client", tree.list.client, "Only this client")->type_name("C");
  list->add_option("--assignee", tree.list.assignee, "Only this assignee")->type_name("WHO");
  list->add_option("--priority", tree.list.priority, "Only this priority")->type_name("P");
  list->add_option("--since", tree.list.since, "Received at or after TIME")->type_name("TIME");
  list->add_option("--until", tree.list.until, "Received before TIME")->type_name("TIME");
  list->add_option("--search", tree.list.search,
                   "Only requests with every word (as a word's start, any case) in the subject, "
                   "the ref or an event's text")
      ->type_name("WORDS");
  list->add_option("--limit", tree.list.limit, "At most N requests")->type_name("N");
  leaf(tree, app, "show", "A request, its clocks and its whole history",
       [&tree](Context& context) { return run_show(context, tree.name); })
      ->add_option("ID", tree.name, "Request number")
      ->required();
  leaf(tree, app, "explain", "How each due time of a request was reached",
       [&tree](Context& context) { return run_explain(context, tree.name); })
      ->add_option("ID", tree.name, "Request number")
      ->required();
  CLI::App* overdue =
      leaf(tree, app, "overdue", "What is overdue (exit 1) or at risk within DUR",
           [&tree](Context& context) { return run_overdue(context, tree.overdue); });
  overdue->add_option("--within", tree.overdue.within, "Also list clocks due within DUR")
      ->type_name("DUR");
  overdue->add_option("--client", tree.overdue.client, "Only this client")->type_name("C");
  overdue->add_option("--assignee", tree.overdue.assignee, "Only this assignee")->type_name("WHO");
  overdue->add_flag("--new", tree.overdue.only_new,
                    "Only clocks no earlier --new has shown, and remember them");
  CLI::App* report =
      leaf(tree, app, "report", "Replies and resolutions met, median times, open and overdue",
           [&tree](Context& context) { return run_report(context, tree.report); });
  report->add_option("--from", tree.report.from, "Start (default: midnight 30 days before --to)")
      ->type_name("TIME");
  report->add_option("--to", tree.report.to, "End, exclusive (default now)")->type_name("TIME");
  report
      ->add_option("--month", tree.report.month,
                   "A calendar month in --tz instead of --from/--to: YYYY-MM, last or this")
      ->type_name("MONTH");
  report->add_option("--client", tree.report.client, "Only this client's requests")->type_name("C");
  report
      ->add_option("--by", tree.report.by,
                   "Rows per client (default), assignee, priority, channel, day, week or month")
      ->type_name("GROUP");
}

void build_statement(Tree& tree, CLI::App& app) {
  CLI::App* statement =
      leaf(tree, app, "statement", "The client's own account of the promises kept, for a review",
           [&tree](Context& context) { return run_statement(context, tree.statement); });
  statement->add_option("CLIENT", tree.statement.client, "The client")->required();
  statement
      ->add_option("--month", tree.statement.month,
                   "A calendar month in --tz: YYYY-MM, last (default) or this")
      ->type_name("MONTH");
  statement->add_option("--from", tree.statement.from, "Start, instead of --month")
      ->type_name("TIME");
  statement->add_option("--to", tree.statement.to, "End, exclusive (default now)")
      ->type_name("TIME");
}

void build_transfer(Tree& tree, CLI::App& app) {
  leaf(tree, app, "export", "Every request with its events and clocks, in --format",
       [](Context& context) { return run_export(context); });
  CLI::App* import =
      leaf(tree, app, "import", "Add requests from CSV, TSV or JSON lines (repeatable safely)",
           [&tree](Context& context) { return run_import(context, tree.import_file); });
  import->add_option("FILE", tree.import_file.file, "The file, or - for stdin")->required();
  import->add_flag("--create-clients,--create-client", tree.import_file.create_clients,
                   "Add clients that do not exist yet");
  CLI::App* mail =
      leaf(tree, app, "mail", "Record an email from stdin: a request, a follow-up or our reply",
           [&tree](Context& context) { return run_mail(context, tree.mail); });
  mail->add_option("--maildir", tree.mail.maildir,
                   "Every message of a Maildir (cur and new), in Date order")
      ->type_name("DIR");
  mail->add_flag("--dry-run", tree.mail.dry_run, "Say what would be done; write nothing");
  mail->add_flag("-v,--verbose", tree.mail.verbose, "A line on stderr for each message");
  leaf(tree, app, "check", "Verify the database (integrity, derived state); writes nothing",
       [](Context& context) { return run_check(context); });
  leaf(tree, app, "backup", "A consistent copy of the database while others use it",
       [&tree](Context& context) { return run_backup(context, tree.name); })
      ->add_option("FILE", tree.name, "A new file (never overwritten)")
      ->required();
  leaf(tree, app, "copy", "The whole database into an empty DEST: a file or a postgresql:// URL",
       [&tree](Context& context) { return run_copy(context, tree.name); })
      ->add_option("DEST", tree.name,
                   "A new file, or an empty database: new, or just made by slatrack init")
      ->required();
}

// Refuses, before any command runs, arguments that are not UTF-8, too long, or hold control
// characters where a name or value goes (include/slatrack/input.hpp). Throws Error{invalid_input}.
void check_arguments(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    const std::string name = option->get_name();
    for (const std::string& value : option->results()) {
      if (std::optional<std::string> problem = argument_problem(name, argument_kind(name), value)) {
        throw Error{ErrorKind::invalid_input, *problem};
      }
    }
  }
  for (const CLI::App* sub : app.get_subcommands()) {
    check_arguments(*sub);
  }
}

// Trims every value argument (names, who, refs, emails, times...; include/slatrack/input.hpp,
// trim_value) as CLI11 reads it, before any check: `client add " acme "` is the client "acme", as
// a rules file and an import would have it. Text (subjects, messages, notes) and paths are kept.
// GCC 12 sees a "potential null pointer dereference" inside std::function's copy when CLI11
// inserts the validator at the front of its vector (a false positive of -Wnull-dereference).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
void trim_values(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_type_size_max() > 0
        && argument_kind(option->get_name()) == ArgumentKind::value) {
      option->transform([](const std::string& value) { return std::string(trim_value(value)); });
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    trim_values(*sub);
  }
}
#pragma GCC diagnostic pop

// The first word that is neither an option nor a global option's value: the unknown command.
std::optional<std::string> first_word(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--db" || arg == "--now" || arg == "--tz" || arg == "--format" || arg == "--color"
        || arg == "--config") {
      ++i;
    } else if (!arg.starts_with("-")) {
      return std::string(arg);
    }
  }
  return std::nullopt;
}

// Whether --db was given on the command line (not SLATRACK_DB, not the settings file).
bool db_on_command_line(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") {
      return false;
    }
    if (arg == "--db" || arg.starts_with("--db=")) {
      return true;
    }
  }
  return false;
}

// ---- the settings file, config and completion (docs/configuration.md) ----

std::optional<std::string> env_value(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

// SLATRACK_CONFIG, else $XDG_CONFIG_HOME/slatrack/config.toml, else
// ~/.config/slatrack/config.toml; empty when there is no HOME either.
std::string default_settings_path() {
  if (auto path = env_value("SLATRACK_CONFIG")) {
    return *path;
  }
  if (auto config = env_value("XDG_CONFIG_HOME")) {
    return *config + "/slatrack/config.toml";
  }
  if (auto home = env_value("HOME")) {
    return *home + "/.config/slatrack/config.toml";
  }
  return {};
}

constexpr std::array<std::string_view, 4> k_setting_keys{"db", "tz", "color", "format"};
constexpr std::size_t k_max_settings_bytes = std::size_t{1} << 20;

// CLI11's config support with our reader: strict TOML (toml++ through parse_settings) with
// file:line errors, only the keys of k_setting_keys, values checked here. CLI11 gives a setting to
// an option only when the command line did not; it reads the file before the environment, so a `db`
// setting is dropped here when SLATRACK_DB is set: flag > SLATRACK_DB > file > default.
class SettingsFile final : public CLI::Config {
public:
  SettingsFile(const CLI::App* app, const CLI::Option* option, std::string default_path,
               MailSettings* mail)
      : m_app(app), m_option(option), m_default(std::move(default_path)), m_mail(mail) {}

  std::string to_config(const CLI::App* /*app*/, bool /*defaults*/, bool /*descriptions*/,
                        std::string /*prefix*/) const override {
    return {};
  }

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    if (wants_help_or_version(*m_app)) {
      return {}; // --help and --version work whatever the settings file holds
    }
    const std::string file = m_option->results().empty() ? m_default : m_option->results().back();
    // A settings file is a few lines: read at most k_max_settings_bytes (--config /dev/zero
    // would otherwise fill the memory), a small piece at a time: a buffer of the largest size,
    // zeroed, cost every command 256 fresh pages of memory (docs/performance.md, "Mail in").
    std::string text;
    std::array<char, 4096> piece{};
    while (text.size() <= k_max_settings_bytes) {
      input.read(piece.data(), static_cast<std::streamsize>(piece.size()));
      const auto got = static_cast<std::size_t>(input.gcount());
      text.append(piece.data(), got);
      if (got < piece.size()) {
        break;
      }
    }
    if (text.size() > k_max_settings_bytes) {
      throw Error{ErrorKind::usage,
                  fmt::format("--config: {} is larger than {} KiB; a settings file is a few lines "
                              "of TOML (db, tz, color, format): check the file name",
                              file, k_max_settings_bytes >> 10)};
    }
    std::vector<CLI::ConfigItem> out;
    *m_mail = parse_mail_settings(text, file);
    for (const Setting& setting : parse_settings(text, file, k_setting_keys)) {
      std::string value = setting.value;
      const auto bad = [&](std::string_view accepted) {
        return Error{ErrorKind::usage, fmt::format("{}:{}: bad {} \"{}\": use {}", file,
                                                   setting.line, setting.key, value, accepted)};
      };
      if (setting.key == "db") {
        if (env_value("SLATRACK_DB")) {
          continue;
        }
        if (value.starts_with("~/")) {
          value = env_value("HOME").value_or("") + value.substr(1);
        }
      } else if (setting.key == "format") {
        if (!is_format_name(value)) {
          throw bad(format_list());
        }
      } else if (setting.key == "color") {
        if (value != "auto" && value != "always" && value != "never") {
          throw bad("auto, always or never");
        }
      } else if (setting.key == "tz") {
        try {
          static_cast<void>(find_zone(value));
        } catch (const Error& error) {
          throw Error{ErrorKind::usage,
                      fmt::format("{}:{}: tz: {}", file, setting.line, error.what())};
        }
      }
      out.push_back(CLI::ConfigItem{{}, setting.key, {value}});
    }
    return out;
  }

private:
  static bool wants_help_or_version(const CLI::App& app) {
    const CLI::Option* help = app.get_help_ptr();
    if (help != nullptr && help->count() > 0) {
      return true;
    }
    const CLI::Option* version = app.get_option_no_throw("--version");
    if (version != nullptr && version->count() > 0) {
      return true;
    }
    const std::vector<CLI::App*> parsed = app.get_subcommands();
    return std::any_of(parsed.begin(), parsed.end(),
                       [](const CLI::App* sub) { return wants_help_or_version(*sub); });
  }

  const CLI::App* m_app;
  const CLI::Option* m_option;
  std::string m_default;
  MailSettings* m_mail; // the [mail] table, for `mail`
};

// The command tree as plain data, for the completion scripts.
CommandSpec describe(const CLI::App& app) {
  CommandSpec out{app.get_name(), app.get_description(), {}, {}, {}};
  for (const CLI::Option* option : app.get_options()) {
    OptionSpec spec;
    spec.description = option->get_description();
    if (option->get_positional()) {
      spec.names.push_back(option->get_name());
      spec.type = option->get_type_name();
      spec.many = option->get_items_expected_max() > 1;
      out.positionals.push_back(std::move(spec));
      continue;
    }
    for (const std::string& name : option->get_snames()) {
      spec.names.push_back("-" + name);
    }
    for (const std::string& name : option->get_lnames()) {
      spec.names.push_back("--" + name);
    }
    if (option->get_type_size_max() > 0) {
      spec.type = option->get_type_name().empty() ? "VALUE" : option->get_type_name();
    }
    out.options.push_back(std::move(spec));
  }
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    out.subcommands.push_back(describe(*sub));
  }
  return out;
}

// --config PATH: CLI11 reads the settings file through SettingsFile.
const CLI::Option* add_settings_option(CLI::App& app, MailSettings& mail) {
  const std::string path = default_settings_path();
  CLI::Option* option = app.set_config(
      "--config", path,
      "Settings file (default $XDG_CONFIG_HOME/slatrack/config.toml; env SLATRACK_CONFIG)");
  option->type_name("PATH")->option_text("PATH"); // help: not this user's default path
  app.config_formatter(std::make_shared<SettingsFile>(&app, option, path, &mail));
  return option;
}

void build_system(Tree& tree, CLI::App& app) {
  CLI::App* config =
      app.add_subcommand("config", "Rules as text: calendars, SLA policies and clients as TOML");
  config->require_subcommand(1);
  leaf(tree, *config, "export", "Print the rules as TOML (calendars, policies, clients)",
       [](Context& context) { return run_config_export(context); });
  CLI::App* apply =
      leaf(tree, *config, "apply", "Make the database's rules match a TOML file (one transaction)",
           [&tree](Context& context) { return run_config_apply(context, tree.config_apply); });
  apply->add_option("FILE", tree.config_apply.file, "The rules file, or - for stdin")->required();
  apply->add_flag("--dry-run", tree.config_apply.dry_run, "Say what would change; write nothing");
  apply->add_flag("--retroactive", tree.config_apply.retroactive,
                  "Changed targets correct every version, past requests included");
  apply->add_flag("--prune", tree.config_apply.prune,
                  "Also remove clients, policies and calendars the file does not name");
  leaf(tree, app, "completion", "Print a completion script for bash, zsh or fish",
       [&tree, &app](Context& context) {
         return run_completion(context, tree.shell, describe(app));
       })
      ->add_option("SHELL", tree.shell, "bash, zsh or fish")
      ->required();
}

constexpr const char* k_version = "slatrack " SLATRACK_VERSION;

// The deepest subcommand that was parsed, for "see: slatrack X --help".
std::string command_path(CLI::App& app) {
  std::string path = "slatrack";
  CLI::App* current = &app;
  while (true) {
    CLI::App* next = nullptr;
    for (CLI::App* sub : current->get_subcommands()) {
      next = sub;
    }
    if (next == nullptr) {
      return path;
    }
    path += " " + next->get_name();
    current = next;
  }
}

// How the command at `path` ("slatrack calendar list") opens the database. A command that only
// reads never creates one and reads one that cannot be written (SPEC "Output"); `overdue --new`
// remembers what it shows, so it writes, but never creates one either.
OpenMode open_mode(std::string_view path, const Tree& tree) {
  constexpr std::array<std::string_view, 17> readers{
      "list",         "show",     "explain",  "overdue",     "report",        "statement",
      "export",       "check",    "backup",   "copy",        "calendar list", "calendar show",
      "calendar due", "sla list", "sla show", "client list", "client show"};
  path.remove_prefix(std::min(path.size(), std::string_view{"slatrack "}.size()));
  if (path == "overdue" && tree.overdue.only_new) {
    return OpenMode::write;
  }
  if (path == "config export" || (path == "config apply" && tree.config_apply.dry_run)) {
    return OpenMode::read;
  }
  // `mail --dry-run` runs its writes in a transaction it rolls back: an existing database, to
  // write, never created.
  if (path == "mail" && tree.mail.dry_run) {
    return OpenMode::write;
  }
  return std::find(readers.begin(), readers.end(), path) != readers.end() ? OpenMode::read
                                                                          : OpenMode::create;
}

} // namespace

int run(int argc, char** argv) {
  return run(argc, argv, RunEnvironment{});
}

int run(int argc, char** argv, const RunEnvironment& environment) {
  std::FILE* const out = environment.out;
  // `slatrack --version` alone answers without building the command tree: scripts call it to
  // check the install, and start-up is its whole cost (docs/performance.md, "Startup").
  if (argc == 2 && std::string_view{argv[1]} == "--version") {
    std::fputs(fmt::format("{}\n", k_version).c_str(), out);
    return 0;
  }
  auto tree = std::make_unique<Tree>();
  CLI::App app{"slatrack: keep your promises to clients visible (SLA clocks on business hours)",
               "slatrack"};
  app.fallthrough();
  app.require_subcommand(1);
  app.set_version_flag("--version", k_version);
  app.footer("Exit codes: 0 done, 1 overdue found something overdue, 2 bad usage or input, "
             "3 database or environment trouble (mail: 75).\nDocs: docs/usage.md");
  add_global_options(app, tree->global);
  leaf(*tree, app, "init", "Create the database (harmless when it exists)",
       [](Context& context) { return run_init(context); });
  build_calendar(*tree, app);
  build_sla(*tree, app);
  build_client(*tree, app);
  build_requests(*tree, app);
  build_views(*tree, app);
  build_statement(*tree, app);
  build_transfer(*tree, app);
  build_system(*tree, app);
  trim_values(app);
  const CLI::Option* settings = add_settings_option(app, tree->mail.settings);
  bool mail = false; // the command is `mail`: 75 instead of 3

  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp&) {
      std::fputs(app.help().c_str(), out);
      return 0;
    } catch (const CLI::CallForAllHelp&) {
      std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), out);
      return 0;
    } catch (const CLI::CallForVersion&) {
      std::fputs(fmt::format("{}\n", k_version).c_str(), out);
      return 0;
    } catch (const CLI::FileError& error) {
      throw Error{ErrorKind::usage,
                  fmt::format("--config: {}; see: slatrack --help", error.what())};
    } catch (const CLI::ParseError& error) {
      if (app.get_subcommands().empty()) {
        const std::optional<std::string> word = first_word(argc, argv);
        const CLI::App& top = app;
        const bool known = word
                           && !top.get_subcommands([&word](const CLI::App* sub) {
                                    return sub->get_name() == *word;
                                  })
                                   .empty();
        if (word && !known) {
          throw Error{ErrorKind::usage, fmt::format("unknown command {}; see: slatrack --help",
                                                    quoted_argument(*word))};
        }
      }
      throw Error{ErrorKind::usage,
                  fmt::format("{}; see: {} --help", error.what(), command_path(app))};
    }
    if (const auto named = env_value("SLATRACK_CONFIG"); named && settings->count() == 0) {
      throw Error{ErrorKind::usage, fmt::format("SLATRACK_CONFIG names {}, which is not a readable "
                                                "file; fix it, or unset SLATRACK_CONFIG",
                                                *named)};
    }
    check_arguments(app);
    mail = command_path(app) == "slatrack mail";
    for (const Leaf& leaf_command : tree->leaves) {
      if (leaf_command.app->parsed()) {
        GlobalOptions global = tree->global;
        global.documents = leaf_command.app->get_name() == "statement";
        global.db_on_command_line = db_on_command_line(argc, argv);
        Context context{global, out};
        if (environment.store != nullptr) {
          context.use_store(*environment.store);
        }
        context.set_open_mode(open_mode(command_path(app), *tree));
        const int code = leaf_command.handler(context);
        flush_output(out); // output that cannot be written is a failure (exit 3)
        return code;
      }
    }
    throw Error{ErrorKind::usage, "no command given; see: slatrack --help"};
  } catch (const Error& error) {
    print_error(environment.err, error.what());
    return exit_code_for(error.kind(), mail);
  } catch (const std::exception& error) {
    print_error(environment.err, fmt::format("internal error: {}; please report it", error.what()));
    return exit_code_for(ErrorKind::internal, mail);
  } catch (...) {
    print_error(environment.err, "internal error; please report it");
    return exit_code_for(ErrorKind::internal, mail);
  }
}

} // namespace slatrack::cli
