// "Did you mean ...?" suggestions for mistyped identifiers.
#ifndef DATARUN_EXCHANGE_CATALOG_SUGGEST_H_
#define DATARUN_EXCHANGE_CATALOG_SUGGEST_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace datarun::catalog {

// Returns the number of single-byte insertions, deletions and substitutions
// that turn `a` into `b` (Levenshtein distance).
int EditDistance(absl::string_view a, absl::string_view b);

// Returns the candidate `name` was most likely meant to be, or "" when none
// is close. A candidate is close when it differs by a small edit (one edit
// for words of at most 4 characters, else max(2, length / 4) edits) or when one
// of the two is a prefix of the other (and the shorter is at least 3 characters
// long). Among close candidates the smallest edit distance wins, ties going to
// the earlier candidate. A candidate equal to `name` is never returned.
std::string ClosestMatch(absl::string_view name,
                         const std::vector<std::string>& candidates);

// Returns " (did you mean 'x'?)" for ClosestMatch's answer, or "" when it
// has none; for appending to an error message.
std::string DidYouMean(absl::string_view name,
                       const std::vector<std::string>& candidates);

}  // namespace datarun::catalog

#endif  // DATARUN_EXCHANGE_CATALOG_SUGGEST_H_
