#include "tools/datarunctl/pki_command.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "exchange/security/pki.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun {
namespace ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PkiCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pki_command_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    dir_ = absl::StrCat(root_, "/pki");
  }
  void TearDown() override {
    ASSERT_EQ(system(absl::StrCat("rm -rf '", root_, "'").c_str()), 0);
  }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunPkiCommand(args, out_, err_);
  }
  std::string Serial(const std::string& file) {
    auto pem = ReadFile(absl::StrCat(dir_, "/", file));
    EXPECT_TRUE(pem.ok()) << pem.status();
    auto serial = security::CertificateSerialHex(pem.ok() ? *pem : "");
    return serial.ok() ? *serial : "";
  }
  // The list line of `file`.
  std::string ListLine(const std::string& file) {
    EXPECT_EQ(Run({"list", "--dir", dir_}), 0) << err_.str();
    for (absl::string_view line : absl::StrSplit(out_.str(), '\n')) {
      if (absl::StartsWith(line, file + " ")) return std::string(line);
    }
    return "";
  }

  std::string root_;
  std::string dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(PkiCommandTest, InitIssueRevokeList) {
  ASSERT_EQ(Run({"init", "--dir", dir_, "--departments", "tax,land"}), 0)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("created ca.pem"));
  EXPECT_THAT(out_.str(), HasSubstr("trust domain datarun.local"));
  struct stat st;
  ASSERT_EQ(stat(absl::StrCat(dir_, "/dept-land.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_NE(stat(absl::StrCat(dir_, "/dept-housing.pem").c_str(), &st), 0);

  // Again: everything kept.
  ASSERT_EQ(Run({"init", "--dir=" + dir_, "--departments=tax,land"}), 0);
  EXPECT_THAT(out_.str(), Not(HasSubstr("created")));

  std::string tax = Serial("dept-tax.pem");
  std::string line = ListLine("dept-tax.pem");
  EXPECT_THAT(line, HasSubstr("spiffe://datarun.local/dept/tax"));
  EXPECT_THAT(line, HasSubstr(tax));
  EXPECT_THAT(line, testing::EndsWith("no"));
  EXPECT_THAT(ListLine("ca.pem"),
              HasSubstr("CA \"datarun dev CA datarun.local\""));

  ASSERT_EQ(Run({"revoke", "--dir", dir_, "--department", "tax"}), 0)
      << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr(tax));
  EXPECT_THAT(ListLine("dept-tax.pem"), testing::EndsWith("yes"));
  EXPECT_THAT(ListLine("dept-land.pem"), testing::EndsWith("no"));

  // Issue takes the trust domain from the directory.
  ASSERT_EQ(Run({"issue", "--dir", dir_, "--department", "tax"}), 0)
      << err_.str();
  std::string fresh = Serial("dept-tax.pem");
  EXPECT_NE(fresh, tax);
  EXPECT_THAT(out_.str(), HasSubstr(fresh));
  line = ListLine("dept-tax.pem");
  EXPECT_THAT(line, HasSubstr(fresh));
  EXPECT_THAT(line, testing::EndsWith("no"));

  std::string exchange = Serial("exchange.pem");
  ASSERT_EQ(Run({"issue", "--dir", dir_, "--exchange"}), 0) << err_.str();
  EXPECT_NE(Serial("exchange.pem"), exchange);

  // A brand-new department can be issued too.
  ASSERT_EQ(Run({"issue", "--dir", dir_, "--department", "housing"}), 0);
  EXPECT_THAT(ListLine("dept-housing.pem"),
              HasSubstr("spiffe://datarun.local/dept/housing"));
}

TEST_F(PkiCommandTest, CustomTrustDomainAndDefaults) {
  ASSERT_EQ(Run({"init", "--dir", dir_, "--trust-domain", "gov.example"}), 0)
      << err_.str();
  for (const char* dept : {"land", "tax", "housing", "registry", "market",
                           "servicehall", "audit"}) {
    EXPECT_THAT(ListLine(absl::StrCat("dept-", dept, ".pem")),
                HasSubstr(absl::StrCat("spiffe://gov.example/dept/", dept)));
  }
  ASSERT_EQ(Run({"issue", "--dir", dir_, "--department", "tax"}), 0);
  EXPECT_THAT(ListLine("dept-tax.pem"),
              HasSubstr("spiffe://gov.example/dept/tax"));
}

TEST_F(PkiCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("usage: datarunctl pki"));
  EXPECT_EQ(Run({"frobnicate"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("unknown command 'frobnicate'"));
  EXPECT_EQ(Run({"init"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--dir is required"));
  EXPECT_EQ(Run({"init", "--dir"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--dir needs a value"));
  EXPECT_EQ(Run({"init", "--dir", dir_, "--color", "red"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("unknown flag --color"));
  EXPECT_EQ(Run({"revoke", "--dir", dir_}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--department is required"));
  EXPECT_EQ(Run({"issue", "--dir", dir_}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("exactly one of --department"));
  EXPECT_EQ(Run({"issue", "--dir", dir_, "--exchange", "--department", "x"}),
            2);
  EXPECT_EQ(Run({"list", "--dir", dir_, "extra"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("unexpected argument 'extra'"));
  EXPECT_EQ(Run({"help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("revoke --dir D --department X"));
}

TEST_F(PkiCommandTest, FailuresExitOneWithAReason) {
  EXPECT_EQ(Run({"issue", "--dir", dir_, "--department", "tax",
                 "--trust-domain", "datarun.local"}),
            1);
  EXPECT_THAT(err_.str(), HasSubstr("no dev CA in " + dir_));
  EXPECT_EQ(Run({"issue", "--dir", dir_, "--department", "tax"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("exchange.pem"));
  EXPECT_EQ(Run({"init", "--dir", dir_, "--departments", "tax,Bad"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("department id 'Bad' is invalid"));
  EXPECT_EQ(Run({"init", "--dir", dir_, "--trust-domain", "a..b"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("trust domain 'a..b'"));
  ASSERT_EQ(Run({"init", "--dir", dir_, "--departments", "tax"}), 0);
  EXPECT_EQ(Run({"revoke", "--dir", dir_, "--department", "land"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("dept-land.pem"));
  EXPECT_EQ(Run({"list", "--dir", absl::StrCat(root_, "/missing")}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("cannot list"));
}

}  // namespace
}  // namespace ctl
}  // namespace datarun
