#include "bench/loadgen/loadgen_options.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::bench {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<LoadgenOptions> Parse(std::vector<std::string> args) {
  return ParseLoadgenOptions(args);
}

TEST(LoadgenOptionsTest, DefaultsWithOnlyState) {
  auto o = Parse({"--state=/tmp/s"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->state_dir, "/tmp/s");
  EXPECT_EQ(o->target, Target::kExchange);
  EXPECT_EQ(o->mode, LoadMode::kClosed);
  EXPECT_EQ(o->concurrency, 32);
  EXPECT_EQ(o->duration, absl::Seconds(10));
  EXPECT_EQ(o->label, "exchange-closed");
}

TEST(LoadgenOptionsTest, ParsesEveryFlag) {
  auto o = Parse({"--state=s", "--target=proxy", "--mode=open", "--rate=250.5",
                  "--duration=3s", "--warmup=500ms", "--channels=8",
                  "--concurrency=4", "--proxy_ports=land:4001,tax:4002",
                  "--rss_sample=exchange", "--label=x", "--seed=7",
                  "--deadline_ms=900", "--max_inflight=10",
                  "--subjects_per_dataset=5", "--policy=p.textproto",
                  "--trust_domain=td.example", "--out=/tmp/r.json"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->target, Target::kProxy);
  EXPECT_EQ(o->mode, LoadMode::kOpen);
  EXPECT_DOUBLE_EQ(o->rate, 250.5);
  EXPECT_EQ(o->duration, absl::Seconds(3));
  EXPECT_EQ(o->warmup, absl::Milliseconds(500));
  EXPECT_EQ(o->channels, 8);
  EXPECT_EQ(o->concurrency, 4);
  EXPECT_EQ(o->proxy_ports.at("land"), 4001);
  EXPECT_EQ(o->proxy_ports.at("tax"), 4002);
  EXPECT_EQ(o->rss_sample, "exchange");
  EXPECT_EQ(o->label, "x");
  EXPECT_EQ(o->seed, 7u);
  EXPECT_EQ(o->deadline_ms, 900);
  EXPECT_EQ(o->max_inflight, 10);
  EXPECT_EQ(o->subjects_per_dataset, 5);
  EXPECT_EQ(o->policy_file, "p.textproto");
  EXPECT_EQ(o->trust_domain, "td.example");
  EXPECT_EQ(o->out, "/tmp/r.json");
}

TEST(LoadgenOptionsTest, ErrorsNameTheFlag) {
  EXPECT_THAT(Parse({}).status().message(), HasSubstr("--state"));
  EXPECT_THAT(Parse({"--state=s", "--bogus=1"}).status().message(),
              HasSubstr("unknown flag --bogus"));
  EXPECT_THAT(Parse({"--state=s", "--concurrency=0"}).status().message(),
              HasSubstr("--concurrency=0: must be >= 1"));
  EXPECT_THAT(
      Parse({"--state=s", "--rate=fast", "--mode=open"}).status().message(),
      HasSubstr("--rate=fast"));
  EXPECT_THAT(Parse({"--state=s", "--duration=10"}).status().message(),
              HasSubstr("--duration=10: not a duration"));
  EXPECT_THAT(Parse({"--state=s", "--target=nginx"}).status().message(),
              HasSubstr("expected exchange, adapter or proxy"));
  EXPECT_THAT(Parse({"--state=s", "--mode=open"}).status().message(),
              HasSubstr("--mode=open needs --rate"));
  EXPECT_THAT(Parse({"--state=s", "--target=proxy"}).status().message(),
              HasSubstr("needs --proxy_ports"));
  EXPECT_THAT(Parse({"--state=s", "--target=proxy", "--proxy_ports=land"})
                  .status()
                  .message(),
              HasSubstr("'land' is not <department>:<port>"));
  EXPECT_THAT(Parse({"state=s"}).status().message(),
              HasSubstr("is not --name=value"));
  EXPECT_EQ(Parse({"--state=s", "--channels=-1"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datarun::bench
