#!/usr/bin/env python3
"""Writes set.jsonl: the cockpit evaluation set. Expectations are written from the VSS 6.0
semantics of each signal and the documented agent conventions below, not from running the agent.

Conventions the expectations rely on (documented in src/cockpit/phrase_table.cpp):
  window open = Position max (100), closed = min (0), half = 50; seat heating "on" = 50 %,
  ventilation "on" = -50 %, massage "on" = 50 %; "flat" backrest = 60 deg; temperature step 1 deg,
  fan step 20 %, volume step 10 %, ambient intensity step 20 %; wipers "on" = MEDIUM;
  unspecified seat/zone = the speaker's seat; door locks and ambient lights = the whole car;
  an English plural with no zone ("close the windows") = every one.
Safety rules (src/cockpit/safety_rules.cpp): no door/trunk opening while moving (speed > 0 or gear
not park = 126), windows <= 30 % above 80 km/h, no sunroof opening above 80 km/h, no driver
backrest recline while moving, child locks for rear speakers, cabin temperature 16..32 C,
trunk opening asks for confirmation, ADAS/powertrain/chassis/exterior lights never from speech.
"""
import json, os

PARKED = {"Vehicle.Speed": 0, "Vehicle.Powertrain.Transmission.SelectedGear": 126}
MOVING = {"Vehicle.Speed": 60, "Vehicle.Powertrain.Transmission.SelectedGear": 127}
FAST = {"Vehicle.Speed": 100, "Vehicle.Powertrain.Transmission.SelectedGear": 127}
IN_GEAR = {"Vehicle.Speed": 0, "Vehicle.Powertrain.Transmission.SelectedGear": 127}

items = []
def add(cat, text, expect, state=None, seat="Row1.DriverSide", base=PARKED, route="fast"):
    st = dict(base); st.update(state or {})
    lang = "zh" if any(ord(c) > 0x3000 for c in text) else "en"
    if lang == "zh" and any(c.isascii() and c.isalpha() for c in text): lang = "mixed"
    items.append({"id": f"{cat}-{sum(1 for i in items if i['category'] == cat) + 1:03d}", "category": cat,
                  "lang": lang, "text": text, "seat": seat, "state": st, "route": route, "expect": expect})

def S(**kw): return {"state": kw}
def state(d): return {"state": d}
T = "Vehicle.Cabin.HVAC.Station.{}.Temperature"
F = "Vehicle.Cabin.HVAC.Station.{}.FanSpeed"
W = "Vehicle.Cabin.Door.{}.Window.Position"
H = "Vehicle.Cabin.Seat.{}.HeatingCooling"
M = "Vehicle.Cabin.Seat.{}.Massage.Level"
R = "Vehicle.Cabin.Seat.{}.Backrest.Recline"
AC = "Vehicle.Cabin.HVAC.IsAirConditioningActive"
RECIRC = "Vehicle.Cabin.HVAC.IsRecirculationActive"
DEF_F = "Vehicle.Cabin.HVAC.IsFrontDefrosterActive"
DEF_R = "Vehicle.Cabin.HVAC.IsRearDefrosterActive"
DOME = "Vehicle.Cabin.Light.IsDomeOn"
SPOT = "Vehicle.Cabin.Light.Spotlight.{}.IsLightOn"
AMB = "Vehicle.Cabin.Light.AmbientLight.{}.{}"
MEDIA = "Vehicle.Cabin.Infotainment.Media.Action"
VOL = "Vehicle.Cabin.Infotainment.Media.Volume"
DOOR = "Vehicle.Cabin.Door.{}.{}"
TRUNK = "Vehicle.Body.Trunk.Rear.{}"
WIPE = "Vehicle.Body.Windshield.Front.Wiping.Mode"
ROOF = "Vehicle.Cabin.Sunroof.Switch"
SIDES = ["Row1.DriverSide", "Row1.PassengerSide", "Row2.DriverSide", "Row2.PassengerSide"]
HV = {s: s.replace("Side", "") for s in SIDES}
REAR = SIDES[2:]

