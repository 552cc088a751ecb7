package idp

import (
	"slices"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// What a sign-in to an application must have proved, and when: the
// client's own rule (OIDCClient.MinACR), the request's acr_values, max_age
// and prompt=login (OpenID Connect Core 3.1.2.1). A full session that falls
// short gets no code until the user gives the proof again (Warden's
// re-authentication, sessions.Reauthenticate), and the ID token says the
// proof that met the request: its auth_time, amr and acr.

// strength orders the acr values; an unknown one is none.
func strength(acr string) int {
	return slices.Index([]string{ACRPassword, ACRMultiFactor, ACRPhishingResistant}, acr) + 1
}

// CheckACR refuses a client's MinACR that is none of Warden's acr values.
func CheckACR(acr string) bool { return acr == "" || strength(acr) > 0 }

// needed is the strength a request asks for: the client's rule, or more if
// the request's acr_values ask for it. acr_values lists what the client
// would accept, so the weakest of those Warden knows is what it needs.
func needed(c *domain.OIDCClient, acrValues []string) int {
	need := strength(c.MinACR)
	asked := 0
	for _, v := range acrValues {
		if n := strength(v); n > 0 && (asked == 0 || n < asked) {
			asked = n
		}
	}
	return max(need, asked)
}

// proof is what a sign-in proved and when.
type proof struct {
	methods string
	at      time.Time
}

// proofFor is the proof of sess that meets the request of row and p for
// the client c at now, and whether there is one. The candidates, the first
// that meets it taken: the login; the latest re-authentications; and the
// login stepped up by them (a trusted browser's password, then a code),
// dated from the login, its older part.
func proofFor(sess *domain.Session, c *domain.OIDCClient, row *domain.OIDCAuthRequest, p params, now time.Time) (proof, bool) {
	candidates := []proof{{methods: sess.Methods, at: sess.CreatedAt}}
	if sess.ReauthMethods != "" && sess.ReauthAt != nil {
		candidates = append(candidates, proof{methods: sess.ReauthMethods, at: *sess.ReauthAt},
			proof{methods: sess.Methods + " " + sess.ReauthMethods, at: sess.CreatedAt})
	}
	need := needed(c, p.ACRValues)
	for _, pr := range candidates {
		if strength(acr(pr.methods)) >= need && fresh(pr.at, row, p, now) {
			return pr, true
		}
	}
	return proof{}, false
}

// fresh says whether a proof made at is recent enough for the request: any
// is, unless it asked for one within max_age seconds (op makes
// prompt=login a max_age of 0, as OpenID Connect Core 3.1.2.1 has it); one
// given after the request began always is (the user takes time to give
// it).
func fresh(at time.Time, row *domain.OIDCAuthRequest, p params, now time.Time) bool {
	return !at.Before(row.CreatedAt) || p.MaxAge == nil || now.Sub(at) <= time.Duration(*p.MaxAge)*time.Second
}

// proofNeed is what the page asking for the proof says the request needs
// (shared.AppSignInConfirm's need).
func proofNeed(c *domain.OIDCClient, p params) string {
	switch needed(c, p.ACRValues) {
	case strength(ACRPhishingResistant):
		return shared.AppSignInNeedKey
	case strength(ACRMultiFactor):
		return shared.AppSignInNeedSecond
	}
	return shared.AppSignInNeedFresh
}

// methodsOf lists a proof's methods once each, in order.
func methodsOf(methods string) string {
	var out []string
	for _, m := range strings.Fields(methods) {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return strings.Join(out, " ")
}
