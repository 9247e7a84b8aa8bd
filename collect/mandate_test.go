package collect_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/o2c"
)

func mandateIn() collect.MandateInput {
	return collect.MandateInput{Customer: o2c.NewCustomerID(), Reference: "UMR-2026-0001", Scheme: sepa.Core,
		Signed: o2c.MustDate(2026, 11, 2), CreditorID: "FR72ZZZ123456", DebtorName: "Boulangerie Dupont",
		IBAN: "FR14 2004 1010 0505 0001 3M02 606"}
}

func TestMandateSequenceTransitions(t *testing.T) {
	m, err := collect.NewMandate("acme", mandateIn(), t0)
	require.NoError(t, err)
	assert.Equal(t, "FR1420041010050500013M02606", m.IBAN)
	d := o2c.MustDate(2026, 12, 18)
	assert.Equal(t, sepa.FRST, m.NextSequence())
	_, err = m.Present(sepa.RCUR, d, t0)
	assert.ErrorIs(t, err, collect.ErrSequence, "RCUR before any FRST")
	_, err = m.Present(sepa.OOFF, d, t0)
	assert.ErrorIs(t, err, collect.ErrSequence, "OOFF on a recurrent mandate")
	_, err = m.Present(sepa.FRST, d, t0)
	require.NoError(t, err)
	assert.Equal(t, sepa.RCUR, m.NextSequence())
	_, err = m.Present(sepa.FRST, d.AddDays(31), t0)
	assert.ErrorIs(t, err, collect.ErrSequence, "a second FRST")

	// the bank rejects the first collection before settlement: FRST again
	m.Rejected(sepa.FRST, t0)
	assert.Equal(t, sepa.FRST, m.NextSequence())
	_, err = m.Present(sepa.FRST, d.AddDays(3), t0)
	require.NoError(t, err)
	_, err = m.Present(sepa.RCUR, d.AddDays(31), t0)
	require.NoError(t, err)
	_, err = m.Present(sepa.FNAL, d.AddDays(62), t0)
	require.NoError(t, err)
	_, err = m.Present(sepa.RCUR, d.AddDays(93), t0)
	assert.ErrorIs(t, err, collect.ErrMandateNotUsable, "nothing after FNAL")
}

func TestOneOffMandate(t *testing.T) {
	in := mandateIn()
	in.Type = collect.OneOff
	m, err := collect.NewMandate("acme", in, t0)
	require.NoError(t, err)
	assert.Equal(t, sepa.OOFF, m.NextSequence())
	_, err = m.Present(sepa.FRST, o2c.MustDate(2026, 12, 18), t0)
	assert.ErrorIs(t, err, collect.ErrSequence)
	_, err = m.Present(sepa.OOFF, o2c.MustDate(2026, 12, 18), t0)
	require.NoError(t, err)
	_, err = m.Present(sepa.OOFF, o2c.MustDate(2026, 12, 21), t0)
	assert.ErrorIs(t, err, collect.ErrMandateNotUsable)
}

func TestMandateExpiresAfter36MonthsUnused(t *testing.T) {
	m, _ := collect.NewMandate("acme", mandateIn(), t0)
	_, err := m.Present(sepa.FRST, o2c.MustDate(2026, 12, 18), t0)
	require.NoError(t, err)
	assert.Equal(t, o2c.MustDate(2029, 12, 18), m.ExpiresOn())
	assert.NoError(t, m.UsableOn(o2c.MustDate(2029, 12, 17)))
	assert.ErrorIs(t, m.UsableOn(o2c.MustDate(2029, 12, 18)), collect.ErrMandateNotUsable)
}

