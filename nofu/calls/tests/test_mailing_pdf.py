"""GET /calls/mailing/<pk>/pdf serves the printed labels and audits the download."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from nofu.audit.models import AuditEvent
from nofu.calls import actions
from nofu.calls.tests.base import WorkspaceCase
from nofu.calls.tests.test_mailing import queue_one


class MailingPdfTests(WorkspaceCase):
    def test_pdf(self) -> None:
        queue_one(self)
        batch = actions.mailing_batch_create(actor=self.mia)
        self.login(self.mia)
        r = self.client.get(f"/calls/mailing/{batch.pk}/pdf")
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertTrue(r.content.startswith(b"%PDF"))
        self.assertTrue(AuditEvent.objects.filter(action="mailing.download").exists())
        self.assertEqual(self.client.get("/calls/mailing/999999/pdf").status_code, 404)

    def test_the_japanese_font_travels_with_the_pdf(self) -> None:
        """The city's printer has no fonts of ours: the labels embed their Japanese font
        (IPAex Gothic, installed by `make test` / scripts/install-system-deps.sh)."""
        queue_one(self)
        batch = actions.mailing_batch_create(actor=self.mia)
        self.login(self.mia)
        pdf = self.client.get(f"/calls/mailing/{batch.pk}/pdf").content
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "labels.pdf"
            path.write_bytes(pdf)
            fonts = subprocess.run(
                ["pdffonts", str(path)], capture_output=True, text=True, check=True
            ).stdout
            text = subprocess.run(
                ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
            ).stdout
        rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
        japanese = [r for r in rows if r[0] != "Helvetica"]  # reportlab's idle default font
        self.assertTrue(japanese, fonts)
        for row in japanese:  # name type encoding emb sub uni object ID
            self.assertEqual(row[-5], "yes", f"font not embedded: {row}")
        self.assertIn("山田 太郎", text)
