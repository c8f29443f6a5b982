// Mail in (SPEC.md "Mail in", docs/mail.md): the decisions `slatrack mail` makes about one
// message, as pure functions over what the MIME reader at the edge (src/mail/) took from it. The
// store is asked only for facts (is this id recorded, which request has it, which client has this
// address); what to do with them is decided here.
#pragma once

#include "slatrack/time.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace slatrack {

// One message as the MIME reader gives it: header values decoded to UTF-8, the body as text.
struct MailMessage {
  std::string from_name;                 // the first From's display name (RFC 2047 decoded)
  std::string from_address;              // the first From's address, as written
  std::string subject;                   // RFC 2047 decoded
  std::optional<std::string> message_id; // "<id>"
  std::vector<std::string> in_reply_to;  // "<id>" each
  std::vector<std::string> references;   // "<id>" each, oldest first as in the header
  std::optional<Instant> date;           // the Date header; nullopt when missing or unreadable
  std::string text; // the text/plain part (else the HTML part as text), UTF-8, whole
  // The headers that tell a machine from a person; nullopt: absent.
  std::optional<std::string> auto_submitted;
  std::optional<std::string> precedence;
  std::optional<std::string> return_path;
  bool x_autoreply = false;
  bool x_autorespond = false;
  bool x_slatrack_loop = false;
  // A bounce (a delivery status notification): the ids of the returned message it carries, its
  // Message-ID first, then its In-Reply-To and References.
  std::vector<std::string> returned_ids;
};

// The settings of the [mail] table of the settings file.
struct MailSettings {
  std::vector<std::string> ours;      // addresses or *@domain, lower case
  std::string sla = "default";        // the policy of a client made for an unknown sender
  std::optional<std::string> unknown; // the client of every unknown sender
};

// Why raw input is not a message (empty, binary, no header section), for exit 2; nullopt when
// it may be one (the MIME reader then needs a From too).
[[nodiscard]] std::optional<std::string> not_a_message(std::string_view raw);

// Why the message was sent by a machine, not a person ("Auto-Submitted: auto-replied",
// "Precedence: bulk", "empty Return-Path", "from mailer-daemon@...", "X-Slatrack-Loop"...);
// nullopt for a person. SPEC.md "Not a person".
[[nodiscard]] std::optional<std::string> machine_reason(const MailMessage& message);

// A header value (raw, as in the message) with each run of adjacent base64 encoded words
// (RFC 2047 `=?charset?B?...?=`, only spaces and line breaks between them) of one charset made
// into one encoded word carrying the bytes of all of them, so that a decoder converts them to
// UTF-8 in one piece: a character whose bytes are split between two words is mended, and a word
// padded with '=' in the middle of a run ends no text (GMime joins a run's base64 text before
// decoding it and stops at the first padding). The rest of the value is left as it is; the
// value itself when it has no such run.
[[nodiscard]] std::string join_encoded_words(std::string_view value);

// A Date header with an obsolete 3-digit year (RFC 5322 obs-year: "24 Nov 126", add 1900) made
// "24 Nov 2026"; nullopt when its year (the word after the month) is not 3 digits.
[[nodiscard]] std::optional<std::string> date_with_full_year(std::string_view date);

// The request number of the first `[#N]` tag in a subject; nullopt when there is none.
[[nodiscard]] std::optional<std::int64_t> subject_tag(std::string_view subject);

// The Message-IDs that may name the thread, in the order to look them up: In-Reply-To, then
// References from the newest to the oldest, then those of a bounce's returned message; each once.
[[nodiscard]] std::vector<std::string> thread_ids(const MailMessage& message);

// The id a message is recorded under: its Message-ID, else "<sha-HEX@slatrack.invalid>" made
// from a hash of the whole raw message (a message delivered twice has the same).
[[nodiscard]] std::string message_key(const MailMessage& message, std::string_view raw);

// A Message-ID as slatrack keeps it: "<id>" (angle brackets added when missing, spaces taken
// away); nullopt when empty.
[[nodiscard]] std::optional<std::string> normalize_message_id(std::string_view id);

// The other ways a ref written as a Message-ID may be written: `log --ref "$msgid"` in a script
// may pass "<id>" or "id" (with spaces around), mail records "<id>". For " <id> " or "<id>":
// "<id>" (when it is not `ref` itself) and "id"; for "id": "<id>" and "id" (when it is not
// `ref`). Empty when `ref` is blank. A ref is looked up as written first, then in these forms.
[[nodiscard]] std::vector<std::string> other_ref_forms(std::string_view ref);

// The author of the event: "Name <address>", or the address alone when there is no name.
[[nodiscard]] std::string mail_author(const MailMessage& message, std::string_view address);

// When it happened: the Date header, else (missing, unreadable or later than now) now; never
// before `earliest` (the request's first message, for a reply or follow-up).
[[nodiscard]] Instant mail_time(const MailMessage& message, Instant now,
                                std::optional<Instant> earliest = std::nullopt);

// The subject of a new request: the decoded subject trimmed, "(no subject)" when blank.
[[nodiscard]] std::string mail_subject(const MailMessage& message);

// The event's text: the message's text without the spaces and line breaks at its end, cut_text
// to `max` bytes; empty when it has none.
[[nodiscard]] std::string mail_text(const MailMessage& message, std::size_t max);

// At most `max` bytes of `text`, cut at a character boundary (never inside a UTF-8 sequence);
// bytes that are not UTF-8 replaced by U+FFFD first.
[[nodiscard]] std::string cut_text(std::string_view text, std::size_t max);

// The text of an HTML document, for a message without a text/plain part: tags dropped (and
// script, style and head with their content), block elements and <br> as line breaks, character
// references decoded, runs of spaces and blank lines collapsed.
[[nodiscard]] std::string html_to_text(std::string_view html);

// The client made for a sender no client has (SPEC.md "Which client"): named after the domain,
// with that domain; for a public mail provider named after the address, with that address.
struct UnknownSender {
  std::string name;
  std::optional<std::string> email;
  std::optional<std::string> domain;
};
[[nodiscard]] UnknownSender unknown_sender(std::string_view address);

// What `mail` does with a message.
enum class MailAction {
  already,     // its id is recorded: nothing to do (a redelivery)
  new_request, // a client's message on no known request
  followup,    // a client's message on a known request
  reply,       // ours on a known request
  note,        // a machine's message on a known request
  ignore,      // ours on no known request
  drop,        // a machine's message on no known request
};

// The facts a decision needs, found by the caller in the store.
struct MailFacts {
  bool recorded = false; // the message's id is recorded already
  bool ours = false;     // the sender is one of mail.ours
  bool machine = false;  // machine_reason gave a reason
  bool known = false;    // a request was found (tag or thread)
};

// SPEC.md "Mail in": already there wins; a machine's message is a note or dropped (this wins over
// ours); ours is a reply or ignored; else a follow-up or a new request.
[[nodiscard]] MailAction decide(const MailFacts& facts);

// "new request", "follow-up", "reply", "note", "ignored", "dropped", "already there".
[[nodiscard]] std::string_view to_string(MailAction action);

} // namespace slatrack
