// The whole main() of a department adapter:
//
//   int main(int argc, char** argv) {
//     return datarun::adapter::RunAdapterMain(argc, argv, "land",
//         [](const datarun::v1::AdapterConfig& c) {
//           return datarun::land::LandService::Open(c.store_path());
//         });
//   }
//
// Flags:
//   --config=<adapter.textproto>  v1::AdapterConfig (required)
//   --listen=host:port            overrides listen_address (port 0 = pick a
//                                 free port)
//   --port_file=<path>            written atomically with the bound port
//                                 once serving (for tests and scripts)
//   --store=<sqlite path>         overrides store_path
//   --delay_ms=N                  overrides delay_ms (simulated latency of
//                                 Fetch)
//   --review_delay_ms=N           simulated review time of Review (case
//                                 steps), default 0
//   --review_store=<path>         Review answer store, default
//                                 <store>.reviews.sqlite
#ifndef DATARUN_ADAPTERS_SDK_ADAPTER_MAIN_H_
#define DATARUN_ADAPTERS_SDK_ADAPTER_MAIN_H_

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/sdk/department_service.h"
#include "datarun/v1/config.pb.h"

namespace datarun {
namespace adapter {

// Opens the department's service from the validated config, whose
// store_path is already resolved against the config file or overridden by
// --store. An error stops the adapter (its message is printed).
using ServiceFactory =
    std::function<absl::StatusOr<std::unique_ptr<DepartmentService>>(
        const v1::AdapterConfig& config)>;

// Runs the adapter of `department` until SIGTERM or SIGINT and returns the
// process exit code: 0 after a clean shutdown, 1 when start-up fails (the
// error, naming the file/line/field, address or department, is printed to
// stderr). Sets up logging (component "adapter-<department>"), mutual TLS
// (only the exchange's certificate is served; other callers get
// UNAUTHENTICATED or PERMISSION_DENIED), the health service, reflection, the
// worker pool, and one structured log line per request (dataset, consumer,
// purpose, request id, code, latency; never the subject).
// Call it first thing in main(): it blocks the termination signals before
// any thread starts. Parses the flags above (absl flags; --help works).
int RunAdapterMain(int argc, char** argv, absl::string_view department,
                   ServiceFactory factory);

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_ADAPTER_MAIN_H_
