// `slatrack mail` (SPEC.md "Mail in", docs/mail.md): the MIME reader at the edge turns the bytes
// into a MailMessage, the store gives the facts (is it recorded, which request, which client), the
// core decides what to do, and the store records it, all in one transaction per message. A mail
// server runs it: silent on success, 0 when recorded, ignored or already there, 75 for trouble it
// should retry (app.cpp maps it), 2 for input that is not a message.
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "mail/mime.hpp"
#include "slatrack/address.hpp"
#include "slatrack/error.hpp"
#include "slatrack/input.hpp"
#include "slatrack/text.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <map>
#include <unistd.h>

namespace slatrack::cli {

namespace {

// The largest message read: mail servers refuse far smaller ones (25-50 MB); /dev/zero is not one.
constexpr std::size_t k_max_message_bytes = std::size_t{256} << 20;
// Messages recorded per transaction by --maildir: other writers wait at most one batch.
constexpr std::size_t k_batch = 200;

std::string read_stdin() {
  std::string out;
  std::array<char, 65536> buffer{};
  while (true) {
    const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), stdin);
    out.append(buffer.data(), got);
    if (out.size() > k_max_message_bytes) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("not a mail message: the input is larger than {} MiB",
                              k_max_message_bytes >> 20)};
    }
    if (got < buffer.size()) {
      if (std::ferror(stdin) != 0) {
        throw Error{ErrorKind::storage, "cannot read the message from stdin"};
      }
      return out;
    }
  }
}

// What was done with one message, for -v, --dry-run and the Maildir's summary.
struct Outcome {
  MailAction action = MailAction::drop;
  std::string line; // "#42 Acme: new request \"Subject\" from Ann <ann@acme.example>"
};

// The message in `raw`, with a From address slatrack can keep. Throws Error{invalid_input} for
// input that is not a message (exit 2), before the database is opened.
MailMessage read(std::string_view raw) {
  MailMessage message = mail::read_message(raw);
  if (!normalize_address(message.from_address)) {
    throw Error{ErrorKind::invalid_input,
                fmt::format("not a mail message: its From address {} is not a mail address",
                            quoted_argument(message.from_address))};
  }
  return message;
}

class Recorder {
public:
  Recorder(Context& context, const MailOptions& options)
      : m_context(context), m_options(options), m_now(context.now()),
        m_recorder(context.recorder()) {}

