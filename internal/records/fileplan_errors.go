package records

import (
	"fmt"

	"github.com/openasp-hu/asp/internal/hu"
)

// Refusals of the file plan, case closure, disposal and transfer.

func errBadItemCode(s string) *Problem {
	return problem("bad_item_code", "code",
		"A(z) „%s” nem tételszám. A tételszám egy ágazati betű (U, A, B, C, E, F, G, H, I, J, K, L, M, N, P, R, X) és három számjegy, például U102.",
		"%q is not an item code. An item code is a sector letter (U, A, B, C, E, F, G, H, I, J, K, L, M, N, P, R, X) and three digits, e.g. U102.", s)
}

func errUnknownItem(code string, year int) *Problem {
	return &Problem{Code: "unknown_item", Field: "code",
		HU: fmt.Sprintf("Nincs ilyen tételszám a(z) %d. évi irattári tervben: %s.", year, code),
		EN: fmt.Sprintf("There is no item %s in the %d file plan.", code, year)}
}

func errBadRetention(s string) *Problem {
	return problem("bad_retention", "retention",
		"Az őrzési idő „NS” (nem selejtezhető) vagy 1 és 999 közötti évszám legyen; ezt adta meg: „%s”.",
		"The retention is NS (never disposed) or a number of years from 1 to 999; you gave %q.", s)
}

func errBadArchive(s string) *Problem {
	return problem("bad_archive", "lt",
		"A levéltárba adás (Lt.) oszlopa üres, „HN” vagy 1 és 99 közötti évszám legyen; ezt adta meg: „%s”.",
		"The Lt. column is empty, HN or a number of years from 1 to 99; you gave %q.", s)
}

var (
	errArchiveOfDisposable = problem("archive_of_disposable", "lt",
		"Levéltárba adási időt vagy HN-t csak nem selejtezhető (NS) tételnél lehet megadni.",
		"An Lt. period or HN applies only to an item that is never disposed (NS).")
	errPermanentWithoutArchive = problem("permanent_without_archive", "lt",
		"Nem selejtezhető (NS) tételnél adja meg, hány év után kerül levéltárba, vagy írjon HN-t (a hivatalnál marad).",
		"For an NS item give the years until it goes to the archive, or HN (it stays with the office).")
	errPermanentAfterExpiry = problem("permanent_after_expiry", "after_expiry",
		"A „lejárat után” jelölés csak selejtezhető tételnél értelmes.",
		"\"After expiry\" applies only to an item that is disposed of.")
	errItemTitle = problem("item_title", "title",
		"Adja meg a tétel megnevezését (legfeljebb 500 karakter).",
		"Give the item's title (at most 500 characters).")
)

func errBadPlanYear(s string) *Problem {
	return problem("bad_year", "year", "Az év („%s”) nem érvényes.", "The year (%q) is not valid.", s)
}

func errNoPlan(year int) *Problem {
	return &Problem{Code: "no_plan", Field: "year",
		HU: fmt.Sprintf("A(z) %d. évi irattári terv még nincs megnyitva.", year),
		EN: fmt.Sprintf("The %d file plan has not been opened.", year)}
}

func errPlanExists(year int) *Problem {
	return &Problem{Code: "plan_exists", Field: "year",
		HU: fmt.Sprintf("A(z) %d. évi irattári terv már meg van nyitva.", year),
		EN: fmt.Sprintf("The %d file plan is open already.", year)}
}

func errItemExists(code string, year int) *Problem {
	return &Problem{Code: "item_exists", Field: "code",
		HU: fmt.Sprintf("A(z) %d. évi irattári tervben már van %s tétel.", year, code),
		EN: fmt.Sprintf("The %d file plan already has item %s.", year, code)}
}

