#include "exchange/identity/subject_id.h"

#include <dirent.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "exchange/identity/region_codes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace datarun::identity {
namespace {

using ::testing::HasSubstr;

constexpr absl::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const absl::CivilDay kToday(2024, 6, 15);

std::string ErrorOf(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return std::string(status.message());
}

std::string PersonError(absl::string_view id, absl::CivilDay today = kToday) {
  return ErrorOf(ParseResidentId(id, today).status());
}

// Appends the library's check character to 17 digits.
std::string WithResidentCheck(const std::string& first17) {
  const char c = ResidentIdCheckCharacter(first17);
  EXPECT_NE(c, '\0') << first17;
  return first17 + c;
}

// Builds a credit code from its parts using the library's check functions.
std::string MakeCreditCode(absl::string_view head8, absl::string_view org8) {
  std::string code = absl::StrCat(head8, org8);
  code.push_back(OrganisationCodeCheckCharacter(org8));
  code.push_back(CreditCodeCheckCharacter(code));
  return code;
}

// ISO 7064 MOD 11-2 as stated by the standard, independent of the library's
// weight table: sum of a_i * 2^(18-i) over all 18 positions (check 'X' = 10)
// is congruent to 1 mod 11.
bool SatisfiesMod11_2(absl::string_view id) {
  int sum = 0;
  int weight = 1;  // 2^0 for the check position, growing leftwards.
  for (int i = 17; i >= 0; --i) {
    const int value = id[i] == 'X' ? 10 : id[i] - '0';
    sum += value * weight;
    weight = weight * 2 % 11;
  }
  return sum % 11 == 1;
}

// GB 32100 check as stated: sum of value * 3^(i-1) over the 17 characters
// plus the check value is congruent to 0 mod 31.
bool SatisfiesMod31(absl::string_view code) {
  int sum = 0;
  int weight = 1;
  for (int i = 0; i < 17; ++i) {
    sum += static_cast<int>(kCreditAlphabet.find(code[i])) * weight;
    weight = weight * 3 % 31;
  }
  sum += static_cast<int>(kCreditAlphabet.find(code[17]));
  return sum % 31 == 0;
}

// ---------------------------------------------------------------- persons

TEST(ResidentIdTest, ParsesGb11643Example) {
  auto info = ParseResidentId("11010519491231002X", kToday);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->region_code, "110105");
  EXPECT_EQ(info->birth_date, absl::CivilDay(1949, 12, 31));
  EXPECT_EQ(info->sequence, 2);
  EXPECT_FALSE(info->male);
}

TEST(ResidentIdTest, ParsesHistoricRegionCode) {
  // 440524 was abolished long ago; numbers issued with it stay valid.
  auto info = ParseResidentId("440524188001010014", kToday);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->region_code, "440524");
  EXPECT_EQ(info->birth_date, absl::CivilDay(1880, 1, 1));
  EXPECT_EQ(info->sequence, 1);
  EXPECT_TRUE(info->male);
}

TEST(ResidentIdTest, AcceptsLowercaseX) {
  EXPECT_TRUE(ParseResidentId("11010519491231002x", kToday).ok());
}

TEST(ResidentIdTest, DefaultTodayAcceptsPastDates) {
  EXPECT_TRUE(ParseResidentId("11010519491231002X").ok());
}

TEST(ResidentIdTest, CheckCharacterCoversAllElevenResidues) {
  // For each residue r of the weighted sum, build a number whose sum is r by
  // varying the last two digits, and check the character against the table
  // and against the standard's own formulation.
  const std::string table = "10X98765432";
  std::string seen;
  for (int a = 0; a <= 9; ++a) {
    for (int b = 0; b <= 9; ++b) {
      std::string first17 = absl::StrCat("110105194912310", a, b);
      const int weights[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                               3, 7, 9,  10, 5, 8, 4, 2};
      int sum = 0;
      for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * weights[i];
      const char c = ResidentIdCheckCharacter(first17);
      EXPECT_EQ(c, table[sum % 11]) << first17;
      EXPECT_TRUE(SatisfiesMod11_2(first17 + c)) << first17;
      if (seen.find(c) == std::string::npos) seen.push_back(c);
    }
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, "0123456789X");
}

