// Helpers shared by the store tests: a temporary directory and UTC instants from parts.
#pragma once

#include "slatrack/time.hpp"

#include <date/date.h>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>

namespace slatrack::testing {

// A temporary directory under /tmp, removed with everything in it.
class TempDir {
public:
  TempDir() {
    std::string pattern = "/tmp/slatrack-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  // The path of `name` inside the directory.
  [[nodiscard]] std::string file(std::string_view name) const {
    return (m_path / name).string();
  }

private:
  std::filesystem::path m_path;
};

// The UTC instant of a civil date and time.
inline Instant utc(int year, unsigned month, unsigned day, int hour = 0, int minute = 0) {
  return Instant{date::sys_days{date::year{year} / date::month{month} / date::day{day}}}
         + std::chrono::hours{hour} + std::chrono::minutes{minute};
}

} // namespace slatrack::testing
