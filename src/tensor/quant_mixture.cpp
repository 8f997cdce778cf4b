#include "tensor/quant_mixture.h"

#include <cctype>
#include <algorithm>

namespace onboard {
namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}
bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// Layer of "blk.N.*", or -1.
int64_t layer_of(std::string_view name) {
  if (name.substr(0, 4) != "blk.") return -1;
  int64_t v = 0;
  size_t i = 4;
  if (i >= name.size() || !std::isdigit(static_cast<unsigned char>(name[i]))) return -1;
  for (; i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])); ++i) v = v * 10 + (name[i] - '0');
  return v;
}

// The 32-element type llama.cpp falls back to when a row does not split into 256-blocks.
GgmlType fallback_of(GgmlType t) {
  switch (t) {
    case GgmlType::Q2_K: case GgmlType::Q3_K: case GgmlType::IQ4_XS: return GgmlType::IQ4_NL;
    case GgmlType::Q4_K: return GgmlType::Q5_0;
    case GgmlType::Q5_K: return GgmlType::Q5_1;
    case GgmlType::Q6_K: return GgmlType::Q8_0;
    default: return GgmlType::F16;
  }
}

bool is_quantized(GgmlType t) {
  return t != GgmlType::F32 && t != GgmlType::F16 && t != GgmlType::BF16;
}

}  // namespace

const std::vector<QuantMix>& quant_mixes() {
  static const std::vector<QuantMix> mixes = {
      {"Q8_0", 7, GgmlType::Q8_0},     {"Q4_0", 2, GgmlType::Q4_0},     {"Q4_K_M", 15, GgmlType::Q4_K},
      {"Q4_K_S", 14, GgmlType::Q4_K},  {"Q5_K_M", 17, GgmlType::Q5_K},  {"Q5_K_S", 16, GgmlType::Q5_K},
      {"Q6_K", 18, GgmlType::Q6_K},    {"Q3_K_M", 12, GgmlType::Q3_K},  {"Q2_K", 10, GgmlType::Q2_K},
      {"F16", 1, GgmlType::F16},       {"BF16", 32, GgmlType::BF16},    {"F32", 0, GgmlType::F32},
  };
  return mixes;
}

std::optional<QuantMix> find_quant_mix(std::string_view name) {
  for (const auto& m : quant_mixes()) {
    if (m.name.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i)
      same = std::toupper(static_cast<unsigned char>(name[i])) == static_cast<unsigned char>(m.name[i]);
    if (same) return m;
  }
  return std::nullopt;
}

std::string quant_mix_names() {
  std::string s;
  for (const auto& m : quant_mixes()) s += (s.empty() ? "" : ", ") + std::string(m.name);
  return s;
}

bool is_quantizable(std::string_view name, int n_dims) {
  return n_dims >= 2 && ends_with(name, "weight") && !contains(name, "_norm.weight") &&
         !contains(name, "ffn_gate_inp.weight");
}

bool use_more_bits(int64_t i_layer, int64_t n_layer) {
  return i_layer < n_layer / 8 || i_layer >= 7 * n_layer / 8 || (i_layer - n_layer / 8) % 3 == 2;
}

TypeChoice choose_tensor_type(const QuantMix& mix, std::string_view name, int64_t ne0, const MixModel& m) {
  GgmlType t = mix.base;
  const std::string_view f = mix.name;
  // Float targets are not mixed: every converted weight gets the base type.
  if (!is_quantized(mix.base)) return {t, false};
  const int64_t layer = layer_of(name);
  const int64_t i = layer < 0 ? 0 : layer, n = std::max<int64_t>(m.n_layer, 1);

  if (name == "output.weight" || (!m.has_output && name == "token_embd.weight")) {
    if (ne0 % traits(mix.base).block_size != 0) t = GgmlType::Q8_0;
    else if (mix.base != GgmlType::Q8_0) t = GgmlType::Q6_K;
  } else if (name == "token_embd.weight") {
    // The embedding keeps the base type in these mixes.
  } else if (contains(name, "attn_v.weight")) {
    if (f == "Q2_K") t = m.n_gqa >= 4 ? GgmlType::Q4_K : GgmlType::Q3_K;
    else if (f == "Q3_K_M") t = i < 2 ? GgmlType::Q5_K : GgmlType::Q4_K;
    else if ((f == "Q4_K_M" || f == "Q5_K_M") && use_more_bits(i, n)) t = GgmlType::Q6_K;
    else if (f == "Q4_K_S" && i < 4) t = GgmlType::Q5_K;
  } else if (contains(name, "ffn_down")) {
    if (f == "Q2_K") t = GgmlType::Q3_K;
    else if (f == "Q3_K_M") t = i < n / 16 ? GgmlType::Q5_K : GgmlType::Q4_K;
    else if ((f == "Q4_K_M" || f == "Q5_K_M") && use_more_bits(i, n)) t = GgmlType::Q6_K;
    else if (f == "Q4_K_S" && i < n / 8) t = GgmlType::Q5_K;
  } else if (contains(name, "attn_output.weight")) {
    if (f == "Q2_K") t = GgmlType::Q3_K;
    else if (f == "Q3_K_M") t = GgmlType::Q4_K;
  } else if (contains(name, "attn_qkv.weight")) {
    if (f == "Q3_K_M") t = GgmlType::Q4_K;
    else if (f == "Q4_K_M") t = GgmlType::Q5_K;
    else if (f == "Q5_K_M") t = GgmlType::Q6_K;
  }

  if (ne0 % traits(t).block_size == 0) return {t, false};
  t = fallback_of(t);
  if (ne0 % traits(t).block_size != 0) t = GgmlType::F16;
  return {t, true};
}

}  // namespace onboard
