<#
.SYNOPSIS
    Dump Doctor detection script for Intune remediations, ConfigMgr configuration items and RMM tools.

.DESCRIPTION
    Runs dumpdoctor-cli.exe on this machine (read-only: registry, System event log, crash dump
    headers, storage drivers) and prints the one-line summary as the last line of output, at most
    2,048 characters: Intune keeps exactly that line and the exit code.

    Run it as SYSTEM (Intune: "Run this script using the logged-on credentials" = No) so the
    registry hives and the System log can be read.

.PARAMETER CliPath
    Where dumpdoctor-cli.exe is. Default: beside this script, else Program Files\Dump Doctor.

.PARAMETER IncludeAtRisk
    Also report machines that have every condition of the known issue but have not crashed yet.

.NOTES
    Exit codes:
      0  nothing to do: the machine does not match the known issue, and it can write a crash dump
         (or Dump Doctor cannot tell yet whether it can)
      1  needs attention: it matches the known issue, or its next crash cannot leave a dump
         (dump readiness "not-ready"); with -IncludeAtRisk also "at-risk"
      2  Dump Doctor did not run or could not examine this machine (the line says why)
#>
[CmdletBinding()]
param(
    [string]$CliPath = "",
    [switch]$IncludeAtRisk
)

$MaxLine = 2048
$NotReady = @('not-ready')

function Write-Last([string]$Text) {
    $clean = ($Text -replace '[\r\n]+', ' ')
    if ($clean.Length -gt $MaxLine) { $clean = $clean.Substring(0, $MaxLine - 3) + '...' }
    Write-Output $clean
}

if (-not $CliPath) {
    $candidates = @((Join-Path $PSScriptRoot 'dumpdoctor-cli.exe'),
                    (Join-Path $env:ProgramFiles 'Dump Doctor\dumpdoctor-cli.exe'))
    $CliPath = $candidates | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
}
if (-not $CliPath -or -not (Test-Path -LiteralPath $CliPath)) {
    Write-Last "Dump Doctor: dumpdoctor-cli.exe not found (give -CliPath)"
    exit 2
}

# One JSON line for this computer (docs/report-schema.md, "Triage rows").
$output = & $CliPath triage --json 2>$null
$cliExit = $LASTEXITCODE
$json = @($output | Where-Object { $_ -match '^\s*\{' }) | Select-Object -Last 1
if (-not $json) {
    Write-Last "Dump Doctor: no result from $CliPath (exit $cliExit)"
    exit 2
}
try {
    $row = $json | ConvertFrom-Json
} catch {
    Write-Last "Dump Doctor: unreadable result from $CliPath (exit $cliExit)"
    exit 2
}

Write-Last ([string]$row.summary)

if ($row.verdict -eq 'error') { exit 2 }
$matchesIssue = ($row.verdict -eq 'matches') -or ($IncludeAtRisk -and $row.verdict -eq 'at-risk')
$cannotWriteDump = $NotReady -contains [string]$row.dump_readiness
if ($matchesIssue -or $cannotWriteDump) { exit 1 }
exit 0
