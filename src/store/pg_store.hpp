// The PostgreSQL backend of the Store interface (include/slatrack/store.hpp): a team database on a
// server, named by a postgresql:// URL (docs/teams.md).
#pragma once

#include "slatrack/store.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace slatrack {

// Connects to the team database at `url` (a postgresql:// or postgres:// URL, docs/teams.md) and
// checks and migrates its schema; with OpenMode::create a database without slatrack's schema gets
// it, otherwise it is refused naming `slatrack init`. Throws Error{storage} when the server cannot
// be reached, refuses, holds a schema of a newer slatrack or a lock past the timeout;
// Error{usage} for a URL libpq cannot read.
[[nodiscard]] std::unique_ptr<Store> open_pg_store(const std::string& url,
                                                   OpenMode mode = OpenMode::create);
// Whether a --db value names a team database: a postgresql:// or postgres:// URL.
[[nodiscard]] bool is_team_database(std::string_view db);
// Whether the team database URL `url` holds a password. Throws Error{usage} for a URL libpq
// cannot read.
[[nodiscard]] bool team_url_has_password(const std::string& url);

} // namespace slatrack
