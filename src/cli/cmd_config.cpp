// config export and config apply: the rules (calendars, SLA policies, clients) as a TOML file that
// can be kept in version control and applied to a database (docs/configuration.md).
#include "cli/commands.hpp"
#include "slatrack/error.hpp"
#include "slatrack/rule_checks.hpp"
#include "slatrack/rules_text.hpp"
#include "slatrack/text.hpp"
#include "system/zone_files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>
#include <variant>

namespace slatrack::cli {

namespace {

// The rules in the store as a document names them; the built-in 24x7 calendar is left out (it
// cannot change), the built-in default policy is kept (its targets can).
RuleSet current_rules(Store& store) {
  RuleSet out;
  for (const Calendar& calendar : store.calendars()) {
    if (!calendar.builtin) {
      out.calendars.push_back(calendar.rules);
    }
  }
  out.policies = store.policies();
  for (const Client& client : store.clients()) {
    out.clients.push_back(ClientRules{client.name, client.policy, client.emails, client.domains,
                                      client.owner, client.note});
  }
  return out;
}

// The largest rules file read: thousands of clients fit many times over; /dev/zero does not.
constexpr std::size_t k_max_rules_bytes = std::size_t{16} << 20;

std::string read_limited(std::istream& in, const std::string& name) {
  std::string text(k_max_rules_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) {
    throw Error{ErrorKind::invalid_input, fmt::format("cannot read {}", name)};
  }
  if (text.size() > k_max_rules_bytes) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("{} is larger than {} MiB; a rules file is TOML such as slatrack "
                            "config export writes: check the file name",
                            name, k_max_rules_bytes >> 20)};
  }
  return text;
}

std::string read_rules_file(const std::string& file) {
  if (file == "-") {
    return read_limited(std::cin, "stdin");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("cannot read {}: {}; write one with: slatrack config export > {}", file,
                            std::strerror(errno), file)};
  }
  return read_limited(in, file);
}

// Runs one step on the store and adds what it changed to `effect`. A changed policy starts a
// version from the file's `from`, else from `now`; with `retroactive` it changes every version.
// A refusal names the file and the step.
void run_step(Store& store, const RuleStep& step, std::string_view source, Instant now,
              bool retroactive, RuleEffect& effect) {
  try {
    std::visit(
        [&](const auto& operation) {
          using T = std::decay_t<decltype(operation)>;
          if constexpr (std::is_same_v<T, CalendarRules>) {
            store.add_calendar(operation);
          } else if constexpr (std::is_same_v<T, CalendarChange>) {
            CalendarChange change = operation;
            if (retroactive) {
              change.retroactive = true;
              change.from_day.reset();
            } else if (!change.from_day) {
              // Changed hours or zone start a new version today, in the calendar's zone.
              if (const std::optional<Calendar> calendar = store.find_calendar(step.name)) {
                change.from_day = calendar_date(calendar->rules, now, zone_files());
              }
            }
            effect += store.change_calendar(step.name, change);
          } else if constexpr (std::is_same_v<T, AddHolidays>) {
            effect += store.add_holidays(step.name, operation.days);
          } else if constexpr (std::is_same_v<T, RemoveHolidays>) {
            effect += store.remove_holidays(step.name, operation.days);
          } else if constexpr (std::is_same_v<T, Policy>) {
            store.add_policy(operation);
          } else if constexpr (std::is_same_v<T, PolicyChange>) {
            PolicyChange change = operation;
            if (retroactive) {
              change.retroactive = true;
              change.from.reset();
            } else if (!change.from) {
              change.from = now; // a changed target starts a new version from now
            }
            effect += store.change_policy(step.name, change);
          } else if constexpr (std::is_same_v<T, ClientRules>) {
            store.add_client(NewClient{operation.name, operation.policy, operation.emails,
                                       operation.domains, operation.owner, operation.note});
          } else if constexpr (std::is_same_v<T, ClientChange>) {
            effect += store.change_client(step.name, operation);
          } else if constexpr (std::is_same_v<T, RemoveRule>) {
            if (step.kind == RuleKind::calendar) {
              store.remove_calendar(step.name);
            } else if (step.kind == RuleKind::policy) {
              store.remove_policy(step.name);
            } else {
              store.remove_client(step.name);
            }
          }
        },
        step.operation);
  } catch (const Error& error) {
    throw Error{error.kind(), fmt::format("{}: {} {} {}: {}", source, to_string(step.action),
                                          to_string(step.kind), step.name, error.what())};
  }
}

} // namespace

