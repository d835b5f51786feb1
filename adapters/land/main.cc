// datarun-adapter-land: the land registry's adapter process.
//   datarun-adapter-land --config=deploy/local/adapters/land.textproto
//                        [--store=state/data/land.db]
#include "adapters/land/land_service.h"
#include "adapters/sdk/adapter_main.h"

int main(int argc, char** argv) {
  return datarun::adapter::RunAdapterMain(
      argc, argv, "land", [](const datarun::v1::AdapterConfig& config) {
        return datarun::land::LandService::Open(config.store_path());
      });
}
