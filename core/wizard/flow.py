"""The wizard's flow as a UI-agnostic state machine: which steps exist, what each needs before the
user may go on, which step follows which, and when the user may finish.

A front end (the Qt wizard, a test) feeds it user choices and the outcomes of long operations and
asks it what to show; it never decides navigation itself. The shape follows the "navigation map"
idea of Electrum's wizard: one table of steps, each with a rule for what comes next.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from core.errors import UsageError
from core.wizard.evidence_check import FolderCheck, check_windows_folder


class Step(StrEnum):
    SOURCE = "source"
    SCAN = "scan"
    HISTORY = "history"
    DRIVERS = "drivers"
    DIAGNOSIS = "diagnosis"
    BUNDLE = "bundle"


# The wizard's steps in the order they are shown: the enum above is declared in that order, and the
# navigation table below lists them in it (a test holds the two together). Front ends derive their
# page order from this, never write it again.
STEP_ORDER: tuple[Step, ...] = tuple(Step)


class SourceChoice(StrEnum):
    THIS_COMPUTER = "this-computer"
    FOLDER = "folder"  # an offline Windows folder (a mounted disk or a copied C:\)
    OTHER_COMPUTER = "other-computer"  # a support bundle (zip/folder) or loose evidence files
    DEMO = "demo"  # the bundled demo evidence


class OpState(StrEnum):
    """State of a long operation (the scan, the bundle export)."""

    NOT_STARTED = "not-started"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Platform:
    is_windows: bool
    elevated: bool | None = None  # None: unknown or not applicable


@dataclass(frozen=True)
class ChoiceState:
    """How one source option is offered: whether it can be picked and why not, plus advice."""

    choice: SourceChoice
    enabled: bool
    reason: str = ""  # why it is disabled
    advice: str = ""  # shown next to an enabled option (e.g. what needs administrator rights)
    offer_elevation: bool = False  # show "Restart as administrator"


@dataclass(frozen=True)
class Gate:
    """Whether the user may go on, and if not, a sentence saying what is missing."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


NOT_WINDOWS_REASON = ("Only available when Dump Doctor runs on Windows. Copy the Windows folder, or "
                      "collect a support bundle on that computer, and open it here.")
ADMIN_ADVICE = ("Without administrator rights Dump Doctor cannot read MEMORY.DMP, the minidump folder "
                "or the System event log; the diagnosis may be incomplete.")


@dataclass
class WizardData:
    """The user's choices and the outcomes so far."""

    choice: SourceChoice | None = None
    folder: Path | None = None
    folder_check: FolderCheck | None = None  # whether `folder` is a Windows folder, checked as typed
    files: list[Path] = field(default_factory=list)  # a bundle (zip/folder) or loose evidence files
    scan: OpState = OpState.NOT_STARTED
    scan_error: str = ""
    export: OpState = OpState.NOT_STARTED
    export_error: str = ""
    exported_to: Path | None = None


@dataclass(frozen=True)
class _Nav:
    next: Callable[[WizardData], Step | None]
    gate: Callable[[WizardData], Gate]
    can_finish: Callable[[WizardData], bool] = lambda _d: False


