#include "adapters/sdk/adapter_config.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "common/textproto_file.h"

namespace datarun {
namespace adapter {
namespace {

using FieldPath = std::vector<std::pair<std::string, int>>;

class Validator {
 public:
  Validator(const TextProtoFile& file, const v1::AdapterConfig& config)
      : file_(file), config_(config) {}

  absl::Status Error(const FieldPath& field, absl::string_view field_name,
                     absl::string_view problem) const {
    return absl::InvalidArgumentError(absl::StrCat(
        file_.Where(config_, field), ": ", field_name, ": ", problem));
  }

  absl::Status Required(const FieldPath& field, absl::string_view field_name,
                        const std::string& value,
                        absl::string_view example) const {
    if (!value.empty()) return absl::OkStatus();
    return Error(field, field_name,
                 absl::StrCat("missing (e.g. ", example, ")"));
  }

 private:
  const TextProtoFile& file_;
  const v1::AdapterConfig& config_;
};

absl::Status Validate(const TextProtoFile& file,
                      const v1::AdapterConfig& config,
                      absl::string_view department) {
  Validator v(file, config);
  if (config.department().empty()) {
    return v.Error(
        {{"department", -1}}, "department",
        absl::StrCat("missing; this is the '", department,
                     "' adapter, so write department: \"", department, "\""));
  }
  if (config.department() != department) {
    return v.Error(
        {{"department", -1}}, "department",
        absl::StrCat("is '", config.department(), "' but this is the '",
                     department, "' adapter"));
  }
  RETURN_IF_ERROR(v.Required({{"listen_address", -1}}, "listen_address",
                             config.listen_address(),
                             "\"127.0.0.1:7101\", or pass --listen"));
  RETURN_IF_ERROR(v.Required({{"trust_domain", -1}}, "trust_domain",
                             config.trust_domain(), "\"datarun.local\""));
  RETURN_IF_ERROR(v.Required({{"tls", -1}, {"ca_cert", -1}}, "tls.ca_cert",
                             config.tls().ca_cert(), "\"pki/ca.pem\""));
  RETURN_IF_ERROR(
      v.Required({{"tls", -1}, {"cert", -1}}, "tls.cert", config.tls().cert(),
                 absl::StrCat("\"pki/dept-", department, ".pem\"")));
  RETURN_IF_ERROR(
      v.Required({{"tls", -1}, {"key", -1}}, "tls.key", config.tls().key(),
                 absl::StrCat("\"pki/dept-", department, ".key\"")));
  if (config.delay_ms() < 0) {
    return v.Error({{"delay_ms", -1}}, "delay_ms",
                   absl::StrCat("is ", config.delay_ms(), "; must be >= 0"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::AdapterConfig> LoadAdapterConfig(
    absl::string_view path, absl::string_view department,
    const ConfigOverrides& overrides) {
  v1::AdapterConfig config;
  ASSIGN_OR_RETURN(std::unique_ptr<TextProtoFile> file,
                   TextProtoFile::Load(path, &config));
  v1::TlsFiles* tls = config.mutable_tls();
  for (std::string* file_path :
       {tls->mutable_ca_cert(), tls->mutable_cert(), tls->mutable_key(),
        tls->mutable_crl(), config.mutable_store_path()}) {
    *file_path = ResolvePath(path, *file_path);
  }
  if (!overrides.listen_address.empty()) {
    config.set_listen_address(overrides.listen_address);
  }
  if (!overrides.store_path.empty()) {
    config.set_store_path(overrides.store_path);
  }
  if (overrides.delay_ms >= 0) config.set_delay_ms(overrides.delay_ms);
  RETURN_IF_ERROR(Validate(*file, config, department));
  return config;
}

}  // namespace adapter
}  // namespace datarun
