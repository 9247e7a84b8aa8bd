package ledger

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/o2c"
	"github.com/cashcycle/sdk/tax"
)

// Role is what an account is used for by the posting rules. Every role
// must be mapped to an account of the chart ([Config.Accounts]).
type Role string

// The roles the posting rules use.
const (
	RoleReceivable        Role = "receivable"         // PCG 411: what customers owe
	RoleUnappliedCash     Role = "unapplied_cash"     // PCG 4191: money received not yet allocated
	RoleDeposit           Role = "deposit"            // PCG 4191: deposits invoiced, until deducted
	RoleRevenue           Role = "revenue"            // PCG 706: lines no rule maps
	RoleOutputVAT         Role = "output_vat"         // PCG 44571: VAT due
	RolePendingVAT        Role = "pending_vat"        // PCG 44574: VAT on receipts, not yet due
	RoleBank              Role = "bank"               // PCG 512
	RoleBankFees          Role = "bank_fees"          // PCG 627
	RoleBadDebt           Role = "bad_debt"           // PCG 654
	RoleSmallDifference   Role = "small_difference"   // PCG 658: residuals written off within tolerance
	RoleDiscount          Role = "discount"           // PCG 665: early-payment discounts granted
	RoleLateInterest      Role = "late_interest"      // PCG 7627: late-payment interest invoiced
	RoleRecoveryIndemnity Role = "recovery_indemnity" // PCG 758: fixed recovery indemnity invoiced
	RoleFXGain            Role = "fx_gain"            // PCG 766
	RoleFXLoss            Role = "fx_loss"            // PCG 666
)

// Roles lists every role, in a stable order.
func Roles() []Role {
	return []Role{RoleReceivable, RoleUnappliedCash, RoleDeposit, RoleRevenue, RoleOutputVAT, RolePendingVAT, RoleBank,
		RoleBankFees, RoleBadDebt, RoleSmallDifference, RoleDiscount, RoleLateInterest, RoleRecoveryIndemnity, RoleFXGain, RoleFXLoss}
}

// Item codes (SKUs) the posting rules recognise on document lines without
// any configuration: a line with one of them goes to the role's account
// unless a [LineRule] maps it first. Bill late charges and grant discounts
// (as credit notes) with these SKUs.
const (
	SKULateInterest         = "O2C-LATE-INTEREST"
	SKURecoveryIndemnity    = "O2C-RECOVERY-INDEMNITY"
	SKUEarlyPaymentDiscount = "O2C-DISCOUNT"
)

// VATBasis is when output VAT becomes due.
type VATBasis string

// The bases.
const (
	// VATOnInvoice (France: "TVA sur les débits"): due when invoiced,
	// booked to the output VAT account at once.
	VATOnInvoice VATBasis = "invoice"
	// VATOnReceipts (France: "TVA sur les encaissements", the rule for
	// services): booked to the pending VAT account when invoiced, moved to
	// the output VAT account as payments settle the document, per rate.
	VATOnReceipts VATBasis = "receipts"
)

// LineRule maps document lines to an account. A rule matches a line when
// every condition it sets holds: the line's SKU starts with SKUPrefix, its
// tax category is Category, the customer's group (Config.CustomerGroup)
// is CustomerGroup. The first matching rule wins; lines no rule matches go
// to [RoleRevenue] (or the role of a well-known SKU) on the default basis.
type LineRule struct {
	SKUPrefix     string       `json:"sku_prefix,omitempty"`
	Category      tax.Category `json:"category,omitzero"`
	CustomerGroup string       `json:"customer_group,omitempty"`
	// Account receives the line's net.
	Account string `json:"account"`
	// Basis overrides Config.VATBasis for the line's VAT (empty: default).
	Basis VATBasis `json:"basis,omitempty"`
}

// VATAccount routes the VAT of one category and rate to its own accounts
// (a sub-account per rate, such as 445711 for 20 %). Empty fields fall
// back to the roles.
type VATAccount struct {
	Category tax.Category    `json:"category"`
	Rate     decimal.Decimal `json:"rate"`
	Due      string          `json:"due,omitempty"`
	Pending  string          `json:"pending,omitempty"`
}

// Journal is a journal code and its title (FEC JournalCode, JournalLib).
type Journal struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Journals name the three journals entries go to.
type Journals struct {
	Sales Journal `json:"sales"` // invoices, credit notes
	Bank  Journal `json:"bank"`  // money received, refunded, bounced; bank fees
	Misc  Journal `json:"misc"`  // allocations, write-offs, VAT moves, exchange differences
}

// Rates gives exchange rates: how many units of to one unit of from is
// worth on a date. The host supplies them (an ECB reference-rate table, a
// treasury system); they must not change once used, since entries posted
// again must come out the same.
type Rates interface {
	Rate(from, to o2c.Currency, on o2c.Date) (decimal.Decimal, error)
}

