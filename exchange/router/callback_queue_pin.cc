#include "exchange/router/callback_queue_pin.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>

#include "absl/base/call_once.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "datarun/v1/adapter.grpc.pb.h"

namespace datarun::router {

void PinGrpcCallbackQueue() {
  static absl::once_flag once;
  absl::call_once(once, [] {
    // Deliberately leaked: the reference must outlive every other channel.
    static auto* channel = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel("unix:/nonexistent/datarun-callback-queue-pin",
                            grpc::InsecureChannelCredentials()));
    auto stub = v1::Adapter::NewStub(*channel);
    grpc::ClientContext context;
    context.set_wait_for_ready(false);
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    v1::DescribeRequest request;
    v1::DescribeResponse response;
    absl::Notification done;
    // Any outcome will do: the first callback call took the reference.
    stub->async()->Describe(&context, &request, &response,
                            [&done](grpc::Status) { done.Notify(); });
    done.WaitForNotification();
  });
}

}  // namespace datarun::router
