// Command winres writes the Windows resources of Vivify's program as a
// .syso file, which go build links into a Windows executable found beside
// it: the icon (icons/vivify.ico, all its sizes), a manifest, and the
// version shown in the file's properties. make package runs it.
//
//	go run ./cmd/winres -version 0.1.0 -o rsrc_windows_amd64.syso
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/josephspurrier/goversioninfo"
)

const manifest = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0" xmlns:asmv3="urn:schemas-microsoft-com:asm.v3">
  <assemblyIdentity version="%s" processorArchitecture="*" name="io.vivify.app" type="win32"/>
  <description>Vivify</description>
  <compatibility xmlns="urn:schemas-microsoft-com:compatibility.v1">
    <application>
      <supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/>
    </application>
  </compatibility>
  <asmv3:application>
    <asmv3:windowsSettings>
      <dpiAware xmlns="http://schemas.microsoft.com/SMI/2005/WindowsSettings">true/pm</dpiAware>
      <dpiAwareness xmlns="http://schemas.microsoft.com/SMI/2016/WindowsSettings">PerMonitorV2</dpiAwareness>
    </asmv3:windowsSettings>
  </asmv3:application>
</assembly>
`

func main() {
	version := flag.String("version", "0.1.0", "the version, x.y.z")
	icon := flag.String("icon", "icons/vivify.ico", "the icon")
	out := flag.String("o", "rsrc_windows_amd64.syso", "the .syso to write")
	flag.Parse()

	fv, err := goversioninfo.NewFileVersion(*version)
	if err != nil {
		log.Fatalf("version %q: %v", *version, err)
	}
	four := fmt.Sprintf("%d.%d.%d.%d", fv.Major, fv.Minor, fv.Patch, fv.Build)
	dir, err := os.MkdirTemp("", "winres-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	man := filepath.Join(dir, "vivify.manifest")
	if err := os.WriteFile(man, []byte(fmt.Sprintf(manifest, four)), 0o644); err != nil {
		log.Fatal(err)
	}

	vi := &goversioninfo.VersionInfo{IconPath: *icon, ManifestPath: man}
	vi.FixedFileInfo.FileVersion = fv
	vi.FixedFileInfo.ProductVersion = fv
	vi.StringFileInfo.ProductName = "Vivify"
	vi.StringFileInfo.FileDescription = "Vivify: turn a still picture into a short video"
	vi.StringFileInfo.ProductVersion = *version
	vi.StringFileInfo.FileVersion = *version
	vi.StringFileInfo.OriginalFilename = "Vivify.exe"
	vi.StringFileInfo.InternalName = "vivify"
	vi.VarFileInfo.Translation.LangID = goversioninfo.LngUSEnglish
	vi.VarFileInfo.Translation.CharsetID = goversioninfo.CsUnicode
	vi.Build()
	vi.Walk()
	arch := "amd64"
	if strings.Contains(*out, "arm64") {
		arch = "arm64"
	}
	if err := vi.WriteSyso(*out, arch); err != nil {
		log.Fatal(err)
	}
}
