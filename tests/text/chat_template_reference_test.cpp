// Byte-for-byte comparison of ChatTemplate against the independent renderer
// @huggingface/jinja (run through node by tests/text/render_reference.mjs), over the
// conversation table tests/text/chat_conversations.json x the templates in tests/text/templates/.
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "text/chat_template.h"

namespace {

using nlohmann::ordered_json;

const std::string kTextDir = std::string(ONBOARD_SOURCE_DIR) + "/tests/text";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the node reference; on failure returns false with a message telling how to fix it.
bool run_reference(std::string& out, std::string& why) {
  const std::string cmd = "cd '" + std::string(ONBOARD_SOURCE_DIR) + "' && NODE_PATH='" + ONBOARD_SOURCE_DIR +
                          "/node_modules' node tests/text/render_reference.mjs tests/text/chat_conversations.json 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    why = "could not start node";
    return false;
  }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = pclose(p);
  if (rc != 0) {
    why = "node tests/text/render_reference.mjs failed (exit " + std::to_string(rc) +
          "). Node 20 and @huggingface/jinja are needed: run `make deps` (npm install at the repo root). Output:\n" +
          out.substr(0, 2000);
    return false;
  }
  return true;
}

TEST(ChatTemplateReference, MatchesHuggingFaceJinjaByteForByte) {
  std::string raw, why;
  ASSERT_TRUE(run_reference(raw, why)) << why;
  ordered_json ref;
  try {
    ref = ordered_json::parse(raw);
  } catch (const std::exception& e) {
    FAIL() << "reference output is not JSON (" << e.what() << "); run `make deps`. Output:\n" << raw.substr(0, 2000);
  }
  const ordered_json table = ordered_json::parse(read_file(kTextDir + "/chat_conversations.json"));
  ASSERT_GE(table["conversations"].size(), 30u);
  ASSERT_GE(table["templates"].size(), 4u);
  std::map<std::string, ordered_json> convs;
  for (const auto& c : table["conversations"]) convs[c["name"].get<std::string>()] = c;
  std::map<std::string, onboard::ChatTemplate> templates;
  for (const auto& t : table["templates"]) {
    auto parsed = onboard::ChatTemplate::parse(read_file(kTextDir + "/templates/" + t.get<std::string>()));
    ASSERT_TRUE(parsed.ok()) << t << ": " << parsed.error().message;
    templates.emplace(t.get<std::string>(), std::move(parsed.value()));
  }
  ASSERT_EQ(ref.size(), table["templates"].size() * table["conversations"].size());
  size_t compared = 0, matched = 0;
  for (const auto& r : ref) {
    const std::string tname = r["template"], cname = r["conversation"];
    const auto& c = convs.at(cname);
    const ordered_json tools = c.contains("tools") ? c["tools"] : ordered_json(nullptr);
    auto got = onboard::apply_chat_template(templates.at(tname), c["messages"], c["add_generation_prompt"].get<bool>(),
                                            table["bos_token"].get<std::string>(), table["eos_token"].get<std::string>(),
                                            tools);
    ++compared;
    if (!r["ok"].get<bool>()) {
      EXPECT_FALSE(got.ok()) << tname << " / " << cname << ": reference failed (" << r["error"] << ") but we rendered";
      if (!got.ok()) ++matched;
      continue;
    }
    if (!got.ok()) {
      ADD_FAILURE() << tname << " / " << cname << ": " << got.error().message;
      continue;
    }
    const std::string expected = r["output"];
    EXPECT_EQ(got.value(), expected) << tname << " / " << cname;
    if (got.value() == expected) ++matched;
  }
  std::printf("[chat template reference] %zu renders compared, %zu byte-identical\n", compared, matched);
  EXPECT_EQ(compared, matched);
}

}  // namespace
