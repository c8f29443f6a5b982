// The system's zone files (system/zone_files.hpp): reading one zone file, the process's cache of
// loaded zones, the list of zone names (only to match a name in another case or suggest one) and
// the system's zone.
//
// The cache is a mutable static on purpose, here at the edge and not in the core: a zone is read
// once per process and its address handed out for the life of the process, as date-tz's database
// did. Looking up a known zone opens exactly one file; nothing walks the directory unless a name is
// not found.
#include "system/zone_files.hpp"

#include "slatrack/error.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace slatrack {

namespace {

constexpr std::size_t k_max_zone_file = std::size_t{1} << 20; // real ones are under 4 KiB
constexpr int k_max_depth = 8;

std::string strerror_text(int code) {
  return std::strerror(code);
}

// The file's bytes; nullopt when there is no such file (or it is not a regular file).
std::optional<std::string> read_zone_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int code = errno;
    if (code == ENOENT || code == ENOTDIR || code == ELOOP || code == ENAMETOOLONG) {
      return std::nullopt;
    }
    throw Error{ErrorKind::storage, fmt::format("cannot open {}: {}", path, strerror_text(code))};
  }
  struct Closer {
    int fd;
    ~Closer() {
      ::close(fd);
    }
  } closer{fd};
  struct stat status {};
  if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
    return std::nullopt;
  }
  if (static_cast<std::uint64_t>(status.st_size) > k_max_zone_file) {
    throw Error{ErrorKind::storage,
                fmt::format("{} is {} bytes, too large for a zone file", path, status.st_size)};
  }
  std::string bytes(static_cast<std::size_t>(status.st_size) + 1, '\0');
  std::size_t size = 0;
  while (size < bytes.size()) {
    const ssize_t got = ::read(fd, bytes.data() + size, bytes.size() - size);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got < 0) {
      throw Error{ErrorKind::storage,
                  fmt::format("cannot read {}: {}", path, strerror_text(errno))};
    }
    if (got == 0) {
      break;
    }
    size += static_cast<std::size_t>(got);
  }
  bytes.resize(size);
  return bytes;
}

struct ZoneCache {
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<const Zone>, std::less<>> zones; // by file path
};

ZoneCache& zone_cache() {
  static ZoneCache cache;
  return cache;
}

void list_directory(const std::string& root, const std::string& prefix, int depth,
                    std::vector<std::string>& names) {
  const std::string directory = prefix.empty() ? root : root + "/" + prefix;
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) {
    return;
  }
  const std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, ::closedir);
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view entry_name = entry->d_name;
    if (!valid_zone_name(entry_name)) { // hidden, posix*, right/, the .tab files...
      continue;
    }
    const std::string name =
        prefix.empty() ? std::string(entry_name) : prefix + "/" + std::string(entry_name);
    struct stat status {};
    if (::stat((root + "/" + name).c_str(), &status) != 0) {
      continue;
    }
    if (S_ISDIR(status.st_mode)) {
      if (depth < k_max_depth) {
        list_directory(root, name, depth + 1, names);
      }
    } else if (valid_zone_name(name)) {
      names.push_back(name);
    }
  }
}

// The zone name in a path such as /usr/share/zoneinfo/Europe/London.
std::optional<std::string> name_in_path(std::string_view path) {
  const std::size_t at = path.rfind("zoneinfo/");
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  return std::string(path.substr(at + 9));
}

// The zone files under zone_directory(), read once each.
class ZoneFiles final : public ZoneSource {
public:
  [[nodiscard]] const Zone* load(std::string_view name) const override;
  [[nodiscard]] std::vector<std::string> names() const override;
};

} // namespace

std::string zone_directory() {
  const char* value = std::getenv("TZDIR");
  if (value != nullptr && *value != '\0') {
    return value;
  }
  return "/usr/share/zoneinfo";
}

const Zone* ZoneFiles::load(std::string_view name) const {
  if (!valid_zone_name(name)) {
    return nullptr;
  }
  const std::string path = zone_directory() + "/" + std::string(name);
  ZoneCache& cache = zone_cache();
  const std::lock_guard lock(cache.mutex);
  if (const auto it = cache.zones.find(path); it != cache.zones.end()) {
    return it->second.get();
  }
  std::optional<std::string> bytes;
  try {
    bytes = read_zone_file(path);
    if (!bytes) {
      return nullptr;
    }
    auto zone = std::make_unique<const Zone>(Zone::from_tzif(std::string(name), *bytes));
    const Zone* result = zone.get();
    cache.zones.emplace(path, std::move(zone));
    return result;
  } catch (const Error& error) {
    throw Error{ErrorKind::storage,
                fmt::format("cannot read time zone \"{}\": {}{}; reinstall the tzdata package",
                            name, bytes ? path + ": " : std::string{}, error.what())};
  }
}

std::vector<std::string> ZoneFiles::names() const {
  const std::string root = zone_directory();
  struct stat status {};
  if (::stat(root.c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) {
    throw Error{ErrorKind::storage,
                fmt::format("cannot read the time zone database: {} is not a directory; install "
                            "the tzdata package (or set TZDIR)",
                            root)};
  }
  std::vector<std::string> names;
  list_directory(root, "", 0, names);
  std::sort(names.begin(), names.end());
  return names;
}

const ZoneSource& zone_files() {
  static const ZoneFiles files;
  return files;
}

const Zone* load_zone(std::string_view name) {
  return zone_files().load(name);
}

std::vector<std::string> list_zone_names() {
  return zone_files().names();
}

const Zone& find_zone(std::string_view name) {
  return find_zone(zone_files(), name);
}

const Zone* system_zone() {
  constexpr const char* k_localtime = "/etc/localtime";
  struct stat status {};
  if (::lstat(k_localtime, &status) == 0 && S_ISLNK(status.st_mode)) {
    // As date-tz: the name after "zoneinfo/" in the resolved path, else in the link itself.
    std::array<char, PATH_MAX + 1> buffer{};
    if (::realpath(k_localtime, buffer.data()) != nullptr) {
      if (const std::optional<std::string> name = name_in_path(buffer.data())) {
        if (const Zone* zone = load_zone(*name)) {
          return zone;
        }
      }
    }
    buffer.fill('\0');
    if (::readlink(k_localtime, buffer.data(), buffer.size() - 1) > 0) {
      if (const std::optional<std::string> name = name_in_path(buffer.data())) {
        if (const Zone* zone = load_zone(*name)) {
          return zone;
        }
      }
    }
  }
  std::ifstream file("/etc/timezone");
  std::string line;
  if (file && std::getline(file, line)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) {
      line.pop_back();
    }
    return load_zone(line);
  }
  return nullptr;
}

} // namespace slatrack