int run_config_export(Context& context) {
  // Always TOML, whatever --format says: this is a file to edit and apply.
  const std::string text = format_rules(current_rules(context.store()));
  std::fputs(text.c_str(), context.out());
  return 0;
}

int run_config_apply(Context& context, const ConfigApplyOptions& options) {
  const std::string source = options.file == "-" ? std::string("stdin") : options.file;
  const RuleSet wanted = parse_rules(read_rules_file(options.file), source, zone_files());
  Store& store = context.store();
  RulesPlan plan;
  RuleEffect effect;
  store.transaction(
      [&] {
        plan = plan_rules(current_rules(store), wanted, options.prune, options.retroactive);
        for (const RuleStep& step : plan.steps) {
          run_step(store, step, source, context.now(), options.retroactive, effect);
        }
      },
      !options.dry_run);

  const auto changes = static_cast<std::int64_t>(plan.steps.size());
  if (context.quiet()) {
    std::fputs(fmt::format("{}\n", changes).c_str(), context.out());
    return 0;
  }
  std::string summary;
  if (plan.steps.empty()) {
    summary = fmt::format("{}: nothing to change", source);
  } else if (options.dry_run) {
    // Which requests' outcomes would change: "(#3, #5)", the first ten then how many more.
    std::string which;
    std::sort(effect.outcome_ids.begin(), effect.outcome_ids.end());
    for (std::size_t i = 0; i < effect.outcome_ids.size() && i < 10; ++i) {
      which += fmt::format("{}#{}", i == 0 ? " (" : ", ", effect.outcome_ids[i].value);
    }
    if (effect.outcome_ids.size() > 10) {
      which += fmt::format(" and {} more", effect.outcome_ids.size() - 10);
    }
    which += which.empty() ? "" : ")";
    summary = fmt::format(
        "Dry run of {}: {}; {} {} would change{}, {} {} would move; nothing "
        "written",
        source, plural(changes, "change", "changes"), effect.outcomes,
        effect.outcomes == 1 ? "request's outcome" : "requests' outcomes", which, effect.moved,
        effect.moved == 1 ? "running clock's due time" : "running clocks' due times");
  } else {
    summary = fmt::format(
        "Applied {}: {}; {} {} changed, {} {} moved", source, plural(changes, "change", "changes"),
        effect.outcomes, effect.outcomes == 1 ? "request's outcome" : "requests' outcomes",
        effect.moved, effect.moved == 1 ? "running clock's due time" : "running clocks' due times");
  }
  const auto steps_text = [&] {
    for (const RuleStep& step : plan.steps) {
      std::fputs(fmt::format("{} {} {}: {}\n", to_string(step.action), to_string(step.kind),
                             escape_control(step.name), escape_control(step.detail))
                     .c_str(),
                 context.out());
    }
    std::fputs((summary + "\n").c_str(), context.out());
  };
  const auto steps_rows = [&] {
    std::vector<Row> rows;
    for (const RuleStep& step : plan.steps) {
      rows.push_back(Row{Record{{"action", std::string(to_string(step.action))},
                                {"kind", std::string(to_string(step.kind))},
                                {"name", step.name},
                                {"detail", step.detail}},
                         Tone::none});
    }
    write_rows(context.out(), context.style(), {}, rows, {"action", "kind", "name", "detail"});
    std::fputs((summary + "\n").c_str(), stderr);
  };
  write_output(context.format(), text_or_records(steps_text, steps_rows));
  return 0;
}

} // namespace slatrack::cli
