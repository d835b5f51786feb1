#include "exchange/audit/record_digest.h"

#include <cstdint>

#include "exchange/audit/digest.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace datarun::audit {

std::string RecordDigestHex(
    const google::protobuf::RepeatedPtrField<v1::Record>& records) {
  if (records.empty()) return "";
  // Exactly the bytes of RecordList{records}, without copying the records:
  // each is field 1 with wire type 2 (length-delimited).
  constexpr uint32_t kRecordsTag =
      (static_cast<uint32_t>(v1::RecordList::kRecordsFieldNumber) << 3) | 2;
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    for (const v1::Record& record : records) {
      coded.WriteTag(kRecordsTag);
      coded.WriteVarint64(record.ByteSizeLong());
      record.SerializeWithCachedSizes(&coded);
    }
  }
  return Sha256Hex(bytes);
}

}  // namespace datarun::audit
