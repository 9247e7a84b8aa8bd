package cycle

import (
	"context"
	"github.com/cashcycle/sdk/matching"
	"time"

	"github.com/cashcycle/sdk/collect"
	"github.com/cashcycle/sdk/collect/sepa"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/einvoice"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/kernel"
	"github.com/cashcycle/sdk/o2c"
)

// Collecting turns on getting paid (package collect): pay-now links in
// dunning letters and e-invoices, payment-provider intake, SEPA direct
// debit and refunds by credit transfer.
type Collecting struct {
	// Keys sign the pay links (required).
	Keys *collect.Keyring
	// PayURL is the host's pay page (adapters/paylinkhttp mounted there);
	// the token is appended as ?t=.
	PayURL string
	// LinkTTL is how long a letter's link stays valid (zero: 30 days).
	LinkTTL time.Duration
	// Store keeps mandates, collections, batches, provider events and
	// link uses; nil: the Stores' own when they have a CollectStore
	// method ([CollectStores]), else collect.NewKernelStore on their
	// Kernel() scope (adapters/memory and adapters/sqlstore have one).
	Store collect.Store
	// Creditor is the tenant's name and account for direct debits and
	// refunds (needed by DirectDebit and Refunds).
	Creditor sepa.Party
	// PreNotifier tells debtors of coming collections (needed by
	// DirectDebit).
	PreNotifier collect.Notifier
	// CutOff, Format and Lookahead as in collect.DirectDebitOptions.
	CutOff    collect.CutOff
	Format    sepa.Version
	Lookahead int
	// RefundFormat is the pain.001 version of refunds (zero: .09).
	RefundFormat sepa.Version
	// MandateURL, when set, returns the host's page where customer signs
	// a SEPA direct-debit mandate: dunning letters offer it to customers
	// without a usable mandate.
	MandateURL func(customer o2c.CustomerID) string
}

// CollectStores is what [Stores] may also implement to keep collect's
// records with the tenant's others (see [Collecting.Store]).
type CollectStores interface {
	CollectStore() collect.Store
}

type collecting struct {
	cfg     Collecting
	links   *collect.PayLinks
	intake  *collect.Intake
	dd      *collect.DirectDebit
	refunds *collect.Refunds
}

func (c *Cycle) setupCollecting(cfg Collecting, dc *dunning.Config) error {
	if cfg.Keys == nil {
		return o2c.NewValidationError("collecting.keys", "is required")
	}
	links, err := collect.NewPayLinks(collect.PayLinkOptions{Keys: cfg.Keys, Tenant: c.stores.TenantID(), Invoices: c.stores.Invoices(),
		BaseURL: cfg.PayURL, TTL: cfg.LinkTTL, Clock: c.clock})
	if err != nil {
		return err
	}
	c.collect = &collecting{cfg: cfg, links: links}
	if dc.PayURL == nil {
		dc.PayURL = LetterPayLink(links)
	}
	// Letters offer the payment options the tenant has: the pay link
	// above, the creditor's account with each invoice's RF reference, and
	// the mandate signup page.
	if dc.Bank == nil && cfg.Creditor.IBAN != "" {
		dc.Bank = &dunning.BankAccount{Holder: cfg.Creditor.Name, IBAN: cfg.Creditor.IBAN, BIC: cfg.Creditor.BIC}
	}
	if dc.Bank != nil && dc.ItemReference == nil {
		dc.ItemReference = matching.RFReferenceForNumber
	}
	if cfg.MandateURL != nil && dc.MandateURL == nil {
		dc.MandateURL = c.letterMandateURL(cfg.MandateURL)
	}
	return nil
}

// letterMandateURL offers the mandate signup page in a letter unless the
// customer already has a mandate usable on the letter's date.
func (c *Cycle) letterMandateURL(page func(o2c.CustomerID) string) func(context.Context, dunning.Letter) string {
	return func(ctx context.Context, l dunning.Letter) string {
		if st := c.collect.store(c); st != nil {
			ms, err := st.Mandates(ctx, l.Customer, true)
			if err == nil {
				for _, m := range ms {
					if m.UsableOn(l.Date) == nil {
						return ""
					}
				}
			}
		}
		return page(l.Customer)
	}
}

