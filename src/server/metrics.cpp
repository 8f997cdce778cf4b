#include "server/metrics.h"

#include <cstdio>

namespace onboard::server {
namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

void Histogram::observe(double v) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t i = 0;
  while (i < kBounds.size() && v > kBounds[i]) ++i;
  ++counts_[i];
  sum_ += v;
  ++count_;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t cum = 0;
  const std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i < kBounds.size(); ++i) {
    cum += counts_[i];
    out += name + "_bucket{" + labels + sep + "le=\"" + num(kBounds[i]) + "\"} " + std::to_string(cum) + "\n";
  }
  cum += counts_[kBounds.size()];
  out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(cum) + "\n";
  out += name + "_sum{" + labels + "} " + num(sum_) + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(count_) + "\n";
}

namespace {
int64_t whole_seconds(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
}  // namespace

void RateWindow::add(int64_t n, std::chrono::steady_clock::time_point now) {
  const int64_t sec = whole_seconds(now);
  const size_t i = static_cast<size_t>(sec % kWindow);
  std::lock_guard<std::mutex> lock(mu_);
  if (second_[i] != sec) {
    second_[i] = sec;
    counts_[i] = 0;
  }
  counts_[i] += n;
}

double RateWindow::per_second(std::chrono::steady_clock::time_point now) const {
  const int64_t sec = whole_seconds(now);
  int64_t sum = 0;
  std::lock_guard<std::mutex> lock(mu_);
  // The current second is still filling: the window is the kWindow seconds before it.
  for (size_t i = 0; i < counts_.size(); ++i)
    if (second_[i] < sec && second_[i] >= sec - kWindow) sum += counts_[i];
  return static_cast<double>(sum) / kWindow;
}

std::string Metrics::render(const std::vector<ModelGauges>& models) const {
  std::string o;
  o += "# HELP onboard_requests_total Requests answered, by outcome.\n# TYPE onboard_requests_total counter\n";
  o += "onboard_requests_total{outcome=\"ok\"} " + std::to_string(requests_ok.load()) + "\n";
  o += "onboard_requests_total{outcome=\"error\"} " + std::to_string(requests_error.load()) + "\n";
  o += "onboard_requests_total{outcome=\"rejected\"} " + std::to_string(requests_rejected.load()) + "\n";
  o += "onboard_requests_total{outcome=\"cancelled\"} " + std::to_string(requests_cancelled.load()) + "\n";
  o += "# HELP onboard_prompt_tokens_total Prompt tokens admitted.\n# TYPE onboard_prompt_tokens_total counter\n";
  o += "onboard_prompt_tokens_total " + std::to_string(prompt_tokens.load()) + "\n";
  o += "# HELP onboard_tokens_generated_total Tokens generated.\n# TYPE onboard_tokens_generated_total counter\n";
  o += "onboard_tokens_generated_total " + std::to_string(generated_tokens.load()) + "\n";
  o += "# HELP onboard_queue_depth Sequences waiting for a slot.\n# TYPE onboard_queue_depth gauge\n";
  for (const auto& [model, st, kv, kv_cap] : models)
    for (int c = 0; c < kNumPriorities; ++c)
      o += "onboard_queue_depth{model=\"" + model + "\",priority=\"" + priority_name(static_cast<Priority>(c)) + "\"} " +
           std::to_string(st.queued[c]) + "\n";
  o += "# HELP onboard_running_sequences Sequences holding a slot.\n# TYPE onboard_running_sequences gauge\n";
  for (const auto& [model, st, kv, kv_cap] : models)
    for (int c = 0; c < kNumPriorities; ++c)
      o += "onboard_running_sequences{model=\"" + model + "\",priority=\"" + priority_name(static_cast<Priority>(c)) +
           "\"} " + std::to_string(st.running[c]) + "\n";
  o += "# HELP onboard_paused_sequences Sequences holding a slot but paused for a higher class.\n"
       "# TYPE onboard_paused_sequences gauge\n";
  for (const auto& [model, st, kv, kv_cap] : models)
    o += "onboard_paused_sequences{model=\"" + model + "\"} " + std::to_string(st.paused) + "\n";
  o += "# HELP onboard_evictions_total Sequences that gave up their slot to a higher class.\n"
       "# TYPE onboard_evictions_total counter\n";
  for (const auto& [model, st, kv, kv_cap] : models)
    o += "onboard_evictions_total{model=\"" + model + "\"} " + std::to_string(st.evictions) + "\n";
  o += "# HELP onboard_kv_cache_tokens Tokens held in the slots' KV caches (running sequences and kept prefixes).\n# TYPE onboard_kv_cache_tokens gauge\n";
  for (const auto& m : models) o += "onboard_kv_cache_tokens{model=\"" + m.id + "\"} " + std::to_string(m.kv_tokens) + "\n";
  o += "# HELP onboard_kv_cache_usage_ratio Share of the planned KV cache in use.\n"
       "# TYPE onboard_kv_cache_usage_ratio gauge\n";
  for (const auto& m : models)
    o += "onboard_kv_cache_usage_ratio{model=\"" + m.id + "\"} " +
         num(m.kv_capacity > 0 ? static_cast<double>(m.kv_tokens) / static_cast<double>(m.kv_capacity) : 0) + "\n";
  const int64_t prompt = prompt_tokens.load(), cached = cached_prompt_tokens.load();
  o += "# HELP onboard_prefix_cache_hit_tokens_total Prompt tokens whose KV a slot already held (not recomputed).\n"
       "# TYPE onboard_prefix_cache_hit_tokens_total counter\n";
  o += "onboard_prefix_cache_hit_tokens_total " + std::to_string(cached) + "\n";
  o += "# HELP onboard_prefix_cache_hit_ratio Prompt tokens served from the prefix cache / prompt tokens admitted.\n"
       "# TYPE onboard_prefix_cache_hit_ratio gauge\n";
  o += "onboard_prefix_cache_hit_ratio " + num(prompt > 0 ? static_cast<double>(cached) / static_cast<double>(prompt) : 0) +
       "\n";
  o += "# HELP onboard_tokens_per_second Tokens generated per second over the last " +
       std::to_string(RateWindow::kWindow) + " s.\n# TYPE onboard_tokens_per_second gauge\n";
  o += "onboard_tokens_per_second " + num(token_rate.per_second(std::chrono::steady_clock::now())) + "\n";
  o += "# HELP onboard_ttft_seconds Time from arrival to the first token.\n# TYPE onboard_ttft_seconds histogram\n";
  for (int c = 0; c < kNumPriorities; ++c)
    ttft[c].render(o, "onboard_ttft_seconds", std::string("priority=\"") + priority_name(static_cast<Priority>(c)) + "\"");
  o += "# HELP onboard_inter_token_seconds Time between tokens of a sequence.\n"
       "# TYPE onboard_inter_token_seconds histogram\n";
  for (int c = 0; c < kNumPriorities; ++c)
    inter_token[c].render(o, "onboard_inter_token_seconds",
                          std::string("priority=\"") + priority_name(static_cast<Priority>(c)) + "\"");
  return o;
}

}  // namespace onboard::server
