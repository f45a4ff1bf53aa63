package gui

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"vivify/client"
	"vivify/jobs"
	"vivify/preview"
)

// The window's words. Every text the window shows is written in English in
// the source, inside T, Tf or Tn, and that English is the key of its
// translation in words/<language>.json (go-i18n's JSON, as Fyne's own lang
// package reads it). A language is one file there; docs/TRANSLATING.md says
// how to add one, and words_test.go checks every file against the English.
//
// Fyne's lang package picks its language from the system only, with no way
// to choose another on Windows or macOS; Vivify keeps its own localizer
// over the same bundles so that the language chosen in Settings is the one
// shown everywhere. The bundles are also given to lang, so Fyne's own words
// (its dialogs' buttons, an entry's menu) follow the system as before.

//go:embed words/*.json
var wordsFS embed.FS

// fyneWordsFS are Fyne's own words in the languages Fyne does not carry.
//
//go:embed fynewords/*.json
var fyneWordsFS embed.FS

// PrefLanguage is the language chosen in Settings; empty follows the system.
const PrefLanguage = "language"

// Language is one language the window speaks.
type Language struct {
	Tag  string // BCP 47, the name of its file in words/
	Name string // in its own words: "Deutsch", "日本語"
}

// Languages are the languages Vivify speaks, English first: one for each
// file in words/, named by the file's own words for ownName.
var Languages []Language

// ownName is the key whose translation is the language's name for itself.
const ownName = "English (this language's name, in its own words)"

var words struct {
	sync.RWMutex
	bundle    *i18n.Bundle
	localizer *i18n.Localizer
	printer   *message.Printer
	tag       string
	missed    map[string]bool // keys asked for that the English lacks (tests read it)
	english   map[string]bool
	loaded    map[string]bool // the languages whose file the bundle has read
	// said are the texts T has looked up in the language in use: asking
	// the localizer matches languages and templates on every call (1,000
	// cards' filter names took 3 ms at start).
	said map[string]string
}

func init() { loadWords() }

// loadWords lists the languages embedded in words/, reads the English,
// and makes it the language in use. Another language's file is read when
// it is first used: reading all nine at start took 19 ms and 9 MB.
func loadWords() {
	Languages = nil
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("json", json.Unmarshal) // words: not shown
	files, _ := wordsFS.ReadDir("words")            // words: not shown
	for _, f := range files {
		tag := strings.TrimSuffix(f.Name(), ".json")
		if _, err := language.Parse(tag); err != nil {
			panic("words: " + f.Name() + " is not named for a language")
		}
		Languages = append(Languages, Language{Tag: tag, Name: nameIn(wordsFile(tag), tag)})
	}
	sort.SliceStable(Languages, func(i, j int) bool { return Languages[i].Tag == "en" && Languages[j].Tag != "en" })
	// The English is read once, into the bundle; its keys are the texts
	// the window may ask for.
	f, err := b.ParseMessageFileBytes(wordsFile("en"), "en.json")
	if err != nil {
		panic("words: en: " + err.Error())
	}
	english := make(map[string]bool, len(f.Messages))
	for _, m := range f.Messages {
		english[m.ID] = true
	}
	words.Lock()
	words.bundle = b
	words.english = english
	words.missed = map[string]bool{}
	words.loaded = map[string]bool{"en": true}
	words.Unlock()
	useLanguage("en")
}

// wordsFile is the file of the language tag.
func wordsFile(tag string) []byte {
	data, err := wordsFS.ReadFile("words/" + tag + ".json")
	if err != nil {
		panic("words: " + tag + ": " + err.Error()) // embedded: a build without it is broken
	}
	return data
}

// nameIn is the language's name for itself in its file (the value of
// ownName), found without reading the whole file; or tag.
func nameIn(data []byte, tag string) string {
	key, _ := json.Marshal(ownName)
	_, rest, ok := strings.Cut(string(data), string(key))
	if !ok {
		return tag
	}
	rest = strings.TrimLeft(rest, " \t\n:")
	end := strings.IndexByte(rest[min(1, len(rest)):], '"')
	var name string
	if end < 0 || json.Unmarshal([]byte(rest[:end+2]), &name) != nil || name == "" {
		return tag
	}
	return name
}