// finishCollecting builds the services that need invoicing.
func (c *Cycle) finishCollecting() error {
	k := c.collect
	if k == nil {
		return nil
	}
	st := k.store(c)
	if st == nil {
		return nil // links only: no intake, direct debit or refunds
	}
	var err error
	if k.intake, err = collect.NewIntake(collect.IntakeOptions{Store: st, Tx: c.tx, Invoicing: c.invoices, Links: k.links, Clock: c.clock}); err != nil {
		return err
	}
	if k.cfg.Creditor.Name != "" {
		if k.cfg.PreNotifier != nil {
			if k.dd, err = collect.NewDirectDebit(collect.DirectDebitOptions{Store: st, Tx: c.tx, Invoicing: c.invoices, DueLines: c.stores.Invoices(),
				Notifier: k.cfg.PreNotifier, Creditor: k.cfg.Creditor, CutOff: k.cfg.CutOff, Format: k.cfg.Format, Lookahead: k.cfg.Lookahead, Clock: c.clock}); err != nil {
				return err
			}
		}
		if k.refunds, err = collect.NewRefunds(c.tx, c.invoices, c.invoices, k.cfg.Creditor, k.cfg.RefundFormat, c.clock); err != nil {
			return err
		}
	}
	return nil
}

// LetterPayLink returns a dunning.Config.PayURL that signs a pay link for
// each letter: its customer, every item's due line (invoice and due
// date) and its total.
func LetterPayLink(links *collect.PayLinks) func(l dunning.Letter) string {
	return func(l dunning.Letter) string {
		lines := make([]collect.LinkLine, 0, len(l.Items))
		for _, it := range l.Items {
			lines = append(lines, collect.LinkLine{Invoice: it.Invoice, Number: it.Number, DueDate: it.DueDate})
		}
		return links.Link(l.Customer, lines, l.Total)
	}
}

// PayLinks returns the pay-link service (nil without Collecting).
func (c *Cycle) PayLinks() *collect.PayLinks {
	if c.collect == nil {
		return nil
	}
	return c.collect.links
}

// PaymentIntake returns the provider-event intake (nil without a collect
// store); adapters/stripe.Handler takes it as its Receiver.
func (c *Cycle) PaymentIntake() *collect.Intake {
	if c.collect == nil {
		return nil
	}
	return c.collect.intake
}

// DirectDebit returns the SEPA direct-debit service (nil without a
// collect store, a creditor or a pre-notifier).
func (c *Cycle) DirectDebit() *collect.DirectDebit {
	if c.collect == nil {
		return nil
	}
	return c.collect.dd
}

// Refunds returns the refunds-by-transfer service (nil without a collect
// store or a creditor).
func (c *Cycle) Refunds() *collect.Refunds {
	if c.collect == nil {
		return nil
	}
	return c.collect.refunds
}

// paymentMeans completes an e-invoice's BG-16 with collect: an invoice of
// a customer with a usable mandate says it will be collected by SEPA
// direct debit (BT-81 "59", mandate BT-89, creditor identifier BT-90,
// debited account BT-91); any other open invoice carries its pay link in
// the payment means text (BT-82), valid until a year after its due date.
// The remittance reference (BT-83) stays the invoice's.
func (c *Cycle) paymentMeans(ctx context.Context, inv *invoice.Invoice, pm *einvoice.PaymentMeans) {
	k := c.collect
	if k == nil || inv.Kind() == invoice.KindCreditNote || !inv.Open().IsPositive() {
		return
	}
	if st := k.store(c); st != nil && inv.Currency() == o2c.EUR {
		ms, err := st.Mandates(ctx, inv.Customer(), true)
		if err == nil {
			for _, m := range ms {
				if m.UsableOn(inv.DueDate()) == nil {
					*pm = einvoice.PaymentMeans{Code: "59", Text: "SEPA direct debit", Reference: pm.Reference,
						Mandate: m.Reference, CreditorID: string(m.CreditorID), DebitedAccount: m.IBAN}
					return
				}
			}
		}
	}
	tok, err := k.links.IssueUntil(inv.Customer(), []collect.LinkLine{{Invoice: inv.ID(), Number: inv.Number()}}, inv.Open(),
		inv.DueDate().AddYears(1).Time())
	if err != nil {
		return
	}
	if pm.Text == "" {
		pm.Text = "Pay online: " + k.links.URL(tok)
	}
}

func (k *collecting) store(c *Cycle) collect.Store {
	if k.cfg.Store != nil {
		return k.cfg.Store
	}
	if cs, ok := c.stores.(CollectStores); ok {
		return cs.CollectStore()
	}
	if ks, ok := c.stores.(interface{ Kernel() kernel.Scope }); ok {
		return collect.NewKernelStore(ks.Kernel())
	}
	return nil
}
