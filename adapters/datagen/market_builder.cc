#include "adapters/datagen/market_builder.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/datagen/city.h"
#include "adapters/datagen/dates.h"
#include "adapters/datagen/name_tables.h"
#include "adapters/market/market_codes.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {
namespace {

constexpr size_t kMaxAdults = 4096;
// Salt of the market's random stream ("market" in ASCII).
constexpr uint64_t kStreamSalt = 0x6d61726b6574ULL;
constexpr absl::CivilDay kFirstRegistration(1999, 1, 1);

// Characters of trade names (字号).
constexpr const char* kTradeChars[] = {
    "华", "信", "恒", "达", "鼎", "盛", "瑞", "丰", "宏", "远",
    "金", "桥", "中", "和", "嘉", "禾", "德", "润", "新", "源",
    "永", "泰", "博", "天", "成", "安", "世", "联", "创", "汇",
    "通", "东", "方", "诚", "启", "明", "长", "青", "凯", "旋",
    "富", "邦", "锦", "程", "正", "元", "同", "兴", "隆", "昌"};
constexpr int kTradeCharCount = sizeof(kTradeChars) / sizeof(kTradeChars[0]);

struct Trade {
  const char* name;
  const char* scope;
};

// Sole proprietorships: the trade ends the name.
constexpr Trade kShops[] = {
    {"便利店", "零售日用百货、预包装食品"},
    {"水果店", "零售水果、蔬菜"},
    {"五金店", "零售五金交电、建筑材料"},
    {"理发店", "理发服务"},
    {"餐馆", "餐饮服务"},
    {"早点铺", "餐饮服务(早餐)"},
    {"服装店", "零售服装鞋帽"},
    {"洗衣店", "洗染服务"},
    {"文具店", "零售文具用品、图书"},
    {"汽车修理部", "机动车维修"},
    {"花店", "零售鲜花、绿植"},
    {"烟酒店", "零售卷烟、酒类"},
};

// Companies: the industry precedes 有限公司.
constexpr Trade kIndustries[] = {
    {"科技", "技术开发、技术咨询、技术服务"},
    {"商贸", "销售日用品、五金交电、电子产品"},
    {"餐饮管理", "餐饮管理、餐饮服务"},
    {"文化传媒", "组织文化艺术交流活动、设计、制作、代理、发布广告"},
    {"信息技术", "软件开发、信息系统集成服务"},
    {"教育咨询", "教育咨询(不含培训)"},
    {"物业管理", "物业管理"},
    {"建筑工程", "施工总承包、专业承包"},
    {"物流", "普通货运、仓储服务"},
    {"设计", "工程设计、平面设计"},
};

constexpr const char* kCapitals[] = {"3",  "10",  "12.5", "30",
                                     "50", "100", "200",  "500"};

// A trade name of 2 characters, or of 3 derived from `serial` once random
// ones keep colliding.
std::string TradeName(Random& rng, int attempt) {
  if (attempt < 100) {
    return absl::StrCat(rng.Pick(kTradeChars), rng.Pick(kTradeChars));
  }
  const int n = attempt - 100;
  return absl::StrCat(
      kTradeChars[n % kTradeCharCount],
      kTradeChars[(n / kTradeCharCount) % kTradeCharCount],
      kTradeChars[(n / kTradeCharCount / kTradeCharCount) % kTradeCharCount]);
}

std::string DistrictStem(int district) {
  std::string name = Districts()[district].name;
  name.resize(name.size() - std::string("区").size());
  return name;
}

}  // namespace

MarketBuilder::MarketBuilder(uint64_t seed, MarketWriter* writer)
    : rng_(seed ^ kStreamSalt), writer_(writer) {}

void MarketBuilder::Remember(const Person& person) {
  ++adults_seen_;
  if (adults_.size() < kMaxAdults) {
    adults_.push_back(person);
    return;
  }
  const uint64_t j = rng_.Uniform(static_cast<uint64_t>(adults_seen_));
  if (j < kMaxAdults) adults_[j] = person;
}

const Title* MarketBuilder::PremisesOf(const Household& h, const Person& p) {
  for (const Title& t : h.titles) {
    if (t.historical || t.unit.use == UnitUse::kResidential) continue;
    for (const Party& owner : t.owners) {
      if (owner.id_number == p.id_number) return &t;
    }
  }
  return nullptr;
}

std::string MarketBuilder::RecordedId(const Person& p, absl::CivilDay on) {
  return on.year() <= kLastLegacyRecordYear && !p.legacy_id_number.empty()
             ? p.legacy_id_number
             : p.id_number;
}

std::string MarketBuilder::LeasedAddress(int district, bool office) {
  const char* d = Districts()[district].name;
  const std::string road = RoadName(rng_);
  const int64_t number = rng_.Range(1, 199);
  if (!office) {
    return absl::StrFormat("北京市%s%s%d号底商%d", d, road, number,
                           rng_.Range(101, 120));
  }
  const int64_t floor = rng_.Range(2, 28);
  return absl::StrFormat("北京市%s%s%d号%d号楼%d层%d室", d, road, number,
                         rng_.Range(1, 12), floor,
                         floor * 100 + rng_.Range(1, 30));
}

