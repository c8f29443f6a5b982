// The settings file of the command line ($XDG_CONFIG_HOME/slatrack/config.toml): defaults for
// global options as top-level TOML `key = "text"` pairs. Pure: the caller reads the file.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

struct Setting {
  std::string key;
  std::string value;
  std::int64_t line = 0; // 1-based line of the key in the file
};

// Parses a settings file: TOML whose top level holds only string values under the keys of
// `accepted`, in file order. Throws Error{usage} "SOURCE:LINE: ..." for a malformed file, a
// table, a value that is not a string, or a key not in `accepted` (naming the accepted keys).
[[nodiscard]] std::vector<Setting> parse_settings(std::string_view text, std::string_view source,
                                                  std::span<const std::string_view> accepted);

} // namespace slatrack
