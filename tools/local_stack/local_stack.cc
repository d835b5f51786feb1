#include "tools/local_stack/local_stack.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "exchange/security/dev_pki.h"
#include "tools/local_stack/gateway_setup.h"

namespace datarun::local {
namespace {

// The last `max_bytes` of a log file, for start-up error messages.
std::string LogTail(const std::string& path, size_t max_bytes = 2000) {
  absl::StatusOr<std::string> content = ReadFile(path);
  if (!content.ok()) return "";
  if (content->size() <= max_bytes) return *content;
  return content->substr(content->size() - max_bytes);
}

std::string Quote(absl::string_view value) {
  return absl::StrCat("\"", value, "\"");
}

}  // namespace

absl::StatusOr<std::unique_ptr<LocalStack>> LocalStack::Start(Options options) {
  if (options.state_dir.empty() || options.bin_dir.empty() ||
      options.catalog_file.empty() || options.policy_file.empty()) {
    return absl::InvalidArgumentError(
        "LocalStack needs state_dir, bin_dir, catalog_file and policy_file");
  }
  std::unique_ptr<LocalStack> stack(new LocalStack(std::move(options)));
  for (const char* dir : {"", "/config", "/logs", "/run", "/audit"}) {
    RETURN_IF_ERROR(MakeDirs(stack->options_.state_dir + dir));
  }
  RETURN_IF_ERROR(stack->PreparePki());
  RETURN_IF_ERROR(stack->PrepareData());
  for (const std::string& department : stack->options_.adapter_departments) {
    RETURN_IF_ERROR(stack->WriteAdapterConfig(department));
    RETURN_IF_ERROR(stack->StartAdapter(department));
  }
  RETURN_IF_ERROR(stack->WriteExchangeConfig());
  RETURN_IF_ERROR(stack->StartExchange(0));
  if (stack->options_.start_gateway) RETURN_IF_ERROR(stack->StartGateway());
  RETURN_IF_ERROR(stack->WriteStackEnv());
  return stack;
}

LocalStack::~LocalStack() { Stop(); }

std::string LocalStack::Path(const std::string& relative) const {
  return absl::StrCat(options_.state_dir, "/", relative);
}

std::string LocalStack::exchange_address() const {
  auto it = ports_.find("exchange");
  return absl::StrCat("127.0.0.1:", it == ports_.end() ? 0 : it->second);
}
std::string LocalStack::pki_dir() const { return Path("pki"); }
std::string LocalStack::data_dir() const { return Path("data"); }
std::string LocalStack::audit_dir() const { return Path("audit"); }
std::string LocalStack::exchange_config_path() const {
  return Path("config/exchange.textproto");
}

std::string LocalStack::gateway_url() const {
  auto it = ports_.find("gateway");
  if (it == ports_.end()) return "";
  return absl::StrCat("https://127.0.0.1:", it->second);
}
std::string LocalStack::dev_accounts_path() const {
  return Path("gateway/dev_accounts.txt");
}

int LocalStack::adapter_port(const std::string& department) const {
  auto it = ports_.find("adapter-" + department);
  return it == ports_.end() ? 0 : it->second;
}

absl::Status LocalStack::PreparePki() {
  std::vector<std::string> members = options_.adapter_departments;
  members.insert(members.end(), options_.consumer_departments.begin(),
                 options_.consumer_departments.end());
  RETURN_IF_ERROR(
      security::dev_pki::Init(pki_dir(), options_.trust_domain, members)
          .status());
  if (!options_.start_gateway) return absl::OkStatus();
  return security::dev_pki::EnsureWebServerCertificate(pki_dir()).status();
}

absl::Status LocalStack::PrepareData() {
  // Regenerate when the size or the generator changed, so a rebuilt
  // generator never leaves stale data behind.
  const std::string marker = Path("data/.generated");
  const std::string generator = options_.bin_dir + "/datarun-datagen";
  struct stat st;
  if (::stat(generator.c_str(), &st) != 0) {
    return absl::NotFoundError(
        absl::StrCat(generator, " is missing; was the project built?"));
  }
  const std::string expected =
      absl::StrCat("households=", options_.households,
                   " generator=", st.st_size, "@", st.st_mtime);
  absl::StatusOr<std::string> existing = ReadFile(marker);
  if (existing.ok() &&
      absl::StripTrailingAsciiWhitespace(*existing) == expected) {
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(MakeDirs(data_dir()));
  ASSIGN_OR_RETURN(
      std::unique_ptr<Subprocess> datagen,
      Subprocess::Start({generator, "--out=" + data_dir(),
                         absl::StrCat("--households=", options_.households)},
                        Path("logs/datagen.log")));
  absl::StatusOr<int> status = datagen->Wait(absl::Minutes(10));
  if (!status.ok() || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return absl::InternalError(absl::StrCat(
        "generating synthetic data failed; ", Path("logs/datagen.log"),
        " ends with:\n", LogTail(Path("logs/datagen.log"))));
  }
  return WriteFileAtomically(marker, expected + "\n");
}

absl::Status LocalStack::WriteAdapterConfig(const std::string& department) {
  const std::string pki = pki_dir();
  std::string text = absl::StrCat(
      "# Generated by datarun-local; edit deploy/ templates instead.\n",
      "department: ", Quote(department), "\n",
      "listen_address: \"127.0.0.1:0\"\n",
      "trust_domain: ", Quote(options_.trust_domain), "\n",
      "tls {\n  ca_cert: ", Quote(pki + "/ca.pem"),
      "\n  cert: ", Quote(absl::StrCat(pki, "/dept-", department, ".pem")),
      "\n  key: ", Quote(absl::StrCat(pki, "/dept-", department, ".key")),
      "\n  crl: ", Quote(pki + "/crl.pem"), "\n}\n",
      "store_path: ", Quote(absl::StrCat(data_dir(), "/", department, ".db")),
      "\n", "delay_ms: ", options_.adapter_delay_ms, "\n");
  return WriteFileAtomically(
      Path(absl::StrCat("config/adapter-", department, ".textproto")), text);
}

absl::Status LocalStack::WriteExchangeConfig() {
  const std::string pki = pki_dir();
  std::string text = absl::StrCat(
      "# Generated by datarun-local.\n", "listen_address: \"127.0.0.1:0\"\n",
      "trust_domain: ", Quote(options_.trust_domain), "\n",
      "tls {\n  ca_cert: ", Quote(pki + "/ca.pem"),
      "\n  cert: ", Quote(pki + "/exchange.pem"),
      "\n  key: ", Quote(pki + "/exchange.key"),
      "\n  crl: ", Quote(pki + "/crl.pem"), "\n}\n",
      "catalog_file: ", Quote(options_.catalog_file), "\n",
      "policy_file: ", Quote(options_.policy_file), "\n",
      "audit_dir: ", Quote(audit_dir() + "/log"), "\n",
      "audit_key_file: ", Quote(audit_dir() + "/audit.key"), "\n",
      "audit_signing_key_file: ", Quote(audit_dir() + "/audit-signing.key"),
      "\n", "identity_dir: ", Quote(Path("identity")), "\n",
      "cases_dir: ", Quote(Path("cases")), "\n");
  if (!options_.case_types_file.empty()) {
    absl::StrAppend(&text, "case_types_file: ", Quote(options_.case_types_file),
                    "\n");
  }
  for (const std::string& department : options_.adapter_departments) {
    absl::StrAppend(
        &text, "adapters { department: ", Quote(department), " address: ",
        Quote(absl::StrCat("127.0.0.1:", adapter_port(department))), " }\n");
  }
  for (const std::string& department : options_.consumer_departments) {
    if (department == "audit") {
      absl::StrAppend(&text, "audit_readers: ", Quote(department), "\n");
    }
  }
  absl::StrAppend(&text, options_.exchange_config_extra, "\n");
  return WriteFileAtomically(exchange_config_path(), text);
}

absl::StatusOr<int> LocalStack::Launch(const std::string& name,
                                       std::vector<std::string> argv,
                                       int port) {
  const std::string port_file = Path("run/" + name + ".port");
  ::unlink(port_file.c_str());
  argv.push_back(absl::StrCat("--listen=127.0.0.1:", port));
  argv.push_back("--port_file=" + port_file);
  const std::string log = Path("logs/" + name + ".log");
  ASSIGN_OR_RETURN(std::unique_ptr<Subprocess> process,
                   Subprocess::Start(argv, log));
  const absl::Time deadline = absl::Now() + options_.start_timeout;
  int bound = 0;
  while (true) {
    absl::StatusOr<std::string> content = ReadFile(port_file);
    if (content.ok() &&
        absl::SimpleAtoi(absl::StripAsciiWhitespace(*content), &bound) &&
        bound > 0) {
      break;
    }
    if (!process->Running()) {
      return absl::UnavailableError(
          absl::StrCat(name, " exited during start-up; ", log, " ends with:\n",
                       LogTail(log)));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat(name, " did not start serving within ",
                       absl::FormatDuration(options_.start_timeout), "; ", log,
                       " ends with:\n", LogTail(log)));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  RETURN_IF_ERROR(WriteFileAtomically(Path("run/" + name + ".pid"),
                                      absl::StrCat(process->pid(), "\n")));
  processes_[name] = std::move(process);
  ports_[name] = bound;
  return bound;
}

absl::Status LocalStack::StartAdapter(
    const std::string& department, const std::vector<std::string>& extra_args) {
  const std::string name = "adapter-" + department;
  auto running = processes_.find(name);
  if (running != processes_.end() && running->second->Running()) {
    return absl::FailedPreconditionError(name + " is already running");
  }
  auto binary = options_.adapter_binaries.find(department);
  std::vector<std::string> argv = {
      binary != options_.adapter_binaries.end()
          ? binary->second
          : absl::StrCat(options_.bin_dir, "/datarun-adapter-", department),
      absl::StrCat("--config=", Path("config/" + name + ".textproto")),
      absl::StrCat("--review_delay_ms=", options_.adapter_review_delay_ms)};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  return Launch(name, std::move(argv), adapter_port(department)).status();
}

absl::Status LocalStack::StopAdapter(const std::string& department) {
  auto it = processes_.find("adapter-" + department);
  if (it == processes_.end()) {
    return absl::NotFoundError(
        absl::StrCat("no adapter process for department '", department, "'"));
  }
  it->second->Stop();
  return absl::OkStatus();
}

absl::Status LocalStack::StartExchange(int port) {
  return Launch("exchange",
                {options_.bin_dir + "/datarun-exchange",
                 "--config=" + exchange_config_path()},
                port)
      .status();
}

absl::Status LocalStack::StartGateway() {
  GatewaySetup setup;
  setup.config_path = Path("config/gateway.textproto");
  setup.accounts_path = dev_accounts_path();
  setup.pki_dir = pki_dir();
  setup.trust_domain = options_.trust_domain;
  setup.exchange_address = exchange_address();
  setup.web_root = options_.web_root;
  RETURN_IF_ERROR(WriteGatewayFiles(setup).status());
  return Launch("gateway",
                {options_.bin_dir + "/datarun-gateway",
                 "--config=" + setup.config_path},
                0)
      .status();
}

absl::Status LocalStack::RestartExchange(int signal) {
  auto it = processes_.find("exchange");
  if (it == processes_.end()) {
    return absl::FailedPreconditionError("the exchange is not running");
  }
  it->second->Signal(signal);
  RETURN_IF_ERROR(it->second->Wait(absl::Seconds(30)).status());
  return StartExchange(ports_["exchange"]);
}

absl::Status LocalStack::WriteStackEnv() const {
  return WriteFileAtomically(
      Path("stack.env"),
      absl::StrCat("EXCHANGE=", exchange_address(), "\nPKI_DIR=", pki_dir(),
                   "\nDATA_DIR=", data_dir(), "\nAUDIT_DIR=", audit_dir(),
                   "\nTRUST_DOMAIN=", options_.trust_domain, "\n",
                   gateway_url().empty()
                       ? ""
                       : absl::StrCat("GATEWAY_URL=", gateway_url(),
                                      "\nGATEWAY_ACCOUNTS=",
                                      dev_accounts_path(), "\n")));
}

void LocalStack::Stop() {
  auto gateway = processes_.find("gateway");
  if (gateway != processes_.end()) gateway->second->Stop();
  auto exchange = processes_.find("exchange");
  if (exchange != processes_.end()) exchange->second->Stop();
  for (auto& [name, process] : processes_) process->Stop();
  processes_.clear();
}

}  // namespace datarun::local
