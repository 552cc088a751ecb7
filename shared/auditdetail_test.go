package shared

import (
	"testing"

	"github.com/warden-auth/warden/shared/words"
)

// An audit event's detail, stored as data in the forms the server writes
// (server/auth: accounts, notices, sessions), is said in the reader's
// language; a name or a form this version does not know is said as it is.
func TestAuditDetailWords_SaysEachStoredFormInTheReadersLanguage(t *testing.T) {
	ru := words.Lookup("ru")
	for _, tc := range []struct{ action, detail, en, ru string }{
		{AuditEmailChanged, "removed", "address removed", "адрес удалён"},
		{AuditEmailChanged, "link sent to the new address", "link sent to the new address", "ссылка отправлена на новый адрес"},
		{AuditPolicyChanged, "on", "On", "Включено"},
		{AuditPolicyChanged, "on, grace period 3 days", "On, grace period 3 days", "Включено, отсрочка 3 дня"},
		{AuditPasskeysChanged, "off", "Off", "Выключено"},
		{AuditTrustPolicy, "5 days", "5 days", "5 дней"},
		{AuditTrustPolicy, "21 days", "21 days", "21 день"},
		{AuditUserCreated, "role admin", "role Administrator", "роль «Администратор»"},
		{AuditRoleChanged, "user → admin", "User → Administrator", "Пользователь → Администратор"},
		{AuditSessionEnded, "session 1234", "session 1234", "сеанс 1234"},
		{AuditBrowserRemoved, "browser 7", "browser 7", "браузер 7"},
		{AuditPasswordRefused, ReasonWrongPassword, words.English.Say(ReasonWords(ReasonWrongPassword)), ru.Say(ReasonWords(ReasonWrongPassword))},
		{AuditAccountRenamed, "Acme → Acme Tools", "Acme → Acme Tools", "Acme → Acme Tools"},
		{AuditTrustPolicy, "forever", "forever", "forever"},
		{AuditKeyAdded, "", "", ""},
	} {
		m := AuditDetailWords(tc.action, tc.detail)
		if got := words.English.Say(m); got != tc.en {
			t.Errorf("%s %q in English: %q, want %q", tc.action, tc.detail, got, tc.en)
		}
		if got := ru.Say(m); got != tc.ru {
			t.Errorf("%s %q in Russian: %q, want %q", tc.action, tc.detail, got, tc.ru)
		}
	}
}