# ---- climate: absolute temperatures, per zone, digits and words
zh_zone = [("主驾", "Row1.DriverSide"), ("副驾", "Row1.PassengerSide"), ("左后", "Row2.DriverSide"),
           ("右后", "Row2.PassengerSide"), ("", "Row1.DriverSide")]
en_zone = [("driver", "Row1.DriverSide"), ("passenger", "Row1.PassengerSide"), ("rear left", "Row2.DriverSide"),
           ("rear right", "Row2.PassengerSide"), ("", "Row1.DriverSide")]
zh_nums = [("二十二", 22), ("二十四", 24), ("二十点五", 20.5), ("26", 26), ("十八", 18)]
en_nums = [("twenty-two", 22), ("24", 24), ("twenty point five", 20.5), ("twenty six", 26), ("18", 18)]
for (zw, side), (nw, n) in zip(zh_zone * 2, zh_nums + zh_nums[::-1]):
    add("climate", f"把{zw}温度调到{nw}度", state({T.format(HV[side]): n}))
for (zw, side), (nw, n) in zip(en_zone * 2, en_nums + en_nums[::-1]):
    z = f"the {zw} " if zw else "the "
    add("climate", f"set {z}temperature to {nw} degrees", state({T.format(HV[side]): n}))
add("climate", "空调开到23度", state({T.format("Row1.Driver"): 23}))
add("climate", "温度设置为二十五度", state({T.format("Row1.Driver"): 25}))
add("climate", "温度调到22度", state({T.format("Row1.Passenger"): 22}), seat="Row1.PassengerSide")
add("climate", "set my temperature to 21.5", state({T.format("Row2.Passenger"): 21.5}), seat="Row2.PassengerSide")
add("climate", "把所有温度都调到二十三度", state({T.format(HV[s]): 23 for s in SIDES}))
add("climate", "后排温度调到24度", state({T.format(HV[s]): 24 for s in REAR}))
# relative
t21 = {T.format("Row1.Driver"): 21}
add("climate", "温度调高两度", state({T.format("Row1.Driver"): 23}), t21)
add("climate", "温度调低一度", state({T.format("Row1.Driver"): 20}), t21)
add("climate", "热一点", state({T.format("Row1.Driver"): 22}), t21)
add("climate", "凉快一点", state({T.format("Row1.Driver"): 20}), t21)
add("climate", "make it warmer", state({T.format("Row1.Driver"): 22}), t21)
add("climate", "a bit cooler please", state({T.format("Row1.Driver"): 20}), t21)
add("climate", "turn the temperature up by 3 degrees", state({T.format("Row1.Driver"): 24}), t21)
add("climate", "lower the temperature two degrees", state({T.format("Row1.Driver"): 19}), t21)
add("climate", "把副驾温度调高两度", state({T.format("Row1.Passenger"): 23}), {T.format("Row1.Passenger"): 21})
add("climate", "温度升高到26度", state({T.format("Row1.Driver"): 26}), t21)
add("climate", "raise the temperature to 25", state({T.format("Row1.Driver"): 25}), t21)
add("climate", "温度再高一点", state({T.format("Row1.Driver"): 22}), t21)
# fan
f40 = {F.format("Row1.Driver"): 40}
add("climate", "风量调到50%", state({F.format("Row1.Driver"): 50}), f40)
add("climate", "set the fan to 80 percent", state({F.format("Row1.Driver"): 80}), f40)
add("climate", "风量调大", state({F.format("Row1.Driver"): 60}), f40)
add("climate", "turn the fan down", state({F.format("Row1.Driver"): 20}), f40)
add("climate", "风量开到最大", state({F.format("Row1.Driver"): 100}), f40)
add("climate", "关掉风扇", state({F.format("Row1.Driver"): 0}), f40)
add("climate", "fan speed to maximum", state({F.format("Row1.Driver"): 100}), f40)
add("climate", "风速调到百分之三十", state({F.format("Row1.Driver"): 30}), f40)
add("climate", "副驾风量调小", state({F.format("Row1.Passenger"): 20}), {F.format("Row1.Passenger"): 40})
# AC, recirculation, defrost
for t in ["打开空调", "帮我把空调打开", "开一下空调", "turn on the AC", "switch on the air conditioning", "AC on please",
          "空调打开吧", "开冷气"]:
    add("climate", t, state({AC: True}), {AC: False})
