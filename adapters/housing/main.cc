// datarun-adapter-housing: the housing bureau's adapter process.
//   datarun-adapter-housing --config=deploy/local/adapters/housing.textproto
//                           [--store=state/data/housing.db]
#include "adapters/housing/housing_service.h"
#include "adapters/sdk/adapter_main.h"

int main(int argc, char** argv) {
  return datarun::adapter::RunAdapterMain(
      argc, argv, "housing", [](const datarun::v1::AdapterConfig& config) {
        return datarun::housing::HousingService::Open(config.store_path());
      });
}
