#include "exchange/server/exchange_config.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "common/textproto_file.h"

namespace datarun::server {
namespace {

using FieldPath = std::vector<std::pair<std::string, int>>;

absl::Status Invalid(const TextProtoFile& file,
                     const v1::ExchangeConfig& config, const FieldPath& path,
                     absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(file.Where(config, path), ": ", field, ": ", problem));
}

absl::Status Require(const TextProtoFile& file,
                     const v1::ExchangeConfig& config, const FieldPath& path,
                     absl::string_view field, const std::string& value) {
  if (value.empty()) return Invalid(file, config, path, field, "required");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ExchangeConfig> LoadExchangeConfig(absl::string_view path) {
  v1::ExchangeConfig config;
  ASSIGN_OR_RETURN(std::unique_ptr<TextProtoFile> file,
                   TextProtoFile::Load(path, &config));
  const TextProtoFile& f = *file;

  RETURN_IF_ERROR(Require(f, config, {{"listen_address", -1}}, "listen_address",
                          config.listen_address()));
  RETURN_IF_ERROR(Require(f, config, {{"trust_domain", -1}}, "trust_domain",
                          config.trust_domain()));
  RETURN_IF_ERROR(Require(f, config, {{"tls", -1}, {"ca_cert", -1}},
                          "tls.ca_cert", config.tls().ca_cert()));
  RETURN_IF_ERROR(Require(f, config, {{"tls", -1}, {"cert", -1}}, "tls.cert",
                          config.tls().cert()));
  RETURN_IF_ERROR(Require(f, config, {{"tls", -1}, {"key", -1}}, "tls.key",
                          config.tls().key()));
  RETURN_IF_ERROR(Require(f, config, {{"catalog_file", -1}}, "catalog_file",
                          config.catalog_file()));
  RETURN_IF_ERROR(Require(f, config, {{"policy_file", -1}}, "policy_file",
                          config.policy_file()));
  RETURN_IF_ERROR(
      Require(f, config, {{"audit_dir", -1}}, "audit_dir", config.audit_dir()));
  RETURN_IF_ERROR(Require(f, config, {{"audit_key_file", -1}}, "audit_key_file",
                          config.audit_key_file()));

  std::set<std::string> departments;
  for (int i = 0; i < config.adapters_size(); ++i) {
    const v1::AdapterEndpoint& endpoint = config.adapters(i);
    RETURN_IF_ERROR(Require(f, config, {{"adapters", i}, {"department", -1}},
                            absl::StrCat("adapters[", i, "].department"),
                            endpoint.department()));
    RETURN_IF_ERROR(Require(f, config, {{"adapters", i}, {"address", -1}},
                            absl::StrCat("adapters[", i, "].address"),
                            endpoint.address()));
    if (!departments.insert(endpoint.department()).second) {
      return Invalid(f, config, {{"adapters", i}, {"department", -1}},
                     absl::StrCat("adapters[", i, "].department"),
                     absl::StrCat("department '", endpoint.department(),
                                  "' has a second adapter entry"));
    }
  }

  v1::ExchangeLimits* limits = config.mutable_limits();
  struct Limit {
    const char* name;
    int32_t value;
    int32_t fallback;
    int32_t max;
    void (v1::ExchangeLimits::*set)(int32_t);
  };
  const Limit checks[] = {
      {"max_request_bytes", limits->max_request_bytes(), 64 * 1024,
       16 * 1024 * 1024, &v1::ExchangeLimits::set_max_request_bytes},
      {"default_deadline_ms", limits->default_deadline_ms(), 5000, 600000,
       &v1::ExchangeLimits::set_default_deadline_ms},
      {"max_deadline_ms", limits->max_deadline_ms(), 30000, 600000,
       &v1::ExchangeLimits::set_max_deadline_ms},
      {"max_fields", limits->max_fields(), 64, 1024,
       &v1::ExchangeLimits::set_max_fields},
  };
  for (const Limit& limit : checks) {
    if (limit.value < 0 || limit.value > limit.max) {
      return Invalid(f, config, {{"limits", -1}, {limit.name, -1}},
                     absl::StrCat("limits.", limit.name),
                     absl::StrCat("must be between 0 (default ", limit.fallback,
                                  ") and ", limit.max));
    }
    if (limit.value == 0) (limits->*limit.set)(limit.fallback);
  }
  if (config.checkpoint_interval_ms() < 0) {
    return Invalid(f, config, {{"checkpoint_interval_ms", -1}},
                   "checkpoint_interval_ms",
                   "must not be negative (0 means the default, 10000)");
  }
  if (config.checkpoint_interval_ms() == 0) {
    config.set_checkpoint_interval_ms(10000);
  }
  if (limits->default_deadline_ms() > limits->max_deadline_ms()) {
    return Invalid(f, config, {{"limits", -1}, {"default_deadline_ms", -1}},
                   "limits.default_deadline_ms",
                   "must not exceed limits.max_deadline_ms");
  }

  auto resolve = [&](std::string* p) { *p = ResolvePath(path, *p); };
  resolve(config.mutable_tls()->mutable_ca_cert());
  resolve(config.mutable_tls()->mutable_cert());
  resolve(config.mutable_tls()->mutable_key());
  resolve(config.mutable_tls()->mutable_crl());
  resolve(config.mutable_catalog_file());
  resolve(config.mutable_policy_file());
  resolve(config.mutable_audit_dir());
  resolve(config.mutable_audit_key_file());
  if (config.audit_signing_key_file().empty()) {
    config.set_audit_signing_key_file(
        ResolvePath(config.audit_key_file(), "audit-signing.key"));
  } else {
    resolve(config.mutable_audit_signing_key_file());
  }
  if (config.identity_dir().empty()) {
    // A sibling of the audit log's directory.
    config.set_identity_dir(ResolvePath(config.audit_dir(), "identity"));
  } else {
    resolve(config.mutable_identity_dir());
  }
  if (!config.case_types_file().empty()) {
    resolve(config.mutable_case_types_file());
  }
  if (config.cases_dir().empty()) {
    // A sibling of the audit log's directory, like the identity registry.
    config.set_cases_dir(ResolvePath(config.audit_dir(), "cases"));
  } else {
    resolve(config.mutable_cases_dir());
  }
  return config;
}

absl::Status CheckConfigDepartments(absl::string_view path,
                                    const v1::ExchangeConfig& config,
                                    const catalog::Catalog& catalog) {
  // Only the line numbers are wanted from this second parse; the values
  // checked are those of `config`.
  v1::ExchangeConfig as_written;
  ASSIGN_OR_RETURN(std::unique_ptr<TextProtoFile> file,
                   TextProtoFile::Load(path, &as_written));
  auto unknown = [&](const FieldPath& field_path, absl::string_view field,
                     const std::string& department) {
    return Invalid(
        *file, as_written, field_path, field,
        absl::StrCat("'", department, "' is not a department of the catalog ",
                     config.catalog_file(), " (known: ",
                     absl::StrJoin(catalog.DepartmentIds(), ", "), ")"));
  };
  for (int i = 0; i < config.adapters_size(); ++i) {
    const std::string& department = config.adapters(i).department();
    if (!catalog.HasDepartment(department)) {
      return unknown({{"adapters", i}, {"department", -1}},
                     absl::StrCat("adapters[", i, "].department"), department);
    }
  }
  for (int i = 0; i < config.audit_readers_size(); ++i) {
    const std::string& department = config.audit_readers(i);
    if (!catalog.HasDepartment(department)) {
      return unknown({{"audit_readers", i}},
                     absl::StrCat("audit_readers[", i, "]"), department);
    }
  }
  return absl::OkStatus();
}

}  // namespace datarun::server
