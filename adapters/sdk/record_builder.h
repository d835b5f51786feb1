// Building typed datarun records from legacy rows.
//
//   v1::Record record = RecordBuilder()
//       .Str("certificate_no", row.qzh)
//       .Decimal("area", "89.50")
//       .Date("registered_on", "2019-04-02")
//       .Null("mortgage_holder")
//       .Build();
//
// Field names are the catalog's names, never legacy column names. The builder
// does not know the catalog: the exchange checks every value against the
// field's declared type and rejects mismatches, so pass decimals as exact
// strings ("1250000.00", never via double) and dates as "YYYY-MM-DD".
// Setting a field twice keeps the last value.
//
// Thread-compatible: use one builder per record.
#ifndef DATARUN_ADAPTERS_SDK_RECORD_BUILDER_H_
#define DATARUN_ADAPTERS_SDK_RECORD_BUILDER_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "datarun/v1/types.pb.h"

namespace datarun {
namespace adapter {

class RecordBuilder {
 public:
  RecordBuilder() = default;

  // Each setter sets one field and returns the builder for chaining: an
  // lvalue builder returns itself, a temporary returns an rvalue, so both
  //   RecordBuilder b; b.Str(..).Int(..); std::move(b).Build();
  //   RecordBuilder().Str(..).Int(..).Build();
  // work.

  // UTF-8 text (FIELD_TYPE_STRING).
  RecordBuilder& Str(absl::string_view field, absl::string_view value) &;
  RecordBuilder&& Str(absl::string_view field, absl::string_view value) &&;
  // 64-bit integer (FIELD_TYPE_INT).
  RecordBuilder& Int(absl::string_view field, int64_t value) &;
  RecordBuilder&& Int(absl::string_view field, int64_t value) &&;
  // Exact decimal written as a string, e.g. "89.50" (FIELD_TYPE_DECIMAL).
  RecordBuilder& Decimal(absl::string_view field, absl::string_view value) &;
  RecordBuilder&& Decimal(absl::string_view field, absl::string_view value) &&;
  // true / false (FIELD_TYPE_BOOL).
  RecordBuilder& Bool(absl::string_view field, bool value) &;
  RecordBuilder&& Bool(absl::string_view field, bool value) &&;
  // ISO 8601 date "YYYY-MM-DD" (FIELD_TYPE_DATE).
  RecordBuilder& Date(absl::string_view field, absl::string_view yyyy_mm_dd) &;
  RecordBuilder&& Date(absl::string_view field,
                       absl::string_view yyyy_mm_dd) &&;
  // Nested records (FIELD_TYPE_RECORD_LIST); an empty list is a present,
  // empty list, not a null.
  RecordBuilder& List(absl::string_view field,
                      std::vector<v1::Record> records) &;
  RecordBuilder&& List(absl::string_view field,
                       std::vector<v1::Record> records) &&;
  // Present but empty Value: the department holds no value (SQL NULL).
  RecordBuilder& Null(absl::string_view field) &;
  RecordBuilder&& Null(absl::string_view field) &&;

  // Returns the record; the builder is consumed.
  v1::Record Build() &&;

 private:
  v1::Value& Set(absl::string_view field);

  v1::Record record_;
};

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_RECORD_BUILDER_H_