var (
	errClassifyClosed = problem("case_closed", "code",
		"A lezárt ügyirat tételszáma már nem módosítható; a tételszámot legkésőbb a lezáráskor kell rögzíteni.",
		"The item code of a closed case can no longer change; it is fixed at the latest when the case is closed.")
	errNotOpen = problem("case_not_open", "close",
		"Az ügyirat már le van zárva.", "The case is already closed.")
	errCloseWithoutItem = problem("close_without_item", "code",
		"Az ügyirat nem zárható le tételszám nélkül: előbb adja meg az irattári tételszámot (Iratkr. 61. § (1)).",
		"A case cannot be closed without an item code: set the file plan item first.")
	errArchiveWithoutItem = problem("archive_without_item", "code",
		"Tételszám nélkül az ügyirat nem helyezhető irattárba (ISZ-r. 17. § (4)).",
		"A case without an item code cannot go to the archive.")
	errArchiveOpen = problem("archive_open", "location",
		"Csak lezárt ügyirat helyezhető irattárba: előbb zárja le.",
		"Only a closed case can go to the archive: close it first.")
	errAlreadyArchived = problem("already_archived", "location",
		"Az ügyirat már nincs az ügyintézőnél (irattárban van, selejtezték vagy levéltárba került).",
		"The case is no longer with the office (it is in the archive, disposed of or transferred).")
	errLocation = problem("bad_location", "location",
		"Az irattári hely legfeljebb 200 karakter lehet.", "The archive location is at most 200 characters.")
	errMergedCase = problem("merged_case", "code",
		"Ez az ügyirat egy későbbi ügyirathoz van szerelve; azzal együtt, annak iratánál kezelhető.",
		"This case is joined to a later case; handle it through that case.")
)

func errBadExpiry(s string) *Problem {
	return problem("bad_expiry", "expires_on",
		"A lejárat dátuma („%s”) nem érvényes; például 2030. 06. 30. vagy 2030-06-30.",
		"The expiry date (%q) is not valid; e.g. 2030-06-30.", s)
}

func errExpiryNotAsked(code string) *Problem {
	return problem("expiry_not_asked", "expires_on",
		"A(z) %s tétel őrzési ideje a lezárástól számít, nem lejárat után: hagyja üresen a lejárat dátumát.",
		"Retention of item %s runs from closure, not from expiry: leave the expiry date empty.", code)
}

func errCloseWithoutExpiry(code string) *Problem {
	return problem("close_without_expiry", "expires_on",
		"A(z) %s tétel őrzési ideje a lejárat után számít: a lezárás előtt adja meg a lejárat dátumát.",
		"Retention of item %s runs from expiry: give the expiry date before closing the case.", code)
}

func errPredecessorDisposed(n string) *Problem {
	return problem("predecessor_disposed", "predecessor",
		"A(z) %s irat ügyiratát selejtezték, nem lehet előzmény. Iktassa előzmény nélkül, és hivatkozzon rá a tárgyban.",
		"The case of %s has been disposed of and cannot be a predecessor. Register without one and cite it in the subject.", n)
}

func errPredecessorTransferred(n string) *Problem {
	return problem("predecessor_transferred", "predecessor",
		"A(z) %s irat ügyirata levéltárba került, nem lehet előzmény. Iktassa előzmény nélkül, és hivatkozzon rá a tárgyban.",
		"The case of %s has been handed to the public archive and cannot be a predecessor. Register without one and cite it in the subject.", n)
}

func errDisposalYear(year, this int) *Problem {
	return &Problem{Code: "disposal_year", Field: "year",
		HU: fmt.Sprintf("Selejtezési jegyzék 1990 és %d közötti évre készíthető; ezt adta meg: %d.", this, year),
		EN: fmt.Sprintf("A disposal list can be made for a year from 1990 to %d; you gave %d.", this, year)}
}

func errNothingToDispose(year int) *Problem {
	return &Problem{Code: "nothing_to_dispose", Field: "year",
		HU: fmt.Sprintf("%d-ra nincs selejtezhető ügyirat: nincs olyan lezárt ügyirat, amelynek őrzési ideje lejárt, és más jegyzéken sem szerepel.", year),
		EN: fmt.Sprintf("Nothing to dispose of for %d: no closed case whose retention has run out is left off the other lists.", year)}
}

var disposalStatusHU = map[DisposalStatus]string{DisposalDraft: "tervezet", DisposalSent: "levéltárnak megküldve",
	DisposalApproved: "levéltár által jóváhagyva", DisposalExecuted: "végrehajtva", DisposalDiscarded: "elvetve"}

