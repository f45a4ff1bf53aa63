package picker

import "strings"

// appleScript is the script that asks for r and prints the POSIX path.
func appleScript(r Request) string {
	var b strings.Builder
	b.WriteString("POSIX path of (")
	switch r.Kind {
	case Save:
		b.WriteString("choose file name with prompt " + quote(r.Title))
		if r.Name != "" {
			b.WriteString(" default name " + quote(r.Name))
		}
	case Folder:
		b.WriteString("choose folder with prompt " + quote(r.Title))
	default:
		b.WriteString("choose file with prompt " + quote(r.Title))
		var types []string
		for _, p := range r.patterns() {
			if ext := strings.TrimPrefix(p, "*."); ext != p && ext != "" {
				types = append(types, quote(ext))
			}
		}
		if len(types) > 0 {
			b.WriteString(" of type {" + strings.Join(types, ", ") + "}")
		}
	}
	if r.Folder != "" {
		b.WriteString(" default location (POSIX file " + quote(r.Folder) + ")")
	}
	b.WriteString(")")
	return b.String()
}

// quote is s as an AppleScript string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " ", "\r", " ").Replace(s) + `"`
}