// loadLanguage gives the bundle the file of tag, once; words is locked.
func loadLanguage(tag string) {
	if words.loaded[tag] {
		return
	}
	if _, err := words.bundle.ParseMessageFileBytes(wordsFile(tag), tag+".json"); err != nil {
		panic("words: " + tag + ": " + err.Error())
	}
	words.loaded[tag] = true
}

func init() {
	// The player's own words, and its times, in the window's language.
	preview.Words = T
	preview.Clock = func(at, of float64) string { return Tf("%.1f / %.1f s", at, of) }
}

// SystemLanguage is the language of Vivify's list closest to the system's,
// or English.
func SystemLanguage() string {
	return matchLanguage(string(lang.SystemLocale()))
}

// matchLanguage is the tag in Languages that best serves the locale loc
// ("de-AT", "pt_BR", "zh-CN"), or "en".
func matchLanguage(loc string) string {
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = language.MustParse(l.Tag)
	}
	if loc == "C" || loc == "POSIX" {
		return "en"
	}
	if i := strings.IndexAny(loc, ".@"); i >= 0 {
		loc = loc[:i] // de_AT.UTF-8, ca_ES@valencia
	}
	want, err := language.Parse(strings.ReplaceAll(loc, "_", "-"))
	if err != nil {
		return "en"
	}
	_, i, conf := language.NewMatcher(tags).Match(want)
	if conf == language.No {
		return "en"
	}
	return Languages[i].Tag
}

// knownLanguage reports whether tag is one of Languages.
func knownLanguage(tag string) bool {
	for _, l := range Languages {
		if l.Tag == tag {
			return true
		}
	}
	return false
}

// useLanguage makes tag the language of every word from now on.
func useLanguage(tag string) {
	if !knownLanguage(tag) {
		tag = "en"
	}
	words.Lock()
	defer words.Unlock()
	loadLanguage("en")
	loadLanguage(tag)
	words.tag = tag
	words.said = map[string]string{}
	words.localizer = i18n.NewLocalizer(words.bundle, tag, "en")
	words.printer = message.NewPrinter(language.MustParse(tag))
	for i := range preview.Speeds { // the player's speeds: "0,5×" in German
		preview.Speeds[i].Label = fixedWith(words.printer, preview.Speeds[i].Rate, -1) + "×"
	}
}

// Fixed is x with the language's decimal mark and exactly places decimals
// (a slider's "0,02").
func Fixed(x float64, places int) string {
	words.RLock()
	p := words.printer
	words.RUnlock()
	return fixedWith(p, x, places)
}

// fixedWith writes x with p's decimal mark: places decimals, or as few as
// it needs when places is negative.
func fixedWith(p *message.Printer, x float64, places int) string {
	s := strconv.FormatFloat(x, 'f', places, 64)
	mark := p.Sprintf("%.1f", 0.5)[1:2]
	return strings.Replace(s, ".", mark, 1)
}

// applyLanguage chooses the window's language at start: the one chosen in
// Settings (chosen), else the system's. On Linux and the BSDs, Fyne's own
// words follow it too (they read LANGUAGE); elsewhere they follow the
// system.
func applyLanguage(chosen string) string {
	tag := chosen
	if !knownLanguage(tag) {
		tag = SystemLanguage()
	}
	useLanguage(tag)
	if chosen != "" && runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		os.Setenv("LANGUAGE", strings.ReplaceAll(tag, "-", "_"))
	}
	// fynewords has Fyne's own words (OK, Cut, Select all…) in the
	// languages Fyne does not carry; giving them to lang also makes it
	// look at the locale again.
	if err := lang.AddTranslationsFS(fyneWordsFS, "fynewords"); err != nil {
		fmt.Fprintln(os.Stderr, "vivify: Fyne's translations:", err)
	}
	return tag
}