func errDisposalStep(now, next DisposalStatus) *Problem {
	return &Problem{Code: "disposal_step", Field: "",
		HU: fmt.Sprintf("A jegyzék állapota „%s”, ebből nem lehet „%s” állapotba lépni.", disposalStatusHU[now], disposalStatusHU[next]),
		EN: fmt.Sprintf("The list is %s; it cannot become %s.", now, next)}
}

var (
	errArchiveRef = problem("archive_ref", "archive_ref",
		"Adja meg a levéltár jóváhagyó záradékának iktatószámát (legfeljebb 100 karakter).",
		"Give the reference number of the archive's approval (at most 100 characters).")
	errNoEraser = problem("no_eraser", "",
		"A selejtezés nem hajtható végre: a rendszerhez nincs bekötve az iratok fájltartalmát törlő szolgáltatás, így a tartalom törlését nem tudnánk elvégezni. Az üzemeltető kösse be (records.Service.Eraser).",
		"The disposal cannot be executed: no service that deletes the documents' file contents is connected, so the deletion could not be done. The operator must connect one (records.Service.Eraser).")
	errNoDisposal = problem("no_disposal", "", "Nincs ilyen selejtezési jegyzék.", "There is no such disposal list.")
)

func errApprovalDate(s string) *Problem {
	return problem("approval_date", "approved_on",
		"A jóváhagyás dátuma („%s”) nem érvényes; például 2026. 03. 02. vagy 2026-03-02.",
		"The approval date (%q) is not valid; e.g. 2026-03-02.", s)
}

func errApprovalDateRange(sent hu.Date) *Problem {
	return problem("approval_date_range", "approved_on",
		"A jóváhagyás dátuma nem lehet a megküldés (%s) előtti és nem lehet jövőbeli.",
		"The approval date cannot be before the list was sent (%s) or in the future.", sent.HungarianString())
}

func errTransferYear(year int) *Problem {
	return &Problem{Code: "transfer_year", Field: "year",
		HU: fmt.Sprintf("Levéltárba csak teljes, lezárt év iratai adhatók át; %d nem ilyen.", year),
		EN: fmt.Sprintf("Only the records of a complete, closed year can be handed over; %d is not one.", year)}
}

func errTransferBookOpen(codes string, year int) *Problem {
	return &Problem{Code: "transfer_book_open", Field: "year",
		HU: fmt.Sprintf("A(z) %d. évi iktatókönyv (%s) még nincs lezárva; előbb zárja le.", year, codes),
		EN: fmt.Sprintf("The %d registration book (%s) is not closed yet; close it first.", year, codes)}
}

func errNothingToTransfer(year int) *Problem {
	return &Problem{Code: "nothing_to_transfer", Field: "year",
		HU: fmt.Sprintf("%d-ből nincs átadandó ügyirat: nincs olyan lezárt, nem selejtezhető ügyirat, amelynek tétele levéltárba adandó, és még nem adták át.", year),
		EN: fmt.Sprintf("Nothing to hand over from %d: no closed permanent case of an item that goes to the archive is left.", year)}
}

func errPackageChanged(was, now string) *Problem {
	return problem("package_changed", "",
		"Az átadási csomag eltér az átadáskor készülttől (manifest SHA-256: akkor %s, most %s): az átadott ügyiratok adatai megváltoztak. Értesítse az üzemeltetőt.",
		"The transfer package differs from the one handed over (manifest SHA-256 then %s, now %s): the transferred cases' data changed. Tell the operator.", was, now)
}

var (
	errNoContents = problem("no_contents", "",
		"Az átadási csomag nem készíthető el: a rendszerhez nincs bekötve az iratok fájltartalmát adó szolgáltatás (records.Service.Contents).",
		"The transfer package cannot be built: no service that gives the documents' file contents is connected (records.Service.Contents).")
	errNoTransfer = problem("no_transfer", "", "Nincs ilyen levéltári átadás.", "There is no such archive transfer.")
)