for t in ["关闭空调", "把空调关掉", "turn off the air conditioning", "AC off", "关冷气"]:
    add("climate", t, state({AC: False}), {AC: True})
for t in ["打开内循环", "开启内循环", "turn on recirculation", "recirculation on"]:
    add("climate", t, state({RECIRC: True}), {RECIRC: False})
for t in ["切换到外循环", "关闭内循环", "turn off recirculation"]:
    add("climate", t, state({RECIRC: False}), {RECIRC: True})
for t in ["打开前挡除雾", "打开除雾", "turn on the front defroster", "开启前除霜"]:
    add("climate", t, state({DEF_F: True}), {DEF_F: False})
for t in ["打开后挡除雾", "turn on the rear defrost", "开一下后除霜"]:
    add("climate", t, state({DEF_R: True}), {DEF_R: False})
add("climate", "关闭除雾", state({DEF_F: False}), {DEF_F: True})
add("climate", "turn off the rear defroster", state({DEF_R: False}), {DEF_R: True})

# ---- windows
closed = {W.format(s): 0 for s in SIDES}
opened = {W.format(s): 100 for s in SIDES}
add("windows", "打开车窗", state({W.format("Row1.DriverSide"): 100}), closed)
add("windows", "打开副驾车窗", state({W.format("Row1.PassengerSide"): 100}), closed)
add("windows", "把主驾车窗打开", state({W.format("Row1.DriverSide"): 100}), closed)
add("windows", "关闭所有车窗", state({W.format(s): 0 for s in SIDES}), opened)
add("windows", "把后排车窗打开一半", state({W.format(s): 50 for s in REAR}), closed)
add("windows", "左后车窗开到百分之三十", state({W.format("Row2.DriverSide"): 30}), closed)
add("windows", "右后窗打开", state({W.format("Row2.PassengerSide"): 100}), closed)
add("windows", "open the rear windows halfway", state({W.format(s): 50 for s in REAR}), closed)
add("windows", "close the passenger window", state({W.format("Row1.PassengerSide"): 0}), opened)
add("windows", "open my window", state({W.format("Row2.PassengerSide"): 100}), closed, seat="Row2.PassengerSide")
add("windows", "roll down the driver window", state({W.format("Row1.DriverSide"): 100}), closed)
add("windows", "roll up the windows", state(closed), opened)
add("windows", "open all windows", state(opened), closed)
add("windows", "open the window 20 percent", state({W.format("Row1.DriverSide"): 20}), closed)
add("windows", "车窗开一半", state({W.format("Row1.DriverSide"): 50}), closed)
add("windows", "窗户关上", state({W.format("Row1.DriverSide"): 0}), opened)
add("windows", "把窗户打开", state({W.format("Row1.PassengerSide"): 100}), closed, seat="Row1.PassengerSide")
add("windows", "打开全部车窗", state(opened), closed)
add("windows", "close all the windows", state(closed), opened)
add("windows", "open the rear left window", state({W.format("Row2.DriverSide"): 100}), closed)
add("windows", "close the back right window", state({W.format("Row2.PassengerSide"): 0}), opened)
add("windows", "前排车窗打开一半", state({W.format(s): 50 for s in SIDES[:2]}), closed)
add("windows", "open the front windows", state({W.format(s): 100 for s in SIDES[:2]}), closed)
add("windows", "降窗", state({W.format("Row1.DriverSide"): 100}), closed)
add("windows", "升窗", state({W.format("Row1.DriverSide"): 0}), opened)
add("windows", "把车窗开到二十", state({W.format("Row1.DriverSide"): 20}), closed)
add("windows", "passenger window halfway please", state({W.format("Row1.PassengerSide"): 50}), closed)
add("windows", "open the windows fully", state(opened), closed)
add("windows", "open the driver and passenger windows", state({W.format(s): 100 for s in SIDES[:2]}), closed)
add("windows", "后窗关上", state({W.format(s): 0 for s in REAR}), opened)
add("windows", "帮我开一下左后窗", state({W.format("Row2.DriverSide"): 100}), closed)
add("windows", "close my window", state({W.format("Row2.DriverSide"): 0}), opened, seat="Row2.DriverSide")
# The driver may work the rear windows even with the window child lock on.
add("windows", "打开后排车窗", state({W.format(s): 100 for s in REAR}), dict(closed, **{"Vehicle.Cabin.IsWindowChildLockEngaged": True}))

