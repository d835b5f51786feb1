#include "exchange/security/names.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace datarun {
namespace security {
namespace {

bool IsLowerAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool IsPathChar(char c) {
  return IsLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
         c == '_';
}

// Returns "" when valid, else why not.
std::string TrustDomainProblem(absl::string_view td) {
  if (td.empty()) return "it is empty";
  if (td.size() > 255) return "it is longer than 255 characters";
  for (char c : td) {
    if (!IsLowerAlnum(c) && c != '-' && c != '.') {
      return absl::StrCat("character '", std::string(1, c),
                          "' is not allowed (use a-z, 0-9, '-', '.')");
    }
  }
  for (absl::string_view label : absl::StrSplit(td, '.')) {
    if (label.empty()) return "it has an empty label";
  }
  return "";
}

}  // namespace

absl::Status ValidateTrustDomain(absl::string_view trust_domain) {
  std::string problem = TrustDomainProblem(trust_domain);
  if (problem.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("trust domain '", trust_domain, "' is invalid: ", problem));
}

absl::Status ValidateDepartmentId(absl::string_view department) {
  std::string problem;
  if (department.empty()) {
    problem = "it is empty";
  } else if (department.size() > 63) {
    problem = "it is longer than 63 characters";
  } else if (department[0] < 'a' || department[0] > 'z') {
    problem = "it must start with a lowercase letter";
  } else if (department.back() == '-') {
    problem = "it must not end with '-'";
  } else {
    for (char c : department) {
      if (!IsLowerAlnum(c) && c != '-') {
        problem = absl::StrCat("character '", std::string(1, c),
                               "' is not allowed (use a-z, 0-9, '-')");
        break;
      }
    }
  }
  if (problem.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("department id '", department, "' is invalid: ", problem));
}

std::string ExchangeSpiffeId(absl::string_view trust_domain) {
  return absl::StrCat("spiffe://", trust_domain, "/exchange");
}

std::string DepartmentSpiffeId(absl::string_view trust_domain,
                               absl::string_view department) {
  return absl::StrCat("spiffe://", trust_domain, "/dept/", department);
}

std::string ExchangeServerName(absl::string_view trust_domain) {
  return absl::StrCat("exchange.", trust_domain);
}

std::string DepartmentServerName(absl::string_view trust_domain,
                                 absl::string_view department) {
  return absl::StrCat(department, ".dept.", trust_domain);
}

absl::StatusOr<SpiffeId> ParseSpiffeId(absl::string_view uri) {
  auto bad = [uri](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", uri, "' is not a SPIFFE id: ", why));
  };
  constexpr absl::string_view kScheme = "spiffe://";
  if (!absl::StartsWith(uri, kScheme)) {
    return bad("it does not start with spiffe://");
  }
  absl::string_view rest = uri.substr(kScheme.size());
  if (rest.find_first_of("?#") != absl::string_view::npos) {
    return bad("query and fragment are not allowed");
  }
  size_t slash = rest.find('/');
  SpiffeId id;
  id.trust_domain = std::string(rest.substr(0, slash));
  if (id.trust_domain.find_first_of("@:") != std::string::npos) {
    return bad("user info and port are not allowed");
  }
  std::string td_problem = TrustDomainProblem(id.trust_domain);
  if (!td_problem.empty()) {
    return bad(absl::StrCat("trust domain ", td_problem));
  }
  if (slash == absl::string_view::npos) return id;
  absl::string_view path = rest.substr(slash);
  for (absl::string_view segment : absl::StrSplit(path.substr(1), '/')) {
    if (segment.empty()) return bad("path has an empty segment");
    if (segment == "." || segment == "..") {
      return bad("path has a '.' or '..' segment");
    }
    for (char c : segment) {
      if (!IsPathChar(c)) {
        return bad(absl::StrCat("path character '", std::string(1, c),
                                "' is not allowed"));
      }
    }
  }
  id.path = std::string(path);
  return id;
}

}  // namespace security
}  // namespace datarun
