// datarun-adapter-registry: the household registry's adapter process.
//   datarun-adapter-registry --config=deploy/local/adapters/registry.textproto
//                            [--store=state/data/registry.db]
#include "adapters/registry/registry_service.h"
#include "adapters/sdk/adapter_main.h"

int main(int argc, char** argv) {
  return datarun::adapter::RunAdapterMain(
      argc, argv, "registry", [](const datarun::v1::AdapterConfig& config) {
        return datarun::registry::RegistryService::Open(config.store_path());
      });
}