TEST(ResidentIdTest, CheckCharacterRejectsBadInput) {
  EXPECT_EQ(ResidentIdCheckCharacter(""), '\0');
  EXPECT_EQ(ResidentIdCheckCharacter("1101051949123100"), '\0');
  EXPECT_EQ(ResidentIdCheckCharacter("110105194912310020"), '\0');
  EXPECT_EQ(ResidentIdCheckCharacter("11010519491231A02"), '\0');
  EXPECT_EQ(ResidentIdCheckCharacter("11010519491231002"), 'X');
}

TEST(ResidentIdTest, ErrorMessages) {
  EXPECT_EQ(PersonError("11010519491231002"),
            "resident identity number must have 18 characters, got 17");
  EXPECT_EQ(PersonError(""),
            "resident identity number must have 18 characters, got 0");
  EXPECT_EQ(PersonError("1101A519491231002X"),
            "resident identity number character 5 must be a digit");
  EXPECT_EQ(PersonError("11010519491231002Y"),
            "resident identity number character 18 must be a digit or 'X'");
  EXPECT_EQ(PersonError("990105194912310021"),
            "resident identity number region code: province '99' does not "
            "exist");
  EXPECT_EQ(PersonError("110000194912310021"),
            "resident identity number region code 110000 names only a "
            "province; a person's region code names a prefecture or county");
  EXPECT_EQ(PersonError("110105199013450011"),
            "resident identity number birth date 19901345 is not a calendar "
            "date");
  EXPECT_EQ(PersonError("110105190002290011"),
            "resident identity number birth date 19000229 is not a calendar "
            "date");
  EXPECT_EQ(PersonError("110105202406160011"),
            "resident identity number birth date 20240616 lies in the future");
  EXPECT_EQ(PersonError("110105179912310011"),
            "resident identity number birth date 17991231 lies before 1800");
  EXPECT_EQ(PersonError("110105194912310001"),
            "resident identity number sequence 000 is not assigned");
  EXPECT_EQ(PersonError("110105194912310024"),
            "resident identity number check character is '4' but the first "
            "17 digits require 'X'");
}

TEST(ResidentIdTest, ErrorsNeverEchoTheNumber) {
  for (absl::string_view id :
       {"990105194912310021", "110105199013450011", "110105194912310024",
        "110105194912310001", "11010519491231002Y"}) {
    EXPECT_FALSE(absl::StrContains(PersonError(id), id)) << PersonError(id);
  }
}

TEST(ResidentIdTest, BirthDateBounds) {
  EXPECT_TRUE(
      ParseResidentId(WithResidentCheck("11010520240615001"), kToday).ok());
  EXPECT_FALSE(
      ParseResidentId(WithResidentCheck("11010520240616001"), kToday).ok());
  EXPECT_TRUE(
      ParseResidentId(WithResidentCheck("11010519000101001"), kToday).ok());
  EXPECT_TRUE(
      ParseResidentId(WithResidentCheck("11010518000101001"), kToday).ok());
  EXPECT_TRUE(
      ParseResidentId(WithResidentCheck("11010520000229001"), kToday).ok());
}

TEST(ResidentIdTest, RegionCodes) {
  // Real county, province-administered county-level city, Chongqing county.
  for (absl::string_view region : {"110101", "419001", "500228", "650102"}) {
    EXPECT_TRUE(
        ParseResidentId(WithResidentCheck(absl::StrCat(region, "19800101001")),
                        kToday)
            .ok())
        << region;
  }
  // Residence permits of Hong Kong, Macao and Taiwan residents.
  for (absl::string_view region : {"810000", "820000", "830000"}) {
    EXPECT_TRUE(
        ParseResidentId(WithResidentCheck(absl::StrCat(region, "19800101001")),
                        kToday)
            .ok())
        << region;
  }
  for (absl::string_view province :
       {"00", "10", "16", "20", "24", "30", "38", "40", "47", "55", "60", "66",
        "70", "72", "80", "83", "90", "99"}) {
    const std::string id =
        WithResidentCheck(absl::StrCat(province, "010119800101001"));
    EXPECT_EQ(PersonError(id),
              absl::StrCat("resident identity number region code: province '",
                           province, "' does not exist"));
  }
}