void MarketBuilder::History(MarketEntity* e, absl::CivilDay earliest,
                            int end_permille) {
  const absl::CivilDay hi = kAsOf - 30;
  const absl::CivilDay lo =
      std::min(std::max(earliest, kFirstRegistration), hi);
  e->established = rng_.Day(lo, hi);
  if (rng_.PerMille(end_permille) && e->established + 200 <= kAsOf - 10) {
    e->deregistered = rng_.Day(e->established + 200, kAsOf - 10);
  }
  const absl::CivilDay end = e->deregistered.value_or(kAsOf);
  if (e->premises_no.empty() && rng_.PerMille(80) &&
      e->established + 365 <= end - 30) {
    e->moved = rng_.Day(e->established + 365, end - 30);
    e->new_address = LeasedAddress(e->district, e->credit_type == '1');
  }
}

MarketEntity MarketBuilder::Proprietorship(const Person& p, int district,
                                           const Title* premises) {
  MarketEntity e;
  e.credit_type = market::kIndividualBusiness;
  e.entity_type = "9600";
  e.district = premises != nullptr ? premises->unit.district : district;
  const Trade& shop = rng_.Pick(kShops);
  e.scope = shop.scope;
  const std::string surname = p.name.substr(0, std::string("张").size());
  for (int attempt = 0;; ++attempt) {
    const std::string trade = attempt < 3 && rng_.PerMille(400)
                                  ? absl::StrCat(surname, "记")
                                  : TradeName(rng_, attempt);
    e.name =
        absl::StrCat("北京市", Districts()[e.district].name, trade, shop.name);
    if (names_.insert(e.name).second) break;
  }
  e.representative_name = p.name;
  absl::CivilDay earliest = AddYears(p.birth, 18);
  if (premises != nullptr) {
    e.address = premises->unit.location;
    e.premises_no = premises->certificate_no;
    const absl::CivilDay owned(premises->registered.year(),
                               premises->registered.month(),
                               premises->registered.day());
    earliest = std::max(earliest, owned);
  } else {
    e.address = LeasedAddress(e.district, false);
  }
  History(&e, earliest, 150);
  e.representative_id = RecordedId(p, e.established);
  return e;
}

MarketEntity MarketBuilder::Company(const Person& p, int district,
                                    const Title* premises) {
  MarketEntity e;
  e.credit_type = market::kEnterprise;
  e.entity_type = rng_.PerMille(600) ? "1151" : "1130";
  e.district = premises != nullptr ? premises->unit.district : district;
  const Trade& industry = rng_.Pick(kIndustries);
  e.scope = industry.scope;
  for (int attempt = 0;; ++attempt) {
    e.name = absl::StrCat(
        "北京", attempt % 2 == 1 ? DistrictStem(e.district) : std::string(),
        TradeName(rng_, attempt), industry.name, "有限公司");
    if (names_.insert(e.name).second) break;
  }
  e.representative_name = p.name;
  e.capital = rng_.Pick(kCapitals);
  absl::CivilDay earliest = AddYears(p.birth, 20);
  if (premises != nullptr) {
    e.address = premises->unit.location;
    e.premises_no = premises->certificate_no;
  } else {
    e.address = LeasedAddress(e.district, true);
  }
  History(&e, earliest, 100);
  e.representative_id = RecordedId(p, e.established);
  return e;
}

absl::Status MarketBuilder::AddHousehold(const Household& household,
                                         bool register_businesses) {
  for (const Resident& r : household.residents) {
    if (r.died.has_value() || r.moved_out.has_value()) continue;
    const Person& p = *r.person;
    if (AddYears(p.birth, 18) > kAsOf - 60) continue;
    Remember(p);
    if (!register_businesses) continue;
    const uint64_t roll = rng_.Uniform(1000);
    if (roll >= 55) continue;
    const Title* premises = PremisesOf(household, p);
    MarketEntity e = roll < 45 ? Proprietorship(p, household.district, premises)
                               : Company(p, household.district, premises);
    RETURN_IF_ERROR(writer_->Write(&e));
  }
  return absl::OkStatus();
}

absl::Status MarketBuilder::AddCompany(const Party& company, int district,
                                       absl::CivilDay founded,
                                       const Title* premises) {
  if (adults_.empty()) {
    return absl::FailedPreconditionError(
        "datagen: no adult to be a company's legal representative");
  }
  // An adult on the founding day, when the sample has one.
  const Person* rep = &adults_[rng_.Uniform(adults_.size())];
  for (int i = 0; i < 50 && AddYears(rep->birth, 18) > founded; ++i) {
    rep = &adults_[rng_.Uniform(adults_.size())];
  }
  MarketEntity e;
  e.credit_type = market::kEnterprise;
  e.entity_type = "1130";
  e.credit_code = company.id_number;
  e.name = company.name;
  names_.insert(company.name);
  e.district = district;
  e.representative_name = rep->name;
  e.representative_id = RecordedId(*rep, founded);
  e.established = founded;
  e.capital = rng_.Pick(kCapitals);
  e.scope = "企业管理咨询、技术服务、销售日用品";
  if (premises != nullptr) {
    e.address = premises->unit.location;
    e.premises_no = premises->certificate_no;
  } else {
    e.address = LeasedAddress(district, true);
  }
  return writer_->Write(&e);
}

absl::StatusOr<MarketEntity> MarketBuilder::AddProprietorship(
    const Person& owner, const Title& shop) {
  MarketEntity e = Proprietorship(owner, shop.unit.district, &shop);
  e.deregistered.reset();
  RETURN_IF_ERROR(writer_->Write(&e));
  return e;
}

}  // namespace datagen
}  // namespace datarun
