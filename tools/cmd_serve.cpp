// onboard serve: the OpenAI-compatible server (src/server/) on one or more models.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <pthread.h>
#include <sstream>
#include <thread>

#include "cli_options.h"
#include "cockpit/cockpit_routes.h"
#include "cockpit/vehicle_routes.h"
#include "cockpit/vehicle_source.h"
#include "commands.h"
#include "gateway/gateway.h"
#include "server/http_server.h"

namespace onboard::cli {
namespace {

// The privacy gateway in front of the models: the policy file (else the repository's CN
// default), plus the --upstream endpoint.
Expected<std::shared_ptr<gateway::Gateway>> make_gateway(const std::string& policy_file, const std::string& upstream,
                                                         const std::string& key_file, const std::string& region,
                                                         const std::string& mode, const std::string& model,
                                                         const std::string& dir,
                                                         const std::vector<std::unique_ptr<server::ServedModel>>& models) {
  gateway::GatewayOptions go;
  auto policy = gateway::PrivacyPolicy::load(policy_file.empty() ? ONBOARD_DEFAULT_POLICY : policy_file);
  if (!policy.ok()) return policy.error();
  go.policy = std::move(*policy);
  if (!upstream.empty()) {
    gateway::UpstreamEndpoint ep{"upstream", upstream, region, model, *gateway::parse_mode(mode), ""};
    if (!key_file.empty()) {
      std::ifstream in(key_file);
      if (!in || !std::getline(in, ep.key) || ep.key.empty())
        return make_error(ErrorCode::kIo, key_file + ": cannot read the upstream key (its first line)");
      while (!ep.key.empty() && (ep.key.back() == '\r' || ep.key.back() == ' ')) ep.key.pop_back();
    }
    go.policy.endpoints.push_back(std::move(ep));
  }
  for (const std::string& line : go.policy.lint()) std::fprintf(stderr, "onboard: policy: %s\n", line.c_str());
  go.state_dir = dir;
  for (const auto& m : models) go.local_model_ids.push_back(m->id());
  auto g = gateway::Gateway::create(std::move(go));
  if (!g.ok()) return g.error();
  std::fprintf(stderr, "onboard: privacy gateway on (%s policy, state in %s/)\n", (*g)->policy().market.c_str(), dir.c_str());
  return std::shared_ptr<gateway::Gateway>(std::move(*g));
}

}  // namespace

int cmd_serve(int argc, char** argv) {
  CLI::App app{"Serve the OpenAI-compatible API (chat/completions, completions, models, metrics)", "onboard serve"};
  std::vector<std::string> model_paths, aliases;
  server::ServerOptions so;
  int threads = 0, slots = 4, max_queue = 64;
  int64_t ctx = 4096, batch = 256;
  std::string kv_type = "f16", api_key_file, template_file;
  std::vector<std::string> deadlines;
  app.add_option("-m,--model", model_paths, "model file (GGUF); repeat to serve several")->required();
  app.add_option("--alias", aliases, "model id for the -m of the same position (default: the file stem)");
  app.add_option("--host", so.host, "address to bind (default 127.0.0.1: this machine only)");
  app.add_option("--port", so.port, "port (0: any free one)");
  app.add_option("-t,--threads", threads, "threads (default: all cores)");
  app.add_option("-c,--ctx-size", ctx, "context tokens of each slot (KV cache planned for it)");
  app.add_option("-b,--batch-size", batch, "prompt tokens per step (chunked prefill)");
  app.add_option("--kv-type", kv_type, "KV cache storage: f32 or f16")->check(CLI::IsMember({"f32", "f16"}));
  app.add_option("--slots", slots, "sequences that hold a KV cache at once, per model");
  app.add_option("--max-queue", max_queue, "waiting sequences before requests get 429");
  app.add_option("--api-key-file", api_key_file, "file of accepted API keys, one a line (\"KEY class\" sets its priority)");
  app.add_option("--deadline", deadlines,
                 "CLASS=SECONDS: a request of that class not started within it gets 503 (repeatable; "
                 "default critical=5, none for the others)");
  app.add_option("--read-timeout", so.read_timeout_s, "seconds a client may stall mid-request before it is dropped");
  app.add_option("--http-threads", so.http_threads, "connections served at once");
  app.add_option("--max-body-bytes", so.max_body_bytes, "largest request body (else 413)");
  app.add_option("--chat-template", template_file, "Jinja chat template file overriding the models' own");
  std::string upstream, upstream_key_file, upstream_region = "CN", upstream_mode = "public", upstream_model = "deepseek-chat";
  std::string policy_file, gateway_dir = "onboard-gateway";
  app.add_option("--upstream", upstream, "upstream OpenAI-compatible base URL (e.g. https://api.deepseek.com/v1): enables the privacy gateway");
  app.add_option("--upstream-key-file", upstream_key_file, "file whose first line is the upstream API key");
  app.add_option("--upstream-region", upstream_region, "region of the upstream (R9 allow-list), default CN");
  app.add_option("--upstream-mode", upstream_mode, "integration mode of the upstream (R13)")->check(CLI::IsMember({"public", "private"}));
  app.add_option("--upstream-model", upstream_model, "model sent upstream when the request names none of the policy's");
  app.add_option("--policy", policy_file, "privacy policy JSON (config/gateway/README.md); default: the CN policy");
  app.add_option("--gateway-dir", gateway_dir, "folder of the gateway's consent store and audit log");
  std::string vehicle_spec = "sim", vss_file;
  app.add_option("--vehicle", vehicle_spec,
                 "the vehicle behind /v1/vehicle/*: 'sim' (simulated, in-process), a KUKSA.val v2 databroker's "
                 "host:port, or 'none'");
  app.add_option("--vss", vss_file, "VSS release JSON (default: " + cockpit::default_vss_file() + ")");
  CLI11_PARSE(app, argc, argv);

  if (!aliases.empty() && aliases.size() != model_paths.size())
    return fail(make_error(ErrorCode::kInvalidArgument, "give one --alias per -m, or none"));
  if (ctx <= 0 || slots <= 0 || batch <= 0)
    return fail(make_error(ErrorCode::kInvalidArgument, "-c, -b and --slots must be positive"));
  server::StartDeadlines start_deadlines{};
  start_deadlines[static_cast<size_t>(server::Priority::kCritical)] = std::chrono::seconds(5);
  for (const auto& d : deadlines) {
    const size_t eq = d.find('=');
    const auto cls = server::parse_priority(d.substr(0, eq == std::string::npos ? d.size() : eq));
    char* end = nullptr;
    const double sec = eq == std::string::npos ? -1 : std::strtod(d.c_str() + eq + 1, &end);
    if (!cls || eq == std::string::npos || end == d.c_str() + eq + 1 || *end != '\0' || !(sec >= 0))
      return fail(make_error(ErrorCode::kInvalidArgument, "--deadline '" + d + "': expected CLASS=SECONDS, e.g. critical=2"));
    start_deadlines[static_cast<size_t>(*cls)] = std::chrono::milliseconds(static_cast<int64_t>(sec * 1000));
  }
  if (so.read_timeout_s <= 0 || so.http_threads <= 0)
    return fail(make_error(ErrorCode::kInvalidArgument, "--read-timeout and --http-threads must be positive"));
  std::string template_source;
  if (!template_file.empty()) {
    std::ifstream in(template_file);
    if (!in) return fail(make_error(ErrorCode::kIo, template_file + ": cannot open"));
    std::stringstream ss;
    ss << in.rdbuf();
    template_source = ss.str();
  }
  server::ApiKeys keys;
  if (!api_key_file.empty()) {
    auto k = server::ApiKeys::load(api_key_file);
    if (!k.ok()) return fail(k.error());
    keys = std::move(*k);
  }

  // SIGINT/SIGTERM are taken by a thread of their own (blocked here, before any thread starts).
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  std::vector<std::unique_ptr<server::ServedModel>> models;
  for (size_t i = 0; i < model_paths.size(); ++i) {
    server::ServedModelOptions mo;
    mo.id = aliases.empty() ? std::filesystem::path(model_paths[i]).stem().string() : aliases[i];
    for (const auto& m : models)
      if (m->id() == mo.id) return fail(make_error(ErrorCode::kInvalidArgument, "two models with the id '" + mo.id + "' (use --alias)"));
    mo.chat_template = template_source;
    mo.n_ctx = ctx;
    mo.n_batch = batch;
    mo.n_threads = resolve_threads(threads);
    mo.kv_type = kv_type == "f32" ? GgmlType::F32 : GgmlType::F16;
    mo.n_slots = slots;
    mo.max_queue = max_queue;
    mo.start_deadlines = start_deadlines;
    auto m = server::ServedModel::create(model_paths[i], mo);
    if (!m.ok()) return fail(m.error());
    std::fprintf(stderr, "onboard: serving %s as '%s' (%d slots of %lld tokens)\n", model_paths[i].c_str(), mo.id.c_str(),
                 slots, static_cast<long long>(ctx));
    models.push_back(std::move(*m));
  }

  if (!upstream.empty() || !policy_file.empty()) {
    auto g = make_gateway(policy_file, upstream, upstream_key_file, upstream_region, upstream_mode, upstream_model,
                          gateway_dir, models);
    if (!g.ok()) return fail(g.error());
    so.router = std::move(*g);
  }
  std::shared_ptr<cockpit::Vehicle> vehicle;
  if (vehicle_spec != "none") {
    auto v = cockpit::open_vehicle(vehicle_spec, vss_file);
    if (!v.ok()) return fail(v.error());
    vehicle = std::move(*v);
    std::fprintf(stderr, "onboard: vehicle: %s (%zu VSS signals)\n",
                 vehicle_spec == "sim" ? "simulated" : ("KUKSA databroker at " + vehicle_spec).c_str(),
                 vehicle->tree().signals().size());
    so.extra_routes.push_back(cockpit::vehicle_routes(vehicle));
  }
  // The cockpit agent (POST /v1/cockpit/turn) on that vehicle; it outlives the server.
  std::unique_ptr<cockpit::CockpitAgent> agent;
  if (vehicle) {
    agent = std::make_unique<cockpit::CockpitAgent>(*vehicle);
    so.extra_routes.push_back([&agent](httplib::Server& s) { cockpit::install_cockpit_routes(s, *agent); });
  }
  server::HttpServer http(std::move(models), std::move(keys), so);
  auto port = http.bind();
  if (!port.ok()) return fail(port.error());
  std::printf("onboard: listening on http://%s:%d/v1\n", so.host.c_str(), *port);
  std::fflush(stdout);

  std::thread signals([&http, sigs] {
    int sig = 0;
    sigwait(&sigs, &sig);
    std::fprintf(stderr, "onboard: signal %d, stopping\n", sig);
    http.stop();
  });
  const Status st = http.listen();
  // listen() returned (a signal, or an error): wake the signal thread if it still waits.
  pthread_kill(signals.native_handle(), SIGTERM);
  signals.join();
  if (!st.ok()) return fail(st.error());
  return 0;
}

}  // namespace onboard::cli
