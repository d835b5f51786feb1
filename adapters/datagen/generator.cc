#include "adapters/datagen/generator.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/datagen/city.h"
#include "adapters/datagen/dates.h"
#include "adapters/datagen/household_builder.h"
#include "adapters/datagen/person_factory.h"
#include "adapters/datagen/random.h"
#include "adapters/datagen/sale_builder.h"
#include "adapters/housing/housing_schema.h"
#include "adapters/land/land_schema.h"
#include "adapters/legacy_store/legacy_format.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/registry/registry_schema.h"
#include "adapters/tax/tax_schema.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {
namespace {

using legacy::SqliteDb;

constexpr int64_t kMaxHouseholds = 20000000;
constexpr int64_t kHouseholdsPerTransaction = 2000;

absl::Status RemoveIfExists(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::InternalError(
        absl::StrCat("cannot remove ", path, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status RemoveDatabase(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    RETURN_IF_ERROR(RemoveIfExists(absl::StrCat(path, suffix)));
  }
  return absl::OkStatus();
}

// One department store being written under a temporary name.
struct Store {
  std::string path;
  std::string temp_path;
  std::unique_ptr<SqliteDb> db;
};

absl::StatusOr<Store> CreateStore(const std::string& dir, const char* name,
                                  absl::string_view schema) {
  Store s;
  s.path = absl::StrCat(dir, "/", name, ".db");
  s.temp_path = absl::StrCat(s.path, ".tmp");
  RETURN_IF_ERROR(RemoveDatabase(s.temp_path));
  ASSIGN_OR_RETURN(s.db, SqliteDb::Open(s.temp_path, SqliteDb::Mode::kCreate));
  // Bulk load into a temporary file that is renamed only when complete: no
  // journal, no fsync, and a page cache large enough for the indexes
  // (random identity numbers) to stay in memory.
  RETURN_IF_ERROR(s.db->Exec("PRAGMA journal_mode=OFF"));
  RETURN_IF_ERROR(s.db->Exec("PRAGMA synchronous=OFF"));
  RETURN_IF_ERROR(s.db->Exec("PRAGMA cache_size=-65536"));
  RETURN_IF_ERROR(s.db->Exec(schema));
  RETURN_IF_ERROR(s.db->Exec("BEGIN"));
  return s;
}

// Commits, makes the file self-contained (no WAL) and moves it into place.
absl::Status CloseStore(Store* s) {
  RETURN_IF_ERROR(s->db->Exec("COMMIT"));
  RETURN_IF_ERROR(s->db->Exec("ANALYZE"));
  RETURN_IF_ERROR(s->db->Exec("PRAGMA journal_mode=DELETE"));
  s->db.reset();
  RETURN_IF_ERROR(RemoveDatabase(s->path));
  if (rename(s->temp_path.c_str(), s->path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", s->temp_path,
                                            " to ", s->path, ": ",
                                            strerror(errno)));
  }
  return absl::OkStatus();
}

class Run {
 public:
  explicit Run(const GeneratorOptions& options)
      : options_(options), rng_(options.seed), people_(&rng_), city_(&rng_) {}

  absl::StatusOr<GeneratorResult> Go();

 private:
  void Demo(const std::string& key, const std::string& value) {
    result_.demo.emplace_back(key, value);
  }
  absl::Status Finish(Household* h) {
    ++result_.households;
    result_.people += static_cast<int64_t>(h->residents.size());
    result_.titles += static_cast<int64_t>(h->titles.size());
    RETURN_IF_ERROR(builder_->Finish(h));
    if (result_.households % kHouseholdsPerTransaction == 0) {
      for (Store* s : {&land_, &tax_, &housing_, &registry_}) {
        RETURN_IF_ERROR(s->db->Exec("COMMIT"));
        RETURN_IF_ERROR(s->db->Exec("BEGIN"));
      }
    }
    return absl::OkStatus();
  }
  absl::Status Companies();
  // Builds a seller and a buyer household and a sale at `stage` between
  // them; fills `*seller` and `*buyer` when not null.
  absl::StatusOr<SaleOutcome> Pair(const HouseholdSpec& seller_spec,
                                   const HouseholdSpec& buyer_spec,
                                   SaleStage stage,
                                   std::unique_ptr<Household>* seller,
                                   std::unique_ptr<Household>* buyer);
  absl::Status Scripted();

  GeneratorOptions options_;
  Random rng_;
  PersonFactory people_;
  City city_;
  Store land_, tax_, housing_, registry_;
  // Writers hold statements of the stores: declared after them so that they
  // are destroyed first.
  std::unique_ptr<LandWriter> land_writer_;
  std::unique_ptr<TaxWriter> tax_writer_;
  std::unique_ptr<HousingWriter> housing_writer_;
  std::unique_ptr<RegistryWriter> registry_writer_;
  std::unique_ptr<HouseholdBuilder> builder_;
  std::unique_ptr<SaleBuilder> sales_;
  GeneratorResult result_;
};

absl::Status Run::Companies() {
  int64_t count = std::max<int64_t>(3, options_.households / 2000);
  Household owners;  // a holder for the companies' titles; no families
  for (int64_t i = 0; i < count; ++i) {
    int district = city_.PickDistrict();
    Party company = people_.MakeCompany(Districts()[district].code);
    absl::CivilDay founded =
        rng_.Day(absl::CivilDay(1998, 1, 1), absl::CivilDay(2018, 12, 31));
    RETURN_IF_ERROR(tax_writer_->RegisterCompany(company, district, founded));
    if (i == 0) {
      Demo("company_credit_code", company.id_number);
      Demo("company_name", company.name);
    }
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
  result_.companies = count;
  result_.titles += static_cast<int64_t>(owners.titles.size());
  return builder_->Finish(&owners);
}

absl::StatusOr<SaleOutcome> Run::Pair(const HouseholdSpec& seller_spec,
                                      const HouseholdSpec& buyer_spec,
                                      SaleStage stage,
                                      std::unique_ptr<Household>* seller_out,
                                      std::unique_ptr<Household>* buyer_out) {
  ASSIGN_OR_RETURN(std::unique_ptr<Household> seller,
                   builder_->Build(seller_spec));
  ASSIGN_OR_RETURN(std::unique_ptr<Household> buyer,
                   builder_->Build(buyer_spec));
  ASSIGN_OR_RETURN(SaleOutcome sale,
                   sales_->Sell(seller.get(), buyer.get(), stage));
  ++result_.contracts;
  RETURN_IF_ERROR(Finish(seller.get()));
  RETURN_IF_ERROR(Finish(buyer.get()));
  if (seller_out != nullptr) *seller_out = std::move(seller);
  if (buyer_out != nullptr) *buyer_out = std::move(buyer);
  return sale;
}

absl::Status Run::Scripted() {
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
  return absl::OkStatus();
}

absl::StatusOr<GeneratorResult> Run::Go() {
  const std::string& dir = options_.out_dir;
  RETURN_IF_ERROR(MakeDirs(dir));
  ASSIGN_OR_RETURN(land_, CreateStore(dir, "land", land::SchemaSql()));
  ASSIGN_OR_RETURN(tax_, CreateStore(dir, "tax", tax::SchemaSql()));
  ASSIGN_OR_RETURN(housing_, CreateStore(dir, "housing", housing::SchemaSql()));
  ASSIGN_OR_RETURN(registry_,
                   CreateStore(dir, "registry", registry::SchemaSql()));
  ASSIGN_OR_RETURN(land_writer_, LandWriter::Create(land_.db.get()));
  ASSIGN_OR_RETURN(tax_writer_, TaxWriter::Create(tax_.db.get()));
  ASSIGN_OR_RETURN(housing_writer_, HousingWriter::Create(housing_.db.get()));
  ASSIGN_OR_RETURN(registry_writer_,
                   RegistryWriter::Create(registry_.db.get()));
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
  static constexpr int kStageWeights[] = {20, 10, 55, 15};
  static constexpr SaleStage kStages[] = {SaleStage::kFiled, SaleStage::kPaid,
                                          SaleStage::kCompleted,
                                          SaleStage::kCancelled};
  while (result_.households < options_.households) {
    if (options_.households - result_.households >= 2 && rng_.PerMille(60)) {
      HouseholdSpec owner;
      owner.own_home = true;
      RETURN_IF_ERROR(Pair(owner, HouseholdSpec(),
                           kStages[rng_.Weighted(kStageWeights)], nullptr,
                           nullptr)
                          .status());
    } else {
      ASSIGN_OR_RETURN(std::unique_ptr<Household> h,
                       builder_->Build(HouseholdSpec()));
      RETURN_IF_ERROR(Finish(h.get()));
    }
  }
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
  for (Store* s : {&land_, &tax_, &housing_, &registry_}) {
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

}  // namespace

absl::StatusOr<GeneratorResult> Generate(const GeneratorOptions& options) {
  if (options.out_dir.empty()) {
    return absl::InvalidArgumentError(
        "datagen: --out (output directory) is required");
  }
  if (options.households < 10 || options.households > kMaxHouseholds) {
    return absl::InvalidArgumentError(
        absl::StrCat("datagen: --households must be between 10 and ",
                     kMaxHouseholds, ", got ", options.households));
  }
  Run run(options);
  return run.Go();
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
ReadDemoSubjects(const std::string& dir) {
  std::string path = absl::StrCat(dir, "/demo_subjects.txt");
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<std::pair<std::string, std::string>> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == absl::string_view::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_no, ": expected key=value"));
    }
    out.emplace_back(std::string(line.substr(0, eq)),
                     std::string(line.substr(eq + 1)));
  }
  return out;
}

}  // namespace datagen
}  // namespace datarun
