#include "adapters/datagen/generator_run.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/datagen/dates.h"
#include "adapters/housing/housing_schema.h"
#include "adapters/land/land_schema.h"
#include "adapters/market/market_schema.h"
#include "adapters/registry/registry_schema.h"
#include "adapters/tax/tax_schema.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {
namespace {

constexpr int64_t kHouseholdsPerTransaction = 2000;

}  // namespace

absl::Status GeneratorRun::Finish(Household* h) {
  ++result_.households;
  result_.people += static_cast<int64_t>(h->residents.size());
  result_.titles += static_cast<int64_t>(h->titles.size());
  RETURN_IF_ERROR(builder_->Finish(h));
  RETURN_IF_ERROR(RegisterOldTaxpayers(h));
  RETURN_IF_ERROR(market_builder_->AddHousehold(*h, random_businesses_));
  if (result_.households % kHouseholdsPerTransaction == 0) {
    for (Store* s : {&land_, &tax_, &housing_, &registry_, &market_}) {
      RETURN_IF_ERROR(s->db->Exec("COMMIT"));
      RETURN_IF_ERROR(s->db->Exec("BEGIN"));
    }
  }
  return absl::OkStatus();
}

absl::Status GeneratorRun::RegisterOldTaxpayers(Household* h) {
  for (const Title& t : h->titles) {
    if (t.registered.year() > kLastLegacyRecordYear) continue;
    for (const Party& owner : t.owners) {
      if (owner.legacy_id_number.empty()) continue;
      for (Person& p : h->people) {
        if (p.id_number != owner.id_number || !p.nsrsbh.empty()) continue;
        absl::CivilDay day(t.registered.year(), t.registered.month(),
                           t.registered.day());
        RETURN_IF_ERROR(tax_writer_->RegisterPerson(&p, h->district, day));
        // The deed tax of then (1.5% of a price about 40% of today's),
        // migrated as a payment certificate without its filing.
        int64_t price = city_.PriceFen(t.unit) * 2 / 5 / 10000 * 10000;
        RETURN_IF_ERROR(tax_writer_
                            ->WriteOldPayment(p.nsrsbh, t.unit.district, day,
                                              DeedTax(price, 150))
                            .status());
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<SaleOutcome> GeneratorRun::SaleToCompany(
    const Party& company, SaleStage stage,
    std::unique_ptr<Household>* seller_out) {
  HouseholdSpec owner;
  owner.own_home = true;
  ASSIGN_OR_RETURN(std::unique_ptr<Household> seller, builder_->Build(owner));
  Household holdings;  // the company's new title; no families
  ASSIGN_OR_RETURN(
      SaleOutcome sale,
      sales_->SellToCompany(seller.get(), company, &holdings, stage));
  ++result_.contracts;
  RETURN_IF_ERROR(Finish(seller.get()));
  result_.titles += static_cast<int64_t>(holdings.titles.size());
  RETURN_IF_ERROR(builder_->Finish(&holdings));
  if (seller_out != nullptr) *seller_out = std::move(seller);
  return sale;
}

absl::Status GeneratorRun::Companies() {
  int64_t count = std::max<int64_t>(3, options_.households / 2000);
  Household owners;  // a holder for the companies' titles; no families
  const size_t first_known = known_companies_.size();
  std::vector<size_t> premises;  // each company's first title in `owners`
  for (int64_t i = 0; i < count; ++i) {
    int district = city_.PickDistrict();
    Party company = people_.MakeCompany(Districts()[district].code);
    absl::CivilDay founded =
        rng_.Day(absl::CivilDay(1998, 1, 1), absl::CivilDay(2018, 12, 31));
    RETURN_IF_ERROR(tax_writer_->RegisterCompany(company, district, founded));
    // The demo's company (the first) owns offices and shops only.
    if (i > 0) companies_.push_back(company);
    if (i == 0) {
      Demo("company_credit_code", company.id_number);
      Demo("company_name", company.name);
    }
    // Registered at its first office (titles are numbered when written).
    known_companies_.push_back({company, district, founded, absl::nullopt});
    premises.push_back(owners.titles.size());
    int units = static_cast<int>(rng_.Range(1, 4));
    for (int u = 0; u < units; ++u) {
      Title t;
      t.unit =
          city_.NewUnit(rng_.PerMille(600) ? district : city_.PickDistrict(),
                        UnitUse::kOffice);
      absl::CivilDay on = rng_.Day(founded + 30, kAsOf - 60);
      t.registered = OfficeTime(rng_, on);
      t.owners = {company};
      t.share_percent = {100};
      owners.titles.push_back(std::move(t));
    }
  }
  result_.companies += count;
  result_.titles += static_cast<int64_t>(owners.titles.size());
  RETURN_IF_ERROR(builder_->Finish(&owners));
  for (size_t i = 0; i < premises.size(); ++i) {
    known_companies_[first_known + i].premises = owners.titles[premises[i]];
  }
  return absl::OkStatus();
}

absl::Status GeneratorRun::RegisterCompanies() {
  for (const KnownCompany& k : known_companies_) {
    RETURN_IF_ERROR(market_builder_->AddCompany(
        k.company, k.district, k.founded,
        k.premises.has_value() ? &*k.premises : nullptr));
  }
  return absl::OkStatus();
}

absl::StatusOr<SaleOutcome> GeneratorRun::Pair(
    const HouseholdSpec& seller_spec, const HouseholdSpec& buyer_spec,
    SaleStage stage, std::unique_ptr<Household>* seller_out,
    std::unique_ptr<Household>* buyer_out) {
  ASSIGN_OR_RETURN(std::unique_ptr<Household> seller,
                   builder_->Build(seller_spec));
  ASSIGN_OR_RETURN(std::unique_ptr<Household> buyer,
                   builder_->Build(buyer_spec));
  // A buyer who paid deed tax on a home bought while the old systems were
  // in use is registered with the tax bureau since then (under the legacy
  // number): the new filing goes to that registration.
  RETURN_IF_ERROR(RegisterOldTaxpayers(buyer.get()));
  ASSIGN_OR_RETURN(SaleOutcome sale,
                   sales_->Sell(seller.get(), buyer.get(), stage));
  ++result_.contracts;
  RETURN_IF_ERROR(Finish(seller.get()));
  RETURN_IF_ERROR(Finish(buyer.get()));
  if (seller_out != nullptr) *seller_out = std::move(seller);
  if (buyer_out != nullptr) *buyer_out = std::move(buyer);
  return sale;
}

absl::StatusOr<GeneratorResult> GeneratorRun::Go() {
  const std::string& dir = options_.out_dir;
  RETURN_IF_ERROR(MakeDirs(dir));
  ASSIGN_OR_RETURN(land_, CreateStore(dir, "land", land::SchemaSql()));
  ASSIGN_OR_RETURN(tax_, CreateStore(dir, "tax", tax::SchemaSql()));
  ASSIGN_OR_RETURN(housing_, CreateStore(dir, "housing", housing::SchemaSql()));
  ASSIGN_OR_RETURN(registry_,
                   CreateStore(dir, "registry", registry::SchemaSql()));
  ASSIGN_OR_RETURN(market_, CreateStore(dir, "market", market::SchemaSql()));
  ASSIGN_OR_RETURN(land_writer_, LandWriter::Create(land_.db.get()));
  ASSIGN_OR_RETURN(tax_writer_, TaxWriter::Create(tax_.db.get()));
  ASSIGN_OR_RETURN(housing_writer_, HousingWriter::Create(housing_.db.get()));
  ASSIGN_OR_RETURN(registry_writer_,
                   RegistryWriter::Create(registry_.db.get()));
  ASSIGN_OR_RETURN(market_writer_, MarketWriter::Create(market_.db.get()));
  market_builder_ =
      std::make_unique<MarketBuilder>(options_.seed, market_writer_.get());
  builder_ = std::make_unique<HouseholdBuilder>(
      &rng_, &people_, &city_, registry_writer_.get(), land_writer_.get(),
      housing_writer_.get());
  sales_ = std::make_unique<SaleBuilder>(&rng_, &city_, housing_writer_.get(),
                                         tax_writer_.get());

  Demo("seed", absl::StrCat(options_.seed));
  Demo("households", absl::StrCat(options_.households));
  // The scripted households come first so that the demo's subjects depend
  // on the seed only, not on the number of households.
  RETURN_IF_ERROR(Scripted());
  RETURN_IF_ERROR(Companies());
  random_businesses_ = true;
  static constexpr int kStageWeights[] = {20, 10, 55, 15};
  static constexpr SaleStage kStages[] = {SaleStage::kFiled, SaleStage::kPaid,
                                          SaleStage::kCompleted,
                                          SaleStage::kCancelled};
  while (result_.households < options_.households) {
    if (options_.households - result_.households >= 2 && rng_.PerMille(60)) {
      SaleStage stage = kStages[rng_.Weighted(kStageWeights)];
      if (rng_.PerMille(40)) {
        // Now and then the buyer is a company.
        const Party& company = companies_[rng_.Uniform(companies_.size())];
        RETURN_IF_ERROR(SaleToCompany(company, stage, nullptr).status());
        continue;
      }
      HouseholdSpec owner;
      owner.own_home = true;
      RETURN_IF_ERROR(
          Pair(owner, HouseholdSpec(), stage, nullptr, nullptr).status());
    } else {
      ASSIGN_OR_RETURN(std::unique_ptr<Household> h,
                       builder_->Build(HouseholdSpec()));
      RETURN_IF_ERROR(Finish(h.get()));
    }
  }
  RETURN_IF_ERROR(RegisterCompanies());
  result_.market_entities = market_builder_->entities();
  if (!builder_->first_mortgaged_owner().empty()) {
    Demo("mortgaged_owner_id", builder_->first_mortgaged_owner());
  }
  if (!builder_->first_seized_owner().empty()) {
    Demo("seized_owner_id", builder_->first_seized_owner());
  }
  // A valid identity number nobody in the city holds.
  Demo("unknown_id",
       people_.Make(true, absl::CivilDay(1980, 1, 1), "110105").id_number);

  sales_.reset();
  builder_.reset();
  land_writer_.reset();
  tax_writer_.reset();
  housing_writer_.reset();
  registry_writer_.reset();
  market_builder_.reset();
  market_writer_.reset();
  for (Store* s : {&land_, &tax_, &housing_, &registry_, &market_}) {
    RETURN_IF_ERROR(CloseStore(s));
  }
  std::string text;
  for (const auto& kv : result_.demo) {
    absl::StrAppend(&text, kv.first, "=", kv.second, "\n");
  }
  RETURN_IF_ERROR(
      WriteFileAtomically(absl::StrCat(dir, "/demo_subjects.txt"), text));
  return result_;
}

}  // namespace datagen
}  // namespace datarun
