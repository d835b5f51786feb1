#include "exchange/router/router.h"

#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "datarun/v1/adapter.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::router {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

// An in-process adapter whose Fetch behaviour each test sets.
class FakeAdapter final : public v1::Adapter::Service {
 public:
  using Handler = std::function<grpc::Status(int call, const v1::FetchRequest&,
                                             v1::FetchResponse*)>;

  void set_handler(Handler handler) {
    absl::MutexLock lock(&mu_);
    handler_ = std::move(handler);
  }
  int calls() const { return calls_.load(); }
  std::set<std::string> peers() const {
    absl::MutexLock lock(&mu_);
    return peers_;
  }

  grpc::Status Fetch(grpc::ServerContext* context,
                     const v1::FetchRequest* request,
                     v1::FetchResponse* response) override {
    int call = ++calls_;
    Handler handler;
    {
      absl::MutexLock lock(&mu_);
      peers_.insert(context->peer());
      handler = handler_;
    }
    if (!handler) return grpc::Status::OK;
    return handler(call, *request, response);
  }

 private:
  std::atomic<int> calls_{0};
  mutable absl::Mutex mu_;
  Handler handler_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> peers_ ABSL_GUARDED_BY(mu_);
};

// Starts `service` on 127.0.0.1:`port` (0 picks one); sets *bound_port.
std::unique_ptr<grpc::Server> StartServer(grpc::Service* service, int port,
                                          int* bound_port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port),
                           grpc::InsecureServerCredentials(), bound_port);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

// Returns a loopback port nobody listens on (bound, then closed).
int ReserveClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

v1::FetchRequest LandRequest() {
  v1::FetchRequest request;
  request.set_dataset("land.property_title");
  request.set_subject("110101199003070011");
  request.set_consumer("tax");
  return request;
}

absl::StatusOr<v1::FetchResponse> FetchAndWait(Router& router,
                                               absl::string_view department,
                                               absl::Time deadline) {
  absl::Notification done;
  absl::StatusOr<v1::FetchResponse> result;
  router.Fetch(department, LandRequest(), deadline,
               [&](absl::StatusOr<v1::FetchResponse> r) {
                 result = std::move(r);
                 done.Notify();
               });
  done.WaitForNotification();
  return result;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = StartServer(&adapter_, 0, &port_);
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
  }
  void TearDown() override {
    // Handlers may be blocked on release_; they must be done before the
    // fixture's members go away.
    if (!release_.HasBeenNotified()) release_.Notify();
    if (server_) server_->Shutdown(absl::ToChronoTime(absl::Now()));
  }

  Router::Options OptionsFor(int port) {
    Router::Options options;
    v1::AdapterEndpoint endpoint;
    endpoint.set_department("land");
    endpoint.set_address(absl::StrCat("127.0.0.1:", port));
    options.endpoints.push_back(endpoint);
    options.insecure_for_tests = true;
    return options;
  }

  std::unique_ptr<Router> MakeRouter(Router::Options options) {
    auto router = Router::Create(std::move(options));
    EXPECT_TRUE(router.ok()) << router.status();
    return router.ok() ? std::move(*router) : nullptr;
  }

  static absl::Time In(absl::Duration d) { return absl::Now() + d; }

  // For handlers that hold a call until the test lets go.
  absl::Notification release_;
  absl::Notification adapter_called_;
  std::atomic<bool> adapter_answered_{false};
  FakeAdapter adapter_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(RouterTest, ReturnsTheAdaptersRecords) {
  adapter_.set_handler([](int, const v1::FetchRequest& request,
                          v1::FetchResponse* response) {
    if (request.dataset() != "land.property_title") {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "wrong dataset");
    }
    (*response->add_records()->mutable_fields())["title_no"].set_string_value(
        "京(2024)朝阳区不动产权第0001234号");
    return grpc::Status::OK;
  });
  auto router = MakeRouter(OptionsFor(port_));
  auto result = FetchAndWait(*router, "land", In(absl::Seconds(10)));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->records_size(), 1);
  EXPECT_EQ(result->records(0).fields().at("title_no").string_value(),
            "京(2024)朝阳区不动产权第0001234号");
  auto health = router->DepartmentHealth("land");
  ASSERT_TRUE(health.ok());
  EXPECT_EQ(health->counters.fetches, 1u);
  EXPECT_EQ(health->counters.ok, 1u);
  EXPECT_EQ(health->circuit.state, CircuitState::kClosed);
}

