// Lexical checks of the value formats the catalog declares.
#ifndef DATARUN_EXCHANGE_CATALOG_VALUE_FORMAT_H_
#define DATARUN_EXCHANGE_CATALOG_VALUE_FORMAT_H_

#include "absl/strings/string_view.h"

namespace datarun::catalog {

// True when `text` is "YYYY-MM-DD" naming a real Gregorian calendar day
// (years 0001-9999; February 29 only in leap years).
bool IsValidDate(absl::string_view text);

// True when `text` matches -?[0-9]+(\.[0-9]+)? (FIELD_TYPE_DECIMAL).
bool IsValidDecimal(absl::string_view text);

// True when `text` is lowercase snake_case: [a-z][a-z0-9]*(_[a-z0-9]+)*.
bool IsSnakeCase(absl::string_view text);

// True when `text` is a department id: [a-z][a-z0-9]* (it appears in DNS
// names of certificates, so no underscore).
bool IsDepartmentId(absl::string_view text);

}  // namespace datarun::catalog

#endif  // DATARUN_EXCHANGE_CATALOG_VALUE_FORMAT_H_
