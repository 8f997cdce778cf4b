// Placeholders out, originals back: across whole answers and streamed chunks split anywhere.
#include "gateway/redaction.h"

#include <gtest/gtest.h>

namespace onboard::gateway {
namespace {

TEST(Redaction, IdentifiersLeaveAsPlaceholdersAndComeBack) {
  Reidentifier r;
  const std::string in = "call 13812345678 and mail zhang.wei@163.com, again 13812345678; ID 11010519491231002X";
  const std::string out = r.redact(in);
  EXPECT_EQ(out, "call [PHONE_CN_1] and mail [EMAIL_1], again [PHONE_CN_1]; ID [RESIDENT_ID_1]");
  for (const auto& o : r.originals()) EXPECT_EQ(out.find(o), std::string::npos) << o;
  EXPECT_EQ(r.restore("OK, dialling [PHONE_CN_1] now. [EMAIL_1] [UNKNOWN_1]"),
            "OK, dialling 13812345678 now. zhang.wei@163.com [UNKNOWN_1]");
}

TEST(Redaction, PlaceholderNeverCollidesWithTheCallersText) {
  Reidentifier r;
  const std::string in = "my note says [PHONE_CN_1]; call 13812345678";
  const std::string out = r.redact(in);
  EXPECT_EQ(out, "my note says [PHONE_CN_1]; call [PHONE_CN_2]");
  EXPECT_EQ(r.restore(out), in);
}

TEST(Redaction, CoordinatesAreCoarsenedToThreeDecimals) {
  Reidentifier r(3);
  EXPECT_EQ(r.redact("I am at 31.230416, 121.473701 now"), "I am at 31.230, 121.474 now");
  Reidentifier keep(-1);
  EXPECT_EQ(keep.redact("I am at 31.230416, 121.473701 now"), "I am at 31.230416, 121.473701 now");
  EXPECT_EQ(coarsen_coordinates("-33.8688197°S, 151.2092955°E", 3), "-33.869°S, 151.209°E");
}

TEST(Redaction, StreamRestoredWhateverTheChunkBoundaries) {
  Reidentifier r;
  (void)r.redact("电话 13812345678，邮箱 a.b@example.cn");
  const std::string answer = "好的，拨打[PHONE_CN_1]，并发送到[EMAIL_1]。[not a placeholder] [";
  const std::string want = "好的，拨打13812345678，并发送到a.b@example.cn。[not a placeholder] [";
  // Every split into two chunks, and one byte at a time.
  for (size_t cut = 0; cut <= answer.size(); ++cut) {
    StreamRestorer s(r);
    std::string got = s.push(answer.substr(0, cut));
    got += s.push(answer.substr(cut));
    got += s.finish();
    EXPECT_EQ(got, want) << "cut at " << cut;
  }
  StreamRestorer s(r);
  std::string got;
  for (char c : answer) got += s.push(std::string(1, c));
  got += s.finish();
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace onboard::gateway
