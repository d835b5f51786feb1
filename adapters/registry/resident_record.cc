#include "adapters/registry/resident_record.h"

#include <utility>

#include "absl/strings/string_view.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace registry {
namespace {

using adapter::RecordBuilder;
using legacy::SetDate;
using legacy::SetIdNumber;
using legacy::SetText;
using legacy::Source;
using legacy::SqliteRow;

Source Src(absl::string_view field, absl::string_view column) {
  return Source{kResident, field, column};
}

// Sets `field` to the word for the code in column `col`, Null for a code
// without one.
void SetCode(RecordBuilder& b, absl::string_view field, const SqliteRow& row,
             int col,
             std::initializer_list<std::pair<const char*, const char*>> words) {
  if (!row.IsNull(col)) {
    for (const auto& [code, word] : words) {
      if (row.Text(col) == code) {
        b.Str(field, word);
        return;
      }
    }
  }
  b.Null(field);
}

}  // namespace

absl::StatusOr<std::vector<v1::Record>> ResidentRecords(
    legacy::SqliteDb& db, const std::string& ryid) {
  std::vector<v1::Record> records;
  RETURN_IF_ERROR(db.Query(
      "SELECT r.XM, r.XB, r.CSRQ, m.MC, r.GMSFHM, r.HH, h.ZZ, r.RYZT "
      "FROM HJ_RY r LEFT JOIN HJ_HU h ON h.HH = r.HH "
      "LEFT JOIN DM_MZ m ON m.DM = r.MZ WHERE r.RYID = ?",
      {ryid}, [&](const SqliteRow& row) -> absl::Status {
        RecordBuilder b;
        SetText(b, Src("name", "HJ_RY.XM"), row, 0);
        SetCode(b, "sex", row, 1, {{"1", "男"}, {"2", "女"}});
        RETURN_IF_ERROR(SetDate(b, Src("birth_date", "HJ_RY.CSRQ"), row, 2));
        SetText(b, Src("ethnicity", "HJ_RY.MZ"), row, 3);
        SetIdNumber(b, Src("id_number", "HJ_RY.GMSFHM"), row, 4);
        SetText(b, Src("household_no", "HJ_RY.HH"), row, 5);
        SetText(b, Src("address", "HJ_HU.ZZ"), row, 6);
        SetCode(b, "status", row, 7,
                {{"0", "正常"}, {"1", "死亡注销"}, {"2", "迁出注销"}});
        records.push_back(std::move(b).Build());
        return absl::OkStatus();
      }));
  return records;
}

}  // namespace registry
}  // namespace datarun
