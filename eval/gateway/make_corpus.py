#!/usr/bin/env python3
"""Writes detectors.tsv, the labelled corpus of the gateway's identifier detectors.

Each line: LABELS<TAB>TEXT. LABELS is a comma-separated list of the identifiers the text
contains (PHONE_CN, PHONE_INTL, RESIDENT_ID, PASSPORT, PLATE, VIN, EMAIL, BANK_CARD,
COORDINATES, ADDRESS) or '-' for none. Check digits are computed here, independently of the
C++ detectors; near-misses (a wrong check digit, an order number, a timestamp, a version
string) are labelled '-'. Deterministic (fixed seed): `python3 make_corpus.py > detectors.tsv`.
"""
import random

R = random.Random(20261123)
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def digits(n):
    return "".join(R.choice("0123456789") for _ in range(n))


def luhn_check(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # these get doubled once the check digit is appended
            d = d * 2
            d = d - 9 if d > 9 else d
        total += d
    return str((10 - total % 10) % 10)


def card(valid=True):
    prefix = R.choice(["62", "4", "5", "62"])
    n = R.choice([16, 16, 19])
    body = prefix + digits(n - 1 - len(prefix))
    c = luhn_check(body)
    if not valid:
        c = str((int(c) + R.randint(1, 9)) % 10)
    return body + c


def id_check(body17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(a) * b for a, b in zip(body17, w))
    return "10X98765432"[s % 11]


def resident_id(valid=True):
    region = R.choice(["110101", "310104", "440305", "330106", "510107", "420111"])
    birth = "%04d%02d%02d" % (R.randint(1950, 2005), R.randint(1, 12), R.randint(1, 28))
    body = region + birth + digits(3)
    c = id_check(body)
    if not valid:
        c = R.choice([x for x in "0123456789X" if x != c])
    return body + c


VIN_VALUES = {**{str(i): i for i in range(10)},
              **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))), "P": 7, "R": 9,
              **dict(zip("STUVWXYZ", range(2, 10)))}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]


def vin(valid=True):
    wmi = R.choice(["LSV", "LFV", "LGW", "LRW", "1HG", "WVW", "5YJ", "LVS"])
    chars = list(wmi + "".join(R.choice(VIN_CHARS) for _ in range(14)))
    chars[9] = R.choice("KLMNPRST")  # model year letter: every VIN has a letter
    s = sum(VIN_VALUES[c] * w for c, w in zip(chars, VIN_WEIGHTS))
    r = s % 11
    chars[8] = "X" if r == 10 else str(r)
    if not valid:
        chars[8] = R.choice([c for c in "0123456789X" if c != chars[8]])
    return "".join(chars)


def phone_cn():
    n = "1" + R.choice("3456789") + digits(9)
    style = R.randint(0, 3)
    if style == 1:
        n = "+86 " + n
    elif style == 2:
        n = n[:3] + "-" + n[3:7] + "-" + n[7:]
    elif style == 3:
        n = n[:3] + " " + n[3:7] + " " + n[7:]
    return n


def phone_intl():
    return R.choice([
        "+1 415 555 %04d" % R.randint(0, 9999),
        "+44 20 7946 %04d" % R.randint(0, 9999),
        "+49 30 %08d" % R.randint(0, 99999999),
        "+33 1 42 68 %02d %02d" % (R.randint(0, 99), R.randint(0, 99)),
        "+81 3-%04d-%04d" % (R.randint(0, 9999), R.randint(0, 9999)),
        "+852 %04d %04d" % (R.randint(0, 9999), R.randint(0, 9999)),
        "+65 %04d %04d" % (R.randint(0, 9999), R.randint(0, 9999)),
    ])


def passport():
    return R.choice(["E" + digits(8), "G" + digits(8), "E" + R.choice("ABCDFGHJK") + digits(7)])


def plate():
    p = R.choice(PROVINCES) + R.choice(PLATE_LETTERS)
    kind = R.randint(0, 2)
    if kind == 0:
        tail = "".join(R.choice(PLATE_LETTERS + "0123456789") for _ in range(5))
    elif kind == 1:
        tail = R.choice("DF") + R.choice(PLATE_LETTERS + "0123456789") + digits(4)
    else:
        tail = digits(5) + R.choice("DF")
    return p + R.choice(["", "", "·"]) + tail


