// datarun-adapter-market: the market regulator's adapter process.
//   datarun-adapter-market --config=deploy/local/adapters/market.textproto
//                          [--store=state/data/market.db]
#include "adapters/market/market_service.h"
#include "adapters/sdk/adapter_main.h"

int main(int argc, char** argv) {
  return datarun::adapter::RunAdapterMain(
      argc, argv, "market", [](const datarun::v1::AdapterConfig& config) {
        return datarun::market::MarketService::Open(config.store_path());
      });
}
