#include "gateway/egress.h"

#include <httplib.h>

#include <chrono>

#include "gateway/text_detectors.h"

namespace onboard::gateway {

Status Egress::check(const std::string& bytes, const EgressGuard& guard) {
  for (const std::string& f : guard.forbidden)
    if (!f.empty() && bytes.find(f) != std::string::npos)
      return make_error(ErrorCode::kInvalidArgument, "egress refused: the payload carries a local-only item");
  for (const char* part : {"\"image_url\"", "\"input_image\"", "\"image\""})
    if (bytes.find(part) != std::string::npos)
      return make_error(ErrorCode::kInvalidArgument, "egress refused: the payload carries an image part");
  if (!guard.audio_allowed && (bytes.find("\"input_audio\"") != std::string::npos || bytes.find("\"audio\"") != std::string::npos))
    return make_error(ErrorCode::kInvalidArgument, "egress refused: the payload carries audio without consent for it");
  for (const Finding& f : detect_identifiers(bytes)) {
    if (f.kind == Identifier::kCoordinates && guard.precise_location_allowed) continue;
    return make_error(ErrorCode::kInvalidArgument,
                      "egress refused: the payload still carries a " + std::string(identifier_name(f.kind)));
  }
  return Status::Ok();
}

Expected<UpstreamReply> Egress::post(const UpstreamEndpoint& endpoint, const std::string& path, const std::string& body,
                                     const EgressGuard& guard, int64_t timeout_ms) {
  if (Status st = check(body, guard); !st.ok()) {
    refused_.fetch_add(1);
    return st.error();
  }
  // "http://host:port/v1" → client on scheme://host:port, requests under /v1.
  const size_t scheme = endpoint.url.find("://");
  const size_t slash = endpoint.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const std::string origin = slash == std::string::npos ? endpoint.url : endpoint.url.substr(0, slash);
  std::string prefix = slash == std::string::npos ? "" : endpoint.url.substr(slash);
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  try {
    httplib::Client client(origin);
    if (!client.is_valid()) return make_error(ErrorCode::kInvalidArgument, "upstream URL '" + endpoint.url + "' is not valid");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    const time_t sec = static_cast<time_t>(timeout_ms / 1000), usec = static_cast<time_t>((timeout_ms % 1000) * 1000);
    client.set_connection_timeout(sec, usec);
    client.set_read_timeout(sec, usec);
    client.set_write_timeout(sec, usec);
    httplib::Request req;
    req.method = "POST";
    req.path = prefix + path;
    req.body = body;
    req.set_header("Content-Type", "application/json");
    if (!endpoint.key.empty()) req.set_header("Authorization", "Bearer " + endpoint.key);
    UpstreamReply reply;
    bool late = false;
    // The read timeout bounds each read; the deadline bounds the whole answer.
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      if (std::chrono::steady_clock::now() > deadline) {
        late = true;
        return false;
      }
      reply.body.append(data, n);
      return true;
    };
    httplib::Response res;
    httplib::Error err = httplib::Error::Success;
    sent_.fetch_add(1);
    const bool ok = client.send(req, res, err);
    if (late || (!ok && (err == httplib::Error::Read || err == httplib::Error::ConnectionTimeout)))
      return make_error(ErrorCode::kCancelled, "the upstream " + endpoint.name + " did not answer within " +
                                                   std::to_string(timeout_ms) + " ms");
    if (!ok) return make_error(ErrorCode::kIo, "the upstream " + endpoint.name + " failed: " + httplib::to_string(err));
    reply.status = res.status;
    if (reply.body.empty()) reply.body = res.body;
    return reply;
  } catch (const std::exception& e) {
    return make_error(ErrorCode::kIo, std::string("the upstream call failed: ") + e.what());
  }
}

}  // namespace onboard::gateway