  // Records one message read by read() from `raw` (inside the caller's transaction).
  Outcome record(const MailMessage& message, std::string_view raw) {
    const std::optional<std::string> address = normalize_address(message.from_address);
    Store& store = m_context.store();
    const std::string key = message_key(message, raw);
    const std::optional<std::string> machine = machine_reason(message);
    MailFacts facts;
    facts.recorded = store.message_recorded(key);
    std::optional<RequestId> request;
    if (!facts.recorded) {
      if (const std::optional<std::int64_t> tag = subject_tag(message.subject)) {
        if (store.request_counts(RequestId{*tag})) {
          request = RequestId{*tag};
        }
      }
      if (!request) {
        request = store.request_for_messages(thread_ids(message));
      }
      facts.ours = is_ours(*address, m_options.settings.ours);
      facts.machine = machine.has_value();
      facts.known = request.has_value();
    }
    const MailAction action = decide(facts);
    const std::string author = mail_author(message, *address);
    const std::string body = mail_text(message, k_max_text_bytes);
    const std::optional<std::string> text =
        body.empty() ? std::nullopt : std::optional<std::string>{body};
    switch (action) {
    case MailAction::already:
      return Outcome{action, fmt::format("already there: {}", key)};
    case MailAction::drop:
      return Outcome{action,
                     fmt::format("dropped, not a person ({}): {} from {}", *machine, key, author)};
    case MailAction::ignore:
      return Outcome{action,
                     fmt::format("ignored, ours on no known request: {} from {}", key, author)};
    case MailAction::new_request: {
      const std::string client = client_for(*address);
      NewRequest wanted;
      wanted.client = client;
      wanted.subject = mail_subject(message);
      wanted.channel = Channel::email;
      wanted.ref = key;
      wanted.text = text;
      wanted.at = mail_time(message, m_now);
      wanted.author = author;
      wanted.recorder = m_recorder;
      wanted.now = m_now;
      const LogResult logged = store.log_request(wanted);
      store.record_message(key, logged.request.id);
      return Outcome{action,
                     fmt::format("#{} {}: new request \"{}\" from {}", logged.request.id.value,
                                 logged.request.client, wanted.subject, author)};
    }
    case MailAction::followup:
    case MailAction::reply:
    case MailAction::note: {
      const std::optional<Request> found = store.find_request(*request);
      if (!found) {
        throw Error{ErrorKind::internal, "the request of a thread vanished (a bug)"};
      }
      NewEvent event;
      event.id = *request;
      event.at = mail_time(message, m_now, found->received_at);
      event.author = author;
      event.now = m_now;
      event.recorder = m_recorder;
      if (action == MailAction::note) {
        event.kind = EventKind::note;
        event.text =
            cut_text(fmt::format("not a person ({}): {}{}", *machine, mail_subject(message),
                                 text ? "\n\n" + *text : std::string{}),
                     k_max_text_bytes);
      } else {
        event.kind = action == MailAction::reply ? EventKind::reply : EventKind::message;
        event.text = text;
      }
      static_cast<void>(store.add_event(event));
      store.record_message(key, *request);
      const std::string what = action == MailAction::note
                                   ? fmt::format("note, not a person ({})", *machine)
                                   : std::string(to_string(action));
      return Outcome{
          action, fmt::format("#{} {}: {} from {}", request->value, found->client, what, author)};
    }
    }
    throw Error{ErrorKind::internal, "unknown mail action (a bug)"};
  }

private:
  // The client of a new request from `address` (SPEC.md "Which client"): by address, by domain,
  // mail.unknown, else a new client named after the domain (or the address, at a public mail
  // provider) on mail.sla.
  std::string client_for(const std::string& address) {
    Store& store = m_context.store();
    if (std::optional<std::string> client = store.client_for_address(address)) {
      return *client;
    }
    const MailSettings& settings = m_options.settings;
    if (settings.unknown) {
      if (std::optional<Client> client = store.find_client(*settings.unknown)) {
        return client->name;
      }
      throw Error{ErrorKind::invalid_input,
                  fmt::format("the settings' mail.unknown names no client {}; add it with: "
                              "slatrack client add {}",
                              quoted_argument(*settings.unknown), *settings.unknown)};
    }
    const UnknownSender sender = unknown_sender(address);
    // A client of that name (ignoring case) without this address is the one: looked up by its
    // whole name (not by listing the clients, which counts every client's requests: seconds at
    // 1M), never by a short form of it.
    if (std::optional<std::string> named = store.client_named(sender.name)) {
      return *named;
    }
    NewClient client;
    client.name = sender.name;
    client.policy = settings.sla;
    if (sender.email) {
      client.emails.push_back(*sender.email);
    }
    if (sender.domain) {
      client.domains.push_back(*sender.domain);
    }
    if (!store.find_policy(settings.sla)) {
      throw Error{ErrorKind::invalid_input,
                  fmt::format("the settings' mail.sla names no SLA policy {}; add it with: "
                              "slatrack sla add {} --reply DUR",
                              quoted_argument(settings.sla), settings.sla)};
    }
    store.add_client(client);
    return client.name;
  }

  Context& m_context;
  const MailOptions& m_options;
  Instant m_now;
  std::string m_recorder;
};

// Prints what was done: on stdout for --dry-run, on stderr for -v.
void tell(std::FILE* out, const MailOptions& options, const Outcome& outcome,
          std::string_view prefix = {}) {
  if (options.dry_run) {
    std::fputs(fmt::format("would record: {}{}\n", prefix, escape_control(outcome.line)).c_str(),
               out);
  } else if (options.verbose) {
    std::fputs(fmt::format("slatrack mail: {}{}\n", prefix, escape_control(outcome.line)).c_str(),
               stderr);
  }
}

int run_one(Context& context, const MailOptions& options) {
  const std::string raw = read_stdin();
  const MailMessage message = read(raw);
  Recorder recorder(context, options);
  Outcome outcome;
  context.store().transaction([&] { outcome = recorder.record(message, raw); }, !options.dry_run);
  tell(context.out(), options, outcome);
  return 0;
}

// ---- --maildir ----

struct MaildirFile {
  std::filesystem::path path;
  std::string name; // the file name, for ties and messages
  Instant date{};
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error{ErrorKind::storage, fmt::format("cannot read {}", path.string())};
  }
  std::string out;
  std::array<char, 65536> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    out.append(buffer.data(), static_cast<std::size_t>(in.gcount()));
    if (out.size() > k_max_message_bytes) {
      break;
    }
  }
  return out;
}

