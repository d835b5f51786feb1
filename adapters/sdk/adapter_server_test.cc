// AdapterServer end to end, in process, over insecure loopback credentials
// and a fake DepartmentService.
#include "adapters/sdk/adapter_server.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "adapters/sdk/record_builder.h"
#include "datarun/v1/adapter.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace datarun {
namespace adapter {
namespace {

// Lets a test hold Fetch calls inside the department service.
class Gate {
 public:
  // Called by Fetch: records the entry, waits for Release().
  void Enter() {
    absl::MutexLock lock(&mu_);
    ++entered_;
    mu_.Await(absl::Condition(&released_));
  }
  void WaitEntered(int n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return entered_ >= n;
    };
    mu_.Await(absl::Condition(&enough));
  }
  void Release() {
    absl::MutexLock lock(&mu_);
    released_ = true;
  }
  bool released() {
    absl::MutexLock lock(&mu_);
    return released_;
  }

 private:
  absl::Mutex mu_;
  int entered_ ABSL_GUARDED_BY(mu_) = 0;
  bool released_ ABSL_GUARDED_BY(mu_) = false;
};

// Serves land.property_title and land.parcel. The subject chooses the
// behaviour: "empty" -> no record, "block" -> waits on the gate,
// "unavailable" / "broken" -> errors, anything else -> one record.
class FakeLandService : public DepartmentService {
 public:
  FakeLandService(std::shared_ptr<Gate> gate,
                  std::shared_ptr<std::atomic<int>> calls)
      : gate_(std::move(gate)), calls_(std::move(calls)) {}

  std::string department() const override { return "land"; }
  std::vector<std::string> datasets() const override {
    return {"land.property_title", "land.parcel"};
  }
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest& request) override {
    ++*calls_;
    const std::string& subject = request.subject();
    if (subject == "empty") return std::vector<v1::Record>();
    if (subject == "block") gate_->Enter();
    if (subject == "unavailable") {
      return absl::UnavailableError("store land.db is locked");
    }
    if (subject == "broken") return absl::DataLossError("page 7 is corrupt");
    std::vector<v1::Record> records;
    records.push_back(
        RecordBuilder()
            .Str("certificate_no", "京(2019)朝阳区不动产权第0012345号")
            .Decimal("area", "89.50")
            .Str("consumer_seen", request.consumer())
            .Build());
    return records;
  }

 private:
  std::shared_ptr<Gate> gate_;
  std::shared_ptr<std::atomic<int>> calls_;
};

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

// grpc.health.v1.HealthCheckRequest{service} in wire format.
std::string HealthRequest(const std::string& service) {
  if (service.empty()) return "";
  return absl::StrCat("\x0a", std::string(1, static_cast<char>(service.size())),
                      service);
}
// HealthCheckResponse{status: SERVING} and {status: NOT_SERVING}.
const std::string kServing("\x08\x01", 2);
const std::string kNotServing("\x08\x02", 2);

class AdapterServerTest : public ::testing::Test {
 protected:
  AdapterServer::Options DefaultOptions() {
    AdapterServer::Options options;
    options.config.set_department("land");
    options.config.set_listen_address("127.0.0.1:0");
    options.credentials = grpc::InsecureServerCredentials();
    return options;
  }

  void StartServer(AdapterServer::Options options) {
    absl::StatusOr<std::unique_ptr<AdapterServer>> server =
        AdapterServer::Start(std::move(options),
                             std::make_unique<FakeLandService>(gate_, calls_));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::Adapter::NewStub(channel_);
  }

  void TearDown() override {
    gate_->Release();
    if (server_ != nullptr) server_->Shutdown();
  }

  v1::FetchRequest Request(const std::string& subject,
                           const std::string& dataset = "land.property_title") {
    v1::FetchRequest request;
    request.set_dataset(dataset);
    request.set_subject(subject);
    request.set_consumer("tax");
    request.mutable_context()->set_purpose("property_transfer.deed_tax");
    request.mutable_context()->set_request_id("req-1");
    return request;
  }

