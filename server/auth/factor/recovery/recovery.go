// Package recovery is the recovery codes: ten single-use codes made with a
// user's first second factor, which serve every later one. At the login's
// second step a code is a factor (factor.Factor), spent by the login's own
// transaction; Regenerate replaces the set after another factor proves the
// user.
package recovery

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Store is where the codes are kept: only their keyed hashes.
type Store interface {
	// RecoveryCodes returns the user's set, used codes included (so a
	// second use can be told apart from a wrong code).
	RecoveryCodes(ctx context.Context, userID int64) ([]domain.RecoveryCode, error)
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
	// RegenerateRecoveryCodes replaces the set, using up proof; it returns
	// domain.ErrReplay or domain.ErrLocked as a login step would.
	RegenerateRecoveryCodes(ctx context.Context, userID int64, proof domain.Proof, hashes []string, now time.Time, audit *domain.AuditEvent) error
	WipeRecoveryCodes(ctx context.Context, userID int64, now time.Time) error
}

// Factor is the recovery codes.
type Factor struct {
	factor.Base
	Store Store
	// Factors proves the user with another factor for Regenerate.
	Factors *factor.Service
}

// New returns the recovery codes kept in st.
func New(b factor.Base, st Store, fs *factor.Service) *Factor {
	return &Factor{Base: b, Store: st, Factors: fs}
}

// Recovery codes: ten per user, each twelve characters of Crockford's base32
// (60 bits), shown as xxxx-xxxx-xxxx. The alphabet has no i, l, o or u, and
// typing one of the look-alikes is forgiven (o -> 0, i and l -> 1).
const (
	codeCount = 10
	codeLen   = 12
	alphabet  = "0123456789abcdefghjkmnpqrstvwxyz"
	// Purpose is what the codes' keyed hashes are tagged for.
	Purpose = "recovery-code"
)

var (
	errFormat    = shared.Fail(shared.EInvalid, words.RecoveryCodeForm).WithField("code", words.CheckRecoveryCode)
	errWrong     = shared.Fail(shared.EWrongCode, words.RecoveryCodeWrong)
	errUsed      = shared.Fail(shared.EWrongCode, words.RecoveryCodeUsed)
	errNotAlone  = shared.Fail(shared.EConflict, words.RecoveryCodesFirst)
	errLoginOnly = shared.Fail(shared.EInvalid, words.RecoveryCodeLoginOnly)
)

// NewCodes returns a fresh set for showing once and the keyed hashes that
// are all the database keeps.
func (f *Factor) NewCodes() (codes, hashes []string, err error) {
	buf := make([]byte, codeLen)
	for range codeCount {
		if _, err := io.ReadFull(f.Rand, buf); err != nil {
			return nil, nil, err
		}
		raw := make([]byte, codeLen)
		for i, b := range buf {
			raw[i] = alphabet[b&31] // 32 symbols: every byte value maps evenly
		}
		code := string(raw)
		tag, err := f.Keys.Tag(Purpose, raw)
		if err != nil {
			return nil, nil, err
		}
		codes = append(codes, code[:4]+"-"+code[4:8]+"-"+code[8:])
		hashes = append(hashes, tag)
	}
	return codes, hashes, nil
}

// normalize returns the twelve characters of a typed code.
func normalize(in string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToLower(in) {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'o':
			r = '0'
		case r == 'i' || r == 'l':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(alphabet, r) {
			return "", false
		}
		b.WriteRune(r)
	}
	return b.String(), b.Len() == codeLen
}

// Kind is the login history's name for a recovery code.
func (f *Factor) Kind() string { return shared.MethodRecoveryCode }

// Enrolled is false: the codes are no factor of their own.
func (f *Factor) Enrolled(*domain.User) bool { return false }

// List is empty: the codes are not listed among the factors.
func (f *Factor) List(context.Context, *domain.User) ([]shared.SecondFactor, error) { return nil, nil }

// Enrol refuses: the codes come with the first factor (NewCodes).
func (f *Factor) Enrol(context.Context, *domain.Session, factor.Input, core.Client) (*factor.Enrolled, error) {
	return nil, errNotAlone
}

// Owns is false: no id of the list is a code.
func (f *Factor) Owns(*domain.User, string) bool { return false }

// Rename refuses: the codes have no name.
func (f *Factor) Rename(context.Context, *domain.User, string, string) (shared.SecondFactor, error) {
	return shared.SecondFactor{}, errNotAlone
}

// Remove refuses: the codes go with the last factor (switching 2FA off).
func (f *Factor) Remove(context.Context, *domain.User, string, core.Client) error { return errNotAlone }

// Wipe removes the user's codes: they go with the last factor.
func (f *Factor) Wipe(ctx context.Context, userID int64, now time.Time) error {
	return f.Store.WipeRecoveryCodes(ctx, userID, now)
}