def email():
    user = R.choice(["zhang.wei", "li_na", "wang88", "driver", "j.smith", "anna-k", "chen.xiaoming2024"])
    dom = R.choice(["163.com", "qq.com", "gmail.com", "example.cn", "mail.oem-auto.com.cn", "outlook.com"])
    return user + "@" + dom


def coords():
    lat = R.uniform(18, 53)
    lon = R.uniform(73, 135)
    d = R.randint(4, 7)
    return R.choice(["%.{0}f, %.{0}f".format(d) % (lat, lon), "%.{0}f,%.{0}f".format(d) % (lat, lon),
                     "%.{0}f°N, %.{0}f°E".format(d) % (lat, lon)])


def address_zh():
    city = R.choice(["上海市", "北京市", "深圳市南山区", "杭州市西湖区", "广东省广州市天河区", "成都市武侯区", ""])
    road = R.choice(["南京西路", "中山北路", "科技园南路", "文三路", "长安街", "天府大道", "淮海中路"])
    tail = "%d号" % R.randint(1, 2000)
    if R.random() < 0.4:
        tail += "%d室" % R.randint(101, 2505)
    return city + road + tail


def address_en():
    return "%d %s %s" % (R.randint(1, 9999), R.choice(["Main", "Oak", "Market", "Mission", "High", "Park", "Elm Grove"]),
                         R.choice(["Street", "St", "Avenue", "Road", "Blvd", "Lane", "Drive"]))


POS = {
    "PHONE_CN": (phone_cn, ["帮我打电话给{}", "call {} please", "我的手机号是{}，有事联系", "给 {} 发短信说我晚点到",
                            "客户电话：{}"]),
    "PHONE_INTL": (phone_intl, ["call my colleague at {}", "拨打 {}", "his number is {} (office)", "ring {} after 6pm"]),
    "RESIDENT_ID": (lambda: resident_id(True), ["我的身份证号是{}", "ID {} for the hotel booking", "身份证：{}，请登记",
                                               "乘客证件号码 {}"]),
    "PASSPORT": (passport, ["护照号 {}", "my passport number is {}", "passport: {}", "证件：护照{}"]),
    "PLATE": (plate, ["我的车牌是{}", "查一下{}的违章", "plate {} is parked outside", "{}停在B2层"]),
    "VIN": (lambda: vin(True), ["车辆识别号{}", "the car with {} needs service", "查询 {} 的保养记录", "{} 召回了吗"]),
    "EMAIL": (email, ["把行程发到{}", "email {} the summary", "联系人邮箱：{}", "send it to {}, thanks"]),
    "BANK_CARD": (lambda: card(True), ["用尾号这张卡付款：{}", "charge card {}", "银行卡号{}", "pay with {} please"]),
    "COORDINATES": (coords, ["我现在在{}", "navigate to {}", "当前位置 {} 附近有充电桩吗", "GPS: {}"]),
    "ADDRESS": (lambda: address_en() if R.random() < 0.4 else address_zh(),
                ["导航到{}", "take me to {}", "送到{}，谢谢", "我家在{}"]),
}

