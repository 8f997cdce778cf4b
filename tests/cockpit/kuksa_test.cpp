// The vehicle behaviour suite through KUKSA.val v2 over gRPC: our broker (`onboard vehicle`)
// in-process on 127.0.0.1:0 with KuksaClient in front; with KUKSA_ADDRESS=host:port set, the
// same suite also runs against that databroker (Eclipse KUKSA's), else that lane skips.
#include <grpcpp/grpcpp.h>

#include <cstdlib>

#include "cockpit/kuksa_broker.h"
#include "cockpit/kuksa_client.h"
#include "kuksa/val/v2/val.grpc.pb.h"
#include "vehicle_behaviour.h"
#include "vehicle_test_tree.h"

namespace onboard::cockpit {
namespace {

namespace v2 = kuksa::val::v2;

class BrokerHarness : public VehicleHarness {
 public:
  BrokerHarness() : sim_(make_simulated_vehicle(release_vss_tree(), {})) {
    auto broker = KuksaBroker::start(*sim_, "127.0.0.1:0");
    if (!broker.ok()) {
      ADD_FAILURE() << broker.error().message;
      return;
    }
    broker_ = std::move(broker).value();
    auto client = make_kuksa_client("127.0.0.1:" + std::to_string(broker_->port()), release_vss_tree());
    if (!client.ok()) {
      ADD_FAILURE() << client.error().message;
      return;
    }
    client_ = std::move(client).value();
  }
  ~BrokerHarness() override {
    client_.reset();  // its streams end before the broker does
    broker_.reset();
  }
  Vehicle& vehicle() override { return *client_; }
  SimulatedVehicle* simulation() override { return sim_.get(); }
  int port() const { return broker_->port(); }

 private:
  std::unique_ptr<SimulatedVehicle> sim_;
  std::unique_ptr<KuksaBroker> broker_;
  std::unique_ptr<Vehicle> client_;
};

class RealDatabrokerHarness : public VehicleHarness {
 public:
  explicit RealDatabrokerHarness(std::unique_ptr<Vehicle> client) : client_(std::move(client)) {}
  Vehicle& vehicle() override { return *client_; }
  SimulatedVehicle* simulation() override { return nullptr; }

