package matching

import (
	"strings"
)

// parseMT86 reads a :86: field into l (see ParseMT940 for the forms).
func parseMT86(v string, l *Line) {
	raw := strings.TrimSpace(v)
	if raw == "" {
		return
	}
	joined := strings.ReplaceAll(v, "\n", "")
	joined = strings.TrimLeft(joined, " ")
	switch {
	case isGermanMT86(joined):
		parseGerman86(joined, l)
	case isSlashMT86(joined):
		parseSlash86(joined, l)
	default:
		text := cleanText(strings.ReplaceAll(v, "\n", " "))
		if hasSEPAKey(text) {
			// Free text that still carries SEPA keys (EREF+ ... SVWZ+ ...).
			rest := splitSEPA(strings.ReplaceAll(v, "\n", ""), l)
			l.RemittanceText = joinText(rest, l.RemittanceText)
			return
		}
		l.RemittanceText = text
	}
}

// isGermanMT86 reports the "166?00...?20..." form (also with '>' as the
// subfield separator, as some Dutch banks write it).
func isGermanMT86(s string) bool {
	if len(s) >= 6 && allDigits(s[:3]) && (s[3] == '?' || s[3] == '>') && allDigits(s[4:6]) {
		return true
	}
	return len(s) >= 3 && (s[0] == '?' || s[0] == '>') && allDigits(s[1:3])
}

var slashTags = map[string]bool{
	"EREF": true, "REMI": true, "NAME": true, "IBAN": true, "BIC": true, "CSID": true,
	"MARF": true, "ORDP": true, "BENM": true, "ADDR": true, "TRTP": true, "PREF": true,
	"RTRN": true, "CNTP": true, "ULTC": true, "ULTD": true, "ULTB": true, "PURP": true,
	"ISDT": true, "SVCL": true, "ISSR": true, "CDTRREF": true, "CDTRREFTP": true,
	"CD": true, "NRTX": true, "EXCH": true, "CHGS": true, "OCMT": true, "RTYP": true,
	"ACCW": true, "BUSP": true, "ID": true, "CODE": true, "PT": true, "FT": true, "PY": true,
	"TRCD": true, "BENEFICIARY": true,
}

// isSlashMT86 reports the "/EREF/.../NAME/..." form.
func isSlashMT86(s string) bool {
	if len(s) < 3 || s[0] != '/' {
		return false
	}
	tag, _, ok := strings.Cut(s[1:], "/")
	return ok && slashTags[tag]
}

func parseGerman86(s string, l *Line) {
	sep := byte('?')
	code := ""
	if s[0] != '?' && s[0] != '>' {
		code = s[:3]
		sep = s[3]
		s = s[3:]
	} else {
		sep = s[0]
	}
	if code != "" {
		if l.TransactionCode != "" {
			l.TransactionCode += "/" + code
		} else {
			l.TransactionCode = code
		}
	}
	var sub [100]string // subfield number -> text
	var seen [100]bool
	order := make([]int, 0, 16)
	for i := 0; i < len(s); {
		if s[i] != sep || i+2 >= len(s) || !allDigits(s[i+1:i+3]) {
			i++
			continue
		}
		key := int(s[i+1]-'0')*10 + int(s[i+2]-'0')
		j := i + 3
		for j < len(s) && !(s[j] == sep && j+2 < len(s) && allDigits(s[j+1:j+3])) {
			j++
		}
		if !seen[key] {
			seen[key] = true
			order = append(order, key)
			sub[key] = s[i+3 : j]
		} else {
			sub[key] += s[i+3 : j]
		}
		i = j
	}
	var remit strings.Builder
	for _, k := range order {
		if k >= 20 && k <= 29 || k >= 60 && k <= 63 {
			remit.WriteString(sub[k])
		}
	}
	var extra []string
	if p := cleanText(sub[0]); p != "" {
		extra = append(extra, p)
	}
	if bic := strings.TrimSpace(sub[30]); looksLikeBIC(strings.ToUpper(bic)) {
		l.CounterpartyBIC = strings.ToUpper(bic)
	} else if bic != "" {
		l.CounterpartyAccount = bic // a bank code (BLZ); the account follows
	}
	if acct := strings.TrimSpace(sub[31]); acct != "" {
		if iban := compactIBAN(acct); iban != "" {
			l.CounterpartyIBAN = iban
			if !looksLikeBIC(l.CounterpartyBIC) {
				l.CounterpartyAccount = ""
			}
		} else if l.CounterpartyAccount != "" {
			l.CounterpartyAccount += "/" + cleanText(acct)
		} else {
			l.CounterpartyAccount = cleanText(acct)
		}
	}
	l.CounterpartyName = cleanText(sub[32] + sub[33])
	for _, k := range order {
		if k >= 70 {
			if t := cleanText(sub[k]); t != "" {
				extra = append(extra, t)
			}
		}
	}
	text := remit.String()
	if hasSEPAKey(text) {
		text = splitSEPA(text, l)
		l.RemittanceText = joinText(text, l.RemittanceText)
	} else {
		l.RemittanceText = cleanText(text)
	}
	l.AdditionalInfo = joinText(append([]string{l.AdditionalInfo}, extra...)...)
}

