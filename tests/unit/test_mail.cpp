#include "slatrack/address.hpp"
#include "slatrack/error.hpp"
#include "slatrack/mail.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace slatrack;

namespace {

std::string message_of(std::string (*check)(std::string_view, std::string_view),
                       std::string_view value) {
  try {
    static_cast<void>(check("--email", value));
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::invalid_input);
    return error.what();
  }
  return "no error";
}

MailMessage from(std::string address) {
  MailMessage out;
  out.from_address = std::move(address);
  return out;
}

} // namespace

TEST_CASE("mail addresses and domains are checked and kept in lower case", "[mail]") {
  CHECK(normalize_address("Ann@Acme.Example") == std::optional<std::string>{"ann@acme.example"});
  CHECK(normalize_address("first.last+tag@mail.acme.co.uk")
        == std::optional<std::string>{"first.last+tag@mail.acme.co.uk"});
  CHECK(normalize_address("ops@bücher.example")
        == std::optional<std::string>{"ops@bücher.example"});
  for (const std::string_view bad :
       {"", "ops", "@acme.example", "ops@", "ops@acme", "a b@acme.example", "ops@@acme.example",
        "<ops@acme.example>", "ops@acme..example", "ops@-acme.example", ".ops@acme.example",
        "ops@acme.example.", "\"ops\"@acme.example"}) {
    INFO(bad);
    CHECK(!normalize_address(bad));
  }
  CHECK(normalize_domain("ACME.example") == std::optional<std::string>{"acme.example"});
  CHECK(!normalize_domain("@acme.example"));
  CHECK(!normalize_domain("localhost"));
  CHECK(!normalize_domain(std::string(64, 'a') + ".example"));
  CHECK(message_of(checked_address, "ops")
        == "bad --email \"ops\": give a mail address such as ops@acme.example");
  CHECK(message_of(checked_domain, "*@acme.example")
        == "bad --email \"*@acme.example\": give a mail domain such as acme.example (no @)");
  CHECK(address_domain("ann@acme.example") == "acme.example");
}

TEST_CASE("public mail providers are a sorted list", "[mail]") {
  const auto providers = public_providers();
  CHECK(std::is_sorted(providers.begin(), providers.end()));
  CHECK(std::adjacent_find(providers.begin(), providers.end()) == providers.end());
  CHECK(is_public_provider("gmail.com"));
  CHECK(is_public_provider("Outlook.com"));
  CHECK(is_public_provider("yahoo.com"));
  CHECK(!is_public_provider("acme.example"));
}

TEST_CASE("ours: addresses and *@domain", "[mail]") {
  const std::vector<std::string> ours{"help@example.com", "*@ourshop.example"};
  CHECK(is_ours("help@example.com", ours));
  CHECK(is_ours("HELP@example.com", ours));
  CHECK(is_ours("ann@ourshop.example", ours));
  CHECK(!is_ours("ann@example.com", ours));
  CHECK(!is_ours("ann@sub.ourshop.example", ours));
  CHECK(!is_ours("ann@acme.example", {}));
  CHECK(checked_ours("*@OurShop.example") == "*@ourshop.example");
  CHECK(checked_ours("Help@Example.com") == "help@example.com");
  CHECK_THROWS_WITH(checked_ours("example.com"),
                    "bad mail.ours entry \"example.com\": give an address (help@example.com) or "
                    "*@DOMAIN (*@example.com)");
}

