#include "gateway/request_classifier.h"

namespace onboard::gateway {
namespace {

using ojson = nlohmann::ordered_json;

Status add_tag(const std::string& tag, const std::string& where, Classification& out) {
  std::string name = tag;
  bool summary = false;
  if (const size_t colon = name.find(':'); colon != std::string::npos) {
    if (name.substr(colon + 1) != "summary")
      return make_error(ErrorCode::kInvalidArgument, where + ": tag '" + tag + "': only ':summary' may follow a category");
    summary = true;
    name.resize(colon);
  }
  auto c = parse_category(name);
  if (!c) return make_error(ErrorCode::kInvalidArgument, where + ": '" + tag + "' is not a data category of §3.4");
  if (*c == Category::kNone) return Status::Ok();
  (summary ? out.facts.summaries : out.facts.categories).add(*c);
  return Status::Ok();
}

Status add_tags(const ojson& tags, const std::string& where, Classification& out) {
  if (!tags.is_array()) return make_error(ErrorCode::kInvalidArgument, where + ": must be an array of category names");
  for (size_t i = 0; i < tags.size(); ++i) {
    if (!tags[i].is_string())
      return make_error(ErrorCode::kInvalidArgument, where + "[" + std::to_string(i) + "]: must be a string");
    ONBOARD_TRY(add_tag(tags[i].get<std::string>(), where, out));
  }
  return Status::Ok();
}

void scan_text(const std::string& text, Classification& out) {
  out.prompt_chars += text.size();
  for (const Finding& f : detect_identifiers(text)) {
    ++out.identifiers[static_cast<size_t>(f.kind)];
    if (f.kind == Identifier::kCoordinates) out.facts.categories.add(Category::kLocationPrecise);
  }
}

Status scan_content(const ojson& content, const std::string& where, Classification& out) {
  if (content.is_string()) {
    scan_text(content.get<std::string>(), out);
    return Status::Ok();
  }
  if (!content.is_array()) return Status::Ok();  // the protocol parser names other shapes
  for (size_t i = 0; i < content.size(); ++i) {
    const ojson& part = content[i];
    if (!part.is_object()) continue;
    const std::string p = where + "[" + std::to_string(i) + "]";
    const std::string type = part.value("type", "");
    if (auto tag = part.find("onboard_tag"); tag != part.end()) {
      if (!tag->is_string()) return make_error(ErrorCode::kInvalidArgument, p + ".onboard_tag: must be a string");
      ONBOARD_TRY(add_tag(tag->get<std::string>(), p + ".onboard_tag", out));
    }
    if (type == "text" && part.contains("text") && part["text"].is_string()) {
      scan_text(part["text"].get<std::string>(), out);
    } else if (type == "image_url" || type == "input_image" || type == "image") {
      // An image is a cabin image unless the caller says it shows the outside.
      const bool exterior = part.value("onboard_tag", "") == "EXTERIOR_IMAGE";
      if (!exterior) out.facts.categories.add(Category::kCabinImage);
    } else if (type == "input_audio" || type == "audio") {
      out.facts.categories.add(Category::kVoiceAudio);
    } else if (type != "text") {
      // Unknown media: the strictest reading (it may be anything captured in the cabin).
      out.facts.categories.add(Category::kBiometricOther);
    }
  }
  return Status::Ok();
}

}  // namespace

std::string Classification::identifier_names() const {
  std::string out;
  for (size_t i = 0; i < static_cast<size_t>(Identifier::kCount); ++i) {
    if (!identifiers[i]) continue;
    if (!out.empty()) out += ',';
    out += std::string(identifier_name(static_cast<Identifier>(i))) + "x" + std::to_string(identifiers[i]);
  }
  return out;
}

Expected<Classification> classify(const ojson& body, const std::string& header_tags) {
  Classification out;
  if (!body.is_object()) return make_error(ErrorCode::kInvalidArgument, "the request body must be a JSON object");
  if (!header_tags.empty()) {
    size_t at = 0;
    while (at <= header_tags.size()) {
      size_t comma = header_tags.find(',', at);
      if (comma == std::string::npos) comma = header_tags.size();
      std::string tag = header_tags.substr(at, comma - at);
      while (!tag.empty() && tag.front() == ' ') tag.erase(tag.begin());
      while (!tag.empty() && tag.back() == ' ') tag.pop_back();
      if (!tag.empty()) ONBOARD_TRY(add_tag(tag, "X-Onboard-Data-Tags", out));
      at = comma + 1;
    }
  }
  if (auto ob = body.find("onboard"); ob != body.end()) {
    if (!ob->is_object()) return make_error(ErrorCode::kInvalidArgument, "onboard: must be an object");
    if (auto t = ob->find("data_tags"); t != ob->end()) ONBOARD_TRY(add_tags(*t, "onboard.data_tags", out));
    auto str = [&](const char* key, std::string& dst) -> Status {
      auto it = ob->find(key);
      if (it == ob->end()) return Status::Ok();
      if (!it->is_string()) return make_error(ErrorCode::kInvalidArgument, std::string("onboard.") + key + ": must be a string");
      dst = it->get<std::string>();
      return Status::Ok();
    };
    ONBOARD_TRY(str("route", out.route));
    ONBOARD_TRY(str("intent", out.facts.intent));
    ONBOARD_TRY(str("purpose", out.facts.purpose));
    if (!out.route.empty() && out.route != "local" && out.route != "upstream")
      return make_error(ErrorCode::kInvalidArgument, "onboard.route: must be 'local' or 'upstream'");
    if (auto u = ob->find("user_requested_service"); u != ob->end()) {
      if (!u->is_boolean()) return make_error(ErrorCode::kInvalidArgument, "onboard.user_requested_service: must be a boolean");
      out.facts.user_requested_service = u->get<bool>();
    }
  }
  if (auto e = body.find("reasoning_effort"); e != body.end() && e->is_string()) out.reasoning_effort = e->get<std::string>();
  if (auto msgs = body.find("messages"); msgs != body.end() && msgs->is_array()) {
    for (size_t i = 0; i < msgs->size(); ++i) {
      const ojson& m = (*msgs)[i];
      if (!m.is_object()) continue;
      const std::string where = "messages[" + std::to_string(i) + "]";
      if (auto t = m.find("onboard_tags"); t != m.end()) ONBOARD_TRY(add_tags(*t, where + ".onboard_tags", out));
      if (auto c = m.find("content"); c != m.end()) ONBOARD_TRY(scan_content(*c, where + ".content", out));
    }
  }
  if (auto p = body.find("prompt"); p != body.end() && p->is_string()) scan_text(p->get<std::string>(), out);
  return out;
}

}  // namespace onboard::gateway
