package tax

// Budget revenue rovats of the tax types (domain brief §A.13, §B.2): where
// the money collected on each tax type appears in the municipality's
// budget report (B3 Közhatalmi bevételek). The codes and names are those
// of the egységes rovatrend as in
// /work/shared/data/allamhaztartasi_kodok/rovatrend_BK.tsv (codes are
// text: B351 is not a number). The "ebből" (of which) lines of B34 are
// sub-lines of B34, not rovats of their own: Of names which.
//
// This is the one table of the mapping; the finance module (GAZD) and the
// warehouse read it through RevenueRovats and RovatOf. Rows marked
// Uncertain are not confirmed by a domain expert (UNCERTAIN register #21
// and the notes below).

// Rovat is a budget revenue rovat a tax type's receipts belong to.
type Rovat struct {
	TaxType   string `json:"tax_type"`
	Code      string `json:"rovat"`        // as in the rovatrend: "B34", "B351"
	Name      string `json:"rovat_name"`   // the rovat's name in the rovatrend
	Of        string `json:"of,omitempty"` // the "ebből" sub-line, if any
	Uncertain string `json:"uncertain,omitempty"`
}

// RevenueRovats maps every tax type an account can have to its rovat.
var RevenueRovats = []Rovat{
	{TaxType: "epitmenyado", Code: "B34", Name: "Vagyoni típusú adók", Of: "ebből: építményadó"},
	{TaxType: "telekado", Code: "B34", Name: "Vagyoni típusú adók", Of: "ebből: telekadó"},
	{TaxType: "kommunalis_ado", Code: "B34", Name: "Vagyoni típusú adók", Of: "ebből: magánszemélyek kommunális adója"},
	{TaxType: "iparuzesi_ado", Code: "B351", Name: "Értékesítési és forgalmi adók"},
	{TaxType: "ideiglenes_iparuzesi_ado", Code: "B351", Name: "Értékesítési és forgalmi adók"},
	{TaxType: "idegenforgalmi_ado", Code: "B355", Name: "Egyéb áruhasználati és szolgáltatási adók",
		Uncertain: "B35x: the brief names no sub-rovat; B355 is the best current reading (UNCERTAIN #21)"},
	{TaxType: "gepjarmuado", Code: "B354", Name: "Gépjárműadók", Uncertain: "legacy (until 2020): only arrears still come in"},
	{TaxType: "talajterhelesi_dij", Code: "B36", Name: "Egyéb közhatalmi bevételek", Uncertain: "B355 or B36 (UNCERTAIN #21)"},
	{TaxType: "telepulesi_ado", Code: "B36", Name: "Egyéb közhatalmi bevételek", Uncertain: "not in the brief; B34 if it is levied on property"},
	{TaxType: "kesedelmi_potlek", Code: "B36", Name: "Egyéb közhatalmi bevételek"},
	{TaxType: "onellenorzesi_potlek", Code: "B36", Name: "Egyéb közhatalmi bevételek"},
	{TaxType: "birsag", Code: "B36", Name: "Egyéb közhatalmi bevételek"},
	{TaxType: "vegrehajtasi_koltseg", Code: "B36", Name: "Egyéb közhatalmi bevételek", Uncertain: "may be B411 (egyéb működési bevételek)"},
}

// RovatOf returns the rovat of a tax type.
func RovatOf(taxType string) (Rovat, bool) {
	for _, r := range RevenueRovats {
		if r.TaxType == taxType {
			return r, true
		}
	}
	return Rovat{}, false
}