TEST(RegionCodesTest, ProvincesAndOrganisations) {
  int provinces = 0;
  for (int i = 0; i < 100; ++i) {
    if (IsProvinceCode(absl::StrCat(i / 10, i % 10))) ++provinces;
  }
  EXPECT_EQ(provinces, 34);  // 31 mainland + Taiwan, Hong Kong, Macao.
  EXPECT_FALSE(IsProvinceCode("1"));
  EXPECT_FALSE(IsProvinceCode("1a"));
  EXPECT_TRUE(ValidateOrganisationRegionCode("100000").ok());
  EXPECT_TRUE(ValidateOrganisationRegionCode("110000").ok());
  EXPECT_TRUE(ValidateOrganisationRegionCode("350100").ok());
  EXPECT_FALSE(ValidateOrganisationRegionCode("830000").ok());
  EXPECT_FALSE(ValidateOrganisationRegionCode("101000").ok());
  EXPECT_FALSE(ValidatePersonRegionCode("100000").ok());
  EXPECT_FALSE(ValidatePersonRegionCode("11010").ok());
}

TEST(ResidentIdTest, UpgradesLegacyNumber) {
  auto id = UpgradeLegacyResidentId("110105491231002");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "11010519491231002X");
  auto other = UpgradeLegacyResidentId("440524800101001");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(*other, WithResidentCheck("44052419800101001"));
}

TEST(ResidentIdTest, LegacyUpgradeErrors) {
  EXPECT_EQ(ErrorOf(UpgradeLegacyResidentId("11010549123100").status()),
            "legacy resident identity number must have 15 characters, got 14");
  EXPECT_EQ(ErrorOf(UpgradeLegacyResidentId("11010549123100X").status()),
            "legacy resident identity number character 15 must be a digit");
  EXPECT_EQ(ErrorOf(UpgradeLegacyResidentId("990105491231002").status()),
            "legacy resident identity number region code: province '99' does "
            "not exist");
  EXPECT_EQ(ErrorOf(UpgradeLegacyResidentId("110105490229002").status()),
            "legacy resident identity number birth date 19490229 is not a "
            "calendar date");
  EXPECT_EQ(ErrorOf(UpgradeLegacyResidentId("110105491231000").status()),
            "legacy resident identity number sequence 000 is not assigned");
}

TEST(ResidentIdTest, RandomizedRoundTrip) {
  std::mt19937 rng(20240615);
  const std::vector<std::string> regions = {"110105", "310104", "440305",
                                            "510107", "650102", "810000"};
  for (int n = 0; n < 2000; ++n) {
    const std::string& region = regions[rng() % regions.size()];
    const absl::CivilDay birth =
        absl::CivilDay(1800, 1, 1) + static_cast<int>(rng() % 80000);
    const std::string date =
        absl::StrCat(absl::Dec(birth.year(), absl::kZeroPad4),
                     absl::Dec(birth.month(), absl::kZeroPad2),
                     absl::Dec(birth.day(), absl::kZeroPad2));
    const std::string seq =
        absl::StrCat(absl::Dec(rng() % 999 + 1, absl::kZeroPad3));
    const std::string id = WithResidentCheck(absl::StrCat(region, date, seq));
    auto info = ParseResidentId(id, kToday);
    ASSERT_TRUE(info.ok()) << info.status();
    EXPECT_EQ(info->birth_date, birth);
    ASSERT_TRUE(SatisfiesMod11_2(id)) << id;

    // Any single substituted character must be rejected.
    std::string flipped = id;
    const size_t pos = rng() % 18;
    const char* alphabet = pos == 17 ? "0123456789X" : "0123456789";
    const size_t alphabet_size = pos == 17 ? 11 : 10;
    do {
      flipped[pos] = alphabet[rng() % alphabet_size];
    } while (flipped[pos] == id[pos]);
    EXPECT_FALSE(ParseResidentId(flipped, kToday).ok())
        << "position " << pos + 1;
  }
}

// ----------------------------------------------------------- organisations