# Near-misses and plain text: nothing here is an identifier.
NEAR_MISS = [
    lambda: "我的身份证号是" + resident_id(False),  # wrong check digit
    lambda: "银行卡号" + card(False),  # fails Luhn
    lambda: "the car with " + vin(False) + " needs service",  # wrong check digit, no "VIN" nearby
    lambda: "订单号 " + digits(20),  # too long for a card, not an ID
    lambda: "order number " + digits(12),
    lambda: "timestamp %d.%06d" % (R.randint(1600000000, 1800000000), R.randint(0, 999999)),
    lambda: "时间戳 %d" % R.randint(1600000000000, 1800000000000),
    lambda: "version %d.%d.%d" % (R.randint(0, 9), R.randint(0, 20), R.randint(0, 99)),
    lambda: "温度 %.1f 度，电量 %d%%" % (R.uniform(16, 30), R.randint(5, 100)),
    lambda: "speed %.2f km/h, range %d km" % (R.uniform(0, 120), R.randint(50, 600)),
    lambda: "price 12.%d yuan, about %d.%d" % (R.randint(10, 99), R.randint(1, 99), R.randint(1, 99)),
    lambda: "it is roughly %.2f, %.2f" % (R.uniform(18, 53), R.uniform(73, 135)),  # coarse, not precise
    lambda: "tracking %s%s" % (R.choice(["SF", "YT", "JD"]), digits(12)),
    lambda: "room %d, floor %d" % (R.randint(100, 999), R.randint(1, 30)),
    lambda: "the code is %s" % digits(6),
    lambda: "phone 1%s%s" % (R.choice("012"), digits(9)),  # not a mobile prefix
    lambda: "调到%d度然后打开座椅加热" % R.randint(16, 30),
    lambda: "meeting at %02d:%02d on 2026-%02d-%02d" % (R.randint(0, 23), R.randint(0, 59), R.randint(1, 12), R.randint(1, 28)),
    lambda: "model %s is great" % R.choice(["ES8", "P7", "Model 3", "Han EV", "L9"]),
    lambda: "文件名 report_%s.pdf" % digits(8),
    lambda: "serial %s" % "".join(R.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(17)),  # letters only
    lambda: "hash %s" % "".join(R.choice("0123456789abcdef") for _ in range(40)),
    lambda: "go %d km along the road" % R.randint(1, 900),
    lambda: "把音乐声音调大一点",
    lambda: "what's the weather like tomorrow?",
    lambda: "打开车窗一半",
    lambda: "set the cabin to 22 degrees and play jazz",
    lambda: "email me later about it",
    lambda: "the street was busy today",
    lambda: "明天早上八点提醒我开会",
    lambda: "a@b",
    lambda: "score was 3-1, 21-19",
]


# Hand-written lines in the phrasing drivers and cockpit apps use.
HAND = [
    ("PHONE_CN", "请拨13912345678。"), ("PHONE_CN", "联系人：张伟 186 0000 1234"), ("PHONE_CN", "tel:+8613512345678"),
    ("PHONE_INTL", "call +1 (650) 253-0000 tomorrow"), ("PHONE_INTL", "+44 7700 900123 is my UK mobile"),
    ("ADDRESS", "The hotel is at 500 Fifth Avenue"), ("ADDRESS", "北京市海淀区中关村大街27号"),
    ("ADDRESS", "浦东新区世纪大道100号环球金融中心"), ("ADDRESS", "送我去徐汇区漕溪北路88号3号楼1201室"),
    ("PLATE", "车牌 京A·12345"), ("PLATE", "粤BD12345是我的新能源车"), ("EMAIL", "my email is Zhang.Wei+car@Example.COM"),
    ("COORDINATES", "坐标 39.908823,116.397470"), ("BANK_CARD", "卡号 6222 0212 3456 7890 128"),
    ("-", "GB 11643-1999 标准"), ("-", "ISO 7064 MOD 11-2"), ("-", "电池循环 1200 次, 续航 520 km"),
    ("-", "打开 3 号车窗"), ("-", "上海到杭州 176 公里"), ("-", "version 2.10.3-rc1"), ("-", "IPv4 192.168.1.10"),
    ("-", "mac 00:1A:2B:3C:4D:5E"), ("-", "UUID 123e4567-e89b-12d3-a456-426614174000"), ("-", "沪A is Shanghai's prefix"),
    ("-", "G1234 高铁 8 点发车"), ("-", "航班 CA1234 延误"), ("-", "2026-11-23 07:00:00"), ("-", "I live on Main Street"),
    ("-", "driver at example dot com"), ("-", "第 2 排座椅加热"), ("-", "PIN 1234 5678"), ("-", "lap time 1:23.4567"),
]


def main():
    lines = list(HAND)
    for label, (gen, templates) in POS.items():
        for i in range(40):
            lines.append((label, R.choice(templates).format(gen())))
    # Lines with two identifiers.
    for _ in range(30):
        a, b = R.sample(list(POS), 2)
        lines.append((",".join(sorted({a, b})), POS[a][1][0].format(POS[a][0]()) + "；" + POS[b][1][0].format(POS[b][0]())))
    for _ in range(8):
        for nm in NEAR_MISS:
            lines.append(("-", nm()))
    seen = set()
    for label, text in lines:
        if text in seen:
            continue
        seen.add(text)
        print(label + "\t" + text)


if __name__ == "__main__":
    main()