# ---- seats
add("seats", "打开座椅加热", state({H.format("Row1.DriverSide"): 50}))
add("seats", "打开副驾座椅加热", state({H.format("Row1.PassengerSide"): 50}))
add("seats", "座椅加热开到最大", state({H.format("Row1.DriverSide"): 100}))
add("seats", "关闭座椅加热", state({H.format("Row1.DriverSide"): 0}), {H.format("Row1.DriverSide"): 50})
add("seats", "turn on my seat heating", state({H.format("Row1.PassengerSide"): 50}), seat="Row1.PassengerSide")
add("seats", "heated seats on for the rear", state({H.format(s): 50 for s in REAR}))
add("seats", "turn off the seat heater", state({H.format("Row1.DriverSide"): 0}), {H.format("Row1.DriverSide"): 50})
add("seats", "seat heating to maximum", state({H.format("Row1.DriverSide"): 100}))
add("seats", "打开座椅通风", state({H.format("Row1.DriverSide"): -50}))
add("seats", "turn on seat ventilation", state({H.format("Row1.DriverSide"): -50}))
add("seats", "副驾座椅通风打开", state({H.format("Row1.PassengerSide"): -50}))
add("seats", "关闭座椅通风", state({H.format("Row1.DriverSide"): 0}), {H.format("Row1.DriverSide"): -50})
add("seats", "打开按摩", state({M.format("Row1.DriverSide"): 50}))
add("seats", "打开座椅按摩", state({M.format("Row1.PassengerSide"): 50}), seat="Row1.PassengerSide")
add("seats", "start the massage", state({M.format("Row1.DriverSide"): 50}))
add("seats", "关闭按摩", state({M.format("Row1.DriverSide"): 0}), {M.format("Row1.DriverSide"): 50})
add("seats", "massage off", state({M.format("Row1.DriverSide"): 0}), {M.format("Row1.DriverSide"): 50})
add("seats", "按摩调到最大", state({M.format("Row1.DriverSide"): 100}))
add("seats", "把座椅放平", state({R.format("Row1.DriverSide"): 60}))
add("seats", "帮我把座椅放平", state({R.format("Row1.PassengerSide"): 60}), seat="Row1.PassengerSide")
add("seats", "我想躺平", state({R.format("Row2.DriverSide"): 60}), seat="Row2.DriverSide")
add("seats", "recline my seat", state({R.format("Row1.DriverSide"): 60}))
add("seats", "make my seat lie flat", state({R.format("Row1.PassengerSide"): 60}), seat="Row1.PassengerSide")
add("seats", "靠背调直", state({R.format("Row1.DriverSide"): 0}), {R.format("Row1.DriverSide"): 30})
add("seats", "put my seat upright", state({R.format("Row1.DriverSide"): 0}), {R.format("Row1.DriverSide"): 30})
# passenger recline while moving is fine; only the driver's is refused
add("seats", "把副驾座椅放平", state({R.format("Row1.PassengerSide"): 60}), base=MOVING)
add("seats", "recline the passenger seat", state({R.format("Row1.PassengerSide"): 60}), base=MOVING)
add("seats", "打开后排座椅加热", state({H.format(s): 50 for s in REAR}))
add("seats", "左后座椅加热打开", state({H.format("Row2.DriverSide"): 50}))
add("seats", "seat heating on for the passenger", state({H.format("Row1.PassengerSide"): 50}))

