// Rendering fields a consumer may see only masked, and cutting records down
// to what a policy decision releases.
#ifndef DATARUN_EXCHANGE_POLICY_MASKING_H_
#define DATARUN_EXCHANGE_POLICY_MASKING_H_

#include "absl/status/status.h"
#include "datarun/v1/catalog.pb.h"
#include "datarun/v1/types.pb.h"
#include "exchange/policy/decision.h"

namespace datarun::policy {

// Returns `value` masked by `field`'s masking rule, as a Value whose
// masked_value is set:
//   NAME       first code point kept, one '*' per remaining code point
//              ("张三丰" -> "张**");
//   KEEP_ENDS  first 4 and last 4 code points kept and one '*' per code
//              point between, when longer than 8 code points; otherwise one
//              '*' per code point;
//   YEAR_ONLY  the year of a date ("1985-06-01" -> "1985");
//   REDACT     "***".
//   EACH_FIELD (RECORD_LIST) the list with each sub-field masked by its own
//              rule; sub-fields without a rule stay clear, undeclared ones
//              become "***".
// Other RECORD_LIST values, values whose kind does not suit the rule (a NAME rule
// on a number, say) and fields without a rule are rendered "***". Invalid
// UTF-8 counts one byte as one code point. An empty Value (no value held)
// stays empty: there is nothing to disclose. Thread-safe (pure function).
v1::Value MaskValue(const v1::FieldSchema& field, const v1::Value& value);

// Cuts `record` (a record of `dataset`, not owned) down to what `decision`
// releases: fields in neither clear_fields nor masked_fields are removed and
// those in masked_fields are replaced by MaskValue. Fields the record lacks
// are left absent.
// Errors: INVALID_ARGUMENT when a masked field is not declared in `dataset`
// or a field is listed both clear and masked (the record is then left
// unchanged). Thread-compatible.
absl::Status ApplyDecision(const Decision& decision, const v1::Dataset& dataset,
                           v1::Record* record);

}  // namespace datarun::policy

#endif  // DATARUN_EXCHANGE_POLICY_MASKING_H_
