// What a citizen may see of cases: only cases in which they are a party,
// with the other parties' identity numbers masked. Pure functions;
// thread-safe.
#ifndef DATARUN_GATEWAY_CASE_ACCESS_H_
#define DATARUN_GATEWAY_CASE_ACCESS_H_

#include <string>

#include "datarun/v1/case.pb.h"

namespace datarun::gateway {

// True when `subject` (normalized) is one of the case's parties.
bool IsParty(const v1::CaseRecord& record, const std::string& subject);

// Masks the subject of every party of `record` other than `subject`.
void MaskOtherParties(const std::string& subject, v1::CaseRecord* record);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_CASE_ACCESS_H_
