// A misbehaving "land" adapter for integration tests: it answers every
// Fetch with a record that violates the catalog schema (a text area and an
// undeclared field), so the exchange's response validation can be tested
// against a real process.
#include <memory>
#include <string>
#include <vector>

#include "adapters/sdk/adapter_main.h"
#include "adapters/sdk/record_builder.h"

namespace {

class GarbageLandService final : public datarun::adapter::DepartmentService {
 public:
  std::string department() const override { return "land"; }
  std::vector<std::string> datasets() const override {
    return {"land.property_title", "land.parcel"};
  }
  absl::StatusOr<std::vector<datarun::v1::Record>> Fetch(
      const datarun::v1::FetchRequest&) override {
    std::vector<datarun::v1::Record> records;
    records.push_back(datarun::adapter::RecordBuilder()
                          .Str("certificate_no", "X-1")
                          .Str("area", "eighty square metres")
                          .Str("favourite_colour", "blue")
                          .Build());
    return records;
  }
};

}  // namespace

int main(int argc, char** argv) {
  return datarun::adapter::RunAdapterMain(
      argc, argv, "land",
      [](const datarun::v1::AdapterConfig&)
          -> absl::StatusOr<
              std::unique_ptr<datarun::adapter::DepartmentService>> {
        return std::make_unique<GarbageLandService>();
      });
}