TEST_F(RouterTest, NotFoundPassesThroughWithItsMessage) {
  adapter_.set_handler([](int, const v1::FetchRequest&, v1::FetchResponse*) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "no property title for this subject");
  });
  auto router = MakeRouter(OptionsFor(port_));
  auto result = FetchAndWait(*router, "land", In(absl::Seconds(10)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(result.status().message(), "no property title for this subject");
}

TEST_F(RouterTest, OtherAdapterErrorsKeepTheirCodeAndNameTheDepartment) {
  adapter_.set_handler([](int, const v1::FetchRequest&, v1::FetchResponse*) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "unknown field 'colour'");
  });
  auto router = MakeRouter(OptionsFor(port_));
  auto result = FetchAndWait(*router, "land", In(absl::Seconds(10)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(),
            "department 'land': unknown field 'colour'");
  // An answering adapter is healthy, whatever it answered.
  EXPECT_EQ(router->DepartmentHealth("land")->circuit.consecutive_failures, 0);
}

TEST_F(RouterTest, DownAdapterIsUnavailableNamingTheDepartment) {
  int port = ReserveClosedPort();
  ASSERT_GT(port, 0);
  auto router = MakeRouter(OptionsFor(port));
  // A long deadline: the answer must come from the refused connection, not
  // from the deadline.
  auto result = FetchAndWait(*router, "land", In(absl::Seconds(60)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(result.status().message()),
              StartsWith("department 'land' is unavailable: "));
  auto health = router->DepartmentHealth("land");
  EXPECT_EQ(health->counters.retries, 1u);
  EXPECT_EQ(health->counters.unavailable, 1u);
  EXPECT_EQ(health->circuit.consecutive_failures, 1);
}

TEST_F(RouterTest, SlowAdapterGivesDeadlineExceededWithoutWaitingForIt) {
  adapter_.set_handler(
      [this](int, const v1::FetchRequest&, v1::FetchResponse*) {
        release_.WaitForNotificationWithTimeout(absl::Seconds(30));
        adapter_answered_ = true;
        return grpc::Status::OK;
      });
  auto router = MakeRouter(OptionsFor(port_));
  auto result = FetchAndWait(*router, "land", In(absl::Milliseconds(200)));
  EXPECT_FALSE(adapter_answered_.load());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(
      std::string(result.status().message()),
      MatchesRegex("department 'land' did not answer within [0-9]+ ms"));
  // The caller's deadline says nothing about the department's health.
  EXPECT_EQ(router->DepartmentHealth("land")->circuit.consecutive_failures, 0);
}

TEST_F(RouterTest, DeadlineAlreadyPassedFailsWithoutCalling) {
  auto router = MakeRouter(OptionsFor(port_));
  auto result = FetchAndWait(*router, "land", absl::Now() - absl::Seconds(1));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("department 'land'"));
  EXPECT_EQ(adapter_.calls(), 0);
}

TEST_F(RouterTest, UnknownDepartmentIsFailedPrecondition) {
  auto router = MakeRouter(OptionsFor(port_));
  auto result = FetchAndWait(*router, "forestry", In(absl::Seconds(10)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(result.status().message(),
            "no adapter is configured for department 'forestry'");
  EXPECT_EQ(router->DepartmentHealth("forestry").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RouterTest, RetriesUnavailableOnce) {
  adapter_.set_handler([](int call, const v1::FetchRequest&,
                          v1::FetchResponse* response) {
    if (call == 1) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "store restarting");
    }
    response->add_records();
    return grpc::Status::OK;
  });
  auto router = MakeRouter(OptionsFor(port_));
  auto result = FetchAndWait(*router, "land", In(absl::Seconds(10)));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->records_size(), 1);
  EXPECT_EQ(adapter_.calls(), 2);
  EXPECT_EQ(router->DepartmentHealth("land")->counters.retries, 1u);
}

