// Package loa prints Letters of Authorization (LOAs) for number ports, as
// PDF.
//
// A losing carrier releases a customer's numbers only on an LOA signed by
// the customer: a letter in which the account holder authorizes the
// gaining provider to act as agent and port the listed numbers. The
// carrier compares the letter with its customer service record, so the
// name, service address, billing telephone number (BTN) and account number
// must match its records exactly; a mismatch is the most common reason a
// port is rejected.
//
// One BTN and one losing carrier per letter is the industry rule. A
// porting.PortRequest is already split that way into sub requests, so
// Render prints one letter per sub request, all in one PDF, and
// RenderSubRequest prints the letter of a single sub request. Fields a sub
// request leaves empty come from the request (see
// porting.PortRequest.Effective).
//
// Each letter is a legal document of its own. It starts on a new page and
// numbers its pages within itself ("Page 1 of 3"), so that any letter can
// be split from the file and sent to its carrier. It holds:
//
//   - a letterhead with the gaining provider (Branding), optionally with a
//     logo;
//   - the heading "Letter of Authorization" and a reference (the sub
//     request's support key);
//   - the customer as on the carrier's account: name, service address,
//     authorized contact, email;
//   - the account: losing carrier, account number, BTN, and a blank line
//     for the PIN or passcode;
//   - the port: the provider named as agent, the number of numbers, full or
//     partial, the requested port (FOC) date;
//   - the authorization text and the signature, date, printed name and
//     title lines; when the request is signed, the signee's name and the
//     signing date are printed on their lines;
//   - Attachment A, a table of the numbers to port (national format and
//     E.164) that runs over as many pages as it needs, repeating its header
//     row, and, for a partial port, the numbers that stay with the carrier
//     and the new BTN.
//
// A PIN or passcode is a secret of the customer: it is never printed, even
// when the request stores it. The customer writes it in by hand.
//
// Text is set in DejaVu Sans Condensed, embedded in the package, so names
// in any Latin, Greek or Cyrillic script print as written
// ("Zoë Müller-Łukasiewicz", "Nguyễn Thị Minh Khai"). Paper is US Letter
// for customers in NANP countries and A4 elsewhere, unless Options says
// otherwise.
//
// With Options.Deterministic the output bytes depend only on the input,
// for golden-file tests and content-addressed storage.
//
// Rendering is safe for concurrent use: every call builds its own
// document. On a 2-core Xeon a letter with 10 numbers takes about 14ms,
// nearly all of it fpdf handling the two embedded font faces (see
// fonts.go), and one with 1,000 numbers (24 pages) about 45ms, within 10%
// of printing the same pages with bare fpdf (see bench_test.go).
package loa
