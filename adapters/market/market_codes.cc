#include "adapters/market/market_codes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "exchange/identity/credit_code.h"

namespace datarun {
namespace market {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int64_t kRadix = 31;
// The letters of the alphabet, for the third character of an assigned body.
constexpr char kLetters[] = "ABCDEFGHJKLMNPQRTUWXY";
constexpr int64_t kLetterCount = sizeof(kLetters) - 1;

}  // namespace

std::string AssignedOrganisationCodeBody(int64_t n) {
  constexpr int64_t kPerLetter = kRadix * kRadix * kRadix * kRadix * kRadix;
  if (n < 1 || n > kLetterCount * kPerLetter) return "";
  int64_t v = n - 1;
  std::string tail(5, '0');
  for (int i = 4; i >= 0; --i) {
    tail[i] = kAlphabet[v % kRadix];
    v /= kRadix;
  }
  return absl::StrCat("MA", std::string(1, kLetters[v]), tail);
}

std::string OrganisationCode(absl::string_view body) {
  if (body.size() != 8) return "";
  for (char c : body) {
    if (absl::string_view(kAlphabet).find(c) == absl::string_view::npos) {
      return "";
    }
  }
  const char check = identity::OrganisationCodeCheckCharacter(body);
  if (check == '\0') return "";
  return absl::StrCat(body, std::string(1, check));
}

std::string MarketCreditCode(char type, absl::string_view region,
                             absl::string_view body) {
  const std::string org = OrganisationCode(body);
  if (org.empty() || region.size() != 6) return "";
  const std::string first17 =
      absl::StrCat("9", std::string(1, type), region, org);
  const char check = identity::CreditCodeCheckCharacter(first17);
  if (check == '\0') return "";
  return absl::StrCat(first17, std::string(1, check));
}

std::string EntityId(absl::string_view region, int64_t n) {
  return absl::StrFormat("%sZT%010d", region, n);
}

std::string LicenceNo(absl::string_view region, absl::CivilDay day, int64_t n) {
  return absl::StrFormat("%s%04d%02d%02d%06d", region, day.year(), day.month(),
                         day.day(), n);
}

std::string StoreDate(absl::CivilDay day) {
  return absl::StrFormat("%04d/%02d/%02d", day.year(), day.month(), day.day());
}

}  // namespace market
}  // namespace datarun
