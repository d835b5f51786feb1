#include "tools/datarunctl/pki_command.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "exchange/security/dev_pki.h"

namespace datarun {
namespace ctl {
namespace {

namespace dev_pki = security::dev_pki;

constexpr char kUsage[] =
    "usage: datarunctl pki <command> [flags]\n"
    "  init   --dir D [--trust-domain datarun.local]\n"
    "         [--departments "
    "land,tax,housing,registry,market,servicehall,audit]\n"
    "         create or complete a dev PKI (keeps an existing CA)\n"
    "  issue  --dir D (--department X | --exchange) [--trust-domain TD]\n"
    "         issue a fresh certificate and key\n"
    "  revoke --dir D --department X\n"
    "         revoke the department's current certificate (rewrites crl.pem)\n"
    "  list   --dir D\n"
    "         show every certificate: SPIFFE id, serial, validity, revoked\n";

constexpr char kDefaultTrustDomain[] = "datarun.local";
// The departments of the local deployment (deploy/local): the five
// reference departments, the service hall and the audit office.
constexpr char kDefaultDepartments[] =
    "land,tax,housing,registry,market,servicehall,audit";

// Parsed "--flag value" / "--flag=value" / "--switch" words.
class Flags {
 public:
  // Returns "" on success, else the usage problem.
  std::string Parse(const std::vector<std::string>& words,
                    const std::set<std::string>& valued,
                    const std::set<std::string>& switches) {
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string& word = words[i];
      if (!absl::StartsWith(word, "--")) {
        return absl::StrCat("unexpected argument '", word, "'");
      }
      std::string name = word.substr(2);
      std::string value;
      bool has_value = false;
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      if (switches.count(name) > 0) {
        if (has_value) return absl::StrCat("--", name, " takes no value");
        values_[name] = "";
        continue;
      }
      if (valued.count(name) == 0) return absl::StrCat("unknown flag --", name);
      if (!has_value) {
        if (i + 1 >= words.size() || absl::StartsWith(words[i + 1], "--")) {
          return absl::StrCat("--", name, " needs a value");
        }
        value = words[++i];
      }
      if (value.empty()) return absl::StrCat("--", name, " is empty");
      values_[name] = value;
    }
    return "";
  }

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& def = "") const {
    auto it = values_.find(name);
    return it == values_.end() ? def : it->second;
  }

 private:
  std::map<std::string, std::string> values_;
};

std::string Time(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

int Fail(const std::string& command, const absl::Status& status,
         std::ostream& err) {
  err << "datarunctl pki " << command << ": " << status.message() << "\n";
  return 1;
}

int Init(const Flags& flags, std::ostream& out, std::ostream& err) {
  std::string dir = flags.Get("dir");
  std::string td = flags.Get("trust-domain", kDefaultTrustDomain);
  std::vector<std::string> departments =
      absl::StrSplit(flags.Get("departments", kDefaultDepartments), ',',
                     absl::SkipWhitespace());
  auto report = dev_pki::Init(dir, td, departments);
  if (!report.ok()) return Fail("init", report.status(), err);
  for (const std::string& line : report->lines) out << line << "\n";
  out << "dev PKI of trust domain " << td << " ready in " << dir << "\n";
  return 0;
}

int Issue(const Flags& flags, std::ostream& out, std::ostream& err) {
  std::string dir = flags.Get("dir");
  std::string td = flags.Get("trust-domain");
  if (td.empty()) {
    auto found = dev_pki::TrustDomain(dir);
    if (!found.ok()) return Fail("issue", found.status(), err);
    td = *found;
  }
  bool exchange = flags.Has("exchange");
  std::string dept = flags.Get("department");
  auto serial = exchange ? dev_pki::IssueExchange(dir, td)
                         : dev_pki::Issue(dir, td, dept);
  if (!serial.ok()) return Fail("issue", serial.status(), err);
  out << "issued " << (exchange ? "exchange.pem" : "dept-" + dept + ".pem")
      << " serial " << *serial << "\n";
  return 0;
}

int Revoke(const Flags& flags, std::ostream& out, std::ostream& err) {
  std::string dept = flags.Get("department");
  auto serial = dev_pki::Revoke(flags.Get("dir"), dept);
  if (!serial.ok()) return Fail("revoke", serial.status(), err);
  out << "revoked dept-" << dept << ".pem serial " << *serial
      << "; crl.pem rewritten (issue a new certificate with `datarunctl pki "
         "issue`)\n";
  return 0;
}

int List(const Flags& flags, std::ostream& out, std::ostream& err) {
  auto listed = dev_pki::List(flags.Get("dir"));
  if (!listed.ok()) return Fail("list", listed.status(), err);
  std::vector<std::vector<std::string>> rows = {
      {"FILE", "IDENTITY", "SERIAL", "VALID FROM", "VALID UNTIL", "REVOKED"}};
  absl::Time now = absl::Now();
  for (const dev_pki::ListedCertificate& cert : *listed) {
    std::string identity =
        cert.info.is_ca ? absl::StrCat("CA \"", cert.info.common_name, "\"")
        : cert.spiffe_id.empty() ? std::string("(no SPIFFE id)")
                                 : cert.spiffe_id;
    std::string until = Time(cert.info.not_after);
    if (cert.info.not_after < now) until += " (expired)";
    rows.push_back({cert.file, identity, cert.info.serial_hex,
                    Time(cert.info.not_before), until,
                    cert.revoked ? "yes" : "no"});
  }
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size())
        line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    out << line << "\n";
  }
  return 0;
}

}  // namespace

int RunPkiCommand(const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err) {
  if (args.empty()) {
    err << kUsage;
    return 2;
  }
  const std::string& command = args[0];
  if (command == "help" || command == "--help" || command == "-h") {
    out << kUsage;
    return 0;
  }
  std::set<std::string> valued = {"dir"};
  std::set<std::string> switches;
  if (command == "init") {
    valued.insert({"trust-domain", "departments"});
  } else if (command == "issue") {
    valued.insert({"trust-domain", "department"});
    switches.insert("exchange");
  } else if (command == "revoke") {
    valued.insert("department");
  } else if (command != "list") {
    err << "datarunctl pki: unknown command '" << command << "'\n" << kUsage;
    return 2;
  }
  Flags flags;
  std::vector<std::string> rest(args.begin() + 1, args.end());
  std::string problem = flags.Parse(rest, valued, switches);
  if (problem.empty() && !flags.Has("dir")) problem = "--dir is required";
  if (problem.empty() && command == "revoke" && !flags.Has("department")) {
    problem = "--department is required";
  }
  if (problem.empty() && command == "issue" &&
      flags.Has("department") == flags.Has("exchange")) {
    problem = "give exactly one of --department X and --exchange";
  }
  if (!problem.empty()) {
    err << "datarunctl pki " << command << ": " << problem << "\n" << kUsage;
    return 2;
  }
  if (command == "init") return Init(flags, out, err);
  if (command == "issue") return Issue(flags, out, err);
  if (command == "revoke") return Revoke(flags, out, err);
  return List(flags, out, err);
}

}  // namespace ctl
}  // namespace datarun
