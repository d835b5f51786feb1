#include "exchange/audit/siphash.h"

#include <string>

#include "gtest/gtest.h"

namespace datarun::audit {
namespace {

// The reference vectors of the SipHash paper (appendix A) and its reference
// implementation (vectors.h): key 00 01 .. 0f, messages 00 01 .. (n-1).
TEST(SipHashTest, ReferenceVectors) {
  SipHashKey key{0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
  std::string message;
  for (int i = 0; i < 16; ++i) message.push_back(static_cast<char>(i));
  EXPECT_EQ(SipHash24(key, ""), 0x726fdb47dd0e0e31ull);
  EXPECT_EQ(SipHash24(key, message.substr(0, 1)), 0x74f839c593dc67fdull);
  EXPECT_EQ(SipHash24(key, message.substr(0, 8)), 0x93f5f5799a932462ull);
  EXPECT_EQ(SipHash24(key, message.substr(0, 15)), 0xa129ca6149be45e5ull);
}

TEST(SipHashTest, RandomKeysDiffer) {
  SipHashKey a = RandomSipHashKey();
  SipHashKey b = RandomSipHashKey();
  EXPECT_NE(SipHash24(a, "x"), SipHash24(b, "x"));
}

}  // namespace
}  // namespace datarun::audit
