package loa

// authorization is the legal text of a letter: an opening paragraph, the
// statements the signer confirms, and a closing paragraph.
type authorization struct {
	opening    string
	statements []string
	closing    string
}

// authorizationText writes the authorization the customer signs, naming
// the gaining provider as agent and the losing carrier. The text avoids
// the words of the letter's heading so that each letter carries its title
// exactly once.
func authorizationText(provider, carrier string, partial bool) authorization {
	if carrier == "" {
		carrier = "the losing carrier"
	}
	ending := "I understand that when the port completes, my service with " + carrier +
		" ends for the ported numbers, together with any feature that depends on them, such as voicemail, " +
		"call forwarding, directory listings, or internet, alarm and fax services carried on those lines."
	if partial {
		ending += " Numbers and services that are not listed for porting in Attachment A stay on my account with " +
			carrier + "."
	} else {
		ending += " I will not cancel my account with " + carrier +
			" before the port completes, since cancelling could release the numbers."
	}
	return authorization{
		opening: "I, the undersigned, authorize " + provider + " and its designated agents to act as my agent " +
			"to port the telephone numbers listed in Attachment A from " + carrier + " to " + provider +
			", and to deal with " + carrier + " on my behalf for that purpose, including obtaining my " +
			"customer service record and agreeing the date of the port. By signing, I confirm that:",
		statements: []string{
			"I am the account holder of the numbers listed in Attachment A, or I am authorized to act for " +
				"the account holder and to sign this authorization on its behalf.",
			"The customer name, service address, billing telephone number and account number given above " +
				"are exactly as they appear on the account with " + carrier + ". I understand that " + carrier +
				" may refuse to release the numbers if they do not match its records.",
			ending,
			"I remain responsible for the charges I owe " + carrier + ", including charges for service up to " +
				"the port date and any early-termination or equipment fees under my agreement with it.",
			"The port date is set when " + carrier + " confirms it (the firm order commitment, FOC); " +
				"a requested date is not guaranteed.",
		},
		closing: "This authorization remains in effect until the numbers have been ported or until I withdraw " +
			"it in writing. A signed copy, whether scanned, faxed or signed electronically, is as valid as the original.",
	}
}
