package dunning

// The shipped letter templates. The wording is this project's own; adapt
// it to your house style by passing TemplateSource overrides to
// NewTemplates.

func textPartials(lang string) string {
	if lang == "fr" {
		return `{{define "party"}}{{.Name}}{{if .LegalID}}
{{.LegalID}}{{end}}{{if .VATNumber}}
TVA intracommunautaire : {{.VATNumber}}{{end}}{{range .Address}}
{{.}}{{end}}{{end}}` +
			`{{define "items"}}{{range .Items}}- Facture {{.Number}}{{if not .IssueDate.IsZero}} du {{date .IssueDate}}{{end}}, échéance le {{date .DueDate}} : {{money .Amount}} restant dû{{if gt .DaysOverdue 0}} ({{.DaysOverdue}} jours de retard){{end}}
{{end}}{{end}}` +
			`{{define "interest_periods"}}{{range .Periods}}  · facture {{.Number}}, du {{date .From}} au {{date .To}} ({{.Days}} j) : {{money .Principal}} restant dû au taux de {{percent .RatePercent}} % = {{money .Interest}}
{{end}}{{end}}` +
			`{{define "pay"}}{{if .PayURL}}
Pour régler en ligne : {{.PayURL}}
{{end}}{{with .Bank}}
Par virement à {{.Holder}}, IBAN {{.FormattedIBAN}}{{if .BIC}}, BIC {{.BIC}}{{end}}{{if $.HasReferences}}, en indiquant la référence de chaque facture :
{{range $.Items}}{{if .Reference}}  facture {{.Number}} : {{.Reference}}
{{end}}{{end}}{{else}}.
{{end}}{{end}}{{if .MandateURL}}
Pour payer vos prochaines factures par prélèvement SEPA, signez un mandat : {{.MandateURL}}
{{end}}{{end}}` +
			`{{define "sign"}}
Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

{{.Creditor.Name}}{{if .Creditor.Email}}
{{.Creditor.Email}}{{end}}{{if .Creditor.Phone}}
{{.Creditor.Phone}}{{end}}
Référence : {{.Key}}
{{end}}`
	}
	return `{{define "party"}}{{.Name}}{{if .LegalID}}
{{.LegalID}}{{end}}{{if .VATNumber}}
VAT: {{.VATNumber}}{{end}}{{range .Address}}
{{.}}{{end}}{{end}}` +
		`{{define "items"}}{{range .Items}}- Invoice {{.Number}}{{if not .IssueDate.IsZero}} of {{date .IssueDate}}{{end}}, due {{date .DueDate}}: {{money .Amount}} outstanding{{if gt .DaysOverdue 0}} ({{.DaysOverdue}} days overdue){{end}}
{{end}}{{end}}` +
		`{{define "interest_periods"}}{{range .Periods}}  · invoice {{.Number}}, {{date .From}} to {{date .To}} ({{.Days}} days): {{money .Principal}} outstanding at {{percent .RatePercent}} % = {{money .Interest}}
{{end}}{{end}}` +
		`{{define "pay"}}{{if .PayURL}}
Pay online: {{.PayURL}}
{{end}}{{with .Bank}}
By bank transfer to {{.Holder}}, IBAN {{.FormattedIBAN}}{{if .BIC}}, BIC {{.BIC}}{{end}}{{if $.HasReferences}}, quoting each invoice's reference:
{{range $.Items}}{{if .Reference}}  invoice {{.Number}}: {{.Reference}}
{{end}}{{end}}{{else}}.
{{end}}{{end}}{{if .MandateURL}}
To pay future invoices by SEPA direct debit, sign a mandate: {{.MandateURL}}
{{end}}{{end}}` +
		`{{define "sign"}}
Yours faithfully,

{{.Creditor.Name}}{{if .Creditor.Email}}
{{.Creditor.Email}}{{end}}{{if .Creditor.Phone}}
{{.Creditor.Phone}}{{end}}
Reference: {{.Key}}
{{end}}`
}

