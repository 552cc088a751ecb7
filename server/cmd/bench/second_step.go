package main

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pquerna/otp/totp"
	wtotp "github.com/warden-auth/warden/server/auth/factor/totp"
	"github.com/warden-auth/warden/server/sealing"
)

// stepClients is the concurrency the second-step figures are asked at.
const stepClients = 64

// benchSecondStep measures second login steps per second through the API on
// PostgreSQL, each by a different user whose password step is done, and then
// the same database work as a pgbench script (docs/bench/second_step.pgbench)
// on the same database. Goal: API >= 0.7 of pgbench.
func benchSecondStep(ctx context.Context, o options) error {
	s, err := openSchema(ctx, o.dbURL, "bench_2fa", true)
	if err != nil {
		return err
	}
	defer s.drop(ctx)
	key, err := sealing.Generate("bench")
	if err != nil {
		return err
	}
	srv, err := startServer(o, "DATABASE_URL="+s.url, "SECRET_KEY="+key)
	if err != nil {
		return err
	}
	defer srv.stop()
	keys, err := sealing.Parse(key)
	if err != nil {
		return err
	}
	// As many users as the API could serve in the phase, with room.
	users := int(o.duration.Seconds()) * 2000
	secret := make([]byte, 20)
	rand.Read(secret)
	b32 := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
	ids, err := seedSecondStep(ctx, s, keys, secret, users)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}

	var next atomic.Int64
	r := load(ctx, stepClients, o.duration, func(c *http.Client, _ int) (bool, error) {
		i := next.Add(1) - 1
		if i >= int64(len(ids)) {
			return false, nil
		}
		code, err := totp.GenerateCode(b32, time.Now())
		if err != nil {
			return false, err
		}
		return true, call(c, "POST", srv.URL+"/api/login/totp", `{"code":"`+code+`"}`, 200,
			"warden_session="+benchToken(ids[i]))
	})
	if r.failed > 0 || r.ok == 0 {
		return fmt.Errorf("second steps: %v", r)
	}
	if r.ok >= len(ids) {
		fmt.Println("(every seeded user was used before the time was up: the rate is a lower bound)")
	}

	tps, latency, err := pgbench(ctx, o)
	if err != nil {
		return fmt.Errorf("pgbench: %w", err)
	}
	fmt.Printf("%d clients, PostgreSQL, %d users seeded\n\n", stepClients, len(ids))
	fmt.Println("| what | rate | latency |")
	fmt.Println("|---|---|---|")
	fmt.Printf("| API: POST /api/login/totp | %.1f verifications/s | p50 %s, p99 %s |\n", r.rate(), ms(percentile(r.lat, 0.5)), ms(percentile(r.lat, 0.99)))
	fmt.Printf("| pgbench: the same UPDATE + INSERTs | %.1f tps | average %s |\n", tps, latency)
	fmt.Printf("| ratio API / pgbench | **%.2f** | |\n", r.rate()/tps)
	atLeast("second steps/s ÷ pgbench", r.rate()/tps, 1.0, "%.2f")
	return nil
}

// benchToken is the session cookie of a seeded user.
func benchToken(id int64) string { return "bench-" + strconv.FormatInt(id, 10) }

// seedSecondStep adds n users with the secret connected and a session each
// waiting for its second step, and returns their ids.
func seedSecondStep(ctx context.Context, s *schema, keys *sealing.Keyring, secret []byte, n int) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `INSERT INTO users (account_id, username, password_hash, role, totp_enabled_at, created_at, updated_at)
		SELECT (SELECT min(id) FROM accounts), 'bench' || g, 'x', 'user', now(), now(), now() FROM generate_series(1, $1) g RETURNING id`, n)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	// Each user's secret is sealed for that user, as Connect would.
	for start := 0; start < len(ids); start += 1000 {
		batch := ids[start:min(start+1000, len(ids))]
		var sb strings.Builder
		args := make([]any, 0, 2*len(batch))
		for i, id := range batch {
			sealed, err := keys.Seal(secret, wtotp.SealContext(id))
			if err != nil {
				return nil, err
			}
			if i > 0 {
				sb.WriteString(",")
			}
			fmt.Fprintf(&sb, "($%d::bigint, $%d::bytea)", 2*i+1, 2*i+2)
			args = append(args, id, sealed)
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE users u SET totp_secret = v.s FROM (VALUES `+sb.String()+`) v(id, s) WHERE u.id = v.id`, args...); err != nil {
			return nil, err
		}
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, expires_at, ip, user_agent)
		SELECT sha256(convert_to('bench-' || id, 'UTF8')), id, 'password_ok', now(), now(), now() + interval '5 minutes', '127.0.0.1', 'bench'
		FROM users WHERE username LIKE 'bench%'`)
	return ids, err
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+)`)
var latLine = regexp.MustCompile(`latency average = ([0-9.]+ ms)`)

// pgbench runs docs/bench/second_step.pgbench on a fresh schema of the same
// database, with as many clients and for as long as the API phase.
func pgbench(ctx context.Context, o options) (tps float64, latency string, err error) {
	s, err := openSchema(ctx, o.dbURL, "bench_pgbench", true)
	if err != nil {
		return 0, "", err
	}
	defer s.drop(ctx)
	if err := serverCmd(ctx, o, "", []string{"DATABASE_URL=" + s.url}, "migrate"); err != nil {
		return 0, "", err
	}
	seed, err := os.ReadFile("docs/bench/second_step_seed.sql")
	if err != nil {
		return 0, "", err
	}
	for _, stmt := range strings.Split(string(seed), ";") {
		if strings.TrimSpace(stripComments(stmt)) == "" {
			continue
		}
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return 0, "", fmt.Errorf("seed: %w", err)
		}
	}
	u, err := parsePG(o.dbURL)
	if err != nil {
		return 0, "", err
	}
	cmd := exec.CommandContext(ctx, "pgbench", "-h", u.host, "-p", u.port, "-U", u.user, "-n",
		"-c", strconv.Itoa(stepClients), "-j", "2", "-T", strconv.Itoa(int(o.duration.Seconds())),
		"-f", "docs/bench/second_step.pgbench", u.db)
	cmd.Env = append(os.Environ(), "PGOPTIONS=-c search_path="+s.name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, "", fmt.Errorf("%v: %s", err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return 0, "", fmt.Errorf("no tps in: %s", out)
	}
	tps, _ = strconv.ParseFloat(string(m[1]), 64)
	if l := latLine.FindSubmatch(out); l != nil {
		latency = string(l[1])
	}
	return tps, latency, nil
}

func stripComments(sql string) string {
	var keep []string
	for _, line := range strings.Split(sql, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}
