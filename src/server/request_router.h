// The hook the privacy gateway (src/gateway/) plugs into: before a completion runs on a
// local model, the router sees the raw request and either lets it run locally (adding
// response headers) or answers it itself (an upstream answer). It also serves the gateway's
// own endpoints under /v1/gateway/. The server works without one.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace onboard::server {

struct RouteOutcome {
  bool answered = false;  // false: run on the local model
  int status = 200;
  std::string body, content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // added to the response either way
  bool use_default_model = false;  // the request named a model that is not a local one
};

class RequestRouter {
 public:
  using HeaderLookup = std::function<std::string(const std::string& name)>;
  virtual ~RequestRouter() = default;
  virtual RouteOutcome route(bool chat, const std::string& body, const HeaderLookup& header) = 0;
  // method, the path after /v1/gateway/, body → answer.
  virtual RouteOutcome admin(const std::string& method, const std::string& path, const std::string& body) = 0;
};

}  // namespace onboard::server