TEST_CASE("a machine's message is told from a person's", "[mail]") {
  CHECK(!machine_reason(from("ann@acme.example")));
  MailMessage message = from("ann@acme.example");
  message.auto_submitted = "no";
  CHECK(!machine_reason(message));
  message.auto_submitted = "Auto-Replied; owner-email=\"x@y\"";
  CHECK(machine_reason(message) == std::optional<std::string>{"Auto-Submitted: auto-replied"});
  message = from("ann@acme.example");
  message.precedence = " Bulk";
  CHECK(machine_reason(message) == std::optional<std::string>{"Precedence: bulk"});
  message.precedence = "first-class";
  CHECK(!machine_reason(message));
  message.precedence = "list";
  CHECK(machine_reason(message) == std::optional<std::string>{"Precedence: list"});
  message = from("ann@acme.example");
  message.x_autoreply = true;
  CHECK(machine_reason(message) == std::optional<std::string>{"X-Autoreply"});
  message = from("ann@acme.example");
  message.x_autorespond = true;
  CHECK(machine_reason(message) == std::optional<std::string>{"X-Autorespond"});
  message = from("ann@acme.example");
  message.return_path = "<>";
  CHECK(machine_reason(message) == std::optional<std::string>{"empty Return-Path"});
  message.return_path = "<ann@acme.example>";
  CHECK(!machine_reason(message));
  CHECK(machine_reason(from("MAILER-DAEMON@mx.acme.example"))
        == std::optional<std::string>{"from MAILER-DAEMON@mx.acme.example"});
  CHECK(machine_reason(from("postmaster@acme.example")));
  message = from("ann@acme.example");
  message.x_slatrack_loop = true;
  CHECK(machine_reason(message) == std::optional<std::string>{"X-Slatrack-Loop"});
}

TEST_CASE("which request: the subject's tag, then the thread's ids", "[mail]") {
  CHECK(subject_tag("Re: [#42] Invoice is wrong") == std::optional<std::int64_t>{42});
  CHECK(subject_tag("[#x] [#7]") == std::optional<std::int64_t>{7});
  CHECK(!subject_tag("#42 Invoice"));
  CHECK(!subject_tag("[#] [#0] [# 4]"));
  CHECK(!subject_tag("[#12345678901234567890]"));
  MailMessage message = from("ann@acme.example");
  message.in_reply_to = {"<c@x>"};
  message.references = {"<a@x>", "<b@x>", "<c@x>"};
  message.returned_ids = {"<r@x>", "a@x"};
  CHECK(thread_ids(message) == std::vector<std::string>{"<c@x>", "<b@x>", "<a@x>", "<r@x>"});
}

