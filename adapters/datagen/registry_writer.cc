#include "adapters/datagen/registry_writer.h"

#include "absl/strings/str_format.h"
#include "adapters/datagen/city.h"
#include "adapters/datagen/dates.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {

absl::StatusOr<std::unique_ptr<RegistryWriter>> RegistryWriter::Create(
    legacy::SqliteDb* db) {
  std::unique_ptr<RegistryWriter> w(new RegistryWriter());
  ASSIGN_OR_RETURN(w->household_,
                   db->Prepare("INSERT INTO HJ_HU (HH, HLB, ZZ, QXDM, PCS, "
                               "HZRYID, LHRQ) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(
      w->person_,
      db->Prepare("INSERT INTO HJ_RY (RYID, GMSFHM, XM, XB, MZ, CSRQ, HH, "
                  "YHZGX, HYZK, QRRQ, RYZT, ZXRQ) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(w->destination_,
                   db->Prepare("UPDATE HJ_RY SET QWDZ = ? WHERE RYID = ?"));
  ASSIGN_OR_RETURN(w->marriage_,
                   db->Prepare("INSERT INTO HY_DJ (YWLB, NFXM, NFSFZ, NVXM, "
                               "NVSFZ, DJRQ, DJJG) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  return w;
}

std::string RegistryWriter::NextHouseholdNo() {
  return absl::StrFormat("%09d", 110000001 + next_household_++);
}

void RegistryWriter::AssignRyid(Person* person) {
  if (person->ryid.empty()) AssignNewRyid(person);
}

void RegistryWriter::AssignNewRyid(Person* person) {
  person->ryid = absl::StrFormat("RY%010d", ++next_person_);
}

absl::Status RegistryWriter::WriteHousehold(
    const std::string& household_no, bool collective,
    const std::string& address, int district, const std::string& police_station,
    const std::string& head_ryid, absl::CivilDay established) {
  return household_->Run({household_no, collective ? "2" : "1", address,
                          Districts()[district].code, police_station,
                          head_ryid.empty() ? legacy::SqlValue(nullptr)
                                            : legacy::SqlValue(head_ryid),
                          FormatCompactDate(established)});
}

absl::Status RegistryWriter::WritePerson(
    Person* p, const std::string& household_no, const char* relation,
    const char* marital, absl::CivilDay moved_in,
    absl::optional<absl::CivilDay> died,
    absl::optional<absl::CivilDay> moved_out) {
  AssignRyid(p);
  absl::optional<std::string> ended;
  const char* status = "0";
  if (died.has_value()) {
    ended = FormatCompactDate(*died);
    status = "1";
  } else if (moved_out.has_value()) {
    ended = FormatCompactDate(*moved_out);
    status = "2";
  }
  return person_->Run({p->ryid, p->id_number, p->name, p->male ? "1" : "2",
                       absl::StrFormat("%02d", p->ethnicity),
                       FormatCompactDate(p->birth), household_no, relation,
                       marital, FormatCompactDate(moved_in), status,
                       legacy::SqlValue::OptionalText(ended)});
}

absl::Status RegistryWriter::WriteDestination(const std::string& ryid,
                                              const std::string& address) {
  return destination_->Run({address, ryid});
}

absl::Status RegistryWriter::WriteRegistration(bool divorce, const Person& man,
                                               const Person& woman,
                                               absl::CivilDay day,
                                               const std::string& office) {
  return marriage_->Run({divorce ? "2" : "1", man.name, man.id_number,
                         woman.name, woman.id_number, FormatCompactDate(day),
                         office});
}

}  // namespace datagen
}  // namespace datarun
