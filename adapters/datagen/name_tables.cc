#include "adapters/datagen/name_tables.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace datarun {
namespace datagen {
namespace {

struct WeightedName {
  const char* name;
  int weight;  // relative frequency
};

// Common surnames with rough relative frequencies.
constexpr WeightedName kSurnames[] = {
    {"王", 72}, {"李", 71}, {"张", 68}, {"刘", 54},  {"陈", 46},  {"杨", 33},
    {"黄", 24}, {"赵", 21}, {"吴", 20}, {"周", 19},  {"徐", 15},  {"孙", 15},
    {"马", 15}, {"朱", 14}, {"胡", 13}, {"郭", 12},  {"何", 12},  {"高", 12},
    {"林", 12}, {"罗", 11}, {"郑", 10}, {"梁", 10},  {"谢", 8},   {"宋", 8},
    {"唐", 8},  {"许", 7},  {"韩", 7},  {"冯", 7},   {"邓", 7},   {"曹", 7},
    {"彭", 6},  {"曾", 6},  {"肖", 6},  {"田", 6},   {"董", 6},   {"袁", 5},
    {"潘", 5},  {"于", 5},  {"蒋", 5},  {"蔡", 5},   {"余", 5},   {"杜", 5},
    {"叶", 5},  {"程", 5},  {"苏", 4},  {"魏", 4},   {"吕", 4},   {"丁", 4},
    {"任", 4},  {"沈", 4},  {"姚", 4},  {"卢", 4},   {"姜", 4},   {"崔", 4},
    {"钟", 3},  {"谭", 3},  {"陆", 3},  {"汪", 3},   {"范", 3},   {"金", 3},
    {"石", 3},  {"廖", 3},  {"贾", 3},  {"夏", 3},   {"韦", 3},   {"付", 3},
    {"方", 3},  {"白", 3},  {"邹", 3},  {"孟", 3},   {"熊", 3},   {"秦", 3},
    {"邱", 3},  {"江", 3},  {"尹", 3},  {"薛", 2},   {"闫", 2},   {"段", 2},
    {"雷", 2},  {"侯", 2},  {"龙", 2},  {"史", 2},   {"陶", 2},   {"黎", 2},
    {"贺", 2},  {"顾", 2},  {"毛", 2},  {"郝", 2},   {"龚", 2},   {"邵", 2},
    {"万", 2},  {"钱", 2},  {"严", 2},  {"武", 2},   {"戴", 2},   {"莫", 1},
    {"孔", 1},  {"向", 1},  {"汤", 1},  {"欧阳", 1}, {"司马", 1}, {"上官", 1},
};

constexpr const char* kMaleGiven[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平",
    "辉", "鹏", "华", "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆",
    "旭", "宁", "龙", "林", "洋", "阳", "博", "文", "志", "建", "国", "东",
    "海", "峰", "亮", "成", "晨", "睿", "轩", "泽", "子", "然", "一", "鸣",
    "嘉", "铭", "德", "昊", "天", "振", "毅", "楠", "岩", "松", "清", "远",
};

constexpr const char* kFemaleGiven[] = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪",
    "琳", "颖", "慧", "倩", "晶", "洁", "欣", "悦", "佳", "怡", "雅", "琪",
    "萱", "妍", "梦", "璐", "瑶", "晓", "丹", "蕾", "菲", "露", "月", "彤",
    "诗", "涵", "思", "云", "红", "梅", "兰", "秀", "英", "华", "宁", "晴",
    "馨", "可", "欢", "蓉", "薇", "琴", "莉", "青", "春", "岚", "凤", "洁",
};

constexpr const char* kTradeNames[] = {
    "华信", "恒达", "鼎盛", "瑞丰", "宏远", "金桥", "中和", "嘉禾", "德润",
    "新源", "永泰", "博远", "天成", "安和", "盛世", "联创", "汇通", "东方",
    "诚信", "启明", "长青", "凯旋", "富邦", "锦程", "正元", "同创",
};

constexpr const char* kIndustries[] = {
    "科技", "商贸",     "置业",     "餐饮管理", "文化传媒", "医疗器械",
    "物流", "建筑工程", "信息技术", "投资管理", "物业管理", "教育咨询",
};

constexpr const char* kRoadStems[] = {
    "安和", "永兴", "和平", "泰康", "宏昌", "清源", "兴华", "广安", "长春",
    "福寿", "金台", "望京", "百子", "双桥", "红庙", "青年", "光明", "民安",
    "景和", "瑞祥", "丰泽", "嘉园", "紫竹", "新华", "育才", "复兴", "建业",
    "明德", "惠民", "迎春", "朝晖", "西山", "锦绣", "文昌", "春晖", "通惠",
};

constexpr const char* kRoadKinds[] = {"路",   "街",   "大街", "北路",
                                      "南路", "东路", "西路", "里"};

constexpr const char* kBanks[] = {
    "中国工商银行股份有限公司北京", "中国建设银行股份有限公司北京",
    "中国银行股份有限公司北京",     "中国农业银行股份有限公司北京",
    "交通银行股份有限公司北京",     "招商银行股份有限公司北京",
    "北京银行股份有限公司",
};

// Prefecture-level districts of other provinces (GB/T 2260), for people
// born outside the city.
constexpr const char* kNonLocalRegions[] = {
    "120101", "130102", "140105", "150102", "210102", "220102",
    "230103", "320102", "330102", "340102", "350102", "360102",
    "370102", "410105", "420102", "430102", "440103", "450102",
    "500103", "510104", "520102", "530102", "610103", "620102",
};

}  // namespace

std::string PersonName(Random& rng, bool male) {
  static const std::vector<int>* const weights = [] {
    auto* w = new std::vector<int>;
    for (const WeightedName& s : kSurnames) w->push_back(s.weight);
    return w;
  }();
  std::string name = kSurnames[rng.Weighted(*weights)].name;
  int given = rng.PerMille(350) ? 1 : 2;
  for (int i = 0; i < given; ++i) {
    absl::StrAppend(&name,
                    male ? rng.Pick(kMaleGiven) : rng.Pick(kFemaleGiven));
  }
  return name;
}

std::string CompanyName(Random& rng) {
  return absl::StrCat("北京", rng.Pick(kTradeNames), rng.Pick(kIndustries),
                      "有限公司");
}

std::string RoadName(Random& rng) {
  return absl::StrCat(rng.Pick(kRoadStems), rng.Pick(kRoadKinds));
}

std::string MortgageHolder(Random& rng, const std::string& district_name) {
  if (rng.PerMille(250)) return "北京住房公积金管理中心";
  std::string district = district_name;
  // "朝阳区" -> "朝阳支行"
  const std::string kQu = "区";
  if (district.size() > kQu.size() &&
      district.compare(district.size() - kQu.size(), kQu.size(), kQu) == 0) {
    district.resize(district.size() - kQu.size());
  }
  return absl::StrCat(rng.Pick(kBanks), district, "支行");
}

const char* NonLocalRegionCode(Random& rng) {
  return rng.Pick(kNonLocalRegions);
}

}  // namespace datagen
}  // namespace datarun
