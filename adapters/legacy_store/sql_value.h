// One bound parameter of a prepared SQLite statement: NULL, a 64-bit integer
// or UTF-8 text.
//
//   db->Execute("INSERT INTO BDC_QLR (QLRMC, ZJHM, FE) VALUES (?, ?, ?)",
//               {name, id_number, nullptr});
//
// Text is NOT copied: the string a SqlValue was made from must outlive the
// call it is passed to (a temporary std::string in the argument list does).
// Values are always bound, never spliced into SQL text.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_SQL_VALUE_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_SQL_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace datarun {
namespace legacy {

class SqlValue {
 public:
  enum class Kind { kNull, kInt, kText };

  SqlValue(std::nullptr_t) : kind_(Kind::kNull) {}       // NOLINT: implicit
  SqlValue(int v) : kind_(Kind::kInt), int_(v) {}        // NOLINT
  SqlValue(long v) : kind_(Kind::kInt), int_(v) {}       // NOLINT
  SqlValue(long long v) : kind_(Kind::kInt), int_(v) {}  // NOLINT
  SqlValue(absl::string_view v) : kind_(Kind::kText), text_(v) {}   // NOLINT
  SqlValue(const char* v) : kind_(Kind::kText), text_(v) {}         // NOLINT
  SqlValue(const std::string& v) : kind_(Kind::kText), text_(v) {}  // NOLINT
  // Booleans have no SQLite type; store them as the legacy code the schema
  // uses ('Y'/'N', 0/1) explicitly.
  SqlValue(bool) = delete;

  // NULL when `v` is empty, the text otherwise.
  static SqlValue OptionalText(const absl::optional<std::string>& v) {
    return v.has_value() ? SqlValue(*v) : SqlValue(nullptr);
  }

  Kind kind() const { return kind_; }
  int64_t int_value() const { return int_; }
  absl::string_view text_value() const { return text_; }

 private:
  Kind kind_;
  int64_t int_ = 0;
  absl::string_view text_;
};

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_SQL_VALUE_H_
