// Detectors of personal identifiers in request text: Chinese and international phone
// numbers, PRC resident ID numbers (ISO 7064 MOD 11-2 check digit), passport numbers,
// Chinese licence plates (new-energy 8-character plates too), VINs (ISO 3779 check digit),
// e-mail, bank cards (Luhn), precise coordinates and street addresses (zh and en).
// A pattern finds candidates; a validator (check digit, date, range) rejects near-misses.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace onboard::gateway {

enum class Identifier {
  kPhoneCn,
  kPhoneIntl,
  kResidentId,
  kPassport,
  kLicencePlate,
  kVin,
  kEmail,
  kBankCard,
  kCoordinates,
  kAddress,
  kCount,
};

// "PHONE_CN", "PHONE_INTL", "RESIDENT_ID", "PASSPORT", "PLATE", "VIN", "EMAIL", "BANK_CARD",
// "COORDINATES", "ADDRESS": the labels of the corpus and the stems of placeholders.
std::string_view identifier_name(Identifier k);

struct Finding {
  Identifier kind;
  size_t begin = 0, end = 0;  // byte span in the text
};

// Every identifier in `text` (UTF-8), in text order, spans not overlapping (when two
// detectors claim the same bytes the stricter one, earlier in the enum, wins).
std::vector<Finding> detect_identifiers(std::string_view text);

// The validators, exposed for tests.
bool resident_id_valid(std::string_view id18);  // 17 digits + check (0-9 or X), date plausible
bool luhn_valid(std::string_view digits);
bool vin_check_digit_valid(std::string_view vin17);

}  // namespace onboard::gateway