func htmlPartials(lang string) string {
	if lang == "fr" {
		return `{{define "party_html"}}<p>{{.Name}}{{if .LegalID}}<br>{{.LegalID}}{{end}}{{if .VATNumber}}<br>TVA intracommunautaire : {{.VATNumber}}{{end}}{{range .Address}}<br>{{.}}{{end}}</p>{{end}}` +
			`{{define "items_html"}}<table><thead><tr><th>Facture</th><th>Date</th><th>Échéance</th><th>Jours de retard</th><th>Restant dû</th></tr></thead><tbody>{{range .Items}}<tr><td>{{.Number}}</td><td>{{date .IssueDate}}</td><td>{{date .DueDate}}</td><td>{{if gt .DaysOverdue 0}}{{.DaysOverdue}}{{end}}</td><td>{{money .Amount}}</td></tr>{{end}}</tbody></table>{{end}}` +
			`{{define "interest_periods_html"}}{{with .Periods}}<table><thead><tr><th>Facture</th><th>Du</th><th>Au</th><th>Jours</th><th>Restant dû</th><th>Taux annuel</th><th>Pénalités</th></tr></thead><tbody>{{range .}}<tr><td>{{.Number}}</td><td>{{date .From}}</td><td>{{date .To}}</td><td>{{.Days}}</td><td>{{money .Principal}}</td><td>{{percent .RatePercent}} %</td><td>{{money .Interest}}</td></tr>{{end}}</tbody></table>{{end}}{{end}}` +
			`{{define "pay_html"}}{{if .PayURL}}<p><a href="{{.PayURL}}">Régler en ligne</a></p>{{end}}{{with .Bank}}<p>Par virement à {{.Holder}}, IBAN {{.FormattedIBAN}}{{if .BIC}}, BIC {{.BIC}}{{end}}{{if $.HasReferences}}, en indiquant la référence de chaque facture :{{range $.Items}}{{if .Reference}}<br>facture {{.Number}} : {{.Reference}}{{end}}{{end}}{{else}}.{{end}}</p>{{end}}{{if .MandateURL}}<p><a href="{{.MandateURL}}">Signer un mandat de prélèvement SEPA</a></p>{{end}}{{end}}` +
			`{{define "sign_html"}}<p>Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.</p><p>{{.Creditor.Name}}</p><p><small>Référence : {{.Key}}</small></p>{{end}}`
	}
	return `{{define "party_html"}}<p>{{.Name}}{{if .LegalID}}<br>{{.LegalID}}{{end}}{{if .VATNumber}}<br>VAT: {{.VATNumber}}{{end}}{{range .Address}}<br>{{.}}{{end}}</p>{{end}}` +
		`{{define "items_html"}}<table><thead><tr><th>Invoice</th><th>Date</th><th>Due</th><th>Days overdue</th><th>Outstanding</th></tr></thead><tbody>{{range .Items}}<tr><td>{{.Number}}</td><td>{{date .IssueDate}}</td><td>{{date .DueDate}}</td><td>{{if gt .DaysOverdue 0}}{{.DaysOverdue}}{{end}}</td><td>{{money .Amount}}</td></tr>{{end}}</tbody></table>{{end}}` +
		`{{define "interest_periods_html"}}{{with .Periods}}<table><thead><tr><th>Invoice</th><th>From</th><th>To</th><th>Days</th><th>Outstanding</th><th>Annual rate</th><th>Interest</th></tr></thead><tbody>{{range .}}<tr><td>{{.Number}}</td><td>{{date .From}}</td><td>{{date .To}}</td><td>{{.Days}}</td><td>{{money .Principal}}</td><td>{{percent .RatePercent}} %</td><td>{{money .Interest}}</td></tr>{{end}}</tbody></table>{{end}}{{end}}` +
		`{{define "pay_html"}}{{if .PayURL}}<p><a href="{{.PayURL}}">Pay now</a></p>{{end}}{{with .Bank}}<p>By bank transfer to {{.Holder}}, IBAN {{.FormattedIBAN}}{{if .BIC}}, BIC {{.BIC}}{{end}}{{if $.HasReferences}}, quoting each invoice's reference:{{range $.Items}}{{if .Reference}}<br>invoice {{.Number}}: {{.Reference}}{{end}}{{end}}{{else}}.{{end}}</p>{{end}}{{if .MandateURL}}<p><a href="{{.MandateURL}}">Sign a SEPA direct-debit mandate</a></p>{{end}}{{end}}` +
		`{{define "sign_html"}}<p>Yours faithfully,</p><p>{{.Creditor.Name}}</p><p><small>Reference: {{.Key}}</small></p>{{end}}`
}

