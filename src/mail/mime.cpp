// Why GMime: mail as clients' programs send it carries RFC 2047 encoded words in subjects and
// names, quoted-printable and base64 bodies in windows-1252 or ISO-8859-x, nested multiparts,
// and bounces that carry the returned message; GMime 3 (Debian's libgmime-3.0) reads all of it.
//
// Why dlopen: GMime loads GLib, GObject, GIO, GPGME, libidn2 and a dozen more shared libraries;
// linked in, every command would pay some 9 ms at start-up for the one that reads mail
// (docs/performance.md, "Startup"). So libgmime-3.0.so.0 is loaded here, when a message is read,
// and kept for the life of the process (GLib's type system cannot be unloaded): the one loaded
// library is a function-local static, like the zone files of src/system/.
#include "mail/mime.hpp"

#include "slatrack/address.hpp"
#include "slatrack/error.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <gmime/gmime.h>
#include <memory>
#include <string>

namespace slatrack::mail {

namespace {

// The GMime 3 (and GLib) functions used, looked up in libgmime-3.0.so.0 and the libraries it
// loads.
class Gmime {
public:
  Gmime() : m_handle(dlopen("libgmime-3.0.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)) {
    if (m_handle == nullptr) {
      throw Error{ErrorKind::storage, "reading mail needs GMime 3, which is not installed; "
                                      "install it with: apt-get install libgmime-3.0-0"};
    }
    load(init, "g_mime_init");
    load(stream_mem_new_with_buffer, "g_mime_stream_mem_new_with_buffer");
    load(parser_new_with_stream, "g_mime_parser_new_with_stream");
    load(parser_construct_message, "g_mime_parser_construct_message");
    load(message_get_subject, "g_mime_message_get_subject");
    load(message_get_from, "g_mime_message_get_from");
    load(message_get_message_id, "g_mime_message_get_message_id");
    load(message_get_date, "g_mime_message_get_date");
    load(message_get_mime_part, "g_mime_message_get_mime_part");
    load(list_length, "internet_address_list_length");
    load(list_get_address, "internet_address_list_get_address");
    load(address_get_name, "internet_address_get_name");
    load(mailbox_get_addr, "internet_address_mailbox_get_addr");
    load(mailbox_get_type, "internet_address_mailbox_get_type");
    load(group_get_members, "internet_address_group_get_members");
    load(group_get_type, "internet_address_group_get_type");
    load(object_get_header, "g_mime_object_get_header");
    load(object_get_header_list, "g_mime_object_get_header_list");
    load(header_list_get_header, "g_mime_header_list_get_header");
    load(header_get_raw_value, "g_mime_header_get_raw_value");
    load(header_unfold, "g_mime_utils_header_unfold");
    load(header_decode_text, "g_mime_utils_header_decode_text");
    load(list_parse, "internet_address_list_parse");
    load(object_get_content_type, "g_mime_object_get_content_type");
    load(content_type_is_type, "g_mime_content_type_is_type");
    load(references_parse, "g_mime_references_parse");
    load(references_length, "g_mime_references_length");
    load(references_get_message_id, "g_mime_references_get_message_id");
    load(references_free, "g_mime_references_free");
    load(multipart_get_count, "g_mime_multipart_get_count");
    load(multipart_get_part, "g_mime_multipart_get_part");
    load(multipart_get_type, "g_mime_multipart_get_type");
    load(part_is_attachment, "g_mime_part_is_attachment");
    load(part_get_type, "g_mime_part_get_type");
    load(text_part_get_type, "g_mime_text_part_get_type");
    load(text_part_get_text, "g_mime_text_part_get_text");
    load(message_part_get_type, "g_mime_message_part_get_type");
    load(message_part_get_message, "g_mime_message_part_get_message");
    load(object_unref, "g_object_unref");
    load(free, "g_free");
    load(date_time_to_unix, "g_date_time_to_unix");
    load(date_time_unref, "g_date_time_unref");
    load(decode_date, "g_mime_utils_header_decode_date");
    load(instance_is_a, "g_type_check_instance_is_a");
    init();
  }
  Gmime(const Gmime&) = delete;
  Gmime& operator=(const Gmime&) = delete;
  ~Gmime() = default; // RTLD_NODELETE: GLib's types live as long as the process

  template <typename Object> bool is_a(Object* object, GType (*type)()) const {
    return object != nullptr
           && instance_is_a(reinterpret_cast<GTypeInstance*>(object), type()) != FALSE;
  }

  decltype(&g_mime_init) init = nullptr;
  decltype(&g_mime_stream_mem_new_with_buffer) stream_mem_new_with_buffer = nullptr;
  decltype(&g_mime_parser_new_with_stream) parser_new_with_stream = nullptr;
  decltype(&g_mime_parser_construct_message) parser_construct_message = nullptr;
  decltype(&g_mime_message_get_subject) message_get_subject = nullptr;
  decltype(&g_mime_message_get_from) message_get_from = nullptr;
  decltype(&g_mime_message_get_message_id) message_get_message_id = nullptr;
  decltype(&g_mime_message_get_date) message_get_date = nullptr;
  decltype(&g_mime_message_get_mime_part) message_get_mime_part = nullptr;
  decltype(&internet_address_list_length) list_length = nullptr;
  decltype(&internet_address_list_get_address) list_get_address = nullptr;
  decltype(&internet_address_get_name) address_get_name = nullptr;
  decltype(&internet_address_mailbox_get_addr) mailbox_get_addr = nullptr;
  decltype(&internet_address_mailbox_get_type) mailbox_get_type = nullptr;
  decltype(&internet_address_group_get_members) group_get_members = nullptr;
  decltype(&internet_address_group_get_type) group_get_type = nullptr;
  decltype(&g_mime_object_get_header) object_get_header = nullptr;
  decltype(&g_mime_object_get_header_list) object_get_header_list = nullptr;
  decltype(&g_mime_header_list_get_header) header_list_get_header = nullptr;
  decltype(&g_mime_header_get_raw_value) header_get_raw_value = nullptr;
  decltype(&g_mime_utils_header_unfold) header_unfold = nullptr;
  decltype(&g_mime_utils_header_decode_text) header_decode_text = nullptr;
  decltype(&internet_address_list_parse) list_parse = nullptr;
  decltype(&g_mime_object_get_content_type) object_get_content_type = nullptr;
  decltype(&g_mime_content_type_is_type) content_type_is_type = nullptr;
  decltype(&g_mime_references_parse) references_parse = nullptr;
  decltype(&g_mime_references_length) references_length = nullptr;
  decltype(&g_mime_references_get_message_id) references_get_message_id = nullptr;
  decltype(&g_mime_references_free) references_free = nullptr;
  decltype(&g_mime_multipart_get_count) multipart_get_count = nullptr;
  decltype(&g_mime_multipart_get_part) multipart_get_part = nullptr;
  decltype(&g_mime_multipart_get_type) multipart_get_type = nullptr;
  decltype(&g_mime_part_is_attachment) part_is_attachment = nullptr;
  decltype(&g_mime_part_get_type) part_get_type = nullptr;
  decltype(&g_mime_text_part_get_type) text_part_get_type = nullptr;
  decltype(&g_mime_text_part_get_text) text_part_get_text = nullptr;
  decltype(&g_mime_message_part_get_type) message_part_get_type = nullptr;
  decltype(&g_mime_message_part_get_message) message_part_get_message = nullptr;
  decltype(&g_object_unref) object_unref = nullptr;
  decltype(&g_free) free = nullptr;
  decltype(&g_date_time_to_unix) date_time_to_unix = nullptr;
  decltype(&g_date_time_unref) date_time_unref = nullptr;
  decltype(&g_mime_utils_header_decode_date) decode_date = nullptr;
  decltype(&g_type_check_instance_is_a) instance_is_a = nullptr;

private:
  template <typename Function> void load(Function& function, const char* name) {
    void* symbol = dlsym(m_handle, name);
    if (symbol == nullptr) {
      throw Error{ErrorKind::storage,
                  fmt::format("GMime 3 has no {} (libgmime-3.0.so.0 is not GMime 3.2?); "
                              "reinstall it with: apt-get install --reinstall libgmime-3.0-0",
                              name)};
    }
    function = reinterpret_cast<Function>(symbol);
  }

  void* m_handle;
};

const Gmime& gmime() {
  static const Gmime loaded;
  return loaded;
}

// Owns a GObject reference.
struct Unref {
  void operator()(void* object) const {
    if (object != nullptr) {
      gmime().object_unref(object);
    }
  }
};
template <typename T> using Owned = std::unique_ptr<T, Unref>;

std::string text_of(const char* value) {
  return value == nullptr ? std::string{} : std::string(value);
}

std::optional<std::string> header(GMimeObject* object, const char* name) {
  const char* value = gmime().object_get_header(object, name);
  if (value == nullptr) {
    return std::nullopt;
  }
  return std::string(value);
}

// A header's value as the message has it (folded, RFC 2047 encoded words not decoded) with
// join_encoded_words applied; nullopt when the header is missing or the value needs nothing of
// it (GMime's decoding is then right as it is).
std::optional<std::string> joined_raw_header(GMimeObject* object, const char* name) {
  const Gmime& g = gmime();
  GMimeHeaderList* list = g.object_get_header_list(object);
  GMimeHeader* found = list == nullptr ? nullptr : g.header_list_get_header(list, name);
  const char* raw = found == nullptr ? nullptr : g.header_get_raw_value(found);
  if (raw == nullptr) {
    return std::nullopt;
  }
  std::string joined = join_encoded_words(raw);
  if (joined == raw) {
    return std::nullopt;
  }
  return joined;
}

// The ids of a References or In-Reply-To header, "<id>" each.
std::vector<std::string> ids_of(GMimeObject* object, const char* name) {
  std::vector<std::string> out;
  const char* value = gmime().object_get_header(object, name);
  if (value == nullptr) {
    return out;
  }
  GMimeReferences* references = gmime().references_parse(nullptr, value);
  if (references == nullptr) {
    return out;
  }
  const int count = gmime().references_length(references);
  for (int i = 0; i < count; ++i) {
    const char* id = gmime().references_get_message_id(references, i);
    if (id != nullptr && *id != '\0') {
      out.push_back(fmt::format("<{}>", id));
    }
  }
  gmime().references_free(references);
  return out;
}

GMimeMessage* parse(std::string_view raw) {
  const Gmime& g = gmime();
  Owned<GMimeStream> stream(g.stream_mem_new_with_buffer(raw.data(), raw.size()));
  Owned<GMimeParser> parser(g.parser_new_with_stream(stream.get()));
  return g.parser_construct_message(parser.get(), nullptr);
}

// The first mailbox of an address list (a group's first member), or nullptr.
InternetAddressMailbox* first_mailbox(InternetAddressList* list, int depth = 0) {
  const Gmime& g = gmime();
  if (list == nullptr || depth > 4) {
    return nullptr;
  }
  const int count = g.list_length(list);
  for (int i = 0; i < count; ++i) {
    InternetAddress* address = g.list_get_address(list, i);
    if (g.is_a(address, g.mailbox_get_type)) {
      return reinterpret_cast<InternetAddressMailbox*>(address);
    }
    if (g.is_a(address, g.group_get_type)) {
      if (InternetAddressMailbox* member = first_mailbox(
              g.group_get_members(reinterpret_cast<InternetAddressGroup*>(address)), depth + 1)) {
        return member;
      }
    }
  }
  return nullptr;
}

std::string part_text(GMimeObject* part) {
  const Gmime& g = gmime();
  char* text = g.text_part_get_text(reinterpret_cast<GMimeTextPart*>(part));
  if (text == nullptr) {
    return {};
  }
  std::string out(text);
  g.free(text);
  return out;
}

// What a walk over the parts finds.
struct Parts {
  std::optional<std::string> plain;
  std::optional<std::string> html;
  bool report = false;                // multipart/report (a delivery status notification)
  GMimeMessage* returned = nullptr;   // a bounce's message/rfc822 part (borrowed)
  std::optional<std::string> headers; // a bounce's text/rfc822-headers part
};

constexpr int k_max_depth = 20;
constexpr int k_max_parts = 1000;

void walk(GMimeObject* object, Parts& parts, int depth, int& seen) {
  const Gmime& g = gmime();
  if (object == nullptr || depth > k_max_depth || ++seen > k_max_parts) {
    return;
  }
  GMimeContentType* type = g.object_get_content_type(object);
  if (g.is_a(object, g.multipart_get_type)) {
    if (type != nullptr && g.content_type_is_type(type, "multipart", "report") != FALSE) {
      parts.report = true;
    }
    auto* multipart = reinterpret_cast<GMimeMultipart*>(object);
    const int count = g.multipart_get_count(multipart);
    for (int i = 0; i < count; ++i) {
      walk(g.multipart_get_part(multipart, i), parts, depth + 1, seen);
    }
    return;
  }
  if (g.is_a(object, g.message_part_get_type)) {
    // A forwarded or returned message: not this message's text; a bounce's returned message.
    if (parts.report && parts.returned == nullptr) {
      parts.returned = g.message_part_get_message(reinterpret_cast<GMimeMessagePart*>(object));
    }
    return;
  }
  if (!g.is_a(object, g.text_part_get_type) || type == nullptr) {
    return;
  }
  if (g.content_type_is_type(type, "text", "rfc822-headers") != FALSE) {
    if (parts.report && !parts.headers) {
      parts.headers = part_text(object);
    }
    return;
  }
  if (g.part_is_attachment(reinterpret_cast<GMimePart*>(object)) != FALSE) {
    return;
  }
  if (!parts.plain && g.content_type_is_type(type, "text", "plain") != FALSE) {
    parts.plain = part_text(object);
  } else if (!parts.html && g.content_type_is_type(type, "text", "html") != FALSE) {
    parts.html = part_text(object);
  }
}

void add_ids(GMimeMessage* message, std::vector<std::string>& out) {
  const Gmime& g = gmime();
  auto* object = reinterpret_cast<GMimeObject*>(message);
  if (const char* id = g.message_get_message_id(message); id != nullptr && *id != '\0') {
    out.push_back(fmt::format("<{}>", id));
  }
  for (std::string& id : ids_of(object, "In-Reply-To")) {
    out.push_back(std::move(id));
  }
  std::vector<std::string> references = ids_of(object, "References");
  for (auto id = references.rbegin(); id != references.rend(); ++id) {
    out.push_back(std::move(*id));
  }
}

} // namespace

MailMessage read_message(std::string_view raw) {
  if (std::optional<std::string> problem = not_a_message(raw)) {
    throw Error{ErrorKind::invalid_input, fmt::format("not a mail message: {}", *problem)};
  }
  const Gmime& g = gmime();
  Owned<GMimeMessage> message(parse(raw));
  if (!message) {
    throw Error{ErrorKind::invalid_input, "not a mail message: no header section GMime could read"};
  }
  auto* object = reinterpret_cast<GMimeObject*>(message.get());
  MailMessage out;
  InternetAddressMailbox* from = first_mailbox(g.message_get_from(message.get()));
  if (from != nullptr) {
    out.from_address = text_of(g.mailbox_get_addr(from));
    out.from_name = text_of(g.address_get_name(reinterpret_cast<InternetAddress*>(from)));
    // A name in base64 encoded words GMime decodes wrong (join_encoded_words): the From header
    // read again with its runs of words joined.
    if (std::optional<std::string> joined = joined_raw_header(object, "From")) {
      Owned<InternetAddressList> list(g.list_parse(nullptr, joined->c_str()));
      if (InternetAddressMailbox* again = first_mailbox(list.get());
          again != nullptr && text_of(g.mailbox_get_addr(again)) == out.from_address) {
        out.from_name = text_of(g.address_get_name(reinterpret_cast<InternetAddress*>(again)));
      }
    }
  }
  if (out.from_address.empty()) {
    throw Error{ErrorKind::invalid_input, "not a mail message: it has no From address"};
  }
  out.subject = text_of(g.message_get_subject(message.get()));
  if (std::optional<std::string> joined = joined_raw_header(object, "Subject")) {
    char* unfolded = g.header_unfold(joined->c_str());
    char* decoded = unfolded == nullptr ? nullptr : g.header_decode_text(nullptr, unfolded);
    if (decoded != nullptr) {
      out.subject = decoded;
    }
    g.free(decoded);
    g.free(unfolded);
  }
  if (const char* id = g.message_get_message_id(message.get()); id != nullptr && *id != '\0') {
    out.message_id = fmt::format("<{}>", id);
  }
  out.in_reply_to = ids_of(object, "In-Reply-To");
  out.references = ids_of(object, "References");
  if (std::optional<std::string> date_header = header(object, "Date")) {
    if (GDateTime* date = g.message_get_date(message.get())) {
      out.date = Instant{Seconds{g.date_time_to_unix(date)}};
    } else if (std::optional<std::string> full = date_with_full_year(*date_header)) {
      // GMime reads no year before 1969; an obsolete 3-digit year is 1900 + it (RFC 5322).
      if (GDateTime* again = g.decode_date(full->c_str())) {
        out.date = Instant{Seconds{g.date_time_to_unix(again)}};
        g.date_time_unref(again);
      }
    }
  }
  out.auto_submitted = header(object, "Auto-Submitted");
  out.precedence = header(object, "Precedence");
  out.return_path = header(object, "Return-Path");
  out.x_autoreply = header(object, "X-Autoreply").has_value();
  out.x_autorespond = header(object, "X-Autorespond").has_value();
  out.x_slatrack_loop = header(object, "X-Slatrack-Loop").has_value();

  Parts parts;
  int seen = 0;
  walk(g.message_get_mime_part(message.get()), parts, 0, seen);
  if (parts.plain) {
    out.text = std::move(*parts.plain);
  } else if (parts.html) {
    out.text = html_to_text(*parts.html);
  }
  if (parts.returned != nullptr) {
    add_ids(parts.returned, out.returned_ids);
  } else if (parts.headers) {
    Owned<GMimeMessage> returned(parse(*parts.headers + "\n"));
    if (returned) {
      add_ids(returned.get(), out.returned_ids);
    }
  }
  return out;
}

} // namespace slatrack::mail