var sepaKeys = []string{"EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "IBAN+", "BIC+", "COAM+", "OAMT+"}

func hasSEPAKey(s string) bool {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '+')
		if j < 0 {
			return false
		}
		i += j
		if i >= 3 && sepaKeyAt(s, i-3) != "" || i >= 4 && sepaKeyAt(s, i-4) != "" {
			return true
		}
		i++
	}
}

// sepaKeyAt returns the SEPA key starting at s[i], or "".
func sepaKeyAt(s string, i int) string {
	// Every key is 3 or 4 upper-case letters and '+': test that cheaply first.
	if i+4 > len(s) || s[i] < 'A' || s[i] > 'Z' || (s[i+3] != '+' && (i+5 > len(s) || s[i+4] != '+')) {
		return ""
	}
	for _, k := range sepaKeys {
		if strings.HasPrefix(s[i:], k) {
			return k
		}
	}
	return ""
}

// splitSEPA splits text at the SEPA keys, fills l from them and returns the
// text that stood before the first key.
func splitSEPA(s string, l *Line) string {
	type part struct{ key, val string }
	var parts []part
	start, key := 0, ""
	prefix := ""
	for i := 0; i < len(s); i++ {
		k := sepaKeyAt(s, i)
		if k == "" {
			continue
		}
		if key == "" {
			prefix = s[start:i]
		} else {
			parts = append(parts, part{key, s[start:i]})
		}
		key, start = k, i+len(k)
		i += len(k) - 1
	}
	if key == "" {
		return s
	}
	parts = append(parts, part{key, s[start:]})
	var remit []string
	for _, p := range parts {
		v := cleanText(p.val)
		switch p.key {
		case "EREF+":
			if v != "" && !strings.EqualFold(v, "NOTPROVIDED") {
				l.EndToEndID = v
			}
		case "KREF+": // the full reference; :61: holds at most 16 characters of it
			if v != "" {
				l.CustomerReference = v
			}
		case "MREF+":
			l.MandateID = v
		case "SVWZ+":
			remit = append(remit, v)
		case "ABWA+":
			l.UltimateParty = v
		case "IBAN+":
			if iban := compactIBAN(v); iban != "" && l.CounterpartyIBAN == "" {
				l.CounterpartyIBAN = iban
			}
		case "BIC+":
			if looksLikeBIC(v) && l.CounterpartyBIC == "" {
				l.CounterpartyBIC = v
			}
		default: // CRED+ DEBT+ ABWE+ COAM+ OAMT+
			if v != "" {
				l.AdditionalInfo = joinText(l.AdditionalInfo, strings.TrimSuffix(p.key, "+")+" "+v)
			}
		}
	}
	l.RemittanceText = joinText(append([]string{l.RemittanceText}, remit...)...)
	return cleanText(prefix)
}

