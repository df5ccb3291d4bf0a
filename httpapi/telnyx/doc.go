// Package telnyx serves the Telnyx v1 ("Mission Control") porting API over
// a porting.Service, so that clients written for it work unchanged.
//
//	mux.Handle("/origination/porting/", telnyx.New(svc, tokens, telnyx.Options{LinkKey: key}))
//
// # Routes
//
// Under the prefix (DefaultPrefix, "/origination/porting"; Routes lists
// them all):
//
//	POST portability_checks                                   can these numbers be ported in?
//	GET  port_requests, port_requests/{id}                    submitted requests
//	GET  port_requests/{id}/sub_requests[/{sid}]              one per losing carrier
//	PUT  port_requests/{id}/sub_requests/{sid}                partial edit
//	GET  port_requests/{id}/sub_requests/{sid}/allowed_foc_dates
//	POST port_requests/{id}/sub_requests/{sid}/request_cancellation
//	GET  port_requests/{id}/comments, POST the same
//	GET  port_requests/{id}/supporting_documents[/{doc_id}]
//	POST port_requests/{id}/supporting_documents              multipart/form-data
//	POST port_requests/{id}/supporting_documents/{doc_id}/download_links
//	GET  downloads/{token}                                    a download link; no credentials
//	GET  draft_port_requests, POST the same, GET draft_port_requests/{id}
//	POST draft_port_requests/{id}/submit
//	GET  draft_port_requests/{id}/sub_requests[/{sid}]
//	PUT  draft_port_requests/{id}/sub_requests/{sid}
//	GET  draft_port_requests/{id}/sub_requests/{sid}/allowed_foc_dates
//
// A draft port request is a porting request in state unconfirmed; once
// submitted, the same ID names a port request. Sub request statuses are
// this dialect's names of porting's states (unassigned, in-process,
// submitted, foc-date-confirmed, ported, exception, cancelled,
// cancel-pending).
//
// # The wire
//
// Bodies and answers are bare JSON; every key of the document is always
// present, null where portkit has no value. Times are ISO 8601 in UTC.
// Lists are paged with page (from 1) and per_page (default 20, at most
// MaxPerPage), and answer the Total and Total-Pages headers. Callers
// authenticate with "Authorization: Token <t>" (or Bearer), or with
// x-api-user and x-api-token.
//
// # Errors
//
// {"message": "...", "errors": [{"code", "title", "detail", "source":
// {"pointer" | "parameter"}}]}: 401, 404, 422 for input the rules refuse
// and for JSON of the wrong shape ({"phone_numbers": "oops"}, or a bare
// list), each problem with a JSON pointer into the body, in a fixed
// order; 400 for bytes that are not JSON; 402 with activation_charges
// when a submission costs money and accept_charges was not sent.
//
// Browser apps of other origins are let in by Options.CORS.
package telnyx
