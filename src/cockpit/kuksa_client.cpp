#include "cockpit/kuksa_client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "cockpit/kuksa_wire.h"
#include "kuksa/val/v2/val.grpc.pb.h"

namespace onboard::cockpit {
namespace {

namespace v2 = kuksa::val::v2;

constexpr auto kCallTimeout = std::chrono::seconds(5);

class KuksaClient final : public Vehicle {
 public:
  KuksaClient(std::shared_ptr<grpc::Channel> channel, VssTree tree)
      : channel_(std::move(channel)), stub_(v2::VAL::NewStub(channel_)), tree_(std::move(tree)) {}

  ~KuksaClient() override {
    std::map<uint64_t, std::unique_ptr<Stream>> streams;
    {
      std::lock_guard lock(mu_);
      streams.swap(streams_);
    }
    for (auto& [id, s] : streams) s->stop();
  }

  const VssTree& tree() const override { return tree_; }

  Expected<VssValue> get(std::string_view path) override {
    v2::GetValueRequest req;
    req.mutable_signal_id()->set_path(std::string(path));
    v2::GetValueResponse resp;
    ONBOARD_TRY(call(&v2::VAL::Stub::GetValue, req, &resp, "GetValue " + std::string(path)));
    return value_from_proto(resp.data_point().value());
  }

  Status actuate(std::string_view path, const VssValue& target) override {
    v2::ActuateRequest req;
    req.mutable_signal_id()->set_path(std::string(path));
    *req.mutable_value() = value_to_proto(tree_.find(path), target);
    v2::ActuateResponse resp;
    return call(&v2::VAL::Stub::Actuate, req, &resp, "Actuate " + std::string(path));
  }

  Status actuate_batch(const std::vector<std::pair<std::string, VssValue>>& targets) override {
    v2::BatchActuateRequest req;
    for (const auto& [path, value] : targets) {
      auto* one = req.add_actuate_requests();
      one->mutable_signal_id()->set_path(path);
      *one->mutable_value() = value_to_proto(tree_.find(path), value);
    }
    v2::BatchActuateResponse resp;
    return call(&v2::VAL::Stub::BatchActuate, req, &resp, "BatchActuate");
  }

  Status publish(std::string_view path, const VssValue& value) override {
    v2::PublishValueRequest req;
    req.mutable_signal_id()->set_path(std::string(path));
    *req.mutable_data_point()->mutable_value() = value_to_proto(tree_.find(path), value);
    v2::PublishValueResponse resp;
    return call(&v2::VAL::Stub::PublishValue, req, &resp, "PublishValue " + std::string(path));
  }

  Expected<uint64_t> subscribe(std::vector<std::string> paths, Callback cb) override {
    if (paths.empty()) return make_error(ErrorCode::kInvalidArgument, "subscribe: no paths given");
    // KUKSA subscribes to signals only: a branch stands for the signals below it.
    v2::SubscribeRequest req;
    for (const auto& p : paths) {
      if (tree_.find(p)) {
        req.add_signal_paths(p);
      } else if (tree_.is_branch(p)) {
        for (const VssSignal* s : tree_.under(p)) req.add_signal_paths(s->path);
      } else {
        return make_error(ErrorCode::kNotFound, "unknown VSS path '" + p + "'");
      }
    }
    req.set_buffer_size(1000);
    auto stream = std::make_unique<Stream>();
    auto first = stream->start(*stub_, req, std::move(cb));
    // The first message (the current values) or the broker's refusal.
    if (first.wait_for(kCallTimeout) != std::future_status::ready) {
      stream->stop();
      return make_error(ErrorCode::kUnavailable, "Subscribe: the broker sent no current values within 5 s");
    }
    grpc::Status status = first.get();
    if (!status.ok()) {
      stream->stop();
      return from_grpc_status(status, "Subscribe");
    }
    std::lock_guard lock(mu_);
    const uint64_t id = next_id_++;
    streams_[id] = std::move(stream);
    return id;
  }

  void unsubscribe(uint64_t id) override {
    std::unique_ptr<Stream> stream;
    {
      std::lock_guard lock(mu_);
      auto it = streams_.find(id);
      if (it == streams_.end()) return;
      stream = std::move(it->second);
      streams_.erase(it);
    }
    stream->stop();
  }

 private:
  // One unary call with the client's deadline; errors name the call.
  template <typename Request, typename Response>
  Status call(grpc::Status (v2::VAL::Stub::*rpc)(grpc::ClientContext*, const Request&, Response*), const Request& req,
              Response* resp, const std::string& what) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
    auto s = (stub_.get()->*rpc)(&ctx, req, resp);
    if (!s.ok()) return from_grpc_status(s, what);
    return Status::Ok();
  }

  // One Subscribe call, read by its own thread until cancelled.
  class Stream {
   public:
    std::future<grpc::Status> start(v2::VAL::Stub& stub, const v2::SubscribeRequest& req, Callback cb) {
      auto first = first_.get_future();
      reader_ = std::thread([this, &stub, req, cb = std::move(cb)] {
        auto reader = stub.Subscribe(&ctx_, req);
        v2::SubscribeResponse resp;
        bool told = false;
        while (reader->Read(&resp)) {
          for (const auto& [path, dp] : resp.entries()) cb(path, value_from_proto(dp.value()));
          if (!told) first_.set_value(grpc::Status::OK);
          told = true;
        }
        grpc::Status end = reader->Finish();
        if (!told) first_.set_value(end.ok() ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "stream ended") : end);
      });
      return first;
    }
    void stop() {
      ctx_.TryCancel();
      if (reader_.joinable()) reader_.join();
    }
    ~Stream() { stop(); }

   private:
    grpc::ClientContext ctx_;
    std::promise<grpc::Status> first_;
    std::thread reader_;
  };

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v2::VAL::Stub> stub_;
  VssTree tree_;
  std::mutex mu_;
  std::map<uint64_t, std::unique_ptr<Stream>> streams_;
  uint64_t next_id_ = 1;
};

}  // namespace

Expected<std::unique_ptr<Vehicle>> make_kuksa_client(const std::string& address, VssTree tree) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + kCallTimeout))
    return make_error(ErrorCode::kUnavailable, "KUKSA databroker at '" + address + "' does not answer");
  return std::unique_ptr<Vehicle>(std::make_unique<KuksaClient>(std::move(channel), std::move(tree)));
}

}  // namespace onboard::cockpit
