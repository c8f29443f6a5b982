// The settings file of the command line ($XDG_CONFIG_HOME/slatrack/config.toml): defaults for
// global options as top-level TOML `key = "text"` pairs. Pure: the caller reads the file.
#pragma once

#include "slatrack/mail.hpp"

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
// `accepted`, in file order, and a [mail] table (read by parse_mail_settings, skipped here). Throws
// Error{usage} "SOURCE:LINE: ..." for a malformed file, a table, a value that is not a string, or a
// key not in `accepted` (naming the accepted keys).
[[nodiscard]] std::vector<Setting> parse_settings(std::string_view text, std::string_view source,
                                                  std::span<const std::string_view> accepted);

// The [mail] table of a settings file (SPEC.md "Mail in"): `ours` (a list of addresses or
// *@DOMAIN, or one as text), `sla` and `unknown` (text); defaults when there is none. Throws
// Error{usage} "SOURCE:LINE: ..." for a malformed table, an unknown key or a bad value.
[[nodiscard]] MailSettings parse_mail_settings(std::string_view text, std::string_view source);

} // namespace slatrack