TEST_F(RouterTest, DoesNotRetryWhenLessThanHalfTheBudgetIsLeft) {
  adapter_.set_handler([](int, const v1::FetchRequest&, v1::FetchResponse*) {
    absl::SleepFor(absl::Milliseconds(2500));
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "store down");
  });
  auto router = MakeRouter(OptionsFor(port_));
  auto result = FetchAndWait(*router, "land", In(absl::Seconds(4)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(result.status().message(),
            "department 'land' is unavailable: store down");
  EXPECT_EQ(adapter_.calls(), 1);
}

TEST_F(RouterTest, BreakerOpensAfterFiveUnavailableAndFailsFast) {
  int port = ReserveClosedPort();
  ASSERT_GT(port, 0);
  Router::Options options = OptionsFor(port);
  options.circuit_open_duration = absl::Hours(1);
  auto router = MakeRouter(std::move(options));
  for (int i = 0; i < 5; ++i) {
    auto result = FetchAndWait(*router, "land", In(absl::Seconds(60)));
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(result.status().message()),
                Not(HasSubstr("circuit open")));
  }
  auto health = router->DepartmentHealth("land");
  EXPECT_EQ(health->circuit.state, CircuitState::kOpen);
  EXPECT_EQ(health->circuit.consecutive_failures, 5);
  EXPECT_EQ(health->circuit.times_opened, 1u);

  auto result = FetchAndWait(*router, "land", In(absl::Seconds(60)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(result.status().message()),
              StartsWith("department 'land' is unavailable: circuit open after "
                         "5 consecutive failures; next attempt in "));
  health = router->DepartmentHealth("land");
  EXPECT_EQ(health->counters.rejected_by_circuit, 1u);
  EXPECT_EQ(health->counters.fetches, 6u);
  // The rejected call did not try the network: still 5 first attempts and 5
  // retries.
  EXPECT_EQ(health->counters.retries, 5u);
}

TEST_F(RouterTest, RestartedAdapterIsReachedAgainAndClosesTheBreaker) {
  int port = ReserveClosedPort();
  ASSERT_GT(port, 0);
  Router::Options options = OptionsFor(port);
  options.circuit_failure_threshold = 1;
  options.circuit_open_duration = absl::Milliseconds(50);
  auto router = MakeRouter(std::move(options));
  auto down = FetchAndWait(*router, "land", In(absl::Seconds(60)));
  ASSERT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(router->DepartmentHealth("land")->circuit.times_opened, 1u);

  FakeAdapter restarted;
  int bound = 0;
  auto server = StartServer(&restarted, port, &bound);
  ASSERT_NE(server, nullptr);
  ASSERT_EQ(bound, port);
  // Reconnection back-off is short: the adapter is reached again without
  // restarting the router. Generous bound; typically a few hundred ms.
  absl::Time give_up = In(absl::Seconds(20));
  absl::StatusOr<v1::FetchResponse> result;
  do {
    absl::SleepFor(absl::Milliseconds(60));
    result = FetchAndWait(*router, "land", In(absl::Seconds(5)));
  } while (!result.ok() && absl::Now() < give_up);
  EXPECT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(router->DepartmentHealth("land")->circuit.state,
            CircuitState::kClosed);
  server->Shutdown(absl::ToChronoTime(absl::Now()));
}

TEST_F(RouterTest, PooledChannelsUseSeparateConnections) {
  Router::Options options = OptionsFor(port_);
  options.channels_per_department = 2;
  auto router = MakeRouter(std::move(options));
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(FetchAndWait(*router, "land", In(absl::Seconds(10))).ok());
  }
  EXPECT_EQ(adapter_.peers().size(), 2u);
}

TEST_F(RouterTest, ConcurrentFetchesAllComplete) {
  constexpr int kCalls = 64;
  absl::Mutex mu;
  int ok = 0;
  int finished = 0;
  // Declared after what the callbacks touch, so destroyed first: its
  // destructor waits for every callback to return.
  auto router = MakeRouter(OptionsFor(port_));
  for (int i = 0; i < kCalls; ++i) {
    router->Fetch("land", LandRequest(), In(absl::Seconds(30)),
                  [&](absl::StatusOr<v1::FetchResponse> result) {
                    absl::MutexLock lock(&mu);
                    if (result.ok()) ++ok;
                    ++finished;
                  });
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(
      +[](int* n) { return *n == kCalls; }, &finished));
  EXPECT_EQ(ok, kCalls);
}

