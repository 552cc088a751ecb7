package auth

import (
	"context"
	"sync"
	"testing"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/login"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/shared"
)

// storesOf is st as every concern needs it.
func storesOf(st *store.Store) Stores {
	return Stores{Health: st, History: st, Notices: st, Throttle: st, Keys: st, Factors: st, Recovery: st, TOTP: st,
		WebAuthn: st, Sessions: st, Login: st, Accounts: st, Users: st, IDP: st, IDPClients: st}
}

// dbs are the tests' services' databases.
var dbs sync.Map

// dbOf is the database svc was made with (newService).
func dbOf(svc *Service) *store.Store {
	st, _ := dbs.Load(svc)
	return st.(*store.Store)
}

// forcePolicy switches on Force 2FA for the account in the store.
func forcePolicy(t *testing.T, s *store.Store, account string) {
	t.Helper()
	ctx := context.Background()
	a, err := s.AccountByName(ctx, account)
	if err == nil {
		_, err = s.SetForceTwoFactor(ctx, a.ID, true, 0, a.CreatedAt, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// The second step and the enrollment with each factor, as these tests
// call them.

func verifyTOTP(svc *Service, ctx context.Context, sess *domain.Session, code string, remember bool, c core.Client) (*login.Result, error) {
	return svc.Login.SecondStep(ctx, sess, shared.FactorTOTP, factor.Input{Code: code}, remember, c)
}

func loginWithRecoveryCode(svc *Service, ctx context.Context, sess *domain.Session, code string, remember bool, c core.Client) (*login.Result, int, error) {
	res, err := svc.Login.SecondStep(ctx, sess, shared.MethodRecoveryCode, factor.Input{Code: code}, remember, c)
	if err != nil {
		return nil, 0, err
	}
	return res, res.CodesLeft, nil
}

// connected is what connecting an authenticator gives.
type connected struct {
	RecoveryCodes []string
	Session       *login.Result
}

func connectTOTP(svc *Service, ctx context.Context, sess *domain.Session, current, code string, c core.Client) (*connected, error) {
	done, res, err := svc.Login.Enrol(ctx, sess, current, shared.FactorTOTP, factor.Input{Code: code}, c)
	if err != nil {
		return nil, err
	}
	return &connected{RecoveryCodes: done.RecoveryCodes, Session: res}, nil
}

func regenerate(svc *Service, ctx context.Context, u *domain.User, code string, c core.Client) ([]string, error) {
	return svc.Recovery.Regenerate(ctx, &domain.Session{User: u, UserID: u.ID}, factor.Input{Code: code}, c)
}
