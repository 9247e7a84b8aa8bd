package dunning_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cashcycle/sdk/adapters/memory"
	"github.com/cashcycle/sdk/customer"
	"github.com/cashcycle/sdk/dunning"
	"github.com/cashcycle/sdk/o2c"
)

// Each level's channel reaches its own notifier through a Router: the
// email reminder the customer's mailbox, the phone task the collectors'
// task list (never the customer), the SMS the debtor's phone.
func TestRouterHonoursEachLevelsChannel(t *testing.T) {
	ctx := context.Background()
	due := o2c.MustDate(2026, time.March, 2)
	clock := o2c.NewManualClock(due.Time())
	db := memory.New(memory.WithClock(clock))
	acme := db.MustTenant("acme")
	cu, err := customer.New("acme", customer.Details{Number: "C-1", LegalName: "Dupont SARL", Language: "fr",
		BillingContacts: []customer.Contact{{Name: "Compta", Email: "compta@dupont.example", Phone: "+33 6 12 34 56 78", Reminders: true}}}, clock.Now())
	require.NoError(t, err)
	require.NoError(t, acme.Customers().Create(ctx, cu))
	led := &ledger{credits: map[o2c.CustomerID]o2c.Money{}}
	led.add(openItem(cu.ID, "F-1", "1000.00", due.AddDays(-30), due))

	mails, tasks, texts := dunning.NewMemoryNotifier(), &dunning.MemoryTasks{}, &dunning.MemorySMS{}
	plan := dunning.Plan{Code: "CH", Levels: []dunning.Level{
		{Name: "mail", OffsetDays: 3, Channel: dunning.ChannelEmail, Template: dunning.TemplateReminder},
		{Name: "call", OffsetDays: 10, Channel: dunning.ChannelPhoneTask, Template: dunning.TemplatePhoneTask},
		{Name: "text", OffsetDays: 15, Channel: dunning.ChannelSMS, Template: dunning.TemplateReminder},
		{Name: "notice", OffsetDays: 20, Channel: dunning.ChannelRegisteredLetter, Template: dunning.TemplateFinal},
	}}
	svc, err := dunning.NewService(dunning.Config{
		Store: acme.Dunning(), Tx: acme, Items: led, Credits: led, Customers: acme.Customers(), Clock: clock,
		Plans: []dunning.Plan{plan}, DefaultPlan: "CH", Creditor: dunning.Party{Name: "Acme SAS", Country: "FR"},
		PayURL: dunning.PayLink("https://pay.example/p"),
		Notifier: dunning.Router{
			dunning.ChannelEmail:     mails,
			dunning.ChannelPhoneTask: dunning.TaskNotifier{Sink: tasks},
			dunning.ChannelSMS:       dunning.SMSNotifier{Sender: texts},
			// no route for registered letters
		},
	})
	require.NoError(t, err)
	run := func(d o2c.Date) (dunning.RunResult, error) {
		clock.Set(d.Time().Add(8 * time.Hour))
		return svc.Run(ctx, d)
	}

	_, err = run(o2c.MustDate(2026, time.March, 5))
	require.NoError(t, err)
	require.Equal(t, 1, mails.Len())
	d, _ := mails.Delivered(mails.Keys()[0])
	assert.Equal(t, []string{"compta@dupont.example"}, d.Letter.Recipients)

	_, err = run(o2c.MustDate(2026, time.March, 12))
	require.NoError(t, err)
	assert.Equal(t, 1, mails.Len(), "the phone task is not mailed")
	require.Len(t, tasks.Tasks(), 1)
	task := tasks.Tasks()[0]
	assert.Equal(t, cu.ID, task.Customer)
	assert.Equal(t, "+33 6 12 34 56 78", task.Debtor.Phone)
	assert.Contains(t, task.Text, "appeler Dupont SARL au +33 6 12 34 56 78")
	assert.Empty(t, texts.Sent())

	_, err = run(o2c.MustDate(2026, time.March, 17))
	require.NoError(t, err)
	require.Len(t, texts.Sent(), 1)
	sms := texts.Sent()[0]
	assert.Equal(t, "+33612345678", sms.To)
	assert.Contains(t, sms.Text, "Relance")
	assert.Contains(t, sms.Text, "https://pay.example/p?")
	assert.Contains(t, sms.Text, "invoice=F-1")
	assert.Equal(t, 1, mails.Len())
	assert.Len(t, tasks.Tasks(), 1)

	// a channel nobody delivers is an error, not a silent fallback
	_, err = run(o2c.MustDate(2026, time.March, 23))
	require.ErrorIs(t, err, dunning.ErrChannel)
	assert.Equal(t, 1, mails.Len())
	h, err := svc.History(ctx, cu.ID)
	require.NoError(t, err)
	require.Len(t, h, 4)
	assert.Equal(t, dunning.LetterPending, h[3].Status)
	assert.Equal(t, dunning.ChannelRegisteredLetter, h[3].Channel)
}

func TestChannelNotifiersRefuseOtherChannels(t *testing.T) {
	ctx := context.Background()
	d := dunning.Delivery{Key: "k", Letter: dunning.Letter{Channel: dunning.ChannelEmail, Debtor: dunning.Party{Phone: "+33612345678"}}, Rendered: dunning.Rendered{Subject: "s", Text: "t"}}
	assert.ErrorIs(t, dunning.SMSNotifier{Sender: &dunning.MemorySMS{}}.Deliver(ctx, d), dunning.ErrChannel)
	assert.ErrorIs(t, dunning.TaskNotifier{Sink: &dunning.MemoryTasks{}}.Deliver(ctx, d), dunning.ErrChannel)
	assert.ErrorIs(t, dunning.Router{}.Deliver(ctx, d), o2c.ErrValidation)

	d.Letter.Channel = dunning.ChannelSMS
	d.Letter.Debtor.Phone = ""
	assert.ErrorIs(t, dunning.SMSNotifier{Sender: &dunning.MemorySMS{}}.Deliver(ctx, d), o2c.ErrValidation, "no phone: no SMS")

	// the fake acknowledges a repeat without recording it twice
	texts := &dunning.MemorySMS{}
	d.Letter.Debtor.Phone = "+33 6 12 34 56 78"
	require.NoError(t, dunning.SMSNotifier{Sender: texts}.Deliver(ctx, d))
	require.NoError(t, dunning.SMSNotifier{Sender: texts}.Deliver(ctx, d))
	assert.Len(t, texts.Sent(), 1)
	assert.True(t, dunning.ChannelEmail.ReachesCustomer())
	assert.False(t, dunning.ChannelPhoneTask.ReachesCustomer())
	assert.NoError(t, dunning.Plan{Code: "S", Levels: []dunning.Level{{Name: "s", Channel: dunning.ChannelSMS, Template: "reminder"}}}.Validate())
}
