// onboard run: one prompt, streamed to stdout; speed to stderr; optional logits dump in
// the conformance format of shared/fixtures/README.md.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "cli_options.h"
#include "commands.h"
#include "prompt.h"
#include "runtime/grammar/grammar_source.h"
#include "text/detokenizer.h"

namespace onboard::cli {
namespace {

struct Step {
  int64_t pos;
  int32_t chosen;
  std::vector<std::pair<int32_t, float>> top;
  float gap;
};

std::vector<std::pair<int32_t, float>> top_k(const float* logits, int64_t n, int k) {
  std::vector<std::pair<int32_t, float>> best;
  for (int64_t i = 0; i < n; ++i) {
    std::pair<int32_t, float> c{static_cast<int32_t>(i), logits[i]};
    auto better = [](const auto& a, const auto& b) { return a.second > b.second || (a.second == b.second && a.first < b.first); };
    if (static_cast<int>(best.size()) < k || better(c, best.back())) {
      best.insert(std::upper_bound(best.begin(), best.end(), c, better), c);
      if (static_cast<int>(best.size()) > k) best.pop_back();
    }
  }
  return best;
}

nlohmann::json row_json(const float* logits, int64_t n) {
  nlohmann::json a = nlohmann::json::array();
  for (int64_t i = 0; i < n; ++i) a.push_back(logits[i]);
  return a;
}

}  // namespace

int cmd_run(int argc, char** argv) {
  CLI::App app{"Run one prompt and stream the answer", "onboard run"};
  ModelFlags mf;
  SamplingFlags sf;
  PromptFlags pf;
  int64_t n_predict = 256;
  std::string dump_path;
  add_model_flags(app, mf);
  add_sampling_flags(app, sf);
  add_prompt_flags(app, pf);
  app.add_option("-n,--n-predict", n_predict, "tokens to generate");
  app.add_option("--dump-logits", dump_path, "write prompt and step logits as JSON (fixture format)");
  std::string grammar_path, schema_path;
  auto* grammar_opt = app.add_option("--grammar", grammar_path, "constrain the output to a GBNF grammar (llama.cpp format)")
                          ->check(CLI::ExistingFile);
  app.add_option("--json-schema", schema_path, "constrain the output to a JSON value of this JSON Schema")
      ->check(CLI::ExistingFile)
      ->excludes(grammar_opt);
  CLI11_PARSE(app, argc, argv);
  std::shared_ptr<const runtime::grammar::Grammar> grammar;
  if (!grammar_path.empty() || !schema_path.empty()) {
    const std::string& path = grammar_path.empty() ? schema_path : grammar_path;
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto g = grammar_path.empty() ? runtime::grammar::grammar_from_json_schema(text) : runtime::grammar::grammar_from_gbnf(text);
    if (!g.ok()) return fail(make_error(g.error().code, path + ": " + g.error().message));
    grammar = std::move(*g);
  }

  auto loaded = runtime::load(mf.model);
  if (!loaded.ok()) return fail(loaded.error());
  runtime::LoadedModel& lm = **loaded;
  std::fprintf(stderr, "onboard: loaded %s (%s, %lld layers) in %.3f s\n", mf.model.c_str(), lm.model->config().arch.c_str(),
               static_cast<long long>(lm.model->config().n_layer), lm.load_seconds);
  for (const auto& n : lm.notes) std::fprintf(stderr, "onboard: %s\n", n.c_str());

  auto tokens = build_prompt(lm, pf);
  if (!tokens.ok()) return fail(tokens.error());
  auto opts = session_options(mf, sf, lm.model->config());
  if (!opts.ok()) return fail(opts.error());
  const bool dump = !dump_path.empty();
  if (dump) {
    opts->state.all_logits = true;
    opts->state.n_batch = std::max<int64_t>(opts->state.n_batch, static_cast<int64_t>(tokens->size()));
  }
  ThreadPool pool(opts->state.n_threads);
  auto session = runtime::Session::create(*lm.model, lm.tokenizer, *opts, pool);
  if (!session.ok()) return fail(session.error());
  runtime::Session& s = **session;
  s.set_grammar(grammar);

  if (auto st = s.prefill(*tokens); !st.ok()) return fail(st.error());
  const int64_t n_vocab = s.state().n_vocab();
  nlohmann::json all_logits = nlohmann::json::array();
  std::vector<float> logits_last;
  if (dump) {
    for (int64_t i = 0; i < s.state().n_logits(); ++i) all_logits.push_back(row_json(s.state().logits(i), n_vocab));
    const float* last = s.state().logits(s.state().n_logits() - 1);
    logits_last.assign(last, last + n_vocab);
  }

  text::StreamingDetokenizer detok(lm.tokenizer, /*skip_special=*/false);
  std::vector<Step> steps;
  const int64_t prompt_len = static_cast<int64_t>(tokens->size());
  auto result = s.generate(n_predict, [&](int32_t tok, const float* logits) {
    if (dump) {
      auto top = top_k(logits, n_vocab, 10);
      steps.push_back({prompt_len + static_cast<int64_t>(steps.size()), tok, top, top[0].second - top[1].second});
    }
    if (!lm.tokenizer.is_control(tok)) {
      const std::string piece = detok.push(tok);
      std::fwrite(piece.data(), 1, piece.size(), stdout);
      std::fflush(stdout);
    }
    return true;
  });
  if (!result.ok()) return fail(result.error());
  const std::string rest = detok.flush();
  std::fwrite(rest.data(), 1, rest.size(), stdout);
  std::fputc('\n', stdout);

  const auto& r = *result;
  const double gen_tokens = static_cast<double>(r.tokens.size() > 0 ? r.tokens.size() - 1 : 0);
  std::fprintf(stderr, "onboard: prompt %lld tokens in %.3f s (%.1f tok/s), generated %zu tokens (%.1f tok/s)\n",
               static_cast<long long>(prompt_len), r.prompt_seconds, prompt_len / std::max(r.prompt_seconds, 1e-9),
               r.tokens.size(), gen_tokens / std::max(r.generate_seconds, 1e-9));

  if (dump) {
    nlohmann::json j;
    j["prompt_tokens"] = *tokens;
    j["n_vocab"] = n_vocab;
    j["logits_last"] = logits_last;
    j["all_logits"] = std::move(all_logits);
    j["greedy_tokens"] = r.tokens;
    nlohmann::json js = nlohmann::json::array();
    for (const auto& st : steps) {
      nlohmann::json top = nlohmann::json::array();
      for (const auto& [id, v] : st.top) top.push_back({id, v});
      js.push_back({{"pos", st.pos}, {"chosen", st.chosen}, {"top", top}, {"gap", st.gap}});
    }
    j["steps"] = js;
    std::ofstream out(dump_path);
    out << j.dump();
    if (!out) return fail(make_error(ErrorCode::kIo, dump_path + ": cannot write"));
  }
  return 0;
}

}  // namespace onboard::cli
