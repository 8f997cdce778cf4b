#include "cockpit/simulated_vehicle.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>

namespace onboard::cockpit {

struct SimulatedVehicle::SignalState {
  VssValue actual;
  std::optional<VssValue> target;  // pending actuation
  double rate_per_ms = 0;          // > 0: moves gradually; 0: settles after settle_ms
  double position = 0;             // the exact position of a gradual actuator
  int64_t settle_at = 0;
  bool blocked = false;
  bool provider = true;
};

// Changes wait in `pending` (filled under the vehicle's lock, in order) and are handed to the
// callback under `deliver_mu`, never under the vehicle's lock, so a callback may call get().
struct SimulatedVehicle::Subscription {
  uint64_t id = 0;
  std::vector<size_t> indices;  // sorted
  Callback cb;
  std::mutex queue_mu;
  std::deque<std::pair<std::string, VssValue>> pending;
  std::recursive_mutex deliver_mu;
  bool active = true;  // guarded by deliver_mu
};

namespace {

bool is_numeric(VssDatatype t) { return t != VssDatatype::kBoolean && t != VssDatatype::kString; }

// The value a signal holds before anything happened: the spec's default, else false / 0 / the
// neutral one of its allowed values, clamped into its range.
VssValue resting_value(const VssSignal& s) {
  if (!s.default_value.is_null()) {
    auto v = value_from_json(s, s.default_value);
    if (v.ok() && check_value(s, *v).ok()) return *v;
  }
  if (s.is_array) return VssValue{std::string("[]")};
  if (s.datatype == VssDatatype::kBoolean) return VssValue{false};
  if (s.datatype == VssDatatype::kString) {
    for (const char* neutral : {"UNKNOWN", "INACTIVE", "OFF", "UNDEFINED", "STOP"})
      if (std::find(s.allowed.begin(), s.allowed.end(), neutral) != s.allowed.end()) return VssValue{std::string(neutral)};
    return s.allowed.empty() ? VssValue{std::string()} : VssValue{s.allowed.front()};
  }
  double x = 0;
  if (s.min) x = std::max(x, *s.min);
  if (s.max) x = std::min(x, *s.max);
  auto v = coerce_value(s, VssValue{x});
  return v.ok() ? *v : VssValue{};
}

struct InitialValue {
  std::string_view suffix;  // matched against the end of the path
  nlohmann::json value;
};
// Parked with only the driver aboard, on a mild day.
const InitialValue kInitialState[] = {
    {"Vehicle.Speed", 0.0},
    {"Vehicle.Powertrain.Transmission.SelectedGear", 126},  // VSS: 126 = Park
    {"Vehicle.Powertrain.Transmission.CurrentGear", 126},
    {"Vehicle.Chassis.ParkingBrake.IsEngaged", true},
    {"Vehicle.LowVoltageSystemState", "ON"},
    {".IsLocked", true},
    {".IsOpen", false},
    {"Vehicle.Cabin.Seat.Row1.DriverSide.OccupancyStatus", "OCCUPIED"},
    {".OccupancyStatus", "EMPTY"},
    {"Vehicle.Cabin.Seat.Row1.DriverSide.IsOccupied", true},
    {"Vehicle.Cabin.Seat.Row1.DriverSide.IsBelted", true},
    {".Temperature", 21.0},
    {"Vehicle.Cabin.HVAC.AmbientAirTemperature", 21.0},
    {"Vehicle.Exterior.AirTemperature", 15.0},
    {"Vehicle.Cabin.Infotainment.Media.Volume", 30},
    {"Vehicle.Cabin.Infotainment.Navigation.Volume", 50},
    {"Vehicle.Cabin.HVAC.Station.Row1.Driver.FanSpeed", 30},
    {"Vehicle.Powertrain.TractionBattery.StateOfCharge.Current", 80.0},
    {"Vehicle.Driver.IsEyesOnRoad", true},
    {"Vehicle.Driver.IsHandsOnWheel", true},
    {"Vehicle.Driver.AttentiveProbability", 95.0},
};

// A numeric value as a double (positions of gradual actuators); nullopt for other kinds.
std::optional<double> as_double(const VssValue& v) {
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* u = std::get_if<uint64_t>(&v)) return static_cast<double>(*u);
  if (auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  return std::nullopt;
}

bool ends_with_path(std::string_view path, std::string_view suffix) {
  if (suffix.front() != '.') return path == suffix;
  return path.ends_with(suffix);
}

}  // namespace

SimulatedVehicle::SimulatedVehicle(VssTree tree, SimulationOptions options) : tree_(std::move(tree)), options_(options) {
  state_.resize(tree_.signals().size());
  for (size_t i = 0; i < state_.size(); ++i) {
    const VssSignal& s = tree_.signals()[i];
    state_[i].actual = resting_value(s);
    for (const auto& init : kInitialState) {
      if (!ends_with_path(s.path, init.suffix)) continue;
      auto v = value_from_json(s, init.value);
      if (v.ok() && check_value(s, *v).ok()) state_[i].actual = *v;
      break;  // the first matching row wins (the specific paths come before the suffixes)
    }
    if (s.type == VssNodeType::kActuator && is_numeric(s.datatype) && !s.is_array) {
      if (s.path.ends_with(".Window.Position")) state_[i].rate_per_ms = options_.window_percent_per_ms;
      else if (s.path.starts_with("Vehicle.Cabin.Seat.") && s.path.ends_with(".Position")) state_[i].rate_per_ms = options_.seat_mm_per_ms;
      else if (s.path.ends_with(".Backrest.Recline")) state_[i].rate_per_ms = options_.recline_degrees_per_ms;
    }
  }
  if (options_.realtime) ticker_ = std::thread([this] { run_ticker(); });
}

SimulatedVehicle::~SimulatedVehicle() {
  if (ticker_.joinable()) {
    {
      std::lock_guard lock(ticker_mu_);
      stopping_ = true;
    }
    ticker_cv_.notify_all();
    ticker_.join();
  }
}

void SimulatedVehicle::run_ticker() {
  auto last = std::chrono::steady_clock::now();
  std::unique_lock lock(ticker_mu_);
  while (!ticker_cv_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms), [this] { return stopping_; })) {
    auto now = std::chrono::steady_clock::now();
    int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(now - last).count());
    if (ms <= 0) continue;
    last += std::chrono::milliseconds(ms);
    lock.unlock();
    advance(ms);
    lock.lock();
  }
}