TEST(CreditCodeTest, ParsesPublishedCodes) {
  auto info = ParseCreditCode("91350100M000100Y43");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->registration_authority, '9');
  EXPECT_EQ(info->organisation_type, '1');
  EXPECT_EQ(info->region_code, "350100");
  EXPECT_EQ(info->organisation_code, "M000100Y4");
  for (absl::string_view code :
       {"91110000600037341L", "91330201MA282UF146", "91330401MA28ADM67R"}) {
    auto parsed = ParseCreditCode(code);
    EXPECT_TRUE(parsed.ok()) << code << ": " << parsed.status();
    EXPECT_TRUE(SatisfiesMod31(code)) << code;
  }
}

TEST(CreditCodeTest, OrganisationCodeCheckCharacter) {
  EXPECT_EQ(OrganisationCodeCheckCharacter("M000100Y"), '4');
  EXPECT_EQ(OrganisationCodeCheckCharacter("60003734"), '1');
  EXPECT_EQ(OrganisationCodeCheckCharacter("6000373"), '\0');
  EXPECT_EQ(OrganisationCodeCheckCharacter("6000373a"), '\0');
  EXPECT_EQ(OrganisationCodeCheckCharacter("6000373-"), '\0');
  // Sum 0 mod 11 -> '0'; sum 1 mod 11 -> 'X' (11 - 1 = 10).
  EXPECT_EQ(OrganisationCodeCheckCharacter("00000000"), '0');
  EXPECT_EQ(OrganisationCodeCheckCharacter("00000006"), 'X');  // 6*2 = 12
  EXPECT_EQ(OrganisationCodeCheckCharacter("00000060"), '9');  // 6*4 = 24
}

TEST(CreditCodeTest, CheckCharacterRejectsBadInput) {
  EXPECT_EQ(CreditCodeCheckCharacter(""), '\0');
  EXPECT_EQ(CreditCodeCheckCharacter("91350100M000100Y"), '\0');
  EXPECT_EQ(CreditCodeCheckCharacter("91350100M000100YI"), '\0');
  EXPECT_EQ(CreditCodeCheckCharacter("91350100M000100Y4"), '3');
  // Sum 0 mod 31 maps to '0', not past the end of the alphabet.
  EXPECT_EQ(CreditCodeCheckCharacter("00000000000000000"), '0');
}

TEST(CreditCodeTest, RejectsLettersOutsideAlphabet) {
  for (char c : {'I', 'O', 'Z', 'S', 'V'}) {
    std::string code = "91350100M000100Y43";
    code[8] = c;
    EXPECT_EQ(ErrorOf(ParseCreditCode(code).status()),
              absl::StrCat("unified social credit code character 9 is '",
                           std::string(1, c),
                           "', a letter the code never uses (I, O, S, V, Z)"));
  }
  EXPECT_EQ(ErrorOf(ParseCreditCode("91350100m000100Y43").status()),
            "unified social credit code character 9 is a lowercase letter; "
            "letters must be uppercase");
  EXPECT_EQ(ErrorOf(ParseCreditCode("91350100M000100Y4-").status()),
            "unified social credit code character 18 must be a digit or an "
            "uppercase letter other than I, O, S, V, Z");
}

TEST(CreditCodeTest, ErrorMessages) {
  EXPECT_EQ(ErrorOf(ParseCreditCode("91350100M000100Y4").status()),
            "unified social credit code must have 18 characters, got 17");
  EXPECT_EQ(ErrorOf(ParseCreditCode("B1350100M000100Y43").status()),
            "unified social credit code registration authority code 'B' does "
            "not exist (valid: 1-9, A, N, Y)");
  EXPECT_EQ(ErrorOf(ParseCreditCode("94350100M000100Y43").status()),
            "unified social credit code organisation type '4' is not defined "
            "for registration authority '9' (valid: 123)");
  EXPECT_EQ(ErrorOf(ParseCreditCode("9135A100M000100Y43").status()),
            "unified social credit code character 5 must be a digit (region "
            "code)");
  EXPECT_EQ(ErrorOf(ParseCreditCode("91990100M000100Y43").status()),
            "unified social credit code region code: province '99' does not "
            "exist");
  EXPECT_EQ(ErrorOf(ParseCreditCode("91350100M000100Y53").status()),
            "unified social credit code organisation code check character "
            "(character 17) is '5' but its first 8 characters require '4'");
  EXPECT_EQ(ErrorOf(ParseCreditCode("91350100M000100Y4A").status()),
            "unified social credit code check character is 'A' but the first "
            "17 characters require '3'");
}

