#include "cockpit/kuksa_broker.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

#include "cockpit/kuksa_wire.h"
#include "kuksa/val/v2/val.grpc.pb.h"

namespace onboard::cockpit {
namespace {

namespace v2 = kuksa::val::v2;

constexpr size_t kMaxPathLength = 1000;  // as KUKSA's databroker

class ValService final : public v2::VAL::Service {
 public:
  explicit ValService(Vehicle& vehicle) : vehicle_(vehicle) {}
  void stop() { stopping_ = true; }

  grpc::Status GetValue(grpc::ServerContext*, const v2::GetValueRequest* req, v2::GetValueResponse* resp) override {
    auto path = path_of(req->signal_id());
    if (!path.ok()) return to_grpc_status(path.error());
    auto v = vehicle_.get(*path);
    if (!v.ok()) return to_grpc_status(v.error());
    fill(resp->mutable_data_point(), *path, *v);
    return grpc::Status::OK;
  }

  grpc::Status GetValues(grpc::ServerContext*, const v2::GetValuesRequest* req, v2::GetValuesResponse* resp) override {
    if (req->signal_ids().empty()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no signal ids given");
    for (const auto& id : req->signal_ids()) {
      auto path = path_of(id);
      if (!path.ok()) return to_grpc_status(path.error());
      auto v = vehicle_.get(*path);
      if (!v.ok()) return to_grpc_status(v.error());
      fill(resp->add_data_points(), *path, *v);
    }
    return grpc::Status::OK;
  }

  grpc::Status Actuate(grpc::ServerContext*, const v2::ActuateRequest* req, v2::ActuateResponse*) override {
    auto path = path_of(req->signal_id());
    if (!path.ok()) return to_grpc_status(path.error());
    auto value = typed_value(*path, req->value());
    if (!value.ok()) return to_grpc_status(value.error());
    auto s = vehicle_.actuate(*path, *value);
    return s.ok() ? grpc::Status::OK : to_grpc_status(s.error());
  }

  grpc::Status BatchActuate(grpc::ServerContext*, const v2::BatchActuateRequest* req, v2::BatchActuateResponse*) override {
    std::vector<std::pair<std::string, VssValue>> targets;
    for (const auto& one : req->actuate_requests()) {
      auto path = path_of(one.signal_id());
      if (!path.ok()) return to_grpc_status(path.error());
      auto value = typed_value(*path, one.value());
      if (!value.ok()) return to_grpc_status(value.error());
      targets.emplace_back(*path, *value);
    }
    auto s = vehicle_.actuate_batch(targets);
    return s.ok() ? grpc::Status::OK : to_grpc_status(s.error());
  }

  grpc::Status PublishValue(grpc::ServerContext*, const v2::PublishValueRequest* req, v2::PublishValueResponse*) override {
    auto path = path_of(req->signal_id());
    if (!path.ok()) return to_grpc_status(path.error());
    auto value = typed_value(*path, req->data_point().value());
    if (!value.ok()) return to_grpc_status(value.error());
    auto s = vehicle_.publish(*path, *value);
    return s.ok() ? grpc::Status::OK : to_grpc_status(s.error());
  }

  grpc::Status ListMetadata(grpc::ServerContext*, const v2::ListMetadataRequest* req, v2::ListMetadataResponse* resp) override {
    const VssTree& tree = vehicle_.tree();
    std::vector<const VssSignal*> found;
    if (const VssSignal* s = tree.find(req->root())) found.push_back(s);
    else if (tree.is_branch(req->root())) found = tree.under(req->root());
    else return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown VSS path '" + req->root() + "'");
    for (const VssSignal* s : found) {
      v2::Metadata* m = resp->add_metadata();
      m->set_path(s->path);
      m->set_id(id_of(*s));
      m->set_data_type(datatype_to_proto(*s));
      m->set_entry_type(entry_type_to_proto(s->type));
      m->set_description(s->description);
      m->set_unit(s->unit);
      VssSignal scalar = *s;
      scalar.is_array = false;
      if (s->min) *m->mutable_min() = value_to_proto(&scalar, VssValue{*s->min});
      if (s->max) *m->mutable_max() = value_to_proto(&scalar, VssValue{*s->max});
      if (!s->allowed.empty()) {
        auto* allowed = m->mutable_allowed_values()->mutable_string_array();
        for (const auto& a : s->allowed) allowed->add_values(a);
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status Subscribe(grpc::ServerContext* ctx, const v2::SubscribeRequest* req,
                         grpc::ServerWriter<v2::SubscribeResponse>* writer) override {
    if (req->signal_paths().empty()) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no signal paths given");
    std::vector<std::string> paths;
    for (const auto& p : req->signal_paths()) {
      if (p.size() > kMaxPathLength) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "path longer than 1000 characters");
      if (!vehicle_.tree().find(p)) return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown VSS signal '" + p + "'");
      paths.push_back(p);
    }
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::pair<std::string, VssValue>> queue;
    auto id = vehicle_.subscribe(paths, [&](const std::string& path, const VssValue& v) {
      std::lock_guard lock(mu);
      queue.emplace_back(path, v);
      cv.notify_one();
    });
    if (!id.ok()) return to_grpc_status(id.error());
    bool open = true;
    while (open && !ctx->IsCancelled() && !stopping_) {
      std::deque<std::pair<std::string, VssValue>> batch;
      {
        std::unique_lock lock(mu);
        cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return !queue.empty(); });
        batch.swap(queue);
      }
      // One message per run of distinct paths: a repeated path starts the next message, so
      // every change arrives, in order.
      v2::SubscribeResponse resp;
      for (auto& [path, v] : batch) {
        if (resp.entries().count(path)) {
          if (!writer->Write(resp)) open = false;
          resp.Clear();
        }
        fill(&(*resp.mutable_entries())[path], path, v);
      }
      if (open && !resp.entries().empty() && !writer->Write(resp)) open = false;
    }
    vehicle_.unsubscribe(*id);
    return grpc::Status::OK;
  }

 private:
  // The value, when it came in the field the signal's datatype travels in. Unknown paths pass
  // through, so the vehicle answers NOT_FOUND.
  Expected<VssValue> typed_value(const std::string& path, const v2::Value& v) const {
    if (const VssSignal* s = vehicle_.tree().find(path)) ONBOARD_TRY(check_wire_type(*s, v));
    return value_from_proto(v);
  }

  Expected<std::string> path_of(const v2::SignalID& id) const {
    if (id.signal_case() == v2::SignalID::kPath) {
      if (id.path().size() > kMaxPathLength) return make_error(ErrorCode::kInvalidArgument, "path longer than 1000 characters");
      return id.path();
    }
    if (id.signal_case() == v2::SignalID::kId) {
      const auto& all = vehicle_.tree().signals();
      if (id.id() < 0 || static_cast<size_t>(id.id()) >= all.size())
        return make_error(ErrorCode::kNotFound, "unknown signal id " + std::to_string(id.id()));
      return all[static_cast<size_t>(id.id())].path;
    }
    return make_error(ErrorCode::kInvalidArgument, "no signal id or path given");
  }

  // Ids are the signal's index in the sorted tree: stable for one VSS file.
  int32_t id_of(const VssSignal& s) const { return static_cast<int32_t>(&s - vehicle_.tree().signals().data()); }

  void fill(v2::Datapoint* dp, const std::string& path, const VssValue& v) const {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    auto* ts = dp->mutable_timestamp();
    ts->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    ts->set_nanos(static_cast<int32_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() % 1000000000));
    if (!std::holds_alternative<std::monostate>(v)) *dp->mutable_value() = value_to_proto(vehicle_.tree().find(path), v);
  }

  Vehicle& vehicle_;
  std::atomic<bool> stopping_{false};
};

}  // namespace

struct KuksaBroker::Impl {
  explicit Impl(Vehicle& v) : service(v) {}
  ValService service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::once_flag stopped;
};

KuksaBroker::KuksaBroker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KuksaBroker::~KuksaBroker() { shutdown(); }

Expected<std::unique_ptr<KuksaBroker>> KuksaBroker::start(Vehicle& vehicle, const std::string& address) {
  auto impl = std::make_unique<Impl>(vehicle);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &impl->port);
  builder.RegisterService(&impl->service);
  impl->server = builder.BuildAndStart();
  if (!impl->server || impl->port == 0)
    return make_error(ErrorCode::kIo, "KUKSA broker: cannot listen on '" + address + "' (address in use or malformed?)");
  return std::unique_ptr<KuksaBroker>(new KuksaBroker(std::move(impl)));
}

int KuksaBroker::port() const { return impl_->port; }

void KuksaBroker::wait() { impl_->server->Wait(); }

void KuksaBroker::shutdown() {
  std::call_once(impl_->stopped, [this] {
    impl_->service.stop();  // open Subscribe streams end within 100 ms
    impl_->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  });
}

}  // namespace onboard::cockpit
