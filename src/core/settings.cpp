// Why toml++ here: the settings file is TOML, and a real parser gives the line of every problem,
// which CLI11's own minimal config reader does not.
#include "slatrack/settings.hpp"

#include "slatrack/address.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <toml++/toml.h>

namespace slatrack {

namespace {

std::string joined(std::span<const std::string_view> names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += i == 0 ? "" : ", ";
    out += names[i];
  }
  return out;
}

// An example value for a message.
std::string_view sample(std::string_view key) {
  if (key == "db") {
    return "~/sla.db";
  }
  if (key == "tz") {
    return "Europe/London";
  }
  if (key == "color") {
    return "never";
  }
  if (key == "format") {
    return "json";
  }
  return "...";
}

std::int64_t line_of(const toml::source_region& region) {
  return static_cast<std::int64_t>(region.begin.line);
}

} // namespace

std::vector<Setting> parse_settings(std::string_view text, std::string_view source,
                                    std::span<const std::string_view> accepted) {
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    throw Error{ErrorKind::usage,
                fmt::format("{}:{}: {}", source, error.source().begin.line, error.description())};
  }
  std::vector<Setting> out;
  for (auto&& [key, node] : table) {
    const std::string name(key.str());
    const std::int64_t line = line_of(key.source());
    if (name == "mail") {
      if (!node.is_table()) {
        throw Error{ErrorKind::usage,
                    fmt::format("{}:{}: mail must be a table: [mail] on a line of its own, then "
                                "ours = [\"help@example.com\"]",
                                source, line)};
      }
      continue; // parse_mail_settings
    }
    if (std::find(accepted.begin(), accepted.end(), name) == accepted.end()) {
      std::vector<std::string> names(accepted.begin(), accepted.end());
      const std::vector<std::string> close = closest_names(name, names, 1);
      throw Error{ErrorKind::usage,
                  fmt::format("{}:{}: unknown key \"{}\"{}; the keys are: {}", source, line, name,
                              close.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", close[0]),
                              joined(accepted))};
    }
    const std::optional<std::string> value = node.value<std::string>();
    if (!node.is_string() || !value) {
      throw Error{ErrorKind::usage,
                  fmt::format("{}:{}: {} must be text in double quotes, e.g. {} = \"{}\"", source,
                              line, name, name, sample(name))};
    }
    out.push_back(Setting{name, *value, line});
  }
  std::sort(out.begin(), out.end(),
            [](const Setting& a, const Setting& b) { return a.line < b.line; });
  return out;
}

MailSettings parse_mail_settings(std::string_view text, std::string_view source) {
  toml::table table;
  try {
    table = toml::parse(text, source);
  } catch (const toml::parse_error& error) {
    throw Error{ErrorKind::usage,
                fmt::format("{}:{}: {}", source, error.source().begin.line, error.description())};
  }
  MailSettings out;
  const toml::table* mail = table["mail"].as_table();
  if (mail == nullptr) {
    return out;
  }
  const auto fail = [&](const toml::source_region& where, std::string_view message) {
    return Error{ErrorKind::usage, fmt::format("{}:{}: {}", source, line_of(where), message)};
  };
  const auto text_of = [&](const toml::node& node, std::string_view key, std::string_view example) {
    const std::optional<std::string> value = node.value<std::string>();
    if (!node.is_string() || !value) {
      throw fail(node.source(), fmt::format("mail.{} must be text in double quotes, e.g. {} = "
                                            "\"{}\"",
                                            key, key, example));
    }
    return std::string(trim_value(*value));
  };
  for (auto&& [key, node] : *mail) {
    const std::string name(key.str());
    if (name == "ours") {
      const auto add = [&](const toml::node& item) {
        const std::string value = text_of(item, "ours", "help@example.com");
        try {
          out.ours.push_back(checked_ours(value));
        } catch (const Error& error) {
          throw fail(item.source(), error.what());
        }
      };
      if (const toml::array* list = node.as_array()) {
        for (const toml::node& item : *list) {
          add(item);
        }
      } else {
        add(node);
      }
    } else if (name == "sla") {
      out.sla = text_of(node, "sla", "standard");
      if (const std::optional<std::string> problem = name_problem("mail.sla", out.sla)) {
        throw fail(node.source(), *problem);
      }
    } else if (name == "unknown") {
      out.unknown = text_of(node, "unknown", "Walk-ins");
      if (const std::optional<std::string> problem = name_problem("mail.unknown", *out.unknown)) {
        throw fail(node.source(), *problem);
      }
    } else {
      const std::vector<std::string> keys{"ours", "sla", "unknown"};
      const std::vector<std::string> close = closest_names(name, keys, 1);
      throw fail(
          key.source(),
          fmt::format("unknown key \"{}\" in [mail]{}; the keys are: ours, sla, unknown", name,
                      close.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", close[0])));
    }
  }
  return out;
}

} // namespace slatrack