 private:
  std::unique_ptr<Vehicle> client_;
};

std::unique_ptr<VehicleHarness> real_databroker() {
  const char* address = std::getenv("KUKSA_ADDRESS");
  if (!address || !*address) return nullptr;
  auto client = make_kuksa_client(address, release_vss_tree());
  if (!client.ok()) {
    ADD_FAILURE() << client.error().message;
    return nullptr;
  }
  return std::make_unique<RealDatabrokerHarness>(std::move(client).value());
}

INSTANTIATE_TEST_SUITE_P(Kuksa, VehicleBehaviour,
                         testing::Values(HarnessFactory{"our_broker", [] { return std::unique_ptr<VehicleHarness>(std::make_unique<BrokerHarness>()); }},
                                         HarnessFactory{"KUKSA_ADDRESS", real_databroker,
                                                        "KUKSA_ADDRESS is not set: set it to a KUKSA.val databroker's host:port "
                                                        "(started with --insecure and the VSS 6.0 release) to run this suite against it"}),
                         harness_name);

// What a client that speaks raw kuksa.val.v2 sees: typed values, metadata, wire-type checks.
class RawKuksa : public testing::Test {
 protected:
  void SetUp() override {
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(harness_.port()), grpc::InsecureChannelCredentials());
    stub_ = v2::VAL::NewStub(channel_);
  }
  BrokerHarness harness_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v2::VAL::Stub> stub_;
};

TEST_F(RawKuksa, Uint8TravelsAsUint32AndFloatAsFloat) {
  grpc::ClientContext ctx;
  v2::GetValuesRequest req;
  req.add_signal_ids()->set_path("Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed");
  req.add_signal_ids()->set_path("Vehicle.Cabin.HVAC.Station.Row1.Driver.Temperature");
  req.add_signal_ids()->set_path("Vehicle.Powertrain.Transmission.SelectedGear");
  v2::GetValuesResponse resp;
  ASSERT_TRUE(stub_->GetValues(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.data_points_size(), 3);
  EXPECT_EQ(resp.data_points(0).value().typed_value_case(), v2::Value::kUint32);
  EXPECT_EQ(resp.data_points(0).value().uint32(), 30u);
  EXPECT_EQ(resp.data_points(1).value().typed_value_case(), v2::Value::kFloat);
  EXPECT_EQ(resp.data_points(1).value().float_(), 21.0f);
  EXPECT_EQ(resp.data_points(2).value().typed_value_case(), v2::Value::kInt32);
  EXPECT_EQ(resp.data_points(2).value().int32(), 126);
}

TEST_F(RawKuksa, WrongWireTypeIsInvalidArgument) {
  grpc::ClientContext ctx;
  v2::ActuateRequest req;
  req.mutable_signal_id()->set_path("Vehicle.Cabin.Door.Row1.DriverSide.Window.Position");
  req.mutable_value()->set_int64(50);  // uint8 travels as uint32
  v2::ActuateResponse resp;
  auto s = stub_->Actuate(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("Window.Position"), std::string::npos) << s.error_message();

  grpc::ClientContext ok_ctx;
  req.mutable_value()->set_uint32(50);
  EXPECT_TRUE(stub_->Actuate(&ok_ctx, req, &resp).ok());

  grpc::ClientContext by_id;
  v2::GetValueRequest get;
  get.mutable_signal_id()->set_id(-5);
  v2::GetValueResponse got;
  EXPECT_EQ(stub_->GetValue(&by_id, get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(RawKuksa, ListMetadataDescribesSignals) {
  grpc::ClientContext ctx;
  v2::ListMetadataRequest req;
  req.set_root("Vehicle.Cabin.HVAC.Station.Row1.Driver");
  v2::ListMetadataResponse resp;
  ASSERT_TRUE(stub_->ListMetadata(&ctx, req, &resp).ok());
  const v2::Metadata* fan = nullptr;
  const v2::Metadata* air = nullptr;
  for (const auto& m : resp.metadata()) {
    EXPECT_TRUE(m.path().starts_with("Vehicle.Cabin.HVAC.Station.Row1.Driver.")) << m.path();
    if (m.path().ends_with(".FanSpeed")) fan = &m;
    if (m.path().ends_with(".AirDistribution")) air = &m;
  }
  ASSERT_NE(fan, nullptr);
  EXPECT_EQ(fan->data_type(), v2::DATA_TYPE_UINT8);
  EXPECT_EQ(fan->entry_type(), v2::ENTRY_TYPE_ACTUATOR);
  EXPECT_EQ(fan->unit(), "percent");
  EXPECT_EQ(fan->min().uint32(), 0u);
  EXPECT_EQ(fan->max().uint32(), 100u);
  ASSERT_NE(air, nullptr);
  ASSERT_EQ(air->allowed_values().string_array().values_size(), 3);
  EXPECT_EQ(air->allowed_values().string_array().values(1), "MIDDLE");

  // The id from the metadata addresses the same signal.
  grpc::ClientContext get_ctx;
  v2::GetValueRequest get;
  get.mutable_signal_id()->set_id(fan->id());
  v2::GetValueResponse got;
  ASSERT_TRUE(stub_->GetValue(&get_ctx, get, &got).ok());
  EXPECT_EQ(got.data_point().value().uint32(), 30u);

  grpc::ClientContext missing_ctx;
  req.set_root("Vehicle.Nowhere");
  EXPECT_EQ(stub_->ListMetadata(&missing_ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(RawKuksa, SubscribeToUnknownSignalIsNotFound) {
  grpc::ClientContext ctx;
  v2::SubscribeRequest req;
  req.add_signal_paths("Vehicle.Nowhere");
  auto reader = stub_->Subscribe(&ctx, req);
  v2::SubscribeResponse resp;
  EXPECT_FALSE(reader->Read(&resp));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(KuksaBrokerStart, ErrorNamesTheAddress) {
  auto sim = make_simulated_vehicle(release_vss_tree(), {});
  auto broker = KuksaBroker::start(*sim, "not-an-address:xyz");
  ASSERT_FALSE(broker.ok());
  EXPECT_NE(broker.error().message.find("not-an-address:xyz"), std::string::npos);
}

}  // namespace
}  // namespace onboard::cockpit
