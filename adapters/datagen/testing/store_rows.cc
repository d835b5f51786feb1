#include "adapters/datagen/testing/store_rows.h"

#include <memory>

#include "adapters/legacy_store/sqlite_db.h"
#include "gtest/gtest.h"

namespace datarun {
namespace datagen {
namespace testing {

std::vector<std::vector<std::string>> StoreRows(
    const std::string& path, const std::string& sql,
    const std::vector<std::string>& params) {
  std::vector<std::vector<std::string>> rows;
  auto db = legacy::SqliteDb::Open(path, legacy::SqliteDb::Mode::kReadOnly);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return rows;
  std::vector<legacy::SqlValue> values(params.begin(), params.end());
  absl::Status status =
      (*db)->Query(sql, values, [&](const legacy::SqliteRow& row) {
        std::vector<std::string>& out = rows.emplace_back();
        for (int i = 0; i < row.column_count(); ++i) {
          out.emplace_back(row.Text(i));
        }
        return absl::OkStatus();
      });
  EXPECT_TRUE(status.ok()) << status << "\n  in " << path << ": " << sql;
  return rows;
}

std::string StoreValue(const std::string& path, const std::string& sql,
                       const std::vector<std::string>& params) {
  std::vector<std::vector<std::string>> rows = StoreRows(path, sql, params);
  return rows.empty() || rows[0].empty() ? "" : rows[0][0];
}

}  // namespace testing
}  // namespace datagen
}  // namespace datarun
