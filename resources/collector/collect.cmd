@echo off
rem Dump Doctor evidence collector, version 1.
rem For Windows Vista SP2, 7, Server 2008 and 2008 R2, which cannot run the Dump Doctor program.
rem Uses only tools that come with Windows: no PowerShell, no downloads, nothing sent anywhere.
rem It writes a folder in the Dump Doctor bundle layout next to this script; open that folder (or a
rem zip of it) with Dump Doctor on another computer.
rem   collect.cmd /unattended   runs without waiting for a key at the end (for remote or scheduled runs).
rem Delayed expansion would eat a "!" in the script's own path ("D:\Support!\"), so it is turned on
rem only after moving into the script's folder: from then on every path is relative to it.
setlocal EnableExtensions DisableDelayedExpansion
set "PAUSE_AT_END=1"
for %%A in (%*) do if /i "%%~A"=="/unattended" set "PAUSE_AT_END=0"

rem A 32-bit program that starts this script on 64-bit Windows would see the 32-bit System32
rem (SysWOW64) and a redirected registry; start again with the native 64-bit cmd.exe. cmd /c strips
rem the outer quotes of ""script" args", so a quoted script path and quoted arguments both survive.
if exist "%SystemRoot%\Sysnative\cmd.exe" (
  "%SystemRoot%\Sysnative\cmd.exe" /c ""%~f0" %*"
  exit /b
)
pushd "%~dp0"
if not exist "%~nx0" (
  echo Could not open the folder that holds this script.
  exit /b 1
)
setlocal EnableDelayedExpansion

rem Elevated: the token carries the High (or System) integrity label. `net session` is the fallback
rem for machines where whoami cannot say (it also needs administrator rights).
set "ADMIN=0"
whoami /groups 2>nul | find "S-1-16-12288" >nul && set "ADMIN=1"
whoami /groups 2>nul | find "S-1-16-16384" >nul && set "ADMIN=1"
if "!ADMIN!"=="0" net session >nul 2>&1 && set "ADMIN=1"
if "!ADMIN!"=="0" (
  echo.
  echo This collector must run as administrator.
  echo Close this window, right-click collect.cmd and choose "Run as administrator".
  echo.
  if "!PAUSE_AT_END!"=="1" pause
  exit /b 1
)

set "OUT=DumpDoctor-!COMPUTERNAME!"
set "N=1"
:find_free_folder
if exist "!OUT!" (
  set /a N+=1
  set "OUT=DumpDoctor-!COMPUTERNAME!-!N!"
  goto find_free_folder
)
mkdir "!OUT!\registry"
mkdir "!OUT!\events"
mkdir "!OUT!\dumps\Minidump"
mkdir "!OUT!\drivers"
mkdir "!OUT!\system"
if not exist "!OUT!\system" (
  call :say_folder "Could not create"
  echo Copy this folder somewhere writable ^(a USB stick or the desktop^) and run it again.
  if "!PAUSE_AT_END!"=="1" pause
  exit /b 1
)
set "LOG=!OUT!\system\collector-log.txt"
echo Dump Doctor collector 1 > "!LOG!"
call :say_folder "Writing to"

echo [1/5] Registry settings ...
set "CCS=HKLM\SYSTEM\CurrentControlSet"
call :regexport "%CCS%\Control\CrashControl" CrashControl.reg
call :regexport "%CCS%\Control\Session Manager\Memory Management" MemoryManagement.reg
call :regexport "%CCS%\Control\Power" Power.reg
call :regexport "%CCS%\Control\ComputerName" ComputerName.reg
call :regexport "%CCS%\Control\Session Manager\Environment" Environment.reg
call :regexport "HKLM\SYSTEM\Select" Select.reg
call :regexport "%CCS%\Services" Services.reg
set "SERVICES_OK=!EXPORT_OK!"
call :regexport "%CCS%\Enum" Enum.reg
set "ENUM_OK=!EXPORT_OK!"
call :regexport "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" CurrentVersion.reg
rem Some Enum keys are readable by SYSTEM only; if an export stops there, save the whole hive instead.
if "!SERVICES_OK!!ENUM_OK!" NEQ "11" (
  reg save "HKLM\SYSTEM" "!OUT!\registry\SYSTEM" /y >>"!LOG!" 2>&1
)