// currentLanguage is the tag of the language in use.
func currentLanguage() string {
	words.RLock()
	defer words.RUnlock()
	return words.tag
}

func localize(id string, n int, plural bool) string {
	words.RLock()
	if said, ok := words.said[id]; ok && !plural {
		words.RUnlock()
		return said
	}
	loc := words.localizer
	if !words.english[id] {
		words.RUnlock()
		words.Lock()
		words.missed[id] = true
		words.Unlock()
		return id
	}
	cfg := &i18n.LocalizeConfig{MessageID: id, DefaultMessage: &i18n.Message{ID: id, Other: id}}
	if plural {
		cfg.PluralCount = n
	}
	s, err := loc.Localize(cfg) // under the lock: a language's file may be read into the bundle meanwhile
	words.RUnlock()
	if err != nil || s == "" {
		s = id
	}
	if !plural {
		words.Lock()
		if words.localizer == loc { // not a language chosen meanwhile
			words.said[id] = s
		}
		words.Unlock()
	}
	return s
}

// T is text in the window's language. s is its English.
func T(s string) string { return localize(s, 0, false) }

// Tf is T of a format, filled in as fmt.Sprintf would, with numbers written
// as the language writes them (a decimal comma in German). Whole numbers
// are written without grouping: they are sizes, counts and seeds.
func Tf(format string, args ...any) string {
	return sprintf(localize(format, 0, false), args...)
}

// Tn is Tf of a text whose form follows a count, by the language's rules:
// the English key is the "other" form ("%d takes"), and the bundle gives
// "one" ("%d take") and the forms other languages have.
func Tn(format string, n int, args ...any) string {
	return sprintf(localize(format, n, true), args...)
}

// sprintf fills format in with the language's number forms.
func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	a := make([]any, len(args))
	for i, v := range args {
		switch x := v.(type) {
		case int:
			a[i] = whole(x)
		case int64:
			a[i] = whole(x)
		default:
			a[i] = v
		}
	}
	words.RLock()
	p := words.printer
	words.RUnlock()
	return p.Sprintf(format, a...)
}

// whole is a whole number written as its plain digits.
type whole int64

func (w whole) Format(f fmt.State, verb rune) {
	switch verb {
	case 'd', 'v':
		s := fmt.Sprint(int64(w))
		if wd, ok := f.Width(); ok && len(s) < wd {
			s = strings.Repeat(" ", wd-len(s)) + s
		}
		fmt.Fprint(f, s)
	default:
		fmt.Fprintf(f, "%"+string(verb), int64(w))
	}
}

// Num is x with the language's decimal mark and at most places decimals
// (trailing zeros dropped): 0.5 is "0,5" in German.
func Num(x float64, places int) string {
	words.RLock()
	p := words.printer
	words.RUnlock()
	s := p.Sprintf("%.*f", places, x)
	if places > 0 {
		dec := p.Sprintf("%.1f", 0.5)[1:2] // the language's decimal mark
		if strings.Contains(s, dec) {
			s = strings.TrimRight(s, "0")
			s = strings.TrimSuffix(s, dec)
		}
	}
	return s
}

