// The interface the query path uses to reach owner departments. Router is
// the production implementation; unit tests of the query path substitute a
// fake.
#ifndef DATARUN_EXCHANGE_ROUTER_FETCHER_H_
#define DATARUN_EXCHANGE_ROUTER_FETCHER_H_

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "datarun/v1/adapter.pb.h"

namespace datarun::router {

class Fetcher {
 public:
  using FetchDone = absl::AnyInvocable<void(absl::StatusOr<v1::FetchResponse>)>;

  virtual ~Fetcher() = default;

  // Sends `request` to `department`'s adapter, to be answered by `deadline`.
  // `done` runs exactly once, possibly on another thread, and must not
  // block. Errors: see Router::Fetch. Thread-safe.
  virtual void Fetch(absl::string_view department, v1::FetchRequest request,
                     absl::Time deadline, FetchDone done) = 0;
};

}  // namespace datarun::router

#endif  // DATARUN_EXCHANGE_ROUTER_FETCHER_H_
