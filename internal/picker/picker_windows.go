package picker

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

const videosName = "Videos"

var (
	comdlg32    = windows.NewLazySystemDLL("comdlg32.dll")
	shell32     = windows.NewLazySystemDLL("shell32.dll")
	ole32       = windows.NewLazySystemDLL("ole32.dll")
	user32      = windows.NewLazySystemDLL("user32.dll")
	getOpenName = comdlg32.NewProc("GetOpenFileNameW")
	getSaveName = comdlg32.NewProc("GetSaveFileNameW")
	dialogError = comdlg32.NewProc("CommDlgExtendedError")
	browseDir   = shell32.NewProc("SHBrowseForFolderW")
	pathOfList  = shell32.NewProc("SHGetPathFromIDListW")
	taskFree    = ole32.NewProc("CoTaskMemFree")
	oleInit     = ole32.NewProc("OleInitialize")
	oleUninit   = ole32.NewProc("OleUninitialize")
	sendMessage = user32.NewProc("SendMessageW")
	activeWin   = user32.NewProc("GetForegroundWindow")
)

// openFileName is OPENFILENAMEW.
type openFileName struct {
	structSize    uint32
	owner         uintptr
	instance      uintptr
	filter        *uint16
	customFilter  *uint16
	maxCustFilter uint32
	filterIndex   uint32
	file          *uint16
	maxFile       uint32
	fileTitle     *uint16
	maxFileTitle  uint32
	initialDir    *uint16
	title         *uint16
	flags         uint32
	fileOffset    uint16
	fileExtension uint16
	defExt        *uint16
	custData      uintptr
	hook          uintptr
	templateName  *uint16
	reserved      uintptr
	reserved2     uint32
	flagsEx       uint32
}

// browseInfo is BROWSEINFOW.
type browseInfo struct {
	owner       uintptr
	root        uintptr
	displayName *uint16
	title       *uint16
	flags       uint32
	callback    uintptr
	param       uintptr
	image       int32
}

const (
	ofnOverwritePrompt = 0x2
	ofnNoChangeDir     = 0x8
	ofnPathMustExist   = 0x800
	ofnFileMustExist   = 0x1000
	ofnExplorer        = 0x80000
	ofnLongNames       = 0x200000

	bifReturnOnlyDirs = 0x1
	bifNewDialogStyle = 0x40
	bffmInitialized   = 1
	bffmSetSelectionW = 0x400 + 103
)

// pick shows the Windows file dialog (the Explorer-style one, with the
// creator's Quick access, OneDrive and thumbnails), or the folder browser.
// A dialog belongs to the thread that shows it, so the thread is kept.
func pick(ctx context.Context, r Request, choice string) (string, error) {
	if choice != "" && choice != "system" {
		return "", ErrNone
	}
	type answer struct {
		path string
		err  error
	}
	done := make(chan answer, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		oleInit.Call(0) // the folder browser's new style needs OLE on its thread
		defer oleUninit.Call()
		var a answer
		if r.Kind == Folder {
			a.path, a.err = browseFolder(r)
		} else {
			a.path, a.err = fileDialog(r)
		}
		done <- a
	}()
	select {
	case a := <-done:
		return a.path, a.err
	case <-ctx.Done():
		return "", ctx.Err() // the dialog stays until the creator closes it
	}
}

// fileDialog shows GetOpenFileNameW or GetSaveFileNameW.
func fileDialog(r Request) (string, error) {
	buf := make([]uint16, 32<<10)
	if r.Kind == Save && r.Name != "" {
		copy(buf, windows.StringToUTF16(r.Name))
	}
	ofn := openFileName{file: &buf[0], maxFile: uint32(len(buf)), flags: ofnExplorer | ofnNoChangeDir | ofnPathMustExist | ofnLongNames}
	ofn.structSize = uint32(unsafe.Sizeof(ofn))
	ofn.owner, _, _ = activeWin.Call()
	ofn.title = utf16(r.Title)
	if r.Folder != "" {
		ofn.initialDir = utf16(r.Folder)
	}
	if f := filterString(r); f != nil {
		ofn.filter, ofn.filterIndex = &f[0], 1
	}
	proc := getOpenName
	if r.Kind == Save {
		proc = getSaveName
		ofn.flags |= ofnOverwritePrompt
		if ext := strings.TrimPrefix(filepath.Ext(r.Name), "."); ext != "" {
			ofn.defExt = utf16(ext)
		}
	} else {
		ofn.flags |= ofnFileMustExist
	}
	ok, _, _ := proc.Call(uintptr(unsafe.Pointer(&ofn)))
	if ok == 0 {
		if code, _, _ := dialogError.Call(); code != 0 {
			return "", fmt.Errorf("the file dialog failed (error %#x)", code)
		}
		return "", nil // cancelled
	}
	return filepath.Clean(windows.UTF16ToString(buf)), nil
}

// filterString is the filters as the file dialog takes them:
// "Pictures\0*.png;*.jpg\0\0".
func filterString(r Request) []uint16 {
	if len(r.Filters) == 0 {
		return nil
	}
	var s []uint16
	for _, f := range r.Filters {
		s = append(s, windows.StringToUTF16(f.Name)...)
		s = append(s, windows.StringToUTF16(strings.Join(f.Patterns, ";"))...)
	}
	return append(s, 0)
}

// browseFolder shows the folder browser, opened at r.Folder.
func browseFolder(r Request) (string, error) {
	name := make([]uint16, windows.MAX_PATH)
	bi := browseInfo{displayName: &name[0], title: utf16(r.Title), flags: bifReturnOnlyDirs | bifNewDialogStyle}
	bi.owner, _, _ = activeWin.Call()
	if r.Folder != "" {
		start := utf16(r.Folder)
		bi.param = uintptr(unsafe.Pointer(start))
		bi.callback = startThere()
		defer runtime.KeepAlive(start)
	}
	list, _, _ := browseDir.Call(uintptr(unsafe.Pointer(&bi)))
	if list == 0 {
		return "", nil // cancelled
	}
	defer taskFree.Call(list)
	path := make([]uint16, 32<<10)
	if ok, _, _ := pathOfList.Call(list, uintptr(unsafe.Pointer(&path[0]))); ok == 0 {
		return "", fmt.Errorf("the folder chosen is not a folder on this computer")
	}
	return filepath.Clean(windows.UTF16ToString(path)), nil
}

// startThere is the folder browser's callback that opens it at the folder
// given as its data. Made once: Windows callbacks are never freed.
var startThere = sync.OnceValue(func() uintptr {
	return syscall.NewCallback(func(hwnd, msg, lparam, data uintptr) uintptr {
		if msg == bffmInitialized {
			sendMessage.Call(hwnd, bffmSetSelectionW, 1, data)
		}
		return 0
	})
})

// utf16 is s as a NUL-ended UTF-16 string.
func utf16(s string) *uint16 {
	p, err := windows.UTF16PtrFromString(s)
	if err != nil {
		p, _ = windows.UTF16PtrFromString(strings.ReplaceAll(s, "\x00", ""))
	}
	return p
}
