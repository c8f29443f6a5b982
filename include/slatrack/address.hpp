// Mail addresses and domains as slatrack keeps them: a client's emails and mail domains
// (`client add/edit --email --domain`, the rules file) and the `mail.ours` setting. Pure.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace slatrack {

// `text` as a mail domain in lower case ("Acme.Example" -> "acme.example"): labels of letters,
// digits and hyphens (bytes of non-ASCII characters count as letters, for internationalized
// domains), not starting or ending with a hyphen, at least two of them, at most 253 bytes;
// nullopt when it is not one.
[[nodiscard]] std::optional<std::string> normalize_domain(std::string_view text);

// `text` as a mail address in lower case ("Ann@Acme.Example" -> "ann@acme.example"): LOCAL@DOMAIN
// with a local part of at most 64 printable bytes without spaces, quotes, angle brackets, commas
// or a second @, and a domain as normalize_domain takes it; nullopt when it is not one.
[[nodiscard]] std::optional<std::string> normalize_address(std::string_view text);

// The same, or Error{invalid_input} naming `option` ("--email", "email") and the value, with an
// example of what is accepted.
[[nodiscard]] std::string checked_address(std::string_view option, std::string_view value);
[[nodiscard]] std::string checked_domain(std::string_view option, std::string_view value);

// The domain of a normalized address (after the @).
[[nodiscard]] std::string_view address_domain(std::string_view address);

// The public mail providers (gmail.com, outlook.com, yahoo.com...: docs/mail.md lists them): a
// sender there is a person, not a company, so `mail` names a new client after the address.
[[nodiscard]] std::span<const std::string_view> public_providers();
[[nodiscard]] bool is_public_provider(std::string_view domain);

// Whether the normalized `address` is one of `ours` (the `mail.ours` setting): an address, or
// `*@DOMAIN` for every address of a domain, compared ignoring case.
[[nodiscard]] bool is_ours(std::string_view address, std::span<const std::string> ours);

// An entry of `mail.ours` in lower case (an address or *@DOMAIN), or Error{invalid_input}.
[[nodiscard]] std::string checked_ours(std::string_view value);

} // namespace slatrack