// parseSlash86 reads the Dutch "/TAG/value/TAG/value/" form.
func parseSlash86(s string, l *Line) {
	tokens := strings.Split(s, "/")
	fields := map[string]string{}
	var order []string
	key := ""
	var val []string
	flush := func() {
		if key != "" {
			if _, seen := fields[key]; !seen {
				order = append(order, key)
			}
			fields[key] = strings.Trim(strings.Join(val, "/"), "/ ")
		}
	}
	for i, t := range tokens {
		if i == 0 && t == "" {
			continue
		}
		if slashTags[t] {
			flush()
			key, val = t, nil
			continue
		}
		val = append(val, t)
	}
	flush()
	var extra []string
	for _, k := range order {
		v := fields[k]
		switch k {
		case "EREF":
			if v != "" && !strings.EqualFold(v, "NOTPROVIDED") {
				l.EndToEndID = cleanText(v)
			}
		case "REMI":
			l.RemittanceText = joinText(l.RemittanceText, slashRemittance(v, l))
		case "NAME":
			if l.CounterpartyName == "" {
				l.CounterpartyName = cleanText(v)
			}
		case "IBAN":
			if iban := compactIBAN(v); iban != "" {
				l.CounterpartyIBAN = iban
			} else if v != "" {
				l.CounterpartyAccount = cleanText(v)
			}
		case "BIC":
			if looksLikeBIC(strings.TrimSpace(v)) {
				l.CounterpartyBIC = strings.TrimSpace(v)
			}
		case "MARF":
			l.MandateID = cleanText(v)
		case "PREF":
			if l.CustomerReference == "" {
				l.CustomerReference = cleanText(v)
			}
		case "CNTP": // account/BIC/name/city
			p := strings.Split(v, "/")
			if len(p) > 0 {
				if iban := compactIBAN(p[0]); iban != "" {
					l.CounterpartyIBAN = iban
				} else if a := cleanText(p[0]); a != "" {
					l.CounterpartyAccount = a
				}
			}
			if len(p) > 1 && looksLikeBIC(strings.TrimSpace(p[1])) {
				l.CounterpartyBIC = strings.TrimSpace(p[1])
			}
			if len(p) > 2 && l.CounterpartyName == "" {
				l.CounterpartyName = cleanText(p[2])
			}
		case "ULTD", "ULTC", "ULTB":
			if l.UltimateParty == "" {
				l.UltimateParty = cleanText(strings.TrimPrefix(v, "NAME/"))
			}
		case "ORDP", "BENM":
			// Their NAME/ID subfields follow as tags of their own.
			if v != "" && l.CounterpartyName == "" {
				l.CounterpartyName = cleanText(v)
			}
		default:
			if v != "" {
				extra = append(extra, k+" "+cleanText(v))
			}
		}
	}
	l.AdditionalInfo = joinText(append([]string{l.AdditionalInfo}, extra...)...)
}

// slashRemittance reads a /REMI/ value: "USTD//text", "STRD/CUR/ref" or text.
func slashRemittance(v string, l *Line) string {
	switch {
	case strings.HasPrefix(v, "USTD/"):
		return cleanText(strings.TrimLeft(strings.TrimPrefix(v, "USTD/"), "/"))
	case strings.HasPrefix(v, "STRD/"):
		rest := strings.TrimPrefix(v, "STRD/")
		if i := strings.LastIndexByte(rest, '/'); i >= 0 {
			rest = rest[i+1:]
		}
		if ref := cleanText(rest); ref != "" {
			l.StructuredRefs = appendUnique(l.StructuredRefs, ref)
		}
		return ""
	}
	return cleanText(v)
}
