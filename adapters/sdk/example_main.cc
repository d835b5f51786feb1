// datarun-adapter-example: the tutorial's demo department as a process.
//   datarun-adapter-example --config=demo.textproto
#include "adapters/sdk/adapter_main.h"
#include "adapters/sdk/example_service.h"

int main(int argc, char** argv) {
  return datarun::adapter::RunAdapterMain(
      argc, argv, "demo", [](const datarun::v1::AdapterConfig& config) {
        return datarun::adapter::ExampleService::Open(config.store_path());
      });
}
