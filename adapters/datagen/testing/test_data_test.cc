// The record check the department tests rely on must be able to fail.
#include "adapters/datagen/testing/test_data.h"

#include "gtest/gtest.h"

namespace datarun {
namespace datagen {
namespace testing {
namespace {

v1::Record Marriage() {
  v1::Record r;
  auto& f = *r.mutable_fields();
  f["marital_status"].set_string_value("已婚");
  f["spouse_name"].set_string_value("张三");
  f["spouse_id_number"].set_string_value("11010519491231002X");
  f["registered_on"].set_date_value("2001-05-20");
  f["registration_office"];  // NULL
  return r;
}

TEST(CheckRecordTest, AcceptsAWellTypedCompleteRecord) {
  EXPECT_TRUE(CheckRecord("registry.marriage", Marriage()).ok())
      << CheckRecord("registry.marriage", Marriage());
}

TEST(CheckRecordTest, RejectsWrongTypesUnknownAndMissingFields) {
  v1::Record wrong_type = Marriage();
  (*wrong_type.mutable_fields())["registered_on"].set_string_value(
      "2001-05-20");
  EXPECT_FALSE(CheckRecord("registry.marriage", wrong_type).ok());

  v1::Record bad_date = Marriage();
  (*bad_date.mutable_fields())["registered_on"].set_date_value("20010520");
  EXPECT_FALSE(CheckRecord("registry.marriage", bad_date).ok());

  v1::Record unknown = Marriage();
  (*unknown.mutable_fields())["HYZK"].set_string_value("20");
  EXPECT_FALSE(CheckRecord("registry.marriage", unknown).ok());

  v1::Record missing = Marriage();
  missing.mutable_fields()->erase("spouse_name");
  EXPECT_FALSE(CheckRecord("registry.marriage", missing).ok());
  EXPECT_TRUE(
      CheckRecord("registry.marriage", missing, /*all_fields=*/false).ok());

  EXPECT_FALSE(CheckRecord("registry.no_such_dataset", Marriage()).ok());
}

}  // namespace
}  // namespace testing
}  // namespace datagen
}  // namespace datarun
