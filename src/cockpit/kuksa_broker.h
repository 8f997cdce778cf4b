// A KUKSA.val v2 databroker of our own (`onboard vehicle`): serves the VAL subset (GetValue,
// GetValues, Subscribe, Actuate, BatchActuate, ListMetadata, PublishValue) over gRPC for a
// Vehicle — the simulated one — with KUKSA's status codes (NOT_FOUND, INVALID_ARGUMENT,
// UNAVAILABLE, …). Insecure (no TLS, no tokens): meant for 127.0.0.1 and tests.
#pragma once

#include <memory>
#include <string>

#include "cockpit/vehicle.h"
#include "core/status.h"

namespace onboard::cockpit {

class KuksaBroker {
 public:
  // Listens on `address` ("127.0.0.1:55555"; port 0 picks a free one). `vehicle` must outlive it.
  static Expected<std::unique_ptr<KuksaBroker>> start(Vehicle& vehicle, const std::string& address);
  ~KuksaBroker();
  KuksaBroker(const KuksaBroker&) = delete;
  KuksaBroker& operator=(const KuksaBroker&) = delete;

  int port() const;
  void wait();      // until shutdown() from another thread
  void shutdown();  // ends open subscriptions, stops serving

 private:
  struct Impl;
  explicit KuksaBroker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace onboard::cockpit