// Config is everything the posting rules need. [FrenchPCG] and [IFRSConfig]
// are presets; [NewBook] validates a Config.
type Config struct {
	// Chart of accounts every account below must belong to.
	Chart *Chart
	// Accounts maps every [Role] to an account number.
	Accounts map[Role]string
	// Lines map document lines to accounts, first match wins.
	Lines []LineRule
	// VAT routes a category and rate to their own accounts (optional).
	VAT []VATAccount
	// VATBasis is the default basis (zero: VATOnInvoice).
	VATBasis VATBasis
	// BadDebtVATRelief: writing an invoice off as a definitively
	// irrecoverable debt reverses its output VAT (France: CGI art. 272;
	// the VAT on the written-off part is debited back). False books the
	// whole amount to the bad-debt account.
	BadDebtVATRelief bool
	// Functional is the currency of the books (required). Documents in
	// another currency are converted with Rates on their dates.
	Functional o2c.Currency
	// Rates converts foreign-currency documents (needed only then).
	Rates Rates
	// CustomerGroup returns a customer's group for [LineRule.CustomerGroup]
	// (nil: no groups).
	CustomerGroup func(customer string) string
	// Journals (zero: VE, BQ, OD with French titles).
	Journals Journals
}

// FrenchPCG returns a configuration on the French chart ([PCG]) in euros:
// 411, 4191, 44571, 44574, 512, 627, 654, 658, 665, 706, 7627, 758,
// 766/666; VAT on invoice by default, bad-debt VAT relief on; journals VE,
// BQ, OD. Add [LineRule]s for goods (707) or services on receipts.
func FrenchPCG() Config {
	return Config{
		Chart: PCG(),
		Accounts: map[Role]string{
			RoleReceivable: "411", RoleUnappliedCash: "4191", RoleDeposit: "4191", RoleRevenue: "706",
			RoleOutputVAT: "44571", RolePendingVAT: "44574", RoleBank: "512", RoleBankFees: "627",
			RoleBadDebt: "654", RoleSmallDifference: "658", RoleDiscount: "665", RoleLateInterest: "7627",
			RoleRecoveryIndemnity: "758", RoleFXGain: "766", RoleFXLoss: "666",
		},
		VATBasis:         VATOnInvoice,
		BadDebtVATRelief: true,
		Functional:       o2c.EUR,
	}
}

// IFRSConfig returns a configuration on the small [IFRS] chart in
// functional currency cur, VAT on invoice, no bad-debt VAT relief.
func IFRSConfig(cur o2c.Currency) Config {
	return Config{
		Chart: IFRS(),
		Accounts: map[Role]string{
			RoleReceivable: "110", RoleUnappliedCash: "115", RoleDeposit: "115", RoleRevenue: "400",
			RoleOutputVAT: "210", RolePendingVAT: "211", RoleBank: "100", RoleBankFees: "600",
			RoleBadDebt: "610", RoleSmallDifference: "630", RoleDiscount: "620", RoleLateInterest: "460",
			RoleRecoveryIndemnity: "450", RoleFXGain: "470", RoleFXLoss: "670",
		},
		VATBasis:   VATOnInvoice,
		Functional: cur,
		Journals:   Journals{Sales: Journal{"SAL", "Sales"}, Bank: Journal{"BNK", "Bank"}, Misc: Journal{"GEN", "General"}},
	}
}

// Book is a validated configuration: the posting rules. Build it with
// [NewBook]; it is immutable and safe for concurrent use.
type Book struct {
	cfg      Config
	journals Journals
}

