// Second-hand flat sales between two households of the synthetic city, at
// one of four stages, with every department's records agreeing:
//   kFiled      contract filed with housing; title still the seller's.
//   kPaid       ... and deed tax assessed and paid; title still the seller's.
//   kCompleted  ... and the title transferred: the seller's certificate is
//               historical, the buyers hold a new one, and dwelling counts
//               (written later by HouseholdBuilder::Finish) follow.
//   kCancelled  contract filed, then its filing cancelled.
// Deed tax is filed by the first buyer; its rate follows the buyer family's
// dwellings before the purchase (tax_writer.h DeedTaxRate). A company may
// buy too (SellToCompany).
//
// Call between HouseholdBuilder::Build and Finish of both households.
// Thread-compatible.
#ifndef DATARUN_ADAPTERS_DATAGEN_SALE_BUILDER_H_
#define DATARUN_ADAPTERS_DATAGEN_SALE_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "adapters/datagen/city.h"
#include "adapters/datagen/household.h"
#include "adapters/datagen/housing_writer.h"
#include "adapters/datagen/random.h"
#include "adapters/datagen/tax_writer.h"

namespace datarun {
namespace datagen {

enum class SaleStage { kFiled, kPaid, kCompleted, kCancelled };

struct SaleOutcome {
  size_t title_index = 0;  // the seller's title sold
  std::string contract_no;
  int64_t price_fen = 0;
  int owned_before = 0;       // buyer family's dwellings before buying
  std::string assessment_no;  // kPaid, kCompleted
  std::string payment_certificate_no;
};

class SaleBuilder {
 public:
  SaleBuilder(Random* rng, City* city, HousingWriter* housing, TaxWriter* tax)
      : rng_(rng), city_(city), housing_(housing), tax_(tax) {}

  // Sells the main family's first residential title of `seller` (which must
  // have one) to the adults of `buyer`'s main family.
  // FAILED_PRECONDITION when the seller has no flat; store errors otherwise.
  absl::StatusOr<SaleOutcome> Sell(Household* seller, Household* buyer,
                                   SaleStage stage);

  // Sells the same flat to `company`, which must be registered with the tax
  // bureau (its taxpayer number is its credit code): the company is the
  // contract's only buyer and files the deed tax at the rate for
  // organisations (kOrganisationDeedTaxRate). On completion its new title
  // is appended to `holdings` (a household without families that collects
  // organisations' titles, written with HouseholdBuilder::Finish).
  // Errors as Sell.
  absl::StatusOr<SaleOutcome> SellToCompany(Household* seller,
                                            const Party& company,
                                            Household* holdings,
                                            SaleStage stage);

 private:
  // Who buys: the parties of the contract and the new title, who files the
  // deed tax, and where the new title goes.
  struct Buyer {
    std::vector<Party> parties;
    Person* taxpayer = nullptr;  // a natural person, registered on filing
    std::string company_nsrsbh;  // or an organisation already registered
    int district = 0;            // of the taxpayer's registration
    int owned_before = 0;        // the family's dwellings before buying
    Household* holder = nullptr;
    Family* family = nullptr;  // null for an organisation
  };

  absl::StatusOr<SaleOutcome> Sale(Household* seller, const Buyer& buyer,
                                   SaleStage stage);

  Random* rng_;
  City* city_;
  HousingWriter* housing_;
  TaxWriter* tax_;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_SALE_BUILDER_H_