TEST_F(RouterTest, DestroyingTheRouterCancelsCallsInFlight) {
  adapter_.set_handler(
      [this](int, const v1::FetchRequest&, v1::FetchResponse*) {
        adapter_called_.Notify();
        release_.WaitForNotificationWithTimeout(absl::Seconds(30));
        return grpc::Status::OK;
      });
  absl::Notification done;
  absl::Status status = absl::UnknownError("not called");
  auto router = MakeRouter(OptionsFor(port_));
  router->Fetch("land", LandRequest(), In(absl::Seconds(30)),
                [&](absl::StatusOr<v1::FetchResponse> result) {
                  status = result.status();
                  done.Notify();
                });
  adapter_called_.WaitForNotification();
  router.reset();
  // The destructor returned only after `done` ran, with the adapter still
  // holding the call.
  EXPECT_TRUE(done.HasBeenNotified());
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(status.message(),
            "department 'land': call cancelled: the router is shutting down");
}

TEST_F(RouterTest, DestroyingTheRouterAfterCallsFinishedIsClean) {
  auto router = MakeRouter(OptionsFor(port_));
  absl::Notification done;
  router->Fetch("land", LandRequest(), In(absl::Seconds(30)),
                [&](absl::StatusOr<v1::FetchResponse> result) {
                  EXPECT_TRUE(result.ok()) << result.status();
                  done.Notify();
                });
  done.WaitForNotification();
  // The last channel references go away here, on this thread.
  router.reset();
}

TEST(RouterCreateTest, RejectsBadOptionsNamingTheEndpoint) {
  auto endpoint = [](std::string department, std::string address) {
    v1::AdapterEndpoint e;
    e.set_department(department);
    e.set_address(address);
    return e;
  };
  auto create = [](std::vector<v1::AdapterEndpoint> endpoints) {
    Router::Options options;
    options.endpoints = std::move(endpoints);
    options.insecure_for_tests = true;
    return Router::Create(std::move(options)).status();
  };
  absl::Status s =
      create({endpoint("land", "127.0.0.1:1"), endpoint("tax", "127.0.0.1:2"),
              endpoint("land", "127.0.0.1:3")});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "router: adapters[2]: department 'land' is configured twice (also "
            "adapters[0])");

  s = create({endpoint("", "127.0.0.1:1")});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("adapters[0]: department is empty"));

  s = create({endpoint("land", "")});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("address of department 'land' is empty"));

  s = create({endpoint("land", "localhost")});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("has no port"));

  Router::Options secure;
  secure.endpoints = {endpoint("land", "127.0.0.1:1")};
  EXPECT_EQ(Router::Create(secure).status().code(),
            absl::StatusCode::kInvalidArgument);  // no credentials
  secure.credentials = grpc::InsecureChannelCredentials();
  EXPECT_THAT(std::string(Router::Create(secure).status().message()),
              HasSubstr("trust_domain"));
  secure.trust_domain = "datarun.local";
  EXPECT_TRUE(Router::Create(secure).ok());
  secure.channels_per_department = 0;
  EXPECT_THAT(std::string(Router::Create(secure).status().message()),
              HasSubstr("channels_per_department"));
}

TEST(RouterCreateTest, ListsDepartmentsSorted) {
  Router::Options options;
  options.insecure_for_tests = true;
  for (const char* d : {"tax", "land", "housing"}) {
    v1::AdapterEndpoint e;
    e.set_department(d);
    e.set_address("127.0.0.1:1");
    options.endpoints.push_back(e);
  }
  auto router = Router::Create(std::move(options));
  ASSERT_TRUE(router.ok());
  EXPECT_THAT((*router)->Departments(),
              ::testing::ElementsAre("housing", "land", "tax"));
}

}  // namespace
}  // namespace datarun::router
