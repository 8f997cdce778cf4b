// Classification of one OpenAI-shaped request into the data categories of §3.4: content parts
// by type (images, audio), text by the identifier detectors, and the tags the caller sets
// (request field "onboard", message field "onboard_tags", header X-Onboard-Data-Tags; see
// config/gateway/README.md). A tag that names no category is an error, not ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/status.h"
#include "gateway/privacy_policy.h"
#include "gateway/text_detectors.h"

namespace onboard::gateway {

struct Classification {
  RequestFacts facts;
  std::string route;  // "local", "upstream" or "" (decide by the request)
  std::string reasoning_effort;
  size_t prompt_chars = 0;
  int identifiers[static_cast<size_t>(Identifier::kCount)] = {};  // found in text, per kind
  std::string identifier_names() const;  // "PHONE_CN×2,EMAIL×1" (for the audit log)
};

Expected<Classification> classify(const nlohmann::ordered_json& body, const std::string& header_tags);

}  // namespace onboard::gateway
