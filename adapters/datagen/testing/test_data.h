// Test helpers for the reference departments: one small generated data set
// per test process, and checks of adapter records against the catalog file
// deploy/local/catalog.textproto.
#ifndef DATARUN_ADAPTERS_DATAGEN_TESTING_TEST_DATA_H_
#define DATARUN_ADAPTERS_DATAGEN_TESTING_TEST_DATA_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/types.pb.h"

namespace datarun {
namespace datagen {
namespace testing {

// A data set of 60 households (seed 7) generated on first use into a
// temporary directory removed at process exit. Returns the directory.
// Aborts the test process when generation fails.
const std::string& SharedTestDataDir();

// The demo subjects of the shared data set (demo_subjects.txt).
const std::map<std::string, std::string>& SharedDemoSubjects();

// Checks `record` against dataset `dataset_id` of the repository's catalog
// file, loaded and validated once with catalog::Catalog::LoadFile:
//  - catalog::Catalog::ValidateRecord accepts it (declared fields, value
//    kinds matching the types, real dates, exact decimals, no masking);
//  - when `all_fields`, every declared top-level field is present.
// Returns the first problem (INVALID_ARGUMENT naming dataset and field).
absl::Status CheckRecord(absl::string_view dataset_id, const v1::Record& record,
                         bool all_fields = true);

}  // namespace testing
}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_TESTING_TEST_DATA_H_
