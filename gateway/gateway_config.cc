#include "gateway/gateway_config.h"

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "common/textproto_file.h"
#include "gateway/password_hash.h"
#include "gateway/roles.h"

namespace datarun::gateway {
namespace {

using FieldPath = std::vector<std::pair<std::string, int>>;

class Checker {
 public:
  Checker(const TextProtoFile& file, const v1::GatewayConfig& config)
      : file_(file), config_(config) {}

  absl::Status Invalid(const FieldPath& path, absl::string_view field,
                       absl::string_view problem) const {
    return absl::InvalidArgumentError(
        absl::StrCat(file_.Where(config_, path), ": ", field, ": ", problem));
  }

  absl::Status Require(const FieldPath& path, absl::string_view field,
                       const std::string& value) const {
    if (value.empty()) return Invalid(path, field, "required");
    return absl::OkStatus();
  }

  absl::Status RequireTls(const std::string& name, const v1::TlsFiles& tls,
                          bool need_ca) const {
    if (need_ca) {
      RETURN_IF_ERROR(Require({{name, -1}, {"ca_cert", -1}}, name + ".ca_cert",
                              tls.ca_cert()));
    }
    RETURN_IF_ERROR(
        Require({{name, -1}, {"cert", -1}}, name + ".cert", tls.cert()));
    return Require({{name, -1}, {"key", -1}}, name + ".key", tls.key());
  }

 private:
  const TextProtoFile& file_;
  const v1::GatewayConfig& config_;
};

bool ValidUsername(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' ||
          c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

absl::Status CheckAccounts(const Checker& check,
                           const v1::GatewayConfig& config) {
  std::set<std::string> seen;
  for (int i = 0; i < config.accounts_size(); ++i) {
    const v1::GatewayAccount& account = config.accounts(i);
    const std::string prefix = absl::StrCat("accounts[", i, "]");
    if (!ValidUsername(account.username())) {
      return check.Invalid({{"accounts", i}, {"username", -1}},
                           prefix + ".username",
                           "1-64 characters of a-z, 0-9, '.', '_', '-'");
    }
    if (!seen.insert(account.username()).second) {
      return check.Invalid({{"accounts", i}, {"username", -1}},
                           prefix + ".username",
                           absl::StrCat("'", account.username(),
                                        "' is used by an earlier account"));
    }
    absl::StatusOr<Role> role = ParseAccountRole(account.role());
    if (!role.ok()) {
      return check.Invalid({{"accounts", i}, {"role", -1}}, prefix + ".role",
                           role.status().message());
    }
    if (*role == Role::kOfficer && account.department().empty()) {
      return check.Invalid({{"accounts", i}, {"department", -1}},
                           prefix + ".department", "required for an officer");
    }
    if (*role != Role::kOfficer && !account.department().empty()) {
      return check.Invalid({{"accounts", i}, {"department", -1}},
                           prefix + ".department",
                           "only officers have a department");
    }
    absl::Status hash = ValidatePasswordHash(account.password_hash());
    if (!hash.ok()) {
      return check.Invalid(
          {{"accounts", i}, {"password_hash", -1}}, prefix + ".password_hash",
          absl::StrCat(hash.message(),
                       " (make one with `datarun-gateway hash-password`)"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLimits(const Checker& check, v1::GatewayConfig* config) {
  v1::GatewayLimits* limits = config->mutable_limits();
  struct Limit {
    const char* name;
    int32_t value;
    int32_t fallback;
    int32_t min;
    int32_t max;
    void (v1::GatewayLimits::*set)(int32_t);
  };
  const Limit checks[] = {
      {"max_body_bytes", limits->max_body_bytes(), 1 << 20, 1024, 64 << 20,
       &v1::GatewayLimits::set_max_body_bytes},
      {"max_header_bytes", limits->max_header_bytes(), 16 << 10, 1024, 1 << 20,
       &v1::GatewayLimits::set_max_header_bytes},
      {"request_timeout_ms", limits->request_timeout_ms(), 10000, 100, 600000,
       &v1::GatewayLimits::set_request_timeout_ms},
      {"session_idle_seconds", limits->session_idle_seconds(), 1800, 10, 86400,
       &v1::GatewayLimits::set_session_idle_seconds},
      {"max_streams", limits->max_streams(), 256, 1, 100000,
       &v1::GatewayLimits::set_max_streams},
      {"idle_connection_seconds", limits->idle_connection_seconds(), 60, 1,
       3600, &v1::GatewayLimits::set_idle_connection_seconds},
      {"io_threads", limits->io_threads(), 2, 1, 64,
       &v1::GatewayLimits::set_io_threads},
      {"max_connections", limits->max_connections(), 1024, 1, 1000000,
       &v1::GatewayLimits::set_max_connections},
  };
  for (const Limit& limit : checks) {
    if (limit.value == 0) {
      (limits->*limit.set)(limit.fallback);
      continue;
    }
    if (limit.value < limit.min || limit.value > limit.max) {
      return check.Invalid(
          {{"limits", -1}, {limit.name, -1}},
          absl::StrCat("limits.", limit.name),
          absl::StrCat("must be between ", limit.min, " and ", limit.max,
                       " (0 means the default, ", limit.fallback, ")"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::GatewayConfig> Finish(
    absl::string_view path, v1::GatewayConfig config,
    absl::StatusOr<std::unique_ptr<TextProtoFile>> parsed) {
  if (!parsed.ok()) return parsed.status();
  const Checker check(**parsed, config);
  RETURN_IF_ERROR(check.Require({{"listen_address", -1}}, "listen_address",
                                config.listen_address()));
  RETURN_IF_ERROR(check.RequireTls("browser_tls", config.browser_tls(), false));
  RETURN_IF_ERROR(check.Require({{"exchange_address", -1}}, "exchange_address",
                                config.exchange_address()));
  RETURN_IF_ERROR(check.Require({{"trust_domain", -1}}, "trust_domain",
                                config.trust_domain()));
  RETURN_IF_ERROR(
      check.RequireTls("servicehall_tls", config.servicehall_tls(), true));
  RETURN_IF_ERROR(check.RequireTls("audit_tls", config.audit_tls(), true));
  RETURN_IF_ERROR(CheckAccounts(check, config));
  RETURN_IF_ERROR(CheckLimits(check, &config));

  auto resolve = [&](std::string* p) {
    if (!p->empty()) *p = ResolvePath(path, *p);
  };
  for (v1::TlsFiles* tls :
       {config.mutable_browser_tls(), config.mutable_servicehall_tls(),
        config.mutable_audit_tls()}) {
    resolve(tls->mutable_ca_cert());
    resolve(tls->mutable_cert());
    resolve(tls->mutable_key());
    resolve(tls->mutable_crl());
  }
  resolve(config.mutable_web_root());
  return config;
}

}  // namespace

absl::StatusOr<v1::GatewayConfig> LoadGatewayConfig(absl::string_view path) {
  v1::GatewayConfig config;
  auto parsed = TextProtoFile::Load(path, &config);
  return Finish(path, std::move(config), std::move(parsed));
}

absl::StatusOr<v1::GatewayConfig> ParseGatewayConfig(absl::string_view path,
                                                     absl::string_view text) {
  v1::GatewayConfig config;
  auto parsed = TextProtoFile::Parse(path, text, &config);
  return Finish(path, std::move(config), std::move(parsed));
}

}  // namespace datarun::gateway