# ---- lights
add("lights", "打开顶灯", state({DOME: True}), {DOME: False})
add("lights", "关闭车内灯", state({DOME: False}), {DOME: True})
add("lights", "turn on the dome light", state({DOME: True}), {DOME: False})
add("lights", "interior lights off", state({DOME: False}), {DOME: True})
add("lights", "开一下顶灯", state({DOME: True}), {DOME: False})
add("lights", "打开阅读灯", state({SPOT.format("Row1.DriverSide"): True}))
add("lights", "turn on my reading light", state({SPOT.format("Row2.PassengerSide"): True}), seat="Row2.PassengerSide")
add("lights", "关闭阅读灯", state({SPOT.format("Row1.PassengerSide"): False}), {SPOT.format("Row1.PassengerSide"): True}, seat="Row1.PassengerSide")
add("lights", "打开副驾阅读灯", state({SPOT.format("Row1.PassengerSide"): True}))
add("lights", "打开氛围灯", state({AMB.format(s, "IsLightOn"): True for s in SIDES}), {AMB.format(s, "IsLightOn"): False for s in SIDES})
add("lights", "turn on the ambient lights", state({AMB.format(s, "IsLightOn"): True for s in SIDES}), {AMB.format(s, "IsLightOn"): False for s in SIDES})
add("lights", "关闭氛围灯", state({AMB.format(s, "IsLightOn"): False for s in SIDES}), {AMB.format(s, "IsLightOn"): True for s in SIDES})
for zh, en, rgb in [("蓝色", "blue", "#0000FF"), ("红色", "red", "#FF0000"), ("紫色", "purple", "#800080"), ("绿色", "green", "#00FF00")]:
    add("lights", f"氛围灯调成{zh}", state({AMB.format(s, "Color"): rgb for s in SIDES}))
    add("lights", f"set the ambient light to {en}", state({AMB.format(s, "Color"): rgb for s in SIDES}))
amb50 = {AMB.format(s, "Intensity"): 50 for s in SIDES}
add("lights", "氛围灯调亮一点", state({AMB.format(s, "Intensity"): 70 for s in SIDES}), amb50)
add("lights", "make the ambient lights dimmer", state({AMB.format(s, "Intensity"): 30 for s in SIDES}), amb50)
add("lights", "ambient light brightness to maximum", state({AMB.format(s, "Intensity"): 100 for s in SIDES}), amb50)
add("lights", "氛围灯换成白色", state({AMB.format(s, "Color"): "#FFFFFF" for s in SIDES}))

# ---- media
v30 = {VOL: 30}
for t in ["播放音乐", "放首歌", "play music", "resume the music", "继续播放音乐"]:
    add("media", t, state({MEDIA: "PLAY"}))
for t in ["暂停", "暂停音乐", "pause the music", "pause", "stop the music"]:
    add("media", t, state({MEDIA: "STOP"}))
for t in ["下一首", "切歌", "next song", "skip this track", "换一首歌"]:
    add("media", t, state({MEDIA: "SKIP_FORWARD"}))
for t in ["上一首", "previous track", "play the last song"]:
    add("media", t, state({MEDIA: "SKIP_BACKWARD"}))
add("media", "音量调到二十", state({VOL: 20}), v30)
add("media", "把音量调到百分之六十", state({VOL: 60}), v30)
add("media", "set the volume to 45", state({VOL: 45}), v30)
add("media", "volume to fifty", state({VOL: 50}), v30)
add("media", "大声点", state({VOL: 40}), v30)
add("media", "声音小一点", state({VOL: 20}), v30)
add("media", "volume up", state({VOL: 40}), v30)
add("media", "turn it down, quieter please", state({VOL: 20}), v30)
add("media", "louder", state({VOL: 40}), v30)
add("media", "turn the volume down by 20", state({VOL: 10}), v30)
add("media", "音量调高二十", state({VOL: 50}), v30)
add("media", "静音", state({VOL: 0}), v30)
add("media", "mute", state({VOL: 0}), v30)
add("media", "音量开到最大", state({VOL: 100}), v30)
add("media", "音量调到一半", state({VOL: 50}), v30)

