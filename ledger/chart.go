package ledger

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cashcycle/sdk/o2c"
)

// AccountType is what kind of balance an account holds. It is a closed set.
type AccountType string

// The account types.
const (
	Asset     AccountType = "asset"
	Liability AccountType = "liability"
	Equity    AccountType = "equity"
	Income    AccountType = "income"
	Expense   AccountType = "expense"
)

// IsValid reports whether t is one of the AccountType constants.
func (t AccountType) IsValid() bool {
	switch t {
	case Asset, Liability, Equity, Income, Expense:
		return true
	}
	return false
}

// Account is one account of a chart: its number (what entries reference,
// and what the FEC's CompteNum carries: it must start with three digits),
// its name (CompteLib) and its type.
type Account struct {
	Number string      `json:"number"`
	Name   string      `json:"name"`
	Type   AccountType `json:"type"`
}

// ErrUnknownAccount is wrapped by an [*UnknownAccountError]: a
// configuration or an entry references an account the chart lacks.
var ErrUnknownAccount = errors.New("ledger: unknown account")

// UnknownAccountError names the account number and where it was referenced
// ("accounts[receivable]", "lines[2].account", "entry 12 line 3").
type UnknownAccountError struct {
	Field  string
	Number string
}

// Error names the reference and the number.
func (e *UnknownAccountError) Error() string {
	return fmt.Sprintf("ledger: %s: account %q is not in the chart of accounts", e.Field, e.Number)
}

// Unwrap returns [ErrUnknownAccount].
func (e *UnknownAccountError) Unwrap() error { return ErrUnknownAccount }

// Chart is a chart of accounts: data, not code. Build one with [NewChart]
// or start from a preset ([PCG], [IFRS]) and extend it with [Chart.With].
// A Chart is immutable and safe for concurrent use.
type Chart struct {
	name     string
	accounts []Account
	index    map[string]int
}

// NewChart validates accounts and returns the chart. Each account needs a
// number of 3 to 40 characters starting with three digits (as the FEC
// requires) and made of letters and digits, a name of at most 200
// characters and a valid type; numbers are unique. Errors are
// *o2c.ValidationError naming the account ("accounts[3].number").
func NewChart(name string, accounts []Account) (*Chart, error) {
	c := &Chart{name: name, index: map[string]int{}}
	for i, a := range accounts {
		field := func(f string) string { return fmt.Sprintf("accounts[%d].%s", i, f) }
		if err := checkAccountNumber(a.Number); err != nil {
			return nil, &o2c.ValidationError{Field: field("number"), Rule: err.Error(), Value: a.Number}
		}
		if strings.TrimSpace(a.Name) == "" || !utf8.ValidString(a.Name) || utf8.RuneCountInString(a.Name) > 200 || strings.ContainsAny(a.Name, "\t|\r\n") {
			return nil, &o2c.ValidationError{Field: field("name"), Rule: "is required: 1 to 200 characters of UTF-8 without tab, pipe or line break", Value: a.Name}
		}
		if !a.Type.IsValid() {
			return nil, &o2c.ValidationError{Field: field("type"), Rule: "must be asset, liability, equity, income or expense", Value: string(a.Type)}
		}
		if _, dup := c.index[a.Number]; dup {
			return nil, &o2c.ValidationError{Field: field("number"), Rule: "is used by two accounts", Value: a.Number}
		}
		c.index[a.Number] = len(c.accounts)
		c.accounts = append(c.accounts, a)
	}
	return c, nil
}

func checkAccountNumber(n string) error {
	if len(n) < 3 || len(n) > 40 {
		return errors.New("must be 3 to 40 characters")
	}
	for i, r := range n {
		if i < 3 && !('0' <= r && r <= '9') {
			return errors.New("must start with three digits (FEC: CompteNum)")
		}
		if r > unicode.MaxASCII || !(unicode.IsDigit(r) || unicode.IsLetter(r)) {
			return errors.New("must be ASCII letters and digits")
		}
	}
	return nil
}

// Name returns the chart's name ("PCG", "IFRS").
func (c *Chart) Name() string { return c.name }

// Account returns the account numbered number.
func (c *Chart) Account(number string) (Account, bool) {
	i, ok := c.index[number]
	if !ok {
		return Account{}, false
	}
	return c.accounts[i], true
}

// Accounts returns a copy of the accounts in the order they were given.
func (c *Chart) Accounts() []Account { return slices.Clone(c.accounts) }

// With returns a new chart with extra accounts added (validated like
// [NewChart]); c is unchanged.
func (c *Chart) With(extra ...Account) (*Chart, error) {
	return NewChart(c.name, append(c.Accounts(), extra...))
}

// check returns an *UnknownAccountError when number is not in the chart.
func (c *Chart) check(field, number string) error {
	if _, ok := c.index[number]; !ok {
		return &UnknownAccountError{Field: field, Number: number}
	}
	return nil
}

// PCG returns the accounts of the French plan comptable général that the
// order-to-cash cycle posts to (classes 4, 5, 6 and 7), with their
// official titles.
func PCG() *Chart {
	c, err := NewChart("PCG", []Account{
		{"411", "Clients", Asset},
		{"416", "Clients douteux ou litigieux", Asset},
		{"491", "Dépréciations des comptes de clients", Asset},
		{"4191", "Clients - Avances et acomptes reçus sur commandes", Liability},
		{"44566", "TVA sur autres biens et services", Asset},
		{"44571", "TVA collectée", Liability},
		{"44574", "TVA collectée en attente d'exigibilité", Liability},
		{"512", "Banques", Asset},
		{"580", "Virements internes", Asset},
		{"627", "Services bancaires et assimilés", Expense},
		{"654", "Pertes sur créances irrécouvrables", Expense},
		{"658", "Charges diverses de gestion courante", Expense},
		{"665", "Escomptes accordés", Expense},
		{"666", "Pertes de change financières", Expense},
		{"6817", "Dotations aux dépréciations des actifs circulants", Expense},
		{"701", "Ventes de produits finis", Income},
		{"706", "Prestations de services", Income},
		{"707", "Ventes de marchandises", Income},
		{"708", "Produits des activités annexes", Income},
		{"7627", "Revenus des créances immobilisées", Income},
		{"758", "Produits divers de gestion courante", Income},
		{"7817", "Reprises sur dépréciations des actifs circulants", Income},
		{"766", "Gains de change financiers", Income},
	})
	if err != nil {
		panic(err) // the preset is static data, checked by a test
	}
	return c
}

// IFRS returns a small generic chart in the IFRS style (numbered so that
// the FEC's three leading digits hold).
func IFRS() *Chart {
	c, err := NewChart("IFRS", []Account{
		{"100", "Cash at bank", Asset},
		{"110", "Trade receivables", Asset},
		{"115", "Customer advances and unapplied cash", Liability},
		{"210", "VAT payable", Liability},
		{"211", "VAT payable on receipt (deferred)", Liability},
		{"400", "Revenue from contracts with customers", Income},
		{"401", "Revenue from goods", Income},
		{"450", "Other income", Income},
		{"460", "Finance income", Income},
		{"470", "Foreign exchange gains", Income},
		{"600", "Bank charges", Expense},
		{"610", "Impairment losses on trade receivables", Expense},
		{"620", "Settlement discounts", Expense},
		{"630", "Other operating expenses", Expense},
		{"670", "Foreign exchange losses", Expense},
	})
	if err != nil {
		panic(err)
	}
	return c
}