TEST(CreditCodeTest, AuthorityTypePairs) {
  const struct {
    char authority;
    absl::string_view valid;
  } kPairs[] = {{'1', "1239"}, {'2', "19"},  {'3', "123459"}, {'4', "19"},
                {'5', "1239"}, {'6', "129"}, {'7', "129"},    {'8', "19"},
                {'9', "123"},  {'A', "19"},  {'N', "1239"},   {'Y', "1"}};
  for (const auto& pair : kPairs) {
    for (char type : kCreditAlphabet) {
      const std::string code =
          MakeCreditCode(absl::StrCat(std::string(1, pair.authority),
                                      std::string(1, type), "110000"),
                         "12345678");
      const bool want = pair.valid.find(type) != absl::string_view::npos;
      EXPECT_EQ(ParseCreditCode(code).ok(), want) << code;
    }
  }
  // National-level registration authority region.
  EXPECT_TRUE(ParseCreditCode(MakeCreditCode("11100000", "00001312")).ok());
}

TEST(CreditCodeTest, RandomizedRoundTrip) {
  std::mt19937 rng(32100);
  const std::vector<std::string> heads = {"91", "92", "93", "11", "12", "51",
                                          "52", "53", "31", "N2", "Y1", "A1"};
  for (int n = 0; n < 2000; ++n) {
    std::string head = heads[rng() % heads.size()];
    int province;
    do {
      province = static_cast<int>(rng() % 100);
    } while (!IsProvinceCode(absl::StrCat(province / 10, province % 10)));
    const std::string region =
        absl::StrCat(absl::Dec(province, absl::kZeroPad2),
                     absl::Dec(rng() % 10000, absl::kZeroPad4));
    std::string org;
    for (int i = 0; i < 8; ++i) org.push_back(kCreditAlphabet[rng() % 31]);
    const std::string code = MakeCreditCode(absl::StrCat(head, region), org);
    auto info = ParseCreditCode(code);
    ASSERT_TRUE(info.ok()) << code << ": " << info.status();
    ASSERT_TRUE(SatisfiesMod31(code)) << code;

    std::string flipped = code;
    const size_t pos = rng() % 18;
    do {
      flipped[pos] = kCreditAlphabet[rng() % 31];
    } while (flipped[pos] == code[pos]);
    EXPECT_FALSE(ParseCreditCode(flipped).ok()) << code << " -> " << flipped;
  }
}

// ---------------------------------------------------------------- subjects

TEST(SubjectTest, Classifies) {
  auto person = ValidateSubject("11010519491231002X");
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_EQ(*person, SubjectKind::kPerson);
  auto lower = ValidateSubject("11010519491231002x");
  ASSERT_TRUE(lower.ok()) << lower.status();
  EXPECT_EQ(*lower, SubjectKind::kPerson);
  auto organisation = ValidateSubject("91350100M000100Y43");
  ASSERT_TRUE(organisation.ok()) << organisation.status();
  EXPECT_EQ(*organisation, SubjectKind::kOrganisation);
  EXPECT_EQ(SubjectKindName(SubjectKind::kPerson), "person");
  EXPECT_EQ(SubjectKindName(SubjectKind::kOrganisation), "organisation");
}

TEST(SubjectTest, DigitsOnlyCreditCodeIsAnOrganisation) {
  // Find a digits-only credit code (organisation and overall check digits).
  std::string code;
  for (int n = 10000000; n < 10001000 && code.empty(); ++n) {
    const std::string candidate = MakeCreditCode("91110000", absl::StrCat(n));
    if (candidate.find_first_not_of("0123456789") == std::string::npos) {
      code = candidate;
    }
  }
  ASSERT_FALSE(code.empty());
  auto kind = ValidateSubject(code);
  ASSERT_TRUE(kind.ok()) << kind.status();
  EXPECT_EQ(*kind, SubjectKind::kOrganisation);
}

