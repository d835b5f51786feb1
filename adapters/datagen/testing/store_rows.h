// Reads a department's SQLite store in a test, to compare what its adapter
// says with what the store holds or to pick a subject the generated data
// happens to contain.
#ifndef DATARUN_ADAPTERS_DATAGEN_TESTING_STORE_ROWS_H_
#define DATARUN_ADAPTERS_DATAGEN_TESTING_STORE_ROWS_H_

#include <string>
#include <vector>

namespace datarun {
namespace datagen {
namespace testing {

// Returns the rows of `sql`, its parameters (?, ?1, ...) bound to `params`
// in order, on the SQLite store at `path` opened read-only; every column as
// text (SQLite's conversion, NULL as ""). Adds a GoogleTest failure, and
// returns the rows read so far, when the store cannot be opened or the
// query fails.
std::vector<std::vector<std::string>> StoreRows(
    const std::string& path, const std::string& sql,
    const std::vector<std::string>& params = {});

// Returns the first column of StoreRows' first row, "" when there is none.
std::string StoreValue(const std::string& path, const std::string& sql,
                       const std::vector<std::string>& params = {});

}  // namespace testing
}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_TESTING_STORE_ROWS_H_
