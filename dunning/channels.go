package dunning

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/cashcycle/sdk/o2c"
)

// ErrChannel is matched (errors.Is) by a [*ChannelError]: a notifier was
// offered a letter of a channel it does not deliver.
var ErrChannel = errors.New("dunning: letter channel not delivered by this notifier")

// ChannelError is a letter offered to a notifier that does not deliver its
// channel (an email notifier offered a phone task, a router without a
// route for the channel). Nothing is sent; the letter stays pending and
// fails for good after the service's MaxAttempts. It matches [ErrChannel]
// and o2c.ErrValidation.
type ChannelError struct {
	Key      string
	Channel  Channel
	Notifier string // "email", "sms", "task", "router", ...
}

func (e *ChannelError) Error() string {
	return fmt.Sprintf("dunning: letter %q: the %s notifier does not deliver channel %q", e.Key, e.Notifier, e.Channel)
}

// Is matches ErrChannel and o2c.ErrValidation.
func (e *ChannelError) Is(target error) bool {
	return target == ErrChannel || target == o2c.ErrValidation
}

// Router is a [Notifier] that hands each letter to the notifier of its
// level's channel: the email notifier for email, the host's print service
// for letters, the task list for phone tasks, an [SMSNotifier] for SMS. A
// channel without a route is a *ChannelError, never a silent fallback, so
// an internal task cannot reach the customer through another channel.
type Router map[Channel]Notifier

var _ Notifier = Router(nil)

// Deliver implements Notifier.
func (r Router) Deliver(ctx context.Context, d Delivery) error {
	n, ok := r[d.Letter.Channel]
	if !ok || n == nil {
		return &ChannelError{Key: d.Key, Channel: d.Letter.Channel, Notifier: "router"}
	}
	return n.Deliver(ctx, d)
}

// Task is a collector's task created from a phone-task letter: call the
// customer about the items. It is internal: it goes to the tenant's own
// people, never to the customer.
type Task struct {
	// Key is the letter's idempotency key: one task per key.
	Key      string
	Customer o2c.CustomerID
	// Debtor is who to call (name, phone, email).
	Debtor Party
	// Due is the letter's date: the day the call is due.
	Due o2c.Date
	// Total is what the customer owes on the items.
	Total o2c.Money
	// Subject and Text are the rendered phone_task template.
	Subject, Text string
	Letter        Letter
}

// TaskSink receives collector tasks: the host's CRM, ticketing or task
// list. CreateTask returns nil once the task is recorded (or was already
// recorded under the same key).
type TaskSink interface {
	CreateTask(ctx context.Context, t Task) error
}

// TaskNotifier is the [Notifier] of the phone-task channel: it turns the
// letter into a [Task] for the sink. It refuses, with a *ChannelError,
// any letter that is not a phone task.
type TaskNotifier struct{ Sink TaskSink }

var _ Notifier = TaskNotifier{}

// Deliver implements Notifier.
func (n TaskNotifier) Deliver(ctx context.Context, d Delivery) error {
	if d.Letter.Channel != ChannelPhoneTask {
		return &ChannelError{Key: d.Key, Channel: d.Letter.Channel, Notifier: "task"}
	}
	if n.Sink == nil {
		return invalid("task_notifier.sink", "is required", nil)
	}
	return n.Sink.CreateTask(ctx, Task{Key: d.Key, Customer: d.Letter.Customer, Debtor: d.Letter.Debtor, Due: d.Letter.Date,
		Total: d.Letter.Total, Subject: d.Rendered.Subject, Text: d.Rendered.Text, Letter: d.Letter})
}

// MemoryTasks is a [TaskSink] for tests: tasks by key, a repeat ignored.
// It is safe for concurrent use.
type MemoryTasks struct {
	mu    sync.Mutex
	tasks map[string]Task
	order []string
}

var _ TaskSink = (*MemoryTasks)(nil)

// CreateTask implements TaskSink.
func (m *MemoryTasks) CreateTask(ctx context.Context, t Task) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tasks == nil {
		m.tasks = map[string]Task{}
	}
	if _, ok := m.tasks[t.Key]; ok {
		return nil
	}
	m.tasks[t.Key] = t
	m.order = append(m.order, t.Key)
	return nil
}

// Tasks returns the tasks in creation order.
func (m *MemoryTasks) Tasks() []Task {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Task, 0, len(m.order))
	for _, k := range m.order {
		out = append(out, m.tasks[k])
	}
	return out
}

// SMS is a text message to one phone number.
type SMS struct {
	// Key is the letter's idempotency key: a sender must treat a key it
	// has already accepted as done.
	Key string
	// To is the debtor's number as the customer master holds it
	// ("+33612345678").
	To string
	// Text is the message: the rendered subject, then the pay link.
	Text string
}

// SMSSender sends text messages: the host's SMS gateway. Send returns nil
// once the gateway accepted the message (or did already under the same
// key); an error leaves the letter pending.
type SMSSender interface {
	Send(ctx context.Context, m SMS) error
}

// MaxSMSLength bounds an SMS's text, in characters (a few concatenated
// segments; gateways split longer texts).
const MaxSMSLength = 480

// SMSNotifier is the [Notifier] of the SMS channel: the rendered subject
// and the letter's pay link, to the debtor's phone (Letter.Debtor.Phone).
// It refuses any other channel with a *ChannelError, and a debtor
// without a phone with a *o2c.ValidationError.
type SMSNotifier struct{ Sender SMSSender }

var _ Notifier = SMSNotifier{}

// Message builds the SMS of d without sending it.
func (n SMSNotifier) Message(d Delivery) (SMS, error) {
	if d.Letter.Channel != ChannelSMS {
		return SMS{}, &ChannelError{Key: d.Key, Channel: d.Letter.Channel, Notifier: "sms"}
	}
	to := strings.Join(strings.Fields(d.Letter.Debtor.Phone), "")
	if to == "" {
		return SMS{}, invalid("letter.debtor.phone", "is required for an SMS", d.Key)
	}
	text := strings.TrimSpace(d.Rendered.Subject)
	if d.Letter.PayURL != "" {
		text += " " + d.Letter.PayURL
	}
	if r := []rune(text); len(r) > MaxSMSLength {
		text = string(r[:MaxSMSLength])
	}
	return SMS{Key: d.Key, To: to, Text: text}, nil
}

// Deliver implements Notifier.
func (n SMSNotifier) Deliver(ctx context.Context, d Delivery) error {
	m, err := n.Message(d)
	if err != nil {
		return err
	}
	if n.Sender == nil {
		return invalid("sms_notifier.sender", "is required", nil)
	}
	return n.Sender.Send(ctx, m)
}

// MemorySMS is an [SMSSender] for tests: messages by key (a repeat is
// acknowledged and not recorded again). It is safe for concurrent use.
type MemorySMS struct {
	mu    sync.Mutex
	sent  map[string]SMS
	order []string
}

var _ SMSSender = (*MemorySMS)(nil)

// Send implements SMSSender.
func (m *MemorySMS) Send(ctx context.Context, s SMS) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sent == nil {
		m.sent = map[string]SMS{}
	}
	if _, ok := m.sent[s.Key]; ok {
		return nil
	}
	m.sent[s.Key] = s
	m.order = append(m.order, s.Key)
	return nil
}

// Sent returns the messages in sending order.
func (m *MemorySMS) Sent() []SMS {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]SMS, 0, len(m.order))
	for _, k := range m.order {
		out = append(out, m.sent[k])
	}
	return slices.Clip(out)
}