func TestMandateAmendmentIsReportedOnce(t *testing.T) {
	m, _ := collect.NewMandate("acme", mandateIn(), t0)
	_, _ = m.Present(sepa.FRST, o2c.MustDate(2026, 12, 18), t0)
	// the debtor changes account at the same bank, then the UMR changes
	require.NoError(t, m.Amend(collect.Amendment{IBAN: "FR7630006000011234567890189"}, t0))
	require.NoError(t, m.Amend(collect.Amendment{Reference: "UMR-2026-0001-B"}, t0))
	a, err := m.Present(sepa.RCUR, o2c.MustDate(2027, 1, 18), t0)
	require.NoError(t, err)
	require.NotNil(t, a)
	assert.Equal(t, sepa.Amendment{OriginalMandateID: "UMR-2026-0001", OriginalDebtorIBAN: "FR1420041010050500013M02606"}, *a)
	a, err = m.Present(sepa.RCUR, o2c.MustDate(2027, 2, 18), t0)
	require.NoError(t, err)
	assert.Nil(t, a, "the amendment indicator goes with the next collection only")

	// moving to another bank is reported as SMNDA, without the old IBAN
	require.NoError(t, m.Amend(collect.Amendment{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX", BankChanged: true}, t0))
	a, _ = m.Present(sepa.RCUR, o2c.MustDate(2027, 3, 18), t0)
	assert.Equal(t, sepa.Amendment{DebtorAgentChanged: true}, *a)
	assert.Equal(t, "COBADEFFXXX", m.BIC)

	assert.ErrorIs(t, m.Amend(collect.Amendment{IBAN: "DE00370400440532013000"}, t0), o2c.ErrValidation)
}

func TestMandateCancelAndBlock(t *testing.T) {
	m, _ := collect.NewMandate("acme", mandateIn(), t0)
	m.Block("MD01", o2c.MustDate(2026, 12, 22), t0)
	assert.Equal(t, collect.MandateBlocked, m.Status)
	assert.ErrorIs(t, m.UsableOn(o2c.MustDate(2026, 12, 23)), collect.ErrMandateNotUsable)
	assert.ErrorIs(t, m.Amend(collect.Amendment{Reference: "X"}, t0), collect.ErrMandateNotUsable)
	m2, _ := collect.NewMandate("acme", mandateIn(), t0)
	m2.Cancel(o2c.MustDate(2026, 12, 10), t0)
	assert.ErrorContains(t, m2.UsableOn(o2c.MustDate(2026, 12, 18)), "cancelled on 2026-12-10")
}

func TestMandateValidation(t *testing.T) {
	for name, edit := range map[string]func(*collect.MandateInput){
		"creditor id check digits": func(in *collect.MandateInput) { in.CreditorID = "FR73ZZZ123456" },
		"reference with a space":   func(in *collect.MandateInput) { in.Reference = "UMR 1" },
		"signed in the future":     func(in *collect.MandateInput) { in.Signed = o2c.MustDate(2027, 1, 1) },
		"iban":                     func(in *collect.MandateInput) { in.IBAN = "FR1420041010050500013M02607" },
		"scheme":                   func(in *collect.MandateInput) { in.Scheme = "COR1" },
	} {
		in := mandateIn()
		edit(&in)
		_, err := collect.NewMandate("acme", in, t0)
		assert.ErrorIs(t, err, o2c.ErrValidation, name)
	}
}

func TestCollectionDates(t *testing.T) {
	cut := collect.CutOff{Hour: 16}
	// Thursday 17 Dec 2026 before the cut-off: D-1 allows Friday 18
	assert.Equal(t, o2c.MustDate(2026, 12, 18), collect.EarliestCollectionDate(time.Date(2026, 12, 17, 15, 59, 0, 0, time.UTC), cut))
	// after the cut-off the file counts from Friday: Monday 21
	assert.Equal(t, o2c.MustDate(2026, 12, 21), collect.EarliestCollectionDate(time.Date(2026, 12, 17, 16, 0, 0, 0, time.UTC), cut))
	// Wednesday 23 after cut-off: received Thursday 24, 25 and 26 are TARGET holidays, 27 Sunday: Monday 28
	assert.Equal(t, o2c.MustDate(2026, 12, 28), collect.EarliestCollectionDate(time.Date(2026, 12, 23, 17, 0, 0, 0, time.UTC), cut))
	// sent on Saturday: received Monday, collected Tuesday
	assert.Equal(t, o2c.MustDate(2026, 12, 22), collect.EarliestCollectionDate(time.Date(2026, 12, 19, 9, 0, 0, 0, time.UTC), cut))

	// the pre-notification period wins over an earlier due date
	assert.Equal(t, o2c.MustDate(2026, 12, 17), collect.CollectionDate(o2c.MustDate(2026, 12, 10), o2c.MustDate(2026, 12, 4), o2c.MustDate(2026, 12, 3), 14))
	// a due date on Christmas moves to the next TARGET2 day
	assert.Equal(t, o2c.MustDate(2026, 12, 28), collect.CollectionDate(o2c.MustDate(2026, 12, 25), o2c.MustDate(2026, 12, 4), o2c.MustDate(2026, 12, 1), 14))
	// a mandate agreeing to 2 days' notice
	assert.Equal(t, o2c.MustDate(2026, 12, 7), collect.CollectionDate(o2c.MustDate(2026, 12, 4), o2c.MustDate(2026, 12, 4), o2c.MustDate(2026, 12, 3), 2))
}
