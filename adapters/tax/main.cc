// datarun-adapter-tax: the tax bureau's adapter process.
//   datarun-adapter-tax --config=deploy/local/adapters/tax.textproto
//                       [--store=state/data/tax.db]
#include "adapters/sdk/adapter_main.h"
#include "adapters/tax/tax_service.h"

int main(int argc, char** argv) {
  return datarun::adapter::RunAdapterMain(
      argc, argv, "tax", [](const datarun::v1::AdapterConfig& config) {
        return datarun::tax::TaxService::Open(config.store_path());
      });
}
