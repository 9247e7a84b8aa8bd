package o2c

import "regexp"

// TenantID names the tenant (a company, a client of a SaaS) that owns a
// record. Every store handle is bound to one tenant and never shows another
// tenant's records. A valid TenantID is 1 to 64 characters of letters,
// digits, '.', '_' and '-', so hosts can use their own identifiers (an
// account slug, a UUID).
type TenantID string

var tenantPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ParseTenantID validates s as a TenantID.
func ParseTenantID(s string) (TenantID, error) {
	t := TenantID(s)
	if err := t.Validate(); err != nil {
		return "", err
	}
	return t, nil
}

// Validate reports a *[ValidationError] if t is not a valid tenant identifier.
func (t TenantID) Validate() error {
	if !tenantPattern.MatchString(string(t)) {
		return &ValidationError{Field: "tenant", Rule: "must be 1-64 letters, digits, '.', '_' or '-'", Value: truncate(string(t))}
	}
	return nil
}

// String returns the identifier.
func (t TenantID) String() string { return string(t) }
