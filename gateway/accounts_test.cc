#include "gateway/accounts.h"

#include "gateway/password_hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// Cheap parameters keep the tests fast; the format is the same.
ScryptParams Fast() {
  ScryptParams params;
  params.log2_n = 10;
  params.r = 8;
  params.p = 1;
  return params;
}

TEST(PasswordHashTest, SelfDescribingSaltedFormat) {
  absl::StatusOr<std::string> a = HashPassword("correct horse", Fast());
  absl::StatusOr<std::string> b = HashPassword("correct horse", Fast());
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok());
  EXPECT_THAT(
      *a, MatchesRegex(
              "\\$scrypt\\$ln=10,r=8,p=1\\$[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+"));
  EXPECT_NE(*a, *b);  // fresh salt each time
  EXPECT_THAT(*a, Not(HasSubstr("correct")));
  EXPECT_TRUE(ValidatePasswordHash(*a).ok());
}

TEST(PasswordHashTest, VerifiesTheRightPasswordOnly) {
  absl::StatusOr<std::string> hash = HashPassword("s3cret!", Fast());
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword("s3cret!", *hash).ok());
  EXPECT_EQ(VerifyPassword("s3cret", *hash).code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyPassword("", *hash).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(PasswordHashTest, TamperedHashDoesNotVerify) {
  absl::StatusOr<std::string> hash = HashPassword("s3cret!", Fast());
  ASSERT_TRUE(hash.ok());
  // Flip one character of the hash part (keeping it base64).
  std::string tampered = *hash;
  char& c = tampered[tampered.size() - 3];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyPassword("s3cret!", tampered).ok());
  // Another salt: the same password no longer matches.
  std::string other_salt = *hash;
  size_t salt_at = other_salt.find('$', 8) + 1;
  other_salt[salt_at] = other_salt[salt_at] == 'A' ? 'B' : 'A';
  EXPECT_EQ(VerifyPassword("s3cret!", other_salt).code(),
            absl::StatusCode::kUnauthenticated);
  // A weaker cost is a different hash too.
  std::string weaker = *hash;
  weaker.replace(weaker.find("ln=10"), 5, "ln=11");
  EXPECT_EQ(VerifyPassword("s3cret!", weaker).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(PasswordHashTest, MalformedHashesNameThePart) {
  struct Case {
    const char* hash;
    const char* part;
  } cases[] = {
      {"plaintext", "expected"},
      {"$bcrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA==",
       "expected"},
      {"$scrypt$ln=10,r=8$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA==",
       "parameters"},
      {"$scrypt$ln=40,r=8,p=1$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA==", "ln"},
      {"$scrypt$ln=10,r=8,p=1$!!$AAAAAAAAAAAAAAAAAAAAAA==", "salt"},
      {"$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAA$AA==", "hash"},
  };
  for (const Case& c : cases) {
    absl::Status status = ValidatePasswordHash(c.hash);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.hash;
    EXPECT_THAT(std::string(status.message()), HasSubstr(c.part)) << c.hash;
    EXPECT_EQ(VerifyPassword("x", c.hash).code(),
              absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(HashPassword("", Fast()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

google::protobuf::RepeatedPtrField<v1::GatewayAccount> TwoAccounts() {
  google::protobuf::RepeatedPtrField<v1::GatewayAccount> accounts;
  v1::GatewayAccount* clerk = accounts.Add();
  clerk->set_username("window1");
  clerk->set_role("clerk");
  clerk->set_password_hash(*HashPassword("clerk-pw", Fast()));
  v1::GatewayAccount* officer = accounts.Add();
  officer->set_username("tax1");
  officer->set_display_name("Tax officer");
  officer->set_role("officer");
  officer->set_department("tax");
  officer->set_password_hash(*HashPassword("officer-pw", Fast()));
  return accounts;
}

TEST(AccountsTest, AuthenticatesWithTheSameAnswerForUnknownAndWrong) {
  auto accounts = Accounts::Create(TwoAccounts());
  ASSERT_TRUE(accounts.ok()) << accounts.status();
  absl::StatusOr<Account> officer =
      (*accounts)->Authenticate("tax1", "officer-pw");
  ASSERT_TRUE(officer.ok()) << officer.status();
  EXPECT_EQ(officer->role, Role::kOfficer);
  EXPECT_EQ(officer->department, "tax");
  EXPECT_EQ(officer->display_name, "Tax officer");
  absl::StatusOr<Account> clerk =
      (*accounts)->Authenticate("window1", "clerk-pw");
  ASSERT_TRUE(clerk.ok());
  EXPECT_EQ(clerk->display_name, "window1");

  absl::Status wrong = (*accounts)->Authenticate("tax1", "clerk-pw").status();
  absl::Status unknown =
      (*accounts)->Authenticate("nobody", "clerk-pw").status();
  EXPECT_EQ(wrong.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong.message(), unknown.message());
}

TEST(AccountsTest, RefusesBadAccounts) {
  auto officer_without_department = TwoAccounts();
  officer_without_department.Mutable(1)->clear_department();
  EXPECT_THAT(
      std::string(
          Accounts::Create(officer_without_department).status().message()),
      HasSubstr("accounts[1]: department"));
  auto auditor_with_department = TwoAccounts();
  auditor_with_department.Mutable(0)->set_role("auditor");
  auditor_with_department.Mutable(0)->set_department("audit");
  EXPECT_THAT(
      std::string(Accounts::Create(auditor_with_department).status().message()),
      HasSubstr("only officers"));
  auto duplicate = TwoAccounts();
  duplicate.Mutable(1)->set_username("window1");
  EXPECT_THAT(std::string(Accounts::Create(duplicate).status().message()),
              HasSubstr("earlier account"));
  auto bad_role = TwoAccounts();
  bad_role.Mutable(0)->set_role("superuser");
  EXPECT_THAT(std::string(Accounts::Create(bad_role).status().message()),
              HasSubstr("unknown role 'superuser'"));
  auto citizen = TwoAccounts();
  citizen.Mutable(0)->set_role("citizen");
  EXPECT_FALSE(Accounts::Create(citizen).ok());
  auto plaintext = TwoAccounts();
  plaintext.Mutable(0)->set_password_hash("clerk-pw");
  absl::Status status = Accounts::Create(plaintext).status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("password_hash"));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr("clerk-pw")));
}

}  // namespace
}  // namespace datarun::gateway
