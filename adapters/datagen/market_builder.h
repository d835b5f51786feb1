// Decides which people of the synthetic city run a business and registers
// the businesses with the market regulator (MarketWriter): a few percent of
// adults run a sole proprietorship (个体工商户), some found a company; the
// companies the tax bureau knows are registered too, with a legal
// representative drawn from the city's adults.
//
// Draws from its own random stream (seeded from the generator's seed), so
// that the other departments' stores do not change with it.
//
// Thread-compatible.
#ifndef DATARUN_ADAPTERS_DATAGEN_MARKET_BUILDER_H_
#define DATARUN_ADAPTERS_DATAGEN_MARKET_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "adapters/datagen/household.h"
#include "adapters/datagen/market_writer.h"
#include "adapters/datagen/model.h"
#include "adapters/datagen/random.h"

namespace datarun {
namespace datagen {

class MarketBuilder {
 public:
  // `writer` is not owned and must outlive the builder.
  MarketBuilder(uint64_t seed, MarketWriter* writer);

  // Remembers the adults registered in `household` (candidate legal
  // representatives) and, when `register_businesses`, registers the
  // businesses some of them run: about 4.5% run a sole proprietorship, 1%
  // founded a company; 15% / 10% of those were deregistered later, some
  // moved. A person holding a shop or office title runs the business there.
  // Call after the household's titles are written. Errors: the store's.
  absl::Status AddHousehold(const Household& household,
                            bool register_businesses);

  // Registers `company` (credit code and name as the tax bureau has them),
  // founded on `founded` in `district`, at `premises` (a title it holds;
  // null: a rented office), with one of the remembered adults as legal
  // representative. Errors: the store's; FAILED_PRECONDITION when no adult
  // was remembered.
  absl::Status AddCompany(const Party& company, int district,
                          absl::CivilDay founded, const Title* premises);

  // Registers a sole proprietorship in existence run by `owner` in `shop`
  // (a title in force the owner holds). Errors: the store's.
  absl::StatusOr<MarketEntity> AddProprietorship(const Person& owner,
                                                 const Title& shop);

  int64_t entities() const { return writer_->written(); }

 private:
  void Remember(const Person& person);
  // The business premises the person holds (a title in force that is not
  // a dwelling), or null.
  static const Title* PremisesOf(const Household& h, const Person& p);
  MarketEntity Proprietorship(const Person& p, int district,
                              const Title* premises);
  MarketEntity Company(const Person& p, int district, const Title* premises);
  // Fills established / moved / deregistered.
  void History(MarketEntity* e, absl::CivilDay earliest, int end_permille);
  std::string UniqueName(bool company, int district, const std::string& key);
  std::string LeasedAddress(int district, bool office);
  static std::string RecordedId(const Person& p, absl::CivilDay on);

  Random rng_;
  MarketWriter* writer_;
  absl::flat_hash_set<std::string> names_;
  // Reservoir of adults (up to kMaxAdults) for companies' representatives.
  std::vector<Person> adults_;
  int64_t adults_seen_ = 0;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_MARKET_BUILDER_H_
