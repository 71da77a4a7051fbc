// Package hu holds the Hungarian building blocks every module of the
// service uses: identifiers with their check digits, money, dates and the
// working-day calendar, reference tables, and alphabetical order.
//
// Identifiers (each with Parse…, a normalised String and text marshalling):
//   - TaxID: adóazonosító jel of a natural person, with BirthDate.
//   - TaxNumber: adószám of an organisation (xxxxxxxx-y-zz), with the
//     territorial-code table in TaxNumberRules; ParseEUVAT, ParseTorzsszam.
//   - TAJ: social-security number, displayed "123 456 788".
//   - KSHCode: KSH settlement code (törzsszám + check digit).
//   - BankAccount: pénzforgalmi jelzőszám (16/24 digits) and IBAN (EU/EEA,
//     mod 97), converting between the two for HU.
//   - PostalCode: irányítószám, with SettlementsForPostalCode,
//     PostalCodesForSettlement and KnownPostalCode from the Posta list.
//   - HRSZ: helyrajzi szám (land-parcel number) with natural ordering.
//
// Money: Forint, whole forints as int64, Hungarian formatting
// ("1 234 567 Ft"), ParseForint, checked Add/Sub, MulRat (exact, half away
// from zero) and RoundToFive (cash rounding).
//
// Dates: Date, a civil date without time zone; DateOf converts an instant in
// Europe/Budapest. The working-day calendar (Day, IsWorkingDay,
// NextWorkingDay, AddWorkingDays, WorkingDaysBetween, DeadlineEnd,
// HolidayName, CalendarCoverage) knows holidays and the yearly working-day
// swaps. BaseRateOn gives the MNB base rate in basis points.
//
// Collation: Compare, SortStrings and SortBy in Hungarian alphabetical order.
//
// Errors are *ValidationError values carrying a machine code and Hungarian
// and English messages. No function panics on any input.
//
// The embedded tables under data/ are parsed once, lazily; their origin and
// licences are in data/NOTICE.md. CheckEmbeddedData parses them all at once.
package hu