TEST(SubjectTest, Errors) {
  EXPECT_EQ(ErrorOf(ValidateSubject("110105194912310024").status()),
            "subject: resident identity number check character is '4' but "
            "the first 17 digits require 'X'");
  EXPECT_EQ(ErrorOf(ValidateSubject("91350100M000100Y4A").status()),
            "subject: unified social credit code check character is 'A' but "
            "the first 17 characters require '3'");
  EXPECT_EQ(ErrorOf(ValidateSubject("1101051949").status()),
            "subject: must have 18 characters (resident identity number or "
            "unified social credit code), got 10");
  EXPECT_THAT(ErrorOf(ValidateSubject("110105491231002").status()),
              HasSubstr("legacy resident identity number"));
  EXPECT_THAT(ErrorOf(ValidateSubject("").status()), HasSubstr("got 0"));
}

TEST(SubjectTest, ValidateAsKind) {
  EXPECT_TRUE(
      ValidateSubjectAs("11010519491231002X", SubjectKind::kPerson).ok());
  EXPECT_TRUE(
      ValidateSubjectAs("91350100M000100Y43", SubjectKind::kOrganisation).ok());
  EXPECT_THAT(
      ErrorOf(ValidateSubjectAs("91350100M000100Y43", SubjectKind::kPerson)),
      HasSubstr(
          "subject: resident identity number character 9 must be a digit"));
  EXPECT_THAT(ErrorOf(ValidateSubjectAs("11010519491231002X",
                                        SubjectKind::kOrganisation)),
              HasSubstr("subject: unified social credit code"));
}

TEST(SubjectTest, NameSubjectFieldRenamesOnlyTheSubjectPrefix) {
  absl::Status bad =
      ValidateSubjectAs("110105194912310021", SubjectKind::kPerson);
  ASSERT_FALSE(bad.ok());
  absl::Status named = NameSubjectField(bad, "party_subject");
  EXPECT_EQ(named.code(), bad.code());
  EXPECT_EQ(
      std::string(named.message()),
      absl::StrCat("party_subject: ",
                   std::string(bad.message()).substr(strlen("subject: "))));
  EXPECT_TRUE(NameSubjectField(absl::OkStatus(), "x").ok());
  absl::Status other = absl::InternalError("disk on fire");
  EXPECT_EQ(NameSubjectField(other, "x"), other);
}

TEST(SubjectTest, Mask) {
  EXPECT_EQ(MaskSubject("11010519491231002X"), "1101**********002X");
  EXPECT_EQ(MaskSubject("91350100M000100Y43"), "9135**********0Y43");
  EXPECT_EQ(MaskSubject("123456789"), "1234*6789");
  EXPECT_EQ(MaskSubject("12345678"), "********");
  EXPECT_EQ(MaskSubject(""), "");
}

// ------------------------------------------------------------ fuzz corpus

TEST(SubjectIdCorpusTest, EveryCorpusFileRunsThroughTheParsers) {
  const std::string dir = DATARUN_SUBJECT_ID_CORPUS_DIR;
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr) << "cannot open corpus directory " << dir;
  std::vector<std::string> names;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] != '.') names.push_back(entry->d_name);
  }
  closedir(d);
  ASSERT_GE(names.size(), 10u) << dir;
  int valid = 0;
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    auto content = ReadFile(absl::StrCat(dir, "/", name));
    ASSERT_TRUE(content.ok()) << content.status();
    // Traps (crashes the test) if an invariant fails.
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(content->data()),
                           content->size());
    auto kind = ValidateSubject(*content);
    if (absl::StartsWith(name, "valid_person")) {
      ASSERT_TRUE(kind.ok()) << kind.status();
      EXPECT_EQ(*kind, SubjectKind::kPerson);
      ++valid;
    } else if (absl::StartsWith(name, "valid_organisation")) {
      ASSERT_TRUE(kind.ok()) << kind.status();
      EXPECT_EQ(*kind, SubjectKind::kOrganisation);
      ++valid;
    } else if (absl::StartsWith(name, "valid_legacy")) {
      EXPECT_TRUE(UpgradeLegacyResidentId(*content).ok());
      ++valid;
    } else {
      EXPECT_FALSE(kind.ok()) << "expected invalid";
    }
  }
  EXPECT_GE(valid, 3);
}

}  // namespace
}  // namespace datarun::identity
