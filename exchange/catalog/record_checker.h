// Checking records an owner adapter returned against the catalog schema.
#ifndef DATARUN_EXCHANGE_CATALOG_RECORD_CHECKER_H_
#define DATARUN_EXCHANGE_CATALOG_RECORD_CHECKER_H_

#include "absl/status/status.h"
#include "datarun/v1/catalog.pb.h"
#include "datarun/v1/types.pb.h"

namespace datarun::catalog {

// Returns OK when every field present in `record` is declared in `dataset`
// and its value kind matches the declared type: STRING string_value, INT
// int_value, DECIMAL decimal_value matching -?digits(.digits)?, BOOL
// bool_value, DATE date_value "YYYY-MM-DD" naming a real day, RECORD_LIST
// list_value whose records are checked recursively against the sub-fields.
// An empty Value (no kind set: the owner holds no value) is accepted for
// every type. masked_value is never accepted: only the exchange masks.
// Fields are checked in name order so the first error is deterministic.
// Errors: INVALID_ARGUMENT naming the dataset and the field path, e.g.
//   "land.property_title: field 'owners[1].share' must be DECIMAL, got
//    string_value".
// Thread-safe (pure function).
absl::Status CheckRecord(const v1::Dataset& dataset, const v1::Record& record);

}  // namespace datarun::catalog

#endif  // DATARUN_EXCHANGE_CATALOG_RECORD_CHECKER_H_
