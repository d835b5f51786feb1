#include "exchange/identity/region_codes.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace datarun::identity {
namespace {

// Province-level codes of GB/T 2260, as ranges of the first two digits.
struct ProvinceRange {
  int first;
  int last;
};
constexpr ProvinceRange kProvinceRanges[] = {
    {11, 15},  // Beijing, Tianjin, Hebei, Shanxi, Inner Mongolia
    {21, 23},  // Liaoning, Jilin, Heilongjiang
    {31, 37},  // Shanghai, Jiangsu, Zhejiang, Anhui, Fujian, Jiangxi, Shandong
    {41, 46},  // Henan, Hubei, Hunan, Guangdong, Guangxi, Hainan
    {50, 54},  // Chongqing, Sichuan, Guizhou, Yunnan, Tibet
    {61, 65},  // Shaanxi, Gansu, Qinghai, Ningxia, Xinjiang
    {71, 71},  // Taiwan
    {81, 82},  // Hong Kong, Macao
};

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Checks shape and province; shared by persons and organisations.
absl::Status ValidateShapeAndProvince(absl::string_view code) {
  if (code.size() != 6 || !AllDigits(code)) {
    return absl::InvalidArgumentError("region code must be 6 digits");
  }
  if (!IsProvinceCode(code.substr(0, 2))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "region code: province '", code.substr(0, 2), "' does not exist"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsProvinceCode(absl::string_view code) {
  if (code.size() != 2 || !AllDigits(code)) return false;
  const int n = (code[0] - '0') * 10 + (code[1] - '0');
  for (const ProvinceRange& r : kProvinceRanges) {
    if (n >= r.first && n <= r.last) return true;
  }
  return false;
}

absl::Status ValidatePersonRegionCode(absl::string_view code) {
  if (code == "830000") return absl::OkStatus();  // Taiwan residents' permit.
  absl::Status status = ValidateShapeAndProvince(code);
  if (!status.ok()) return status;
  const int province = (code[0] - '0') * 10 + (code[1] - '0');
  const bool mainland = province < 70;
  if (mainland && code.substr(2, 2) == "00") {
    return absl::InvalidArgumentError(
        absl::StrCat("region code ", code,
                     " names only a province; a person's region code names "
                     "a prefecture or county"));
  }
  return absl::OkStatus();
}

absl::Status ValidateOrganisationRegionCode(absl::string_view code) {
  if (code == "100000") return absl::OkStatus();  // National level.
  return ValidateShapeAndProvince(code);
}

}  // namespace datarun::identity