Expected<size_t> SimulatedVehicle::index_of(std::string_view path) const {
  const VssSignal* s = tree_.find(path);
  if (!s) {
    if (tree_.is_branch(path)) return make_error(ErrorCode::kNotFound, std::string(path) + " is a branch, not a signal");
    return make_error(ErrorCode::kNotFound, "unknown VSS path '" + std::string(path) + "'");
  }
  return static_cast<size_t>(s - tree_.signals().data());
}

Expected<std::vector<size_t>> SimulatedVehicle::indices_at_or_under(std::string_view path) const {
  std::vector<size_t> out;
  if (const VssSignal* s = tree_.find(path)) {
    out.push_back(static_cast<size_t>(s - tree_.signals().data()));
  } else if (tree_.is_branch(path)) {
    for (const VssSignal* leaf : tree_.under(path)) out.push_back(static_cast<size_t>(leaf - tree_.signals().data()));
  } else {
    return make_error(ErrorCode::kNotFound, "unknown VSS path '" + std::string(path) + "'");
  }
  return out;
}

Expected<VssValue> SimulatedVehicle::get(std::string_view path) {
  ONBOARD_ASSIGN_OR_RETURN(size_t i, index_of(path));
  std::lock_guard lock(mu_);
  return state_[i].actual;
}

Expected<VssValue> SimulatedVehicle::get_target(std::string_view path) {
  ONBOARD_ASSIGN_OR_RETURN(size_t i, index_of(path));
  std::lock_guard lock(mu_);
  return state_[i].target ? *state_[i].target : VssValue{};
}

