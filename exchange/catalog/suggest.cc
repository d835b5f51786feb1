#include "exchange/catalog/suggest.h"

#include <algorithm>
#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace datarun::catalog {

int EditDistance(absl::string_view a, absl::string_view b) {
  // One row of the classic dynamic programme.
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diagonal = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int above = row[j];
      int substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string ClosestMatch(absl::string_view name,
                         const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  int best_distance = std::numeric_limits<int>::max();
  for (const std::string& candidate : candidates) {
    if (candidate == name) continue;
    const int distance = EditDistance(name, candidate);
    const size_t longer = std::max(name.size(), candidate.size());
    const size_t shorter = std::min(name.size(), candidate.size());
    const int allowed =
        longer <= 4 ? 1 : std::max<int>(2, static_cast<int>(longer / 4));
    const bool small_edit = distance <= allowed;
    const bool prefix = shorter >= 3 && (absl::StartsWith(candidate, name) ||
                                         absl::StartsWith(name, candidate));
    if ((small_edit || prefix) && distance < best_distance) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best == nullptr ? "" : *best;
}

std::string DidYouMean(absl::string_view name,
                       const std::vector<std::string>& candidates) {
  std::string match = ClosestMatch(name, candidates);
  if (match.empty()) return "";
  return absl::StrCat(" (did you mean '", match, "'?)");
}

}  // namespace datarun::catalog