// frenchCharges is the block of claims shared by the French formal
// notice and hand-off letters.
const frenchCharges = `Principal restant dû : {{money .Amount}}
{{if .Interest.IsPositive}}Pénalités de retard au taux annuel de {{percent .InterestRate}} %, calculées jusqu'au {{date .Date}} : {{money .Interest}}
{{template "interest_periods" .}}{{end}}{{if .RecoveryFees.IsPositive}}Indemnité forfaitaire pour frais de recouvrement de {{money .RecoveryFeePerInvoice}} par facture en retard : {{money .RecoveryFees}}
{{end}}{{if .Fee.IsPositive}}Frais de relance : {{money .Fee}}
{{end}}Total réclamé : {{money .Total}}
{{with legal .}}(Fondement : {{.}}.)
{{end}}`

const frenchChargesHTML = `<p>Principal restant dû : {{money .Amount}}<br>
{{if .Interest.IsPositive}}Pénalités de retard au taux annuel de {{percent .InterestRate}} %, calculées jusqu'au {{date .Date}} : {{money .Interest}}<br>{{end}}
{{if .RecoveryFees.IsPositive}}Indemnité forfaitaire pour frais de recouvrement de {{money .RecoveryFeePerInvoice}} par facture en retard : {{money .RecoveryFees}}<br>{{end}}
{{if .Fee.IsPositive}}Frais de relance : {{money .Fee}}<br>{{end}}
<strong>Total réclamé : {{money .Total}}</strong></p>{{if .Interest.IsPositive}}{{template "interest_periods_html" .}}{{end}}{{with legal .}}<p><small>Fondement : {{.}}.</small></p>{{end}}`

const englishCharges = `Principal outstanding: {{money .Amount}}
{{if .Interest.IsPositive}}Late-payment interest at {{percent .InterestRate}} % a year, up to {{date .Date}}: {{money .Interest}}
{{template "interest_periods" .}}{{end}}{{if .RecoveryFees.IsPositive}}Fixed sums for the cost of recovery: {{money .RecoveryFees}}
{{end}}{{if .Fee.IsPositive}}Reminder fee: {{money .Fee}}
{{end}}Total claimed: {{money .Total}}
{{with legal .}}(Under {{.}}.)
{{end}}`

const englishChargesHTML = `<p>Principal outstanding: {{money .Amount}}<br>
{{if .Interest.IsPositive}}Late-payment interest at {{percent .InterestRate}} % a year, up to {{date .Date}}: {{money .Interest}}<br>{{end}}
{{if .RecoveryFees.IsPositive}}Fixed sums for the cost of recovery: {{money .RecoveryFees}}<br>{{end}}
{{if .Fee.IsPositive}}Reminder fee: {{money .Fee}}<br>{{end}}
<strong>Total claimed: {{money .Total}}</strong></p>{{if .Interest.IsPositive}}{{template "interest_periods_html" .}}{{end}}{{with legal .}}<p><small>Under {{.}}.</small></p>{{end}}`

