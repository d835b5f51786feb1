// Keys and value encodings of the identity registry.
#include <string>
#include <vector>

#include "exchange/identity_registry/identity_registry_testing.h"
#include "exchange/identity_registry/registry_keys.h"
#include "exchange/identity_registry/subject_record.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::identity {
namespace {

using ::testing::HasSubstr;
using testing::MakeLocalId;

SubjectHash HashOf(unsigned char fill) {
  SubjectHash h;
  h.fill(fill);
  return h;
}

TEST(RegistryKeysTest, RoundTrips) {
  const SubjectHash h = HashOf(0xab);
  EXPECT_EQ(ParseSubjectKey(SubjectKey(h)), h);
  EXPECT_EQ(ParseSubjectKey("x/abc"), absl::nullopt);
  EXPECT_EQ(Fingerprint(h), "abababababababab");
  EXPECT_EQ(SubjectHashFromHex(std::string(64, 'a')), HashOf(0xaa));
  EXPECT_EQ(SubjectHashFromHex("zz"), absl::nullopt);

  const v1::LocalId id = MakeLocalId("tax", "taxpayer_number", "T/1 2");
  auto parsed = ParseLocalIdKeyPart(LocalIdKeyPart(id));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->ShortDebugString(), id.ShortDebugString());
  EXPECT_EQ(ParseLocalIdKeyPart("tax"), absl::nullopt);
  EXPECT_EQ(ClaimKey(id).substr(0, 2), "l/");
  EXPECT_EQ(ClaimKey(id).rfind(ClaimKindPrefix("tax", "taxpayer_number"), 0),
            0u);
  EXPECT_EQ(ConflictKey(id).substr(2), LocalIdKeyPart(id));

  EXPECT_EQ(DecodeUint64(EncodeUint64(0x0102030405060708ull)),
            0x0102030405060708ull);
  EXPECT_LT(EventKey(h, 255), EventKey(h, 256));  // numeric order
  EXPECT_EQ(EventKey(h, 1).rfind(EventPrefix(h), 0), 0u);
  EXPECT_EQ(PrefixEnd("e/"), "e0");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
}

TEST(SubjectRecordTest, RoundTripsAndKeepsLinksSorted) {
  SubjectRecord record;
  record.merged_from = {HashOf(1), HashOf(2)};
  for (const char* value : {"T2", "A1", "T1"}) {
    v1::IdentityLink link;
    *link.mutable_local_id() = MakeLocalId("tax", "taxpayer_number", value);
    link.set_state(v1::LINK_STATE_CONFLICT);
    link.add_conflicting_subjects("0123456789abcdef");
    record.Insert(link);
  }
  EXPECT_EQ(record.links[0].local_id().value(), "A1");
  EXPECT_EQ(record.links[2].local_id().value(), "T2");
  const std::string bytes = EncodeSubjectRecord(record);
  auto decoded = DecodeSubjectRecord(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(EncodeSubjectRecord(*decoded), bytes);
  EXPECT_EQ(decoded->merged_from.size(), 2u);
  EXPECT_FALSE(decoded->merged_into.has_value());

  SubjectRecord merged;
  merged.merged_into = HashOf(9);
  decoded = DecodeSubjectRecord(EncodeSubjectRecord(merged));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->merged_into, HashOf(9));
  EXPECT_TRUE(record.Remove(MakeLocalId("tax", "taxpayer_number", "T1")));
  EXPECT_FALSE(record.Remove(MakeLocalId("tax", "taxpayer_number", "T1")));
}

TEST(SubjectRecordTest, RejectsDamage) {
  SubjectRecord record;
  v1::IdentityLink link;
  *link.mutable_local_id() = MakeLocalId("tax", "taxpayer_number", "T1");
  record.Insert(link);
  std::string bytes = EncodeSubjectRecord(record);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_EQ(DecodeSubjectRecord(bytes.substr(0, cut)).status().code(),
              absl::StatusCode::kDataLoss)
        << cut;
  }
  std::string version = bytes;
  version[0] = 9;
  EXPECT_THAT(DecodeSubjectRecord(version).status().message(),
              HasSubstr("unknown record version 9"));
  EXPECT_THAT(DecodeSubjectRecord(bytes + "x").status().message(),
              HasSubstr("trailing"));
  std::string flags = bytes;
  flags[1] = 0x40;
  EXPECT_THAT(DecodeSubjectRecord(flags).status().message(),
              HasSubstr("unknown flags"));
}

TEST(ClaimsTest, RoundTrip) {
  const std::vector<SubjectHash> claims = {HashOf(1), HashOf(2)};
  auto decoded = DecodeClaims(EncodeClaims(claims));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, claims);
  EXPECT_EQ(DecodeClaims("abc").status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace datarun::identity
