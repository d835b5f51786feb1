#include "adapters/datagen/sale_builder.h"

#include <utility>

#include "adapters/datagen/dates.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {

absl::StatusOr<SaleOutcome> SaleBuilder::Sell(Household* seller,
                                              Household* buyer,
                                              SaleStage stage) {
  Buyer b;
  Family& family = buyer->families[0];
  b.parties = FamilyAdults(family);
  b.taxpayer = family.members[0];
  b.district = buyer->district;
  b.owned_before = DwellingCount(*buyer, family);
  b.holder = buyer;
  b.family = &family;
  return Sale(seller, b, stage);
}

absl::StatusOr<SaleOutcome> SaleBuilder::SellToCompany(Household* seller,
                                                       const Party& company,
                                                       Household* holdings,
                                                       SaleStage stage) {
  Buyer b;
  b.parties = {company};
  b.company_nsrsbh = company.id_number;
  b.holder = holdings;
  return Sale(seller, b, stage);
}

absl::StatusOr<SaleOutcome> SaleBuilder::Sale(Household* seller,
                                              const Buyer& buyer,
                                              SaleStage stage) {
  SaleOutcome out;
  bool found = false;
  for (size_t index : seller->families[0].titles) {
    const Title& t = seller->titles[index];
    if (!t.historical && t.unit.use == UnitUse::kResidential) {
      out.title_index = index;
      found = true;
      break;
    }
  }
  if (!found) {
    return absl::FailedPreconditionError(
        "datagen: the selling household owns no flat");
  }
  Title& title = seller->titles[out.title_index];

  // The stage's calendar; every date stays on or before kAsOf.
  absl::CivilDay signed_on;
  switch (stage) {
    case SaleStage::kCompleted:
      signed_on =
          rng_->Day(absl::CivilDay(2023, 1, 10), absl::CivilDay(2024, 4, 20));
      break;
    case SaleStage::kPaid:
      signed_on =
          rng_->Day(absl::CivilDay(2024, 5, 20), absl::CivilDay(2024, 6, 12));
      break;
    case SaleStage::kFiled:
      signed_on =
          rng_->Day(absl::CivilDay(2024, 6, 5), absl::CivilDay(2024, 6, 24));
      break;
    case SaleStage::kCancelled:
      signed_on =
          rng_->Day(absl::CivilDay(2023, 1, 1), absl::CivilDay(2024, 5, 15));
      break;
  }
  absl::CivilDay filed_on =
      signed_on + rng_->Range(0, stage == SaleStage::kPaid ? 3 : 5);

  // The seller must have held the title well before selling.
  absl::CivilDay registered(title.registered.year(), title.registered.month(),
                            title.registered.day());
  if (registered > signed_on - 200) {
    title.registered = OfficeTime(*rng_, signed_on - rng_->Range(200, 2000));
  }
  title.no_seizure = true;

  Contract contract;
  contract.unit = title.unit;
  contract.sellers = title.owners;
  contract.buyers = buyer.parties;
  contract.price_fen = city_->PriceFen(title.unit);
  contract.signed_on = signed_on;
  contract.filed_on = filed_on;
  if (stage == SaleStage::kCancelled) {
    contract.cancelled = true;
    contract.cancelled_on = filed_on + rng_->Range(10, 45);
  }
  RETURN_IF_ERROR(housing_->WriteContract(&contract));
  out.contract_no = contract.contract_no;
  out.price_fen = contract.price_fen;
  out.owned_before = buyer.owned_before;
  if (stage != SaleStage::kPaid && stage != SaleStage::kCompleted) return out;

  Assessment a;
  a.filed_on = filed_on + rng_->Range(1, 5);
  a.assessed_on = a.filed_on + rng_->Range(stage == SaleStage::kPaid ? 0 : 1,
                                           stage == SaleStage::kPaid ? 3 : 14);
  if (buyer.taxpayer != nullptr) {
    RETURN_IF_ERROR(
        tax_->RegisterPerson(buyer.taxpayer, buyer.district, a.filed_on));
    a.nsrsbh = buyer.taxpayer->nsrsbh;
    a.rate = DeedTaxRate(out.owned_before, title.unit.area);
    a.first_home = out.owned_before == 0;
  } else {
    a.nsrsbh = buyer.company_nsrsbh;
    a.rate = kOrganisationDeedTaxRate;
    a.first_home = false;
  }
  a.contract_no = contract.contract_no;
  a.unit_no = title.unit.unit_no;
  a.price_fen = contract.price_fen;
  a.area = title.unit.area;
  a.tax_fen = DeedTax(a.price_fen, a.rate);
  RETURN_IF_ERROR(tax_->WriteAssessment(&a, title.unit.district));
  out.assessment_no = a.assessment_no;
  absl::CivilDay paid_on = a.assessed_on + rng_->Range(0, 2);
  ASSIGN_OR_RETURN(out.payment_certificate_no,
                   tax_->WritePayment(a, title.unit.district, paid_on));
  if (stage != SaleStage::kCompleted) return out;

  absl::CivilDay transferred = paid_on + rng_->Range(1, 10);
  title.historical = true;
  title.ended = OfficeTime(*rng_, transferred);
  Title bought;
  bought.unit = title.unit;
  bought.owners = contract.buyers;
  bought.registered = title.ended;
  bought.transfer = true;
  bought.write_unit = false;
  if (bought.owners.size() == 1) {
    bought.share_percent = {100};
  } else if (rng_->PerMille(600)) {
    bought.co_ownership = CoOwnership::kJoint;
  } else {
    bought.co_ownership = CoOwnership::kInShares;
    bought.share_percent = {50, 50};
  }
  buyer.holder->titles.push_back(std::move(bought));
  if (buyer.family != nullptr) {
    buyer.family->titles.push_back(buyer.holder->titles.size() - 1);
  }
  return out;
}

}  // namespace datagen
}  // namespace datarun
