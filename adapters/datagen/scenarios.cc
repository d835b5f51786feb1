// The scripted households of every data set (GeneratorRun::Scripted): they
// come first so that the demo's subjects depend on the seed only, not on
// the number of households.
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/datagen/generator_run.h"
#include "adapters/datagen/market_writer.h"
#include "adapters/legacy_store/legacy_format.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {

absl::Status GeneratorRun::Scripted() {
  // The demo: a married couple sells its only flat (owned in shares, clear
  // of mortgages and seizures) to a married couple owning none; the
  // contract is filed, deed tax not yet assessed.
  HouseholdSpec demo_seller;
  demo_seller.married = true;
  demo_seller.demo_owner = true;
  HouseholdSpec first_time_buyer;
  first_time_buyer.married = true;
  first_time_buyer.no_home = true;
  std::unique_ptr<Household> seller, buyer;
  ASSIGN_OR_RETURN(SaleOutcome sale, Pair(demo_seller, first_time_buyer,
                                          SaleStage::kFiled, &seller, &buyer));
  const Title& title = seller->titles[sale.title_index];
  const Family& buyers = buyer->families[0];
  Demo("seller_id", title.owners[0].id_number);
  Demo("seller_name", title.owners[0].name);
  Demo("seller_spouse_id", title.owners[1].id_number);
  Demo("seller_spouse_name", title.owners[1].name);
  Demo("seller_household_no", seller->household_no);
  Demo("property_unit_no", title.unit.unit_no);
  Demo("property_certificate_no", title.certificate_no);
  Demo("property_location", title.unit.location);
  Demo("property_area", legacy::FormatHundredths(title.unit.area));
  Demo("contract_no", sale.contract_no);
  Demo("contract_price", legacy::FormatHundredths(sale.price_fen));
  Demo("buyer_id", buyers.members[0]->id_number);
  Demo("buyer_name", buyers.members[0]->name);
  Demo("buyer_spouse_id", buyers.members[1]->id_number);
  Demo("buyer_spouse_name", buyers.members[1]->name);
  Demo("buyer_household_no", buyer->household_no);
  Demo("buyer_dwelling_count", absl::StrCat(DwellingCount(*buyer, buyers)));
  Demo("buyer_first_home", sale.owned_before == 0 ? "true" : "false");
  int rate = DeedTaxRate(sale.owned_before, title.unit.area);
  Demo("expected_deed_tax_rate", legacy::FormatDecimal(rate, 4, 2));
  Demo("expected_deed_tax",
       legacy::FormatHundredths(DeedTax(sale.price_fen, rate)));

  // Deed tax paid, title transfer pending: what the land registry checks.
  HouseholdSpec owner;
  owner.own_home = true;
  ASSIGN_OR_RETURN(
      sale, Pair(owner, HouseholdSpec(), SaleStage::kPaid, &seller, &buyer));
  Demo("transfer_seller_id",
       seller->titles[sale.title_index].owners[0].id_number);
  Demo("transfer_buyer_id", buyer->families[0].members[0]->id_number);
  Demo("transfer_property_unit_no",
       seller->titles[sale.title_index].unit.unit_no);
  Demo("transfer_contract_no", sale.contract_no);
  Demo("transfer_assessment_no", sale.assessment_no);
  Demo("transfer_payment_certificate_no", sale.payment_certificate_no);

  // A collective household (集体户): no head of household.
  HouseholdSpec collective;
  collective.collective = true;
  ASSIGN_OR_RETURN(std::unique_ptr<Household> dormitory,
                   builder_->Build(collective));
  RETURN_IF_ERROR(Finish(dormitory.get()));
  Demo("collective_member_id", dormitory->families[0].members[0]->id_number);

  // A finished sale: the seller's certificate is historical.
  ASSIGN_OR_RETURN(sale, Pair(owner, HouseholdSpec(), SaleStage::kCompleted,
                              &seller, &buyer));
  Demo("completed_seller_id",
       seller->titles[sale.title_index].owners[0].id_number);
  Demo("completed_buyer_id", buyer->families[0].members[0]->id_number);
  Demo("completed_contract_no", sale.contract_no);
  Demo("completed_new_certificate_no", buyer->titles.back().certificate_no);
  return IdentityScenarios();
}

