@echo off
rem Dump Doctor evidence collector, version 1.
rem For Windows Vista SP2, 7, Server 2008 and 2008 R2, which cannot run the Dump Doctor program.
rem Uses only tools that come with Windows: no PowerShell, no downloads, nothing sent anywhere.
rem It writes a folder in the Dump Doctor bundle layout next to this script; open that folder (or a
rem zip of it) with Dump Doctor on another computer.
setlocal EnableExtensions EnableDelayedExpansion

rem A 32-bit program that starts this script on 64-bit Windows would see the 32-bit System32
rem (SysWOW64) and a redirected registry; start again with the native 64-bit cmd.exe.
if exist "%SystemRoot%\Sysnative\cmd.exe" (
  "%SystemRoot%\Sysnative\cmd.exe" /c "%~f0" %*
  exit /b
)

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
  pause
  exit /b 1
)

set "OUT=%~dp0DumpDoctor-%COMPUTERNAME%"
set "N=1"
:find_free_folder
if exist "%OUT%" (
  set /a N+=1
  set "OUT=%~dp0DumpDoctor-%COMPUTERNAME%-!N!"
  goto find_free_folder
)
mkdir "%OUT%\registry"
mkdir "%OUT%\events"
mkdir "%OUT%\dumps\Minidump"
mkdir "%OUT%\drivers"
mkdir "%OUT%\system"
if not exist "%OUT%\system" (
  echo Could not create "%OUT%". Copy this folder somewhere writable ^(a USB stick or the desktop^) and run it again.
  pause
  exit /b 1
)
set "LOG=%OUT%\system\collector-log.txt"
echo Dump Doctor collector 1 > "%LOG%"
echo Writing to "%OUT%"

echo [1/5] Registry settings ...
set "CCS=HKLM\SYSTEM\CurrentControlSet"
call :regexport "%CCS%\Control\CrashControl" CrashControl.reg
call :regexport "%CCS%\Control\Session Manager\Memory Management" MemoryManagement.reg
call :regexport "%CCS%\Control\Power" Power.reg
call :regexport "%CCS%\Control\ComputerName" ComputerName.reg
call :regexport "HKLM\SYSTEM\Select" Select.reg
call :regexport "%CCS%\Services" Services.reg
set "SERVICES_OK=!EXPORT_OK!"
call :regexport "%CCS%\Enum" Enum.reg
set "ENUM_OK=!EXPORT_OK!"
call :regexport "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" CurrentVersion.reg
rem Some Enum keys are readable by SYSTEM only; if an export stops there, save the whole hive instead.
if "!SERVICES_OK!!ENUM_OK!" NEQ "11" (
  reg save "HKLM\SYSTEM" "%OUT%\registry\SYSTEM" /y >>"%LOG%" 2>&1
)

echo [2/5] System event log ...
rem The System-log queries are written here by Dump Doctor when it saves this script
rem (core/bundle/collector.py, from the one table in core/events/relevant.py).
@SYSTEM_EVENT_QUERIES@
set "EVTX_SIZE=0"
for %%F in ("%SystemRoot%\System32\winevt\Logs\System.evtx") do set "EVTX_SIZE=%%~zF"
if !EVTX_SIZE! LSS 20971520 (
  wevtutil epl System "%OUT%\events\System.evtx" >>"%LOG%" 2>&1
) else (
  echo System.evtx is !EVTX_SIZE! bytes; only the relevant events were saved. >>"%LOG%"
)

echo [3/5] Crash dumps ...
set "MDIR=%SystemRoot%\Minidump"
call :regvalue "%CCS%\Control\CrashControl" MinidumpDir
if defined REGVALUE call set "MDIR=!REGVALUE!"
if exist "%SystemRoot%\Minidump\*.dmp" copy /y "%SystemRoot%\Minidump\*.dmp" "%OUT%\dumps\Minidump\" >>"%LOG%" 2>&1
if exist "!MDIR!\*.dmp" copy /y "!MDIR!\*.dmp" "%OUT%\dumps\Minidump\" >>"%LOG%" 2>&1
rem MEMORY.DMP can be many GB and Windows has no tool to copy only its header; note its size instead.
set "DUMPFILE=%SystemRoot%\MEMORY.DMP"
call :regvalue "%CCS%\Control\CrashControl" DumpFile
if defined REGVALUE call set "DUMPFILE=!REGVALUE!"
if exist "!DUMPFILE!" (
  dir "!DUMPFILE!" > "%OUT%\system\memory-dmp.txt" 2>&1
) else (
  echo No memory dump at !DUMPFILE! > "%OUT%\system\memory-dmp.txt"
)

echo [4/5] Drivers that write crash dumps ...
for %%D in (diskdump.sys crashdmp.sys storport.sys dumpata.sys) do (
  if exist "%SystemRoot%\System32\drivers\%%D" copy /y "%SystemRoot%\System32\drivers\%%D" "%OUT%\drivers\" >>"%LOG%" 2>&1
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
ver > "%OUT%\system\ver.txt" 2>&1
systeminfo > "%OUT%\system\systeminfo.txt" 2>&1
driverquery /v > "%OUT%\system\driverquery.txt" 2>&1
rem Dump readiness facts: free space, page files in use, RAM (wmic lives in System32\wbem from
rem Vista to 10; where it fails the files stay empty and Dump Doctor says "not known"), and the
rem dump stack's own log at the root of the system drive.
wmic logicaldisk where "DriveType=3" get DeviceID,FreeSpace,Size /format:csv > "%OUT%\system\volumes.csv" 2>>"%LOG%"
wmic pagefile get AllocatedBaseSize,CurrentUsage,Name /format:csv > "%OUT%\system\pagefiles.csv" 2>>"%LOG%"
wmic computersystem get TotalPhysicalMemory /format:csv > "%OUT%\system\memory.csv" 2>>"%LOG%"
if exist "%SystemDrive%\DumpStack.log" copy /y "%SystemDrive%\DumpStack.log" "%OUT%\system\" >>"%LOG%" 2>&1
if exist "%SystemDrive%\DumpStack.log.tmp" copy /y "%SystemDrive%\DumpStack.log.tmp" "%OUT%\system\" >>"%LOG%" 2>&1

rem A manifest the reader accepts; file hashes are left to Dump Doctor (Windows has no built-in
rem SHA-256 tool on every version this runs on).
> "%OUT%\manifest.json" (
  echo {
  echo   "format_version": 1,
  echo   "tool": "collector 1",
  echo   "created_local": "%DATE% %TIME%",
  echo   "source": "collected on %COMPUTERNAME% by collect.cmd",
  echo   "left_out": [{"what": "MEMORY.DMP", "why": "too large to collect with built-in tools; see system/memory-dmp.txt"}],
  echo   "redacted": {"applied": false, "kinds": [], "count": 0}
  echo }
)

echo.
echo Done. Send the whole folder
echo   "%OUT%"
echo to your helpdesk (zip it first: right-click it, Send to, Compressed ^(zipped^) folder).
echo.
pause
exit /b 0

:regexport
rem %1 = key, %2 = file name under registry\
set "EXPORT_OK=0"
reg export "%~1" "%OUT%\registry\%~2" /y >>"%LOG%" 2>&1
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
if exist "!IMG!" copy /y "!IMG!" "%OUT%\drivers\" >>"%LOG%" 2>&1
goto :eof
