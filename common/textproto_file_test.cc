#include "common/textproto_file.h"

#include "datarun/v1/catalog.pb.h"
#include "gtest/gtest.h"

namespace datarun {
namespace {

TEST(TextProtoFileTest, SyntaxErrorNamesFileLineAndColumn) {
  v1::Catalog catalog;
  auto file = TextProtoFile::Parse("catalog.textproto",
                                   "departments { id: \"tax\" }\n"
                                   "datasets { idd: \"x\" }\n",
                                   &catalog);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(file.status().message().find("catalog.textproto:2:"),
            std::string::npos)
      << file.status();
  EXPECT_NE(file.status().message().find("idd"), std::string::npos);
}

TEST(TextProtoFileTest, WhereFindsNestedRepeatedFields) {
  v1::Catalog catalog;
  auto file = TextProtoFile::Parse("c.textproto",
                                   "departments { id: \"tax\" }\n"
                                   "datasets {\n"
                                   "  id: \"tax.a\"\n"
                                   "}\n"
                                   "datasets {\n"
                                   "  id: \"tax.b\"\n"
                                   "  owner: \"tax\"\n"
                                   "}\n",
                                   &catalog);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ((*file)->Where(catalog, {{"datasets", 1}, {"owner", -1}}),
            "c.textproto:7");
  EXPECT_EQ((*file)->Where(catalog, {{"datasets", 0}}), "c.textproto:2");
  // An absent field points at the block that should contain it.
  EXPECT_EQ((*file)->Where(catalog, {{"datasets", 0}, {"owner", -1}}),
            "c.textproto:2");
  EXPECT_EQ((*file)->Where(catalog, {{"purposes", 0}}), "c.textproto");
}

}  // namespace
}  // namespace datarun
