; Vivify's Windows installer (makensis; scripts/installer.sh passes the
; defines). A per-user install: no administrator, into the user's own
; programs folder; a Start menu entry and, if chosen, one on the desktop;
; "Open with Vivify" for pictures; and an uninstaller that removes the
; program and leaves the creator's videos (Videos\Vivify) alone.
;
; Defines: VERSION, EXE (the program), FFDIR (the bundled ffmpeg's folder),
; ICON, OUT, and SIDE (the welcome page's picture, 164×314, optional).
Unicode true
; A 64-bit installer for the 64-bit program (and for Wine, in the tests,
; which runs 64-bit programs only).
Target amd64-unicode
SetCompressor /SOLID lzma
!include "MUI2.nsh"

!define APP "Vivify"
!define UNINST "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define PROGID "Vivify.Picture"

!macro OpenWith ext
  WriteRegStr HKCU "Software\Classes\${ext}\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\Applications\Vivify.exe\SupportedTypes" "${ext}" ""
!macroend
!macro UnOpenWith ext
  DeleteRegValue HKCU "Software\Classes\${ext}\OpenWithProgids" "${PROGID}"
!macroend

Name "${APP}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "Software\${APP}" "InstallDir"
RequestExecutionLevel user
BrandingText "${APP} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "LegalCopyright" "The Vivify developers"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!ifdef SIDE
  ; Vivify's own picture beside the welcome and finish pages.
  !define MUI_WELCOMEFINISHPAGE_BITMAP "${SIDE}"
  !define MUI_UNWELCOMEFINISHPAGE_BITMAP "${SIDE}"
!endif
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "$(WELCOME)"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\Vivify.exe"
!define MUI_FINISHPAGE_RUN_TEXT "$(RUN)"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!include "languages.nsh"

Section "${APP}" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "/oname=Vivify.exe" "${EXE}"
  File "${FFDIR}\ffmpeg.exe"
  File "${FFDIR}\ffprobe.exe"
  File "${FFDIR}\LICENSE-ffmpeg.txt"
  File "${FFDIR}\README-ffmpeg.txt"
  WriteUninstaller "$INSTDIR\Uninstall Vivify.exe"
  CreateShortCut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\Vivify.exe" "" "$INSTDIR\Vivify.exe" 0

  ; "Open with Vivify" for pictures.
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "$(PICTURE)"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\Vivify.exe,0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\Vivify.exe" "%1"'
  WriteRegStr HKCU "Software\Classes\Applications\Vivify.exe\shell\open\command" "" '"$INSTDIR\Vivify.exe" "%1"'
  WriteRegStr HKCU "Software\Classes\Applications\Vivify.exe" "FriendlyAppName" "${APP}"
  !insertmacro OpenWith .png
  !insertmacro OpenWith .jpg
  !insertmacro OpenWith .jpeg
  !insertmacro OpenWith .gif
  !insertmacro OpenWith .webp

  ; Apps & features lists it, with its icon, and uninstalls it.
  WriteRegStr HKCU "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINST}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST}" "Publisher" "The Vivify developers"
  WriteRegStr HKCU "${UNINST}" "DisplayIcon" "$INSTDIR\Vivify.exe,0"
  WriteRegStr HKCU "${UNINST}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST}" "UninstallString" '"$INSTDIR\Uninstall Vivify.exe"'
  WriteRegStr HKCU "${UNINST}" "QuietUninstallString" '"$INSTDIR\Uninstall Vivify.exe" /S'
  WriteRegDWORD HKCU "${UNINST}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST}" "NoRepair" 1
SectionEnd

Section /o "$(SEC_Desktop)" SecDesktop
  CreateShortCut "$DESKTOP\${APP}.lnk" "$INSTDIR\Vivify.exe" "" "$INSTDIR\Vivify.exe" 0
SectionEnd

!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} $(DESC_App)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecDesktop} $(DESC_Desktop)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Section "Uninstall"
  Delete "$INSTDIR\Vivify.exe"
  Delete "$INSTDIR\ffmpeg.exe"
  Delete "$INSTDIR\ffprobe.exe"
  Delete "$INSTDIR\LICENSE-ffmpeg.txt"
  Delete "$INSTDIR\README-ffmpeg.txt"
  Delete "$INSTDIR\Uninstall Vivify.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$DESKTOP\${APP}.lnk"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegKey HKCU "Software\Classes\Applications\Vivify.exe"
  !insertmacro UnOpenWith .png
  !insertmacro UnOpenWith .jpg
  !insertmacro UnOpenWith .jpeg
  !insertmacro UnOpenWith .gif
  !insertmacro UnOpenWith .webp
  DeleteRegKey HKCU "${UNINST}"
  DeleteRegKey HKCU "Software\${APP}"
  ; The videos (Videos\Vivify, or the folder chosen in Settings) are the
  ; creator's: they stay.
SectionEnd
