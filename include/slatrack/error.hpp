// The one exception type of slatrack. Its kind decides the exit code (see cli::exit_code_for).
#pragma once

#include <stdexcept>
#include <string>

namespace slatrack {

enum class ErrorKind {
  usage,         // bad command line: exit 2
  not_found,     // unknown client, request, policy, calendar: exit 2
  invalid_input, // a value that cannot be accepted: exit 2
  storage,       // database or environment trouble: exit 3
  internal,      // a bug: exit 3
};

// An error with a one-line message that names what failed and what to do next.
class Error : public std::runtime_error {
public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}

  [[nodiscard]] ErrorKind kind() const noexcept {
    return m_kind;
  }

private:
  ErrorKind m_kind;
};

} // namespace slatrack
