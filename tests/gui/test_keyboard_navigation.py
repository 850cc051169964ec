"""Keyboard users must reach every navigation button with Tab, on Windows too."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from core.diagnosis.model import VerdictId
from tests.gui.conftest import fake_services, make_diagnosis, problem_evidence


def test_back_is_a_tab_stop_in_the_button_row(make_wizard, tmp_path) -> None:
    wizard = make_wizard(fake_services(tmp_path, problem_evidence(), make_diagnosis(VerdictId.MATCHES)))
    # AeroStyle moves Back into the title area, out of the Tab order.
    assert wizard.wizardStyle() is not QWizard.WizardStyle.AeroStyle
    back = wizard.button(QWizard.WizardButton.BackButton)
    assert back.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert back.parentWidget() is wizard.button(QWizard.WizardButton.NextButton).parentWidget()
