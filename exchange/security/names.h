// Names of datarun identities: SPIFFE ids (URI SANs) and TLS server names
// (DNS SANs) of the exchange and of departments, and their validation.
//
//   exchange:        spiffe://<td>/exchange      DNS exchange.<td>
//   department <id>: spiffe://<td>/dept/<id>     DNS <id>.dept.<td>
//
// Pure functions; thread-safe.
#ifndef DATARUN_EXCHANGE_SECURITY_NAMES_H_
#define DATARUN_EXCHANGE_SECURITY_NAMES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun {
namespace security {

// OK when `trust_domain` is a SPIFFE trust domain usable as a DNS suffix:
// 1-255 characters of lowercase letters, digits, '-' and '.', no empty
// label, e.g. "datarun.local". INVALID_ARGUMENT naming the value otherwise.
absl::Status ValidateTrustDomain(absl::string_view trust_domain);

// OK when `department` is a department id: a DNS label of 1-63 lowercase
// letters, digits and '-', starting with a letter, not ending with '-'
// (e.g. "tax", "land"). INVALID_ARGUMENT naming the value otherwise.
absl::Status ValidateDepartmentId(absl::string_view department);

// "spiffe://<td>/exchange". Arguments are not validated.
std::string ExchangeSpiffeId(absl::string_view trust_domain);
// "spiffe://<td>/dept/<department>". Arguments are not validated.
std::string DepartmentSpiffeId(absl::string_view trust_domain,
                               absl::string_view department);

// "exchange.<td>": the DNS SAN of the exchange certificate, which clients
// pass as TLS target-name override (see ChannelArgsForServerName).
std::string ExchangeServerName(absl::string_view trust_domain);
// "<department>.dept.<td>": the DNS SAN of a department's certificate, used
// by the exchange to check it reached the right adapter.
std::string DepartmentServerName(absl::string_view trust_domain,
                                 absl::string_view department);

// A parsed SPIFFE id "spiffe://<trust_domain><path>".
struct SpiffeId {
  std::string trust_domain;
  // Empty or "/seg1/seg2..." (no trailing slash).
  std::string path;
};

// Parses `uri` under the SPIFFE id rules: scheme "spiffe", a trust domain
// as in ValidateTrustDomain, no port/user/query/fragment, path segments of
// [A-Za-z0-9._-] that are neither empty, "." nor "..". INVALID_ARGUMENT
// "'<uri>' is not a SPIFFE id: <why>" otherwise.
absl::StatusOr<SpiffeId> ParseSpiffeId(absl::string_view uri);

}  // namespace security
}  // namespace datarun

#endif  // DATARUN_EXCHANGE_SECURITY_NAMES_H_
