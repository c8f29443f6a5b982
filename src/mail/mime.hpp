// The edge that reads an email message (RFC 5322, MIME) with GMime 3 into the core's MailMessage:
// RFC 2047 encoded words, charsets to UTF-8, transfer encodings, multipart, a bounce's returned
// message. docs/mail.md.
#pragma once

#include "slatrack/mail.hpp"

#include <string_view>

namespace slatrack::mail {

// Reads one message. Throws Error{invalid_input} for input that is not a message (empty, binary,
// no header section, no From address: SPEC.md "Mail in", exit 2) and Error{storage} when GMime
// cannot be loaded (libgmime-3.0-0 is not installed).
[[nodiscard]] MailMessage read_message(std::string_view raw);

} // namespace slatrack::mail
