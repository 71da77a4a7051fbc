package tax

// CheckLateDays lets the external tests compare the late days the
// writers kept with the ledger (interest_accounts_test.go).
var CheckLateDays = checkLateDays

// MigrationsBefore lets the external tests start from a database before
// a migration (interest_accounts_test.go).
var MigrationsBefore = migrationsBefore