// Caller holds mu_.
Expected<std::pair<size_t, VssValue>> SimulatedVehicle::validate_actuation(std::string_view path, const VssValue& target) const {
  ONBOARD_ASSIGN_OR_RETURN(size_t i, index_of(path));
  const VssSignal& s = tree_.signals()[i];
  if (s.type != VssNodeType::kActuator)
    return make_error(ErrorCode::kInvalidArgument, s.path + " is a " + std::string(to_string(s.type)) + ", not an actuator");
  ONBOARD_TRY(check_value(s, target));
  if (!state_[i].provider) return make_error(ErrorCode::kUnavailable, s.path + ": no provider is serving this actuator");
  ONBOARD_ASSIGN_OR_RETURN(VssValue v, coerce_value(s, target));
  return std::pair{i, std::move(v)};
}

// Caller holds mu_.
void SimulatedVehicle::start_actuation(size_t i, VssValue target) {
  SignalState& st = state_[i];
  if (st.rate_per_ms > 0) {
    if (!st.target) st.position = as_double(st.actual).value_or(0.0);
  } else {
    st.settle_at = now_ + options_.settle_ms;
  }
  st.target = std::move(target);
  if (std::find(moving_.begin(), moving_.end(), i) == moving_.end()) moving_.push_back(i);
}

Status SimulatedVehicle::actuate(std::string_view path, const VssValue& target) {
  return actuate_batch({{std::string(path), target}});
}

Status SimulatedVehicle::actuate_batch(const std::vector<std::pair<std::string, VssValue>>& targets) {
  std::lock_guard lock(mu_);
  std::vector<std::pair<size_t, VssValue>> checked;
  for (const auto& [path, value] : targets) {
    ONBOARD_ASSIGN_OR_RETURN(auto one, validate_actuation(path, value));
    checked.push_back(std::move(one));
  }
  for (auto& [i, v] : checked) start_actuation(i, std::move(v));
  return Status::Ok();
}

Status SimulatedVehicle::publish(std::string_view path, const VssValue& value) {
  Changes changes;
  {
    std::lock_guard lock(mu_);
    ONBOARD_ASSIGN_OR_RETURN(size_t i, index_of(path));
    const VssSignal& s = tree_.signals()[i];
    ONBOARD_TRY(check_value(s, value));
    ONBOARD_ASSIGN_OR_RETURN(VssValue v, coerce_value(s, value));
    SignalState& st = state_[i];
    if (st.rate_per_ms > 0 && st.target) st.position = as_double(v).value_or(st.position);
    set_actual(i, std::move(v), changes);
  }
  deliver(changes);
  return Status::Ok();
}

// Caller holds mu_. Queues the change for its subscribers now, so changes reach each
// subscriber in the order they happened; `touched` are drained after mu_ is released.
void SimulatedVehicle::set_actual(size_t i, VssValue value, Changes& touched) {
  if (state_[i].actual == value) return;
  state_[i].actual = value;
  for (const auto& sub : subs_) {
    if (!std::binary_search(sub->indices.begin(), sub->indices.end(), i)) continue;
    {
      std::lock_guard queue(sub->queue_mu);
      sub->pending.emplace_back(tree_.signals()[i].path, state_[i].actual);
    }
    if (std::find(touched.begin(), touched.end(), sub) == touched.end()) touched.push_back(sub);
  }
}

// Caller holds mu_.
void SimulatedVehicle::step(int ms, Changes& changes) {
  now_ += ms;
  std::vector<size_t> still_moving;
  for (size_t i : moving_) {
    SignalState& st = state_[i];
    if (!st.target) continue;
    if (st.blocked) {
      still_moving.push_back(i);
      continue;
    }
    const VssSignal& s = tree_.signals()[i];
    if (st.rate_per_ms > 0) {
      const double to = as_double(*st.target).value_or(st.position);
      const double reach = st.rate_per_ms * ms;
      st.position = std::abs(to - st.position) <= reach ? to : st.position + std::copysign(reach, to - st.position);
      if (st.position == to) {
        set_actual(i, *st.target, changes);
        st.target.reset();
        continue;
      }
      // Integer positions show whole steps (a window reports 7 %, not 7.3 %).
      auto shown = coerce_value(s, VssValue{s.datatype == VssDatatype::kFloat || s.datatype == VssDatatype::kDouble
                                                ? st.position
                                                : std::round(st.position)});
      if (shown.ok()) set_actual(i, *shown, changes);
      still_moving.push_back(i);
    } else if (now_ >= st.settle_at) {
      set_actual(i, *st.target, changes);
      st.target.reset();
    } else {
      still_moving.push_back(i);
    }
  }
  moving_ = std::move(still_moving);
}

