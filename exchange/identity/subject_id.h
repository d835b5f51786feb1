// Subject identifiers: who a record is about. A subject is either a person
// (18-character GB 11643 resident identity number) or an organisation
// (18-character GB 32100 unified social credit code).
//
// This is the header other components include; it brings in the parsers of
// resident_id.h and credit_code.h.
//
// Error messages never contain the whole identifier. Thread-safe: all
// functions are pure.
#ifndef DATARUN_EXCHANGE_IDENTITY_SUBJECT_ID_H_
#define DATARUN_EXCHANGE_IDENTITY_SUBJECT_ID_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "exchange/identity/credit_code.h"
#include "exchange/identity/resident_id.h"

namespace datarun::identity {

enum class SubjectKind { kPerson, kOrganisation };

// Returns "person" or "organisation".
absl::string_view SubjectKindName(SubjectKind kind);

// Classifies and fully validates a subject as given in a query.
// 18 characters that are all digits (the last may be 'X' or 'x') are parsed
// as a resident identity number. Because a credit code may also consist of
// digits only, such a string that is not a valid identity number but is a
// valid credit code is an organisation. Anything else is parsed as a credit
// code.
// Returns the kind, or INVALID_ARGUMENT with a message starting "subject: "
// followed by the parser's reason (for a digits-only string valid as
// neither, the identity-number reason). A 15-digit string gets a hint that
// legacy numbers must be upgraded (UpgradeLegacyResidentId).
absl::StatusOr<SubjectKind> ValidateSubject(absl::string_view subject);

// The subject as it is stored and queried: a 15-digit legacy identity
// number upgraded to 18 digits (UpgradeLegacyResidentId), anything else as
// given; then validated as ValidateSubject does. Sets `*kind`.
// Returns INVALID_ARGUMENT "subject: <reason>" (never the whole number).
absl::StatusOr<std::string> NormalizeSubject(absl::string_view subject,
                                             SubjectKind* kind);

// Validates `subject` as the given kind only (for datasets keyed by one
// kind). Returns OK, or INVALID_ARGUMENT "subject: <reason>".
absl::Status ValidateSubjectAs(absl::string_view subject, SubjectKind kind);

// `status` with the "subject: " that starts the messages of the functions
// above replaced by "<field>: ", for callers whose input names the subject
// otherwise (a request field, a query parameter); other statuses as they
// are.
absl::Status NameSubjectField(const absl::Status& status,
                              absl::string_view field);

// Returns `subject` masked for display: the first 4 and last 4 characters
// kept, every other character replaced by '*' ("1101**********123X").
// Subjects of 8 characters or fewer are masked entirely.
std::string MaskSubject(absl::string_view subject);

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_SUBJECT_ID_H_
