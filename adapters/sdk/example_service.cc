#include "adapters/sdk/example_service.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/sdk/record_builder.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace datarun {
namespace adapter {

absl::StatusOr<std::unique_ptr<DepartmentService>> ExampleService::Open(
    absl::string_view store_path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(store_path));
  std::unique_ptr<ExampleService> service(new ExampleService);
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    Row row;
    if (cols.size() != 5 || cols[2].size() != 8 ||
        !absl::SimpleAtoi(cols[3], &row.visits)) {
      return absl::InvalidArgumentError(absl::StrCat(
          store_path, ":", line_number,
          ": expected ZJHM<TAB>XM<TAB>DJRQ(YYYYMMDD)<TAB>CS<TAB>BZ"));
    }
    row.name = cols[1];
    row.registered = cols[2];
    row.remark = cols[4];
    service->rows_[cols[0]] = std::move(row);
  }
  return service;
}

absl::StatusOr<std::vector<v1::Record>> ExampleService::Fetch(
    const v1::FetchRequest& request) {
  std::vector<v1::Record> records;
  auto it = rows_.find(request.subject());
  if (it == rows_.end()) return records;  // The SDK answers NOT_FOUND.
  const Row& row = it->second;
  // Legacy columns -> catalog fields, with the types the catalog declares.
  RecordBuilder record;
  record.Str("name", row.name)
      .Date("registered_on", absl::StrCat(row.registered.substr(0, 4), "-",
                                          row.registered.substr(4, 2), "-",
                                          row.registered.substr(6, 2)))
      .Int("visits", row.visits);
  if (row.remark == "\\N") {
    record.Null("remark");
  } else {
    record.Str("remark", row.remark);
  }
  records.push_back(std::move(record).Build());
  return records;
}

}  // namespace adapter
}  // namespace datarun