echo [2/5] System event log ...
rem The System-log queries are written here by Dump Doctor when it saves this script
rem (core/bundle/collector.py, from the one table in core/events/relevant.py).
@SYSTEM_EVENT_QUERIES@
rem The log may have been moved (Event Viewer, Properties, Log path): measure the file Windows uses.
set "EVTX_FILE=%SystemRoot%\System32\winevt\Logs\System.evtx"
call :regvalue "HKLM\SYSTEM\CurrentControlSet\Services\EventLog\System" File
if defined REGVALUE call set "EVTX_FILE=!REGVALUE!"
set "EVTX_SIZE="
for %%F in ("!EVTX_FILE!") do set "EVTX_SIZE=%%~zF"
rem Unknown or more than 8 digits counts as too big (cmd compares numbers only up to 2^31).
set "EVTX_SMALL=0"
if defined EVTX_SIZE if "!EVTX_SIZE:~8!"=="" if !EVTX_SIZE! LSS 20971520 set "EVTX_SMALL=1"
if "!EVTX_SMALL!"=="1" (
  wevtutil epl System "!OUT!\events\System.evtx" >>"!LOG!" 2>&1
) else (
  echo !EVTX_FILE! is !EVTX_SIZE! bytes; only the relevant events were saved. >>"!LOG!"
)

echo [3/5] Crash dumps ...
set "MDIR=%SystemRoot%\Minidump"
call :regvalue "%CCS%\Control\CrashControl" MinidumpDir
if defined REGVALUE call set "MDIR=!REGVALUE!"
if exist "%SystemRoot%\Minidump\*.dmp" copy /y "%SystemRoot%\Minidump\*.dmp" "!OUT!\dumps\Minidump\" >>"!LOG!" 2>&1
if exist "!MDIR!\*.dmp" copy /y "!MDIR!\*.dmp" "!OUT!\dumps\Minidump\" >>"!LOG!" 2>&1
rem MEMORY.DMP can be many GB and Windows has no tool to copy only its header; note its size instead.
set "DUMPFILE=%SystemRoot%\MEMORY.DMP"
call :regvalue "%CCS%\Control\CrashControl" DumpFile
if defined REGVALUE call set "DUMPFILE=!REGVALUE!"
if exist "!DUMPFILE!" (
  dir "!DUMPFILE!" > "!OUT!\system\memory-dmp.txt" 2>&1
) else (
  echo No memory dump at !DUMPFILE! > "!OUT!\system\memory-dmp.txt"
)
rem A dedicated dump file holds the dump when the page file cannot; LiveKernelReports (Windows 8 and
rem later) holds dumps of recovered hangs. Files up to 64 MB are copied; larger ones are listed.
call :regvalue "%CCS%\Control\CrashControl" DedicatedDumpFile
if defined REGVALUE (
  call set "DEDICATED=!REGVALUE!"
  if exist "!DEDICATED!" call :copysmall "!DEDICATED!" .
)
if exist "%SystemRoot%\LiveKernelReports\" (
  mkdir "!OUT!\dumps\LiveKernelReports"
  for /r "%SystemRoot%\LiveKernelReports" %%F in (*.dmp) do call :copysmall "%%F" LiveKernelReports
)

echo [4/5] Drivers that write crash dumps ...
for %%D in (@DUMP_STACK_FILES@) do (
  if exist "%SystemRoot%\System32\drivers\%%D" copy /y "%SystemRoot%\System32\drivers\%%D" "!OUT!\drivers\" >>"!LOG!" 2>&1
)
rem The boot disk's miniport writes the dump: copy every driver in the "SCSI miniport" group.
set "KEY="
for /f "tokens=*" %%L in ('reg query "%CCS%\Services" /s /v Group 2^>nul') do (
  set "LINE=%%L"
  if /i "!LINE:~0,5!"=="HKEY_" (
    set "KEY=%%L"
  ) else (
    if /i not "!LINE:SCSI miniport=!"=="!LINE!" call :copydriver "!KEY!"
  )
)
rem A virtual miniport need not be in that group, but the one serving the boot disk starts at boot
rem (Start = 0): copy every boot-start driver too (a few MB; Dump Doctor checks their imports).
set "KEY="
for /f "tokens=*" %%L in ('reg query "%CCS%\Services" /s /v Start 2^>nul') do (
  set "LINE=%%L"
  if /i "!LINE:~0,5!"=="HKEY_" (
    set "KEY=%%L"
  ) else (
    for /f "tokens=1,3" %%A in ("%%L") do if /i "%%A"=="Start" if "%%B"=="0x0" call :copydriver "!KEY!"
  )
)

echo [5/5] System information ...
ver > "!OUT!\system\ver.txt" 2>&1
systeminfo > "!OUT!\system\systeminfo.txt" 2>&1
driverquery /v > "!OUT!\system\driverquery.txt" 2>&1
rem Dump readiness facts: free space, page files in use, RAM (wmic lives in System32\wbem from
rem Vista to 10; where it fails the files stay empty and Dump Doctor says "not known"), and the
rem dump stack's own log at the root of the system drive.
wmic logicaldisk where "DriveType=3" get DeviceID,FreeSpace,Size /format:csv > "!OUT!\system\volumes.csv" 2>>"!LOG!"
wmic pagefile get AllocatedBaseSize,CurrentUsage,Name /format:csv > "!OUT!\system\pagefiles.csv" 2>>"!LOG!"
wmic computersystem get TotalPhysicalMemory /format:csv > "!OUT!\system\memory.csv" 2>>"!LOG!"
if exist "%SystemDrive%\DumpStack.log" copy /y "%SystemDrive%\DumpStack.log" "!OUT!\system\" >>"!LOG!" 2>&1
if exist "%SystemDrive%\DumpStack.log.tmp" copy /y "%SystemDrive%\DumpStack.log.tmp" "!OUT!\system\" >>"!LOG!" 2>&1

