#include "bench/loadgen/loadgen_options.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace datarun::bench {
namespace {

absl::Status Bad(absl::string_view flag, absl::string_view value,
                 absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, "=", value, ": ", why));
}

absl::Status ParseInt(absl::string_view flag, absl::string_view value, int min,
                      int* out) {
  if (!absl::SimpleAtoi(value, out)) return Bad(flag, value, "not an integer");
  if (*out < min) return Bad(flag, value, absl::StrCat("must be >= ", min));
  return absl::OkStatus();
}

absl::Status ParseDurationFlag(absl::string_view flag, absl::string_view value,
                               absl::Duration* out) {
  if (!absl::ParseDuration(value, out)) {
    return Bad(flag, value, "not a duration (e.g. 10s, 500ms, 5m)");
  }
  if (*out < absl::ZeroDuration()) return Bad(flag, value, "is negative");
  return absl::OkStatus();
}

absl::Status ParseProxyPorts(absl::string_view value,
                             std::map<std::string, int>* out) {
  for (absl::string_view item : absl::StrSplit(value, ',', absl::SkipEmpty())) {
    std::vector<absl::string_view> kv = absl::StrSplit(item, ':');
    int port = 0;
    if (kv.size() != 2 || kv[0].empty() || !absl::SimpleAtoi(kv[1], &port) ||
        port <= 0 || port > 65535) {
      return Bad("proxy_ports", value,
                 absl::StrCat("'", item, "' is not <department>:<port>"));
    }
    (*out)[std::string(kv[0])] = port;
  }
  return absl::OkStatus();
}

}  // namespace

const char* TargetName(Target target) {
  switch (target) {
    case Target::kExchange:
      return "exchange";
    case Target::kAdapter:
      return "adapter";
    case Target::kProxy:
      return "proxy";
  }
  return "?";
}

const char* LoadModeName(LoadMode mode) {
  return mode == LoadMode::kOpen ? "open" : "closed";
}

absl::StatusOr<LoadgenOptions> ParseLoadgenOptions(
    absl::Span<const std::string> args) {
  LoadgenOptions o;
  bool rate_set = false;
  for (const std::string& arg : args) {
    absl::string_view text = arg;
    if (text.substr(0, 2) != "--" || text.find('=') == text.npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("argument '", arg, "' is not --name=value"));
    }
    text.remove_prefix(2);
    const size_t eq = text.find('=');
    const absl::string_view name = text.substr(0, eq);
    const absl::string_view value = text.substr(eq + 1);
    absl::Status status;
    if (name == "state") {
      o.state_dir = std::string(value);
    } else if (name == "target") {
      if (value == "exchange") {
        o.target = Target::kExchange;
      } else if (value == "adapter") {
        o.target = Target::kAdapter;
      } else if (value == "proxy") {
        o.target = Target::kProxy;
      } else {
        status = Bad(name, value, "expected exchange, adapter or proxy");
      }
    } else if (name == "mode") {
      if (value == "closed") {
        o.mode = LoadMode::kClosed;
      } else if (value == "open") {
        o.mode = LoadMode::kOpen;
      } else {
        status = Bad(name, value, "expected closed or open");
      }
    } else if (name == "concurrency") {
      status = ParseInt(name, value, 1, &o.concurrency);
    } else if (name == "rate") {
      if (!absl::SimpleAtod(value, &o.rate) || !(o.rate > 0)) {
        status = Bad(name, value, "expected a positive number of calls/s");
      }
      rate_set = true;
    } else if (name == "duration") {
      status = ParseDurationFlag(name, value, &o.duration);
      if (status.ok() && o.duration <= absl::ZeroDuration()) {
        status = Bad(name, value, "must be positive");
      }
    } else if (name == "warmup") {
      status = ParseDurationFlag(name, value, &o.warmup);
    } else if (name == "channels") {
      status = ParseInt(name, value, 1, &o.channels);
    } else if (name == "policy") {
      o.policy_file = std::string(value);
    } else if (name == "trust_domain") {
      o.trust_domain = std::string(value);
    } else if (name == "subjects_per_dataset") {
      status = ParseInt(name, value, 1, &o.subjects_per_dataset);
    } else if (name == "deadline_ms") {
      status = ParseInt(name, value, 1, &o.deadline_ms);
    } else if (name == "max_inflight") {
      status = ParseInt(name, value, 1, &o.max_inflight);
    } else if (name == "rss_sample") {
      o.rss_sample = std::string(value);
    } else if (name == "label") {
      o.label = std::string(value);
    } else if (name == "proxy_ports") {
      status = ParseProxyPorts(value, &o.proxy_ports);
    } else if (name == "seed") {
      if (!absl::SimpleAtoi(value, &o.seed)) {
        status = Bad(name, value, "not an unsigned integer");
      }
    } else if (name == "out") {
      o.out = std::string(value);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (!status.ok()) return status;
  }
  if (o.state_dir.empty()) {
    return absl::InvalidArgumentError(
        "--state is required (the local stack's state directory)");
  }
  if (o.mode == LoadMode::kOpen && !rate_set) {
    return absl::InvalidArgumentError("--mode=open needs --rate");
  }
  if (o.target == Target::kProxy && o.proxy_ports.empty()) {
    return absl::InvalidArgumentError(
        "--target=proxy needs --proxy_ports=<department>:<port>,...");
  }
  if (o.label.empty()) {
    o.label = absl::StrCat(TargetName(o.target), "-", LoadModeName(o.mode));
  }
  return o;
}

}  // namespace datarun::bench
