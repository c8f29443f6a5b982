// libFuzzer target for the mail path (`slatrack mail`, SPEC.md "Mail in"): the bytes go through
// the MIME reader at the edge (src/mail/mime.cpp, GMime 3) and every decision of the core that
// `mail` takes on them. Input that is not a message is refused as bad input with a printable
// one-line message; a message gives a subject, author and event text that are valid UTF-8 without
// control characters where they are values (subject, author) and at most 64 KiB of text; ids
// ("<...>") printable ASCII; a hash of the raw bytes when there is no Message-ID; a decision for
// every combination of facts.
#include "fuzz_support.hpp"
#include "mail/mime.hpp"
#include "slatrack/address.hpp"
#include "slatrack/input.hpp"
#include "slatrack/mail.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using slatrack::fuzz::require;

bool is_id(std::string_view id) {
  if (id.size() < 3 || id.front() != '<' || id.back() != '>') {
    return false;
  }
  for (const char c : id) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F) {
      return false;
    }
  }
  return true;
}

void check_message(const slatrack::MailMessage& message, std::string_view raw) {
  const std::string key = slatrack::message_key(message, raw);
  require(is_id(key), "message key not an id:", slatrack::quoted_argument(key));
  for (const std::string& id : slatrack::thread_ids(message)) {
    require(is_id(id), "thread id not an id:", slatrack::quoted_argument(id));
  }
  const std::string subject = slatrack::mail_subject(message);
  require(!subject.empty() && slatrack::fuzz::printable(subject),
          "subject not printable:", slatrack::quoted_argument(subject));
  const std::string text = slatrack::mail_text(message, slatrack::k_max_text_bytes);
  require(text.size() <= slatrack::k_max_text_bytes, "text longer than 64 KiB");
  require(!slatrack::first_invalid_utf8(text), "text not UTF-8");
  if (const std::optional<std::string> address =
          slatrack::normalize_address(message.from_address)) {
    const std::string author = slatrack::mail_author(message, *address);
    require(slatrack::fuzz::printable(author),
            "author not printable:", slatrack::quoted_argument(author));
    require(!slatrack::argument_problem("--by", slatrack::ArgumentKind::value, author),
            "author refused as a value:", slatrack::quoted_argument(author));
    const slatrack::UnknownSender sender = slatrack::unknown_sender(*address);
    require(!slatrack::name_problem("client name", sender.name),
            "new client's name refused:", slatrack::quoted_argument(sender.name));
  }
  if (const std::optional<std::string> reason = slatrack::machine_reason(message)) {
    require(slatrack::fuzz::printable(*reason),
            "reason not printable:", slatrack::quoted_argument(*reason));
  }
  static_cast<void>(slatrack::subject_tag(message.subject));
  for (int facts = 0; facts < 16; ++facts) {
    static_cast<void>(slatrack::decide(slatrack::MailFacts{(facts & 1) != 0, (facts & 2) != 0,
                                                           (facts & 4) != 0, (facts & 8) != 0}));
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  try {
    check_message(slatrack::mail::read_message(raw), raw);
  } catch (const slatrack::Error& error) {
    slatrack::fuzz::check_refusal(error);
  }
  return 0;
}
