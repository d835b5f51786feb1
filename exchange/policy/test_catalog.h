// A small catalog shared by the policy tests.
#ifndef DATARUN_EXCHANGE_POLICY_TEST_CATALOG_H_
#define DATARUN_EXCHANGE_POLICY_TEST_CATALOG_H_

#include <memory>

#include "exchange/catalog/catalog.h"
#include "gtest/gtest.h"

namespace datarun::policy {

inline constexpr char kTestCatalog[] = R"txt(
departments { id: "land" name: "Land" }
departments { id: "tax" name: "Tax" }
departments { id: "housing" name: "Housing" }
departments { id: "registry" name: "Registry" }
datasets {
  id: "land.property_title"
  owner: "land"
  version: 1
  share_type: SHARE_TYPE_CONDITIONAL
  subject_kind: SUBJECT_KIND_ANY
  fields { name: "certificate_no" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_KEEP_ENDS }
  fields { name: "location" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_REDACT }
  fields { name: "area" type: FIELD_TYPE_DECIMAL sensitivity: SENSITIVITY_INTERNAL }
  fields {
    name: "owners"
    type: FIELD_TYPE_RECORD_LIST
    sensitivity: SENSITIVITY_SENSITIVE
    masking: MASKING_RULE_REDACT
    fields { name: "name" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_NAME }
  }
  fields { name: "mortgaged" type: FIELD_TYPE_BOOL sensitivity: SENSITIVITY_SENSITIVE masking: MASKING_RULE_REDACT }
  fields { name: "mortgage_holder" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_SENSITIVE masking: MASKING_RULE_REDACT }
}
datasets {
  id: "land.archive"
  owner: "land"
  version: 1
  share_type: SHARE_TYPE_NOT_SHARED
  subject_kind: SUBJECT_KIND_ANY
  fields { name: "note" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_INTERNAL }
}
datasets {
  id: "registry.marriage"
  owner: "registry"
  version: 1
  share_type: SHARE_TYPE_CONDITIONAL
  subject_kind: SUBJECT_KIND_PERSON
  fields { name: "marital_status" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_SENSITIVE masking: MASKING_RULE_REDACT }
  fields { name: "spouse_name" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_SENSITIVE masking: MASKING_RULE_NAME }
  fields { name: "spouse_id_number" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_SENSITIVE masking: MASKING_RULE_KEEP_ENDS }
  fields { name: "registered_on" type: FIELD_TYPE_DATE sensitivity: SENSITIVITY_SENSITIVE masking: MASKING_RULE_YEAR_ONLY }
}
)txt";

inline std::unique_ptr<catalog::Catalog> LoadTestCatalog() {
  auto catalog = catalog::Catalog::FromText("test_catalog", kTestCatalog);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return catalog.ok() ? std::move(*catalog) : nullptr;
}

}  // namespace datarun::policy

#endif  // DATARUN_EXCHANGE_POLICY_TEST_CATALOG_H_