  grpc::Status Fetch(const v1::FetchRequest& request,
                     v1::FetchResponse* response,
                     absl::Duration timeout = absl::Seconds(30)) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    return stub_->Fetch(&context, request, response);
  }

  grpc::Status HealthCheck(const std::string& service, std::string* reply) {
    grpc::TemplatedGenericStub<grpc::ByteBuffer, grpc::ByteBuffer> stub(
        channel_);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    grpc::ByteBuffer request = ToBuffer(HealthRequest(service));
    grpc::ByteBuffer response;
    absl::Notification done;
    grpc::Status result;
    stub.UnaryCall(&context, "/grpc.health.v1.Health/Check",
                   grpc::StubOptions(), &request, &response,
                   [&](grpc::Status status) {
                     result = std::move(status);
                     done.Notify();
                   });
    done.WaitForNotification();
    *reply = FromBuffer(response);
    return result;
  }

  std::shared_ptr<Gate> gate_ = std::make_shared<Gate>();
  std::shared_ptr<std::atomic<int>> calls_ =
      std::make_shared<std::atomic<int>>(0);
  std::unique_ptr<AdapterServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Adapter::Stub> stub_;
};

TEST_F(AdapterServerTest, FetchReturnsTheDepartmentsRecords) {
  StartServer(DefaultOptions());
  EXPECT_NE(server_->port(), 0);
  v1::FetchResponse response;
  grpc::Status status = Fetch(Request("110105198001010018"), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.records_size(), 1);
  const auto& fields = response.records(0).fields();
  EXPECT_EQ(fields.at("area").decimal_value(), "89.50");
  EXPECT_EQ(fields.at("consumer_seen").string_value(), "tax");
}