// missedWords are the keys asked for that the English bundle lacks, for
// tests: every one is a string the window shows untranslated.
func missedWords() []string {
	words.RLock()
	defer words.RUnlock()
	var out []string
	for k := range words.missed {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Tk is s in the window's language when it is one of the bundle's texts
// (a note or a failure's words that jobs wrote in English), else s as it
// is: text from outside (a server's message, a file's name) is never
// looked up as a key.
func Tk(s string) string {
	words.RLock()
	ok := words.english[s]
	words.RUnlock()
	if ok {
		return T(s)
	}
	// A text jobs made from one of its formats: the format in the window's
	// language, with what was filled in (itself said by Tk).
	for _, f := range jobs.Formats {
		if args, ok := scanFormat(f, s); ok {
			for i, a := range args {
				if str, ok := a.(string); ok {
					args[i] = Tk(str)
				}
			}
			return Tf(f, args...)
		}
	}
	// The service's objections to settings, after Vivify's own words.
	if rest, ok := strings.CutPrefix(s, validationPrefix); ok {
		return T(validationPrefix) + rest
	}
	return s
}

// validationPrefix begins the failure of settings the service refused
// (jobs.Describe); what follows is the service's own words.
const validationPrefix = "Some settings were not accepted: "

// scanFormat reads s as made by fmt.Sprintf from format, which has only
// %s and %d verbs: the values filled in (strings and ints), and whether s
// was made from it.
func scanFormat(format, s string) ([]any, bool) {
	var pattern strings.Builder
	var kinds []byte
	pattern.WriteString("^")
	for rest := format; rest != ""; {
		i := strings.IndexByte(rest, '%')
		if i < 0 || i+1 >= len(rest) {
			pattern.WriteString(regexp.QuoteMeta(rest))
			break
		}
		pattern.WriteString(regexp.QuoteMeta(rest[:i]))
		switch rest[i+1] {
		case 's':
			pattern.WriteString("(.+?)")
		case 'd':
			pattern.WriteString(`(-?\d+)`)
		default:
			return nil, false
		}
		kinds = append(kinds, rest[i+1])
		rest = rest[i+2:]
	}
	pattern.WriteString("$")
	m := regexp.MustCompile(pattern.String()).FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	args := make([]any, len(kinds))
	for i, k := range kinds {
		if k == 'd' {
			n, _ := strconv.Atoi(m[i+1])
			args[i] = n
		} else {
			args[i] = m[i+1]
		}
	}
	return args, true
}

// decimalMark is the language's decimal mark: "." or ",".
func decimalMark() string {
	words.RLock()
	p := words.printer
	words.RUnlock()
	return p.Sprintf("%.1f", 0.5)[1:2]
}

// modelLabel is the model's name, with the model the service runs for it
// today when that is another.
func modelLabel(m client.Model) string {
	if m.ServedBy != "" {
		if by, ok := client.LookupModel(m.Family, m.ServedBy); ok {
			return Tf("%s (made by %s today)", m.Name, by.Name)
		}
	}
	return m.Name
}

// fieldWords is what is wrong with a setting, in the window's language when
// Vivify found it (the server's own words stay as they came).
func fieldWords(fe client.FieldError) string {
	if fe.Format != "" {
		return Tf(fe.Format, fe.Args...)
	}
	return Tk(fe.Message)
}

// monthKeys are the months as the window writes them in dates. words: keys, shown through T
var monthKeys = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// dateWords writes a day as the language does: 4 Dec 2026, 2026年12月4日.
func dateWords(t time.Time) string {
	return Tf("%[1]d %[2]s %[3]d", t.Day(), T(monthKeys[t.Month()-1]), t.Year())
}

// languageCalled is the name a language gives itself ("Deutsch").
func languageCalled(tag string) string {
	for _, l := range Languages {
		if l.Tag == tag {
			return l.Name
		}
	}
	return tag
}

// wordsIn is s in the language tag, whatever the language in use.
func wordsIn(s, tag string) string {
	words.RLock()
	known := words.english[s]
	words.RUnlock()
	if !known || !knownLanguage(tag) {
		return T(s) // noted as missed
	}
	words.Lock()
	loadLanguage(tag)
	out, err := i18n.NewLocalizer(words.bundle, tag, "en").Localize(&i18n.LocalizeConfig{MessageID: s})
	words.Unlock()
	if err != nil || out == "" {
		return T(s)
	}
	return out
}

// wordWrap is how the window's words wrap: at spaces, or, in Japanese and
// Chinese, which are written without them, at any character (at spaces
// alone, a line broke early at the one beside a Latin word).
func wordWrap() fyne.TextWrap {
	switch currentLanguage() {
	case "ja", "zh-Hans":
		return fyne.TextWrapBreak
	}
	return fyne.TextWrapWord
}
