// Small text helpers shared by the core, the store and the CLI.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

// Up to `max` of `names` closest to `wanted` (case-insensitive edit distance, then prefix and
// substring matches), best first; names too far from `wanted` are left out.
[[nodiscard]] std::vector<std::string>
closest_names(std::string_view wanted, const std::vector<std::string>& names, std::size_t max = 3);

// `names` quoted and joined for a message: "\"a\", \"b\" or \"c\"".
[[nodiscard]] std::string quoted_list(const std::vector<std::string>& names);

// ASCII lower case.
[[nodiscard]] std::string to_lower(std::string_view text);

} // namespace slatrack
