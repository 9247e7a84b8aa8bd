package customer

import (
	"strings"

	"golang.org/x/text/language"
)

// ValidateLanguage checks a language tag for documents and reminders: a
// well-formed BCP 47 tag with a known language subtag ("fr", "en",
// "fr-FR", "pt-BR", "zh-Hant"). Case is free ("fr-fr" is fine) and an
// underscore reads as a hyphen ("fr_FR", as POSIX locales write it); customers
// store the canonical form ("fr-FR"). "und" and private-use tags are
// refused. It returns nil or a *[o2c.ValidationError] with Field
// "language".
func ValidateLanguage(tag string) error {
	_, err := normalizeLanguage(tag)
	return err
}

func normalizeLanguage(s string) (string, error) {
	const field = "language"
	t := strings.TrimSpace(s)
	if t == "" {
		return "", invalid(field, "is required", s, ErrRequired)
	}
	if len(t) > 35 {
		return "", invalid(field, "must be at most 35 characters", s, ErrInvalidLength)
	}
	tag, err := language.Parse(strings.ReplaceAll(t, "_", "-"))
	if err != nil {
		return "", invalid(field, "must be a BCP 47 language tag such as fr, en or fr-FR", s, ErrInvalidFormat)
	}
	if base, conf := tag.Base(); conf != language.Exact || base.String() == "und" {
		return "", invalid(field, "must name a language", s, ErrInvalidFormat)
	}
	return tag.String(), nil
}
