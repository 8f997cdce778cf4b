// Tells whether the client of a request is still connected, so a request whose client went
// away is cancelled and frees its slot at once, streamed or not. cpp-httplib 0.11 (Debian 12)
// does not give handlers the socket, so it is found among this process's open sockets by the
// request's two ends (the peer address and port are unique among the listener's connections).
// The socket stays open while the handler runs, so the descriptor cannot be reused meanwhile.
#pragma once

#include <string>

namespace onboard::server {

class ClientConnection {
 public:
  // Not found (an unusual platform, or the peer already closed): gone() is always false.
  ClientConnection(const std::string& remote_addr, int remote_port, int local_port);

  // True once the peer has closed or reset the connection (a half-close counts: a client
  // that stops sending does not read an answer either in practice).
  bool gone() const;
  bool found() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace onboard::server
