package dunning_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// The French preset, level by level.
func ExamplePlanFrance() {
	p := dunning.PlanFrance()
	for i, l := range p.Levels {
		fmt.Printf("%d %-13s %+3d days  %-17s %-13s interest=%t fee=%t deadline=%d\n",
			i, l.Name, l.OffsetDays, l.Channel, l.Template, l.ClaimInterest, l.ClaimRecoveryFee, l.PaymentDeadlineDays)
	}
	// Output:
	// 0 courtesy       -5 days  email             courtesy      interest=false fee=false deadline=0
	// 1 reminder-1     +5 days  email             reminder      interest=false fee=false deadline=0
	// 2 reminder-2    +15 days  letter            reminder      interest=false fee=false deadline=0
	// 3 formal-notice +30 days  registered_letter formal_notice interest=true fee=true deadline=8
	// 4 handoff       +30 days  collection_agency handoff       interest=true fee=true deadline=0
}

// A proposal for one customer whose invoice is 35 days overdue and who
// had the second reminder 12 days ago: the formal notice is due, with
// interest and the 40 EUR indemnity.
func ExamplePropose() {
	asOf := o2c.MustDate(2026, time.March, 10)
	cid, _ := o2c.ParseCustomerID("0195b3c0-0000-7000-8000-000000000001")
	item := invoice.OpenItem{
		Invoice: o2c.NewID[invoice.Invoice](), Number: "FA-2026-0042", Kind: invoice.KindInvoice, Status: invoice.StatePartiallyPaid,
		Customer: cid, IssueDate: asOf.AddDays(-65), DueDate: asOf.AddDays(-35),
		Gross: o2c.MustMoney("1800.00", "EUR"), Open: o2c.MustMoney("1200.00", "EUR"), Disputed: o2c.Zero(o2c.EUR),
	}
	book, _ := dunning.NewPlanBook([]dunning.Plan{dunning.PlanFrance()}, "FR", nil)
	p, err := dunning.Propose(dunning.Input{
		AsOf: asOf, Plans: book, Calendar: invoice.FrenchBusinessCalendar(), Items: []invoice.OpenItem{item},
		History: []dunning.HistoryEntry{{Key: "k", RunDate: asOf.AddDays(-12), Customer: cid, Currency: o2c.EUR, Level: 2,
			LevelName: "reminder-2", Status: dunning.LetterDelivered, Items: []dunning.HistoryItem{{Invoice: item.Invoice}}}},
		Rates: invoice.ReferenceRateTable{Name: "ECB MRO", Rates: []invoice.ReferenceRate{
			{Effective: o2c.MustDate(2025, time.June, 11), Percent: decimal.RequireFromString("2.15")}}},
		Rounding: o2c.RoundHalfEven,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	l := p.Letters[0]
	fmt.Println(l.LevelName, l.Channel, "deadline", l.PaymentDeadline)
	fmt.Println("amount", l.Amount, "interest", l.Interest, "recovery", l.RecoveryFees, "total", l.Total)
	for _, r := range l.Reasons {
		fmt.Println("-", r)
	}
	// Output:
	// formal-notice registered_letter deadline 2026-03-18
	// amount 1200.00 EUR interest 13.98 EUR recovery 40.00 EUR total 1253.98 EUR
	// - invoice FA-2026-0042 is 35 days overdue (level formal-notice from 30 days)
	// - previous level reminder-2 sent on 2026-02-26
	// - plan FR by default plan
}

// The French formal notice ("mise en demeure"), rendered as text.
func ExampleTemplates_Render() {
	l := dunning.Letter{
		Key: "acme/2026-03-10/0195b3c0-0000-7000-8000-000000000001/EUR/formal-notice", Date: o2c.MustDate(2026, time.March, 10),
		Language: "fr", Template: dunning.TemplateFormalNotice, Channel: dunning.ChannelRegisteredLetter,
		Creditor: dunning.Party{Name: "Acme SAS", LegalID: "SIREN 732 829 320", Address: []string{"12 rue des Lilas", "69003 Lyon"}},
		Debtor:   dunning.Party{Name: "Dupont SARL", Address: []string{"3 place Bellecour", "69002 Lyon"}},
		Items: []dunning.LetterItem{{Number: "FA-2026-0042", IssueDate: o2c.MustDate(2026, time.January, 4), DueDate: o2c.MustDate(2026, time.February, 3),
			DaysOverdue: 35, Amount: o2c.MustMoney("1200.00", "EUR")}},
		Currency: o2c.EUR, Amount: o2c.MustMoney("1200.00", "EUR"), Interest: o2c.MustMoney("13.98", "EUR"),
		RecoveryFees: o2c.MustMoney("40.00", "EUR"), Total: o2c.MustMoney("1253.98", "EUR"), Fee: o2c.Zero(o2c.EUR),
		InterestRate: decimal.RequireFromString("12.15"), RecoveryFeePerInvoice: o2c.MustMoney("40.00", "EUR"),
		LegalReference: "Code de commerce L441-10 II and D441-5", Jurisdiction: "FR", PaymentDeadline: o2c.MustDate(2026, time.March, 18),
		PayURL: "https://pay.example/acme/FA-2026-0042",
	}
	r, err := dunning.DefaultTemplates().Render(l)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Subject)
	fmt.Print(r.Text)
	// Output:
	// Mise en demeure de payer – Acme SAS
	// Lettre recommandée avec demande d'avis de réception
	//
	// Créancier :
	// Acme SAS
	// SIREN 732 829 320
	// 12 rue des Lilas
	// 69003 Lyon
	//
	// Débiteur :
	// Dupont SARL
	// 3 place Bellecour
	// 69002 Lyon
	//
	// Le 10 mars 2026
	//
	// Objet : mise en demeure de payer
	//
	// Madame, Monsieur,
	//
	// Malgré nos relances, les factures ci-dessous, échues, restent impayées à ce jour :
	//
	// - Facture FA-2026-0042 du 4 janvier 2026, échéance le 3 février 2026 : 1 200,00 € restant dû (35 jours de retard)
	//
	// Principal restant dû : 1 200,00 €
	// Pénalités de retard au taux annuel de 12,15 %, calculées jusqu'au 10 mars 2026 : 13,98 €
	// Indemnité forfaitaire pour frais de recouvrement de 40,00 € par facture en retard : 40,00 €
	// Total réclamé : 1 253,98 €
	// (Fondement : articles L441-10 II et D441-5 du Code de commerce.)
	//
	// Par la présente, nous vous mettons en demeure de nous verser la somme de 1 253,98 € au plus tard le 18 mars 2026.
	//
	// Faute de paiement intégral à cette date, nous saisirons la juridiction compétente, notamment par une requête en injonction de payer, sans nouvel avis. Les frais de procédure et les intérêts courus jusqu'au paiement s'ajouteront alors à votre dette.
	//
	// Pour régler en ligne : https://pay.example/acme/FA-2026-0042
	//
	// Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.
	//
	// Acme SAS
	// Référence : acme/2026-03-10/0195b3c0-0000-7000-8000-000000000001/EUR/formal-notice
}
