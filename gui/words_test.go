package gui

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"vivify/client"
	"vivify/finish"
	"vivify/internal/diskspace"
	"vivify/jobs"
	"vivify/preview"
)

var updateWords = flag.Bool("update-words", false, "rewrite words/en.json from the source")

// wordsCall names the functions whose first argument is a text to translate.
var wordsCall = map[string]bool{"T": true, "Tf": true, "Tn": true, "wordsIn": true}

// sourceWords are the texts the gui package's own source gives to T, Tf
// and Tn, the constants it gives them by name, and (by) whether each is a
// plural.
func sourceWords(t *testing.T) map[string]bool {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	consts := map[string]string{}
	var parsed []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, af)
		ast.Inspect(af, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if b, ok := vs.Values[i].(*ast.BasicLit); ok && b.Kind == token.STRING {
							consts[name.Name], _ = strconv.Unquote(b.Value)
						}
					}
				}
			}
			return true
		})
	}
	keys := map[string]bool{}
	for _, af := range parsed {
		ast.Inspect(af, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || len(c.Args) == 0 {
				return true
			}
			id, ok := c.Fun.(*ast.Ident)
			if !ok || !wordsCall[id.Name] {
				return true
			}
			switch a := c.Args[0].(type) {
			case *ast.BasicLit:
				s, _ := strconv.Unquote(a.Value)
				keys[s] = keys[s] || id.Name == "Tn"
			case *ast.Ident:
				if v, ok := consts[a.Name]; ok {
					keys[v] = keys[v] || id.Name == "Tn"
				}
			}
			return true
		})
	}
	return keys
}

// dataWords are texts the window shows from tables: the gui's own and the
// catalogue's, the export presets', and what jobs and client say of a
// failure.
func dataWords() []string {
	out := slices.Clone(Filters)
	for _, n := range familyNames {
		out = append(out, n)
	}
	out = append(out, blendNames...)
	out = append(out, monthKeys[:]...)
	out = append(out, ownName)
	out = append(out, preview.Texts...)
	for _, l := range licences {
		out = append(out, l.what)
	}
	for _, n := range stateNames {
		out = append(out, n)
	}
	for _, m := range client.Catalogue {
		out = append(out, m.Blurb)
	}
	for _, p := range finish.Presets {
		out = append(out, p.Name, p.For)
	}
	out = append(out, finish.Original(".gif").For)
	kinds := []error{client.ErrInvalidKey, client.ErrInsufficientCredits, client.ErrRateLimited, client.ErrQueueFull,
		client.ErrValidation, client.ErrNotFound, client.ErrGenerationFailed, client.ErrTransient, client.ErrBadRequest,
		client.ErrInsecureURL, client.ErrNotImage, client.ErrImageTooLarge, client.ErrTooLarge, client.ErrNoOutput,
		client.ErrStillProcessing, client.ErrDisk}
	for _, k := range kinds {
		f := jobs.Describe(&client.Error{Kind: k})
		out = append(out, f.Message, f.Advice)
	}
	f := jobs.Describe(&client.Error{Kind: client.ErrInvalidKey, Err: jobs.ErrNoClient})
	out = append(out, f.Message, f.Advice)
	f = jobs.Describe(&client.Error{Kind: client.ErrGenerationFailed, Tip: "init image"})
	out = append(out, f.Message, f.Advice)
	f = jobs.Describe(errors.New("x"))
	out = append(out, f.Advice)
	out = append(out, jobs.Notes...)
	out = append(out, jobs.Formats...)
	out = append(out, jobs.RetryReasons...)
	var kept []string
	for _, s := range out {
		if s != "" && !strings.Contains(s, "%!") {
			kept = append(kept, s)
		}
	}
	return kept
}

func readBundle(t *testing.T, tag string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("words", tag+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("words/%s.json: %v", tag, err)
	}
	return m
}