int run_maildir(Context& context, const MailOptions& options) {
  namespace fs = std::filesystem;
  const fs::path root(*options.maildir);
  std::error_code error;
  if (!fs::is_directory(root / "cur", error) && !fs::is_directory(root / "new", error)) {
    throw Error{
        ErrorKind::invalid_input,
        fmt::format("--maildir {}: not a Maildir (it has neither cur/ nor new/)", root.string())};
  }
  const Instant now = context.now();
  std::vector<MaildirFile> files;
  std::size_t not_messages = 0;
  for (const char* sub : {"cur", "new"}) {
    const fs::path dir = root / sub;
    if (!fs::is_directory(dir, error)) {
      continue;
    }
    for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(".") || !entry.is_regular_file(error)) {
        continue;
      }
      files.push_back(MaildirFile{entry.path(), name, now});
    }
    if (error) {
      throw Error{ErrorKind::storage,
                  fmt::format("cannot list {}: {}", dir.string(), error.message())};
    }
  }
  // Date order (ties by file name): each file's Date read first.
  std::vector<MaildirFile> messages;
  for (MaildirFile& file : files) {
    try {
      const MailMessage message = read(read_file(file.path));
      file.date = mail_time(message, now);
      messages.push_back(std::move(file));
    } catch (const Error& failure) {
      if (failure.kind() != ErrorKind::invalid_input) {
        throw;
      }
      ++not_messages;
      if (options.verbose || options.dry_run) {
        std::fputs(fmt::format("slatrack mail: skipped {}: {}\n", escape_control(file.name),
                               escape_control(failure.what()))
                       .c_str(),
                   stderr);
      }
    }
  }
  std::sort(messages.begin(), messages.end(), [](const MaildirFile& a, const MaildirFile& b) {
    return a.date != b.date ? a.date < b.date : a.name < b.name;
  });

  Recorder recorder(context, options);
  std::map<MailAction, std::size_t> counts;
  std::size_t refused = 0;
  const bool progress =
      !options.dry_run && !options.verbose && ::isatty(2) != 0 && messages.size() >= 1000;
  for (std::size_t start = 0; start < messages.size(); start += k_batch) {
    const std::size_t end = std::min(messages.size(), start + k_batch);
    context.store().transaction(
        [&] {
          for (std::size_t i = start; i < end; ++i) {
            const MaildirFile& file = messages[i];
            const std::string raw = read_file(file.path);
            try {
              const MailMessage message = read(raw);
              Outcome outcome;
              context.store().transaction([&] { outcome = recorder.record(message, raw); }, true);
              ++counts[outcome.action];
              tell(context.out(), options, outcome, file.name + ": ");
            } catch (const Error& failure) {
              if (failure.kind() == ErrorKind::storage || failure.kind() == ErrorKind::internal) {
                throw;
              }
              ++refused;
              std::fputs(fmt::format("slatrack mail: refused {}: {}\n", escape_control(file.name),
                                     escape_control(failure.what()))
                             .c_str(),
                         stderr);
            }
          }
        },
        !options.dry_run);
    if (progress) {
      std::fputs(fmt::format("\rslatrack mail: {} of {} messages", end, messages.size()).c_str(),
                 stderr);
    }
  }
  if (progress) {
    std::fputs("\n", stderr);
  }
  if (!context.quiet()) {
    const auto count = [&](MailAction action) {
      const auto found = counts.find(action);
      return found == counts.end() ? std::size_t{0} : found->second;
    };
    std::fputs(fmt::format("{}{} messages: {} new requests, {} follow-ups, {} replies, {} notes, "
                           "{} already there, {} ignored, {} dropped, {} refused; {} files not "
                           "messages\n",
                           options.dry_run ? "would record: " : "", messages.size(),
                           count(MailAction::new_request), count(MailAction::followup),
                           count(MailAction::reply), count(MailAction::note),
                           count(MailAction::already), count(MailAction::ignore),
                           count(MailAction::drop), refused, not_messages)
                   .c_str(),
               context.out());
  }
  return 0;
}

} // namespace

int run_mail(Context& context, const MailOptions& options) {
  if (options.maildir) {
    return run_maildir(context, options);
  }
  return run_one(context, options);
}

} // namespace slatrack::cli
