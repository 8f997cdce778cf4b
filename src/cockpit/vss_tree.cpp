#include "cockpit/vss_tree.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <tuple>
#include <utility>

namespace onboard::cockpit {
namespace {

struct DatatypeName {
  std::string_view name;
  VssDatatype type;
};
constexpr DatatypeName kDatatypes[] = {
    {"boolean", VssDatatype::kBoolean}, {"int8", VssDatatype::kInt8},     {"int16", VssDatatype::kInt16},
    {"int32", VssDatatype::kInt32},     {"int64", VssDatatype::kInt64},   {"uint8", VssDatatype::kUint8},
    {"uint16", VssDatatype::kUint16},   {"uint32", VssDatatype::kUint32}, {"uint64", VssDatatype::kUint64},
    {"float", VssDatatype::kFloat},     {"double", VssDatatype::kDouble}, {"string", VssDatatype::kString},
};

class TreeBuilder {
 public:
  explicit TreeBuilder(std::string_view source) : source_(source) {}

  Status add(const nlohmann::json& node, const std::string& path) {
    if (!node.is_object()) return fail(path, "is not a JSON object");
    auto type_it = node.find("type");
    if (type_it == node.end() || !type_it->is_string()) return fail(path, "has no \"type\"");
    const std::string type = type_it->get<std::string>();
    if (type == "branch") {
      branches_.push_back(path);
      auto children = node.find("children");
      if (children == node.end()) return Status::Ok();
      if (!children->is_object()) return fail(path, "\"children\" is not an object");
      for (const auto& [name, child] : children->items()) {
        if (name.empty() || name.find('.') != std::string::npos) return fail(path, "has a child named '" + name + "'");
        ONBOARD_TRY(add(child, path + "." + name));
      }
      return Status::Ok();
    }
    VssSignal s;
    s.path = path;
    if (type == "sensor") s.type = VssNodeType::kSensor;
    else if (type == "actuator") s.type = VssNodeType::kActuator;
    else if (type == "attribute") s.type = VssNodeType::kAttribute;
    else return fail(path, "has unknown type '" + type + "'");
    auto dt = node.find("datatype");
    if (dt == node.end() || !dt->is_string()) return fail(path, "(" + type + ") has no \"datatype\"");
    std::string dt_name = dt->get<std::string>();
    if (dt_name.size() > 2 && dt_name.ends_with("[]")) {
      s.is_array = true;
      dt_name.resize(dt_name.size() - 2);
    }
    auto known = std::find_if(std::begin(kDatatypes), std::end(kDatatypes),
                              [&](const DatatypeName& d) { return d.name == dt_name; });
    if (known == std::end(kDatatypes)) return fail(path, "has unsupported datatype '" + dt->get<std::string>() + "'");
    s.datatype = known->type;
    if (auto u = node.find("unit"); u != node.end()) {
      if (!u->is_string()) return fail(path, "\"unit\" is not a string");
      s.unit = u->get<std::string>();
    }
    for (auto [key, field] : {std::pair{"min", &s.min}, std::pair{"max", &s.max}}) {
      auto it = node.find(key);
      if (it == node.end()) continue;
      if (!it->is_number()) return fail(path, std::string("\"") + key + "\" is not a number");
      *field = it->get<double>();
    }
    if (s.min && s.max && *s.min > *s.max) return fail(path, "has min > max");
    if (auto a = node.find("allowed"); a != node.end()) {
      if (!a->is_array()) return fail(path, "\"allowed\" is not an array");
      for (const auto& v : *a) s.allowed.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    }
    if (auto d = node.find("description"); d != node.end() && d->is_string()) s.description = d->get<std::string>();
    if (auto d = node.find("default"); d != node.end()) s.default_value = *d;
    signals_.push_back(std::move(s));
    return Status::Ok();
  }

  std::pair<std::vector<VssSignal>, std::vector<std::string>> take() { return {std::move(signals_), std::move(branches_)}; }

 private:
  Error fail(const std::string& path, const std::string& what) const {
    return make_error(ErrorCode::kCorrupt, std::string(source_) + ": VSS node " + path + " " + what);
  }

  std::string_view source_;
  std::vector<VssSignal> signals_;
  std::vector<std::string> branches_;
};

}  // namespace

Expected<VssTree> VssTree::load_json(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error(ErrorCode::kIo, "cannot open VSS JSON '" + file + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json(text.str(), file);
}

Expected<VssTree> VssTree::parse_json(std::string_view text, std::string_view source_name) {
  auto root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return make_error(ErrorCode::kCorrupt, std::string(source_name) + ": not valid JSON");
  if (!root.is_object() || root.empty())
    return make_error(ErrorCode::kCorrupt, std::string(source_name) + ": expected an object with the root branch (\"Vehicle\")");
  TreeBuilder builder(source_name);
  for (const auto& [name, node] : root.items()) ONBOARD_TRY(builder.add(node, name));
  VssTree tree;
  std::tie(tree.signals_, tree.branches_) = builder.take();
  std::sort(tree.signals_.begin(), tree.signals_.end(), [](const VssSignal& a, const VssSignal& b) { return a.path < b.path; });
  std::sort(tree.branches_.begin(), tree.branches_.end());
  if (tree.signals_.empty()) return make_error(ErrorCode::kCorrupt, std::string(source_name) + ": the tree has no leaves");
  return tree;
}

const VssSignal* VssTree::find(std::string_view path) const {
  auto it = std::lower_bound(signals_.begin(), signals_.end(), path,
                             [](const VssSignal& s, std::string_view p) { return s.path < p; });
  return it != signals_.end() && it->path == path ? &*it : nullptr;
}

bool VssTree::is_branch(std::string_view path) const {
  return std::binary_search(branches_.begin(), branches_.end(), path,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

std::vector<const VssSignal*> VssTree::under(std::string_view branch) const {
  std::vector<const VssSignal*> out;
  const std::string prefix = std::string(branch) + ".";
  auto it = std::lower_bound(signals_.begin(), signals_.end(), prefix,
                             [](const VssSignal& s, const std::string& p) { return s.path < p; });
  for (; it != signals_.end() && it->path.starts_with(prefix); ++it) out.push_back(&*it);
  return out;
}

std::string_view to_string(VssDatatype t) {
  for (const auto& d : kDatatypes)
    if (d.type == t) return d.name;
  return "?";
}

std::string_view to_string(VssNodeType t) {
  switch (t) {
    case VssNodeType::kSensor: return "sensor";
    case VssNodeType::kActuator: return "actuator";
    case VssNodeType::kAttribute: return "attribute";
  }
  return "?";
}

}  // namespace onboard::cockpit