absl::Status GeneratorRun::IdentityScenarios() {
  // An elderly owner recorded under the 15-digit number by the land
  // registry's old system (title registered before 2008) and by the tax
  // bureau (registered when paying the deed tax then).
  HouseholdSpec legacy_owner;
  legacy_owner.legacy_owner = true;
  ASSIGN_OR_RETURN(std::unique_ptr<Household> elderly,
                   builder_->Build(legacy_owner));
  RETURN_IF_ERROR(Finish(elderly.get()));
  Demo("legacy15_person_id", elderly->head->id_number);
  Demo("legacy15_form", elderly->head->legacy_id_number);
  Demo("legacy15_certificate_no", elderly->titles[0].certificate_no);

  // A company buys a flat: the contract names it as buyer, it pays the deed
  // tax as an organisation taxpayer and holds the new title.
  const int district = city_.PickDistrict();
  Party company = people_.MakeCompany(Districts()[district].code);
  const absl::CivilDay founded =
      rng_.Day(absl::CivilDay(2005, 1, 1), absl::CivilDay(2020, 12, 31));
  RETURN_IF_ERROR(tax_writer_->RegisterCompany(company, district, founded));
  known_companies_.push_back({company, district, founded, absl::nullopt});
  companies_.push_back(company);
  ++result_.companies;
  std::unique_ptr<Household> seller;
  ASSIGN_OR_RETURN(SaleOutcome sale,
                   SaleToCompany(company, SaleStage::kCompleted, &seller));
  Demo("company_buyer_credit_code", company.id_number);
  Demo("company_buyer_name", company.name);
  Demo("company_buyer_contract_no", sale.contract_no);
  Demo("company_buyer_property_unit_no",
       seller->titles[sale.title_index].unit.unit_no);
  Demo("company_buyer_seller_id",
       seller->titles[sale.title_index].owners[0].id_number);

  // A grown-up child moved out of the parents' household into one of
  // their own: the register keeps the old row (迁出注销) and has a new one.
  HouseholdSpec parents;
  parents.adult_child_leaves = true;
  ASSIGN_OR_RETURN(std::unique_ptr<Household> old_home,
                   builder_->Build(parents));
  Person* child = old_home->left;
  absl::CivilDay moved_on;
  for (const Resident& r : old_home->residents) {
    if (r.person == child) moved_on = *r.moved_out;
  }
  const std::string old_ryid = child->ryid;
  ASSIGN_OR_RETURN(std::unique_ptr<Household> new_home,
                   builder_->BuildRelocated(child, moved_on));
  RETURN_IF_ERROR(
      registry_writer_->WriteDestination(old_ryid, new_home->address));
  RETURN_IF_ERROR(Finish(old_home.get()));
  RETURN_IF_ERROR(Finish(new_home.get()));
  result_.people -= 1;  // counted in both households
  Demo("relocated_person_id", child->id_number);
  Demo("relocated_old_household_no", old_home->household_no);
  Demo("relocated_new_household_no", new_home->household_no);
  return MarketScenarios();
}

absl::Status GeneratorRun::MarketScenarios() {
  // A shop owner running a sole proprietorship (个体工商户) in the shop:
  // the deregistration demo; the same person founds a company in the shop
  // (business establishment demo: 个转企, a sole proprietor becomes a
  // company).
  HouseholdSpec shop_owner;
  shop_owner.married = true;
  shop_owner.shop_owner = true;
  ASSIGN_OR_RETURN(std::unique_ptr<Household> shopkeepers,
                   builder_->Build(shop_owner));
  // Clear of mortgages and seizures, like every demo title (the demo's
  // mortgaged and seized owners are other people).
  for (Title& t : shopkeepers->titles) t.keep_clear = true;
  RETURN_IF_ERROR(Finish(shopkeepers.get()));
  const Person& owner = *shopkeepers->families[0].members[0];
  const Title* shop = nullptr;
  for (const Title& t : shopkeepers->titles) {
    if (t.unit.use != UnitUse::kResidential &&
        t.owners[0].id_number == owner.id_number) {
      shop = &t;
    }
  }
  if (shop == nullptr) {
    return absl::InternalError("datagen: the scripted shop owner has no shop");
  }
  ASSIGN_OR_RETURN(MarketEntity business,
                   market_builder_->AddProprietorship(owner, *shop));
  Demo("sole_proprietor_id", owner.id_number);
  Demo("sole_proprietor_name", owner.name);
  Demo("sole_proprietor_credit_code", business.credit_code);
  Demo("sole_proprietor_licence_no", business.licence_no);
  Demo("founder_id", owner.id_number);
  Demo("founder_premises_certificate_no", shop->certificate_no);

  // A married couple owning two flats, registered at the first: one owner
  // of the second moves the registration there (relocation demo).
  HouseholdSpec two_homes;
  two_homes.married = true;
  two_homes.second_home = true;
  ASSIGN_OR_RETURN(std::unique_ptr<Household> movers,
                   builder_->Build(two_homes));
  for (Title& t : movers->titles) t.keep_clear = true;
  RETURN_IF_ERROR(Finish(movers.get()));
  const Title& second = movers->titles[1];
  Demo("relocation_applicant_id", second.owners[0].id_number);
  Demo("relocation_from_household_no", movers->household_no);
  Demo("relocation_target_address", second.unit.location);
  return absl::OkStatus();
}

}  // namespace datagen
}  // namespace datarun
