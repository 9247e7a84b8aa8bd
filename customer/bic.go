package customer

// ValidateBIC checks a Business Identifier Code (ISO 9362, the "SWIFT
// code"). Spaces and lower case are accepted. The rules: 8 or 11 characters;
// a 4-letter institution code; a 2-letter country code that is an ISO 3166
// code (or XK, Kosovo); a 2-character location code of letters or digits;
// and, for 11 characters, a 3-character branch code of letters or digits.
// It returns nil or a *[o2c.ValidationError] with Field "bic".
func ValidateBIC(s string) error {
	_, err := NormalizeBIC(s)
	return err
}

// NormalizeBIC validates s like [ValidateBIC] and returns it in upper case
// without spaces ("BNPAFRPPXXX"). The 8- and 11-character forms are kept as
// given: "BNPAFRPP" and "BNPAFRPPXXX" both name the head office, and
// [SameBIC] treats them as equal.
func NormalizeBIC(s string) (string, error) {
	const field = "bic"
	bic := CompactIBAN(s) // same compaction: no spaces or hyphens, upper case
	if bic == "" {
		return "", invalid(field, "is required", s, ErrRequired)
	}
	if len(bic) != 8 && len(bic) != 11 {
		return "", invalid(field, "must be 8 or 11 characters", s, ErrInvalidLength)
	}
	for i := 0; i < len(bic); i++ {
		c := bic[i]
		switch {
		case i < 6 && !isUpper(c):
			return "", invalid(field, "must start with 6 letters (institution and country codes)", s, ErrInvalidFormat)
		case i >= 6 && !isUpperAlnum(c):
			return "", invalid(field, "location and branch codes must be letters or digits", s, ErrInvalidFormat)
		}
	}
	if !isCountry(bic[4:6]) {
		return "", invalid(field, "country code "+bic[4:6]+" is not an ISO 3166 code", s, ErrUnknownCountry)
	}
	return bic, nil
}

// SameBIC reports whether a and b name the same office, treating an 8-character
// BIC as its 11-character form with branch "XXX". Invalid input is compared
// in its compact form.
func SameBIC(a, b string) bool {
	a, b = CompactIBAN(a), CompactIBAN(b)
	if len(a) == 8 {
		a += "XXX"
	}
	if len(b) == 8 {
		b += "XXX"
	}
	return a == b
}