// NewBook validates cfg: a chart, every role mapped to an account of the
// chart, every line rule and VAT account naming an account of the chart
// (an *[UnknownAccountError] otherwise: no entry can ever reference an
// unknown account), bases and journals well formed, a functional
// currency. Other errors are *o2c.ValidationError naming the field.
func NewBook(cfg Config) (*Book, error) {
	if cfg.Chart == nil {
		return nil, o2c.NewValidationError("chart", "is required")
	}
	if cfg.Functional.IsZero() {
		return nil, &o2c.ValidationError{Field: "functional", Rule: "is required", Err: o2c.ErrUnknownCurrency}
	}
	for _, r := range Roles() {
		n, ok := cfg.Accounts[r]
		if !ok || n == "" {
			return nil, &o2c.ValidationError{Field: "accounts[" + string(r) + "]", Rule: "every role needs an account"}
		}
		if err := cfg.Chart.check("accounts["+string(r)+"]", n); err != nil {
			return nil, err
		}
	}
	for r := range cfg.Accounts {
		if !slices.Contains(Roles(), r) {
			return nil, &o2c.ValidationError{Field: "accounts", Rule: "unknown role", Value: string(r)}
		}
	}
	if cfg.VATBasis == "" {
		cfg.VATBasis = VATOnInvoice
	}
	if cfg.VATBasis != VATOnInvoice && cfg.VATBasis != VATOnReceipts {
		return nil, &o2c.ValidationError{Field: "vat_basis", Rule: "must be invoice or receipts", Value: string(cfg.VATBasis)}
	}
	for i, l := range cfg.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if err := cfg.Chart.check(f+".account", l.Account); err != nil {
			return nil, err
		}
		if l.Basis != "" && l.Basis != VATOnInvoice && l.Basis != VATOnReceipts {
			return nil, &o2c.ValidationError{Field: f + ".basis", Rule: "must be empty, invoice or receipts", Value: string(l.Basis)}
		}
	}
	for i, v := range cfg.VAT {
		f := fmt.Sprintf("vat[%d]", i)
		if v.Category.IsZero() {
			return nil, &o2c.ValidationError{Field: f + ".category", Rule: "is required"}
		}
		for _, a := range []struct{ name, n string }{{"due", v.Due}, {"pending", v.Pending}} {
			if a.n != "" {
				if err := cfg.Chart.check(f+"."+a.name, a.n); err != nil {
					return nil, err
				}
			}
		}
	}
	j := cfg.Journals
	if j == (Journals{}) {
		j = Journals{Sales: Journal{"VE", "Journal des ventes"}, Bank: Journal{"BQ", "Journal de banque"}, Misc: Journal{"OD", "Opérations diverses"}}
	}
	for _, x := range []struct {
		name string
		j    Journal
	}{{"sales", j.Sales}, {"bank", j.Bank}, {"misc", j.Misc}} {
		if x.j.Code == "" || strings.ContainsAny(x.j.Code+x.j.Name, "\t|\r\n") || len(x.j.Code) > 20 {
			return nil, &o2c.ValidationError{Field: "journals." + x.name, Rule: "needs a code of 1 to 20 characters and a name, without tab, pipe or line break", Value: x.j.Code}
		}
	}
	cfg.Lines = slices.Clone(cfg.Lines)
	cfg.VAT = slices.Clone(cfg.VAT)
	acc := map[Role]string{}
	for k, v := range cfg.Accounts {
		acc[k] = v
	}
	cfg.Accounts = acc
	return &Book{cfg: cfg, journals: j}, nil
}

// Chart returns the book's chart of accounts.
func (b *Book) Chart() *Chart { return b.cfg.Chart }

// Functional returns the currency of the books.
func (b *Book) Functional() o2c.Currency { return b.cfg.Functional }

// Journals returns the journals entries go to.
func (b *Book) Journals() Journals { return b.journals }

// Account returns the account mapped to role.
func (b *Book) Account(r Role) string { return b.cfg.Accounts[r] }

// JournalName returns the title of journal code ("" if unknown).
func (b *Book) JournalName(code string) string {
	for _, j := range []Journal{b.journals.Sales, b.journals.Bank, b.journals.Misc} {
		if j.Code == code {
			return j.Name
		}
	}
	return ""
}

// lineAccount returns the account and VAT basis of a document line.
func (b *Book) lineAccount(sku string, cat tax.Category, customer string, deposit bool, kindDeposit bool) (string, VATBasis) {
	if deposit || kindDeposit {
		return b.cfg.Accounts[RoleDeposit], b.cfg.VATBasis
	}
	group := ""
	if b.cfg.CustomerGroup != nil {
		group = b.cfg.CustomerGroup(customer)
	}
	for _, r := range b.cfg.Lines {
		if r.SKUPrefix != "" && !strings.HasPrefix(sku, r.SKUPrefix) {
			continue
		}
		if !r.Category.IsZero() && r.Category != cat {
			continue
		}
		if r.CustomerGroup != "" && r.CustomerGroup != group {
			continue
		}
		basis := r.Basis
		if basis == "" {
			basis = b.cfg.VATBasis
		}
		return r.Account, basis
	}
	role := RoleRevenue
	switch sku {
	case SKULateInterest:
		role = RoleLateInterest
	case SKURecoveryIndemnity:
		role = RoleRecoveryIndemnity
	case SKUEarlyPaymentDiscount:
		role = RoleDiscount
	}
	return b.cfg.Accounts[role], b.cfg.VATBasis
}

// vatAccount returns the account for VAT of category and rate on basis.
func (b *Book) vatAccount(cat tax.Category, rate decimal.Decimal, pending bool) string {
	for _, v := range b.cfg.VAT {
		if v.Category == cat && v.Rate.Equal(rate) {
			if pending && v.Pending != "" {
				return v.Pending
			}
			if !pending && v.Due != "" {
				return v.Due
			}
		}
	}
	if pending {
		return b.cfg.Accounts[RolePendingVAT]
	}
	return b.cfg.Accounts[RoleOutputVAT]
}