// TestEnglishHasEveryText fails when a text the window shows is not in the
// English bundle, or the bundle keeps one the window no longer shows. With
// -update-words it writes the bundle again: new texts are added as they
// are, plurals with an English "one" form to fill in.
func TestEnglishHasEveryText(t *testing.T) {
	want := sourceWords(t)
	for _, s := range dataWords() {
		want[s] = want[s] || false
	}
	en := readBundle(t, "en")
	if *updateWords {
		out := map[string]any{}
		for k, plural := range want {
			switch v := en[k].(type) {
			case string:
				if plural {
					out[k] = map[string]string{"one": v, "other": v}
				} else {
					out[k] = v
				}
			case nil:
				if plural {
					out[k] = map[string]string{"one": k, "other": k}
				} else {
					out[k] = k
				}
			default:
				out[k] = v
			}
		}
		data, _ := json.MarshalIndent(out, "", "  ")
		data = append(data, '\n')
		// JSON escapes < > & by default; the bundle is read by people.
		data = []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(data)))
		if err := os.WriteFile(filepath.Join("words", "en.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		en = out
	}
	var missing, stale []string
	for k := range want {
		if _, ok := en[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range en {
		if _, ok := want[k]; !ok {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("%d texts the window shows are not in words/en.json (go test ./gui -run TestEnglishHasEveryText -update-words adds them):\n%s", len(missing), strings.Join(missing, "\n"))
	}
	if len(stale) > 0 {
		t.Errorf("%d texts in words/en.json are no longer shown (-update-words removes them):\n%s", len(stale), strings.Join(stale, "\n"))
	}
	for k, plural := range want {
		if m, ok := en[k].(map[string]any); plural && (!ok || m["one"] == nil || m["other"] == nil) {
			t.Errorf("%q is counted (Tn): its English needs a one and an other form", k)
		}
	}
}

// verbs is the multiset of a text's fmt verbs, with explicit argument
// indexes read: "%[2]s … %[1]d" has the verbs of "%d … %s".
var verbRE = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+|\.\*)?([a-zA-Z%])`)

func verbs(s string) string {
	var byArg []string
	next := 1
	got := map[int]string{}
	for _, m := range verbRE.FindAllStringSubmatch(s, -1) {
		if m[2] == "%" {
			continue
		}
		i := next
		if m[1] != "" {
			i, _ = strconv.Atoi(m[1])
		}
		v := m[2]
		if v == "v" {
			v = "s"
		}
		got[i] = v
		next = i + 1
	}
	for i := 1; i <= len(got)+5; i++ {
		if v, ok := got[i]; ok {
			byArg = append(byArg, strconv.Itoa(i)+v)
		}
	}
	return strings.Join(byArg, " ")
}

// forms are the plural forms a language's counts need (CLDR's rules).
func forms(tag string) []string {
	names := map[plural.Form]string{plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many", plural.Other: "other"}
	lt := language.MustParse(tag)
	seen := map[string]bool{}
	for n := 0; n < 200; n++ {
		seen[names[plural.Cardinal.MatchPlural(lt, n, 0, 0, 0, 0)]] = true
	}
	var out []string
	for _, f := range []string{"zero", "one", "two", "few", "many", "other"} {
		if seen[f] {
			out = append(out, f)
		}
	}
	return out
}

// TestEveryLanguageIsComplete fails when a language lacks a text the
// English has, keeps one it no longer has, lacks a plural form its counts
// need, or drops or renames a placeholder.
func TestEveryLanguageIsComplete(t *testing.T) {
	en := readBundle(t, "en")
	for _, l := range Languages[1:] {
		t.Run(l.Tag, func(t *testing.T) {
			b := readBundle(t, l.Tag)
			need := forms(l.Tag)
			var missing []string
			for k, v := range en {
				tr, ok := b[k]
				if !ok {
					missing = append(missing, k)
					continue
				}
				if _, counted := v.(map[string]any); counted {
					m, ok := tr.(map[string]any)
					if !ok {
						t.Errorf("%q is counted: give its forms %v", k, need)
						continue
					}
					for _, f := range need {
						s, _ := m[f].(string)
						if s == "" {
							t.Errorf("%q lacks its %q form", k, f)
						} else if verbs(s) != verbs(k) {
							t.Errorf("%q, form %s: placeholders %q, the English has %q", k, f, verbs(s), verbs(k))
						}
					}
					continue
				}
				s, _ := tr.(string)
				switch {
				case strings.TrimSpace(s) == "" && strings.TrimSpace(k) != "":
					t.Errorf("%q is empty", k)
				case verbs(s) != verbs(k):
					t.Errorf("%q: placeholders %q, the English has %q", k, verbs(s), verbs(k))
				}
			}
			for k := range b {
				if _, ok := en[k]; !ok {
					t.Errorf("%q is not in the English any more", k)
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				t.Errorf("%d texts are not translated:\n%s", len(missing), strings.Join(missing, "\n"))
			}
		})
	}
}

// TestLanguagesLoad: every bundle parses as go-i18n reads it, and each
// language's own name is in its own words.
func TestLanguagesLoad(t *testing.T) {
	for _, l := range Languages {
		b := i18n.NewBundle(language.English)
		b.RegisterUnmarshalFunc("json", json.Unmarshal)
		data, _ := os.ReadFile(filepath.Join("words", l.Tag+".json"))
		if _, err := b.ParseMessageFileBytes(data, l.Tag+".json"); err != nil {
			t.Errorf("%s: %v", l.Tag, err)
		}
	}
	names := map[string]bool{}
	for _, l := range Languages {
		if l.Name == ownName || l.Name == l.Tag || names[l.Name] {
			t.Errorf("%s is called %q in the list of languages: give %q its name in its own words", l.Tag, l.Name, ownName)
		}
		names[l.Name] = true
	}
	if Languages[0].Name != "English" {
		t.Errorf("English is called %q", Languages[0].Name)
	}
	if got := matchLanguage("de_AT.UTF-8"); got != "de" {
		t.Errorf("de_AT: %s", got)
	}
	for loc, want := range map[string]string{"pt-BR": "pt-BR", "pt-PT": "pt-BR", "zh-CN": "zh-Hans", "zh-Hans-CN": "zh-Hans",
		"hi-IN": "hi", "id-ID": "id", "ja-JP": "ja", "es-MX": "es", "fr-CA": "fr", "ru-RU": "en", "C": "en", "": "en"} {
		if got := matchLanguage(loc); got != want {
			t.Errorf("%q: %s, want %s", loc, got, want)
		}
	}
}

// TestNumbersInTheLanguagesForm: decimals and counts as each language
// writes them.
func TestNumbersInTheLanguagesForm(t *testing.T) {
	defer useLanguage("en")
	useLanguage("de")
	if got := Tf("%.1f s", 2.5); got != "2,5 s" {
		t.Errorf("German seconds: %q", got)
	}
	if got := Num(0.5, 2); got != "0,5" {
		t.Errorf("German 0.5: %q", got)
	}
	if got := Tf("%d × %d", 1920, 1080); got != "1920 × 1080" {
		t.Errorf("sizes are not grouped: %q", got)
	}
	for got, want := range map[string]string{fpsWords(7.1): "7,1", fpsWords(24): "24", sizeWords(2_500_000): "2,5 MB",
		Fixed(0.02, 2): "0,02", speedWords(0.5): "0,5×", preview.Speeds[0].Label: "0,5×", dateWords(time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)): "4. Dez. 2026"} {
		if got != want {
			t.Errorf("German: %q, want %q", got, want)
		}
	}
	if got, want := Tn("%d takes", 1, 1), "1 Version"; !strings.HasPrefix(got, "1 ") || got == Tn("%d takes", 2, 1) {
		t.Errorf("German one take: %q (want the one form, like %q)", got, want)
	}
	useLanguage("ja")
	if got := dateWords(time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)); got != "2026年12月4日" {
		t.Errorf("Japanese date: %q", got)
	}
	useLanguage("hi") // Hindi's one covers 0 and 1; its decimal mark is a point
	if Tn("%d takes", 0, 0) != Tn("%d takes", 1, 0) || Tf("%.1f s", 2.5) != "2.5 से॰" {
		t.Errorf("Hindi: %q, %q", Tn("%d takes", 0, 0), Tf("%.1f s", 2.5))
	}
	useLanguage("en")
	if got := dateWords(time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)); got != "4 Dec 2026" {
		t.Errorf("English date: %q", got)
	}
	if preview.Speeds[0].Label != "0.5×" || sizeWords(2_500_000) != "2.5 MB" {
		t.Errorf("English: %q, %q", preview.Speeds[0].Label, sizeWords(2_500_000))
	}
	if got := Tn("%d takes", 1, 1); got != "1 take" {
		t.Errorf("English one take: %q", got)
	}
	if got := Tn("%d takes", 3, 3); got != "3 takes" {
		t.Errorf("English three takes: %q", got)
	}
	if got := Tf("%.1f s", 2.5); got != "2.5 s" {
		t.Errorf("English seconds: %q", got)
	}
}

// A literal in the gui's source that the window may show must go through
// T, Tf or Tn. The scan passes over what is not shown: imports, struct
// tags, constants given to T by name, comparisons, map keys and indexes,
// the arguments of calls into packages that never reach the window, and
// machine tokens (an API field, a MIME type, a pattern). A line may say
// "words: not shown" in a comment when a literal is none of these.
func TestNoUntranslatedText(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	quiet := map[string]bool{"strings": true, "filepath": true, "os": true, "log": true, "errors": true, "time": true,
		"strconv": true, "exec": true, "url": true, "runtime": true, "bytes": true, "regexp": true, "fmt": true,
		"slices": true, "path": true, "json": true, "picker": true, "client": true, "jobs": true, "preview": true,
		"finish": true, "debug": true, "storage": true, "plain": true, "lang": true, "i18n": true, "language": true, "message": true}
	quietMethods := map[string]bool{"Takes": true, "SetString": true, "String": true, "StringWithFallback": true, "Bool": true,
		"SetBool": true, "Float": true, "SetFloat": true, "Int": true, "SetInt": true, "BoolWithFallback": true, "FloatWithFallback": true,
		"IntWithFallback": true, "RemoveValue": true, "LogError": true, "NewStaticResource": true, "Errorf": true, "Printf": true,
		"Println": true, "Sprintf": false}
	tokenRE := regexp.MustCompile(`^[a-z0-9_.\-/*:+=×%·" ]*$|^[A-Z0-9_]+$|^\*\.[A-Za-z]+$`)
	shownWord := regexp.MustCompile(`[A-Za-z]{2,}`)
	fset := token.NewFileSet()
	var found []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		lines := strings.Split(string(src), "\n")
		af, err := parser.ParseFile(fset, f, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n ast.Node)
		walk = func(n ast.Node) {
			ast.Inspect(n, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.ImportSpec, *ast.Field, *ast.IndexExpr, *ast.CaseClause:
					if cc, ok := x.(*ast.CaseClause); ok {
						for _, s := range cc.Body {
							walk(s)
						}
					}
					return false
				case *ast.BinaryExpr:
					if x.Op == token.EQL || x.Op == token.NEQ {
						return false
					}
				case *ast.CompositeLit:
					if sel, ok := x.Type.(*ast.SelectorExpr); ok {
						if pkg, ok := sel.X.(*ast.Ident); ok && quiet[pkg.Name] {
							return false // a url.URL and the like
						}
					}
				case *ast.KeyValueExpr:
					walk(x.Value)
					return false
				case *ast.CallExpr:
					if id, ok := x.Fun.(*ast.Ident); ok && wordsCall[id.Name] {
						for _, a := range x.Args[1:] {
							walk(a)
						}
						return false
					}
					if sel, ok := x.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "field" && len(x.Args) > 1 {
						for i, a := range x.Args {
							if i != 1 { // the API's name of the field
								walk(a)
							}
						}
						return false
					}
					if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
						if pkg, ok := sel.X.(*ast.Ident); ok && quiet[pkg.Name] && !(pkg.Name == "fmt" && sel.Sel.Name == "Sprintf") {
							return false
						}
						if quietMethods[sel.Sel.Name] {
							return false
						}
					}
				case *ast.BasicLit:
					if x.Kind != token.STRING {
						return true
					}
					s, _ := strconv.Unquote(x.Value)
					if !shownWord.MatchString(s) || tokenRE.MatchString(s) && !isWord(s) {
						return true
					}
					p := fset.Position(x.Pos())
					if line := lines[p.Line-1]; strings.Contains(line, "words: not shown") || strings.Contains(line, "words: keys") {
						return true
					}
					found = append(found, p.String()+": "+x.Value)
				}
				return true
			})
		}
		for _, d := range af.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				continue // a constant is checked where it is used: given to T, or compared
			}
			if keysDecl(d) {
				continue // English keys, translated where they are shown (dataWords checks them)
			}
			walk(d)
		}
	}
	if len(found) > 0 {
		t.Errorf("%d texts in the window's source do not go through T, Tf or Tn:\n%s", len(found), strings.Join(found, "\n"))
	}
}

// keysDecl reports whether a declaration's comment marks its texts as
// "words: keys" (English keys given to T where shown) or "words: not shown".
func keysDecl(d ast.Decl) bool {
	var doc *ast.CommentGroup
	switch x := d.(type) {
	case *ast.GenDecl:
		doc = x.Doc
		if len(x.Specs) == 1 {
			if v, ok := x.Specs[0].(*ast.ValueSpec); ok && v.Doc != nil {
				doc = v.Doc
			}
		}
	case *ast.FuncDecl:
		doc = x.Doc
	}
	text := doc.Text()
	return strings.Contains(text, "words: keys") || strings.Contains(text, "words: not shown")
}

// isWord reports whether s is one plain lowercase word a person reads
// ("starred", "practice"), not a machine's token ("model_id", "image/png").
func isWord(s string) bool {
	if len(s) < 3 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// In English a version's label says its recipe as the finish package
// does (with a space before fps, as the window writes it); in German, in
// German.
func TestRecipeWordsFollowTheLanguage(t *testing.T) {
	defer useLanguage("en")
	recipes := []finish.Recipe{{}, {From: 3}, {Speed: 1.5, Loop: finish.LoopBoomerang}, {Loop: finish.LoopCrossfade, FPS: 30, Double: true}, {To: 10, Speed: 0.5}}
	for _, r := range recipes {
		if got, want := recipeWords(r, 40), strings.Replace(r.Words(40), "0fps", "0 fps", 1); got != want {
			t.Errorf("%+v: %q, the finish package says %q", r, got, want)
		}
	}
	useLanguage("de")
	if got := recipeWords(finish.Recipe{Speed: 1.5, Loop: finish.LoopBoomerang}, 40); strings.Contains(got, "speed") || !strings.Contains(got, "1,5") {
		t.Errorf("German recipe words: %q", got)
	}
}

// What a GIF gave up to fit is said as the finish package says it, in
// English, and in the window's language otherwise.
func TestGaveUpWordsFollowTheLanguage(t *testing.T) {
	defer useLanguage("en")
	fits := []finish.Fitted{{Colours: 128, Scale: 1, Every: 1}, {Colours: 256, Scale: 0.5, Every: 1}, {Colours: 32, Scale: 0.75, Every: 2}, {Colours: 32, Scale: 0.34, Every: 3}}
	for _, f := range fits {
		res := finish.Result{Fit: f, GaveUp: finish.GaveUpWords(f)}
		if got := gaveUpWords(res); got != res.GaveUp {
			t.Errorf("%+v: %q, the finish package says %q", f, got, res.GaveUp)
		}
	}
	if got := gaveUpWords(finish.Result{LowerQuality: true, GaveUp: "a lower quality"}); got != "a lower quality" {
		t.Errorf("lower quality: %q", got)
	}
	useLanguage("de")
	if got := gaveUpWords(finish.Result{Fit: fits[2]}); strings.Contains(got, "colours") || !strings.Contains(got, "32") {
		t.Errorf("German: %q", got)
	}
}

// The desktop entry, the AppStream summary and the Windows installer speak
// every language the window does.
func TestPackagesSpeakEveryLanguage(t *testing.T) {
	desktop, err := os.ReadFile(filepath.Join("..", "packaging", "linux", "io.vivify.app.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	meta, err := os.ReadFile(filepath.Join("..", "packaging", "linux", "io.vivify.app.metainfo.xml"))
	if err != nil {
		t.Fatal(err)
	}
	nsis, err := os.ReadFile(filepath.Join("..", "packaging", "windows", "languages.nsh"))
	if err != nil {
		t.Fatal(err)
	}
	// The names the freedesktop files and NSIS give the languages.
	locale := map[string]string{"zh-Hans": "zh_CN", "pt-BR": "pt_BR"}
	nsisName := map[string]string{"de": "GERMAN", "es": "SPANISH", "fr": "FRENCH", "hi": "HINDI", "id": "INDONESIAN",
		"ja": "JAPANESE", "pt-BR": "PORTUGUESEBR", "zh-Hans": "SIMPCHINESE"}
	strs := regexp.MustCompile(`(?m)^LangString (\w+) \$\{LANG_ENGLISH\}`).FindAllStringSubmatch(string(nsis), -1)
	if len(strs) < 5 {
		t.Fatalf("the installer has %d English texts", len(strs))
	}
	for _, l := range Languages[1:] {
		loc := locale[l.Tag]
		if loc == "" {
			loc = l.Tag
		}
		for _, key := range []string{"GenericName", "Comment", "Keywords"} {
			if !strings.Contains(string(desktop), "\n"+key+"["+loc+"]=") {
				t.Errorf("the desktop entry has no %s[%s]", key, loc)
			}
		}
		if !strings.Contains(string(meta), `<summary xml:lang="`+loc+`">`) {
			t.Errorf("the AppStream metainfo has no summary in %s", loc)
		}
		n, ok := nsisName[l.Tag]
		if !ok {
			t.Errorf("%s: which NSIS language is it? (add it to this test and to packaging/windows/languages.nsh)", l.Tag)
			continue
		}
		for _, s := range strs {
			if !strings.Contains(string(nsis), "LangString "+s[1]+" ${LANG_"+n+"} ") {
				t.Errorf("the installer's %s is not in %s", s[1], n)
			}
		}
	}
}

// The video packages' and the system's errors are said in the window's
// language: their kind, with the detail in English.
func TestProblemWords(t *testing.T) {
	defer useLanguage("en")
	big := fmt.Errorf("%w: it is 9000×9000 pixels", preview.ErrTooLarge)
	if got := problemWords(big); got != "this video is too large to play safely: it is 9000×9000 pixels" {
		t.Errorf("English: %q", got)
	}
	full := &fs.PathError{Op: "write", Path: "/home/a/Videos/x.mp4", Err: syscall.ENOSPC}
	if got := problemWords(full); got != "no space left on device" {
		t.Errorf("English, a full disk: %q", got)
	}
	if got := problemWords(errors.New("something odd")); got != "something odd" {
		t.Errorf("English, no known kind: %q", got)
	}
	useLanguage("de")
	if got := problemWords(big); got != "dieses Video ist zu groß, um es sicher abzuspielen" {
		t.Errorf("German: %q", got)
	}
	if got := problemWords(full); got != "der Datenträger ist voll" || strings.Contains(got, "/home") {
		t.Errorf("German, a full disk: %q", got)
	}
	short := &diskspace.Short{Dir: "/tmp", Need: 3 << 30, Have: 1 << 30}
	if got := problemWords(short); !strings.Contains(got, "Datenträger") || !strings.Contains(got, "/tmp") {
		t.Errorf("German, short of room: %q", got)
	}
}

// What jobs wrote with something filled in (a retry's wait, the take at
// which credits ran out) is said in the window's language, the values kept.
func TestJobsFormatsFollowTheLanguage(t *testing.T) {
	defer useLanguage("en")
	retry := fmt.Sprintf(jobs.NoteRetry, jobs.RetryReasons[1], 30)
	ranOut := fmt.Sprintf(jobs.NoteCreditsRanOut, 3)
	useLanguage("en")
	if Tk(retry) != retry || Tk(ranOut) != ranOut {
		t.Fatalf("English changed: %q, %q", Tk(retry), Tk(ranOut))
	}
	useLanguage("de")
	if got := Tk(retry); got != "Die Warteschlange des Servers ist voll; neuer Versuch in 30 Sekunden." {
		t.Errorf("German retry: %q", got)
	}
	if got := Tk(ranOut); !strings.Contains(got, "Take 3") || strings.Contains(got, "credits ran out") {
		t.Errorf("German credits ran out: %q", got)
	}
	if got := Tk("Some settings were not accepted: width must be 512 or less"); !strings.HasPrefix(got, "Einige Einstellungen") {
		t.Errorf("German validation: %q", got)
	}
	if got := Tk("a server's own words"); got != "a server's own words" {
		t.Errorf("words from outside are kept: %q", got)
	}
}

// BenchmarkLoadWords is what reading the nine languages' bundles costs at
// start.
func BenchmarkLoadWords(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		loadWords()
	}
}
