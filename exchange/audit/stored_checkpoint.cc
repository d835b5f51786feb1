#include "exchange/audit/stored_checkpoint.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"

namespace datarun::audit {
namespace {

constexpr size_t kTimeSize = 8;

absl::Status Lost(absl::string_view what, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat(what, ": ", problem));
}

}  // namespace

absl::StatusOr<SignedCheckpoint> SignCheckpoint(
    const checkpoint::NoteSigner& signer, uint64_t size,
    const merkle::Hash& root, absl::Time now) {
  SignedCheckpoint out;
  out.checkpoint.origin = signer.name();
  out.checkpoint.size = size;
  out.checkpoint.root = root;
  RETURN_IF_ERROR(checkpoint::ValidateCheckpoint(out.checkpoint));
  ASSIGN_OR_RETURN(out.note,
                   signer.Sign(checkpoint::FormatBody(out.checkpoint)));
  out.published_at = now;
  return out;
}

std::string EncodeStoredCheckpoint(const SignedCheckpoint& signed_checkpoint) {
  return absl::StrCat(EncodeUint64(static_cast<uint64_t>(
                          absl::ToUnixMicros(signed_checkpoint.published_at))),
                      signed_checkpoint.note);
}

absl::StatusOr<SignedCheckpoint> DecodeStoredCheckpoint(
    absl::string_view value, const checkpoint::NoteVerifier& verifier,
    absl::string_view what) {
  if (value.size() <= kTimeSize) {
    return Lost(what, absl::StrCat("stored value of ", value.size(),
                                   " bytes is too short for a checkpoint"));
  }
  SignedCheckpoint out;
  out.published_at = absl::FromUnixMicros(
      static_cast<int64_t>(*DecodeUint64(value.substr(0, kTimeSize))));
  out.note = std::string(value.substr(kTimeSize));
  absl::StatusOr<std::string> body = verifier.Open(out.note);
  if (!body.ok()) {
    switch (body.status().code()) {
      case absl::StatusCode::kUnauthenticated:
        return Lost(what, absl::StrCat("signature invalid (",
                                       body.status().message(), ")"));
      case absl::StatusCode::kNotFound:
        return Lost(what, absl::StrCat("not signed by ", verifier.VerifierKey(),
                                       " (", body.status().message(), ")"));
      default:
        return Lost(what, absl::StrCat("malformed signed note: ",
                                       body.status().message()));
    }
  }
  absl::StatusOr<checkpoint::Checkpoint> parsed = checkpoint::ParseBody(*body);
  if (!parsed.ok()) {
    return Lost(what, absl::StrCat("malformed checkpoint body: ",
                                   parsed.status().message()));
  }
  if (parsed->origin != verifier.name()) {
    return Lost(what, absl::StrCat("origin '", parsed->origin,
                                   "' is not the log's origin '",
                                   verifier.name(), "'"));
  }
  out.checkpoint = *std::move(parsed);
  return out;
}

}  // namespace datarun::audit
