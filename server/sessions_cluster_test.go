package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// TestCluster_EndedSessionsAreDeadOnTheOtherServer: two server processes on
// one PostgreSQL database. A session ended from a is refused by b at its
// next request, and "End all others" sent to b ends the sessions a serves:
// no process keeps sessions of its own, the database is the truth.
func TestCluster_EndedSessionsAreDeadOnTheOtherServer(t *testing.T) {
	dbURL, dir := storetest.URL(t, store.Postgres)
	key, _ := sealing.Generate("k1")
	a := startProcess(t, dbURL, dir, "SECRET_KEY", key).instance
	b := startProcess(t, dbURL, t.TempDir(), "SECRET_KEY", key).instance
	pw := a.AdminPassword

	owner, other, third := newClient(t, a), newClient(t, b), newClient(t, b)
	for _, c := range []*apiClient{owner, other, third} {
		c.login(pw)
	}
	if st := other.status(b.URL + "/api/me"); st != 200 {
		t.Fatalf("b's session before: %d", st)
	}
	res, err := owner.http.Get(a.URL + "/api/me/sessions")
	if err != nil {
		t.Fatal(err)
	}
	var list shared.Sessions
	json.NewDecoder(res.Body).Decode(&list)
	res.Body.Close()
	if len(list.Sessions) != 3 || !list.Sessions[0].Current {
		t.Fatalf("sessions on a: %+v", list)
	}
	req, _ := http.NewRequest("DELETE", fmt.Sprintf("%s/api/me/sessions/%d", a.URL, list.Sessions[1].ID), nil)
	res, err = owner.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 204 {
		t.Fatalf("end on a: %d", res.StatusCode)
	}
	if st := other.status(b.URL + "/api/me"); st != 401 {
		t.Fatalf("the session ended on a, on b: %d", st)
	}

	// End all others, sent to b by the third browser: the owner's session
	// on a ends.
	var ended shared.EndedSessions
	if st := third.post("/api/me/sessions/end-others", nil, &ended); st != 200 || ended.Ended != 1 {
		t.Fatalf("end others on b: %d %+v", st, ended)
	}
	if st := owner.status(a.URL + "/api/me"); st != 401 {
		t.Fatalf("the owner's session on a after end-others on b: %d", st)
	}
	if st := third.status(a.URL + "/api/me"); st != 200 {
		t.Fatalf("the third browser's own session on a: %d", st)
	}
}