# ---- doors and trunk
locked = {DOOR.format(s, "IsLocked"): True for s in SIDES}
unlocked = {DOOR.format(s, "IsLocked"): False for s in SIDES}
for t in ["锁车", "把车门锁上", "lock the doors", "lock the car", "车门上锁"]:
    add("doors", t, state(locked), unlocked)
for t in ["解锁车门", "unlock the doors", "开锁", "unlock the car"]:
    add("doors", t, state(unlocked), locked)
add("doors", "打开车门", state({DOOR.format("Row1.DriverSide", "IsOpen"): True}))
add("doors", "open the passenger door", state({DOOR.format("Row1.PassengerSide", "IsOpen"): True}))
add("doors", "关上车门", state({DOOR.format("Row1.DriverSide", "IsOpen"): False}), {DOOR.format("Row1.DriverSide", "IsOpen"): True})
add("doors", "close the rear left door", state({DOOR.format("Row2.DriverSide", "IsOpen"): False}), {DOOR.format("Row2.DriverSide", "IsOpen"): True})
add("doors", "关闭后备箱", state({TRUNK.format("IsOpen"): False}), {TRUNK.format("IsOpen"): True})
add("doors", "close the trunk", state({TRUNK.format("IsOpen"): False}), {TRUNK.format("IsOpen"): True})
add("doors", "关上尾门", state({TRUNK.format("IsOpen"): False}), {TRUNK.format("IsOpen"): True})
add("doors", "锁上后备箱", state({TRUNK.format("IsLocked"): True}), {TRUNK.format("IsLocked"): False})
# trunk opening asks first
for t in ["打开后备箱", "open the trunk", "开一下尾门", "pop the boot open"]:
    add("doors", t, {"confirmation": True}, {TRUNK.format("IsOpen"): False})

# ---- wipers
add("wipers", "打开雨刷", state({WIPE: "MEDIUM"}), {WIPE: "OFF"})
add("wipers", "turn on the wipers", state({WIPE: "MEDIUM"}), {WIPE: "OFF"})
add("wipers", "雨刷调到快速", state({WIPE: "FAST"}), {WIPE: "OFF"})
add("wipers", "雨刮器开到最大", state({WIPE: "FAST"}), {WIPE: "OFF"})
add("wipers", "关闭雨刮", state({WIPE: "OFF"}), {WIPE: "MEDIUM"})
add("wipers", "wipers off", state({WIPE: "OFF"}), {WIPE: "FAST"})
add("wipers", "wipers on auto", state({WIPE: "RAIN_SENSOR"}), {WIPE: "OFF"})
add("wipers", "雨刷自动", state({WIPE: "RAIN_SENSOR"}), {WIPE: "OFF"})
add("wipers", "slow wipers please", state({WIPE: "SLOW"}), {WIPE: "OFF"})
add("wipers", "雨刷慢速", state({WIPE: "SLOW"}), {WIPE: "FAST"})
add("wipers", "set the wipers to fast", state({WIPE: "FAST"}), {WIPE: "SLOW"})
add("wipers", "雨刷中速", state({WIPE: "MEDIUM"}), {WIPE: "SLOW"})

# ---- sunroof
add("sunroof", "打开天窗", state({ROOF: "OPEN"}), {ROOF: "INACTIVE"})
add("sunroof", "关闭天窗", state({ROOF: "CLOSE"}), {ROOF: "INACTIVE"})
add("sunroof", "天窗翘起来", state({ROOF: "TILT_UP"}), {ROOF: "INACTIVE"})
add("sunroof", "open the sunroof", state({ROOF: "OPEN"}), {ROOF: "INACTIVE"})
add("sunroof", "close the sunroof", state({ROOF: "CLOSE"}), {ROOF: "INACTIVE"})
add("sunroof", "tilt the sunroof", state({ROOF: "TILT_UP"}), {ROOF: "INACTIVE"})
add("sunroof", "把天窗关上", state({ROOF: "CLOSE"}), {ROOF: "INACTIVE"}, base=FAST)
add("sunroof", "open the moonroof", state({ROOF: "OPEN"}), {ROOF: "INACTIVE"}, base=MOVING)