class WizardFlow:
    """Navigation rules plus the current position and the path walked so far (for Back)."""

    def __init__(self, platform: Platform, demo_dir: Path | None = None, *,
                 prefer_demo: bool = False) -> None:
        self.platform = platform
        self.demo_dir = demo_dir
        self.data = WizardData()
        self.current = Step.SOURCE
        self._stack: list[Step] = []
        self._nav: dict[Step, _Nav] = {
            Step.SOURCE: _Nav(next=lambda _d: Step.SCAN, gate=self._source_gate),
            Step.SCAN: _Nav(next=lambda _d: Step.HISTORY, gate=self._scan_gate),
            Step.HISTORY: _Nav(next=lambda _d: Step.DRIVERS, gate=lambda _d: Gate(True)),
            Step.DRIVERS: _Nav(next=lambda _d: Step.DIAGNOSIS, gate=lambda _d: Gate(True)),
            Step.DIAGNOSIS: _Nav(next=lambda _d: Step.BUNDLE, gate=lambda _d: Gate(True),
                                 can_finish=lambda _d: True),
            Step.BUNDLE: _Nav(next=lambda _d: None, gate=lambda _d: Gate(True),
                              can_finish=lambda d: d.export is not OpState.RUNNING),
        }
        self.data.choice = self.default_choice(prefer_demo=prefer_demo)

    # --- the source step -------------------------------------------------------------------

    def choices(self) -> list[ChoiceState]:
        live: ChoiceState
        if not self.platform.is_windows:
            live = ChoiceState(SourceChoice.THIS_COMPUTER, False, reason=NOT_WINDOWS_REASON)
        elif self.platform.elevated is False:
            live = ChoiceState(SourceChoice.THIS_COMPUTER, True, advice=ADMIN_ADVICE, offer_elevation=True)
        else:
            live = ChoiceState(SourceChoice.THIS_COMPUTER, True)
        demo = (ChoiceState(SourceChoice.DEMO, True) if self.demo_dir is not None
                else ChoiceState(SourceChoice.DEMO, False, reason="The demo evidence is not installed."))
        return [live,
                ChoiceState(SourceChoice.FOLDER, True),
                ChoiceState(SourceChoice.OTHER_COMPUTER, True),
                demo]

    def choice_state(self, choice: SourceChoice) -> ChoiceState:
        return next(c for c in self.choices() if c.choice is choice)

    def default_choice(self, *, prefer_demo: bool = False) -> SourceChoice | None:
        """Demo when asked for or when this computer cannot be examined; else this computer."""
        demo_ok = self.choice_state(SourceChoice.DEMO).enabled
        if demo_ok and (prefer_demo or not self.platform.is_windows):
            return SourceChoice.DEMO
        if self.platform.is_windows:
            return SourceChoice.THIS_COMPUTER
        return None

    def choose(self, choice: SourceChoice) -> None:
        state = self.choice_state(choice)
        if not state.enabled:
            raise UsageError(state.reason)
        if choice is not self.data.choice:
            self._invalidate_results()
        self.data.choice = choice

    def set_folder(self, folder: Path | None) -> None:
        """The Windows folder, as chosen or as typed so far (None: the field is empty). It is checked
        at once, so the first page can say what is wrong before the scan page."""
        self.choose(SourceChoice.FOLDER)
        if folder != self.data.folder:
            self._invalidate_results()
        self.data.folder = folder
        self.data.folder_check = check_windows_folder(str(folder)) if folder is not None else None

    def remove_file(self, path: Path) -> None:
        self.set_files([p for p in self.data.files if p != path])

    def set_files(self, files: Sequence[Path]) -> None:
        """A bundle (zip or folder) or loose evidence files, e.g. dropped on the window."""
        self.choose(SourceChoice.OTHER_COMPUTER)
        if list(files) != self.data.files:
            self._invalidate_results()
        self.data.files = list(files)

    def source_spec(self) -> str | list[Path] | None:
        """What to hand to core.sources.open_source for the current choice."""
        d = self.data
        if d.choice is SourceChoice.THIS_COMPUTER:
            return None
        if d.choice is SourceChoice.FOLDER and d.folder is not None:
            return str(d.folder)
        if d.choice is SourceChoice.DEMO and self.demo_dir is not None:
            return str(self.demo_dir)
        if d.choice is SourceChoice.OTHER_COMPUTER and d.files:
            # one zip or one folder is a bundle; several files are loose evidence
            if len(d.files) == 1 and (d.files[0].is_dir() or d.files[0].suffix.lower() == ".zip"):
                return str(d.files[0])
            return list(d.files)
        raise UsageError("Choose where to look first.")

    def _source_gate(self, d: WizardData) -> Gate:
        if d.choice is None:
            return Gate(False, "Choose where to look.")
        state = self.choice_state(d.choice)
        if not state.enabled:
            return Gate(False, state.reason)
        if d.choice is SourceChoice.FOLDER and d.folder is None:
            return Gate(False, "Choose the Windows folder to examine.")
        if d.choice is SourceChoice.FOLDER and d.folder_check is not None and not d.folder_check.ok:
            return Gate(False, d.folder_check.message)
        if d.choice is SourceChoice.OTHER_COMPUTER and not d.files:
            return Gate(False, "Open a support bundle, or drop evidence files on this window.")
        return Gate(True)

    # --- the scan step ---------------------------------------------------------------------

    def _scan_gate(self, d: WizardData) -> Gate:
        return {
            OpState.DONE: Gate(True),
            OpState.RUNNING: Gate(False, "The scan is still running."),
            OpState.NOT_STARTED: Gate(False, "The scan has not started."),
            OpState.CANCELLED: Gate(False, "The scan was cancelled; go back, or scan again."),
            OpState.FAILED: Gate(False, d.scan_error or "The scan failed."),
        }[d.scan]

    def scan_started(self) -> None:
        self.data.scan, self.data.scan_error = OpState.RUNNING, ""

    def scan_finished(self) -> None:
        self.data.scan = OpState.DONE

    def scan_failed(self, message: str) -> None:
        self.data.scan, self.data.scan_error = OpState.FAILED, message

    def scan_cancelled(self) -> None:
        self.data.scan = OpState.CANCELLED

    def needs_scan(self) -> bool:
        """Entering the scan step starts a scan unless the current source already has results."""
        return self.data.scan is not OpState.DONE

    # --- the bundle step -------------------------------------------------------------------

    def export_started(self) -> None:
        self.data.export, self.data.export_error, self.data.exported_to = OpState.RUNNING, "", None

    def export_finished(self, path: Path) -> None:
        self.data.export, self.data.exported_to = OpState.DONE, path

    def export_failed(self, message: str) -> None:
        self.data.export, self.data.export_error = OpState.FAILED, message

    def export_cancelled(self) -> None:
        self.data.export = OpState.CANCELLED

    def can_export(self) -> Gate:
        if self.data.scan is not OpState.DONE:
            return Gate(False, "Scan some evidence first.")
        if self.data.export is OpState.RUNNING:
            return Gate(False, "A bundle is being written.")
        return Gate(True)

    # --- navigation ------------------------------------------------------------------------

    def next_step(self, step: Step | None = None) -> Step | None:
        step = step or self.current
        return self._nav[step].next(self.data)

    def can_advance(self, step: Step | None = None) -> Gate:
        step = step or self.current
        if self.next_step(step) is None:
            return Gate(False, "This is the last step.")
        return self._nav[step].gate(self.data)

    def can_finish(self, step: Step | None = None) -> bool:
        return self._nav[step or self.current].can_finish(self.data)

    def can_go_back(self) -> Gate:
        if not self._stack:
            return Gate(False, "This is the first step.")
        if self.current is Step.BUNDLE and self.data.export is OpState.RUNNING:
            return Gate(False, "Wait for the bundle, or cancel it.")
        return Gate(True)

    def advance(self) -> Step:
        gate = self.can_advance()
        if not gate:
            raise UsageError(gate.reason)
        nxt = self.next_step()
        assert nxt is not None  # can_advance said there is one
        self._stack.append(self.current)
        self.current = nxt
        return nxt

    def back(self) -> Step:
        """Go back one step. Leaving a running scan cancels it (the front end stops the work)."""
        gate = self.can_go_back()
        if not gate:
            raise UsageError(gate.reason)
        if self.current is Step.SCAN and self.data.scan is OpState.RUNNING:
            self.scan_cancelled()
        self.current = self._stack.pop()
        return self.current

    def restart(self) -> None:
        """Back to the first step, keeping the choices (results stay valid for the same source)."""
        self._stack.clear()
        self.current = Step.SOURCE

    def path(self) -> list[Step]:
        """Steps walked so far, the current one last."""
        return [*self._stack, self.current]

    def all_steps(self) -> list[Step]:
        """Steps in order from the first one, following the next rules."""
        steps: list[Step] = [Step.SOURCE]
        while (nxt := self._nav[steps[-1]].next(self.data)) is not None:
            steps.append(nxt)
        return steps

    def _invalidate_results(self) -> None:
        # a different source makes the old results meaningless
        self.data.scan, self.data.scan_error = OpState.NOT_STARTED, ""
        self.data.export, self.data.export_error, self.data.exported_to = OpState.NOT_STARTED, "", None
