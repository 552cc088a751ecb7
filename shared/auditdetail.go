package shared

import (
	"strconv"
	"strings"

	"github.com/warden-auth/warden/shared/words"
)

// AuditDetailWords says an audit event's detail in the reader's language.
// The server stores a detail as data (a role, a number of days, "on", a
// reason's code, a name), in the forms below; a detail of another form (a
// name, a key's id) is said as it is.
func AuditDetailWords(action, detail string) words.Message {
	if say, ok := auditDetails[action]; ok {
		if m, ok := say(detail); ok {
			return m
		}
	}
	if detail == "" {
		return words.Message{}
	}
	return words.Verbatim(detail)
}

// auditDetails reads the detail of each action that has one in a fixed
// form; ok is false for one it cannot read (a newer server's).
var auditDetails = map[string]func(detail string) (words.Message, bool){
	AuditEmailChanged:    fixedDetail(map[string]words.Message{"removed": words.AuditEmailRemoved, "kept the confirmed address": words.AuditEmailKept, "link sent to the new address": words.AuditEmailLinkSent}),
	AuditPasskeysChanged: fixedDetail(map[string]words.Message{"on": words.On, "off": words.Off}),
	AuditPolicyChanged:   policyDetail,
	AuditTrustPolicy: func(d string) (words.Message, bool) {
		n, err := strconv.Atoi(strings.TrimSuffix(d, " days"))
		return words.AuditDays(n), err == nil && strings.HasSuffix(d, " days")
	},
	AuditUserCreated: func(d string) (words.Message, bool) {
		role, ok := strings.CutPrefix(d, "role ")
		return words.AuditRole(RoleWords(role)), ok
	},
	AuditRoleChanged: func(d string) (words.Message, bool) {
		from, to, ok := strings.Cut(d, " → ")
		return words.AuditRoleChange(RoleWords(from), RoleWords(to)), ok
	},
	AuditSessionEnded: func(d string) (words.Message, bool) {
		id, ok := strings.CutPrefix(d, "session ")
		return words.AuditSession(id), ok
	},
	AuditBrowserRemoved: func(d string) (words.Message, bool) {
		id, ok := strings.CutPrefix(d, "browser ")
		return words.AuditBrowser(id), ok
	},
	AuditDisconnectRefused: reasonDetail,
	AuditReauthRefused:     reasonDetail,
	AuditRegenerateRefused: reasonDetail,
	AuditPasswordRefused:   reasonDetail,
}

func fixedDetail(known map[string]words.Message) func(string) (words.Message, bool) {
	return func(d string) (words.Message, bool) { m, ok := known[d]; return m, ok }
}

func reasonDetail(d string) (words.Message, bool) { return ReasonWords(d), d != "" }

// policyDetail reads Force 2FA's change: "on" or "off", and ", grace
// period N days" when the grace period was set with it.
func policyDetail(d string) (words.Message, bool) {
	state, grace, withGrace := strings.Cut(d, ", grace period ")
	m, ok := fixedDetail(map[string]words.Message{"on": words.On, "off": words.Off})(state)
	if !withGrace || !ok {
		return m, ok
	}
	n, err := strconv.Atoi(strings.TrimSuffix(grace, " days"))
	return words.AuditWithGrace(m, n), err == nil
}

// RoleWords names a role (a role this version does not know, as a user).
func RoleWords(role string) words.Message {
	switch role {
	case RolePlatformAdmin:
		return words.RolePlatformAdmin
	case RoleAdmin:
		return words.RoleAdmin
	}
	return words.RoleUser
}
