package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// benchHistory measures a page of one user's login history on PostgreSQL
// when the table holds 10 thousand and 10 million events: the user has the
// same 5,000 events in both, spread evenly through the table, and 100 other
// users have the rest. Each request asks for 20 events before a cursor at a
// random depth, as "Load more" does. Goal: p99 at 10 million <= 1.5 x p99
// at 10 thousand.
//
// The 10-million table takes minutes to fill, so it is kept between runs in
// the schema bench_history_10m and refilled only when it is not complete.
// Under -quick the large table holds 50 thousand events, made afresh.
func benchHistory(ctx context.Context, o options) error {
	fmt.Println("| events in the table | the user's events | pages read | p50 | p99 |")
	fmt.Println("|---|---|---|---|---|")
	sizes := [2]int{10_000, o.size(10_000_000, 50_000)}
	var p99 [2]time.Duration
	for i, size := range sizes {
		name, keep := "bench_history_small", false
		if size == 10_000_000 {
			name, keep = "bench_history_10m", true
		} else if i == 1 {
			name = "bench_history_large"
		}
		s, err := historySchema(ctx, o, name, size, keep)
		if err != nil {
			return err
		}
		var lo, hi int64
		if err := s.db.QueryRowContext(ctx, `SELECT min(id), max(id) FROM login_events WHERE user_id = $1`, historyUser).Scan(&lo, &hi); err != nil {
			return err
		}
		srv, err := startServer(o, "DATABASE_URL="+s.url)
		if err != nil {
			return err
		}
		cookie := "warden_session=" + benchToken(historyUser)
		page := func(c *http.Client, _ int) (bool, error) {
			before := lo + rand.Int64N(hi-lo+1)
			return true, call(c, "GET", fmt.Sprintf("%s/api/me/logins?limit=20&before=%d", srv.URL, before), "", 200, cookie)
		}
		load(ctx, 1, time.Second, page) // warm up
		r := load(ctx, 1, o.duration/2, page)
		srv.stop()
		if !keep {
			s.drop(ctx)
		} else {
			s.db.Close()
		}
		if r.failed > 0 {
			return fmt.Errorf("history pages: %v", r)
		}
		p99[i] = percentile(r.lat, 0.99)
		fmt.Printf("| %d | %d | %d | %s | %s |\n", size, historyUserEvents, r.ok, ms(percentile(r.lat, 0.5)), ms(p99[i]))
	}
	ratio := float64(p99[1]) / float64(p99[0])
	fmt.Printf("\np99 ratio %d / %d events: **%.2f**\n", sizes[1], sizes[0], ratio)
	atMost(fmt.Sprintf("history page p99, %d ÷ %d events", sizes[1], sizes[0]), ratio, 1.5, "%.2f")
	return nil
}

// historyUser is the id of the user whose pages are read, and
// historyUserEvents how many events that user has.
const (
	historyUser       = 1
	historyUserEvents = 5000
)

// historySchema returns a migrated schema whose login_events holds size
// events, with a full session for historyUser. A kept schema that is
// already complete is reused.
func historySchema(ctx context.Context, o options, name string, size int, keep bool) (*schema, error) {
	s, err := openSchema(ctx, o.dbURL, name, false)
	if err != nil {
		return nil, err
	}
	var have int
	if keep && s.db.QueryRowContext(ctx, `SELECT count(*) FROM login_events`).Scan(&have) == nil && have == size {
		fmt.Printf("(reusing %s with %d events)\n", name, have)
	} else {
		s.db.Close()
		if s, err = openSchema(ctx, o.dbURL, name, true); err != nil {
			return nil, err
		}
		start := time.Now()
		if err := fillHistory(ctx, o, s, size); err != nil {
			return nil, fmt.Errorf("fill %s: %w", name, err)
		}
		fmt.Printf("(filled %s with %d events in %.0f s)\n", name, size, time.Since(start).Seconds())
	}
	_, err = s.db.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1;`, historyUser)
	if err == nil {
		_, err = s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES (sha256(convert_to($1, 'UTF8')), $2, 'full', now(), now(), now() + interval '1 hour', '127.0.0.1', 'bench')`,
			benchToken(historyUser), historyUser)
	}
	return s, err
}

// fillHistory migrates the schema and fills it in bulk: the secondary
// indexes are dropped and rebuilt around the insert, and foreign-key checks
// are off for it, as a bulk load would do.
func fillHistory(ctx context.Context, o options, s *schema, size int) error {
	if err := serverCmd(ctx, o, "", []string{"DATABASE_URL=" + s.url}, "migrate"); err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT indexname, indexdef FROM pg_indexes
		WHERE schemaname = $1 AND tablename = 'login_events' AND indexname <> 'login_events_pkey'`, s.name)
	if err != nil {
		return err
	}
	var names, defs []string
	for rows.Next() {
		var n, d string
		rows.Scan(&n, &d)
		names, defs = append(names, n), append(defs, d)
	}
	rows.Close()
	stmts := []string{
		`DELETE FROM users`, `DELETE FROM accounts`,
		`INSERT INTO accounts (id, name, name_key, created_at) OVERRIDING SYSTEM VALUE VALUES (1, 'Bench', 'bench', now())`,
		`INSERT INTO users (id, account_id, username, password_hash, role, created_at, updated_at) OVERRIDING SYSTEM VALUE
			SELECT g, 1, 'user' || g, 'x', 'user', now(), now() FROM generate_series(1, 101) g`,
		`SET session_replication_role = replica`,
	}
	for _, n := range names {
		stmts = append(stmts, `DROP INDEX `+n)
	}
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO login_events (created_at, account_id, user_id, username, ip, user_agent, method, result, reason)
		SELECT now() - g * interval '500 milliseconds', 1, CASE WHEN g %% %d = 0 THEN 1 ELSE 2 + g %% 100 END, 'user',
			'192.0.2.1', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0', 'password',
			CASE WHEN g %% 10 = 0 THEN 'failure' ELSE 'success' END, CASE WHEN g %% 10 = 0 THEN 'wrong_password' ELSE '' END
		FROM generate_series(1, %d) g`, size/historyUserEvents, size))
	stmts = append(stmts, defs...)
	stmts = append(stmts, `SET session_replication_role = DEFAULT`, `VACUUM ANALYZE login_events`)
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%.60s: %w", q, err)
		}
	}
	return nil
}