func defaultSources() []TemplateSource {
	frHead := `{{template "party" .Creditor}}

À l'attention de :
{{template "party" .Debtor}}

Le {{date .Date}}
`
	frHeadHTML := `{{template "party_html" .Creditor}}<p>À l'attention de :</p>{{template "party_html" .Debtor}}<p>Le {{date .Date}}</p>`
	enHead := `{{template "party" .Creditor}}

To:
{{template "party" .Debtor}}

{{date .Date}}
`
	enHeadHTML := `{{template "party_html" .Creditor}}<p>To:</p>{{template "party_html" .Debtor}}<p>{{date .Date}}</p>`
	return []TemplateSource{
		{Language: "fr", Name: TemplateCourtesy,
			Subject: `Échéance prochaine de vos factures – {{.Creditor.Name}}`,
			Text: frHead + `
Madame, Monsieur,

Pour faciliter votre organisation, nous vous rappelons que les factures suivantes arrivent bientôt à échéance :

{{template "items" .}}
Total : {{money .Amount}}
{{template "pay" .}}
Si le règlement est déjà programmé, merci de ne pas tenir compte de ce message.
{{template "sign" .}}`,
			HTML: frHeadHTML + `<p>Madame, Monsieur,</p><p>Pour faciliter votre organisation, nous vous rappelons que les factures suivantes arrivent bientôt à échéance :</p>{{template "items_html" .}}<p>Total : {{money .Amount}}</p>{{template "pay_html" .}}<p>Si le règlement est déjà programmé, merci de ne pas tenir compte de ce message.</p>{{template "sign_html" .}}`},
		{Language: "fr", Name: TemplateReminder,
			Subject: `Relance : factures échues – {{.Creditor.Name}}`,
			Text: frHead + `
Madame, Monsieur,

Sauf erreur de notre part, nous n'avons pas encore reçu le paiement des factures suivantes, dont l'échéance est dépassée :

{{template "items" .}}
Total dû : {{money .Total}}
{{template "pay" .}}
Nous vous remercions de bien vouloir procéder au règlement dans les meilleurs délais. Si un point de ces factures vous semble contestable, merci de nous le signaler en réponse à ce courrier.
{{template "sign" .}}`,
			HTML: frHeadHTML + `<p>Madame, Monsieur,</p><p>Sauf erreur de notre part, nous n'avons pas encore reçu le paiement des factures suivantes, dont l'échéance est dépassée :</p>{{template "items_html" .}}<p><strong>Total dû : {{money .Total}}</strong></p>{{template "pay_html" .}}<p>Nous vous remercions de bien vouloir procéder au règlement dans les meilleurs délais. Si un point de ces factures vous semble contestable, merci de nous le signaler en réponse à ce courrier.</p>{{template "sign_html" .}}`},
		{Language: "fr", Name: TemplateFinal,
			Subject: `Dernière relance avant mise en demeure – {{.Creditor.Name}}`,
			Text: frHead + `
Madame, Monsieur,

Nos précédentes relances sont restées sans effet. Les factures suivantes demeurent impayées :

{{template "items" .}}
` + frenchCharges + `{{if not .PaymentDeadline.IsZero}}
Sans règlement au {{date .PaymentDeadline}}, nous vous adresserons une mise en demeure.
{{end}}{{template "pay" .}}{{template "sign" .}}`,
			HTML: frHeadHTML + `<p>Madame, Monsieur,</p><p>Nos précédentes relances sont restées sans effet. Les factures suivantes demeurent impayées :</p>{{template "items_html" .}}` + frenchChargesHTML + `{{if not .PaymentDeadline.IsZero}}<p>Sans règlement au {{date .PaymentDeadline}}, nous vous adresserons une mise en demeure.</p>{{end}}{{template "pay_html" .}}{{template "sign_html" .}}`},
		{Language: "fr", Name: TemplateFormalNotice,
			Subject: `Mise en demeure de payer – {{.Creditor.Name}}`,
			Text: `Lettre recommandée avec demande d'avis de réception

Créancier :
{{template "party" .Creditor}}

Débiteur :
{{template "party" .Debtor}}

Le {{date .Date}}

Objet : mise en demeure de payer

Madame, Monsieur,

Malgré nos relances, les factures ci-dessous, échues, restent impayées à ce jour :

{{template "items" .}}
` + frenchCharges + `
Par la présente, nous vous mettons en demeure de nous verser la somme de {{money .Total}} {{if .DeadlineFromReceipt}}dans un délai de {{.DeadlineDays}} jours à compter de la réception de la présente{{else}}au plus tard le {{date .PaymentDeadline}}{{end}}.

Faute de paiement intégral à cette date, nous saisirons la juridiction compétente, notamment par une requête en injonction de payer, sans nouvel avis. Les frais de procédure et les intérêts courus jusqu'au paiement s'ajouteront alors à votre dette.
{{template "pay" .}}{{template "sign" .}}`,
			HTML: `<p><strong>Lettre recommandée avec demande d'avis de réception</strong></p><p>Créancier :</p>{{template "party_html" .Creditor}}<p>Débiteur :</p>{{template "party_html" .Debtor}}<p>Le {{date .Date}}</p><p><strong>Objet : mise en demeure de payer</strong></p><p>Madame, Monsieur,</p><p>Malgré nos relances, les factures ci-dessous, échues, restent impayées à ce jour :</p>{{template "items_html" .}}` + frenchChargesHTML + `<p>Par la présente, nous vous mettons en demeure de nous verser la somme de <strong>{{money .Total}}</strong> {{if .DeadlineFromReceipt}}dans un délai de <strong>{{.DeadlineDays}} jours</strong> à compter de la réception de la présente{{else}}au plus tard le <strong>{{date .PaymentDeadline}}</strong>{{end}}.</p><p>Faute de paiement intégral à cette date, nous saisirons la juridiction compétente, notamment par une requête en injonction de payer, sans nouvel avis. Les frais de procédure et les intérêts courus jusqu'au paiement s'ajouteront alors à votre dette.</p>{{template "pay_html" .}}{{template "sign_html" .}}`},
		{Language: "fr", Name: TemplateHandoff,
			Subject: `Transmission de votre dossier au recouvrement – {{.Creditor.Name}}`,
			Text: frHead + `
Madame, Monsieur,

Notre mise en demeure étant restée sans suite, nous confions ce jour le recouvrement des sommes suivantes à un tiers{{if eq .Channel "legal_action"}} en vue d'une action en justice{{end}} :

{{template "items" .}}
` + frenchCharges + `
Un règlement immédiat peut encore éviter la procédure.
{{template "pay" .}}{{template "sign" .}}`,
			HTML: frHeadHTML + `<p>Madame, Monsieur,</p><p>Notre mise en demeure étant restée sans suite, nous confions ce jour le recouvrement des sommes suivantes à un tiers{{if eq .Channel "legal_action"}} en vue d'une action en justice{{end}} :</p>{{template "items_html" .}}` + frenchChargesHTML + `<p>Un règlement immédiat peut encore éviter la procédure.</p>{{template "pay_html" .}}{{template "sign_html" .}}`},
		{Language: "fr", Name: TemplatePhoneTask,
			Subject: `Appeler {{.Debtor.Name}} : {{money .Total}} en retard`,
			Text: `Tâche : appeler {{.Debtor.Name}}{{if .Debtor.Phone}} au {{.Debtor.Phone}}{{end}} au sujet des factures échues.

{{template "items" .}}
Total dû : {{money .Total}}
Référence : {{.Key}}
`,
			HTML: `<p>Tâche : appeler {{.Debtor.Name}}{{if .Debtor.Phone}} au {{.Debtor.Phone}}{{end}} au sujet des factures échues.</p>{{template "items_html" .}}<p>Total dû : {{money .Total}}</p><p><small>Référence : {{.Key}}</small></p>`},

		{Language: "en", Name: TemplateCourtesy,
			Subject: `Invoices falling due soon – {{.Creditor.Name}}`,
			Text: enHead + `
Dear customer,

As a courtesy, here are the invoices that fall due shortly:

{{template "items" .}}
Total: {{money .Amount}}
{{template "pay" .}}
If payment is already on its way, please disregard this message.
{{template "sign" .}}`,
			HTML: enHeadHTML + `<p>Dear customer,</p><p>As a courtesy, here are the invoices that fall due shortly:</p>{{template "items_html" .}}<p>Total: {{money .Amount}}</p>{{template "pay_html" .}}<p>If payment is already on its way, please disregard this message.</p>{{template "sign_html" .}}`},
		{Language: "en", Name: TemplateReminder,
			Subject: `Payment reminder: overdue invoices – {{.Creditor.Name}}`,
			Text: enHead + `
Dear customer,

Our records show the following invoices as unpaid past their due date:

{{template "items" .}}
Total due: {{money .Total}}
{{template "pay" .}}
Please arrange payment at your earliest convenience, or tell us if anything on these invoices is in question.
{{template "sign" .}}`,
			HTML: enHeadHTML + `<p>Dear customer,</p><p>Our records show the following invoices as unpaid past their due date:</p>{{template "items_html" .}}<p><strong>Total due: {{money .Total}}</strong></p>{{template "pay_html" .}}<p>Please arrange payment at your earliest convenience, or tell us if anything on these invoices is in question.</p>{{template "sign_html" .}}`},
		{Language: "en", Name: TemplateFinal,
			Subject: `Final notice before legal action – {{.Creditor.Name}}`,
			Text: enHead + `
Dear customer,

Despite our reminders, the following invoices remain unpaid:

{{template "items" .}}
` + englishCharges + `{{if not .PaymentDeadline.IsZero}}
Unless we receive payment in full by {{date .PaymentDeadline}}, we will pass the debt to a collection agency or start court proceedings without further notice.
{{end}}{{template "pay" .}}{{template "sign" .}}`,
			HTML: enHeadHTML + `<p>Dear customer,</p><p>Despite our reminders, the following invoices remain unpaid:</p>{{template "items_html" .}}` + englishChargesHTML + `{{if not .PaymentDeadline.IsZero}}<p>Unless we receive payment in full by <strong>{{date .PaymentDeadline}}</strong>, we will pass the debt to a collection agency or start court proceedings without further notice.</p>{{end}}{{template "pay_html" .}}{{template "sign_html" .}}`},
		{Language: "en", Name: TemplateFormalNotice,
			Subject: `Formal demand for payment – {{.Creditor.Name}}`,
			Text: `Creditor:
{{template "party" .Creditor}}

Debtor:
{{template "party" .Debtor}}

{{date .Date}}

Formal demand for payment

The following invoices are overdue and unpaid:

{{template "items" .}}
` + englishCharges + `
We require payment of {{money .Total}} {{if .DeadlineFromReceipt}}within {{.DeadlineDays}} days of receiving this letter{{else}}by {{date .PaymentDeadline}}{{end}}. Failing that, we will start court proceedings to recover the debt, interest and costs without further notice.
{{template "pay" .}}{{template "sign" .}}`,
			HTML: `<p>Creditor:</p>{{template "party_html" .Creditor}}<p>Debtor:</p>{{template "party_html" .Debtor}}<p>{{date .Date}}</p><p><strong>Formal demand for payment</strong></p><p>The following invoices are overdue and unpaid:</p>{{template "items_html" .}}` + englishChargesHTML + `<p>We require payment of <strong>{{money .Total}}</strong> {{if .DeadlineFromReceipt}}within <strong>{{.DeadlineDays}} days</strong> of receiving this letter{{else}}by <strong>{{date .PaymentDeadline}}</strong>{{end}}. Failing that, we will start court proceedings to recover the debt, interest and costs without further notice.</p>{{template "pay_html" .}}{{template "sign_html" .}}`},
		{Language: "en", Name: TemplateHandoff,
			Subject: `Your account has been passed for collection – {{.Creditor.Name}}`,
			Text: enHead + `
Dear customer,

As our final notice went unanswered, we have today passed the following debt {{if eq .Channel "legal_action"}}to our solicitors{{else}}to a collection agency{{end}}:

{{template "items" .}}
` + englishCharges + `
Paying now in full can still stop the proceedings.
{{template "pay" .}}{{template "sign" .}}`,
			HTML: enHeadHTML + `<p>Dear customer,</p><p>As our final notice went unanswered, we have today passed the following debt {{if eq .Channel "legal_action"}}to our solicitors{{else}}to a collection agency{{end}}:</p>{{template "items_html" .}}` + englishChargesHTML + `<p>Paying now in full can still stop the proceedings.</p>{{template "pay_html" .}}{{template "sign_html" .}}`},
		{Language: "en", Name: TemplatePhoneTask,
			Subject: `Call {{.Debtor.Name}}: {{money .Total}} overdue`,
			Text: `Task: call {{.Debtor.Name}}{{if .Debtor.Phone}} on {{.Debtor.Phone}}{{end}} about the overdue invoices.

{{template "items" .}}
Total due: {{money .Total}}
Reference: {{.Key}}
`,
			HTML: `<p>Task: call {{.Debtor.Name}}{{if .Debtor.Phone}} on {{.Debtor.Phone}}{{end}} about the overdue invoices.</p>{{template "items_html" .}}<p>Total due: {{money .Total}}</p><p><small>Reference: {{.Key}}</small></p>`},
	}
}
