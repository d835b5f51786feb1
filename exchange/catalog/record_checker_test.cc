#include "exchange/catalog/record_checker.h"

#include <ostream>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace datarun::catalog {
namespace {

v1::Dataset TitleDataset() {
  v1::Dataset dataset;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        id: "land.property_title"
        owner: "land"
        fields { name: "certificate_no" type: FIELD_TYPE_STRING }
        fields { name: "area" type: FIELD_TYPE_DECIMAL }
        fields { name: "floor" type: FIELD_TYPE_INT }
        fields { name: "mortgaged" type: FIELD_TYPE_BOOL }
        fields { name: "registered_on" type: FIELD_TYPE_DATE }
        fields {
          name: "owners"
          type: FIELD_TYPE_RECORD_LIST
          fields { name: "name" type: FIELD_TYPE_STRING }
          fields { name: "share" type: FIELD_TYPE_DECIMAL }
        }
      )pb",
      &dataset));
  return dataset;
}

v1::Record Parse(const char* text) {
  v1::Record record;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &record))
      << text;
  return record;
}

TEST(RecordCheckerTest, AcceptsWellTypedRecord) {
  v1::Record record = Parse(R"pb(
    fields {
      key: "certificate_no"
      value { string_value: "京(2023)朝阳区不动产权第0012345号" }
    }
    fields {
      key: "area"
      value { decimal_value: "89.50" }
    }
    fields {
      key: "floor"
      value { int_value: 7 }
    }
    fields {
      key: "mortgaged"
      value { bool_value: false }
    }
    fields {
      key: "registered_on"
      value { date_value: "2024-02-29" }
    }
    fields {
      key: "owners"
      value {
        list_value {
          records {
            fields {
              key: "name"
              value { string_value: "张三" }
            }
            fields {
              key: "share"
              value { decimal_value: "0.5" }
            }
          }
        }
      }
    }
  )pb");
  EXPECT_TRUE(CheckRecord(TitleDataset(), record).ok());
}

TEST(RecordCheckerTest, NullValuesAndMissingFieldsAreAccepted) {
  v1::Record record = Parse(R"pb(
    fields {
      key: "area"
      value {}
    }
    fields {
      key: "registered_on"
      value {}
    }
  )pb");
  EXPECT_TRUE(CheckRecord(TitleDataset(), record).ok());
  EXPECT_TRUE(CheckRecord(TitleDataset(), v1::Record()).ok());
}

struct BadRecord {
  const char* name;
  const char* record;
  const char* message;
};

void PrintTo(const BadRecord& c, std::ostream* os) { *os << c.name; }

class RecordCheckerErrorTest : public ::testing::TestWithParam<BadRecord> {};

TEST_P(RecordCheckerErrorTest, NamesDatasetAndFieldPath) {
  absl::Status status = CheckRecord(TitleDataset(), Parse(GetParam().record));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RecordCheckerErrorTest,
    ::testing::Values(
        BadRecord{"Undeclared", R"pb(fields {
                                       key: "price"
                                       value { decimal_value: "1" }
                                     })pb",
                  "land.property_title: field 'price' is not declared in the "
                  "catalog"},
        BadRecord{"WrongKind", R"pb(fields {
                                      key: "area"
                                      value { string_value: "89.5" }
                                    })pb",
                  "land.property_title: field 'area' must be DECIMAL, got "
                  "string_value"},
        BadRecord{"IntAsString", R"pb(fields {
                                        key: "floor"
                                        value { string_value: "7" }
                                      })pb",
                  "land.property_title: field 'floor' must be INT, got "
                  "string_value"},
        BadRecord{"BoolAsInt", R"pb(fields {
                                      key: "mortgaged"
                                      value { int_value: 1 }
                                    })pb",
                  "land.property_title: field 'mortgaged' must be BOOL, got "
                  "int_value"},
        BadRecord{"BadDecimal", R"pb(fields {
                                       key: "area"
                                       value { decimal_value: "89." }
                                     })pb",
                  "land.property_title: field 'area' must be a DECIMAL like "
                  "\"89.50\" or \"-3\", got \"89.\""},
        BadRecord{"DateWrongShape", R"pb(fields {
                                           key: "registered_on"
                                           value { date_value: "2024/01/02" }
                                         })pb",
                  "land.property_title: field 'registered_on' must be a DATE "
                  "\"YYYY-MM-DD\" naming a real day, got \"2024/01/02\""},
        BadRecord{"DateNotReal", R"pb(fields {
                                        key: "registered_on"
                                        value { date_value: "2023-02-29" }
                                      })pb",
                  "land.property_title: field 'registered_on' must be a DATE "
                  "\"YYYY-MM-DD\" naming a real day, got \"2023-02-29\""},
        BadRecord{"DateAsString", R"pb(fields {
                                         key: "registered_on"
                                         value { string_value: "2023-02-01" }
                                       })pb",
                  "land.property_title: field 'registered_on' must be DATE, "
                  "got string_value"},
        BadRecord{"MaskedFromAdapter", R"pb(fields {
                                              key: "certificate_no"
                                              value { masked_value: "***" }
                                            })pb",
                  "land.property_title: field 'certificate_no' carries "
                  "masked_value; adapters return real values and only the "
                  "exchange masks"},
        BadRecord{"ListNotList", R"pb(fields {
                                        key: "owners"
                                        value { string_value: "张三" }
                                      })pb",
                  "land.property_title: field 'owners' must be RECORD_LIST, "
                  "got string_value"},
        BadRecord{"NestedWrongKind", R"pb(
                    fields {
                      key: "owners"
                      value {
                        list_value {
                          records {
                            fields {
                              key: "share"
                              value { decimal_value: "0.5" }
                            }
                          }
                          records {
                            fields {
                              key: "share"
                              value { string_value: "0.5" }
                            }
                          }
                        }
                      }
                    })pb",
                  "land.property_title: field 'owners[1].share' must be "
                  "DECIMAL, got string_value"},
        BadRecord{"NestedUndeclared", R"pb(
                    fields {
                      key: "owners"
                      value {
                        list_value {
                          records {
                            fields {
                              key: "id_number"
                              value { string_value: "x" }
                            }
                          }
                        }
                      }
                    })pb",
                  "land.property_title: field 'owners[0].id_number' is not "
                  "declared in the catalog"},
        BadRecord{"NestedMasked", R"pb(
                    fields {
                      key: "owners"
                      value {
                        list_value {
                          records {
                            fields {
                              key: "name"
                              value { masked_value: "张*" }
                            }
                          }
                        }
                      }
                    })pb",
                  "land.property_title: field 'owners[0].name' carries "
                  "masked_value; adapters return real values and only the "
                  "exchange masks"}),
    [](const ::testing::TestParamInfo<BadRecord>& info) {
      return std::string(info.param.name);
    });

TEST(RecordCheckerTest, FirstErrorIsInFieldNameOrder) {
  v1::Record record = Parse(R"pb(
    fields {
      key: "zz_unknown"
      value { int_value: 1 }
    }
    fields {
      key: "area"
      value { int_value: 1 }
    }
  )pb");
  EXPECT_EQ(std::string(CheckRecord(TitleDataset(), record).message()),
            "land.property_title: field 'area' must be DECIMAL, got int_value");
}

}  // namespace
}  // namespace datarun::catalog
