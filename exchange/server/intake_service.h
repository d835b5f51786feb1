// The datarun.v1.Intake gRPC service (proto/datarun/v1/intake.proto): a thin
// translator to intake::IntakeChecker. The caller's department comes from
// its certificate; every pull is made as that department. Never blocks a
// gRPC thread (the checker's pulls are asynchronous queries). One log line
// ("intake_request") per call, without the subject.
#ifndef DATARUN_EXCHANGE_SERVER_INTAKE_SERVICE_H_
#define DATARUN_EXCHANGE_SERVER_INTAKE_SERVICE_H_

#include "absl/time/time.h"
#include "datarun/v1/intake.grpc.pb.h"
#include "exchange/intake/intake_checker.h"
#include "exchange/security/authenticator.h"

namespace datarun::server {

class IntakeService final : public v1::Intake::CallbackService {
 public:
  struct Options {
    // Not owned; must outlive the service.
    const intake::IntakeChecker* checker = nullptr;
    const security::Authenticator* authenticator = nullptr;
    // Deadline used when the caller sets none, and the largest honoured.
    absl::Duration default_deadline = absl::Seconds(5);
    absl::Duration max_deadline = absl::Seconds(30);
  };

  explicit IntakeService(Options options) : options_(options) {}

  grpc::ServerUnaryReactor* Check(grpc::CallbackServerContext* context,
                                  const v1::IntakeCheckRequest* request,
                                  v1::IntakeCheckResponse* response) override;

 private:
  const Options options_;
};

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_INTAKE_SERVICE_H_
