// The system's zone files: the ZoneSource the program hands to the core (which never reads a
// file), and lookups over it for the store and the CLI. This is the edge of the program: the only
// code that reads /usr/share/zoneinfo, $TZDIR, /etc/localtime and /etc/timezone.
#pragma once

#include "slatrack/zone.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

// Where zone files are read: $TZDIR when set and not empty, else /usr/share/zoneinfo.
[[nodiscard]] std::string zone_directory();

// The zone files under zone_directory(): each read on first use and kept for the life of the
// process (the addresses stay valid). load() returns nullptr when the name is not valid or there
// is no such file, and throws Error{storage} when the file exists but cannot be read or is not a
// valid TZif file; names() throws Error{storage} when the directory is missing.
[[nodiscard]] const ZoneSource& zone_files();

// zone_files().load(name): the zone called exactly `name`.
[[nodiscard]] const Zone* load_zone(std::string_view name);

// zone_files().names(): every zone name (the list date-tz made), sorted.
[[nodiscard]] std::vector<std::string> list_zone_names();

// find_zone(zone_files(), name): a name in another case matched too, close ones suggested.
[[nodiscard]] const Zone& find_zone(std::string_view name);

// The system's zone: the zone /etc/localtime links to, else the name in /etc/timezone. nullptr
// when neither names a zone.
[[nodiscard]] const Zone* system_zone();

} // namespace slatrack
