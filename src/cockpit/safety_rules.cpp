#include "cockpit/safety_rules.h"

#include <array>

namespace onboard::cockpit {
namespace {

using K = RuleKind;
constexpr std::string_view kReqs = "cockpit-requirements.md §1.3 (no AI component gets actuate on ADAS, powertrain, chassis, exterior lights)";
constexpr std::string_view kIssue = "issue #10 (state rules)";

constexpr auto kRules = std::to_array<SafetyRule>({
    {"no_speech_adas", K::kForbidden, "Vehicle.ADAS", "", 0, 0, {}, "驾驶辅助系统不能通过语音控制。",
     "Driver-assistance systems can't be controlled by voice.", kReqs},
    {"no_speech_powertrain", K::kForbidden, "Vehicle.Powertrain", "", 0, 0, {}, "动力系统不能通过语音控制。",
     "The powertrain can't be controlled by voice.", kReqs},
    {"no_speech_chassis", K::kForbidden, "Vehicle.Chassis", "", 0, 0, {}, "底盘系统不能通过语音控制。",
     "The chassis can't be controlled by voice.", kReqs},
    {"no_speech_exterior_lights", K::kForbidden, "Vehicle.Body.Lights", "", 0, 0, {}, "车外灯光不能通过语音控制。",
     "Exterior lights can't be controlled by voice.", kReqs},
    {"no_speech_horn", K::kForbidden, "Vehicle.Body.Horn", "", 0, 0, {}, "喇叭不能通过语音控制。",
     "The horn can't be controlled by voice.", "[ours]"},
    {"door_closed_while_moving", K::kNoOpenWhileMoving, "Vehicle.Cabin.Door.", ".IsOpen", 0, 0, {},
     "车辆行驶中不能打开车门。", "I can't open a door while the car is moving.", kIssue},
    {"door_closed_while_moving", K::kNoOpenWhileMoving, "Vehicle.Cabin.Door.", "Side.Position", 0, 0, {},
     "车辆行驶中不能打开车门。", "I can't open a door while the car is moving.", kIssue},
    {"door_closed_while_moving", K::kNoOpenWhileMoving, "Vehicle.Cabin.Door.", "Side.Switch", 0, 0, {},
     "车辆行驶中不能打开车门。", "I can't open a door while the car is moving.", kIssue},
    {"trunk_closed_while_moving", K::kNoOpenWhileMoving, "Vehicle.Body.Trunk.", ".IsOpen", 0, 0, {},
     "车辆行驶中不能打开后备箱。", "I can't open the trunk while the car is moving.", kIssue},
    {"trunk_closed_while_moving", K::kNoOpenWhileMoving, "Vehicle.Body.Trunk.", ".Position", 0, 0, {},
     "车辆行驶中不能打开后备箱。", "I can't open the trunk while the car is moving.", kIssue},
    {"trunk_closed_while_moving", K::kNoOpenWhileMoving, "Vehicle.Body.Trunk.", ".Switch", 0, 0, {},
     "车辆行驶中不能打开后备箱。", "I can't open the trunk while the car is moving.", kIssue},
    {"hood_closed_while_moving", K::kNoOpenWhileMoving, "Vehicle.Body.Hood.", "", 0, 0, {},
     "车辆行驶中不能打开引擎盖。", "I can't open the hood while the car is moving.", "[ours]"},
    {"driver_recline_parked_only", K::kNoChangeWhileMoving, "Vehicle.Cabin.Seat.Row1.DriverSide.Backrest.Recline", "",
     0, 0, {}, "行驶中不能调节主驾座椅靠背。", "The driver's backrest can't be reclined while driving.", kIssue},
    {"driver_seat_parked_only", K::kNoChangeWhileMoving, "Vehicle.Cabin.Seat.Row1.DriverSide.Position", "", 0, 0, {},
     "行驶中不能移动主驾座椅。", "The driver's seat can't be moved while driving.", "[ours]"},
    {"window_limit_at_speed", K::kLimitAboveSpeed, "Vehicle.Cabin.Door.", "Window.Position", 80, 30, {},
     "车速超过80公里/小时，车窗最多打开30%。", "Above 80 km/h the windows open at most 30%.", "[ours]"},
    {"sunroof_closed_at_speed", K::kLimitAboveSpeed, "Vehicle.Cabin.Sunroof.Switch", "", 80, 0, {},
     "车速超过80公里/小时不能打开天窗。", "Above 80 km/h I can't open the sunroof.", "[ours]"},
    {"cabin_temperature_range", K::kRange, "Vehicle.Cabin.HVAC.Station.", ".Temperature", 16, 32, {},
     "空调温度只能设在16到32度之间。", "The cabin temperature can be set between 16 and 32 °C.",
     "[ours] (VSS gives no range; usual automatic-climate range)"},
    {"rear_window_child_lock", K::kChildLock, "Vehicle.Cabin.Door.Row2.", "Window.Position", 0, 0,
     "Vehicle.Cabin.IsWindowChildLockEngaged", "儿童锁已开启，后排乘客不能操作车窗。",
     "The window child lock is on: rear passengers can't operate the windows.", kIssue},
    {"rear_door_child_lock", K::kChildLock, "Vehicle.Cabin.Door.Row2.", ".IsOpen", 0, 0,
     "Vehicle.Cabin.Door.{door}.IsChildLockActive", "儿童锁已开启，后排车门不能从车内打开。",
     "The child lock is on: the rear door can't be opened from inside.", kIssue},
    {"confirm_trunk_open", K::kConfirm, "Vehicle.Body.Trunk.Rear.IsOpen", "", 0, 0, {}, "确定要打开后备箱吗？",
     "Do you want me to open the trunk?", "[ours]"},
    {"rate_limit", K::kRateLimit, "Vehicle.", "", 10, 6, {}, "操作太频繁，请稍后再试。",
     "That was changed too often just now; please try again in a moment.", "[ours]"},
});

}  // namespace

std::span<const SafetyRule> safety_rules() { return kRules; }

}  // namespace onboard::cockpit