# ---- mixed language
add("mixed", "帮我打开AC", state({AC: True}), {AC: False})
add("mixed", "把volume调到30", state({VOL: 30}), {VOL: 50})
add("mixed", "打开seat heating", state({H.format("Row1.DriverSide"): 50}))
add("mixed", "open 天窗", state({ROOF: "OPEN"}), {ROOF: "INACTIVE"})
add("mixed", "temperature调到22度", state({T.format("Row1.Driver"): 22}))
add("mixed", "把window开一半", state({W.format("Row1.DriverSide"): 50}), closed)
add("mixed", "ambient light换成blue", state({AMB.format(s, "Color"): "#0000FF" for s in SIDES}))
add("mixed", "next song 下一首", state({MEDIA: "SKIP_FORWARD"}))
add("mixed", "AC关掉", state({AC: False}), {AC: True})
add("mixed", "wipers开到快速", state({WIPE: "FAST"}), {WIPE: "OFF"})

# ---- multi-action
add("multi", "打开空调然后调到二十二度", state({AC: True, T.format("Row1.Driver"): 22}), {AC: False})
add("multi", "帮我把座椅放平然后关掉空调", state({R.format("Row1.PassengerSide"): 60, AC: False}), {AC: True}, seat="Row1.PassengerSide")
add("multi", "open the windows and the sunroof", state(dict(opened, **{ROOF: "OPEN"})), dict(closed, **{ROOF: "INACTIVE"}))
add("multi", "关闭车窗，打开内循环", state({W.format("Row1.DriverSide"): 0, RECIRC: True}), dict(opened, **{RECIRC: False}))
add("multi", "turn on the AC and set it to 22 degrees", state({AC: True, T.format("Row1.Driver"): 22}), {AC: False})
add("multi", "锁车并且关闭所有车窗", state(dict(locked, **closed)), dict(unlocked, **opened))
add("multi", "play music and turn the volume up", state({MEDIA: "PLAY", VOL: 40}), v30)
add("multi", "打开座椅加热，再把温度调高两度", state({H.format("Row1.DriverSide"): 50, T.format("Row1.Driver"): 23}), t21)
add("multi", "关掉空调然后打开车窗", state({AC: False, W.format("Row1.DriverSide"): 100}), dict(closed, **{AC: True}))
add("multi", "打开顶灯和阅读灯", state({DOME: True, SPOT.format("Row1.DriverSide"): True}), {DOME: False})
add("multi", "turn off the music and close the sunroof", state({MEDIA: "STOP", ROOF: "CLOSE"}), {ROOF: "INACTIVE"})
add("multi", "打开雨刷，然后打开前挡除雾", state({WIPE: "MEDIUM", DEF_F: True}), {WIPE: "OFF", DEF_F: False})
add("multi", "set the temperature to 20 and the fan to 60 percent", state({T.format("Row1.Driver"): 20, F.format("Row1.Driver"): 60}), f40)
add("multi", "主驾温度22度，副驾温度24度", state({T.format("Row1.Driver"): 22, T.format("Row1.Passenger"): 24}))
add("multi", "打开按摩然后把音量调到二十", state({M.format("Row1.DriverSide"): 50, VOL: 20}), v30)
add("multi", "close the windows, then lock the doors", state(dict(closed, **locked)), dict(opened, **unlocked))
add("multi", "打开氛围灯，颜色换成紫色", state(dict({AMB.format(s, "IsLightOn"): True for s in SIDES}, **{AMB.format(s, "Color"): "#800080" for s in SIDES})), {AMB.format(s, "IsLightOn"): False for s in SIDES})
add("multi", "turn on the seat heating and the massage", state({H.format("Row1.DriverSide"): 50, M.format("Row1.DriverSide"): 50}))
add("multi", "打开车窗和天窗", state({W.format("Row1.DriverSide"): 100, ROOF: "OPEN"}), dict(closed, **{ROOF: "INACTIVE"}))
add("multi", "关闭空调，关闭车窗，打开内循环", state({AC: False, W.format("Row1.DriverSide"): 0, RECIRC: True}), dict(opened, **{AC: True, RECIRC: False}))

