// The HTTP front: routes of the OpenAI-compatible API over cpp-httplib, API-key check,
// body-size limit, SSE streaming. Handlers catch everything; errors are OpenAI-shaped.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "server/api_keys.h"
#include "server/request_router.h"
#include "server/served_model.h"

namespace httplib {
class Server;
}

namespace onboard::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;               // 0: any free port
  size_t max_body_bytes = 4u << 20;
  int http_threads = 64;         // connections served at once (a stream holds one)
  std::shared_ptr<RequestRouter> router;  // the privacy gateway, when one is configured
  int read_timeout_s = 10;       // a client silent this long mid-request loses its connection
  // Routes of the layers built on the server (cockpit, driver monitoring, console), installed
  // after the API's own; they share its listener, error handler and body limit.
  std::vector<std::function<void(httplib::Server&)>> extra_routes;
};

class HttpServer {
 public:
  HttpServer(std::vector<std::unique_ptr<ServedModel>> models, ApiKeys keys, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the socket; returns the port.
  Expected<int> bind();
  // Serves until stop() (from another thread). Requires bind().
  Status listen();
  // Stops the schedulers (running and queued requests end as cancelled) and the listener.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace onboard::server
