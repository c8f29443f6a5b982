// Why toml++ here: the settings file is TOML, and a real parser gives the line of every problem,
// which CLI11's own minimal config reader does not.
#include "slatrack/settings.hpp"

#include "slatrack/error.hpp"
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

} // namespace slatrack
