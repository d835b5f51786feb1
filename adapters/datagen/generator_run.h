// One run of the generator (Generate): the synthetic city's state while the
// four department stores are written. Internal to adapters/datagen.
//
// Thread-compatible; used by one thread.
#ifndef DATARUN_ADAPTERS_DATAGEN_GENERATOR_RUN_H_
#define DATARUN_ADAPTERS_DATAGEN_GENERATOR_RUN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/optional.h"
#include "adapters/datagen/city.h"
#include "adapters/datagen/generator.h"
#include "adapters/datagen/household.h"
#include "adapters/datagen/household_builder.h"
#include "adapters/datagen/housing_writer.h"
#include "adapters/datagen/land_writer.h"
#include "adapters/datagen/market_builder.h"
#include "adapters/datagen/market_writer.h"
#include "adapters/datagen/person_factory.h"
#include "adapters/datagen/random.h"
#include "adapters/datagen/registry_writer.h"
#include "adapters/datagen/sale_builder.h"
#include "adapters/datagen/store_files.h"
#include "adapters/datagen/tax_writer.h"

namespace datarun {
namespace datagen {

class GeneratorRun {
 public:
  explicit GeneratorRun(const GeneratorOptions& options)
      : options_(options), rng_(options.seed), people_(&rng_), city_(&rng_) {}

  // Writes the stores and demo_subjects.txt. Errors: the stores'.
  absl::StatusOr<GeneratorResult> Go();

 private:
  void Demo(const std::string& key, const std::string& value) {
    result_.demo.emplace_back(key, value);
  }
  // Writes a built household's titles, counts and old tax registrations
  // (and, once the scripted households are done, the businesses its
  // members run), counts it, and commits every kHouseholdsPerTransaction
  // households.
  absl::Status Finish(Household* h);
  // People recorded by their 15-digit number who bought a home while the
  // old systems were in use paid deed tax then: the tax bureau registered
  // them under that number, and its payment certificate was migrated.
  absl::Status RegisterOldTaxpayers(Household* h);
  absl::Status Companies();
  // Registers the companies the tax bureau knows with the market regulator
  // (after the random households, so that their legal representatives come
  // from the whole city).
  absl::Status RegisterCompanies();
  // A household sells a flat to `company` at `stage`; the company's new
  // title (on completion) is written at once.
  absl::StatusOr<SaleOutcome> SaleToCompany(const Party& company,
                                            SaleStage stage,
                                            std::unique_ptr<Household>* seller);
  // The scripted identity situations (scenarios.cc): a legacy 15-digit
  // number, a
  // company buying a flat, a person who changed household.
  absl::Status IdentityScenarios();
  // Builds a seller and a buyer household and a sale at `stage` between
  // them; fills `*seller` and `*buyer` when not null.
  absl::StatusOr<SaleOutcome> Pair(const HouseholdSpec& seller_spec,
                                   const HouseholdSpec& buyer_spec,
                                   SaleStage stage,
                                   std::unique_ptr<Household>* seller,
                                   std::unique_ptr<Household>* buyer);
  // The scripted businesses and moves (scenarios.cc): a shop owner running
  // a sole proprietorship in the shop; an owner of a second flat.
  absl::Status MarketScenarios();
  // The demo's scripted households (scenarios.cc): the sale of the demo,
  // a paid and a completed sale, a collective household, then
  // IdentityScenarios and MarketScenarios.
  absl::Status Scripted();

  GeneratorOptions options_;
  Random rng_;
  PersonFactory people_;
  City city_;
  Store land_, tax_, housing_, registry_, market_;
  // Writers hold statements of the stores: declared after them so that they
  // are destroyed first.
  std::unique_ptr<LandWriter> land_writer_;
  std::unique_ptr<TaxWriter> tax_writer_;
  std::unique_ptr<HousingWriter> housing_writer_;
  std::unique_ptr<RegistryWriter> registry_writer_;
  std::unique_ptr<MarketWriter> market_writer_;
  std::unique_ptr<MarketBuilder> market_builder_;
  // Set after the scripted households: random households run businesses.
  bool random_businesses_ = false;
  // Companies known to the tax bureau, registered by RegisterCompanies.
  struct KnownCompany {
    Party company;
    int district = 0;
    absl::CivilDay founded;
    absl::optional<Title> premises;
  };
  std::vector<KnownCompany> known_companies_;
  std::unique_ptr<HouseholdBuilder> builder_;
  std::unique_ptr<SaleBuilder> sales_;
  // Companies registered with the tax bureau which may buy flats (all but
  // the demo's company_credit_code).
  std::vector<Party> companies_;
  GeneratorResult result_;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_GENERATOR_RUN_H_