TEST_CASE("a message's id, author, time and subject", "[mail]") {
  MailMessage message = from("ann@acme.example");
  CHECK(message_key(message, "raw") == message_key(message, "raw"));
  CHECK(message_key(message, "raw") != message_key(message, "raw2"));
  CHECK(message_key(message, "raw").starts_with("<sha-"));
  CHECK(message_key(message, "raw").size() == std::string("<sha-@slatrack.invalid>").size() + 32);
  message.message_id = "<abc@acme.example>";
  CHECK(message_key(message, "raw") == "<abc@acme.example>");
  CHECK(normalize_message_id(" abc@x ") == std::optional<std::string>{"<abc@x>"});
  CHECK(!normalize_message_id("<>"));
  CHECK(!normalize_message_id("ab\xC3\xA9@x"));

  CHECK(mail_author(message, "ann@acme.example") == "ann@acme.example");
  message.from_name = "Ann \"The\" Smith\t";
  CHECK(mail_author(message, "ann@acme.example") == "Ann \"The\" Smith <ann@acme.example>");
  message.from_name = "\"Bob\"";
  CHECK(mail_author(message, "bob@acme.example") == "Bob <bob@acme.example>");

  const Instant now{Seconds{1'800'000'000}};
  CHECK(mail_time(message, now) == now); // no Date
  message.date = now - Seconds{3600};
  CHECK(mail_time(message, now) == now - Seconds{3600});
  CHECK(mail_time(message, now, now - Seconds{60}) == now - Seconds{60}); // not before the first
  message.date = now + Seconds{60};
  CHECK(mail_time(message, now) == now); // in the future

  CHECK(mail_subject(message) == "(no subject)");
  message.subject = "  Invoice\r\n is   wrong ";
  CHECK(mail_subject(message) == "Invoice is wrong");
}

TEST_CASE("event text is cut at a character", "[mail]") {
  CHECK(cut_text("h\xC3\xA9llo", 2) == "h");
  CHECK(cut_text("h\xC3\xA9llo", 3) == "h\xC3\xA9");
  CHECK(cut_text("a\xFF"
                 "b",
                 100)
        == "a\xEF\xBF\xBD"
           "b");
  MailMessage message;
  message.text = "Hi\n\nBye \r\n\n";
  CHECK(mail_text(message, 100) == "Hi\n\nBye");
  const std::string big(70000, 'x');
  CHECK(cut_text(big, 65536).size() == 65536);
}

TEST_CASE("HTML-only mail becomes text", "[mail]") {
  CHECK(html_to_text("<html><head><title>T</title><style>p{}</style></head><body>"
                     "<p>Hello&nbsp;Ann,</p><p>The <b>invoice</b> &amp; the &lt;total&gt; are "
                     "wrong&#33; &#x263A;</p><script>x()</script><br>Thanks<br/>Bob</body></html>")
        == "Hello Ann,\n\nThe invoice & the <total> are wrong! \xE2\x98\xBA\n\nThanks\nBob");
  CHECK(html_to_text("a &bogus; & b <!-- hidden --> c") == "a &bogus; & b c");
  CHECK(html_to_text("<div>one</div>\n\n\n<div>two</div>") == "one\n\ntwo");
  CHECK(html_to_text("&#0; &#99999999;") == "\xEF\xBF\xBD \xEF\xBF\xBD");
  CHECK(html_to_text("<p unterminated") == "");
  CHECK(html_to_text("caf&eacute; &Eacute;t&eacute; &copy; &yuml;")
        == "caf\xC3\xA9 \xC3\x89t\xC3\xA9 \xC2\xA9 \xC3\xBF");
}

TEST_CASE("a sender no client has", "[mail]") {
  const UnknownSender company = unknown_sender("Ann@Acme.Example");
  CHECK(company.name == "acme.example");
  CHECK(company.domain == std::optional<std::string>{"acme.example"});
  CHECK(!company.email);
  const UnknownSender person = unknown_sender("jo.bloggs@gmail.com");
  CHECK(person.name == "jo.bloggs@gmail.com");
  CHECK(person.email == std::optional<std::string>{"jo.bloggs@gmail.com"});
  CHECK(!person.domain);
}

TEST_CASE("what mail does: the rules of SPEC's Mail in", "[mail]") {
  const auto facts = [](bool recorded, bool ours, bool machine, bool known) {
    return decide(MailFacts{recorded, ours, machine, known});
  };
  CHECK(facts(true, false, false, true) == MailAction::already);
  CHECK(facts(true, true, true, false) == MailAction::already);
  CHECK(facts(false, false, false, false) == MailAction::new_request);
  CHECK(facts(false, false, false, true) == MailAction::followup);
  CHECK(facts(false, true, false, true) == MailAction::reply);
  CHECK(facts(false, true, false, false) == MailAction::ignore);
  CHECK(facts(false, false, true, true) == MailAction::note);
  CHECK(facts(false, false, true, false) == MailAction::drop);
  CHECK(facts(false, true, true, true) == MailAction::note); // our auto-acknowledgement
  CHECK(facts(false, true, true, false) == MailAction::drop);
}

TEST_CASE("input that is not a message", "[mail]") {
  CHECK(not_a_message("") == std::optional<std::string>{"the input is empty"});
  CHECK(not_a_message(" \n\n") == std::optional<std::string>{"the input is empty"});
  CHECK(not_a_message(std::string("From: a@b.example\n\0x", 21))
        == std::optional<std::string>{"the input is binary (a NUL byte at offset 18)"});
  CHECK(not_a_message("hello world\n")
        == std::optional<std::string>{
            "no header section (a message starts with header lines such as From: ...)"});
  CHECK(!not_a_message("From: a@b.example\n\nhi"));
  CHECK(!not_a_message("From a@b.example Mon Jan  1 00:00:00 2026\nFrom: a@b.example\n\nhi"));
}

TEST_CASE("runs of base64 encoded words of one charset become one word", "[mail]") {
  // Python's email library writes a long subject so: each word padded with '='.
  CHECK(join_encoded_words("=?UTF-8?B?w4lsw6g=?= =?UTF-8?B?dmU=?=") == "=?UTF-8?B?w4lsw6h2ZQ==?=");
  // Folded, a name before the address, a charset in another case.
  CHECK(join_encoded_words("=?utf-8?b?w4lsw6g=?=\n =?UTF-8?B?dmUgTcO8bGxlcg==?= <a@x.example>")
        == "=?utf-8?B?w4lsw6h2ZSBNw7xsbGVy?= <a@x.example>");
  // A character split across words: unpadded, or padded with half of it in each.
  CHECK(join_encoded_words("=?UTF-8?B?w6nD?= =?UTF-8?B?qQ==?=") == "=?UTF-8?B?w6nDqQ==?=");
  CHECK(join_encoded_words("=?UTF-8?B?ww==?= =?UTF-8?B?qQ==?=") == "=?UTF-8?B?w6k=?=");
  // Padding inside one word ends a quantum, not the text.
  CHECK(join_encoded_words("Re: =?UTF-8?B?w4lsw6g=dmU=?=!") == "Re: =?UTF-8?B?w4lsw6h2ZQ==?=!");
  // Text around a run stays; two runs.
  CHECK(
      join_encoded_words("a =?UTF-8?B?w4k=?= =?UTF-8?B?w4k=?= b =?UTF-8?B?w4k=?= =?UTF-8?B?w4k=?=")
      == "a =?UTF-8?B?w4nDiQ==?= b =?UTF-8?B?w4nDiQ==?=");
  // Left as they are: one word, Q words, words of another charset or encoding, no words, words
  // with text between them, broken words.
  for (const std::string_view same :
       {"=?UTF-8?B?w4lsw6h2ZQ==?=", "=?ISO-8859-1?Q?Caf=E9?= =?ISO-8859-1?Q?_cr=E8me?=",
        "=?ISO-8859-1?B?Q2Fm6Q==?= =?UTF-8?B?IGNyw6htZQ==?=", "=?UTF-8?Q?=C3=89?= =?UTF-8?B?w4k=?=",
        "plain subject", "", "=?", "=?UTF-8?B?w4k=?= x =?UTF-8?B?w4k=?=", "=?UTF-8?B?w4k=",
        "=?UTF-8?X?w4k=?= =?UTF-8?X?w4k=?=", "=??B?w4k=?= =??B?w4k=?="}) {
    CHECK(join_encoded_words(same) == same);
  }
}

TEST_CASE("a Message-ID ref is one ref with or without its angle brackets", "[mail]") {
  using Forms = std::vector<std::string>;
  CHECK(other_ref_forms("<s2@acme.example>") == Forms{"s2@acme.example"});
  CHECK(other_ref_forms("s2@acme.example") == Forms{"<s2@acme.example>"});
  CHECK(other_ref_forms(" s2@acme.example ") == Forms{"<s2@acme.example>", "s2@acme.example"});
  CHECK(other_ref_forms(" <s2@acme.example>") == Forms{"<s2@acme.example>", "s2@acme.example"});
  CHECK(other_ref_forms("INV-7") == Forms{"<INV-7>"});
  CHECK(other_ref_forms("").empty());
  CHECK(other_ref_forms(" ").empty());
  CHECK(other_ref_forms("<>").empty());
}

TEST_CASE("a Date's obsolete 3-digit year is 1900 + it", "[mail]") {
  CHECK(date_with_full_year("Tue, 24 Nov 126 09:30:00 +0100")
        == std::optional<std::string>{"Tue, 24 Nov 2026 09:30:00 +0100"});
  CHECK(date_with_full_year("24 nov 099 08:30 GMT")
        == std::optional<std::string>{"24 nov 1999 08:30 GMT"});
  CHECK(date_with_full_year("Tue,24 NOV\t126") == std::optional<std::string>{"Tue,24 NOV\t2026"});
  for (const std::string_view other : {"Tue, 24 Nov 2026 09:30:00 +0100", "24 Nov 26 08:30 GMT",
                                       "24 Nov 12x 08:30", "24 Nov", "", "126 Nov 24", "Mon 126"}) {
    CHECK(date_with_full_year(other) == std::nullopt);
  }
}