rem A manifest the reader accepts; file hashes are left to Dump Doctor (Windows has no built-in
rem SHA-256 tool on every version this runs on). echo writes the OEM code page, and UTF-8 output
rem (chcp 65001) stops batch files on Windows 7: so the manifest holds ASCII only, which is UTF-8.
rem A computer name or date with other characters is left out (registry\ComputerName.reg has it).
set "NAME_TEXT=by collect.cmd; the computer name is in registry\\ComputerName.reg"
call :ascii "!COMPUTERNAME!" && set "NAME_TEXT=on !COMPUTERNAME! by collect.cmd"
set "WHEN_TEXT="
call :ascii "!DATE! !TIME!" && set "WHEN_TEXT=!DATE! !TIME!"
rem One redirection per line: Wine's cmd does not redirect a parenthesised block as a whole.
>"!OUT!\manifest.json" echo {
>>"!OUT!\manifest.json" echo   "format_version": 1,
>>"!OUT!\manifest.json" echo   "tool": "collector 1",
>>"!OUT!\manifest.json" echo   "created_local": "!WHEN_TEXT!",
>>"!OUT!\manifest.json" echo   "source": "collected !NAME_TEXT!",
>>"!OUT!\manifest.json" echo   "left_out": [{"what": "MEMORY.DMP", "why": "too large to collect with built-in tools; see system/memory-dmp.txt"}],
>>"!OUT!\manifest.json" echo   "redacted": {"applied": false, "kinds": [], "count": 0}
>>"!OUT!\manifest.json" echo }

echo.
call :say_folder "Done. Send the whole folder"
echo to your helpdesk (zip it first: right-click it, Send to, Compressed ^(zipped^) folder).
echo.
if "!PAUSE_AT_END!"=="1" pause
exit /b 0

:say_folder
rem %1 = words; shows them and the output folder's full path, read without delayed expansion.
setlocal DisableDelayedExpansion
echo %~1 "%CD%\%OUT%"
endlocal
goto :eof

:regexport
rem %1 = key, %2 = file name under registry\
set "EXPORT_OK=0"
reg export "%~1" "!OUT!\registry\%~2" /y >>"!LOG!" 2>&1
if not errorlevel 1 set "EXPORT_OK=1"
goto :eof

:regvalue
rem %1 = key, %2 = value name; sets REGVALUE (unexpanded) or clears it
set "REGVALUE="
for /f "tokens=2,*" %%A in ('reg query "%~1" /v %2 2^>nul ^| find /i "%2"') do set "REGVALUE=%%B"
goto :eof

:copydriver
rem %1 = service key; copies the file its ImagePath names (default: drivers\<service>.sys)
set "SVC=%~nx1"
call :regvalue "%~1" ImagePath
set "IMG=!REGVALUE!"
if not defined IMG set "IMG=System32\drivers\!SVC!.sys"
if /i "!IMG:~0,12!"=="\SystemRoot\" set "IMG=%SystemRoot%\!IMG:~12!"
if "!IMG:~0,4!"=="\??\" set "IMG=!IMG:~4!"
call set "IMG=!IMG!"
if not "!IMG:~1,1!"==":" set "IMG=%SystemRoot%\!IMG!"
if exist "!IMG!" copy /y "!IMG!" "!OUT!\drivers\" >>"!LOG!" 2>&1
goto :eof

:copysmall
rem %1 = file, %2 = folder under dumps\ (a name, not a path: a "!" in the output path must never
rem pass through %2); copies files up to 64 MB, lists larger ones in system\large-dumps.txt
set "SMALL=0"
set "FSIZE=%~z1"
if defined FSIZE if "!FSIZE:~8!"=="" if !FSIZE! LEQ 67108864 set "SMALL=1"
if "!SMALL!"=="1" (
  copy /y "%~1" "!OUT!\dumps\%~2\" >>"!LOG!" 2>&1
) else (
  dir "%~1" >> "!OUT!\system\large-dumps.txt" 2>&1
)
goto :eof

:ascii
rem %1 = text; errorlevel 0 when it holds only letters, digits and . , : / - _ and spaces (JSON-safe
rem ASCII). findstr ranges such as [a-z] also match accented letters, hence the spelled-out class.
echo %~1| findstr /r /x /c:"[0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,:/_-]*" >nul
goto :eof
