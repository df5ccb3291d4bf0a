package loa

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/portkit/portkit/porting"
)

// Branding describes the gaining provider: the company that prints the
// letter and that the customer names as agent for the port.
type Branding struct {
	// Name is the gaining provider's name. It is required: the letter
	// authorizes this company to act for the customer.
	Name string
	// Address is the provider's postal address, one line each.
	Address []string
	// Phone, Email and Website are printed, when set, under the address.
	Phone, Email, Website string
	// Logo is an optional image printed at the top left of the first page
	// of each letter.
	Logo []byte
	// LogoType is "PNG" or "JPG" (case-insensitive, "JPEG" also works);
	// when empty the type is detected from the image's first bytes.
	LogoType string
}

// PageSize is the paper size of a letter.
type PageSize string

// Page sizes. PageSizeAuto, the zero value, chooses per letter: Letter when
// the customer's country (the sub request's effective CountryCode) is a
// NANP country or unknown, A4 otherwise.
const (
	PageSizeAuto PageSize = ""
	Letter       PageSize = "Letter"
	A4           PageSize = "A4"
)

// Options controls how letters are printed.
type Options struct {
	// Branding is the gaining provider named as agent. Branding.Name is
	// required.
	Branding Branding
	// PageSize is the paper size; PageSizeAuto chooses by country.
	PageSize PageSize
	// Deterministic makes the output bytes depend only on the input: the
	// document's creation and modification dates come from CreationDate
	// (the Unix epoch when zero) and its internal catalogs are sorted.
	// Use it for golden-file tests and content-addressed storage.
	Deterministic bool
	// CreationDate is the document's creation and modification date. When
	// zero, the time of rendering is used (the Unix epoch in
	// Deterministic mode).
	CreationDate time.Time
	// Title is the document title in the PDF metadata; by default
	// "Letter of Authorization" and the request's name.
	Title string
}

// errNoBranding is returned when Options.Branding.Name is empty.
var errNoBranding = errors.New("loa: Options.Branding.Name is required: the letter names the gaining provider as agent")

// Render writes the request-level LOA: a PDF with one letter per sub
// request (one losing carrier and one billing telephone number each), in
// the order of r.SubRequests. Each letter starts on a new page and is a
// document of its own: its pages are numbered "Page N of M" within the
// letter, M counting only that letter's pages.
//
// The sub requests are read through r.Effective, so fields left empty on a
// sub request take the request's bill, signee and transfer date. A PIN or
// passcode is never printed: the letter leaves a blank line for the
// customer to write it in.
//
// A canceled sub request has no letter: the customer called that port
// off, and a letter would still authorize it.
//
// Render returns an error, and writes nothing, when r has no sub requests,
// Branding.Name is empty, the page size or logo is invalid; and an error
// matching porting.ErrNotAllowedInState when every sub request is
// canceled.
func Render(w io.Writer, r *porting.PortRequest, opt Options) error {
	if r == nil {
		return errors.New("loa: nil port request")
	}
	if len(r.SubRequests) == 0 {
		return fmt.Errorf("loa: port request %s has no sub requests", r.ID)
	}
	subs := make([]porting.SubRequest, 0, len(r.SubRequests))
	for _, sr := range r.SubRequests {
		if sr.State != porting.StateCanceled {
			subs = append(subs, sr)
		}
	}
	if len(subs) == 0 {
		return fmt.Errorf("loa: port request %s: %w", r.ID, &porting.StateError{Op: "letter of authorization", State: porting.StateCanceled})
	}
	return render(w, r, subs, opt)
}

// RenderSubRequest writes the LOA of one sub request of r, the one whose
// ID is subID, as a PDF of one letter. It returns an error wrapping
// porting.ErrNotFound when r has no such sub request. See Render for what
// the letter holds.
func RenderSubRequest(w io.Writer, r *porting.PortRequest, subID string, opt Options) error {
	if r == nil {
		return errors.New("loa: nil port request")
	}
	sr := r.SubRequest(subID)
	if sr == nil {
		return fmt.Errorf("loa: sub request %q of port request %s: %w", subID, r.ID, porting.ErrNotFound)
	}
	return render(w, r, []porting.SubRequest{*sr}, opt)
}

// render prints one letter per sub request into one PDF and writes it to
// w.
func render(w io.Writer, r *porting.PortRequest, subs []porting.SubRequest, opt Options) error {
	if opt.Branding.Name == "" {
		return errNoBranding
	}
	switch opt.PageSize {
	case PageSizeAuto, Letter, A4:
	default:
		return fmt.Errorf("loa: unknown page size %q (want %q or %q)", opt.PageSize, Letter, A4)
	}
	d, err := newDocument(r, opt)
	if err != nil {
		return err
	}
	for i, sr := range subs {
		d.writeLetter(i+1, newLetter(r, r.Effective(sr), opt))
	}
	return d.output(w)
}