void SimulatedVehicle::advance(int ms) {
  Changes changes;
  {
    std::lock_guard lock(mu_);
    // Small steps, so a pending settle lands at its time, not at the end of a long advance.
    const int stride = std::max(1, std::min(options_.tick_ms, 10));
    for (int done = 0; done < ms; done += stride) step(std::min(stride, ms - done), changes);
  }
  deliver(changes);
}

int64_t SimulatedVehicle::now_ms() const {
  std::lock_guard lock(mu_);
  return now_;
}

Status SimulatedVehicle::block(std::string_view path) {
  ONBOARD_ASSIGN_OR_RETURN(size_t i, index_of(path));
  std::lock_guard lock(mu_);
  state_[i].blocked = true;
  return Status::Ok();
}

Status SimulatedVehicle::unblock(std::string_view path) {
  ONBOARD_ASSIGN_OR_RETURN(size_t i, index_of(path));
  std::lock_guard lock(mu_);
  state_[i].blocked = false;
  return Status::Ok();
}

Status SimulatedVehicle::set_provider_available(std::string_view path, bool available) {
  ONBOARD_ASSIGN_OR_RETURN(auto indices, indices_at_or_under(path));
  std::lock_guard lock(mu_);
  for (size_t i : indices) state_[i].provider = available;
  return Status::Ok();
}

Expected<uint64_t> SimulatedVehicle::subscribe(std::vector<std::string> paths, Callback cb) {
  if (paths.empty()) return make_error(ErrorCode::kInvalidArgument, "subscribe: no paths given");
  auto sub = std::make_shared<Subscription>();
  for (const auto& p : paths) {
    ONBOARD_ASSIGN_OR_RETURN(auto indices, indices_at_or_under(p));
    sub->indices.insert(sub->indices.end(), indices.begin(), indices.end());
  }
  std::sort(sub->indices.begin(), sub->indices.end());
  sub->indices.erase(std::unique(sub->indices.begin(), sub->indices.end()), sub->indices.end());
  sub->cb = std::move(cb);
  {
    std::lock_guard lock(mu_);
    sub->id = next_sub_id_++;
    // The current values are queued before any change can be.
    std::lock_guard queue(sub->queue_mu);
    for (size_t i : sub->indices) sub->pending.emplace_back(tree_.signals()[i].path, state_[i].actual);
    subs_.push_back(sub);
  }
  drain(*sub);
  return sub->id;
}

void SimulatedVehicle::unsubscribe(uint64_t id) {
  std::shared_ptr<Subscription> sub;
  {
    std::lock_guard lock(mu_);
    auto it = std::find_if(subs_.begin(), subs_.end(), [&](const auto& s) { return s->id == id; });
    if (it == subs_.end()) return;
    sub = *it;
    subs_.erase(it);
  }
  std::lock_guard deliver(sub->deliver_mu);  // waits for a callback in flight
  sub->active = false;
}

void SimulatedVehicle::deliver(const Changes& touched) {
  for (const auto& sub : touched) drain(*sub);
}

void SimulatedVehicle::drain(Subscription& sub) {
  std::lock_guard deliver(sub.deliver_mu);
  for (;;) {
    std::pair<std::string, VssValue> next;
    {
      std::lock_guard queue(sub.queue_mu);
      if (sub.pending.empty()) return;
      next = std::move(sub.pending.front());
      sub.pending.pop_front();
    }
    if (sub.active) sub.cb(next.first, next.second);
  }
}

std::unique_ptr<SimulatedVehicle> make_simulated_vehicle(VssTree tree, SimulationOptions options) {
  return std::make_unique<SimulatedVehicle>(std::move(tree), options);
}

}  // namespace onboard::cockpit
