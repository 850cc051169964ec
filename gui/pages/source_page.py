"""Page 1, "Where to look": this computer, a Windows folder, evidence from another computer, or
the demo. What is offered and why an option is disabled comes from the flow."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core.errors import UsageError
from core.wizard.evidence_check import label_path
from core.wizard.flow import SourceChoice, Step
from gui.elevation import request_admin_restart
from gui.pages.base import FlowPage, WizardHost
from gui.widgets import wrapped

DESCRIPTIONS = {
    SourceChoice.THIS_COMPUTER: "Examine the Windows installation Dump Doctor is running on.",
    SourceChoice.FOLDER: ("A Windows installation copied or mounted from another disk: choose the "
                          "folder that holds the Windows folder (for example a mounted C: drive)."),
    SourceChoice.OTHER_COMPUTER: ("A support bundle (.zip or folder) from the Dump Doctor collector, or "
                                  "loose files: crash dumps, registry hives or .reg exports, .evtx or XML "
                                  "event logs, driver files. You can also drop files anywhere on this "
                                  "window."),
    SourceChoice.DEMO: ("Sample evidence from a machine with the known problem, to see what Dump Doctor "
                        "reports."),
}
FILES_FILTER = ("All files (*);;Crash dumps (*.dmp);;Event logs (*.evtx *.xml);;"
                "Registry exports (*.reg);;Drivers (*.sys)")

LABELS = {
    SourceChoice.THIS_COMPUTER: "&This computer",
    SourceChoice.FOLDER: "A &Windows folder",
    SourceChoice.OTHER_COMPUTER: "Evidence from &another computer",
    SourceChoice.DEMO: "&Demo evidence",
}


class SourcePage(FlowPage):
    step = Step.SOURCE

    def __init__(self, wizard: WizardHost) -> None:
        super().__init__(wizard)
        self.setTitle("Where should Dump Doctor look?")
        self.setSubTitle("Choose the evidence to examine. Nothing is changed on the computer or in the "
                         "files you choose.")
        self.group = QButtonGroup(self)
        self.radios: dict[SourceChoice, QRadioButton] = {}
        self.notes: dict[SourceChoice, QWidget] = {}
        self.file_labels: list[QLabel] = []
        self.remove_buttons: list[QToolButton] = []
        layout = self.scrolled_body()

        for choice in SourceChoice:
            radio = QRadioButton(LABELS[choice])
            radio.setObjectName(f"choice-{choice}")
            radio.setAccessibleName(LABELS[choice].replace("&", ""))
            radio.setAccessibleDescription(DESCRIPTIONS[choice])
            self.group.addButton(radio)
            self.radios[choice] = radio
            radio.toggled.connect(lambda on, c=choice: self._toggled(on, c))
            layout.addWidget(radio)
            box = QVBoxLayout()
            box.setContentsMargins(24, 0, 0, 8)
            box.addWidget(wrapped(DESCRIPTIONS[choice]))
            layout.addLayout(box)
            if choice is SourceChoice.THIS_COMPUTER:
                self.live_note = wrapped(name="this-computer-note")
                box.addWidget(self.live_note)
                self.elevate_button = QPushButton("Restart as ad&ministrator")
                self.elevate_button.setObjectName("restart-as-admin")
                self.elevate_button.setAccessibleName("Restart as administrator")
                self.elevate_button.clicked.connect(self._restart_elevated)
                row = QHBoxLayout()
                row.addWidget(self.elevate_button)
                row.addStretch(1)
                box.addLayout(row)
            elif choice is SourceChoice.FOLDER:
                row = QHBoxLayout()
                self.folder_edit = QLineEdit()
                self.folder_edit.setObjectName("folder-path")
                self.folder_edit.setAccessibleName("Windows folder path")
                self.folder_edit.setPlaceholderText("Folder that holds Windows\\System32")
                # checked as it is typed or pasted: Next and the reason follow every keystroke
                self.folder_edit.textEdited.connect(self._folder_typed)
                self.folder_edit.setAcceptDrops(False)  # drops anywhere go to the window's handler
                browse = QPushButton("Choose &folder…")
                browse.setObjectName("choose-folder")
                browse.clicked.connect(self._browse_folder)
                row.addWidget(self.folder_edit, 1)
                row.addWidget(browse)
                box.addLayout(row)
            elif choice is SourceChoice.OTHER_COMPUTER:
                row = QHBoxLayout()
                open_zip = QPushButton("Open bundle &zip…")
                open_zip.setObjectName("open-bundle-zip")
                open_zip.clicked.connect(self._browse_zip)
                open_dir = QPushButton("Open bundle f&older…")
                open_dir.setObjectName("open-bundle-folder")
                open_dir.clicked.connect(self._browse_bundle_folder)
                add_files = QPushButton("Add evidence f&iles…")
                add_files.setObjectName("add-evidence-files")
                add_files.clicked.connect(self._browse_files)
                for b in (open_zip, open_dir, add_files):
                    row.addWidget(b)
                row.addStretch(1)
                box.addLayout(row)
                # Vista/7/2008 cannot run this program (Qt 6 needs Windows 10): give them the collector.
                collector_row = QHBoxLayout()
                self.collector_button = QPushButton("Save the &collector for an older PC…")
                self.collector_button.setObjectName("save-collector")
                self.collector_button.setAccessibleName("Save the evidence collector for Windows Vista, "
                                                        "7, Server 2008 or 2008 R2")
                self.collector_button.setToolTip("Windows Vista, 7, Server 2008 and 2008 R2 cannot run "
                                                 "Dump Doctor. The collector gathers the evidence there "
                                                 "with built-in Windows tools only.")
                self.collector_button.clicked.connect(self._save_collector)
                collector_row.addWidget(self.collector_button)
                collector_row.addStretch(1)
                box.addLayout(collector_row)
                # each added file: what it was identified as (by content), and a way to remove it
                self.file_list = QWidget()
                self.file_list.setObjectName("evidence-files")
                self.file_list.setAccessibleName("Chosen evidence files")
                self.file_rows = QVBoxLayout(self.file_list)
                self.file_rows.setContentsMargins(0, 0, 0, 0)
                self.file_rows.setSpacing(2)
                box.addWidget(self.file_list)

        layout.addStretch(1)
        self.status = wrapped(name="source-status", selectable=True)
        # below the scroll area: what is missing before Next can be used is never scrolled away
        self.footer.addWidget(self.status)
        self.show_choice()

    # --- showing the flow's state ----------------------------------------------------------

    def show_choice(self) -> None:
        flow = self.host.flow
        for state in flow.choices():
            radio = self.radios[state.choice]
            radio.setEnabled(state.enabled)
            radio.setToolTip(state.reason)
        live = flow.choice_state(SourceChoice.THIS_COMPUTER)
        self.live_note.setText(live.reason or live.advice)
        self.live_note.setVisible(bool(live.reason or live.advice))
        self.elevate_button.setVisible(live.offer_elevation)
        chosen = flow.data.choice
        if chosen is not None:
            self.radios[chosen].setChecked(True)
        folder_text = str(flow.data.folder) if flow.data.folder else ""
        if self.folder_edit.text().strip() != folder_text:
            self.folder_edit.setText(folder_text)
        self._show_files(flow.data.files)
        self._show_gate()

    def _show_files(self, files: list[Path]) -> None:
        while self.file_rows.count():
            item = self.file_rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.file_labels, self.remove_buttons = [], []
        for path in files:
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            what = label_path(path)
            label = wrapped(f"{path.name or path} — {what.text}", name="evidence-file")
            label.setToolTip(str(path))
            remove = QToolButton()
            remove.setObjectName("remove-file")
            remove.setText("Remove")
            remove.setAccessibleName(f"Remove {path.name or path}")
            remove.setToolTip(f"Remove {path} from the evidence")
            remove.clicked.connect(lambda _checked=False, p=path: self._remove(p))
            line.addWidget(label, 1)
            line.addWidget(remove, 0, Qt.AlignmentFlag.AlignTop)
            self.file_rows.addWidget(row)
            self.file_labels.append(label)
            self.remove_buttons.append(remove)
        self.file_list.setVisible(bool(files))

    def _remove(self, path: Path) -> None:
        self.host.flow.remove_file(path)
        self.show_choice()

    def _show_gate(self) -> None:
        flow = self.host.flow
        gate = flow.can_advance(self.step)
        check = flow.data.folder_check
        warning = (check.message if flow.data.choice is SourceChoice.FOLDER and check is not None
                   and check.ok else "")
        self.status.setText(warning if gate else gate.reason)
        self.completeChanged.emit()

    # --- user actions ----------------------------------------------------------------------

    def _toggled(self, on: bool, choice: SourceChoice) -> None:
        if on:
            self._chosen(choice)

    def _chosen(self, choice: SourceChoice) -> None:
        try:
            self.host.flow.choose(choice)
        except UsageError as exc:  # a disabled option cannot normally be clicked; say why anyway
            self.status.setText(exc.message)
            return
        self._show_gate()

    def _folder_typed(self, _text: str = "") -> None:
        text = self.folder_edit.text().strip()
        self.host.flow.set_folder(Path(text) if text else None)
        self.radios[SourceChoice.FOLDER].setChecked(True)
        self._show_gate()

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the Windows folder")
        if folder:
            self.host.flow.set_folder(Path(folder))
            self.show_choice()

    def _browse_zip(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open a support bundle", "",
                                              "Support bundles (*.zip);;All files (*)")
        if name:
            self.host.flow.set_files([Path(name)])
            self.show_choice()

    def _browse_bundle_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open a support bundle folder")
        if folder:
            self.host.flow.set_files([Path(folder)])
            self.show_choice()

    def _browse_files(self) -> None:
        # All files first: evidence is recognised by its content, and real files are named
        # SYSTEM_win7sp1, SYSTEM.LOG1, crash1.bin, ... which a name filter would hide
        names, _ = QFileDialog.getOpenFileNames(self, "Add evidence files", "", FILES_FILTER)
        if names:
            self.host.flow.set_files([*self.host.flow.data.files, *(Path(n) for n in names)])
            self.show_choice()

    def _save_collector(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Save the collector into this folder "
                                                  "(a USB stick works well)")
        if not folder:
            return
        try:
            written = self.host.services.save_collector(Path(folder))
        except UsageError as exc:
            self.status.setText(f"The collector could not be saved: {exc}")
            return
        script = next((p for p in written if p.suffix.lower() == ".cmd"), written[0])
        self.status.setText(f"Saved {script.name} and README.txt in {folder}. On the older PC, "
                            f"right-click {script.name} and choose “Run as administrator”, then open the "
                            "folder it writes here.")

    def _restart_elevated(self) -> None:
        result = request_admin_restart()
        if result.started:
            QApplication.quit()
        else:
            self.status.setText(f"{result.message} You can go on without administrator rights.")
