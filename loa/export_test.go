package loa

// NationalFormat exposes the number formatter to the tests, which check it
// against phonenumbers.
var NationalFormat = nationalFormat

// Fonts returns the font faces the letters use (cut to the repertoire),
// for the bare-fpdf baseline of the benchmarks.
func Fonts() (regular, bold []byte) { return fonts() }

// FullFonts returns the embedded font files as shipped, uncut.
func FullFonts() (regular, bold []byte) { return fontRegularFull, fontBoldFull }

// AuthorizationParagraphs returns the authorization text as paragraphs,
// for the bare-fpdf baseline of the benchmarks.
func AuthorizationParagraphs(provider, carrier string, partial bool) []string {
	a := authorizationText(provider, carrier, partial)
	return append(append([]string{a.opening}, a.statements...), a.closing)
}
