// The datarun.v1.Case gRPC service (proto/datarun/v1/case.proto): a thin
// translator to cases::CaseEngine. The caller's department comes from its
// certificate. Unary methods run on the service's own pool (the engine does
// synced store writes); Watch is a server-streaming reactor fed by the
// engine's event sink, never blocking a gRPC thread. One log line
// ("case_request") per unary call; subjects are never logged.
#ifndef DATARUN_EXCHANGE_SERVER_CASE_SERVICE_H_
#define DATARUN_EXCHANGE_SERVER_CASE_SERVICE_H_

#include <memory>

#include "datarun/v1/case.grpc.pb.h"
#include "exchange/cases/case_engine.h"
#include "exchange/cases/case_type_set.h"
#include "exchange/security/authenticator.h"
#include "exchange/server/read_pool.h"

namespace datarun::server {

class CaseService final : public v1::Case::CallbackService {
 public:
  struct Options {
    // Not owned; must outlive the service.
    cases::CaseEngine* engine = nullptr;
    // The loaded case types, for ListCaseTypes.
    const cases::CaseTypeSet* case_types = nullptr;
    const security::Authenticator* authenticator = nullptr;
    int threads = 2;
    int max_queued = 1024;
  };

  explicit CaseService(Options options);
  // The gRPC server must have been shut down (Shutdown + Wait) first.
  ~CaseService() override = default;

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* context,
                                   const v1::SubmitCaseRequest* request,
                                   v1::SubmitCaseResponse* response) override;
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* context,
                                const v1::GetCaseRequest* request,
                                v1::CaseRecord* response) override;
  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* context,
                                 const v1::ListCasesRequest* request,
                                 v1::ListCasesResponse* response) override;
  grpc::ServerUnaryReactor* Supplement(grpc::CallbackServerContext* context,
                                       const v1::SupplementRequest* request,
                                       v1::CaseRecord* response) override;
  grpc::ServerUnaryReactor* Cancel(grpc::CallbackServerContext* context,
                                   const v1::CancelCaseRequest* request,
                                   v1::CaseRecord* response) override;
  grpc::ServerWriteReactor<v1::CaseEvent>* Watch(
      grpc::CallbackServerContext* context,
      const v1::WatchCaseRequest* request) override;
  // Answers inline (the case types are immutable): every loaded case type.
  // UNAUTHENTICATED for a caller without a member certificate.
  grpc::ServerUnaryReactor* ListCaseTypes(
      grpc::CallbackServerContext* context,
      const v1::ListCaseTypesRequest* request,
      v1::ListCaseTypesResponse* response) override;

 private:
  const Options options_;
  std::unique_ptr<ReadPool> pool_;
};

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_CASE_SERVICE_H_