TEST_F(AdapterServerTest,
       UnknownDatasetIsInvalidArgumentWithoutCallingTheService) {
  StartServer(DefaultOptions());
  v1::FetchResponse response;
  grpc::Status status =
      Fetch(Request("110105198001010018", "tax.x"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "adapter 'land' does not serve dataset 'tax.x' (it serves "
            "land.property_title, land.parcel)");
  EXPECT_EQ(calls_->load(), 0);
}

TEST_F(AdapterServerTest, EmptyResultIsNotFound) {
  StartServer(DefaultOptions());
  v1::FetchResponse response;
  grpc::Status status = Fetch(Request("empty"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(),
            "department 'land' holds no 'land.property_title' record for the "
            "subject");
}

TEST_F(AdapterServerTest, ServiceErrorsAreMapped) {
  StartServer(DefaultOptions());
  v1::FetchResponse response;
  grpc::Status status = Fetch(Request("unavailable"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("store land.db is locked"),
            std::string::npos);
  EXPECT_NE(status.error_message().find("department 'land'"),
            std::string::npos);
  status = Fetch(Request("broken"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("DATA_LOSS: page 7 is corrupt"),
            std::string::npos)
      << status.error_message();
  status = Fetch(Request(""), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AdapterServerTest, SlowServiceGivesTheClientDeadlineExceededPromptly) {
  StartServer(DefaultOptions());
  v1::FetchResponse response;
  grpc::Status status =
      Fetch(Request("block"), &response, absl::Milliseconds(300));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The answer came while the department was still stuck.
  EXPECT_FALSE(gate_->released());
  gate_->Release();
  // The worker is free again afterwards.
  status = Fetch(Request("110105198001010018"), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(AdapterServerTest, SimulatedDelayIsBoundedByTheDeadline) {
  AdapterServer::Options options = DefaultOptions();
  options.config.set_delay_ms(600000);  // Ten minutes.
  options.worker_threads = 1;
  // If the sleeping worker did not wake at the deadline, Shutdown would wait
  // the full ten minutes and the test would time out.
  options.shutdown_grace = absl::Minutes(10);
  StartServer(std::move(options));
  v1::FetchResponse response;
  grpc::Status status =
      Fetch(Request("110105198001010018"), &response, absl::Milliseconds(300));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  server_->Shutdown();
  // The department was never asked: the deadline passed during the delay.
  EXPECT_EQ(calls_->load(), 0);
}

TEST_F(AdapterServerTest, FullQueueIsResourceExhausted) {
  AdapterServer::Options options = DefaultOptions();
  options.worker_threads = 1;
  options.max_queue = 1;
  StartServer(std::move(options));
  v1::FetchResponse first_response;
  std::thread first(
      [&] { EXPECT_TRUE(Fetch(Request("block"), &first_response).ok()); });
  gate_->WaitEntered(1);  // The only worker is busy.

  // Of two more requests, one waits in the queue and one is turned away
  // while the worker is still busy.
  absl::Mutex mu;
  std::vector<grpc::Status> finished;
  std::vector<std::thread> more;
  for (int i = 0; i < 2; ++i) {
    more.emplace_back([&] {
      v1::FetchResponse response;
      grpc::Status status = Fetch(Request("110105198001010018"), &response);
      absl::MutexLock lock(&mu);
      finished.push_back(status);
    });
  }
  {
    absl::MutexLock lock(&mu);
    auto one = [&finished]() { return !finished.empty(); };
    mu.Await(absl::Condition(&one));
    ASSERT_EQ(finished.size(), 1u);
    EXPECT_EQ(finished[0].error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_NE(finished[0].error_message().find("adapter 'land' is overloaded"),
              std::string::npos)
        << finished[0].error_message();
  }
  gate_->Release();
  for (std::thread& t : more) t.join();
  first.join();
  ASSERT_EQ(finished.size(), 2u);
  EXPECT_TRUE(finished[1].ok()) << finished[1].error_message();
}

TEST_F(AdapterServerTest, DescribeNamesDepartmentDatasetsAndVersion) {
  StartServer(DefaultOptions());
  grpc::ClientContext context;
  v1::DescribeResponse response;
  grpc::Status status =
      stub_->Describe(&context, v1::DescribeRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.department(), "land");
  ASSERT_EQ(response.datasets_size(), 2);
  EXPECT_EQ(response.datasets(0), "land.property_title");
  EXPECT_EQ(response.datasets(1), "land.parcel");
  EXPECT_FALSE(response.software_version().empty());
  EXPECT_NE(response.software_version(), "unknown");
}

TEST_F(AdapterServerTest, HealthCheckIsServing) {
  StartServer(DefaultOptions());
  std::string reply;
  grpc::Status status = HealthCheck("", &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply, kServing);
  status = HealthCheck("datarun.v1.Adapter", &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply, kServing);
  status = HealthCheck("no.such.Service", &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(AdapterServerTest, HealthWatchersSeeNotServingAtShutdown) {
  AdapterServer::Options options = DefaultOptions();
  options.shutdown_grace = absl::Seconds(1);
  StartServer(std::move(options));
  grpc::GenericStub stub(channel_);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, "/grpc.health.v1.Health/Watch", &cq);
  void* tag;
  bool ok;
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  call->WriteLast(ToBuffer(HealthRequest("datarun.v1.Adapter")),
                  grpc::WriteOptions(), reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::ByteBuffer update;
  call->Read(&update, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  EXPECT_EQ(FromBuffer(update), kServing);

  std::thread stopper([this] { server_->Shutdown(); });
  call->Read(&update, reinterpret_cast<void*>(4));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  ASSERT_TRUE(ok) << "the watch ended without a NOT_SERVING update";
  EXPECT_EQ(FromBuffer(update), kNotServing);
  context.TryCancel();
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  while (cq.Next(&tag, &ok) && tag != reinterpret_cast<void*>(5)) {
  }
  stopper.join();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST_F(AdapterServerTest, ReflectionListsTheAdapterService) {
  StartServer(DefaultOptions());
  grpc::GenericStub stub(channel_);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      &context,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag;
  bool ok;
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  // ServerReflectionRequest{list_services: ""} (field 7).
  call->WriteLast(ToBuffer(std::string("\x3a\x00", 2)), grpc::WriteOptions(),
                  reinterpret_cast<void*>(2));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  grpc::ByteBuffer reply;
  call->Read(&reply, reinterpret_cast<void*>(3));
  ASSERT_TRUE(cq.Next(&tag, &ok) && ok);
  const std::string bytes = FromBuffer(reply);
  EXPECT_NE(bytes.find("datarun.v1.Adapter"), std::string::npos);
  EXPECT_NE(bytes.find("grpc.health.v1.Health"), std::string::npos);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  while (cq.Next(&tag, &ok) && tag != reinterpret_cast<void*>(4)) {
  }
  EXPECT_TRUE(status.ok()) << status.error_message();
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST_F(AdapterServerTest, OversizedRequestsAreRefused) {
  AdapterServer::Options options = DefaultOptions();
  options.max_request_bytes = 1024;
  StartServer(std::move(options));
  v1::FetchResponse response;
  grpc::Status status = Fetch(Request(std::string(4096, 'x')), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  EXPECT_EQ(calls_->load(), 0);
  // Normal requests still pass.
  status = Fetch(Request("110105198001010018"), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(AdapterServerTest, ShutdownDrainsRunningAndQueuedRequests) {
  AdapterServer::Options options = DefaultOptions();
  options.worker_threads = 1;
  options.shutdown_grace = absl::Minutes(10);
  StartServer(std::move(options));
  std::vector<grpc::Status> results(2);
  std::thread running([&] {
    v1::FetchResponse response;
    results[0] = Fetch(Request("block"), &response);
  });
  gate_->WaitEntered(1);
  std::thread queued([&] {
    v1::FetchResponse response;
    results[1] = Fetch(Request("110105198001010018"), &response);
  });
  while (server_->queued_requests() < 1) absl::SleepFor(absl::Milliseconds(5));

  std::thread stopper([this] { server_->Shutdown(); });
  // Once shutdown has begun, new calls are refused...
  auto other = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
  auto other_stub = v1::Adapter::NewStub(other);
  for (;;) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    v1::FetchResponse response;
    grpc::Status status =
        other_stub->Fetch(&context, Request("110105198001010018"), &response);
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  // ...while the accepted ones still complete.
  gate_->Release();
  running.join();
  queued.join();
  stopper.join();
  EXPECT_TRUE(results[0].ok()) << results[0].error_message();
  EXPECT_TRUE(results[1].ok()) << results[1].error_message();
}

TEST_F(AdapterServerTest, StartRejectsBadOptions) {
  auto start = [this](AdapterServer::Options options) {
    return AdapterServer::Start(
        std::move(options), std::make_unique<FakeLandService>(gate_, calls_));
  };
  AdapterServer::Options options = DefaultOptions();
  options.config.set_department("tax");
  absl::Status status = start(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'tax'"), std::string::npos) << status;

  options = DefaultOptions();
  options.config.set_listen_address("localhost");
  status = start(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("'localhost'"), std::string::npos) << status;

  options = DefaultOptions();
  options.credentials = nullptr;
  EXPECT_EQ(start(options).status().code(), absl::StatusCode::kInvalidArgument);

  // A port already taken cannot be bound twice.
  StartServer(DefaultOptions());
  options = DefaultOptions();
  const std::string taken = absl::StrCat("127.0.0.1:", server_->port());
  options.config.set_listen_address(taken);
  status = start(options).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_NE(status.message().find(taken), std::string::npos) << status;
}

}  // namespace
}  // namespace adapter
}  // namespace datarun
