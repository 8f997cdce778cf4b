#include "server/event_broadcast.h"

#include <httplib.h>

namespace onboard::server {

void EventBroadcast::publish(std::string event, std::string data) {
  {
    std::lock_guard lock(mu_);
    backlog_.push_back({next_seq_++, std::move(event), std::move(data)});
    if (backlog_.size() > capacity_) backlog_.pop_front();
  }
  cv_.notify_all();
}

std::vector<EventBroadcast::Entry> EventBroadcast::since(uint64_t& cursor, std::chrono::milliseconds wait) {
  std::unique_lock lock(mu_);
  auto fresh = [&] { return closed_ || (!backlog_.empty() && backlog_.back().seq > cursor); };
  cv_.wait_for(lock, wait, fresh);
  std::vector<Entry> out;
  for (const Entry& e : backlog_)
    if (e.seq > cursor) out.push_back(e);
  if (!out.empty()) cursor = out.back().seq;
  return out;
}

void EventBroadcast::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

bool EventBroadcast::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

void install_event_stream(httplib::Server& server, const std::string& path, std::shared_ptr<EventBroadcast> events) {
  server.Get(path, [events](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Accel-Buffering", "no");
    auto cursor = std::make_shared<uint64_t>(0);
    res.set_chunked_content_provider("text/event-stream", [events, cursor](size_t, httplib::DataSink& sink) {
      const bool was_closed = events->closed();
      std::string out;
      for (const auto& e : events->since(*cursor, std::chrono::milliseconds(500)))
        out += "id: " + std::to_string(e.seq) + "\nevent: " + e.event + "\ndata: " + e.data + "\n\n";
      // An idle stream still writes a comment now and then, so a client gone is noticed.
      if (out.empty()) out = ": idle\n\n";
      if (!sink.write(out.data(), out.size())) return false;
      if (was_closed) sink.done();
      return true;
    });
  });
}

}  // namespace onboard::server