// Prove checks a recovery code at the login's second step. A code is spent
// by the login's own transaction (the proof's use), so of racing requests
// exactly one logs in. Wrong and used codes count toward the same lockout
// as wrong authenticator codes; a right one ends the authenticator's stop.
func (f *Factor) Prove(ctx context.Context, a *factor.Attempt) (*factor.Proof, error) {
	u := a.Session.User
	now := f.Now()
	if !a.AtLogin {
		return nil, errLoginOnly
	}
	if u.CodesLocked(now) {
		return nil, a.Refusals.Locked(ctx, u)
	}
	normalized, ok := normalize(a.Input.Code)
	if !ok {
		return nil, a.Refusals.Refuse(ctx, shared.ReasonMalformedCode, errFormat)
	}
	reserved, err := f.Throttle.ReserveCode(ctx, u, now)
	if errors.Is(err, throttle.ErrStopped) {
		// Recovery codes are what ends the stop: only a lock refuses them.
		err = nil
	}
	if err != nil {
		return nil, a.Refusals.Reservation(ctx, err)
	}
	codes, err := f.Store.RecoveryCodes(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	// Compare with every code, not stopping at a match, so the time taken
	// does not tell which one matched.
	var match *domain.RecoveryCode
	for i := range codes {
		if f.Keys.TagMatches(codes[i].CodeHash, Purpose, []byte(normalized)) && match == nil {
			match = &codes[i]
		}
	}
	switch {
	case match == nil:
		return nil, a.Refusals.Count(ctx, shared.ReasonWrongCode, errWrong, reserved)
	case match.UsedAt != nil:
		return nil, a.Refusals.Count(ctx, shared.ReasonReusedCode, errUsed, reserved)
	}
	left := -1 // the match is spent by the proof's write
	for _, rc := range codes {
		if rc.UsedAt == nil {
			left++
		}
	}
	return &factor.Proof{Use: domain.Proof{RecoveryCodeID: &match.ID}, Reserved: reserved, Notices: f.notices(u, a.Client, left),
		ReplayReason: shared.ReasonReusedCode, ReplayAnswer: errUsed,
		CodesLeft: func(ctx context.Context) (int, error) { return f.Store.RecoveryCodesLeft(ctx, u.ID) }}, nil
}

// notices are the notices of a login with a recovery code that leaves left
// codes.
func (f *Factor) notices(u *domain.User, c core.Client, left int) []*domain.Notice {
	n := []*domain.Notice{f.Notices.Notice(u, shared.NoticeRecoveryCodeUsed, c, strconv.Itoa(left))}
	if left <= shared.RecoveryCodesLowAt {
		n = append(n, f.Notices.Notice(u, shared.NoticeRecoveryCodesLow, c, strconv.Itoa(left)))
	}
	return n
}

// Left counts the user's unused codes.
func (f *Factor) Left(ctx context.Context, userID int64) (int, error) {
	return f.Store.RecoveryCodesLeft(ctx, userID)
}

// Regenerate replaces the user's recovery codes after another factor proves
// it is them (a current authenticator code, or a security key's answer to
// its proof ceremony), and returns the new set to show once. Wrong proofs
// count toward the lockout, as at login, and are audited.
func (f *Factor) Regenerate(ctx context.Context, sess *domain.Session, in factor.Input, c core.Client) ([]string, error) {
	c = c.Clip()
	u := sess.User
	kind := shared.FactorTOTP
	if len(in.Credential) > 0 {
		kind = shared.FactorSecurityKey
	}
	a := &factor.Attempt{Session: sess, Input: in, Client: c, Refusals: f.Factors.Audited(u, c, shared.AuditRegenerateRefused)}
	p, err := f.Factors.Prove(ctx, kind, a)
	if err != nil {
		return nil, err
	}
	codes, hashes, err := f.NewCodes()
	if err != nil {
		return nil, err
	}
	audit := f.Notices.WithNotice(f.History.Audit(u.AccountID, u, shared.AuditCodesRegenerated, u, c, ""), u, shared.NoticeRecoveryCodesRegenerated, c, "")
	if err := f.Factors.Used(ctx, a, p, f.Store.RegenerateRecoveryCodes(ctx, u.ID, p.Use, hashes, f.Now(), audit)); err != nil {
		return nil, err
	}
	return codes, nil
}

// shownFor is how long sealed recovery codes wait for their page.
const shownFor = time.Minute

// SealShown seals fresh recovery codes for the one page that shows them,
// when that page is the server's (a form posted before the app ran): they
// travel in a cookie bound to the user, never in a URL, and expire.
func (f *Factor) SealShown(userID int64, codes []string) (string, error) {
	return f.SealUntil(shownContext(userID), codes, f.Now().Add(shownFor))
}

// OpenShown opens what SealShown sealed for userID, if it has not expired.
func (f *Factor) OpenShown(userID int64, v string) ([]string, bool) {
	var codes []string
	_, ok := f.OpenUntil(shownContext(userID), v, f.Now(), &codes)
	return codes, ok && len(codes) > 0
}

func shownContext(userID int64) []byte {
	return []byte("shown-codes:" + strconv.FormatInt(userID, 10))
}

// First is what a factor that can be a user's first one has (the
// authenticator app, the security keys): the base all factors share, its
// own store, and the recovery codes its enrolment brings.
type First[S any] struct {
	factor.Base
	Store    S
	Recovery *Factor // the codes the first factor brings
}

// NewFirst is the First of a factor kept in st.
func NewFirst[S any](b factor.Base, st S, r *Factor) First[S] {
	return First[S]{Base: b, Store: st, Recovery: r}
}