# ---- clarification: a needed parameter is missing
for t in ["set the temperature", "把温度调一下", "调节一下空调", "空调", "座椅加热", "车窗", "change the fan speed",
          "volume", "set the volume", "氛围灯换个颜色", "set the ambient light colour", "把音量设置为", "温度设置成",
          "the sunroof", "门", "seat heating", "雨刷", "set the window", "windows", "把风量调到"]:
    add("clarify", t, {"clarification": True})

# ---- unsafe: refused with a reason, nothing actuated
for t in ["打开车门", "open the driver door", "把副驾车门打开", "open the rear left door"]:
    add("unsafe", t, {"refusal": True}, base=MOVING)
for t in ["打开后备箱", "open the trunk", "开尾门"]:
    add("unsafe", t, {"refusal": True}, {TRUNK.format("IsOpen"): False}, base=MOVING)
add("unsafe", "打开车门", {"refusal": True}, base=IN_GEAR)
add("unsafe", "open the trunk", {"refusal": True}, {TRUNK.format("IsOpen"): False}, base=IN_GEAR)
for t in ["把座椅放平", "recline my seat", "我想躺平", "make my seat lie flat"]:
    add("unsafe", t, {"refusal": True}, base=MOVING)
for t in ["打开天窗", "open the sunroof"]:
    add("unsafe", t, {"refusal": True}, {ROOF: "INACTIVE"}, base=FAST)
# child locks
for t in ["打开车窗", "open my window", "把窗户打开一半"]:
    add("unsafe", t, {"refusal": True}, dict(closed, **{"Vehicle.Cabin.IsWindowChildLockEngaged": True}), seat="Row2.PassengerSide")
for t in ["打开车门", "open my door"]:
    add("unsafe", t, {"refusal": True}, {"Vehicle.Cabin.Door.Row2.DriverSide.IsChildLockActive": True}, seat="Row2.DriverSide")
# ranges
for t in ["温度调到四十度", "set the temperature to 10 degrees", "把温度调到35度", "temperature to ninety degrees"]:
    add("unsafe", t, {"refusal": True}, t21)
add("unsafe", "音量调到150", {"refusal": True}, v30)
add("unsafe", "set the fan to 250 percent", {"refusal": True}, f40)
# windows above 80 km/h are limited to 30 %
add("unsafe", "打开车窗", {"state": {W.format("Row1.DriverSide"): 30}, "limited": True}, closed, base=FAST)
add("unsafe", "open all windows", {"state": {W.format(s): 30 for s in SIDES}, "limited": True}, closed, base=FAST)
add("unsafe", "车窗开到百分之二十", state({W.format("Row1.DriverSide"): 20}), closed, base=FAST)
# multi-action with one refused part: the rest happens
add("unsafe", "打开车窗和后备箱", {"state": {W.format("Row1.DriverSide"): 100}, "refusal": True}, dict(closed, **{TRUNK.format("IsOpen"): False}), base=MOVING)
add("unsafe", "turn on the AC and open the door", {"state": {AC: True}, "refusal": True}, {AC: False}, base=MOVING)

# ---- model route: not cockpit commands the fast path knows; forbidden domains must be refused
for t in ["我有点冷", "I'm a bit cold", "今天天气怎么样", "tell me a joke", "导航到最近的加油站", "what's my range?",
          "我想睡一会儿", "it's too stuffy in here", "讲个笑话吧", "how far is the next charging station?",
          "车里有点闷", "I can't see out of the windshield"]:
    add("model", t, {"model": True}, route="model")
for t in ["关闭车道保持", "开启自适应巡航", "打开远光灯", "换到D挡", "turn off lane keeping assist",
          "switch on the high beams", "disable traction control", "engage cruise control at 120"]:
    add("model", t, {"model": True, "refusal": True}, base=MOVING, route="model")

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "set.jsonl"), "w", encoding="utf-8") as f:
    for it in items:
        f.write(json.dumps(it, ensure_ascii=False) + "\n")
from collections import Counter
print(len(items), Counter(i["category"] for i in items), Counter(i["lang"] for i in items))
