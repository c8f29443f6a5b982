// The SQLite backend of the Store interface (include/slatrack/store.hpp): one database file,
// versioned and migrated by src/store/schema.cpp (docs/storage.md).
#pragma once

#include "slatrack/store.hpp"

#include <memory>
#include <string>

namespace slatrack {

// Opens and migrates the SQLite database at `path`; with OpenMode::create a missing one is created
// (mode 0600), otherwise it is refused naming `slatrack init` (see store::open_database). Throws
// Error{storage} when it cannot be opened or created, is not a slatrack database or is corrupt, or
// was made by a newer slatrack (then it is left untouched).
[[nodiscard]] std::unique_ptr<Store> open_sqlite_store(const std::string& path,
                                                       OpenMode mode = OpenMode::create);

} // namespace slatrack
