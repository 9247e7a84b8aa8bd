package dunning

import (
	"github.com/cashcycle/sdk/invoice"
	"github.com/cashcycle/sdk/o2c"
)

// Template names used by the presets and shipped by [DefaultTemplates].
const (
	TemplateCourtesy     = "courtesy"      // a friendly note before the due date
	TemplateReminder     = "reminder"      // a reminder after the due date
	TemplateFinal        = "final_notice"  // last reminder before the formal notice / hand-off
	TemplateFormalNotice = "formal_notice" // French "mise en demeure"
	TemplateHandoff      = "handoff"       // notice that the debt goes to an agency or to court
	TemplatePhoneTask    = "phone_task"    // an internal task: call the customer
)

// PlanFrance returns the French preset (code "FR"), between businesses:
//
//	level          offset  channel            template       other
//	courtesy         -5    email              courtesy
//	reminder-1        5    email              reminder
//	reminder-2       15    letter             reminder       7 days after reminder-1
//	formal-notice    30    registered_letter  formal_notice  10 days after reminder-2, >= 50 EUR,
//	                                                          interest + 40 EUR per invoice, pay within 8 days
//	                                                          (set DeadlineFromReceipt to count them from
//	                                                          the receipt the host records)
//	handoff          30    collection_agency  handoff        once the notice's deadline expired unpaid,
//	                                                          interest + fee
//
// Interest and the recovery fee follow invoice.LatePaymentPolicyFrance.
// Copy the value and change what your procedure does differently.
func PlanFrance() Plan {
	return Plan{
		Code: "FR",
		Name: "Relances clients (France, B2B)",
		Levels: []Level{
			{Name: "courtesy", OffsetDays: -5, Channel: ChannelEmail, Template: TemplateCourtesy},
			{Name: "reminder-1", OffsetDays: 5, Channel: ChannelEmail, Template: TemplateReminder},
			{Name: "reminder-2", OffsetDays: 15, Channel: ChannelLetter, Template: TemplateReminder, MinDaysSincePrevious: 7},
			{Name: "formal-notice", OffsetDays: 30, Channel: ChannelRegisteredLetter, Template: TemplateFormalNotice,
				MinDaysSincePrevious: 10, MinAmounts: []o2c.Money{o2c.MustMoney("50", "EUR")},
				ClaimInterest: true, ClaimRecoveryFee: true, PaymentDeadlineDays: 8},
			// the hand-off follows the notice's deadline, not a number of days
			{Name: "handoff", OffsetDays: 30, Channel: ChannelCollectionAgency, Template: TemplateHandoff,
				ClaimInterest: true, ClaimRecoveryFee: true},
		},
		LatePayment: invoice.LatePaymentPolicyFrance(),
	}
}

// PlanEnglish returns the English-language preset (code "EN"), with UK
// late-payment rules (invoice.LatePaymentPolicyUK: base rate + 8 points
// and fixed sums of 40/70/100 GBP, claimed on GBP debts only):
//
//	level          offset  channel            template       other
//	courtesy         -3    email              courtesy
//	reminder-1        7    email              reminder
//	reminder-2       21    email              reminder       10 days after reminder-1
//	phone-call       28    phone_task         phone_task     5 days after reminder-2
//	final-notice     35    registered_letter  final_notice   5 days after the call, interest + fixed sum,
//	                                                          pay within 7 days
//	handoff          60    collection_agency  handoff        14 days after the final notice
func PlanEnglish() Plan {
	return Plan{
		Code: "EN",
		Name: "Credit control (English)",
		Levels: []Level{
			{Name: "courtesy", OffsetDays: -3, Channel: ChannelEmail, Template: TemplateCourtesy},
			{Name: "reminder-1", OffsetDays: 7, Channel: ChannelEmail, Template: TemplateReminder},
			{Name: "reminder-2", OffsetDays: 21, Channel: ChannelEmail, Template: TemplateReminder, MinDaysSincePrevious: 10},
			{Name: "phone-call", OffsetDays: 28, Channel: ChannelPhoneTask, Template: TemplatePhoneTask, MinDaysSincePrevious: 5},
			{Name: "final-notice", OffsetDays: 35, Channel: ChannelRegisteredLetter, Template: TemplateFinal,
				MinDaysSincePrevious: 5, ClaimInterest: true, ClaimRecoveryFee: true, PaymentDeadlineDays: 7},
			{Name: "handoff", OffsetDays: 60, Channel: ChannelCollectionAgency, Template: TemplateHandoff,
				MinDaysSincePrevious: 14, ClaimInterest: true, ClaimRecoveryFee: true},
		},
		LatePayment: invoice.LatePaymentPolicyUK(),
	}
}
