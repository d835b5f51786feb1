#include "exchange/router/department_channels.h"

#include <utility>

namespace datarun::router {

DepartmentChannels::DepartmentChannels(
    std::string department,
    std::vector<std::shared_ptr<grpc::Channel>> channels,
    CircuitBreaker::Options breaker_options)
    : department_(std::move(department)),
      channels_(std::move(channels)),
      breaker_(std::move(breaker_options)) {
  stubs_.reserve(channels_.size());
  for (const auto& channel : channels_) {
    stubs_.push_back(v1::Adapter::NewStub(channel));
  }
}

v1::Adapter::Stub* DepartmentChannels::NextStub() {
  uint64_t n = next_.fetch_add(1, std::memory_order_relaxed);
  return stubs_[n % stubs_.size()].get();
}

void DepartmentChannels::CountResult(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      ok_.fetch_add(1, std::memory_order_relaxed);
      break;
    case absl::StatusCode::kNotFound:
      not_found_.fetch_add(1, std::memory_order_relaxed);
      break;
    case absl::StatusCode::kUnavailable:
      unavailable_.fetch_add(1, std::memory_order_relaxed);
      break;
    case absl::StatusCode::kDeadlineExceeded:
      deadline_exceeded_.fetch_add(1, std::memory_order_relaxed);
      break;
    default:
      other_errors_.fetch_add(1, std::memory_order_relaxed);
      break;
  }
}

FetchCounters DepartmentChannels::counters() const {
  FetchCounters c;
  c.fetches = fetches_.load(std::memory_order_relaxed);
  c.ok = ok_.load(std::memory_order_relaxed);
  c.not_found = not_found_.load(std::memory_order_relaxed);
  c.unavailable = unavailable_.load(std::memory_order_relaxed);
  c.deadline_exceeded = deadline_exceeded_.load(std::memory_order_relaxed);
  c.other_errors = other_errors_.load(std::memory_order_relaxed);
  c.retries = retries_.load(std::memory_order_relaxed);
  c.rejected_by_circuit = rejected_.load(std::memory_order_relaxed);
  return c;
}

}  // namespace datarun::router
