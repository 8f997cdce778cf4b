// Server-sent events for layers built on the server (the driver monitor's warnings): producers
// publish named JSON events into a bounded backlog, each GET on the route streams them from the
// oldest kept one on. A slow client skips what fell out of the backlog; producers never wait.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace httplib {
class Server;
}

namespace onboard::server {

class EventBroadcast {
 public:
  struct Entry {
    uint64_t seq = 0;
    std::string event, data;  // SSE "event:" name and one-line JSON "data:"
  };
  explicit EventBroadcast(size_t capacity) : capacity_(capacity ? capacity : 1) {}

  void publish(std::string event, std::string data);
  // Entries after `cursor`, waiting up to `wait` when there are none; advances the cursor.
  std::vector<Entry> since(uint64_t& cursor, std::chrono::milliseconds wait);
  // No more events: streams end once they have sent what is left.
  void close();
  bool closed() const;

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Entry> backlog_;
  uint64_t next_seq_ = 1;
  bool closed_ = false;
};

// GET `path` as text/event-stream of the broadcast's events.
void install_event_stream(httplib::Server& server, const std::string& path, std::shared_ptr<EventBroadcast> events);

}  // namespace onboard::server
